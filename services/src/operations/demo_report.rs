//! Saving the demo's report: the JSON and its Markdown twin, side by side.

use std::path::Path;

pub use scaleout_domain::views::{
    DemoReport, Metrics, StepRecord, Summary, TenantCheck, ValidationSummary,
};

use crate::error::ServiceError;

/// Writes `scale_out_demo_<YYYYMMDD_HHMMSS>.json` and `.md` into `dir`; returns
/// their paths (also recorded in the saved JSON's `files`).
pub fn write(report: &DemoReport, dir: &Path, at_ms: i64) -> Result<Vec<String>, ServiceError> {
    std::fs::create_dir_all(dir).map_err(|e| {
        ServiceError::Invalid(format!(
            "cannot create the report directory {}: {e}",
            dir.display()
        ))
    })?;
    let [json_name, md_name] = DemoReport::file_names(&crate::clock::file_stamp(at_ms));
    let (json_path, md_path) = (dir.join(json_name), dir.join(md_name));
    let mut with_files = report.clone();
    with_files.files = vec![
        json_path.display().to_string(),
        md_path.display().to_string(),
    ];
    let write = |path: &Path, text: &str| {
        std::fs::write(path, text)
            .map_err(|e| ServiceError::Invalid(format!("cannot write {}: {e}", path.display())))
    };
    write(
        &json_path,
        &serde_json::to_string_pretty(&with_files).expect("the report serialises"),
    )?;
    write(&md_path, &with_files.markdown())?;
    Ok(with_files.files)
}

/// The report of demo job `job`, once it has finished successfully; a clear
/// "not found" for an unknown job, another kind of job, or a demo that is still
/// running or failed.
pub fn of_job(console: &crate::Console, job: u64) -> Result<DemoReport, ServiceError> {
    use scaleout_domain::views::JobState;
    let record = console.job(job)?;
    if record.kind != "demo" {
        return Err(ServiceError::NotFound(format!(
            "job {job} is a {} job, not a demo: it has no demo report",
            record.kind
        )));
    }
    if record.state != JobState::Succeeded {
        return Err(ServiceError::NotFound(format!(
            "demo job {job} is {}: its report exists once it has succeeded",
            record.state.as_str()
        )));
    }
    let value = record
        .result
        .ok_or_else(|| ServiceError::NotFound(format!("demo job {job} stored no report")))?;
    serde_json::from_value(value)
        .map_err(|e| ServiceError::Store(format!("demo job {job}'s report is unreadable: {e}")))
}

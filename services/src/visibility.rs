//! What a read-only link (a stakeholder) sees of the console's records: everything but
//! where the data lives on the server. Paths (the embedded store's file, a report's
//! directory) and the ArangoDB address are the team's; a stakeholder sees file names at
//! most. Applied where records leave for a caller: server functions and downloads.

use scaleout_domain::access::Role;
use scaleout_domain::views::{DemoReport, JobRecord, ServerReport};

/// True when `role` may not see where the data lives.
pub fn hides_locations(role: Role) -> bool {
    role < Role::Viewer
}

/// A file's name without its directory.
fn file_name(path: &str) -> String {
    path.rsplit(['/', '\\']).next().unwrap_or(path).to_string()
}

pub fn server_report(mut report: ServerReport, role: Role) -> ServerReport {
    if hides_locations(role) {
        report.backend.location.clear();
    }
    report
}

pub fn demo_report(mut report: DemoReport, role: Role) -> DemoReport {
    if hides_locations(role) {
        report.demonstration_summary.backend.location.clear();
        report.files = report.files.iter().map(|f| file_name(f)).collect();
    }
    report
}

/// A job's spec and result are free-form JSON: every `report_dir` goes, every backend's
/// `location` is emptied and every `files` entry keeps only its name, wherever they sit.
pub fn job(mut record: JobRecord, role: Role) -> JobRecord {
    if hides_locations(role) {
        hide_in(&mut record.spec);
        if let Some(result) = record.result.as_mut() {
            hide_in(result);
        }
    }
    record
}

fn hide_in(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            map.remove("report_dir");
            if let Some(Value::Object(backend)) = map.get_mut("backend") {
                if let Some(location) = backend.get_mut("location") {
                    *location = Value::String(String::new());
                }
            }
            if let Some(Value::Array(files)) = map.get_mut("files") {
                for f in files.iter_mut() {
                    if let Value::String(path) = f {
                        *path = file_name(path);
                    }
                }
            }
            map.values_mut().for_each(hide_in);
        }
        Value::Array(items) => items.iter_mut().for_each(hide_in),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(spec: serde_json::Value, result: serde_json::Value) -> JobRecord {
        JobRecord {
            id: 1,
            kind: "demo".into(),
            spec,
            state: scaleout_domain::views::JobState::Succeeded,
            created_ms: 0,
            started_ms: None,
            finished_ms: None,
            result: Some(result),
            error: None,
            resume_refused: None,
            cancel_asked_ms: None,
        }
    }

    #[test]
    fn a_stakeholder_sees_no_server_path_in_a_demo_job() {
        let spec = json!({"Demo": {"naming": "camelCase", "report_dir": "/srv/scaleout/reports"}});
        let result = json!({
            "demonstration_summary": {"backend": {"kind": "embedded", "location": "/srv/scaleout/data/scaleout.db"}},
            "files": ["/srv/scaleout/reports/a.json", "C:\\reports\\a.md"],
        });
        let seen = job(record(spec.clone(), result.clone()), Role::Stakeholder);
        let text = serde_json::to_string(&seen).unwrap();
        assert!(!text.contains("/srv"), "{text}");
        assert!(!text.contains("reports\\\\"), "{text}");
        assert_eq!(seen.result.unwrap()["files"], json!(["a.json", "a.md"]));
        assert_eq!(seen.spec["Demo"]["naming"], "camelCase", "the rest stays");
        // The team sees where things are.
        let team = job(record(spec.clone(), result.clone()), Role::Viewer);
        assert_eq!(team.spec, spec);
        assert_eq!(team.result.unwrap(), result);
    }
}

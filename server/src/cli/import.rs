//! `scaleout tenant import FILE`: reads the list, reports every refused row with
//! its line, and onboards the rest in one job (see `operations::import`).

use std::path::Path;
use std::time::Instant;

use scaleout_domain::views::AddedTenant;
use scaleout_domain::Naming;
use scaleout_services::operations::import::{self, RowNote};
use scaleout_services::Console;
use serde::Serialize;

use super::{jobs, print_json, CliError};

/// The `--json` document: `{imported, skipped, refused, seconds}`.
#[derive(Serialize)]
struct Outcome {
    imported: Vec<Imported>,
    skipped: Vec<RowNote>,
    refused: Vec<RowNote>,
    seconds: f64,
}

#[derive(Serialize)]
struct Imported {
    line: u64,
    tenant_id: String,
    name: String,
    documents: u64,
    placement: Option<String>,
}

pub async fn run(
    console: &Console,
    file: &Path,
    naming: Naming,
    concurrency: u32,
    json: bool,
) -> Result<(), CliError> {
    let started = Instant::now();
    let text = std::fs::read_to_string(file)
        .map_err(|e| CliError::Input(format!("cannot read {}: {e}", file.display())))?;
    let plan = import::prepare(console, &text, naming).await?;
    let lines: Vec<u64> = plan.onboard.iter().map(|(l, _)| *l).collect();
    let added: Vec<AddedTenant> = match plan.job(Some(concurrency)) {
        Some(spec) => jobs::parse(jobs::run(console, spec, json).await?)?,
        None => Vec::new(),
    };
    let outcome = Outcome {
        imported: lines
            .into_iter()
            .zip(added)
            .map(|(line, a)| Imported {
                line,
                tenant_id: a.tenant_id.to_string(),
                name: a.name,
                documents: a.total_documents,
                placement: a.placement,
            })
            .collect(),
        skipped: plan.skipped,
        refused: plan.refused,
        seconds: started.elapsed().as_secs_f64(),
    };
    if json {
        print_json(&outcome);
    } else {
        let documents: u64 = outcome.imported.iter().map(|i| i.documents).sum();
        println!(
            "Imported {}, {} documents, in {:.1} s; skipped {}, refused {}.",
            scaleout_domain::units::counted(outcome.imported.len() as u64, "tenant"),
            scaleout_domain::units::grouped(documents),
            outcome.seconds,
            outcome.skipped.len(),
            outcome.refused.len()
        );
        // In the file's order, as the person fixing it reads it.
        let mut notes: Vec<(&RowNote, &str)> = outcome
            .skipped
            .iter()
            .map(|n| (n, "skipped"))
            .chain(outcome.refused.iter().map(|n| (n, "refused")))
            .collect();
        notes.sort_by_key(|(n, _)| n.line);
        for (n, what) in notes {
            println!("  line {}: {}: {what}, {}", n.line, n.name, n.reason);
        }
    }
    if outcome.refused.is_empty() {
        Ok(())
    } else {
        Err(CliError::Input(format!(
            "{} refused ({} imported, {} skipped): fix {} and run the import again",
            match outcome.refused.len() {
                1 => "1 row was".to_string(),
                n => format!("{n} rows were"),
            },
            scaleout_domain::units::counted(outcome.imported.len() as u64, "tenant"),
            outcome.skipped.len(),
            if outcome.refused.len() == 1 {
                "it"
            } else {
                "them"
            }
        )))
    }
}

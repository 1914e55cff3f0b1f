//! `scaleout plan`: rebalance planning offline, from files, with no back end.

use std::path::Path;

use scaleout_domain::planner::{self, PlanError, PlanOptions};

use super::{print_json, CliError};

pub fn run(
    snapshot: &Path,
    sizes: Option<&Path>,
    what_if_servers: u32,
    drain: Vec<String>,
    max_moves: Option<u32>,
    json: bool,
) -> Result<(), CliError> {
    let read = |p: &Path| {
        std::fs::read_to_string(p)
            .map_err(|e| CliError::Input(format!("cannot read {}: {e}", p.display())))
    };
    let text = read(snapshot)?;
    let sizes_path = sizes;
    let sizes = sizes.map(read).transpose()?;
    // `shard-info --json` wraps the snapshot; a bare snapshot or ArangoDB's
    // shardDistribution response are read as they are.
    let text = match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(v) if v.get("snapshot").is_some() => v["snapshot"].to_string(),
        _ => text,
    };
    let snap = planner::snapshot_from_json(&text, sizes.as_deref()).map_err(|e| {
        // Name the file at fault: the sizes file for its own errors, else the snapshot.
        let file = match (&e, sizes_path) {
            (PlanError::InvalidSizes(_), Some(p)) => p,
            _ => snapshot,
        };
        CliError::Input(format!("{}: {e}", file.display()))
    })?;
    let options = PlanOptions {
        what_if_servers,
        drain,
        max_moves,
        ..PlanOptions::default()
    };
    let plan = planner::plan(&snap, &options).map_err(|e| CliError::Input(e.to_string()))?;
    if json {
        print_json(&plan);
    } else {
        print!("{}", planner::render_text(&plan));
    }
    Ok(())
}

//! Before the demo runs: what the cluster already holds, and whether the demo's story (two
//! empty servers join, the rebalance evens the bytes out) is likely to hold on it.

use scaleout_domain::planner::PlanOptions;
use scaleout_domain::units::grouped;
pub use scaleout_domain::views::DemoCheck;

use super::rebalance;
use crate::console::Console;
use crate::error::ServiceError;

/// Servers the demo adds (or plans for, where servers cannot be added).
const DEMO_SERVERS: u32 = 2;

pub async fn check(console: &Console) -> Result<DemoCheck, ServiceError> {
    let tenants = console.store().tenants()?;
    let stored = console.backend().stored_tenants().await?;
    let documents = tenants
        .iter()
        .filter_map(|r| stored.get(&r.tenant.id))
        .sum();
    let db_servers = console.backend().overview().await?.db_servers().count();
    let mut check = DemoCheck {
        tenants: tenants.len(),
        documents,
        db_servers,
        warning: None,
    };
    if check.empty() {
        return Ok(check);
    }
    // A projection with the demo's two servers, on the data already there.
    let options = PlanOptions {
        what_if_servers: DEMO_SERVERS,
        ..PlanOptions::default()
    };
    let projection = rebalance::plan(console, &options).await.ok();
    let now = rebalance::figures(console).await?;
    let gain = projection
        .as_ref()
        .map(|p| (now.bytes.max, p.after.bytes.max));
    let tail = match gain {
        Some((was, will)) if will >= was => format!(
            " A projection with two more servers does not lower the fullest server ({} now, {} after): \
             the audience may see the balance stay or get worse.",
            scaleout_domain::units::human_bytes(was),
            scaleout_domain::units::human_bytes(will)
        ),
        _ => " The improvement may be smaller than on an empty store, or the balance may even get worse: \
              groups move whole, and the three new tenants land in whichever shard groups their ids pick."
            .to_string(),
    };
    check.warning = Some(format!(
        "This cluster already holds {} {}, {} documents on {db_servers} DB servers: the demo adds its \
         three tenants and two servers beside them, and compares the whole cluster before and after.{tail} \
         For the story as written, run the demo on a console started with an empty data directory \
         (scaleout serve --data-dir NEW_DIR).",
        check.tenants,
        if check.tenants == 1 { "tenant" } else { "tenants" },
        grouped(documents),
    ));
    Ok(check)
}

//! The graph's shape, chosen once: `--number-of-shards` and `--replication-factor`
//! apply when the network_assets SmartGraph is created. Afterwards the existing
//! values hold: commands without the flags adopt them, and a different value is
//! refused with a sentence naming the existing ones (resharding a Disjoint
//! SmartGraph means copying every tenant into a new graph: not done here).

use scaleout_domain::port::SchemaSpec;
use scaleout_domain::{Naming, DEFAULT_NUMBER_OF_SHARDS, REPLICATION_FACTOR};

use crate::console::Console;
use crate::error::ServiceError;

/// The spec a new tenant's load ensures: the existing graph's shape, or the
/// configured (else default) one when there is no graph yet.
pub async fn spec(console: &Console, naming: Naming) -> Result<SchemaSpec, ServiceError> {
    let existing = existing(console).await?;
    check(console, existing)?;
    let config = console.config();
    let (shards, replicas) = existing.unwrap_or((
        config.number_of_shards.unwrap_or(DEFAULT_NUMBER_OF_SHARDS),
        config.replication_factor.unwrap_or(REPLICATION_FACTOR),
    ));
    Ok(SchemaSpec {
        naming,
        number_of_shards: shards,
        replication_factor: replicas,
    })
}

/// Refuses settings that contradict the graph that exists (run when the console
/// opens, so `serve --number-of-shards 24` on a 12-shard graph stops at once).
pub async fn check_settings(console: &Console) -> Result<(), ServiceError> {
    let config = console.config();
    if config.number_of_shards.is_none() && config.replication_factor.is_none() {
        return Ok(());
    }
    let existing = existing(console).await?;
    check(console, existing)
}

/// (shards, replication factor) of the graph, if it exists.
async fn existing(console: &Console) -> Result<Option<(u32, u32)>, ServiceError> {
    let map = console.backend().shard_map().await?;
    Ok((map.number_of_shards > 0).then_some((map.number_of_shards, map.replication_factor)))
}

fn check(console: &Console, existing: Option<(u32, u32)>) -> Result<(), ServiceError> {
    let Some((shards, replicas)) = existing else {
        return Ok(());
    };
    let config = console.config();
    let mut wrong = Vec::new();
    if let Some(n) = config.number_of_shards.filter(|n| *n != shards) {
        wrong.push(format!("--number-of-shards {n}"));
    }
    if let Some(r) = config.replication_factor.filter(|r| *r != replicas) {
        wrong.push(format!("--replication-factor {r}"));
    }
    if wrong.is_empty() {
        return Ok(());
    }
    Err(ServiceError::Conflict(format!(
        "the network_assets graph exists with {shards} shards and replication factor {replicas}: \
         {} cannot change that once tenants live in it (resharding is not supported: see the README); \
         leave the setting out, or set it to the existing value",
        wrong.join(" and ")
    )))
}

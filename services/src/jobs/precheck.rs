//! A job's arguments, checked before the job is recorded. A job that cannot start would
//! stay in the history as failed, offering a Resume that, once the cluster has changed
//! (the missing server added), would do something nobody asked for.

use scaleout_domain::port::ServerRole;

use super::JobSpec;
use crate::{Console, ServiceError};

/// Refuses, with a sentence that says what to do, a spec that would fail at its start.
pub async fn check(console: &Console, spec: &JobSpec) -> Result<(), ServiceError> {
    let JobSpec::Rebalance {
        what_if_servers,
        execute,
        drain,
        ..
    } = spec
    else {
        return Ok(());
    };
    if *execute && *what_if_servers > 0 {
        return Err(ServiceError::Invalid(format!(
            "what-if servers do not exist, so a plan with {what_if_servers} of them cannot be \
             executed: add them (scaleout server add --count {what_if_servers}) and rebalance, or \
             plan without executing"
        )));
    }
    if drain.is_empty() {
        return Ok(());
    }
    let overview = console.backend().overview().await?;
    let db: Vec<&str> = overview
        .db_servers()
        .map(|s| s.short_name.as_str())
        .collect();
    for name in drain {
        if db.contains(&name.as_str()) {
            continue;
        }
        let other = overview
            .servers
            .iter()
            .find(|s| s.short_name == *name || s.id == *name);
        let same_but_case = db.iter().find(|d| d.eq_ignore_ascii_case(name));
        return Err(ServiceError::Invalid(match (other, same_but_case) {
            (Some(s), _) if s.role == ServerRole::DbServer && s.short_name != *name => format!(
                "{name} is the id of {}: name DB servers by their short name, as in {}",
                s.short_name, s.short_name
            ),
            (Some(s), _) => format!(
                "{name} is {}, not a DB server: only DB servers hold data to drain ({})",
                role_name(s.role),
                db.join(", ")
            ),
            (None, Some(d)) => format!("there is no DB server {name}: did you mean {d}?"),
            (None, None) => format!(
                "there is no DB server {name}: the DB servers are {}",
                db.join(", ")
            ),
        }));
    }
    Ok(())
}

fn role_name(role: ServerRole) -> &'static str {
    match role {
        ServerRole::DbServer => "a DB server",
        ServerRole::Coordinator => "a coordinator",
        ServerRole::Agent => "an agent",
        ServerRole::Single => "a single server",
    }
}

/// Refuses to resume an executed rebalance (or drain) whose remaining moves no longer fit
/// the cluster: a group it was to move has moved since (another rebalance ran). Resumed,
/// it would fail at once and its record would lose how it had ended; it stays as it was,
/// and a new plan starts from where the groups are.
pub async fn check_resume(console: &Console, id: u64) -> Result<(), ServiceError> {
    let record = console.job(id)?;
    if !record.state.is_resumable() {
        return Ok(());
    }
    let Ok(JobSpec::Rebalance {
        execute: true,
        drain,
        ..
    }) = serde_json::from_value(record.spec)
    else {
        return Ok(());
    };
    let Some(checkpoint) = console.store().checkpoint(id)? else {
        return Ok(());
    };
    let Ok(progress) =
        serde_json::from_value::<crate::operations::rebalance::RebalanceProgress>(checkpoint)
    else {
        return Ok(());
    };
    let Some(why) = crate::operations::executor::stale_step(console, &progress).await? else {
        return Ok(());
    };
    let refusal = format!(
        "the cluster changed since its plan was made ({why}). It stays {}; {}",
        record.state.as_str(),
        if drain.is_empty() {
            "plan a new rebalance instead".to_string()
        } else {
            format!("plan the drain of {} again instead", drain.join(", "))
        }
    );
    // Kept with the job: its plan will not fit again, so Resume is not offered again.
    console.store().refuse_resume(id, &refusal)?;
    Err(ServiceError::Conflict(format!(
        "job {id} cannot be resumed: {refusal}"
    )))
}

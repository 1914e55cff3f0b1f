//! `scaleout user ...` and `scaleout audit`: the team's accounts and the trail,
//! and the trail's record of every command that changes something.

use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use scaleout_domain::access::IssuedPassword;
use scaleout_domain::audit::AuditQuery;
use scaleout_services::audit::{cli_actor, Audit, Record};
use scaleout_services::console::CONSOLE_DB;
use scaleout_services::store::ConsoleStore;
use scaleout_services::ConsoleConfig;

use super::args::{
    Command, JobCommand, LinkCommand, ServerCommand, SignupCommand, TenantCommand, UserCommand,
};
use super::{open, print_json, CliError};

/// The job this command started or followed last (0: none), for the trail.
static LAST_JOB: AtomicU64 = AtomicU64::new(0);

pub fn followed_job(id: u64) {
    LAST_JOB.store(id, Ordering::Relaxed);
}

pub async fn user(command: UserCommand, config: ConsoleConfig) -> Result<(), CliError> {
    let console = open(config).await?;
    let access = console.access();
    let issued = |p: IssuedPassword, json: bool| {
        if json {
            print_json(&p);
        } else {
            println!(
                "{} ({}): password {}  (shown once: hand it over, it is not kept)",
                p.name,
                p.role.as_str(),
                p.password
            );
        }
    };
    match command {
        UserCommand::Add { name, role, json } => issued(access.add_account(&name, &role)?, json),
        UserCommand::List { json } => {
            let all = access.accounts()?;
            if json {
                print_json(&all);
            } else {
                println!(
                    "{:<24} {:<9} {:<32} LAST LOG-IN (UTC)",
                    "NAME", "ROLE", "STATE"
                );
                for a in all {
                    let state = match a.disabled_ms {
                        Some(ms) => format!("disabled {}", scaleout_services::clock::iso(ms)),
                        None => "enabled".into(),
                    };
                    let last = a
                        .last_login_ms
                        .map(scaleout_services::clock::iso)
                        .unwrap_or_else(|| "never".into());
                    println!("{:<24} {:<9} {:<32} {last}", a.name, a.role.as_str(), state);
                }
            }
        }
        UserCommand::SetRole { name, role } => {
            let set = access.set_role(&name, &role)?;
            let a = set.now;
            if !set.changed {
                println!(
                    "{} is already {}: nothing changed.",
                    a.name,
                    a.role.as_str()
                );
            } else {
                println!("{} is now {}.", a.name, a.role.as_str());
            }
        }
        UserCommand::ResetPassword {
            name,
            password_stdin,
            json,
        } => {
            let chosen = if password_stdin {
                let mut text = String::new();
                std::io::stdin().read_to_string(&mut text).map_err(|e| {
                    CliError::Input(format!("cannot read the password from stdin: {e}"))
                })?;
                Some(text.trim_end_matches(['\n', '\r']).to_string())
            } else {
                None
            };
            let p = access.reset_password(&name, chosen.as_deref())?;
            if chosen.is_some() {
                println!("{}'s password is set; their sessions ended.", p.name);
            } else {
                issued(p, json);
            }
        }
        UserCommand::Disable { name } => {
            let disabled = access.disable_account(&name)?;
            let a = disabled.now;
            match a.disabled_ms.filter(|_| !disabled.changed) {
                Some(since) => println!(
                    "{} was already disabled (since {}): nothing changed.",
                    a.name,
                    scaleout_services::clock::iso(since)
                ),
                None => println!(
                    "{} is disabled: their sessions end at their next request.",
                    a.name
                ),
            }
        }
        UserCommand::Enable { name } => {
            let enabled = access.enable_account(&name)?;
            let a = enabled.now;
            if !enabled.changed {
                println!(
                    "{} was not disabled (they may log in): nothing changed.",
                    a.name
                );
            } else {
                println!("{} may log in again.", a.name);
            }
        }
    }
    Ok(())
}

pub async fn audit(
    since: Option<String>,
    actor: Option<String>,
    action: Option<String>,
    limit: u32,
    json: bool,
    config: ConsoleConfig,
) -> Result<(), CliError> {
    let since_ms = scaleout_domain::audit::parse_since(
        since.as_deref().unwrap_or_default(),
        scaleout_services::clock::now_ms(),
    )
    .map_err(CliError::Input)?;
    let entries = trail(&config)?.query(&AuditQuery {
        actor,
        action,
        since_ms,
        until_ms: None,
        limit: Some(limit),
    })?;
    if json {
        print_json(&entries);
    } else if entries.is_empty() {
        println!("Nothing recorded matches.");
    } else {
        println!(
            "{:<20}  {:<20} {:<11} {:<28} {:<7} WHAT",
            "WHEN (UTC)", "WHO", "ROLE", "ACTION", "OUTCOME"
        );
        for e in entries {
            // "failed: why": the outcome keeps its column, the reason ends the line.
            let (outcome, why) = match e.outcome.split_once(": ") {
                Some((outcome, why)) => (outcome, format!(": {why}")),
                None => (e.outcome.as_str(), String::new()),
            };
            println!(
                "{}  {:<20} {:<11} {:<28} {:<7} {}{}{}{why}",
                scaleout_services::clock::iso(e.at_ms),
                e.actor,
                e.role,
                e.action,
                outcome,
                e.target.as_deref().unwrap_or(""),
                e.job_id.map(|j| format!("  job {j}")).unwrap_or_default(),
                if e.client.is_empty() {
                    String::new()
                } else {
                    format!("  from {}", e.client)
                },
            );
        }
    }
    Ok(())
}

/// The trail in the data directory (without opening the back end).
fn trail(config: &ConsoleConfig) -> Result<Audit, CliError> {
    let store = ConsoleStore::open(&config.data_dir.join(CONSOLE_DB))?;
    Ok(Audit::new(Arc::new(store)))
}

/// What a command changes, as the trail names it: the action and its target.
/// `None` for commands that only read.
pub fn what(command: &Command) -> Option<(String, Option<String>)> {
    let some = |action: &str, target: Option<String>| Some((action.to_string(), target));
    match command {
        Command::Tenant(TenantCommand::Add {
            tenant_name,
            scale_factor,
            ..
        }) => some(
            "tenant add",
            Some(format!("name={tenant_name}, scale_factor={scale_factor}")),
        ),
        Command::Tenant(TenantCommand::AddBatch { .. }) => some("tenant add-batch", None),
        Command::Tenant(TenantCommand::Import { file, .. }) => {
            some("tenant import", Some(format!("file={}", file.display())))
        }
        Command::Tenant(TenantCommand::Remove { id, .. }) => {
            some("tenant remove", Some(format!("id={id}")))
        }
        Command::Tenant(TenantCommand::Purge { id, .. }) => {
            some("tenant purge", Some(format!("id={id}")))
        }
        Command::Server(ServerCommand::Add { count, .. }) => {
            some("server add", Some(format!("count={count}")))
        }
        Command::Server(ServerCommand::Drain {
            server,
            execute: true,
            ..
        }) => some("server drain", Some(format!("server={server}"))),
        Command::Server(ServerCommand::Remove { server, .. }) => {
            some("server remove", Some(format!("server={server}")))
        }
        Command::Rebalance { execute: true, .. } => some("rebalance", Some("execute".into())),
        Command::Validate { .. } => some("validate", None),
        Command::Demo { .. } => some("demo", None),
        Command::Job(JobCommand::Resume { id, .. }) => some("job resume", Some(format!("id={id}"))),
        Command::Job(JobCommand::Cancel { id }) => some("job cancel", Some(format!("id={id}"))),
        Command::Link(LinkCommand::Create { label, hours, .. }) => {
            some("link create", Some(format!("label={label}, hours={hours}")))
        }
        Command::Link(LinkCommand::Revoke { id }) => some("link revoke", Some(format!("id={id}"))),
        Command::Signup(SignupCommand::Approve { id }) => {
            some("signup approve", Some(format!("id={id}")))
        }
        Command::Signup(SignupCommand::Reject { id, .. }) => {
            some("signup reject", Some(format!("id={id}")))
        }
        Command::Signup(SignupCommand::RevokePortalLinks { id }) => {
            some("signup revoke-portal-links", Some(format!("id={id}")))
        }
        Command::User(UserCommand::Add { name, role, .. }) => {
            some("user add", Some(format!("name={name}, role={role}")))
        }
        Command::User(UserCommand::SetRole { name, role }) => {
            some("user set-role", Some(format!("name={name}, role={role}")))
        }
        Command::User(UserCommand::ResetPassword { name, .. }) => {
            some("user reset-password", Some(format!("name={name}")))
        }
        Command::User(UserCommand::Disable { name }) => {
            some("user disable", Some(format!("name={name}")))
        }
        Command::User(UserCommand::Enable { name }) => {
            some("user enable", Some(format!("name={name}")))
        }
        _ => None,
    }
}

/// Records a finished command that changed something (or tried to).
pub fn record(
    config: &ConsoleConfig,
    action: String,
    target: Option<String>,
    result: &Result<(), CliError>,
) {
    let outcome = match result {
        Ok(()) => "ok".to_string(),
        // The whole reason (the trail keeps its first 500 characters): the reason is
        // what the trail is read for.
        Err(e) => format!("failed: {e}"),
    };
    let job_id = Some(LAST_JOB.load(Ordering::Relaxed)).filter(|j| *j > 0);
    let recorded = trail(config).and_then(|t| {
        t.record(Record {
            actor: cli_actor(),
            role: "cli".into(),
            action,
            target,
            outcome,
            job_id,
            client: String::new(),
        })
        .map_err(CliError::from)
    });
    // A command that failed already said why (often the same reason: a data directory
    // that cannot be opened); one that succeeded unrecorded must say so.
    if let (Err(e), Ok(())) = (recorded, result) {
        eprintln!("warning: the audit trail could not record this command: {e}");
    }
}

//! One function per command: parse input, call the services, print.

use scaleout_domain::TenantId;
use scaleout_services::jobs::JobSpec;
use scaleout_services::operations::demo_report::DemoReport;
use scaleout_services::operations::rebalance::Rebalance;
use scaleout_services::operations::tenants::{self, AddedTenant, RemovedTenant};
use scaleout_services::operations::topology::{AddedServers, Validation};
use scaleout_services::operations::{isolation, network, rebalance, reports};
use scaleout_services::ConsoleConfig;

use super::args::{Command, JobCommand, LinkCommand, ServerCommand, SignupCommand, TenantCommand};
use super::tenant_view::{self, TenantView};
use super::{jobs, open, plan, print_json, render, CliError};
use crate::{site, web};

pub async fn dispatch(command: Command, mut config: ConsoleConfig) -> Result<(), CliError> {
    match command {
        Command::Serve {
            addr,
            site_dir,
            admin_password,
            signup_approval,
            max_pending_signups,
            trusted_proxies,
            metrics_addr,
        } => {
            config.trusted_proxies = trusted_proxies;
            config.site_dir = site::locate(site_dir);
            config.admin_password = admin_password
                .map(|p| scaleout_services::Secret(p.expose().to_string()))
                .filter(|p| !p.0.is_empty());
            config.signup.approval = signup_approval;
            config.signup.max_pending = max_pending_signups;
            let console = open(config).await?;
            if let Some(password) = console.access().ensure_admin()? {
                // Shown once, on the terminal that started the console; only
                // its hash is kept. Set SCALEOUT_ADMIN_PASSWORD to choose one.
                eprintln!("\nThe admin account's password (shown once, keep it): {password}\n");
            }
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|source| CliError::Bind { addr, source })?;
            let metrics = match metrics_addr {
                Some(addr) => Some(crate::metrics::serve(addr, console.clone()).await?),
                None => None,
            };
            let served = web::serve(listener, console, crate::shutdown::signal())
                .await
                .map_err(CliError::Serve);
            if let Some(task) = metrics {
                task.abort();
            }
            served
        }
        Command::Status { json } => {
            let status = open(config).await?.status();
            if json {
                print_json(&status);
            } else {
                println!("scaleout {}", status.version);
                println!(
                    "back end: {} at {}",
                    status.backend.kind.label(),
                    status.backend.location
                );
            }
            Ok(())
        }
        Command::Tenant(t) => tenant(t, config).await,
        Command::ServerInfo { json } => {
            let report = reports::servers(&open(config).await?).await?;
            if json {
                print_json(&report)
            } else {
                print!("{}", render::servers(&report))
            }
            Ok(())
        }
        Command::ShardInfo { json } => {
            let console = open(config).await?;
            let info = render::ShardInfo {
                shards: reports::shards(&console).await?,
                balance: rebalance::figures(&console).await?,
                snapshot: rebalance::current_snapshot(&console).await?,
            };
            if json {
                print_json(&info)
            } else {
                print!("{}", render::shards(&info))
            }
            Ok(())
        }
        Command::Server(ServerCommand::Add { count, json }) => {
            let console = open(config).await?;
            let id =
                scaleout_services::operations::topology::start_add_servers(&console, count).await?;
            let added: AddedServers = jobs::parse(jobs::follow(&console, id, json).await?)?;
            if json {
                print_json(&added)
            } else {
                print!("{}", render::added_servers(&added))
            }
            Ok(())
        }
        Command::Server(ServerCommand::Drain {
            server,
            execute,
            json,
        }) => {
            let console = open(config).await?;
            let spec = JobSpec::Rebalance {
                what_if_servers: 0,
                execute,
                fingerprint: None,
                drain: vec![server.clone()],
            };
            let outcome: Rebalance = jobs::parse(jobs::run(&console, spec, json).await?)?;
            let left = scaleout_services::operations::retire::holdings(&console, &server).await?;
            if json {
                print_json(&serde_json::json!({
                    "server": server,
                    "drained": outcome.executed && left.is_none(),
                    "holds": left,
                    "rebalance": outcome,
                }))
            } else {
                let carry_out = format!("scaleout server drain {server} --execute");
                print!("{}", render::rebalance(&outcome, Some(&carry_out)));
                match (&left, outcome.executed) {
                    (None, true) => {
                        println!("\n{server} holds nothing now: scaleout server remove {server}")
                    }
                    (Some(h), true) => {
                        println!("\n{h}: the drain did not empty it (see the plan's reasons)")
                    }
                    (_, false) => {}
                }
            }
            Ok(())
        }
        Command::Server(ServerCommand::Remove { server, json }) => {
            let console = open(config).await?;
            let removed = scaleout_services::operations::retire::remove(&console, &server).await?;
            if json {
                print_json(&removed)
            } else {
                println!("{}", removed.message)
            }
            Ok(())
        }
        Command::Rebalance {
            what_if_servers,
            execute,
            json,
        } => {
            let console = open(config).await?;
            let spec = JobSpec::Rebalance {
                what_if_servers,
                execute,
                fingerprint: None,
                drain: Vec::new(),
            };
            let outcome: Rebalance = jobs::parse(jobs::run(&console, spec, json).await?)?;
            if json {
                print_json(&outcome)
            } else {
                let carry_out = (what_if_servers == 0).then_some("scaleout rebalance --execute");
                print!("{}", render::rebalance(&outcome, carry_out))
            }
            Ok(())
        }
        Command::Validate { json } => {
            let console = open(config).await?;
            let v: Validation = jobs::parse(jobs::run(&console, JobSpec::Validate, json).await?)?;
            if json {
                print_json(&v)
            } else {
                let names: std::collections::HashMap<String, String> = console
                    .store()
                    .tenants()?
                    .into_iter()
                    .map(|t| (t.tenant.id.to_string(), t.tenant.name.as_str().to_string()))
                    .collect();
                print!("{}", render::validation(&v, &names))
            }
            if v.clean {
                Ok(())
            } else {
                Err(CliError::Input(format!(
                    "validation found {}",
                    scaleout_domain::units::counted(v.violations as u64, "violation")
                )))
            }
        }
        Command::Demo {
            save_report,
            naming,
            json,
        } => {
            let console = open(config).await?;
            // What the demo page says before a run, said here too (on stderr).
            if let Some(warning) = scaleout_services::operations::demo_check::check(&console)
                .await?
                .warning
            {
                eprintln!("Note: {warning}");
            }
            let report_dir = save_report.map(super::absolute);
            let naming = tenants::naming_for(&console, naming)?;
            let report: DemoReport = jobs::parse(
                jobs::run(&console, JobSpec::Demo { naming, report_dir }, json).await?,
            )?;
            if json {
                print_json(&report)
            } else {
                print!("{}", render::demo(&report))
            }
            Ok(())
        }
        Command::Plan {
            snapshot,
            sizes,
            what_if_servers,
            drain,
            max_moves,
            json,
        } => plan::run(
            &snapshot,
            sizes.as_deref(),
            what_if_servers,
            drain,
            max_moves,
            json,
        ),
        Command::Job(j) => job(j, config).await,
        Command::Link(l) => link(l, config).await,
        Command::Signup(s) => signup(s, config).await,
        Command::User(u) => super::team::user(u, config).await,
        Command::Audit {
            since,
            actor,
            action,
            limit,
            json,
        } => super::team::audit(since, actor, action, limit, json, config).await,
    }
}

async fn link(command: LinkCommand, config: ConsoleConfig) -> Result<(), CliError> {
    let console = open(config).await?;
    let access = console.access();
    match command {
        LinkCommand::Create { label, hours, json } => {
            let made = access.create_link(&label, hours)?;
            if json {
                print_json(&made);
            } else {
                println!(
                    "Link {} for {:?}, valid until {}: share <console address>{}",
                    made.link.id,
                    made.link.label,
                    scaleout_services::clock::iso(made.link.expires_ms),
                    made.path
                );
            }
        }
        LinkCommand::List { json } => {
            let links = access.links()?;
            if json {
                print_json(&links);
            } else {
                if links.is_empty() {
                    println!("No links yet: make one with `scaleout link create --label WHO`.");
                } else {
                    println!(
                        "{:>4}  {:<8} {:<20}  LABEL",
                        "ID", "STATE", "VALID UNTIL (UTC)"
                    );
                }
                for l in links {
                    let state = if l.revoked_ms.is_some() {
                        "revoked"
                    } else {
                        "active"
                    };
                    println!(
                        "{:>4}  {:<8} {:<20}  {}",
                        l.id,
                        state,
                        scaleout_services::clock::iso(l.expires_ms),
                        l.label
                    );
                }
            }
        }
        LinkCommand::Revoke { id } => {
            let revoked = access.revoke_link(id)?;
            match Some(revoked.now).filter(|_| !revoked.changed) {
                Some(at) => println!(
                    "Link {id} was already revoked (at {}): nothing changed.",
                    scaleout_services::clock::iso(at)
                ),
                None => {
                    println!("Link {id} revoked: its viewers are shut out at their next request.")
                }
            }
        }
    }
    Ok(())
}

async fn signup(command: SignupCommand, config: ConsoleConfig) -> Result<(), CliError> {
    let console = open(config).await?;
    let access = console.access();
    let show = |s: &scaleout_domain::access::SignupStatus| {
        println!(
            "{:>4}  {:<12} {:<6} {}  <{}>{}",
            s.id,
            s.state.as_str(),
            s.size.as_str(),
            s.company,
            s.email,
            s.message
                .as_deref()
                .map(|m| format!(": {m}"))
                .unwrap_or_default()
        )
    };
    match command {
        SignupCommand::List { json } => {
            let all = access.signups(&console)?;
            if json {
                print_json(&all);
            } else if all.is_empty() {
                println!("No signups yet: companies sign up on the console's /signup page.");
            } else {
                all.iter().for_each(show);
            }
        }
        SignupCommand::Approve { id } => {
            let s = access.approve_signup(&console, id).await?;
            show(&s);
            // The tenant loads in this process: wait for it like `tenant add`.
            if let Some(job) = s.job {
                jobs::follow(&console, job, false).await?;
            }
        }
        SignupCommand::Reject { id, reason } => show(&access.reject_signup(&console, id, &reason)?),
        SignupCommand::RevokePortalLinks { id } => {
            let done = access.revoke_portal_access(id)?;
            println!(
                "Signup {id}'s portal is closed to everyone who had it: {}.\nA new personal \
                 link, shown only now, for the customer: {} (after this server's address)",
                done.closed_to(),
                done.path
            );
        }
    }
    Ok(())
}

/// A resumed job's result as the command that started it prints it.
fn resumed_result(kind: &str, result: serde_json::Value) -> Result<String, CliError> {
    Ok(match kind {
        "add_tenant" => render::added_tenants(&[jobs::parse::<AddedTenant>(result)?]),
        "add_tenants" => render::added_tenants(&jobs::parse::<Vec<AddedTenant>>(result)?),
        "rebalance" => render::rebalance(
            &jobs::parse::<Rebalance>(result)?,
            Some("scaleout rebalance --execute"),
        ),
        "demo" => render::demo(&jobs::parse::<DemoReport>(result)?),
        _ => String::new(),
    })
}

async fn tenant(command: TenantCommand, config: ConsoleConfig) -> Result<(), CliError> {
    let console = open(config).await?;
    match command {
        TenantCommand::Add {
            tenant_name,
            scale_factor,
            naming,
            json,
        } => {
            let naming = tenants::naming_for(&console, naming)?;
            let spec = tenants::plan_add(&console, &tenant_name, scale_factor, naming).await?;
            let added: AddedTenant = jobs::parse(jobs::run(&console, spec, json).await?)?;
            if json {
                print_json(&added)
            } else {
                print!("{}", render::added_tenants(std::slice::from_ref(&added)))
            }
        }
        TenantCommand::AddBatch { naming, json } => {
            let naming = tenants::naming_for(&console, naming)?;
            let spec = tenants::plan_batch(&console, naming).await?;
            let added: Vec<AddedTenant> = jobs::parse(jobs::run(&console, spec, json).await?)?;
            if json {
                print_json(&added)
            } else {
                print!("{}", render::added_tenants(&added))
            }
        }
        TenantCommand::Import {
            file,
            naming,
            concurrency,
            json,
        } => {
            let naming = tenants::naming_for(&console, naming)?;
            super::import::run(&console, &file, naming, concurrency, json).await?
        }
        TenantCommand::List { json } => {
            let rows = reports::tenants(&console).await?;
            if json {
                print_json(&rows)
            } else {
                print!("{}", render::tenants(&rows))
            }
        }
        TenantCommand::Show { id, at, page, json } => {
            let id = tenants::find(&console, &id)?;
            let detail = tenants::detail(&console, id).await?;
            let at = at.unwrap_or(detail.row.created_at);
            let network = network::page(&console, id, at, page).await?;
            // The web clamps a page link; a page typed here that does not exist is said.
            if network.page != page {
                return Err(CliError::Input(format!(
                    "there is no page {page}: {}'s network at that time fills {} (--page 1 to {})",
                    detail.row.name,
                    scaleout_domain::units::counted(u64::from(network.pages), "page"),
                    network.pages
                )));
            }
            let view = TenantView {
                isolation: isolation::tenant(&console, id).await?,
                network,
                detail,
            };
            if json {
                print_json(&view)
            } else {
                print!("{}", tenant_view::render(&view))
            }
        }
        TenantCommand::Remove { id, yes, json } => {
            let id = tenants::find(&console, &id)?;
            if !yes {
                let row = tenants::removable(&console, id).await?;
                super::confirm::ask(&row.remove_question(), yes)?;
            }
            let job = tenants::start_remove(&console, id)?;
            let removed: RemovedTenant = jobs::parse(jobs::follow(&console, job, json).await?)?;
            if json {
                print_json(&removed)
            } else {
                println!(
                    "Removed {} ({}): {} documents",
                    removed.name,
                    removed.tenant_id,
                    scaleout_domain::units::grouped(removed.removed_documents)
                )
            }
        }
        TenantCommand::Purge { id, yes, json } => {
            let id = tenant_id(&id)?;
            if !yes {
                let documents = tenants::purgeable(&console, id).await?;
                let question = format!(
                    "Delete the {} documents stored under unregistered tenant id {id}? This cannot be undone.",
                    scaleout_domain::units::grouped(documents)
                );
                super::confirm::ask(&question, yes)?;
            }
            let job = tenants::start_purge(&console, id).await?;
            let purged: RemovedTenant = jobs::parse(jobs::follow(&console, job, json).await?)?;
            if json {
                print_json(&purged)
            } else {
                println!(
                    "Deleted {} documents stored under unregistered tenant id {}{}",
                    scaleout_domain::units::grouped(purged.removed_documents),
                    purged.tenant_id,
                    if purged.name == "(unregistered)" {
                        String::new()
                    } else {
                        format!(" (once {})", purged.name)
                    }
                )
            }
        }
    }
    Ok(())
}

async fn job(command: JobCommand, config: ConsoleConfig) -> Result<(), CliError> {
    let console = open(config).await?;
    match command {
        JobCommand::List {
            limit,
            before,
            json,
        } => {
            let list = console.store().jobs_before(before, limit)?;
            if json {
                print_json(&list)
            } else if let Some(b) = before.filter(|_| list.is_empty()) {
                println!("No jobs numbered below {b}.")
            } else {
                print!("{}", render::jobs(&list))
            }
        }
        JobCommand::Show { id, all, json } => {
            // --json keeps every event: scripts read the whole log.
            let log = console.job_log(id, all || json)?;
            if json {
                print_json(&serde_json::json!({ "job": log.job, "events": log.events }))
            } else {
                print!("{}", render::job(&log))
            }
        }
        JobCommand::Resume { id, json } => {
            // Only this run's lines: the stopped run's were said when it ran.
            let seen = console.job_log(id, true)?.events.last().map(|e| e.seq);
            console.resume_checked(id).await?;
            let result = jobs::follow_after(&console, id, json, seen).await?;
            if json {
                print_json(&result)
            } else {
                println!("Job {id} resumed and succeeded.");
                print!("{}", resumed_result(&console.job(id)?.kind, result)?);
            }
        }
        JobCommand::Cancel { id } => {
            console.jobs().cancel(id)?;
            println!("Asked job {id} to stop at its next safe point.");
        }
    }
    Ok(())
}

fn tenant_id(id: &str) -> Result<TenantId, CliError> {
    TenantId::parse(id).map_err(|e| {
        CliError::Input(format!(
            "{:?} is not a tenant id: {e}",
            scaleout_domain::access::text::cut(id)
        ))
    })
}

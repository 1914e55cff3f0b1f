//! One function per command: parse input, call the services, print.

use scaleout_domain::TenantId;
use scaleout_services::jobs::JobSpec;
use scaleout_services::operations::demo_report::DemoReport;
use scaleout_services::operations::rebalance::Rebalance;
use scaleout_services::operations::tenants::{self, AddedTenant, RemovedTenant, BATCH_TENANTS};
use scaleout_services::operations::topology::{AddedServers, Validation};
use scaleout_services::operations::{rebalance, reports};
use scaleout_services::ConsoleConfig;

use super::args::{Command, JobCommand, ServerCommand, TenantCommand};
use super::{jobs, open, plan, print_json, render, CliError};
use crate::{site, web};

pub async fn dispatch(command: Command, mut config: ConsoleConfig) -> Result<(), CliError> {
    match command {
        Command::Serve { addr, site_dir } => {
            config.site_dir = site::locate(site_dir);
            let console = open(config).await?;
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|source| CliError::Bind { addr, source })?;
            web::serve(listener, console, crate::shutdown::signal())
                .await
                .map_err(CliError::Serve)
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
            let added: AddedServers =
                jobs::parse(jobs::run(&console, JobSpec::AddServers { count }, json).await?)?;
            if json {
                print_json(&added)
            } else {
                print!("{}", render::added_servers(&added))
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
            };
            let outcome: Rebalance = jobs::parse(jobs::run(&console, spec, json).await?)?;
            if json {
                print_json(&outcome)
            } else {
                print!("{}", render::rebalance(&outcome))
            }
            Ok(())
        }
        Command::Validate { json } => {
            let console = open(config).await?;
            let v: Validation = jobs::parse(jobs::run(&console, JobSpec::Validate, json).await?)?;
            if json {
                print_json(&v)
            } else {
                print!("{}", render::validation(&v))
            }
            if v.clean {
                Ok(())
            } else {
                Err(CliError::Input(format!(
                    "validation found {} violation(s)",
                    v.violations
                )))
            }
        }
        Command::Demo {
            save_report,
            naming,
            json,
        } => {
            let console = open(config).await?;
            let report_dir = save_report.map(super::absolute);
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
    }
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
            let new = tenants::prepare(&console, &tenant_name, scale_factor, naming)?;
            let added: AddedTenant =
                jobs::parse(jobs::run(&console, JobSpec::AddTenant { tenant: new }, json).await?)?;
            if json {
                print_json(&added)
            } else {
                print!("{}", render::added_tenants(std::slice::from_ref(&added)))
            }
        }
        TenantCommand::AddBatch { naming, json } => {
            let mut list = Vec::new();
            for (name, scale) in BATCH_TENANTS {
                list.push(tenants::prepare(&console, name, i64::from(scale), naming)?);
            }
            let added: Vec<AddedTenant> = jobs::parse(
                jobs::run(&console, JobSpec::AddTenants { tenants: list }, json).await?,
            )?;
            if json {
                print_json(&added)
            } else {
                print!("{}", render::added_tenants(&added))
            }
        }
        TenantCommand::List { json } => {
            let rows = reports::tenants(&console).await?;
            if json {
                print_json(&rows)
            } else {
                print!("{}", render::tenants(&rows))
            }
        }
        TenantCommand::Remove { id, json } => {
            let id = TenantId::parse(&id)
                .map_err(|e| CliError::Input(format!("{id:?} is not a tenant id: {e}")))?;
            let removed: RemovedTenant = jobs::parse(
                jobs::run(&console, JobSpec::RemoveTenant { tenant: id }, json).await?,
            )?;
            if json {
                print_json(&removed)
            } else {
                println!(
                    "Removed {} ({}): {} documents",
                    removed.name, removed.tenant_id, removed.removed_documents
                )
            }
        }
    }
    Ok(())
}

async fn job(command: JobCommand, config: ConsoleConfig) -> Result<(), CliError> {
    let console = open(config).await?;
    match command {
        JobCommand::List { json } => {
            let list = console.store().jobs(50)?;
            if json {
                print_json(&list)
            } else {
                print!("{}", render::jobs(&list))
            }
        }
        JobCommand::Show { id, json } => {
            let record = console.job(id)?;
            let events = console.store().events(id, 0)?;
            if json {
                print_json(&serde_json::json!({ "job": record, "events": events }))
            } else {
                print!("{}", render::job(&record, &events))
            }
        }
        JobCommand::Resume { id, json } => {
            console.resume_job(id)?;
            let result = jobs::follow(&console, id, json).await?;
            if json {
                print_json(&result)
            } else {
                println!("Job {id} resumed and succeeded.")
            }
        }
        JobCommand::Cancel { id } => {
            console.jobs().cancel(id)?;
            println!("Asked job {id} to stop at its next safe point.");
        }
    }
    Ok(())
}

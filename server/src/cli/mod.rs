//! Command-line interface: parse, call the services in process, print. Every
//! long command runs as a job (the same as in the web console), with a
//! progress bar on a terminal, a readable summary, or one JSON document.

mod args;
mod commands;
mod confirm;
mod import;
mod jobs;
mod plan;
mod render;
mod team;
mod tenant_view;

use std::path::PathBuf;

pub use args::{Cli, Command, LogFormat};
use scaleout_services::{Console, ConsoleConfig, ServiceError};

/// Errors a command reports on stderr before exiting non-zero.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("the server stopped with an error: {0}")]
    Serve(std::io::Error),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// A job ran and did not succeed.
    #[error("job {id} {state}: {message}")]
    Job {
        id: u64,
        state: String,
        message: String,
    },
    #[error("{0}")]
    Input(String),
    /// The operator answered no when asked to confirm.
    #[error("{0}")]
    Declined(String),
}

pub fn run(cli: Cli) -> Result<(), CliError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(CliError::Runtime)?;
    let mut config = ConsoleConfig::new(absolute(cli.data_dir));
    config.move_rate_bytes_per_sec = cli.move_rate;
    config.move_limits = scaleout_domain::execution::MoveLimits {
        copies_per_server: cli.copies_per_server,
        max_rate: cli.max_rate,
        move_timeout: std::time::Duration::from_secs(cli.move_timeout),
    };
    config.tenant_id_seed = cli.tenant_id_seed;
    config.number_of_shards = cli.number_of_shards;
    config.replication_factor = cli.replication_factor;
    config.placement = cli.placement;
    config.arango = cli.arango.config();
    // A command that changes something goes in the audit trail, however it ends.
    let audited = team::what(&cli.command);
    let trail_config = config.clone();
    let result = runtime.block_on(commands::dispatch(cli.command, config));
    if let Some((action, target)) = audited {
        team::record(&trail_config, action, target, &result);
    }
    result
}

/// Opens the console for a command.
async fn open(config: ConsoleConfig) -> Result<Console, CliError> {
    Ok(Console::open(config).await?)
}

/// Resolves a relative data dir once, so logs and the dashboard show where data really is.
fn absolute(path: PathBuf) -> PathBuf {
    std::path::absolute(&path).unwrap_or(path)
}

/// Prints one JSON document on stdout.
fn print_json<T: serde::Serialize>(value: &T) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("output serialises")
    );
}

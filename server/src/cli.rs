//! Command-line interface: parsing, then a call into the services.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use scaleout_services::{Console, ConsoleConfig, ServiceError};

use crate::{site, web};

/// scaleout: onboard tenants, place their shards and scale out the network-asset graph.
#[derive(Debug, Parser)]
#[command(name = "scaleout", version, about, long_about = None)]
pub struct Cli {
    /// Directory of the embedded back end's data (SQLite) and other state.
    #[arg(long, global = true, env = "SCALEOUT_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Embedded back end: how fast shard moves copy data, in bytes per second
    /// (default 1 MiB/s, so the demo's moves take a few seconds).
    #[arg(long, global = true, env = "SCALEOUT_MOVE_RATE", value_name = "BYTES_PER_SEC",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub move_rate: Option<u64>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web console.
    Serve {
        /// Address to listen on (port 0 picks a free port).
        #[arg(long, env = "SCALEOUT_ADDR", default_value = "127.0.0.1:3000")]
        addr: SocketAddr,
        /// Root of the built site (CSS and the wasm bundle); found next to the
        /// binary when not given.
        #[arg(long, env = "SCALEOUT_SITE_DIR")]
        site_dir: Option<PathBuf>,
    },
    /// Print the console's version and back end.
    Status {
        /// Print one JSON document instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// Errors a command reports to the user before exiting non-zero.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the server stopped with an error: {0}")]
    Serve(std::io::Error),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error(transparent)]
    Service(#[from] ServiceError),
}

pub fn run(cli: Cli) -> Result<(), CliError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(CliError::Runtime)?;
    let mut config = ConsoleConfig::new(absolute(cli.data_dir));
    config.move_rate_bytes_per_sec = cli.move_rate;
    runtime.block_on(async move {
        match cli.command {
            Command::Serve { addr, site_dir } => {
                config.site_dir = site::locate(site_dir);
                let console = Console::open(config)?;
                let listener = tokio::net::TcpListener::bind(addr)
                    .await
                    .map_err(|source| CliError::Bind { addr, source })?;
                web::serve(listener, console, crate::shutdown::signal())
                    .await
                    .map_err(CliError::Serve)
            }
            Command::Status { json } => {
                let console = Console::open(config)?;
                let status = console.status();
                if json {
                    println!(
                        "{}",
                        serde_json::to_string_pretty(&status).expect("status serialises")
                    );
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
        }
    })
}

/// Resolves a relative data dir once, so logs and the dashboard show where data really is.
fn absolute(path: PathBuf) -> PathBuf {
    std::path::absolute(&path).unwrap_or(path)
}

use std::io::IsTerminal;

use clap::Parser;
use scaleout_server::cli::{self, Cli, Command, LogFormat};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let serving = matches!(cli.command, Command::Serve { .. });
    if !serving {
        quiet_broken_pipe();
    }
    // A server logs what it does; a command's output is its summary, so it only
    // logs problems unless RUST_LOG says otherwise, and its operator reads them without
    // the module they came from.
    let level = if serving { "info" } else { "warn" };
    init_tracing(level, cli.log_format, serving);
    match cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// A command piped into `head` ends quietly when the reader stops, as Unix tools do,
/// instead of panicking on its next line. Rust ignores SIGPIPE; a command takes the
/// default back. The server keeps ignoring it: a closed connection must not end it.
fn quiet_broken_pipe() {
    // SAFETY: setting a signal's disposition to its default, before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Logs go to stderr, as text or one JSON object per line; the level comes from RUST_LOG.
fn init_tracing(default: &str, format: LogFormat, targets: bool) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(targets)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => logs.json().flatten_event(true).init(),
        LogFormat::Text => logs.with_ansi(std::io::stderr().is_terminal()).init(),
    }
}

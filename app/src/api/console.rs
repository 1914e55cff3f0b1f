//! The console's own status and its preflight checks.

use leptos::prelude::*;
use leptos::server_fn::codec::{StreamingText, TextStream};
use scaleout_domain::console::ConsoleStatus;

/// `POST /api/console/status`: version, back end and uptime.
#[server(endpoint = "/console/status")]
pub async fn get_console_status() -> Result<ConsoleStatus, ServerFnError> {
    let console = super::server::stakeholder()?;
    Ok(console.status_for(super::server::caller()?.role))
}

/// `POST /api/console/preflight`: runs the preflight checks and streams their
/// progress, one JSON `ProgressEvent` per line.
#[server(output = StreamingText, endpoint = "/console/preflight")]
pub async fn run_preflight() -> Result<TextStream, ServerFnError> {
    use futures::StreamExt;
    let events = super::server::viewer()?.preflight();
    Ok(TextStream::new(events.map(|event| Ok(event.to_line()))))
}

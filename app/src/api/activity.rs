//! The console's activity, live: one stream per browser that every page
//! showing cluster state follows (see `scaleout_domain::activity`).

use leptos::prelude::*;
use leptos::server_fn::codec::{StreamingText, TextStream};

/// `POST /api/activity/watch`: from now on, one JSON `Activity` per line:
/// jobs started, steps ended, jobs ended, servers and signups changed. Ends
/// with `session_ended` when the caller's link is revoked or expires.
#[server(output = StreamingText, endpoint = "/activity/watch")]
pub async fn watch_activity() -> Result<TextStream, ServerFnError> {
    use futures::StreamExt;
    let console = super::server::viewer()?;
    let caller = super::server::caller()?;
    let events = scaleout_services::activity::follow(&console, caller.session);
    Ok(TextStream::new(events.map(|batch| {
        Ok(batch.iter().map(|a| a.to_line()).collect::<String>())
    })))
}

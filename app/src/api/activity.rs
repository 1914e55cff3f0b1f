//! The console's activity, live: one stream per browser that every page
//! showing cluster state follows (see `scaleout_domain::activity`).

use leptos::prelude::*;
use leptos::server_fn::codec::{StreamingText, TextStream};

/// `POST /api/activity/watch`: from now on, one JSON `Activity` per line:
/// jobs started, steps ended, jobs ended, servers and signups changed. Ends
/// with `session_ended` when the caller's link is revoked or expires. `since`: the
/// `activity_seq` the page was rendered with; a `resync` comes first if anything happened
/// after it.
#[server(output = StreamingText, endpoint = "/activity/watch")]
pub async fn watch_activity(since: Option<u64>) -> Result<TextStream, ServerFnError> {
    use futures::StreamExt;
    let console = super::server::stakeholder()?;
    let caller = super::server::caller()?;
    let events = scaleout_services::activity::follow(&console, caller.session, since);
    Ok(TextStream::new(
        super::server::watched(&console, events, super::server::Ends::Itself)?
            .map(|batch| Ok(batch.iter().map(|a| a.to_line()).collect::<String>())),
    ))
}

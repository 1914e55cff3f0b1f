//! Reading a newline-framed stream of progress events from a server function.

use leptos::prelude::*;
use leptos::server_fn::codec::TextStream;
use scaleout_domain::progress::{LineDecoder, ProgressEvent};

/// Appends each event as it arrives; errors say what broke, for people.
pub async fn follow(
    stream: TextStream,
    set_events: WriteSignal<Vec<ProgressEvent>>,
) -> Result<(), String> {
    follow_after(stream, set_events, None).await
}

/// As [`follow`], for a view that came with the log's milestones up to event `seen`
/// (rendered on the server): the stream replays the log from its start, so its events
/// are held back until the replay reaches `seen`, then replace the milestones whole. The
/// view never steps back (to "Planning…") while the replay arrives.
pub async fn follow_after(
    stream: TextStream,
    set_events: WriteSignal<Vec<ProgressEvent>>,
    seen: Option<u64>,
) -> Result<(), String> {
    use futures::StreamExt;
    let mut stream = stream.into_inner();
    let mut decoder = LineDecoder::<ProgressEvent>::default();
    let mut held = seen.map(|_| Vec::new());
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| format!("The stream broke off: {e}"))?;
        for event in decoder.push(&chunk) {
            let event = event.map_err(|e| format!("An unreadable progress line arrived: {e}"))?;
            let shown = if let Some(replay) = held.as_mut() {
                let caught_up = seen.is_some_and(|s| event.seq >= s);
                replay.push(event);
                if !caught_up {
                    continue;
                }
                set_events
                    .try_set(held.take().unwrap_or_default())
                    .is_none()
            } else {
                set_events.try_update(|events| events.push(event)).is_some()
            };
            // The view that asked may be gone (a newer job replaced it): stop quietly.
            if !shown {
                return Ok(());
            }
        }
    }
    // Ended short of what the page showed: what the stream said is the truth now.
    if let Some(replay) = held.filter(|r| !r.is_empty()) {
        set_events.try_set(replay);
    }
    if decoder.has_partial() {
        return Err("The stream ended in the middle of a line.".into());
    }
    Ok(())
}

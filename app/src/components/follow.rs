//! Reading a newline-framed stream of progress events from a server function.

use leptos::prelude::*;
use leptos::server_fn::codec::TextStream;
use scaleout_domain::progress::{LineDecoder, ProgressEvent};

/// Appends each event as it arrives; errors say what broke, for people.
pub async fn follow(
    stream: TextStream,
    set_events: WriteSignal<Vec<ProgressEvent>>,
) -> Result<(), String> {
    use futures::StreamExt;
    let mut stream = stream.into_inner();
    let mut decoder = LineDecoder::default();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| format!("The stream broke off: {e}"))?;
        for event in decoder.push(&chunk) {
            let event = event.map_err(|e| format!("An unreadable progress line arrived: {e}"))?;
            // The view that asked may be gone (a newer job replaced it): stop quietly.
            if set_events.try_update(|events| events.push(event)).is_none() {
                return Ok(());
            }
        }
    }
    if decoder.has_partial() {
        return Err("The stream ended in the middle of a line.".into());
    }
    Ok(())
}

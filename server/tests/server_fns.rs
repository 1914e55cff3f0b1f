//! Server functions over HTTP, at their documented paths.

mod support;

use scaleout_domain::console::{BackendKind, ConsoleStatus};
use scaleout_domain::progress::{LineDecoder, Outcome, ProgressEvent};
use support::spawn_app;

#[tokio::test]
async fn status_reports_version_and_backend() {
    let app = spawn_app().await;
    let response = app.post("/api/console/status").await;
    assert_eq!(response.status(), 200);
    let status: ConsoleStatus = response.json().await.unwrap();
    assert_eq!(status.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(status.backend.kind, BackendKind::Embedded);
    assert_eq!(
        status.backend.location,
        app.data.path().join("scaleout.db").display().to_string()
    );
    app.shutdown().await;
}

#[tokio::test]
async fn preflight_streams_newline_framed_events_to_completion() {
    use futures::StreamExt;
    let app = spawn_app().await;
    let response = app.post("/api/console/preflight").await;
    assert_eq!(response.status(), 200);

    let mut decoder = LineDecoder::default();
    let mut events: Vec<ProgressEvent> = Vec::new();
    let mut chunks = 0;
    let mut body = response.bytes_stream();
    while let Some(chunk) = body.next().await {
        chunks += 1;
        let text = String::from_utf8(chunk.unwrap().to_vec()).unwrap();
        for event in decoder.push(&text) {
            events.push(event.expect("every line is a ProgressEvent"));
        }
    }
    assert!(!decoder.has_partial(), "the stream ends on a line boundary");
    assert!(chunks >= 1);
    assert_eq!(events.len(), 7);
    assert!(events.iter().enumerate().all(|(i, e)| e.seq == i as u64));
    let last = events.last().unwrap();
    assert_eq!(last.done, last.total);
    assert_eq!(last.step, "back_end");
    assert_eq!(last.outcome, Outcome::Ok, "{}", last.message);
    assert!(
        last.message.contains("3 of 3 DB servers healthy"),
        "{}",
        last.message
    );
    // The data dir check really wrote to disk.
    assert_eq!(events[0].outcome, Outcome::Ok);
    // No site in tests: the bundle check says how to fix it.
    let assets = events.iter().find(|e| e.step == "web_assets").unwrap();
    assert_eq!(assets.outcome, Outcome::Warning);
    assert!(assets.message.contains("scripts/build-site.sh"));
    app.shutdown().await;
}

#[tokio::test]
async fn server_functions_refuse_get() {
    let app = spawn_app().await;
    let response = app.get("/api/console/status").await;
    assert!(
        response.status().is_client_error(),
        "GET must not run a server function: {}",
        response.status()
    );
    app.shutdown().await;
}

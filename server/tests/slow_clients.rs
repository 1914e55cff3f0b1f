//! Slow and silent clients: half-sent heads, idle keep-alive connections and
//! trickled bodies are closed; the operator still gets in; a live progress
//! stream is never cut. The server runs with short limits here.

mod support;

use std::time::{Duration, Instant};

use scaleout_server::connections::Limits;
use support::{spawn, Serving, TestApp};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const LIMITS: Limits = Limits {
    header_timeout: Duration::from_millis(600),
    idle_timeout: Duration::from_millis(1500),
    body_timeout: Duration::from_millis(800),
    max_connections: 16,
};

async fn app() -> TestApp {
    spawn(
        |c| c.move_rate_bytes_per_sec = Some(128 * 1024),
        Serving::Limits(LIMITS),
    )
    .await
}

fn addr(app: &TestApp) -> String {
    app.base.trim_start_matches("http://").to_string()
}

/// Reads until the server closes the connection; how long that took.
async fn closed_after(stream: &mut TcpStream, within: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(
            within.saturating_sub(started.elapsed()),
            stream.read(&mut buf),
        )
        .await
        {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => continue,
        }
    }
}

#[tokio::test]
async fn half_sent_heads_are_closed_and_the_operator_gets_in() {
    let app = app().await;
    // More silent and half-sent connections than the server serves at once.
    let mut slow = Vec::new();
    for i in 0..40 {
        let mut s = TcpStream::connect(addr(&app)).await.unwrap();
        if i % 2 == 0 {
            s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                .await
                .unwrap();
        }
        slow.push(s);
    }
    // The operator asks meanwhile: served at once, silent connections making room.
    let started = Instant::now();
    let r = app.post("/api/console/status").await;
    assert_eq!(r.status(), 200);
    let waited = started.elapsed();
    assert!(
        waited < LIMITS.header_timeout,
        "the operator waited {waited:?}, longer than a head may take"
    );
    // Every slow connection is closed by the server, none held for ever.
    for (i, s) in slow.iter_mut().enumerate() {
        let closed = closed_after(s, Duration::from_secs(10)).await;
        assert!(closed.is_some(), "connection {i} is still open after 10 s");
    }
    app.shutdown().await;
}

#[tokio::test]
async fn an_idle_keep_alive_connection_closes_but_a_busy_one_serves_on() {
    let app = app().await;
    let mut s = TcpStream::connect(addr(&app)).await.unwrap();
    let request = b"POST /api/access/whoami HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n";
    for _ in 0..3 {
        s.write_all(request).await.unwrap();
        let mut buf = vec![0u8; 8192];
        let n = s.read(&mut buf).await.unwrap();
        assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
        // Well within the idle timeout: the connection is reused.
        tokio::time::sleep(LIMITS.idle_timeout / 3).await;
    }
    let closed = closed_after(&mut s, LIMITS.idle_timeout * 3).await;
    let closed = closed.expect("an idle connection is closed");
    assert!(
        closed >= LIMITS.idle_timeout / 2,
        "closed after {closed:?}, sooner than the idle timeout"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn a_live_progress_stream_outlasts_every_timeout() {
    let app = app().await;
    let job = app
        .rebalancing(&["Stream A", "Stream B", "Stream C", "Stream D", "Stream E"])
        .await;
    let started = Instant::now();
    let stream = app.post_form("/api/jobs/watch", &format!("id={job}")).await;
    assert_eq!(stream.status(), 200);
    let text = stream.text().await.expect("the whole stream");
    let lasted = started.elapsed();
    assert!(
        lasted > LIMITS.idle_timeout * 4 / 3,
        "the stream must outlast the idle timeout to prove anything: {lasted:?}"
    );
    let last = text.lines().last().unwrap_or("");
    assert!(
        last.contains("Succeeded"),
        "the stream ran to its end: {last}"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn a_trickled_body_is_refused() {
    let app = app().await;
    let mut s = TcpStream::connect(addr(&app)).await.unwrap();
    s.write_all(
        b"POST /api/access/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\npassword=",
    )
    .await
    .unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut answer)).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(
        text.is_empty() || text.starts_with("HTTP/1.1 408") || text.starts_with("HTTP/1.1 400"),
        "{text}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    app.shutdown().await;
}

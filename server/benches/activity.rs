//! The console's activity stream under load: 500 watchers (stakeholders'
//! pages) follow `/api/activity/watch` over HTTP from a real server while
//! events are published; prints how late each event reached each watcher.
//!
//!     cargo bench -p scaleout-server --bench activity
//!
//! Figures, not assertions (the README keeps them).

use std::time::{Duration, Instant};

use futures::StreamExt;
use scaleout_domain::activity::{Activity, Happening};
use scaleout_domain::progress::LineDecoder;
use scaleout_services::{Console, ConsoleConfig, Secret};
use support::PASSWORD;

mod support;

const WATCHERS: usize = 500;
const EVENTS: usize = 200;

fn main() {
    raise_open_files_limit();
    support::block_on(run());
}

async fn run() {
    let data = tempfile::tempdir().expect("a temp dir");
    let mut config = ConsoleConfig::new(data.path());
    config.admin_password = Some(Secret(PASSWORD.into()));
    let console = Console::open(config).await.expect("the console opens");
    let served = support::serve(console.clone()).await;
    let base = served.base.clone();
    let cookie = support::login(&base).await;

    // Every watcher on its own connection, as every browser has.
    let opened = Instant::now();
    let mut watchers = Vec::new();
    for _ in 0..WATCHERS {
        let client = reqwest::Client::builder().build().unwrap();
        let response = client
            .post(format!("{base}/api/activity/watch"))
            .header("cookie", &cookie)
            .send()
            .await
            .expect("a watcher connects");
        assert_eq!(response.status(), 200);
        watchers.push(tokio::spawn(receive(response)));
    }
    while console.activity().watchers() < WATCHERS {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    println!(
        "{WATCHERS} watchers connected in {:.2} s",
        opened.elapsed().as_secs_f64()
    );

    // A steady flow (a busy console: 50 events/s), then a burst (a demo's
    // steps ending together), each event to every watcher.
    for i in 0..EVENTS {
        console.activity().publish(Happening::ServersChanged);
        if i < EVENTS / 2 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    console.activity().publish(Happening::SignupsChanged); // the end marker

    let (mut steady, mut burst): (Vec<i64>, Vec<i64>) = (Vec::new(), Vec::new());
    let mut complete = 0;
    for w in watchers {
        let got = w.await.expect("a watcher task");
        if got.len() == EVENTS {
            complete += 1;
        }
        let half = got.len().min(EVENTS / 2);
        steady.extend(&got[..half]);
        burst.extend(&got[half..]);
    }
    println!("{complete} of {WATCHERS} watchers got all {EVENTS} events");
    for (what, mut latencies) in [
        ("steady, 50 events/s", steady),
        ("burst, 100 events at once", burst),
    ] {
        latencies.sort_unstable();
        let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
        println!(
            "{what}: {} deliveries, latency p50 {} ms, p99 {} ms, max {} ms",
            latencies.len(),
            at(0.50),
            at(0.99),
            latencies.last().copied().unwrap_or(0),
        );
    }
    served.stop().await;
}

/// How late each `servers_changed` arrived (ms), until the end marker.
async fn receive(response: reqwest::Response) -> Vec<i64> {
    let mut body = response.bytes_stream();
    let mut decoder = LineDecoder::<Activity>::default();
    let mut late = Vec::with_capacity(EVENTS);
    while let Some(Ok(chunk)) = body.next().await {
        let now = scaleout_services::clock::now_ms();
        for activity in decoder
            .push(&String::from_utf8_lossy(&chunk))
            .into_iter()
            .flatten()
        {
            match activity.what {
                Happening::ServersChanged => late.push(now - activity.at_ms),
                Happening::SignupsChanged => return late,
                _ => {}
            }
        }
    }
    late
}

#[cfg(unix)]
fn raise_open_files_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct given.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
            limit.rlim_cur = limit.rlim_max.min(8192);
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

#[cfg(not(unix))]
fn raise_open_files_limit() {}

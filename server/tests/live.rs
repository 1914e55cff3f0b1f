//! The console's activity over HTTP: a stakeholder's page, opened before
//! anything happens, hears every job start, its steps end and the job end; a
//! job run by a CLI beside the server is heard too; a revoked link's stream
//! says so and ends.

mod support;

use std::time::Duration;

use futures::StreamExt;
use scaleout_domain::activity::{Activity, Happening};
use scaleout_domain::progress::LineDecoder;
use support::{client_with_cookie, open_viewer_link, spawn_app};

/// Reads activity until `done` says so (or 60 s pass); returns all of it.
async fn listen(response: reqwest::Response, done: impl Fn(&[Activity]) -> bool) -> Vec<Activity> {
    let mut body = response.bytes_stream();
    let mut decoder = LineDecoder::<Activity>::default();
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !done(&seen) {
        let chunk = tokio::time::timeout_at(deadline, body.next())
            .await
            .unwrap_or_else(|_| panic!("activity never came: {seen:#?}"));
        let Some(chunk) = chunk else { break };
        let text = String::from_utf8(chunk.unwrap().to_vec()).unwrap();
        seen.extend(decoder.push(&text).into_iter().map(|a| a.unwrap()));
    }
    seen
}

#[tokio::test]
async fn a_stakeholder_who_opened_first_hears_every_job_and_its_end() {
    let app = spawn_app().await;
    let (cookie, link) = open_viewer_link(&app).await;
    let viewer = client_with_cookie(&cookie);
    let stream = viewer
        .post(app.url("/api/activity/watch"))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    // Started after the stakeholder began to watch.
    let job: u64 = app
        .post_form(
            "/api/tenants/add",
            "name=Heard+Co&scale_factor=2&naming=camelCase",
        )
        .await
        .json()
        .await
        .unwrap();
    let seen = listen(stream, |seen| {
        seen.iter()
            .any(|a| matches!(a.what, Happening::JobEnded { job: j, .. } if j == job))
    })
    .await;
    let of_job: Vec<&Happening> = seen
        .iter()
        .filter(|a| a.job().is_some_and(|(j, _)| j == job))
        .map(|a| &a.what)
        .collect();
    assert!(
        matches!(of_job.first(), Some(Happening::JobStarted { job_kind, .. }) if job_kind == "add_tenant"),
        "{of_job:?}"
    );
    assert!(
        of_job
            .iter()
            .any(|h| matches!(h, Happening::JobProgressed { step, .. } if step == "load")),
        "the loading step's end is heard: {of_job:?}"
    );
    assert!(matches!(
        of_job.last(),
        Some(Happening::JobEnded { state, .. }) if state.as_str() == "succeeded"
    ));
    assert!(seen.windows(2).all(|w| w[0].seq < w[1].seq), "in order");

    // The link is revoked: the stream says so, then ends.
    let stream = viewer
        .post(app.url("/api/activity/watch"))
        .send()
        .await
        .unwrap();
    let revoked = app
        .post_form("/api/access/revoke-link", &format!("id={link}"))
        .await;
    assert_eq!(revoked.status(), 200);
    let seen = listen(stream, |seen| {
        seen.iter()
            .any(|a| matches!(a.what, Happening::SessionEnded { .. }))
    })
    .await;
    assert!(matches!(
        &seen.last().unwrap().what,
        Happening::SessionEnded { reason } if reason == "revoked"
    ));
    app.shutdown().await;
}

/// A page that was rendered, then took seconds to load its code before it began to
/// follow (or whose phone was offline for a moment): what happened in between is not
/// lost. Its stream starts with each happening it missed, a job's start included (the
/// page follows that job), each once; a page that missed nothing gets none.
#[tokio::test]
async fn a_page_that_starts_following_late_catches_up_first() {
    let app = spawn_app().await;
    let rendered: serde_json::Value = app.post("/api/access/whoami").await.json().await.unwrap();
    let seen_at = rendered["activity_seq"]
        .as_u64()
        .expect("whoami tells the activity count");
    // Between the render and the page's first look at the stream: a job starts.
    let job: u64 = app
        .post_form(
            "/api/tenants/add",
            "name=Meanwhile+Co&scale_factor=1&naming=camelCase",
        )
        .await
        .json()
        .await
        .unwrap();
    let late = app
        .post_form("/api/activity/watch", &format!("since={seen_at}"))
        .await;
    assert_eq!(late.status(), 200);
    // (Followed to the job's end, so that nothing more is on its way below.)
    let first = listen(late, |seen| {
        seen.iter()
            .any(|a| matches!(a.what, Happening::JobEnded { job: j, .. } if j == job))
    })
    .await;
    assert!(
        matches!(first[0].what, Happening::JobStarted { job: j, .. } if j == job),
        "{first:?} (job {job})"
    );
    assert_eq!(first[0].seq, seen_at, "from the first one missed");
    let seqs: Vec<u64> = first.iter().map(|a| a.seq).collect();
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "each once, in order: {seqs:?}"
    );

    // Up to date: no resync, just what happens next.
    let now: serde_json::Value = app.post("/api/access/whoami").await.json().await.unwrap();
    let current = app
        .post_form(
            "/api/activity/watch",
            &format!("since={}", now["activity_seq"]),
        )
        .await;
    app.post_form("/api/cluster/add-servers", "count=1").await;
    let next = listen(current, |seen| !seen.is_empty()).await;
    assert!(
        !next.iter().any(|a| matches!(a.what, Happening::Resync)),
        "{next:?}"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn a_job_run_by_a_cli_beside_the_server_is_heard() {
    let app = spawn_app().await;
    let stream = app.post("/api/activity/watch").await;
    assert_eq!(stream.status(), 200);
    let out = tokio::task::spawn_blocking({
        let data = app.data.path().to_path_buf();
        move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_scaleout"))
                .arg("--data-dir")
                .arg(data)
                .args(["server", "add", "--count", "1", "--json"])
                .output()
                .unwrap()
        }
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen = listen(stream, |seen| {
        seen.iter().any(|a| {
            matches!(&a.what, Happening::JobEnded { job_kind, .. } if job_kind == "add_servers")
        })
    })
    .await;
    assert!(
        seen.iter().any(|a| matches!(&a.what, Happening::JobEnded { state, .. } if state.as_str() == "succeeded")),
        "{seen:?}"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn visitors_and_customers_cannot_watch_the_console() {
    let app = spawn_app().await;
    let r = app
        .anonymous()
        .post(app.url("/api/activity/watch"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    app.shutdown().await;
}

/// A job the CLI runs beside the server is cancelled from the console (or the reverse):
/// the process that runs it hears the request through the store and stops it.
#[tokio::test]
async fn the_console_cancels_a_job_a_cli_runs() {
    use scaleout_domain::views::{JobRecord, JobState};
    let app = spawn_app().await;
    app.unbalanced(&["Far A", "Far B", "Far C", "Far D"]).await;
    let cli = std::process::Command::new(env!("CARGO_BIN_EXE_scaleout"))
        .arg("--data-dir")
        .arg(app.data.path())
        .args(["rebalance", "--execute", "--json"])
        .env("SCALEOUT_MOVE_RATE", "16000")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The CLI's job, once it runs.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let job = loop {
        let jobs: Vec<JobRecord> = app
            .post_form("/api/jobs/list", "limit=5")
            .await
            .json()
            .await
            .unwrap();
        if let Some(j) = jobs
            .iter()
            .find(|j| j.kind == "rebalance" && j.state == JobState::Running)
        {
            break j.id;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the CLI's job never ran"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let cancel = app
        .post_form("/api/jobs/cancel", &format!("id={job}"))
        .await;
    assert_eq!(cancel.status(), 200, "{}", cancel.text().await.unwrap());
    let out = tokio::task::spawn_blocking(move || cli.wait_with_output().unwrap())
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "the CLI's job ran to its end: {stderr}"
    );
    assert!(stderr.contains("cancelled"), "{stderr}");
    let record = app.finish_job(job).await;
    assert_eq!(record.state, JobState::Cancelled);
    app.shutdown().await;
}

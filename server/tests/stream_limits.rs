//! Live streams are capped per browser, so one read-only link cannot hold every
//! connection and lock the team out; a stream ends when the link it was opened with is
//! revoked (a job's progress too, not only the activity).

mod support;

use std::time::{Duration, Instant};

use futures::StreamExt;
use support::{client_with_cookie, open_viewer_link, spawn_app_with, TestApp};

async fn slow_app() -> TestApp {
    spawn_app_with(|c| c.move_rate_bytes_per_sec = Some(32 * 1024)).await
}

#[tokio::test]
async fn one_browser_gets_its_share_of_streams_and_the_team_still_gets_in() {
    let app = slow_app().await;
    let (cookie, _) = open_viewer_link(&app).await;
    let viewer = client_with_cookie(&cookie);
    let per_session = scaleout_services::streams::StreamLimits::default().per_session;
    let mut open = Vec::new();
    for _ in 0..per_session {
        let r = viewer
            .post(app.url("/api/activity/watch"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        open.push(r);
    }
    let refused = viewer
        .post(app.url("/api/activity/watch"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    let text = refused.text().await.unwrap();
    assert!(
        text.contains("this browser already follows 16 live streams"),
        "{text}"
    );
    // The team is not held up, and nor is another stakeholder.
    assert_eq!(app.post("/api/console/status").await.status(), 200);
    let (other, _) = open_viewer_link(&app).await;
    let r = client_with_cookie(&other)
        .post(app.url("/api/activity/watch"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // A page closed frees its place.
    drop(open.pop());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = viewer
            .post(app.url("/api/activity/watch"))
            .send()
            .await
            .unwrap();
        if r.status() == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "the place was never freed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.shutdown().await;
}

#[tokio::test]
async fn a_revoked_link_stops_following_a_job_that_runs_on() {
    let app = slow_app().await;
    let job = app
        .rebalancing(&["Revoke A", "Revoke B", "Revoke C", "Revoke D"])
        .await;
    let (cookie, link) = open_viewer_link(&app).await;
    let watching = client_with_cookie(&cookie)
        .post(app.url("/api/jobs/watch"))
        .form(&[("id", job.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(watching.status(), 200);
    let mut body = watching.bytes_stream();
    // Following: the first events arrive.
    let first = tokio::time::timeout(Duration::from_secs(10), body.next())
        .await
        .expect("the job's events");
    assert!(first.is_some());
    let revoked = app
        .post_form("/api/access/revoke-link", &format!("id={link}"))
        .await;
    assert_eq!(revoked.status(), 200);
    let revoked_at = Instant::now();
    // The stream ends within a session check or two, while the job still runs.
    let ended = tokio::time::timeout(Duration::from_secs(15), async {
        while let Some(chunk) = body.next().await {
            if chunk.is_err() {
                break;
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the revoked link still follows the job");
    let record: scaleout_domain::views::JobRecord = app
        .post_form("/api/jobs/get", &format!("id={job}"))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        !record.state.is_finished(),
        "the job ended first ({:?} after the revoke), so this proves nothing",
        revoked_at.elapsed()
    );
    app.post_form("/api/jobs/cancel", &format!("id={job}"))
        .await;
    app.finish_job(job).await;
    app.shutdown().await;
}

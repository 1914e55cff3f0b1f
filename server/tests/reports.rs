//! Downloading a finished demo's report as JSON and Markdown; clear 404s for
//! anything else.

mod support;

use scaleout_domain::views::{DemoReport, JobRecord, JobState};
use support::{spawn_app, TestApp};

async fn job(app: &TestApp, id: u64) -> JobRecord {
    app.post_form("/api/jobs/get", &format!("id={id}"))
        .await
        .json()
        .await
        .unwrap()
}

async fn not_found(app: &TestApp, path: &str, says: &str) {
    let response = app.get(path).await;
    assert_eq!(response.status(), 404, "{path}");
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = response.text().await.unwrap();
    assert!(text.contains(says), "{path}: {text}");
}

#[tokio::test]
async fn a_finished_demo_downloads_as_json_and_markdown_and_nothing_else_does() {
    let app = spawn_app().await;
    not_found(&app, "/reports/demo/42.json", "there is no job 42").await;
    not_found(&app, "/reports/demo/latest.json", "not a job number").await;
    not_found(&app, "/reports/demo/42", "ask for /reports/demo/<job>.json").await;

    // Another kind of job has no demo report.
    let add: u64 = app
        .post_form(
            "/api/tenants/add",
            "name=Acme+Corp&scale_factor=1&naming=camelCase",
        )
        .await
        .json()
        .await
        .unwrap();
    app.finish_job(add).await;
    not_found(
        &app,
        &format!("/reports/demo/{add}.md"),
        "add_tenant job, not a demo",
    )
    .await;

    // A demo that is still running has none yet.
    let demo = start_demo(&app).await;
    not_found(
        &app,
        &format!("/reports/demo/{demo}.json"),
        "its report exists once it has succeeded",
    )
    .await;

    // A second browser opening the demo page attaches to the running demo.
    let html = app.get("/demo").await.text().await.unwrap();
    assert!(
        html.contains(&format!("Demo job {demo} is running")),
        "{html}"
    );
    assert!(html.contains(&format!(r#"data-job="{demo}""#)), "{html}");

    assert_eq!(app.finish_job(demo).await.state, JobState::Succeeded);
    // The page rendered after it ended says so, also to a browser that runs no script:
    // its card is not "running", offers no cancel, and shows no empty log.
    let html = app.get("/demo").await.text().await.unwrap();
    let card = &html[html
        .find(r#"data-testid="job-watch""#)
        .expect("the job's card")..];
    let tag = &card[..card.find('>').unwrap()];
    assert!(tag.contains(r#"data-state="succeeded""#), "{tag}");
    assert!(!html.contains(">Cancel</button>"), "{html}");
    assert!(!html.contains("Every step (0)"), "{html}");

    let json = app.get(&format!("/reports/demo/{demo}.json")).await;
    assert_eq!(json.status(), 200);
    assert_eq!(json.headers()["content-type"], "application/json");
    let disposition = json.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.starts_with("attachment; filename=\"scale_out_demo_")
            && disposition.ends_with(".json\""),
        "{disposition}"
    );
    let report: DemoReport = json.json().await.unwrap();
    // Acme Corp was there already: the demo adds three tenants (4,380 documents).
    assert_eq!(report.scale_out_metrics.tenants_before, 1);
    assert_eq!(report.scale_out_metrics.tenants_after, 4);
    assert_eq!(report.scale_out_metrics.documents_added, 4380);
    assert_eq!(report.scale_out_metrics.db_servers_after, 5);
    assert!(report.validation.clean);
    let stored: DemoReport = serde_json::from_value(job(&app, demo).await.result.unwrap()).unwrap();
    assert_eq!(report, stored, "the download is the job's stored report");

    let md = app.get(&format!("/reports/demo/{demo}.md")).await;
    assert_eq!(md.status(), 200);
    assert_eq!(md.headers()["content-type"], "text/markdown; charset=utf-8");
    assert!(md.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .ends_with(".md\""));
    let text = md.text().await.unwrap();
    assert_eq!(text, stored.markdown());
    assert!(text.starts_with("# Scale-out demonstration"), "{text}");
    assert!(
        text.contains("| documents | 1,095 | 5,475 | 4,380 |"),
        "{text}"
    );

    not_found(&app, &format!("/reports/demo/{demo}.txt"), "not .txt").await;

    // The demo page, without wasm, shows the finished demo with its downloads.
    let html = app.get("/demo").await.text().await.unwrap();
    assert!(
        html.contains(&format!("(job {demo}), which has ended")),
        "{html}"
    );
    assert!(html.contains(&format!("href=\"/reports/demo/{demo}.json\"")));
    assert!(html.contains(&format!("href=\"/reports/demo/{demo}.md\"")));
    assert!(html.contains(r#"data-testid="panel-before""#));
    assert!(html.contains(r#"data-state="done""#));

    // A read-only link sees the same report, but not where the server keeps its data.
    let dir = app.data.path().display().to_string();
    let team = serde_json::to_string(&job(&app, demo).await).unwrap();
    assert!(team.contains(&dir), "the team sees the paths: {team}");
    let (cookie, _) = support::open_viewer_link(&app).await;
    let viewer = support::client_with_cookie(&cookie);
    for (post, path) in [
        (false, format!("/reports/demo/{demo}.json")),
        (false, format!("/reports/demo/{demo}.md")),
        (false, "/demo".to_string()),
        (false, "/".to_string()),
        (true, "/api/jobs/list".to_string()),
        (true, "/api/cluster/servers".to_string()),
    ] {
        let request = if post {
            viewer.post(app.url(&path)).form(&[("limit", "10")])
        } else {
            viewer.get(app.url(&path))
        };
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let text = response.text().await.unwrap();
        assert!(!text.contains(&dir), "{path} shows a server path: {text}");
    }
    let seen: JobRecord = viewer
        .post(app.url("/api/jobs/get"))
        .form(&[("id", demo.to_string())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let seen: DemoReport = serde_json::from_value(seen.result.unwrap()).unwrap();
    assert_eq!(seen.files.len(), 2);
    assert!(
        seen.files.iter().all(|f| f.starts_with("scale_out_demo_")),
        "{:?}",
        seen.files
    );
    app.shutdown().await;
}

/// A stakeholder's Demo page comes with the steps the running demo has done (a phone
/// without scripts reloads it to follow), not a narrative at "Later" everywhere.
#[tokio::test]
async fn the_demo_page_comes_with_the_steps_done_so_far() {
    // Slow moves: the demo is still in its rebalance when the page is read.
    let app = support::spawn_app_with(|c| c.move_rate_bytes_per_sec = Some(40_000)).await;
    let demo = start_demo(&app).await;
    let (cookie, _) = support::open_viewer_link(&app).await;
    let viewer = support::client_with_cookie(&cookie);
    let mut waited = 0;
    loop {
        let answer = support::post_json(&viewer, app.url("/api/jobs/current-demo")).await;
        let log: scaleout_domain::views::JobLog = serde_json::from_value(answer).unwrap();
        assert_eq!(log.job.id, demo);
        // Step 4 (the rebalance) under way: three done.
        if log.events.iter().any(|e| e.step == "demo" && e.done >= 3) {
            break;
        }
        waited += 1;
        assert!(
            waited < 600,
            "the demo did not reach its rebalance: {log:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let html = support::get_text(&viewer, app.url("/demo")).await;
    let state_of = |step: &str| {
        let at = html
            .find(&format!("data-step=\"{step}\""))
            .unwrap_or_else(|| panic!("no step {step}"));
        let tag_start = html[..at].rfind('<').unwrap();
        let tag = &html[tag_start..at + html[at..].find('>').unwrap()];
        tag.split("data-state=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(state_of("add_servers"), "done", "{html}");
    assert_eq!(state_of("rebalance"), "current", "{html}");
    assert_eq!(state_of("validate"), "pending", "{html}");
    assert!(html.contains("every 5 seconds while a job runs"), "{html}");
    assert!(html.contains(&format!("Demo job {demo} is running")));

    let cancel = app
        .post_form("/api/jobs/cancel", &format!("id={demo}"))
        .await;
    assert_eq!(cancel.status(), 200);
    app.finish_job(demo).await;
    app.shutdown().await;
}

/// Starts the scale-out demo through the API: its job id.
async fn start_demo(app: &TestApp) -> u64 {
    app.post_form("/api/demo/start", "naming=camelCase")
        .await
        .json()
        .await
        .unwrap()
}

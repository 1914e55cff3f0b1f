//! The dashboard's summary, jobs and one tenant's isolation, over HTTP.

mod support;

use scaleout_domain::port::{ClusterMode, TenantValidation};
use scaleout_domain::views::{ConsoleSummary, JobRecord, JobState, TenantRow};
use support::{spawn_app, text_of, TestApp};

async fn summary(app: &TestApp) -> ConsoleSummary {
    let response = app.post("/api/dashboard/summary").await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn summary_counts_follow_an_added_tenant_and_jobs_are_listed() {
    let app = spawn_app().await;
    let empty = summary(&app).await;
    assert_eq!(empty.mode, ClusterMode::Cluster);
    assert_eq!((empty.servers_healthy, empty.servers_total), (3, 3));
    assert_eq!((empty.tenants, empty.documents), (0, 0));
    // An empty cluster says where to start; all healthy, no server is named.
    let html = app.get("/").await.text().await.unwrap();
    assert!(html.contains(r#"data-testid="summary-start""#), "{html}");
    assert!(!html.contains(r#"data-testid="summary-unhealthy""#));

    let job: u64 = app
        .post_form(
            "/api/tenants/add",
            "name=Acme+Corp&scale_factor=2&naming=camelCase",
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(app.finish_job(job).await.state, JobState::Succeeded);

    let after = summary(&app).await;
    assert_eq!((after.tenants, after.documents), (1, 2190));
    assert_eq!(after.collections, 11);
    assert!(after.shard_groups >= 1);
    assert!(after.bytes_max > 0, "{after:?}");
    assert!(after.balance >= 1.0, "{after:?}");

    let jobs: Vec<JobRecord> = app
        .post_form("/api/jobs/list", "limit=10")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(jobs[0].id, job);
    assert_eq!(jobs[0].kind, "add_tenant");

    // The dashboard renders the same figures on the server.
    let html = app.get("/").await.text().await.unwrap();
    assert!(html.contains("Cluster at a glance"), "{html}");
    assert_eq!(text_of(&html, "summary-documents"), "2,190", "{html}");
    assert_eq!(text_of(&html, "summary-servers"), "3 / 3");
    assert_eq!(text_of(&html, "summary-tenants"), "1");
    assert!(html.contains(r#"data-testid="job-table""#));
    assert!(html.contains("Onboarding a tenant"));
    assert!(!html.contains(r#"data-testid="summary-start""#));

    // A failed server is named, with where to look.
    let failed = app
        .post_form("/api/cluster/fail-server", "server=DBServer0002")
        .await;
    assert!(failed.status().is_success(), "{}", failed.status());
    assert_eq!(
        summary(&app).await.servers_unhealthy,
        ["DBServer0002 (failed)"]
    );
    let html = app.get("/").await.text().await.unwrap();
    assert!(
        text_of(&html, "summary-unhealthy").contains("Not healthy: DBServer0002 (failed)."),
        "{html}"
    );
    assert!(html.contains(r#"href="/servers">See the Servers page"#));
    app.shutdown().await;
}

#[tokio::test]
async fn a_tenant_is_validated_alone_and_unknown_ids_are_refused() {
    let app = spawn_app().await;
    let job: u64 = app
        .post_form(
            "/api/tenants/add",
            "name=Acme+Corp&scale_factor=1&naming=camelCase",
        )
        .await
        .json()
        .await
        .unwrap();
    app.finish_job(job).await;
    let rows: Vec<TenantRow> = app.post("/api/tenants/list").await.json().await.unwrap();
    let id = rows[0].id;

    let response = app
        .post_form("/api/tenants/isolation", &format!("id={id}"))
        .await;
    assert_eq!(response.status(), 200);
    let v: TenantValidation = response.json().await.unwrap();
    assert_eq!(v.tenant, id);
    assert_eq!(v.documents, 1095);
    assert!(v.violations.is_empty(), "{:?}", v.violations);

    let unknown = app
        .post_form("/api/tenants/isolation", "id=0123456789ab")
        .await;
    assert_eq!(unknown.status(), 404);
    assert!(unknown.text().await.unwrap().contains("no tenant"));
    let bad = app.post_form("/api/tenants/isolation", "id=nope").await;
    assert_eq!(bad.status(), 400);
    app.shutdown().await;
}

#[tokio::test]
async fn the_demo_check_warns_when_the_cluster_already_holds_data() {
    let app = spawn_app().await;
    let empty: serde_json::Value = app.post("/api/demo/check").await.json().await.unwrap();
    assert_eq!(empty["tenants"], 0);
    assert!(empty["warning"].is_null(), "{empty}");
    app.add_tenant("Already Here", 2).await;
    let full: serde_json::Value = app.post("/api/demo/check").await.json().await.unwrap();
    assert_eq!(full["tenants"], 1);
    assert_eq!(full["documents"], 2190);
    let warning = full["warning"].as_str().unwrap();
    assert!(
        warning.contains("already holds 1 tenant, 2,190 documents on 3 DB servers"),
        "{warning}"
    );
    assert!(warning.contains("empty data directory"), "{warning}");
    app.shutdown().await;
}

/// A job's page: what it did and how it ended, from the dashboard's row, with or without
/// scripts (an ended job's log comes with the page); not for a stakeholder's link.
#[tokio::test]
async fn a_job_has_a_page_with_its_log() {
    let app = spawn_app().await;
    app.add_tenant("Acme Corp", 1).await;
    let job = 1;

    let log: scaleout_domain::views::JobLog = app
        .post_form("/api/jobs/log", &format!("id={job}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log.job.id, job);
    assert!(log.left_out > 0, "loading ticks are left out: {log:?}");
    assert_eq!(log.events.last().unwrap().step, "finished");

    let dashboard = app.get("/").await.text().await.unwrap();
    assert!(
        dashboard.contains(&format!("href=\"/jobs/{job}\"")),
        "{dashboard}"
    );
    let page = app.get(&format!("/jobs/{job}")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!("Job {job}: Onboarding a tenant: Acme Corp")),
        "{html}"
    );
    assert_eq!(text_of(&html, "job-state"), "succeeded");
    assert!(html.contains("data-testid=\"job-log\""), "{html}");
    assert!(
        html.contains("left out (scaleout job show 1 --all lists them)"),
        "{html}"
    );

    // An unknown job says so; a stakeholder's link has no job pages.
    let missing = app.get("/jobs/999").await.text().await.unwrap();
    assert!(missing.contains("there is no job 999"), "{missing}");
    let not_a_number = app.get("/jobs/abc").await;
    assert_eq!(not_a_number.status(), 404);
    let not_a_number = not_a_number.text().await.unwrap();
    assert!(
        not_a_number.contains("is not a job number"),
        "{not_a_number}"
    );
    let (cookie, _) = support::open_viewer_link(&app).await;
    let stakeholder = support::client_with_cookie(&cookie);
    let seen = stakeholder
        .get(app.url(&format!("/jobs/{job}")))
        .send()
        .await
        .unwrap();
    assert_ne!(seen.status(), 200);
    let dashboard = support::get_text(&stakeholder, app.url("/")).await;
    assert!(!dashboard.contains("href=\"/jobs/"), "{dashboard}");
    app.shutdown().await;
}

/// Every job, a page at a time, newest first: the dashboard keeps ten.
#[tokio::test]
async fn the_jobs_page_lists_every_job_a_page_at_a_time() {
    let app = spawn_app().await;
    app.add_tenant("Acme Corp", 1).await;
    // Plans only: quick jobs, 51 in all with the onboarding.
    let mut last = 0;
    for _ in 0..50 {
        last = app
            .post_form("/api/cluster/rebalance", "execute=false")
            .await
            .json()
            .await
            .unwrap();
    }
    assert_eq!(last, 51);
    app.finish_job(last).await;

    let older: Vec<scaleout_domain::views::JobRecord> = app
        .post_form("/api/jobs/list", "limit=3&before=10")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(older.iter().map(|j| j.id).collect::<Vec<_>>(), [9, 8, 7]);

    let dashboard = app.get("/").await.text().await.unwrap();
    assert!(
        dashboard.contains("href=\"/jobs\""),
        "the dashboard links the jobs page"
    );
    let first = app.get("/jobs").await;
    assert_eq!(first.status(), 200);
    let first = first.text().await.unwrap();
    assert!(first.contains("The newest jobs"), "{first}");
    assert!(first.contains("href=\"/jobs/51\"") && first.contains("href=\"/jobs/2\""));
    assert!(!first.contains("href=\"/jobs/1\""), "50 on a page");
    assert!(first.contains("href=\"/jobs?before=2\""), "{first}");
    assert!(!first.contains("data-testid=\"newest-jobs\""));

    let second = app.get("/jobs?before=2").await.text().await.unwrap();
    assert!(second.contains("Job 1"), "{second}");
    assert!(second.contains("Onboarding a tenant: Acme Corp"));
    assert!(second.contains("data-testid=\"newest-jobs\""));
    assert!(!second.contains("data-testid=\"older-jobs\""));

    let past = app.get("/jobs?before=1").await.text().await.unwrap();
    assert!(past.contains("No jobs numbered below 1."), "{past}");
    let bad = app.get("/jobs?before=abc").await;
    assert_eq!(bad.status(), 400);
    let bad = bad.text().await.unwrap();
    assert!(bad.contains("is not a job number"), "{bad}");

    let (cookie, _) = support::open_viewer_link(&app).await;
    let stakeholder = support::client_with_cookie(&cookie);
    let seen = stakeholder.get(app.url("/jobs")).send().await.unwrap();
    assert_ne!(seen.status(), 200);
    let dashboard = support::get_text(&stakeholder, app.url("/")).await;
    assert!(!dashboard.contains("href=\"/jobs\""), "{dashboard}");
    app.shutdown().await;
}

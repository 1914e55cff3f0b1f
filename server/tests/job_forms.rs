//! A form that starts a job, posted without JavaScript (before the page's code has
//! loaded, or with it off), goes on to the job's own page. It used to come back to the
//! page it was sent from, where nothing said that a job had started.

mod support;

/// Posts `fields` to `path` as a browser without scripts does, from `page`.
async fn plain_post(
    app: &support::TestApp,
    path: &str,
    page: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .header("accept", "text/html,application/xhtml+xml")
        .header("referer", app.url(page))
        .form(fields)
        .send()
        .await
        .unwrap()
}

/// The job a response sends the browser to.
fn job_of(r: &reqwest::Response) -> u64 {
    assert_eq!(r.status(), 303, "{:?}", r.headers());
    let location = r.headers()["location"].to_str().unwrap();
    location
        .strip_prefix("/jobs/")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not a job's page: {location}"))
}

#[tokio::test]
async fn a_tenant_added_without_javascript_leads_to_its_job() {
    let app = support::spawn_app().await;
    let r = plain_post(
        &app,
        "/api/tenants/add",
        "/tenants",
        &[
            ("name", "Plain Form Co"),
            ("scale_factor", "1"),
            ("naming", ""),
        ],
    )
    .await;
    let job = job_of(&r);
    let record = app.finish_job(job).await;
    assert_eq!(record.state.as_str(), "succeeded");
    let page = app.get(&format!("/jobs/{job}")).await.text().await.unwrap();
    assert!(
        page.contains("Plain Form Co"),
        "the job's page names it: {page}"
    );
    // The audit trail names the job, as it does for a script's request.
    let added = app.audited("tenants/add").await;
    assert_eq!(
        (&added["outcome"], &added["job_id"]),
        (&"ok".into(), &job.into())
    );
    // Servers too, and the isolation check.
    let servers = plain_post(
        &app,
        "/api/cluster/add-servers",
        "/servers",
        &[("count", "1")],
    )
    .await;
    let added = job_of(&servers);
    assert_ne!(added, job);
    let check = plain_post(&app, "/api/cluster/validate", "/isolation", &[]).await;
    assert!(job_of(&check) > added);
    app.shutdown().await;
}

#[tokio::test]
async fn a_refused_job_form_comes_back_to_its_page_with_the_reason() {
    let app = support::spawn_app().await;
    let r = plain_post(
        &app,
        "/api/tenants/add",
        "/tenants",
        &[
            ("name", "Refused Co"),
            ("scale_factor", "lots"),
            ("naming", ""),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let back = r.headers()["location"].to_str().unwrap();
    assert!(
        back.starts_with(&app.url("/tenants?__path=%2Fapi%2Ftenants%2Fadd")),
        "back to the form's page, for its form: {back}"
    );
    let error = support::set_cookie(&r, "scaleout_form_error").expect("the reason comes back");
    let typed = support::set_cookie(&r, "scaleout_form").expect("what was typed comes back");
    // The page it comes back to says why, and holds what was typed.
    let returned = support::client_with_cookie(&format!("{}; {error}; {typed}", app.cookie));
    let html = support::get_text(&returned, back.to_string()).await;
    assert!(html.contains("whole number from 1 to 1000"), "{html}");
    assert!(html.contains("value=\"Refused Co\""), "{html}");
    assert!(html.contains("value=\"lots\""), "{html}");
    // Nothing started.
    let jobs: Vec<scaleout_domain::views::JobRecord> = app
        .post_form("/api/jobs/list", "limit=5")
        .await
        .json()
        .await
        .unwrap();
    assert!(jobs.is_empty(), "{jobs:?}");
    app.shutdown().await;
}

/// A script asks for the number, and still gets it.
#[tokio::test]
async fn a_script_still_gets_the_job_s_number() {
    let app = support::spawn_app().await;
    let r = app.post_form("/api/cluster/add-servers", "count=1").await;
    assert_eq!(r.status(), 200);
    let job: u64 = r.text().await.unwrap().trim().parse().unwrap();
    assert!(job >= 1);
    app.shutdown().await;
}

/// A running job's page, without scripts, reloads itself to show how far it got; an
/// ended job's page stays put.
#[tokio::test]
async fn a_running_job_s_page_reloads_itself_without_scripts() {
    // Slow moves: the run is still going when the page is read.
    let app = support::spawn_app_with(|c| c.move_rate_bytes_per_sec = Some(40_000)).await;
    let job = app
        .rebalancing(&["Reload One", "Reload Two", "Reload Three"])
        .await;
    let page = app.get(&format!("/jobs/{job}")).await.text().await.unwrap();
    assert!(page.contains("state-running"), "{page}");
    assert!(page.contains("http-equiv=\"refresh\""), "{page}");
    // Cancel is asked on a page that does not reload under the reader's hands (a reload
    // closed the question every 5 s).
    let ask = format!("/jobs/{job}?cancel=ask");
    assert!(page.contains(&format!("href=\"{ask}\"")), "{page}");
    let asking = app.get(&ask).await.text().await.unwrap();
    if asking.contains("state-running") {
        assert!(!asking.contains("http-equiv=\"refresh\""), "{asking}");
        assert!(
            asking.contains(
                "<details class=\"noscript-form\" open><summary>Cancel this job</summary>"
            ) && asking.contains("action=\"/api/jobs/cancel\""),
            "{asking}"
        );
    }
    let record = app.finish_job(job).await;
    assert_eq!(record.state.as_str(), "succeeded");
    let ended = app.get(&format!("/jobs/{job}")).await.text().await.unwrap();
    assert!(
        !ended.contains("http-equiv=\"refresh\""),
        "an ended job's page stays put: {ended}"
    );
    app.shutdown().await;
}

/// Cancel posted without scripts comes back to the job's page, which says the cancel was
/// asked until the job has stopped (it offered Cancel again, as if nothing happened).
#[tokio::test]
async fn a_cancel_without_javascript_is_acknowledged_on_the_job_s_page() {
    let app = support::spawn_app_with(|c| c.move_rate_bytes_per_sec = Some(40_000)).await;
    let job = app
        .rebalancing(&["Cancel One", "Cancel Two", "Cancel Three"])
        .await;
    let page = format!("/jobs/{job}");
    let r = plain_post(&app, "/api/jobs/cancel", &page, &[("id", &job.to_string())]).await;
    assert!(r.status().is_redirection(), "{}", r.status());
    let back = r.headers()["location"].to_str().unwrap().to_string();
    assert!(back.starts_with(&app.url(&page)), "{back}");
    let record: scaleout_domain::views::JobRecord = app
        .post_form("/api/jobs/get", &format!("id={job}"))
        .await
        .json()
        .await
        .unwrap();
    let html = app.get(&page).await.text().await.unwrap();
    if record.state.as_str() == "running" {
        // Asked, not yet stopped: said, and not offered again.
        assert!(record.cancel_asked_ms.is_some(), "{record:?}");
    }
    if html.contains("state-running") {
        assert!(html.contains("Cancel asked at"), "{html}");
        assert!(!html.contains("Cancel this job"), "{html}");
    }
    let ended = app.finish_job(job).await;
    assert_eq!(ended.state.as_str(), "cancelled");
    assert_eq!(
        ended.cancel_asked_ms, None,
        "an ended job's request says nothing"
    );
    app.shutdown().await;
}

//! The console's pages, rendered on the server.

mod support;

use support::spawn_app;

#[tokio::test]
async fn dashboard_is_rendered_on_the_server_with_status() {
    let app = spawn_app().await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = response.text().await.unwrap();
    assert!(
        support::markup(&html).contains("<h1>Dashboard</h1>"),
        "{html}"
    );
    assert!(html.contains("Embedded (simulated cluster in SQLite)"));
    assert!(html.contains(&format!(">{}<", env!("CARGO_PKG_VERSION"))));
    let db = app.data.path().join("scaleout.db");
    assert!(
        html.contains(&db.display().to_string()),
        "names the store file"
    );
    // The hydration bundle is referenced, for browsers with wasm.
    assert!(html.contains("/pkg/scaleout.js"));
    assert!(html.contains("/pkg/scaleout_bg.wasm"));
    app.shutdown().await;
}

#[tokio::test]
async fn every_page_of_the_navigation_renders() {
    let app = spawn_app().await;
    for (path, heading) in [
        ("/tenants", "Tenants"),
        ("/servers", "Servers"),
        ("/shards", "Shards"),
        ("/demo", "Demo"),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        let html = response.text().await.unwrap();
        assert!(
            support::markup(&html).contains(&format!("<h1>{heading}</h1>")),
            "{path}: {html}"
        );
        for link in [
            "href=\"/\"",
            "href=\"/tenants\"",
            "href=\"/servers\"",
            "href=\"/shards\"",
            "href=\"/demo\"",
        ] {
            assert!(html.contains(link), "{path} lacks {link}");
        }
        assert!(
            html.contains(&format!("<a href=\"{path}\" aria-current=\"page\">")),
            "{path} marks its own link as current"
        );
    }
    app.shutdown().await;
}

#[tokio::test]
async fn unknown_paths_answer_404_with_a_page() {
    let app = spawn_app().await;
    let response = app.get("/no/such/page").await;
    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("Page not found"));
    let asset = app.get("/pkg/missing.js").await;
    assert_eq!(asset.status(), 404);
    app.shutdown().await;
}

/// GETs or POSTs `path` asking for gzip; returns the encoding and the body, unpacked.
async fn gzip_requested(
    app: &support::TestApp,
    post: bool,
    path: &str,
) -> (Option<String>, String) {
    use std::io::Read;
    let request = if post {
        app.client.post(app.url(path))
    } else {
        app.client.get(app.url(path))
    };
    let response = request
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let encoding = response
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap().to_string());
    let raw = response.bytes().await.unwrap();
    let text = if encoding.as_deref() == Some("gzip") {
        let mut text = String::new();
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_string(&mut text)
            .unwrap();
        text
    } else {
        String::from_utf8(raw.to_vec()).unwrap()
    };
    (encoding, text)
}

#[tokio::test]
async fn pages_and_json_travel_gzipped_and_streams_do_not() {
    let app = spawn_app().await;
    let (encoding, html) = gzip_requested(&app, false, "/shards").await;
    assert_eq!(encoding.as_deref(), Some("gzip"));
    assert!(support::markup(&html).contains("<h1>Shards</h1>"));
    let (encoding, json) = gzip_requested(&app, true, "/api/cluster/shards").await;
    assert_eq!(encoding.as_deref(), Some("gzip"));
    assert!(serde_json::from_str::<serde_json::Value>(&json).unwrap()["shards"].is_object());
    // A live stream goes out line by line, uncompressed.
    let (encoding, lines) = gzip_requested(&app, true, "/api/console/preflight").await;
    assert_eq!(encoding, None);
    assert!(lines.lines().count() >= 7);
    // A client that does not ask for gzip gets plain text.
    let plain = app.get("/shards").await;
    assert!(plain.headers().get("content-encoding").is_none());
    assert!(support::markup(&plain.text().await.unwrap()).contains("<h1>Shards</h1>"));
    app.shutdown().await;
}

/// A server holding many tenants names a few and folds the rest; every name links
/// to its tenant's page, on the Servers page and in the Shards page's tables.
#[tokio::test]
async fn long_tenant_lists_fold_and_link_to_each_tenant() {
    use scaleout_domain::views::ServerReport;

    let app = support::spawn_app().await;
    for i in 0..12 {
        app.add_tenant(&format!("Folded {i}"), 1).await;
    }
    let report: ServerReport = app.post("/api/cluster/servers").await.json().await.unwrap();
    let html = app.get("/servers").await.text().await.unwrap();
    let mut folded = 0;
    for server in report.servers.iter().filter(|s| !s.tenants.is_empty()) {
        for t in &server.tenants {
            assert!(
                html.contains(&format!("href=\"/tenants/{}\"", t.id)),
                "{html}"
            );
        }
        if server.tenants.len() > 5 {
            folded += 1;
            let more = format!("and {} more", server.tenants.len() - 4);
            assert!(
                html.contains(&more),
                "{} lacks {more:?}: {html}",
                server.short_name
            );
        }
    }
    assert!(
        folded > 0,
        "12 tenants on 3 servers: some server holds more than 5"
    );
    assert_eq!(
        html.matches("<details class=\"more-tenants\">").count(),
        folded
    );

    let shards = app.get("/shards").await.text().await.unwrap();
    for server in &report.servers {
        for t in &server.tenants {
            assert!(shards.contains(&format!("href=\"/tenants/{}\"", t.id)));
        }
    }
    app.shutdown().await;
}

/// `/tenants?q=` renders the list filtered (rows hidden, a status line), so the filter
/// works before the page is interactive and without WebAssembly.
#[tokio::test]
async fn the_tenant_filter_applies_on_the_server() {
    let app = support::spawn_app().await;
    let mut rows = Vec::new();
    for name in ["Acme Corp", "Globex", "Initech"] {
        rows.push(app.add_tenant(name, 1).await);
    }
    // The opening tag of a tenant's row.
    let row_tag = |html: &str, id: &str| -> String {
        let start = html
            .find(&format!("<tr data-tenant=\"{id}\""))
            .unwrap_or_else(|| panic!("no row for {id}: {html}"));
        html[start..start + html[start..].find('>').unwrap()].to_string()
    };

    let html = app.get("/tenants?q=GLOB").await.text().await.unwrap();
    assert!(html.contains("Showing 1 of 3 tenants."), "{html}");
    assert!(html.contains("name=\"q\""), "{html}");
    assert!(
        html.contains("value=\"GLOB\""),
        "the box shows the filter: {html}"
    );
    for r in &rows {
        let hidden = row_tag(&html, r.id.as_str()).contains("hidden");
        assert_eq!(hidden, r.name != "Globex", "{}: {html}", r.name);
    }

    let html = app
        .get("/tenants?q=nobody+here")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("No tenant matches"), "{html}");
    let html = app.get("/tenants").await.text().await.unwrap();
    for r in &rows {
        assert!(!row_tag(&html, r.id.as_str()).contains("hidden"));
    }
    app.shutdown().await;
}

#[tokio::test]
async fn a_stopped_job_offers_operators_a_resume_that_finishes_it() {
    let app = spawn_app().await;
    let job: u64 = app
        .post_form(
            "/api/tenants/add",
            "name=Stopped+Co&scale_factor=300&naming=camelCase",
        )
        .await
        .json()
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        app.post_form("/api/jobs/cancel", &format!("id={job}"))
            .await
            .status(),
        200
    );
    let record = app.finish_job(job).await;
    assert_eq!(record.state.as_str(), "cancelled");
    let html = app.get("/").await.text().await.unwrap();
    assert!(
        html.contains(&format!("data-testid=\"resume-{job}\"")),
        "{html}"
    );
    assert!(html.contains("resume job"), "the error says what is left");

    let (viewer, _) = support::open_viewer_link(&app).await;
    let viewer_html = support::client_with_cookie(&viewer)
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !viewer_html.contains("data-testid=\"resume-"),
        "no resume for a viewer"
    );

    assert_eq!(
        app.post_form("/api/jobs/resume", &format!("id={job}"))
            .await
            .status(),
        200
    );
    let record = app.finish_job(job).await;
    assert_eq!(record.state.as_str(), "succeeded", "{:?}", record.error);
    assert_eq!(record.result.unwrap()["total_documents"], 328_500);
    app.shutdown().await;
}

/// A resume refused once (its plan no longer fits the cluster) is not offered again after
/// a reload: the job shows why instead, in the list and on its page.
#[tokio::test]
async fn a_job_whose_resume_was_refused_shows_why_instead_of_resume() {
    let app = spawn_app().await;
    let job: u64 = app
        .post_form(
            "/api/tenants/add",
            "name=Refused+Co&scale_factor=300&naming=camelCase",
        )
        .await
        .json()
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.post_form("/api/jobs/cancel", &format!("id={job}"))
        .await;
    assert_eq!(app.finish_job(job).await.state.as_str(), "cancelled");
    // As the resume check records it (see services' execution tests for the check itself).
    let why = "the cluster changed since its plan was made (a group moved)";
    scaleout_services::store::ConsoleStore::open(&app.data.path().join("console.db"))
        .unwrap()
        .refuse_resume(job, why)
        .unwrap();

    for page in ["/".to_string(), "/jobs".to_string(), format!("/jobs/{job}")] {
        let html = support::markup(&app.get(&page).await.text().await.unwrap());
        assert!(
            !html.contains(&format!("data-testid=\"resume-{job}\"")),
            "{page}: {html}"
        );
        assert!(
            html.contains(&format!("Cannot be resumed: {why}")),
            "{page}: {html}"
        );
    }
    let refused = app
        .post_form("/api/jobs/resume", &format!("id={job}"))
        .await;
    assert_eq!(refused.status(), 409);
    assert!(refused.text().await.unwrap().contains(why));
    assert_eq!(app.finish_job(job).await.state.as_str(), "cancelled");
    app.shutdown().await;
}

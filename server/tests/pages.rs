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
    assert!(html.contains("<h1>Dashboard</h1>"), "{html}");
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
            html.contains(&format!("<h1>{heading}</h1>")),
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

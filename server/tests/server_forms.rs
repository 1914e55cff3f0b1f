//! The Servers page's actions without JavaScript: simulating a failure, restoring and
//! removing a server are forms that ask first (the page's buttons need its script), and
//! a removal answers with a page that says what it did.

mod support;

async fn plain_post(app: &support::TestApp, path: &str, server: &str) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .header("accept", "text/html,application/xhtml+xml")
        .header("referer", app.url("/servers"))
        .form(&[("server", server)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_server_is_failed_restored_and_removed_without_javascript() {
    let app = support::spawn_app().await;
    app.add_tenant("Held Co", 1).await;
    let page = app.get("/servers").await.text().await.unwrap();
    // Each action asks its question in a disclosure before sending.
    assert!(
        page.contains("<summary>Simulate failure</summary><form method=\"post\" action=\"/api/cluster/fail-server\">")
            && page.contains("<p>Simulate a failure of DBServer0002? Its leaders fail over"),
        "{page}"
    );

    let failed = plain_post(&app, "/api/cluster/fail-server", "DBServer0002").await;
    assert!(failed.status().is_redirection(), "{}", failed.status());
    let page = app.get("/servers").await.text().await.unwrap();
    assert!(
        page.contains("<summary>Restore</summary><form method=\"post\" action=\"/api/cluster/restore-server\">"),
        "a failed server offers Restore: {page}"
    );
    let restored = plain_post(&app, "/api/cluster/restore-server", "DBServer0002").await;
    assert!(restored.status().is_redirection(), "{}", restored.status());
    let page = app.get("/servers").await.text().await.unwrap();
    assert!(!page.contains("<summary>Restore</summary>"), "{page}");

    // A new server holds nothing, so it may be removed; the answer is a page of its own.
    let job: u64 = app
        .post_form("/api/cluster/add-servers", "count=1")
        .await
        .text()
        .await
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!(app.finish_job(job).await.state.as_str(), "succeeded");
    let page = app.get("/servers").await.text().await.unwrap();
    let new = page
        .split("data-server=\"")
        .filter_map(|rest| rest.split('"').next())
        .max()
        .unwrap()
        .to_string();
    assert!(
        page.contains(&format!("<p>Remove {new}, which holds nothing?</p>")),
        "{page}"
    );
    let removed = plain_post(&app, "/api/cluster/remove-server", &new).await;
    assert_eq!(removed.status(), 200);
    let shown = removed.text().await.unwrap();
    assert!(
        shown.contains(&format!("<h1>{new} removed</h1>"))
            && shown.contains("data-testid=\"server-removed\"")
            && shown.contains("<a href=\"/servers\">Back to the servers</a>"),
        "{shown}"
    );
    let page = app.get("/servers").await.text().await.unwrap();
    assert!(!page.contains(&format!("data-server=\"{new}\"")), "{page}");

    // A server that holds data is refused, with the reason on a page that says so.
    let holder = page
        .split("href=\"/shards?drain=")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a server holding data")
        .to_string();
    let refused = plain_post(&app, "/api/cluster/remove-server", &holder).await;
    assert_eq!(refused.status(), 409);
    let said = refused.text().await.unwrap();
    assert!(
        said.contains("That did not go through") && said.contains(&format!("{holder} still holds")),
        "{said}"
    );
    let page = app.get("/servers").await.text().await.unwrap();
    assert!(
        page.contains(&format!("data-server=\"{holder}\"")),
        "kept: {page}"
    );
    app.shutdown().await;
}

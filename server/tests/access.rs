//! Access over HTTP: operators, read-only links, the cross-site check and the
//! security headers. Every server function is tried without a session.

mod support;

use std::collections::BTreeSet;

use support::{
    client_with_cookie, get_text, login, open_viewer_link, spawn_app, OPERATOR_PASSWORD,
};

/// Every registered server function, as the router serves it.
fn server_fn_paths() -> BTreeSet<String> {
    leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .collect()
}

/// Endpoints anyone may call: logging in, signing up, a customer's own portal.
fn is_public(path: &str) -> bool {
    path == "/api/access/login"
        || path == "/api/access/logout"
        || path == "/api/access/whoami"
        || path.starts_with("/api/signup/")
        || path.starts_with("/api/portal/")
}

/// The reads a stakeholder's link needs to watch the dashboard, shards and demo.
fn is_viewer_read(path: &str) -> bool {
    [
        "/api/activity/watch",
        "/api/console/status",
        "/api/cluster/servers",
        "/api/cluster/shards",
        "/api/jobs/list",
        "/api/jobs/get",
        "/api/jobs/current-demo",
        "/api/jobs/current-rebalance",
        "/api/jobs/watch",
        "/api/demo/check",
    ]
    .contains(&path)
        || path.starts_with("/api/dashboard/")
}

#[tokio::test]
async fn every_server_function_refuses_callers_without_the_role_it_needs() {
    let app = spawn_app().await;
    let paths = server_fn_paths();
    assert!(paths.len() >= 20, "found {paths:?}");
    let (viewer_cookie, _) = open_viewer_link(&app).await;
    let viewer = client_with_cookie(&viewer_cookie);
    let anonymous = app.anonymous();
    for path in &paths {
        if path.ends_with("/logout") {
            continue; // public, and it would end the viewer's session
        }
        let anon_response = anonymous.post(app.url(path)).send().await.unwrap();
        let anon = anon_response.status();
        let anon_body = anon_response.text().await.unwrap();
        let view = viewer.post(app.url(path)).send().await.unwrap().status();
        if is_public(path) {
            // Public: the guard lets it through (a portal call still needs its own cookie).
            assert!(
                !anon_body.contains("log in as an operator") && anon != 403,
                "{path}: anonymous got {anon} {anon_body}"
            );
        } else {
            assert_eq!(anon, 401, "{path} must need a session");
            if is_viewer_read(path) {
                assert!(view != 401 && view != 403, "{path}: viewer got {view}");
            } else {
                assert_eq!(view, 403, "{path} must need an operator");
            }
        }
        assert!(
            anon.as_u16() < 500 && view.as_u16() < 500,
            "{path}: {anon} / {view}"
        );
    }
    app.shutdown().await;
}

#[tokio::test]
async fn a_read_only_link_watches_but_cannot_change_anything_and_can_be_revoked() {
    let app = spawn_app().await;
    let (cookie, id) = open_viewer_link(&app).await;
    let viewer = client_with_cookie(&cookie);
    for (page, title) in [("/", "Dashboard"), ("/shards", "Shards"), ("/demo", "Demo")] {
        let r = viewer.get(app.url(page)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{page}");
        // A stakeholder's pages come from the watch app and its own small bundle, with
        // the pages a link may show in the navigation, this one marked current.
        let html = r.text().await.unwrap();
        assert!(html.contains("watch/watch.js"), "{page}: {html}");
        assert!(
            !html.contains("scaleout.js"),
            "{page} loads the console's shell"
        );
        assert!(
            html.contains(&format!("<title>{title} · scaleout</title>")),
            "{page}"
        );
        assert!(html.contains(r#"data-role="stakeholder""#), "{page}");
        assert!(
            html.contains(&format!(r#"href="{page}" aria-current="page""#)),
            "{page}"
        );
        assert!(!html.contains(r#"href="/tenants""#), "{page}");
    }
    // The team keeps the console on the same paths.
    let html = get_text(&app.client, app.url("/")).await;
    assert!(html.contains("scaleout.js") && !html.contains("watch/watch.js"));
    // The back end in the team's words; in plain words for the link, without where the
    // data lives.
    assert!(html.contains("Embedded (simulated cluster in SQLite)"));
    let html = get_text(&viewer, app.url("/")).await;
    assert!(
        html.contains("A simulated cluster, for demonstrations"),
        "{html}"
    );
    assert!(!html.contains("SQLite") && !html.contains("scaleout.db"));
    // The controls the server would refuse are not offered; the operator gets them.
    for (page, control) in [("/shards", "make-plan"), ("/demo", "start-demo")] {
        let html = viewer
            .get(app.url(page))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("read-only-note"), "{page}");
        assert!(
            !html.contains(control),
            "{page} offers {control} to a viewer"
        );
        let html = app
            .client
            .get(app.url(page))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains(control),
            "{page} hides {control} from the operator"
        );
        assert!(!html.contains("read-only-note"), "{page}");
    }
    assert_eq!(
        viewer
            .get(app.url("/tenants"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let add = viewer
        .post(app.url("/api/tenants/add"))
        .form(&[
            ("name", "Sneaky Co"),
            ("scale_factor", "1"),
            ("naming", "camelCase"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(add.status(), 403);
    assert!(add.text().await.unwrap().contains("read-only"));
    let tenants: serde_json::Value = app
        .client
        .post(app.url("/api/tenants/list"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tenants.as_array().unwrap().len(), 0, "nothing was created");

    let revoked = app
        .client
        .post(app.url("/api/access/revoke-link"))
        .form(&[("id", id.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    let after = viewer
        .post(app.url("/api/cluster/shards"))
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 401, "a revoked link's session ends at once");
    assert!(after.text().await.unwrap().contains("was revoked"));
    // Its pages say so (not "log in as an operator"), in every tab, every time.
    for _ in 0..2 {
        let page = viewer.get(app.url("/shards")).send().await.unwrap();
        assert_eq!(page.status(), 401);
        let html = page.text().await.unwrap();
        assert!(html.contains("This link was revoked"), "{html}");
        assert!(!html.contains("log in"), "{html}");
    }
    app.shutdown().await;
}

#[tokio::test]
async fn failed_logins_look_alike_and_are_rate_limited() {
    let app = spawn_app().await;
    let mut bodies = BTreeSet::new();
    for wrong in ["", "nope", &"x".repeat(10_000), "test-operator-passwor"] {
        let r = app
            .anonymous()
            .post(app.url("/api/access/login"))
            .form(&[("password", wrong)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
        assert!(r.headers().get("set-cookie").is_none());
        bodies.insert(r.text().await.unwrap());
    }
    assert_eq!(bodies.len(), 1, "one answer whatever was wrong: {bodies:?}");
    // The spawn_app login was a success; four failures so far, one more allowed.
    assert!(matches!(login(&app.base, "wrong again").await, Err(s) if s == 401));
    let held = app
        .anonymous()
        .post(app.url("/api/access/login"))
        .form(&[("password", OPERATOR_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(held.status(), 429, "even the right password waits");
    assert!(held.headers().get("retry-after").is_some());
    app.shutdown().await;
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = spawn_app().await;
    let cookie = login(&app.base, OPERATOR_PASSWORD).await.unwrap();
    let client = client_with_cookie(&cookie);
    assert_eq!(
        client
            .post(app.url("/api/jobs/list"))
            .form(&[("limit", "5")])
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let out = client
        .post(app.url("/api/access/logout"))
        .send()
        .await
        .unwrap();
    assert!(out.status().is_success() || out.status().is_redirection());
    assert_eq!(
        client
            .post(app.url("/api/jobs/list"))
            .form(&[("limit", "5")])
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    // The test's own session is untouched.
    assert_eq!(app.post("/api/console/status").await.status(), 200);
    app.shutdown().await;
}

#[tokio::test]
async fn cross_site_writes_are_refused_even_with_a_session() {
    let app = spawn_app().await;
    let r = app
        .client
        .post(app.url("/api/cluster/add-servers"))
        .header("origin", "https://evil.example")
        .form(&[("count", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = app
        .client
        .post(app.url("/api/cluster/add-servers"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("count", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let jobs: serde_json::Value = app
        .client
        .post(app.url("/api/jobs/list"))
        .form(&[("limit", "5")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(jobs.as_array().unwrap().len(), 0, "no job started");
    // The same request from the console's own origin goes through.
    let host = app.base.trim_start_matches("http://").to_string();
    let ok = app
        .client
        .post(app.url("/api/console/status"))
        .header("origin", format!("http://{host}"))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    app.shutdown().await;
}

#[tokio::test]
async fn pages_carry_security_headers_and_the_scripts_carry_the_nonce() {
    let app = spawn_app().await;
    let r = app.get("/").await;
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    let csp = h["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .unwrap()
        .to_string();
    let html = r.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries this response's nonce"
    );
    // Anonymous visitors are sent to the login, and the page says nothing secret.
    let anon = app
        .anonymous()
        .get(app.url("/tenants"))
        .send()
        .await
        .unwrap();
    assert_eq!(anon.status(), 303);
    assert_eq!(anon.headers()["location"], "/login?next=/tenants");
    app.shutdown().await;
}

/// A read-only link opened in a browser logged in to the console (by the operator, or by
/// a link on another site) does not replace the operator's session with a stakeholder's.
#[tokio::test]
async fn a_read_only_link_never_replaces_a_team_session() {
    let app = spawn_app().await;
    let made = support::create_link(&app).await;
    let path = made["path"].as_str().unwrap();
    // From another site, a browser sends no SameSite=Strict cookie: the page asks again
    // from this site (where it would), and sets none.
    let arriving = app
        .anonymous()
        .get(app.url(path))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(arriving.status(), 200);
    assert!(support::set_cookie(&arriving, "scaleout_session").is_none());
    let html = arriving.text().await.unwrap();
    assert!(
        html.contains(&format!("content=\"0;url={path}\"")),
        "{html}"
    );
    // Asked again from this site, with the operator's cookie: not opened over it.
    let opened = app
        .client
        .get(app.url(path))
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(opened.status(), 200);
    assert!(
        support::set_cookie(&opened, "scaleout_session").is_none(),
        "the operator's session stays"
    );
    let html = opened.text().await.unwrap();
    assert!(html.contains("logged in to the console as admin"), "{html}");
    let who = support::post_json(&app.client, app.url("/api/access/whoami")).await;
    assert_eq!(who["role"], "admin");
    // The link itself still works, in a browser of its own.
    let (cookie, _) = support::open_viewer_link(&app).await;
    assert!(!cookie.is_empty());
    app.shutdown().await;
}

/// A stakeholder's "Log out" leads to a page that says how to come back, not to the
/// team's log-in form.
#[tokio::test]
async fn a_stakeholder_who_logs_out_is_told_how_to_come_back() {
    let app = spawn_app().await;
    let (cookie, _) = support::open_viewer_link(&app).await;
    let stakeholder = client_with_cookie(&cookie);
    let out = stakeholder
        .post(app.url("/api/access/logout"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "text/html")
        .header("referer", app.url("/"))
        .body("")
        .send()
        .await
        .unwrap();
    assert!(out.status().is_redirection(), "{}", out.status());
    assert_eq!(out.headers()["location"], "/watch/left");
    let left = app
        .anonymous()
        .get(app.url("/watch/left"))
        .send()
        .await
        .unwrap();
    assert_eq!(left.status(), 200);
    let html = left.text().await.unwrap();
    assert!(html.contains("You left the read-only view"), "{html}");
    // The session ended with it.
    let after = stakeholder
        .post(app.url("/api/cluster/servers"))
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 401);
    app.shutdown().await;
}

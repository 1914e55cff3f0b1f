//! A customer's portal over HTTP: a personal link that opens it on any
//! device, a second signup that keeps the first, live state changes, a
//! declined signup with its reason, a closed tenant; and forms sent without
//! JavaScript that come back with their reason and input.

mod support;

use std::time::Duration;

use futures::StreamExt;
use scaleout_domain::access::PortalView;
use scaleout_domain::progress::LineDecoder;
use support::{
    client_with_cookie, form_key, get_text, post_json, raw, set_cookie, spawn_app_with, TestApp,
};

/// Signs up; returns the portal cookie and the personal link's path.
async fn sign_up(app: &TestApp, company: &str, cookie: Option<&str>) -> (String, String) {
    let key = form_key(app).await;
    let mut request = app.anonymous().post(app.url("/api/signup/submit")).form(&[
        ("form_key", key.as_str()),
        ("company", company),
        ("email", "ops@customer.example"),
        ("size", "small"),
    ]);
    if let Some(c) = cookie {
        request = request.header("cookie", c);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    // The page goes on to the portal, which shows the personal link once.
    let to = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    // The personal link rides in a short-lived cookie, never in the address.
    assert_eq!(to, "/portal", "goes to the portal");
    let token = set_cookie(&response, "scaleout_personal")
        .expect("the personal link, for the portal to show once")
        .trim_start_matches("scaleout_personal=")
        .to_string();
    assert_eq!(token.len(), 64);
    let cookie = set_cookie(&response, "scaleout_portal").expect("a portal cookie");
    (cookie, format!("/portal/open/{token}"))
}

async fn overview(app: &TestApp, cookie: &str) -> (u16, Option<PortalView>) {
    let r = client_with_cookie(cookie)
        .post(app.url("/api/portal/overview"))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.ok())
}

/// An operator's "Revoke portal access" for signup `id`.
async fn revoke(app: &TestApp, id: u64) -> scaleout_domain::access::PortalAccessRevoked {
    let r = app
        .post_form("/api/access/revoke-portal-links", &format!("id={id}"))
        .await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn open_link(app: &TestApp, path: &str, cookie: Option<&str>) -> Option<String> {
    let mut request = app.anonymous().get(app.url(path));
    if let Some(c) = cookie {
        request = request.header("cookie", c);
    }
    let r = request.send().await.unwrap();
    (r.status() == 200)
        .then(|| set_cookie(&r, "scaleout_portal"))
        .flatten()
}

/// The portal's live stream, opened as the page opens it.
async fn open_updates(app: &TestApp, cookie: &str) -> reqwest::Response {
    let updates = client_with_cookie(cookie)
        .post(app.url("/api/portal/updates"))
        .send()
        .await
        .unwrap();
    assert_eq!(updates.status(), 200);
    updates
}

/// "Make a new personal link", from the browser holding `cookie`.
async fn new_link(app: &TestApp, cookie: &str) -> reqwest::Response {
    client_with_cookie(cookie)
        .post(app.url("/api/portal/new-link"))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_personal_link_opens_the_portal_anywhere_until_a_new_one_is_made() {
    let app = spawn_app_with(|_| {}).await;
    let (signed, link) = sign_up(&app, "Roaming Co", None).await;
    // Another device: no cookie, only the link.
    let elsewhere = open_link(&app, &link, None).await.expect("the link opens");
    let (status, view) = overview(&app, &elsewhere).await;
    assert_eq!(status, 200);
    assert_eq!(view.unwrap().signup.company, "Roaming Co");
    // A new link: the old one stops working, the new one works.
    let renewed = new_link(&app, &elsewhere).await;
    assert_eq!(renewed.status(), 200);
    // The device that made it keeps its way in: its cookie now holds the new link.
    let kept = set_cookie(&renewed, "scaleout_portal").expect("the device's cookie, renewed");
    let token: String = renewed.json().await.unwrap();
    assert!(kept.ends_with(&token), "{kept}");
    assert_eq!(overview(&app, &kept).await.0, 200);
    assert!(
        open_link(&app, &link, None).await.is_none(),
        "the old link stopped"
    );
    // A device that holds only the old link is out.
    assert_eq!(overview(&app, &elsewhere).await.0, 401);
    let new = open_link(&app, &format!("/portal/open/{token}"), None)
        .await
        .expect("the new link opens");
    assert_eq!(overview(&app, &new).await.0, 200);
    // The browser that signed up keeps its portal through all that, and making a link
    // there leaves its own way in as it was.
    assert_eq!(overview(&app, &signed).await.0, 200);
    let from_signing = new_link(&app, &signed).await;
    assert_eq!(from_signing.status(), 200);
    assert_eq!(set_cookie(&from_signing, "scaleout_portal"), None);
    let token: String = from_signing.json().await.unwrap();
    assert_eq!(overview(&app, &signed).await.0, 200);
    assert_eq!(
        overview(&app, &new).await.0,
        401,
        "the link before it stopped"
    );
    let new = open_link(&app, &format!("/portal/open/{token}"), None)
        .await
        .expect("the newest link opens");
    // An operator closes the portal to everyone who has it, the browser that signed up
    // too, and gets a new link to hand over.
    let view = overview(&app, &new).await.1.unwrap();
    let revoked = revoke(&app, view.signup.id).await;
    assert_eq!(revoked.links, 1);
    assert_eq!(overview(&app, &new).await.0, 401);
    assert_eq!(
        overview(&app, &signed).await.0,
        401,
        "the signing browser is out too"
    );
    let handed = open_link(&app, &revoked.path, None)
        .await
        .expect("the operator's new link opens");
    assert_eq!(
        overview(&app, &handed).await.1.unwrap().signup.company,
        "Roaming Co"
    );
    assert!(revoked.browser);
    assert_eq!(
        revoked.closed_to(),
        "1 personal link and the browser that signed up"
    );
    // A second revoke closes the handed-over link; the signing browser was out already.
    let again = revoke(&app, view.signup.id).await;
    assert_eq!((again.links, again.browser), (1, false), "{again:?}");
    assert_eq!(overview(&app, &handed).await.0, 401);
    assert_eq!(overview(&app, &signed).await.0, 401);
    app.shutdown().await;
}

#[tokio::test]
async fn a_second_signup_from_one_browser_keeps_the_first_reachable() {
    let app = spawn_app_with(|_| {}).await;
    let (first, _) = sign_up(&app, "First Co", None).await;
    // The signup page warns before anything is replaced.
    let form = post_json(&client_with_cookie(&first), app.url("/api/signup/form")).await;
    assert_eq!(form["existing"], "First Co");
    let (both, _) = sign_up(&app, "Second Co", Some(&first)).await;
    let view = overview(&app, &both).await.1.unwrap();
    assert_eq!(view.signup.company, "Second Co");
    assert_eq!(view.others.len(), 1);
    assert_eq!(view.others[0].company, "First Co");
    // Switch back: the first is current again, the second still held.
    let switched = client_with_cookie(&both)
        .post(app.url("/api/portal/switch"))
        .form(&[("id", view.others[0].id.to_string())])
        .send()
        .await
        .unwrap();
    assert!(switched.status().is_success(), "{}", switched.status());
    let cookie = set_cookie(&switched, "scaleout_portal").unwrap();
    let view = overview(&app, &cookie).await.1.unwrap();
    assert_eq!(view.signup.company, "First Co");
    assert_eq!(view.others[0].company, "Second Co");
    // The header offers the way back to the portal.
    let who = post_json(&client_with_cookie(&cookie), app.url("/api/access/whoami")).await;
    assert_eq!(who["portal"], true);
    app.shutdown().await;
}

#[tokio::test]
async fn the_portal_follows_its_state_live_and_says_why_it_was_declined() {
    let app = spawn_app_with(|c| c.signup.approval = true).await;
    let (cookie, _) = sign_up(&app, "Waiting Co", None).await;
    let (_, view) = overview(&app, &cookie).await;
    assert_eq!(view.unwrap().signup.state.as_str(), "pending");
    // Operators see it waiting.
    let who: serde_json::Value = app.post("/api/access/whoami").await.json().await.unwrap();
    assert_eq!(who["waiting_signups"], 1);
    // The portal page stays open; the operator approves; it follows to ready.
    let updates = open_updates(&app, &cookie).await;
    let id = {
        let rows: Vec<serde_json::Value> =
            app.post("/api/access/signups").await.json().await.unwrap();
        rows[0]["id"].as_u64().unwrap()
    };
    let approved = app
        .post_form("/api/access/approve-signup", &format!("id={id}"))
        .await;
    assert_eq!(approved.status(), 200);
    let mut body = updates.bytes_stream();
    let mut decoder = LineDecoder::<PortalView>::default();
    let mut states = Vec::new();
    while !states.contains(&"ready".to_string()) {
        let chunk = tokio::time::timeout(Duration::from_secs(30), body.next())
            .await
            .unwrap_or_else(|_| panic!("no update: {states:?}"))
            .expect("the stream goes on")
            .unwrap();
        for view in decoder.push(&String::from_utf8_lossy(&chunk)) {
            states.push(view.unwrap().signup.state.as_str().to_string());
        }
    }
    assert_eq!(states.first().map(String::as_str), Some("pending"));
    assert_eq!(states.last().map(String::as_str), Some("ready"));
    let view = overview(&app, &cookie).await.1.unwrap();
    assert_eq!(view.inventory[0].what, "Devices");
    assert_eq!(view.inventory[0].stored, 20);

    // Declined, with the operator's reason.
    let (other, _) = sign_up(&app, "Declined Co", None).await;
    let id = overview(&app, &other).await.1.unwrap().signup.id;
    let no_reason = app
        .post_form("/api/access/reject-signup", &format!("id={id}&reason="))
        .await;
    assert_eq!(no_reason.status(), 400, "a reason is asked for");
    let rejected = app
        .post_form(
            "/api/access/reject-signup",
            &format!("id={id}&reason=We+only+host+network+operators"),
        )
        .await;
    assert_eq!(rejected.status(), 200);
    let view = overview(&app, &other).await.1.unwrap();
    assert_eq!(view.signup.state.as_str(), "rejected");
    assert_eq!(
        view.signup.message.as_deref(),
        Some("We only host network operators")
    );

    // The ready tenant is removed: its portal says it is closed.
    let tenant = overview(&app, &cookie)
        .await
        .1
        .unwrap()
        .signup
        .tenant
        .unwrap();
    let job: u64 = app
        .post_form("/api/tenants/remove", &format!("id={tenant}"))
        .await
        .json()
        .await
        .unwrap();
    app.finish_job(job).await;
    let view = overview(&app, &cookie).await.1.unwrap();
    assert_eq!(view.signup.state.as_str(), "closed");
    app.shutdown().await;
}

#[tokio::test]
async fn a_form_sent_without_javascript_comes_back_with_its_reason_and_input() {
    let app = spawn_app_with(|_| {}).await;
    let key = form_key(&app).await;
    let body = format!("form_key={key}&company=Plain+Form+Co&email=not-an-address&size=medium");
    let r = raw(
        &app.base,
        "POST",
        "/api/signup/submit",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "text/html"),
            ("Origin", "null"),
            ("Sec-Fetch-Site", "same-origin"),
            ("Referer", &app.url("/signup")),
        ],
        body.as_bytes(),
    )
    .await;
    assert_eq!(r.status, 303, "{}\n{}", r.head, r.body);
    let back = r.header("location").unwrap().to_string();
    assert!(back.contains("/signup?"), "{back}");
    assert!(
        !back.contains("not-an-address") && !back.contains("Plain"),
        "no input in the address: {back}"
    );
    // What was typed, and the reason, come back in short-lived cookies, never the form
    // key; the address carries no message (anyone could write one into a link).
    assert!(!back.contains("__err"), "{back}");
    let set = r.headers("set-cookie");
    assert!(
        set.iter()
            .any(|c| c.starts_with("scaleout_form=") && c.contains("Max-Age=120")),
        "{set:?}"
    );
    assert!(
        set.iter()
            .any(|c| c.starts_with("scaleout_form_error=") && c.contains("Max-Age=120")),
        "{set:?}"
    );
    let kept = r.cookies();
    // The page it leads to shows the reason and what was typed, without script.
    let path = back.trim_start_matches(&app.base);
    let html = get_text(&client_with_cookie(&kept), app.url(path)).await;
    assert!(html.contains("contact email: enter an address"), "{html}");
    assert!(html.contains("value=\"Plain Form Co\""), "{html}");
    assert!(html.contains("value=\"not-an-address\""), "{html}");
    assert!(!html.contains("ServerError|"), "{html}");
    assert!(!html.contains(&key), "the form key is not sent back");

    // The same form, right: the browser goes on to the portal with its cookie.
    let ok = raw(
        &app.base,
        "POST",
        "/api/signup/submit",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "text/html"),
            ("Sec-Fetch-Site", "same-origin"),
            ("Referer", &app.url("/signup")),
        ],
        format!("form_key={key}&company=Plain+Form+Co&email=ops%40plain.example&size=medium")
            .as_bytes(),
    )
    .await;
    assert!(matches!(ok.status, 302 | 303), "{}", ok.head);
    assert_eq!(ok.header("location"), Some("/portal"));
    assert!(ok.cookies().contains("scaleout_personal="), "{}", ok.head);
    assert!(ok
        .header("set-cookie")
        .unwrap()
        .starts_with("scaleout_portal="));

    // A wrong password without script: back to the login with the reason, the
    // password not echoed.
    let r = raw(
        &app.base,
        "POST",
        "/api/access/login",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "text/html"),
            ("Sec-Fetch-Site", "same-origin"),
            ("Referer", &app.url("/login?next=%2Fshards")),
        ],
        b"password=hunter2-wrong&next=%2Fshards",
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.head);
    let back = r.header("location").unwrap().to_string();
    assert!(!back.contains("hunter2"), "{back}");
    let html = get_text(
        &client_with_cookie(&r.cookies()),
        app.url(back.trim_start_matches(&app.base)),
    )
    .await;
    assert!(html.contains("do not match an account"), "{html}");

    // A message written into a link by someone else is never shown: the address is
    // sent on without it, and the page shows no message.
    let forged = format!(
        "/login?__path=%2Fapi%2Faccess%2Flogin&__err={}",
        "U2VydmVyRXJyb3J8WW91ciBwYXNzd29yZCBleHBpcmVkOiByZXNldCBpdCBhdCBldmlsLmV4YW1wbGU="
    );
    let r = raw(&app.base, "GET", &forged, &[], b"").await;
    assert_eq!(r.status, 303, "{}", r.head);
    let clean = r.header("location").unwrap().to_string();
    assert_eq!(clean, "/login?__path=%2Fapi%2Faccess%2Flogin");
    let html = get_text(&app.anonymous(), app.url(&clean)).await;
    assert!(!html.contains("evil.example"), "{html}");
    assert!(!html.contains("login-error"), "{html}");
    app.shutdown().await;
}

#[tokio::test]
async fn the_personal_link_is_shown_once_and_never_in_the_address() {
    let app = spawn_app_with(|_| {}).await;
    let (portal, path) = sign_up(&app, "Once Only Ltd", None).await;
    let token = path.trim_start_matches("/portal/open/");
    let both = format!("{portal}; scaleout_personal={token}");
    // The page that follows the signup shows the link, and its answer clears the cookie.
    let first = client_with_cookie(&both)
        .get(app.url("/portal"))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 200);
    let cleared = first
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.starts_with("scaleout_personal=;") && c.contains("Max-Age=0"));
    assert!(cleared, "{:?}", first.headers());
    let shown = first.text().await.unwrap();
    assert!(shown.contains(token));
    // Without scripts, the page says to keep the link before reloading (it is not shown
    // again); a reload says only how to follow the setup.
    let keep = "keep your personal link first, as a reload does not show it again";
    assert!(shown.contains(keep), "{shown}");
    // A reload (the cookie gone) shows the portal without it.
    let again = client_with_cookie(&portal)
        .get(app.url("/portal"))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 200);
    let html = again.text().await.unwrap();
    assert!(html.contains("Once Only Ltd"));
    assert!(!html.contains(token));
    assert!(
        !html.contains(keep) && html.contains("reload this page</a> to see how far it got"),
        "{html}"
    );
    // Another signup's link in the cookie is not shown.
    let (_, other) = sign_up(&app, "Someone Else Ltd", None).await;
    let foreign = format!(
        "{portal}; scaleout_personal={}",
        other.trim_start_matches("/portal/open/")
    );
    assert_eq!(overview(&app, &foreign).await.1.unwrap().personal, None);
    app.shutdown().await;
}

/// An operator who declines a signup from the CLI (another process beside the server)
/// is seen by the customer's open portal within seconds, as one in the browser is.
#[tokio::test]
async fn a_signup_declined_from_the_cli_reaches_the_open_portal() {
    let app = spawn_app_with(|c| c.signup.approval = true).await;
    let (cookie, _) = sign_up(&app, "Declined Elsewhere Co", None).await;
    let id = overview(&app, &cookie).await.1.unwrap().signup.id;
    let updates = open_updates(&app, &cookie).await;
    let mut body = updates.bytes_stream();
    let mut decoder = LineDecoder::<PortalView>::default();
    let mut next_state = async || loop {
        let chunk = tokio::time::timeout(Duration::from_secs(15), body.next())
            .await
            .expect("an update within seconds")
            .expect("the stream goes on")
            .unwrap();
        if let Some(view) = decoder.push(&String::from_utf8_lossy(&chunk)).pop() {
            return view.unwrap().signup;
        }
    };
    assert_eq!(next_state().await.state.as_str(), "pending");
    let cli = std::process::Command::new(env!("CARGO_BIN_EXE_scaleout"))
        .args(["--data-dir", app.data.path().to_str().unwrap()])
        .args([
            "signup",
            "reject",
            &id.to_string(),
            "--reason",
            "Not a network operator",
        ])
        .output()
        .unwrap();
    assert!(
        cli.status.success(),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    let declined = next_state().await;
    assert_eq!(declined.state.as_str(), "rejected");
    assert_eq!(declined.message.as_deref(), Some("Not a network operator"));
    app.shutdown().await;
}

/// A customer who opens the site's address (or its brand on the sign-up page) lands on
/// their portal, not on the team's log-in; anyone else still goes to the log-in.
#[tokio::test]
async fn the_site_s_address_leads_a_customer_to_their_portal() {
    let app = spawn_app_with(|_| {}).await;
    let (cookie, _) = sign_up(&app, "Homeward Co", None).await;
    let home = |cookie: Option<String>| {
        let mut request = support::no_redirects().get(app.url("/"));
        if let Some(c) = cookie {
            request = request.header("cookie", c);
        }
        async move {
            let r = request.send().await.unwrap();
            r.headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        }
    };
    assert_eq!(home(Some(cookie)).await, "/portal");
    assert_eq!(home(None).await, "/login?next=/");
    app.shutdown().await;
}

//! Logging in and out as an attacker would try it: redirects to elsewhere,
//! inputs a header cannot carry, a crowd of guessers, and a stakeholder
//! leaving.

mod support;

use std::net::{IpAddr, Ipv4Addr};

use support::{
    client_with_cookie, open_viewer_link, raw, set_cookie, spawn_app, spawn_app_with,
    OPERATOR_PASSWORD,
};

/// A client whose requests come from `127.0.0.<last>` (all of 127/8 is
/// loopback on Linux): one of many addresses, as a crowd of guessers has.
fn from(last: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last)))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn form_body(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let enc: String = v
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect();
            format!("{k}={enc}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[tokio::test]
async fn a_login_only_ever_leads_to_a_path_on_this_site_and_never_panics() {
    let app = spawn_app().await;
    let cases = [
        ("/tenants", "/tenants"),
        ("/tenants?q=M\u{fc}ller", "/tenants?q=M%C3%BCller"),
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("/\r\nSet-Cookie: stolen=1", "/"),
        ("/%09/evil.example", "/"),
        ("/%0d%0aSet-Cookie:%20x", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/\u{202e}moc.live", "/"),
    ];
    for (next, expected) in cases {
        // A plain form post (no wasm yet): the browser follows a 302.
        let r = raw(
            &app.base,
            "POST",
            "/api/access/login",
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Accept", "text/html"),
            ],
            form_body(&[("password", OPERATOR_PASSWORD), ("next", next)]).as_bytes(),
        )
        .await;
        assert_eq!(r.status, 302, "{next:?}: {}", r.head);
        assert_eq!(r.header("location"), Some(expected), "{next:?}");
        assert!(
            r.header("set-cookie")
                .is_some_and(|c| c.starts_with("scaleout_session=")),
            "{next:?}: a session always comes with its cookie"
        );
    }
    app.shutdown().await;
}

#[tokio::test]
async fn a_crowd_of_guessers_never_locks_the_operator_out() {
    let app = spawn_app().await;
    // 100 wrong passwords from 20 addresses, all at once.
    let guesses = (0..100u8).map(|i| {
        let client = from(10 + i % 20);
        let url = app.url("/api/access/login");
        async move {
            client
                .post(url)
                .form(&[("password", format!("guess {i}"))])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    });
    let statuses = futures::future::join_all(guesses).await;
    assert!(
        statuses.iter().all(|s| *s == 401 || *s == 429),
        "{statuses:?}"
    );
    let tried = statuses.iter().filter(|s| **s == 401).count();
    // Each address gets one guess once the account has had 20 wrong ones.
    assert!(
        tried <= 45,
        "guesses that reached the password check: {tried}"
    );

    // The operator, at a desk that has not been failing: in at once.
    let operator = from(200)
        .post(app.url("/api/access/login"))
        .form(&[("password", OPERATOR_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(
        operator.status(),
        200,
        "the right password from a clean client"
    );
    assert!(set_cookie(&operator, "scaleout_session").is_some());

    // A guesser is slowed: even the right password waits there.
    let guesser = from(10)
        .post(app.url("/api/access/login"))
        .form(&[("password", OPERATOR_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(guesser.status(), 429);
    assert!(guesser.headers().get("retry-after").is_some());

    // While the account is under attack, a new address gets one guess, not five.
    let newcomer = from(201);
    let statuses: Vec<u16> = {
        let mut out = Vec::new();
        for i in 0..3 {
            out.push(
                newcomer
                    .post(app.url("/api/access/login"))
                    .form(&[("password", format!("new guess {i}"))])
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16(),
            );
        }
        out
    };
    assert_eq!(statuses, [401, 429, 429]);
    app.shutdown().await;
}

/// Logs in through a proxy at `127.0.0.<proxy>` that forwards `client`.
async fn login_via(app: &support::TestApp, proxy: u8, client: &str, password: &str) -> u16 {
    from(proxy)
        .post(app.url("/api/access/login"))
        .header("x-forwarded-for", client)
        .form(&[("password", password)])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn behind_a_trusted_proxy_one_persons_wrong_passwords_lock_out_only_that_person() {
    let app = spawn_app_with(|c| c.trusted_proxies = vec!["127.0.0.50/32".parse().unwrap()]).await;
    // Everyone comes through the proxy at 127.0.0.50; one person keeps guessing.
    let mut statuses = Vec::new();
    for i in 0..8 {
        statuses.push(login_via(&app, 50, "203.0.113.5", &format!("guess {i}")).await);
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    // A colleague behind the same proxy is not locked out.
    assert_eq!(
        login_via(&app, 50, "203.0.113.6", OPERATOR_PASSWORD).await,
        200
    );
    // The guesser still is, even with the right password.
    assert_eq!(
        login_via(&app, 50, "203.0.113.5", OPERATOR_PASSWORD).await,
        429
    );
    // A client that is not the proxy cannot pick its address with the header: its own
    // guesses count against its own address, whatever it claims.
    for i in 0..8 {
        login_via(&app, 60, &format!("198.51.100.{i}"), "wrong").await;
    }
    assert_eq!(
        login_via(&app, 60, "198.51.100.99", OPERATOR_PASSWORD).await,
        429
    );
    app.shutdown().await;
}

#[tokio::test]
async fn a_stakeholder_can_log_out_and_the_link_cookie_ends_with_the_link() {
    let app = spawn_app().await;
    let made: serde_json::Value = app
        .client
        .post(app.url("/api/access/create-link"))
        .form(&[("label", "Board"), ("hours", "2")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let opened = app
        .anonymous()
        .get(app.url(made["path"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    let header = opened
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let max_age: u64 = header
        .split(';')
        .find_map(|p| p.trim().strip_prefix("Max-Age="))
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (7_000..=7_200).contains(&max_age),
        "the cookie lasts as long as the 2-hour link: {max_age}"
    );

    let (cookie, _) = open_viewer_link(&app).await;
    let viewer = client_with_cookie(&cookie);
    let status = |path: &'static str| {
        let request = viewer.post(app.url(path)).send();
        async move { request.await.unwrap().status().as_u16() }
    };
    assert_eq!(status("/api/cluster/shards").await, 200);
    let out = status("/api/access/logout").await;
    assert!((200..400).contains(&out), "{out}");
    assert_eq!(
        status("/api/cluster/shards").await,
        401,
        "the session ended"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn link_labels_refuse_invisible_characters() {
    let app = spawn_app().await;
    for label in [
        "Board\u{202e}fdp.exe",
        "Bo\u{200b}ard",
        "\u{2066}Board\u{2069}",
        "Board\u{0}",
    ] {
        let r = app
            .client
            .post(app.url("/api/access/create-link"))
            .form(&[("label", label), ("hours", "1")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{label:?}");
        assert!(r.text().await.unwrap().contains("invisible"), "{label:?}");
    }
    let links: Vec<serde_json::Value> = app.post("/api/access/links").await.json().await.unwrap();
    assert!(links.is_empty());
    app.shutdown().await;
}

#[tokio::test]
async fn a_form_posted_from_our_own_page_before_the_wasm_loads_is_ours() {
    let app = spawn_app().await;
    let body = form_body(&[("password", OPERATOR_PASSWORD), ("next", "/tenants")]);
    let as_browser = |site: &'static str| {
        let base = app.base.clone();
        let body = body.clone();
        async move {
            raw(
                &base,
                "POST",
                "/api/access/login",
                &[
                    ("Content-Type", "application/x-www-form-urlencoded"),
                    ("Accept", "text/html"),
                    ("Origin", "null"),
                    ("Sec-Fetch-Site", site),
                ],
                body.as_bytes(),
            )
            .await
        }
    };
    let ours = as_browser("same-origin").await;
    assert_eq!(ours.status, 302, "{}", ours.body);
    assert_eq!(ours.header("location"), Some("/tenants"));
    for foreign in ["cross-site", "same-site"] {
        let r = as_browser(foreign).await;
        assert_eq!(r.status, 403, "{foreign}");
        assert!(r.header("set-cookie").is_none(), "{foreign}");
    }
    // A page has one address: a trailing slash redirects, never to another site.
    let r = raw(&app.base, "GET", "/tenants/?q=acme", &[], b"").await;
    assert_eq!(r.status, 308);
    assert_eq!(r.header("location"), Some("/tenants?q=acme"));
    // Doubled slashes collapse (a stakeholder's link pasted after an address ending in
    // "/"), and the redirect stays on this site: never "//evil.example".
    let r = raw(&app.base, "GET", "//evil.example/", &[], b"").await;
    assert_eq!(r.status, 308, "{}", r.head);
    assert_eq!(r.header("location"), Some("/evil.example"));
    let r = raw(&app.base, "GET", "//watch/abc", &[], b"").await;
    assert_eq!(r.header("location"), Some("/watch/abc"));
    app.shutdown().await;
}

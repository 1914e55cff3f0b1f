//! A form whose answer is a secret shown once, posted without JavaScript (before the
//! page's code has loaded, or with it off): the secret comes back on a page of its
//! own, once, never cached. It used to be made and lost (a redirect back to the page).

mod support;

/// The value of the page's secret field.
fn shown(html: &str) -> String {
    let at = html
        .find("data-testid=\"secret-shown\"")
        .unwrap_or_else(|| panic!("no secret on the page: {html}"));
    let before = &html[..at];
    let start = before.rfind("value=\"").expect("a value") + "value=\"".len();
    before[start..]
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&")
}

#[tokio::test]
async fn a_read_only_link_made_without_javascript_is_shown_once_and_opens() {
    let app = support::spawn_app().await;
    let r = app
        .client
        .post(app.url("/api/access/create-link"))
        .header("accept", "text/html")
        .form(&[("label", "No script"), ("hours", "24")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers().get("cache-control").unwrap(),
        "no-store",
        "a secret is never cached"
    );
    let html = r.text().await.unwrap();
    assert!(html.contains("it is shown only now"), "{html}");
    let link = shown(&html);
    assert!(link.starts_with(&format!("{}/watch/", app.base)), "{link}");
    // The link works: it opens the console read-only.
    let opened = support::no_redirects().get(&link).send().await.unwrap();
    assert!(
        support::set_cookie(&opened, "scaleout_session").is_some(),
        "{}",
        opened.status()
    );
    // A refusal (a bad number of hours) still reads as a sentence, not a page's source.
    let refused = app
        .client
        .post(app.url("/api/access/create-link"))
        .header("accept", "text/html")
        .form(&[("label", "No script"), ("hours", "many")])
        .send()
        .await
        .unwrap();
    assert!(refused.status().is_client_error() || refused.status().is_redirection());
    let text = refused.text().await.unwrap();
    assert!(!text.contains("&lt;"), "{text}");
    app.shutdown().await;
}

#[tokio::test]
async fn a_password_issued_without_javascript_is_shown_once_and_logs_in() {
    let app = support::spawn_app().await;
    let r = app
        .client
        .post(app.url("/api/access/accounts/add"))
        .header("accept", "text/html")
        .form(&[("name", "nojs"), ("role", "viewer")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("nojs&#39;s password (viewer), shown only now")
            || html.contains("nojs's password (viewer), shown only now"),
        "{html}"
    );
    let password = shown(&html);
    assert!(password.len() >= 12, "{password}");
    let login = support::no_redirects()
        .post(app.url("/api/access/login"))
        .form(&[("username", "nojs"), ("password", password.as_str())])
        .send()
        .await
        .unwrap();
    assert!(
        support::set_cookie(&login, "scaleout_session").is_some(),
        "the shown password logs in: {}",
        login.status()
    );
    app.shutdown().await;
}

/// The import's own refusal page (a bad naming) reads as a page, not as its source
/// inside another; and its first choice, the database's naming, is taken.
#[tokio::test]
async fn an_import_without_javascript_takes_the_database_s_naming() {
    let app = support::spawn_app().await;
    let r = app
        .client
        .post(app.url("/api/tenants/import"))
        .header("accept", "text/html")
        .form(&[
            ("list", "name,scale_factor\nDefault Named Co,1\n"),
            ("naming", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("1 to onboard in job "));
    let refused = app
        .client
        .post(app.url("/api/tenants/import"))
        .header("accept", "text/html")
        .form(&[
            ("list", "name,scale_factor\nOther Co,1\n"),
            ("naming", "kebab"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    let html = refused.text().await.unwrap();
    assert!(
        html.contains("Choose camelCase or snake_case names."),
        "{html}"
    );
    assert!(
        !html.contains("&lt;p class"),
        "not a page inside a page: {html}"
    );
    app.shutdown().await;
}

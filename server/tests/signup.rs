//! Self-service signup and the tenant portal over HTTP.

mod support;

use std::time::Duration;

use support::{
    client_with_cookie, form_key, set_cookie, spawn_app, spawn_app_with, submit, TestApp,
};

async fn tenant_names(app: &TestApp) -> Vec<String> {
    let list: serde_json::Value = app
        .client
        .post(app.url("/api/tenants/list"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect()
}

/// Polls the portal until the signup reaches `state`.
async fn wait_for_state(app: &TestApp, portal: &reqwest::Client, state: &str) -> serde_json::Value {
    for _ in 0..300 {
        let view: serde_json::Value = portal
            .post(app.url("/api/portal/overview"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if view["signup"]["state"] == state {
            return view;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the signup never became {state}");
}

#[tokio::test]
async fn a_concurrent_double_submit_creates_one_tenant_and_its_portal_shows_only_it() {
    let app = spawn_app().await;
    let key = form_key(&app).await;
    let sends = (0..8).map(|_| {
        submit(
            &app,
            &key,
            "Blue Harbor Ltd",
            "it@blueharbor.example",
            "small",
        )
    });
    let responses = futures::future::join_all(sends).await;
    let mut cookie = None;
    for r in responses {
        assert_eq!(r.status(), 200);
        cookie = set_cookie(&r, "scaleout_portal");
    }
    let portal = client_with_cookie(&cookie.expect("a portal cookie"));
    let ready = wait_for_state(&app, &portal, "ready").await;
    assert_eq!(
        tenant_names(&app).await,
        vec!["Blue Harbor Ltd".to_string()]
    );
    let devices = ready["counts"]["Device"]
        .as_u64()
        .unwrap_or_else(|| panic!("{ready}"));
    assert_eq!(Some(devices), ready["expected"]["Device"].as_u64());
    assert!(devices > 0);

    // A second customer.
    let other_key = form_key(&app).await;
    let other = submit(
        &app,
        &other_key,
        "Red Fjord AS",
        "ops@redfjord.example",
        "small",
    )
    .await;
    let other_portal = client_with_cookie(&set_cookie(&other, "scaleout_portal").unwrap());
    let other_view = wait_for_state(&app, &other_portal, "ready").await;
    let other_tenant = other_view["signup"]["tenant"].as_str().unwrap().to_string();
    let own_tenant = ready["signup"]["tenant"].as_str().unwrap().to_string();
    assert_ne!(own_tenant, other_tenant);

    // The portal takes no id: sending another tenant's id changes nothing.
    let at = ready["created_at"].as_i64().unwrap() + 1;
    let snapshot: serde_json::Value = portal
        .post(app.url("/api/portal/network"))
        .form(&[
            ("at", at.to_string()),
            ("id", other_tenant.clone()),
            ("tenant", other_tenant.clone()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let text = snapshot.to_string();
    assert!(
        text.contains(&own_tenant),
        "the portal shows its own tenant"
    );
    assert!(!text.contains(&other_tenant), "and never another's");
    // Without the cookie there is no portal at all.
    let none = app
        .anonymous()
        .post(app.url("/api/portal/overview"))
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), 401);
    app.shutdown().await;
}

#[tokio::test]
async fn a_company_signs_up_once_and_hostile_input_is_refused_harmlessly() {
    let app = spawn_app().await;
    let first = submit(
        &app,
        &form_key(&app).await,
        "Acme Widgets",
        "a@acme.example",
        "medium",
    )
    .await;
    assert_eq!(first.status(), 200);
    let again = submit(
        &app,
        &form_key(&app).await,
        "ACME widgets",
        "b@acme.example",
        "small",
    )
    .await;
    assert_eq!(again.status(), 409);
    // Said without confirming who is a customer.
    let said = again.text().await.unwrap();
    assert!(said.contains("the name is not available"), "{said}");
    assert!(
        !said.contains("signed up\"") && !said.contains("already"),
        "{said}"
    );

    let long = "A".repeat(100_000);
    let hostile: [(&str, &str, &str); 8] = [
        ("<script>alert(1)</script>", "x@y.example", "small"),
        ("x\" OR \"1\"=\"1", "x@y.example", "small"),
        ("a; DROP TABLE tenants; --", "x@y.example", "small"),
        (&long, "x@y.example", "small"),
        (
            "Fine Name",
            "<img src=x onerror=alert(1)>@y.example",
            "small",
        ),
        ("Fine Name", "x@y.example", "enormous"),
        ("Fine Name", &long, "small"),
        ("\u{202e}\u{0000}", "x@y.example", "small"),
    ];
    for (company, email, size) in hostile {
        let r = submit(&app, &form_key(&app).await, company, email, size).await;
        assert_eq!(r.status(), 400, "{:.40}", company);
    }
    let bad_key = submit(
        &app,
        "../../etc/passwd",
        "Fine Name",
        "x@y.example",
        "small",
    )
    .await;
    assert_eq!(bad_key.status(), 400);
    // Unicode is a name like any other; a query look-alike is stored verbatim.
    for name in [
        "Müller & Søn (Zürich)",
        "FOR d IN devices RETURN d",
        "x' OR '1'='1",
        "Yahoo! C++ #1 @Studio 54/West: 100%",
    ] {
        let r = submit(&app, &form_key(&app).await, name, "x@y.example", "small").await;
        let status = r.status();
        assert_eq!(status, 200, "{name}: {}", r.text().await.unwrap());
    }
    // Onboarding registers each tenant as its job starts.
    let mut names = Vec::new();
    for _ in 0..100 {
        names = tenant_names(&app).await;
        if names.len() >= 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    names.sort();
    assert_eq!(
        names,
        vec![
            "Acme Widgets",
            "FOR d IN devices RETURN d",
            "Müller & Søn (Zürich)",
            "Yahoo! C++ #1 @Studio 54/West: 100%",
            "x' OR '1'='1",
        ]
    );
    app.shutdown().await;
}

#[tokio::test]
async fn signups_are_limited_per_address_and_by_a_cap_on_waiting_ones() {
    let app = spawn_app_with(|c| {
        c.signup.approval = true;
        c.signup.max_pending = 3;
    })
    .await;
    for i in 0..3 {
        let r = submit(
            &app,
            &form_key(&app).await,
            &format!("Waiting Co {i}"),
            "w@w.example",
            "small",
        )
        .await;
        assert_eq!(r.status(), 200);
    }
    let capped = submit(
        &app,
        &form_key(&app).await,
        "One Too Many",
        "w@w.example",
        "small",
    )
    .await;
    assert_eq!(capped.status(), 429);
    assert!(
        tenant_names(&app).await.is_empty(),
        "approval is required: no tenant yet"
    );
    app.shutdown().await;

    let app = spawn_app().await;
    for i in 0..5 {
        let r = submit(
            &app,
            &form_key(&app).await,
            &format!("Busy Co {i}"),
            "b@b.example",
            "small",
        )
        .await;
        assert_eq!(r.status(), 200, "signup {i}");
    }
    let limited = submit(
        &app,
        &form_key(&app).await,
        "Busy Co 5",
        "b@b.example",
        "small",
    )
    .await;
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().get("retry-after").is_some());
    app.shutdown().await;
}

#[tokio::test]
async fn with_approval_an_operator_approves_and_the_tenant_is_provisioned() {
    let app = spawn_app_with(|c| c.signup.approval = true).await;
    let r = submit(
        &app,
        &form_key(&app).await,
        "Patient Corp",
        "p@p.example",
        "small",
    )
    .await;
    let portal = client_with_cookie(&set_cookie(&r, "scaleout_portal").unwrap());
    let status: serde_json::Value = r.json().await.unwrap();
    assert_eq!(status["state"], "pending");
    let id = status["id"].to_string();
    // Customers cannot approve themselves.
    let self_approve = portal
        .post(app.url("/api/access/approve-signup"))
        .form(&[("id", id.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(self_approve.status(), 401);
    let approved = app
        .client
        .post(app.url("/api/access/approve-signup"))
        .form(&[("id", id.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status(), 200);
    wait_for_state(&app, &portal, "ready").await;
    assert_eq!(tenant_names(&app).await, vec!["Patient Corp".to_string()]);
    app.shutdown().await;
}

//! The console as an attacker tries it: every page route with dot segments and
//! encoded tricks, as a visitor, a stakeholder and a customer; every server
//! function with hostile bodies; every server function behind a door that
//! checks nothing, to prove each one checks its caller's role itself.

mod support;

use axum::http::Method;
use scaleout_domain::access::Role;
use scaleout_server::access::{required_role, Need};
use support::{
    client_with_cookie, open_viewer_link, raw, sign_up, spawn, spawn_app, team_member, RawResponse,
    Serving, TestApp,
};

/// A tenant only operators may know of: its name must never reach anyone else
/// through an operator page.
const SECRET: &str = "Secret Holdings";

/// Every page the application routes, with a real tenant id in `:id`, and the
/// routes outside the Leptos app.
fn page_routes(tenant: &str) -> Vec<String> {
    let mut routes: Vec<String> = leptos_axum::generate_route_list(scaleout_app::App)
        .iter()
        .map(|r| {
            r.path()
                .split('/')
                .map(|seg| {
                    if seg.starts_with(':') || seg.starts_with('{') {
                        tenant.to_string()
                    } else {
                        seg.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join("/")
        })
        .map(|p| if p.is_empty() { "/".to_string() } else { p })
        // A job's page takes a job's number: the tenant's onboarding is job 1.
        .map(|p| {
            if p.starts_with("/jobs/") {
                "/jobs/1".to_string()
            } else {
                p
            }
        })
        .collect();
    routes.sort();
    routes.dedup();
    assert!(routes.len() >= 10, "{routes:?}");
    routes.extend(["/reports/demo/1.json".to_string(), "/watch/abc".to_string()]);
    routes
}

/// Ways to reach a page other than by its own path.
fn variants(path: &str) -> Vec<String> {
    let p = path.trim_end_matches('/');
    vec![
        format!("{p}/."),
        format!("{p}/.."),
        format!("{p}/./"),
        format!("{p}/%2e"),
        format!("{p}/%2E%2e"),
        format!("{p}/x/.."),
        format!("{p}/x/%2e%2e"),
        format!("{p}/x/.%2E"),
        format!("/login/..{p}"),
        format!("/signup/%2e%2e{p}"),
        format!("/watch/x/../..{p}"),
        format!("/pkg/..{p}"),
        format!("/pkg/%2e%2e{p}"),
        format!("/pkg/..%2f..{p}"),
        format!("{p}%2f.."),
        format!("{p}/x.json"),
        format!("{p}/x/favicon.svg"),
        format!("{p}/..%5c"),
    ]
}

struct Caller {
    name: &'static str,
    role: Role,
    client: reqwest::Client,
    cookie: Option<String>,
}

async fn callers(app: &TestApp) -> Vec<Caller> {
    let (viewer, _) = open_viewer_link(app).await;
    let (reader, _) = team_member(app, "vera", "viewer").await;
    let (operator, _) = team_member(app, "otto", "operator").await;
    let portal = sign_up(app, "Portal Customer").await;
    vec![
        Caller {
            name: "visitor",
            role: Role::Anonymous,
            client: app.anonymous(),
            cookie: None,
        },
        Caller {
            name: "stakeholder",
            role: Role::Stakeholder,
            client: client_with_cookie(&viewer),
            cookie: Some(viewer),
        },
        Caller {
            name: "viewer account",
            role: Role::Viewer,
            client: client_with_cookie(&reader),
            cookie: Some(reader),
        },
        Caller {
            name: "operator account",
            role: Role::Operator,
            client: client_with_cookie(&operator),
            cookie: Some(operator),
        },
        Caller {
            name: "customer",
            role: Role::Anonymous,
            client: client_with_cookie(&portal),
            cookie: Some(portal),
        },
    ]
}

async fn get_raw(app: &TestApp, caller: &Caller, target: &str) -> RawResponse {
    let mut headers = vec![("Accept", "text/html")];
    if let Some(c) = &caller.cookie {
        headers.push(("Cookie", c.as_str()));
    }
    raw(&app.base, "GET", target, &headers, b"").await
}

#[tokio::test]
async fn no_page_route_reaches_anyone_below_its_role_by_any_spelling() {
    let app = spawn_app().await;
    let tenant = app.add_tenant(SECRET, 1).await;
    let callers = callers(&app).await;
    let mut checked = 0;
    for route in page_routes(tenant.id.as_str()) {
        let need = match required_role(&Method::GET, &route) {
            Need::Page(role) | Need::Api(role) => role,
            Need::Asset => Role::Anonymous,
        };
        for caller in &callers {
            // The page itself: admitted exactly as the policy says.
            let r = get_raw(&app, caller, &route).await;
            assert!(r.status < 500, "{} {route}: {}", caller.name, r.status);
            if caller.role.allows(need) {
                // A link that is not valid, a report that does not exist, a
                // portal without a signup: the page says so, with its status.
                let expected = match route.as_str() {
                    r if r.starts_with("/watch/") || r.starts_with("/reports/") => 404,
                    "/portal" if caller.name != "customer" => 401,
                    _ => 200,
                };
                assert!(
                    r.status == expected,
                    "{} {route}: {}",
                    caller.name,
                    r.status
                );
            } else {
                refused(caller, &route, &r);
            }
            // Every other spelling of it: never an operator page.
            for target in variants(&route) {
                let r = get_raw(&app, caller, &target).await;
                assert!(r.status < 500, "{} {target}: {}", caller.name, r.status);
                refused(caller, &target, &r);
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "{checked}");
    app.shutdown().await;
}

/// Not a page of someone else's role: a redirect to the login, a refusal or
/// "not found", never a team page or the team's data for anyone outside it.
fn refused(caller: &Caller, target: &str, r: &RawResponse) {
    assert!(
        matches!(r.status, 302 | 303 | 307 | 400 | 403 | 404),
        "{} {target}: {}\n{}",
        caller.name,
        r.status,
        &r.body[..r.body.len().min(300)]
    );
    // Below the team: never a team member's navigation, never tenants' data.
    if !caller.role.allows(Role::Viewer) {
        for team in ["viewer", "operator", "admin"] {
            assert!(
                !r.body.contains(&format!("data-role=\"{team}\"")),
                "{} {target}: a team member's navigation",
                caller.name
            );
        }
        assert!(
            !r.body.contains(SECRET),
            "{} {target}: operator data ({SECRET})",
            caller.name
        );
    }
    if matches!(r.status, 302 | 303 | 307) {
        let to = r.header("location").unwrap_or("");
        // A customer's home is their own portal; everyone else logs in.
        let own_portal = caller.name == "customer" && to == "/portal";
        assert!(
            to.starts_with("/login?next=") || own_portal,
            "{} {target}: redirected to {to}",
            caller.name
        );
    }
}

/// Every field any server function takes, each well-formed, so a function's
/// arguments parse and its own role check is what answers.
const EVERY_FIELD: &str = "id=1&name=Hostile+Co&scale_factor=1&naming=camelCase&count=1\
&server=NoSuchServer&execute=false&what_if_servers=1&fingerprint=abc&limit=5&label=Board\
&hours=1&password=wrong&next=%2F&company=Hostile+Signup&email=a%40b.example&size=small\
&at=0&page=1&reason=Hostile&role=viewer&username=nobody&actor=x&action=x&since=1&list=name%2Cscale_factor%0AX%2C1&form_key=0000000000000000000000000000000000000000000000000000000000000000";

fn server_fn_paths() -> Vec<String> {
    let mut paths: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .collect();
    paths.sort();
    paths.dedup();
    assert!(paths.len() >= 38, "{paths:?}");
    paths
}

#[tokio::test]
async fn every_server_function_refuses_callers_below_its_role_by_itself() {
    // The door finds out who calls, but lets every path through: what a page
    // rendering on the server does when it calls a server function in-process.
    let app = spawn(|_| {}, Serving::WithoutPathChecks).await;
    app.add_tenant(SECRET, 1).await;
    let jobs_before = app.post("/api/jobs/list").await.text().await.unwrap();
    let callers = callers(&app).await;
    let mut refusals = 0;
    for path in server_fn_paths() {
        let need = match required_role(&Method::POST, &path) {
            Need::Api(role) | Need::Page(role) => role,
            Need::Asset => Role::Anonymous,
        };
        for caller in &callers {
            if caller.role.allows(need) {
                continue;
            }
            let r = caller
                .client
                .post(app.url(&path))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(EVERY_FIELD)
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let body = r.text().await.unwrap();
            assert!(
                status == 401 || status == 403,
                "{path} admitted a {} ({:?}; it needs {need:?}): {status} {body}",
                caller.name,
                caller.role
            );
            assert!(!body.contains(SECRET), "{path}: {body}");
            refusals += 1;
        }
    }
    assert!(refusals >= 60, "{refusals}");
    // Nothing ran: no job was started by anyone below the operator.
    let jobs_after = app.post("/api/jobs/list").await.text().await.unwrap();
    assert_eq!(jobs_before, jobs_after);
    app.shutdown().await;
}

/// Bodies no form sends.
fn hostile_bodies() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let huge = "A".repeat(100_000);
    vec![
        ("empty", "application/x-www-form-urlencoded", Vec::new()),
        (
            "every field",
            "application/x-www-form-urlencoded",
            EVERY_FIELD.into(),
        ),
        (
            "out of range",
            "application/x-www-form-urlencoded",
            "id=-1&count=4294967296&limit=0&at=-99999999999999999999&what_if_servers=99999\
             &hours=0&execute=maybe&page=-3&scale_factor=-5&naming=kebab"
                .into(),
        ),
        (
            "control characters",
            "application/x-www-form-urlencoded",
            "id=%00&name=%00%01%1b&naming=%0a&scale_factor=%ff%fe&label=a%E2%80%AEb\
             &next=%2F%0a%2Fevil&server=%00&company=%0d%0a&email=%00"
                .into(),
        ),
        (
            "huge fields",
            "application/x-www-form-urlencoded",
            format!(
                "id={huge}&name={huge}&scale_factor={huge}&naming={huge}&label={huge}\
                 &hours={huge}&fingerprint={huge}&company={huge}&email={huge}&server={huge}"
            )
            .into(),
        ),
        (
            "garbage",
            "application/x-www-form-urlencoded",
            b"\xff\xfe\x00\x01=&&==%%%zz&id[]=1&id[x]=2".to_vec(),
        ),
        (
            "json",
            "application/json",
            br#"{"id": {"$gt": ""}, "name": [1, 2], "count": null}"#.to_vec(),
        ),
        (
            "path tricks",
            "application/x-www-form-urlencoded",
            "id=../../../../etc/passwd&name=..%2F..&server=..%2F..&naming=..".into(),
        ),
    ]
}

#[tokio::test]
async fn hostile_bodies_never_get_a_5xx_or_a_long_echo() {
    let app = spawn_app().await;
    app.add_tenant(SECRET, 1).await;
    let anonymous = app.anonymous();
    for path in server_fn_paths() {
        for (what, kind, body) in hostile_bodies() {
            for (who, client) in [("operator", &app.client), ("visitor", &anonymous)] {
                if who == "operator" && path.ends_with("/logout") {
                    continue; // it would end the session the rest of the test uses
                }
                let r = client
                    .post(app.url(&path))
                    .header("content-type", kind)
                    .body(body.clone())
                    .send()
                    .await
                    .unwrap();
                let status = r.status().as_u16();
                // A live stream (the activity) never ends: what came in a moment is enough.
                let text = tokio::time::timeout(std::time::Duration::from_secs(2), r.text())
                    .await
                    .map(|t| t.unwrap_or_default())
                    .unwrap_or_default();
                assert!(
                    status < 500,
                    "{who} {path} with {what}: {status} {}",
                    &text[..text.len().min(300)]
                );
                if status >= 400 {
                    assert!(
                        text.len() < 2_000,
                        "{who} {path} with {what}: a {}-byte error echoes the input",
                        text.len()
                    );
                }
                if who == "visitor" && !is_public(&path) {
                    assert_eq!(status, 401, "{path} with {what}");
                }
            }
        }
    }
    // Nothing a visitor sent changed anything; the tenant is still there alone.
    let tenants: Vec<serde_json::Value> = app.post("/api/tenants/list").await.json().await.unwrap();
    assert!(tenants.iter().any(|t| t["name"] == SECRET));
    app.shutdown().await;
}

fn is_public(path: &str) -> bool {
    matches!(
        required_role(&Method::POST, path),
        Need::Api(Role::Anonymous)
    )
}

#[tokio::test]
async fn bodies_over_the_limit_answer_413() {
    let app = spawn_app().await;
    let big = vec![b'a'; scaleout_server::web::MAX_BODY_BYTES + 1];
    let chunked: Vec<u8> = big
        .chunks(64 * 1024)
        .flat_map(|c| {
            let mut chunk = format!("{:x}\r\n", c.len()).into_bytes();
            chunk.extend_from_slice(c);
            chunk.extend_from_slice(b"\r\n");
            chunk
        })
        .chain(b"0\r\n\r\n".iter().copied())
        .collect();
    let cookie = app.cookie.clone();
    for path in [
        "/api/tenants/add",
        "/api/access/login",
        "/api/signup/submit",
    ] {
        let form = ("Content-Type", "application/x-www-form-urlencoded");
        let with_length = raw(&app.base, "POST", path, &[form, ("Cookie", &cookie)], &big).await;
        assert_eq!(with_length.status, 413, "{path}: {}", with_length.body);
        // Sent without a length (chunked), the same.
        let without = raw(
            &app.base,
            "POST",
            path,
            &[form, ("Cookie", &cookie), ("Transfer-Encoding", "chunked")],
            &chunked,
        )
        .await;
        assert_eq!(without.status, 413, "{path}, chunked: {}", without.body);
    }
    app.shutdown().await;
}

#[tokio::test]
async fn malformed_paths_are_refused_before_anything_else() {
    let app = spawn_app().await;
    for target in [
        "/api/tenants/../access/links",
        "/api/%2e%2e/tenants/list",
        "/api/tenants%2flist",
    ] {
        let r = raw(&app.base, "POST", target, &[], b"").await;
        assert_eq!(r.status, 400, "{target}");
    }
    app.shutdown().await;
}

/// A refusal at the door leaves the request's body unread, so the connection cannot
/// serve another request: the answer says so, or a client would send its next request
/// on a closing connection and get no answer at all (seen in this file's walk above).
#[tokio::test]
async fn a_refusal_before_the_body_is_read_closes_the_connection() {
    let app = spawn_app().await;
    let refused = app
        .anonymous()
        .post(app.url("/api/tenants/add-batch"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("naming=camelCase")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(refused.headers()["connection"], "close");
    // Without a body there is nothing left unread: the connection stays open.
    let bodiless = app
        .anonymous()
        .post(app.url("/api/tenants/add-batch"))
        .send()
        .await
        .unwrap();
    assert_eq!(bodiless.status(), 401);
    assert!(bodiless.headers().get("connection").is_none());
    app.shutdown().await;
}

//! The middleware in front of everything: who is asking, may they, and is the
//! request from our own pages.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::server_fn::error::{FromServerFnError, ServerFnError};
use scaleout_services::access::{
    secret, Caller, CspNonce, Role, SessionState, PERSONAL_COOKIE, PORTAL_COOKIE, SESSION_COOKIE,
};
use scaleout_services::Console;

use super::cookies::read_cookie;
use super::headers::security_headers;
use super::pages::{self, LinkEnded};
use super::policy::{changes_state, malformed, required_role, Need};
use scaleout_services::audit::Record;

/// The door's state: the console, and whether it enforces the path policy
/// (always, but for the test that proves server functions check roles too).
#[derive(Clone)]
pub struct Door {
    pub console: Console,
    pub check_paths: bool,
}

pub async fn guard(State(door): State<Door>, mut req: Request, next: Next) -> Response {
    let secure = is_secure(req.headers());
    let nonce = secret::token()
        .map(|t| t[..32].to_string())
        .unwrap_or_else(|_| "unavailable".into());
    let api = req.uri().path().starts_with("/api/");
    let has_body = carries_body(req.headers());
    let admitted = admit(&door, &mut req, secure);
    // Who asked, for the request log (the caller is known once admitted).
    let actor = req.extensions().get::<Caller>().map(|c| c.actor.clone());
    let mut response = match admitted {
        Ok(()) => {
            req.extensions_mut().insert(CspNonce(nonce.clone()));
            let response = next.run(req).await;
            if api && response.status() == StatusCode::INTERNAL_SERVER_ERROR {
                bad_arguments_are_400(response).await
            } else {
                response
            }
        }
        Err(refused) => {
            let mut refused = *refused;
            // The body was never read, so the connection cannot carry another request:
            // say so, or a client reuses it and gets no answer at all.
            if has_body {
                refused
                    .headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            refused
        }
    };
    security_headers(response.headers_mut(), &nonce, secure);
    response.extensions_mut().insert(crate::metrics::Actor(
        actor.unwrap_or_else(|| "anonymous".into()),
    ));
    response
}

/// Whether the request announces a body (a length above zero, or chunks).
fn carries_body(headers: &HeaderMap) -> bool {
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .is_some_and(|n| n > 0)
}

/// A path as the log may keep it: at most 200 characters, and a link's token (a long run
/// of hex digits, `/watch/<token>`, `/portal/open/<token>`) replaced by `{token}`, since
/// a token in a log works for whoever reads the log.
fn loggable(path: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= 32 {
            out.push_str("{token}");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in path.chars().take(200) {
        if c.is_ascii_hexdigit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Finds the caller and checks the path's needs; puts the [`Caller`] in the
/// request for pages and server functions, or returns the refusal.
fn admit(door: &Door, req: &mut Request, secure: bool) -> Result<(), Box<Response>> {
    let console = &door.console;
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    if let Some(why) = malformed(&path) {
        tracing::warn!(path = %loggable(&path), "refused a malformed path");
        return Err(Box::new(if path.starts_with("/api/") {
            api_error(StatusCode::BAD_REQUEST, why)
        } else {
            pages::malformed(why)
        }));
    }
    if let Some(canonical) = canonical_path(&method, &path) {
        let query = req
            .uri()
            .query()
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        return Err(Box::new(
            Redirect::permanent(&format!("{canonical}{query}")).into_response(),
        ));
    }
    if is_write(&method) && is_cross_site(req.headers()) {
        tracing::warn!(path = %loggable(&path), "refused a cross-site request");
        return Err(Box::new(api_error(
            StatusCode::FORBIDDEN,
            "cross-site requests are refused: use the console's own pages",
        )));
    }
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let client =
        super::client_addr::client_address(peer, req.headers(), &console.config().trusted_proxies);
    let session = read_cookie(req.headers(), SESSION_COOKIE);
    let (role, name, ended) = match &session {
        Some(token) => match console.access().session_state(token) {
            Ok(SessionState::Valid(view)) => (view.role, view.name, None),
            Ok(SessionState::LinkRevoked) => (Role::Anonymous, None, Some(LinkEnded::Revoked)),
            Ok(SessionState::LinkExpired) => (Role::Anonymous, None, Some(LinkEnded::Expired)),
            Ok(_) => (Role::Anonymous, None, None),
            Err(e) => {
                tracing::error!("session lookup failed: {e}");
                return Err(Box::new(api_error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the console cannot check sessions right now: try again",
                )));
            }
        },
        None => (Role::Anonymous, None, None),
    };
    let actor = name.unwrap_or_else(|| "anonymous".into());
    let need = required_role(&method, &path);
    let needed = match need {
        Need::Asset => Role::Anonymous,
        Need::Page(r) | Need::Api(r) => r,
    };
    // The caller goes in first: the request log names them, refused or not.
    let portal = read_cookie(req.headers(), PORTAL_COOKIE);
    let has_portal = portal.is_some();
    let personal = read_cookie(req.headers(), PERSONAL_COOKIE);
    req.extensions_mut().insert(Caller {
        role,
        actor: actor.clone(),
        session,
        portal,
        personal,
        client: client.clone(),
        secure,
    });
    if door.check_paths && !role.allows(needed) {
        if changes_state(&method, &path) {
            let written = console.audit().record(Record {
                actor,
                role: role.as_str().into(),
                action: super::audit::action_of(&path),
                target: None,
                outcome: "refused".into(),
                job_id: None,
                client,
            });
            if written.unwrap_or(false) {
                console
                    .activity()
                    .publish(scaleout_domain::activity::Happening::Audited);
            }
        }
        return Err(Box::new(match (ended, need) {
            (Some(why), Need::Page(_)) => pages::link_ended(why),
            (Some(why), _) => api_error(StatusCode::UNAUTHORIZED, why.sentence()),
            (None, _) => refuse(need, role, req, has_portal),
        }));
    }
    Ok(())
}

fn refuse(need: Need, role: Role, req: &Request, has_portal: bool) -> Response {
    match (need, role) {
        // A customer's home is their portal: the site's address (or its brand, from the
        // sign-up page) leads there, not to the team's log-in.
        (Need::Page(_), Role::Anonymous) if has_portal && req.uri().path() == "/" => {
            Redirect::to("/portal").into_response()
        }
        (Need::Page(_), Role::Anonymous) => {
            let target = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            Redirect::to(&format!("/login?next={}", encode(target))).into_response()
        }
        (Need::Page(_), _) => pages::operators_only(),
        (Need::Api(needed), Role::Anonymous) => {
            api_error(StatusCode::UNAUTHORIZED, role.refusal(needed))
        }
        (Need::Api(needed), _) => api_error(StatusCode::FORBIDDEN, role.refusal(needed)),
        (Need::Asset, _) => api_error(StatusCode::FORBIDDEN, "not yours to read"),
    }
}

/// A refusal in the server-function error encoding, so the page shows the
/// message like any other server error.
fn api_error(status: StatusCode, message: &str) -> Response {
    let body = ServerFnError::new(message).ser();
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// Leptos answers 500 when a server function's arguments cannot be read (a
/// field missing, a number that is not one). That is the caller's mistake:
/// 400, with the reason, and nothing ran.
async fn bad_arguments_are_400(response: Response) -> Response {
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return api_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the response could not be read",
        );
    };
    let text = String::from_utf8_lossy(&bytes);
    if let Some(refused) = body_problem(&text) {
        return refused;
    }
    for kind in ["Args|", "MissingArg|", "Deserialization|"] {
        if let Some(reason) = text.strip_prefix(kind) {
            return api_error(
                StatusCode::BAD_REQUEST,
                &format!(
                    "the request's fields are missing or malformed: {}",
                    scaleout_domain::access::text::cut(reason)
                ),
            );
        }
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// A request body that could not be read: too large, too slow, or broken off.
pub fn unreadable_body(error: &str) -> Response {
    body_problem(error).unwrap_or_else(|| {
        api_error(
            StatusCode::BAD_REQUEST,
            "the request body could not be read: send it again",
        )
    })
}

fn body_problem(text: &str) -> Option<Response> {
    if text.contains("length limit exceeded") {
        return Some(too_large());
    }
    text.contains(crate::connections::BODY_TOO_SLOW).then(|| {
        api_error(
            StatusCode::REQUEST_TIMEOUT,
            "the request body arrived too slowly: send it again",
        )
    })
}

/// A body over [`crate::web::MAX_BODY_BYTES`] (sent without a length, or
/// with a length the limit layer already refused).
pub fn too_large() -> Response {
    api_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        &format!(
            "the request is too large: at most {} KiB are accepted",
            crate::web::MAX_BODY_BYTES / 1024
        ),
    )
}

/// A page's one address: `/tenants/` answers with a redirect to `/tenants` (the router
/// would otherwise show the page under a 404), and `//watch/<token>` (a link pasted
/// after an address that ended in `/`) to `/watch/<token>`. Slashes are collapsed, so
/// the redirect never goes to a path that starts with `//`, which a browser reads as
/// another site.
fn canonical_path(method: &Method, path: &str) -> Option<String> {
    if !matches!(*method, Method::GET | Method::HEAD) || path.starts_with("/api/") {
        return None;
    }
    let mut canonical = String::with_capacity(path.len());
    for part in path.split('/').filter(|p| !p.is_empty()) {
        canonical.push('/');
        canonical.push_str(part);
    }
    if canonical.is_empty() {
        canonical.push('/');
    }
    (canonical != path).then_some(canonical)
}

fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Browsers say where a request comes from: `Origin` on every POST, and
/// `Sec-Fetch-Site`. Either one naming another site is refused. Tools that
/// send neither (curl, the tests' client) are not browsers acting for a
/// victim: their cookies are their own.
fn is_cross_site(headers: &HeaderMap) -> bool {
    // Browsers that send Sec-Fetch-Site say it outright. A plain form post from
    // our own page (before the wasm loads, or without JavaScript) carries
    // `Origin: null` under some referrer policies, but `same-origin` here.
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some("same-origin") | Some("none") => return false,
        Some(_) => return true, // cross-site, or same-site: another origin
        None => {}
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or("");
    origin == "null" || !origin_host.eq_ignore_ascii_case(host)
}

/// Reached over TLS (directly, or behind a proxy that says so): cookies get `Secure`.
pub(super) fn is_secure(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// Percent-encodes what a query value must not carry raw.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_logged_path_keeps_no_token() {
        let token = "e357337c".repeat(8);
        assert_eq!(loggable(&format!("/watch/{token}/.")), "/watch/{token}/.");
        assert_eq!(
            loggable(&format!("/portal/open/{}%2f", token.to_uppercase())),
            "/portal/open/{token}%2f"
        );
        // Short hex (a job number, a tenant id of 12) stays: it opens nothing.
        assert_eq!(
            loggable("/tenants/0123456789ab/."),
            "/tenants/0123456789ab/."
        );
        assert_eq!(loggable(&"a/".repeat(300)).len(), 200);
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn same_origin_posts_pass_and_others_are_refused() {
        let host = ("host", "127.0.0.1:3000");
        assert!(!is_cross_site(&headers(&[
            host,
            ("origin", "http://127.0.0.1:3000")
        ])));
        assert!(is_cross_site(&headers(&[
            host,
            ("origin", "https://evil.example")
        ])));
        assert!(is_cross_site(&headers(&[host, ("origin", "null")])));
        assert!(is_cross_site(&headers(&[
            host,
            ("sec-fetch-site", "cross-site")
        ])));
        assert!(
            !is_cross_site(&headers(&[host])),
            "non-browser clients send neither"
        );
        // A form posted before the wasm loads: Origin null, but same-origin.
        assert!(!is_cross_site(&headers(&[
            host,
            ("origin", "null"),
            ("sec-fetch-site", "same-origin")
        ])));
        assert!(is_cross_site(&headers(&[
            host,
            ("origin", "null"),
            ("sec-fetch-site", "same-site")
        ])));
        assert!(is_cross_site(&headers(&[
            host,
            ("origin", "http://127.0.0.1:3000"),
            ("sec-fetch-site", "cross-site")
        ])));
    }

    #[test]
    fn a_page_has_one_address_and_never_a_foreign_one() {
        let get = Method::GET;
        let to = |path| canonical_path(&get, path);
        assert_eq!(to("/tenants/").as_deref(), Some("/tenants"));
        assert_eq!(to("/tenants//").as_deref(), Some("/tenants"));
        assert_eq!(to("/tenants"), None);
        assert_eq!(to("/"), None);
        // A link pasted after an address ending in "/": the page it names, on this site.
        assert_eq!(to("//watch/abc").as_deref(), Some("/watch/abc"));
        assert_eq!(to("//evil.example/").as_deref(), Some("/evil.example"));
        assert_eq!(to("///evil.example").as_deref(), Some("/evil.example"));
        assert_eq!(to("//").as_deref(), Some("/"));
        assert_eq!(to("/a//b").as_deref(), Some("/a/b"));
        assert_eq!(canonical_path(&get, "/api/x/"), None);
        assert_eq!(canonical_path(&Method::POST, "/tenants/"), None);
    }

    #[test]
    fn the_login_redirect_keeps_the_target_safely() {
        assert_eq!(encode("/tenants?x=1&y=2"), "/tenants%3Fx%3D1%26y%3D2");
    }
}

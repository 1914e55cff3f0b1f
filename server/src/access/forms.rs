//! Forms posted without JavaScript (before the wasm has loaded, or with it
//! off): a plain HTML form post to a server function that fails must bring the
//! person back to the page, with the message and what they typed, never a
//! `ServerError|...` text. Leptos already points such an answer back at the
//! page (`Location: <referer>?__path=..&__err=..`) but keeps the error status,
//! which browsers do not follow; this turns it into a 303 and hands the input
//! back in a short-lived cookie (secrets left out). The message rides in a cookie
//! too, never in the address: a message read from the address is one anyone can write
//! into a link ("your password expired: reset it at evil.example" on the real log-in
//! page), so an address that carries one is sent on without it. Without a page to go
//! back to, it answers with a readable page of its own.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// Fields never sent back.
const SECRET_FIELDS: &[&str] = &["password", "form_key"];

/// The cookie that brings a refused form's input back to its page.
pub const FORM_COOKIE: &str = "scaleout_form";

/// The cookie that brings the refusal's message back (leptos's `__err` encoding).
pub const ERROR_COOKIE: &str = "scaleout_form_error";

/// How long a refused form's input and message wait for the page: two minutes.
const COOKIE_ATTRIBUTES: &str = "Path=/; Max-Age=120; SameSite=Strict";

pub async fn plain_forms(req: Request, next: Next) -> Response {
    if let Some(clean) = address_without_error(&req) {
        return see_other(&clean);
    }
    if !is_plain_form_post(&req) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, crate::web::MAX_BODY_BYTES).await else {
        return super::guard::too_large();
    };
    let kept = kept_input(&bytes);
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("text/html"));
    // A success, or a refusal that is a page of its own (the import's): as it is.
    if is_page || !(response.status().is_client_error() || response.status().is_server_error()) {
        return response;
    }
    let location = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    match location {
        Some(back) => {
            let (back, error) = without_param(&back, "__err");
            let mut redirect = see_other(&back);
            // What was typed rides in a two-minute cookie, not in the address
            // (an address ends up in the history; an email has no place there).
            for (name, value) in [
                (FORM_COOKIE, kept),
                (ERROR_COOKIE, error.unwrap_or_default()),
            ] {
                if value.is_empty() {
                    continue;
                }
                let cookie = format!("{name}={value}; {COOKIE_ATTRIBUTES}");
                if let Ok(v) = HeaderValue::from_str(&cookie) {
                    redirect.headers_mut().append(header::SET_COOKIE, v);
                }
            }
            redirect
        }
        None => readable(response).await,
    }
}

pub(super) fn see_other(location: &str) -> Response {
    let mut redirect = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        redirect.headers_mut().insert(header::LOCATION, v);
    }
    redirect
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    redirect
}

/// A page's address that carries a message (`__err`): the same address without it.
fn address_without_error(req: &Request) -> Option<String> {
    if req.method() != Method::GET || req.uri().path().starts_with("/api/") {
        return None;
    }
    let uri = req.uri().path_and_query()?.as_str();
    match without_param(uri, "__err") {
        (clean, Some(_)) => Some(clean),
        _ => None,
    }
}

/// `address` without the query parameter `name`, and that parameter's value.
fn without_param(address: &str, name: &str) -> (String, Option<String>) {
    let Some((base, query)) = address.split_once('?') else {
        return (address.to_string(), None);
    };
    let (query, fragment) = match query.split_once('#') {
        Some((q, f)) => (q, Some(f)),
        None => (query, None),
    };
    let mut found = None;
    let mut kept = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if k == name {
            found = Some(v.into_owned());
        } else {
            kept.append_pair(&k, &v);
        }
    }
    let kept = kept.finish();
    let mut out = base.to_string();
    if !kept.is_empty() {
        out.push('?');
        out.push_str(&kept);
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    (out, found)
}

/// A POST to `path` from a browser that wants a page back (no script sent it): the
/// forms whose answer the layers beside this one turn into a page of its own.
pub(super) fn wants_page(req: &Request, path: &str) -> bool {
    req.method() == Method::POST
        && req.uri().path() == path
        && req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("text/html"))
}

/// A form an HTML page posted itself: what a browser sends without script.
fn is_plain_form_post(req: &Request) -> bool {
    let header = |name| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    req.method() == Method::POST
        && req.uri().path().starts_with("/api/")
        && header(header::ACCEPT).contains("text/html")
        && header(header::CONTENT_TYPE).starts_with("application/x-www-form-urlencoded")
}

/// The fields as typed, secrets removed, for the page to show again.
fn kept_input(body: &[u8]) -> String {
    let kept: Vec<&str> = std::str::from_utf8(body)
        .unwrap_or("")
        .split('&')
        .filter(|pair| {
            let name = pair.split('=').next().unwrap_or("");
            !name.is_empty() && !SECRET_FIELDS.contains(&name)
        })
        .collect();
    if kept.is_empty() {
        return String::new();
    }
    URL_SAFE_NO_PAD.encode(kept.join("&"))
}

/// The error as a page, for a post that came with no page to go back to.
async fn readable(response: Response) -> Response {
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    let message = text
        .split_once('|')
        .map_or(text.as_ref(), |(_, m)| m)
        .trim()
        .to_string();
    let escaped = message
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    (
        status,
        Html(format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>Not sent · scaleout</title><link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\"><link rel=\"stylesheet\" href=\"/pkg/scaleout.css\"></head>\
             <body><main id=\"main\" class=\"door-page\"><h1>That did not go through</h1>\
             <p class=\"error\" role=\"alert\">{escaped}</p>\
             <p>Go back, change what the message says, and send it again.</p></main></body></html>"
        )),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_leaves_the_address() {
        let (back, err) = without_param(
            "http://127.0.0.1:3000/signup?x=1&__path=%2Fapi%2Fsignup%2Fsubmit&__err=U2VydmVy",
            "__err",
        );
        assert_eq!(
            back,
            "http://127.0.0.1:3000/signup?x=1&__path=%2Fapi%2Fsignup%2Fsubmit"
        );
        assert_eq!(err.as_deref(), Some("U2VydmVy"));
        assert_eq!(
            without_param("/login?__err=x", "__err"),
            ("/login".to_string(), Some("x".into()))
        );
        assert_eq!(
            without_param("/login", "__err"),
            ("/login".to_string(), None)
        );
        assert_eq!(
            without_param("/a?b=1#c", "__err"),
            ("/a?b=1#c".to_string(), None)
        );
    }

    #[test]
    fn input_comes_back_without_secrets() {
        let kept = kept_input(b"form_key=abc&company=Acme+Corp&email=a%40b&size=small&password=x");
        let decoded = String::from_utf8(URL_SAFE_NO_PAD.decode(kept).unwrap()).unwrap();
        assert_eq!(decoded, "company=Acme+Corp&email=a%40b&size=small");
        assert_eq!(kept_input(b"password=secret"), "");
    }
}

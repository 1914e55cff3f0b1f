//! Forms whose answer is a secret shown once (a read-only link, a customer's new
//! personal link, a new or reset password), posted without JavaScript: before the
//! page's code has loaded, or with it off. A server function answers a plain form with
//! a redirect back to the page, and the secret, made and kept only as a hash, would be
//! lost: a link nobody can ever open, an account nobody can log in to. This asks the
//! server function for its answer itself and shows the secret on a page of its own,
//! never stored and never cached. The server function still does the work (its role
//! check and the audit trail included).

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use scaleout_domain::access::{IssuedPassword, PortalAccessRevoked};
use serde::Deserialize;

use super::pages::{escape, page};

/// The endpoints whose answer holds a secret, and where each page leads back to.
const SECRET_ANSWERS: &[(&str, &str)] = &[
    ("/api/access/create-link", "/access"),
    ("/api/access/revoke-portal-links", "/access"),
    ("/api/access/accounts/add", "/team"),
    ("/api/access/accounts/reset-password", "/team"),
];

/// A read-only link as `create_link` answers it.
#[derive(Deserialize)]
struct CreatedLink {
    path: String,
    expires_ms: i64,
}

pub async fn secrets_without_script(mut req: Request, next: Next) -> Response {
    let Some(&(path, back)) = SECRET_ANSWERS
        .iter()
        .find(|(p, _)| super::forms::wants_page(&req, p))
    else {
        return next.run(req).await;
    };
    let origin = origin(&req);
    // Asked as a script would ask: the answer comes back instead of a redirect.
    req.headers_mut()
        .insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    let answer = next.run(req).await;
    if !answer.status().is_success() {
        // A refusal: the forms layer makes it a readable page.
        return answer;
    }
    let Ok(bytes) = axum::body::to_bytes(answer.into_body(), 64 * 1024).await else {
        return failed(back);
    };
    let shown = match path {
        "/api/access/create-link" => serde_json::from_slice::<CreatedLink>(&bytes)
            .ok()
            .map(|made| {
                (
                    "Read-only link made",
                    format!(
                        "<p class=\"ok\" role=\"status\">Share this link: it is shown only now. Whoever opens it watches the console, read-only, until {} (UTC).</p>{}",
                        scaleout_services::clock::iso(made.expires_ms),
                        secret("The new read-only link", &format!("{origin}{}", made.path))
                    ),
                )
            }),
        "/api/access/revoke-portal-links" => serde_json::from_slice::<PortalAccessRevoked>(&bytes)
            .ok()
            .map(|done| {
                (
                    "Portal access revoked",
                    format!(
                        "<p class=\"ok\" role=\"status\">The portal is closed to everyone who had it ({}). A new personal link, shown only now, if the customer should keep their portal:</p>{}",
                        escape(&done.closed_to()),
                        secret("The customer's new personal link", &format!("{origin}{}", done.path))
                    ),
                )
            }),
        _ => serde_json::from_slice::<IssuedPassword>(&bytes)
            .ok()
            .map(|issued| {
                (
                    "Password issued",
                    format!(
                        "<p class=\"ok\" role=\"status\">{}'s password ({}), shown only now: hand it over.</p>{}",
                        escape(&issued.name),
                        issued.role.as_str(),
                        secret("The new password", &issued.password)
                    ),
                )
            }),
    };
    let Some((title, body)) = shown else {
        return failed(back);
    };
    let mut response = page(
        StatusCode::OK,
        title,
        &format!("{body}<p><a href=\"{back}\">Back</a> (the secret above is not shown again).</p>"),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The secret in a field to select and copy (no script to copy it with).
fn secret(label: &str, value: &str) -> String {
    format!(
        "<p><label>{label} <input type=\"text\" readonly size=\"60\" value=\"{}\" data-testid=\"secret-shown\"></label></p>",
        escape(value)
    )
}

/// This console's address as the browser reached it, for a link to share.
fn origin(req: &Request) -> String {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let scheme = if super::guard::is_secure(req.headers()) {
        "https"
    } else {
        "http"
    };
    if host.is_empty() {
        String::new()
    } else {
        format!("{scheme}://{host}")
    }
}

fn failed(back: &str) -> Response {
    page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Not shown",
        &format!(
            "<p class=\"error\" role=\"alert\">It was done, but its answer could not be read. Revoke it or reset it, and do it again.</p><p><a href=\"{back}\">Back</a></p>"
        ),
    )
}

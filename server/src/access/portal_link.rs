//! `GET /portal/open/{token}`: a customer opens their portal on any device
//! with their personal link.

use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use scaleout_services::access::portal::portal_cookie_value;
use scaleout_services::access::{cookie, PERSONAL_COOKIE, PORTAL_COOKIE};
use scaleout_services::Console;

use super::cookies::read_cookie;
use super::pages;

/// Sets the portal cookie (keeping the companies this browser already
/// opens) and goes on to the portal.
pub async fn open_portal_link(
    State(console): State<Console>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    match console.access().open_portal_link(&token) {
        Ok(token) => {
            let held = read_cookie(&headers, PORTAL_COOKIE);
            let value = portal_cookie_value(&token, held.as_deref());
            pages::link_opened(
                "Opening your portal",
                "/portal",
                "Continue to your portal",
                &cookie(
                    PORTAL_COOKIE,
                    &value,
                    90 * 24 * 3600,
                    super::guard::is_secure(&headers),
                ),
            )
        }
        Err(e) => pages::link_not_valid(
            &e.to_string(),
            "<a href=\"/signup\">Sign up</a> if your company is new here.",
        ),
    }
}

/// A personal link made a moment ago reaches the portal page in a two-minute cookie (never
/// in the address): the answer that serves the page with it clears it, so the link is
/// shown once, and a reload or the history does not show it again.
pub async fn personal_link_shown(req: Request, next: Next) -> Response {
    let shown = req.method() == Method::GET
        && req.uri().path() == "/portal"
        && read_cookie(req.headers(), PERSONAL_COOKIE).is_some();
    let secure = super::guard::is_secure(req.headers());
    let mut response = next.run(req).await;
    if shown && response.status().is_success() {
        if let Ok(clear) = HeaderValue::from_str(&cookie(PERSONAL_COOKIE, "", 0, secure)) {
            response.headers_mut().append(header::SET_COOKIE, clear);
        }
    }
    response
}

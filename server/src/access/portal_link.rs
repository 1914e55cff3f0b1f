//! `GET /portal/open/{token}`: a customer opens their portal on any device
//! with their personal link.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use scaleout_services::access::portal::portal_cookie_value;
use scaleout_services::access::{cookie, PORTAL_COOKIE};
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

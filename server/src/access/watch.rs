//! `GET /watch/{token}`: a stakeholder opens a read-only link.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use scaleout_services::access::{cookie, SESSION_COOKIE};
use scaleout_services::Console;

use super::pages;

/// Sets the viewer cookie (ending with the link, never later) and goes on to
/// the dashboard.
pub async fn watch_link(
    State(console): State<Console>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    match console.access().open_link(&token) {
        Ok((session, expires_ms)) => {
            let left_ms = expires_ms - scaleout_services::clock::now_ms();
            let max_age = (left_ms.max(0) as u64).div_ceil(1000);
            pages::link_opened(
                "Opening the live view",
                "/",
                "Continue to the dashboard (read-only)",
                &cookie(
                    SESSION_COOKIE,
                    &session,
                    max_age,
                    super::guard::is_secure(&headers),
                ),
            )
        }
        Err(e) => pages::link_not_valid(&e.to_string(), ""),
    }
}

//! `GET /portal/open/{token}`: a customer opens their portal on any device
//! with their personal link.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use scaleout_services::access::portal::portal_cookie_value;
use scaleout_services::access::{cookie, PORTAL_COOKIE};
use scaleout_services::Console;

use super::cookies::read_cookie;

/// Sets the portal cookie (keeping the companies this browser already
/// opens), then moves on with a same-site refresh, as a stakeholder's link
/// does: a SameSite=Strict cookie set while arriving from a mail would not be
/// sent on a redirect of that same navigation.
pub async fn open_portal_link(
    State(console): State<Console>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let secure = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    let page = |status: StatusCode, title: &str, body: &str, refresh: bool| {
        let mut response = Html(format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">{}\
             <title>{title} · scaleout</title><link rel=\"stylesheet\" href=\"/pkg/scaleout.css\"></head>\
             <body><main id=\"main\" class=\"door-page\"><h1>{title}</h1><p>{body}</p></main></body></html>",
            if refresh {
                "<meta http-equiv=\"refresh\" content=\"0;url=/portal\">"
            } else {
                ""
            }
        ))
        .into_response();
        *response.status_mut() = status;
        response
    };
    match console.access().open_portal_link(&token) {
        Ok(token) => {
            let held = read_cookie(&headers, PORTAL_COOKIE);
            let value = portal_cookie_value(&token, held.as_deref());
            let mut response = page(
                StatusCode::OK,
                "Opening your portal",
                "<a href=\"/portal\">Continue to your portal</a>.",
                true,
            );
            if let Ok(v) =
                HeaderValue::from_str(&cookie(PORTAL_COOKIE, &value, 90 * 24 * 3600, secure))
            {
                response.headers_mut().insert(header::SET_COOKIE, v);
            }
            response
        }
        Err(e) => page(
            StatusCode::NOT_FOUND,
            "Link not valid",
            &format!("{e}. <a href=\"/signup\">Sign up</a>"),
            false,
        ),
    }
}

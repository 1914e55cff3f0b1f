//! `GET /watch/{token}`: a stakeholder opens a read-only link.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use scaleout_services::access::{cookie, SESSION_COOKIE};
use scaleout_services::Console;

/// Sets the viewer cookie, then moves on with a same-site refresh: a
/// SameSite=Strict cookie set while arriving from another site (a mail, a
/// chat) would not be sent on a redirect of that same navigation.
pub async fn watch_link(
    State(console): State<Console>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let secure = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    let page = |status: StatusCode, title: &str, body: &str, refresh: bool| {
        Html(format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">{}\
             <title>{title} · scaleout</title><link rel=\"stylesheet\" href=\"/pkg/scaleout.css\"></head>\
             <body><main id=\"main\"><h1>{title}</h1><p>{body}</p></main></body></html>",
            if refresh { "<meta http-equiv=\"refresh\" content=\"0;url=/\">" } else { "" }
        ))
        .into_response()
        .with_status(status)
    };
    match console.access().open_link(&token) {
        Ok((session, expires_ms)) => {
            let mut response = page(
                StatusCode::OK,
                "Opening the live view",
                "<a href=\"/\">Continue to the dashboard</a> (read-only).",
                true,
            );
            // The cookie ends with the link, never later.
            let left_ms = expires_ms - scaleout_services::clock::now_ms();
            let max_age = (left_ms.max(0) as u64).div_ceil(1000);
            if let Ok(v) = cookie(SESSION_COOKIE, &session, max_age, secure).parse() {
                response.headers_mut().insert(header::SET_COOKIE, v);
            }
            response
        }
        Err(e) => page(
            StatusCode::NOT_FOUND,
            "Link not valid",
            &e.to_string(),
            false,
        ),
    }
}

trait WithStatus {
    fn with_status(self, status: StatusCode) -> Self;
}

impl WithStatus for Response {
    fn with_status(mut self, status: StatusCode) -> Self {
        *self.status_mut() = status;
        self
    }
}

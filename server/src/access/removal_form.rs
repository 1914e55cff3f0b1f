//! A DB server's removal posted without JavaScript (the Servers page's Remove, before
//! its code has loaded or with it off). The server function would answer a plain form
//! with a redirect back to the page, and lose what its answer says: on ArangoDB, that
//! the server is checked empty and how to retire its process, which the page does not
//! show. This asks for the answer as a script would and shows it on a page of its own.
//! The server function still does the work (its role check and the audit trail).

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use scaleout_domain::views::RemovedServer;

use super::pages::{escape, page};

const PATH: &str = "/api/cluster/remove-server";

pub async fn removal_without_script(mut req: Request, next: Next) -> Response {
    if !super::forms::wants_page(&req, PATH) {
        return next.run(req).await;
    }
    req.headers_mut()
        .insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    let answer = next.run(req).await;
    if !answer.status().is_success() {
        // A refusal (it still holds data, or no such server): the forms layer makes it a
        // readable page with the reason, as for the secret forms.
        return answer;
    }
    let removed = axum::body::to_bytes(answer.into_body(), 64 * 1024)
        .await
        .ok()
        .and_then(|bytes| serde_json::from_slice::<RemovedServer>(&bytes).ok());
    let (title, body) = match removed {
        Some(r) => (
            if r.removed {
                format!("{} removed", r.server)
            } else {
                format!("{} is ready to retire", r.server)
            },
            format!(
                "<p class=\"ok\" role=\"status\" data-testid=\"server-removed\">{}</p>",
                escape(&scaleout_domain::access::text::sentence(&r.message))
            ),
        ),
        None => (
            "Removal sent".to_string(),
            "<p class=\"notice-warn\" role=\"status\">The removal was sent, but its answer could not be read: the Servers page shows whether the server is still there.</p>".to_string(),
        ),
    };
    let mut response = page(
        StatusCode::OK,
        &escape(&title),
        &format!("{body}<p><a href=\"/servers\">Back to the servers</a></p>"),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

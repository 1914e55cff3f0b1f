//! A stakeholder's pages (the dashboard, shards, the demo) come from the watch app, with a
//! bundle of its own that holds only them (`scaleout_app::watch_app`); the team gets the
//! console's on the same paths. Chosen by who is asking, after the access guard has said.

use std::future::Future;

use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use scaleout_domain::access::Role;
use scaleout_services::access::Caller;

/// Whether `path` is one of the watch app's pages (a trailing slash allowed).
pub fn is_watch_page(path: &str) -> bool {
    scaleout_app::watch_app::page_of(path).is_some()
}

/// Sends a stakeholder's page request to `page` (the watch app), anything else on.
pub async fn route<F, R>(request: Request, next: Next, page: impl FnOnce(Request) -> F) -> Response
where
    F: Future<Output = R>,
    R: IntoResponse,
{
    let stakeholder = request
        .extensions()
        .get::<Caller>()
        .is_some_and(|c| c.role == Role::Stakeholder);
    if stakeholder && request.method() == Method::GET && is_watch_page(request.uri().path()) {
        page(request).await.into_response()
    } else {
        next.run(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::is_watch_page;

    #[test]
    fn the_watch_pages_and_no_other() {
        for path in ["/", "/shards", "/shards/", "/demo"] {
            assert!(is_watch_page(path), "{path}");
        }
        for path in ["/tenants", "/servers", "/demo/x", "/shardsx", "/portal"] {
            assert!(!is_watch_page(path), "{path}");
        }
    }
}

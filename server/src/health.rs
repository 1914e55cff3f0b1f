//! `GET /healthz` (the process answers) and `GET /readyz` (console.db and the back
//! end answer; 503 with the reasons otherwise): public, for load balancers and
//! orchestrators, with nothing secret in either.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use scaleout_services::Console;

pub fn router<S: Clone + Send + Sync + 'static>(console: Console) -> Router<S> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz).with_state(console))
}

async fn healthz() -> Response {
    (
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(serde_json::json!({ "status": "ok" })),
    )
        .into_response()
}

async fn readyz(State(console): State<Console>) -> Response {
    let readiness = scaleout_services::health::readiness(&console).await;
    let status = if readiness.ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(readiness),
    )
        .into_response()
}

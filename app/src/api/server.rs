//! Server-only glue: how server functions reach the services, and the one place
//! where a service error becomes an HTTP status and a message.

use leptos::prelude::*;
use scaleout_services::{Console, ErrorKind, ServiceError};

/// The console service the server put in the request context.
pub fn console() -> Result<Console, ServerFnError> {
    use_context::<Console>()
        .ok_or_else(|| ServerFnError::new("the console service is not available in this request"))
}

/// Maps a service error once: bad input 400, not found 404, conflicts 409,
/// unsupported 501, unavailable 503, anything else 500; the message is the
/// service's own sentence, written for the person who acts on it.
pub fn fail(e: ServiceError) -> ServerFnError {
    let status = match e.kind() {
        ErrorKind::Invalid => 400,
        ErrorKind::NotFound => 404,
        ErrorKind::Conflict | ErrorKind::Cancelled => 409,
        ErrorKind::NotSupported => 501,
        ErrorKind::Unavailable => 503,
        ErrorKind::Internal => 500,
    };
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(
            axum::http::StatusCode::from_u16(status)
                .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
    if status == 500 {
        tracing::error!("request failed: {e}");
    }
    ServerFnError::new(e.to_string())
}

/// Bad input found before reaching the services.
pub fn invalid(message: impl Into<String>) -> ServerFnError {
    fail(ServiceError::Invalid(message.into()))
}

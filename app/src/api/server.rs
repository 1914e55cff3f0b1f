//! Server-only glue: how server functions reach the services, and the one place
//! where a service error becomes an HTTP status and a message.

use leptos::prelude::*;
use scaleout_domain::access::Role;
use scaleout_services::{Console, ErrorKind, ServiceError};

/// The console service, for a caller with at least the role `need`. Every
/// server function reaches the services through [`anyone`], [`stakeholder`],
/// [`viewer`], [`operator`] or [`admin`], so the role check holds where data is read: also when a page
/// calls a server function in-process while it renders, where no middleware
/// looks (the access guard in front is the first check, not the only one).
fn console_for(need: Role) -> Result<Console, ServerFnError> {
    let caller = caller()?;
    if !caller.role.allows(need) {
        let why = caller.role.refusal(need).to_string();
        return Err(fail(if caller.role == Role::Anonymous {
            ServiceError::Unauthenticated(why)
        } else {
            ServiceError::Forbidden(why)
        }));
    }
    use_context::<Console>()
        .ok_or_else(|| ServerFnError::new("the console service is not available in this request"))
}

/// Whether a job is running, for a page that a browser without scripts reloads to follow
/// (false where there is no console to ask).
pub fn a_job_runs() -> bool {
    use_context::<Console>().is_some_and(|c| c.a_job_runs())
}

/// For server functions anyone may call: logging in, signing up, a customer's
/// own portal (which finds its tenant from the portal cookie, never an argument).
pub fn anyone() -> Result<Console, ServerFnError> {
    console_for(Role::Anonymous)
}

/// For the reads a stakeholder's read-only link may make.
pub fn stakeholder() -> Result<Console, ServerFnError> {
    console_for(Role::Stakeholder)
}

/// For the other reads: the team's read-only accounts see every page.
pub fn viewer() -> Result<Console, ServerFnError> {
    console_for(Role::Viewer)
}

/// For every change to the cluster and its tenants.
pub fn operator() -> Result<Console, ServerFnError> {
    console_for(Role::Operator)
}

/// For the team's accounts and the audit trail.
pub fn admin() -> Result<Console, ServerFnError> {
    console_for(Role::Admin)
}

/// How a live stream ends besides its own end.
pub enum Ends {
    /// It tells the page itself when the session ends (the activity's `session_ended`).
    Itself,
    /// When the caller's session does (a link revoked or expired, a logout).
    WithSession,
}

/// A live stream served to a page. It takes one of the server's places for streams, so
/// one caller cannot hold every connection (refused past a cap: see
/// `scaleout_services::streams`), and is counted as a watcher while open
/// (`scaleout_stream_watchers`).
pub fn watched<S: futures::Stream + Send + 'static>(
    console: &Console,
    stream: S,
    ends: Ends,
) -> Result<impl futures::Stream<Item = S::Item> + Send + 'static, ServerFnError> {
    use scaleout_services::streams;
    let caller = caller()?;
    let whose = caller.session.as_deref().or(caller.portal.as_deref());
    let slot = console
        .streams()
        .open(whose, &caller.client)
        .map_err(fail)?;
    let session = match ends {
        Ends::Itself => None,
        Ends::WithSession => caller.session,
    };
    Ok(streams::holding(
        streams::until_session_ends(console, session, stream),
        slot,
    ))
}

/// A naming convention from a form field (empty: the database's, camelCase in a new
/// one), or a 400 that says which ones exist.
pub fn naming(
    console: &scaleout_services::Console,
    text: &str,
) -> Result<scaleout_domain::Naming, ServerFnError> {
    if text.is_empty() {
        return scaleout_services::operations::tenants::naming_for(console, None).map_err(fail);
    }
    text.parse().map_err(|_| {
        invalid(format!(
            "{:?} is not a naming convention: use camelCase or snake_case",
            scaleout_domain::access::text::cut(text)
        ))
    })
}

/// The status of the page being rendered (a page whose address names nothing answers
/// 404, as an unknown page does).
pub fn answer_status(status: u16) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(
            axum::http::StatusCode::from_u16(status)
                .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
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
        ErrorKind::Unauthenticated => 401,
        ErrorKind::Forbidden => 403,
        ErrorKind::RateLimited => 429,
        ErrorKind::Internal => 500,
    };
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let ServiceError::RateLimited { retry_after, .. } = &e {
            if let Ok(v) = axum::http::HeaderValue::from_str(&retry_after.to_string()) {
                response.insert_header(axum::http::header::RETRY_AFTER, v);
            }
        }
    }
    answer_status(status);
    if status == 500 {
        tracing::error!("request failed: {e}");
    }
    // A message repeats what it is about; never a megabyte someone sent.
    ServerFnError::new(cut(&e.to_string(), MAX_MESSAGE_CHARS))
}

/// The longest error message a caller gets back, in characters.
const MAX_MESSAGE_CHARS: usize = 600;

fn cut(message: &str, max: usize) -> String {
    match message.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &message[..at]),
        None => message.to_string(),
    }
}

/// Bad input found before reaching the services.
pub fn invalid(message: impl Into<String>) -> ServerFnError {
    fail(ServiceError::Invalid(message.into()))
}

/// Who is calling, as the access guard found it. Absent only when a server
/// function runs outside the web server (then nobody may do anything).
pub fn caller() -> Result<scaleout_services::access::Caller, ServerFnError> {
    use_context::<axum::http::request::Parts>()
        .and_then(|p| {
            p.extensions
                .get::<scaleout_services::access::Caller>()
                .cloned()
        })
        .ok_or_else(|| ServerFnError::new("no caller: this request did not pass the access guard"))
}

/// Goes on to the portal, which shows the personal link `token` once: it rides in a
/// short-lived cookie, never in the address (the history keeps addresses).
pub fn to_portal_showing(token: &str, secure: bool) {
    use scaleout_services::access::{cookie, PERSONAL_COOKIE, PERSONAL_COOKIE_SECS};
    set_cookie(&cookie(
        PERSONAL_COOKIE,
        token,
        PERSONAL_COOKIE_SECS,
        secure,
    ));
    leptos_axum::redirect("/portal");
}

/// Sets a cookie on the response.
pub fn set_cookie(cookie: &str) {
    if let (Some(response), Ok(v)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        axum::http::HeaderValue::from_str(cookie),
    ) {
        response.append_header(axum::http::header::SET_COOKIE, v);
    }
}

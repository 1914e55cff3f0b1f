//! `GET /watch/{token}`: a stakeholder opens a read-only link.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Extension;
use scaleout_services::access::{cookie, Caller, SESSION_COOKIE};
use scaleout_services::audit::Record;
use scaleout_services::Console;

use super::pages;

/// `GET /watch/left`: where a stakeholder lands after "Log out".
pub async fn left() -> Response {
    pages::left_read_only()
}

/// Sets the viewer cookie (ending with the link, never later) and goes on to
/// the dashboard. Opening a link opens a session: the audit trail says which
/// link, from where (never its token).
pub async fn watch_link(
    State(console): State<Console>,
    Path(token): Path<String>,
    caller: Option<Extension<Caller>>,
    headers: HeaderMap,
) -> Response {
    // A link that works, in a browser that may hold a team session: never replaced.
    if console.access().check_link(&token).is_ok() {
        if let Some(Extension(c)) = &caller {
            if c.role.allows(scaleout_domain::access::Role::Viewer) {
                return pages::link_would_log_out(&c.actor);
            }
        }
        // From another site the browser sent no cookie of this one: ask again from here
        // before a session cookie replaces one this browser may hold. (A working link's
        // token is 64 hex digits: nothing else goes back into the page.)
        if headers
            .get("sec-fetch-site")
            .is_some_and(|v| v.as_bytes() == b"cross-site")
        {
            return pages::reopen_here(&format!("/watch/{token}"));
        }
    }
    let opened = console.access().open_link(&token);
    let _ = console.audit().record(Record {
        actor: match &opened {
            Ok((_, _, id)) => format!("link:{id}"),
            Err(_) => "anonymous".into(),
        },
        // A refused token is an anonymous refusal (one guessing tokens is throttled there).
        role: if opened.is_ok() {
            "stakeholder"
        } else {
            "anonymous"
        }
        .into(),
        action: "watch/open".into(),
        target: None,
        outcome: match &opened {
            Ok(_) => "ok".into(),
            Err(_) => "refused".into(),
        },
        job_id: None,
        client: caller.map(|c| c.client.clone()).unwrap_or_default(),
    });
    match opened {
        Ok((session, expires_ms, _)) => {
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

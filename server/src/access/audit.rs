//! The audit trail at the door: every request that changes something (or tries
//! to) is recorded with who asked, what of, how it ended, the job it started and
//! the client's address. Refusals by the guard are recorded there; this layer,
//! next to the handlers, records the rest with the handler's own status.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use scaleout_domain::activity::Happening;
use scaleout_services::access::{Caller, SessionState, SessionView, SESSION_COOKIE};
use scaleout_services::audit::Record;
use scaleout_services::Console;

use super::policy::{changes_state, JOB_STARTERS};

/// The form fields that say what an action was about. Anything else (a
/// password, a form key, a free-text reason) stays out of the trail.
const TARGET_FIELDS: &[&str] = &[
    "id",
    "name",
    "username",
    "role",
    "server",
    "count",
    "execute",
    "what_if_servers",
    "drain",
    "fingerprint",
    "scale_factor",
    "naming",
    "label",
    "hours",
    "company",
];

/// The longest answer read back for its job id or error (a mutation's answer
/// is small; anything longer is passed on untouched).
const ANSWER_BYTES: usize = 64 * 1024;

/// Set on an answer that started a job but does not carry its number where [`outcome`]
/// reads it (the import's page, posted without JavaScript): the trail names the job all
/// the same.
#[derive(Debug, Clone, Copy)]
pub struct StartedJob(pub u64);

pub async fn record_changes(State(console): State<Console>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if !changes_state(req.method(), &path) || req.method() == Method::OPTIONS {
        return next.run(req).await;
    }
    let caller = req.extensions().get::<Caller>().cloned();
    let form = is_form(&req);
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, crate::web::MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(e) => return super::guard::unreadable_body(&e.to_string()),
    };
    let target = form.then(|| target_of(&bytes)).flatten();
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let status = response.status();
    let wants_answer = !status.is_success()
        || JOB_STARTERS.contains(&path.as_str())
        || path.ends_with("/approve-signup");
    let (response, answer) = if wants_answer {
        read_answer(response).await
    } else {
        (response, None)
    };
    let (outcome, job_id) = outcome(status, answer.as_deref());
    let job_id = job_id.or_else(|| response.extensions().get::<StartedJob>().map(|j| j.0));
    let (mut actor, mut role, client) = match &caller {
        Some(c) => (
            c.actor.clone(),
            c.role.as_str().to_string(),
            c.client.clone(),
        ),
        None => ("anonymous".into(), "anonymous".into(), String::new()),
    };
    // A login is its new session's: the trail names who logged in.
    if let Some(view) = opened_session(&console, &response) {
        actor = view.name.unwrap_or(actor);
        role = view.role.as_str().to_string();
    }
    let written = console.audit().record(Record {
        actor,
        role,
        action: action_of(&path),
        target,
        outcome,
        job_id,
        client,
    });
    if written.unwrap_or(false) {
        console.activity().publish(Happening::Audited);
    }
    response
}

/// The session a response opens (its Set-Cookie), as the services see it.
fn opened_session(console: &Console, response: &Response) -> Option<SessionView> {
    let prefix = format!("{SESSION_COOKIE}=");
    let token = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next()?.strip_prefix(prefix.as_str()))
        .find(|t| !t.is_empty())?
        .to_string();
    match console.access().session_state(&token) {
        Ok(SessionState::Valid(view)) => Some(view),
        _ => None,
    }
}

/// The action's name: the path without `/api/` (`tenants/add`), or the page's.
pub fn action_of(path: &str) -> String {
    path.strip_prefix("/api/")
        .unwrap_or(path)
        .trim_end_matches('/')
        .to_string()
}

fn is_form(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

/// `name=Acme, scale_factor=2`: the listed fields the form carried.
fn target_of(body: &[u8]) -> Option<String> {
    let fields: Vec<String> = form_urlencoded::parse(body)
        .filter(|(k, v)| TARGET_FIELDS.contains(&k.as_ref()) && !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", scaleout_domain::access::text::cut(v.trim())))
        .collect();
    (!fields.is_empty()).then(|| fields.join(", "))
}

/// Reads a short answer and puts it back; a long one is passed on unread.
async fn read_answer(response: Response) -> (Response, Option<String>) {
    // A whole answer knows its size; a stream does not, and is never held back.
    let short = http_body::Body::size_hint(response.body())
        .upper()
        .is_some_and(|n| n <= ANSWER_BYTES as u64);
    if !short {
        return (response, None);
    }
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, ANSWER_BYTES).await {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            (Response::from_parts(parts, Body::from(bytes)), Some(text))
        }
        Err(_) => (Response::from_parts(parts, Body::from(Bytes::new())), None),
    }
}

/// How it ended, and the job it started: the answer is the job's id, or an
/// object with a `job_id` (or `job`).
fn outcome(status: StatusCode, answer: Option<&str>) -> (String, Option<u64>) {
    if status.is_success() || status.is_redirection() {
        let job = answer.and_then(|a| {
            a.trim().parse::<u64>().ok().or_else(|| {
                serde_json::from_str::<serde_json::Value>(a)
                    .ok()
                    .and_then(|v| {
                        v.get("job_id")
                            .or_else(|| v.get("job"))
                            .and_then(|j| j.as_u64())
                    })
            })
        });
        return ("ok".into(), job);
    }
    // A server function's error reads `Kind|message`.
    let message = answer.map(|a| a.split_once('|').map_or(a, |(_, m)| m));
    let status = match answer {
        Some(a)
            if ["Args|", "MissingArg|", "Deserialization|"]
                .iter()
                .any(|k| a.starts_with(k)) =>
        {
            400
        }
        _ => status.as_u16(),
    };
    (
        scaleout_domain::audit::outcome_of_status(status, message),
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_keep_names_and_never_secrets() {
        let t = target_of(b"name=Acme+Corp&scale_factor=2&password=hunter2&form_key=k").unwrap();
        assert_eq!(t, "name=Acme Corp, scale_factor=2");
        assert_eq!(target_of(b"password=x"), None);
    }

    #[test]
    fn outcomes_read_answers() {
        assert_eq!(outcome(StatusCode::OK, Some("12")), ("ok".into(), Some(12)));
        assert_eq!(
            outcome(StatusCode::OK, Some(r#"{"id":3,"job_id":7}"#)),
            ("ok".into(), Some(7))
        );
        assert_eq!(
            outcome(StatusCode::FORBIDDEN, Some("ServerError|no")).0,
            "refused"
        );
        assert_eq!(
            outcome(StatusCode::CONFLICT, Some("ServerError|a job runs")).0,
            "failed (409): a job runs"
        );
        assert!(outcome(StatusCode::INTERNAL_SERVER_ERROR, Some("Args|bad"))
            .0
            .starts_with("failed (400)"));
        assert_eq!(action_of("/api/tenants/add"), "tenants/add");
    }
}

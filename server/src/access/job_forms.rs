//! Forms that start a job (add a tenant or servers, check isolation, remove a tenant,
//! resume a job…), posted without JavaScript: before the page's code has loaded, or with
//! it off. A server function answers a plain form with a redirect back to the page it
//! came from, where nothing says a job started (the page's script would have listed it).
//! This sends the browser on to the job's own page instead, which shows its progress and
//! reloads itself while the job runs. A refusal is left to the forms layer (back to the
//! page, with the reason and what was typed).

use axum::body::Body;
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;

use super::policy::JOB_STARTERS;

/// A job's number is a few digits; anything longer is kept as it is, whole.
const MAX_ANSWER_BYTES: usize = 1024 * 1024;

pub async fn jobs_without_script(req: Request, next: Next) -> Response {
    let plain = JOB_STARTERS
        .iter()
        .any(|path| super::forms::wants_page(&req, path));
    let answer = next.run(req).await;
    // Only a success goes on: sent back to its page (a redirect), or, from a browser
    // that said not where it came from, the bare number.
    let status = answer.status();
    let page = answer
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("text/html"));
    if !plain || page || !(status.is_success() || status.is_redirection()) {
        return answer;
    }
    let (parts, body) = answer.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ANSWER_BYTES).await else {
        // The job started, but its number is lost: the Jobs list shows it (sending the
        // form again would start another).
        return super::forms::see_other("/jobs");
    };
    match serde_json::from_slice::<u64>(&bytes) {
        Ok(job) => super::forms::see_other(&format!("/jobs/{job}")),
        // Not a job's number (the import answers with a page of its own): as it was.
        Err(_) => Response::from_parts(parts, Body::from(bytes)),
    }
}

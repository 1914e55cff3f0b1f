//! The customer-list import posted without JavaScript (before the page's code has
//! loaded, or with it off). A server function would answer a plain form with a
//! redirect back to the page and nothing of what happened; this answers with a page
//! that says it: how many tenants onboard (and the job), which rows were skipped,
//! and each refused row with its line and reason.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use scaleout_services::Console;

use super::pages::{escape, page};

const PATH: &str = "/api/tenants/import";

pub async fn import_without_script(
    State(console): State<Console>,
    req: Request,
    next: Next,
) -> Response {
    if !super::forms::wants_page(&req, PATH) {
        return next.run(req).await;
    }
    // The guard checked the path; this checks the caller again, as server functions do.
    let operates = req
        .extensions()
        .get::<scaleout_services::access::Caller>()
        .is_some_and(|c| c.role.operates());
    if !operates {
        return page(
            StatusCode::FORBIDDEN,
            "Import not started",
            "<p class=\"error\" role=\"alert\">Only an operator imports tenants.</p>",
        );
    }
    let (_, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, crate::web::MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(e) => return super::guard::unreadable_body(&e.to_string()),
    };
    let field = |name: &str| {
        form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    // Empty: the database's, as the form's first choice says.
    let naming = match field("naming").as_str() {
        "" => scaleout_services::operations::tenants::naming_for(&console, None).ok(),
        other => other.parse().ok(),
    };
    let Some(naming) = naming else {
        return page(
            StatusCode::BAD_REQUEST,
            "Import not started",
            "<p class=\"error\" role=\"alert\">Choose camelCase or snake_case names.</p><p><a href=\"/tenants\">Back to the tenants</a></p>",
        );
    };
    match scaleout_services::operations::import::start(&console, &field("list"), naming).await {
        Ok(done) => {
            let mut body = format!(
                "<p role=\"status\" data-testid=\"import-outcome\">{} to onboard{}; {} skipped (already onboarded); {} refused.</p>",
                done.onboarding,
                done.job
                    .map(|j| format!(" in job {j} (<a href=\"/jobs/{j}\">follow it on its page</a>)"))
                    .unwrap_or_default(),
                done.skipped.len(),
                done.refused.len()
            );
            if !done.refused.is_empty() {
                body.push_str("<p>Fix these rows and import the list again (the tenants already onboarded are skipped):</p><div class=\"table-wrap\"><table class=\"data\" data-testid=\"import-refused\"><thead><tr><th scope=\"col\" class=\"num\">Line</th><th scope=\"col\">Name</th><th scope=\"col\">Why</th></tr></thead><tbody>");
                for r in &done.refused {
                    body.push_str(&format!(
                        "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
                        r.line,
                        escape(&r.name),
                        escape(&r.reason)
                    ));
                }
                body.push_str("</tbody></table></div>");
            }
            body.push_str(if done.job.is_some() {
                "<p><a href=\"/tenants\">Back to the tenants</a>: the new ones appear there as they are onboarded.</p>"
            } else {
                "<p><a href=\"/tenants\">Back to the tenants</a>.</p>"
            });
            let title = match (done.job.is_some(), done.refused.is_empty()) {
                (true, _) => "Import started",
                (false, true) => "Nothing left to import",
                (false, false) => "Nothing imported",
            };
            let mut answer = page(StatusCode::OK, title, &body);
            if let Some(job) = done.job {
                answer
                    .extensions_mut()
                    .insert(super::audit::StartedJob(job));
            }
            answer
        }
        Err(e) => {
            let status = match e.kind() {
                scaleout_services::ErrorKind::Invalid => StatusCode::BAD_REQUEST,
                scaleout_services::ErrorKind::Conflict => StatusCode::CONFLICT,
                _ => StatusCode::SERVICE_UNAVAILABLE,
            };
            page(
                status,
                "Import not started",
                &format!(
                    "<p class=\"error\" role=\"alert\">{}</p><p><a href=\"/tenants\">Back to the tenants</a></p>",
                    escape(&e.to_string())
                ),
            )
        }
    }
}

//! Downloads of a finished demo's report, produced from the job's stored
//! result: `GET /reports/demo/{job}.json` and `GET /reports/demo/{job}.md`.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Extension;
use axum::Router;
use scaleout_domain::access::text::cut;
use scaleout_domain::access::Role;
use scaleout_services::access::Caller;
use scaleout_services::operations::demo_report;
use scaleout_services::{Console, ErrorKind};

/// The report routes, to merge into the application router.
pub fn router<S: Clone + Send + Sync + 'static>(console: Console) -> Router<S> {
    Router::new()
        .route("/reports/demo/{file}", get(demo))
        .with_state(console)
}

fn plain(status: StatusCode, message: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message + "\n",
    )
        .into_response()
}

async fn demo(
    State(console): State<Console>,
    caller: Option<Extension<Caller>>,
    Path(file): Path<String>,
) -> Response {
    // The guard in front admits viewers and up; the check holds here too.
    let role = match caller.map(|Extension(c)| c.role) {
        Some(role) if role.allows(Role::Stakeholder) => role,
        Some(Role::Anonymous) | None => {
            return plain(
                StatusCode::UNAUTHORIZED,
                "log in, or open the read-only link you were sent, to download reports".into(),
            )
        }
        Some(_) => return plain(StatusCode::FORBIDDEN, "not for this session".into()),
    };
    let file = cut(&file);
    let Some((job, format)) = file.rsplit_once('.') else {
        return plain(
            StatusCode::NOT_FOUND,
            format!(
                "no report {file:?}: ask for /reports/demo/<job>.json or /reports/demo/<job>.md"
            ),
        );
    };
    let Ok(job) = job.parse::<u64>() else {
        return plain(
            StatusCode::NOT_FOUND,
            format!("{job:?} is not a job number: ask for /reports/demo/<job>.json or .md"),
        );
    };
    if format != "json" && format != "md" {
        return plain(
            StatusCode::NOT_FOUND,
            format!("reports come as .json or .md, not .{format}"),
        );
    }
    let report = match demo_report::of_job(&console, job) {
        Ok(report) => scaleout_services::visibility::demo_report(report, role),
        Err(e) => {
            let status = match e.kind() {
                ErrorKind::NotFound => StatusCode::NOT_FOUND,
                ErrorKind::Invalid => StatusCode::BAD_REQUEST,
                ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            return plain(status, e.to_string());
        }
    };
    // The name the server saved it under, else one naming the job.
    let stem = report
        .files
        .first()
        .and_then(|f| std::path::Path::new(f).file_stem())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| format!("scale_out_demo_job{job}"));
    let (content_type, body) = if format == "json" {
        (
            "application/json",
            serde_json::to_string_pretty(&report).expect("the report serialises"),
        )
    } else {
        ("text/markdown; charset=utf-8", report.markdown())
    };
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{stem}.{format}\""),
            ),
        ],
        body,
    )
        .into_response()
}

//! Prometheus metrics in the text exposition format (the `prometheus` crate writes
//! it), on a listener of their own (`--metrics-addr`, off by default), so the
//! console's port never serves them to its visitors. Counts of HTTP requests are
//! kept here as they happen; the rest is read from the services when scraped.

use std::sync::LazyLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};
use scaleout_services::metrics::{counters, MoveOutcome};
use scaleout_services::Console;

/// Job durations, in seconds: from a validation's moment to a long rebalance.
const DURATION_BUCKETS: &[f64] = &[
    0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0, 1800.0, 3600.0,
];

/// Requests by route (the route's pattern, never the path a caller typed: no
/// tokens, bounded labels) and status.
static HTTP: LazyLock<(Registry, IntCounterVec)> = LazyLock::new(|| {
    let registry = Registry::new();
    let requests = IntCounterVec::new(
        Opts::new(
            "scaleout_http_requests_total",
            "HTTP requests answered, by route and status",
        ),
        &["route", "status"],
    )
    .expect("a valid metric");
    registry
        .register(Box::new(requests.clone()))
        .expect("registered once");
    (registry, requests)
});

/// The route a request matched, as a label: its pattern, the bundle's files as one,
/// or `other`.
pub fn route_of(req: &Request) -> String {
    match req.extensions().get::<MatchedPath>() {
        Some(p) => p.as_str().to_string(),
        None if req.uri().path().starts_with("/pkg/") => "/pkg/{file}".into(),
        None => "other".into(),
    }
}

/// Who asked, put in the response by the access guard for the request log.
#[derive(Debug, Clone)]
pub struct Actor(pub String);

/// Counts every request and logs it once: method, route, status, duration and
/// actor. Never the path's own text or its query (a link's token is in a path).
pub async fn observe(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route = route_of(&req);
    let response = next.run(req).await;
    let status = response.status().as_u16();
    HTTP.1
        .with_label_values(&[route.as_str(), &status.to_string()])
        .inc();
    let actor = response
        .extensions()
        .get::<Actor>()
        .map_or("anonymous", |a| a.0.as_str());
    tracing::info!(
        target: "scaleout::http",
        %method,
        route = %route,
        status,
        ms = started.elapsed().as_millis() as u64,
        actor,
        "request"
    );
    response
}

/// Listens on `addr` and serves `/metrics` until the task is aborted (with the
/// console's own listener).
pub async fn serve(
    addr: std::net::SocketAddr,
    console: Console,
) -> Result<tokio::task::JoinHandle<()>, crate::cli::CliError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| crate::cli::CliError::Bind { addr, source })?;
    let bound = listener.local_addr().unwrap_or(addr);
    tracing::info!("metrics on http://{bound}/metrics");
    Ok(tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router(console)).await {
            tracing::error!("the metrics listener stopped: {e}");
        }
    }))
}

/// The metrics listener's routes: `GET /metrics`.
pub fn router(console: Console) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(console)
}

async fn metrics(State(console): State<Console>) -> Response {
    match render(&console).await {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                TextEncoder::new().format_type().to_string(),
            )],
            text,
        )
            .into_response(),
        Err(e) => {
            tracing::error!("metrics could not be gathered: {e}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("metrics could not be gathered: {e}\n"),
            )
                .into_response()
        }
    }
}

/// Every metric, in the text exposition format.
pub async fn render(console: &Console) -> Result<String, String> {
    let snapshot = scaleout_services::metrics::snapshot(console)
        .await
        .map_err(|e| e.to_string())?;
    let registry = Registry::new();
    let fail = |e: prometheus::Error| e.to_string();
    let jobs = IntCounterVec::new(
        Opts::new("scaleout_jobs_total", "Jobs recorded, by kind and state"),
        &["kind", "state"],
    )
    .map_err(fail)?;
    for (kind, state, n) in &snapshot.jobs {
        jobs.with_label_values(&[kind.as_str(), state.as_str()])
            .inc_by(*n);
    }
    let durations = HistogramVec::new(
        HistogramOpts::new(
            "scaleout_job_duration_seconds",
            "How long finished jobs ran, by kind",
        )
        .buckets(DURATION_BUCKETS.to_vec()),
        &["kind"],
    )
    .map_err(fail)?;
    for (kind, secs) in &snapshot.durations {
        durations.with_label_values(&[kind.as_str()]).observe(*secs);
    }
    let tenants = IntGauge::new("scaleout_tenants", "Tenants in the registry").map_err(fail)?;
    tenants.set(snapshot.tenants as i64);
    let documents = IntGauge::new(
        "scaleout_documents",
        "Documents of the active tenants (each tenant's exact count for its scale factor)",
    )
    .map_err(fail)?;
    documents.set(snapshot.documents as i64);
    let servers = IntGaugeVec::new(
        Opts::new(
            "scaleout_db_servers",
            "DB servers by health (absent when the back end does not answer)",
        ),
        &["health"],
    )
    .map_err(fail)?;
    for (health, n) in snapshot.db_servers.iter().flatten() {
        servers.with_label_values(&[*health]).set(*n as i64);
    }
    let up = IntGauge::new(
        "scaleout_backend_up",
        "1 when the back end answered this scrape",
    )
    .map_err(fail)?;
    up.set(i64::from(snapshot.db_servers.is_some()));
    let c = counters();
    let moves = IntCounterVec::new(
        Opts::new(
            "scaleout_shard_moves_total",
            "Shard moves this process ran, by outcome",
        ),
        &["outcome"],
    )
    .map_err(fail)?;
    for outcome in MoveOutcome::ALL {
        moves
            .with_label_values(&[outcome.as_str()])
            .inc_by(c.moves(outcome));
    }
    let bytes = IntCounter::new(
        "scaleout_bytes_moved_total",
        "Bytes copied by shard moves this process ran",
    )
    .map_err(fail)?;
    bytes.inc_by(c.bytes_moved());
    let watchers = IntGauge::new(
        "scaleout_stream_watchers",
        "Pages following a live stream now",
    )
    .map_err(fail)?;
    watchers.set(c.watchers() as i64);
    let logins = IntCounter::new(
        "scaleout_login_failures_total",
        "Failed logins since this process started",
    )
    .map_err(fail)?;
    logins.inc_by(c.login_failures());
    for metric in [
        Box::new(jobs) as Box<dyn prometheus::core::Collector>,
        Box::new(durations),
        Box::new(tenants),
        Box::new(documents),
        Box::new(servers),
        Box::new(up),
        Box::new(moves),
        Box::new(bytes),
        Box::new(watchers),
        Box::new(logins),
    ] {
        registry.register(metric).map_err(fail)?;
    }
    let mut families = registry.gather();
    families.extend(HTTP.0.gather());
    let mut out = Vec::new();
    TextEncoder::new()
        .encode(&families, &mut out)
        .map_err(fail)?;
    String::from_utf8(out).map_err(|e| e.to_string())
}

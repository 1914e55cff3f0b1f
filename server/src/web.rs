//! The web server: Leptos pages and server functions, static files, graceful stop.

use std::future::Future;

use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use scaleout_app::{shell, App};
use scaleout_services::Console;
use tokio::net::TcpListener;
use tower_http::compression::predicate::{Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

/// Builds the whole application router around one console service.
pub fn router(console: Console) -> Router {
    let options = leptos_options(&console);
    let routes = generate_route_list(App);
    let context_console = console.clone();
    let guard_console = console.clone();
    Router::new()
        .route(
            "/watch/{token}",
            axum::routing::get(crate::access::watch_link).with_state(console.clone()),
        )
        .leptos_routes_with_context(
            &options,
            routes,
            move || provide_context(context_console.clone()),
            {
                let options = options.clone();
                move || shell(options.clone())
            },
        )
        .merge(crate::reports::router(console.clone()))
        .fallback(leptos_axum::file_and_error_handler_with_context(
            move || provide_context(console.clone()),
            shell,
        ))
        .layer(axum::middleware::from_fn_with_state(
            guard_console,
            crate::access::guard,
        ))
        .layer(TraceLayer::new_for_http())
        .layer(
            CompressionLayer::new()
                .gzip(true)
                .compress_when(SizeAbove::new(1024).and(whole_document)),
        )
        .with_state(options)
}

/// Gzip for whole documents only: pages, JSON answers, Markdown reports (measured: the
/// Shards page 42 KiB -> 4 KiB, a large tenant's page 247 KiB -> 13 KiB). Never for a stream such as a job's live progress
/// (`text/plain`): gzip would hold its lines back until a block fills. The bundle's files
/// are compressed once, at build time (`scripts/build-site.sh`).
fn whole_document(
    _: axum::http::StatusCode,
    _: axum::http::Version,
    headers: &axum::http::HeaderMap,
    _: &axum::http::Extensions,
) -> bool {
    let kind = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    ["text/html", "application/json", "text/markdown"]
        .iter()
        .any(|t| kind.starts_with(t))
}

/// Serves until `shutdown` resolves, then lets in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    console: Console,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let addr = listener.local_addr()?;
    let config = console.config();
    tracing::info!(
        data_dir = %config.data_dir.display(),
        site = %config.site_dir.as_ref().map(|d| d.display().to_string()).unwrap_or_else(|| "none".into()),
        "scaleout {} listening on http://{addr}",
        env!("CARGO_PKG_VERSION"),
    );
    let app = router(console).into_make_service_with_connect_info::<std::net::SocketAddr>();
    // Graceful, but bounded: a connection that never sends its first request
    // (browsers open spare sockets ahead of time) would otherwise hold the
    // shutdown forever.
    let (stopping, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        shutdown.await;
        let _ = stopping.send(());
    });
    tokio::select! {
        served = server => served?,
        _ = async {
            if stopped.await.is_ok() {
                tokio::time::sleep(SHUTDOWN_GRACE).await;
            } else {
                std::future::pending::<()>().await;
            }
        } => tracing::warn!("requests still open after {SHUTDOWN_GRACE:?}: stopping anyway"),
    }
    tracing::info!("stopped");
    Ok(())
}

/// How long in-flight requests get to finish once a stop is asked for.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

fn leptos_options(console: &Console) -> LeptosOptions {
    let site_root = console
        .config()
        .site_dir
        .as_ref()
        .map(|d| d.display().to_string())
        // Without a bundle, static lookups go to a directory that holds nothing.
        .unwrap_or_else(|| "/nonexistent-scaleout-site".to_string());
    LeptosOptions::builder()
        .output_name("scaleout")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .build()
}

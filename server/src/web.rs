//! The web server: Leptos pages and server functions, static files, graceful stop.

use std::future::Future;

use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use scaleout_app::{shell, App};
use scaleout_services::Console;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::{Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;

use crate::connections::Limits;

/// Builds the whole application router around one console service.
pub fn router(console: Console) -> Router {
    router_with_door(console, true)
}

/// Test support: the router with a door that finds out who is calling but
/// lets every path through, to prove that every server function checks the
/// caller's role itself (as it must when a page calls it in-process).
#[doc(hidden)]
pub fn router_without_path_checks(console: Console) -> Router {
    router_with_door(console, false)
}

fn router_with_door(console: Console, check_paths: bool) -> Router {
    let options = leptos_options(&console);
    // The visitors' pages and the customers' portal render in shells of their own, for
    // small bundles of their own.
    let routes = generate_route_list(App)
        .into_iter()
        .filter(|r| {
            !scaleout_app::public::PATHS.contains(&r.path())
                && r.path() != scaleout_app::portal_app::PATH
        })
        .collect();
    let portal_page = leptos_axum::render_app_async_with_context(
        {
            let console = console.clone();
            move || provide_context(console.clone())
        },
        {
            let options = options.clone();
            move || scaleout_app::portal_app::portal_shell(options.clone())
        },
    );
    let public_page = leptos_axum::render_app_async_with_context(
        {
            let console = console.clone();
            move || provide_context(console.clone())
        },
        {
            let options = options.clone();
            move || scaleout_app::public::public_shell(options.clone())
        },
    );
    let watch_page = leptos_axum::render_app_async_with_context(
        {
            let console = console.clone();
            move || provide_context(console.clone())
        },
        {
            let options = options.clone();
            move || scaleout_app::watch_app::watch_shell(options.clone())
        },
    );
    let context_console = console.clone();
    let audit_console = console.clone();
    let import_console = console.clone();
    let site_dir = console.config().site_dir.clone();
    let build = site_dir.as_deref().and_then(crate::assets::build_id);
    let door = crate::access::Door {
        console: console.clone(),
        check_paths,
    };
    Router::new()
        .route(
            "/watch/left",
            axum::routing::get(crate::access::left_read_only),
        )
        .route(
            "/watch/{token}",
            axum::routing::get(crate::access::watch_link).with_state(console.clone()),
        )
        .route(
            "/portal/open/{token}",
            axum::routing::get(crate::access::open_portal_link).with_state(console.clone()),
        )
        .route("/login", axum::routing::get(public_page.clone()))
        .route("/signup", axum::routing::get(public_page))
        .route(
            scaleout_app::portal_app::PATH,
            axum::routing::get(portal_page),
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
        .merge(crate::health::router(console.clone()))
        .route(
            "/api/openapi.json",
            axum::routing::get(crate::openapi::serve),
        )
        .merge(crate::assets::router(site_dir.as_deref()))
        .fallback(leptos_axum::file_and_error_handler_with_context(
            move || provide_context(console.clone()),
            shell,
        ))
        // A stakeholder's pages: the watch app's, with its small bundle.
        .layer(axum::middleware::from_fn(move |request, next| {
            let watch_page = watch_page.clone();
            crate::watch_pages::route(request, next, watch_page)
        }))
        // A handler that panics answers 500 (and is logged) instead
        // of dropping the connection with no answer; bodies over the limit 413.
        .layer(CatchPanicLayer::custom(panicked))
        // The import posted without JavaScript answers with a page of its outcome.
        .layer(axum::middleware::from_fn_with_state(
            import_console,
            crate::access::import_without_script,
        ))
        // So does a form whose answer is a secret shown once (a link, a password).
        .layer(axum::middleware::from_fn(
            crate::access::secrets_without_script,
        ))
        // And a server's removal, whose answer says what is left to do.
        .layer(axum::middleware::from_fn(
            crate::access::removal_without_script,
        ))
        // Every change (and every try) goes in the audit trail, with the handler's status.
        .layer(axum::middleware::from_fn_with_state(
            audit_console,
            crate::access::record_changes,
        ))
        // A form that starts a job goes on to the job's page. Outside the audit trail's
        // layer: the trail reads the job's number from the handler's own answer.
        .layer(axum::middleware::from_fn(
            crate::access::jobs_without_script,
        ))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(crate::access::plain_forms))
        .layer(axum::middleware::from_fn(
            crate::access::personal_link_shown,
        ))
        .layer(axum::middleware::from_fn_with_state(
            door,
            crate::access::guard,
        ))
        .layer(axum::middleware::from_fn(move |request, next| {
            crate::assets::cache_control(build.clone(), request, next)
        }))
        // Counted and logged once each: method, route, status, duration, actor.
        .layer(axum::middleware::from_fn(crate::metrics::observe))
        .layer(
            CompressionLayer::new()
                .gzip(true)
                .compress_when(SizeAbove::new(1024).and(whole_document)),
        )
        .with_state(options)
}

/// Request bodies are forms and small JSON documents: 1 MiB is plenty.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A panic is a bug: logged with what panicked, answered with a plain 500.
fn panicked(payload: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    let what = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!("a request handler panicked (a bug): {what}");
    axum::response::IntoResponse::into_response((
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        "the console failed on this request (a bug, logged on the server)",
    ))
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
    serve_with(listener, console, Limits::default(), shutdown).await
}

/// [`serve`] with connection limits of one's own (the tests use short ones).
pub async fn serve_with(
    listener: TcpListener,
    console: Console,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let addr = listener.local_addr()?;
    let config = console.config();
    tracing::info!(
        data_dir = %config.data_dir.display(),
        site = %config.site_dir.as_ref().map(|d| d.display().to_string()).unwrap_or_else(|| "none".into()),
        max_connections = limits.max_connections,
        "scaleout {} listening on http://{addr}",
        env!("CARGO_PKG_VERSION"),
    );
    // Live streams never take every connection: requests keep a quarter.
    console
        .streams()
        .set_limits(scaleout_services::streams::StreamLimits::for_connections(
            limits.max_connections,
        ));
    let orphans = tokio::spawn(watch_orphans(console.clone()));
    let others = tokio::spawn(watch_other_processes(console.clone()));
    // Graceful, but bounded: a request that never ends (a live stream of a job
    // that runs on) would otherwise hold the shutdown forever.
    crate::connections::serve(listener, router(console), limits, shutdown, SHUTDOWN_GRACE).await;
    orphans.abort();
    others.abort();
    tracing::info!("stopped");
    Ok(())
}

/// While serving, a job whose process died (a CLI killed beside the server)
/// is marked interrupted within seconds, not at the next start.
async fn watch_orphans(console: Console) {
    let mut ticks = tokio::time::interval(ORPHAN_CHECK);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if let Err(e) = console.jobs().interrupt_orphans() {
            tracing::warn!("checking for jobs whose process stopped failed: {e}");
        }
    }
}

/// Jobs that a CLI beside the server starts and ends reach the pages
/// following the console's activity within a second.
async fn watch_other_processes(console: Console) {
    let mut ticks = tokio::time::interval(std::time::Duration::from_secs(1));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        console.activity().notice_other_processes(&console);
    }
}

/// How often the server looks for jobs whose process died.
const ORPHAN_CHECK: std::time::Duration = std::time::Duration::from_secs(3);

/// How long in-flight requests get to finish once a stop is asked for.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

fn leptos_options(console: &Console) -> LeptosOptions {
    let site_dir = console.config().site_dir.as_ref();
    let site_root = site_dir
        .map(|d| d.display().to_string())
        // Without a bundle, static lookups go to a directory that holds nothing.
        .unwrap_or_else(|| "/nonexistent-scaleout-site".to_string());
    // Pages link the bundle under its build's name: cached for good (see assets.rs).
    let pkg_dir = match site_dir.and_then(|d| crate::assets::build_id(d)) {
        Some(id) => format!("pkg/{id}"),
        None => "pkg".to_string(),
    };
    LeptosOptions::builder()
        .output_name("scaleout")
        .site_root(site_root)
        .site_pkg_dir(pkg_dir)
        .build()
}

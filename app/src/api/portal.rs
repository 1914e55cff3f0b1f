//! The customer's tenant portal. It never takes a tenant id: the portal
//! cookie names the signups of this browser, the current signup its tenant.

use leptos::prelude::*;
use leptos::server_fn::codec::{StreamingText, TextStream};
use scaleout_domain::access::PortalView;
use scaleout_domain::NetworkPage;

/// `POST /api/portal/overview`: the caller's own signup and tenant inventory, with the
/// personal link made a moment ago (in its two-minute cookie) when it is this signup's.
#[server(endpoint = "/portal/overview")]
pub async fn get_portal() -> Result<PortalView, ServerFnError> {
    let console = super::server::anyone()?;
    let cookie = portal_cookie()?;
    let personal = super::server::caller()?.personal;
    console
        .access()
        .portal_with_link(&console, &cookie, personal.as_deref())
        .await
        .map_err(super::server::fail)
}

/// `POST /api/portal/updates`: the portal now, then again each time its
/// state changes (approved, loading, ready, declined, closed), one JSON
/// `PortalView` per line.
#[server(output = StreamingText, endpoint = "/portal/updates")]
pub async fn watch_portal_updates() -> Result<TextStream, ServerFnError> {
    use futures::StreamExt;
    let console = super::server::anyone()?;
    let cookie = portal_cookie()?;
    // Refused at once when the cookie names no signup.
    console
        .access()
        .portal(&console, &cookie)
        .await
        .map_err(super::server::fail)?;
    let views = console.access().portal_updates(&console, &cookie);
    Ok(TextStream::new(
        super::server::watched(&console, views, super::server::Ends::WithSession)?.map(|v| {
            let mut line = serde_json::to_string(&v).unwrap_or_default();
            line.push('\n');
            Ok(line)
        }),
    ))
}

/// `POST /api/portal/network` (at, page): a page of the caller's own network at `at`
/// (epoch seconds).
#[server(endpoint = "/portal/network")]
pub async fn get_portal_network(at: i64, page: Option<u32>) -> Result<NetworkPage, ServerFnError> {
    let console = super::server::anyone()?;
    let cookie = portal_cookie()?;
    console
        .access()
        .portal_network(&console, &cookie, at, page.unwrap_or(1))
        .await
        .map_err(super::server::fail)
}

/// `POST /api/portal/watch`: live provisioning progress of the caller's own
/// tenant, as newline-delimited JSON events.
#[server(output = StreamingText, endpoint = "/portal/watch")]
pub async fn watch_portal() -> Result<TextStream, ServerFnError> {
    let console = super::server::anyone()?;
    let cookie = portal_cookie()?;
    let job = console
        .access()
        .portal_job(&console, &cookie)
        .map_err(super::server::fail)?;
    use futures::StreamExt;
    let events = console.jobs().watch(job).map_err(super::server::fail)?;
    Ok(TextStream::new(
        super::server::watched(&console, events, super::server::Ends::WithSession)?
            .map(|e| Ok(e.to_line())),
    ))
}

/// `POST /api/portal/switch` (id): another company signed up from this
/// browser becomes the one the portal shows.
#[server(endpoint = "/portal/switch")]
pub async fn switch_portal(id: u64) -> Result<(), ServerFnError> {
    use scaleout_services::access::{cookie, PORTAL_COOKIE};
    let console = super::server::anyone()?;
    let caller = super::server::caller()?;
    let value = console
        .access()
        .switch_portal(&console, &portal_cookie()?, id)
        .map_err(super::server::fail)?;
    super::server::set_cookie(&cookie(
        PORTAL_COOKIE,
        &value,
        90 * 24 * 3600,
        caller.secure,
    ));
    leptos_axum::redirect("/portal");
    Ok(())
}

/// `POST /api/portal/new-link`: a new personal link (the old one stops
/// working), shown once on the portal.
#[server(endpoint = "/portal/new-link")]
pub async fn new_portal_link() -> Result<String, ServerFnError> {
    use scaleout_services::access::{cookie, PORTAL_COOKIE, PORTAL_OPEN_PREFIX};
    let console = super::server::anyone()?;
    let (path, renewed) = console
        .access()
        .renew_portal_link(&console, &portal_cookie()?)
        .map_err(super::server::fail)?;
    let secure = super::server::caller()?.secure;
    // A device that came in by the old link keeps its way in, by the new one.
    if let Some(value) = renewed {
        super::server::set_cookie(&cookie(PORTAL_COOKIE, &value, 90 * 24 * 3600, secure));
    }
    let token = path.trim_start_matches(PORTAL_OPEN_PREFIX).to_string();
    super::server::to_portal_showing(&token, secure);
    Ok(token)
}

#[cfg(feature = "ssr")]
fn portal_cookie() -> Result<String, ServerFnError> {
    super::server::caller()?.portal.ok_or_else(|| {
        super::server::fail(scaleout_services::ServiceError::Unauthenticated(
            scaleout_services::access::NO_PORTAL.into(),
        ))
    })
}

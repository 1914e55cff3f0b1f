//! Readiness for load balancers and orchestrators: can the console answer its
//! pages now? Its own store and the back end must both respond.

use std::time::Duration;

use serde::Serialize;

use crate::console::Console;

/// How long the back end has to answer before the console counts as not ready.
pub const BACKEND_TIMEOUT: Duration = Duration::from_secs(5);

/// One check: what, and why it failed (no secret: a kind of failure, not a URL
/// with credentials or a path).
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Readiness {
    pub ready: bool,
    pub checks: Vec<Check>,
}

pub async fn readiness(console: &Console) -> Readiness {
    // Anyone may ask: the reasons say what failed, the log says the details.
    let store = match console.store().ping() {
        Ok(()) => None,
        Err(e) => {
            tracing::warn!("not ready: console.db: {e}");
            Some("console.db does not answer".to_string())
        }
    };
    let backend = match tokio::time::timeout(BACKEND_TIMEOUT, console.backend().overview()).await {
        Ok(Ok(_)) => None,
        Ok(Err(e)) => {
            tracing::warn!("not ready: the back end: {e}");
            Some(format!(
                "the {} back end does not answer",
                console.backend_info().kind.label()
            ))
        }
        Err(_) => Some(format!(
            "the back end did not answer within {} s",
            BACKEND_TIMEOUT.as_secs()
        )),
    };
    let checks = vec![
        Check {
            name: "console_db",
            ok: store.is_none(),
            reason: store,
        },
        Check {
            name: "backend",
            ok: backend.is_none(),
            reason: backend,
        },
    ];
    Readiness {
        ready: checks.iter().all(|c| c.ok),
        checks,
    }
}

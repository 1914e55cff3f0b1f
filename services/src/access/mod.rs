//! Who may use the console: the team's accounts and sessions, stakeholders'
//! read-only links, and self-service signups with their tenant portals.
//! The web layer asks this service; it decides, once, for every request.

mod accounts;
mod limiter;
mod links;
pub mod portal;
mod portal_links;
pub mod secret;
mod sessions;
mod signups;

use std::sync::Arc;
use std::time::Duration;

pub use accounts::ADMIN;
pub use limiter::Limiter;
pub use links::{LinkView, NewLink};
pub use portal_links::PORTAL_OPEN_PREFIX;
pub use scaleout_domain::access::{Role, SessionView, SignupStatus};
pub use sessions::SessionState;
pub use signups::{SignupReceipt, SignupSettings};

use crate::store::ConsoleStore;

/// What a change left, and whether it changed anything: a change asked twice (`user
/// disable`, `link revoke`) says the second time that nothing changed. Decided by the
/// write itself, not by a read before it that another request could overtake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed<T> {
    pub now: T,
    pub changed: bool,
}

/// Cookie names, shared by the web layer and the tests.
pub const SESSION_COOKIE: &str = "scaleout_session";
pub const PORTAL_COOKIE: &str = "scaleout_portal";

/// A personal link made a moment ago, on its way to the portal page that shows it once
/// (two minutes, cleared as the page is served): never in the address, where it would
/// stay in the browser's history and on the screen after a reload.
pub const PERSONAL_COOKIE: &str = "scaleout_personal";

/// How long a personal link waits in [`PERSONAL_COOKIE`] for the portal page: two minutes.
pub const PERSONAL_COOKIE_SECS: u64 = 120;

/// Team members' sessions last a working day.
pub const OPERATOR_SESSION: Duration = Duration::from_secs(12 * 3600);

/// The access service; one per console, cheap to clone.
#[derive(Clone)]
pub struct Access {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<ConsoleStore>,
    /// From SCALEOUT_ADMIN_PASSWORD; when absent, the stored hash decides.
    configured_password: Option<String>,
    signup: SignupSettings,
    /// Failed logins per client address, and per account (see [`Access::login`]).
    login_failures: Limiter,
    login_failures_account: Limiter,
    /// Accepted signups per client address.
    signups_per_ip: Limiter,
}

impl std::fmt::Debug for Access {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Access")
            .field(
                "password_configured",
                &self.inner.configured_password.is_some(),
            )
            .field("signup", &self.inner.signup)
            .finish_non_exhaustive()
    }
}

impl Access {
    pub fn new(
        store: Arc<ConsoleStore>,
        configured_password: Option<String>,
        signup: SignupSettings,
    ) -> Self {
        Access {
            inner: Arc::new(Inner {
                store,
                configured_password: configured_password.filter(|p| !p.is_empty()),
                login_failures: Limiter::new(5, Duration::from_secs(300)),
                login_failures_account: Limiter::new(20, Duration::from_secs(300)),
                signups_per_ip: Limiter::new(
                    signup.per_ip_per_hour as usize,
                    Duration::from_secs(3600),
                ),
                signup,
            }),
        }
    }

    pub fn signup_settings(&self) -> &SignupSettings {
        &self.inner.signup
    }

    fn store(&self) -> &ConsoleStore {
        &self.inner.store
    }
}

/// What a browser holding no working portal credential is told: it may never have signed
/// up, or its access was revoked or replaced by a newer personal link.
pub const NO_PORTAL: &str = "this browser holds no working access to a portal: open yours with \
    the newest personal link you were given (a replaced or revoked one no longer works), or sign \
    up if your company is new here";

/// Who is asking, as the web layer found it: put in every request's
/// extensions before any page or server function runs.
#[derive(Debug, Clone)]
pub struct Caller {
    pub role: Role,
    /// Who, for the audit trail: an account's name, `link:<id>`, or `anonymous`.
    pub actor: String,
    /// The operator or viewer session token, for logout.
    pub session: Option<String>,
    /// A customer's portal token (from the portal cookie).
    pub portal: Option<String>,
    /// A personal link's token made a moment ago, for the portal to show once.
    pub personal: Option<String>,
    /// The client's address: the key of per-client rate limits.
    pub client: String,
    /// Reached over TLS (directly or behind a proxy that says so): cookies get `Secure`.
    pub secure: bool,
}

/// The per-response nonce that lets the page's own inline scripts run under
/// the Content-Security-Policy, and nothing else inline.
#[derive(Debug, Clone)]
pub struct CspNonce(pub String);

/// A session cookie: HttpOnly (scripts cannot read it), SameSite=Strict (never
/// sent with another site's request), Secure when reached over TLS. An empty
/// value with max age 0 deletes it.
pub fn cookie(name: &str, value: &str, max_age_secs: u64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn session_cookies_are_http_only_and_strict() {
        let c = super::cookie("s", "v", 60, true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains("Secure"));
        assert!(!super::cookie("s", "v", 60, false).contains("Secure"));
    }
}

//! A customer's tenant portal: everything is looked up from the portal
//! cookie, never from an id the browser sends, so no request can reach
//! another tenant. The cookie holds the credentials of every company signed
//! up from this browser (newest first), so a second signup never loses the
//! first; a personal link (`/portal/open/<token>`) adds one on any device.

use futures::Stream;
use scaleout_domain::access::{inventory, PortalRef, PortalView, SignupState, SignupStatus};
use scaleout_domain::{Collection, NetworkPage, ScaleFactor, TenantId};

use super::Access;
use crate::activity::Happening;
use crate::console::Console;
use crate::error::ServiceError;
use crate::operations::tenants::named_counts;

/// Companies one browser's portal cookie keeps, at most.
const MAX_PORTALS: usize = 5;

/// The credentials a portal cookie holds, current first.
pub fn portal_tokens(cookie: &str) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    for t in cookie.split('.') {
        let valid = t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit());
        if valid && !tokens.iter().any(|k| k == t) && tokens.len() < MAX_PORTALS {
            tokens.push(t.to_string());
        }
    }
    tokens
}

/// The cookie after `token` becomes the current one (the others are kept).
pub fn portal_cookie_value(token: &str, cookie: Option<&str>) -> String {
    let mut all = vec![token.to_string()];
    all.extend(
        portal_tokens(cookie.unwrap_or(""))
            .into_iter()
            .filter(|t| t != token),
    );
    all.truncate(MAX_PORTALS);
    all.join(".")
}

impl Access {
    /// The current signup of a portal cookie: its first credential that works.
    fn current_signup(
        &self,
        console: &Console,
        cookie: &str,
    ) -> Result<(String, SignupStatus), ServiceError> {
        let mut last = None;
        for token in portal_tokens(cookie) {
            match self.portal_signup(console, &token) {
                Ok(signup) => return Ok((token, signup)),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| ServiceError::Unauthenticated(super::NO_PORTAL.into())))
    }

    pub async fn portal(
        &self,
        console: &Console,
        cookie: &str,
    ) -> Result<PortalView, ServiceError> {
        self.portal_with_link(console, cookie, None).await
    }

    /// [`Access::portal`], with the personal link the page was opened with,
    /// kept only when it opens this very signup.
    pub async fn portal_with_link(
        &self,
        console: &Console,
        cookie: &str,
        personal: Option<&str>,
    ) -> Result<PortalView, ServiceError> {
        let (current, signup) = self.current_signup(console, cookie)?;
        let personal = match personal {
            Some(token) if self.signup_of_link(token)? == Some(signup.id as i64) => {
                Some(token.to_string())
            }
            _ => None,
        };
        let others = portal_tokens(cookie)
            .into_iter()
            .filter(|t| *t != current)
            .filter_map(|t| self.portal_signup(console, &t).ok())
            .filter(|s| s.id != signup.id)
            .map(|s| PortalRef {
                id: s.id,
                company: s.company,
            })
            .collect();
        let mut view = PortalView {
            counts: Default::default(),
            expected: Default::default(),
            created_at: None,
            inventory: Vec::new(),
            others,
            personal,
            signup,
        };
        let Some(tenant) = portal_tenant(&view.signup)? else {
            return Ok(view);
        };
        if let Some(record) = console.store().tenant(tenant)? {
            let scale: ScaleFactor = record.tenant.scale_factor;
            view.expected = Collection::ALL
                .iter()
                .map(|c| (c.name(record.naming).to_string(), c.expected_count(scale)))
                .collect();
            view.created_at = Some(record.tenant.created_at);
            if view.signup.state == SignupState::Ready {
                let counts = console.backend().tenant_counts(tenant).await?;
                view.counts = named_counts(&counts, record.naming);
            }
            view.inventory = inventory(record.naming, &view.counts, &view.expected);
        }
        Ok(view)
    }

    /// The company whose portal this browser opens now, if any.
    pub fn portal_company(&self, console: &Console, cookie: &str) -> Option<String> {
        self.current_signup(console, cookie)
            .ok()
            .map(|(_, s)| s.company)
    }

    /// Whether this browser opens a portal (the header links to it).
    pub fn has_portal(&self, console: &Console, cookie: Option<&str>) -> bool {
        cookie.is_some_and(|c| self.current_signup(console, c).is_ok())
    }

    /// The cookie with the signup `id` (one this browser holds) made current.
    pub fn switch_portal(
        &self,
        console: &Console,
        cookie: &str,
        id: u64,
    ) -> Result<String, ServiceError> {
        for token in portal_tokens(cookie) {
            if self
                .portal_signup(console, &token)
                .is_ok_and(|s| s.id == id)
            {
                return Ok(portal_cookie_value(&token, Some(cookie)));
            }
        }
        Err(ServiceError::NotFound(
            "this browser holds no such signup".into(),
        ))
    }

    /// A new personal link for the cookie's current signup (the old one stops
    /// working): its path, shown once, and the browser's new cookie when the browser
    /// had opened the portal with the link that stops (it holds the new one instead,
    /// so making a link never shuts out the device that made it).
    pub fn renew_portal_link(
        &self,
        console: &Console,
        cookie: &str,
    ) -> Result<(String, Option<String>), ServiceError> {
        let (token, signup) = self.current_signup(console, cookie)?;
        let opened_with_link = self.signup_of_link(&token)?.is_some();
        let path = self.new_portal_link(signup.id as i64)?;
        let cookie = opened_with_link.then(|| {
            let kept: Vec<String> = portal_tokens(cookie)
                .into_iter()
                .filter(|t| *t != token)
                .collect();
            portal_cookie_value(
                path.trim_start_matches(super::PORTAL_OPEN_PREFIX),
                Some(&kept.join(".")),
            )
        });
        Ok((path, cookie))
    }

    /// Page `page` of the customer's own network at `at` (epoch seconds), once it is ready.
    pub async fn portal_network(
        &self,
        console: &Console,
        cookie: &str,
        at: i64,
        page: u32,
    ) -> Result<NetworkPage, ServiceError> {
        let (_, signup) = self.current_signup(console, cookie)?;
        if signup.state != SignupState::Ready {
            return Err(ServiceError::Conflict(format!(
                "your tenant is {}: its network appears here once it is ready",
                signup.state.for_customer()
            )));
        }
        let tenant = portal_tenant(&signup)?
            .ok_or_else(|| ServiceError::NotFound("your tenant has no data yet".into()))?;
        crate::operations::network::page(console, tenant, at, page).await
    }

    /// The provisioning job of the customer's signup, to watch its progress.
    pub fn portal_job(&self, console: &Console, cookie: &str) -> Result<u64, ServiceError> {
        self.current_signup(console, cookie)?
            .1
            .job
            .ok_or_else(|| ServiceError::NotFound("setting up has not started yet".into()))
    }

    /// The portal as it changes, live: now, then each time the signup's state
    /// or its tenant changes (approved, loading, ready, declined, closed).
    pub fn portal_updates(
        &self,
        console: &Console,
        cookie: &str,
    ) -> impl Stream<Item = PortalView> + Send + 'static {
        struct State {
            console: Console,
            cookie: String,
            rx: tokio::sync::broadcast::Receiver<crate::activity::Activity>,
            last: Option<PortalView>,
        }
        let state = State {
            rx: console.activity().subscribe(),
            console: console.clone(),
            cookie: cookie.to_string(),
            last: None,
        };
        futures::stream::unfold(state, |mut s| async move {
            loop {
                let first = s.last.is_none();
                if !first {
                    // Only what can change a signup or its tenant.
                    loop {
                        match s.rx.recv().await {
                            Ok(a) if matters(&a.what) => break,
                            Ok(_) => {}
                            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => break,
                            Err(_) => return None,
                        }
                    }
                }
                let view = s
                    .console
                    .access()
                    .portal(&s.console, &s.cookie)
                    .await
                    .ok()?;
                if s.last.as_ref() != Some(&view) {
                    s.last = Some(view.clone());
                    return Some((view, s));
                }
            }
        })
    }
}

fn matters(what: &Happening) -> bool {
    matches!(
        what,
        Happening::SignupsChanged | Happening::JobEnded { .. } | Happening::Resync
    ) || matches!(what, Happening::JobProgressed { step, .. } if step == "load")
}

fn portal_tenant(signup: &SignupStatus) -> Result<Option<TenantId>, ServiceError> {
    signup
        .tenant
        .as_deref()
        .map(|t| TenantId::parse(t).map_err(|e| ServiceError::Store(e.to_string())))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_browser_keeps_every_company_it_signed_up() {
        let a = "a".repeat(64);
        let b = "b".repeat(64);
        let c = portal_cookie_value(&a, None);
        assert_eq!(c, a);
        let c = portal_cookie_value(&b, Some(&c));
        assert_eq!(portal_tokens(&c), vec![b.clone(), a.clone()]);
        // Switching back keeps both.
        let c = portal_cookie_value(&a, Some(&c));
        assert_eq!(portal_tokens(&c), vec![a, b]);
        assert!(portal_tokens("junk.<script>").is_empty());
    }
}

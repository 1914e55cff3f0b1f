//! Operators: log in and out, stakeholders' read-only links, signup approval.

use leptos::prelude::*;
use scaleout_domain::access::{LinkView, SessionView, SignupStatus};
use serde::{Deserialize, Serialize};

/// A link just made: its path is shown once, to copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedLink {
    pub id: i64,
    pub path: String,
    pub expires_ms: i64,
}

/// `POST /api/access/login` (username, password, next): opens a session for the
/// account (`admin` when no name is given) and goes to `next` (a path on this
/// site). Every failure gets the same answer, whether or not the name exists;
/// repeated failures are slowed down (429).
#[server(endpoint = "/access/login")]
pub async fn login(
    username: Option<String>,
    password: String,
    next: Option<String>,
) -> Result<(), ServerFnError> {
    use scaleout_services::access::{cookie, OPERATOR_SESSION, SESSION_COOKIE};
    let console = super::server::anyone()?;
    let caller = super::server::caller()?;
    // Decided before the session exists: nothing after it can fail.
    let next = safe_next(next.as_deref());
    let (token, _, _) = console
        .access()
        .login(&caller.client, username.as_deref(), &password)
        .map_err(super::server::fail)?;
    super::server::set_cookie(&cookie(
        SESSION_COOKIE,
        &token,
        OPERATOR_SESSION.as_secs(),
        caller.secure,
    ));
    leptos_axum::redirect(&next);
    Ok(())
}

/// `POST /api/access/logout`: ends the session (operator or viewer).
#[server(endpoint = "/access/logout")]
pub async fn logout() -> Result<(), ServerFnError> {
    use scaleout_services::access::{cookie, SESSION_COOKIE};
    let console = super::server::anyone()?;
    let caller = super::server::caller()?;
    if let Some(token) = &caller.session {
        console
            .access()
            .end_session(token)
            .map_err(super::server::fail)?;
    }
    super::server::set_cookie(&cookie(SESSION_COOKIE, "", 0, caller.secure));
    // A stakeholder has no account: the team's log-in form is not where they belong.
    leptos_axum::redirect(
        if caller.role == scaleout_domain::access::Role::Stakeholder {
            "/watch/left"
        } else {
            "/login"
        },
    );
    Ok(())
}

/// `POST /api/access/whoami`: the caller's role, for the navigation.
#[server(endpoint = "/access/whoami")]
pub async fn get_session() -> Result<SessionView, ServerFnError> {
    let console = super::server::anyone()?;
    let caller = super::server::caller()?;
    Ok(console.access().who(
        &console,
        caller.role,
        Some(&caller.actor),
        caller.portal.as_deref(),
    ))
}

/// `POST /api/access/links` : every stakeholder link, newest first.
#[server(endpoint = "/access/links")]
pub async fn list_links() -> Result<Vec<LinkView>, ServerFnError> {
    super::server::viewer()?
        .access()
        .links()
        .map_err(super::server::fail)
}

/// `POST /api/access/create-link` (label, hours).
#[server(endpoint = "/access/create-link")]
pub async fn create_link(label: String, hours: String) -> Result<CreatedLink, ServerFnError> {
    let console = super::server::operator()?;
    let hours: u32 = hours.trim().parse().map_err(|_| {
        super::server::invalid(format!(
            "hours must be a whole number, not {:?}",
            scaleout_domain::access::text::cut(&hours)
        ))
    })?;
    let made = console
        .access()
        .create_link(&label, hours)
        .map_err(super::server::fail)?;
    Ok(CreatedLink {
        id: made.link.id,
        path: made.path,
        expires_ms: made.link.expires_ms,
    })
}

/// `POST /api/access/revoke-link` (id): its sessions end at their next request.
#[server(endpoint = "/access/revoke-link")]
pub async fn revoke_link(id: i64) -> Result<(), ServerFnError> {
    super::server::operator()?
        .access()
        .revoke_link(id)
        .map(|_| ())
        .map_err(super::server::fail)
}

/// `POST /api/access/signups`: self-service signups, newest first.
#[server(endpoint = "/access/signups")]
pub async fn list_signups() -> Result<Vec<SignupStatus>, ServerFnError> {
    let console = super::server::viewer()?;
    console
        .access()
        .signups(&console)
        .map_err(super::server::fail)
}

/// `POST /api/access/approve-signup` (id): creates the tenant.
#[server(endpoint = "/access/approve-signup")]
pub async fn approve_signup(id: i64) -> Result<SignupStatus, ServerFnError> {
    let console = super::server::operator()?;
    console
        .access()
        .approve_signup(&console, id)
        .await
        .map_err(super::server::fail)
}

/// `POST /api/access/reject-signup` (id, reason): the customer reads the reason.
#[server(endpoint = "/access/reject-signup")]
pub async fn reject_signup(id: i64, reason: String) -> Result<SignupStatus, ServerFnError> {
    let console = super::server::operator()?;
    console
        .access()
        .reject_signup(&console, id, &reason)
        .map_err(super::server::fail)
}

/// `POST /api/access/revoke-portal-links` (id): every way into the signup's portal stops
/// (its personal links and the browser that signed up); a new personal link comes back,
/// shown once, for the operator to give the customer.
#[server(endpoint = "/access/revoke-portal-links")]
pub async fn revoke_portal_links(
    id: i64,
) -> Result<scaleout_domain::access::PortalAccessRevoked, ServerFnError> {
    let console = super::server::operator()?;
    console
        .access()
        .revoke_portal_access(id)
        .map_err(super::server::fail)
}

/// Where a login may lead: a path on this site only, made of visible ASCII
/// (anything else is percent-encoded). Browsers drop tabs and newlines from a
/// URL (`/\t/evil.example` would be read as `//evil.example`, another site) and
/// a header cannot carry them, so any control character, raw or
/// percent-encoded, sends the person home instead, as does a backslash.
pub fn safe_next(next: Option<&str>) -> String {
    let home = || "/".to_string();
    let Some(next) = next else { return home() };
    if next.len() > 2048
        || !next.starts_with('/')
        || next.starts_with("//")
        || next
            .chars()
            .any(|c| c.is_control() || c == '\\' || scaleout_domain::access::text::is_invisible(c))
        || encodes_a_forbidden_byte(next)
    {
        return home();
    }
    let mut out = String::with_capacity(next.len());
    for b in next.bytes() {
        if b.is_ascii_graphic() {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `%00`-`%1F`, `%7F` (control characters) or `%5C` (a backslash), encoded.
fn encodes_a_forbidden_byte(s: &str) -> bool {
    let b = s.as_bytes();
    (0..b.len().saturating_sub(2)).any(|i| {
        b[i] == b'%'
            && std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .is_some_and(|v| v < 0x20 || v == 0x7f || v == b'\\')
    })
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/tenants")), "/tenants");
        assert_eq!(
            safe_next(Some("/tenants?q=acme&x=1")),
            "/tenants?q=acme&x=1"
        );
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn control_characters_raw_or_encoded_send_people_home() {
        for bad in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\nSet-Cookie: x=1",
            "/x\u{0}",
            "/%09/evil.example",
            "/%0a/evil.example",
            "/%0D%0ASet-Cookie:%20x",
            "/%5cevil.example",
            "/%7F",
            "/a\u{202e}b",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
    }

    #[test]
    fn other_characters_are_encoded_so_the_redirect_is_a_valid_header() {
        assert_eq!(
            safe_next(Some("/tenants?q=Müller")),
            "/tenants?q=M%C3%BCller"
        );
        assert_eq!(safe_next(Some("/tenants?q=a b")), "/tenants?q=a%20b");
        for next in ["/tenants?q=Müller", "/a b", "/日本"] {
            // What an HTTP header value may hold, so the redirect cannot panic.
            assert!(
                safe_next(Some(next)).bytes().all(|b| b.is_ascii_graphic()),
                "{next}"
            );
        }
    }
}

//! Sessions: a random token in an HttpOnly cookie, its hash in console.db.

use rusqlite::OptionalExtension;

use super::{secret, Access, Role, SessionView};
use crate::clock::now_ms;
use crate::error::ServiceError;
use crate::store::db;

impl Access {
    pub(super) fn new_session(
        &self,
        role: Role,
        link: Option<i64>,
        account: Option<i64>,
        lifetime_ms: i64,
    ) -> Result<String, ServiceError> {
        if role == Role::Anonymous {
            return Err(ServiceError::Invalid("no session for anonymous".into()));
        }
        let token = secret::token()?;
        let now = now_ms();
        self.store().with(|c| {
            // Expired sessions go as new ones come: the table stays small.
            c.execute("DELETE FROM sessions WHERE expires_ms < ?1", [now])
                .map_err(db)?;
            c.execute(
                "INSERT INTO sessions (token_hash, role, link_id, account_id, created_ms, expires_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                (
                    secret::token_hash(&token),
                    role.as_str(),
                    link,
                    account,
                    now,
                    now + lifetime_ms,
                ),
            )
            .map_err(db)
        })?;
        Ok(token)
    }

    /// The session a cookie names, if it is still valid (a viewer's link must
    /// also be unrevoked and unexpired).
    pub fn session(&self, token: &str) -> Result<Option<SessionView>, ServiceError> {
        Ok(match self.session_state(token)? {
            SessionState::Valid(view) => Some(view),
            _ => None,
        })
    }

    /// What became of the session a cookie names: valid, or why not (so a
    /// stakeholder whose link was revoked is told so, not asked to log in).
    pub fn session_state(&self, token: &str) -> Result<SessionState, ServiceError> {
        let now = now_ms();
        type Row = (
            i64,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<String>,
            Option<String>,
            Option<i64>,
        );
        let row: Option<Row> = self.store().with(|c| {
            c.query_row(
                "SELECT s.expires_ms, s.link_id, l.expires_ms, l.revoked_ms,
                        a.name, a.role, a.disabled_ms
                 FROM sessions s
                 LEFT JOIN links l ON l.id = s.link_id
                 LEFT JOIN accounts a ON a.id = s.account_id
                 WHERE s.token_hash = ?1",
                [secret::token_hash(token)],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                    ))
                },
            )
            .optional()
            .map_err(db)
        })?;
        let view = |role, name, expires_ms| {
            SessionState::Valid(SessionView {
                role,
                name: Some(name),
                expires_ms: Some(expires_ms),
                portal: false,
                waiting_signups: 0,
                activity_seq: 0,
            })
        };
        Ok(match row {
            None => SessionState::Unknown,
            // A stakeholder's link.
            Some((expires, Some(link), link_expires, revoked, ..)) => match (link_expires, revoked)
            {
                (_, Some(_)) => SessionState::LinkRevoked,
                (Some(l), None) if l <= now => SessionState::LinkExpired,
                _ if expires <= now => SessionState::Expired,
                (l, None) => view(
                    Role::Stakeholder,
                    format!("link:{link}"),
                    l.map_or(expires, |l| l.min(expires)),
                ),
            },
            Some((expires, None, _, _, Some(name), Some(role), disabled)) => {
                match (Role::account_role(&role), disabled) {
                    // A disabled account's sessions end at their next request.
                    (_, Some(_)) | (None, _) => SessionState::Unknown,
                    _ if expires <= now => SessionState::Expired,
                    (Some(role), None) => view(role, name, expires),
                }
            }
            // Neither a link nor an account: nothing a session can be.
            Some(_) => SessionState::Unknown,
        })
    }

    /// What the browser may know of its own session: the role, whether it
    /// opens a customer's portal, and for operators the signups waiting.
    pub fn who(
        &self,
        console: &crate::console::Console,
        role: Role,
        name: Option<&str>,
        portal_cookie: Option<&str>,
    ) -> SessionView {
        SessionView {
            role,
            name: name
                .filter(|_| role.allows(Role::Viewer))
                .map(str::to_string),
            expires_ms: None,
            portal: self.has_portal(console, portal_cookie),
            waiting_signups: if role.operates() {
                self.waiting_signups().unwrap_or(0)
            } else {
                0
            },
            activity_seq: console.activity().published(),
        }
    }

    /// Ends a session (logout). Unknown tokens are fine: the result is the same.
    pub fn end_session(&self, token: &str) -> Result<(), ServiceError> {
        self.store().with(|c| {
            c.execute(
                "DELETE FROM sessions WHERE token_hash = ?1",
                [secret::token_hash(token)],
            )
            .map_err(db)
        })?;
        Ok(())
    }
}

/// What became of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionState {
    Valid(SessionView),
    /// Its read-only link was revoked by an operator.
    LinkRevoked,
    /// Its read-only link expired.
    LinkExpired,
    /// An operator session that reached its end.
    Expired,
    /// No such session (logged out, or never was).
    Unknown,
}

impl SessionState {
    /// Why it cannot be used, in a word the pages understand.
    pub fn reason(&self) -> &'static str {
        match self {
            SessionState::Valid(_) => "valid",
            SessionState::LinkRevoked => "revoked",
            SessionState::LinkExpired => "expired",
            SessionState::Expired => "session-expired",
            SessionState::Unknown => "ended",
        }
    }
}

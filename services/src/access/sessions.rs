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
        lifetime_ms: i64,
    ) -> Result<String, ServiceError> {
        let token = secret::token()?;
        let now = now_ms();
        let role_name = match role {
            Role::Operator => "operator",
            Role::Viewer => "viewer",
            Role::Anonymous => {
                return Err(ServiceError::Invalid("no session for anonymous".into()))
            }
        };
        self.store().with(|c| {
            // Expired sessions go as new ones come: the table stays small.
            c.execute("DELETE FROM sessions WHERE expires_ms < ?1", [now])
                .map_err(db)?;
            c.execute(
                "INSERT INTO sessions (token_hash, role, link_id, created_ms, expires_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                (
                    secret::token_hash(&token),
                    role_name,
                    link,
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
        let now = now_ms();
        let row: Option<(String, i64, Option<i64>)> = self.store().with(|c| {
            c.query_row(
                "SELECT s.role, MIN(s.expires_ms, COALESCE(l.expires_ms, s.expires_ms)),
                        l.revoked_ms
                 FROM sessions s LEFT JOIN links l ON l.id = s.link_id
                 WHERE s.token_hash = ?1",
                [secret::token_hash(token)],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(db)
        })?;
        Ok(match row {
            Some((_, expires, _)) if expires <= now => None,
            Some((_, _, Some(_revoked))) => None,
            Some((role, expires, None)) => Some(SessionView {
                role: if role == "operator" {
                    Role::Operator
                } else {
                    Role::Viewer
                },
                expires_ms: Some(expires),
            }),
            None => None,
        })
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

//! Stakeholders' read-only links: a secret URL that opens a viewer session
//! until it expires or an operator revokes it.

pub use scaleout_domain::access::{LinkView, NewLink};

use rusqlite::OptionalExtension;

use super::{secret, Access, Changed, Role};
use crate::clock::now_ms;
use crate::error::ServiceError;
use crate::store::db;

/// Links last at most 30 days.
pub const MAX_LINK_HOURS: u32 = 24 * 30;

impl Access {
    pub fn create_link(&self, label: &str, hours: u32) -> Result<NewLink, ServiceError> {
        let label = label.trim();
        if label.is_empty() || label.chars().count() > 80 {
            return Err(ServiceError::Invalid(
                "the label needs 1 to 80 characters (who the link is for)".into(),
            ));
        }
        if !scaleout_domain::access::text::is_plain(label) {
            return Err(ServiceError::Invalid(
                "the label may not hold control characters or invisible ones (direction overrides, zero-width spaces): type it plainly".into(),
            ));
        }
        if !(1..=MAX_LINK_HOURS).contains(&hours) {
            return Err(ServiceError::Invalid(format!(
                "a link lasts 1 to {MAX_LINK_HOURS} hours, not {hours}"
            )));
        }
        let token = secret::token()?;
        let now = now_ms();
        let expires = now + i64::from(hours) * 3_600_000;
        let id = self.store().with(|c| {
            c.execute(
                "INSERT INTO links (label, token_hash, created_ms, expires_ms) VALUES (?1, ?2, ?3, ?4)",
                (label, secret::token_hash(&token), now, expires),
            )
            .map_err(db)?;
            Ok(c.last_insert_rowid())
        })?;
        Ok(NewLink {
            link: LinkView {
                id,
                label: label.to_string(),
                created_ms: now,
                expires_ms: expires,
                revoked_ms: None,
            },
            path: format!("/watch/{token}"),
        })
    }

    pub fn links(&self) -> Result<Vec<LinkView>, ServiceError> {
        self.store().with(|c| {
            let mut st = c
                .prepare(
                    "SELECT id, label, created_ms, expires_ms, revoked_ms FROM links ORDER BY id DESC",
                )
                .map_err(db)?;
            let rows = st
                .query_map([], |r| {
                    Ok(LinkView {
                        id: r.get(0)?,
                        label: r.get(1)?,
                        created_ms: r.get(2)?,
                        expires_ms: r.get(3)?,
                        revoked_ms: r.get(4)?,
                    })
                })
                .map_err(db)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(db)
        })
    }

    /// Revokes a link: its open sessions stop at their next request. Answers when it was
    /// revoked (earlier, when it already was: then nothing changed).
    pub fn revoke_link(&self, id: i64) -> Result<Changed<i64>, ServiceError> {
        let (changed, at) = self.store().with(|c| {
            let changed = c
                .execute(
                    "UPDATE links SET revoked_ms = ?2 WHERE id = ?1 AND revoked_ms IS NULL",
                    (id, now_ms()),
                )
                .map_err(db)?;
            let at: Option<Option<i64>> = c
                .query_row("SELECT revoked_ms FROM links WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .optional()
                .map_err(db)?;
            Ok((changed > 0, at.flatten()))
        })?;
        match at {
            Some(now) => Ok(Changed { now, changed }),
            None => Err(ServiceError::NotFound(format!("there is no link {id}"))),
        }
    }

    /// Opens a viewer session from a link's token; returns the session token
    /// and when it ends (with the link: the cookie must not outlive it).
    pub fn open_link(&self, token: &str) -> Result<(String, i64, i64), ServiceError> {
        let (id, expires) = self.check_link(token)?;
        let session = self.new_session(Role::Stakeholder, Some(id), None, expires - now_ms())?;
        Ok((session, expires, id))
    }

    /// A link's id and end while it works (no session opened), else why not.
    pub fn check_link(&self, token: &str) -> Result<(i64, i64), ServiceError> {
        let now = now_ms();
        let found: Option<(i64, i64, Option<i64>)> = self.store().with(|c| {
            use rusqlite::OptionalExtension;
            c.query_row(
                "SELECT id, expires_ms, revoked_ms FROM links WHERE token_hash = ?1",
                [secret::token_hash(token)],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(db)
        })?;
        let (id, expires) =
            match found {
                Some((id, expires, None)) if expires > now => (id, expires),
                Some((_, _, Some(_))) => {
                    return Err(ServiceError::NotFound(
                        "this link was revoked by the person who shared it: ask them for a new one"
                            .into(),
                    ))
                }
                Some(_) => {
                    return Err(ServiceError::NotFound(
                        "this link has expired: ask the person who shared it for a new one".into(),
                    ))
                }
                None => return Err(ServiceError::NotFound(
                    "this link is not valid: check that it was copied whole, or ask for a new one"
                        .into(),
                )),
            };
        Ok((id, expires))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::super::SignupSettings;
    use super::*;
    use crate::store::ConsoleStore;

    #[test]
    fn a_link_revoked_twice_keeps_its_first_revocation() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(ConsoleStore::open(&dir.path().join("console.db")).unwrap());
        let access = Access::new(store, None, SignupSettings::default());
        let made = access.create_link("Board", 1).unwrap();
        let first = access.revoke_link(made.link.id).unwrap();
        assert!(first.changed);
        let again = access.revoke_link(made.link.id).unwrap();
        assert_eq!((again.changed, again.now), (false, first.now));
        assert!(matches!(
            access.revoke_link(made.link.id + 1),
            Err(ServiceError::NotFound(_))
        ));
    }
}

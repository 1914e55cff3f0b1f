//! A customer's personal portal link: `/portal/open/<token>` opens their
//! portal on any device (a phone, a colleague's browser), so the portal does
//! not live in one cookie only. Made at signup and shown once; the customer
//! can make a new one (the old one stops working), an operator can end every way into
//! the portal and make a new link to hand over.

use rusqlite::OptionalExtension;

use scaleout_domain::access::PortalAccessRevoked;

use super::{secret, Access};
use crate::clock::now_ms;
use crate::error::ServiceError;
use crate::store::db;

/// How a signup's browser credential reads once an operator revoked it.
const REVOKED: &str = "revoked:";

/// Where a personal link opens the portal.
pub const PORTAL_OPEN_PREFIX: &str = "/portal/open/";

impl Access {
    /// A new personal link for signup `id` (its path, shown once); links made
    /// before stop working.
    pub fn new_portal_link(&self, signup: i64) -> Result<String, ServiceError> {
        let token = secret::token()?;
        let now = now_ms();
        self.store().transaction(|tx| {
            tx.execute(
                "UPDATE portal_links SET revoked_ms = ?2 WHERE signup_id = ?1 AND revoked_ms IS NULL",
                (signup, now),
            )
            .map_err(db)?;
            tx.execute(
                "INSERT INTO portal_links (signup_id, token_hash, created_ms) VALUES (?1, ?2, ?3)",
                (signup, secret::token_hash(&token), now),
            )
            .map_err(db)?;
            Ok(())
        })?;
        Ok(format!("{PORTAL_OPEN_PREFIX}{token}"))
    }

    /// The signup a personal link token opens, if the link still works.
    pub(super) fn signup_of_link(&self, token: &str) -> Result<Option<i64>, ServiceError> {
        self.store().with(|c| {
            c.query_row(
                "SELECT signup_id FROM portal_links WHERE token_hash = ?1 AND revoked_ms IS NULL",
                [secret::token_hash(token)],
                |r| r.get(0),
            )
            .optional()
            .map_err(db)
        })
    }

    /// An operator ends every way into signup `id`'s portal: its personal links, and the
    /// credential of the browser that signed up (a leaked link, a lost laptop: either
    /// may be it). Says how many links stopped and whether the signing browser still had
    /// the portal, with a new personal link, shown once, for the operator to give the
    /// customer (or not).
    pub fn revoke_portal_access(&self, signup: i64) -> Result<PortalAccessRevoked, ServiceError> {
        // A revoked browser credential is marked as such (a credential's hash is hex, so
        // the mark can never match one), which tells a second revoke the browser is out.
        let nobodys = format!("{REVOKED}{}", secret::token()?);
        let (links, browser) = self.store().transaction(|tx| {
            let had: Option<String> = tx
                .query_row(
                    "SELECT portal_hash FROM signups WHERE id = ?1",
                    [signup],
                    |r| r.get(0),
                )
                .optional()
                .map_err(db)?;
            let Some(had) = had else {
                return Err(ServiceError::NotFound(format!("there is no signup {signup}")));
            };
            tx.execute(
                "UPDATE signups SET portal_hash = ?2 WHERE id = ?1",
                (signup, &nobodys),
            )
            .map_err(db)?;
            let links = tx
                .execute(
                    "UPDATE portal_links SET revoked_ms = ?2 WHERE signup_id = ?1 AND revoked_ms IS NULL",
                    (signup, now_ms()),
                )
                .map_err(db)?;
            Ok((links as u64, !had.starts_with(REVOKED)))
        })?;
        Ok(PortalAccessRevoked {
            links,
            browser,
            path: self.new_portal_link(signup)?,
        })
    }

    /// Checks a personal link before its cookie is set: the token, or why not.
    pub fn open_portal_link(&self, token: &str) -> Result<String, ServiceError> {
        if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ServiceError::NotFound(
                "this portal link is not valid: check that it was copied whole".into(),
            ));
        }
        match self.signup_of_link(token)? {
            Some(_) => Ok(token.to_string()),
            None => Err(ServiceError::NotFound(
                "this portal link no longer works (a newer one was made, or it was revoked): use your newest link, or ask us"
                    .into(),
            )),
        }
    }
}

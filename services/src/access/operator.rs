//! The operator password: configured, or generated once and shown once.

use rusqlite::OptionalExtension;

use super::{secret, Access, OPERATOR_SESSION};
use crate::error::ServiceError;
use crate::store::db;

const PASSWORD_KEY: &str = "operator_password_hash";

/// The account the failure limits count for (there is one operator account).
const ACCOUNT: &str = "operator";

/// The one answer to every failed login: it does not say what was wrong.
const REFUSED: &str = "that password is not right";

impl Access {
    /// Makes sure operators can log in. Returns a newly generated password,
    /// which the caller shows once: only its hash is kept.
    pub fn ensure_operator_password(&self) -> Result<Option<String>, ServiceError> {
        if self.inner.configured_password.is_some() || self.stored_hash()?.is_some() {
            return Ok(None);
        }
        let password = secret::password()?;
        let hash = secret::hash_password(&password)?;
        let inserted = self.store().with(|c| {
            c.execute(
                "INSERT OR IGNORE INTO settings (key, value) VALUES (?1, ?2)",
                (PASSWORD_KEY, &hash),
            )
            .map_err(db)
        })?;
        // Another process won the race: its password stands.
        Ok((inserted == 1).then_some(password))
    }

    /// Checks the password and opens an operator session; returns its token.
    /// Wrong guesses are slowed per client (5 in 5 minutes) and per account:
    /// once the account has had 20 wrong guesses in 5 minutes, only clients
    /// with no wrong guess of their own may try. So a crowd of guessers slows
    /// itself down, and never locks out an operator who types the password
    /// from a client that has not been failing. All failures look alike.
    pub fn login(&self, client: &str, password: &str) -> Result<String, ServiceError> {
        let limited = |wait: u64| ServiceError::RateLimited {
            message: format!("too many failed logins: try again in {wait} s"),
            retry_after: wait,
        };
        let failures = &self.inner.login_failures;
        failures.check(client).map_err(limited)?;
        if failures.count(client) > 0 {
            self.inner
                .login_failures_account
                .check(ACCOUNT)
                .map_err(limited)?;
        }
        let ok = match (&self.inner.configured_password, self.stored_hash()?) {
            (Some(configured), _) => secret::same(configured.as_bytes(), password.as_bytes()),
            (None, Some(hash)) => secret::verify_password(password, &hash),
            (None, None) => false,
        };
        if !ok {
            failures.hit(client);
            self.inner.login_failures_account.hit(ACCOUNT);
            tracing::warn!(client, "failed operator login");
            return Err(ServiceError::Unauthenticated(REFUSED.into()));
        }
        failures.clear(client);
        tracing::info!(client, "operator logged in");
        self.new_session(
            super::Role::Operator,
            None,
            OPERATOR_SESSION.as_millis() as i64,
        )
    }

    fn stored_hash(&self) -> Result<Option<String>, ServiceError> {
        self.store().with(|c| {
            c.query_row(
                "SELECT value FROM settings WHERE key = ?1",
                [PASSWORD_KEY],
                |r| r.get(0),
            )
            .optional()
            .map_err(db)
        })
    }
}

//! The team's named accounts: logging in, and what admins do with accounts.
//! The first start makes `admin` (SCALEOUT_ADMIN_PASSWORD, or a password generated
//! and shown once), so a set-up from before accounts keeps working.

use std::sync::OnceLock;

use rusqlite::OptionalExtension;
use scaleout_domain::access::account::{account_name, account_role, chosen_password};
use scaleout_domain::access::{AccountView, IssuedPassword};

use super::{secret, Access, Changed, Role, OPERATOR_SESSION};
use crate::clock::now_ms;
use crate::error::ServiceError;
use crate::store::db;

/// The account made on the first start, and the one a login without a name means.
pub const ADMIN: &str = "admin";

/// The one answer to every failed login: it does not say what was wrong, nor
/// whether the name exists.
const REFUSED: &str = "that name and password do not match an account";

/// An account as the login reads it.
struct Stored {
    id: i64,
    name: String,
    role: Role,
    hash: Option<String>,
    disabled: bool,
}

impl Access {
    /// Makes sure the admin can log in. Returns a newly generated password,
    /// which the caller shows once: only its hash is kept.
    pub fn ensure_admin(&self) -> Result<Option<String>, ServiceError> {
        if self.inner.configured_password.is_some() {
            return Ok(None);
        }
        if self.stored(ADMIN)?.is_some_and(|a| a.hash.is_some()) {
            return Ok(None);
        }
        let password = secret::password()?;
        let hash = secret::hash_password(&password)?;
        let changed = self.store().with(|c| {
            c.execute(
                "UPDATE accounts SET password_hash = ?1 WHERE name = ?2 AND password_hash IS NULL",
                (&hash, ADMIN),
            )
            .map_err(db)
        })?;
        // Another process won the race: its password stands.
        Ok((changed == 1).then_some(password))
    }

    /// Checks the name and password and opens a session; returns its token.
    /// No name means `admin`. Wrong guesses are slowed per client (5 in 5
    /// minutes) and per account: once an account has had 20 wrong guesses in 5
    /// minutes, only clients with no wrong guess of their own may try it. So a
    /// crowd of guessers slows itself down, and never locks out a person who
    /// types the password from a client that has not been failing. All failures
    /// look alike and take alike: an unknown or disabled name still costs a hash.
    pub fn login(
        &self,
        client: &str,
        name: Option<&str>,
        password: &str,
    ) -> Result<(String, Role, String), ServiceError> {
        let name = name
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or(ADMIN);
        let key = name.to_lowercase();
        let limited = |wait: u64| ServiceError::RateLimited {
            message: format!(
                "too many failed logins: try again in {}",
                scaleout_domain::units::wait_in_words(wait)
            ),
            retry_after: wait,
        };
        let failures = &self.inner.login_failures;
        failures.check(client).map_err(limited)?;
        if failures.count(client) > 0 {
            self.inner
                .login_failures_account
                .check(&key)
                .map_err(limited)?;
        }
        let account = match account_name(name) {
            Ok(n) => self.stored(&n)?,
            Err(_) => None,
        };
        let ok = match &account {
            Some(a) if a.disabled => {
                waste_a_hash(password);
                false
            }
            Some(a)
                if a.name.eq_ignore_ascii_case(ADMIN)
                    && self.inner.configured_password.is_some() =>
            {
                let configured = self
                    .inner
                    .configured_password
                    .as_deref()
                    .unwrap_or_default();
                secret::same(configured.as_bytes(), password.as_bytes())
            }
            Some(Stored {
                hash: Some(hash), ..
            }) => secret::verify_password(password, hash),
            _ => {
                waste_a_hash(password);
                false
            }
        };
        let account = match (ok, account) {
            (true, Some(a)) => a,
            _ => {
                failures.hit(client);
                self.inner.login_failures_account.hit(&key);
                crate::metrics::counters().login_failed();
                tracing::warn!(client, "failed login");
                return Err(ServiceError::Unauthenticated(REFUSED.into()));
            }
        };
        failures.clear(client);
        tracing::info!(client, account = %account.name, role = account.role.as_str(), "logged in");
        let now = now_ms();
        self.store().with(|c| {
            c.execute(
                "UPDATE accounts SET last_login_ms = ?1 WHERE id = ?2",
                (now, account.id),
            )
            .map_err(db)
        })?;
        let token = self.new_session(
            account.role,
            None,
            Some(account.id),
            OPERATOR_SESSION.as_millis() as i64,
        )?;
        Ok((token, account.role, account.name))
    }

    /// Every account, by name.
    pub fn accounts(&self) -> Result<Vec<AccountView>, ServiceError> {
        self.store().with(|c| {
            let mut stmt = c
                .prepare(
                    "SELECT name, role, disabled_ms, created_ms, last_login_ms
                     FROM accounts ORDER BY name COLLATE NOCASE",
                )
                .map_err(db)?;
            let rows = stmt
                .query_map([], |r| {
                    Ok(AccountView {
                        name: r.get(0)?,
                        role: Role::account_role(&r.get::<_, String>(1)?).unwrap_or(Role::Viewer),
                        disabled_ms: r.get(2)?,
                        created_ms: r.get(3)?,
                        last_login_ms: r.get(4)?,
                    })
                })
                .map_err(db)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(db)
        })
    }

    /// Makes an account with a generated password, shown once.
    pub fn add_account(&self, name: &str, role: &str) -> Result<IssuedPassword, ServiceError> {
        let name = account_name(name).map_err(invalid)?;
        let role = account_role(role).map_err(invalid)?;
        let password = secret::password()?;
        let hash = secret::hash_password(&password)?;
        let inserted = self.store().with(|c| {
            c.execute(
                "INSERT OR IGNORE INTO accounts (name, role, password_hash, created_ms)
                 VALUES (?1, ?2, ?3, ?4)",
                (&name, role.as_str(), &hash, now_ms()),
            )
            .map_err(db)
        })?;
        if inserted == 0 {
            return Err(ServiceError::Conflict(format!(
                "an account named {name} exists already: pick another name"
            )));
        }
        tracing::info!(account = %name, role = role.as_str(), "account added");
        Ok(IssuedPassword {
            name,
            role,
            password,
        })
    }

    /// Gives an account another role, from its next request on. The last
    /// enabled admin keeps theirs: someone must be able to manage accounts.
    pub fn set_role(&self, name: &str, role: &str) -> Result<Changed<AccountView>, ServiceError> {
        let role = account_role(role).map_err(invalid)?;
        let account = self.existing(name)?;
        if role != Role::Admin {
            self.not_the_last_admin(&account, "lose the admin role")?;
        }
        let changed = self.store().with(|c| {
            let changed = c
                .execute(
                    "UPDATE accounts SET role = ?1 WHERE id = ?2 AND role != ?1",
                    (role.as_str(), account.id),
                )
                .map_err(db)?;
            // Open sessions carry the role they were opened with: they take the new one.
            c.execute(
                "UPDATE sessions SET role = ?1 WHERE account_id = ?2",
                (role.as_str(), account.id),
            )
            .map_err(db)?;
            Ok(changed > 0)
        })?;
        self.changed(&account.name, changed)
    }

    /// A new generated password (shown once), or the one given (`chosen`, at
    /// least 12 characters). The account's sessions end.
    pub fn reset_password(
        &self,
        name: &str,
        chosen: Option<&str>,
    ) -> Result<IssuedPassword, ServiceError> {
        let account = self.existing(name)?;
        let password = match chosen {
            Some(p) => {
                chosen_password(p).map_err(invalid)?;
                p.to_string()
            }
            None => secret::password()?,
        };
        let hash = secret::hash_password(&password)?;
        self.store().with(|c| {
            c.execute(
                "UPDATE accounts SET password_hash = ?1 WHERE id = ?2",
                (&hash, account.id),
            )
            .map_err(db)?;
            c.execute("DELETE FROM sessions WHERE account_id = ?1", [account.id])
                .map_err(db)
        })?;
        if account.name.eq_ignore_ascii_case(ADMIN) && self.inner.configured_password.is_some() {
            tracing::warn!("SCALEOUT_ADMIN_PASSWORD is set: it stays admin's password while it is");
        }
        Ok(IssuedPassword {
            name: account.name,
            role: account.role,
            password,
        })
    }

    /// Disables an account: it cannot log in, and its sessions end at their
    /// next request. The last enabled admin cannot be disabled.
    pub fn disable_account(&self, name: &str) -> Result<Changed<AccountView>, ServiceError> {
        let account = self.existing(name)?;
        self.not_the_last_admin(&account, "be disabled")?;
        let changed = self.store().with(|c| {
            // Disabled before: it keeps the time it was disabled at.
            let changed = c
                .execute(
                    "UPDATE accounts SET disabled_ms = ?1 WHERE id = ?2 AND disabled_ms IS NULL",
                    (now_ms(), account.id),
                )
                .map_err(db)?;
            c.execute("DELETE FROM sessions WHERE account_id = ?1", [account.id])
                .map_err(db)?;
            Ok(changed > 0)
        })?;
        self.changed(&account.name, changed)
    }

    /// Lets a disabled account log in again (with the password it had).
    pub fn enable_account(&self, name: &str) -> Result<Changed<AccountView>, ServiceError> {
        let account = self.existing(name)?;
        let changed = self.store().with(|c| {
            c.execute(
                "UPDATE accounts SET disabled_ms = NULL WHERE id = ?1 AND disabled_ms IS NOT NULL",
                [account.id],
            )
            .map_err(db)
        })?;
        self.changed(&account.name, changed > 0)
    }

    fn changed(&self, name: &str, changed: bool) -> Result<Changed<AccountView>, ServiceError> {
        Ok(Changed {
            now: self.account(name)?,
            changed,
        })
    }

    fn account(&self, name: &str) -> Result<AccountView, ServiceError> {
        self.accounts()?
            .into_iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| no_such(name))
    }

    fn existing(&self, name: &str) -> Result<Stored, ServiceError> {
        let name = account_name(name).map_err(invalid)?;
        self.stored(&name)?.ok_or_else(|| no_such(&name))
    }

    fn not_the_last_admin(&self, account: &Stored, what: &str) -> Result<(), ServiceError> {
        if account.role != Role::Admin || account.disabled {
            return Ok(());
        }
        let admins: i64 = self.store().with(|c| {
            c.query_row(
                "SELECT COUNT(*) FROM accounts WHERE role = 'admin' AND disabled_ms IS NULL",
                [],
                |r| r.get(0),
            )
            .map_err(db)
        })?;
        if admins <= 1 {
            return Err(ServiceError::Conflict(format!(
                "{} is the last enabled admin and cannot {what}: make another admin first",
                account.name
            )));
        }
        Ok(())
    }

    fn stored(&self, name: &str) -> Result<Option<Stored>, ServiceError> {
        self.store().with(|c| {
            c.query_row(
                "SELECT id, name, role, password_hash, disabled_ms FROM accounts WHERE name = ?1",
                [name],
                |r| {
                    Ok(Stored {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        role: Role::account_role(&r.get::<_, String>(2)?).unwrap_or(Role::Viewer),
                        hash: r.get(3)?,
                        disabled: r.get::<_, Option<i64>>(4)?.is_some(),
                    })
                },
            )
            .optional()
            .map_err(db)
        })
    }
}

fn invalid(e: impl std::fmt::Display) -> ServiceError {
    ServiceError::Invalid(e.to_string())
}

fn no_such(name: &str) -> ServiceError {
    ServiceError::NotFound(format!(
        "there is no account named {}",
        scaleout_domain::access::text::cut(name)
    ))
}

/// Spends what a real check spends, so a refusal takes as long for a name that
/// does not exist as for a wrong password.
fn waste_a_hash(password: &str) {
    static DUMMY: OnceLock<Option<String>> = OnceLock::new();
    if let Some(hash) = DUMMY.get_or_init(|| secret::hash_password("not anyone's password").ok()) {
        let _ = secret::verify_password(password, hash);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::access::{SessionState, SignupSettings};
    use crate::store::ConsoleStore;

    fn access(configured: Option<&str>) -> (tempfile::TempDir, Access) {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(ConsoleStore::open(&dir.path().join("console.db")).unwrap());
        let access = Access::new(
            store,
            configured.map(str::to_string),
            SignupSettings::default(),
        );
        (dir, access)
    }

    fn role_of(access: &Access, token: &str) -> Option<Role> {
        match access.session_state(token).unwrap() {
            SessionState::Valid(v) => Some(v.role),
            _ => None,
        }
    }

    #[test]
    fn the_first_start_makes_admin_and_a_login_without_a_name_is_admins() {
        let (_dir, access) = access(None);
        let password = access.ensure_admin().unwrap().expect("generated once");
        assert_eq!(access.ensure_admin().unwrap(), None, "shown once only");
        let (token, role, name) = access.login("c", None, &password).unwrap();
        assert_eq!((role, name.as_str()), (Role::Admin, ADMIN));
        assert_eq!(role_of(&access, &token), Some(Role::Admin));
    }

    #[test]
    fn a_configured_password_stays_admins() {
        let (_dir, access) = access(Some("configured-password"));
        assert_eq!(access.ensure_admin().unwrap(), None);
        assert!(access
            .login("c", Some("admin"), "configured-password")
            .is_ok());
        assert!(access.login("c", Some("admin"), "wrong").is_err());
    }

    #[test]
    fn accounts_have_roles_and_can_be_disabled() {
        let (_dir, access) = access(Some("configured-password"));
        let issued = access.add_account("alice", "viewer").unwrap();
        assert!(issued.password.len() >= 12);
        assert!(matches!(
            access.add_account("ALICE", "operator"),
            Err(ServiceError::Conflict(_))
        ));
        let (token, role, _) = access.login("c", Some("Alice"), &issued.password).unwrap();
        assert_eq!(role, Role::Viewer);
        // A new role holds from the session's next request on.
        assert!(access.set_role("alice", "operator").unwrap().changed);
        assert_eq!(role_of(&access, &token), Some(Role::Operator));
        // Asked again, a change says it changed nothing, and keeps what was.
        assert!(!access.set_role("alice", "operator").unwrap().changed);
        let disabled = access.disable_account("alice").unwrap();
        assert!(disabled.changed);
        assert_eq!(role_of(&access, &token), None, "its session ended");
        let again = access.disable_account("alice").unwrap();
        assert!(!again.changed);
        assert_eq!(
            again.now.disabled_ms, disabled.now.disabled_ms,
            "disabled since the first"
        );
        let refused = access
            .login("c2", Some("alice"), &issued.password)
            .unwrap_err();
        let unknown = access
            .login("c3", Some("nobody"), "whatever-password")
            .unwrap_err();
        assert_eq!(
            refused.to_string(),
            unknown.to_string(),
            "nothing tells them apart"
        );
        assert!(access.enable_account("alice").unwrap().changed);
        assert!(!access.enable_account("alice").unwrap().changed);
        assert!(access.login("c4", Some("alice"), &issued.password).is_ok());
    }

    #[test]
    fn the_last_admin_stays_one_and_chosen_passwords_are_long() {
        let (_dir, access) = access(None);
        access.ensure_admin().unwrap();
        assert!(matches!(
            access.set_role("admin", "viewer"),
            Err(ServiceError::Conflict(_))
        ));
        assert!(matches!(
            access.disable_account("admin"),
            Err(ServiceError::Conflict(_))
        ));
        access.add_account("bob", "admin").unwrap();
        access.set_role("admin", "operator").unwrap();
        assert!(matches!(
            access.reset_password("bob", Some("short")),
            Err(ServiceError::Invalid(_))
        ));
        let reset = access
            .reset_password("bob", Some("a long chosen one"))
            .unwrap();
        assert!(access.login("c", Some("bob"), &reset.password).is_ok());
        assert!(matches!(
            access.set_role("nobody", "viewer"),
            Err(ServiceError::NotFound(_))
        ));
        assert!(matches!(
            access.add_account("x y", "viewer"),
            Err(ServiceError::Invalid(_))
        ));
        assert!(matches!(
            access.add_account("carol", "root"),
            Err(ServiceError::Invalid(_))
        ));
    }
}

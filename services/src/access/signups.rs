//! Self-service signups: one form, one tenant, however often it is sent.
//!
//! The signup form carries a one-time key minted by the server when the form
//! is rendered. That key is the signup's identity (a double submit or a retry
//! finds the same row) and, hashed, its portal credential: only the browser
//! that filled the form can open the tenant's portal.

use rusqlite::{ErrorCode, OptionalExtension};
use scaleout_domain::access::{SignupForm, SignupSize, SignupState, SignupStatus};
use serde::{Deserialize, Serialize};

use super::{secret, Access};
use crate::activity::Happening;
use crate::clock::now_ms;
use crate::console::Console;
use crate::error::ServiceError;
use crate::jobs::JobSpec;
use crate::operations::tenants;
use crate::store::db;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignupSettings {
    /// An operator approves each signup before its tenant is created.
    pub approval: bool,
    /// Signups waiting (for approval or provisioning) at most; more are refused.
    pub max_pending: u32,
    /// Accepted signups per client address per hour.
    pub per_ip_per_hour: u32,
}

impl Default for SignupSettings {
    fn default() -> Self {
        SignupSettings {
            approval: false,
            max_pending: 20,
            per_ip_per_hour: 5,
        }
    }
}

/// What the customer gets back: the status, the portal credential (the
/// cookie) and a personal link that opens the portal on any device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignupReceipt {
    pub status: SignupStatus,
    pub portal_token: String,
    /// `/portal/open/<token>`: shown once.
    pub portal_link: String,
}

const COLUMNS: &str =
    "id, company, email, size, state, job_id, tenant_id, created_ms, message, portal_hash";

impl Access {
    /// Signups waiting for an operator's decision.
    pub fn waiting_signups(&self) -> Result<u32, ServiceError> {
        self.store().with(|c| {
            c.query_row(
                "SELECT COUNT(*) FROM signups WHERE state = 'pending'",
                [],
                |r| r.get(0),
            )
            .map_err(db)
        })
    }

    /// A ready signup whose tenant was removed since is closed.
    fn closed_if_removed(&self, mut status: SignupStatus) -> Result<SignupStatus, ServiceError> {
        let Some(tenant) = status
            .tenant
            .as_deref()
            .and_then(|t| scaleout_domain::TenantId::parse(t).ok())
        else {
            return Ok(status);
        };
        if self.inner.store.removed_tenant(tenant)?.is_none() {
            return Ok(status);
        }
        self.store().with(|c| {
            c.execute(
                "UPDATE signups SET state = 'closed', message = 'the tenant was removed' WHERE id = ?1",
                [status.id as i64],
            )
            .map_err(db)
        })?;
        status.state = SignupState::Closed;
        status.message = Some("the tenant was removed".into());
        Ok(status)
    }

    /// A fresh form key (also the future portal token).
    pub fn signup_form_key(&self) -> Result<String, ServiceError> {
        secret::token()
    }

    /// Takes a signup. Idempotent on `form_key`; refuses bad input (400), a
    /// company that already signed up (409), too many signups from one
    /// address or too many waiting (429).
    pub async fn signup(
        &self,
        console: &Console,
        client: &str,
        form_key: &str,
        company: &str,
        email: &str,
        size: &str,
    ) -> Result<SignupReceipt, ServiceError> {
        if form_key.len() != 64 || !form_key.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ServiceError::Invalid(
                "this form has expired: reload the page and send it again".into(),
            ));
        }
        let form = SignupForm::parse(company, email, size)
            .map_err(|e| ServiceError::Invalid(e.to_string()))?;
        let portal_hash = secret::token_hash(form_key);
        if let Some(existing) = self.signup_by_portal_hash(console, &portal_hash)? {
            return Ok(SignupReceipt {
                portal_link: self.new_portal_link(existing.id as i64)?,
                status: existing,
                portal_token: form_key.to_string(),
            });
        }
        let limited = |message: String, wait: u64| ServiceError::RateLimited {
            message,
            retry_after: wait,
        };
        if console
            .store()
            .tenant_by_name(form.company.as_str())?
            .is_some()
        {
            return Err(taken(&form));
        }
        // The address's slot is claimed and the row inserted as two atomic
        // steps: of 20 concurrent signups with 5 slots left, 5 get through.
        self.inner.signups_per_ip.try_hit(client).map_err(|wait| {
            limited(
                format!(
                    "too many signups from your address: try again in {}",
                    scaleout_domain::units::wait_in_words(wait)
                ),
                wait,
            )
        })?;
        let state = if self.inner.signup.approval {
            SignupState::Pending
        } else {
            SignupState::Provisioning
        };
        // Inserted only while fewer than `max_pending` wait: one statement, so
        // concurrent signups never overshoot the cap.
        let inserted = self.store().with(|c| {
            Ok(c.execute(
                "INSERT INTO signups (form_key, company, company_key, email, size, ip, state, portal_hash, created_ms)
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9
                 WHERE (SELECT COUNT(*) FROM signups WHERE state IN ('pending', 'provisioning')) < ?10",
                rusqlite::params![
                    &portal_hash,
                    form.company.as_str(),
                    form.company_key(),
                    &form.email,
                    form.size.as_str(),
                    client,
                    state.as_str(),
                    &portal_hash,
                    now_ms(),
                    self.inner.signup.max_pending,
                ],
            )
            .map(|n| (n, c.last_insert_rowid())))
        });
        let inserted = match inserted {
            Ok(r) => r,
            Err(e) => {
                self.inner.signups_per_ip.unhit(client);
                return Err(e);
            }
        };
        let id = match inserted {
            Ok((1, id)) => id,
            Ok(_) => {
                self.inner.signups_per_ip.unhit(client);
                return Err(limited(
                    "we are setting up many new tenants right now: please try again in a few minutes"
                        .into(),
                    300,
                ));
            }
            Err(rusqlite::Error::SqliteFailure(e, msg))
                if e.code == ErrorCode::ConstraintViolation =>
            {
                self.inner.signups_per_ip.unhit(client);
                // A concurrent submit of the same form won: same signup.
                if let Some(existing) = self.signup_by_portal_hash(console, &portal_hash)? {
                    return Ok(SignupReceipt {
                        portal_link: self.new_portal_link(existing.id as i64)?,
                        status: existing,
                        portal_token: form_key.to_string(),
                    });
                }
                if msg.as_deref().is_some_and(|m| m.contains("company_key")) {
                    return Err(taken(&form));
                }
                // This form's signup exists, but its portal access was revoked since.
                if msg.as_deref().is_some_and(|m| m.contains("form_key")) {
                    return Err(ServiceError::Conflict(
                        "this form was sent before, and its portal access has been revoked since: \
                         open your portal with the newest personal link you were given, or ask us for one"
                            .into(),
                    ));
                }
                return Err(self.store().fail(rusqlite::Error::SqliteFailure(e, msg)));
            }
            Err(e) => {
                self.inner.signups_per_ip.unhit(client);
                return Err(self.store().fail(e));
            }
        };
        tracing::info!(id, company = form.company.as_str(), "self-service signup");
        if state == SignupState::Provisioning {
            self.provision(console, id).await?;
        }
        console.activity().publish(Happening::SignupsChanged);
        let status = self
            .signup_by_portal_hash(console, &portal_hash)?
            .ok_or_else(|| ServiceError::Store("the signup vanished".into()))?;
        Ok(SignupReceipt {
            portal_link: self.new_portal_link(id)?,
            status,
            portal_token: form_key.to_string(),
        })
    }

    /// Every signup, newest first, for operators.
    pub fn signups(&self, console: &Console) -> Result<Vec<SignupStatus>, ServiceError> {
        let rows = self.store().with(|c| {
            let mut st = c
                .prepare(&format!(
                    "SELECT {COLUMNS} FROM signups ORDER BY id DESC LIMIT 200"
                ))
                .map_err(db)?;
            let rows = st.query_map([], row).map_err(db)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(db)
        })?;
        rows.into_iter().map(|r| self.refresh(console, r)).collect()
    }

    /// An operator approves a pending signup: its tenant is created now.
    pub async fn approve_signup(
        &self,
        console: &Console,
        id: i64,
    ) -> Result<SignupStatus, ServiceError> {
        let changed = self.store().with(|c| {
            c.execute(
                "UPDATE signups SET state = 'provisioning' WHERE id = ?1 AND state = 'pending'",
                [id],
            )
            .map_err(db)
        })?;
        if changed == 0 {
            return Err(self.not_pending(console, id));
        }
        self.provision(console, id).await?;
        console.activity().publish(Happening::SignupsChanged);
        self.signup_by_id(console, id)
    }

    /// An operator declines a pending signup, saying why: the customer reads
    /// the reason on their portal.
    pub fn reject_signup(
        &self,
        console: &Console,
        id: i64,
        reason: &str,
    ) -> Result<SignupStatus, ServiceError> {
        let reason = reason.trim();
        if reason.is_empty()
            || reason.chars().count() > 300
            || !scaleout_domain::access::text::is_plain(reason)
        {
            return Err(ServiceError::Invalid(
                "say why, in 1 to 300 characters: the customer reads it on their portal".into(),
            ));
        }
        let changed = self.store().with(|c| {
            c.execute(
                "UPDATE signups SET state = 'rejected', message = ?2
                 WHERE id = ?1 AND state = 'pending'",
                (id, reason),
            )
            .map_err(db)
        })?;
        if changed == 0 {
            return Err(self.not_pending(console, id));
        }
        console.activity().publish(Happening::SignupsChanged);
        self.signup_by_id(console, id)
    }

    /// The signup a portal token belongs to.
    pub fn portal_signup(
        &self,
        console: &Console,
        portal_token: &str,
    ) -> Result<SignupStatus, ServiceError> {
        if let Some(found) =
            self.signup_by_portal_hash(console, &secret::token_hash(portal_token))?
        {
            return Ok(found);
        }
        match self.signup_of_link(portal_token)? {
            Some(id) => self.signup_by_id(console, id),
            None => Err(ServiceError::Unauthenticated(super::NO_PORTAL.into())),
        }
    }

    /// Places the tenant (as `--placement` says, like every other tenant) and starts
    /// its onboarding job; a failure is recorded on the signup.
    async fn provision(&self, console: &Console, id: i64) -> Result<(), ServiceError> {
        let (company, size): (String, String) = self.store().with(|c| {
            c.query_row(
                "SELECT company, size FROM signups WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(db)
        })?;
        let scale = SignupSize::parse(&size).map_or(1, SignupSize::scale_factor);
        let naming = tenants::naming_for(console, None)?;
        let placed = match tenants::prepare(console, &company, i64::from(scale), naming) {
            Ok(new) => crate::operations::placement::place(console, vec![new])
                .await
                .map(|mut placed| placed.remove(0)),
            Err(e) => Err(e),
        };
        let started = placed.and_then(|new| {
            let tenant = new.id.to_string();
            console
                .start_job(JobSpec::AddTenant { tenant: new })
                .map(|job| (job, tenant))
        });
        match started {
            Ok((job, tenant)) => self.store().with(|c| {
                c.execute(
                    "UPDATE signups SET job_id = ?2, tenant_id = ?3 WHERE id = ?1",
                    (id, job as i64, tenant),
                )
                .map_err(db)
                .map(|_| ())
            }),
            Err(e) => {
                tracing::warn!(id, "signup provisioning could not start: {e}");
                self.store().with(|c| {
                    c.execute(
                        "UPDATE signups SET state = 'failed', message = ?2 WHERE id = ?1",
                        (id, e.to_string()),
                    )
                    .map_err(db)
                    .map(|_| ())
                })
            }
        }
    }

    /// Why a signup cannot be decided: there is none by that number, or it was decided.
    fn not_pending(&self, console: &Console, id: i64) -> ServiceError {
        match self.signup_by_id(console, id) {
            Ok(s) => ServiceError::Conflict(format!(
                "signup {id} ({}) is not waiting for approval: it is {}",
                s.company,
                s.state.as_str()
            )),
            Err(e) => e,
        }
    }

    fn signup_by_id(&self, console: &Console, id: i64) -> Result<SignupStatus, ServiceError> {
        let found = self.store().with(|c| {
            c.query_row(
                &format!("SELECT {COLUMNS} FROM signups WHERE id = ?1"),
                [id],
                row,
            )
            .optional()
            .map_err(db)
        })?;
        let found =
            found.ok_or_else(|| ServiceError::NotFound(format!("there is no signup {id}")))?;
        self.refresh(console, found)
    }

    fn signup_by_portal_hash(
        &self,
        console: &Console,
        hash: &str,
    ) -> Result<Option<SignupStatus>, ServiceError> {
        let found = self.store().with(|c| {
            c.query_row(
                &format!("SELECT {COLUMNS} FROM signups WHERE portal_hash = ?1"),
                [hash],
                row,
            )
            .optional()
            .map_err(db)
        })?;
        found.map(|r| self.refresh(console, r)).transpose()
    }

    /// A provisioning signup is ready (or failed) when its job finished.
    fn refresh(
        &self,
        console: &Console,
        mut status: SignupStatus,
    ) -> Result<SignupStatus, ServiceError> {
        if status.state == SignupState::Ready {
            return self.closed_if_removed(status);
        }
        if status.state != SignupState::Provisioning {
            return Ok(status);
        }
        let Some(job) = status.job else {
            return Ok(status);
        };
        let record = console.job(job)?;
        let next = match record.state {
            scaleout_domain::views::JobState::Succeeded => Some((SignupState::Ready, None)),
            scaleout_domain::views::JobState::Failed
            | scaleout_domain::views::JobState::Cancelled
            | scaleout_domain::views::JobState::Interrupted => Some((
                SignupState::Failed,
                Some(
                    record
                        .error
                        .unwrap_or_else(|| "provisioning stopped".into()),
                ),
            )),
            _ => None,
        };
        if let Some((state, message)) = next {
            self.store().with(|c| {
                c.execute(
                    "UPDATE signups SET state = ?2, message = ?3 WHERE id = ?1",
                    (status.id as i64, state.as_str(), &message),
                )
                .map_err(db)
            })?;
            status.state = state;
            status.message = message;
        }
        Ok(status)
    }
}

/// A name that is not available. It does not say whether (or which) company
/// is a customer: only that this name cannot be used.
fn taken(form: &SignupForm) -> ServiceError {
    ServiceError::Conflict(format!(
        "we cannot use the name \u{201c}{}\u{201d}: the name is not available. If your company signed up before, open your portal with your personal link, or contact us",
        form.company.as_str()
    ))
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SignupStatus> {
    let size: String = r.get(3)?;
    let state: String = r.get(4)?;
    Ok(SignupStatus {
        id: r.get::<_, i64>(0)? as u64,
        company: r.get(1)?,
        email: r.get(2)?,
        size: SignupSize::parse(&size).unwrap_or(SignupSize::Small),
        state: SignupState::parse(&state).unwrap_or(SignupState::Failed),
        job: r.get::<_, Option<i64>>(5)?.map(|j| j as u64),
        tenant: r.get(6)?,
        created_ms: r.get(7)?,
        message: r.get(8)?,
    })
}

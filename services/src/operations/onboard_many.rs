//! Onboarding many tenants in one job (an import, the batch of three): several at
//! a time (`--concurrency`), with one progress line for the whole job: tenants and
//! documents done, the rate, the time left.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use futures::stream::{self, StreamExt, TryStreamExt};
use scaleout_domain::bulk_progress::BulkProgress;
use scaleout_domain::progress::Outcome;
use scaleout_domain::views::AddedTenant;
use scaleout_domain::ScaleFactor;

use super::tenants::add_with;
use crate::console::Console;
use crate::error::ServiceError;
use crate::jobs::{JobCtx, NewTenant};

/// Tenants onboarded at once unless told: the embedded back end writes one batch at
/// a time whatever the number, and ArangoDB gains from a few requests in flight.
pub const DEFAULT_CONCURRENCY: u32 = 4;
/// At most this many at once: more would only queue behind each other.
pub const MAX_CONCURRENCY: u32 = 32;

/// What the job's tenants have stored so far.
pub(crate) struct Tally {
    started: Instant,
    tenants_total: u64,
    documents_total: u64,
    tenants_done: AtomicU64,
    documents_done: AtomicU64,
    documents_loaded: AtomicU64,
}

impl Tally {
    fn new(tenants: &[NewTenant]) -> Self {
        let documents_total = tenants
            .iter()
            .map(|t| {
                ScaleFactor::new(t.scale_factor)
                    .map(scaleout_domain::documents_per_tenant)
                    .unwrap_or(0)
            })
            .sum();
        Tally {
            started: Instant::now(),
            tenants_total: tenants.len() as u64,
            documents_total,
            tenants_done: AtomicU64::new(0),
            documents_done: AtomicU64::new(0),
            documents_loaded: AtomicU64::new(0),
        }
    }

    /// `n` documents of a tenant are stored: written now (`loaded`), or before.
    pub(crate) fn stored(&self, n: u64, loaded: bool, ctx: &JobCtx) {
        self.documents_done.fetch_add(n, Ordering::Relaxed);
        if loaded {
            self.documents_loaded.fetch_add(n, Ordering::Relaxed);
        }
        self.report(ctx);
    }

    pub(crate) fn tenant_done(&self, ctx: &JobCtx) {
        self.tenants_done.fetch_add(1, Ordering::Relaxed);
        self.report(ctx);
    }

    fn now(&self) -> BulkProgress {
        BulkProgress {
            tenants_done: self.tenants_done.load(Ordering::Relaxed),
            tenants_total: self.tenants_total,
            documents_done: self.documents_done.load(Ordering::Relaxed),
            documents_total: self.documents_total,
            documents_loaded: self.documents_loaded.load(Ordering::Relaxed),
            elapsed_secs: self.started.elapsed().as_secs_f64(),
        }
    }

    /// The bar follows documents (tenants differ in size); the line says the rest.
    /// Throttled by the job, so a batch's report costs nothing most of the time.
    fn report(&self, ctx: &JobCtx) {
        let p = self.now();
        // Complete only when the last tenant is: its last batch is not the end.
        let done = if p.tenants_done < p.tenants_total {
            p.documents_done.min(p.documents_total.saturating_sub(1))
        } else {
            p.documents_total
        };
        ctx.progress("tenants", done, p.documents_total, || p.line());
    }
}

/// Onboards `tenants`, `concurrency` at a time; the result keeps their order. Each
/// onboarding is idempotent, so a resumed job skips what is stored.
pub async fn add_many(
    console: &Console,
    tenants: &[NewTenant],
    concurrency: u32,
    ctx: &JobCtx,
) -> Result<Vec<AddedTenant>, ServiceError> {
    let at_once = concurrency.clamp(1, MAX_CONCURRENCY) as usize;
    // A resumed job skips a tenant removed since it stopped (its id is never registered
    // again): the others are still onboarded, and the log says which one was left out.
    let mut skipped = Vec::new();
    let mut kept = Vec::with_capacity(tenants.len());
    for t in tenants {
        match console.store().removed_tenant(t.id)? {
            Some(gone) => skipped.push(gone),
            None => kept.push(t.clone()),
        }
    }
    let tenants = kept.as_slice();
    for gone in &skipped {
        ctx.event(
            "tenants",
            0,
            0,
            Outcome::Warning,
            format!(
                "{} ({}) is left out: it was removed{} after this job stopped; add it again as a new tenant to onboard it",
                gone.name,
                gone.id,
                gone.job.map(|j| format!(" by job {j}")).unwrap_or_default()
            ),
        );
    }
    let tally = Tally::new(tenants);
    // The graph first, once: tenants started together must not all try to make it.
    if let Some(first) = tenants.first() {
        let spec = super::schema::spec(console, first.naming).await?;
        console.backend().ensure_schema(&spec).await?;
    }
    ctx.event(
        "tenants",
        0,
        tally.documents_total,
        Outcome::Running,
        format!(
            "Onboarding {}, {} at a time · {} documents",
            scaleout_domain::units::counted(tenants.len() as u64, "tenant"),
            at_once.min(tenants.len().max(1)),
            scaleout_domain::units::grouped(tally.documents_total)
        ),
    );
    // The futures made first (not in the stream's closure), so the job stays `Send`.
    let onboardings: Vec<_> = tenants
        .iter()
        .map(|t| add_with(console, t, ctx, Some(&tally)))
        .collect();
    let added: Vec<AddedTenant> = match stream::iter(onboardings)
        .buffered(at_once)
        .try_collect()
        .await
    {
        Ok(added) => added,
        Err(ServiceError::Cancelled(why)) => {
            return Err(ServiceError::Cancelled(with_unstarted(
                console, tenants, why,
            )))
        }
        Err(e) => return Err(e),
    };
    let p = tally.now();
    ctx.event(
        "tenants",
        p.documents_total,
        p.documents_total,
        Outcome::Ok,
        format!(
            "{} added: {}",
            scaleout_domain::units::counted(added.len() as u64, "tenant"),
            p.line()
        ),
    );
    Ok(added)
}

/// A cancel's reason names the tenant it stopped; the batch's tenants that had not
/// started yet are said too, so nobody takes them for lost.
fn with_unstarted(console: &Console, tenants: &[NewTenant], why: String) -> String {
    let waiting: Vec<&str> = tenants
        .iter()
        .filter(|t| matches!(console.store().tenant(t.id), Ok(None)))
        .map(|t| t.name.as_str())
        .collect();
    match waiting.as_slice() {
        [] => why,
        [one] => format!("{why}. {one} had not started: resuming the job onboards it too"),
        more => format!(
            "{why}. {} had not started ({}): resuming the job onboards them too",
            scaleout_domain::units::counted(more.len() as u64, "tenant"),
            more.join(", ")
        ),
    }
}

//! Tenant onboarding and removal: the data goes to the back end batch by batch
//! (each one durable and idempotent), the registry records who the tenant is.

use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hasher};
use std::time::Instant;

use scaleout_domain::progress::Outcome;
use scaleout_domain::units::grouped;
pub use scaleout_domain::views::{AddedTenant, RemovedTenant, TenantDetail, TenantRow};
use scaleout_domain::{
    Collection, Generator, Naming, ScaleFactor, Tenant, TenantId, TenantName, TenantStatus,
};

use super::onboard_many::Tally;
use crate::console::Console;
use crate::error::ServiceError;
use crate::jobs::{JobCtx, JobSpec, NewTenant};
use crate::store::{Lock, TenantRecord};

/// Documents per load request: large enough to amortise a durable commit.
const BATCH: usize = 1000;

/// The three tenants `tenant add-batch` onboards, as the seed's tooling did.
pub const BATCH_TENANTS: [(&str, u32); 3] = [
    ("Retail Chain Corp", 2),
    ("Manufacturing Inc", 1),
    ("Tech Startup", 1),
];

/// The naming convention a new tenant gets: the one asked for, else the database's (all
/// its tenants share the collections, so one convention), else camelCase in a new one.
pub fn naming_for(console: &Console, asked: Option<Naming>) -> Result<Naming, ServiceError> {
    Ok(match asked {
        Some(naming) => naming,
        None => console
            .store()
            .tenants()?
            .first()
            .map_or(Naming::CamelCase, |t| t.naming),
    })
}

/// Checks a request and fixes the tenant's id and creation time.
pub fn prepare(
    console: &Console,
    name: &str,
    scale_factor: i64,
    naming: Naming,
) -> Result<NewTenant, ServiceError> {
    let name = TenantName::parse(name).map_err(|e| ServiceError::Invalid(e.to_string()))?;
    let scale =
        ScaleFactor::from_i64(scale_factor).map_err(|e| ServiceError::Invalid(e.to_string()))?;
    let store = console.store();
    if let Some(existing) = store.tenant_by_name(name.as_str())? {
        return Err(name_taken(name.as_str(), &existing));
    }
    if let Some(first) = store.tenants()?.first() {
        naming
            .ensure_matches_database(first.naming)
            .map_err(|e| ServiceError::Conflict(e.to_string()))?;
    }
    let id = candidate_ids(console, name.as_str())
        .next()
        .transpose()?
        .expect("an endless supply of ids");
    Ok(NewTenant {
        id,
        name: name.as_str().to_string(),
        scale_factor: scale.get(),
        naming,
        created_at: crate::clock::now_ms() / 1000,
    })
}

/// The conflict of a name taken by `existing` (the same name, or one that
/// looks like it: see [`scaleout_domain::name_key`]).
pub fn name_taken(requested: &str, existing: &TenantRecord) -> ServiceError {
    let name = existing.tenant.name.as_str();
    ServiceError::Conflict(if requested.trim() == name {
        format!(
            "a tenant named {name:?} already exists (id {})",
            existing.tenant.id
        )
    } else {
        // Look-alike letters from another script are invisible in a sentence: name them.
        let mut foreign: Vec<String> = requested
            .chars()
            .filter(|c| !c.is_ascii() && !name.contains(*c) && !c.is_whitespace())
            .map(|c| format!("{c} (U+{:04X})", c as u32))
            .collect();
        foreign.dedup();
        let letters = if foreign.is_empty() {
            String::new()
        } else {
            format!(
                " (it is written with {}, which look like other letters)",
                foreign.join(", ")
            )
        };
        format!(
            "{:?} can be mistaken for {name:?}, which already exists (id {}){letters}: choose a name that looks different",
            requested.trim(),
            existing.tenant.id
        )
    })
}

/// Ids for a new tenant, in the order to try them: from the configured seed and
/// the name (reproducible), or random; never one registered or removed before.
pub(crate) fn candidate_ids<'a>(
    console: &'a Console,
    name: &'a str,
) -> impl Iterator<Item = Result<TenantId, ServiceError>> + 'a {
    let seed = console.config().tenant_id_seed;
    let store = console.store();
    (0u64..)
        .map(move |attempt| {
            TenantId::from_seed(match seed {
                Some(seed) => seeded(seed, name, attempt),
                None => random_seed(),
            })
        })
        .filter_map(
            move |id| match (store.tenant(id), store.removed_tenant(id)) {
                (Ok(None), Ok(None)) => Some(Ok(id)),
                (Err(e), _) | (_, Err(e)) => Some(Err(e)),
                _ => None,
            },
        )
}

/// A seed from the OS-seeded hasher keys and the clock: tenant ids need to be
/// unpredictable and distinct, not cryptographic.
fn random_seed() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_i64(crate::clock::now_ms());
    h.write_u32(std::process::id());
    h.finish()
}

/// A reproducible id seed: FNV-1a over the configured seed, the name and the
/// attempt (a name taken before gets the next attempt's id). FNV rather than
/// std's hasher, whose output may change between Rust releases.
fn seeded(seed: u64, name: &str, attempt: u64) -> u64 {
    let bytes = seed
        .to_le_bytes()
        .into_iter()
        .chain(name.bytes())
        .chain(attempt.to_le_bytes());
    bytes.fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Onboards one tenant: schema, registry, data, count check. Run again (a
/// resume) it finishes what is missing: stored batches are not stored twice.
pub async fn add(
    console: &Console,
    new: &NewTenant,
    ctx: &JobCtx,
) -> Result<AddedTenant, ServiceError> {
    add_with(console, new, ctx, None).await
}

/// Onboards one tenant; with a `tally` (one of many in a job) its progress goes
/// into the job's one line instead of steps of its own.
pub(crate) async fn add_with(
    console: &Console,
    new: &NewTenant,
    ctx: &JobCtx,
    tally: Option<&Tally>,
) -> Result<AddedTenant, ServiceError> {
    let started = Instant::now();
    // Steps of its own only when it is the job's one tenant.
    let event = |step: &str, done: u64, total: u64, outcome: Outcome, message: String| {
        if tally.is_none() {
            ctx.event(step, done, total, outcome, message);
        }
    };
    let tenant = Tenant::new(
        new.id,
        TenantName::parse(&new.name).map_err(|e| ServiceError::Invalid(e.to_string()))?,
        ScaleFactor::new(new.scale_factor).map_err(|e| ServiceError::Invalid(e.to_string()))?,
        new.created_at,
    );
    // Nobody removes or purges this tenant while its data goes in.
    ctx.claim(Lock::Tenant(tenant.id))?;
    let backend = console.backend();
    let label = format!("{} ({})", tenant.name.as_str(), tenant.id);

    event(
        "schema",
        0,
        1,
        Outcome::Running,
        format!("Checking the network_assets SmartGraph for {label}"),
    );
    let spec = super::schema::spec(console, new.naming).await?;
    let schema = backend.ensure_schema(&spec).await?;
    // Named: a job onboarding several tenants checks once for each.
    let note = if schema.created.is_empty() {
        format!("The SmartGraph is ready for {label}")
    } else {
        format!(
            "Created {} objects (graph, collections, indexes) for {label}",
            schema.created.len()
        )
    };
    event("schema", 1, 1, Outcome::Ok, note);

    // A removed tenant is refused here: a resumed onboarding cannot bring it back.
    console.store().insert_tenant(&TenantRecord {
        tenant: tenant.clone(),
        naming: new.naming,
    })?;
    let total = tenant.document_count();
    let already: u64 = backend.tenant_counts(tenant.id).await?.values().sum();
    let mut done = 0;
    let mut created = 0;
    if already == total {
        if let Some(t) = tally {
            t.stored(total, false, ctx);
        }
        event(
            "load",
            total,
            total,
            Outcome::Running,
            format!(
                "{label}: all {} documents were stored before",
                grouped(total)
            ),
        );
    } else {
        event(
            "load",
            0,
            total,
            Outcome::Running,
            if already == 0 {
                format!("Loading {} documents for {label}", grouped(total))
            } else {
                format!(
                    "Loading the rest of {label}: {} of {} documents were stored before",
                    grouped(already),
                    grouped(total)
                )
            },
        );
        for batch in Generator::new(&tenant, new.naming).batches(BATCH) {
            if ctx.cancel_flag().is_cancelled() {
                let stored: u64 = backend.tenant_counts(tenant.id).await?.values().sum();
                return Err(ServiceError::Cancelled(format!(
                    "{label} has {} of its {} documents: resume job {} to finish onboarding it, or remove the tenant (on the Tenants page, or `scaleout tenant remove {}`)",
                    grouped(stored),
                    grouped(total),
                    ctx.job,
                    tenant.id
                )));
            }
            created += backend
                .load_batch(tenant.id, &batch.documents)
                .await?
                .created;
            done += batch.documents.len() as u64;
            match tally {
                Some(t) => t.stored(batch.documents.len() as u64, true, ctx),
                None => ctx.progress("load", done, total, || {
                    format!(
                        "{} of {} documents of {label}",
                        grouped(done),
                        grouped(total)
                    )
                }),
            }
        }
    }

    let counts = backend.tenant_counts(tenant.id).await?;
    let stored: u64 = counts.values().sum();
    if stored != total {
        console
            .store()
            .set_tenant_status(tenant.id, TenantStatus::Failed)?;
        return Err(ServiceError::Conflict(format!(
            "{label} has {} documents after loading, expected {}: run validate",
            grouped(stored),
            grouped(total)
        )));
    }
    console
        .store()
        .set_tenant_status(tenant.id, TenantStatus::Active)?;
    event(
        "load",
        total,
        total,
        Outcome::Ok,
        format!("{label}: {} documents stored", grouped(total)),
    );
    if let Some(t) = tally {
        t.tenant_done(ctx);
    }
    Ok(AddedTenant {
        tenant_id: tenant.id,
        name: new.name.clone(),
        scale_factor: new.scale_factor,
        naming: new.naming,
        documents: named_counts(&counts, new.naming),
        total_documents: stored,
        created,
        seconds: started.elapsed().as_secs_f64(),
        placement: console.store().placement(tenant.id)?.map(|p| p.why),
    })
}

/// The job that onboards one new tenant: checked (name, scale, naming) and placed.
/// What `tenant add` runs and the Tenants page starts.
pub async fn plan_add(
    console: &Console,
    name: &str,
    scale_factor: i64,
    naming: Naming,
) -> Result<JobSpec, ServiceError> {
    let new = prepare(console, name, scale_factor, naming)?;
    let tenant = super::placement::place(console, vec![new]).await?.remove(0);
    Ok(JobSpec::AddTenant { tenant })
}

/// The job that onboards the batch of three ([`BATCH_TENANTS`]), placed.
pub async fn plan_batch(console: &Console, naming: Naming) -> Result<JobSpec, ServiceError> {
    let mut list = Vec::new();
    for (name, scale) in BATCH_TENANTS {
        list.push(prepare(console, name, i64::from(scale), naming)?);
    }
    Ok(JobSpec::AddTenants {
        tenants: super::placement::place(console, list).await?,
        concurrency: None,
        imported: false,
    })
}

/// Starts removing a registered tenant; an id the registry does not know is
/// refused at once (404), saying so when data is stored under it (`purge`).
/// A tenant named by its id or by its registered name ("Acme Corp", look-alikes
/// included), as a person types it on the command line.
pub fn find(console: &Console, id_or_name: &str) -> Result<TenantId, ServiceError> {
    if let Ok(id) = TenantId::parse(id_or_name) {
        return Ok(id);
    }
    match console.store().tenant_by_name(id_or_name.trim())? {
        Some(record) => Ok(record.tenant.id),
        None => Err(ServiceError::NotFound(format!(
            "{:?} is not a tenant id, nor the name of a tenant: scaleout tenant list shows both",
            scaleout_domain::access::text::cut(id_or_name)
        ))),
    }
}

pub fn start_remove(console: &Console, id: TenantId) -> Result<u64, ServiceError> {
    let record = registered_and_free(console, id)?;
    console.start_job(JobSpec::RemoveTenant {
        tenant: id,
        name: Some(record.tenant.name.as_str().to_string()),
    })
}

/// What a removal of `id` would delete (its row: name, documents), refused as
/// [`start_remove`] would refuse it: for the question asked before it.
pub async fn removable(console: &Console, id: TenantId) -> Result<TenantRow, ServiceError> {
    registered_and_free(console, id)?;
    super::reports::tenants(console)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| unknown_tenant(console, id))
}

/// The registered tenant `id`, unless no job holds it (one being onboarded is refused,
/// naming the job).
fn registered_and_free(console: &Console, id: TenantId) -> Result<TenantRecord, ServiceError> {
    if let Some(held) = console.store().holder_of(Lock::Tenant(id))? {
        let record = console.store().tenant(id)?;
        return Err(held.refusal_naming(record.as_ref().map(|r| r.tenant.name.as_str())));
    }
    console
        .store()
        .tenant(id)?
        .ok_or_else(|| unknown_tenant(console, id))
}

/// Starts deleting data stored under a tenant id the registry does not know.
pub async fn start_purge(console: &Console, id: TenantId) -> Result<u64, ServiceError> {
    purgeable(console, id).await?;
    console.start_job(JobSpec::PurgeTenant { tenant: id })
}

/// How many documents are stored under `id`, an id the registry does not know: what a
/// purge would delete. A registered tenant, or an id with nothing stored, is refused.
pub async fn purgeable(console: &Console, id: TenantId) -> Result<u64, ServiceError> {
    if let Some(record) = console.store().tenant(id)? {
        return Err(ServiceError::Conflict(format!(
            "{} ({id}) is a registered tenant: remove it instead (`scaleout tenant remove {id}`)",
            record.tenant.name.as_str()
        )));
    }
    let stored = console.backend().stored_tenants().await?;
    stored.get(&id).copied().ok_or_else(|| {
        ServiceError::NotFound(format!(
            "no data is stored under tenant id {id}: nothing to purge"
        ))
    })
}

/// A well-formed id the registry does not know: what is known of it.
fn unknown_tenant(console: &Console, id: TenantId) -> ServiceError {
    match console.store().removed_tenant(id) {
        Ok(Some(t)) => ServiceError::NotFound(format!(
            "tenant {id} ({}) was already removed",
            t.name
        )),
        _ => ServiceError::NotFound(format!(
            "there is no tenant {id}; `scaleout tenant list` shows them (data stored under an unregistered id is named by `scaleout validate` and removed by `scaleout tenant purge`)"
        )),
    }
}

pub async fn remove(
    console: &Console,
    id: TenantId,
    ctx: &JobCtx,
) -> Result<RemovedTenant, ServiceError> {
    let store = console.store();
    let Some(record) = store.tenant(id)? else {
        // Resumed after the registry forgot it: finish the data, if any is left.
        let tombstone = store
            .removed_tenant(id)?
            .ok_or_else(|| unknown_tenant(console, id))?;
        let removed = console.backend().remove_tenant(id).await?;
        return Ok(RemovedTenant {
            tenant_id: id,
            name: tombstone.name,
            removed_documents: removed,
        });
    };
    let name = record.tenant.name.as_str().to_string();
    store.set_tenant_status(id, TenantStatus::Removing)?;
    ctx.event(
        "remove",
        0,
        1,
        Outcome::Running,
        format!("Removing {name} ({id})"),
    );
    let removed = console.backend().remove_tenant(id).await?;
    store.delete_tenant(id, &name, Some(ctx.job), crate::clock::now_ms())?;
    ctx.event(
        "remove",
        1,
        1,
        Outcome::Ok,
        format!("{name}: {} documents removed", grouped(removed)),
    );
    Ok(RemovedTenant {
        tenant_id: id,
        name,
        removed_documents: removed,
    })
}

/// Deletes the data of an unregistered tenant id (never a registered one).
pub async fn purge(
    console: &Console,
    id: TenantId,
    ctx: &JobCtx,
) -> Result<RemovedTenant, ServiceError> {
    if let Some(record) = console.store().tenant(id)? {
        return Err(ServiceError::Conflict(format!(
            "{} ({id}) is a registered tenant: remove it instead",
            record.tenant.name.as_str()
        )));
    }
    let name = console
        .store()
        .removed_tenant(id)?
        .map_or_else(|| "(unregistered)".to_string(), |t| t.name);
    ctx.event(
        "purge",
        0,
        1,
        Outcome::Running,
        format!("Deleting the data stored under unregistered tenant id {id}"),
    );
    let removed = console.backend().remove_tenant(id).await?;
    ctx.event(
        "purge",
        1,
        1,
        Outcome::Ok,
        format!("{id}: {} documents deleted", grouped(removed)),
    );
    Ok(RemovedTenant {
        tenant_id: id,
        name,
        removed_documents: removed,
    })
}

/// One registered tenant: its row (size, status, placement) and its stored documents per
/// collection against what its scale factor requires.
pub async fn detail(console: &Console, id: TenantId) -> Result<TenantDetail, ServiceError> {
    let row = super::reports::tenants(console)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| ServiceError::NotFound(format!("there is no tenant {id}")))?;
    let counts = console.backend().tenant_counts(id).await?;
    let scale = ScaleFactor::new(row.scale_factor)
        .map_err(|e| ServiceError::Store(format!("tenant {id} has a bad scale factor: {e}")))?;
    let expected = Collection::ALL
        .iter()
        .map(|c| (c.name(row.naming).to_string(), c.expected_count(scale)))
        .collect();
    Ok(TenantDetail {
        counts: named_counts(&counts, row.naming),
        expected,
        row,
    })
}

pub fn named_counts(counts: &BTreeMap<Collection, u64>, naming: Naming) -> BTreeMap<String, u64> {
    counts
        .iter()
        .map(|(c, n)| (c.name(naming).to_string(), *n))
        .collect()
}

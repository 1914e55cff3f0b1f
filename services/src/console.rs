//! The console service: one per process, shared by every request and command.

use std::sync::Arc;
use std::time::Instant;

use futures::Stream;
use scaleout_arangodb::ArangoCluster;
use scaleout_domain::access::Role;
use scaleout_domain::console::{BackendInfo, BackendKind, ConsoleStatus};
use scaleout_domain::port::ClusterBackend;
use scaleout_domain::progress::ProgressEvent;
use scaleout_domain::views::{JobLog, JobState};
use scaleout_embedded::{EmbeddedCluster, EmbeddedConfig};

use crate::access::Access;
use crate::activity::ActivityHub;
use crate::config::ConsoleConfig;
use crate::error::ServiceError;
use crate::jobs::{JobSpec, Jobs};
use crate::preflight;
use crate::store::{files, ConsoleStore, FileState, JobRecord};

/// The console's own file in the data directory: tenant registry, jobs, access.
pub const CONSOLE_DB: &str = "console.db";

/// Entry point to every service; cheap to clone.
#[derive(Clone)]
pub struct Console {
    inner: Arc<Inner>,
}

struct Inner {
    config: ConsoleConfig,
    backend: Arc<dyn ClusterBackend>,
    /// The same back end, when it is ArangoDB: for what only ArangoDB offers
    /// (its own rebalance plan).
    arango: Option<ArangoCluster>,
    store: Arc<ConsoleStore>,
    jobs: Jobs,
    access: Access,
    activity: Arc<ActivityHub>,
    /// The live streams open, and their caps.
    streams: crate::streams::StreamGate,
    started: Instant,
    /// The copy rate of the moves made so far: estimates and deadlines of the next ones.
    move_rate: std::sync::Mutex<scaleout_domain::execution::RateMeter>,
}

impl std::fmt::Debug for Console {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Console")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl Console {
    /// Opens the back end the configuration names: ArangoDB when a URL is
    /// configured, else the embedded store in the data directory (created on
    /// first use).
    pub async fn open(config: ConsoleConfig) -> Result<Self, ServiceError> {
        if let Some(arango) = config.arango.clone() {
            let cluster = ArangoCluster::connect(arango).await?;
            let mut console = Self::with_backend(config, Arc::new(cluster.clone()))?;
            Arc::get_mut(&mut console.inner)
                .expect("not shared yet")
                .arango = Some(cluster);
            crate::operations::schema::check_settings(&console).await?;
            return Ok(console);
        }
        crate::store::create_data_dir(&config.data_dir)?;
        let console_db = config.data_dir.join(CONSOLE_DB);
        let cluster_db = config.embedded_db_path();
        let console_state = FileState::of(&console_db)?;
        let cluster_state = FileState::of(&cluster_db)?;
        if cluster_state.is_new() && !console_state.is_new() {
            let registered = files::registered_tenants(&console_db)?;
            if registered > 0 {
                return Err(ServiceError::Unavailable(format!(
                    "{} is {}, but {} registers {} whose data it held: \
                     restore scaleout.db from a backup, or move console.db away to start a new console",
                    cluster_db.display(),
                    cluster_state.describe(),
                    console_db.display(),
                    scaleout_domain::units::counted(registered, "tenant"),
                )));
            }
        }
        let mut embedded = EmbeddedConfig::in_dir(&config.data_dir);
        if let Some(rate) = config.move_rate_bytes_per_sec {
            embedded.move_rate_bytes_per_sec = rate.max(1);
        }
        let backend = Arc::new(EmbeddedCluster::open(embedded)?);
        if console_state.is_new() && !cluster_state.is_new() {
            let stored = backend.stored_tenants().await?;
            if !stored.is_empty() {
                return Err(ServiceError::Unavailable(format!(
                    "{} is {}, but {} holds the data of {} ({} documents): the tenant \
                     registry and jobs were lost; restore console.db from a backup, or move \
                     scaleout.db away to start a new console",
                    console_db.display(),
                    console_state.describe(),
                    cluster_db.display(),
                    scaleout_domain::units::counted(stored.len() as u64, "tenant"),
                    scaleout_domain::units::grouped(stored.values().sum()),
                )));
            }
        }
        let console = Self::with_backend(config, backend)?;
        crate::operations::schema::check_settings(&console).await?;
        Ok(console)
    }

    /// The ArangoDB cluster, when that is the back end.
    pub fn arango(&self) -> Option<&ArangoCluster> {
        self.inner.arango.as_ref()
    }

    /// A console over a given back end. Jobs that a crashed process left
    /// running are marked interrupted (they can be resumed).
    pub fn with_backend(
        config: ConsoleConfig,
        backend: Arc<dyn ClusterBackend>,
    ) -> Result<Self, ServiceError> {
        let store = Arc::new(ConsoleStore::open(&config.data_dir.join(CONSOLE_DB))?);
        let activity = Arc::new(ActivityHub::default());
        let jobs = Jobs::new(store.clone(), activity.clone());
        jobs.interrupt_orphans()?;
        let access = Access::new(
            store.clone(),
            config.admin_password.as_ref().map(|s| s.0.clone()),
            config.signup.clone(),
        );
        Ok(Self {
            inner: Arc::new(Inner {
                access,
                config,
                backend,
                arango: None,
                jobs,
                store,
                activity,
                streams: Default::default(),
                started: Instant::now(),
                move_rate: Default::default(),
            }),
        })
    }

    /// The copy rate measured on this console's moves so far.
    pub fn move_rate(&self) -> scaleout_domain::execution::RateMeter {
        *self
            .inner
            .move_rate
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// A move finished: its bytes and time refine the measured rate.
    pub fn record_move_rate(&self, bytes: u64, millis: u64) {
        self.inner
            .move_rate
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .record(bytes, millis);
    }

    /// The console's own store: tenant registry and jobs.
    pub fn store(&self) -> &Arc<ConsoleStore> {
        &self.inner.store
    }

    /// Operators, stakeholder links, signups and portals.
    pub fn access(&self) -> &Access {
        &self.inner.access
    }

    /// The audit trail of every change and every refused attempt.
    pub fn audit(&self) -> crate::audit::Audit {
        crate::audit::Audit::new(self.inner.store.clone())
    }

    pub fn jobs(&self) -> &Jobs {
        &self.inner.jobs
    }

    /// What happens in the console, for every page that follows it.
    pub fn activity(&self) -> &ActivityHub {
        &self.inner.activity
    }

    /// Starts a job; returns its id at once.
    pub fn start_job(&self, spec: JobSpec) -> Result<u64, ServiceError> {
        self.inner.jobs.start(self, spec)
    }

    /// [`Console::start_job`], once the spec's arguments are checked against the cluster
    /// (a server to drain exists and is a DB server): what cannot start is refused, not
    /// recorded as a failed job.
    pub async fn start_checked(&self, spec: JobSpec) -> Result<u64, ServiceError> {
        crate::jobs::precheck::check(self, &spec).await?;
        self.start_job(spec)
    }

    /// Runs an interrupted job again (its work is idempotent).
    pub fn resume_job(&self, id: u64) -> Result<u64, ServiceError> {
        self.inner.jobs.resume(self, id)
    }

    /// [`Console::resume_job`], once the job is checked against the cluster: a rebalance
    /// whose remaining moves no longer fit it is refused and stays as it was.
    pub async fn resume_checked(&self, id: u64) -> Result<u64, ServiceError> {
        crate::jobs::precheck::check_resume(self, id).await?;
        self.resume_job(id)
    }

    /// A job with its log: each step's start and end and every outcome, or with
    /// `every_tick` every progress update too.
    pub fn job_log(&self, id: u64, every_tick: bool) -> Result<JobLog, ServiceError> {
        let job = self.job(id)?;
        let all = self.store().events(id, 0)?;
        let events: Vec<_> = if every_tick {
            all.clone()
        } else {
            scaleout_domain::progress::milestones(&all)
                .into_iter()
                .cloned()
                .collect()
        };
        Ok(JobLog {
            job,
            left_out: (all.len() - events.len()) as u64,
            events,
        })
    }

    /// The rebalance the Shards page shows, with its log's milestones: the one moving data
    /// now, or, for a caller who cannot start one (a stakeholder's link, a viewer), the
    /// last one and how it ended. The log comes with the page, so a browser without
    /// scripts (or before its wasm) sees how far the run got, not "Planning…".
    pub fn shown_rebalance(&self, role: Role) -> Result<Option<JobLog>, ServiceError> {
        self.latest_log(role, |j| {
            j.moves_data() && (j.state == JobState::Running || !role.operates())
        })
    }

    /// The latest demo, running or ended, with its log's milestones: the Demo page tells
    /// its steps from them, scripts or not.
    pub fn latest_demo(&self, role: Role) -> Result<Option<JobLog>, ServiceError> {
        self.latest_log(role, |j| j.kind == "demo")
    }

    /// The newest of the recent jobs that `pick` takes, with its log's milestones, as
    /// `role` may see it.
    fn latest_log(
        &self,
        role: Role,
        pick: impl Fn(&JobRecord) -> bool,
    ) -> Result<Option<JobLog>, ServiceError> {
        let Some(job) = self.store().jobs(50)?.into_iter().find(pick) else {
            return Ok(None);
        };
        let mut log = self.job_log(job.id, false)?;
        log.job = crate::visibility::job(log.job, role);
        Ok(Some(log))
    }

    /// Whether some job is running (or queued): a page without scripts, reloading itself
    /// to follow, reloads sooner then.
    pub fn a_job_runs(&self) -> bool {
        self.store()
            .running_jobs()
            .is_ok_and(|running| !running.is_empty())
    }

    /// A job's record (with an end this process could not record yet).
    pub fn job(&self, id: u64) -> Result<JobRecord, ServiceError> {
        self.inner
            .jobs
            .record(id)?
            .ok_or_else(|| ServiceError::NotFound(format!("there is no job {id}")))
    }

    pub fn config(&self) -> &ConsoleConfig {
        &self.inner.config
    }

    /// The cluster port every operation goes through.
    pub fn backend(&self) -> &Arc<dyn ClusterBackend> {
        &self.inner.backend
    }

    /// Describes the back end in use, with nothing secret in it.
    pub fn backend_info(&self) -> BackendInfo {
        let kind = self.inner.backend.kind();
        let location = match kind {
            BackendKind::Embedded => self.inner.config.embedded_db_path().display().to_string(),
            BackendKind::Arangodb => self
                .inner
                .arango
                .as_ref()
                .map(|a| a.location())
                .unwrap_or_default(),
        };
        BackendInfo { kind, location }
    }

    /// Version, back end and uptime, for the dashboard and `scaleout status`.
    pub fn status(&self) -> ConsoleStatus {
        ConsoleStatus {
            version: env!("CARGO_PKG_VERSION").to_string(),
            backend: self.backend_info(),
            uptime_secs: self.inner.started.elapsed().as_secs(),
        }
    }

    /// [`Console::status`] as `role` may see it: where the data lives (a path
    /// on the server, or the ArangoDB address) only for the team.
    pub fn status_for(&self, role: scaleout_domain::access::Role) -> ConsoleStatus {
        let mut status = self.status();
        if crate::visibility::hides_locations(role) {
            status.backend.location.clear();
        }
        status
    }

    /// The live streams open, and their caps.
    pub fn streams(&self) -> &crate::streams::StreamGate {
        &self.inner.streams
    }

    /// Runs the preflight checks, yielding progress as each one finishes.
    /// Dropping the stream stops the checks.
    pub fn preflight(&self) -> impl Stream<Item = ProgressEvent> + Send + 'static {
        preflight::run(
            self.inner.config.clone(),
            self.backend_info(),
            self.inner.backend.clone(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn status_names_the_embedded_store_and_version() {
        let dir = tempfile::tempdir().unwrap();
        let console = Console::open(ConsoleConfig::new(dir.path())).await.unwrap();
        let status = console.status();
        assert_eq!(status.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(status.backend.kind, BackendKind::Embedded);
        assert_eq!(
            status.backend.location,
            dir.path().join("scaleout.db").display().to_string()
        );
        assert!(
            dir.path().join("scaleout.db").is_file(),
            "the store is created on first use"
        );
    }

    #[tokio::test]
    async fn an_unusable_data_dir_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, b"x").unwrap();
        let err = Console::open(ConsoleConfig::new(file.join("data")))
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("cannot create the data directory"),
            "{err}"
        );
        // A file named where the directory should be (a CSV given as --data-dir).
        let err = Console::open(ConsoleConfig::new(file.clone()))
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("is a file, not a directory"),
            "{err}"
        );
    }
}

//! Shard-group moves through ArangoDB's agency jobs: `POST /_admin/cluster/moveShard` on the
//! SmartGraph's initial collection (the other collections follow it: moveShard refuses
//! collections with `distributeShardsLike`), then `GET /_admin/cluster/queryAgencyJob?id=`
//! until the job is Finished or Failed, or `POST /_admin/cluster/cancelAgencyJob` when the
//! caller cancels.
//!
//! Progress: ArangoDB does not say how many bytes a moveShard job has copied, so while the
//! job is Pending progress is an estimate from the group's bytes and the rate measured on
//! earlier moves (marked estimated, never past 95% before the job is Finished); the phase
//! follows the job's status (ToDo: queued; Pending: copying, then switching leader).
//!
//! Deadlines: a job still ToDo after `start_within`, or not ended after `finish_within`,
//! is cancelled and reported with its status and how it ended: never polled for ever.
//!
//! Failures (moves.md): a job goes on in ArangoDB whatever happens to its answers. So a
//! status poll or a cancel that fails for a while is asked again; a move's lost answer is
//! never resent, and says the move may run; a job the console can no longer follow is
//! named, and its group takes no new job until it has ended; and a user who could start a
//! move but neither follow nor cancel it (not an admin) starts none.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};

use scaleout_domain::execution::ASSUMED_RATE;
use scaleout_domain::port::{
    BackendError, CancelFlag, MoveDeadline, MovePhase, MoveProgress, MoveRequest, ProgressFn,
    ReplicaRole, ServerHealth, ServerInfo, ServerRole, ShardGroup,
};

use crate::client::{Call, Client, Retry};
use crate::error::{codes, ArangoError};

/// How often a waiting move looks at its cancel flag.
const CANCEL_CHECK: Duration = Duration::from_millis(50);

/// An agency job's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobStatus {
    ToDo,
    Pending,
    Finished,
    /// With ArangoDB's reason when it gave one.
    Failed(Option<String>),
}

/// Reads `GET /_admin/cluster/queryAgencyJob?id=`: flat (`{"status":...}`) or, from older
/// releases, nested (`{"job":{"status":...}}`).
pub fn parse_job_status(v: &Value) -> Result<JobStatus, String> {
    let node = if v.get("status").is_some() {
        v
    } else {
        v.get("job").ok_or("no status in the answer")?
    };
    let status = node
        .get("status")
        .and_then(Value::as_str)
        .ok_or("the job status is not a string")?;
    let reason = || {
        node.get("reason")
            .or_else(|| v.get("reason"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    match status.to_ascii_lowercase().as_str() {
        "todo" => Ok(JobStatus::ToDo),
        "pending" => Ok(JobStatus::Pending),
        "finished" => Ok(JobStatus::Finished),
        "failed" => Ok(JobStatus::Failed(reason())),
        other => Err(format!("unknown job status {other}")),
    }
}

/// The job id in a moveShard / cleanOutServer answer (`{"id":"..."}`, string or number).
pub fn parse_job_id(v: &Value) -> Result<String, String> {
    match v.get("id") {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        _ => Err("no job id in the answer".into()),
    }
}

/// The body of `POST /_admin/cluster/moveShard`; servers are long ids. `remainsFollower`
/// is sent explicitly because ArangoDB defaults it to true, which would leave a moved
/// leader behind as an extra follower: only a leader switch (onto a follower) keeps the old
/// leader, as a follower.
pub fn move_body(database: &str, collection: &str, shard: &str, servers: &CheckedMove) -> Value {
    json!({"database": database, "collection": collection, "shard": shard,
           "fromServer": servers.from_id, "toServer": servers.to_id,
           "remainsFollower": servers.leader_switch})
}

/// A move that passed [`check_move`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedMove {
    pub from_id: String,
    pub to_id: String,
    /// The leader moves onto one of its followers: roles swap, no data is copied.
    pub leader_switch: bool,
}

/// Checks a move against the group's placement and the servers' health, as the embedded
/// back end does. A leader moved onto one of its in-sync followers is a leader switch, as
/// in ArangoDB.
pub fn check_move(
    group: &ShardGroup,
    request: &MoveRequest,
    servers: &[ServerInfo],
) -> Result<CheckedMove, BackendError> {
    let g = request.group;
    if request.from == request.to {
        return Err(BackendError::Invalid(format!(
            "shard group {g} is already on {}",
            request.to
        )));
    }
    match request.role {
        ReplicaRole::Leader if group.leader != request.from => {
            return Err(BackendError::Conflict(format!(
                "shard group {g} is led by {}, not {}",
                group.leader, request.from
            )))
        }
        ReplicaRole::Follower if !group.followers.contains(&request.from) => {
            return Err(BackendError::Conflict(format!(
                "{} holds no follower of shard group {g}",
                request.from
            )))
        }
        _ => {}
    }
    // A switch onto a follower still catching up is sent all the same: ArangoDB holds the
    // job in ToDo until the follower is in sync on every clone (moves.md), and the move's
    // start deadline bounds the wait. Refusing here failed a plan's switch right after the
    // move that made the follower, while Current still lagged Plan.
    let leader_switch =
        request.role == ReplicaRole::Leader && group.followers.contains(&request.to);
    if !leader_switch && (group.leader == request.to || group.followers.contains(&request.to)) {
        return Err(BackendError::Conflict(format!(
            "{} already holds a replica of shard group {g}: two replicas of a group never share a server",
            request.to
        )));
    }
    let find = |name: &str| -> Result<&ServerInfo, BackendError> {
        let s = servers
            .iter()
            .find(|s| s.short_name == name || s.id == name)
            .ok_or_else(|| {
                BackendError::NotFound(format!("there is no server {name} in the cluster"))
            })?;
        if s.role != ServerRole::DbServer {
            return Err(BackendError::Invalid(format!("{name} is not a DB server")));
        }
        Ok(s)
    };
    let from = find(&request.from)?;
    let to = find(&request.to)?;
    if to.health != ServerHealth::Good {
        return Err(BackendError::Conflict(format!(
            "{} is not healthy: a shard never moves onto a failed server",
            request.to
        )));
    }
    Ok(CheckedMove {
        from_id: from.id.clone(),
        to_id: to.id.clone(),
        leader_switch,
    })
}

/// Starts the job; returns its id.
pub async fn start(client: &Client, body: &Value, what: &str) -> Result<String, BackendError> {
    // Never repeated after a timeout or a 503: the agency write may have landed, and a
    // second request would be a second job for the same shard.
    let call = Call::new(Method::POST, ["_admin", "cluster", "moveShard"])
        .json(body)
        .retry(Retry::Once);
    let v: Value = match client.json(call).await {
        Ok(v) => v,
        Err(e) if passing(&e) => {
            return Err(BackendError::Unavailable(format!(
                "{e}. The request to start {what} may have reached ArangoDB all the same, and \
                 the move may run as a job of its own: before moving this group again, look for \
                 it (GET /_admin/cluster/rebalance counts todoMoveShards and pendingMoveShards) \
                 or wait until the shards page shows the group where it was meant to go"
            )))
        }
        Err(e) => return Err(e.into()),
    };
    parse_job_id(&v).map_err(|m| BackendError::Storage(format!("unexpected moveShard answer: {m}")))
}

/// A failure that may pass (a Coordinator restarting, the agency electing a leader, an
/// answer lost on the way): worth asking again rather than giving up on a running job.
fn passing(e: &ArangoError) -> bool {
    matches!(
        e,
        ArangoError::Timeout { .. }
            | ArangoError::Transport { .. }
            | ArangoError::Api {
                status: 503 | 504,
                ..
            }
    ) || matches!(
        e.error_num(),
        Some(codes::CLUSTER_BACKEND_UNAVAILABLE | codes::CLUSTER_TIMEOUT)
    )
}

/// The user may not do this, whatever happens next (moves.md: queryAgencyJob and
/// cancelAgencyJob need admin, so a user may start a move it cannot watch or stop).
fn refused(e: &ArangoError) -> bool {
    matches!(
        e,
        ArangoError::Unauthorized { .. }
            | ArangoError::NoAccess { .. }
            | ArangoError::Api {
                status: 401 | 403,
                ..
            }
    )
}

async fn status(client: &Client, job: &str) -> Result<JobStatus, ArangoError> {
    let call = Call::new(Method::GET, ["_admin", "cluster", "queryAgencyJob"]).query("id", job);
    let v: Value = client.json(call).await?;
    parse_job_status(&v).map_err(|message| ArangoError::Decode {
        operation: format!("GET /_admin/cluster/queryAgencyJob?id={job}"),
        message,
    })
}

async fn cancel_job(client: &Client, job: &str) -> Result<(), ArangoError> {
    // Writing the abort flag twice does no harm: asked again after a lost answer.
    let call = Call::new(Method::POST, ["_admin", "cluster", "cancelAgencyJob"])
        .json(&json!({"id": job}))
        .retry(Retry::Idempotent);
    client.send(call).await?;
    Ok(())
}

/// What this console knows of the agency jobs it starts: whether its user may follow
/// them, and which jobs it lost sight of while they may still run, so that a group is
/// not sent a second job while a first one may still be moving it.
#[derive(Debug, Default)]
pub struct JobBook {
    may_follow: AtomicBool,
    lost: Mutex<HashMap<u32, String>>,
}

impl JobBook {
    /// Before a move of `group`: refuses a move its user could start but neither follow
    /// nor cancel, and one of a group whose earlier job, lost sight of, still runs.
    pub async fn clear_to_move(&self, client: &Client, group: u32) -> Result<(), BackendError> {
        if !self.may_follow.load(Ordering::Relaxed) {
            // A job id ArangoDB never gives: an admin is told it is unknown (404).
            match status(client, "0").await {
                Ok(_) => {}
                Err(e) if e.is_not_found() => {}
                Err(e) if refused(&e) => {
                    return Err(BackendError::Storage(format!(
                        "{e}. The user may start shard moves but not follow or cancel them \
                         (queryAgencyJob and cancelAgencyJob need an admin user), so no move is \
                         started: connect as an admin user (--arango-user, ARANGO_USER)"
                    )))
                }
                Err(e) => return Err(e.into()),
            }
            self.may_follow.store(true, Ordering::Relaxed);
        }
        let lost = crate::cluster::lock(&self.lost).get(&group).cloned();
        if let Some(job) = lost {
            match status(client, &job).await {
                Ok(JobStatus::ToDo | JobStatus::Pending) => {
                    return Err(BackendError::Conflict(format!(
                        "shard group {group} is still being moved by ArangoDB job {job}, which an \
                         earlier move lost sight of: wait until it ends (GET \
                         /_admin/cluster/queryAgencyJob?id={job}), then plan again"
                    )))
                }
                Ok(_) => {}
                Err(e) if e.is_not_found() => {}
                Err(e) => return Err(e.into()),
            }
            crate::cluster::lock(&self.lost).remove(&group);
        }
        Ok(())
    }

    /// `job`, moving `group`, may still run: no new move of the group until it has ended.
    pub fn lost_sight(&self, group: u32, job: &str) {
        crate::cluster::lock(&self.lost).insert(group, job.to_owned());
    }
}

/// How ArangoDB ended a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    Finished,
    /// Failed, with ArangoDB's reason; `cancelled` when it ended after our cancel. The
    /// group may be where it was, or (a leader move aborted forwards) on the target.
    Failed {
        reason: Option<String>,
        cancelled: bool,
    },
    /// Past its deadline: `status` is what it was then, `after` how long it had run,
    /// `done` what was done about it, for people; `still_running` when it may go on.
    TimedOut {
        status: JobStatus,
        after: Duration,
        done: String,
        still_running: bool,
    },
    /// ArangoDB would no longer say how the job is doing, or would not stop it: it may
    /// still run. The error says so and names the job.
    Lost(BackendError),
}

/// How long a cancelled job may take to end: ArangoDB's supervision acts on the abort
/// flag within seconds; past this, the run stops saying the job may still go on. Also how
/// long ArangoDB may fail to say how a job is doing before the move stops following it.
const ABORT_WAIT: Duration = Duration::from_secs(120);

/// An estimate never claims more than this share of a running copy.
const ESTIMATE_CAP: f64 = 0.95;

/// A started job, as [`wait`] follows it.
pub struct Watch<'a> {
    pub request: &'a MoveRequest,
    pub job: &'a str,
    /// The group's bytes (0 for a leader switch).
    pub bytes: u64,
    pub leader_switch: bool,
    pub deadline: &'a MoveDeadline,
    /// When the job was created.
    pub started: Instant,
    pub poll: Duration,
}

impl Watch<'_> {
    /// Progress for a job in `status`, Pending since `pending_since`.
    fn progress(&self, status: &JobStatus, pending_since: Option<Instant>) -> MoveProgress {
        let bytes_total = self.bytes;
        match (status, pending_since) {
            (JobStatus::Pending, Some(since)) if !self.leader_switch => {
                let rate = self.deadline.expected_rate.unwrap_or(ASSUMED_RATE);
                let guess = (since.elapsed().as_secs_f64() * rate)
                    .min(bytes_total as f64 * ESTIMATE_CAP) as u64;
                let copied = guess as f64 >= bytes_total as f64 * ESTIMATE_CAP;
                MoveProgress {
                    bytes_done: guess,
                    bytes_total,
                    phase: if copied && self.request.role == ReplicaRole::Leader {
                        MovePhase::SwitchingLeader
                    } else {
                        MovePhase::Copying
                    },
                    estimated: true,
                }
            }
            (JobStatus::Pending, _) => MoveProgress {
                bytes_done: 0,
                bytes_total,
                phase: MovePhase::SwitchingLeader,
                estimated: false,
            },
            (JobStatus::Finished, _) => MoveProgress {
                bytes_done: bytes_total,
                bytes_total,
                phase: MovePhase::Done,
                estimated: false,
            },
            _ => MoveProgress {
                bytes_done: 0,
                bytes_total,
                phase: MovePhase::Queued,
                estimated: false,
            },
        }
    }

    /// The deadline this job, in `status`, has passed (which limit, for people).
    fn overdue(&self, status: &JobStatus) -> Option<&'static str> {
        let elapsed = self.started.elapsed();
        if *status == JobStatus::ToDo && elapsed >= self.deadline.start_within {
            Some("ArangoDB had not started it within --move-timeout")
        } else if elapsed >= self.deadline.finish_within {
            Some("it had not ended within its limit (--move-timeout plus three times its bytes at the measured rate)")
        } else {
            None
        }
    }
}

/// Waits for the job to end, reporting progress, cancelling it when `cancel` is set or
/// when it misses its deadline. Returns only once ArangoDB has ended the job (the caller
/// holds the group's move slot until then), or once ArangoDB would no longer say how it
/// is doing, or would not stop it ([`Ended::Lost`], `still_running`).
pub async fn wait(
    client: &Client,
    watch: &Watch<'_>,
    progress: ProgressFn<'_>,
    cancel: &CancelFlag,
) -> Ended {
    let what = describe(watch.request, watch.job);
    let mut pending_since = None;
    let mut unanswered_since = None;
    loop {
        let next_poll = Instant::now() + watch.poll;
        while Instant::now() < next_poll {
            if cancel.is_cancelled() {
                return stop(client, watch.job, watch.poll, &what).await;
            }
            tokio::time::sleep(
                CANCEL_CHECK.min(next_poll.saturating_duration_since(Instant::now())),
            )
            .await;
        }
        let status = match status(client, watch.job).await {
            Ok(status) => status,
            // The job goes on in ArangoDB whatever its answers do: keep asking.
            Err(e) if passing(&e) => {
                let since = *unanswered_since.get_or_insert_with(Instant::now);
                if since.elapsed() < ABORT_WAIT {
                    tracing::warn!(job = watch.job, error = %e, "no word on a move's job; asking again");
                    continue;
                }
                return Ended::Lost(lost(&what, watch.job, &e));
            }
            Err(e) => return Ended::Lost(lost(&what, watch.job, &e)),
        };
        unanswered_since = None;
        match &status {
            JobStatus::Finished => return Ended::Finished,
            JobStatus::Failed(reason) => {
                return Ended::Failed {
                    reason: reason.clone(),
                    cancelled: false,
                }
            }
            JobStatus::Pending => {
                pending_since.get_or_insert_with(Instant::now);
            }
            JobStatus::ToDo => {}
        }
        if let Some(limit) = watch.overdue(&status) {
            let after = watch.started.elapsed();
            tracing::warn!(
                job = watch.job,
                ?status,
                "a move missed its deadline: cancelling it"
            );
            let (done, still_running) = match stop(client, watch.job, watch.poll, &what).await {
                Ended::Finished => return Ended::Finished,
                Ended::Failed { reason, .. } => (
                    format!(
                        "{limit}, so it was cancelled: ArangoDB ended the job as Failed ({})",
                        reason.unwrap_or_else(|| "no reason given".into())
                    ),
                    false,
                ),
                Ended::TimedOut {
                    done,
                    still_running,
                    ..
                } => (done, still_running),
                Ended::Lost(e) => (format!("{limit}; cancelling it did not end it: {e}"), true),
            };
            return Ended::TimedOut {
                status,
                after,
                done,
                still_running,
            };
        }
        progress(watch.progress(&status, pending_since));
    }
}

/// The error of a job this console no longer follows: it names the job, since it may
/// still run.
fn lost(what: &str, job: &str, e: &ArangoError) -> BackendError {
    let message = format!(
        "lost sight of {what}: {e}. ArangoDB may still be running the job: look it up \
         (GET /_admin/cluster/queryAgencyJob?id={job}) before moving this group again"
    );
    if passing(e) {
        BackendError::Unavailable(message)
    } else {
        BackendError::Storage(message)
    }
}

/// A job status for people: "ToDo (not started)".
pub fn status_label(status: &JobStatus) -> String {
    match status {
        JobStatus::ToDo => "ToDo (not started)".into(),
        JobStatus::Pending => "Pending (running)".into(),
        JobStatus::Finished => "Finished".into(),
        JobStatus::Failed(Some(r)) => format!("Failed ({r})"),
        JobStatus::Failed(None) => "Failed".into(),
    }
}

/// "the move of shard group 3 from A to B (ArangoDB job 17)".
pub fn describe(request: &MoveRequest, job: &str) -> String {
    format!("{} (ArangoDB job {job})", describe_move(request))
}

/// "the move of shard group 3 from A to B".
pub fn describe_move(request: &MoveRequest) -> String {
    format!(
        "the move of shard group {} from {} to {}",
        request.group, request.from, request.to
    )
}

/// Cancels `job`: ArangoDB only sets an abort flag, so this waits until the supervision
/// has ended the job (Finished, or Failed), never assuming where the group is. A cancel
/// whose answer was lost is asked again (the flag may or may not have been written).
async fn stop(client: &Client, job: &str, poll: Duration, what: &str) -> Ended {
    let mut asked = cancel_job(client, job).await;
    let deadline = Instant::now() + ABORT_WAIT;
    loop {
        match status(client, job).await {
            Ok(JobStatus::Finished) => {
                tracing::info!(job, "a cancelled move finished all the same");
                return Ended::Finished;
            }
            Ok(JobStatus::Failed(reason)) => {
                return Ended::Failed {
                    reason,
                    cancelled: true,
                }
            }
            Ok(state) => match &asked {
                // Refused for good while it still runs: it goes on, and says so.
                Err(e) if refused(e) => {
                    return Ended::Lost(BackendError::Conflict(format!(
                        "{what} could not be cancelled and goes on in ArangoDB ({state:?}): {e}"
                    )))
                }
                Err(e) if passing(e) => {
                    tracing::warn!(job, error = %e, "no answer to a cancel; asking again");
                    asked = cancel_job(client, job).await;
                }
                // Anything else (400 or 412: no longer cancellable) means it is ending.
                _ => {}
            },
            Err(e) if passing(&e) => {
                tracing::warn!(job, error = %e, "no word on a cancelled job; asking again");
            }
            Err(e) => return Ended::Lost(lost(what, job, &e)),
        }
        if Instant::now() >= deadline {
            return Ended::Lost(BackendError::Conflict(format!(
                "{what} was asked to stop, but ArangoDB has not ended the job after {} s: it may \
                 still finish; see queryAgencyJob?id={job}",
                ABORT_WAIT.as_secs()
            )));
        }
        tokio::time::sleep(poll.max(CANCEL_CHECK)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn job_status_flat_and_nested() {
        assert_eq!(
            parse_job_status(&json!({"error": false, "id": "1", "status": "Pending"})),
            Ok(JobStatus::Pending)
        );
        assert_eq!(
            parse_job_status(
                &json!({"error": false, "id": "1", "job": {"status": "ToDo", "type": "moveShard"}})
            ),
            Ok(JobStatus::ToDo)
        );
        assert_eq!(
            parse_job_status(&json!({"status": "Failed", "reason": "no in-sync follower"})),
            Ok(JobStatus::Failed(Some("no in-sync follower".into())))
        );
        assert_eq!(
            parse_job_status(&json!({"status": "Finished"})),
            Ok(JobStatus::Finished)
        );
        assert!(parse_job_status(&json!({"status": "Weird"})).is_err());
        assert!(parse_job_status(&json!({})).is_err());
        assert_eq!(parse_job_id(&json!({"id": "77"})), Ok("77".into()));
        assert_eq!(parse_job_id(&json!({"id": 77})), Ok("77".into()));
        assert!(parse_job_id(&json!({"id": ""})).is_err());
    }

    fn servers() -> Vec<ServerInfo> {
        let mk = |i: u32, role, health| ServerInfo {
            id: format!("PRMR-{i}"),
            short_name: format!("DBServer000{i}"),
            role,
            health,
        };
        vec![
            mk(1, ServerRole::DbServer, ServerHealth::Good),
            mk(2, ServerRole::DbServer, ServerHealth::Good),
            mk(3, ServerRole::DbServer, ServerHealth::Good),
            mk(4, ServerRole::DbServer, ServerHealth::Failed),
            mk(5, ServerRole::Coordinator, ServerHealth::Good),
        ]
    }

    #[test]
    fn moves_are_checked_like_the_embedded_back_end() {
        let group = ShardGroup {
            index: 0,
            leader: "DBServer0001".into(),
            followers: vec!["DBServer0002".into()],
            documents: 0,
            bytes: 0,
            tenants: vec![],
            in_sync: true,
            available: true,
        };
        let req = |from: &str, to: &str, role| MoveRequest {
            group: 0,
            from: from.into(),
            to: to.into(),
            role,
        };
        let s = servers();
        let checked = |from: &str, to: &str, switch| CheckedMove {
            from_id: from.into(),
            to_id: to.into(),
            leader_switch: switch,
        };
        assert_eq!(
            check_move(
                &group,
                &req("DBServer0001", "DBServer0003", ReplicaRole::Leader),
                &s
            ),
            Ok(checked("PRMR-1", "PRMR-3", false))
        );
        assert_eq!(
            check_move(
                &group,
                &req("DBServer0002", "DBServer0003", ReplicaRole::Follower),
                &s
            ),
            Ok(checked("PRMR-2", "PRMR-3", false))
        );
        assert_eq!(
            check_move(
                &group,
                &req("DBServer0001", "DBServer0002", ReplicaRole::Leader),
                &s
            ),
            Ok(checked("PRMR-1", "PRMR-2", true)),
            "a leader switch"
        );
        let conflict = |r| matches!(check_move(&group, &r, &s), Err(BackendError::Conflict(_)));
        assert!(conflict(req(
            "DBServer0002",
            "DBServer0003",
            ReplicaRole::Leader
        )));
        assert!(conflict(req(
            "DBServer0002",
            "DBServer0001",
            ReplicaRole::Follower
        )));
        assert!(conflict(req(
            "DBServer0001",
            "DBServer0004",
            ReplicaRole::Leader
        )));
        // A follower still catching up: the switch goes to ArangoDB, which delays it.
        let lagging = ShardGroup {
            in_sync: false,
            ..group.clone()
        };
        assert_eq!(
            check_move(
                &lagging,
                &req("DBServer0001", "DBServer0002", ReplicaRole::Leader),
                &s
            ),
            Ok(checked("PRMR-1", "PRMR-2", true))
        );
        assert!(matches!(
            check_move(
                &group,
                &req("DBServer0001", "DBServer0009", ReplicaRole::Leader),
                &s
            ),
            Err(BackendError::NotFound(_))
        ));
        assert!(matches!(
            check_move(
                &group,
                &req("DBServer0001", "DBServer0001", ReplicaRole::Leader),
                &s
            ),
            Err(BackendError::Invalid(_))
        ));
        let body = move_body(
            "db",
            "DeviceProxyOut",
            "s1",
            &checked("PRMR-1", "PRMR-3", false),
        );
        assert_eq!(body["fromServer"], "PRMR-1");
        assert_eq!(body["collection"], "DeviceProxyOut");
        assert_eq!(body["remainsFollower"], false);
    }
}

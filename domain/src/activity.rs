//! What happens in the console, as one stream every page that shows cluster
//! state follows: a job started, a step of it ended (a move landed), a job
//! ended, servers or signups changed. Pages refresh what they show from it
//! instead of each polling; a job's own detailed progress stays on the job's
//! stream.

use serde::{Deserialize, Serialize};

use crate::progress::Outcome;
use crate::views::JobState;

/// One thing that happened, stamped by the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    /// Order within this server's stream.
    pub seq: u64,
    /// Milliseconds since the Unix epoch, when the server published it.
    pub at_ms: i64,
    pub what: Happening,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Happening {
    JobStarted {
        job: u64,
        job_kind: String,
    },
    /// A step of a job ended (loading done, a move landed); not every
    /// progress tick, which stays on the job's own stream.
    JobProgressed {
        job: u64,
        job_kind: String,
        step: String,
        outcome: Outcome,
        message: String,
    },
    JobEnded {
        job: u64,
        job_kind: String,
        state: JobState,
    },
    /// A DB server failed or was restored outside any job.
    ServersChanged,
    /// A signup was taken, approved, rejected or changed state.
    SignupsChanged,
    /// Something was recorded in the audit trail (an account changed, a change was
    /// made or refused): the access page refreshes. Says nothing of what.
    Audited,
    /// The watcher fell behind and missed events: refresh everything.
    Resync,
    /// The session watching ended (its link was revoked or expired, or it
    /// logged out): the page reloads and shows why.
    SessionEnded {
        reason: String,
    },
}

impl Activity {
    /// One line of the newline-framed stream.
    pub fn to_line(&self) -> String {
        let mut line = serde_json::to_string(self).expect("activity always serialises");
        line.push('\n');
        line
    }

    /// Whether what a page shows of the cluster (tiles, tables, the heat map)
    /// may have changed.
    pub fn changes_cluster(&self) -> bool {
        match &self.what {
            Happening::JobStarted { .. }
            | Happening::JobEnded { .. }
            | Happening::ServersChanged
            | Happening::Resync => true,
            Happening::JobProgressed { outcome, .. } => *outcome != Outcome::Running,
            Happening::SignupsChanged | Happening::Audited | Happening::SessionEnded { .. } => {
                false
            }
        }
    }

    /// The job this is about, with its kind.
    pub fn job(&self) -> Option<(u64, &str)> {
        match &self.what {
            Happening::JobStarted { job, job_kind }
            | Happening::JobProgressed { job, job_kind, .. }
            | Happening::JobEnded { job, job_kind, .. } => Some((*job, job_kind.as_str())),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::LineDecoder;

    #[test]
    fn activity_travels_as_lines() {
        let sent = vec![
            Activity {
                seq: 0,
                at_ms: 1,
                what: Happening::JobStarted {
                    job: 7,
                    job_kind: "demo".into(),
                },
            },
            Activity {
                seq: 1,
                at_ms: 2,
                what: Happening::JobEnded {
                    job: 7,
                    job_kind: "demo".into(),
                    state: JobState::Succeeded,
                },
            },
        ];
        let wire: String = sent.iter().map(Activity::to_line).collect();
        let mut decoder = LineDecoder::<Activity>::default();
        let got: Vec<Activity> = decoder
            .push(&wire)
            .into_iter()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(got, sent);
        assert!(got.iter().all(Activity::changes_cluster));
        assert_eq!(got[0].job(), Some((7, "demo")));
    }
}

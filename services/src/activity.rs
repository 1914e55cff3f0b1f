//! The console's activity: one broadcast that jobs, servers and signups
//! publish to, and every page showing cluster state follows (see
//! `scaleout_domain::activity`). Jobs of another process (a CLI beside the
//! server) are noticed by [`ActivityHub::notice_other_processes`].

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use futures::Stream;
pub use scaleout_domain::activity::{Activity, Happening};
use scaleout_domain::views::JobState;
use tokio::sync::broadcast::{self, error::RecvError, error::TryRecvError};

use crate::clock::now_ms;
use crate::console::Console;

/// Events a slow watcher may fall behind by before it is told to resync.
const CAPACITY: usize = 1024;

/// Happenings kept for watchers that come back after a cut (see [`follow`]).
const KEPT: usize = 256;

/// How often a watcher's session is checked (a revoked link's page switches).
use crate::streams::SESSION_CHECK;

pub struct ActivityHub {
    tx: broadcast::Sender<Activity>,
    seq: AtomicU64,
    /// The latest happenings, in order: a watcher whose connection dropped for a moment
    /// (a phone) gets what it missed, a job's start included, not only "resync".
    recent: Mutex<std::collections::VecDeque<Activity>>,
    /// Jobs this process published the start of, and the states seen of
    /// other processes' jobs: what the store poll has already told.
    told: Mutex<Told>,
}

#[derive(Default)]
struct Told {
    here: HashSet<u64>,
    others: HashMap<u64, JobState>,
    /// The jobs there were when the server started were taken as known.
    primed: bool,
    /// The store's count of signup changes at the last look.
    signups: Option<u64>,
}

impl Default for ActivityHub {
    fn default() -> Self {
        let (tx, _) = broadcast::channel(CAPACITY);
        ActivityHub {
            tx,
            seq: AtomicU64::new(0),
            recent: Mutex::new(std::collections::VecDeque::with_capacity(KEPT)),
            told: Mutex::new(Told::default()),
        }
    }
}

impl ActivityHub {
    pub fn publish(&self, what: Happening) {
        if let Happening::JobStarted { job, .. } = &what {
            self.told
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .here
                .insert(*job);
        }
        // Numbered, kept and sent in one step, so the kept ones are in order and a
        // watcher that reads them after subscribing can tell which it has already.
        let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        let activity = Activity {
            seq: self.seq.fetch_add(1, Ordering::SeqCst),
            at_ms: now_ms(),
            what,
        };
        if recent.len() == KEPT {
            recent.pop_front();
        }
        recent.push_back(activity.clone());
        // Nobody watching is fine.
        let _ = self.tx.send(activity);
    }

    /// The happenings from `since` on (`since`: a count of [`Self::published`]), if they
    /// are all still kept.
    fn since(&self, since: u64) -> Option<Vec<Activity>> {
        let recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        let oldest = recent.front().map_or(self.published(), |a| a.seq);
        (oldest <= since).then(|| recent.iter().filter(|a| a.seq >= since).cloned().collect())
    }

    /// How many happenings were published so far. A page rendered when it was N, that
    /// starts following later, has missed something when it is more by then.
    pub fn published(&self) -> u64 {
        self.seq.load(Ordering::SeqCst)
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Activity> {
        self.tx.subscribe()
    }

    /// Watchers now: for the figures.
    pub fn watchers(&self) -> usize {
        self.tx.receiver_count()
    }

    /// Publishes the starts and ends of jobs run by other processes, and changes they
    /// made to signups (declined, approved, its portal closed), read from the store
    /// (the server calls this every second).
    pub fn notice_other_processes(&self, console: &Console) {
        let Ok(recent) = console.store().jobs(50) else {
            return;
        };
        let signups = console.store().signups_changed().ok();
        let mut news = Vec::new();
        {
            let mut told = self.told.lock().unwrap_or_else(|p| p.into_inner());
            // A change made here was told already; telling it again costs a page a read.
            let before = std::mem::replace(&mut told.signups, signups);
            if told.primed && signups.is_some() && before != signups {
                news.push(Happening::SignupsChanged);
            }
            let primed = std::mem::replace(&mut told.primed, true);
            for job in recent {
                if told.here.contains(&job.id) {
                    continue;
                }
                let before = told.others.insert(job.id, job.state);
                if !primed {
                    continue; // what was there before the server started is no news
                }
                let kind = job.kind.clone();
                match before {
                    None => {
                        news.push(Happening::JobStarted {
                            job: job.id,
                            job_kind: kind.clone(),
                        });
                        // Begun and ended between two looks (a quick CLI command).
                        if job.state.is_finished() {
                            news.push(Happening::JobEnded {
                                job: job.id,
                                job_kind: kind,
                                state: job.state,
                            });
                        }
                    }
                    Some(old) if old != job.state => {
                        if !job.state.is_finished() {
                            news.push(Happening::JobStarted {
                                job: job.id,
                                job_kind: kind.clone(),
                            });
                        } else {
                            news.push(Happening::JobEnded {
                                job: job.id,
                                job_kind: kind,
                                state: job.state,
                            });
                        }
                    }
                    _ => {}
                }
            }
        }
        for what in news {
            self.publish(what);
        }
    }
}

/// The activity as one watcher follows it: every event from now on, a
/// `Resync` when it fell behind, and a `SessionEnded` (then the end) when
/// `session` (a viewer's or operator's token) stops being valid. Events that
/// are already waiting come together in one batch (one write to the
/// watcher's connection, not one per event: a burst reaches 500 watchers in
/// well under 100 ms).
///
/// `since`: what [`ActivityHub::published`] was when the watcher's page was rendered, or
/// one past the last happening it saw before its connection dropped. What happened since
/// (the seconds a phone takes to load the page's code, or was offline) comes first: each
/// happening while they are kept (a job started meanwhile is followed), else a `Resync`,
/// so the page catches up instead of showing what it had until the next event.
pub fn follow(
    console: &Console,
    session: Option<String>,
    since: Option<u64>,
) -> impl Stream<Item = Vec<Activity>> + Send + 'static {
    struct State {
        console: Console,
        rx: broadcast::Receiver<Activity>,
        session: Option<String>,
        ticks: tokio::time::Interval,
        done: bool,
        first: Option<Vec<Activity>>,
        /// Happenings below this were in the replay.
        skip_to: u64,
    }
    let mut ticks = tokio::time::interval(SESSION_CHECK);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Subscribed first, then compared: nothing falls between the two. What the replay
    // holds may also arrive from the subscription: `skip_to` drops it there.
    let rx = console.activity().subscribe();
    let missed = since.filter(|seen| console.activity().published() > *seen);
    let first = missed.map(|seen| {
        console
            .activity()
            .since(seen)
            .filter(|replay| !replay.is_empty())
            .unwrap_or_else(|| vec![synthetic(Happening::Resync)])
    });
    let skip_to = first
        .as_ref()
        .and_then(|f| f.last())
        .filter(|a| a.seq != u64::MAX)
        .map_or(0, |a| a.seq + 1);
    let state = State {
        first,
        skip_to,
        rx,
        console: console.clone(),
        session,
        ticks,
        done: false,
    };
    futures::stream::unfold(state, |mut s| async move {
        if s.done {
            return None;
        }
        if let Some(first) = s.first.take() {
            return Some((first, s));
        }
        loop {
            tokio::select! {
                received = s.rx.recv() => match received {
                    Ok(activity) => {
                        let mut batch = vec![activity];
                        loop {
                            match s.rx.try_recv() {
                                Ok(more) => batch.push(more),
                                Err(TryRecvError::Lagged(_)) => batch.push(synthetic(Happening::Resync)),
                                Err(_) => break,
                            }
                        }
                        batch.retain(|a| a.seq >= s.skip_to);
                        if batch.is_empty() {
                            continue;
                        }
                        return Some((batch, s));
                    }
                    Err(RecvError::Lagged(_)) => {
                        return Some((vec![synthetic(Happening::Resync)], s));
                    }
                    Err(RecvError::Closed) => return None,
                },
                _ = s.ticks.tick() => {
                    if let Some(reason) = s.session.as_deref().and_then(|t| crate::streams::session_ended(&s.console, t)) {
                        s.done = true;
                        return Some((vec![synthetic(Happening::SessionEnded { reason })], s));
                    }
                }
            }
        }
    })
}

fn synthetic(what: Happening) -> Activity {
    Activity {
        seq: u64::MAX,
        at_ms: now_ms(),
        what,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_watcher_back_after_a_cut_gets_what_it_missed_while_it_is_kept() {
        let hub = ActivityHub::default();
        for _ in 0..10 {
            hub.publish(Happening::ServersChanged);
        }
        let missed = hub.since(7).unwrap();
        assert_eq!(missed.iter().map(|a| a.seq).collect::<Vec<_>>(), [7, 8, 9]);
        assert_eq!(hub.since(10), Some(Vec::new()));
        // Older than what is kept: only "resync" can say it.
        for _ in 0..KEPT {
            hub.publish(Happening::ServersChanged);
        }
        assert_eq!(hub.since(9), None);
        assert_eq!(hub.since(10).map(|m| m.len()), Some(KEPT));
    }
}

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

/// How often a watcher's session is checked (a revoked link's page switches).
use crate::streams::SESSION_CHECK;

pub struct ActivityHub {
    tx: broadcast::Sender<Activity>,
    seq: AtomicU64,
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
        let activity = Activity {
            seq: self.seq.fetch_add(1, Ordering::SeqCst),
            at_ms: now_ms(),
            what,
        };
        // Nobody watching is fine.
        let _ = self.tx.send(activity);
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
/// `since`: what [`ActivityHub::published`] was when the watcher's page was rendered. If
/// anything happened between then and now (the seconds a phone takes to load the page's
/// code), the stream starts with a `Resync`, so the page catches up instead of showing
/// the state it was rendered with until the next event.
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
    }
    let mut ticks = tokio::time::interval(SESSION_CHECK);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Subscribed first, then compared: nothing falls between the two.
    let rx = console.activity().subscribe();
    let missed = since.is_some_and(|seen| console.activity().published() > seen);
    let state = State {
        first: missed.then(|| vec![synthetic(Happening::Resync)]),
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

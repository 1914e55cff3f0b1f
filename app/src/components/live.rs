//! The console's activity in the browser: one stream per page load, shared by
//! every part of the page through context. Pages put [`Live::cluster`] among
//! their resources' sources, so what they show follows what happens after
//! they opened (a job started elsewhere, a move that landed), with no reload
//! and no poll per widget.

use leptos::prelude::*;
use scaleout_domain::access::Role;
use scaleout_domain::activity::{Activity, Happening};

/// What the page knows of the console's activity.
#[derive(Clone, Copy)]
pub struct Live {
    /// Bumped whenever what pages show of the cluster may have changed.
    pub cluster: ReadSignal<u64>,
    /// Bumped when a signup was taken or changed, or the audit trail grew (the
    /// access page shows both).
    pub signups: ReadSignal<u64>,
    /// Every job started since the page opened (id, kind), in order. Kept as
    /// a list, not read off `last`: events that arrive together would hide
    /// one another from an effect that only sees the latest.
    pub starts: ReadSignal<Vec<(u64, String)>>,
    /// Who the session is, as the navigation last learnt it: the stream opens
    /// as soon as it is someone who may watch (at load, or after logging in).
    role: RwSignal<Option<Role>>,
    /// The activity count the page was rendered with (the first answer, which came with
    /// the HTML): the stream catches up from there.
    since: StoredValue<Option<u64>>,
}

impl Live {
    /// The navigation tells who the session is, each time it asks.
    pub fn session_is(&self, role: Role, activity_seq: u64) {
        if self.since.get_value().is_none() {
            self.since.set_value(Some(activity_seq));
        }
        if self.role.get_untracked() != Some(role) {
            self.role.set(Some(role));
        }
    }

    /// The id of the latest job of `kind` started since the page opened.
    pub fn started(&self, kind: &'static str) -> Signal<Option<u64>> {
        let starts = self.starts;
        Signal::derive(move || {
            starts.with(|s| s.iter().rev().find(|(_, k)| k == kind).map(|(id, _)| *id))
        })
    }

    /// Runs `f` once for each job started from now on.
    pub fn on_start(&self, f: impl Fn(u64, &str) + 'static) {
        let starts = self.starts;
        let seen = StoredValue::new(starts.with_untracked(Vec::len));
        Effect::new(move |_| {
            starts.with(|s| {
                for (id, kind) in s.iter().skip(seen.get_value()) {
                    f(*id, kind);
                }
                seen.set_value(s.len());
            })
        });
    }
}

/// Opens the activity stream (in the browser, for a session that may watch)
/// and provides [`Live`] to every page.
pub fn provide_live() {
    let (cluster, set_cluster) = signal(0u64);
    let (signups, set_signups) = signal(0u64);
    let (starts, set_starts) = signal(Vec::<(u64, String)>::new());
    let role = RwSignal::new(None);
    let since = StoredValue::new(None);
    provide_context(Live {
        cluster,
        signups,
        starts,
        role,
        since,
    });
    // Effects run only in the browser: the server renders the state as it is.
    // Visitors and customers have nothing to watch; an operator who logs in on
    // this page starts watching then, with no reload.
    let watching = StoredValue::new(false);
    Effect::new(move |_| {
        if role.get().is_some_and(|r| r.allows(Role::Stakeholder)) && !watching.get_value() {
            watching.set_value(true);
            let since = since.get_value();
            leptos::task::spawn_local(follow_activity(set_cluster, set_signups, set_starts, since));
            // Back online (a phone between two cells): what the page fetched while it was
            // offline failed, so it fetches again; the stream brings what happened.
            let online = window_event_listener(leptos::ev::online, move |_| {
                set_cluster.update(|n| *n += 1);
            });
            std::mem::forget(online);
        }
    });
}

/// Follows the stream for as long as the page lives: its own wasm module, which only
/// sessions that may watch download (a visitor's page never needs it).
#[cfg_attr(not(feature = "public-bundle"), leptos::lazy)]
async fn follow_activity(
    set_cluster: WriteSignal<u64>,
    set_signups: WriteSignal<u64>,
    set_starts: WriteSignal<Vec<(u64, String)>>,
    since: Option<u64>,
) {
    let mut backoff = Backoff::up_to(30_000);
    // The first time, from what the page was rendered with; after a cut (a phone offline
    // for a moment), from one past the last happening seen: the server sends what was
    // missed, a job started meanwhile included, so the page follows it.
    let mut since = since;
    loop {
        match crate::api::activity::watch_activity(since).await {
            Ok(stream) => {
                // Back after a failed try: what the page fetched meanwhile failed too.
                if backoff.failures() > 0 {
                    set_cluster.update(|n| *n += 1);
                }
                backoff.reset();
                let ended = follow(stream, set_cluster, set_signups, set_starts, &mut since).await;
                if ended {
                    // The link was revoked or expired: the page says so.
                    let _ = window().location().reload();
                    return;
                }
                // A stream cut off: catch up on what was missed, then follow again.
                set_cluster.update(|n| *n += 1);
            }
            // The session ended while the page loaded (a revoked or expired link, a log
            // out elsewhere): the server's answer to a reload says which.
            Err(e) if is_refused(&e) => {
                let _ = window().location().reload();
                return;
            }
            Err(_) => {}
        }
        backoff.wait().await;
    }
}

fn is_refused(e: &ServerFnError) -> bool {
    let text = e.to_string();
    text.contains("log in") || text.contains("read-only link") || text.contains("revoked")
}

/// Reads the stream until it ends; true when it ended because the session did. `next`:
/// one past the last happening read (a resync or a session's end is not one).
async fn follow(
    stream: leptos::server_fn::codec::TextStream,
    set_cluster: WriteSignal<u64>,
    set_signups: WriteSignal<u64>,
    set_starts: WriteSignal<Vec<(u64, String)>>,
    next: &mut Option<u64>,
) -> bool {
    use futures::StreamExt;
    use scaleout_domain::progress::LineDecoder;
    let mut stream = stream.into_inner();
    let mut decoder = LineDecoder::<Activity>::default();
    while let Some(Ok(chunk)) = stream.next().await {
        for activity in decoder.push(&chunk).into_iter().flatten() {
            if activity.seq != u64::MAX {
                *next = Some(activity.seq + 1);
            }
            if matches!(activity.what, Happening::SessionEnded { .. }) {
                return true;
            }
            if activity.changes_cluster() {
                set_cluster.update(|n| *n += 1);
            }
            if matches!(
                activity.what,
                Happening::SignupsChanged | Happening::Audited | Happening::Resync
            ) {
                set_signups.update(|n| *n += 1);
            }
            if let Happening::JobStarted { job, job_kind } = &activity.what {
                let started = (*job, job_kind.clone());
                set_starts.update(|s| s.push(started));
            }
        }
    }
    false
}

/// Waits `ms` milliseconds in the browser.
async fn pause(ms: u64) {
    let (tx, rx) = futures::channel::oneshot::channel::<()>();
    set_timeout(
        move || {
            let _ = tx.send(());
        },
        std::time::Duration::from_millis(ms),
    );
    let _ = rx.await;
}

/// Trying again after a dropped connection (a phone offline for a moment): 1 s, then
/// twice as long each time up to a cap, and from 1 s again once a try works. Every live
/// view follows again this way.
pub struct Backoff {
    next_ms: u64,
    cap_ms: u64,
    failures: u32,
}

impl Backoff {
    const FIRST_MS: u64 = 1_000;

    pub fn up_to(cap_ms: u64) -> Self {
        Backoff {
            next_ms: Self::FIRST_MS,
            cap_ms,
            failures: 0,
        }
    }

    /// A try worked: the next failure waits the shortest time again.
    pub fn reset(&mut self) {
        *self = Self::up_to(self.cap_ms);
    }

    /// Tries that failed since the last one that worked.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// A try failed: waits before the next one.
    pub async fn wait(&mut self) {
        self.failures += 1;
        pause(self.next_ms).await;
        self.next_ms = (self.next_ms * 2).min(self.cap_ms);
    }
}

/// The page's [`Live`]; a quiet one where none was provided (a component
/// rendered alone).
pub fn use_live() -> Live {
    use_context::<Live>().unwrap_or_else(|| {
        let (cluster, _) = signal(0);
        let (signups, _) = signal(0);
        let (starts, _) = signal(Vec::new());
        Live {
            cluster,
            signups,
            starts,
            role: RwSignal::new(None),
            since: StoredValue::new(None),
        }
    })
}

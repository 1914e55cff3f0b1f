//! Live streams: a page following the activity, a job or its portal holds a connection for
//! as long as it is open, and the server serves a bounded number of connections at once
//! (1,024, `server::connections`), never closing one with a request in flight. Uncapped,
//! one read-only link (or one customer) could hold them all and lock everyone out. So
//! streams are counted per session, per client address and in all, with room left for
//! ordinary requests. A cap reached refuses the new stream (429 for one caller's, 503 when
//! the whole server's is); the page keeps what it shows and tries again later.
//!
//! A stream also ends when the session it was opened with does (a link revoked or expired,
//! a logout), so revoking a link stops what it is watching, not only its next request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{Stream, StreamExt};

use crate::access::SessionState;
use crate::metrics::{counters, Watching};
use crate::{Console, ServiceError};

/// How often an open stream looks whether its session still holds.
pub const SESSION_CHECK: Duration = Duration::from_secs(5);

/// How many streams may be open at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamLimits {
    /// One browser's session (a page follows the activity, and maybe a job, per tab).
    pub per_session: usize,
    /// One client address: many people behind one office's address watching a demo.
    pub per_client: usize,
    /// The whole server: below its connection limit, so requests still get through.
    pub total: usize,
}

impl StreamLimits {
    /// For a server that serves `connections` at once: a quarter of them stay for requests.
    pub fn for_connections(connections: usize) -> Self {
        let total = (connections - connections / 4).max(1);
        StreamLimits {
            per_session: 16,
            per_client: 128.min(total),
            total,
        }
    }
}

impl Default for StreamLimits {
    fn default() -> Self {
        Self::for_connections(1024)
    }
}

#[derive(Debug, Default)]
struct Counts {
    total: usize,
    sessions: HashMap<String, usize>,
    clients: HashMap<String, usize>,
}

#[derive(Debug)]
struct Shared {
    limits: Mutex<StreamLimits>,
    counts: Mutex<Counts>,
}

/// Counts the open streams and refuses one past a cap. Cheap to clone.
#[derive(Debug, Clone)]
pub struct StreamGate {
    shared: Arc<Shared>,
}

impl Default for StreamGate {
    fn default() -> Self {
        Self::new(StreamLimits::default())
    }
}

impl StreamGate {
    pub fn new(limits: StreamLimits) -> Self {
        StreamGate {
            shared: Arc::new(Shared {
                limits: Mutex::new(limits),
                counts: Mutex::default(),
            }),
        }
    }

    /// The server sets the caps from its own connection limit as it starts.
    pub fn set_limits(&self, limits: StreamLimits) {
        *self.shared.limits.lock().unwrap_or_else(|p| p.into_inner()) = limits;
    }

    pub fn limits(&self) -> StreamLimits {
        *self.shared.limits.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A place for one more stream of `session` (a session or portal token, if any) from
    /// `client` (its address), held until the returned slot is dropped.
    pub fn open(&self, session: Option<&str>, client: &str) -> Result<StreamSlot, ServiceError> {
        let limits = self.limits();
        let mut counts = self.shared.counts.lock().unwrap_or_else(|p| p.into_inner());
        if counts.total >= limits.total {
            return Err(ServiceError::Unavailable(format!(
                "the server follows {} live streams, as many as it may: this page shows what \
                 it has and tries again shortly",
                counts.total
            )));
        }
        let busy = |n: usize, whose: &str| ServiceError::RateLimited {
            message: format!(
                "{whose} already follows {n} live streams, as many as it may: close a page \
                 or two (this one shows what it has and tries again shortly)"
            ),
            retry_after: SESSION_CHECK.as_secs(),
        };
        if let Some(s) = session {
            let n = counts.sessions.get(s).copied().unwrap_or(0);
            if n >= limits.per_session {
                return Err(busy(n, "this browser"));
            }
        }
        let n = counts.clients.get(client).copied().unwrap_or(0);
        if n >= limits.per_client {
            return Err(busy(n, "this address"));
        }
        counts.total += 1;
        if let Some(s) = session {
            *counts.sessions.entry(s.to_string()).or_default() += 1;
        }
        *counts.clients.entry(client.to_string()).or_default() += 1;
        Ok(StreamSlot {
            shared: self.shared.clone(),
            session: session.map(str::to_string),
            client: client.to_string(),
            _watching: counters().watching(),
        })
    }

    /// Streams open now.
    pub fn open_now(&self) -> usize {
        self.shared
            .counts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .total
    }
}

/// One open stream's place; dropping it frees the place.
#[derive(Debug)]
pub struct StreamSlot {
    shared: Arc<Shared>,
    session: Option<String>,
    client: String,
    _watching: Watching,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut counts = self.shared.counts.lock().unwrap_or_else(|p| p.into_inner());
        counts.total = counts.total.saturating_sub(1);
        fn release(map: &mut HashMap<String, usize>, key: &str) {
            if let Some(n) = map.get_mut(key) {
                *n -= 1;
                if *n == 0 {
                    map.remove(key);
                }
            }
        }
        if let Some(s) = &self.session {
            release(&mut counts.sessions, s);
        }
        release(&mut counts.clients, &self.client);
    }
}

/// `stream`, holding `slot` while it is open.
pub fn holding<S: Stream + Send + 'static>(
    stream: S,
    slot: StreamSlot,
) -> impl Stream<Item = S::Item> + Send + 'static {
    stream.map(move |item| {
        let _ = &slot;
        item
    })
}

/// `stream`, ended when `session` (a team member's or a read-only link's) stops being
/// valid. Without a session (a customer's portal) it runs as it is.
pub fn until_session_ends<S: Stream + Send + 'static>(
    console: &Console,
    session: Option<String>,
    stream: S,
) -> impl Stream<Item = S::Item> + Send + 'static {
    let console = console.clone();
    let ended = async move {
        let Some(token) = session else {
            return futures::future::pending().await;
        };
        let mut ticks = tokio::time::interval(SESSION_CHECK);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if session_ended(&console, &token).is_some() {
                return;
            }
        }
    };
    stream.take_until(Box::pin(ended))
}

/// Why a session can no longer watch, if it cannot.
pub fn session_ended(console: &Console, token: &str) -> Option<String> {
    match console.access().session_state(token) {
        Ok(SessionState::Valid(_)) => None,
        Ok(state) => Some(state.reason().to_string()),
        Err(_) => None, // the store is busy: look again at the next tick
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(per_session: usize, per_client: usize, total: usize) -> StreamGate {
        StreamGate::new(StreamLimits {
            per_session,
            per_client,
            total,
        })
    }

    #[test]
    fn a_session_gets_its_share_and_no_more() {
        let g = gate(2, 10, 10);
        let a = g.open(Some("s1"), "10.0.0.1").unwrap();
        let _b = g.open(Some("s1"), "10.0.0.1").unwrap();
        let refused = g.open(Some("s1"), "10.0.0.1").unwrap_err();
        assert!(
            matches!(refused, ServiceError::RateLimited { .. }),
            "{refused}"
        );
        assert!(refused
            .to_string()
            .contains("this browser already follows 2"));
        // Another session from the same address still gets in.
        let _c = g.open(Some("s2"), "10.0.0.1").unwrap();
        // A place freed is a place again.
        drop(a);
        let _d = g.open(Some("s1"), "10.0.0.1").unwrap();
        assert_eq!(g.open_now(), 3);
    }

    #[test]
    fn an_address_minting_sessions_is_capped_too() {
        let g = gate(8, 3, 100);
        let held: Vec<_> = (0..3)
            .map(|i| g.open(Some(&format!("s{i}")), "10.0.0.9").unwrap())
            .collect();
        let refused = g.open(Some("s99"), "10.0.0.9").unwrap_err();
        assert!(refused
            .to_string()
            .contains("this address already follows 3"));
        assert!(
            g.open(None, "10.0.0.10").is_ok(),
            "other addresses are not held up"
        );
        drop(held);
        assert!(g.open(Some("s99"), "10.0.0.9").is_ok());
    }

    #[test]
    fn the_whole_server_keeps_room_for_requests() {
        let limits = StreamLimits::for_connections(1024);
        assert_eq!(limits.total, 768);
        assert!(StreamLimits::for_connections(16).total < 16);
        let g = gate(8, 8, 2);
        let _a = g.open(None, "a").unwrap();
        let _b = g.open(None, "b").unwrap();
        let refused = g.open(None, "c").unwrap_err();
        assert_eq!(refused.kind(), crate::ErrorKind::Unavailable);
    }

    #[test]
    fn freed_entries_do_not_pile_up() {
        let g = gate(8, 8, 100);
        for i in 0..50 {
            drop(g.open(Some(&format!("s{i}")), &format!("c{i}")).unwrap());
        }
        let counts = g.shared.counts.lock().unwrap();
        assert!(counts.sessions.is_empty() && counts.clients.is_empty());
        assert_eq!(counts.total, 0);
    }
}

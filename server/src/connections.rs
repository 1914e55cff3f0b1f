//! Accepting connections, with the limits a server on the open network needs:
//! a client that sends half a request, or opens connections and says nothing,
//! must not hold the server's file descriptors for ever. `axum::serve` has no
//! such limits, so the console accepts connections itself (hyper, as axum
//! does underneath):
//!
//! - a request's head must be complete within `header_timeout` of its first
//!   byte (of the connection's opening, for its first request);
//! - a keep-alive connection with no request in flight closes after
//!   `idle_timeout`; a request in flight (a live progress stream that runs
//!   for an hour) is never cut;
//! - a request body must arrive whole within `body_timeout`;
//! - at most `max_connections` are served at once, so the process never runs
//!   out of descriptors. When all are taken, the connection that has waited
//!   longest for a request head (or idled longest) is closed to make room; one
//!   with a request in flight never is. So a crowd of silent connections
//!   cannot keep the operator out for even the 10 s of the head timeout.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::ConnectInfo;
use axum::Router;
use http_body::{Body as HttpBody, Frame, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};
use tower::ServiceExt;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The limits of [`serve`]; the defaults are what `scaleout serve` uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    pub body_timeout: Duration,
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            body_timeout: Duration::from_secs(30),
            max_connections: default_max_connections(),
        }
    }
}

/// 1,024 connections, or fewer when the process may open fewer files: 64
/// descriptors stay free for the databases, logs and the site's files.
pub fn default_max_connections() -> usize {
    let limit = open_files_limit().unwrap_or(1024 + 64);
    (limit.saturating_sub(64) as usize).clamp(16, 1024)
}

#[cfg(unix)]
fn open_files_limit() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit only writes the struct it is given.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0;
    #[allow(clippy::unnecessary_cast)] // rlim_t is not u64 everywhere
    ok.then_some(limit.rlim_cur as u64)
}

#[cfg(not(unix))]
fn open_files_limit() -> Option<u64> {
    None
}

/// Serves `app` on `listener` until `shutdown` resolves; then stops
/// accepting, lets requests in flight finish (idle connections close at once)
/// and returns after at most `grace`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
    grace: Duration,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let registry = Arc::new(Registry::default());
    let (stopping, stop) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let permit = loop {
            if let Ok(permit) = slots.clone().try_acquire_owned() {
                break Some(permit);
            }
            // Full: make room by closing the connection that has waited
            // longest without sending a request, if there is one (else look
            // again shortly: a busy connection may have gone quiet).
            registry.evict_one();
            tokio::select! {
                permit = slots.clone().acquire_owned() => {
                    break Some(permit.expect("the semaphore is never closed"))
                }
                () = tokio::time::sleep(Duration::from_millis(50)) => {}
                () = &mut shutdown => break None,
            }
        };
        let Some(permit) = permit else { break };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of descriptors or a connection reset before accept: wait a moment.
                    tracing::warn!("accepting a connection failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let app = app.clone();
        let stop = stop.clone();
        let registry = registry.clone();
        // Registered before its task runs, so it can be chosen to make room at once.
        let (id, state) = registry.add();
        tokio::spawn(async move {
            connection(stream, peer, app, limits, stop, state).await;
            registry.remove(id);
            drop(permit);
        });
    }
    let _ = stopping.send(true);
    drop(listener);
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    if tokio::time::timeout(grace, slots.acquire_many(all))
        .await
        .is_err()
    {
        tracing::warn!("requests still open after {grace:?}: stopping anyway");
    }
}

/// Milliseconds since the first connection: one clock for every connection,
/// so the one that has waited longest can be found.
fn clock_ms() -> u64 {
    static EPOCH: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    EPOCH.get_or_init(Instant::now).elapsed().as_millis() as u64
}

/// What the watchdog knows of one connection.
struct ConnState {
    /// Waiting for a request's head (no request in flight).
    awaiting_head: AtomicBool,
    /// When the head being waited for began to arrive (`NONE`: no byte of it yet).
    head_started: AtomicU64,
    /// When the last response ended (or the connection opened).
    last_done: AtomicU64,
    /// A request is being served (its response not yet sent).
    in_flight: AtomicBool,
    /// Closed to make room for a new connection.
    evict: tokio::sync::Notify,
}

const NONE: u64 = u64::MAX;

impl ConnState {
    fn new() -> Self {
        let now = clock_ms();
        ConnState {
            awaiting_head: AtomicBool::new(true),
            // The first request's head is due from the moment the connection opens.
            head_started: AtomicU64::new(now),
            last_done: AtomicU64::new(now),
            in_flight: AtomicBool::new(false),
            evict: tokio::sync::Notify::new(),
        }
    }

    fn now(&self) -> u64 {
        clock_ms()
    }

    fn bytes_read(&self) {
        if self.awaiting_head.load(Ordering::Acquire) {
            let now = self.now();
            let _ =
                self.head_started
                    .compare_exchange(NONE, now, Ordering::AcqRel, Ordering::Acquire);
        }
    }

    fn request_started(&self) {
        self.in_flight.store(true, Ordering::Release);
        self.awaiting_head.store(false, Ordering::Release);
        self.head_started.store(NONE, Ordering::Release);
    }

    fn request_done(&self) {
        self.in_flight.store(false, Ordering::Release);
        self.last_done.store(self.now(), Ordering::Release);
        self.head_started.store(NONE, Ordering::Release);
        self.awaiting_head.store(true, Ordering::Release);
    }

    /// Since when this connection has been waiting without a request in
    /// flight (`None`: a request is in flight, never to be cut).
    fn waiting_since(&self) -> Option<u64> {
        if !self.awaiting_head.load(Ordering::Acquire) {
            return None;
        }
        let started = self.head_started.load(Ordering::Acquire);
        Some(if started == NONE {
            self.last_done.load(Ordering::Acquire)
        } else {
            started
        })
    }

    /// Why the connection should close now, if it should.
    fn expired(&self, limits: &Limits) -> Option<Expiry> {
        self.expired_at(limits, self.now())
    }

    fn expired_at(&self, limits: &Limits, now: u64) -> Option<Expiry> {
        if !self.awaiting_head.load(Ordering::Acquire) {
            return None; // a request is in flight: never cut it
        }
        let started = self.head_started.load(Ordering::Acquire);
        if started != NONE {
            return (now.saturating_sub(started) >= limits.header_timeout.as_millis() as u64)
                .then_some(Expiry::SlowHead);
        }
        let since = self.last_done.load(Ordering::Acquire);
        (now.saturating_sub(since) >= limits.idle_timeout.as_millis() as u64)
            .then_some(Expiry::Idle)
    }
}

/// The connections being served, to pick one to close when all slots are taken.
#[derive(Default)]
struct Registry {
    next: AtomicU64,
    open: std::sync::Mutex<std::collections::HashMap<u64, Arc<ConnState>>>,
}

impl Registry {
    fn add(&self) -> (u64, Arc<ConnState>) {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let state = Arc::new(ConnState::new());
        self.open
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id, state.clone());
        (id, state)
    }

    fn remove(&self, id: u64) {
        self.open
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&id);
    }

    /// Closes the connection that has waited longest with no request in
    /// flight; none when every connection is busy.
    fn evict_one(&self) {
        let open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let oldest = open
            .values()
            .filter_map(|c| c.waiting_since().map(|since| (since, c)))
            .min_by_key(|(since, _)| *since);
        if let Some((_, conn)) = oldest {
            // Marked first, so it is not picked again before it has gone.
            conn.awaiting_head.store(false, Ordering::Release);
            conn.evict.notify_one();
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expiry {
    SlowHead,
    Idle,
}

async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
    state: Arc<ConnState>,
) {
    let _ = stream.set_nodelay(true);
    let io = TokioIo::new(Watched {
        inner: stream,
        state: state.clone(),
    });
    let service = {
        let state = state.clone();
        hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
            state.request_started();
            req.extensions_mut().insert(ConnectInfo(peer));
            let req = req.map(|body| {
                axum::body::Body::new(Deadline {
                    inner: body,
                    sleep: Box::pin(tokio::time::sleep(limits.body_timeout)),
                })
            });
            let done = DoneGuard(state.clone());
            let app = app.clone();
            async move {
                let response = app.oneshot(req).await.unwrap_or_else(|e| match e {});
                Ok::<_, std::convert::Infallible>(
                    response.map(|body| axum::body::Body::new(Tracked { inner: body, done })),
                )
            }
        })
    };
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        // hyper's own head timer runs while a kept-alive connection waits for
        // its next request: the idle timeout. The watchdog below enforces the
        // shorter head timeout once a request has begun.
        .header_read_timeout(limits.idle_timeout)
        .keep_alive(true);
    let conn = builder.serve_connection(io, service).with_upgrades();
    tokio::pin!(conn);
    let tick = (limits.header_timeout.min(limits.idle_timeout) / 4)
        .clamp(Duration::from_millis(20), Duration::from_secs(1));
    let mut ticks = tokio::time::interval(tick);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut stopping = false;
    loop {
        tokio::select! {
            served = conn.as_mut() => {
                if let Err(e) = served {
                    tracing::debug!(%peer, "connection ended: {e}");
                }
                return;
            }
            _ = ticks.tick() => match state.expired(&limits) {
                Some(Expiry::SlowHead) => {
                    tracing::debug!(%peer, "closed a connection that sent no complete request in {:?}", limits.header_timeout);
                    return;
                }
                Some(Expiry::Idle) => {
                    tracing::debug!(%peer, "closed an idle connection");
                    return;
                }
                None => {}
            },
            () = state.evict.notified() => {
                // A request that began as it was chosen is served all the same.
                if !state.in_flight.load(Ordering::Acquire) {
                    tracing::debug!(%peer, "closed a waiting connection to make room for a new one");
                    return;
                }
            }
            changed = stop.changed(), if !stopping => {
                if changed.is_err() || *stop.borrow() {
                    stopping = true;
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// The socket, telling the watchdog when bytes arrive.
struct Watched {
    inner: TcpStream,
    state: Arc<ConnState>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.state.bytes_read();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// Marks the request done when its response has been sent (or dropped).
struct DoneGuard(Arc<ConnState>);

impl Drop for DoneGuard {
    fn drop(&mut self) {
        self.0.request_done();
    }
}

/// A response body that tells the watchdog when it ends.
struct Tracked {
    inner: axum::body::Body,
    #[allow(dead_code)] // held for its Drop
    done: DoneGuard,
}

impl HttpBody for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A request body that must arrive whole before its deadline.
struct Deadline {
    inner: hyper::body::Incoming,
    sleep: Pin<Box<tokio::time::Sleep>>,
}

/// Said when a request body arrives too slowly (the guard answers 408).
pub const BODY_TOO_SLOW: &str = "the request body arrived too slowly";

impl HttpBody for Deadline {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        if let Poll::Ready(frame) = Pin::new(&mut self.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        if self.sleep.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(BODY_TOO_SLOW.into())));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            header_timeout: Duration::from_millis(100),
            idle_timeout: Duration::from_millis(300),
            body_timeout: Duration::from_secs(1),
            max_connections: 4,
        }
    }

    fn state() -> ConnState {
        let s = ConnState::new();
        s.last_done.store(0, Ordering::Release);
        s.head_started.store(NONE, Ordering::Release);
        s
    }

    #[test]
    fn a_request_in_flight_never_expires() {
        let s = state();
        s.request_started();
        assert_eq!(s.expired(&limits()), None);
    }

    #[test]
    fn a_head_begun_and_not_finished_expires_after_the_header_timeout() {
        let s = state();
        s.head_started.store(1_000, Ordering::Release);
        assert_eq!(s.expired_at(&limits(), 1_050), None);
        assert_eq!(s.expired_at(&limits(), 1_150), Some(Expiry::SlowHead));
    }

    #[test]
    fn a_quiet_kept_alive_connection_expires_after_the_idle_timeout() {
        let s = state();
        s.last_done.store(1_000, Ordering::Release);
        assert_eq!(s.expired_at(&limits(), 1_200), None);
        assert_eq!(s.expired_at(&limits(), 1_301), Some(Expiry::Idle));
        s.bytes_read();
        assert!(
            s.head_started.load(Ordering::Acquire) != NONE,
            "a head has begun"
        );
    }

    #[test]
    fn room_is_made_by_closing_the_longest_waiting_connection_never_a_busy_one() {
        let registry = Registry::default();
        let (_, busy) = registry.add();
        busy.request_started();
        busy.last_done.store(0, Ordering::Release);
        let (_, newer) = registry.add();
        let (_, older) = registry.add();
        older.head_started.store(1, Ordering::Release);
        newer.head_started.store(500, Ordering::Release);
        registry.evict_one();
        assert_eq!(older.waiting_since(), None, "the longest waiting is closed");
        assert!(newer.waiting_since().is_some());
        assert_eq!(busy.waiting_since(), None, "in flight, never picked");
        registry.evict_one();
        assert_eq!(newer.waiting_since(), None);
        // Only busy (or already closing) connections left: nothing to close.
        registry.evict_one();
    }

    #[test]
    fn the_connection_cap_leaves_descriptors_free() {
        let cap = default_max_connections();
        assert!((16..=1024).contains(&cap), "{cap}");
        if let Some(limit) = open_files_limit() {
            assert!(
                cap as u64 <= limit.saturating_sub(64).max(16),
                "{cap} of {limit}"
            );
        }
    }
}

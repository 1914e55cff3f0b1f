//! Following a job: first the events already stored, then the live ones, with
//! no gap and no repeat. A watcher that falls behind catches up from the store;
//! a job running in another process (a CLI beside the server) is polled.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use futures::Stream;
use scaleout_domain::progress::ProgressEvent;
use tokio::sync::broadcast::{self, error::RecvError};

use crate::store::ConsoleStore;

const POLL: Duration = Duration::from_millis(250);

struct State {
    store: Arc<ConsoleStore>,
    job: u64,
    live: Option<broadcast::Receiver<ProgressEvent>>,
    next: u64,
    buffer: VecDeque<ProgressEvent>,
    done: bool,
}

impl State {
    fn refill(&mut self) {
        if let Ok(events) = self.store.events(self.job, self.next) {
            if let Some(last) = events.last() {
                self.next = last.seq + 1;
            }
            self.buffer.extend(events);
        }
    }

    fn job_finished(&self) -> bool {
        !matches!(self.store.job(self.job), Ok(Some(r)) if !r.state.is_finished())
    }
}

/// `live` must be subscribed before this is called, so nothing falls between
/// the stored past and the live future.
pub(crate) fn follow(
    store: Arc<ConsoleStore>,
    job: u64,
    live: Option<broadcast::Receiver<ProgressEvent>>,
) -> impl Stream<Item = ProgressEvent> + Send + 'static {
    let mut state = State {
        store,
        job,
        live,
        next: 0,
        buffer: VecDeque::new(),
        done: false,
    };
    state.refill();
    futures::stream::unfold(state, |mut s| async move {
        loop {
            if let Some(event) = s.buffer.pop_front() {
                return Some((event, s));
            }
            if s.done {
                return None;
            }
            match s.live.as_mut() {
                Some(rx) => match rx.recv().await {
                    Ok(event) if event.seq >= s.next => {
                        s.next = event.seq + 1;
                        return Some((event, s));
                    }
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) => s.refill(),
                    Err(RecvError::Closed) => {
                        s.refill();
                        s.done = true;
                    }
                },
                None => {
                    let finished = s.job_finished();
                    s.refill();
                    if s.buffer.is_empty() {
                        if finished {
                            s.done = true;
                        } else {
                            tokio::time::sleep(POLL).await;
                        }
                    }
                }
            }
        }
    })
}

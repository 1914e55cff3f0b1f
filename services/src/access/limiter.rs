//! In-memory sliding-window rate limits (login failures, signups per address).
//! Per process: a restart forgets them, which only ever loosens a limit briefly.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Limiter {
    max: usize,
    window: Duration,
    hits: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Limiter {
    pub fn new(max: usize, window: Duration) -> Self {
        Limiter {
            max,
            window,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(seconds to wait)` when `key` has used up its window.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        self.check_at(key, Instant::now())
    }

    pub fn hit(&self, key: &str) {
        self.hit_at(key, Instant::now())
    }

    /// Checks and records in one step: of many concurrent callers with one
    /// slot left, exactly one gets it. `Err(seconds to wait)` when none is left.
    pub fn try_hit(&self, key: &str) -> Result<(), u64> {
        let now = Instant::now();
        let mut hits = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        let q = hits.entry(key.to_string()).or_default();
        prune(q, now, self.window);
        if q.len() >= self.max {
            let oldest = q.front().copied().unwrap_or(now);
            return Err(self
                .window
                .saturating_sub(now.duration_since(oldest))
                .as_secs()
                .max(1));
        }
        q.push_back(now);
        Ok(())
    }

    /// Gives back the newest hit of `key` (what [`Limiter::try_hit`] took for
    /// an attempt that was refused for another reason).
    pub fn unhit(&self, key: &str) {
        let mut hits = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(q) = hits.get_mut(key) {
            q.pop_back();
        }
    }

    /// Hits of `key` within the window.
    pub fn count(&self, key: &str) -> usize {
        let now = Instant::now();
        let mut hits = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        hits.get_mut(key).map_or(0, |q| {
            prune(q, now, self.window);
            q.len()
        })
    }

    /// Forgets `key` (a client that logged in is no longer a guesser).
    pub fn clear(&self, key: &str) {
        self.hits
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
    }

    fn check_at(&self, key: &str, now: Instant) -> Result<(), u64> {
        let mut hits = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        let Some(q) = hits.get_mut(key) else {
            return Ok(());
        };
        prune(q, now, self.window);
        if q.len() < self.max {
            return Ok(());
        }
        let oldest = q.front().copied().unwrap_or(now);
        let wait = self.window.saturating_sub(now.duration_since(oldest));
        Err(wait.as_secs().max(1))
    }

    fn hit_at(&self, key: &str, now: Instant) {
        let mut hits = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        // Bound memory under a flood of distinct keys: forget quiet ones.
        if hits.len() > 10_000 {
            let window = self.window;
            hits.retain(|_, q| {
                prune(q, now, window);
                !q.is_empty()
            });
        }
        let q = hits.entry(key.to_string()).or_default();
        prune(q, now, self.window);
        q.push_back(now);
    }
}

fn prune(q: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while q.front().is_some_and(|t| now.duration_since(*t) >= window) {
        q.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_held_after_max_hits_until_the_window_passes() {
        let l = Limiter::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        assert!(l.check_at("a", t0).is_ok());
        l.hit_at("a", t0);
        l.hit_at("a", t0);
        assert_eq!(l.check_at("a", t0 + Duration::from_secs(10)), Err(50));
        assert!(l.check_at("b", t0).is_ok(), "other keys are not affected");
        assert!(l.check_at("a", t0 + Duration::from_secs(60)).is_ok());
    }

    #[test]
    fn try_hit_gives_exactly_the_slots_there_are() {
        let l = std::sync::Arc::new(Limiter::new(5, Duration::from_secs(60)));
        let granted: usize = std::thread::scope(|s| {
            let handles: Vec<_> = (0..20)
                .map(|_| {
                    let l = l.clone();
                    s.spawn(move || usize::from(l.try_hit("ip").is_ok()))
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        assert_eq!(granted, 5);
        l.unhit("ip");
        assert!(l.try_hit("ip").is_ok(), "a slot given back can be taken");
        assert_eq!(l.count("ip"), 5);
        l.clear("ip");
        assert_eq!(l.count("ip"), 0);
    }
}

//! A bytes-per-second budget for a whole run, kept by delaying when moves start: the
//! k-th copy starts no earlier than (bytes of the copies started before it) / rate after
//! the run began. ArangoDB gives no throttle for one move, so this is the only lever.

use std::time::Duration;

#[derive(Debug, Clone, Default)]
pub struct Pacer {
    rate: Option<f64>,
    started_bytes: u64,
}

impl Pacer {
    pub fn new(max_rate: Option<u64>) -> Self {
        Pacer {
            rate: max_rate.filter(|r| *r > 0).map(|r| r as f64),
            started_bytes: 0,
        }
    }

    /// How long to wait, `elapsed` into the run, before the next copy may start.
    pub fn wait(&self, elapsed: Duration) -> Duration {
        let Some(rate) = self.rate else {
            return Duration::ZERO;
        };
        let due =
            Duration::try_from_secs_f64(self.started_bytes as f64 / rate).unwrap_or(Duration::MAX);
        due.saturating_sub(elapsed)
    }

    /// A copy of `bytes` started.
    pub fn started(&mut self, bytes: u64) {
        self.started_bytes = self.started_bytes.saturating_add(bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn unpaced_never_waits() {
        let mut p = Pacer::new(None);
        p.started(1 << 40);
        assert_eq!(p.wait(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn the_next_copy_waits_for_the_budget_of_the_ones_before() {
        let mut p = Pacer::new(Some(1000));
        assert_eq!(
            p.wait(Duration::ZERO),
            Duration::ZERO,
            "the first starts at once"
        );
        p.started(3000);
        assert_eq!(p.wait(Duration::from_secs(1)), Duration::from_secs(2));
        assert_eq!(p.wait(Duration::from_secs(5)), Duration::ZERO);
    }

    proptest! {
        /// Starting every copy as soon as allowed, the bytes started before any start
        /// time t never exceed rate * t: the run stays within its budget on average.
        #[test]
        fn starts_keep_the_budget(sizes in prop::collection::vec(0u64..10_000_000, 1..30), rate in 1u64..5_000_000) {
            let mut p = Pacer::new(Some(rate));
            let mut now = Duration::ZERO;
            let mut before = 0u64;
            for bytes in sizes {
                now += p.wait(now);
                prop_assert!(before as f64 <= rate as f64 * now.as_secs_f64() + 1.0);
                p.started(bytes);
                before += bytes;
            }
        }
    }
}

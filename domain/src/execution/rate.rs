//! The copy rate measured on finished moves: what estimates and deadlines of the next
//! moves are based on.

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RateMeter {
    bytes: u64,
    millis: u64,
}

impl RateMeter {
    /// A finished move that copied `bytes` in `millis` (leader switches copy nothing and
    /// say nothing about the rate).
    pub fn record(&mut self, bytes: u64, millis: u64) {
        if bytes > 0 {
            self.bytes = self.bytes.saturating_add(bytes);
            self.millis = self.millis.saturating_add(millis.max(1));
        }
    }

    /// Bytes per second of one move, on average over the measured ones.
    pub fn rate(&self) -> Option<f64> {
        (self.bytes > 0).then(|| self.bytes as f64 * 1000.0 / self.millis as f64)
    }

    /// Seconds a copy of `bytes` is expected to take.
    pub fn expected_secs(&self, bytes: u64) -> Option<f64> {
        self.rate().map(|r| bytes as f64 / r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_copies_only() {
        let mut m = RateMeter::default();
        assert_eq!(m.rate(), None);
        m.record(0, 500);
        assert_eq!(m.rate(), None, "a leader switch says nothing");
        m.record(1000, 1000);
        m.record(3000, 1000);
        assert_eq!(m.rate(), Some(2000.0));
        assert_eq!(m.expected_secs(4000), Some(2.0));
    }
}

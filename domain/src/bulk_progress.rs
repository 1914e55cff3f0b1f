//! One line for a job onboarding many tenants at once (an import): tenants and
//! documents done, the rate and the time left, computed here so the CLI and the
//! browser read the same sentence.

use crate::units::grouped;

/// Where an onboarding of several tenants stands.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BulkProgress {
    pub tenants_done: u64,
    pub tenants_total: u64,
    pub documents_done: u64,
    pub documents_total: u64,
    /// Documents written by this run (a resumed job skips what was stored before,
    /// which says nothing of the rate).
    pub documents_loaded: u64,
    pub elapsed_secs: f64,
}

impl BulkProgress {
    /// Documents a second, once there is enough to tell.
    pub fn rate(&self) -> Option<f64> {
        (self.elapsed_secs >= 0.5 && self.documents_loaded > 0)
            .then(|| self.documents_loaded as f64 / self.elapsed_secs)
    }

    /// Seconds left at the rate so far.
    pub fn eta_secs(&self) -> Option<f64> {
        let left = self.documents_total.saturating_sub(self.documents_done);
        self.rate().map(|r| left as f64 / r)
    }

    /// "412 of 1,000 tenants · 1,234,567 of 2,700,000 documents · 118,000 documents/s ·
    /// about 12 s left".
    pub fn line(&self) -> String {
        let mut line = format!(
            "{} of {} tenants · {} of {} documents",
            grouped(self.tenants_done),
            grouped(self.tenants_total),
            grouped(self.documents_done),
            grouped(self.documents_total)
        );
        if let Some(rate) = self.rate() {
            line.push_str(&format!(" · {} documents/s", grouped(rate.round() as u64)));
        }
        if self.documents_done < self.documents_total {
            if let Some(eta) = self.eta_secs() {
                line.push_str(&format!(" · about {} left", rough(eta)));
            }
        }
        line
    }
}

/// "12 s", "3 min", "1 h 05 min": a time left needs no more precision.
fn rough(secs: f64) -> String {
    let s = secs.max(1.0).round() as u64;
    if s < 90 {
        format!("{s} s")
    } else if s < 3600 {
        format!("{} min", (s + 30) / 60)
    } else {
        format!("{} h {:02} min", s / 3600, (s % 3600) / 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_says_tenants_documents_rate_and_time_left() {
        let p = BulkProgress {
            tenants_done: 412,
            tenants_total: 1000,
            documents_done: 1_000_000,
            documents_total: 2_200_000,
            documents_loaded: 1_000_000,
            elapsed_secs: 10.0,
        };
        assert_eq!(
            p.line(),
            "412 of 1,000 tenants · 1,000,000 of 2,200,000 documents · 100,000 documents/s · about 12 s left"
        );
        let early = BulkProgress {
            elapsed_secs: 0.1,
            ..p
        };
        assert_eq!(
            early.line(),
            "412 of 1,000 tenants · 1,000,000 of 2,200,000 documents"
        );
        let done = BulkProgress {
            tenants_done: 1000,
            documents_done: 2_200_000,
            ..p
        };
        assert!(done.line().ends_with("documents/s"), "{}", done.line());
        assert_eq!(rough(600.0), "10 min");
        assert_eq!(rough(3900.0), "1 h 05 min");
    }
}

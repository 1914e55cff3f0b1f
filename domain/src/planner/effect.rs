//! What a plan does to the balance, in one sentence for people.

use super::metrics::Stats;
use crate::units::{human_bytes, spread_percent};

/// The fullest and the least loaded server before and after, and the spread (coefficient
/// of variation, in percent), from the bytes per balanced server (`Figures::bytes`). Max/mean alone misleads both ways: when one big group pins the most loaded
/// server, a plan that evens out every other server reads "3.30 -> 3.30"; when what-if
/// servers join, the mean falls and max/mean can rise while every server gets lighter.
pub fn effect(before: &Stats, after: &Stats) -> String {
    let change = |label: &str, was: u64, will: u64| {
        if was == will {
            format!("{label} stays at {}", human_bytes(will))
        } else {
            format!(
                "{label} goes from {} to {}",
                human_bytes(was),
                human_bytes(will)
            )
        }
    };
    format!(
        "{}, {}; the spread of bytes between servers {} → {}",
        change("the fullest server", before.max, after.max),
        change("the least loaded", before.min, after.min),
        spread_percent(before.cv),
        spread_percent(after.cv),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(max: u64, min: u64, cv: f64) -> Stats {
        Stats {
            max,
            min,
            cv,
            ..Stats::default()
        }
    }

    #[test]
    fn names_what_moved_and_what_stayed() {
        let pinned = effect(
            &figures(21 << 20, 0, 1.457),
            &figures(21 << 20, 266 << 10, 1.456),
        );
        assert_eq!(
            pinned,
            "the fullest server stays at 21.0 MiB, the least loaded goes from 0 B to 266 KiB; \
             the spread of bytes between servers 145.7% → 145.6%"
        );
        let evened = effect(
            &figures(3 << 20, 1 << 20, 0.5),
            &figures(2 << 20, 2 << 20, 0.0),
        );
        assert!(evened.starts_with("the fullest server goes from 3.0 MiB to 2.0 MiB"));
        assert!(evened.contains("the least loaded goes from 1.0 MiB to 2.0 MiB"));
    }
}

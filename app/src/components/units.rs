//! Numbers for people: bytes, durations, rates.

/// `512 B`, `12.3 KiB`, `532 KiB`, `4.6 MiB`: the domain's one formatter.
pub use scaleout_domain::units::human_bytes as bytes;

/// `1,095,000`.
pub use scaleout_domain::units::grouped as count;

/// `850 ms`, `12.3 s`, `4 min 05 s`.
pub use scaleout_domain::units::duration;

/// `1.2 MiB/s`.
pub fn rate(bytes_per_sec: f64) -> String {
    format!("{}/s", bytes(bytes_per_sec.max(0.0).round() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates() {
        assert_eq!(rate(1024.0 * 1024.0), "1.0 MiB/s");
    }
}

//! Numbers for people: bytes, durations, rates.

/// `512 B`, `12.3 KiB`, `532 KiB`, `4.6 MiB`: the domain's one formatter.
pub use scaleout_domain::units::human_bytes as bytes;

/// `1,095,000`.
pub use scaleout_domain::units::grouped as count;

/// `850 ms`, `12.3 s`, `4 min 05 s`.
pub fn duration(secs: f64) -> String {
    if !secs.is_finite() || secs < 0.0 {
        return "unknown".into();
    }
    if secs < 1.0 {
        format!("{:.0} ms", secs * 1000.0)
    } else if secs < 60.0 {
        format!("{secs:.1} s")
    } else {
        let whole = secs.round() as u64;
        format!("{} min {:02} s", whole / 60, whole % 60)
    }
}

/// `1.2 MiB/s`.
pub fn rate(bytes_per_sec: f64) -> String {
    format!("{}/s", bytes(bytes_per_sec.max(0.0).round() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_rates() {
        assert_eq!(duration(0.25), "250 ms");
        assert_eq!(duration(12.34), "12.3 s");
        assert_eq!(duration(245.0), "4 min 05 s");
        assert_eq!(duration(f64::NAN), "unknown");
        assert_eq!(rate(1024.0 * 1024.0), "1.0 MiB/s");
    }
}

//! Wall-clock time for event stamps and report names (the domain crate has no
//! clock of its own), and sortable file stamps (UTC formatting lives in the domain's `time`).

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// `20261124_014600`: sortable, for file names.
pub fn file_stamp(ms: i64) -> String {
    let (y, mo, d, h, mi, s) = scaleout_domain::time::civil(ms.div_euclid(1000));
    format!("{y:04}{mo:02}{d:02}_{h:02}{mi:02}{s:02}")
}

pub use scaleout_domain::time::iso_ms as iso;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(file_stamp(1_795_484_760_000), "20261124_014600");
        assert_eq!(iso(1_709_251_199_000), "2024-02-29T23:59:59Z");
    }
}

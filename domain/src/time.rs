//! Time travel intervals. A version is valid at `t` when `created <= t < expired`; the
//! current version's `expired` is i64::MAX ("forever"), as the spec fixes.

use serde::{Deserialize, Serialize};

/// `expired` of a current version.
pub const FOREVER: i64 = i64::MAX;
pub const SECONDS_PER_DAY: i64 = 86_400;
/// Historical versions per device and per program (plus the current one).
pub const HISTORY_VERSIONS: u32 = 5;
/// All versions of one device or program.
pub const VERSIONS_PER_ENTITY: u32 = HISTORY_VERSIONS + 1;
/// Version n is created between 5(n-1)+1 and 5n days before the tenant's creation.
pub const HISTORY_STEP_DAYS: i64 = 5;

/// A half-open validity interval `[created, expired)` in epoch seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Interval {
    pub created: i64,
    pub expired: i64,
}

impl Interval {
    pub const fn new(created: i64, expired: i64) -> Self {
        Interval { created, expired }
    }

    /// Valid from `created` on, never expiring.
    pub const fn from(created: i64) -> Self {
        Interval {
            created,
            expired: FOREVER,
        }
    }

    pub const fn is_current(&self) -> bool {
        self.expired == FOREVER
    }

    /// `created <= t < expired`.
    pub const fn contains(&self, t: i64) -> bool {
        self.created <= t && t < self.expired
    }

    /// True when no instant is inside (a broken interval).
    pub const fn is_empty(&self) -> bool {
        self.created >= self.expired
    }

    /// How `self` (older) meets `newer`: the seconds of gap (> 0) or overlap (< 0); 0 when
    /// they chain exactly.
    pub fn gap_to(&self, newer: &Interval) -> i128 {
        i128::from(newer.created) - i128::from(self.expired)
    }
}

/// The range of `created` for historical version `n` (1..=5) of an entity, relative to the
/// tenant's creation time: `[T - 5n days, T - (5(n-1)+1) days]`.
pub fn history_window(tenant_created: i64, n: u32) -> (i64, i64) {
    let n = i64::from(n);
    let earliest = tenant_created.saturating_sub(HISTORY_STEP_DAYS * n * SECONDS_PER_DAY);
    let latest = tenant_created.saturating_sub((HISTORY_STEP_DAYS * (n - 1) + 1) * SECONDS_PER_DAY);
    (earliest, latest)
}

/// (year, month, day, hour, minute, second) in UTC for epoch seconds.
pub fn civil(secs: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        month,
        day,
        (rem / 3600) as u32,
        (rem % 3600 / 60) as u32,
        (rem % 60) as u32,
    )
}

/// `2026-11-24T01:46:00Z`.
pub fn iso_ms(ms: i64) -> String {
    iso_secs(ms.div_euclid(1000))
}

/// `2026-11-24T01:46:00Z`, for epoch seconds (documents' and tenants' times).
pub fn iso_secs(secs: i64) -> String {
    let (y, mo, d, h, mi, s) = civil(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// `Dec 6, 2026, 9:40 PM UTC`: a moment for people, in UTC, written as a browser in
/// English writes it, so a page's times read the same before and after its scripts run
/// (they then show the reader's own zone).
pub fn human_utc_ms(ms: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, mo, d, h, mi, _) = civil(ms.div_euclid(1000));
    let (hour, half) = match h {
        0 => (12, "AM"),
        1..=11 => (h, "AM"),
        12 => (12, "PM"),
        _ => (h - 12, "PM"),
    };
    format!(
        "{} {d}, {y}, {hour}:{mi:02} {half} UTC",
        MONTHS[(mo - 1) as usize]
    )
}

/// Epoch seconds for a UTC civil date and time (inverse of [`civil`]).
fn from_civil(year: i64, month: u32, day: u32, h: u32, mi: u32, s: u32) -> i64 {
    // Howard Hinnant's days-from-civil algorithm.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s)
}

/// A moment as people and scripts write it: epoch seconds (`1795520521`), a UTC date
/// (`2026-11-24`, midnight) or a UTC date and time (`2026-11-24T11:37:21Z`, the `Z`
/// optional). `None` for anything else, including dates that do not exist.
pub fn parse_moment(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(secs) = text.parse::<i64>() {
        return Some(secs);
    }
    let text = text.strip_suffix('Z').unwrap_or(text);
    let (date, time) = text.split_once('T').unwrap_or((text, "00:00:00"));
    let number = |part: &str, len: usize| -> Option<u32> {
        (part.len() == len && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse().ok())
            .flatten()
    };
    let mut d = date.split('-');
    let (year, month, day) = (
        number(d.next()?, 4)?,
        number(d.next()?, 2)?,
        number(d.next()?, 2)?,
    );
    let mut t = time.split(':');
    let (h, mi, s) = (
        number(t.next()?, 2)?,
        number(t.next()?, 2)?,
        number(t.next()?, 2)?,
    );
    if d.next().is_some() || t.next().is_some() || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let secs = from_civil(i64::from(year), month, day, h, mi, s);
    // A date that does not exist (Feb 30) comes back as another one.
    (civil(secs) == (i64::from(year), month, day, h, mi, s)).then_some(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_read_as_epoch_seconds_dates_or_iso_times() {
        assert_eq!(parse_moment("1795520521"), Some(1_795_520_521));
        assert_eq!(parse_moment("2026-11-24T11:37:21Z"), Some(1_795_520_241));
        assert_eq!(parse_moment("2026-11-24T11:37:21"), Some(1_795_520_241));
        assert_eq!(parse_moment("2026-11-24"), Some(1_795_478_400));
        assert_eq!(parse_moment(" 1970-01-01T00:00:00Z "), Some(0));
        assert_eq!(parse_moment("2024-02-29"), Some(1_709_164_800));
        for bad in [
            "",
            "yesterday",
            "2026-02-30",
            "2026-13-01",
            "2026-11-24T24:00:00Z",
            "2026-1-2",
            "2026-11-24T11:37",
            "2026-11-24T11:37:21:00",
        ] {
            assert_eq!(parse_moment(bad), None, "{bad:?}");
        }
        // The inverse of the formatting, all through a century.
        for secs in (0..3_155_760_000i64).step_by(7_777_777) {
            assert_eq!(parse_moment(&iso_ms(secs * 1000)), Some(secs));
            assert_eq!(parse_moment(&iso_secs(secs)), Some(secs));
        }
        assert_eq!(iso_secs(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_ms(1_999), "1970-01-01T00:00:01Z");
    }

    #[test]
    fn half_open_validity() {
        let i = Interval::new(10, 20);
        assert!(!i.contains(9));
        assert!(i.contains(10));
        assert!(i.contains(19));
        assert!(!i.contains(20));
        assert!(!i.is_current());
        assert!(Interval::from(5).is_current());
        assert!(Interval::from(5).contains(i64::MAX - 1));
        assert!(!Interval::from(5).contains(i64::MAX));
        assert!(Interval::new(3, 3).is_empty());
        assert!(!Interval::new(3, 4).is_empty());
    }

    #[test]
    fn chaining() {
        let older = Interval::new(0, 100);
        assert_eq!(older.gap_to(&Interval::new(100, 200)), 0);
        assert_eq!(older.gap_to(&Interval::new(105, 200)), 5);
        assert_eq!(older.gap_to(&Interval::new(90, 200)), -10);
        assert!(Interval::new(i64::MIN, FOREVER).gap_to(&Interval::from(FOREVER)) == 0);
    }

    #[test]
    fn history_windows_do_not_overlap() {
        let t = 1_700_000_000;
        let day = SECONDS_PER_DAY;
        assert_eq!(history_window(t, 1), (t - 5 * day, t - day));
        assert_eq!(history_window(t, 2), (t - 10 * day, t - 6 * day));
        assert_eq!(history_window(t, 5), (t - 25 * day, t - 21 * day));
        for n in 1..HISTORY_VERSIONS {
            let (older_lo, older_hi) = history_window(t, n + 1);
            let (newer_lo, _) = history_window(t, n);
            assert!(older_lo < older_hi && older_hi < newer_lo);
        }
    }

    #[test]
    fn a_moment_for_people_reads_as_an_english_browser_writes_it() {
        for (iso, shown) in [
            ("2026-12-06T21:40:59Z", "Dec 6, 2026, 9:40 PM UTC"),
            ("2026-01-31T00:05:00Z", "Jan 31, 2026, 12:05 AM UTC"),
            ("2026-07-04T12:00:00Z", "Jul 4, 2026, 12:00 PM UTC"),
            ("2026-07-04T11:59:00Z", "Jul 4, 2026, 11:59 AM UTC"),
        ] {
            assert_eq!(human_utc_ms(parse_moment(iso).unwrap() * 1000), shown);
        }
    }
}

//! Numbers for people, one way everywhere: the CLI, the reports and the pages.

/// `1.5 GiB`, `320 MiB`, `12 KiB`, `512 B`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes} B")
    } else if v >= 100.0 {
        format!("{v:.0} {}", UNITS[u])
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// `1,095,000`: counts grouped by thousands, as the console's own texts write them
/// ("3,285 documents"), so a million does not read as a hundred thousand.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// `1 tenant`, `3 tenants`, `1,095 documents`: a count and its noun, agreeing (the
/// noun's plural is `noun` + "s").
pub fn counted(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{} {noun}s", grouped(n))
    }
}

/// A large number in words a person reads at a glance: "70.4 trillion", not "7.04e13"
/// (ArangoDB's imbalance scores are sums of squares in bytes).
pub fn plain_number(v: f64) -> String {
    if !v.is_finite() {
        return "unknown".into();
    }
    const SCALES: [(f64, &str); 5] = [
        (1e15, "quadrillion"),
        (1e12, "trillion"),
        (1e9, "billion"),
        (1e6, "million"),
        (1e3, "thousand"),
    ];
    match SCALES.iter().find(|(scale, _)| v.abs() >= *scale) {
        Some((scale, word)) => format!("{:.1} {word}", v / scale),
        None => format!("{v:.0}"),
    }
}

/// How much a score changed, for a score whose size alone says nothing (ArangoDB's
/// imbalance scores): "40% lower", "12% higher", "unchanged".
pub fn relative_change(before: f64, after: f64) -> String {
    if !before.is_finite() || !after.is_finite() {
        return "-".into();
    }
    if before == 0.0 {
        return if after == 0.0 {
            "unchanged"
        } else {
            "up from 0"
        }
        .into();
    }
    let change = (after - before) / before.abs() * 100.0;
    if change.abs() < 0.5 {
        "unchanged".into()
    } else if change < 0.0 {
        format!("{:.0}% lower", -change)
    } else if after / before.abs() >= 10.0 {
        // "13223047% higher" reads as a number nobody can picture: a factor does.
        format!(
            "{} times higher",
            grouped((after / before.abs()).round() as u64)
        )
    } else {
        format!("{change:.0}% higher")
    }
}

/// The spread of bytes between servers (their coefficient of variation) as people read
/// it: how far a server is from the mean, on average, in percent ("12.5%").
pub fn spread_percent(cv: f64) -> String {
    if !cv.is_finite() {
        return "-".into();
    }
    format!("{:.1}%", cv * 100.0)
}

/// `850 ms`, `12.3 s`, `4 min 05 s`: how long something took.
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

/// A wait as people say it: "40 s", "about 56 minutes", "about 2 hours".
pub fn wait_in_words(secs: u64) -> String {
    match secs {
        0..=89 => format!("{} s", secs.max(1)),
        90..=5399 => format!("about {} minutes", (secs + 30) / 60),
        _ => format!("about {} hours", (secs + 1800) / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::{
        counted, duration, grouped, human_bytes, plain_number, relative_change, spread_percent,
    };

    #[test]
    fn durations_read_in_their_unit() {
        assert_eq!(duration(0.25), "250 ms");
        assert_eq!(duration(12.34), "12.3 s");
        assert_eq!(duration(245.0), "4 min 05 s");
        assert_eq!(duration(f64::NAN), "unknown");
    }

    #[test]
    fn a_count_agrees_with_its_noun() {
        assert_eq!(counted(1, "tenant"), "1 tenant");
        assert_eq!(counted(0, "tenant"), "0 tenants");
        assert_eq!(counted(1095, "document"), "1,095 documents");
    }

    #[test]
    fn a_spread_reads_in_percent() {
        assert_eq!(spread_percent(0.0), "0.0%");
        assert_eq!(spread_percent(0.1234), "12.3%");
        assert_eq!(spread_percent(1.5), "150.0%");
        assert_eq!(spread_percent(f64::NAN), "-");
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1095), "1,095");
        assert_eq!(grouped(109_500), "109,500");
        assert_eq!(grouped(1_095_000), "1,095,000");
        assert_eq!(grouped(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn bytes_pick_a_readable_unit() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(1023), "1023 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(545_000), "532 KiB");
        assert_eq!(human_bytes(5 * 1024 * 1024), "5.0 MiB");
        assert_eq!(human_bytes(22_706_012), "21.7 MiB");
        assert_eq!(human_bytes(3 << 30), "3.0 GiB");
        assert_eq!(human_bytes(u64::MAX), "16384 PiB");
    }

    #[test]
    fn large_numbers_read_in_words() {
        assert_eq!(plain_number(0.0), "0");
        assert_eq!(plain_number(512.4), "512");
        assert_eq!(plain_number(7.037e13), "70.4 trillion");
        assert_eq!(plain_number(1.843e9), "1.8 billion");
        assert_eq!(plain_number(2.5e6), "2.5 million");
        assert_eq!(plain_number(f64::NAN), "unknown");
    }

    #[test]
    fn waits_read_as_people_say_them() {
        assert_eq!(super::wait_in_words(0), "1 s");
        assert_eq!(super::wait_in_words(40), "40 s");
        assert_eq!(super::wait_in_words(3341), "about 56 minutes");
        assert_eq!(super::wait_in_words(7200), "about 2 hours");
    }

    #[test]
    fn a_score_s_change_reads_as_lower_higher_or_unchanged() {
        assert_eq!(relative_change(1.5e9, 0.9e9), "40% lower");
        assert_eq!(relative_change(1.0e12, 1.12e12), "12% higher");
        assert_eq!(relative_change(84.4e12, 84.41e12), "unchanged");
        assert_eq!(relative_change(0.0, 0.0), "unchanged");
        assert_eq!(relative_change(0.0, 5.0), "up from 0");
        assert_eq!(relative_change(2.0, 19.0), "850% higher");
        assert_eq!(relative_change(2.0, 20.0), "10 times higher");
        assert_eq!(relative_change(2.33, 307.0e6), "131,759,657 times higher");
        assert_eq!(relative_change(f64::NAN, 1.0), "-");
    }
}

//! Time-travel chain integrity for the versions of one device or program: contiguous
//! intervals (no gap, no overlap), exactly one current version which is the newest `-0`,
//! numbers growing towards the past, and real changes between consecutive versions.
//!
//! Versions are kept as small fingerprints rather than whole documents so a chain check
//! can run over a streamed tenant without holding its documents.

use serde::{Deserialize, Serialize};

use super::{Rule, Violation};
use crate::collection::Collection;
use crate::document::Body;
use crate::hashing::fingerprint;
use crate::keys::version_key;
use crate::naming::Naming;
use crate::time::Interval;

/// What a chain check needs to know about one version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionInfo {
    /// The version number from the key (0 = current).
    pub n: u32,
    pub interval: Interval,
    /// [`content_fingerprint`] of the version.
    pub fingerprint: u64,
}

/// A fingerprint of everything in a version except its key and interval: equal
/// fingerprints mean "no change between these versions".
pub fn content_fingerprint(body: &Body) -> Option<u64> {
    match body {
        Body::Device(d) => Some(fingerprint(&(
            &d.name,
            d.device_type,
            &d.model,
            &d.serial_number,
            &d.ip_address,
            &d.mac_address,
            &d.operating_system,
            &d.os_version,
            &d.host_name,
            &d.firewall_rules,
        ))),
        Body::Software(s) => Some(fingerprint(&(
            &s.name,
            s.software_type,
            &s.version,
            s.port_number,
            s.is_enabled,
        ))),
        _ => None,
    }
}

/// Checks the versions of the entity whose proxy key is `entity_key` in `collection`
/// (Device or Software). Sorts `versions` by `created` (oldest first).
pub fn check_chain(
    collection: Collection,
    naming: Naming,
    entity_key: &str,
    versions: &mut [VersionInfo],
) -> Vec<Violation> {
    let mut out = Vec::new();
    if versions.is_empty() {
        return out;
    }
    let id = |n: u32| format!("{}/{}", collection.name(naming), version_key(entity_key, n));
    versions.sort_by_key(|v| (v.interval.created, std::cmp::Reverse(v.n)));

    let current: Vec<&VersionInfo> = versions
        .iter()
        .filter(|v| v.interval.is_current())
        .collect();
    let newest = versions[versions.len() - 1];
    match current.as_slice() {
        [] => out.push(Violation::new(
            id(newest.n),
            Rule::CurrentVersion,
            format!("{entity_key} has no current version (none has expired = i64::MAX)"),
        )),
        [only] if only.n != 0 || only.n != newest.n => out.push(Violation::new(
            id(only.n),
            Rule::CurrentVersion,
            format!(
                "the current version of {entity_key} is -{} but it must be the newest, -0",
                only.n
            ),
        )),
        [_] => {}
        several => {
            for v in several.iter().filter(|v| v.n != 0) {
                out.push(Violation::new(
                    id(v.n),
                    Rule::CurrentVersion,
                    format!(
                        "{entity_key} has {} current versions (expired = i64::MAX); only -0 may be",
                        several.len()
                    ),
                ));
            }
        }
    }

    for pair in versions.windows(2) {
        let (older, newer) = (pair[0], pair[1]);
        if older.n <= newer.n {
            out.push(Violation::new(
                id(newer.n),
                Rule::VersionOrder,
                format!(
                    "-{} was created after -{}; higher numbers must be older",
                    newer.n, older.n
                ),
            ));
        }
        let gap = older.interval.gap_to(&newer.interval);
        if gap > 0 {
            out.push(Violation::new(
                id(older.n),
                Rule::VersionGap,
                format!(
                    "-{} expires at {} but -{} is only created at {}: {gap} s without a version",
                    older.n, older.interval.expired, newer.n, newer.interval.created
                ),
            ));
        } else if gap < 0 {
            out.push(Violation::new(
                id(older.n),
                Rule::VersionOverlap,
                format!(
                    "-{} expires at {}, after -{} was created at {}",
                    older.n, older.interval.expired, newer.n, newer.interval.created
                ),
            ));
        }
        if older.fingerprint == newer.fingerprint {
            out.push(Violation::new(
                id(older.n),
                Rule::IdenticalVersions,
                format!("-{} is identical to the next version -{}", older.n, newer.n),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::FOREVER;

    fn v(n: u32, created: i64, expired: i64, fp: u64) -> VersionInfo {
        VersionInfo {
            n,
            interval: Interval::new(created, expired),
            fingerprint: fp,
        }
    }

    fn rules(vs: &mut [VersionInfo]) -> Vec<Rule> {
        check_chain(Collection::Device, Naming::CamelCase, "t:device1", vs)
            .into_iter()
            .map(|v| v.rule)
            .collect()
    }

    #[test]
    fn a_good_chain_passes_in_any_order() {
        let mut vs = [v(0, 30, FOREVER, 3), v(2, 10, 20, 1), v(1, 20, 30, 2)];
        assert_eq!(rules(&mut vs), Vec::<Rule>::new());
        assert_eq!(vs[0].n, 2);
    }

    #[test]
    fn gaps_overlaps_and_duplicates() {
        assert_eq!(
            rules(&mut [v(1, 10, 19, 1), v(0, 20, FOREVER, 2)]),
            vec![Rule::VersionGap]
        );
        assert_eq!(
            rules(&mut [v(1, 10, 21, 1), v(0, 20, FOREVER, 2)]),
            vec![Rule::VersionOverlap]
        );
        assert_eq!(
            rules(&mut [v(1, 10, 20, 7), v(0, 20, FOREVER, 7)]),
            vec![Rule::IdenticalVersions]
        );
    }

    #[test]
    fn current_version_rules() {
        assert_eq!(
            rules(&mut [v(1, 10, 20, 1), v(0, 20, 30, 2)]),
            vec![Rule::CurrentVersion]
        );
        let r = rules(&mut [v(1, 10, FOREVER, 1), v(0, 20, FOREVER, 2)]);
        assert!(
            r.contains(&Rule::CurrentVersion) && r.contains(&Rule::VersionOverlap),
            "{r:?}"
        );
        let r = rules(&mut [v(0, 10, 20, 1), v(1, 20, FOREVER, 2)]);
        assert!(
            r.contains(&Rule::CurrentVersion) && r.contains(&Rule::VersionOrder),
            "{r:?}"
        );
    }

    #[test]
    fn violation_ids_name_the_version_document() {
        let vs = &mut [v(1, 10, 19, 1), v(0, 20, FOREVER, 2)];
        let out = check_chain(Collection::Software, Naming::SnakeCase, "t:software4", vs);
        assert_eq!(out[0].id, "software/t:software4-1");
    }
}

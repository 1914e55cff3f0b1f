//! What a shard group holds, tenant by tenant: taken before and after a move, the two
//! must agree, or the move lost or changed data.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::TenantId;

/// One tenant's data in a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantTally {
    pub documents: u64,
    /// A checksum of the documents' contents, where the back end computes one.
    pub checksum: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupTally {
    pub tenants: BTreeMap<TenantId, TenantTally>,
}

impl GroupTally {
    /// What differs between `self` (before) and `after`, for people; empty when they
    /// agree. Tenants in `changing` (being written by another job meanwhile) are not
    /// compared. Checksums are compared only when both sides have one.
    pub fn differences(&self, after: &GroupTally, changing: &BTreeSet<TenantId>) -> Vec<String> {
        let mut out = Vec::new();
        let ids: BTreeSet<&TenantId> = self.tenants.keys().chain(after.tenants.keys()).collect();
        for id in ids.into_iter().filter(|id| !changing.contains(id)) {
            match (self.tenants.get(id), after.tenants.get(id)) {
                (Some(b), Some(a)) if b.documents != a.documents => out.push(format!(
                    "tenant {id}: {} documents before, {} after",
                    b.documents, a.documents
                )),
                (Some(b), Some(a)) => {
                    if let (Some(x), Some(y)) = (b.checksum, a.checksum) {
                        if x != y {
                            out.push(format!(
                                "tenant {id}: same {} documents, but their contents changed (checksum {x:016x} before, {y:016x} after)",
                                a.documents
                            ));
                        }
                    }
                }
                (Some(b), None) => out.push(format!(
                    "tenant {id}: {} documents before, none after",
                    b.documents
                )),
                (None, Some(a)) => out.push(format!(
                    "tenant {id}: not in the group before, {} documents after",
                    a.documents
                )),
                (None, None) => {}
            }
        }
        out
    }

    pub fn documents(&self) -> u64 {
        self.tenants.values().map(|t| t.documents).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> TenantId {
        format!("{n:012x}").parse().unwrap()
    }

    fn tally(rows: &[(u8, u64, Option<u64>)]) -> GroupTally {
        GroupTally {
            tenants: rows
                .iter()
                .map(|&(n, documents, checksum)| {
                    (
                        id(n),
                        TenantTally {
                            documents,
                            checksum,
                        },
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn equal_tallies_agree() {
        let t = tally(&[(1, 10, Some(7)), (2, 5, None)]);
        assert!(t.differences(&t.clone(), &BTreeSet::new()).is_empty());
        assert_eq!(t.documents(), 15);
    }

    #[test]
    fn lost_changed_and_foreign_data_are_named() {
        let before = tally(&[(1, 10, Some(7)), (2, 5, Some(1)), (3, 4, None)]);
        let after = tally(&[(1, 9, Some(7)), (2, 5, Some(2)), (4, 1, None)]);
        let d = before.differences(&after, &BTreeSet::new());
        assert_eq!(d.len(), 4, "{d:?}");
        assert!(d[0].contains("10 documents before, 9 after"));
        assert!(d[1].contains("contents changed"));
        assert!(d[2].contains("none after"));
        assert!(d[3].contains("not in the group before"));
    }

    #[test]
    fn tenants_being_written_are_not_compared_and_one_checksum_is_not_enough() {
        let before = tally(&[(1, 10, Some(7)), (2, 5, None)]);
        let after = tally(&[(1, 12, Some(8)), (2, 5, Some(9))]);
        let changing = BTreeSet::from([id(1)]);
        assert!(before.differences(&after, &changing).is_empty());
    }
}

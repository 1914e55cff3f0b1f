//! A short, stable fingerprint of a plan's steps, so a plan reviewed by a person can be
//! told apart from a plan computed later on a cluster that has changed since.
//!
//! It covers what execution does, step by step and in order: the group, the two servers,
//! the role and the kind of each step. Not the byte counts: a tenant whose data grows by a
//! few documents does not make a reviewed plan a different plan, while any change in what
//! moves where does. FNV-1a (64 bit) over a canonical text, so the value is the same on
//! every platform and Rust version (std's hashers promise neither).

use super::plan::{Plan, PlannedMove, Role, StepKind};

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv1a(bytes: &[u8], mut hash: u64) -> u64 {
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}

fn canonical(step: &PlannedMove) -> String {
    let role = match step.role {
        Role::Leader => "leader",
        Role::Follower => "follower",
    };
    let kind = match step.kind {
        StepKind::Move => "move",
        StepKind::LeaderSwitch => "leader_switch",
    };
    // Unit separators cannot occur in server or group names read from ArangoDB.
    format!(
        "{}\u{1f}{}\u{1f}{}\u{1f}{role}\u{1f}{kind}\u{1e}",
        step.group, step.from, step.to
    )
}

impl Plan {
    /// 16 lowercase hex digits identifying the steps of this plan, in order (see the
    /// module documentation). Two plans with the same steps have the same fingerprint.
    pub fn fingerprint(&self) -> String {
        fingerprint_of(&self.moves)
    }
}

/// The fingerprint of a list of steps (what [`Plan::fingerprint`] computes).
pub fn fingerprint_of(moves: &[PlannedMove]) -> String {
    let mut hash = fnv1a(format!("{}\u{1d}", moves.len()).as_bytes(), FNV_OFFSET);
    for step in moves {
        hash = fnv1a(canonical(step).as_bytes(), hash);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(group: &str, from: &str, to: &str) -> PlannedMove {
        PlannedMove {
            group: group.into(),
            collection: None,
            shard: None,
            from: from.into(),
            to: to.into(),
            role: Role::Follower,
            bytes: 1000,
            kind: StepKind::Move,
            mandatory: false,
        }
    }

    #[test]
    fn known_value_is_stable_across_platforms() {
        // FNV-1a of "0\u{1d}": pinned so a change of algorithm is noticed.
        assert_eq!(
            fingerprint_of(&[]),
            format!("{:016x}", fnv1a(b"0\x1d", FNV_OFFSET))
        );
        assert_eq!(fnv1a(b"", FNV_OFFSET), FNV_OFFSET);
        assert_eq!(fnv1a(b"a", FNV_OFFSET), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn same_steps_same_fingerprint_whatever_the_bytes() {
        let a = vec![step("1", "A", "B"), step("2", "B", "C")];
        let mut b = a.clone();
        b[0].bytes = 999_999;
        b[1].mandatory = true;
        assert_eq!(fingerprint_of(&a), fingerprint_of(&b));
        assert_eq!(fingerprint_of(&a).len(), 16);
    }

    #[test]
    fn any_change_in_what_moves_where_changes_it() {
        let base = vec![step("1", "A", "B"), step("2", "B", "C")];
        let fp = fingerprint_of(&base);
        let mut variants = Vec::new();
        let mut v = base.clone();
        v[0].to = "C".into();
        variants.push(v);
        let mut v = base.clone();
        v[1].group = "3".into();
        variants.push(v);
        let mut v = base.clone();
        v[0].role = Role::Leader;
        variants.push(v);
        let mut v = base.clone();
        v[0].kind = StepKind::LeaderSwitch;
        variants.push(v);
        variants.push(vec![base[1].clone(), base[0].clone()]);
        variants.push(base[..1].to_vec());
        variants.push(Vec::new());
        for v in variants {
            assert_ne!(fingerprint_of(&v), fp, "{v:?}");
        }
    }

    #[test]
    fn field_boundaries_are_not_ambiguous() {
        assert_ne!(
            fingerprint_of(&[step("1", "AB", "C")]),
            fingerprint_of(&[step("1", "A", "BC")])
        );
    }
}

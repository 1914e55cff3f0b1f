//! Whether a plan is worth its copying: one that moves data and leaves the spread of
//! bytes within a percentage point of where it was changes nothing anyone would notice
//! (a group bigger than a server's fair share holds the balance where it is).

use super::plan::Plan;
use super::StepKind;

/// A plan whose copies bring the spread down by less than this (coefficient of
/// variation, so 0.01 is one percentage point) barely helps.
pub const NOTICEABLE: f64 = 0.01;

impl Plan {
    /// It copies data, none of it to empty a server being drained, and the spread of
    /// bytes between servers ends within [`NOTICEABLE`] of where it began.
    pub fn barely_helps(&self) -> bool {
        let copies = self.moves.iter().any(|m| m.kind == StepKind::Move);
        let drains = self.moves.iter().any(|m| m.mandatory);
        let gain = match (self.curve.first(), self.curve.last()) {
            (Some(before), Some(after)) => before - after,
            _ => 0.0,
        };
        copies && !drains && gain < NOTICEABLE
    }
}

/// What to say of a plan that [`Plan::barely_helps`], after its figures.
pub const BARELY_HELPS: &str = "This plan copies data for almost no change in balance: \
     executing it is seldom worth the copying. The reasons below say why the balance stays \
     where it is.";

#[cfg(test)]
mod tests {
    use crate::planner::{plan, ClusterSnapshot, PlanOptions, SnapshotGroup, StepKind};

    const MIB: u64 = 1 << 20;

    fn snapshot(groups: &[(&str, &str, u64)], servers: &[&str]) -> ClusterSnapshot {
        ClusterSnapshot {
            servers: servers
                .iter()
                .map(|s| crate::planner::SnapshotServer::new(*s, crate::planner::Health::Good))
                .collect(),
            groups: groups
                .iter()
                .enumerate()
                .map(|(i, (leader, follower, bytes))| {
                    SnapshotGroup::new(format!("group {i}"), *leader, &[follower], *bytes)
                })
                .collect(),
        }
    }

    #[test]
    fn a_plan_that_evens_servers_out_is_worth_it_one_held_by_a_giant_group_is_not() {
        let servers = ["D1", "D2", "D3", "D4"];
        // Everything on two servers, in equal groups: moving half evens them out.
        let even = snapshot(&[("D1", "D2", 100 * MIB); 6], &servers);
        let p = plan(&even, &PlanOptions::default()).unwrap();
        assert!(p.moves.iter().any(|m| m.kind == StepKind::Move));
        assert!(!p.barely_helps(), "{:?}", p.curve);
        assert!(!crate::planner::render_text(&p).contains(super::BARELY_HELPS));
        // One group holds nearly everything: its two servers stay the fullest whatever
        // moves, and moving the crumbs changes the spread by a fraction of a point.
        let mut groups = vec![("D1", "D2", 1000 * MIB)];
        groups.extend([("D1", "D2", MIB / 2); 4]);
        let giant = snapshot(&groups, &servers);
        let p = plan(&giant, &PlanOptions::default()).unwrap();
        assert!(
            p.moves.iter().any(|m| m.kind == StepKind::Move),
            "{:?}",
            p.moves
        );
        assert!(p.barely_helps(), "{:?}", p.curve);
        assert!(crate::planner::render_text(&p).contains(super::BARELY_HELPS));
    }
}

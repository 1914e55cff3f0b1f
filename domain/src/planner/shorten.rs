//! Takes wasted copies out of a plan: a sequence of improving moves found by a walk that
//! was not ordered by bytes can carry a replica somewhere and back, or through a server
//! on its way elsewhere. Each copy costs the group's bytes, so such detours are removed
//! whenever the shorter sequence is still made of improving moves and still ends at least
//! as balanced (max no higher, min no lower).

use super::balance::band;
use super::record::{commit, Recorder};
use super::search::Step;
use super::state::State;

/// Applies `path` from `state` as improving moves; `None` if any step is not one.
fn run(state: &State, rec: &Recorder, path: &[Step]) -> Option<(State, Recorder)> {
    let (mut s, mut r) = (state.clone(), rec.clone());
    for &(g, a, c) in path {
        let group = &s.groups[g];
        let allowed = group.movable
            && group.holds(a)
            && !group.holds(c)
            && s.servers[a].in_pool()
            && s.servers[c].in_pool()
            && s.servers[c].can_receive()
            && s.load[c] + group.weight < s.load[a];
        if !allowed || !commit(&mut s, &mut r, g, a, c) {
            return None;
        }
    }
    Some((s, r))
}

/// `path` with detours removed (see the module documentation): a replica moved `a -> b`
/// and later `b -> c` becomes one move `a -> c` (none when `c == a`), made where the first
/// or the second was. Repeated until no such change is allowed.
pub(crate) fn shorten(state: &State, rec: &Recorder, path: &[Step]) -> Vec<Step> {
    let mut path = path.to_vec();
    let Some((end, _)) = run(state, rec, &path) else {
        return path;
    };
    let (lo, hi) = band(&end);
    'again: loop {
        for i in 0..path.len() {
            for j in i + 1..path.len() {
                let ((g, a, b), (h, from, c)) = (path[i], path[j]);
                if g != h || from != b {
                    continue;
                }
                let mut options = Vec::new();
                let mut at_first = path.clone();
                let mut at_second = path.clone();
                if c == a {
                    at_first.remove(j);
                    at_first.remove(i);
                    options.push(at_first);
                } else {
                    at_first[i] = (g, a, c);
                    at_first.remove(j);
                    at_second[j] = (g, a, c);
                    at_second.remove(i);
                    options.push(at_first);
                    options.push(at_second);
                }
                for option in options {
                    if let Some((s, _)) = run(state, rec, &option) {
                        let (l, h) = band(&s);
                        if h <= hi && l >= lo {
                            path = option;
                            continue 'again;
                        }
                    }
                }
                // Only the next move of the same replica can pair with this one.
                break;
            }
        }
        return path;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::planner::{ClusterSnapshot, Health, PlanOptions, SnapshotGroup, SnapshotServer};

    fn state(loads: &[(&str, &str, u64)], servers: &[&str]) -> State {
        let snapshot = ClusterSnapshot {
            servers: servers
                .iter()
                .map(|s| SnapshotServer::new(s.to_string(), Health::Good))
                .collect(),
            groups: loads
                .iter()
                .map(|&(id, on, bytes)| SnapshotGroup::new(id, on, &[], bytes))
                .collect(),
        };
        State::build(
            &snapshot,
            &PlanOptions::default(),
            crate::planner::BalanceTarget::Bytes,
        )
        .unwrap()
    }

    #[test]
    fn a_detour_through_another_server_becomes_one_move() {
        // A: y 6 + x 8, B: z 1, C: empty. y A -> B (B 7), then y B -> C (C 6): one move
        // A -> C ends the same.
        let s = state(
            &[("y", "A", 6), ("x", "A", 8), ("z", "B", 1)],
            &["A", "B", "C"],
        );
        let rec = Recorder::new(&s, usize::MAX);
        let short = shorten(&s, &rec, &[(0, 0, 1), (0, 1, 2)]);
        assert_eq!(short, vec![(0, 0, 2)]);
    }

    #[test]
    fn a_round_trip_is_removed() {
        // A: 5 + 4 + 3, B: 4, C: 0. y 4 A -> B (8/8/0), x 5 A -> C (3/8/5), y B -> A
        // (7/4/5): the last undoes the first, and x alone ends the same.
        let s = state(
            &[("x", "A", 5), ("y", "A", 4), ("w", "A", 3), ("v", "B", 4)],
            &["A", "B", "C"],
        );
        let rec = Recorder::new(&s, usize::MAX);
        let long = [(1, 0, 1), (0, 0, 2), (1, 1, 0)];
        let (end, _) = run(&s, &rec, &long).expect("every step improves");
        let short = shorten(&s, &rec, &long);
        assert_eq!(short, vec![(0, 0, 2)]);
        let (after, _) = run(&s, &rec, &short).unwrap();
        assert!(band(&after).1 <= band(&end).1 && band(&after).0 >= band(&end).0);
    }

    #[test]
    fn an_invalid_path_is_left_alone() {
        let s = state(&[("x", "A", 10)], &["A", "B"]);
        let rec = Recorder::new(&s, usize::MAX);
        // Moving the only group does not improve anything.
        assert_eq!(shorten(&s, &rec, &[(0, 0, 1)]), vec![(0, 0, 1)]);
    }
}

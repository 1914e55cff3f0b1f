//! Hand-made cases of the rebalance planner: the demo (3 servers + 2 what-if), draining,
//! one huge tenant, a failed server, leader switches, the cap, the input formats and the
//! typed errors. Every plan is also replayed step by step by the independent checker.

mod planner_support;

use planner_support::{placement_within, replay};
use scaleout_domain::planner::{
    plan, render_text, snapshot_from_json, BalanceTarget, ClusterSnapshot, Health, Plan, PlanError,
    PlanOptions, Role, SnapshotGroup, SnapshotServer, StepKind, PI_FACTOR,
};

const GIB: u64 = 1 << 30;

fn servers(names: &[&str]) -> Vec<SnapshotServer> {
    names
        .iter()
        .map(|n| SnapshotServer::new(*n, Health::Good))
        .collect()
}

/// The typical demo: 12 tenant shard groups, replication factor 2, on three servers.
fn demo() -> ClusterSnapshot {
    let names = ["DBServer0001", "DBServer0002", "DBServer0003"];
    // Sizes in MiB: tenants differ, as they do.
    let sizes = [
        900, 1400, 700, 1200, 1000, 650, 1300, 800, 1100, 750, 950, 1250,
    ];
    let groups = (0..12)
        .map(|i| {
            let mut g = SnapshotGroup::new(
                format!("s10000{:02}", 12 + i),
                names[i % 3],
                &[names[(i + 1) % 3]],
                sizes[i] << 20,
            );
            g.index = Some(i as u32);
            g.collections = vec!["devices".into(), "software".into(), "connections".into()];
            g.shards = (0..3)
                .map(|k| format!("s{}", 1_000_012 + i + 12 * k))
                .collect();
            g.documents = sizes[i] * 1_700;
            g
        })
        .collect();
    ClusterSnapshot {
        servers: servers(&names),
        groups,
    }
}

fn checked(snapshot: &ClusterSnapshot, options: &PlanOptions) -> Plan {
    let p = plan(snapshot, options).expect("plans");
    if let Err(e) = replay(snapshot, options, &p) {
        panic!("{e}\n{}", render_text(&p));
    }
    p
}

fn groups_of(snapshot: &ClusterSnapshot) -> Vec<(u64, usize)> {
    snapshot
        .groups
        .iter()
        .map(|g| (g.bytes, 1 + g.followers.len()))
        .collect()
}

#[test]
fn demo_three_servers_plus_two_what_if() {
    let snap = demo();
    let options = PlanOptions {
        what_if_servers: 2,
        ..PlanOptions::default()
    };
    let p = checked(&snap, &options);
    let text = render_text(&p);
    println!("{text}");
    // The text says what happens to the fullest and the least loaded server (the
    // what-if servers start empty).
    assert!(
        text.contains("Effect: the fullest server goes from ")
            && text.contains("the least loaded goes from 0 B to "),
        "{text}"
    );

    // The hypothetical servers exist in the figures, start empty and end with data.
    let names: Vec<&str> = p.after.servers.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "DBServer0001",
            "DBServer0002",
            "DBServer0003",
            "WhatIf01",
            "WhatIf02"
        ]
    );
    for w in &p.after.servers[3..] {
        assert!(w.what_if && w.bytes > 0, "{} stays empty", w.name);
    }
    for w in &p.before.servers[3..] {
        assert_eq!(w.bytes, 0);
    }
    // Data only ever goes to the new servers or between old ones, never from a new one
    // back, and never two replicas of a group on one server (checked by the replay).
    // (Leadership may be handed back: no data moves for that.)
    assert!(p
        .moves
        .iter()
        .all(|m| m.kind == StepKind::LeaderSwitch || !m.from.starts_with("WhatIf")));

    // Quality: within 5% of the best placement any plan could reach, by brute force.
    let max = p.after.bytes.max;
    let limit = ((max as f64) / 1.05).ceil() as u64 - 1;
    assert!(!placement_within(&groups_of(&snap), 5, limit));
    assert!(
        p.after.bytes.max_over_mean < 1.1,
        "{}",
        p.after.bytes.max_over_mean
    );
    assert!(p.after.bytes.cv < p.before.bytes.cv);
    // Cost: at most 1.2 times the lower bound.
    assert!(p.bytes_to_move * 5 <= p.lower_bound_bytes * 6);
    assert!(p.lower_bound_bytes > 0 && !p.capped);

    // The curve starts at the "before" spread and strictly falls over the moves.
    assert_eq!(p.curve.len(), p.moves.len() + 1);
    assert!((p.curve[0] - p.before.bytes.cv).abs() < 1e-12);
    // Moves carry what a moveShard job needs.
    let m = &p.moves[0];
    assert_eq!(m.collection.as_deref(), Some("devices"));
    assert!(m.shard.as_deref().is_some_and(|s| s.starts_with('s')));
}

#[test]
fn drain_one_server() {
    let snap = demo();
    let options = PlanOptions {
        drain: vec!["DBServer0003".into()],
        ..PlanOptions::default()
    };
    let p = checked(&snap, &options);
    println!("{}", render_text(&p));
    let on_drained = snap
        .groups
        .iter()
        .filter(|g| g.replicas().any(|s| s == "DBServer0003"))
        .count();
    let mandatory: Vec<_> = p.moves.iter().filter(|m| m.mandatory).collect();
    assert_eq!(mandatory.len(), on_drained);
    // Mandatory moves come first, all from the drained server.
    assert!(p.moves[..on_drained]
        .iter()
        .all(|m| m.mandatory && m.from == "DBServer0003"));
    assert!(p.moves.iter().all(|m| m.to != "DBServer0003"));
    let after = &p.after.servers[2];
    assert!(after.draining && !after.balanced);
    assert_eq!((after.bytes, after.groups), (0, 0));
    // The moves off the drained server are all the bytes it held.
    let drained_bytes: u64 = mandatory.iter().map(|m| m.bytes).sum();
    assert_eq!(drained_bytes, p.before.servers[2].bytes);
    assert!(p.lower_bound_bytes >= drained_bytes);
    // Two servers left, every group on both: perfectly even by construction.
    assert_eq!(p.after.balanced_servers, 2);
}

/// A group whose followers are not in sync is never moved for balance, but a drain moves
/// it off the drained server; the warnings say so rather than "left in place".
#[test]
fn a_drain_moves_an_unsynced_group_and_says_so() {
    let names = ["DBServer0001", "DBServer0002", "DBServer0003"];
    let mut snap = ClusterSnapshot {
        servers: servers(&names),
        groups: (0..6)
            .map(|i| {
                let (leader, follower) = (names[i % 3], names[(i + 1) % 3]);
                SnapshotGroup::new(format!("s{}", 700 + i), leader, &[follower], GIB)
            })
            .collect(),
    };
    // s702 (leader DBServer0003) and s701 (leader DBServer0002, follower DBServer0003)
    // are resyncing; s700 (DBServer0001 -> DBServer0002) is too, and stays put.
    for g in [0, 1, 2] {
        snap.groups[g].in_sync = false;
    }
    let options = PlanOptions {
        drain: vec!["DBServer0003".into()],
        ..PlanOptions::default()
    };
    let p = checked(&snap, &options);
    println!("{}", render_text(&p));
    for id in ["s701", "s702"] {
        assert!(
            p.moves
                .iter()
                .any(|m| m.group == id && m.from == "DBServer0003"),
            "{id} is drained: {:?}",
            p.moves
        );
    }
    assert!(p.moves.iter().all(|m| m.group != "s700"), "{:?}", p.moves);
    assert!(
        p.warnings
            .iter()
            .any(|w| w.starts_with("1 shard group was left in place")),
        "only s700 stays: {:?}",
        p.warnings
    );
    assert!(
        p.warnings
            .iter()
            .any(|w| w.starts_with("2 shard groups not in sync")
                && w.contains("moved off the draining server only")),
        "{:?}",
        p.warnings
    );
    assert!(
        p.reasons
            .iter()
            .all(|r| !r.starts_with("3 shard groups may not move")),
        "{:?}",
        p.reasons
    );
}

/// A cap that stops a drain halfway: the bound speaks of plans that drained as far, so it
/// never exceeds the bytes this plan moves.
#[test]
fn a_capped_drain_reports_a_bound_no_higher_than_its_bytes() {
    let snap = demo();
    let options = PlanOptions {
        drain: vec!["DBServer0003".into()],
        max_moves: Some(2),
        ..PlanOptions::default()
    };
    let p = checked(&snap, &options);
    assert!(p.capped);
    assert_eq!(p.moves.len(), 2);
    assert!(p.moves.iter().all(|m| m.mandatory));
    assert!(p.after.servers[2].bytes > 0, "the drain is not finished");
    assert!(
        p.lower_bound_bytes <= p.bytes_to_move,
        "bound {} > moved {}",
        p.lower_bound_bytes,
        p.bytes_to_move
    );
    assert!(p.lower_bound_bytes > 0);
}

/// Four servers and one what-if, ten groups of replication factor 2 (case 300 of the
/// quality survey): reaching the band takes moves between the old servers as well as onto
/// the new one. The plan used to move 11,947 bytes against a bound of 5,469 (2.18 x); the
/// independent search of every plan of improving moves (`contract_min_bytes`, minutes on
/// this input, so not run here) put the true minimum into that plan's band at 6,678.
#[test]
fn reshuffling_the_old_servers_too_stays_near_the_fewest_bytes() {
    let names = [
        "DBServer0001",
        "DBServer0002",
        "DBServer0003",
        "DBServer0004",
    ];
    let groups = [
        (0, 3, 829),
        (0, 1, 843),
        (3, 2, 1363),
        (3, 1, 997),
        (2, 1, 801),
        (1, 0, 679),
        (2, 3, 1486),
        (0, 3, 1285),
        (0, 1, 926),
        (2, 1, 1055),
    ];
    let snap = ClusterSnapshot {
        servers: servers(&names),
        groups: groups
            .iter()
            .enumerate()
            .map(|(i, &(leader, follower, bytes))| {
                SnapshotGroup::new(
                    format!("s{}", 1000 + i),
                    names[leader],
                    &[names[follower]],
                    bytes,
                )
            })
            .collect(),
    };
    let options = PlanOptions {
        what_if_servers: 1,
        ..PlanOptions::default()
    };
    let p = checked(&snap, &options);
    assert!(p.bytes_to_move < 8_000, "{}", render_text(&p));
    assert!(
        p.bytes_to_move * 5 <= p.lower_bound_bytes * 6,
        "moves {} bytes, bound {}",
        p.bytes_to_move,
        p.lower_bound_bytes
    );
    assert!(p.after.bytes.max_over_mean < 1.05, "{}", render_text(&p));
}

#[test]
fn drain_with_nowhere_to_go_is_an_error() {
    // Replication factor 3 on three servers: every group is everywhere already.
    let names = ["DBServer0001", "DBServer0002", "DBServer0003"];
    let snap = ClusterSnapshot {
        servers: servers(&names),
        groups: vec![SnapshotGroup::new(
            "s1",
            names[0],
            &[names[1], names[2]],
            GIB,
        )],
    };
    let options = PlanOptions {
        drain: vec!["DBServer0002".into()],
        ..PlanOptions::default()
    };
    let err = plan(&snap, &options).unwrap_err();
    assert_eq!(
        err,
        PlanError::NoReceiver {
            server: "DBServer0002".into(),
            group: "s1".into()
        }
    );
    assert!(err.to_string().contains("add a server"));
    // With one more (what-if) server it works.
    let options = PlanOptions {
        what_if_servers: 1,
        ..options
    };
    let p = checked(&snap, &options);
    assert_eq!(p.moves.len(), 1);
    assert_eq!(p.moves[0].to, "WhatIf01");
}

#[test]
fn one_huge_tenant_is_explained() {
    let names = [
        "DBServer0001",
        "DBServer0002",
        "DBServer0003",
        "DBServer0004",
    ];
    let mut groups: Vec<SnapshotGroup> = (0..8)
        .map(|i| SnapshotGroup::new(format!("s{}", 200 + i), names[i % 2], &[], GIB))
        .collect();
    groups.push(SnapshotGroup::new("s300", names[0], &[], 20 * GIB));
    let snap = ClusterSnapshot {
        servers: servers(&names),
        groups,
    };
    let p = checked(&snap, &PlanOptions::default());
    println!("{}", render_text(&p));
    // The big one stays where it is (nothing would be gained by moving it), the rest goes
    // around it.
    assert!(p.moves.iter().all(|m| m.group != "s300"));
    assert_eq!(p.after.bytes.max, 20 * GIB);
    assert!(!p.reasons.is_empty());
    let reason = &p.reasons[0];
    assert!(reason.contains("s300"), "{reason}");
    assert!(reason.contains("fair share"), "{reason}");
}

#[test]
fn new_servers_get_data_even_when_one_huge_tenant_sets_the_ideal() {
    // The e2e cluster after the demo: one 21.7 MiB tenant on 0001 and 0002, three small
    // groups, empty groups, and two new empty servers. "Within 2% of the ideal" (the huge
    // group) once let the plan leave both new servers empty: the small groups' sizes are
    // less than 2% of that ideal.
    let names: Vec<String> = (1..=7).map(|i| format!("DBServer000{i}")).collect();
    let n = |i: usize| names[i - 1].as_str();
    let mut groups = vec![
        SnapshotGroup::new("0", n(1), &[n(2)], 22_714_414),
        SnapshotGroup::new("1", n(3), &[n(2)], 272_149),
        SnapshotGroup::new("5", n(3), &[n(1)], 272_248),
        SnapshotGroup::new("9", n(4), &[n(5)], 815_859),
    ];
    for (i, (leader, follower)) in [
        (1, 2),
        (2, 3),
        (1, 2),
        (2, 3),
        (1, 3),
        (1, 2),
        (3, 1),
        (3, 2),
    ]
    .into_iter()
    .enumerate()
    {
        groups.push(SnapshotGroup::new(
            format!("e{i}"),
            n(leader),
            &[n(follower)],
            0,
        ));
    }
    let all: Vec<&str> = names.iter().map(String::as_str).collect();
    let snap = ClusterSnapshot {
        servers: servers(&all),
        groups,
    };
    let p = checked(&snap, &PlanOptions::default());
    println!("{}", render_text(&p));
    for new in [n(6), n(7)] {
        let after = p.after.servers.iter().find(|s| s.name == new).unwrap();
        assert!(after.bytes > 0, "{new} stays empty:\n{}", render_text(&p));
    }
    assert!(p.after.bytes.cv < p.before.bytes.cv);
    // Moving one small follower off each of 0001 and 0002 costs 99 bytes more than
    // moving both replicas of one small group, and leaves the huge group alone on both:
    // the plan takes the more even of two near-equal ways.
    assert_eq!(p.after.bytes.max, 22_714_414, "{}", render_text(&p));
}

#[test]
fn a_failed_server_is_left_to_arangodb() {
    let names = [
        "DBServer0001",
        "DBServer0002",
        "DBServer0003",
        "DBServer0004",
    ];
    let mut snap = ClusterSnapshot {
        servers: servers(&names),
        groups: (0..12)
            .map(|i| {
                // Most data on 1 and 2; server 4 holds some followers.
                let leader = names[i % 2];
                let follower = if i % 3 == 0 { names[3] } else { names[2] };
                SnapshotGroup::new(format!("s{}", 400 + i), leader, &[follower], GIB)
            })
            .collect(),
    };
    snap.servers[3].health = Health::Failed;
    let p = checked(&snap, &PlanOptions::default());
    println!("{}", render_text(&p));
    assert!(!p.moves.is_empty());
    // Nothing goes onto it, nothing is taken off it, and groups with a replica on it stay.
    let frozen: Vec<&str> = snap
        .groups
        .iter()
        .filter(|g| g.replicas().any(|s| s == "DBServer0004"))
        .map(|g| g.id.as_str())
        .collect();
    for m in &p.moves {
        assert!(m.to != "DBServer0004" && m.from != "DBServer0004");
        assert!(!frozen.contains(&m.group.as_str()));
    }
    assert_eq!(p.after.servers[3].bytes, p.before.servers[3].bytes);
    assert!(!p.after.servers[3].balanced);
    assert_eq!(p.after.balanced_servers, 3);
    assert!(p.warnings.iter().any(|w| w.contains("left in place")));
    assert!(
        p.reasons.is_empty() || p.reasons.iter().any(|r| r.contains("DBServer0004")),
        "{:?}",
        p.reasons
    );
}

#[test]
fn a_bad_server_gives_but_never_receives() {
    let names = ["DBServer0001", "DBServer0002", "DBServer0003"];
    let mut snap = ClusterSnapshot {
        servers: servers(&names),
        groups: (0..9)
            .map(|i| SnapshotGroup::new(format!("s{}", 500 + i), names[0], &[], GIB))
            .collect(),
    };
    snap.servers[1].health = Health::Bad;
    let p = checked(&snap, &PlanOptions::default());
    assert!(p.moves.iter().all(|m| m.to == "DBServer0003"));
    assert!(
        p.reasons.iter().any(|r| r.contains("DBServer0002")),
        "{:?}",
        p.reasons
    );
}

#[test]
fn leader_switches_balance_leaders_without_copying() {
    // Two servers, every group on both, all leaders on the first.
    let names = ["DBServer0001", "DBServer0002"];
    let snap = ClusterSnapshot {
        servers: servers(&names),
        groups: (0..4)
            .map(|i| SnapshotGroup::new(format!("s{}", 600 + i), names[0], &[names[1]], GIB))
            .collect(),
    };
    let p = checked(&snap, &PlanOptions::default());
    assert_eq!(p.moves.len(), 2);
    assert!(p
        .moves
        .iter()
        .all(|m| m.kind == StepKind::LeaderSwitch && m.bytes == 0 && m.role == Role::Leader));
    assert_eq!(p.bytes_to_move, 0);
    assert_eq!(p.after.servers[0].leaders, 2);
    assert_eq!(p.after.servers[1].leaders, 2);
    assert_eq!(p.curve[0], p.curve[2]);
    assert!(p.leader_curve[2] < p.leader_curve[0]);
    // Not allowed: nothing to do.
    let options = PlanOptions {
        allow_leader_switches: false,
        ..PlanOptions::default()
    };
    assert!(checked(&snap, &options).moves.is_empty());
}

#[test]
fn the_cap_stops_early_and_says_so() {
    let snap = demo();
    let options = PlanOptions {
        what_if_servers: 2,
        max_moves: Some(3),
        ..PlanOptions::default()
    };
    let p = checked(&snap, &options);
    assert_eq!(p.moves.len(), 3);
    assert!(p.capped);
    assert!(p.warnings.iter().any(|w| w.contains("cap")));
    assert!(p.reasons.iter().any(|r| r.contains("cap")));
    assert!(p.after.bytes.cv < p.before.bytes.cv);
    // A cap of 0 plans nothing.
    let options = PlanOptions {
        max_moves: Some(0),
        ..options
    };
    assert!(checked(&snap, &options).moves.is_empty());
}

#[test]
fn balancing_by_shard_count() {
    let names = ["DBServer0001", "DBServer0002", "DBServer0003"];
    let snap = ClusterSnapshot {
        servers: servers(&names),
        groups: (0..6)
            .map(|i| {
                SnapshotGroup::new(
                    format!("s{}", 700 + i),
                    names[0],
                    &[],
                    if i == 0 { 100 * GIB } else { GIB },
                )
            })
            .collect(),
    };
    let options = PlanOptions {
        target: BalanceTarget::ShardCount,
        ..PlanOptions::default()
    };
    let p = checked(&snap, &options);
    assert_eq!(p.target, BalanceTarget::ShardCount);
    assert_eq!(
        p.after.servers.iter().map(|s| s.shards).collect::<Vec<_>>(),
        [2, 2, 2]
    );
    // Equal counts reached by moving the small groups, not the 100 GiB one.
    assert!(p.moves.iter().all(|m| m.group != "s700"));
    assert_eq!(p.bytes_to_move, 4 * GIB);
}

#[test]
fn without_sizes_it_balances_shard_counts() {
    let names = ["DBServer0001", "DBServer0002"];
    let snap = ClusterSnapshot {
        servers: servers(&names),
        groups: (0..4)
            .map(|i| SnapshotGroup::new(format!("s{}", 800 + i), names[0], &[], 0))
            .collect(),
    };
    let p = checked(&snap, &PlanOptions::default());
    assert_eq!(p.target, BalanceTarget::ShardCount);
    assert_eq!(p.moves.len(), 2);
    assert!(p.warnings.iter().any(|w| w.contains("no shard sizes")));
}

#[test]
fn what_if_names_skip_taken_ones() {
    let snap = ClusterSnapshot {
        servers: servers(&["WhatIf01", "DBServer0001"]),
        groups: vec![SnapshotGroup::new("s1", "WhatIf01", &[], GIB)],
    };
    let options = PlanOptions {
        what_if_servers: 1,
        ..PlanOptions::default()
    };
    let p = checked(&snap, &options);
    assert_eq!(p.after.servers[2].name, "WhatIf02");
    assert!(p.after.servers[2].what_if);
}

#[test]
fn an_empty_or_balanced_cluster_needs_nothing() {
    let p = checked(&ClusterSnapshot::default(), &PlanOptions::default());
    assert!(p.moves.is_empty() && p.reasons.is_empty());
    let names = ["DBServer0001", "DBServer0002"];
    let snap = ClusterSnapshot {
        servers: servers(&names),
        groups: vec![
            SnapshotGroup::new("a", names[0], &[], GIB),
            SnapshotGroup::new("b", names[1], &[], GIB),
        ],
    };
    let p = checked(&snap, &PlanOptions::default());
    assert!(p.moves.is_empty() && p.reasons.is_empty() && p.lower_bound_bytes == 0);
    assert!(render_text(&p).contains("No step improves"));
}

#[test]
fn fewer_groups_than_servers_is_explained() {
    let names = ["DBServer0001", "DBServer0002"];
    let snap = ClusterSnapshot {
        servers: servers(&names),
        groups: vec![
            SnapshotGroup::new("a", names[0], &[], GIB),
            SnapshotGroup::new("b", names[1], &[], GIB),
        ],
    };
    let options = PlanOptions {
        what_if_servers: 2,
        ..PlanOptions::default()
    };
    let p = checked(&snap, &options);
    assert!(p.moves.is_empty());
    assert!(
        p.reasons.iter().any(|r| r.contains("must stay empty")),
        "{:?}",
        p.reasons
    );
    // Two groups of one replica each for four servers: four shards are needed.
    assert!(
        p.reasons.iter().any(|r| r
            .contains("4 servers need at least 4 shards at replication factor 1")
            && r.contains("--number-of-shards 4")),
        "{:?}",
        p.reasons
    );
}

#[test]
fn typed_errors() {
    let names = ["DBServer0001", "DBServer0002"];
    let ok = ClusterSnapshot {
        servers: servers(&names),
        groups: vec![SnapshotGroup::new("a", names[0], &[names[1]], GIB)],
    };
    let bad_drain = PlanOptions {
        drain: vec!["DBServer0009".into()],
        ..PlanOptions::default()
    };
    match plan(&ok, &bad_drain) {
        Err(PlanError::UnknownDrainServer { name, known }) => {
            assert_eq!(name, "DBServer0009");
            assert!(known.contains("DBServer0001"));
        }
        other => panic!("{other:?}"),
    }
    let mut twice = ok.clone();
    twice.groups[0].followers = vec![names[0].into()];
    assert!(matches!(
        plan(&twice, &PlanOptions::default()),
        Err(PlanError::DuplicateReplica { .. })
    ));
    let mut unknown = ok.clone();
    unknown.groups[0].followers = vec!["DBServer0007".into()];
    assert!(matches!(
        plan(&unknown, &PlanOptions::default()),
        Err(PlanError::UnknownServer { .. })
    ));
    let mut dup_server = ok.clone();
    dup_server
        .servers
        .push(SnapshotServer::new(names[0], Health::Good));
    assert!(matches!(
        plan(&dup_server, &PlanOptions::default()),
        Err(PlanError::DuplicateServer { .. })
    ));
    let mut dup_group = ok.clone();
    dup_group.groups.push(dup_group.groups[0].clone());
    dup_group.groups[1].leader = names[1].into();
    dup_group.groups[1].followers = vec![];
    assert!(matches!(
        plan(&dup_group, &PlanOptions::default()),
        Err(PlanError::DuplicateGroup { .. })
    ));
    let mut leaderless = ok;
    leaderless.groups[0].leader = String::new();
    assert!(matches!(
        plan(&leaderless, &PlanOptions::default()),
        Err(PlanError::MissingLeader { .. })
    ));
}

#[test]
fn arangodb_imbalance_is_computed_its_way() {
    // One prototype collection with 2 shard groups (3 collections each), replication 1,
    // both leaders on server 1; server 2 empty.
    let names = ["DBServer0001", "DBServer0002"];
    let group = |id: &str| {
        let mut g = SnapshotGroup::new(id, names[0], &[], 5 * GIB);
        g.collections = vec!["devices".into(), "software".into(), "links".into()];
        g.shards = vec![format!("{id}a"), format!("{id}b"), format!("{id}c")];
        g
    };
    let snap = ClusterSnapshot {
        servers: servers(&names),
        groups: vec![group("s1"), group("s2")],
    };
    let options = PlanOptions {
        max_moves: Some(0),
        ..PlanOptions::default()
    };
    let p = checked(&snap, &options);
    let a = p.before.arangodb;
    // Shards: used = [2, 0] MiB, target 1 MiB each: 2 * (1 MiB)^2.
    let mib = 1_048_576.0f64;
    assert_eq!(a.shards, 2.0 * mib * mib);
    // Leaders: weights [6, 0] (3 collections per group), target 3: 9 + 9 = 18; duplication:
    // t = [2, 0], one server affected, avg 2: (2 - 2)^2 = 0.
    assert_eq!(a.leader_duplication, 0.0);
    assert_eq!(a.leader, 18.0);
    // After one leader moves to server 2: weights [3, 3] -> 0; t = [1, 1], avg 1 -> 0.
    let p = checked(&snap, &PlanOptions::default());
    assert_eq!(p.after.arangodb.shards, 0.0);
    assert_eq!(p.after.arangodb.leader, 0.0);
    // Three groups: two on one server, one on the other -> duplication term appears.
    let mut three = snap.clone();
    three.groups.push(group("s3"));
    three.groups[2].leader = names[1].into();
    let p = checked(&three, &options);
    // t = [2, 1], avg 1.5: 2 * 0.25 * piFactor.
    assert_eq!(p.before.arangodb.leader_duplication, 0.5 * PI_FACTOR);
}

#[test]
fn plan_json_has_the_documented_shape() {
    let p = checked(
        &demo(),
        &PlanOptions {
            what_if_servers: 2,
            ..PlanOptions::default()
        },
    );
    let v: serde_json::Value = serde_json::to_value(&p).unwrap();
    for key in [
        "moves",
        "curve",
        "leader_curve",
        "before",
        "after",
        "bytes_to_move",
        "lower_bound_bytes",
        "reasons",
        "warnings",
        "capped",
        "target",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    let m = &v["moves"][0];
    assert_eq!(m["kind"], "move");
    assert!(m["role"] == "leader" || m["role"] == "follower");
    assert!(v["before"]["bytes"]["max_over_mean"].is_number());
    assert!(v["after"]["arangodb"]["shards"].is_number());
    let back: Plan = serde_json::from_value(v).unwrap();
    assert_eq!(back, p);
}

// ---- input formats ----

/// A shardDistribution response: a 3-collection SmartGraph with 3 shards (identical
/// placement per position), a plain 2-shard collection, and a system collection.
const DISTRIBUTION: &str = r#"{
  "error": false, "code": 200,
  "results": {
    "devices": {
      "Plan": {
        "s1000012": {"leader": "DBServer0001", "followers": ["DBServer0002"]},
        "s1000013": {"leader": "DBServer0002", "followers": ["DBServer0003"]},
        "s1000014": {"leader": "DBServer0003", "followers": ["DBServer0001"]}
      },
      "Current": {
        "s1000012": {"leader": "DBServer0001", "followers": ["DBServer0002"]},
        "s1000013": {"leader": "DBServer0002", "followers": ["DBServer0003"]},
        "s1000014": {"leader": "DBServer0003", "followers": []}
      }
    },
    "software": {
      "Plan": {
        "s1000016": {"leader": "DBServer0002", "followers": ["DBServer0003"]},
        "s1000015": {"leader": "DBServer0001", "followers": ["DBServer0002"]},
        "s1000017": {"leader": "DBServer0003", "followers": ["DBServer0001"]}
      }
    },
    "connections": {
      "Plan": {
        "s1000018": {"leader": "DBServer0001", "followers": ["DBServer0002"]},
        "s1000019": {"leader": "DBServer0002", "followers": ["DBServer0003"]},
        "s1000020": {"leader": "DBServer0003", "followers": ["DBServer0001"]}
      }
    },
    "audit": {
      "Plan": {
        "s1000030": {"leader": "DBServer0001", "followers": ["DBServer0003"]},
        "s1000031": {"leader": "DBServer0001", "followers": ["DBServer0002"]}
      }
    },
    "_graphs": {
      "Plan": {"s1000001": {"leader": "DBServer0002", "followers": ["DBServer0001"]}}
    }
  }
}"#;

#[test]
fn reads_a_shard_distribution_and_groups_smartgraph_shards() {
    let sizes = r#"{"s1000012": 100, "s1000015": 20, "s1000018": 3,
                    "s1000013": {"bytes": 1000, "documents": 7}, "s1000030": 5e2}"#;
    let snap = snapshot_from_json(DISTRIBUTION, Some(sizes)).unwrap();
    let names: Vec<&str> = snap.servers.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["DBServer0001", "DBServer0002", "DBServer0003"]);
    let ids: Vec<&str> = snap.groups.iter().map(|g| g.id.as_str()).collect();
    // _graphs first (lowest shard id), then the SmartGraph's 3 groups, then audit's 2.
    assert_eq!(
        ids,
        ["s1000001", "s1000012", "s1000013", "s1000014", "s1000030", "s1000031"]
    );
    let g0 = &snap.groups[1];
    assert_eq!(g0.collections, ["devices", "software", "connections"]);
    assert_eq!(g0.shards, ["s1000012", "s1000015", "s1000018"]);
    assert_eq!((g0.bytes, g0.index), (123, Some(0)));
    assert_eq!(
        (g0.leader.as_str(), g0.followers.clone()),
        ("DBServer0001", vec!["DBServer0002".to_string()])
    );
    assert_eq!((snap.groups[2].bytes, snap.groups[2].documents), (1000, 7));
    assert!(snap.groups[1].in_sync && snap.groups[2].in_sync);
    // devices s1000014's follower is missing from Current: not in sync.
    assert!(!snap.groups[3].in_sync);
    // audit's shards have different placements: one group each.
    assert_eq!(snap.groups[4].shards, ["s1000030"]);
    assert_eq!(snap.groups[4].bytes, 500);
    // And it plans.
    let p = checked(
        &snap,
        &PlanOptions {
            what_if_servers: 1,
            ..PlanOptions::default()
        },
    );
    assert!(p.moves.iter().all(|m| m.group != "s1000014"));
}

#[test]
fn reads_a_saved_http_response() {
    let saved = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n{DISTRIBUTION}");
    let a = snapshot_from_json(&saved, None).unwrap();
    let b = snapshot_from_json(DISTRIBUTION, None).unwrap();
    assert_eq!(a, b);
    assert!(a.groups.iter().all(|g| g.bytes == 0));
}

#[test]
fn reads_the_consoles_own_snapshot() {
    let snap = demo();
    let text = serde_json::to_string_pretty(&snap).unwrap();
    assert_eq!(snapshot_from_json(&text, None).unwrap(), snap);
    // With sizes, bytes are recomputed from the shard lists.
    let sizes = r#"{"s1000012": 1, "s1000024": 2, "s1000036": 4}"#;
    let resized = snapshot_from_json(&text, Some(sizes)).unwrap();
    assert_eq!(resized.groups[0].bytes, 7);
    assert_eq!(resized.groups[1].bytes, snap.groups[1].bytes);
}

#[test]
fn reads_a_lenient_export_without_servers_or_ids() {
    // The shape of the console's shard-info export: groups by index, no server list,
    // camelCase tolerated.
    let text = r#"{"number_of_shards": 2, "replication_factor": 2, "collections": [],
      "groups": [
        {"index": 0, "leader": "DBServer0002", "followers": ["DBServer0001"], "bytes": 10,
         "documents": 1, "tenants": [], "inSync": true, "available": true},
        {"index": 1, "leader": "DBServer0001", "followers": ["DBServer0003"], "bytes": 30,
         "documents": 3, "tenants": [], "in_sync": false, "available": true}
      ]}"#;
    let snap = snapshot_from_json(text, None).unwrap();
    assert!(!snap.groups[1].in_sync);
    let p = checked(&snap, &PlanOptions::default());
    let names: Vec<&str> = p.after.servers.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["DBServer0001", "DBServer0002", "DBServer0003"]);
    assert!(p
        .moves
        .iter()
        .all(|m| m.group == "group 0" || m.group == "group 1"));
    let health = r#"{"servers": [{"name": "A", "health": "FAILED"}, {"name": "B"}],
                    "groups": [{"id": "x", "leader": "B"}]}"#;
    let snap = snapshot_from_json(health, None).unwrap();
    assert_eq!(snap.servers[0].health, Health::Failed);
    assert_eq!(snap.servers[1].health, Health::Good);
}

#[test]
fn input_errors_are_typed() {
    assert!(matches!(
        snapshot_from_json("{nope", None),
        Err(PlanError::Json(_))
    ));
    assert_eq!(
        snapshot_from_json(r#"{"something": 1}"#, None),
        Err(PlanError::UnrecognizedFormat)
    );
    assert!(matches!(
        snapshot_from_json(r#"{"results": {"c": {}}}"#, None),
        Err(PlanError::InvalidDistribution(_))
    ));
    assert!(matches!(
        snapshot_from_json(DISTRIBUTION, Some("[1, 2]")),
        Err(PlanError::InvalidSizes(_))
    ));
    assert!(matches!(
        snapshot_from_json(DISTRIBUTION, Some(r#"{"s1": "big"}"#)),
        Err(PlanError::InvalidSizes(_))
    ));
}

#[test]
fn render_text_summarises() {
    let p = checked(
        &demo(),
        &PlanOptions {
            what_if_servers: 2,
            ..PlanOptions::default()
        },
    );
    let text = render_text(&p);
    assert!(text.starts_with("Rebalance plan (balance by bytes): "));
    assert!(text.contains("Before:") && text.contains("After:"));
    assert!(text.contains("WhatIf01") && text.contains("(what-if)"));
    assert!(text.contains("lower bound"));
    assert!(text.contains("Steps:"));
}

/// The input that bounds what any plan obeying the contract can do: A holds {6, 4}, B holds
/// {5, 3}. Swapping 4 and 3 would give 9/9, but either first move leaves a server at 12 or
/// 13, and a plan may be stopped after any move, so no data moves and the max stays 10
/// (11% above the best placement): the exception class of the quality target.
#[test]
fn a_swap_whose_midpoint_is_worse_is_not_made() {
    let group = |id: &str, on: &str, gib: u64| SnapshotGroup::new(id, on, &[], gib * GIB);
    let snapshot = ClusterSnapshot {
        servers: servers(&["A", "B"]),
        groups: vec![
            group("g6", "A", 6),
            group("g4", "A", 4),
            group("g5", "B", 5),
            group("g3", "B", 3),
        ],
    };
    let p = checked(&snapshot, &PlanOptions::default());
    assert!(p.moves.iter().all(|m| m.kind != StepKind::Move), "{p:?}");
    assert_eq!(p.after.bytes.max, 10 * GIB);
    // The best placement is 9/9.
    assert!(placement_within(&groups_of(&snapshot), 2, 9 * GIB));
}

/// More servers than replicas that hold data: some must stay empty, so the emptiest cannot
/// rise and two groups sharing a server stay together (the fullest is pinned elsewhere).
/// The plan says so in its reasons rather than only "nothing to move".
#[test]
fn servers_that_must_stay_empty_are_explained() {
    let group = |id: &str, on: &str, gib: u64| SnapshotGroup::new(id, on, &[], gib * GIB);
    let snapshot = ClusterSnapshot {
        servers: servers(&["A", "B", "C", "D", "E"]),
        groups: vec![
            group("g0", "A", 100),
            group("g1", "B", 10),
            group("g2", "B", 10),
            group("g3", "C", 0),
            group("g4", "D", 0),
            group("g5", "E", 0),
        ],
    };
    let p = checked(&snapshot, &PlanOptions::default());
    assert!(
        p.reasons
            .iter()
            .any(|r| r.contains("only 3 of the 6 shard-group replicas hold data, for 5 servers")),
        "{:?}",
        p.reasons
    );
}

/// ArangoDB's leader score compares only the servers that lead something: leaders spread
/// from 3 servers (4 each, 0) onto 5 (never even) read as millions of percent worse. The
/// plan says why.
#[test]
fn a_leader_score_that_rises_as_leaders_spread_says_why() {
    let p = checked(
        &demo(),
        &PlanOptions {
            what_if_servers: 2,
            ..PlanOptions::default()
        },
    );
    assert!(
        p.after.arangodb.leader_duplication > p.before.arangodb.leader_duplication,
        "{:?} -> {:?}",
        p.before.arangodb,
        p.after.arangodb
    );
    let note = scaleout_domain::planner::leader_score_note(&p.before, &p.after).expect("a note");
    assert!(
        note.contains("leaders reach 5 servers instead of 3"),
        "{note}"
    );
    assert!(render_text(&p).contains(&note), "the plan's text says it");
    // Nothing to explain where the score did not rise.
    assert_eq!(
        scaleout_domain::planner::leader_score_note(&p.after, &p.after),
        None
    );
}

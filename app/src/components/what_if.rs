//! What if the cluster had N more DB servers? The domain planner runs right here (in the
//! browser once hydrated, on the server for the first render), on the snapshot the server
//! sent: every change of N shows the projected placement at once, with no request.

use leptos::prelude::*;

use crate::components::operator_only::OperatorOnly;
use scaleout_domain::planner::{self, ClusterSnapshot, Figures, PlanOptions, StepKind};

use super::units::bytes;

/// The what-if form's button where scripts do not run (with them, the figures follow the
/// field): HTML, as a `<noscript>`'s content is (see `no_script`).
const SHOW_WITHOUT_SCRIPT: &str = "<button type=\"submit\" class=\"secondary\">Show</button>";

/// At most this many hypothetical servers.
pub const MAX_WHAT_IF: u32 = 16;

/// The projection for `n` more servers: the plan's figures, or why there is none.
pub fn project(snapshot: &ClusterSnapshot, n: u32) -> Result<planner::Plan, String> {
    planner::plan(
        snapshot,
        &PlanOptions {
            what_if_servers: n.min(MAX_WHAT_IF),
            ..PlanOptions::default()
        },
    )
    .map_err(|e| format!("The planner cannot project this: {e}"))
}

/// `now`: the cluster's figures as it is (the "before" of the fullest server and the mean).
#[component]
pub fn WhatIf(snapshot: ClusterSnapshot, now: Figures) -> impl IntoView {
    // `?what_if=N`: what the form asked without scripts (the server plans it then).
    // A value it cannot show (too many, not a number) is said, as when typed.
    let (asked, asked_note) =
        crate::components::query::query_param("what_if").map_or((0, None), |v| read_count(&v));
    let n = RwSignal::new(asked);
    // What the field says when it is not what was computed (empty, not a number, too many).
    let note = RwSignal::new(asked_note);
    let snapshot = StoredValue::new(snapshot);
    let projection = Memo::new(move |_| snapshot.with_value(|s| project(s, n.get())));
    // A smaller count that does better, when there is one: groups move whole. Each count's
    // fullest server is planned once, then remembered.
    let fullest = StoredValue::new(std::collections::BTreeMap::<u32, Option<u64>>::new());
    let better = Memo::new(move |_| {
        let n = n.get();
        // `n`'s own plan is the projection's: not planned twice (the server plans for a
        // page without scripts, once per request).
        let planned = projection.with(|p| p.as_ref().ok().map(|p| p.after.bytes.max));
        fullest.update_value(|m| {
            m.entry(n).or_insert(planned);
        });
        let mut max_of = |k: u32| {
            if let Some(known) = fullest.with_value(|m| m.get(&k).copied()) {
                return known;
            }
            let max = snapshot.with_value(|s| project(s, k).ok().map(|p| p.after.bytes.max));
            fullest.update_value(|m| {
                m.insert(k, max);
            });
            max
        };
        fewer_do_better(n, &mut max_of)
    });
    let on_input = move |ev| {
        let typed = event_target_value(&ev);
        let (value, why) = read_count(&typed);
        note.set(why);
        n.set(value);
    };
    view! {
        <section class="card what-if" aria-labelledby="what-if-h" data-testid="what-if">
            <h2 id="what-if-h">"What if: more DB servers"</h2>
            // Without scripts, the form asks the server for the page with `?what_if=N`;
            // with them, the figures follow the field as it changes.
            <form class="form-row" method="get" action="/servers" on:submit=|ev| ev.prevent_default()>
                <label for="what-if-count">"Hypothetical new DB servers (0 to 16)"</label>
                <input id="what-if-count" name="what_if" type="number" min="0" max=MAX_WHAT_IF step="1" value=asked
                    aria-describedby="what-if-hint" data-testid="what-if-count"
                    on:input=on_input on:change=on_input />
                <noscript inner_html=SHOW_WITHOUT_SCRIPT></noscript>
            </form>
            {move || note.get().map(|m| view! { <p class="notice-warn" role="status" data-testid="what-if-note">{m}</p> })}
            <p class="hint" id="what-if-hint">
                "The rebalance planner runs on the current placement: nothing is added or moved. "
                <OperatorOnly note="">"Add servers for real in the form above, then rebalance on the Shards page."</OperatorOnly>
            </p>
            {move || match projection.get() {
                Err(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                Ok(plan) => {
                    let moves = plan.moves.iter().filter(|m| m.kind == StepKind::Move).count();
                    let summary = summary(n.get(), moves, &now, &plan);
                    // What the projection does with the new servers, from its own table.
                    let new_servers = plan.after.servers.iter().filter(|s| s.what_if).count();
                    let left_empty = plan.after.servers.iter().filter(|s| s.what_if && s.bytes == 0).count();
                    let today_max = now.bytes.max;
                    let rows = plan.before.servers.iter().zip(&plan.after.servers).map(|(b, a)| {
                        let name = b.name.clone();
                        view! {
                            <tr data-server=name.clone() class:hypothetical=b.what_if>
                                <th scope="row">
                                    {name.clone()}
                                    {b.what_if.then(|| view! { <span class="badge tag">" (hypothetical)"</span> })}
                                </th>
                                <td class="num">{format!("{} → {}", b.groups, a.groups)}</td>
                                <td class="num">{format!("{} → {}", bytes(b.bytes), bytes(a.bytes))}</td>
                                <td class="num">{format!("{} → {}", b.leader_groups, a.leader_groups)}</td>
                            </tr>
                        }
                    }).collect_view();
                    view! {
                        <p class="review-summary" role="status" aria-live="polite" data-testid="what-if-summary">{summary}</p>
                        {move || better.get().map(|(k, max_k, max_n)| {
                            let servers = if k == 1 { "server" } else { "servers" };
                            // Lighter by less than the figures show reads as the same.
                            let text = if max_k < max_n && bytes(max_k) != bytes(max_n) {
                                format!(
                                    "With {k} new {servers} instead, the fullest server would hold {} rather than {}: shard groups move whole, so how evenly they spread depends on how their count divides among the servers, and more servers do not always lower the fullest one.",
                                    bytes(max_k),
                                    bytes(max_n),
                                )
                            } else {
                                // Lighter by less than the figures show reads as not lower. Why
                                // it stays is how the groups divide, not one group's size: a
                                // server full of two groups stays full when six equal replicas
                                // meet five servers.
                                let fullest = if max_k >= today_max || bytes(max_k) == bytes(today_max) {
                                    format!(
                                        "The fullest server holds {} today, and new servers do not lower it: shard groups move whole, so how evenly they spread depends on how their count divides among the servers.",
                                        bytes(today_max),
                                    )
                                } else {
                                    let already = if k == 0 {
                                        "A rebalance alone, with no new server,".to_string()
                                    } else {
                                        format!("{k} new {servers}")
                                    };
                                    format!(
                                        "{already} already bring{} the fullest server down to {}; more servers do not lower it further: shard groups move whole, so how evenly they spread depends on how their count divides among the servers.",
                                        if k == 1 || k == 0 { "s" } else { "" },
                                        bytes(max_k),
                                    )
                                };
                                // Said only as the table below shows it.
                                let empty = match (left_empty, new_servers) {
                                    (0, _) => String::new(),
                                    (e, all) if e == all => format!(" The {all} new server{} would stay empty.", if all == 1 { "" } else { "s" }),
                                    (e, all) => format!(" {e} of the {all} new servers would stay empty."),
                                };
                                format!("{fullest}{empty}")
                            };
                            view! { <p class="hint" data-testid="what-if-fewer">{text}</p> }
                        })}
                        <div class="table-wrap" tabindex="0" role="region" aria-label="Projected placement per server">
                            <table data-testid="what-if-table">
                                <caption class="visually-hidden">"Projected placement per server, before → after the rebalance"</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">"Server"</th>
                                        <th scope="col" class="num">"Shard groups"</th>
                                        <th scope="col" class="num">"Bytes"</th>
                                        <th scope="col" class="num">"Groups led"</th>
                                    </tr>
                                </thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                        <dl class="facts">
                            <dt>"Moves needed"</dt><dd data-testid="what-if-moves">{moves}</dd>
                            <dt>"Bytes to move"</dt><dd>{bytes(plan.bytes_to_move)}</dd>
                            <dt>"Fullest server"</dt>
                            <dd data-testid="what-if-max">{format!("{} → {}", bytes(now.bytes.max), bytes(plan.after.bytes.max))}</dd>
                            <dt>"Emptiest server"</dt>
                            <dd>{format!("{} today → {} after", bytes(now.bytes.min), bytes(plan.after.bytes.min))}</dd>
                            <dt>"Mean per server"</dt>
                            <dd>{format!("{} today → {} over {} servers", bytes(now.bytes.mean.round() as u64), bytes(plan.after.bytes.mean.round() as u64), plan.after.balanced_servers)}</dd>
                        </dl>
                        {(!plan.reasons.is_empty()).then(|| view! {
                            <h3>"Why not perfectly even"</h3>
                            <ul class="reasons" data-testid="what-if-reasons">
                                {plan.reasons.iter().map(|r| view! { <li>{r.clone()}</li> }).collect_view()}
                            </ul>
                        })}
                    }.into_any()
                }
            }}
        </section>
    }
}

/// The count the field asks for, and a note when that is not what was typed.
fn read_count(typed: &str) -> (u32, Option<String>) {
    match typed.trim().parse::<u32>() {
        Ok(v) if v <= MAX_WHAT_IF => (v, None),
        Ok(v) => (
            MAX_WHAT_IF,
            Some(format!(
                "At most {MAX_WHAT_IF} hypothetical servers: showing {MAX_WHAT_IF}, not {v}."
            )),
        ),
        Err(_) if typed.trim().is_empty() || typed.trim().parse::<i64>().is_ok() => (
            0,
            Some("Enter a number of servers from 0 to 16: showing 0.".into()),
        ),
        Err(_) => (
            0,
            Some(format!(
                "{:?} is not a number of servers: showing 0.",
                typed.trim()
            )),
        ),
    }
}

/// The smallest count below `n` whose plan leaves the fullest server no heavier than `n`'s
/// does: `(count, its fullest, n's fullest)`; lighter when more servers made it worse, as
/// light when they add nothing. `max_of(k)`: the fullest server with `k` new servers,
/// when the planner can say.
fn fewer_do_better(n: u32, max_of: &mut impl FnMut(u32) -> Option<u64>) -> Option<(u32, u64, u64)> {
    let max_n = max_of(n)?;
    (0..n)
        .filter_map(|k| max_of(k).map(|m| (k, m)))
        .find(|&(_, max_k)| max_k <= max_n)
        .map(|(k, max_k)| (k, max_k, max_n))
}

/// One sentence on the projection. It compares the fullest server, not max/mean: more servers
/// lower the mean, so max/mean against today's cluster could rise while every server gets
/// lighter, which reads as "worse".
fn summary(n: u32, moves: usize, now: &Figures, plan: &planner::Plan) -> String {
    let servers = if n == 1 { "server" } else { "servers" };
    let moves_text = if moves == 1 { "move" } else { "moves" };
    let (was, will) = (now.bytes.max, plan.after.bytes.max);
    let effect = if will < was {
        format!(
            "the fullest server goes from {} to {}",
            bytes(was),
            bytes(will)
        )
    } else {
        format!("the fullest server stays at {}", bytes(will))
    };
    format!(
        "With {n} more {servers}: {moves} {moves_text} copying {}; {effect}.",
        bytes(plan.bytes_to_move)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use scaleout_domain::planner::SnapshotGroup;

    /// Two servers, one holding 3 MiB, the other 1 MiB, in four 1 MiB groups.
    fn lopsided() -> ClusterSnapshot {
        const MIB: u64 = 1 << 20;
        ClusterSnapshot {
            servers: Vec::new(),
            groups: vec![
                SnapshotGroup::new("g0", "A", &[], MIB),
                SnapshotGroup::new("g1", "A", &[], MIB),
                SnapshotGroup::new("g2", "A", &[], MIB),
                SnapshotGroup::new("g3", "B", &[], MIB),
            ],
        }
    }

    #[test]
    fn the_summary_names_the_fullest_server_before_and_after() {
        let snapshot = lopsided();
        let now = project(&snapshot, 0).unwrap().before;
        let plan = project(&snapshot, 2).unwrap();
        let moves = plan
            .moves
            .iter()
            .filter(|m| m.kind == StepKind::Move)
            .count();
        assert_eq!(
            summary(2, moves, &now, &plan),
            "With 2 more servers: 2 moves copying 2.0 MiB; the fullest server goes from 3.0 MiB to 1.0 MiB."
        );
    }

    #[test]
    fn the_count_shown_is_the_count_computed() {
        assert_eq!(read_count("3"), (3, None));
        assert_eq!(read_count(" 16 "), (16, None));
        let (n, note) = read_count("40");
        assert_eq!(n, 16);
        assert!(note.unwrap().contains("showing 16, not 40"));
        let (n, note) = read_count("");
        assert_eq!(n, 0);
        assert!(note.unwrap().contains("showing 0"));
        // A negative count is a number, just not one of servers: the range is said.
        assert_eq!(
            read_count("-2"),
            (
                0,
                Some("Enter a number of servers from 0 to 16: showing 0.".into())
            )
        );
        assert!(read_count("two")
            .1
            .unwrap()
            .contains("\"two\" is not a number"));
    }

    #[test]
    fn a_smaller_count_that_does_better_is_named() {
        // Four 1 MiB groups, no followers: 2 new servers reach 1 MiB on the fullest...
        let snapshot = lopsided();
        let mut planned = |k| project(&snapshot, k).ok().map(|p| p.after.bytes.max);
        let two = planned(2).unwrap();
        // 1 MiB on the fullest needs 2 new servers: fewer leave more.
        assert!(fewer_do_better(2, &mut planned).is_none_or(|(k, m, _)| k < 2 && m <= two));
        // A count that does worse than a smaller one is told which one, and by how much.
        let mut made_up = |k: u32| Some([30u64, 20, 10, 15, 10][k as usize]);
        assert_eq!(fewer_do_better(3, &mut made_up), Some((2, 10, 15)));
        assert_eq!(fewer_do_better(2, &mut made_up), None);
        // More servers that add nothing: the smallest count that does as well.
        assert_eq!(fewer_do_better(4, &mut made_up), Some((2, 10, 10)));
    }

    #[test]
    fn a_balanced_cluster_keeps_its_fullest_server() {
        let mut snapshot = lopsided();
        snapshot.groups[2].leader = "B".into();
        let now = project(&snapshot, 0).unwrap().before;
        let plan = project(&snapshot, 0).unwrap();
        assert_eq!(
            summary(0, 0, &now, &plan),
            "With 0 more servers: 0 moves copying 0 B; the fullest server stays at 2.0 MiB."
        );
    }
}

//! What if the cluster had N more DB servers? The domain planner runs right here (in the
//! browser once hydrated, on the server for the first render), on the snapshot the server
//! sent: every change of N shows the projected placement at once, with no request.

use leptos::prelude::*;
use scaleout_domain::planner::{self, ClusterSnapshot, Figures, PlanOptions, StepKind};

use super::units::bytes;

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
    let n = RwSignal::new(0u32);
    let projection = Memo::new(move |_| project(&snapshot, n.get()));
    let on_input = move |ev| {
        let v = event_target_value(&ev).trim().parse::<u32>().unwrap_or(0);
        n.set(v.min(MAX_WHAT_IF));
    };
    view! {
        <section class="card what-if" aria-labelledby="what-if-h" data-testid="what-if">
            <h2 id="what-if-h">"What if: more DB servers"</h2>
            <div class="form-row">
                <label for="what-if-count">"Hypothetical new DB servers (0 to 16)"</label>
                <input id="what-if-count" type="number" min="0" max=MAX_WHAT_IF step="1" value="0"
                    aria-describedby="what-if-hint" data-testid="what-if-count"
                    on:input=on_input on:change=on_input />
            </div>
            <p class="hint" id="what-if-hint">
                "The rebalance planner runs in your browser on the current placement: nothing is added or moved. "
                "Add servers for real in the form above, then rebalance on the Shards page."
            </p>
            {move || match projection.get() {
                Err(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                Ok(plan) => {
                    let moves = plan.moves.iter().filter(|m| m.kind == StepKind::Move).count();
                    let summary = summary(n.get(), moves, &now, &plan);
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
                        <div class="table-wrap">
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
                            <dt>"Mean per server"</dt>
                            <dd>{format!("{} → {}", bytes(now.bytes.mean.round() as u64), bytes(plan.after.bytes.mean.round() as u64))}</dd>
                            <dt>"Max / mean, new servers still empty → after the moves"</dt>
                            <dd>{format!("{:.2} → {:.2}", plan.before.bytes.max_over_mean, plan.after.bytes.max_over_mean)}</dd>
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

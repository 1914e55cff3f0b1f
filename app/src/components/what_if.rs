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

/// `now`: the cluster's figures as it is (the "before" of max/mean).
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
                    let summary = format!(
                        "With {} more server{}: {moves} move{} copying {}; max/mean bytes per server {:.2} → {:.2}.",
                        n.get(),
                        if n.get() == 1 { "" } else { "s" },
                        if moves == 1 { "" } else { "s" },
                        bytes(plan.bytes_to_move),
                        now.bytes.max_over_mean,
                        plan.after.bytes.max_over_mean,
                    );
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
                            <dt>"Max / mean bytes per server"</dt>
                            <dd>{format!("{:.2} → {:.2}", now.bytes.max_over_mean, plan.after.bytes.max_over_mean)}</dd>
                            <dt>"Max bytes per server"</dt>
                            <dd>{format!("{} → {}", bytes(now.bytes.max), bytes(plan.after.bytes.max))}</dd>
                        </dl>
                    }.into_any()
                }
            }}
        </section>
    }
}

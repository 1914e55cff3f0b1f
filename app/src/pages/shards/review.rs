//! The review of a rebalance plan before anything moves: the moves, what they cost,
//! the balance before and after, the quality curve, the reasons, and ArangoDB's own plan.

use leptos::prelude::*;
use scaleout_domain::planner::{Role, StepKind};
use scaleout_domain::views::PlanReview;
use serde_json::Value;

use super::figures::FiguresTable;
use crate::components::quality_chart::QualityChart;
use crate::components::units::bytes;

/// `children`: the actions on the plan (execute, plan again), right under its summary so
/// they are in view when the review arrives, not below its whole table.
#[component]
pub fn Review(review: PlanReview, children: Children) -> impl IntoView {
    let plan = review.plan.clone();
    let moves = plan
        .moves
        .iter()
        .filter(|m| m.kind == StepKind::Move)
        .count();
    let switches = plan.moves.len() - moves;
    let summary = if plan.moves.is_empty() {
        "The cluster is as balanced as the planner can make it: there is nothing to move."
            .to_string()
    } else if moves == 0 {
        format!(
            "{switches} leader switch{} and no data to copy: the same servers hold the same bytes, and which of them lead evens out.",
            if switches == 1 { "" } else { "es" },
        )
    } else {
        let least = if plan.lower_bound_bytes >= plan.bytes_to_move {
            "the least any plan reaching this balance copies".to_string()
        } else {
            format!(
                "no plan reaching this balance copies less than {}",
                bytes(plan.lower_bound_bytes)
            )
        };
        // No "and 0 leader switches".
        let switched = match switches {
            0 => String::new(),
            1 => " and 1 leader switch".to_string(),
            n => format!(" and {n} leader switches"),
        };
        format!(
            "{moves} move{}{switched}, {} to copy ({least}): {}.",
            if moves == 1 { "" } else { "s" },
            bytes(plan.bytes_to_move),
            scaleout_domain::planner::effect(&plan.before.bytes, &plan.after.bytes),
        )
    };
    let curve = plan.curve.clone();
    let barely = plan.barely_helps();
    view! {
        <div class="review" data-testid="plan-review" data-fingerprint=review.fingerprint.clone()>
            <p class="review-summary" id="plan-summary" data-testid="plan-summary">{summary}</p>
            {barely.then(|| view! {
                <p class="notice-warn" role="note" data-testid="plan-barely-helps">
                    {scaleout_domain::planner::BARELY_HELPS}
                    // The reasons are screens below on a phone: one tap away.
                    {(!plan.reasons.is_empty()).then(|| view! { " " <a href="#plan-reasons-h">"Read why"</a> })}
                </p>
            })}
            {children()}
            {(!plan.moves.is_empty()).then(|| view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label="The plan, step by step">
                    <table data-testid="plan-moves">
                        <caption>{format!("The plan, step by step (fingerprint {})", review.fingerprint)}</caption>
                        <thead>
                            <tr>
                                <th scope="col" class="num">"Step"</th>
                                <th scope="col" class="num">"Shard group"</th>
                                <th scope="col">"From"</th>
                                <th scope="col">"To"</th>
                                <th scope="col">"Role"</th>
                                <th scope="col" class="num">"Bytes"</th>
                                <th scope="col" class="num" title="How far the servers' bytes are from their mean after this step, on average (the coefficient of variation): 0% is perfectly even">"Spread after"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {plan.moves.iter().enumerate().map(|(i, m)| {
                                let role = match (m.kind, m.role) {
                                    (StepKind::LeaderSwitch, _) => "leader switch",
                                    (_, Role::Leader) => "leader",
                                    (_, Role::Follower) => "follower",
                                };
                                view! {
                                    <tr>
                                        <th scope="row" class="num">{i + 1}</th>
                                        <td class="num">{m.group.clone()}</td>
                                        <td>{m.from.clone()}</td>
                                        <td>{m.to.clone()}</td>
                                        <td>{role}{m.mandatory.then_some(" (drain)")}</td>
                                        <td class="num">{bytes(m.bytes)}</td>
                                        <td class="num">{plan.curve.get(i + 1).map(|c| scaleout_domain::units::spread_percent(*c))}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                        <tfoot>
                            <tr>
                                <th scope="row" colspan="5">"Total to copy"</th>
                                <td class="num" data-testid="bytes-to-move">{bytes(plan.bytes_to_move)}</td>
                                <td></td>
                            </tr>
                        </tfoot>
                    </table>
                </div>
                <QualityChart curve=curve.clone() />
            })}
            // Nothing to move: one column, not the same figures twice over.
            {if plan.moves.is_empty() {
                view! {
                    <h3>"Balance: unchanged, nothing to move"</h3>
                    <FiguresTable columns=vec![("Now and after", plan.before.clone())] testid="plan-figures" />
                }.into_any()
            } else {
                view! {
                    <h3>"Balance before and after"</h3>
                    <FiguresTable columns=vec![("Before", plan.before.clone()), ("After the plan", plan.after.clone())] testid="plan-figures" />
                }.into_any()
            }}
            {(!plan.reasons.is_empty() || !plan.warnings.is_empty()).then(|| view! {
                <h3 id="plan-reasons-h" tabindex="-1">"Why not perfectly even"</h3>
                <ul class="reasons" data-testid="plan-reasons">
                    {plan.reasons.iter().map(|r| view! { <li>{r.clone()}</li> }).collect_view()}
                    {plan.warnings.iter().map(|w| view! { <li class="warn">"Warning: " {w.clone()}</li> }).collect_view()}
                </ul>
            })}
            <h3>"ArangoDB's own plan"</h3>
            <ArangoPlan plan=review.arangodb_plan.clone() note=review.arangodb_note.clone() ours=plan.moves.len() />
        </div>
    }
}

/// ArangoDB's rebalance plan for the same cluster, beside ours (computed, never run).
#[component]
fn ArangoPlan(plan: Option<Value>, note: Option<String>, ours: usize) -> impl IntoView {
    let Some(plan) = plan else {
        return view! {
            <p class="muted" data-testid="arangodb-plan">
                {note.unwrap_or_else(|| "ArangoDB's own plan is not available.".into())}
            </p>
        }
        .into_any();
    };
    let score = |side: &str, part: &str| {
        plan[side][part]
            .as_f64()
            .map(super::figures::plain)
            .unwrap_or_else(|| "-".into())
    };
    // Its size says nothing: how its plan changes it does.
    let after = |part: &str| {
        let raw = |side: &str| plan[side][part].as_f64().unwrap_or(f64::NAN);
        format!(
            "{} ({})",
            score("imbalance_after", part),
            scaleout_domain::units::relative_change(
                raw("imbalance_before"),
                raw("imbalance_after")
            )
        )
    };
    let moves = plan["moves"].as_array().cloned().unwrap_or_default();
    view! {
        <div data-testid="arangodb-plan">
            <p>{format!(
                "ArangoDB would make {} move{} (ours: {ours} step{}). It balances shard counts, not bytes: its scores are below.",
                moves.len(),
                if moves.len() == 1 { "" } else { "s" },
                if ours == 1 { "" } else { "s" },
            )}</p>
            <div class="table-wrap" tabindex="0" role="region" aria-label="ArangoDB's scores">
            <table>
                <thead><tr><th scope="col">"ArangoDB score"</th><th scope="col" class="num">"Before"</th><th scope="col" class="num">"After its plan"</th></tr></thead>
                <tbody>
                    <tr><th scope="row">"Shard imbalance"</th><td class="num">{score("imbalance_before", "shards")}</td><td class="num">{after("shards")}</td></tr>
                    <tr><th scope="row">"Leader imbalance"</th><td class="num">{score("imbalance_before", "leader")}</td><td class="num">{after("leader")}</td></tr>
                </tbody>
            </table>
            </div>
            {(!moves.is_empty()).then(|| view! {
                <ol class="arango-moves">
                    {moves.iter().map(|m| view! {
                        <li>{format!(
                            "{} {} {} → {}{}",
                            m["shard"].as_str().unwrap_or("?"),
                            if m["is_leader"].as_bool().unwrap_or(false) { "leader" } else { "follower" },
                            m["from"].as_str().unwrap_or("?"),
                            m["to"].as_str().unwrap_or("?"),
                            m["group"].as_u64().map(|g| format!(" (shard group {g})")).unwrap_or_default(),
                        )}</li>
                    }).collect_view()}
                </ol>
            })}
        </div>
    }
    .into_any()
}

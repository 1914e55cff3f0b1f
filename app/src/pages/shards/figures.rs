//! Balance figures as a table: one column per placement (now, or before and after).

use leptos::prelude::*;
use scaleout_domain::planner::Figures;

use crate::components::units::bytes;
pub use scaleout_domain::units::plain_number as plain;
use scaleout_domain::units::{relative_change, spread_percent};

/// A score as a number, to compare columns.
type Score = fn(&Figures) -> f64;

/// One row: its label, what it means (on hover and for screen readers), its value.
type Row = (&'static str, &'static str, fn(&Figures) -> String);

const ROWS: [Row; 11] = [
    (
        "DB servers counted",
        "Healthy DB servers that are not being drained: the ones the balance is measured over.",
        |f| f.balanced_servers.to_string(),
    ),
    ("Most bytes on one server", "The fullest server's bytes (leader and follower replicas).", |f| bytes(f.bytes.max)),
    ("Fewest bytes on one server", "The emptiest counted server's bytes.", |f| bytes(f.bytes.min)),
    ("Mean bytes per server", "All bytes divided by the counted servers.", |f| {
        bytes(f.bytes.mean.round() as u64)
    }),
    (
        "Fullest server against the mean",
        "Most bytes on one server divided by the mean: 1.00 is perfectly even, 2.00 means the fullest server holds twice its fair share.",
        |f| format!("{:.2} x", f.bytes.max_over_mean),
    ),
    (
        "Spread of bytes between servers",
        "How far a server's bytes are from the mean, on average (the standard deviation over the mean, or coefficient of variation): 0% is perfectly even; under 10% is very even.",
        |f| spread_percent(f.bytes.cv),
    ),
    (
        "Collection shards per server (fewest – most)",
        "Each shard group has one shard in each of the graph's collections, so these count shards of every collection, not shard groups.",
        |f| format!("{} – {}", f.shards.min, f.shards.max),
    ),
    (
        "Leader shards per server (fewest – most)",
        "Shards a server leads (it takes their writes).",
        |f| format!("{} – {}", f.leaders.min, f.leaders.max),
    ),
    (
        "ArangoDB's shard imbalance score",
        "ArangoDB's own score, for comparison with its rebalancer: the squared spread of replicas over servers, each replica counted as 1 MiB whatever its size. Lower is more even; only its change means something.",
        |f| plain(f.arangodb.shards),
    ),
    (
        "ArangoDB's leader imbalance score",
        "ArangoDB's own leader score: 256,000,000 (its piFactor) times the squared spread of each collection's leaders over the servers that lead any. Lower is more even among those; it rises when leaders reach more servers.",
        |f| plain(f.arangodb.leader),
    ),
    (
        "Shard-group replicas in all",
        "Shard groups times the replication factor.",
        |f| f.servers.iter().map(|s| s.groups).sum::<u32>().to_string(),
    ),
];

/// ArangoDB's scores as numbers: their size means nothing to a reader, so a later column
/// says how they changed from the first.
const SCORES: [(&str, Score); 2] = [
    ("ArangoDB's shard imbalance score", |f| f.arangodb.shards),
    ("ArangoDB's leader imbalance score", |f| f.arangodb.leader),
];

/// A figure in column `i`: ArangoDB's scores after the first column say how they changed.
fn shown(label: &str, f: fn(&Figures) -> String, columns: &[(&str, Figures)], i: usize) -> String {
    let value = f(&columns[i].1);
    match SCORES.iter().find(|(l, _)| *l == label) {
        Some((_, raw)) if i > 0 => format!(
            "{value} ({})",
            relative_change(raw(&columns[0].1), raw(&columns[i].1))
        ),
        _ => value,
    }
}

/// The rows a short summary keeps: the bytes on the fullest and emptiest servers, and
/// how even they are.
const SHORT: [usize; 4] = [1, 2, 4, 5];

/// `columns`: a heading and the figures under it. `short`: the key rows only (where a
/// full table of the same cluster is already on the page).
#[component]
pub fn FiguresTable(
    columns: Vec<(&'static str, Figures)>,
    testid: &'static str,
    #[prop(optional)] short: bool,
) -> impl IntoView {
    let rows: Vec<Row> = ROWS
        .iter()
        .enumerate()
        .filter(|(i, _)| !short || SHORT.contains(i))
        .map(|(_, r)| *r)
        .collect();
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label="Balance figures">
            <table class="figures" data-testid=testid>
                <thead>
                    <tr>
                        <th scope="col">"Figure"</th>
                        {columns.iter().map(|(h, _)| view! { <th scope="col" class="num">{*h}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|(label, meaning, f)| view! {
                        <tr>
                            <th scope="row"><abbr title=meaning>{label}</abbr></th>
                            {(0..columns.len()).map(|i| view! { <td class="num">{shown(label, f, &columns, i)}</td> }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {(columns.len() > 1)
            .then(|| scaleout_domain::planner::leader_score_note(&columns[0].1, &columns[columns.len() - 1].1))
            .flatten()
            .map(|note| view! { <p class="hint" data-testid="leader-score-note">{note}</p> })}
        // Said in the page, not only on hover: a phone or a keyboard has no pointer.
        {(!short).then(|| view! {
            <details class="figure-meanings">
                <summary>"What the figures mean"</summary>
                <dl>
                    {ROWS.iter().map(|(label, meaning, _)| view! { <dt>{*label}</dt><dd>{*meaning}</dd> }).collect_view()}
                </dl>
                <p class="hint">"ArangoDB's scores are computed its way, to compare with its own rebalancer: only their change says something."</p>
            </details>
        })}
    }
}

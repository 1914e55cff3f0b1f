//! Balance figures as a table: one column per placement (now, or before and after).

use leptos::prelude::*;
use scaleout_domain::planner::Figures;

use crate::components::units::bytes;

/// `columns`: a heading and the figures under it.
#[component]
pub fn FiguresTable(columns: Vec<(&'static str, Figures)>, testid: &'static str) -> impl IntoView {
    type Row = (&'static str, fn(&Figures) -> String);
    let rows: [Row; 11] = [
        ("Balanced DB servers", |f| f.balanced_servers.to_string()),
        ("Max bytes per server", |f| bytes(f.bytes.max)),
        ("Min bytes per server", |f| bytes(f.bytes.min)),
        ("Mean bytes per server", |f| {
            bytes(f.bytes.mean.round() as u64)
        }),
        ("Max / mean bytes", |f| {
            format!("{:.2}", f.bytes.max_over_mean)
        }),
        ("Coefficient of variation (bytes)", |f| {
            format!("{:.3}", f.bytes.cv)
        }),
        ("Shards per server (min – max)", |f| {
            format!("{} – {}", f.shards.min, f.shards.max)
        }),
        ("Leader shards per server (min – max)", |f| {
            format!("{} – {}", f.leaders.min, f.leaders.max)
        }),
        ("ArangoDB shard imbalance", |f| score(f.arangodb.shards)),
        ("ArangoDB leader imbalance", |f| score(f.arangodb.leader)),
        ("Total replicas", |f| {
            f.servers.iter().map(|s| s.groups).sum::<u32>().to_string()
        }),
    ];
    view! {
        <div class="table-wrap">
            <table class="figures" data-testid=testid>
                <thead>
                    <tr>
                        <th scope="col">"Figure"</th>
                        {columns.iter().map(|(h, _)| view! { <th scope="col" class="num">{*h}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|(label, f)| view! {
                        <tr>
                            <th scope="row">{label}</th>
                            {columns.iter().map(|(_, figs)| view! { <td class="num">{f(figs)}</td> }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <p class="hint">
            "ArangoDB's scores are computed its way, for comparison with its own rebalancer: every \
             replica counts as 1 MiB whatever its size, and the leader score adds 256,000,000 \
             (ArangoDB's piFactor) times the squared spread of each collection's leaders over \
             the servers, so it can rise while leaders even out overall."
        </p>
    }
}

/// ArangoDB's scores are sums of squares in bytes: scientific notation reads best.
fn score(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else {
        format!("{v:.3e}")
    }
}

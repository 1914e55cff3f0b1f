//! Who shares each server: per DB server, its tenants by what they weigh there, as
//! one bar split by tenant (largest first). A tenant far wider than the rest is a
//! noisy neighbour; the same tenant has the same colour on every server.

use std::collections::BTreeMap;

use leptos::prelude::*;
use scaleout_domain::port::ServerRole;
use scaleout_domain::tenant_weight::percent;
use scaleout_domain::views::{ServerLoad, TenantSlice};
use scaleout_domain::TenantId;

use crate::components::tenant_list::TenantName;
use crate::components::units::bytes;

/// Tenants drawn apart on a bar, and named under it; the rest are one grey part.
const DRAWN: usize = 6;

#[component]
pub fn Neighbours(servers: Vec<ServerLoad>) -> impl IntoView {
    let rows: Vec<ServerLoad> = servers
        .into_iter()
        .filter(|s| s.role == ServerRole::DbServer && !s.weights.is_empty())
        .collect();
    // Colours far apart for the largest tenants (the ones that show), the same on
    // every bar: by each tenant's rank in size over the whole cluster.
    let mut ranked: Vec<&TenantSlice> = rows.iter().flat_map(|s| &s.weights).collect();
    ranked.sort_by(|a, b| b.bytes.cmp(&a.bytes).then(a.id.cmp(&b.id)));
    ranked.dedup_by_key(|w| w.id);
    let colours: BTreeMap<TenantId, String> = ranked
        .iter()
        .enumerate()
        .map(|(rank, w)| (w.id, colour(rank)))
        .collect();
    view! {
        <section class="card" aria-labelledby="neighbours-h" data-testid="neighbours">
            <h2 id="neighbours-h">"Who shares each server"</h2>
            <p class="hint">
                "What each DB server holds, split by tenant, largest first (every replica counted, "
                "leaders and followers). A tenant much wider than the rest is a noisy neighbour: "
                "moving its shard group, or the others', evens the load."
            </p>
            {if rows.is_empty() {
                view! { <p class="muted">"No tenant data is stored yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="neighbour-bars">
                        {rows.into_iter().map(|s| view! { <ServerBar server=s colours=colours.clone() /> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn ServerBar(server: ServerLoad, colours: BTreeMap<TenantId, String>) -> impl IntoView {
    let colour = |w: &TenantSlice| colours.get(&w.id).cloned().unwrap_or_default();
    let total: u64 = server.weights.iter().map(|w| w.bytes).sum();
    let tenants = server.weights.len();
    let (drawn, rest) = server.weights.split_at(tenants.min(DRAWN));
    let rest_share: f64 = rest.iter().map(|w| w.share).sum();
    let spoken: Vec<String> = drawn
        .iter()
        .map(|w| format!("{} {}", w.name, percent(w.share)))
        .collect();
    let label = format!(
        "{}: {}{}",
        server.short_name,
        spoken.join(", "),
        if rest.is_empty() {
            String::new()
        } else {
            format!(", {} smaller tenants {}", rest.len(), percent(rest_share))
        }
    );
    let named: Vec<TenantSlice> = drawn.to_vec();
    let smaller = rest.len();
    view! {
        <li data-server=server.short_name.clone()>
            <p class="bar-head">
                <strong>{server.short_name.clone()}</strong>
                <span class="muted">{format!(" {} · {} tenant{}", bytes(total), tenants, if tenants == 1 { "" } else { "s" })}</span>
            </p>
            <div class="stack" role="img" aria-label=label>
                {drawn.iter().map(|w| view! {
                    <span class="part" style=format!("width:{:.2}%;background:{}", w.share * 100.0, colour(w))
                        title=format!("{}: {} ({})", w.name, bytes(w.bytes), percent(w.share))></span>
                }).collect_view()}
                {(rest_share > 0.0).then(|| view! {
                    <span class="part rest" style=format!("width:{:.2}%", rest_share * 100.0)
                        title=format!("{} smaller tenants together ({})", rest.len(), percent(rest_share))></span>
                })}
            </div>
            <p class="bar-legend">
                {named.into_iter().map(|w| view! {
                    <span class="who">
                        <span class="swatch" style=format!("background:{}", colour(&w)) aria-hidden="true"></span>
                        <TenantName id=w.id.to_string() name=w.name.clone() />
                        {format!(" {}", percent(w.share))}
                    </span>
                }).collect_view()}
                {(smaller > 0).then(|| view! {
                    <span class="who muted">
                        <span class="swatch rest" aria-hidden="true"></span>
                        {format!("{smaller} smaller together {}", percent(rest_share))}
                    </span>
                })}
            </p>
        </li>
    }
}

/// The colour of the tenant of this rank: hues a golden angle apart, in two
/// lightnesses, so neighbours in rank never look alike.
fn colour(rank: usize) -> String {
    let hue = (rank as f64 * 137.508) % 360.0;
    let light = if rank.is_multiple_of(2) { 48 } else { 62 };
    format!("hsl({hue:.0} 60% {light}%)")
}

//! A tenant's network at a chosen time: a time slider over its history and a
//! drawing of the devices, connections and software valid then, with a text
//! alternative. Where the data comes from is the caller's choice (a loader), so
//! the operator's tenant page and a tenant's own portal share it.

use std::future::Future;
use std::sync::Arc;

use futures::future::BoxFuture;
use leptos::prelude::*;
use scaleout_domain::Snapshot;

use super::errors::error_text;
use super::network_layout::{
    history_span, iso_datetime, layout, natural, HEIGHT, STEP_SECONDS, WIDTH,
};

/// Loads the network at a time (epoch seconds): e.g. `get_tenant_network(id, at)`.
#[derive(Clone)]
pub struct SnapshotLoader(
    Arc<dyn Fn(i64) -> BoxFuture<'static, Result<Snapshot, ServerFnError>> + Send + Sync>,
);

impl SnapshotLoader {
    pub fn new<F, Fut>(load: F) -> Self
    where
        F: Fn(i64) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Snapshot, ServerFnError>> + Send + 'static,
    {
        SnapshotLoader(Arc::new(move |at| Box::pin(load(at))))
    }

    pub fn load(&self, at: i64) -> BoxFuture<'static, Result<Snapshot, ServerFnError>> {
        (self.0)(at)
    }
}

/// The nearest slider position to `t` inside `[from, to]`.
fn snap(t: i64, from: i64, to: i64) -> i64 {
    if t >= to {
        return to;
    }
    let steps = ((t - from).max(0) as f64 / STEP_SECONDS as f64).round() as i64;
    (from + steps * STEP_SECONDS).min(to)
}

#[component]
pub fn NetworkExplorer(
    /// Where the network comes from.
    loader: SnapshotLoader,
    /// When the tenant was onboarded (epoch seconds): the slider spans its history up to then.
    created_at: i64,
    /// The time to show first (e.g. from `?at=` in the address); the latest by default.
    #[prop(optional)]
    initial: Option<i64>,
) -> impl IntoView {
    let (from, to) = history_span(created_at);
    let start = snap(initial.unwrap_or(to), from, to);
    // `at` is what the drawing shows; `pointing` follows the slider while it moves.
    let at = RwSignal::new(start);
    let pointing = RwSignal::new(start);
    let snapshot = Resource::new(move || at.get(), move |t| loader.load(t));
    let read = move |ev: &leptos::ev::Event| event_target_value(ev).parse::<i64>().ok();

    view! {
        <section class="card explorer" aria-labelledby="explorer-h" data-testid="network-explorer">
            <h2 id="explorer-h">"Network over time"</h2>
            // Without WebAssembly the form reloads the page with ?at=; with it the
            // drawing follows the slider in place.
            <form
                class="explorer-controls"
                method="get"
                on:submit=move |ev| {
                    ev.prevent_default();
                    at.set(pointing.get_untracked());
                }
            >
                <label for="network-at">
                    "Network as it was at "
                    <output for="network-at" data-testid="network-at-label">
                        {move || iso_datetime(pointing.get())}
                    </output>
                </label>
                <div class="slider-row">
                    <span class="muted" aria-hidden="true">{iso_datetime(from)[..10].to_string()}</span>
                    <input
                        id="network-at"
                        type="range"
                        name="at"
                        min=from
                        max=to
                        step=STEP_SECONDS
                        value=start
                        prop:value=move || pointing.get().to_string()
                        aria-valuetext=move || iso_datetime(pointing.get())
                        data-testid="network-slider"
                        on:input=move |ev| {
                            if let Some(t) = read(&ev) {
                                pointing.set(t);
                            }
                        }
                        on:change=move |ev| {
                            if let Some(t) = read(&ev) {
                                pointing.set(t);
                                at.set(t);
                            }
                        }
                    />
                    <span class="muted" aria-hidden="true">{iso_datetime(to)[..10].to_string()}</span>
                    <button type="submit" class="secondary small">"Show"</button>
                </div>
                <p class="hint">
                    "From the oldest configuration versions (25 days before onboarding) to onboarding, one day per step. "
                    "Connections, locations and installed software begin at onboarding; before it only device versions exist."
                </p>
            </form>
            <Transition fallback=|| view! { <p aria-busy="true">"Loading the network…"</p> }>
                {move || Suspend::new(async move {
                    match snapshot.await {
                        Ok(s) => view! { <NetworkGraph snapshot=s /> }.into_any(),
                        Err(e) => view! {
                            <p class="error" role="alert">"Could not load the network: " {error_text(&e)}</p>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// "20 devices, 30 connections, 30 programs (40 installations), 5 locations".
fn counts_sentence(s: &Snapshot) -> String {
    fn n(count: usize, one: &str, many: &str) -> String {
        format!("{count} {}", if count == 1 { one } else { many })
    }
    format!(
        "{}, {}, {} ({}), {}",
        n(s.devices.len(), "device", "devices"),
        n(s.connections.len(), "connection", "connections"),
        n(s.software.len(), "program", "programs"),
        n(s.installations.len(), "installation", "installations"),
        n(s.locations.len(), "location", "locations"),
    )
}

#[component]
fn NetworkGraph(snapshot: Snapshot) -> impl IntoView {
    let drawing = layout(&snapshot);
    let counts = counts_sentence(&snapshot);
    let when = iso_datetime(snapshot.at);
    let r = drawing.node_r;
    let place_of = |key: &str| {
        drawing
            .nodes
            .iter()
            .find(|n| n.key == key)
            .map(|n| drawing.groups[n.group].label.clone())
            .unwrap_or_default()
    };
    let mut rows: Vec<_> = snapshot
        .devices
        .iter()
        .map(|d| {
            let programs = snapshot
                .installations
                .iter()
                .filter(|l| l.from == d.key)
                .count();
            (
                d.device.name.clone(),
                d.device.device_type.to_string(),
                place_of(&d.key),
                d.version,
                d.device.ip_address.clone(),
                programs,
            )
        })
        .collect();
    rows.sort_by_key(|row| natural(&row.0));
    let empty = snapshot.devices.is_empty();

    view! {
        <div class="network" data-testid="network" data-at=snapshot.at>
            <p class="network-counts" data-testid="network-counts" role="status">
                <strong>{when.clone()}</strong> ": " {counts.clone()}
            </p>
            {empty.then(|| view! {
                <p class="hint">"Nothing existed yet at this time: move the slider later."</p>
            })}
            <svg
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                role="img"
                aria-labelledby="network-title network-desc"
                class="network-svg"
            >
                <title id="network-title">{format!("Network at {when}")}</title>
                <desc id="network-desc">{format!("{counts}; devices grouped by location, lines are connections, numbers are installed programs.")}</desc>
                <g class="groups">
                    {drawing.groups.iter().map(|g| view! {
                        <g class="group">
                            <circle class="group-ring" cx=g.x cy=g.y r=g.r + r * 1.8 />
                            <text class="group-label" x=g.label_x y=g.label_y text-anchor=g.anchor>
                                {format!("{} ({})", g.label, g.devices)}
                            </text>
                        </g>
                    }).collect_view()}
                </g>
                <g class="connections">
                    {drawing.edges.iter().map(|e| view! {
                        <line class="connection" x1=e.x1 y1=e.y1 x2=e.x2 y2=e.y2>
                            <title>{e.label.clone()}</title>
                        </line>
                    }).collect_view()}
                </g>
                <g class="devices">
                    {drawing.nodes.iter().map(|n| {
                        let class = format!(
                            "device type-{}{}",
                            n.kind.to_lowercase(),
                            if n.version > 0 { " historical" } else { "" }
                        );
                        let tip = format!(
                            "{} ({}), {}, {} program(s)",
                            n.name,
                            n.kind,
                            if n.version == 0 { "current version".to_string() } else { format!("version {} back", n.version) },
                            n.software
                        );
                        view! {
                            <g class=class data-device=n.key.clone()>
                                <circle cx=n.x cy=n.y r=r>
                                    <title>{tip}</title>
                                </circle>
                                {(n.software > 0).then(|| view! {
                                    <text class="software-count" x=n.x + r + 1.0 y=n.y - r + 2.0>{n.software}</text>
                                })}
                            </g>
                        }
                    }).collect_view()}
                </g>
            </svg>
            <ul class="legend" aria-label="Legend">
                {["server", "router", "laptop", "iot", "firewall"].into_iter().map(|t| view! {
                    <li><span class=format!("swatch type-{t}") aria-hidden="true"></span>{if t == "iot" { "IoT".to_string() } else { t.to_string() }}</li>
                }).collect_view()}
                <li><span class="swatch historical" aria-hidden="true"></span>"dashed: an older version"</li>
                <li><span class="swatch-number" aria-hidden="true">"3"</span>"programs installed"</li>
            </ul>
            <details class="network-table">
                <summary>{format!("Devices at this time ({}), as a table", rows.len())}</summary>
                <div class="table-wrap">
                    <table data-testid="network-devices">
                        <thead>
                            <tr>
                                <th scope="col">"Device"</th>
                                <th scope="col">"Type"</th>
                                <th scope="col">"Location"</th>
                                <th scope="col" class="num">"Version"</th>
                                <th scope="col">"IP address"</th>
                                <th scope="col" class="num">"Programs"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {rows.into_iter().map(|(name, kind, place, version, ip, programs)| view! {
                                <tr>
                                    <th scope="row">{name}</th>
                                    <td>{kind}</td>
                                    <td>{place}</td>
                                    <td class="num">{if version == 0 { "current".to_string() } else { format!("-{version}") }}</td>
                                    <td><code>{ip}</code></td>
                                    <td class="num">{programs}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </details>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::snap;

    #[test]
    fn slider_positions_are_whole_days_inside_the_history() {
        let (from, to) = (1_000_000, 1_000_000 + 25 * 86_400);
        assert_eq!(snap(to + 5, from, to), to);
        assert_eq!(snap(from - 5, from, to), from);
        assert_eq!(snap(from + 86_400 + 40_000, from, to), from + 86_400);
        assert_eq!(snap(from + 86_400 + 50_000, from, to), from + 2 * 86_400);
    }
}

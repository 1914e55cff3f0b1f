//! A tenant's network at a chosen time: a time slider over its history and a
//! drawing of the devices, connections and software valid then, with a text
//! alternative. Where the data comes from is the caller's choice (a loader), so
//! the operator's tenant page and a tenant's own portal share it. A large network
//! comes a page of whole locations at a time (`NetworkPage`): the counts cover it all.

use std::future::Future;
use std::sync::Arc;

use futures::future::BoxFuture;
use leptos::prelude::*;
use scaleout_domain::{NetworkPage, NetworkTotals};

use super::errors::error_text;
use super::network_layout::{history_span, iso_datetime, layout, HEIGHT, STEP_SECONDS, WIDTH};
use super::units::count;

type PageFuture = BoxFuture<'static, Result<NetworkPage, ServerFnError>>;

/// Loads a page (1-based) of the network at a time (epoch seconds): e.g.
/// `get_tenant_network(id, at, Some(page))`.
#[derive(Clone)]
pub struct NetworkLoader(Arc<dyn Fn(i64, u32) -> PageFuture + Send + Sync>);

impl NetworkLoader {
    pub fn new<F, Fut>(load: F) -> Self
    where
        F: Fn(i64, u32) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<NetworkPage, ServerFnError>> + Send + 'static,
    {
        NetworkLoader(Arc::new(move |at, page| Box::pin(load(at, page))))
    }

    pub fn load(&self, at: i64, page: u32) -> PageFuture {
        (self.0)(at, page)
    }
}

/// `?at=` and `?page=` from the address: where the form (or a shared link) asked the
/// explorer to start.
/// Read from the address itself, as the page renders: the portal's bundle has no router.
pub fn position_from_query() -> (Option<i64>, Option<u32>) {
    use crate::components::query::query_param;
    (
        query_param("at").and_then(|t| t.parse().ok()),
        query_param("page").and_then(|p| p.parse().ok()),
    )
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
    loader: NetworkLoader,
    /// When the tenant was onboarded (epoch seconds): the slider spans its history up to then.
    created_at: i64,
    /// The time to show first (e.g. from `?at=` in the address); the latest by default.
    #[prop(optional)]
    initial: Option<i64>,
    /// The page to show first (e.g. from `?page=`); the first by default.
    #[prop(optional)]
    initial_page: Option<u32>,
) -> impl IntoView {
    let (from, to) = history_span(created_at);
    let start = snap(initial.unwrap_or(to), from, to);
    // `at` is what the drawing shows; `pointing` follows the slider while it moves.
    let at = RwSignal::new(start);
    let pointing = RwSignal::new(start);
    let page = RwSignal::new(initial_page.unwrap_or(1).max(1));
    // Which pager button was pressed, for the focus on the page that comes (NetworkGraph).
    let pressed = StoredValue::new(None::<&'static str>);
    let network = Resource::new(
        move || (at.get(), page.get()),
        move |(t, p)| loader.load(t, p),
    );
    let read = move |ev: &leptos::ev::Event| event_target_value(ev).parse::<i64>().ok();
    // Where the explorer moves, the address follows (after the first showing, which the
    // address already names): a reload or a shared address shows the same network.
    Effect::new(move |shown: Option<()>| {
        let (t, p) = (at.get(), page.get());
        if shown.is_some() {
            crate::components::query::replace_query(&[
                ("at", Some(t.to_string())),
                ("page", (p > 1).then(|| p.to_string())),
            ]);
        }
    });
    // A page past the end (page 9 of a network that, earlier in time, fills 4) shows the
    // last one: then, and only then, the address names the page shown, not the one asked.
    Effect::new(move |_| {
        if let Some(Ok(shown)) = network.get() {
            if shown.page != page.get_untracked() {
                crate::components::query::replace_query(&[
                    ("at", Some(at.get_untracked().to_string())),
                    ("page", (shown.page > 1).then(|| shown.page.to_string())),
                ]);
            }
        }
    });

    view! {
        <section class="card explorer" aria-labelledby="explorer-h" data-testid="network-explorer">
            <h2 id="explorer-h">"Network over time"</h2>
            // Without WebAssembly the form reloads the page with ?at=; with it the
            // drawing follows the slider in place.
            <form
                id="explorer-form"
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
                    "Connections, locations and installations begin at onboarding; before it only versions of devices and programs exist."
                </p>
            </form>
            <Transition fallback=|| view! { <p aria-busy="true">"Loading the network…"</p> }>
                {move || Suspend::new(async move {
                    match network.await {
                        Ok(p) => view! { <NetworkGraph network=p choose=page.write_only() pressed /> }.into_any(),
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
fn counts_sentence(t: &NetworkTotals) -> String {
    fn n(n: usize, one: &str, many: &str) -> String {
        format!("{} {}", count(n as u64), if n == 1 { one } else { many })
    }
    format!(
        "{}, {}, {} ({}), {}",
        n(t.devices, "device", "devices"),
        n(t.connections, "connection", "connections"),
        n(t.programs, "program", "programs"),
        n(t.installations, "installation", "installations"),
        n(t.locations, "location", "locations"),
    )
}

/// "Page 2 of 34: devices 121-240 of 1600; 12 connections to devices on other pages
/// are not drawn", or nothing when the network fits one page.
fn page_sentence(p: &NetworkPage) -> Option<String> {
    if p.pages <= 1 {
        return None;
    }
    let shown = p.view.devices.len();
    let devices = if shown == 0 {
        "no devices".to_string()
    } else {
        format!(
            "devices {}–{} of {}",
            count(p.first_device as u64),
            count((p.first_device + shown - 1) as u64),
            count(p.totals.devices as u64)
        )
    };
    let elsewhere = match p.connections_elsewhere {
        0 => String::new(),
        1 => "; 1 connection to a device on another page is not drawn".to_string(),
        n => format!(
            "; {} connections to devices on other pages are not drawn",
            count(n as u64)
        ),
    };
    Some(format!(
        "Page {} of {}: {devices}, whole locations{elsewhere}.",
        count(p.page.into()),
        count(p.pages.into())
    ))
}

/// Previous and next page. They submit the time form with `page`, so they work without
/// WebAssembly too; with it, a click just picks the page.
#[component]
fn Pager(
    page: u32,
    pages: u32,
    choose: WriteSignal<u32>,
    pressed: StoredValue<Option<&'static str>>,
) -> impl IntoView {
    let button = move |to: u32, text: &'static str, testid: &'static str| {
        view! {
            <button
                type="submit"
                form="explorer-form"
                name="page"
                value=to
                class="secondary small"
                id=testid
                data-testid=testid
                on:click=move |_| {
                    pressed.set_value(Some(testid));
                    choose.set(to);
                }
            >
                {text}
            </button>
        }
    };
    view! {
        <div class="pager" role="group" aria-label="Pages of the network">
            {(page > 1).then(|| button(page - 1, "← Previous page", "network-prev"))}
            {(page < pages).then(|| button(page + 1, "Next page →", "network-next"))}
        </div>
    }
}

#[component]
fn NetworkGraph(
    network: NetworkPage,
    choose: WriteSignal<u32>,
    /// The pager button pressed for this page: the page comes drawn anew, so the focus
    /// goes back to that button, or to the other one where it is gone (the last page has
    /// no "Next"), not to the page's start.
    pressed: StoredValue<Option<&'static str>>,
) -> impl IntoView {
    Effect::new(move |_| {
        if let Some(id) = pressed.get_value() {
            pressed.set_value(None);
            let other = if id == "network-next" {
                "network-prev"
            } else {
                "network-next"
            };
            // Once the page before has left the document (its buttons are still there
            // while this one is put in place).
            request_animation_frame(move || {
                let there = |id: &str| document().get_element_by_id(id).is_some();
                super::focus::bring(if there(id) { id } else { other });
            });
        }
    });
    let paging = page_sentence(&network);
    let (page, pages) = (network.page, network.pages);
    let rows = network.device_rows();
    let snapshot = network.view;
    let drawing = layout(&snapshot);
    let counts = counts_sentence(&network.totals);
    let when = iso_datetime(snapshot.at);
    let r = drawing.node_r;
    let empty = snapshot.devices.is_empty();

    view! {
        <div class="network" data-testid="network" data-at=snapshot.at>
            <p class="network-counts" data-testid="network-counts" role="status">
                <strong>{when.clone()}</strong> ": " {counts.clone()}
            </p>
            {paging.map(|text| view! {
                <div class="network-paging" data-testid="network-paging" data-page=page data-pages=pages>
                    <p>{text}</p>
                    <Pager page pages choose pressed />
                </div>
            })}
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
                    {drawing.groups.iter().enumerate().map(|(i, g)| view! {
                        <g class="group">
                            <circle class="group-ring" cx=g.x cy=g.y r=g.r + r * 1.8 />
                            <text class="group-label" x=g.label_x y=g.label_y text-anchor=g.anchor>
                                {format!("{} ({})", g.label, g.devices)}
                            </text>
                            // On a phone, a letter: the names, at that scale, are a few
                            // pixels high and run off the edge (the list below names them).
                            <text
                                class="group-key"
                                x=g.label_x
                                // Centred on its point: above the middle, lifted clear of the ring.
                                y=if g.label_y < HEIGHT / 2.0 { g.label_y - 10.0 } else { g.label_y }
                                text-anchor=g.anchor
                                dominant-baseline="central"
                            >
                                {group_key(i)}
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
                            "{} ({}), {}, {}",
                            n.name,
                            n.kind,
                            if n.version == 0 { "current version".to_string() } else { format!("version {} back", n.version) },
                            scaleout_domain::units::counted(n.software as u64, "program")
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
            <ul class="group-keys" aria-label="Locations in the drawing">
                {drawing.groups.iter().enumerate().map(|(i, g)| view! {
                    <li><strong>{group_key(i)}</strong> " " {format!("{} ({})", g.label, g.devices)}</li>
                }).collect_view()}
            </ul>
            <ul class="legend" aria-label="Legend">
                {["server", "router", "laptop", "iot", "firewall"].into_iter().map(|t| view! {
                    <li><span class=format!("swatch type-{t}") aria-hidden="true"></span>{if t == "iot" { "IoT".to_string() } else { t.to_string() }}</li>
                }).collect_view()}
                <li><span class="swatch historical" aria-hidden="true"></span>"dashed: an older version"</li>
                <li><span class="swatch-number" aria-hidden="true">"3"</span>"programs installed"</li>
            </ul>
            <details class="network-table">
                <summary>{if pages > 1 {
                    format!("Devices on this page ({}), as a table", rows.len())
                } else {
                    format!("Devices at this time ({}), as a table", rows.len())
                }}</summary>
                <div class="table-wrap" tabindex="0" role="region" aria-label="Devices">
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
                            {rows.into_iter().map(|row| view! {
                                <tr>
                                    <th scope="row">{row.name}</th>
                                    <td>{row.kind}</td>
                                    <td>{row.location}</td>
                                    <td class="num">{if row.version == 0 { "current".to_string() } else { format!("-{}", row.version) }}</td>
                                    <td><code>{row.ip_address}</code></td>
                                    <td class="num">{row.programs}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </details>
        </div>
    }
}

/// The letter a location is drawn with on a phone: A to Z, then AA, AB...
fn group_key(i: usize) -> String {
    const LETTERS: &[u8; 26] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut key = String::new();
    if i >= 26 {
        key.push(char::from(LETTERS[(i / 26 - 1) % 26]));
    }
    key.push(char::from(LETTERS[i % 26]));
    key
}

#[cfg(test)]
mod tests {
    use super::{group_key, page_sentence, snap};
    use scaleout_domain::{NetworkPage, NetworkTotals, Snapshot};

    fn page(page: u32, pages: u32, first: usize, shown: usize, elsewhere: usize) -> NetworkPage {
        let mut view = Snapshot::default();
        let device: scaleout_domain::DeviceAt = serde_json::from_value(serde_json::json!({
            "key": "t:device1", "versionKey": "t:device1-0", "version": 0,
            "device": {"name": "Server 1", "type": "server", "model": "M", "serialNumber": "S",
                       "ipAddress": "10.0.0.1", "macAddress": "02:00:00:00:00:01",
                       "operatingSystem": "Linux", "osVersion": "1", "hostName": "s1",
                       "firewallRules": [], "created": 0, "expired": 1}
        }))
        .unwrap_or_else(|e| panic!("a device: {e}"));
        view.devices = vec![device; shown];
        NetworkPage {
            page,
            pages,
            totals: NetworkTotals {
                devices: 1600,
                ..NetworkTotals::default()
            },
            first_device: first,
            connections_elsewhere: elsewhere,
            view,
        }
    }

    #[test]
    fn one_page_needs_no_words_and_more_say_where_you_are() {
        assert_eq!(page_sentence(&page(1, 1, 1, 20, 0)), None);
        assert_eq!(
            page_sentence(&page(2, 34, 49, 48, 12)).as_deref(),
            Some("Page 2 of 34: devices 49–96 of 1,600, whole locations; 12 connections to devices on other pages are not drawn.")
        );
        assert_eq!(
            page_sentence(&page(34, 34, 1553, 48, 1)).as_deref(),
            Some("Page 34 of 34: devices 1,553–1,600 of 1,600, whole locations; 1 connection to a device on another page is not drawn.")
        );
    }

    #[test]
    fn slider_positions_are_whole_days_inside_the_history() {
        let (from, to) = (1_000_000, 1_000_000 + 25 * 86_400);
        assert_eq!(snap(to + 5, from, to), to);
        assert_eq!(snap(from - 5, from, to), from);
        assert_eq!(snap(from + 86_400 + 40_000, from, to), from + 86_400);
        assert_eq!(snap(from + 86_400 + 50_000, from, to), from + 2 * 86_400);
    }

    #[test]
    fn locations_are_lettered_past_z() {
        let keys: Vec<String> = [0, 1, 25, 26, 27, 51, 52]
            .into_iter()
            .map(group_key)
            .collect();
        assert_eq!(keys, ["A", "B", "Z", "AA", "AB", "AZ", "BA"]);
    }
}

//! Shard groups by DB server: who leads, who follows, how many bytes, as a real table
//! (row and column headers for screen readers), with colour as a second cue only.

use leptos::prelude::*;
use scaleout_domain::views::ShardReport;

use super::tenant_list::TenantList;
use super::units::bytes;

/// Shade 0 (nothing) to 4 (the largest group), by bytes relative to the largest.
pub fn heat_level(bytes: u64, max: u64) -> u8 {
    if bytes == 0 || max == 0 {
        return 0;
    }
    let share = bytes.min(max) as f64 / max as f64;
    (share * 4.0).ceil().clamp(1.0, 4.0) as u8
}

/// `servers`: the DB servers' short names, in column order; `failed`: those that are down
/// (their column is marked, not only their cells).
///
/// The group and tenant columns stay put while the server columns scroll inside the map's
/// own box: at 100 servers the page itself never gets wider than the window.
#[component]
pub fn HeatMap(
    report: ShardReport,
    servers: Vec<String>,
    #[prop(optional)] failed: Vec<String>,
) -> impl IntoView {
    let max = report.groups.iter().map(|g| g.bytes).max().unwrap_or(0);
    let header = servers.clone();
    let down = failed.clone();
    view! {
        // Above the map, not its caption: a caption would scroll sideways with the servers.
        <p class="hint heat-caption">
            "Shard groups (rows) by DB server (columns). "
            <abbr title="leader">"L"</abbr>" = leader replica, "
            <abbr title="follower">"F"</abbr>" = follower replica; each cell gives the bytes of the replica."
        </p>
        <div class="table-wrap heat-wrap" tabindex="0" role="region" aria-label="Shard groups by server, scrolls sideways">
            <table class="heat-map" data-testid="heat-map">
                <caption class="visually-hidden">"Shard groups by DB server: leader and follower replicas with their bytes"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Shard group"</th>
                        <th scope="col">"Tenants"</th>
                        {header.into_iter().map(|s| {
                            let is_down = down.contains(&s);
                            view! {
                                <th scope="col" class=if is_down { "server-col server-failed" } else { "server-col" }
                                    title=is_down.then_some("failed: its replicas are out of reach until it is restored")>
                                    // "DBServer<wbr>0007": seven servers fit a laptop's width.
                                    {let at = s.find(|c: char| c.is_ascii_digit()).unwrap_or(s.len());
                                     let (word, number) = (s[..at].to_string(), s[at..].to_string());
                                     view! { {word}<wbr />{number} }}
                                    {is_down.then(|| view! { <span class="failed-mark">" (failed)"</span> })}
                                </th>
                            }
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {report.groups.into_iter().map(|g| {
                        let level = heat_level(g.bytes, max);
                        let cells = servers.iter().map(|s| {
                            let down = if failed.contains(s) { " on-failed" } else { "" };
                            let role = if g.leader == *s {
                                Some(("L", "leader", "cell-leader"))
                            } else if g.followers.contains(s) {
                                Some(("F", "follower", "cell-follower"))
                            } else {
                                None
                            };
                            match role {
                                Some((abbr, word, class)) => view! {
                                    <td class=format!("heat heat-{level} {class}{down}") data-role=word>
                                        <span class="role" aria-label=word title=word>{abbr}</span>
                                        " "
                                        <span class="bytes">{bytes(g.bytes)}</span>
                                    </td>
                                }.into_any(),
                                None => view! { <td class=format!("heat empty{down}")><span class="visually-hidden">"no replica"</span></td> }.into_any(),
                            }
                        }).collect_view();
                        view! {
                            <tr data-group=g.index>
                                <th scope="row">
                                    {g.index}
                                    {(!g.in_sync).then(|| view! { <span class="warn">" (syncing)"</span> })}
                                </th>
                                <td class="tenants"><TenantList tenants=g.tenants.clone() /></td>
                                {cells}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <div class="heat-legend" aria-hidden="true">
            <span>"Bytes per replica:"</span>
            {(0..=4u8).map(|l| view! {
                <span class=format!("heat-key heat heat-{l}")>{match l {
                    0 => "none".to_string(),
                    4 => format!("up to {}", bytes(max)),
                    _ => format!("≤ {}%", l as u32 * 25),
                }}</span>
            }).collect_view()}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::heat_level;

    #[test]
    fn levels_scale_with_bytes() {
        assert_eq!(heat_level(0, 100), 0);
        assert_eq!(heat_level(5, 0), 0);
        assert_eq!(heat_level(1, 100), 1);
        assert_eq!(heat_level(25, 100), 1);
        assert_eq!(heat_level(26, 100), 2);
        assert_eq!(heat_level(75, 100), 3);
        assert_eq!(heat_level(100, 100), 4);
        assert_eq!(heat_level(500, 100), 4);
    }
}

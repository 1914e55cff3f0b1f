//! Which tenant lives in which shard group, on which servers.

use leptos::prelude::*;
use scaleout_domain::views::ShardReport;

use crate::components::tenant_list::{TenantList, TenantName};
use crate::components::units::bytes;

/// Neighbours named in a row, at most; more are counted.
const SHARED_NAMED: usize = 5;

#[component]
pub fn TenantPlacement(report: ShardReport) -> impl IntoView {
    let mut rows: Vec<_> = report
        .groups
        .iter()
        .flat_map(|g| g.tenants.iter().map(move |t| (t, g)))
        .collect();
    rows.sort_by_key(|(t, _)| t.name.to_lowercase());
    if rows.is_empty() {
        return view! { <p data-testid="no-placement">"No tenants yet: the team onboards them on the Tenants page."</p> }.into_any();
    }
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label="Tenants by shard group and server">
            <table data-testid="tenant-placement">
                <caption class="visually-hidden">"Tenants by shard group and server"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Tenant"</th>
                        <th scope="col" class="num">"Shard group"</th>
                        <th scope="col">"Leader"</th>
                        <th scope="col">"Followers"</th>
                        <th scope="col" class="num">"Group bytes"</th>
                        <th scope="col">"Group shared with"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|(tenant, g)| {
                        let others = g.tenants.iter().filter(|t| t.id != tenant.id).cloned().collect::<Vec<_>>();
                        view! {
                            <tr>
                                <th scope="row"><TenantName id=tenant.id.to_string() name=tenant.name.clone() /></th>
                                <td class="num">{g.index}</td>
                                <td><span class="server-tag leader-tag">{g.leader.clone()}</span></td>
                                <td>{g.followers.iter().map(|f| view! { <span class="server-tag">{f.clone()}</span>" " }).collect_view()}</td>
                                <td class="num">{bytes(g.bytes)}</td>
                                // Named when few; counted when many, or the table would repeat every
                                // group's list once per tenant in it (a thousand tenants: megabytes).
                                <td>{if others.len() <= SHARED_NAMED {
                                    view! { <TenantList tenants=others empty="nobody" /> }.into_any()
                                } else {
                                    view! { <span>{format!("{} other tenants: shard group {} in the map above", others.len(), g.index)}</span> }.into_any()
                                }}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

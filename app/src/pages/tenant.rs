//! One tenant: its documents per collection against the spec, whether it is
//! isolated, and its network at any time of its history.

use crate::components::units::{bytes, count};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use scaleout_domain::port::TenantValidation;
use scaleout_domain::Rule;

use crate::api::isolation::get_tenant_isolation;
use crate::api::tenants::{get_tenant_detail, get_tenant_network, TenantDetail};
use crate::components::errors::error_text;
use crate::components::network_explorer::{position_from_query, NetworkExplorer, NetworkLoader};
use crate::components::network_layout::iso_datetime;

#[component]
pub fn TenantPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let detail = Resource::new(id, get_tenant_detail);
    let isolation = Resource::new(id, get_tenant_isolation);
    let (initial, initial_page) = position_from_query();

    view! {
        <Title text="Tenant" />
        <p class="breadcrumb"><a href="/tenants">"All tenants"</a></p>
        <Transition fallback=|| view! { <h1>"Tenant"</h1><p aria-busy="true">"Loading the tenant…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => view! { <TenantBody detail=d isolation initial initial_page /> }.into_any(),
                    Err(e) => view! {
                        <h1>"Tenant"</h1>
                        <p class="error" role="alert" data-testid="tenant-error">
                            "Could not show this tenant: " {error_text(&e)}
                        </p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn TenantBody(
    detail: TenantDetail,
    isolation: Resource<Result<TenantValidation, ServerFnError>>,
    initial: Option<i64>,
    initial_page: Option<u32>,
) -> impl IntoView {
    let row = detail.row.clone();
    let id = row.id.to_string();
    let loader = {
        let id = id.clone();
        NetworkLoader::new(move |at, page| get_tenant_network(id.clone(), at, Some(page)))
    };
    let stored: u64 = detail.counts.values().sum();
    let expected: u64 = detail.expected.values().sum();
    view! {
        <h1>{row.name.clone()}</h1>
        <dl class="facts tenant-facts" data-testid="tenant-facts">
            <dt>"Tenant id"</dt><dd><code>{id.clone()}</code></dd>
            <dt>"Scale factor"</dt><dd>{row.scale_factor}</dd>
            <dt>"Status"</dt><dd><span class=format!("badge status-{}", row.status)>{row.status.clone()}</span></dd>
            <dt>"Onboarded"</dt><dd>{iso_datetime(row.created_at)}</dd>
            <dt>"Shard group"</dt><dd>{row.shard_group.map(|g| g.to_string()).unwrap_or_else(|| "-".into())}</dd>
            <dt>"Leader (followers)"</dt>
            <dd>{row.leader.clone().unwrap_or_else(|| "-".into())} " (" {row.followers.join(", ")} ")"</dd>
            <dt>"Size"</dt>
            <dd data-testid="tenant-size">{format!("{} documents, {} as stored", count(row.documents), bytes(row.bytes))}</dd>
            {row.neighbourhood().map(|(group, servers)| view! {
                <dt>"Neighbours"</dt>
                <dd data-testid="tenant-neighbours">{group} " " <span class="muted">{servers}</span></dd>
            })}
            {row.placement.clone().map(|why| view! {
                <dt>"Placed"</dt><dd data-testid="tenant-placement">{why}</dd>
            })}
        </dl>
        <div class="tenant-grid">
            <section class="card" aria-labelledby="counts-h">
                <h2 id="counts-h">"Documents per collection"</h2>
                <p class="hint">"Stored in the database against what the spec requires for scale factor " {row.scale_factor} "."</p>
                <div class="table-wrap" tabindex="0" role="region" aria-label="Documents per collection">
                    <table data-testid="tenant-counts">
                        <thead>
                            <tr>
                                <th scope="col">"Collection"</th>
                                <th scope="col" class="num">"Expected"</th>
                                <th scope="col" class="num">"Stored"</th>
                                <th scope="col">"Check"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {detail.expected.iter().map(|(collection, want)| {
                                let have = detail.counts.get(collection).copied().unwrap_or(0);
                                view! {
                                    <tr data-collection=collection.clone()>
                                        <th scope="row"><code>{collection.clone()}</code></th>
                                        <td class="num">{count(*want)}</td>
                                        <td class="num">{count(have)}</td>
                                        <td>{check(*want, have)}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                        <tfoot>
                            <tr>
                                <th scope="row">"Total"</th>
                                <td class="num" data-testid="expected-total">{count(expected)}</td>
                                <td class="num" data-testid="stored-total">{count(stored)}</td>
                                <td>{check(expected, stored)}</td>
                            </tr>
                        </tfoot>
                    </table>
                </div>
            </section>
            <section class="card" aria-labelledby="isolation-h" data-testid="tenant-isolation">
                <h2 id="isolation-h">"Isolation"</h2>
                <Transition fallback=|| view! { <p aria-busy="true">"Validating this tenant's data…"</p> }>
                    {move || Suspend::new(async move {
                        match isolation.await {
                            Ok(v) => view! { <IsolationStatus validation=v /> }.into_any(),
                            Err(e) => view! {
                                <p class="error" role="alert">"Could not validate this tenant: " {error_text(&e)}</p>
                            }.into_any(),
                        }
                    })}
                </Transition>
            </section>
        </div>
        <NetworkExplorer loader created_at=row.created_at initial=initial.unwrap_or(row.created_at) initial_page=initial_page.unwrap_or(1) />
    }
}

/// A word, not only a colour.
fn check(want: u64, have: u64) -> impl IntoView {
    use std::cmp::Ordering;
    match have.cmp(&want) {
        Ordering::Equal => view! { <span class="check ok">"complete"</span> }.into_any(),
        Ordering::Less => {
            view! { <span class="check missing">{format!("{} missing", count(want - have))}</span> }
                .into_any()
        }
        Ordering::Greater => {
            view! { <span class="check missing">{format!("{} extra", count(have - want))}</span> }
                .into_any()
        }
    }
}

/// What isolation means here, each rule checked over the tenant's data.
const ISOLATION_RULES: [Rule; 4] = [
    Rule::TenantAttribute,
    Rule::KeyPrefix,
    Rule::CrossTenantEdge,
    Rule::Count,
];

#[component]
fn IsolationStatus(validation: TenantValidation) -> impl IntoView {
    let clean = validation.violations.is_empty();
    let total = validation.violations.len();
    let broken = |rule: Rule| {
        validation
            .violations
            .iter()
            .filter(|v| v.rule == rule)
            .count()
    };
    let rules = ISOLATION_RULES
        .iter()
        .map(|&rule| (rule, broken(rule)))
        .collect::<Vec<_>>();
    let first: Vec<_> = validation.violations.iter().take(20).cloned().collect();
    view! {
        <p class=if clean { "isolation ok" } else { "isolation failed" } data-testid="isolation-verdict" data-clean=clean.to_string()>
            <strong>{if clean { "Isolated" } else { "Not isolated" }}</strong>
            {format!(
                ": {} documents checked, {} violation{}.",
                count(validation.documents),
                total,
                if total == 1 { "" } else { "s" }
            )}
        </p>
        <ul class="rules">
            {rules.into_iter().map(|(rule, n)| view! {
                <li class=if n == 0 { "rule ok" } else { "rule failed" }>
                    <span class="badge">{if n == 0 { "OK".to_string() } else { format!("{n} broken") }}</span>
                    " " {rule.description()}
                </li>
            }).collect_view()}
            <li class="rule muted">"…and every integrity rule of the data model (versions, edges, keys)."</li>
        </ul>
        {(!first.is_empty()).then(|| view! {
            <h3>"Violations" {(total > first.len()).then(|| format!(" (first {} of {total})", first.len()))}</h3>
            <ul class="violations">
                {first.into_iter().map(|v| view! { <li><code>{v.id}</code> ": " {v.message}</li> }).collect_view()}
            </ul>
        })}
    }
}

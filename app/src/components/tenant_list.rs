//! Tenants named in a table cell: each a link to its page, and a long list folded so
//! that a server holding sixty tenants is one row, not a wall of names.

use leptos::prelude::*;
use scaleout_domain::views::TenantRef;

/// Whether tenant names lead to the tenant's page. A stakeholder's read-only
/// link may not open it, so a page shown to one provides `TenantLinks(false)`
/// and the names are plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TenantLinks(pub bool);

/// A tenant's name: a link to its page, or plain text where links are off.
#[component]
pub fn TenantName(id: String, name: String) -> impl IntoView {
    let linked = use_context::<TenantLinks>().is_none_or(|l| l.0);
    if linked {
        view! { <a href=format!("/tenants/{id}")>{name}</a> }.into_any()
    } else {
        view! { <span>{name}</span> }.into_any()
    }
}

/// Names shown before the rest is folded away.
const SHOWN: usize = 4;

/// `empty` is what an empty list reads as ("none", "nobody").
#[component]
pub fn TenantList(
    tenants: Vec<TenantRef>,
    #[prop(default = "none")] empty: &'static str,
) -> impl IntoView {
    if tenants.is_empty() {
        return view! { <span class="muted">{empty}</span> }.into_any();
    }
    let links = |list: &[TenantRef]| {
        let last = list.len().saturating_sub(1);
        list.iter()
            .enumerate()
            .map(|(i, t)| {
                view! {
                    <TenantName id=t.id.to_string() name=t.name.clone() />
                    {(i < last).then_some(", ")}
                }
            })
            .collect_view()
    };
    // Folding away fewer than two names would save nothing.
    if tenants.len() <= SHOWN + 1 {
        return view! { <span class="tenant-list">{links(&tenants)}</span> }.into_any();
    }
    let (first, rest) = tenants.split_at(SHOWN);
    view! {
        <span class="tenant-list">
            {links(first)}
            <details class="more-tenants">
                <summary>{format!("and {} more", rest.len())}</summary>
                {links(rest)}
            </details>
        </span>
    }
    .into_any()
}

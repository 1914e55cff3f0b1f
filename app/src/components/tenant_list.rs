//! Tenants named in a table cell: each a link to its page, and a long list folded so
//! that a server holding sixty tenants is one row, not a wall of names.

use leptos::prelude::*;
use scaleout_domain::views::TenantRef;

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
                    <a href=format!("/tenants/{}", t.id)>{t.name.clone()}</a>
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

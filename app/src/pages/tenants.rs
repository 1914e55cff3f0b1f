use leptos::prelude::*;

use super::coming::Coming;

#[component]
pub fn Tenants() -> impl IntoView {
    view! {
        <Coming
            title="Tenants"
            summary="Every company is a tenant: its network inventory lives in its own shard group of the network_assets SmartGraph."
            features=&[
                "The tenant table: name, id, scale factor, documents, status and placement.",
                "Add one tenant or a batch, with live progress; remove with confirmation.",
                "A tenant's network at any point in time, drawn as a graph.",
            ]
        />
    }
}

use leptos::prelude::*;

use super::coming::Coming;

#[component]
pub fn Shards() -> impl IntoView {
    view! {
        <Coming
            title="Shards"
            summary="Where every shard group sits, how balanced the cluster is, and how to rebalance it."
            features=&[
                "A heat map of shard groups by server and a tenant placement map.",
                "Rebalance: plan, review the moves and their quality curve, execute with live progress.",
            ]
        />
    }
}

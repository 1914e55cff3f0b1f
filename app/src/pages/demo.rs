use leptos::prelude::*;

use super::coming::Coming;

#[component]
pub fn Demo() -> impl IntoView {
    view! {
        <Coming
            title="Demo"
            summary="The scale-out demo, step by step: onboard tenants, add servers, rebalance, validate."
            features=&[
                "Each step with narrative and live progress, before and after panels.",
                "A saved report to download as JSON and Markdown; a presenter mode.",
            ]
        />
    }
}

use leptos::prelude::*;

use super::coming::Coming;

#[component]
pub fn Servers() -> impl IntoView {
    view! {
        <Coming
            title="Servers"
            summary="The database servers of the cluster, their health and what each one holds."
            features=&[
                "Each DB server's health, shard groups, leaders, bytes, documents and tenants.",
                "Add servers, or ask what-if: +N servers, projected placement at once.",
                "Fail and restore a server on the embedded back end to watch failover.",
            ]
        />
    }
}

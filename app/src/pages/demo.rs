//! The scale-out demo: run it, watch every step live, read the outcome.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use scaleout_domain::views::DemoReport;

use crate::api::cluster::StartDemo;
use crate::api::jobs::get_job;
use crate::components::errors::error_text;
use crate::components::job_watch::JobWatch;

#[component]
pub fn Demo() -> impl IntoView {
    let start = ServerAction::<StartDemo>::new();
    let job = move || start.value().get().and_then(|r| r.ok());
    let finished = RwSignal::new(0u32);
    let report = Resource::new(
        move || (job(), finished.get()),
        |(job, _)| async move {
            match job {
                Some(id) => get_job(id)
                    .await
                    .ok()
                    .and_then(|j| j.result)
                    .and_then(|r| serde_json::from_value::<DemoReport>(r).ok()),
                None => None,
            }
        },
    );
    let on_done = Callback::new(move |_| finished.update(|n| *n += 1));

    view! {
        <Title text="Demo" />
        <h1>"Demo"</h1>
        <p class="lead">
            "The scale-out, for real: onboard Global Retail Chain, Manufacturing Solutions Inc and Tech Startup "
            "Innovations beside the existing tenants (Acme Corp and Global Enterprises on an empty store), add two "
            "DB servers, rebalance the shard groups onto them, and validate that every tenant is still isolated and complete."
        </p>
        <section class="card" aria-labelledby="run-h">
            <h2 id="run-h">"Run the demo"</h2>
            <ActionForm action=start attr:class="form-row">
                <input type="hidden" name="naming" value="camelCase" />
                <button type="submit" data-testid="start-demo" disabled=move || start.pending().get() || job().is_some()>
                    "Run the scale-out demo"
                </button>
            </ActionForm>
            <p class="hint">"Every browser watching sees the same progress; the report is saved in the data directory's reports folder."</p>
            {move || start.value().get().and_then(|r| r.err()).map(|e| view! {
                <p class="error" role="alert">{error_text(&e)}</p>
            })}
        </section>
        {move || job().map(|id| view! { <JobWatch job=id title="Scale-out demo".to_string() on_done=on_done /> })}
        <Transition fallback=|| ()>
            {move || Suspend::new(async move { report.await.map(|r| view! { <Outcome report=r /> }) })}
        </Transition>
    }
}

#[component]
fn Outcome(report: DemoReport) -> impl IntoView {
    let m = report.scale_out_metrics.clone();
    view! {
        <section class="card" aria-labelledby="outcome-h" data-testid="demo-outcome">
            <h2 id="outcome-h">"Outcome"</h2>
            <p>{report.demonstration_summary.outcome.clone()}</p>
            <table>
                <thead><tr><th scope="col"></th><th scope="col" class="num">"Before"</th><th scope="col" class="num">"After"</th></tr></thead>
                <tbody>
                    <tr><th scope="row">"Tenants"</th><td class="num">{m.tenants_before}</td><td class="num">{m.tenants_after}</td></tr>
                    <tr><th scope="row">"Documents"</th><td class="num">{m.documents_before}</td><td class="num">{m.documents_after}</td></tr>
                    <tr><th scope="row">"DB servers"</th><td class="num">{m.db_servers_before}</td><td class="num">{m.db_servers_after}</td></tr>
                    <tr>
                        <th scope="row">"Max / mean bytes per server"</th>
                        <td class="num">{format!("{:.2}", report.balance_before.bytes.max_over_mean)}</td>
                        <td class="num">{format!("{:.2}", report.balance_after.bytes.max_over_mean)}</td>
                    </tr>
                </tbody>
            </table>
            <p>{format!("{} moves, {:.1} KiB copied; {} violation(s).", report.moves.len(), report.bytes_moved as f64 / 1024.0, report.validation.violations)}</p>
            <ul>{report.files.iter().map(|f| view! { <li><code>{f.clone()}</code></li> }).collect_view()}</ul>
        </section>
    }
}

//! Importing a customer list on the Tenants page: choose a file (CSV with a header,
//! or JSON lines) or paste it, and import. Without scripts the pasted list posts as
//! a plain form. Every refused row is listed with its line and reason; the valid
//! rows onboard in one job, whose card shows its progress.

use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::api::tenants::ImportTenants;
use crate::components::errors::error_sentence;
use crate::components::focus;

/// `action`: the page's import action (the page adds the job's card).
#[component]
pub fn ImportCard(action: ServerAction<ImportTenants>) -> impl IntoView {
    let list = RwSignal::new(String::new());
    let chosen = RwSignal::new(None::<String>);
    // A chosen file fills the list (read in the browser; nothing is sent until Import).
    let on_file = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(input) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            let name = file.name();
            leptos::task::spawn_local(async move {
                if let Ok(text) = wasm_bindgen_futures::JsFuture::from(file.text()).await {
                    let mut text = text.as_string().unwrap_or_default();
                    // An empty file or one that is not text said as such at once: not the
                    // example behind an empty box, nor the bytes of an image in it.
                    let binary = scaleout_domain::access::text::looks_binary(&text);
                    chosen.set(Some(if text.trim().is_empty() {
                        format!("{name}: the file is empty; choose another, or paste the list")
                    } else if binary {
                        text.clear();
                        format!("{name} is not a text file: choose a CSV (a spreadsheet's \"CSV\" export), or paste the list")
                    } else {
                        format!("from {name}")
                    }));
                    list.set(text);
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    Effect::new(move |_| {
        if action.value().get().is_some() {
            focus::bring_soon("import-outcome");
        }
    });
    // A file is read by the page's script: without one, the picker would do nothing,
    // so it appears once the page is live (the pasted list works either way).
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    view! {
        <section class="card" aria-labelledby="import-h" data-testid="import">
            <h2 id="import-h">"Import a customer list"</h2>
            <p class="hint">"A CSV whose first line names the columns "<code>"name,scale_factor"</code>" (and optionally "<code>"naming"</code>"), "
                "or one JSON object per line with the same fields. Every valid row is onboarded in one job; a row that is not valid is listed with its line and why, and nothing of it is stored. "
                "Importing the same list again skips the tenants already onboarded."</p>
            {move || live.get().then(|| view! {
                <label class="file-pick">"Choose a file"
                    <input type="file" accept=".csv,.jsonl,.json,.txt,text/csv" on:change=on_file data-testid="import-file" />
                </label>
            })}
            <ActionForm action attr:class="form-col" attr:data-testid="import-form">
                <label class="field-block">
                    {move || match (chosen.get(), live.get()) {
                        (Some(file), _) => format!("The list ({file})"),
                        (None, true) => "Or paste the list".to_string(),
                        (None, false) => "Paste the list".to_string(),
                    }}
                    <textarea name="list" rows="6" required spellcheck="false" data-testid="import-list"
                        placeholder=move || if chosen.get().is_some() { "" } else { "name,scale_factor\nAcme Corp,2\nGlobex,1" }
                        prop:value=move || list.get()
                        on:input=move |ev| list.set(event_target_value(&ev))></textarea>
                </label>
                <div class="form-row">
                    <label>
                        "Naming, for rows that do not say"
                        <select name="naming">
                            <option value="" selected>"The database's"</option>
                        <option value="camelCase">"camelCase"</option>
                            <option value="snake_case">"snake_case"</option>
                        </select>
                    </label>
                    <button type="submit" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Checking the list…" } else { "Import" }}
                    </button>
                </div>
            </ActionForm>
            {move || action.value().get().map(|r| match r {
                Ok(done) => {
                    let refused = done.refused.clone();
                    view! {
                        <p class=if done.refused.is_empty() { "ok" } else { "warn" } role="status" id="import-outcome" tabindex="-1" data-testid="import-outcome">
                            {format!(
                                "{} to onboard{}; {} skipped (already onboarded); {} refused{}",
                                done.onboarding,
                                done.job.map(|j| format!(" (job {j}, below)")).unwrap_or_default(),
                                done.skipped.len(),
                                done.refused.len(),
                                if done.refused.is_empty() { "." } else { ": fix these rows and import the list again." }
                            )}
                        </p>
                        {(!refused.is_empty()).then(|| view! {
                            <div class="table-wrap" tabindex="0" role="region" aria-label="Refused rows">
                                <table class="data" data-testid="import-refused">
                                    <thead><tr><th scope="col" class="num">"Line"</th><th scope="col">"Name"</th><th scope="col">"Why"</th></tr></thead>
                                    <tbody>
                                        {refused.into_iter().map(|r| view! {
                                            <tr><td class="num">{r.line}</td><td>{r.name}</td><td>{r.reason}</td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        })}
                    }.into_any()
                }
                Err(e) => view! {
                    <p class="error" role="alert" id="import-outcome" tabindex="-1" data-testid="import-outcome">{error_sentence(&e)}</p>
                }.into_any(),
            })}
        </section>
    }
}

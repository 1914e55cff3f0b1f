//! The whole cluster's isolation check from the browser (the CLI's `scaleout validate`):
//! every tenant's documents read back, none reaching another tenant's, nothing stored
//! under an id the console does not know. It runs as a job; its card follows it.

use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::api::cluster::StartValidate;
use crate::components::errors::error_sentence;

#[component]
pub fn IsolationCheck(action: ServerAction<StartValidate>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="isolation-h" data-testid="isolation-check">
            <h2 id="isolation-h">"Isolation of every tenant"</h2>
            <p class="hint">
                "Reads every tenant's documents back and checks that none belongs to, or points at, another "
                "tenant, that each tenant is whole, and that no data is stored under an id the console does "
                "not know. It changes nothing; its card shows what it found."
            </p>
            <ActionForm action attr:class="form-row">
                <button type="submit" class="secondary" data-testid="start-validate" disabled=move || action.pending().get()>
                    "Check every tenant"
                </button>
            </ActionForm>
            {move || action.value().get().and_then(|r| r.err()).map(|e| view! {
                <p class="error" role="alert">{error_sentence(&e)}</p>
            })}
        </section>
    }
}

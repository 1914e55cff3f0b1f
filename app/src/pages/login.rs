//! Operators log in here; anyone else is sent here when a page needs it.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::access::Login;
use crate::components::errors::error_text;

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next").unwrap_or_else(|| "/".to_string()));
    view! {
        <Title text="Log in" />
        <h1>"Log in"</h1>
        <p class="lead">"The console changes a shared database: operators log in with the operator password."</p>
        <section class="card narrow" aria-labelledby="login-h">
            <h2 id="login-h">"Operator"</h2>
            <ActionForm action=login attr:class="form-col" attr:data-testid="login-form">
                <input type="hidden" name="next" prop:value=next />
                <label>
                    "Password"
                    <input type="password" name="password" required autocomplete="current-password" autofocus />
                </label>
                <button type="submit" disabled=move || login.pending().get()>"Log in"</button>
            </ActionForm>
            {move || login.value().get().and_then(|r| r.err()).map(|e| view! {
                <p class="error" role="alert" data-testid="login-error">{error_text(&e)}</p>
            })}
            <p class="hint">
                "The password is SCALEOUT_ADMIN_PASSWORD, or the one printed once when the console first started. "
                "Stakeholders use the read-only link an operator sends them; customers sign up on "
                <a href="/signup">"the signup page"</a> "."
            </p>
        </section>
    }
}

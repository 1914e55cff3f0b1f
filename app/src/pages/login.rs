//! Operators log in here; anyone else is sent here when a page needs it.

use crate::components::title::Title;
use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::api::access::Login;
use crate::components::errors::error_text;
use crate::components::query::query_param;
use crate::components::returned::returned;

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    // A form sent without JavaScript came back refused: its reason, and where it led.
    let back = returned("/api/access/login");
    // Read once: this page also renders outside the router (the public bundle).
    let next = back
        .field("next")
        .or_else(|| query_param("next"))
        .unwrap_or_else(|| "/".to_string());
    let back_error = StoredValue::new(back.error.clone());
    let error = move || match login.value().get() {
        Some(Err(e)) => Some(error_text(&e)),
        Some(Ok(_)) => None,
        None => back_error.get_value(),
    };
    view! {
        <Title text="Log in" />
        <h1>"Log in"</h1>
        <p class="lead">"The console changes a shared database: the team logs in with their accounts."</p>
        <section class="card narrow" aria-labelledby="login-h">
            <h2 id="login-h">"Team member"</h2>
            <ActionForm action=login attr:class="form-col" attr:data-testid="login-form">
                <input type="hidden" name="next" value=next />
                <div class="field">
                    <label for="login-name">"Name"</label>
                    <input id="login-name" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" maxlength="40" autofocus />
                </div>
                <div class="field">
                    <label for="login-password">"Password"</label>
                    <input id="login-password" type="password" name="password" required autocomplete="current-password" />
                </div>
                {move || error().map(|e| view! {
                    <p class="error" role="alert" data-testid="login-error">{scaleout_domain::access::text::sentence(&e)}</p>
                })}
                <button type="submit" disabled=move || login.pending().get()>"Log in"</button>
            </ActionForm>
            <p class="hint">
                "An admin gives you your name and password. The first account is admin, with the password "
                "SCALEOUT_ADMIN_PASSWORD or the one printed once when the console first started. "
                "Stakeholders use the read-only link an operator sends them; customers sign up on "
                <a href="/signup">"the signup page"</a> "."
            </p>
        </section>
    }
}

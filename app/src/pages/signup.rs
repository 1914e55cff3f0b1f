//! The public signup page: a company becomes a tenant by itself.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use scaleout_domain::access::{SignupForm, SignupSize};

use crate::api::signup::{get_signup_form, SubmitSignup};
use crate::components::errors::error_text;

#[component]
pub fn SignupPage() -> impl IntoView {
    // The form key is minted on the server and travels with the page, so a
    // double submit or a retry names the same signup.
    let form = OnceResource::new(get_signup_form());
    let submit = ServerAction::<SubmitSignup>::new();
    // Checked as the customer types; the server checks the same rules again.
    let (company, set_company) = signal(String::new());
    let (email, set_email) = signal(String::new());
    let hint = move || {
        let (c, e) = (company.get(), email.get());
        if c.is_empty() || e.is_empty() {
            return None;
        }
        SignupForm::parse(&c, &e, "small")
            .err()
            .map(|e| e.to_string())
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = submit.value().get() {
            let navigate = leptos_router::hooks::use_navigate();
            navigate("/portal", Default::default());
        }
    });
    view! {
        <Title text="Sign up" />
        <h1>"Sign up"</h1>
        <p class="lead">"Keep your network inventory (devices, software, locations, connections, with their full history) in our shared graph database, isolated from every other company."</p>
        <section class="card narrow" aria-labelledby="signup-h">
            <h2 id="signup-h">"Your company"</h2>
            <Suspense fallback=|| view! { <p class="muted">"Preparing the form…"</p> }>
                {move || Suspend::new(async move {
                    match form.await {
                        Ok(f) => view! {
                            <ActionForm action=submit attr:class="form-col" attr:data-testid="signup-form">
                                <input type="hidden" name="form_key" value=f.form_key />
                                <label>"Company name"
                                    <input type="text" name="company" required maxlength="80" autocomplete="organization"
                                        on:input=move |ev| set_company.set(event_target_value(&ev)) />
                                </label>
                                <label>"Contact email"
                                    <input type="email" name="email" required maxlength="254" autocomplete="email"
                                        on:input=move |ev| set_email.set(event_target_value(&ev)) />
                                </label>
                                <fieldset>
                                    <legend>"Size"</legend>
                                    {SignupSize::ALL.into_iter().map(|s| view! {
                                        <label class="choice">
                                            <input type="radio" name="size" value=s.as_str() checked=s == SignupSize::Small />
                                            {format!("{} (scale factor {})", s.as_str(), s.scale_factor())}
                                        </label>
                                    }).collect_view()}
                                </fieldset>
                                {move || hint().map(|h| view! { <p class="hint" aria-live="polite">{h}</p> })}
                                <button type="submit" disabled=move || submit.pending().get()>"Create my tenant"</button>
                                {f.approval.then(|| view! { <p class="hint">"An operator approves new tenants; you will see the state on the next page."</p> })}
                            </ActionForm>
                        }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{error_text(&e)}</p> }.into_any(),
                    }
                })}
            </Suspense>
            {move || submit.value().get().and_then(|r| r.err()).map(|e| view! {
                <p class="error" role="alert" data-testid="signup-error">{error_text(&e)}</p>
            })}
        </section>
    }
}

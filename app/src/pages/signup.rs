//! The public signup page: a company becomes a tenant by itself. It works
//! before the wasm has loaded and without JavaScript: a refused form comes
//! back with the reason and what was typed.

use crate::components::title::Title;
use leptos::form::ActionForm;
use leptos::prelude::*;
use scaleout_domain::access::{SignupForm, SignupSize};

use crate::api::signup::{get_signup_form, SubmitSignup};
use crate::components::errors::error_sentence;
use crate::components::returned::returned;

#[component]
pub fn SignupPage() -> impl IntoView {
    // The form key is minted on the server and travels with the page, so a
    // double submit or a retry names the same signup.
    let form = OnceResource::new(get_signup_form());
    let submit = ServerAction::<SubmitSignup>::new();
    // A form sent without JavaScript came back refused: its reason and input.
    let back = returned("/api/signup/submit");
    let (company, set_company) = signal(back.field("company").unwrap_or_default());
    let (email, set_email) = signal(back.field("email").unwrap_or_default());
    let size = back
        .field("size")
        .and_then(|s| SignupSize::parse(&s))
        .unwrap_or(SignupSize::Small);
    // Checked as the customer types; the server checks the same rules again.
    let hint = move || {
        let (c, e) = (company.get(), email.get());
        if c.is_empty() || e.is_empty() {
            return None;
        }
        SignupForm::parse(&c, &e, "small")
            .err()
            .map(|e| scaleout_domain::access::text::sentence(&e.to_string()))
    };
    // One message at a time: the server's answer, else the check as typed.
    let back_error = StoredValue::new(back.error.clone());
    let error = move || match submit.value().get() {
        // Alone in its box: a sentence, capital first.
        Some(Err(e)) => Some(error_sentence(&e)),
        Some(Ok(_)) => None,
        None => back_error
            .get_value()
            .map(|e| scaleout_domain::access::text::sentence(&e)),
    };
    view! {
        <Title text="Sign up" />
        <h1>"Sign up"</h1>
        <p class="lead">"Keep your network inventory (devices, programs, locations, the connections between them, and every configuration change) in our shared graph database, isolated from every other company."</p>
        <section class="card narrow" aria-labelledby="signup-h">
            <h2 id="signup-h">"Your company"</h2>
            <Suspense fallback=|| view! { <p class="muted">"Preparing the form…"</p> }>
                {move || Suspend::new(async move {
                    match form.await {
                        Ok(f) => view! {
                            {f.existing.clone().map(|name| view! {
                                <div class="notice" role="note" data-testid="signup-existing">
                                    <p>"This browser already opens the portal of " <strong>{name.clone()}</strong> ". "
                                        <a href="/portal">"Open it"</a> "."</p>
                                    <p>"Signing up another company here makes its portal the one this browser opens first; "
                                        {name} " stays one click away on the portal, and its personal link still works."</p>
                                </div>
                            })}
                            <ActionForm action=submit attr:class="form-col" attr:data-testid="signup-form">
                                <input type="hidden" name="form_key" value=f.form_key />
                                <div class="field">
                                    <label for="signup-company">"Company name"</label>
                                    <input id="signup-company" type="text" name="company" required maxlength="80" autocomplete="organization"
                                        value=company.get_untracked()
                                        on:input=move |ev| set_company.set(event_target_value(&ev)) />
                                </div>
                                <div class="field">
                                    <label for="signup-email">"Contact email"</label>
                                    <input id="signup-email" type="email" name="email" required maxlength="254" autocomplete="email"
                                        value=email.get_untracked()
                                        on:input=move |ev| set_email.set(event_target_value(&ev)) />
                                </div>
                                <fieldset class="field">
                                    <legend>"Size"</legend>
                                    {SignupSize::ALL.into_iter().map(|s| {
                                        let id = format!("signup-size-{}", s.as_str());
                                        view! {
                                            <div class="choice">
                                                <input id=id.clone() type="radio" name="size" value=s.as_str() checked=s == size />
                                                <label for=id>
                                                    <span class="choice-name">{s.as_str()}</span>
                                                    <span class="choice-note">{format!("about {}", s.described())}</span>
                                                </label>
                                            </div>
                                        }
                                    }).collect_view()}
                                </fieldset>
                                <p class="error" role="alert" aria-live="polite" data-testid="signup-error">
                                    {move || error().or_else(hint)}
                                </p>
                                <button type="submit" disabled=move || submit.pending().get()>"Create my tenant"</button>
                                {f.approval.then(|| view! { <p class="hint">"An operator reviews each new company before its tenant is set up; your portal shows when they decide."</p> })}
                            </ActionForm>
                        }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{error_sentence(&e)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

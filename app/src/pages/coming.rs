//! A page that is not built yet says plainly what it will hold.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Coming(
    title: &'static str,
    summary: &'static str,
    features: &'static [&'static str],
) -> impl IntoView {
    view! {
        <Title text=title />
        <h1>{title}</h1>
        <p class="lead">{summary}</p>
        <section class="card" aria-labelledby="coming-h">
            <h2 id="coming-h">"Coming to this page"</h2>
            <ul class="coming">
                {features.iter().map(|f| view! { <li>{*f}</li> }).collect_view()}
            </ul>
        </section>
    }
}

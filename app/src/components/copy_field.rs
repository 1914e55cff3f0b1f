//! A value to keep (a link shown once): in a read-only field anyone can select, with a Copy
//! button once the page's scripts run (the clipboard needs them).

use leptos::prelude::*;

#[component]
pub fn CopyField(
    /// The text to copy; may change (the origin is known only in the browser).
    #[prop(into)]
    value: Signal<String>,
    /// What it is, for screen readers ("Your personal link").
    label: &'static str,
    testid: &'static str,
) -> impl IntoView {
    let scripts = RwSignal::new(false);
    Effect::new(move |_| scripts.set(true));
    let copied = RwSignal::new(false);
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let _ = window()
                .navigator()
                .clipboard()
                .write_text(&value.get_untracked());
        }
        copied.set(true);
    };
    view! {
        <div class="copy-row">
            <input type="text" readonly aria-label=label data-testid=testid
                value=move || value.get() prop:value=move || value.get() />
            <Show when=move || scripts.get()>
                <button type="button" class="secondary" on:click=copy data-testid=format!("{testid}-copy")>
                    {move || if copied.get() { "Copied" } else { "Copy" }}
                </button>
            </Show>
        </div>
    }
}

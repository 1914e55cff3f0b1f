//! Controls only an operator may use. A read-only link (a stakeholder watching a demo)
//! or a read-only account sees a short note instead of buttons whose requests the
//! server would refuse with 403.
//! The server still decides: this only spares viewers a dead end.

use leptos::prelude::*;
use scaleout_domain::access::Role;

use crate::api::access::get_session;

/// Renders `children` for an operator or admin and `note` (if any) for anyone else.
#[component]
pub fn OperatorOnly(#[prop(into)] note: String, children: ChildrenFn) -> impl IntoView {
    let session = Resource::new(|| (), |_| get_session());
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let note = note.clone();
                Suspend::new(async move {
                    let role = session.await.map(|s| s.role).unwrap_or(Role::Anonymous);
                    if role.operates() {
                        children.read_value()().into_any()
                    } else if note.is_empty() {
                        ().into_any()
                    } else {
                        view! { <p class="hint" data-testid="read-only-note">{note}</p> }.into_any()
                    }
                })
            }}
        </Suspense>
    }
}

//! A live page in a browser that runs no scripts: it cannot follow the live stream, so it
//! reloads itself now and then, and says so (a stakeholder or a customer would otherwise
//! watch a page that never changes).

use leptos::prelude::*;

/// Reloads the page every `seconds` where scripts do not run, and says so. Written as
/// HTML, not as a view: where scripts run, a `<noscript>`'s content is plain text, which
/// hydration must not walk.
#[component]
pub fn NoScriptRefresh(seconds: u32) -> impl IntoView {
    let html = format!(
        "<meta http-equiv=\"refresh\" content=\"{seconds}\">\
         <p class=\"hint\">Your browser runs no scripts here: this page reloads itself every \
         {seconds} seconds to show what changed.</p>"
    );
    view! { <noscript inner_html=html></noscript> }
}

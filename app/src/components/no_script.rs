//! A live page in a browser that runs no scripts cannot follow the live stream: it says
//! so, and reloads itself now and then or offers a reload (a stakeholder or a customer
//! would otherwise watch a page that never changes, with no word why).

use leptos::prelude::*;

/// Seconds between reloads while a job runs.
#[cfg(any(feature = "ssr", feature = "hydrate", feature = "watch-bundle"))]
pub const WHILE_RUNNING: u32 = 5;

/// Reloads the page every `seconds` where scripts do not run, and says so; every
/// [`WHILE_RUNNING`] seconds while a job runs (a page 20 s behind would show a short run
/// late, or not at all). Written as HTML, not as a view: where scripts run, a
/// `<noscript>`'s content is plain text, which hydration must not walk. A stakeholder's
/// pages use it (`watch_app`, built for them), and so does a running job's page.
#[cfg(any(feature = "ssr", feature = "hydrate", feature = "watch-bundle"))]
#[component]
pub fn NoScriptRefresh(seconds: u32) -> impl IntoView {
    // Only the server writes it (a browser running scripts never reads it).
    #[cfg(feature = "ssr")]
    let (seconds, why) = if crate::api::server::a_job_runs() {
        (seconds.min(WHILE_RUNNING), " while a job runs")
    } else {
        (seconds, "")
    };
    #[cfg(not(feature = "ssr"))]
    let why = "";
    let html = format!(
        "<meta http-equiv=\"refresh\" content=\"{seconds}\">\
         <p class=\"hint\">Your browser runs no scripts here: this page reloads itself every \
         {seconds} seconds{why} to show what changed.</p>"
    );
    view! { <noscript inner_html=html></noscript> }
}

/// Says how to see what changed where scripts do not run, without reloading by itself: a
/// page with something to copy (the portal's personal link) must not reload under the
/// reader's hands. The link reloads the same address.
/// `keep_first`: something on the page is shown only now (the portal's new personal
/// link), and a reload would hide it: said before the reload link.
#[component]
pub fn NoScriptReload(#[prop(optional)] keep_first: bool) -> impl IntoView {
    let html = if keep_first {
        "<p class=\"hint\">Your browser runs no scripts here: keep your personal link \
         first, as a reload does not show it again; then \
         <a href=\"\">reload this page</a> to see how far it got.</p>"
    } else {
        "<p class=\"hint\">Your browser runs no scripts here: \
         <a href=\"\">reload this page</a> to see how far it got.</p>"
    };
    view! { <noscript inner_html=html></noscript> }
}

/// A form for a browser that runs no scripts, standing in for a button the page's script
/// drives (such buttons are hidden there): opened first, it asks `question`, and sends
/// `fields` to `action` only on a second click, as the script's own dialog would.
/// Written as HTML (see [`NoScriptRefresh`]), every value escaped.
#[cfg(any(feature = "ssr", feature = "hydrate"))]
#[component]
pub fn NoScriptForm(
    #[prop(into)] summary: String,
    #[prop(into)] question: String,
    action: &'static str,
    fields: Vec<(&'static str, String)>,
    #[prop(into)] submit: String,
    /// Shown opened: the reader already asked for it (see the job page's Cancel).
    #[prop(optional)]
    open: bool,
) -> impl IntoView {
    use scaleout_domain::access::text::escape_html as e;
    let hidden: String = fields
        .iter()
        .map(|(name, value)| {
            format!(
                "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
                e(value)
            )
        })
        .collect();
    let html = format!(
        "<details class=\"noscript-form\"{}><summary>{}</summary>\
         <form method=\"post\" action=\"{action}\">{hidden}<p>{}</p>\
         <button type=\"submit\" class=\"danger small\">{}</button></form></details>",
        if open { " open" } else { "" },
        e(&summary),
        e(&question),
        e(&submit)
    );
    view! { <noscript inner_html=html></noscript> }
}

//! The visitors' pages (log in, sign up) as an app of their own, hydrated by a small
//! bundle of their own (`public.js`, `public_bg.wasm`): no router, no live stream, no
//! operator page in it. A customer's first page costs about a third of the console's
//! shell (issue 19). The server renders these paths with [`public_shell`]; the console's
//! own router still has them, for links followed inside it.

use leptos::prelude::*;

use crate::components::chrome::{Brand, Footer, SkipLink};
use crate::components::query;
use crate::pages;

/// The paths this app renders, for the server's routing.
pub const PATHS: [&str; 2] = ["/login", "/signup"];

/// Header, the page for the path, footer: the same look as the console's, with the
/// navigation a visitor has.
#[component]
pub fn PublicApp() -> impl IntoView {
    // The shell writes the title (see components::title): no leptos_meta here.
    provide_context(crate::components::title::PublicPage);
    // After a server function redirects (logged in, signed up), go there: the console's
    // router does this for its pages; here the browser loads the next page itself.
    #[cfg(feature = "hydrate")]
    let _ = leptos::server_fn::redirect::set_redirect_hook(|to: &str| {
        let _ = window().location().set_href(to);
    });
    // The navigation marks no current page here: that one attribute costs this bundle
    // about a kilobyte (a new attribute type), a budget it does not have (issue 19).
    let page = if is_signup() {
        view! { <pages::SignupPage /> }.into_any()
    } else {
        view! { <pages::LoginPage /> }.into_any()
    };
    view! {
        <SkipLink />
        <header class="top">
            <Brand />
            <nav aria-label="Main">
                <ul data-role="anonymous">
                    <li><a href="/portal">"Your portal"</a></li>
                    <li><a href="/signup">"Sign up"</a></li>
                    <li><a href="/login">"Team log in"</a></li>
                </ul>
            </nav>
        </header>
        <main id="main" tabindex="-1">{page}</main>
        <Footer />
    }
}

fn is_signup() -> bool {
    query::path().trim_end_matches('/') == "/signup"
}

/// The document around [`PublicApp`]: the same stylesheet, the public bundle's scripts.
#[cfg(feature = "ssr")]
pub fn public_shell(options: LeptosOptions) -> impl IntoView {
    let title = if is_signup() { "Sign up" } else { "Log in" };
    // The visitors' share of the stylesheet (scripts/build-site.sh).
    bundle_shell(
        options,
        "public",
        "public.css",
        title,
        ().into_any(),
        || view! { <PublicApp /> }.into_any(),
    )
}

/// A document hydrated by a bundle of its own (`bundle.js`, `bundle_bg.wasm`) rather
/// than the console's shell: the visitors' pages, the portal, a stakeholder's pages.
/// `head` goes in the document's head (the modules the page will need, to preload).
#[cfg(feature = "ssr")]
pub(crate) fn bundle_shell(
    options: LeptosOptions,
    bundle: &str,
    stylesheet: &str,
    title: &str,
    head: AnyView,
    app: impl FnOnce() -> AnyView,
) -> impl IntoView {
    crate::shell::use_csp_nonce();
    let css = format!("/{}/{stylesheet}", options.site_pkg_dir);
    let mut options = options;
    options.output_name = bundle.into();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                {crate::components::chrome::head_basics(css)}
                // As one raw text: a text child would carry a hydration marker (`<!>`),
                // which a title shows as it is.
                <title inner_html=format!("{} · scaleout", title.replace('&', "&amp;").replace('<', "&lt;")) />
                <HydrationScripts options />
                {head}
            </head>
            <body>{app()}</body>
        </html>
    }
}

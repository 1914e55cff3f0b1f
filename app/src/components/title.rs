//! The page's `<title>`. In the console, leptos_meta sets it (the server writes it into the
//! HTML, and it follows client-side navigation). The visitors' app writes its title in its
//! own shell (`public.rs`) and keeps leptos_meta out of its bundle.

use leptos::prelude::*;

/// Marks a render inside the visitors' app.
#[derive(Clone, Copy)]
pub struct PublicPage;

/// The page's title. Inside the visitors' app it renders as nothing, the same on the
/// server and in the browser, so hydration agrees (in its bundle, statically nothing).
#[component]
pub fn Title(#[prop(into)] text: String) -> impl IntoView {
    let public = cfg!(any(
        feature = "public-bundle",
        feature = "portal-bundle",
        feature = "watch-bundle"
    )) || use_context::<PublicPage>().is_some();
    (!public).then(|| view! { <leptos_meta::Title text /> })
}

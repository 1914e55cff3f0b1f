//! Bringing the result of an action to the person: scrolled into view and focused, so
//! sight and the keyboard both land where the news is (not at the top of the page, not on
//! <body>).

use leptos::prelude::*;

/// Focuses the element with `id` (made focusable for this if it is not, e.g. a heading);
/// the browser scrolls it into view as little as it must, keeping what is above it (a
/// card's heading) on screen where it can. Does nothing on the server, or when it is not
/// there yet.
pub fn bring(id: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(el) = document().get_element_by_id(id) else {
            return;
        };
        if !el.has_attribute("tabindex") {
            let _ = el.set_attribute("tabindex", "-1");
        }
        if let Some(html) = el.dyn_ref::<web_sys::HtmlElement>() {
            let _ = html.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

/// [`bring`] once the view that holds `id` has rendered (the next animation frame).
pub fn bring_soon(id: impl Into<String>) {
    let id = id.into();
    request_animation_frame(move || bring(&id));
}

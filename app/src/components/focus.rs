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

/// Where the focus goes when `gone` leaves `list` (a dismissed card): the item that takes
/// its place, else the one before it, else nothing (the caller's fallback).
pub fn successor<T: PartialEq + Copy>(list: &[T], gone: T) -> Option<T> {
    let at = list.iter().position(|x| *x == gone)?;
    list.get(at + 1)
        .or_else(|| at.checked_sub(1).and_then(|i| list.get(i)))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::successor;

    #[test]
    fn the_next_card_takes_the_place_of_a_dismissed_one() {
        assert_eq!(successor(&[3, 2, 1], 2), Some(1));
        assert_eq!(
            successor(&[3, 2, 1], 1),
            Some(2),
            "the last one: the one before"
        );
        assert_eq!(successor(&[3], 3), None, "none left: the caller's fallback");
        assert_eq!(successor(&[3, 2], 9), None, "not there");
    }
}

//! Asking before a big action: the browser's own dialog, which the keyboard answers
//! (Enter confirms, Escape declines) and screen readers announce.

use leptos::ev::MouseEvent;
use leptos::prelude::*;

/// True when the person confirms `question`.
pub fn ask(question: &str) -> bool {
    window().confirm_with_message(question).unwrap_or(false)
}

/// For a submit button's click: lets the form go only once the person confirms.
pub fn or_stop(ev: &MouseEvent, question: &str) {
    if !ask(question) {
        ev.prevent_default();
    }
}

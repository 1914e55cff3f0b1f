//! What a form posted without JavaScript came back with. The server sends the
//! person back to the page (`?__path=<server function>`), with the message and the
//! input in two short-lived cookies (see the server's `access::forms`); the page shows
//! the message beside the form and fills the fields in again. The message is never read
//! from the address, where anyone could write one into a link.

use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use leptos::prelude::*;

use super::query::query_param;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Returned {
    /// The server's sentence, when this form was refused.
    pub error: Option<String>,
    fields: Vec<(String, String)>,
}

impl Returned {
    /// A field as the person typed it.
    pub fn field(&self, name: &str) -> Option<String> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }
}

/// What the page's address says about the last post of the server function
/// at `endpoint` (e.g. `/api/signup/submit`).
/// Not the router's query: these pages also render outside it (the public bundle).
pub fn returned(endpoint: &str) -> Returned {
    if query_param("__path").as_deref() != Some(endpoint) {
        return Returned::default();
    }
    let error = cookie(ERROR_COOKIE).map(|e| decode_error(&e));
    let fields = cookie(FORM_COOKIE)
        .and_then(|f| URL_SAFE_NO_PAD.decode(f.as_bytes()).ok())
        .map(|bytes| {
            form_urlencoded::parse(&bytes)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    Returned { error, fields }
}

/// Server functions whose pages show a refusal beside their own form.
const SHOWN_BY_THEIR_PAGE: &[&str] = &["/api/signup/submit", "/api/access/login"];

/// Any other form sent without JavaScript that came back refused: its reason,
/// at the top of the page (so no message is ever lost on the way back).
#[component]
pub fn ReturnedError() -> impl IntoView {
    let path = super::query::use_query_param("__path");
    // Read once: the cookie lasts two minutes, the address says whether it is this page's.
    let err = cookie(ERROR_COOKIE).map(|e| decode_error(&e));
    let message = move || {
        let path = path.get()?;
        if SHOWN_BY_THEIR_PAGE.contains(&path.as_str()) {
            return None;
        }
        err.clone()
    };
    move || {
        message().map(|m| {
            view! { <p class="error notice" role="alert" data-testid="returned-error">{m}</p> }
        })
    }
}

/// The cookies the server handed the refused form's input and message back in
/// (see the server's `access::forms`).
const FORM_COOKIE: &str = "scaleout_form";
const ERROR_COOKIE: &str = "scaleout_form_error";

fn cookie_value(header: &str, name: &str) -> Option<String> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

#[cfg(feature = "ssr")]
fn cookie(name: &str) -> Option<String> {
    let parts = use_context::<axum::http::request::Parts>()?;
    parts
        .headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|h| cookie_value(h, name))
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
fn cookie(name: &str) -> Option<String> {
    use wasm_bindgen::JsCast;
    let document = document().dyn_into::<web_sys::HtmlDocument>().ok()?;
    cookie_value(&document.cookie().ok()?, name)
}

#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
fn cookie(_: &str) -> Option<String> {
    None
}

/// The message inside leptos's encoding of a server error (`ServerError|...`).
fn decode_error(encoded: &str) -> String {
    let text = URL_SAFE
        .decode(encoded.as_bytes())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default();
    let message = text.split_once('|').map_or(text.as_str(), |(_, m)| m);
    if message.trim().is_empty() {
        "The form could not be sent: try again.".to_string()
    } else {
        message.trim().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_cookie_is_found_among_others() {
        assert_eq!(
            cookie_value("a=1; scaleout_form=Y29tcGFueQ; b=2", FORM_COOKIE).as_deref(),
            Some("Y29tcGFueQ")
        );
        assert_eq!(cookie_value("a=1", FORM_COOKIE), None);
        assert_eq!(
            cookie_value("scaleout_form=a; scaleout_form_error=U2U=", ERROR_COOKIE).as_deref(),
            Some("U2U=")
        );
    }

    #[test]
    fn the_message_is_read_out_of_its_encoding() {
        let encoded = URL_SAFE.encode("ServerError|contact email: enter an address");
        assert_eq!(decode_error(&encoded), "contact email: enter an address");
        assert_eq!(
            decode_error("%%%"),
            "The form could not be sent: try again."
        );
    }
}

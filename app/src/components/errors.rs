//! Server errors as sentences for people (without the framework's prefix).

use leptos::prelude::ServerFnError;

pub fn error_text(e: &ServerFnError) -> String {
    match e {
        ServerFnError::ServerError(message) => message.clone(),
        other => other.to_string(),
    }
}

/// The same, for a message that stands alone (an error box with no "Could not …: " before
/// it): as a sentence, with a capital.
pub fn error_sentence(e: &ServerFnError) -> String {
    scaleout_domain::access::text::sentence(&error_text(e))
}

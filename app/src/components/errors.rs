//! Server errors as sentences for people (without the framework's prefix).

use leptos::prelude::ServerFnError;

pub fn error_text(e: &ServerFnError) -> String {
    match e {
        ServerFnError::ServerError(message) => message.clone(),
        other => other.to_string(),
    }
}

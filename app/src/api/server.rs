//! Server-only glue: how server functions reach the services.

use leptos::prelude::*;
use scaleout_services::Console;

/// The console service the server put in the request context.
pub fn console() -> Result<Console, ServerFnError> {
    use_context::<Console>()
        .ok_or_else(|| ServerFnError::new("the console service is not available in this request"))
}

//! Self-service signup: the form and its submission. The customer's portal is
//! in [`super::portal`].

use leptos::prelude::*;
use scaleout_domain::access::SignupStatus;
use serde::{Deserialize, Serialize};

/// What the signup page needs: a one-time form key, whether an operator
/// approves signups first, and the company this browser already opens the
/// portal of (a second signup warns before it replaces anything).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignupForm {
    pub form_key: String,
    pub approval: bool,
    #[serde(default)]
    pub existing: Option<String>,
}

/// `POST /api/signup/form`: a fresh form key.
#[server(endpoint = "/signup/form")]
pub async fn get_signup_form() -> Result<SignupForm, ServerFnError> {
    let console = super::server::anyone()?;
    let caller = super::server::caller()?;
    let existing = caller
        .portal
        .as_deref()
        .and_then(|cookie| console.access().portal_company(&console, cookie));
    Ok(SignupForm {
        form_key: console
            .access()
            .signup_form_key()
            .map_err(super::server::fail)?,
        approval: console.access().signup_settings().approval,
        existing,
    })
}

/// `POST /api/signup/submit` (form_key, company, email, size): takes the
/// signup (a retry of the same form is the same signup), makes it this
/// browser's current portal (keeping any earlier one) and goes to the portal,
/// which shows the personal link once.
#[server(endpoint = "/signup/submit")]
pub async fn submit_signup(
    form_key: String,
    company: String,
    email: String,
    size: String,
) -> Result<SignupStatus, ServerFnError> {
    use scaleout_services::access::portal::portal_cookie_value;
    use scaleout_services::access::{cookie, PORTAL_COOKIE, PORTAL_OPEN_PREFIX};
    let console = super::server::anyone()?;
    let caller = super::server::caller()?;
    let receipt = console
        .access()
        .signup(&console, &caller.client, &form_key, &company, &email, &size)
        .await
        .map_err(super::server::fail)?;
    let value = portal_cookie_value(&receipt.portal_token, caller.portal.as_deref());
    super::server::set_cookie(&cookie(
        PORTAL_COOKIE,
        &value,
        90 * 24 * 3600,
        caller.secure,
    ));
    let personal = receipt.portal_link.trim_start_matches(PORTAL_OPEN_PREFIX);
    super::server::to_portal_showing(personal, caller.secure);
    Ok(receipt.status)
}

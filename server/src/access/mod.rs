//! Access control at the door: every request is classified once (who is
//! asking, what the path needs), cross-site writes are refused, and every
//! response carries the security headers. Server functions then read the
//! caller from the request; the decision is never left to the page.

mod audit;
mod client_addr;
mod cookies;
mod forms;
mod guard;
mod headers;
mod import_form;
mod job_forms;
mod pages;
mod policy;
mod portal_link;
mod removal_form;
mod secret_forms;
mod watch;

pub use audit::record_changes;
pub use forms::plain_forms;
pub use guard::{guard, Door};
pub use headers::security_headers;
pub use import_form::import_without_script;
pub use job_forms::jobs_without_script;
pub use policy::{changes_state, malformed, required_role, Need, PUBLIC_FILES};
pub use portal_link::{open_portal_link, personal_link_shown};
pub use removal_form::removal_without_script;
pub use scaleout_services::access::Caller;
pub use secret_forms::secrets_without_script;
pub use watch::{left as left_read_only, watch_link};

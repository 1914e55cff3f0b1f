//! Errors of the services, typed so each shell maps them once: the web to an
//! HTTP status, the CLI to an exit code, both to a message a user can act on.

use scaleout_domain::port::BackendError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Backend(#[from] BackendError),
}

//! What can go wrong in a back end, typed so that the web and the CLI can map each
//! kind once to an HTTP status and to a message a user can act on.

use crate::console::BackendKind;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackendError {
    /// The back end cannot do this at all (e.g. add servers to a real ArangoDB).
    #[error("{operation} is not supported by the {} back end: {reason}", backend.label())]
    NotSupported {
        operation: &'static str,
        backend: BackendKind,
        reason: String,
    },
    /// The request names something that does not exist (a server, a shard group).
    #[error("{0}")]
    NotFound(String),
    /// The request contradicts the current state (schema mismatch, busy server).
    #[error("{0}")]
    Conflict(String),
    /// The request itself is malformed.
    #[error("{0}")]
    Invalid(String),
    /// Data is temporarily out of reach (a failed server without a replica).
    #[error("{0}")]
    Unavailable(String),
    /// The operation was cancelled at the caller's request.
    #[error("cancelled: {0}")]
    Cancelled(String),
    /// A move missed its deadline and was stopped (the message says how it ended).
    #[error("{0}")]
    TimedOut(String),
    /// The storage or the connection failed underneath.
    #[error("storage failure: {0}")]
    Storage(String),
}

impl BackendError {
    pub fn not_supported(
        operation: &'static str,
        backend: BackendKind,
        reason: impl Into<String>,
    ) -> Self {
        BackendError::NotSupported {
            operation,
            backend,
            reason: reason.into(),
        }
    }
}

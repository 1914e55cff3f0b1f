//! Errors of the services, typed so each shell maps them once: the web to an
//! HTTP status, the CLI to an exit code, both to a message a user can act on.

use scaleout_domain::port::BackendError;
use scaleout_domain::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The request is malformed (a bad name, scale factor, naming...).
    #[error("{0}")]
    Invalid(String),
    /// The request contradicts the state (a duplicate name, a topology job running).
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Backend(#[from] BackendError),
    /// The console's own store failed.
    #[error("console store: {0}")]
    Store(String),
    /// A SQLite failure of the console store, before it is explained (the store
    /// turns the kinds people can fix into [`ServiceError::Unavailable`]).
    #[error("console store: {0}")]
    Sqlite(#[source] rusqlite::Error),
    /// The console cannot work right now for a reason outside it, said in a
    /// sentence that names what to fix: a full disk, a read-only directory.
    #[error("{0}")]
    Unavailable(String),
    /// No operator session (or a wrong password: the same answer either way).
    #[error("{0}")]
    Unauthenticated(String),
    /// A session that may not do this (a read-only link trying to change something).
    #[error("{0}")]
    Forbidden(String),
    /// Too many attempts; try again after this many seconds.
    #[error("{message}")]
    RateLimited { message: String, retry_after: u64 },
    /// Asked to stop, and stopped.
    #[error("cancelled: {0}")]
    Cancelled(String),
}

impl From<DomainError> for ServiceError {
    fn from(e: DomainError) -> Self {
        ServiceError::Invalid(e.to_string())
    }
}

/// What kind of failure, for mapping to HTTP statuses and exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Invalid,
    Conflict,
    NotFound,
    NotSupported,
    Unavailable,
    Cancelled,
    Unauthenticated,
    Forbidden,
    RateLimited,
    Internal,
}

impl ServiceError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            ServiceError::Invalid(_) => ErrorKind::Invalid,
            ServiceError::Conflict(_) => ErrorKind::Conflict,
            ServiceError::NotFound(_) => ErrorKind::NotFound,
            ServiceError::Cancelled(_) => ErrorKind::Cancelled,
            ServiceError::Unauthenticated(_) => ErrorKind::Unauthenticated,
            ServiceError::Forbidden(_) => ErrorKind::Forbidden,
            ServiceError::RateLimited { .. } => ErrorKind::RateLimited,
            ServiceError::Store(_) => ErrorKind::Internal,
            ServiceError::Unavailable(_) => ErrorKind::Unavailable,
            ServiceError::Sqlite(e) => match e.sqlite_error_code() {
                Some(
                    rusqlite::ErrorCode::DiskFull
                    | rusqlite::ErrorCode::ReadOnly
                    | rusqlite::ErrorCode::CannotOpen
                    | rusqlite::ErrorCode::PermissionDenied
                    | rusqlite::ErrorCode::SystemIoFailure
                    | rusqlite::ErrorCode::DatabaseBusy
                    | rusqlite::ErrorCode::DatabaseLocked,
                ) => ErrorKind::Unavailable,
                _ => ErrorKind::Internal,
            },
            ServiceError::Backend(b) => match b {
                BackendError::NotSupported { .. } => ErrorKind::NotSupported,
                BackendError::NotFound(_) => ErrorKind::NotFound,
                BackendError::Conflict(_) => ErrorKind::Conflict,
                BackendError::Invalid(_) => ErrorKind::Invalid,
                BackendError::Unavailable(_) | BackendError::TimedOut(_) => ErrorKind::Unavailable,
                BackendError::Cancelled(_) => ErrorKind::Cancelled,
                BackendError::Storage(_) => ErrorKind::Internal,
            },
        }
    }
}

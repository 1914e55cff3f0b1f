//! What can go wrong talking to ArangoDB, and how each case maps onto the port's
//! [`BackendError`] (which the web and the CLI turn into a status and a message).
//! No variant ever holds a header, a token or the password.

use scaleout_domain::port::BackendError;

/// A failed exchange with ArangoDB.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArangoError {
    /// ArangoDB answered with an error envelope (or a non-2xx status).
    #[error("ArangoDB refused {operation}: {message} (HTTP {status}{})", error_num_suffix(*.error_num))]
    Api {
        operation: String,
        status: u16,
        error_num: Option<i64>,
        message: String,
    },
    #[error("ArangoDB did not answer {operation} within {timeout_ms} ms ({attempts} attempt(s))")]
    Timeout {
        operation: String,
        timeout_ms: u128,
        attempts: u32,
    },
    #[error("could not reach ArangoDB at {location} for {operation}: {message}")]
    Transport {
        operation: String,
        location: String,
        message: String,
    },
    #[error(
        "ArangoDB refused user '{user}' for {operation} ({message}): check --arango-user and \
         --arango-password (ARANGO_USER, ARANGO_PASSWORD) and the user's access to the database"
    )]
    Unauthorized {
        user: String,
        operation: String,
        message: String,
    },
    /// Logged in (ArangoDB took the password and gave a token), yet refused with 401: the
    /// user lacks access to the database in the path, or it does not exist. Logging in
    /// again does not help.
    #[error(
        "ArangoDB accepted user '{user}' but refused {operation} ({message}): the user has no \
         access to the database '{database}' (or it does not exist). Grant it read-write \
         access to that database (cluster operations need an admin user), or name another \
         database with --arango-database (ARANGO_DATABASE)"
    )]
    NoAccess {
        user: String,
        database: String,
        operation: String,
        message: String,
    },
    #[error("unexpected answer from ArangoDB to {operation}: {message}")]
    Decode { operation: String, message: String },
}

fn error_num_suffix(n: Option<i64>) -> String {
    n.map(|n| format!(", error {n}")).unwrap_or_default()
}

/// ArangoDB error numbers the adapter tells apart.
pub mod codes {
    pub const FORBIDDEN: i64 = 11;
    pub const DOCUMENT_NOT_FOUND: i64 = 1202;
    pub const COLLECTION_NOT_FOUND: i64 = 1203;
    pub const DUPLICATE_NAME: i64 = 1207;
    pub const UNIQUE_CONSTRAINT: i64 = 1210;
    pub const DATABASE_NOT_FOUND: i64 = 1228;
    pub const CURSOR_NOT_FOUND: i64 = 1600;
    pub const GRAPH_NOT_FOUND: i64 = 1924;
    pub const GRAPH_DUPLICATE: i64 = 1925;
    pub const SMART_ATTRIBUTE_MISSING: i64 = 4001;
    pub const KEY_PREFIX_MISMATCH: i64 = 4003;
    pub const DISJOINT_EDGE: i64 = 4010;
    pub const CLUSTER_BACKEND_UNAVAILABLE: i64 = 1478;
    pub const CLUSTER_TIMEOUT: i64 = 1457;
    pub const READ_ONLY: i64 = 1004;
}

impl ArangoError {
    /// The API error with this HTTP status and (when given) error number.
    pub fn is_api(&self, status: u16, error_num: Option<i64>) -> bool {
        matches!(self, ArangoError::Api { status: s, error_num: n, .. }
            if *s == status && (error_num.is_none() || *n == error_num))
    }

    /// ArangoDB said the thing asked for does not exist (database, collection, graph).
    pub fn is_not_found(&self) -> bool {
        matches!(self, ArangoError::Api { status: 404, .. })
    }

    pub fn error_num(&self) -> Option<i64> {
        match self {
            ArangoError::Api { error_num, .. } => *error_num,
            _ => None,
        }
    }
}

impl From<ArangoError> for BackendError {
    fn from(e: ArangoError) -> Self {
        use codes::*;
        let text = e.to_string();
        match &e {
            ArangoError::Api {
                status, error_num, ..
            } => match (*status, *error_num) {
                (_, Some(DOCUMENT_NOT_FOUND | COLLECTION_NOT_FOUND | DATABASE_NOT_FOUND))
                | (_, Some(CURSOR_NOT_FOUND | GRAPH_NOT_FOUND)) => BackendError::NotFound(text),
                (_, Some(DUPLICATE_NAME | UNIQUE_CONSTRAINT | GRAPH_DUPLICATE)) => {
                    BackendError::Conflict(text)
                }
                (_, Some(SMART_ATTRIBUTE_MISSING | KEY_PREFIX_MISMATCH | DISJOINT_EDGE)) => {
                    BackendError::Invalid(text)
                }
                (_, Some(READ_ONLY | CLUSTER_BACKEND_UNAVAILABLE | CLUSTER_TIMEOUT)) => {
                    BackendError::Unavailable(text)
                }
                (401, _) => BackendError::Storage(format!(
                    "{text}: check --arango-user and --arango-password (ARANGO_USER, ARANGO_PASSWORD)"
                )),
                (_, Some(FORBIDDEN)) => BackendError::Storage(format!(
                    "{text}: the ArangoDB user lacks a permission (administrate the database; \
                     cluster operations need an admin user on _system)"
                )),
                // Not always a missing right ("only allowed on coordinators", the
                // distributeShardsLike rule, --cluster.api-jwt-policy): ArangoDB's own words.
                (403, _) => BackendError::Storage(text),
                (400, _) => BackendError::Invalid(text),
                (404, _) => BackendError::NotFound(text),
                (409 | 412, _) => BackendError::Conflict(text),
                (503 | 504, _) => BackendError::Unavailable(text),
                _ => BackendError::Storage(text),
            },
            ArangoError::Timeout { .. } | ArangoError::Transport { .. } => {
                BackendError::Unavailable(text)
            }
            ArangoError::Unauthorized { .. }
            | ArangoError::NoAccess { .. }
            | ArangoError::Decode { .. } => BackendError::Storage(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, num: Option<i64>) -> BackendError {
        ArangoError::Api {
            operation: "op".into(),
            status,
            error_num: num,
            message: "m".into(),
        }
        .into()
    }

    #[test]
    fn mapping() {
        assert!(matches!(api(404, Some(1203)), BackendError::NotFound(_)));
        assert!(matches!(api(404, Some(1600)), BackendError::NotFound(_)));
        assert!(matches!(api(409, Some(1207)), BackendError::Conflict(_)));
        assert!(matches!(api(409, Some(1210)), BackendError::Conflict(_)));
        assert!(matches!(api(400, Some(4003)), BackendError::Invalid(_)));
        assert!(matches!(api(400, Some(4010)), BackendError::Invalid(_)));
        assert!(matches!(api(400, Some(600)), BackendError::Invalid(_)));
        assert!(matches!(api(503, None), BackendError::Unavailable(_)));
        assert!(matches!(api(500, Some(1478)), BackendError::Unavailable(_)));
        assert!(matches!(api(500, Some(4)), BackendError::Storage(_)));
        let e = api(403, Some(11));
        assert!(
            matches!(e, BackendError::Storage(ref m) if m.contains("permission")),
            "{e}"
        );
        // A 403 without errorNum 11 is ArangoDB's own reason, not a guessed permission.
        let e = api(403, Some(1471));
        assert!(
            matches!(e, BackendError::Storage(ref m) if !m.contains("permission") && m.contains(": m ")),
            "{e}"
        );
        let t: BackendError = ArangoError::Timeout {
            operation: "import".into(),
            timeout_ms: 10,
            attempts: 3,
        }
        .into();
        assert!(matches!(t, BackendError::Unavailable(_)));
        let text = api(409, Some(1207)).to_string();
        assert_eq!(text, "ArangoDB refused op: m (HTTP 409, error 1207)");
    }
}

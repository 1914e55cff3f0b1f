//! Stakeholders' read-only links as operators see them; the token itself is
//! known only once, when the link is made.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkView {
    pub id: i64,
    pub label: String,
    pub created_ms: i64,
    pub expires_ms: i64,
    pub revoked_ms: Option<i64>,
}

/// A link just created: the only time its token is known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewLink {
    pub link: LinkView,
    /// The path to share: `/watch/<token>`.
    pub path: String,
}

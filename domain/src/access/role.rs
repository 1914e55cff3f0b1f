//! The three kinds of visitor the console knows.

use serde::{Deserialize, Serialize};

/// What a request is allowed to do, decided once per request from its session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// No session: public pages only (login, signup, a tenant's own portal).
    Anonymous,
    /// A stakeholder's read-only link: watches the dashboard, shards and demo live.
    Viewer,
    /// A logged-in operator: everything.
    Operator,
}

impl Role {
    /// Whether this role includes everything `needed` allows.
    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Anonymous => "visitor",
            Role::Viewer => "viewer (read-only link)",
            Role::Operator => "operator",
        }
    }
}

/// What the browser may know about its own session: never the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub role: Role,
    /// For a viewer: when the link stops working (epoch ms).
    pub expires_ms: Option<i64>,
    /// This browser opens a customer's portal (the header links to it).
    #[serde(default)]
    pub portal: bool,
    /// For an operator: signups waiting for a decision (a count in the navigation).
    #[serde(default)]
    pub waiting_signups: u32,
    /// How much had happened on the console when this was asked (the activity stream's
    /// count): a page that starts following later catches up from there.
    #[serde(default)]
    pub activity_seq: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_by_what_they_allow() {
        assert!(Role::Operator.allows(Role::Viewer));
        assert!(Role::Operator.allows(Role::Anonymous));
        assert!(Role::Viewer.allows(Role::Anonymous));
        assert!(!Role::Viewer.allows(Role::Operator));
        assert!(!Role::Anonymous.allows(Role::Viewer));
    }
}

//! The kinds of visitor the console knows, from none to all rights.

use serde::{Deserialize, Serialize};

/// What a request is allowed to do, decided once per request from its session.
/// Ordered: each role allows everything the ones before it do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// No session: public pages only (login, signup, a tenant's own portal).
    Anonymous,
    /// A stakeholder's read-only link: watches the dashboard, shards and demo live.
    Stakeholder,
    /// A team member's read-only account: reads every page live, changes nothing.
    Viewer,
    /// A team member who runs the cluster: every cluster and tenant action.
    Operator,
    /// Everything, and manages the team's accounts and reads the audit trail.
    Admin,
}

impl Role {
    /// The roles an account can have, for forms and `--role`.
    pub const ACCOUNT_ROLES: [Role; 3] = [Role::Admin, Role::Operator, Role::Viewer];

    /// Whether this role includes everything `needed` allows.
    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }

    /// Its name in commands, forms and the API (`admin`, `operator`, `viewer`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Anonymous => "anonymous",
            Role::Stakeholder => "stakeholder",
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }

    /// An account's role from its name; `None` for anything else (a link's or
    /// no-one's role cannot be given to an account).
    pub fn account_role(name: &str) -> Option<Role> {
        Role::ACCOUNT_ROLES
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(name.trim()))
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Anonymous => "visitor",
            Role::Stakeholder => "viewer (read-only link)",
            Role::Viewer => "viewer (read-only)",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }

    /// Whether this role may change anything (the pages show their forms).
    pub fn operates(self) -> bool {
        self.allows(Role::Operator)
    }

    /// Why a request of this role was refused an action that needs `needed`,
    /// in words the person can act on.
    pub fn refusal(self, needed: Role) -> &'static str {
        match (self, needed) {
            (Role::Anonymous, _) => "log in first (your session may have ended)",
            (Role::Stakeholder, _) => "this is a read-only link: it can watch, not change anything",
            (_, Role::Admin) => "only an admin may do this: ask one of your admins",
            _ => "your account is read-only: ask an admin for the operator role",
        }
    }
}

/// What the browser may know about its own session: never the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub role: Role,
    /// The account's name, for a team member's session.
    #[serde(default)]
    pub name: Option<String>,
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
        assert!(Role::Admin.allows(Role::Operator));
        assert!(Role::Operator.allows(Role::Viewer));
        assert!(Role::Viewer.allows(Role::Stakeholder));
        assert!(Role::Operator.allows(Role::Anonymous));
        assert!(Role::Stakeholder.allows(Role::Anonymous));
        assert!(!Role::Operator.allows(Role::Admin));
        assert!(!Role::Viewer.allows(Role::Operator));
        assert!(!Role::Stakeholder.allows(Role::Viewer));
        assert!(!Role::Anonymous.allows(Role::Stakeholder));
    }

    #[test]
    fn only_team_roles_can_be_given_to_accounts() {
        assert_eq!(Role::account_role("Operator"), Some(Role::Operator));
        assert_eq!(Role::account_role(" admin "), Some(Role::Admin));
        assert_eq!(Role::account_role("viewer"), Some(Role::Viewer));
        assert_eq!(Role::account_role("stakeholder"), None);
        assert_eq!(Role::account_role("anonymous"), None);
        assert_eq!(Role::account_role("root"), None);
    }

    #[test]
    fn refusals_say_what_to_do() {
        assert!(Role::Viewer
            .refusal(Role::Operator)
            .contains("ask an admin"));
        assert!(Role::Operator
            .refusal(Role::Admin)
            .contains("only an admin"));
        assert!(Role::Stakeholder
            .refusal(Role::Operator)
            .contains("read-only link"));
    }
}

//! A team member's account: its name's rules and what the pages show of it.

use serde::{Deserialize, Serialize};

use super::Role;

/// The longest account name, in characters.
pub const NAME_MAX_CHARS: usize = 40;
/// The shortest password a person may choose (generated ones are longer).
pub const PASSWORD_MIN_CHARS: usize = 12;

/// An account as admins see it: never its password or hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub name: String,
    pub role: Role,
    /// When it was disabled (epoch ms): its sessions ended, it cannot log in.
    pub disabled_ms: Option<i64>,
    pub created_ms: i64,
    pub last_login_ms: Option<i64>,
}

/// An account just made, or a password just reset: the password is shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedPassword {
    pub name: String,
    pub role: Role,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("an account name has 1 to {NAME_MAX_CHARS} letters, digits, dots, dashes, underscores or @, not {0:?}")]
    BadName(String),
    #[error("a role is admin, operator or viewer, not {0:?}")]
    BadRole(String),
    #[error("a password has at least {PASSWORD_MIN_CHARS} characters")]
    ShortPassword,
}

/// The name as stored: trimmed; letters, digits and `. _ - @` only, so a name
/// reads the same in a log line, a shell and an audit filter.
pub fn account_name(raw: &str) -> Result<String, AccountError> {
    let name = raw.trim();
    let ok = !name.is_empty()
        && name.chars().count() <= NAME_MAX_CHARS
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c));
    if ok {
        Ok(name.to_string())
    } else {
        Err(AccountError::BadName(
            super::text::cut(raw)
                .chars()
                .take(NAME_MAX_CHARS + 10)
                .collect(),
        ))
    }
}

/// An account's role from its name (`admin`, `operator`, `viewer`).
pub fn account_role(raw: &str) -> Result<Role, AccountError> {
    Role::account_role(raw).ok_or_else(|| AccountError::BadRole(super::text::cut(raw)))
}

/// A password a person chose: long enough.
pub fn chosen_password(password: &str) -> Result<(), AccountError> {
    if password.chars().count() < PASSWORD_MIN_CHARS {
        Err(AccountError::ShortPassword)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_plain_and_short() {
        assert_eq!(account_name(" alice ").unwrap(), "alice");
        assert_eq!(account_name("a.b-c_d@ops").unwrap(), "a.b-c_d@ops");
        for bad in ["", "  ", "al ice", "<script>", "bob;", "é", &"x".repeat(41)] {
            assert!(account_name(bad).is_err(), "{bad:?}");
        }
        assert!(account_name(&"x".repeat(40)).is_ok());
    }

    #[test]
    fn roles_and_passwords_have_rules() {
        assert_eq!(account_role("Viewer"), Ok(Role::Viewer));
        assert!(account_role("stakeholder").is_err());
        assert!(chosen_password("short").is_err());
        assert!(chosen_password("twelve chars").is_ok());
    }
}

//! The self-service signup form: what a customer may send and what it means.
//! Checked here so the browser can show the same messages the server enforces.

use serde::{Deserialize, Serialize};

use crate::{TenantName, TenantNameError};

/// RFC 5321 caps a forward path at 254 characters.
pub const EMAIL_MAX_CHARS: usize = 254;

/// The sizes a customer can choose, each a scale factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignupSize {
    Small,
    Medium,
    Large,
}

impl SignupSize {
    pub const ALL: [SignupSize; 3] = [SignupSize::Small, SignupSize::Medium, SignupSize::Large];

    /// What a size holds, in the customer's words ("about 20 devices, 30
    /// programs and 5 locations").
    pub fn described(self) -> String {
        let s = u64::from(self.scale_factor());
        format!(
            "{} devices, {} programs, {} locations",
            s * crate::Collection::DeviceProxyIn.per_scale_unit(),
            s * crate::Collection::SoftwareProxyIn.per_scale_unit(),
            s * crate::Collection::Location.per_scale_unit(),
        )
    }

    pub fn scale_factor(self) -> u32 {
        match self {
            SignupSize::Small => 1,
            SignupSize::Medium => 2,
            SignupSize::Large => 5,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SignupSize::Small => "small",
            SignupSize::Medium => "medium",
            SignupSize::Large => "large",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == input.trim())
    }
}

/// Why a form was refused; each message says what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignupError {
    /// In the customer's words: their company's name, not a tenant's.
    #[error("{}", .0.to_string().replacen("the tenant name", "Your company name", 1))]
    Company(TenantNameError),
    #[error("Check the contact email: enter an address like name@example.com")]
    Email,
    #[error("Check the contact email: at most {EMAIL_MAX_CHARS} characters")]
    EmailTooLong,
    #[error("Choose a size: small, medium or large")]
    Size,
}

/// A valid signup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignupForm {
    pub company: TenantName,
    pub email: String,
    pub size: SignupSize,
}

impl SignupForm {
    pub fn parse(company: &str, email: &str, size: &str) -> Result<Self, SignupError> {
        let company = TenantName::parse(company).map_err(SignupError::Company)?;
        let email = parse_email(email)?;
        let size = SignupSize::parse(size).ok_or(SignupError::Size)?;
        Ok(SignupForm {
            company,
            email,
            size,
        })
    }

    /// Two forms for the same company are the same signup: names are unique
    /// as tenant names are, look-alikes included (see [`crate::name_key`]).
    pub fn company_key(&self) -> String {
        crate::name_key::name_key(self.company.as_str())
    }
}

/// A deliberately plain check: one `@`, a dotted domain, no spaces, markup
/// or control characters. Deliverability is the mail system's business.
fn parse_email(input: &str) -> Result<String, SignupError> {
    let email = input.trim();
    if email.chars().count() > EMAIL_MAX_CHARS {
        return Err(SignupError::EmailTooLong);
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err(SignupError::Email);
    };
    let bad = |c: char| {
        c.is_whitespace()
            || c.is_control()
            || super::text::is_invisible(c)
            || "<>\"'`;\\()[],:@".contains(c)
    };
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
    if local.is_empty() || local.chars().any(bad) || !domain_ok {
        return Err(SignupError::Email);
    }
    Ok(email.to_string())
}

/// Where a signup is on its way to a working tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignupState {
    /// Waiting for an operator to approve it (when approval is required).
    Pending,
    /// The tenant's data is being loaded.
    Provisioning,
    Ready,
    Rejected,
    Failed,
    /// The tenant was removed after it was ready.
    Closed,
}

impl SignupState {
    pub fn as_str(self) -> &'static str {
        match self {
            SignupState::Pending => "pending",
            SignupState::Provisioning => "provisioning",
            SignupState::Ready => "ready",
            SignupState::Rejected => "rejected",
            SignupState::Failed => "failed",
            SignupState::Closed => "closed",
        }
    }

    /// What it means for the customer, in their words.
    pub fn for_customer(self) -> &'static str {
        match self {
            SignupState::Pending => "waiting for approval",
            SignupState::Provisioning => "being set up",
            SignupState::Ready => "ready",
            SignupState::Rejected => "declined",
            SignupState::Failed => "not set up",
            SignupState::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            SignupState::Pending,
            SignupState::Provisioning,
            SignupState::Ready,
            SignupState::Rejected,
            SignupState::Failed,
            SignupState::Closed,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// A signup as its customer (and the operators) see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignupStatus {
    pub id: u64,
    pub company: String,
    pub email: String,
    pub size: SignupSize,
    pub state: SignupState,
    /// The provisioning job, once started.
    pub job: Option<u64>,
    pub tenant: Option<String>,
    pub created_ms: i64,
    /// Why it failed or was rejected.
    pub message: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_form_parses_with_its_scale_factor() {
        let f = SignupForm::parse("  Acme Widgets ", "ops@acme.example", "large").unwrap();
        assert_eq!(f.company.as_str(), "Acme Widgets");
        assert_eq!(f.size.scale_factor(), 5);
        let again = SignupForm::parse("ACME  Widgets.", "x@y.example", "small").unwrap();
        assert_eq!(
            f.company_key(),
            again.company_key(),
            "look-alikes share a key"
        );
    }

    #[test]
    fn hostile_companies_are_refused() {
        for bad in [
            "",
            "<script>alert(1)</script>",
            "x\" OR \"1\"=\"1",
            "a; DROP TABLE tenants; --",
            "back\\slash",
            &"A".repeat(81),
        ] {
            let r = SignupForm::parse(bad, "a@b.example", "small");
            assert!(
                matches!(r, Err(SignupError::Company(_))),
                "{bad:?} -> {r:?}"
            );
        }
    }

    #[test]
    fn query_lookalikes_made_of_allowed_characters_are_kept_verbatim() {
        // Harmless: every query binds values, nothing is spliced into AQL or SQL.
        let f = SignupForm::parse("FOR d IN devices REMOVE d", "a@b.example", "small").unwrap();
        assert_eq!(f.company.as_str(), "FOR d IN devices REMOVE d");
        let f = SignupForm::parse("x' OR '1'='1", "a@b.example", "small").unwrap();
        assert_eq!(f.company.as_str(), "x' OR '1'='1");
    }

    #[test]
    fn unicode_company_names_are_welcome() {
        let f = SignupForm::parse("Müller & Søn (Zürich)", "a@b.example", "small").unwrap();
        assert_eq!(f.company.as_str(), "Müller & Søn (Zürich)");
    }

    #[test]
    fn emails_are_checked_plainly() {
        for ok in ["a@b.example", "first.last+tag@sub.example.org"] {
            assert!(parse_email(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "nobody",
            "a@b",
            "a@.example",
            "a b@c.example",
            "<a>@b.example",
            "a@b.example<script>",
            "a@@b.example",
            "a\u{200b}b@c.example",
            "a\u{202e}b@c.example",
        ] {
            assert_eq!(parse_email(bad), Err(SignupError::Email), "{bad:?}");
        }
        let long = format!("{}@b.example", "a".repeat(260));
        assert_eq!(parse_email(&long), Err(SignupError::EmailTooLong));
    }

    #[test]
    fn sizes_are_the_three_offered() {
        assert_eq!(SignupSize::parse("medium"), Some(SignupSize::Medium));
        assert_eq!(SignupSize::Medium.scale_factor(), 2);
        assert_eq!(
            SignupForm::parse("Acme", "a@b.example", "huge"),
            Err(SignupError::Size)
        );
    }
}

//! Typed errors. Their `Display` texts go straight to the person who typed the input, so
//! each one states the rule that was broken and what would be accepted instead.

use thiserror::Error;

use crate::naming::{Attr, Naming};

/// A tenant id that is not 12 lowercase hex characters.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TenantIdError {
    #[error("a tenant id is exactly 12 lowercase hex characters (0-9, a-f); got {len} characters")]
    WrongLength { len: usize },
    #[error("a tenant id is exactly 12 lowercase hex characters (0-9, a-f); {found:?} is not one")]
    InvalidCharacter { found: char },
}

/// A tenant name that breaks the naming rule (1-80 characters after trimming; letters,
/// digits, space and `. , & ' ( ) -`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TenantNameError {
    #[error(
        "the tenant name is empty: it needs 1 to 80 characters (spaces at either end do not count)"
    )]
    Empty,
    #[error("the tenant name has {chars} characters: at most 80 are allowed (spaces at either end do not count)")]
    TooLong { chars: usize },
    #[error("the tenant name contains {}: use letters, digits, spaces and punctuation, but not < > ; \" \\, tabs, line breaks or invisible characters", crate::access::text::char_shown(*.found))]
    InvalidCharacter { found: char },
}

/// A scale factor outside 1..=1000 or not a whole number.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScaleFactorError {
    #[error(
        "the scale factor must be a whole number from 1 to 1000; {input:?} is not a whole number"
    )]
    NotAnInteger { input: String },
    #[error("the scale factor must be a whole number from 1 to 1000; {value} is out of range")]
    OutOfRange { value: i64 },
}

/// An unknown naming convention, or one that differs from the database's.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NamingError {
    #[error("unknown naming convention {input:?}: use \"camelCase\" or \"snake_case\"")]
    Unknown { input: String },
    #[error(
        "this database uses {database} names, so a tenant cannot be added with {requested}: \
         the collections are shared by all tenants and must keep one convention"
    )]
    Mismatch { database: Naming, requested: Naming },
}

/// A SmartGraph setting ArangoDB would refuse.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SchemaError {
    #[error("numberOfShards must be from 1 to 1000; got {value}")]
    InvalidShardCount { value: u32 },
}

/// Why a JSON document could not be read back into a [`crate::Document`].
#[derive(Debug, Clone, PartialEq, Error)]
pub enum DocumentProblem {
    #[error("is not a JSON object")]
    NotAnObject,
    #[error("has no attribute {name}")]
    Missing { attr: Attr, name: &'static str },
    #[error("attribute {name} must be {expected}")]
    WrongType {
        attr: Attr,
        name: &'static str,
        expected: &'static str,
    },
    #[error("attribute {name} {reason}")]
    Invalid {
        attr: Attr,
        name: &'static str,
        reason: String,
    },
}

impl DocumentProblem {
    /// The attribute concerned, if any (the validator maps tenant-attribute problems to
    /// their own rule).
    pub fn attr(&self) -> Option<Attr> {
        match self {
            DocumentProblem::NotAnObject => None,
            DocumentProblem::Missing { attr, .. }
            | DocumentProblem::WrongType { attr, .. }
            | DocumentProblem::Invalid { attr, .. } => Some(*attr),
        }
    }
}

/// A JSON document that does not have this model's shape.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{id} {problem}")]
pub struct DocumentError {
    /// `<Collection>/<key>` (key `?` when the document has none).
    pub id: String,
    pub problem: DocumentProblem,
}

/// Any domain error, for callers that just want to bubble one up.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum DomainError {
    #[error(transparent)]
    TenantId(#[from] TenantIdError),
    #[error(transparent)]
    TenantName(#[from] TenantNameError),
    #[error(transparent)]
    ScaleFactor(#[from] ScaleFactorError),
    #[error(transparent)]
    Naming(#[from] NamingError),
    #[error(transparent)]
    Schema(#[from] SchemaError),
    #[error(transparent)]
    Document(#[from] DocumentError),
}

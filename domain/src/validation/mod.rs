//! Isolation and integrity rules. Each rule is a pure function over documents returning the
//! violations it finds (which document, which rule, what is wrong), never a bare bool, so a
//! report can say exactly what to repair. [`Validator`] runs all of them over a stream of
//! batches, the way a back end hands over one tenant's documents.

mod chains;
mod rules;
mod validator;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use chains::{check_chain, content_fingerprint, VersionInfo};
pub use rules::{check_counts, check_edge, check_interval, check_key, check_tenant};
pub use validator::{validate, Validator};

/// The rule a document breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Rule {
    /// The tenant attribute is missing, invalid, or names another tenant.
    TenantAttribute,
    /// The key is not `<tenant>:<local>` (edges: `<tenant>:<local>:<tenant>`) for the
    /// document's tenant.
    KeyPrefix,
    /// A version key without its `-<n>` version suffix.
    KeyFormat,
    /// The same key twice in one collection.
    DuplicateKey,
    /// The document does not have the model's shape (missing or mistyped attribute).
    Malformed,
    /// An edge's `_from` or `_to` belongs to another tenant.
    CrossTenantEdge,
    /// An edge joins collections its edge collection does not allow, its `_fromType` /
    /// `_toType` disagree with `_from` / `_to`, or a hasVersion edge joins a proxy to
    /// another entity's version.
    EdgeEndpoint,
    /// An edge points at a vertex the tenant does not have.
    DanglingEndpoint,
    /// A connection from a device to itself.
    SelfLoop,
    /// Two connections between the same two devices.
    DuplicateConnection,
    /// Software installed on a router.
    SoftwareOnRouter,
    /// A program that is installed nowhere.
    ProgramNotInstalled,
    /// A collection holds a different number of the tenant's documents than its scale
    /// factor requires.
    Count,
    /// `created` is not before `expired`.
    VersionInterval,
    /// Time between one version's `expired` and the next one's `created`.
    VersionGap,
    /// A version still valid after the next one was created.
    VersionOverlap,
    /// Not exactly one current version (`expired` = i64::MAX), or the current one is not
    /// the newest `-0`.
    CurrentVersion,
    /// Version numbers do not decrease from oldest to newest.
    VersionOrder,
    /// A version identical to the next newer one (history must record real changes).
    IdenticalVersions,
    /// A hasVersion edge whose interval differs from its version's.
    VersionEdgeInterval,
}

impl Rule {
    /// A one-line statement of the rule.
    pub const fn description(self) -> &'static str {
        match self {
            Rule::TenantAttribute => {
                "every document carries its tenant's id in the tenant attribute"
            }
            Rule::KeyPrefix => "every key starts with the tenant id (edges also end with it)",
            Rule::KeyFormat => "version keys end in -<version number>",
            Rule::DuplicateKey => "keys are unique within a collection",
            Rule::Malformed => "documents have the model's attributes and types",
            Rule::CrossTenantEdge => "edges only join vertices of their own tenant",
            Rule::EdgeEndpoint => "edges join the collections their edge definition allows",
            Rule::DanglingEndpoint => "edges point at existing vertices",
            Rule::SelfLoop => "no device is connected to itself",
            Rule::DuplicateConnection => "at most one connection per pair of devices",
            Rule::SoftwareOnRouter => "software is never installed on a router",
            Rule::ProgramNotInstalled => "every program is installed at least once",
            Rule::Count => "each collection holds the spec's count times the scale factor",
            Rule::VersionInterval => "created is before expired",
            Rule::VersionGap => "versions chain without gaps",
            Rule::VersionOverlap => "versions chain without overlaps",
            Rule::CurrentVersion => "exactly one current version, the newest (-0)",
            Rule::VersionOrder => "version numbers grow towards the past",
            Rule::IdenticalVersions => "each historical version differs from the next",
            Rule::VersionEdgeInterval => "hasVersion edges carry their version's interval",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Violation {
    /// `<Collection>/<key>` of the offending document (the collection name alone for
    /// [`Rule::Count`]).
    pub id: String,
    pub rule: Rule,
    /// What exactly is wrong, for a person.
    pub message: String,
}

impl Violation {
    pub fn new(id: impl Into<String>, rule: Rule, message: impl Into<String>) -> Self {
        Violation {
            id: id.into(),
            rule,
            message: message.into(),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.id, self.message)
    }
}

#[cfg(test)]
mod tests;

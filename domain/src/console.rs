//! What the console reports about itself: shown on the dashboard and by the CLI.

use serde::{Deserialize, Serialize};

/// Which implementation of the cluster port the console talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackendKind {
    /// The simulated cluster persisted in SQLite: the default, needs no set-up.
    Embedded,
    /// A real ArangoDB over HTTP.
    Arangodb,
}

impl BackendKind {
    pub fn label(self) -> &'static str {
        match self {
            BackendKind::Embedded => "Embedded (simulated cluster in SQLite)",
            BackendKind::Arangodb => "ArangoDB",
        }
    }

    /// The same in words for someone outside the team (a stakeholder's link), who
    /// neither knows nor needs where the simulation keeps its data.
    pub fn plain_label(self) -> &'static str {
        match self {
            BackendKind::Embedded => "A simulated cluster, for demonstrations",
            BackendKind::Arangodb => "An ArangoDB cluster",
        }
    }
}

/// The back end in use, described without any secret (safe to send to a browser).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackendInfo {
    pub kind: BackendKind,
    /// Where the data lives: a file path for the embedded store, a URL without
    /// credentials for ArangoDB.
    pub location: String,
}

/// The console's own identity and state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsoleStatus {
    /// The scaleout server's version (its crate version).
    pub version: String,
    pub backend: BackendInfo,
    /// Seconds since the server started.
    pub uptime_secs: u64,
}

//! The console service: one per process, shared by every request and command.

use std::sync::Arc;
use std::time::Instant;

use futures::Stream;
use scaleout_domain::console::{BackendInfo, BackendKind, ConsoleStatus};
use scaleout_domain::progress::ProgressEvent;

use crate::config::ConsoleConfig;
use crate::preflight;

/// Entry point to every service; cheap to clone.
#[derive(Debug, Clone)]
pub struct Console {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: ConsoleConfig,
    started: Instant,
}

impl Console {
    pub fn new(config: ConsoleConfig) -> Self {
        Self {
            inner: Arc::new(Inner {
                config,
                started: Instant::now(),
            }),
        }
    }

    pub fn config(&self) -> &ConsoleConfig {
        &self.inner.config
    }

    /// Describes the back end in use, with nothing secret in it.
    pub fn backend(&self) -> BackendInfo {
        BackendInfo {
            kind: BackendKind::Embedded,
            location: self.inner.config.embedded_db_path().display().to_string(),
        }
    }

    /// Version, back end and uptime, for the dashboard and `scaleout status`.
    pub fn status(&self) -> ConsoleStatus {
        ConsoleStatus {
            version: env!("CARGO_PKG_VERSION").to_string(),
            backend: self.backend(),
            uptime_secs: self.inner.started.elapsed().as_secs(),
        }
    }

    /// Runs the preflight checks, yielding progress as each one finishes.
    /// Dropping the stream stops the checks.
    pub fn preflight(&self) -> impl Stream<Item = ProgressEvent> + Send + 'static {
        preflight::run(self.inner.config.clone(), self.backend())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_names_the_embedded_store_and_version() {
        let console = Console::new(ConsoleConfig {
            data_dir: "/srv/scaleout".into(),
            site_dir: None,
        });
        let status = console.status();
        assert_eq!(status.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(status.backend.kind, BackendKind::Embedded);
        assert_eq!(status.backend.location, "/srv/scaleout/scaleout.db");
    }
}

//! Settings of the ArangoDB back end. `Debug` is safe to log: the password is a [`Secret`].

use std::path::PathBuf;
use std::time::Duration;

use reqwest::Url;
use scaleout_domain::console::BackendKind;
use scaleout_domain::port::BackendError;

use crate::secret::Secret;

/// How requests prove who they come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthMethod {
    /// A JWT from `POST /_open/auth`, renewed shortly before it expires (and once on a 401).
    /// The password crosses the network once per token instead of with every request.
    #[default]
    Jwt,
    /// `Authorization: Basic` on every request (for proxies that only pass that through).
    Basic,
}

/// Retries of requests that failed in a way that is safe to repeat (timeouts of idempotent
/// requests, 503, connection refused).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; at least 1.
    pub attempts: u32,
    /// Wait before the second attempt; doubled for every further one.
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// The wait after failed attempt `attempt` (1-based), before jitter.
    pub fn delay(&self, attempt: u32) -> Duration {
        let factor = 1u32
            .checked_shl(attempt.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.base_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }
}

/// Where ArangoDB is and how to talk to it.
#[derive(Debug, Clone)]
pub struct ArangoConfig {
    /// A Coordinator (or single server): `http://host:8529` or `https://...`; `tcp://` and
    /// `ssl://` (ArangoDB's endpoint spelling) mean the same. No credentials in it.
    pub url: String,
    pub user: String,
    pub password: Secret,
    /// The database holding the graph; created by `ensure_schema` when missing.
    pub database: String,
    pub auth: AuthMethod,
    /// Per HTTP request (a whole import batch, one cursor batch, ...).
    pub request_timeout: Duration,
    /// Import requests in flight at once, across all concurrent loads.
    pub max_in_flight_imports: usize,
    /// Upper bound of one import request's body; larger port batches are split.
    pub batch_bytes: usize,
    /// Documents per AQL cursor batch.
    pub cursor_batch_size: u32,
    pub retry: RetryPolicy,
    /// How often a shard move asks ArangoDB how its job is doing.
    pub poll_interval: Duration,
    /// A PEM file with an extra CA certificate, for clusters with a private CA.
    pub ca_cert: Option<PathBuf>,
}

impl ArangoConfig {
    pub const DEFAULT_USER: &'static str = "root";
    pub const DEFAULT_DATABASE: &'static str = "network_assets";
    /// arangoimport's default batch size.
    pub const DEFAULT_BATCH_BYTES: usize = 4 * 1024 * 1024;
    pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
    pub const DEFAULT_MAX_IN_FLIGHT_IMPORTS: usize = 4;
    pub const DEFAULT_CURSOR_BATCH_SIZE: u32 = 1000;
    pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(1);

    /// Defaults for everything but the URL: user `root`, empty password, database
    /// `network_assets`, JWT auth.
    pub fn new(url: impl Into<String>) -> Self {
        ArangoConfig {
            url: url.into(),
            user: Self::DEFAULT_USER.to_owned(),
            password: Secret::default(),
            database: Self::DEFAULT_DATABASE.to_owned(),
            auth: AuthMethod::Jwt,
            request_timeout: Self::DEFAULT_REQUEST_TIMEOUT,
            max_in_flight_imports: Self::DEFAULT_MAX_IN_FLIGHT_IMPORTS,
            batch_bytes: Self::DEFAULT_BATCH_BYTES,
            cursor_batch_size: Self::DEFAULT_CURSOR_BATCH_SIZE,
            retry: RetryPolicy::default(),
            poll_interval: Self::DEFAULT_POLL_INTERVAL,
            ca_cert: None,
        }
    }

    pub fn with_credentials(
        mut self,
        user: impl Into<String>,
        password: impl Into<Secret>,
    ) -> Self {
        self.user = user.into();
        self.password = password.into();
        self
    }

    pub fn with_database(mut self, database: impl Into<String>) -> Self {
        self.database = database.into();
        self
    }

    /// The base URL, checked: http(s) only, and no credentials (they belong in
    /// `user`/`password`, where they are never printed).
    pub fn base_url(&self) -> Result<Url, BackendError> {
        let raw = self.url.trim();
        let normalized = if let Some(rest) = raw.strip_prefix("tcp://") {
            format!("http://{rest}")
        } else if let Some(rest) = raw.strip_prefix("ssl://") {
            format!("https://{rest}")
        } else {
            raw.to_owned()
        };
        // The URL may hold a password: never echo it in an error.
        let url = Url::parse(&normalized).map_err(|e| {
            BackendError::Invalid(format!(
                "the ArangoDB URL is not a valid URL ({e}): give e.g. http://127.0.0.1:8529"
            ))
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(BackendError::Invalid(format!(
                "the ArangoDB URL must start with http:// or https://, not {}://",
                url.scheme()
            )));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(BackendError::Invalid(
                "the ArangoDB URL must not contain credentials: pass them with --arango-user and \
                 --arango-password (ARANGO_USER, ARANGO_PASSWORD)"
                    .into(),
            ));
        }
        if url.host_str().is_none() {
            return Err(BackendError::Invalid(
                "the ArangoDB URL has no host: give e.g. http://127.0.0.1:8529".into(),
            ));
        }
        Ok(url)
    }

    /// Checks everything that can be checked without a connection.
    pub fn validate(&self) -> Result<Url, BackendError> {
        let url = self.base_url()?;
        if self.database.trim().is_empty() {
            return Err(BackendError::Invalid(
                "the ArangoDB database name is empty".into(),
            ));
        }
        if self.user.is_empty() {
            return Err(BackendError::Invalid("the ArangoDB user is empty".into()));
        }
        if self.max_in_flight_imports == 0 || self.batch_bytes == 0 || self.cursor_batch_size == 0 {
            return Err(BackendError::Invalid(
                "in-flight imports, batch bytes and cursor batch size must be positive".into(),
            ));
        }
        if self.retry.attempts == 0 {
            return Err(BackendError::Invalid(
                "retry attempts must be at least 1".into(),
            ));
        }
        Ok(url)
    }

    /// Where the data lives, safe to show anywhere: the URL without credentials, and the
    /// database.
    pub fn location(&self) -> String {
        match self.base_url() {
            Ok(url) => format!(
                "{}/_db/{}",
                url.as_str().trim_end_matches('/'),
                self.database
            ),
            Err(_) => format!("(invalid ArangoDB URL), database {}", self.database),
        }
    }

    pub(crate) fn not_supported(
        operation: &'static str,
        reason: impl Into<String>,
    ) -> BackendError {
        BackendError::not_supported(operation, BackendKind::Arangodb, reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_issue() {
        let c = ArangoConfig::new("http://127.0.0.1:8529");
        assert_eq!(c.user, "root");
        assert_eq!(c.database, "network_assets");
        assert_eq!(c.auth, AuthMethod::Jwt);
        assert_eq!(c.batch_bytes, 4 * 1024 * 1024);
        assert!(c.validate().is_ok());
        assert_eq!(c.location(), "http://127.0.0.1:8529/_db/network_assets");
    }

    #[test]
    fn debug_never_shows_the_password() {
        let c = ArangoConfig::new("http://db:8529").with_credentials("admin", "s3cr3t-pw");
        let text = format!("{c:?}");
        assert!(!text.contains("s3cr3t-pw"), "{text}");
        assert!(text.contains("***"), "{text}");
    }

    #[test]
    fn urls_are_checked_without_echoing_credentials() {
        let err = ArangoConfig::new("http://root:pw123@db:8529")
            .validate()
            .unwrap_err()
            .to_string();
        assert!(err.contains("--arango-password"), "{err}");
        assert!(!err.contains("pw123"), "{err}");
        let loc = ArangoConfig::new("http://root:pw123@db:8529").location();
        assert!(!loc.contains("pw123"), "{loc}");
        assert!(ArangoConfig::new("ftp://db").validate().is_err());
        assert!(ArangoConfig::new("not a url").validate().is_err());
        let tcp = ArangoConfig::new("tcp://db:8529").base_url().unwrap();
        assert_eq!(tcp.as_str(), "http://db:8529/");
        let ssl = ArangoConfig::new("ssl://db:8529").base_url().unwrap();
        assert_eq!(ssl.scheme(), "https");
        let mut c = ArangoConfig::new("http://db:8529");
        c.database = " ".into();
        assert!(c.validate().is_err());
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let r = RetryPolicy {
            attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
        };
        assert_eq!(r.delay(1), Duration::from_millis(100));
        assert_eq!(r.delay(2), Duration::from_millis(200));
        assert_eq!(r.delay(4), Duration::from_millis(800));
        assert_eq!(r.delay(5), Duration::from_millis(1000));
        assert_eq!(r.delay(60), Duration::from_millis(1000));
    }
}

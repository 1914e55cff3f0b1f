//! The HTTP client: builds URLs (every path segment percent-encoded), authenticates each
//! request, retries what is safe to retry with exponential backoff, re-authenticates once
//! on a 401, and turns error answers into [`ArangoError`]s. Logs never carry headers.

use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{Method, Url};
use scaleout_domain::port::BackendError;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::auth::{Authenticator, Credential};
use crate::config::{ArangoConfig, RetryPolicy};
use crate::envelope::parse_error;
use crate::error::ArangoError;

/// Which failures a request may be repeated after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Repeating it changes nothing (reads; imports with `onDuplicate=ignore`): retried
    /// after timeouts too.
    Idempotent,
    /// Repeating it could do it twice (an AQL removal): retried only when it certainly
    /// was not executed (503, connection refused).
    UnsentOnly,
    /// Sent once: even a 503 may come after ArangoDB acted (a moveShard whose agency write
    /// landed; a second one is a second job). Only a connection that could not be made
    /// is tried again: nothing reached ArangoDB.
    Once,
}

/// One request to make.
#[derive(Debug, Clone)]
pub struct Call {
    method: Method,
    segments: Vec<String>,
    query: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    retry: Retry,
}

impl Call {
    pub fn new<S: Into<String>>(method: Method, segments: impl IntoIterator<Item = S>) -> Self {
        let retry = if method == Method::GET || method == Method::HEAD {
            Retry::Idempotent
        } else {
            Retry::UnsentOnly
        };
        Call {
            method,
            segments: segments.into_iter().map(Into::into).collect(),
            query: Vec::new(),
            body: None,
            retry,
        }
    }

    pub fn query(mut self, key: &str, value: impl Into<String>) -> Self {
        self.query.push((key.to_owned(), value.into()));
        self
    }

    pub fn json(mut self, value: &impl Serialize) -> Self {
        self.body = Some(serde_json::to_vec(value).expect("request bodies always serialize"));
        self
    }

    /// A body that is JSON already (an import batch).
    pub fn raw_json(mut self, bytes: Vec<u8>) -> Self {
        self.body = Some(bytes);
        self
    }

    pub fn retry(mut self, retry: Retry) -> Self {
        self.retry = retry;
        self
    }

    /// The database in the path (`/_db/<name>/...`); none for a path without one, which
    /// ArangoDB runs in `_system`.
    pub fn database(&self) -> Option<&str> {
        match self.segments.as_slice() {
            [db, name, ..] if db == "_db" => Some(name),
            _ => None,
        }
    }

    /// `POST /_db/x/_api/cursor`, for logs and errors (no query string: it may be long).
    pub fn describe(&self) -> String {
        format!("{} /{}", self.method, self.segments.join("/"))
    }
}

/// A successful (2xx) answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    operation: String,
}

impl Reply {
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ArangoError> {
        serde_json::from_slice(&self.body).map_err(|e| ArangoError::Decode {
            operation: self.operation.clone(),
            message: e.to_string(),
        })
    }
}

/// The connection to one ArangoDB endpoint and database.
#[derive(Debug)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
    database: String,
    auth: Authenticator,
    retry: RetryPolicy,
    timeout: Duration,
}

impl Client {
    pub fn new(config: &ArangoConfig) -> Result<Client, BackendError> {
        let base = config.validate()?;
        let mut builder = reqwest::Client::builder()
            .timeout(config.request_timeout)
            .connect_timeout(config.request_timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("scaleout/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = &config.ca_cert {
            let pem = std::fs::read(path).map_err(|e| {
                BackendError::Invalid(format!(
                    "cannot read the CA certificate {}: {e}",
                    path.display()
                ))
            })?;
            let cert = reqwest::Certificate::from_pem(&pem).map_err(|e| {
                BackendError::Invalid(format!("{} is not a PEM certificate: {e}", path.display()))
            })?;
            builder = builder.add_root_certificate(cert);
        }
        let http = builder
            .build()
            .map_err(|e| BackendError::Storage(format!("cannot build the HTTP client: {e}")))?;
        Ok(Client {
            http,
            base,
            database: config.database.clone(),
            auth: Authenticator::new(
                config.auth,
                config.user.clone(),
                config.password.clone(),
                config.request_timeout,
            ),
            retry: config.retry,
            timeout: config.request_timeout,
        })
    }

    /// `/_db/<database>/<rest...>`.
    pub fn db<'a>(&'a self, rest: &[&'a str]) -> Vec<&'a str> {
        let mut out = vec!["_db", self.database.as_str()];
        out.extend_from_slice(rest);
        out
    }

    fn url(&self, call: &Call) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(call.segments.iter());
        }
        if !call.query.is_empty() {
            url.query_pairs_mut().extend_pairs(call.query.iter());
        }
        url
    }

    /// Sends `call`; a non-2xx answer is an error.
    pub async fn send(&self, call: Call) -> Result<Reply, ArangoError> {
        let operation = call.describe();
        let url = self.url(&call);
        let attempts = self.retry.attempts.max(1);
        let mut attempt = 0u32;
        let mut reauthenticated = false;
        loop {
            attempt += 1;
            let credential = match self.auth.credential(&self.http, &self.base).await {
                Ok(c) => c,
                Err(
                    e @ (ArangoError::Timeout { .. }
                    | ArangoError::Transport { .. }
                    | ArangoError::Api { status: 503, .. }),
                ) if attempt < attempts => {
                    self.back_off(&operation, attempt, &e.to_string()).await;
                    continue;
                }
                Err(e) => return Err(e),
            };
            let mut request = self
                .http
                .request(call.method.clone(), url.clone())
                .header(ACCEPT, "application/json");
            if let Some(body) = &call.body {
                request = request
                    .header(CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            request = self.auth.apply(request, &credential);
            let started = Instant::now();
            let outcome = match request.send().await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    response.bytes().await.map(|body| (status, body.to_vec()))
                }
                Err(e) => Err(e),
            };
            let (status, body) = match outcome {
                Ok(ok) => ok,
                Err(e) if e.is_timeout() => {
                    if call.retry == Retry::Idempotent && attempt < attempts {
                        self.back_off(&operation, attempt, "timed out").await;
                        continue;
                    }
                    return Err(ArangoError::Timeout {
                        operation,
                        timeout_ms: self.timeout.as_millis(),
                        attempts: attempt,
                    });
                }
                Err(e) => {
                    // Nothing reached ArangoDB when the connection could not even be made.
                    if e.is_connect() && attempt < attempts {
                        self.back_off(&operation, attempt, "connection failed")
                            .await;
                        continue;
                    }
                    return Err(transport_error(&operation, &self.base, self.timeout, e));
                }
            };
            tracing::debug!(
                request = %operation,
                status,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "ArangoDB answered"
            );
            if (200..300).contains(&status) {
                return Ok(Reply {
                    status,
                    body,
                    operation,
                });
            }
            let envelope = parse_error(status, &body);
            if status == 401 {
                if let Credential::Bearer(_, generation) = credential {
                    if !reauthenticated {
                        // The token may have expired on its way: log in once more.
                        reauthenticated = true;
                        tracing::info!(request = %operation, "ArangoDB refused the token; logging in again");
                        self.auth.invalidate(generation).await;
                        attempt -= 1;
                        continue;
                    }
                    // A token just given for this password, refused: not the password but
                    // the user's access to the database (ArangoDB's 401 with errorNum 11).
                    return Err(ArangoError::NoAccess {
                        user: self.auth.user().to_owned(),
                        database: call.database().unwrap_or("_system").to_owned(),
                        operation,
                        message: envelope.message,
                    });
                }
                return Err(ArangoError::Unauthorized {
                    user: self.auth.user().to_owned(),
                    operation,
                    message: envelope.message,
                });
            }
            if status == 503 && call.retry != Retry::Once && attempt < attempts {
                self.back_off(&operation, attempt, &envelope.message).await;
                continue;
            }
            return Err(ArangoError::Api {
                operation,
                status,
                error_num: envelope.error_num,
                message: envelope.message,
            });
        }
    }

    /// Sends `call` and reads the answer as `T`.
    pub async fn json<T: DeserializeOwned>(&self, call: Call) -> Result<T, ArangoError> {
        self.send(call).await?.json()
    }

    async fn back_off(&self, operation: &str, attempt: u32, why: &str) {
        let delay = jitter(self.retry.delay(attempt));
        tracing::warn!(
            request = %operation,
            attempt,
            retry_in_ms = delay.as_millis() as u64,
            reason = %why,
            "ArangoDB request failed; retrying"
        );
        tokio::time::sleep(delay).await;
    }
}

/// Up to a quarter more, so that clients that failed together do not retry together.
fn jitter(delay: Duration) -> Duration {
    let quarter = (delay.as_millis() as u64 / 4).max(1);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::from(d.subsec_nanos()))
        .unwrap_or(0);
    delay + Duration::from_millis(nanos % quarter)
}

/// A transport failure as an error naming where and what (never headers: reqwest's error
/// text holds the URL at most, and the URL holds no credentials).
pub fn transport_error(
    operation: &str,
    base: &Url,
    timeout: Duration,
    e: reqwest::Error,
) -> ArangoError {
    if e.is_timeout() {
        return ArangoError::Timeout {
            operation: operation.to_owned(),
            timeout_ms: timeout.as_millis(),
            attempts: 1,
        };
    }
    let connect = e.is_connect();
    let e = e.without_url();
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    // Nothing answered at that address: the next step is to check the address.
    if connect {
        message.push_str(
            ". Check --arango-url (ARANGO_URL) and that the Coordinator is running and reachable from here",
        );
    }
    ArangoError::Transport {
        operation: operation.to_owned(),
        location: base.as_str().trim_end_matches('/').to_owned(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_encode_every_segment() {
        let mut config = ArangoConfig::new("http://db:8529/prefix/");
        config.database = "my db/x".into();
        let client = Client::new(&config).unwrap();
        let call = Call::new(
            Method::GET,
            client.db(&["_api", "collection", "a/b", "count"]),
        )
        .query("details", "true");
        let url = client.url(&call);
        assert_eq!(
            url.as_str(),
            "http://db:8529/prefix/_db/my%20db%2Fx/_api/collection/a%2Fb/count?details=true"
        );
        assert_eq!(
            call.describe(),
            "GET /_db/my db/x/_api/collection/a/b/count"
        );
    }

    #[test]
    fn reads_retry_by_default_writes_do_not() {
        assert_eq!(Call::new(Method::GET, ["x"]).retry, Retry::Idempotent);
        assert_eq!(Call::new(Method::POST, ["x"]).retry, Retry::UnsentOnly);
        assert_eq!(
            Call::new(Method::POST, ["x"])
                .retry(Retry::Idempotent)
                .retry,
            Retry::Idempotent
        );
    }

    #[test]
    fn jitter_adds_at_most_a_quarter() {
        let d = Duration::from_millis(400);
        let j = jitter(d);
        assert!(j >= d && j <= d + Duration::from_millis(100), "{j:?}");
    }
}

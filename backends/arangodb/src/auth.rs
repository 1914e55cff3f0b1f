//! Authentication: a JWT from `POST /_open/auth`, kept until shortly before its `exp`
//! claim and then renewed; or basic auth. The token's payload is decoded (not verified:
//! only ArangoDB needs to trust it) to learn when it expires.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::{RequestBuilder, Url};
use serde::Deserialize;
use tokio::sync::Mutex;

use crate::config::AuthMethod;
use crate::envelope::parse_error;
use crate::error::ArangoError;
use crate::secret::Secret;

/// Renew at most this long before `exp` (a quarter of the lifetime when that is shorter),
/// so that a request never leaves with a token that expires on its way.
const MAX_RENEW_MARGIN_MS: u64 = 60_000;

/// Milliseconds since the epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_millis() as u64
}

/// The claims of a JWT payload the adapter reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub struct Claims {
    /// Expiry, seconds since the epoch.
    #[serde(default, deserialize_with = "seconds")]
    pub exp: Option<u64>,
    /// Issued at, seconds since the epoch.
    #[serde(default, deserialize_with = "seconds")]
    pub iat: Option<u64>,
}

/// Seconds as a whole or a fractional number (ArangoDB's documented tokens carry floats
/// such as `1700003600.5`): read as whole seconds, so renewal still works.
fn seconds<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let n = Option::<f64>::deserialize(d)?;
    Ok(n.filter(|n| n.is_finite() && *n >= 0.0).map(|n| n as u64))
}

/// Reads the payload (second part) of a JWT; `None` when it is not one.
pub fn jwt_claims(jwt: &str) -> Option<Claims> {
    let mut parts = jwt.split('.');
    let (_header, payload) = (parts.next()?, parts.next()?);
    let bytes = base64url_decode(payload)?;
    serde_json::from_slice(&bytes).ok()
}

/// Base64url without padding (RFC 4648 §5), as JWTs use; padding is tolerated.
pub fn base64url_decode(input: &str) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        } as u32)
    }
    let data = input.trim_end_matches('=').as_bytes();
    if data.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(data.len() * 3 / 4);
    for chunk in data.chunks(4) {
        let mut acc = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            acc |= value(c)? << (18 - 6 * i);
        }
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

/// When (ms since the epoch) a token obtained at `obtained_ms` should be replaced.
pub fn renew_at_ms(claims: Claims, obtained_ms: u64) -> Option<u64> {
    let exp_ms = claims.exp?.saturating_mul(1000);
    let start_ms = claims
        .iat
        .map(|s| s.saturating_mul(1000))
        .unwrap_or(obtained_ms)
        .min(exp_ms);
    let margin = ((exp_ms - start_ms) / 4).min(MAX_RENEW_MARGIN_MS);
    Some(exp_ms - margin)
}

/// A JWT and when to renew it.
#[derive(Debug, Clone)]
struct Token {
    jwt: Secret,
    renew_at_ms: Option<u64>,
    generation: u64,
}

/// What a request carries to authenticate.
#[derive(Debug, Clone)]
pub enum Credential {
    /// Nothing: the server runs without authentication (its `/_open/auth` answered 404).
    None,
    Basic,
    /// A JWT and the generation it belongs to (to invalidate exactly that one on a 401).
    Bearer(Secret, u64),
}

/// Holds the credentials and the current token; shared by all requests.
#[derive(Debug)]
pub struct Authenticator {
    method: AuthMethod,
    user: String,
    password: Secret,
    /// The client's request timeout, for error messages.
    timeout: Duration,
    token: Mutex<Option<Token>>,
    generations: Mutex<u64>,
    /// The server answered `/_open/auth` with 404: it runs without authentication.
    open: std::sync::atomic::AtomicBool,
}

#[derive(Deserialize)]
struct AuthReply {
    jwt: String,
}

impl Authenticator {
    pub fn new(method: AuthMethod, user: String, password: Secret, timeout: Duration) -> Self {
        Authenticator {
            method,
            user,
            password,
            timeout,
            token: Mutex::new(None),
            generations: Mutex::new(0),
            open: std::sync::atomic::AtomicBool::new(false),
        }
    }

    pub fn user(&self) -> &str {
        &self.user
    }

    /// The credential for the next request: logs in when there is no token or the current
    /// one is due for renewal (one login at a time; the others wait for its token).
    pub async fn credential(
        &self,
        http: &reqwest::Client,
        base: &Url,
    ) -> Result<Credential, ArangoError> {
        if self.method == AuthMethod::Basic {
            return Ok(Credential::Basic);
        }
        if self.open.load(std::sync::atomic::Ordering::Relaxed) {
            return Ok(Credential::None);
        }
        let mut slot = self.token.lock().await;
        if let Some(t) = slot.as_ref() {
            if t.renew_at_ms.is_none_or(|at| now_ms() < at) {
                return Ok(Credential::Bearer(t.jwt.clone(), t.generation));
            }
            tracing::debug!("ArangoDB token is due for renewal");
        }
        let Some(token) = self.login(http, base).await? else {
            tracing::info!("ArangoDB runs without authentication (/_open/auth: 404): requests carry no credentials");
            self.open.store(true, std::sync::atomic::Ordering::Relaxed);
            return Ok(Credential::None);
        };
        let credential = Credential::Bearer(token.jwt.clone(), token.generation);
        *slot = Some(token);
        Ok(credential)
    }

    /// Forgets the token of `generation` after ArangoDB refused it (a newer one stays).
    pub async fn invalidate(&self, generation: u64) {
        let mut slot = self.token.lock().await;
        if slot.as_ref().is_some_and(|t| t.generation == generation) {
            *slot = None;
        }
    }

    pub fn apply(&self, request: RequestBuilder, credential: &Credential) -> RequestBuilder {
        match credential {
            Credential::None => request,
            Credential::Basic => request.basic_auth(&self.user, Some(self.password.expose())),
            Credential::Bearer(jwt, _) => request.bearer_auth(jwt.expose()),
        }
    }

    /// A token, or `None` when the server runs without authentication (404, documented).
    async fn login(
        &self,
        http: &reqwest::Client,
        base: &Url,
    ) -> Result<Option<Token>, ArangoError> {
        let operation = "POST /_open/auth".to_string();
        let mut url = base.clone();
        url.path_segments_mut()
            .map_err(|()| ArangoError::Decode {
                operation: operation.clone(),
                message: "the ArangoDB URL cannot take a path".into(),
            })?
            .pop_if_empty()
            .extend(["_open", "auth"]);
        let body = serde_json::json!({"username": self.user, "password": self.password.expose()});
        let response = http
            .post(url)
            .json(&body)
            .send()
            .await
            .map_err(|e| crate::client::transport_error(&operation, base, self.timeout, e))?;
        let status = response.status().as_u16();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| crate::client::transport_error(&operation, base, self.timeout, e))?;
        if status == 401 {
            return Err(ArangoError::Unauthorized {
                user: self.user.clone(),
                operation,
                message: parse_error(status, &bytes).message,
            });
        }
        if status == 404 {
            return Ok(None);
        }
        if !(200..300).contains(&status) {
            let e = parse_error(status, &bytes);
            return Err(ArangoError::Api {
                operation,
                status,
                error_num: e.error_num,
                message: e.message,
            });
        }
        let reply: AuthReply = serde_json::from_slice(&bytes).map_err(|e| ArangoError::Decode {
            operation,
            message: format!("no jwt in the answer ({e})"),
        })?;
        let claims = jwt_claims(&reply.jwt).unwrap_or_default();
        let mut generations = self.generations.lock().await;
        *generations += 1;
        tracing::debug!(user = %self.user, expires = ?claims.exp, "logged in to ArangoDB");
        Ok(Some(Token {
            renew_at_ms: renew_at_ms(claims, now_ms()),
            jwt: Secret::new(reply.jwt),
            generation: *generations,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_base64url() {
        assert_eq!(base64url_decode("").unwrap(), b"");
        assert_eq!(base64url_decode("Zg").unwrap(), b"f");
        assert_eq!(base64url_decode("Zm8").unwrap(), b"fo");
        assert_eq!(base64url_decode("Zm9v").unwrap(), b"foo");
        assert_eq!(base64url_decode("Zm9vYg==").unwrap(), b"foob");
        assert_eq!(base64url_decode("_-8").unwrap(), vec![0xff, 0xef]);
        assert!(base64url_decode("a").is_none());
        assert!(base64url_decode("ab$d").is_none());
    }

    #[test]
    fn reads_exp_from_an_arangodb_style_token() {
        // {"alg":"HS256","typ":"JWT"} . {"preferred_username":"root","iss":"arangodb","iat":1700000000,"exp":1700003600}
        let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.\
                   eyJwcmVmZXJyZWRfdXNlcm5hbWUiOiJyb290IiwiaXNzIjoiYXJhbmdvZGIiLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6MTcwMDAwMzYwMH0.\
                   c2lnbmF0dXJl";
        let claims = jwt_claims(jwt).unwrap();
        assert_eq!(claims.exp, Some(1_700_003_600));
        assert_eq!(claims.iat, Some(1_700_000_000));
        // One hour: renewed a minute before expiry.
        assert_eq!(renew_at_ms(claims, 0), Some(1_700_003_600_000 - 60_000));
        assert!(jwt_claims("not-a-jwt").is_none());
    }

    #[test]
    fn float_claims_still_renew() {
        // {"iat":1700000000.25,"exp":1700003600.5}, as in ArangoDB's documentation.
        let payload = "eyJpYXQiOjE3MDAwMDAwMDAuMjUsImV4cCI6MTcwMDAwMzYwMC41fQ";
        let claims = jwt_claims(&format!("eyJhbGciOiJIUzI1NiJ9.{payload}.c2ln")).unwrap();
        assert_eq!(claims.exp, Some(1_700_003_600));
        assert_eq!(claims.iat, Some(1_700_000_000));
        assert_eq!(renew_at_ms(claims, 0), Some(1_700_003_600_000 - 60_000));
    }

    #[test]
    fn short_tokens_renew_at_three_quarters() {
        let claims = Claims {
            exp: Some(102),
            iat: Some(100),
        };
        assert_eq!(renew_at_ms(claims, 0), Some(101_500));
        let no_iat = Claims {
            exp: Some(10),
            iat: None,
        };
        assert_eq!(renew_at_ms(no_iat, 6_000), Some(9_000));
        assert_eq!(renew_at_ms(Claims::default(), 5), None);
    }
}

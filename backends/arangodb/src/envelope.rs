//! ArangoDB's error envelope, `{"error":true,"errorMessage":"...","code":<http>,"errorNum":<n>}`,
//! read leniently: a proxy in front of ArangoDB may answer with HTML or nothing at all.

use serde::Deserialize;

/// The parts of an error answer the adapter uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorEnvelope {
    /// ArangoDB's own error number (`1203` collection not found, ...), when it sent one.
    pub error_num: Option<i64>,
    pub message: String,
}

#[derive(Deserialize)]
struct Raw {
    #[serde(default, rename = "errorMessage")]
    error_message: Option<String>,
    #[serde(default, rename = "errorNum")]
    error_num: Option<i64>,
}

/// Longest piece of a non-JSON body quoted in an error.
const MAX_QUOTED: usize = 200;

/// Reads an error answer with HTTP status `status`.
pub fn parse_error(status: u16, body: &[u8]) -> ErrorEnvelope {
    if let Ok(raw) = serde_json::from_slice::<Raw>(body) {
        if raw.error_message.is_some() || raw.error_num.is_some() {
            return ErrorEnvelope {
                error_num: raw.error_num,
                message: raw
                    .error_message
                    .filter(|m| !m.trim().is_empty())
                    .unwrap_or_else(|| format!("HTTP {status}")),
            };
        }
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    let message = if text.is_empty() {
        format!("HTTP {status} with an empty body")
    } else {
        let mut quoted: String = text.chars().take(MAX_QUOTED).collect();
        if quoted.len() < text.len() {
            quoted.push_str("...");
        }
        quoted
    };
    ErrorEnvelope {
        error_num: None,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_and_garbage() {
        let e = parse_error(
            404,
            br#"{"code":404,"error":true,"errorMessage":"collection or view not found: x","errorNum":1203}"#,
        );
        assert_eq!(e.error_num, Some(1203));
        assert_eq!(e.message, "collection or view not found: x");
        let html = parse_error(502, b"<html>Bad gateway</html>");
        assert_eq!(html.error_num, None);
        assert!(html.message.contains("Bad gateway"));
        assert_eq!(parse_error(503, b"").message, "HTTP 503 with an empty body");
        let long = vec![b'x'; 1000];
        assert!(parse_error(500, &long).message.len() < 300);
        let no_message = parse_error(409, br#"{"error":true,"errorNum":1207}"#);
        assert_eq!(no_message.message, "HTTP 409");
    }
}

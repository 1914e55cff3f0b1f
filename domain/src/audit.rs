//! The audit trail's entries: who did what to what, when, from where, and how it
//! ended. Written by the console for every state-changing action and every refused
//! one, from the web or the CLI; read by admins.

use serde::{Deserialize, Serialize};

/// One recorded action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at_ms: i64,
    /// An account's name, `link:<id>` for a stakeholder's link, `cli:<os user>`
    /// for the command line, `anonymous` for no session.
    pub actor: String,
    /// The actor's role then (`admin`, `operator`, `viewer`, `stakeholder`,
    /// `anonymous`; `cli` for the command line).
    pub role: String,
    /// What was asked: the endpoint's name (`tenants/add`) or the command (`tenant add`).
    pub action: String,
    /// What it was asked of (a tenant, a server, an account...), when it says.
    pub target: Option<String>,
    /// `ok`, `refused` (401/403/429, failed login) or `failed: <reason>`.
    pub outcome: String,
    pub job_id: Option<u64>,
    /// The client's address (empty for the command line).
    pub client: String,
}

/// What an admin asks of the trail. Every field narrows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    pub actor: Option<String>,
    /// Matches actions that start with it (`tenants/` finds every tenant action).
    pub action: Option<String>,
    pub since_ms: Option<i64>,
    pub until_ms: Option<i64>,
    /// At most this many, newest first (the service caps it).
    pub limit: Option<u32>,
}

/// The outcome of an answer with an HTTP status, as the trail words it.
pub fn outcome_of_status(status: u16, message: Option<&str>) -> String {
    match status {
        200..=399 => "ok".into(),
        401 | 403 | 429 => "refused".into(),
        _ => match message {
            Some(m) if !m.is_empty() => {
                format!("failed ({status}): {}", crate::access::text::cut(m))
            }
            _ => format!("failed ({status})"),
        },
    }
}

/// "Since when", as people write it: an age (`30m`, `24h`, `7d`), or a moment
/// ([`crate::time::parse_moment`]: epoch seconds, `2026-12-06`, `2026-12-06T04:00:00Z`).
/// Empty means from the start. Returns epoch ms.
pub fn parse_since(text: &str, now_ms: i64) -> Result<Option<i64>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let unit = match text.chars().last() {
        Some('m') => Some(60_000),
        Some('h') => Some(3_600_000),
        Some('d') => Some(86_400_000),
        _ => None,
    };
    if let Some(unit) = unit {
        if let Ok(n) = text[..text.len() - 1].parse::<i64>() {
            if (0..=36_500).contains(&n) {
                return Ok(Some(now_ms - n * unit));
            }
        }
    }
    crate::time::parse_moment(text)
        .map(|secs| Some(secs * 1000))
        .ok_or_else(|| {
            format!(
                "{:?} is not a time: write an age (30m, 24h, 7d) or a UTC time (2026-12-06T04:00:00Z)",
                crate::access::text::cut(text)
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_reads_ages_and_moments() {
        let now = 10_000_000_000;
        assert_eq!(parse_since("", now), Ok(None));
        assert_eq!(parse_since("30m", now), Ok(Some(now - 1_800_000)));
        assert_eq!(parse_since("2d", now), Ok(Some(now - 172_800_000)));
        assert_eq!(parse_since("1970-01-02", now), Ok(Some(86_400_000)));
        assert!(parse_since("yesterday", now).is_err());
        assert!(parse_since("99999999d", now).is_err());
    }

    #[test]
    fn statuses_read_as_outcomes() {
        assert_eq!(outcome_of_status(200, None), "ok");
        assert_eq!(outcome_of_status(303, None), "ok");
        assert_eq!(outcome_of_status(403, Some("no")), "refused");
        assert_eq!(outcome_of_status(429, None), "refused");
        assert_eq!(outcome_of_status(409, Some("busy")), "failed (409): busy");
        assert_eq!(outcome_of_status(500, None), "failed (500)");
    }
}

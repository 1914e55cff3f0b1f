//! Security headers on every response.

use axum::http::{HeaderMap, HeaderName, HeaderValue};

/// Scripts only from this origin or carrying this response's nonce (the
/// hydration bootstrap); WebAssembly compiled from our own bundle; no framing,
/// no plugins, forms only to ourselves.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

pub fn security_headers(headers: &mut HeaderMap, nonce: &str, secure: bool) {
    let mut set = |name: &'static str, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(name), v);
        }
    };
    set("content-security-policy", content_security_policy(nonce));
    set("x-frame-options", "DENY".into());
    set("x-content-type-options", "nosniff".into());
    // Same-origin requests keep their Origin (a form posted before hydration
    // is recognised as ours); no other site learns where a visitor came from.
    set("referrer-policy", "same-origin".into());
    set("cross-origin-opener-policy", "same-origin".into());
    if secure {
        set("strict-transport-security", "max-age=31536000".into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_forbids_framing_and_foreign_scripts() {
        let csp = content_security_policy("n0nce");
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(csp.contains("script-src 'self' 'nonce-n0nce'"));
        assert!(!csp.contains("unsafe-eval'") || csp.contains("wasm-unsafe-eval"));
    }
}

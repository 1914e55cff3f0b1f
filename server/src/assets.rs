//! The browser bundle's files, served so that a repeat visit downloads nothing that did not
//! change.
//!
//! `scripts/build-site.sh` names each build by a hash of its contents (`site/build-id`) and
//! makes `/pkg/<build>/…` an alias of `/pkg/…`; pages link the bundle under that name. A
//! file there never changes (a new build is a new name), so browsers keep it for a year and
//! never ask again. The loader of the lazily loaded page modules resolves them relative to
//! itself, so they stay under the same name. Everything else (the unversioned `/pkg/…`, the
//! public files) is revalidated: `Last-Modified` and a 304 when nothing changed. Pages are
//! never stored: they carry who is looking and the cluster's state of the moment.

use std::path::Path;

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};

use crate::access::PUBLIC_FILES;

/// The file build-site.sh writes with the build's name.
pub const BUILD_ID_FILE: &str = "build-id";

/// For a versioned file: a year, and no revalidation.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For an unversioned file: keep it, but ask (a 304 costs a round trip, not the file).
const REVALIDATE: &str = "no-cache";
/// For pages: never stored.
const PAGE: &str = "no-store";

/// The build's name, if the site has one: a short hex string, nothing else.
pub fn build_id(site_dir: &Path) -> Option<String> {
    let id = std::fs::read_to_string(site_dir.join(BUILD_ID_FILE)).ok()?;
    let id = id.trim();
    (is_build_id(id) && site_dir.join("pkg").join(id).is_dir()).then(|| id.to_string())
}

/// What build-site.sh writes: 16 lowercase hex digits.
pub fn is_build_id(s: &str) -> bool {
    s.len() == 16
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Routes for the bundle and the public files. Unlike Leptos's fallback, these see the
/// request's conditional headers, so an unchanged file is answered with a 304.
pub fn router<S: Clone + Send + Sync + 'static>(site_dir: Option<&Path>) -> Router<S> {
    let Some(site) = site_dir else {
        return Router::new();
    };
    // Brotli where the browser takes it (about a fifth smaller than gzip for wasm), else gzip:
    // both written at build time.
    let mut router = Router::new().nest_service(
        "/pkg",
        ServeDir::new(site.join("pkg"))
            .precompressed_br()
            .precompressed_gzip(),
    );
    for file in PUBLIC_FILES {
        let on_disk = site.join(file.trim_start_matches('/'));
        router = router.route_service(file, ServeFile::new(on_disk));
    }
    router
}

/// Sets how long a browser may keep each response (see the module's doc).
pub async fn cache_control(build: Option<String>, request: Request, next: Next) -> Response {
    let versioned = build.as_deref().is_some_and(|id| {
        request
            .uri()
            .path()
            .strip_prefix("/pkg/")
            .and_then(|rest| rest.strip_prefix(id))
            .is_some_and(|rest| rest.starts_with('/'))
    });
    let asset =
        request.uri().path().starts_with("/pkg/") || PUBLIC_FILES.contains(&request.uri().path());
    let mut response = next.run(request).await;
    let ok = response.status().is_success() || response.status().as_u16() == 304;
    let policy = if asset && ok {
        Some(if versioned { IMMUTABLE } else { REVALIDATE })
    } else if is_page(&response) {
        Some(PAGE)
    } else {
        None
    };
    if let Some(policy) = policy {
        if !response.headers().contains_key(header::CACHE_CONTROL) {
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
        }
    }
    response
}

fn is_page(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_id_is_sixteen_hex_digits() {
        assert!(is_build_id("0123456789abcdef"));
        assert!(!is_build_id("0123456789ABCDEF"));
        assert!(!is_build_id("0123456789abcde"));
        assert!(!is_build_id("../../etc/passwd"));
        assert!(!is_build_id(""));
    }

    #[test]
    fn a_site_without_its_alias_has_no_build_id() {
        let dir = std::env::temp_dir().join(format!("scaleout-build-id-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        std::fs::write(dir.join(BUILD_ID_FILE), "0123456789abcdef\n").unwrap();
        assert_eq!(
            build_id(&dir),
            None,
            "no /pkg/<id> alias: pages must not link it"
        );
        std::fs::create_dir_all(dir.join("pkg/0123456789abcdef")).unwrap();
        assert_eq!(build_id(&dir).as_deref(), Some("0123456789abcdef"));
        std::fs::remove_dir_all(dir).unwrap();
    }
}

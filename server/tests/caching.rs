//! A repeat visit downloads nothing that did not change: the bundle is linked under its
//! build's name and kept for good, unversioned files are revalidated (304), pages are
//! never stored.

mod support;

use std::path::Path;

use reqwest::header::{CACHE_CONTROL, IF_MODIFIED_SINCE, LAST_MODIFIED};
use support::spawn_app_with;

const BUILD: &str = "0123456789abcdef";

/// A site laid out as scripts/build-site.sh lays it out, with a build name.
fn site(dir: &Path) {
    let pkg = dir.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("scaleout_bg.wasm"), vec![0u8; 4096]).unwrap();
    std::fs::write(pkg.join("scaleout.js"), "export default function() {}").unwrap();
    std::fs::write(pkg.join("scaleout.css"), "body { color: black }").unwrap();
    std::fs::write(pkg.join("chunk_1.wasm"), vec![1u8; 512]).unwrap();
    // Compressed copies, as build-site.sh writes them (contents do not matter here).
    std::fs::write(pkg.join("chunk_1.wasm.br"), b"brotli").unwrap();
    std::fs::write(pkg.join("chunk_1.wasm.gz"), b"gzip").unwrap();
    std::fs::write(dir.join("favicon.svg"), "<svg/>").unwrap();
    std::fs::write(dir.join("build-id"), format!("{BUILD}\n")).unwrap();
    std::os::unix::fs::symlink(".", pkg.join(BUILD)).unwrap();
}

#[tokio::test]
async fn the_bundle_is_kept_for_good_under_its_build_name_and_pages_never() {
    let dir = tempfile::tempdir().unwrap();
    site(dir.path());
    let site_dir = dir.path().to_path_buf();
    let app = spawn_app_with(move |c| c.site_dir = Some(site_dir)).await;

    // Pages link the bundle (script, wasm, styles) under the build's name, and are not stored.
    let page = app.get("/").await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()[CACHE_CONTROL], "no-store");
    let html = page.text().await.unwrap();
    for file in ["scaleout.js", "scaleout_bg.wasm", "scaleout.css"] {
        assert!(
            html.contains(&format!("/pkg/{BUILD}/{file}")),
            "{file}: {html}"
        );
    }
    let login = app.anonymous().get(app.url("/login")).send().await.unwrap();
    assert_eq!(login.headers()[CACHE_CONTROL], "no-store");
    // The visitors' pages link their own small bundle under the same name, not the console's.
    for path in ["/login", "/signup"] {
        let html = support::get_text(&app.anonymous(), app.url(path)).await;
        for file in ["public.js", "public_bg.wasm", "public.css"] {
            assert!(
                html.contains(&format!("/pkg/{BUILD}/{file}")),
                "{path} {file}: {html}"
            );
        }
        assert!(
            !html.contains("scaleout.js") && !html.contains("scaleout_bg.wasm"),
            "{path}: {html}"
        );
    }

    // Under the build's name: a year, never asked again. A page module too.
    for file in ["scaleout.js", "scaleout_bg.wasm", "chunk_1.wasm"] {
        let versioned = app.get(&format!("/pkg/{BUILD}/{file}")).await;
        assert_eq!(versioned.status(), 200, "{file}");
        assert_eq!(
            versioned.headers()[CACHE_CONTROL],
            "public, max-age=31536000, immutable",
            "{file}"
        );
    }
    // The smallest copy the browser takes: brotli, else gzip.
    for (accepts, encoding, body) in [
        ("gzip, deflate, br, zstd", "br", "brotli"),
        ("gzip, deflate", "gzip", "gzip"),
    ] {
        let module = app
            .client
            .get(app.url(&format!("/pkg/{BUILD}/chunk_1.wasm")))
            .header(reqwest::header::ACCEPT_ENCODING, accepts)
            .send()
            .await
            .unwrap();
        assert_eq!(module.headers()["content-encoding"], encoding);
        assert_eq!(module.bytes().await.unwrap().as_ref(), body.as_bytes());
    }

    // Visitors get the bundle too (before they log in).
    let visitor = app.anonymous();
    let versioned = visitor
        .get(app.url(&format!("/pkg/{BUILD}/scaleout.js")))
        .send()
        .await
        .unwrap();
    assert_eq!(versioned.status(), 200);

    // Unversioned names: revalidated, and an unchanged file costs a 304, not its bytes.
    for path in ["/pkg/scaleout.js", "/favicon.svg"] {
        let first = visitor.get(app.url(path)).send().await.unwrap();
        assert_eq!(first.status(), 200, "{path}");
        assert_eq!(first.headers()[CACHE_CONTROL], "no-cache", "{path}");
        let modified = first.headers()[LAST_MODIFIED].clone();
        let again = visitor
            .get(app.url(path))
            .header(IF_MODIFIED_SINCE, modified)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{path}");
        assert!(again.bytes().await.unwrap().is_empty(), "{path}");
    }

    // Another build's name is not this build: nothing is served (or cached) under it.
    let other = visitor
        .get(app.url("/pkg/fedcba9876543210/scaleout.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404);
    assert!(other.headers().get(CACHE_CONTROL).is_none());
    app.shutdown().await;
}

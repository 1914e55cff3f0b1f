//! Finds the built site (CSS, wasm, JS) whatever the current directory is.

use std::path::{Path, PathBuf};

use scaleout_services::SITE_WASM_FILE;

/// The site given explicitly, else one next to the binary: `<exe dir>/site`
/// (an installed layout) or `<exe dir>/../site` (`target/release/scaleout`
/// beside `target/site`, as scripts/build-site.sh lays it out).
pub fn locate(explicit: Option<PathBuf>) -> Option<PathBuf> {
    if let Some(dir) = explicit {
        let dir = std::path::absolute(&dir).unwrap_or(dir);
        if !is_site(&dir) {
            tracing::warn!(site = %dir.display(), "no browser bundle in the given site directory");
        }
        return Some(dir);
    }
    let exe = std::env::current_exe().ok()?;
    let exe_dir = exe.parent()?;
    let found = candidates(exe_dir).into_iter().find(|d| is_site(d));
    if found.is_none() {
        tracing::warn!(
            "no browser bundle found next to {}: pages will render without interactivity; \
             build it with scripts/build-site.sh or pass --site-dir",
            exe.display()
        );
    }
    found
}

fn candidates(exe_dir: &Path) -> Vec<PathBuf> {
    let mut dirs = vec![exe_dir.join("site")];
    if let Some(parent) = exe_dir.parent() {
        dirs.push(parent.join("site"));
    }
    dirs
}

fn is_site(dir: &Path) -> bool {
    dir.join("pkg").join(SITE_WASM_FILE).is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_site_beside_the_profile_dir() {
        let root = std::env::temp_dir().join(format!("scaleout-site-{}", std::process::id()));
        let release = root.join("release");
        std::fs::create_dir_all(root.join("site/pkg")).unwrap();
        std::fs::create_dir_all(&release).unwrap();
        std::fs::write(root.join("site/pkg").join(SITE_WASM_FILE), b"\0asm").unwrap();
        let found = candidates(&release).into_iter().find(|d| is_site(d));
        assert_eq!(found, Some(root.join("site")));
        std::fs::remove_dir_all(root).unwrap();
    }
}

//! What each path needs. Default deny: any server function not listed as public
//! or as a read needs an operator, so a new one is protected (and audited) before
//! anyone remembers to protect it.

use axum::http::Method;
use scaleout_services::access::Role;

/// The role a request needs, and whether it is a page (redirect to the login)
/// or an API call (a status and a message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Page(Role),
    Api(Role),
    /// The site's own static files: the bundle under `/pkg/`, and the public
    /// files listed in [`PUBLIC_FILES`]. Nothing else, whatever its name.
    Asset,
}

/// The files of `public/`, served to anyone at the site's root.
pub const PUBLIC_FILES: &[&str] = &["/favicon.svg"];

/// Server functions anyone may call: logging in, signing up, a customer's own
/// portal (which identifies the tenant by its cookie, never by an argument).
const PUBLIC_API: &[&str] = &[
    "/api/access/login",
    "/api/access/logout",
    "/api/access/whoami",
    "/api/signup/",
    "/api/portal/",
    "/api/openapi.json",
];

/// Reads a stakeholder's link may make: the dashboard, shards and demo, live.
const STAKEHOLDER_API: &[&str] = &[
    "/api/activity/watch",
    "/api/console/status",
    "/api/cluster/servers",
    "/api/cluster/shards",
    "/api/jobs/list",
    "/api/jobs/get",
    "/api/jobs/current-demo",
    "/api/jobs/current-rebalance",
    "/api/jobs/watch",
    "/api/dashboard/",
    "/api/demo/check",
];

/// The other reads: a team member's read-only account sees every page live.
const VIEWER_API: &[&str] = &[
    "/api/access/links",
    "/api/access/signups",
    "/api/cluster/plan",
    "/api/console/preflight",
    "/api/jobs/log",
    "/api/tenants/detail",
    "/api/tenants/isolation",
    "/api/tenants/list",
    "/api/tenants/network",
];

/// The team's accounts and the audit trail: admins only.
const ADMIN_API: &[&str] = &["/api/access/accounts/", "/api/access/audit"];

/// Admins' reads (the rest of [`ADMIN_API`] changes accounts).
const ADMIN_READS: &[&str] = &["/api/access/accounts/list", "/api/access/audit"];

/// Public server functions that change nothing (the rest of [`PUBLIC_API`] is
/// audited: logins, logouts, signups, a portal's new link).
const PUBLIC_READS: &[&str] = &[
    "/api/openapi.json",
    "/api/access/whoami",
    "/api/signup/form",
    "/api/portal/overview",
    "/api/portal/updates",
    "/api/portal/network",
    "/api/portal/watch",
];

/// Server functions that start a job and answer with its id (the trail keeps it).
pub const JOB_STARTERS: &[&str] = &[
    "/api/cluster/add-servers",
    "/api/cluster/rebalance",
    "/api/cluster/execute-plan",
    "/api/cluster/validate",
    "/api/demo/start",
    "/api/jobs/resume",
    "/api/tenants/add",
    "/api/tenants/add-batch",
    "/api/tenants/import",
    "/api/tenants/remove",
    "/api/tenants/purge",
];

/// Whether a request changes something (or tries to): every API call but the
/// listed reads, and anything but a read of a page. These go in the audit trail.
pub fn changes_state(method: &Method, path: &str) -> bool {
    if path.starts_with("/api/") {
        return !(matches(path, PUBLIC_READS)
            || matches(path, STAKEHOLDER_API)
            || matches(path, VIEWER_API)
            || matches(path, ADMIN_READS));
    }
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

const PUBLIC_PAGES: &[&str] = &[
    "/login",
    "/signup",
    "/portal",
    "/portal/open/",
    "/watch/",
    // For load balancers and orchestrators (server/src/health.rs).
    "/healthz",
    "/readyz",
];
const STAKEHOLDER_PAGES: &[&str] = &["/", "/shards", "/demo", "/reports/"];

pub fn required_role(method: &Method, path: &str) -> Need {
    if path.starts_with("/api/") {
        let role = if matches(path, PUBLIC_API) {
            Role::Anonymous
        } else if matches(path, STAKEHOLDER_API) {
            Role::Stakeholder
        } else if matches(path, VIEWER_API) {
            Role::Viewer
        } else if matches(path, ADMIN_API) {
            Role::Admin
        } else {
            Role::Operator
        };
        return Need::Api(role);
    }
    if is_asset(path) {
        return Need::Asset;
    }
    // Every other page is a read: the team's read-only accounts see them all.
    let role = if matches(path, PUBLIC_PAGES) {
        Role::Anonymous
    } else if matches(path, STAKEHOLDER_PAGES) {
        Role::Stakeholder
    } else {
        Role::Viewer
    };
    // Pages are read with GET; anything else to a page path is an operator's.
    if method == Method::GET || method == Method::HEAD {
        Need::Page(role)
    } else {
        Need::Api(role.max(Role::Operator))
    }
}

/// An entry ending in `/` is a prefix; others match exactly (or with a
/// trailing slash, or a query, which is not part of the path).
fn matches(path: &str, list: &[&str]) -> bool {
    list.iter().any(|p| {
        if p.ends_with('/') && p.len() > 1 {
            path.starts_with(p)
        } else {
            path == *p || path.strip_suffix('/') == Some(p)
        }
    })
}

/// What browsers ask for by themselves (a plain 404 for anyone, not a page).
const BROWSER_PROBES: &[&str] = &["/favicon.ico", "/robots.txt"];

/// The bundles that live in a directory of their own under `/pkg/` (a stakeholder's:
/// its page modules and their loader beside it, apart from the console's).
const BUNDLE_DIRS: &[&str] = &["watch"];

/// A file of the bundle (`/pkg/<name>` or `/pkg/<bundle dir>/<name>`, plain segments) or a
/// public file.
fn is_asset(path: &str) -> bool {
    if PUBLIC_FILES.contains(&path) || BROWSER_PROBES.contains(&path) {
        return true;
    }
    let Some(rest) = path.strip_prefix("/pkg/") else {
        return false;
    };
    // `/pkg/<file>`, or `/pkg/<build>/<file>`: the same file under its build's name.
    let name = match rest.split_once('/') {
        Some((build, name)) if crate::assets::is_build_id(build) => name,
        _ => rest,
    };
    let name = match name.split_once('/') {
        Some((dir, file)) if BUNDLE_DIRS.contains(&dir) => file,
        _ => name,
    };
    !name.is_empty()
        && !name.contains('/')
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// Why a path is refused before any policy looks at it: a dot segment (`.`
/// or `..`, raw or percent-encoded), an encoded slash or backslash, or a
/// control character. Browsers resolve dot segments before they send a URL,
/// so only a hand-made request carries one, and the router would resolve it
/// to a page other than the one the policy judged.
pub fn malformed(path: &str) -> Option<&'static str> {
    for segment in path.split('/') {
        let decoded = percent_decode(segment);
        if decoded == b"." || decoded == b".." {
            return Some("a path may not hold . or .. segments");
        }
        if decoded
            .iter()
            .any(|&b| b == b'/' || b == b'\\' || b < 0x20 || b == 0x7f)
        {
            return Some("a path may not hold encoded slashes, backslashes or control characters");
        }
    }
    None
}

fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b[i], hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(path: &str) -> Need {
        required_role(&Method::GET, path)
    }

    fn post(path: &str) -> Need {
        required_role(&Method::POST, path)
    }

    #[test]
    fn unknown_api_paths_need_an_operator() {
        assert_eq!(post("/api/tenants/add"), Need::Api(Role::Operator));
        assert_eq!(post("/api/something/new"), Need::Api(Role::Operator));
        assert_eq!(post("/api/console/statusx"), Need::Api(Role::Operator));
    }

    #[test]
    fn stakeholders_read_what_they_watch() {
        assert_eq!(post("/api/jobs/watch"), Need::Api(Role::Stakeholder));
        assert_eq!(post("/api/cluster/shards"), Need::Api(Role::Stakeholder));
        assert_eq!(post("/api/jobs/cancel"), Need::Api(Role::Operator));
        assert_eq!(get("/shards"), Need::Page(Role::Stakeholder));
        assert_eq!(get("/"), Need::Page(Role::Stakeholder));
        assert_eq!(get("/tenants"), Need::Page(Role::Viewer));
    }

    #[test]
    fn the_team_reads_everything_and_admins_manage_accounts() {
        assert_eq!(post("/api/tenants/list"), Need::Api(Role::Viewer));
        assert_eq!(post("/api/tenants/add"), Need::Api(Role::Operator));
        assert_eq!(post("/api/access/accounts/add"), Need::Api(Role::Admin));
        assert_eq!(post("/api/access/audit"), Need::Api(Role::Admin));
        assert_eq!(get("/access"), Need::Page(Role::Viewer));
    }

    #[test]
    fn changes_are_what_is_not_a_read() {
        assert!(changes_state(&Method::POST, "/api/tenants/add"));
        assert!(changes_state(&Method::POST, "/api/access/login"));
        assert!(changes_state(&Method::POST, "/api/access/accounts/add"));
        assert!(changes_state(&Method::POST, "/api/something/new"));
        assert!(!changes_state(&Method::POST, "/api/tenants/list"));
        assert!(!changes_state(&Method::POST, "/api/access/audit"));
        assert!(!changes_state(&Method::POST, "/api/access/whoami"));
        assert!(!changes_state(&Method::GET, "/tenants"));
        assert!(changes_state(&Method::POST, "/tenants"));
    }

    #[test]
    fn login_signup_and_portal_are_public() {
        assert_eq!(post("/api/access/login"), Need::Api(Role::Anonymous));
        assert_eq!(post("/api/signup/submit"), Need::Api(Role::Anonymous));
        assert_eq!(get("/signup"), Need::Page(Role::Anonymous));
        assert_eq!(get("/watch/abc"), Need::Page(Role::Anonymous));
        assert_eq!(get("/pkg/scaleout.js"), Need::Asset);
    }

    #[test]
    fn only_the_sites_own_files_are_assets() {
        assert_eq!(get("/pkg/scaleout_bg.wasm"), Need::Asset);
        assert_eq!(get("/pkg/scaleout.css.gz"), Need::Asset);
        assert_eq!(get("/pkg/0123456789abcdef/scaleout.js"), Need::Asset);
        assert_eq!(get("/pkg/0123456789abcdef/chunk_12.wasm"), Need::Asset);
        assert_eq!(get("/pkg/watch/watch.js"), Need::Asset);
        assert_eq!(get("/pkg/0123456789abcdef/watch/chunk_5.wasm"), Need::Asset);
        assert_eq!(get("/favicon.svg"), Need::Asset);
        // A dot in the last segment once made any page an "asset".
        for page in [
            "/tenants/.",
            "/access/x.y",
            "/tenants/abc.json",
            "/servers.html",
            "/pkg/",
            "/pkg/a/b.js",
            "/pkg/0123456789abcdef/",
            "/pkg/0123456789abcdef/a/b.js",
            "/pkg/watch/",
            "/pkg/watch/a/b.js",
            "/pkg/0123456789abcdef/watch/a/b.js",
            "/pkg/0123456789ABCDEF/b.js",
            "/favicon.ico/x",
        ] {
            assert_eq!(get(page), Need::Page(Role::Viewer), "{page}");
        }
    }

    #[test]
    fn dot_segments_and_encoded_tricks_are_malformed() {
        for bad in [
            "/access/.",
            "/tenants/x/..",
            "/tenants/./x",
            "/%2e",
            "/tenants/%2E%2e",
            "/tenants/.%2e/access",
            "/pkg/..%2fx",
            "/x%2fy",
            "/x%5cy",
            "/x%0ay",
            "/x%00",
        ] {
            assert!(malformed(bad).is_some(), "{bad}");
        }
        for ok in [
            "/",
            "/tenants",
            "/tenants/",
            "/pkg/scaleout.js",
            "/watch/abc",
            "/tenants/a.b",
            "/%41",
        ] {
            assert_eq!(malformed(ok), None, "{ok}");
        }
    }

    #[test]
    fn the_public_files_are_those_of_the_public_folder() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../public");
        let mut found: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| format!("/{}", e.unwrap().file_name().to_string_lossy()))
            .collect();
        found.sort();
        let mut listed: Vec<String> = PUBLIC_FILES.iter().map(|s| s.to_string()).collect();
        listed.sort();
        assert_eq!(found, listed, "list every file of public/ in PUBLIC_FILES");
    }

    #[test]
    fn anyone_may_log_out() {
        assert_eq!(post("/api/access/logout"), Need::Api(Role::Anonymous));
    }

    #[test]
    fn writes_to_page_paths_need_an_operator() {
        assert_eq!(post("/signup"), Need::Api(Role::Operator));
        assert_eq!(post("/"), Need::Api(Role::Operator));
    }
}

//! What each path needs. Default deny: anything not listed as public or
//! read-only needs an operator, so a new server function is protected before
//! anyone remembers to protect it.

use axum::http::Method;
use scaleout_services::access::Role;

/// The role a request needs, and whether it is a page (redirect to the login)
/// or an API call (a status and a message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Page(Role),
    Api(Role),
    /// Static files of the site bundle.
    Asset,
}

/// Server functions anyone may call: logging in, signing up, a customer's own
/// portal (which identifies the tenant by its cookie, never by an argument).
const PUBLIC_API: &[&str] = &[
    "/api/access/login",
    "/api/access/whoami",
    "/api/signup/",
    "/api/portal/",
];

/// Reads a stakeholder's link may make: the dashboard, shards and demo, live.
const VIEWER_API: &[&str] = &[
    "/api/console/status",
    "/api/cluster/servers",
    "/api/cluster/shards",
    "/api/jobs/list",
    "/api/jobs/get",
    "/api/jobs/watch",
    "/api/dashboard/",
];

const PUBLIC_PAGES: &[&str] = &["/login", "/signup", "/portal", "/watch/"];
const VIEWER_PAGES: &[&str] = &["/", "/shards", "/demo", "/reports/"];

pub fn required_role(method: &Method, path: &str) -> Need {
    if path.starts_with("/api/") {
        let role = if matches(path, PUBLIC_API) {
            Role::Anonymous
        } else if matches(path, VIEWER_API) {
            Role::Viewer
        } else {
            Role::Operator
        };
        return Need::Api(role);
    }
    if path.starts_with("/pkg/") || (is_file(path) && !path.starts_with("/reports/")) {
        return Need::Asset;
    }
    let role = if matches(path, PUBLIC_PAGES) {
        Role::Anonymous
    } else if matches(path, VIEWER_PAGES) {
        Role::Viewer
    } else {
        Role::Operator
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

fn is_file(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
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
        assert_eq!(post("/api/jobs/watch"), Need::Api(Role::Viewer));
        assert_eq!(post("/api/cluster/shards"), Need::Api(Role::Viewer));
        assert_eq!(post("/api/jobs/cancel"), Need::Api(Role::Operator));
        assert_eq!(get("/shards"), Need::Page(Role::Viewer));
        assert_eq!(get("/"), Need::Page(Role::Viewer));
        assert_eq!(get("/tenants"), Need::Page(Role::Operator));
    }

    #[test]
    fn login_signup_and_portal_are_public() {
        assert_eq!(post("/api/access/login"), Need::Api(Role::Anonymous));
        assert_eq!(post("/api/signup/submit"), Need::Api(Role::Anonymous));
        assert_eq!(get("/signup"), Need::Page(Role::Anonymous));
        assert_eq!(get("/watch/abc"), Need::Page(Role::Anonymous));
        assert_eq!(get("/pkg/scaleout.js"), Need::Asset);
        assert_eq!(get("/favicon.ico"), Need::Asset);
    }

    #[test]
    fn writes_to_page_paths_need_an_operator() {
        assert_eq!(post("/signup"), Need::Api(Role::Operator));
        assert_eq!(post("/"), Need::Api(Role::Operator));
    }
}

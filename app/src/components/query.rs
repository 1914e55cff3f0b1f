//! The page's query parameters without the router: pages that the small public bundle
//! hydrates (login, signup) have no router, and read their address once, as they render.

/// The first value of `name` in the page's query string: from the request on the server,
/// from the address bar in the browser (the same address, so hydration agrees).
pub fn query_param(name: &str) -> Option<String> {
    find(&query_string()?, name)
}

fn find(query: &str, name: &str) -> Option<String> {
    form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[cfg(feature = "ssr")]
fn query_string() -> Option<String> {
    let parts = leptos::prelude::use_context::<axum::http::request::Parts>()?;
    parts.uri.query().map(str::to_string)
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
fn query_string() -> Option<String> {
    leptos::prelude::window().location().search().ok()
}

#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
fn query_string() -> Option<String> {
    None
}

/// The page's path, the same way (the public bundle picks its page by it).
pub fn path() -> String {
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::use_context::<axum::http::request::Parts>()
            .map(|p| p.uri.path().to_string())
            .unwrap_or_default()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        leptos::prelude::window()
            .location()
            .pathname()
            .unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    String::new()
}

#[cfg(test)]
mod tests {
    use super::find;

    #[test]
    fn a_parameter_is_found_and_decoded() {
        assert_eq!(
            find("?next=%2Ftenants&x=1", "next").as_deref(),
            Some("/tenants")
        );
        assert_eq!(find("a=1&b=two+words", "b").as_deref(), Some("two words"));
        assert_eq!(find("", "next"), None);
        assert_eq!(find("?nextx=1", "next"), None);
    }
}

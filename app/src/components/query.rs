//! The page's query parameters without the router: pages that the small public bundle
//! hydrates (login, signup) have no router, and read their address once, as they render.

/// The first value of `name` in the page's query string: from the request on the server,
/// from the address bar in the browser (the same address, so hydration agrees).
pub fn query_param(name: &str) -> Option<String> {
    find(&query_string()?, name)
}

/// `name` in the page's query string, following the address where the page can change it
/// without a load (the console's router); in the apps with no router (the bundles of their
/// own), the address the page was loaded with.
pub fn use_query_param(name: &'static str) -> leptos::prelude::Signal<Option<String>> {
    use leptos::prelude::*;
    #[cfg(not(any(
        feature = "public-bundle",
        feature = "portal-bundle",
        feature = "watch-bundle"
    )))]
    if use_context::<crate::components::title::PublicPage>().is_none() {
        let query = leptos_router::hooks::use_query_map();
        return Signal::derive(move || query.with(|q| q.get(name)));
    }
    let value = query_param(name);
    Signal::derive(move || value.clone())
}

/// Rewrites the address's query in place (no new history entry, no load): `changes` set
/// or drop parameters, the others stay. A view that moved (the explorer's time and page)
/// keeps its place on reload, and its address can be shared. In the browser only.
pub fn replace_query(changes: &[(&str, Option<String>)]) {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        let Some(query) = query_string() else {
            return;
        };
        let location = leptos::prelude::window().location();
        let query = with_changes(&query, changes);
        let path = location.pathname().unwrap_or_default();
        let hash = location.hash().unwrap_or_default();
        let url = if query.is_empty() {
            format!("{path}{hash}")
        } else {
            format!("{path}?{query}{hash}")
        };
        if let Ok(history) = leptos::prelude::window().history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    }
    #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
    let _ = changes;
}

/// `query` (with or without its `?`) with `changes` applied, the rest in order.
#[cfg_attr(not(all(feature = "hydrate", not(feature = "ssr"))), allow(dead_code))]
fn with_changes(query: &str, changes: &[(&str, Option<String>)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(query.trim_start_matches('?').as_bytes()) {
        if !changes.iter().any(|(name, _)| *name == k) {
            out.append_pair(&k, &v);
        }
    }
    for (name, value) in changes {
        if let Some(value) = value {
            out.append_pair(name, value);
        }
    }
    out.finish()
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
    use super::{find, with_changes};

    #[test]
    fn changes_set_and_drop_parameters_and_keep_the_rest() {
        assert_eq!(
            with_changes(
                "?tenant=a+b&at=1&page=2",
                &[("at", Some("5".into())), ("page", None)]
            ),
            "tenant=a+b&at=5"
        );
        assert_eq!(with_changes("", &[("at", Some("5".into()))]), "at=5");
        assert_eq!(with_changes("?page=3", &[("page", None)]), "");
    }

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

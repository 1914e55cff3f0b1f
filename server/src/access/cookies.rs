//! Cookie reading and writing, kept to the attributes the console needs.

use axum::http::HeaderMap;

/// The value of cookie `name` in the request, if any.
pub fn read_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_one_cookie_among_many() {
        let mut h = HeaderMap::new();
        h.insert("cookie", "a=1; scaleout_session=abc ; b=2".parse().unwrap());
        assert_eq!(read_cookie(&h, "scaleout_session").as_deref(), Some("abc"));
        assert_eq!(read_cookie(&h, "missing"), None);
    }
}

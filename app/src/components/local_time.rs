//! A moment as the person reading it lives it: in their own time zone once
//! the page runs in their browser, in UTC (said so) before that.

use leptos::prelude::*;

/// `ms` since the Unix epoch, as a `<time>`: "Dec 5, 2026, 6:20 PM UTC" from the
/// server, then the browser's local date and time (the same words in UTC).
#[component]
pub fn LocalTime(ms: i64) -> impl IntoView {
    let iso = scaleout_domain::time::iso_ms(ms);
    let (text, set_text) = signal(scaleout_domain::time::human_utc_ms(ms));
    // Effects run only in the browser, after hydration.
    Effect::new(move |_| {
        if let Some(local) = local(ms) {
            set_text.set(local);
        }
    });
    view! { <time datetime=iso>{text}</time> }
}

#[cfg(feature = "hydrate")]
fn local(ms: i64) -> Option<String> {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    let options = js_sys::Object::new();
    // "Dec 7, 2026, 2:02 AM GMT+1": the zone said, so a time read on a shared screen is
    // not taken for someone else's.
    for (key, value) in [
        ("year", "numeric"),
        ("month", "short"),
        ("day", "numeric"),
        ("hour", "numeric"),
        ("minute", "2-digit"),
        ("timeZoneName", "short"),
    ] {
        js_sys::Reflect::set(&options, &key.into(), &value.into()).ok()?;
    }
    date.to_locale_string("default", &options).as_string()
}

#[cfg(not(feature = "hydrate"))]
fn local(_ms: i64) -> Option<String> {
    None
}

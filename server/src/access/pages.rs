//! The few pages the door answers with itself, before any page of the app:
//! plain HTML that reads well on a phone and needs no script.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

pub(crate) fn page(status: StatusCode, title: &str, body: &str) -> Response {
    page_with_head(status, title, body, "")
}

fn page_with_head(status: StatusCode, title: &str, body: &str, head: &str) -> Response {
    let stylesheet = r#"<link rel="stylesheet" href="/pkg/scaleout.css">"#;
    (
        status,
        Html(document(
            title,
            HEADER,
            body,
            &format!("{head}{stylesheet}"),
        )),
    )
        .into_response()
}

/// The console's header, its brand not a link: a stakeholder whose link ended, or a
/// visitor refused a page, would only be refused again at `/`. The page says where to go.
const HEADER: &str = "<header class=\"top\"><span class=\"brand\">\
    <span class=\"brand-mark\" aria-hidden=\"true\">◆</span> scaleout</span></header>";

/// The page around `body`, after `header`; its icon inline (as the app's pages have it:
/// no request).
fn document(title: &str, header: &str, body: &str, head: &str) -> String {
    let icon = scaleout_app::FAVICON;
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">{head}\
         <title>{title} · scaleout</title><link rel=\"icon\" href=\"{icon}\" type=\"image/svg+xml\"></head>\
         <body>{header}<main id=\"main\" class=\"door-page\"><h1>{title}</h1>{body}</main></body></html>"
    )
}

/// A page that moves on to `to` at once with a same-site refresh (`continue_to` for a
/// browser that does not follow it). No stylesheet: it is gone at once, and the next page
/// loads its own under the build's name (a second copy on a phone link).
fn refresh_to(title: &str, to: &str, continue_to: &str) -> Response {
    let mut response = Html(document(
        title,
        "",
        &format!("<p><a href=\"{to}\">{continue_to}</a>.</p>"),
        &format!("<meta http-equiv=\"refresh\" content=\"0;url={to}\">"),
    ))
    .into_response();
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
}

/// A link (a stakeholder's, a customer's personal one) that worked: sets its
/// cookie, then moves on to `to` with a same-site refresh. A SameSite=Strict
/// cookie set while arriving from another site (a mail, a chat) would not be
/// sent on a redirect of that same navigation.
pub fn link_opened(title: &str, to: &str, continue_to: &str, set_cookie: &str) -> Response {
    let mut response = refresh_to(title, to, continue_to);
    if let Ok(v) = axum::http::HeaderValue::from_str(set_cookie) {
        response
            .headers_mut()
            .insert(axum::http::header::SET_COOKIE, v);
    }
    response
}

/// A link followed from another site: its request carried none of this site's
/// SameSite=Strict cookies, so whether this browser is logged in to the console is not
/// known. The page asks again from this site, with them.
pub fn reopen_here(path: &str) -> Response {
    refresh_to("Opening the link", path, "Continue")
}

/// A link that does not (or no longer) work, and what to do.
pub fn link_not_valid(why: &str, then: &str) -> Response {
    page(
        StatusCode::NOT_FOUND,
        "Link not valid",
        &format!(
            "<p>{} {then}</p>",
            escape(&scaleout_domain::access::text::sentence(why))
        ),
    )
}

pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A team member opening a read-only link: its session would replace theirs in this
/// browser (and a link on another site could do that to them unasked), so it is not opened.
pub fn link_would_log_out(name: &str) -> Response {
    page(
        StatusCode::OK,
        "You are logged in",
        &format!(
            "<p>This browser is logged in to the console as {}. A read-only link opens a \
             session of its own, which would end yours here, so it was not opened.</p>\
             <p>To see what a stakeholder sees, open the link in a private window or another \
             browser. <a href=\"/\">Back to the console</a>.</p>",
            escape(name)
        ),
    )
}

/// A hand-made address (a dot segment, an encoded slash).
pub fn malformed(why: &str) -> Response {
    page(
        StatusCode::BAD_REQUEST,
        "This address is not valid",
        &format!("<p>{why}. Go to <a href=\"/\">the console</a>.</p>"),
    )
}

/// A stakeholder's link opens the dashboard, shards and demo, nothing else.
pub fn operators_only() -> Response {
    page(
        StatusCode::FORBIDDEN,
        "This page is for operators",
        "<p>Your read-only link shows the <a href=\"/\">dashboard</a>, \
         <a href=\"/shards\">shards</a> and the <a href=\"/demo\">demo</a>, live.</p>",
    )
}

/// Where a stakeholder's "Log out" leads: not the team's log-in form, which is not for
/// them, but a page that says how to come back.
pub fn left_read_only() -> Response {
    page(
        StatusCode::OK,
        "You left the read-only view",
        "<p>This browser no longer shows the console. The read-only link you were sent opens \
         it again, until it expires or the person who shared it revokes it.</p>",
    )
}

/// A stakeholder whose link was revoked or has expired: said as such (not
/// "log in as an operator"). The cookie stays (it ends with the link): every
/// tab the stakeholder has open says the same, not "log in" after the first.
pub fn link_ended(reason: LinkEnded) -> Response {
    let (title, text) = match reason {
        LinkEnded::Revoked => (
            "This link was revoked",
            "The person who shared this read-only view has revoked it.",
        ),
        LinkEnded::Expired => ("This link has expired", "Read-only links last a set time."),
    };
    page(
        StatusCode::UNAUTHORIZED,
        title,
        &format!(
            "<p>{text} Ask the person who shared it for a new link to watch the console again.</p>"
        ),
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkEnded {
    Revoked,
    Expired,
}

impl LinkEnded {
    /// What an API caller is told.
    pub fn sentence(self) -> &'static str {
        match self {
            LinkEnded::Revoked => "this read-only link was revoked: ask for a new one",
            LinkEnded::Expired => "this read-only link has expired: ask for a new one",
        }
    }
}

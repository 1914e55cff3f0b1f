//! Starts the real server on a free port, like a user would, for HTTP tests.
#![allow(dead_code)] // each test crate uses a different part of it

pub mod cli;

use scaleout_server::web;
use scaleout_services::{Console, ConsoleConfig};
use tokio::sync::oneshot;

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    /// The operator's session cookie (`name=value`).
    pub cookie: String,
    pub data: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
    server: Option<std::thread::JoinHandle<std::io::Result<()>>>,
    _one_at_a_time: tokio::sync::OwnedMutexGuard<()>,
}

static SERVERS: std::sync::LazyLock<std::sync::Arc<tokio::sync::Mutex<()>>> =
    std::sync::LazyLock::new(Default::default);

/// The operator password every test server uses.
pub const OPERATOR_PASSWORD: &str = "test-operator-password";

/// Seeds tenant ids in every test server (see `ConsoleConfig::tenant_id_seed`).
pub const TENANT_ID_SEED: u64 = 1;

/// Binds 127.0.0.1:0, serves the console with a fresh data dir and no site;
/// `client` is logged in as an operator.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Like [`spawn_app`], with settings changed first (signup approval, caps...).
pub async fn spawn_app_with(configure: impl FnOnce(&mut ConsoleConfig)) -> TestApp {
    spawn(configure, Serving::Normal).await
}

/// How the test server serves.
pub enum Serving {
    Normal,
    /// With connection limits of the test's own (short timeouts, a small cap).
    Limits(scaleout_server::connections::Limits),
    /// Behind a door that finds the caller but checks no path: every server
    /// function must then refuse callers below its role by itself.
    WithoutPathChecks,
}

pub async fn spawn(configure: impl FnOnce(&mut ConsoleConfig), serving: Serving) -> TestApp {
    // One server per test process at a time: with several Leptos servers in
    // one process, a page render could wait forever under load (1 run in ~10
    // of access.rs on a busy machine; never with one server, as in production).
    let one_at_a_time = SERVERS.clone().lock_owned().await;
    let data = tempfile::tempdir().expect("temp dir");
    let mut config = ConsoleConfig::new(data.path());
    config.admin_password = Some(scaleout_services::Secret(OPERATOR_PASSWORD.into()));
    // Tenants land on the same shards every run: what a test sees about
    // placement and plans does not depend on random ids.
    config.tenant_id_seed = Some(TENANT_ID_SEED);
    configure(&mut config);
    // The server runs as `scaleout serve` does: on its own multi-threaded
    // runtime, not on the test's single thread.
    let (bound, address) = oneshot::channel();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let console = Console::open(config).await.expect("open the console");
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            let _ = bound.send(listener.local_addr()?);
            let stop = async {
                let _ = stopped.await;
            };
            match serving {
                Serving::Normal => web::serve(listener, console, stop).await,
                Serving::Limits(limits) => web::serve_with(listener, console, limits, stop).await,
                Serving::WithoutPathChecks => {
                    scaleout_server::connections::serve(
                        listener,
                        web::router_without_path_checks(console),
                        Default::default(),
                        stop,
                        std::time::Duration::from_secs(1),
                    )
                    .await;
                    Ok(())
                }
            }
        })
    });
    let base = format!("http://{}", address.await.expect("the server starts"));
    let cookie = login(&base, OPERATOR_PASSWORD)
        .await
        .expect("the operator logs in");
    TestApp {
        client: client_with_cookie(&cookie),
        cookie,
        base,
        data,
        stop: Some(stop),
        server: Some(server),
        _one_at_a_time: one_at_a_time,
    }
}

/// A page's markup without the empty comments (`<!>`) Leptos leaves after text for
/// hydration (with `erase_components`, after every text node): `<h1>Shards</h1>`.
pub fn markup(html: &str) -> String {
    html.replace("<!>", "")
}

/// Logs in; returns the `name=value` of the session cookie.
pub async fn login(base: &str, password: &str) -> Result<String, reqwest::StatusCode> {
    let response = no_redirects()
        .post(format!("{base}/api/access/login"))
        .form(&[("password", password)])
        .send()
        .await
        .expect("POST login");
    if !(response.status().is_success() || response.status().is_redirection()) {
        return Err(response.status());
    }
    Ok(set_cookie(&response, "scaleout_session").expect("a session cookie"))
}

/// The `name=value` part of a Set-Cookie header for `name`.
pub fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_string)
}

/// How long test clients keep an idle connection for reuse: well under the server's
/// 10 s wait for a request's head, as a well-behaved client does. Otherwise, on a busy
/// machine, a client can send on a connection the server is closing at that moment, and
/// get no answer (seen once in CI: `IncompleteMessage`).
const CLIENT_IDLE: std::time::Duration = std::time::Duration::from_secs(4);

/// A client that sends `cookie` with every request.
pub fn client_with_cookie(cookie: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("cookie", cookie.parse().expect("a cookie header"));
    reqwest::Client::builder()
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(CLIENT_IDLE)
        .build()
        .expect("client")
}

pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(CLIENT_IDLE)
        .build()
        .expect("client")
}

impl TestApp {
    /// A client with no session at all.
    pub fn anonymous(&self) -> reqwest::Client {
        no_redirects()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn post(&self, path: &str) -> reqwest::Response {
        self.client.post(self.url(path)).send().await.expect("POST")
    }

    /// POSTs a form-encoded body (`a=1&b=2`) as the operator.
    pub async fn post_form(&self, path: &str, body: &str) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_string())
            .send()
            .await
            .expect("POST")
    }

    /// Waits for a job to end (its event stream closes) and returns its record.
    pub async fn finish_job(&self, id: u64) -> scaleout_domain::views::JobRecord {
        let watched = self.post_form("/api/jobs/watch", &format!("id={id}")).await;
        assert_eq!(watched.status(), 200, "job {id} can be watched");
        let _ = watched.text().await.expect("the event stream");
        self.post_form("/api/jobs/get", &format!("id={id}"))
            .await
            .json()
            .await
            .expect("a job record")
    }

    /// The audit trail's newest entry for `action` (`tenants/add`), as the admin reads it.
    pub async fn audited(&self, action: &str) -> serde_json::Value {
        let trail: Vec<serde_json::Value> = self
            .post_form("/api/access/audit", "")
            .await
            .json()
            .await
            .expect("the audit trail");
        trail
            .into_iter()
            .find(|e| e["action"] == action)
            .unwrap_or_else(|| panic!("no {action} in the audit trail"))
    }

    /// Tenants `names` (scale factor 1) on the three servers, then two empty servers
    /// added: a cluster a rebalance has moves to make.
    pub async fn unbalanced(&self, names: &[&str]) {
        for name in names {
            self.add_tenant(name, 1).await;
        }
        let added: u64 = self
            .post_form("/api/cluster/add-servers", "count=2")
            .await
            .json()
            .await
            .unwrap();
        self.finish_job(added).await;
    }

    /// [`TestApp::unbalanced`], then a rebalance started through the API: its job id.
    pub async fn rebalancing(&self, names: &[&str]) -> u64 {
        self.unbalanced(names).await;
        self.post_form("/api/cluster/rebalance", "execute=true")
            .await
            .json()
            .await
            .unwrap()
    }

    /// Onboards a tenant through the API, waits for the job and returns its row.
    pub async fn add_tenant(&self, name: &str, scale: u32) -> scaleout_domain::views::TenantRow {
        let job: u64 = self
            .post_form(
                "/api/tenants/add",
                &format!(
                    "name={}&scale_factor={scale}&naming=camelCase",
                    name.replace(' ', "+")
                ),
            )
            .await
            .json()
            .await
            .expect("a job id");
        self.finish_job(job).await;
        let rows: Vec<scaleout_domain::views::TenantRow> = self
            .post("/api/tenants/list")
            .await
            .json()
            .await
            .expect("the tenant list");
        rows.into_iter().find(|r| r.name == name).expect("listed")
    }

    /// Stops the server gracefully and waits for it.
    pub async fn shutdown(mut self) {
        let _ = self.stop.take().unwrap().send(());
        let server = self.server.take().unwrap();
        tokio::task::spawn_blocking(move || server.join())
            .await
            .expect("join")
            .expect("the server thread")
            .expect("serve");
    }
}

/// The text right inside the element with `data-testid="<id>"`.
pub fn text_of<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!(r#"data-testid="{id}""#))
        .unwrap_or_else(|| panic!("no {id}"));
    let start = at + html[at..].find('>').unwrap() + 1;
    let end = start + html[start..].find('<').unwrap();
    &html[start..end]
}

/// A response read off the wire, for requests a URL library would tidy up
/// (dot segments, raw control characters).
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers(name).into_iter().next()
    }

    /// Every value of a header that may come more than once (`Set-Cookie`).
    pub fn headers(&self, name: &str) -> Vec<&str> {
        self.head
            .lines()
            .filter_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case(name).then(|| v.trim())
            })
            .collect()
    }

    /// The cookies it sets, as a `Cookie` header would send them back.
    pub fn cookies(&self) -> String {
        self.headers("set-cookie")
            .iter()
            .map(|c| c.split(';').next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Sends `request_line` (and headers) exactly as given; reads the whole answer.
pub async fn raw(
    base: &str,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> RawResponse {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let mut request =
        format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    let chunked = headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("transfer-encoding"));
    if !chunked && (!body.is_empty() || method == "POST") {
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.expect("send");
    // A server may answer (413) and close before the whole body is sent.
    let _ = stream.write_all(body).await;
    let mut bytes = Vec::new();
    tokio::time::timeout(std::time::Duration::from_secs(60), async {
        let mut buf = [0u8; 16 * 1024];
        // A reset after the answer (the server closed with body bytes unread)
        // ends the reading, not the test.
        while let Ok(n) = stream.read(&mut buf).await {
            if n == 0 {
                break;
            }
            bytes.extend_from_slice(&buf[..n]);
        }
    })
    .await
    .expect("an answer within a minute");
    let text = String::from_utf8_lossy(&bytes).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    RawResponse {
        status,
        head: head.to_string(),
        body: if chunked {
            dechunk(body)
        } else {
            body.to_string()
        },
    }
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// Opens a stakeholder link as a visitor would; returns the viewer's cookie
/// (`name=value`) and the link's id.
pub async fn open_viewer_link(app: &TestApp) -> (String, String) {
    let made = create_link(app).await;
    let path = made["path"].as_str().unwrap().to_string();
    let opened = app.anonymous().get(app.url(&path)).send().await.unwrap();
    assert_eq!(opened.status(), 200);
    let cookie = set_cookie(&opened, "scaleout_session").expect("a viewer session");
    (cookie, made["id"].to_string())
}

/// A read-only link made by the operator: `{link, path, …}` as the API answers.
pub async fn create_link(app: &TestApp) -> serde_json::Value {
    app.client
        .post(app.url("/api/access/create-link"))
        .form(&[("label", "Board"), ("hours", "2")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// POSTs to `url` with no body and reads the JSON answer.
pub async fn post_json(client: &reqwest::Client, url: String) -> serde_json::Value {
    let response = client.post(url).send().await.expect("POST");
    response.json().await.expect("a JSON answer")
}

/// GETs `url` and reads the page.
pub async fn get_text(client: &reqwest::Client, url: String) -> String {
    let response = client.get(url).send().await.expect("GET");
    response.text().await.expect("a page")
}

/// A fresh signup form key, as the signup page gets it.
pub async fn form_key(app: &TestApp) -> String {
    let form = post_json(&app.anonymous(), app.url("/api/signup/form")).await;
    form["form_key"].as_str().unwrap().to_string()
}

/// Sends the signup form as a visitor.
pub async fn submit(
    app: &TestApp,
    key: &str,
    company: &str,
    email: &str,
    size: &str,
) -> reqwest::Response {
    app.anonymous()
        .post(app.url("/api/signup/submit"))
        .form(&[
            ("form_key", key),
            ("company", company),
            ("email", email),
            ("size", size),
        ])
        .send()
        .await
        .unwrap()
}

/// Signs up as a customer would; returns the portal cookie (`name=value`).
pub async fn sign_up(app: &TestApp, company: &str) -> String {
    let key = form_key(app).await;
    let response = submit(app, &key, company, "ops@customer.example", "small").await;
    assert!(response.status().is_success(), "{}", response.status());
    set_cookie(&response, "scaleout_portal").expect("a portal cookie")
}

/// Makes a team account as the admin (the test app's own session) and logs it
/// in; returns its session cookie (`name=value`) and its password.
pub async fn team_member(app: &TestApp, name: &str, role: &str) -> (String, String) {
    let made = app
        .post_form(
            "/api/access/accounts/add",
            &format!("name={name}&role={role}"),
        )
        .await;
    assert_eq!(made.status(), 200, "the admin adds {name}");
    let made: serde_json::Value = made.json().await.unwrap();
    let password = made["password"].as_str().unwrap().to_string();
    let response = no_redirects()
        .post(app.url("/api/access/login"))
        .form(&[("username", name), ("password", password.as_str())])
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success() || response.status().is_redirection(),
        "{name} logs in: {}",
        response.status()
    );
    let cookie = set_cookie(&response, "scaleout_session").expect("a session cookie");
    (cookie, password)
}

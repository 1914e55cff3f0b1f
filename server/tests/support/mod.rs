//! Starts the real server on a free port, like a user would, for HTTP tests.
#![allow(dead_code)] // each test crate uses a different part of it

use scaleout_server::web;
use scaleout_services::{Console, ConsoleConfig};
use tokio::sync::oneshot;

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
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
            web::serve(listener, console, async {
                let _ = stopped.await;
            })
            .await
        })
    });
    let base = format!("http://{}", address.await.expect("the server starts"));
    let cookie = login(&base, OPERATOR_PASSWORD)
        .await
        .expect("the operator logs in");
    TestApp {
        client: client_with_cookie(&cookie),
        base,
        data,
        stop: Some(stop),
        server: Some(server),
        _one_at_a_time: one_at_a_time,
    }
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

/// A client that sends `cookie` with every request.
pub fn client_with_cookie(cookie: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("cookie", cookie.parse().expect("a cookie header"));
    reqwest::Client::builder()
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
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

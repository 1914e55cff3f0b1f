//! The surfaces operations expect, from a real `scaleout serve` process: the
//! Prometheus metrics on their own listener (read back with a parser of the text
//! format), the request log as JSON lines with no secret in it, and the OpenAPI
//! document held to the server functions the server registers.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::Method;
use scaleout_server::access::{required_role, Need};
use support::spawn_app;

const BIN: &str = env!("CARGO_BIN_EXE_scaleout");
const PASSWORD: &str = "metrics-test-password";

struct Served {
    child: Child,
    base: String,
    metrics: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `scaleout serve` with metrics on a port of their own and JSON logs.
fn serve(data: &std::path::Path) -> Served {
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--metrics-addr",
            "127.0.0.1:0",
            "--log-format",
            "json",
            "--data-dir",
        ])
        .arg(data)
        .env("SCALEOUT_ADMIN_PASSWORD", PASSWORD)
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let log = Arc::new(Mutex::new(Vec::new()));
    let (mut base, mut metrics) = (None, None);
    while base.is_none() || metrics.is_none() {
        let line = lines
            .next()
            .expect("the server stopped before listening")
            .unwrap();
        let after = |marker: &str| {
            line.split(marker).nth(1).map(|rest| {
                rest.split(|c: char| c == '"' || c == '/' || c.is_whitespace())
                    .next()
                    .unwrap()
                    .to_string()
            })
        };
        if let Some(a) = after("listening on http://") {
            base = Some(format!("http://{a}"));
        }
        if let Some(a) = after("metrics on http://") {
            metrics = Some(format!("http://{a}"));
        }
        log.lock().unwrap().push(line);
    }
    let sink = log.clone();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    Served {
        child,
        base: base.unwrap(),
        metrics: metrics.unwrap(),
        log,
    }
}

fn sample(scrape: &prometheus_parse::Scrape, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    scrape
        .samples
        .iter()
        .find(|s| s.metric == name && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .map(|s| match &s.value {
            prometheus_parse::Value::Counter(v)
            | prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Untyped(v) => *v,
            prometheus_parse::Value::Histogram(h) => h.last().map_or(0.0, |b| b.count),
            prometheus_parse::Value::Summary(_) => f64::NAN,
        })
}

#[tokio::test]
async fn metrics_count_what_happened_and_the_log_names_who_without_secrets() {
    let data = tempfile::tempdir().unwrap();
    let served = serve(data.path());
    let client = support::no_redirects();
    let login = client
        .post(format!("{}/api/access/login", served.base))
        .form(&[("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookie = support::set_cookie(&login, "scaleout_session").expect("admin logs in");
    let admin = support::client_with_cookie(&cookie);
    let wrong = client
        .post(format!("{}/api/access/login", served.base))
        .form(&[
            ("username", "admin"),
            ("password", "a-wrong-secret-password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let job: u64 = admin
        .post(format!("{}/api/tenants/add", served.base))
        .form(&[
            ("name", "Metered Co"),
            ("scale_factor", "1"),
            ("naming", "camelCase"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .parse()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let got: serde_json::Value = admin
            .post(format!("{}/api/jobs/get", served.base))
            .form(&[("id", job.to_string())])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if got["state"] == "succeeded" {
            break;
        }
        assert!(Instant::now() < deadline, "job {job}: {got}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The console's own port does not serve them.
    let on_console = client
        .get(format!("{}/metrics", served.base))
        .send()
        .await
        .unwrap();
    assert_ne!(on_console.status(), 200);

    let text = client
        .get(format!("{}/metrics", served.metrics))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let scrape = prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).unwrap();
    assert_eq!(
        sample(&scrape, "scaleout_tenants", &[]),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(&scrape, "scaleout_documents", &[]),
        Some(scaleout_domain::DOCUMENTS_PER_SCALE_UNIT as f64)
    );
    assert_eq!(
        sample(
            &scrape,
            "scaleout_jobs_total",
            &[("kind", "add_tenant"), ("state", "succeeded")]
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &scrape,
            "scaleout_job_duration_seconds",
            &[("kind", "add_tenant")]
        ),
        Some(1.0),
        "{text}"
    );
    assert!(sample(&scrape, "scaleout_db_servers", &[("health", "good")]).unwrap() >= 3.0);
    assert_eq!(
        sample(&scrape, "scaleout_login_failures_total", &[]),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &scrape,
            "scaleout_http_requests_total",
            &[("route", "/api/tenants/add"), ("status", "200")]
        ),
        Some(1.0),
        "{text}"
    );
    for name in [
        "scaleout_shard_moves_total",
        "scaleout_bytes_moved_total",
        "scaleout_stream_watchers",
    ] {
        assert!(text.contains(&format!("# TYPE {name}")), "{name} in {text}");
    }

    // Each request logged once, as JSON, with who asked; no password anywhere.
    let log = served.log.lock().unwrap().clone();
    let requests: Vec<serde_json::Value> = log
        .iter()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["message"] == "request")
        .collect();
    let added: Vec<_> = requests
        .iter()
        .filter(|r| r["route"] == "/api/tenants/add")
        .collect();
    assert_eq!(added.len(), 1, "{requests:#?}");
    assert_eq!(added[0]["actor"], "admin");
    assert_eq!(added[0]["status"], 200);
    assert_eq!(added[0]["method"], "POST");
    assert!(added[0]["ms"].is_u64());
    let all = log.join("\n");
    assert!(
        !all.contains(PASSWORD) && !all.contains("a-wrong-secret-password"),
        "a secret in the log"
    );
    assert!(
        !all.contains(cookie.split('=').nth(1).unwrap()),
        "a session token in the log"
    );
}

#[tokio::test]
async fn the_openapi_document_describes_every_server_function_and_who_may_call_it() {
    let app = spawn_app().await;
    let r = app
        .anonymous()
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let doc: serde_json::Value = r.json().await.unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let mut documented: Vec<String> = doc["paths"].as_object().unwrap().keys().cloned().collect();
    documented.sort();
    let mut registered: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(p, _)| p.to_string())
        .collect();
    registered.sort();
    registered.dedup();
    assert_eq!(
        documented, registered,
        "the document and the server functions differ"
    );
    for path in &registered {
        let op = &doc["paths"][path]["post"];
        let Need::Api(role) = required_role(&Method::POST, path) else {
            panic!("{path}")
        };
        assert_eq!(op["x-scaleout-role"], role.as_str(), "{path}");
        assert!(op["responses"]["200"].is_object(), "{path}");
        assert!(
            !op["summary"].as_str().unwrap_or_default().is_empty(),
            "{path}"
        );
    }
    app.shutdown().await;
}

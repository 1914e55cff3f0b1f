//! What the server benches share: a runtime like `scaleout serve`'s, the real server on a
//! free port, and an operator's session.
#![allow(dead_code)] // each bench uses a part

use scaleout_server::web;
use scaleout_services::Console;

pub const PASSWORD: &str = "bench-operator";

/// Runs `f` on a two-thread runtime, as the console runs on these machines.
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(f)
}

/// A serving console: its address, and how to stop it.
pub struct Served {
    pub base: String,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Served {
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.server.await;
    }
}

pub async fn serve(console: Console) -> Served {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(web::serve(listener, console, async {
        let _ = stopped.await;
    }));
    Served { base, stop, server }
}

/// Logs in as the operator; the session cookie's `name=value`.
pub async fn login(base: &str) -> String {
    let login = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{base}/api/access/login"))
        .form(&[("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    login.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

//! Preflight: checks that the console can do its work on this machine, reporting
//! each result as it comes (the dashboard streams them live).
//!
//! The disk check matters for the embedded back end: every acknowledged batch is
//! an fsync, so the sync latency bounds how fast tenants can be loaded.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use std::sync::Arc;

use futures::Stream;
use scaleout_domain::console::BackendInfo;
use scaleout_domain::port::{ClusterBackend, ServerHealth, ServerRole};
use scaleout_domain::progress::{Outcome, ProgressEvent};
use tokio::sync::mpsc;

use crate::clock::now_ms;
use crate::config::{ConsoleConfig, SITE_WASM_FILE};

/// How many fsync'd writes the disk check samples, and how often it reports.
const SYNC_SAMPLES: u64 = 20;
const SYNC_REPORT_EVERY: u64 = 5;
/// Units of work: data dir, each sync sample, web assets, back end.
const TOTAL: u64 = 1 + SYNC_SAMPLES + 1 + 1;

/// Starts the checks on a background task; the stream ends after the last one.
pub fn run(
    config: ConsoleConfig,
    info: BackendInfo,
    backend: Arc<dyn ClusterBackend>,
) -> impl Stream<Item = ProgressEvent> + Send + 'static {
    let (tx, rx) = mpsc::channel(16);
    tokio::spawn(async move {
        let mut log = Log {
            tx,
            seq: 0,
            done: 0,
        };
        // A closed channel means nobody watches any more: stop quietly.
        let _ = checks(&config, &info, backend.as_ref(), &mut log).await;
    });
    futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|e| (e, rx)) })
}

/// The watcher went away.
struct Closed;

struct Log {
    tx: mpsc::Sender<ProgressEvent>,
    seq: u64,
    done: u64,
}

impl Log {
    async fn emit(&mut self, step: &str, outcome: Outcome, message: String) -> Result<(), Closed> {
        let event = ProgressEvent {
            seq: self.seq,
            step: step.to_string(),
            done: self.done,
            total: TOTAL,
            outcome,
            message,
            at_ms: now_ms(),
            phase: None,
            estimated: false,
            time_left_secs: None,
        };
        self.seq += 1;
        self.tx.send(event).await.map_err(|_| Closed)
    }
}

async fn checks(
    config: &ConsoleConfig,
    info: &BackendInfo,
    backend: &dyn ClusterBackend,
    log: &mut Log,
) -> Result<(), Closed> {
    let data_dir = config.data_dir.clone();
    let dir_ok = match blocking(move || prepare_data_dir(&data_dir)).await {
        Ok(()) => {
            log.done += 1;
            log.emit(
                "data_dir",
                Outcome::Ok,
                format!("Data directory {} is writable", config.data_dir.display()),
            )
            .await?;
            true
        }
        Err(e) => {
            log.done += 1 + SYNC_SAMPLES;
            log.emit(
                "data_dir",
                Outcome::Failed,
                format!(
                    "Data directory {} is not usable: {e}. Pick another with --data-dir.",
                    config.data_dir.display()
                ),
            )
            .await?;
            false
        }
    };

    if dir_ok {
        disk_sync(&config.data_dir, log).await?;
    }

    log.done += 1;
    let (outcome, message) = web_assets(config.site_dir.as_deref());
    log.emit("web_assets", outcome, message).await?;

    log.done += 1;
    let (outcome, message) = back_end(info, backend).await;
    log.emit("back_end", outcome, message).await
}

/// Asks the back end for its servers: proves it answers, and says how healthy it is.
async fn back_end(info: &BackendInfo, backend: &dyn ClusterBackend) -> (Outcome, String) {
    match backend.overview().await {
        Ok(o) => {
            let db: Vec<_> = o
                .servers
                .iter()
                .filter(|s| s.role == ServerRole::DbServer)
                .collect();
            let healthy = db.iter().filter(|s| s.health == ServerHealth::Good).count();
            let count = |r: ServerRole| o.servers.iter().filter(|s| s.role == r).count();
            let outcome = if healthy == db.len() {
                Outcome::Ok
            } else {
                Outcome::Warning
            };
            (
                outcome,
                format!(
                    "{} at {} answers: {healthy} of {} DB servers healthy, {}, {}, version {}",
                    info.kind.label(),
                    info.location,
                    db.len(),
                    scaleout_domain::units::counted(
                        count(ServerRole::Coordinator) as u64,
                        "coordinator"
                    ),
                    scaleout_domain::units::counted(count(ServerRole::Agent) as u64, "agent"),
                    o.version
                ),
            )
        }
        Err(e) => (
            Outcome::Failed,
            format!(
                "{} at {} does not answer: {e}",
                info.kind.label(),
                info.location
            ),
        ),
    }
}

/// Samples fsync latency, reporting every few samples.
async fn disk_sync(dir: &Path, log: &mut Log) -> Result<(), Closed> {
    let probe = dir.join(".preflight-probe");
    let mut samples = Vec::with_capacity(SYNC_SAMPLES as usize);
    for i in 1..=SYNC_SAMPLES {
        let path = probe.clone();
        match blocking(move || synced_write(&path, i)).await {
            Ok(took) => samples.push(took),
            Err(e) => {
                log.done += SYNC_SAMPLES - i + 1;
                let _ = fs::remove_file(&probe);
                return log
                    .emit(
                        "disk_sync",
                        Outcome::Failed,
                        format!("A synced write failed: {e}"),
                    )
                    .await;
            }
        }
        log.done += 1;
        if i % SYNC_REPORT_EVERY == 0 && i < SYNC_SAMPLES {
            log.emit(
                "disk_sync",
                Outcome::Running,
                format!("{i} of {SYNC_SAMPLES} synced writes done"),
            )
            .await?;
        }
    }
    let _ = fs::remove_file(&probe);
    let summary = SyncSummary::of(&mut samples);
    let outcome = if summary.median > Duration::from_millis(50) {
        Outcome::Warning
    } else {
        Outcome::Ok
    };
    log.emit("disk_sync", outcome, summary.message()).await
}

/// Median and worst fsync latency over the samples.
#[derive(Debug, PartialEq)]
struct SyncSummary {
    median: Duration,
    worst: Duration,
    samples: usize,
}

impl SyncSummary {
    fn of(samples: &mut [Duration]) -> Self {
        samples.sort();
        SyncSummary {
            median: samples.get(samples.len() / 2).copied().unwrap_or_default(),
            worst: samples.last().copied().unwrap_or_default(),
            samples: samples.len(),
        }
    }

    fn message(&self) -> String {
        let slow = if self.median > Duration::from_millis(50) {
            " (slow disk: loading tenants into the embedded store will be slow)"
        } else {
            ""
        };
        format!(
            "Synced write latency over {} samples: median {:.2} ms, worst {:.2} ms{slow}",
            self.samples,
            self.median.as_secs_f64() * 1e3,
            self.worst.as_secs_f64() * 1e3,
        )
    }
}

fn web_assets(site_dir: Option<&Path>) -> (Outcome, String) {
    let missing = "The browser bundle was not found: pages render but stay static. \
                   Build it with scripts/build-site.sh, or point SCALEOUT_SITE_DIR at it.";
    let Some(site) = site_dir else {
        return (Outcome::Warning, missing.to_string());
    };
    let wasm: PathBuf = site.join("pkg").join(SITE_WASM_FILE);
    match fs::metadata(&wasm) {
        Ok(meta) => (
            Outcome::Ok,
            format!(
                "Browser bundle present ({} KiB of WebAssembly in {})",
                meta.len() / 1024,
                site.display()
            ),
        ),
        Err(_) => (Outcome::Warning, missing.to_string()),
    }
}

fn prepare_data_dir(dir: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    let probe = dir.join(".preflight-write");
    File::create(&probe)?.write_all(b"ok")?;
    fs::remove_file(probe)
}

fn synced_write(path: &Path, i: u64) -> std::io::Result<Duration> {
    let started = Instant::now();
    let mut file = OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .open(path)?;
    file.write_all(format!("probe {i}\n").as_bytes())?;
    file.sync_all()?;
    Ok(started.elapsed())
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> std::io::Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Err(std::io::Error::other(e.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;

    fn backend(dir: &Path) -> (BackendInfo, Arc<dyn ClusterBackend>) {
        let cluster = scaleout_embedded::EmbeddedCluster::open(
            scaleout_embedded::EmbeddedConfig::in_dir(dir),
        )
        .unwrap();
        let info = BackendInfo {
            kind: scaleout_domain::console::BackendKind::Embedded,
            location: dir.join("scaleout.db").display().to_string(),
        };
        (info, Arc::new(cluster))
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("scaleout-preflight-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[tokio::test]
    async fn reports_every_check_in_order_and_ends_complete() {
        let dir = temp_dir("ok");
        let site = dir.join("site");
        fs::create_dir_all(site.join("pkg")).unwrap();
        fs::write(site.join("pkg").join(SITE_WASM_FILE), vec![0u8; 4096]).unwrap();
        let config = ConsoleConfig {
            site_dir: Some(site),
            ..ConsoleConfig::new(dir.join("data"))
        };
        let (info, backend) = backend(&dir.join("store"));
        let events: Vec<_> = run(config, info, backend).collect().await;

        let seqs: Vec<u64> = events.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, (0..events.len() as u64).collect::<Vec<_>>());
        let steps: Vec<&str> = events.iter().map(|e| e.step.as_str()).collect();
        assert_eq!(
            steps,
            [
                "data_dir",
                "disk_sync",
                "disk_sync",
                "disk_sync",
                "disk_sync",
                "web_assets",
                "back_end"
            ]
        );
        assert!(
            events.windows(2).all(|w| w[0].done <= w[1].done),
            "progress never goes back"
        );
        let last = events.last().unwrap();
        assert_eq!((last.done, last.total), (TOTAL, TOTAL));
        assert!(events[5].message.contains("4 KiB"), "{}", events[5].message);
        assert!(
            !dir.join("data").join(".preflight-probe").exists(),
            "probe cleaned up"
        );
        fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn unusable_data_dir_fails_that_check_and_still_completes() {
        let dir = temp_dir("blocked");
        fs::create_dir_all(&dir).unwrap();
        // A file where the directory should be.
        let blocked = dir.join("file");
        fs::write(&blocked, b"x").unwrap();
        let config = ConsoleConfig::new(blocked.join("data"));
        let (info, backend) = backend(&dir.join("store"));
        let events: Vec<_> = run(config, info, backend).collect().await;
        assert_eq!(events[0].outcome, Outcome::Failed);
        assert!(events[0].message.contains("--data-dir"));
        assert_eq!(events[1].step, "web_assets");
        assert_eq!(events[1].outcome, Outcome::Warning);
        let last = events.last().unwrap();
        assert_eq!(last.done, last.total);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn sync_summary_takes_median_and_worst() {
        let mut samples: Vec<Duration> = [5, 1, 3, 2, 4]
            .iter()
            .map(|&ms| Duration::from_millis(ms))
            .collect();
        let s = SyncSummary::of(&mut samples);
        assert_eq!(s.median, Duration::from_millis(3));
        assert_eq!(s.worst, Duration::from_millis(5));
        assert!(s.message().contains("median 3.00 ms"));
    }
}

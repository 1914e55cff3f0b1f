//! The Shards page rendered by the server for a big console: 1,000 tenants on 100 DB
//! servers (embedded back end), as an operator opens it. Prints how long the whole page
//! takes to arrive, and its size.
//!
//!     cargo bench -p scaleout-server --bench shards_page
//!
//! Figures, not assertions (the README keeps them).

use std::time::{Duration, Instant};

use scaleout_domain::Naming;
use scaleout_services::jobs::JobSpec;
use scaleout_services::operations::{tenants, topology};
use scaleout_services::{Console, ConsoleConfig, Secret};
use support::PASSWORD;

mod support;

const TENANTS: usize = 1_000;
const SERVERS: u32 = 100;
const RUNS: usize = 30;

fn main() {
    support::block_on(run());
}

async fn run() {
    let data = tempfile::tempdir().expect("a temp dir");
    let mut config = ConsoleConfig::new(data.path());
    config.admin_password = Some(Secret(PASSWORD.into()));
    config.tenant_id_seed = Some(1);
    config.move_rate_bytes_per_sec = Some(u64::MAX);
    // The site is not needed: the page's HTML is what is measured.
    let console = Console::open(config).await.expect("the console opens");

    let setup = Instant::now();
    let mut jobs = Vec::new();
    for i in 0..TENANTS {
        let t = tenants::prepare(
            &console,
            &format!("Bench Tenant {i:04}"),
            1,
            Naming::CamelCase,
        )
        .expect("a tenant");
        jobs.push(
            console
                .start_job(JobSpec::AddTenant { tenant: t })
                .expect("a job"),
        );
        // A few at a time: the store takes one writer anyway.
        if jobs.len() == 8 {
            for j in jobs.drain(..) {
                console.jobs().wait(j).await.expect("onboarded");
            }
        }
    }
    for j in jobs {
        console.jobs().wait(j).await.expect("onboarded");
    }
    let mut servers = 3;
    while servers < SERVERS {
        let count = (SERVERS - servers).min(64);
        let job = topology::start_add_servers(&console, count)
            .await
            .expect("servers");
        console.jobs().wait(job).await.expect("added");
        servers += count;
    }
    let rebalance = console
        .start_job(JobSpec::Rebalance {
            what_if_servers: 0,
            execute: true,
            fingerprint: None,
            drain: Vec::new(),
        })
        .expect("a rebalance");
    console.jobs().wait(rebalance).await.expect("rebalanced");
    println!(
        "set up {TENANTS} tenants on {SERVERS} DB servers in {:.1} s",
        setup.elapsed().as_secs_f64()
    );

    let served = support::serve(console.clone()).await;
    let base = served.base.clone();
    let cookie = support::login(&base).await;
    let client = reqwest::Client::new();

    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        let page = client
            .get(format!("{base}/shards"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
        size = page.bytes().await.unwrap().len();
        times.push(started.elapsed());
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "GET /shards ({TENANTS} tenants, {SERVERS} DB servers), {RUNS} runs: min {:.0} ms, median {:.0} ms, p90 {:.0} ms, max {:.0} ms; {} KiB of HTML",
        ms(times[0]),
        ms(times[RUNS / 2]),
        ms(times[RUNS * 9 / 10]),
        ms(times[RUNS - 1]),
        size / 1024
    );
    served.stop().await;
}

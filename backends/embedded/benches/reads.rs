//! Reading one tenant back from the embedded store while others share it: validation
//! (the tenant page's isolation check) and a point in time (its network explorer), for
//! a small tenant beside a large one and for the large one, then validating them all.
//! Run: cargo bench -p scaleout-embedded --bench reads

use std::time::Instant;

use scaleout_domain::port::{ClusterBackend, SchemaSpec};
use scaleout_domain::{Generator, Naming, ScaleFactor, Tenant, TenantId, TenantName};
use scaleout_embedded::{EmbeddedCluster, EmbeddedConfig};

/// One tenant at this scale factor (about 1,095 documents per unit) ...
const LARGE_SCALE: u32 = 200;
/// ... beside this many at scale factor 1.
const SMALL_TENANTS: u64 = 20;
const CREATED_AT: i64 = 1_767_225_600;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run());
}

fn tenant(seed: u64, scale: u32) -> Tenant {
    Tenant::new(
        TenantId::from_seed(seed),
        TenantName::parse(&format!("Bench Tenant {seed}")).unwrap(),
        ScaleFactor::new(scale).unwrap(),
        CREATED_AT,
    )
}

async fn run() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = EmbeddedCluster::open(EmbeddedConfig::in_dir(dir.path())).unwrap();
    cluster.ensure_schema(&SchemaSpec::default()).await.unwrap();
    let large = tenant(0, LARGE_SCALE);
    let small: Vec<Tenant> = (1..=SMALL_TENANTS).map(|i| tenant(i, 1)).collect();
    for t in std::iter::once(&large).chain(&small) {
        for batch in Generator::new(t, Naming::CamelCase).batches(5000) {
            cluster.load_batch(t.id, &batch.documents).await.unwrap();
        }
    }
    let total: u64 = cluster.stored_tenants().await.unwrap().values().sum();
    println!("store: one tenant at s={LARGE_SCALE} and {SMALL_TENANTS} at s=1, {total} documents");

    let now = CREATED_AT + 86_400 * 400;
    for (what, tenants) in [
        ("a small tenant", &small[..]),
        ("the large tenant", std::slice::from_ref(&large)),
    ] {
        let started = Instant::now();
        for t in tenants {
            let v = cluster.validate(std::slice::from_ref(t)).await.unwrap();
            assert!(v.tenants[0].violations.is_empty());
        }
        let validate = started.elapsed().as_secs_f64() / tenants.len() as f64;
        let started = Instant::now();
        for t in tenants {
            cluster.point_in_time(t.id, now).await.unwrap();
        }
        let at_time = started.elapsed().as_secs_f64() / tenants.len() as f64;
        println!(
            "{what:<17} validate {:>7.1} ms, network at a time {:>7.1} ms",
            validate * 1000.0,
            at_time * 1000.0
        );
    }

    let everyone: Vec<Tenant> = std::iter::once(large).chain(small).collect();
    let started = Instant::now();
    let v = cluster.validate(&everyone).await.unwrap();
    println!(
        "validate all {} tenants together: {:.2} s ({} documents)",
        everyone.len(),
        started.elapsed().as_secs_f64(),
        v.documents_checked
    );
}

//! Load throughput into the embedded store: 100 tenants at scale factor 1
//! (109,500 documents), batches as the console sends them, every batch durable.
//! Run: cargo bench -p scaleout-embedded --bench load

use std::time::Instant;

use scaleout_domain::port::{ClusterBackend, SchemaSpec};
use scaleout_domain::{Generator, Naming, ScaleFactor, Tenant, TenantId, TenantName};
use scaleout_embedded::{EmbeddedCluster, EmbeddedConfig};

const TENANTS: u64 = 100;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    for batch_size in [1000usize, 5000] {
        runtime.block_on(run(batch_size));
    }
}

async fn run(batch_size: usize) {
    let dir = tempfile::tempdir().unwrap();
    let cluster = EmbeddedCluster::open(EmbeddedConfig::in_dir(dir.path())).unwrap();
    cluster.ensure_schema(&SchemaSpec::default()).await.unwrap();
    let tenants: Vec<Tenant> = (0..TENANTS)
        .map(|i| {
            Tenant::new(
                TenantId::from_seed(i),
                TenantName::parse(&format!("Bench Tenant {i}")).unwrap(),
                ScaleFactor::new(1).unwrap(),
                1_767_225_600,
            )
        })
        .collect();

    let started = Instant::now();
    let mut created = 0;
    let mut batches = 0;
    for t in &tenants {
        for batch in Generator::new(t, Naming::CamelCase).batches(batch_size) {
            created += cluster
                .load_batch(t.id, &batch.documents)
                .await
                .unwrap()
                .created;
            batches += 1;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(created, TENANTS * 1095);
    let bytes = std::fs::metadata(dir.path().join("scaleout.db"))
        .map(|m| m.len())
        .unwrap_or(0);
    println!(
        "embedded load, batch size {batch_size:>5}: {created} documents in {batches} durable batches, \
         {secs:.2} s = {:.0} documents/s (store file {:.1} MiB)",
        created as f64 / secs,
        bytes as f64 / (1024.0 * 1024.0)
    );
}

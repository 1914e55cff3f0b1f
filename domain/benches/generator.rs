//! Generator throughput: generate whole tenants and serialize every document to JSON (the
//! work a seeding run does before sending), on one core. Target: >= 300,000 documents/s.
//!
//! Run: `cargo bench -p scaleout-domain --bench generator`

use std::hint::black_box;
use std::time::Instant;

use scaleout_domain::{Generator, Naming, ScaleFactor, TenantId, TenantName, DEFAULT_BATCH_SIZE};

fn run(scale: u32, naming: Naming) -> (u64, u64, f64) {
    let generator = Generator::from_parts(
        TenantId::from_seed(u64::from(scale)),
        &TenantName::parse("Global Enterprises").unwrap(),
        ScaleFactor::new(scale).unwrap(),
        1_700_000_000,
        naming,
    );
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 12);
    let (mut docs, mut bytes) = (0u64, 0u64);
    let start = Instant::now();
    for batch in generator.batches(DEFAULT_BATCH_SIZE) {
        for doc in &batch.documents {
            buf.clear();
            serde_json::to_writer(&mut buf, doc).expect("serializes");
            bytes += buf.len() as u64;
            docs += 1;
        }
        black_box(&buf);
    }
    (docs, bytes, start.elapsed().as_secs_f64())
}

fn main() {
    // Warm up caches and the allocator.
    run(10, Naming::CamelCase);
    println!(
        "{:>6} {:>11} {:>10} {:>8} {:>12} {:>8}",
        "scale", "naming", "documents", "seconds", "docs/s", "MB/s"
    );
    for (scale, naming) in [
        (100, Naming::CamelCase),
        (1000, Naming::CamelCase),
        (1000, Naming::SnakeCase),
    ] {
        let (docs, bytes, secs) = run(scale, naming);
        assert_eq!(docs, 1095 * u64::from(scale));
        println!(
            "{scale:>6} {:>11} {docs:>10} {secs:>8.3} {:>12.0} {:>8.1}",
            naming.as_str(),
            docs as f64 / secs,
            bytes as f64 / secs / 1e6
        );
    }
}

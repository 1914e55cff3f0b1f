//! Validation throughput: one tenant's stored JSON documents checked by the streaming
//! validator, the work `scaleout validate` and the tenant page do per document. Prints the
//! JSON parsing alone and parsing plus validation, on one core.
//!
//! Run: `cargo bench -p scaleout-domain --bench validation`

use std::hint::black_box;
use std::time::Instant;

use scaleout_domain::{
    Collection, Document, Generator, Naming, ScaleFactor, TenantId, TenantName, Validator,
};

fn main() {
    let (scale, naming) = (ScaleFactor::new(200).unwrap(), Naming::CamelCase);
    let tenant = TenantId::from_seed(200);
    let generator = Generator::from_parts(
        tenant,
        &TenantName::parse("Global Enterprises").unwrap(),
        scale,
        1_700_000_000,
        naming,
    );
    // The documents as the back end stores them: JSON text per collection.
    let stored: Vec<(Collection, String)> = generator
        .all_documents()
        .map(|d| (d.collection, d.to_json().to_string()))
        .collect();
    let docs = stored.len() as f64;

    let start = Instant::now();
    for (_, text) in &stored {
        black_box(serde_json::from_str::<serde_json::Value>(text).unwrap());
    }
    let parse = start.elapsed().as_secs_f64();

    let start = Instant::now();
    for (collection, text) in &stored {
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        black_box(Document::from_json(*collection, naming, &value).unwrap());
    }
    let typed = start.elapsed().as_secs_f64();

    let start = Instant::now();
    let mut validator = Validator::new(tenant, scale, naming);
    for (collection, text) in &stored {
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        validator.feed_json(*collection, &value);
    }
    let violations = validator.finish();
    let total = start.elapsed().as_secs_f64();
    assert!(violations.is_empty(), "{:?}", violations.first());

    println!(
        "{:>10} {:>9} {:>12} {:>12}",
        "documents", "seconds", "docs/s", "us/doc"
    );
    for (label, secs) in [
        ("parse only", parse),
        ("parse + typed document", typed),
        ("parse + validate", total),
    ] {
        println!(
            "{:>10} {secs:>9.3} {:>12.0} {:>12.2}  {label}",
            stored.len(),
            docs / secs,
            secs / docs * 1e6
        );
    }
}

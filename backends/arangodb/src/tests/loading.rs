//! Loading through /_api/import: batch sizes, bounded concurrency, retries, partial errors.

use std::time::Duration;

use axum::http::Method;
use scaleout_domain::port::{BackendError, ClusterBackend, SchemaSpec};
use scaleout_domain::{Collection, Document, Generator, Naming};
use scaleout_port_suite::tenant;

use super::connect;
use crate::fake::{Fake, FaultKind};

fn documents(seed: u64, scale: u32) -> Vec<Document> {
    Generator::new(&tenant(seed, "Loader Ltd", scale), Naming::CamelCase)
        .batches(100_000)
        .flat_map(|b| b.documents)
        .collect()
}

#[tokio::test]
async fn a_large_batch_goes_in_bounded_requests_with_bounded_concurrency() {
    let fake = Fake::cluster().await;
    let mut config = fake.config();
    config.batch_bytes = 16 * 1024;
    config.max_in_flight_imports = 2;
    let cluster = connect(config).await;
    cluster.ensure_schema(&SchemaSpec::default()).await.unwrap();
    // Every import takes a moment, so that concurrent ones overlap.
    fake.fault(
        None,
        "/_api/import",
        1000,
        FaultKind::Sleep(Duration::from_millis(10)),
    );
    let t = tenant(1, "Loader Ltd", 1);
    let docs = documents(1, 1);
    let report = cluster.load_batch(t.id, &docs).await.unwrap();
    assert_eq!((report.created, report.ignored), (1095, 0));

    let imports = fake.requests(&Method::POST, "/_api/import");
    assert!(imports.len() > 11, "split: {} requests", imports.len());
    for r in &imports {
        assert!(r.body_len <= 16 * 1024, "{}", r.body_len);
        assert_eq!(r.path, "/_db/network_assets/_api/import");
        assert_eq!(r.query["type"], "list");
        assert_eq!(r.query["onDuplicate"], "ignore");
        assert_eq!(r.query["details"], "true");
        assert!(Collection::from_name(&r.query["collection"], Naming::CamelCase).is_some());
    }
    assert_eq!(fake.with(|s| s.max_imports_in_flight), 2);

    // Loading again creates nothing: a resumed load makes no duplicates.
    let again = cluster.load_batch(t.id, &docs).await.unwrap();
    assert_eq!((again.created, again.ignored), (0, 1095));
    assert_eq!(fake.with(|s| s.count_docs()), 1095);
    fake.assert_clean();
}

#[tokio::test]
async fn refused_documents_are_reported_with_arangodb_s_messages() {
    let fake = Fake::cluster().await;
    let cluster = connect(fake.config()).await;
    cluster.ensure_schema(&SchemaSpec::default()).await.unwrap();
    let t = tenant(2, "Partial Inc", 1);
    let docs = documents(2, 1);
    let bad = docs[5].key.clone();
    fake.with(|s| s.refuse_keys.insert(bad.clone()));
    let err = cluster.load_batch(t.id, &docs).await.unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, BackendError::Invalid(_)), "{err:?}");
    assert!(text.contains("illegal document key"), "{text}");
    assert!(text.contains(&bad), "names the document: {text}");
    assert!(text.contains("1094 of 1095"), "{text}");
    assert!(text.contains("again is safe"), "{text}");
    fake.with(|s| s.refuse_keys.clear());
    let rest = cluster.load_batch(t.id, &docs).await.unwrap();
    assert_eq!((rest.created, rest.ignored), (1, 1094));
}

#[tokio::test]
async fn a_batch_that_breaks_isolation_sends_nothing() {
    let fake = Fake::cluster().await;
    let cluster = connect(fake.config()).await;
    cluster.ensure_schema(&SchemaSpec::default()).await.unwrap();
    let t = tenant(3, "Alpha", 1);
    let other = tenant(4, "Beta", 1);
    let mut docs = documents(3, 1);
    docs[0].key = format!("{}:device0", other.id);
    let err = cluster.load_batch(t.id, &docs).await.unwrap_err();
    assert!(
        matches!(err, BackendError::Invalid(ref m) if m.contains("nothing was stored")),
        "{err:?}"
    );
    let snake = Generator::new(&t, Naming::SnakeCase)
        .batches(10)
        .next()
        .unwrap()
        .documents;
    let err = cluster.load_batch(t.id, &snake).await.unwrap_err();
    assert!(
        matches!(err, BackendError::Conflict(ref m) if m.contains("camelCase")),
        "{err:?}"
    );
    assert!(fake.requests(&Method::POST, "/_api/import").is_empty());
}

#[tokio::test]
async fn imports_are_retried_after_timeouts_and_503() {
    let fake = Fake::cluster().await;
    let mut config = fake.config();
    config.request_timeout = Duration::from_millis(300);
    let cluster = connect(config).await;
    cluster.ensure_schema(&SchemaSpec::default()).await.unwrap();
    fake.fault(
        None,
        "/_api/import",
        1,
        FaultKind::Sleep(Duration::from_millis(1500)),
    );
    fake.fault(
        None,
        "/_api/import",
        1,
        FaultKind::Status(503, 503, "service unavailable"),
    );
    let t = tenant(5, "Retry GmbH", 1);
    let docs = documents(5, 1);
    cluster.load_batch(t.id, &docs).await.expect("retried");
    let counts = cluster.tenant_counts(t.id).await.unwrap();
    assert_eq!(counts.values().sum::<u64>(), 1095);
    assert_eq!(fake.with(|s| s.count_docs()), 1095, "no duplicates");
}

#[tokio::test]
async fn an_import_that_keeps_failing_says_how_much_was_stored() {
    let fake = Fake::cluster().await;
    let cluster = connect(fake.config()).await;
    cluster.ensure_schema(&SchemaSpec::default()).await.unwrap();
    fake.fault(
        None,
        "/_api/import",
        1,
        FaultKind::Status(404, 1203, "collection or view not found: Device"),
    );
    let t = tenant(6, "Failing Co", 1);
    let err = cluster
        .load_batch(t.id, &documents(6, 1))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, BackendError::NotFound(_)), "{err:?}");
    assert!(
        text.contains("of 1095 document(s) stored") && text.contains("1203"),
        "{text}"
    );
}

#[tokio::test]
async fn loading_before_the_schema_is_refused() {
    let fake = Fake::cluster().await;
    let cluster = connect(fake.config()).await;
    let t = tenant(7, "Early Bird", 1);
    let err = cluster
        .load_batch(t.id, &documents(7, 1))
        .await
        .unwrap_err();
    assert!(
        matches!(err, BackendError::Conflict(ref m) if m.contains("ensure the schema")),
        "{err:?}"
    );
}

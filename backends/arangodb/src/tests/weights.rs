//! Weighing tenants reads every document: pages that ask together, or again soon, share
//! one read; a write of this console's makes the next ask read again.

use axum::http::Method;
use scaleout_domain::port::ClusterBackend;
use scaleout_domain::{Collection, Naming};
use scaleout_port_suite::{load_tenant, tenant};

use super::loaded;
use crate::fake::Fake;

/// Full weighings the fake has answered (one AQL query per collection each).
fn weighings(fake: &Fake) -> usize {
    let queries = fake
        .requests(&Method::POST, "/_api/cursor")
        .into_iter()
        .filter(|r| {
            r.body["query"]
                .as_str()
                .is_some_and(|q| q.contains("AGGREGATE n = COUNT(1)"))
        })
        .count();
    queries / Collection::ALL.len()
}

#[tokio::test]
async fn pages_asking_together_or_soon_share_one_read_and_a_write_reads_again() {
    let acme = tenant(1, "Acme Corp", 1);
    let (fake, cluster) = loaded(&acme).await;

    let (a, b) = tokio::join!(cluster.tenant_weights(), cluster.tenant_weights());
    let first = a.unwrap();
    assert_eq!(first, b.unwrap());
    assert_eq!(first[&acme.id].documents, 1095);
    assert_eq!(cluster.tenant_weights().await.unwrap(), first);
    assert_eq!(weighings(&fake), 1, "asked three times, read once");

    let globex = tenant(2, "Globex", 1);
    load_tenant(&cluster, &globex, Naming::CamelCase).await;
    let after_load = cluster.tenant_weights().await.unwrap();
    assert_eq!(
        after_load[&globex.id].documents, 1095,
        "the new tenant is weighed"
    );
    assert_eq!(weighings(&fake), 2);

    cluster.remove_tenant(acme.id).await.unwrap();
    let after_removal = cluster.tenant_weights().await.unwrap();
    assert!(!after_removal.contains_key(&acme.id), "{after_removal:?}");
    assert_eq!(weighings(&fake), 3);
    fake.assert_clean();
}

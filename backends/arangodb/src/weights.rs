//! What each tenant weighs, kept for a short while. Weighing reads every document once
//! (ArangoDB reports sizes per collection only), and the pages that show it (Tenants,
//! a tenant's page, Servers) ask again on every change anyone makes while they are open:
//! on a large cluster each ask would be a full read. Kept for [`FRESH_FOR`], and forgotten
//! at once when this console writes or removes tenant data; another writer's changes show
//! within that time.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use scaleout_domain::port::BackendError;
use scaleout_domain::tenant_weight::Stored;
use scaleout_domain::TenantId;

/// How long a weighing answers for.
pub(crate) const FRESH_FOR: Duration = Duration::from_secs(30);

type Weights = BTreeMap<TenantId, Stored>;

#[derive(Debug)]
pub(crate) struct WeightsCache {
    fresh_for: Duration,
    /// Bumped by every write: a weighing begun before it is not kept.
    generation: AtomicU64,
    /// The last weighing: its generation, when it began, what it found. One at a time,
    /// so that pages asking together share one read.
    last: tokio::sync::Mutex<Option<(u64, Instant, Weights)>>,
}

impl WeightsCache {
    pub(crate) fn new(fresh_for: Duration) -> Self {
        WeightsCache {
            fresh_for,
            generation: AtomicU64::new(0),
            last: tokio::sync::Mutex::new(None),
        }
    }

    /// The weights, read by `weigh` unless a weighing since the last write is fresh.
    pub(crate) async fn get<F, Fut>(&self, weigh: F) -> Result<Weights, BackendError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Weights, BackendError>>,
    {
        let mut last = self.last.lock().await;
        let generation = self.generation.load(Ordering::SeqCst);
        if let Some((g, began, weights)) = last.as_ref() {
            if *g == generation && began.elapsed() < self.fresh_for {
                return Ok(weights.clone());
            }
        }
        let began = Instant::now();
        let weights = weigh().await?;
        *last = Some((generation, began, weights.clone()));
        Ok(weights)
    }

    /// Tenant data changed: the next ask weighs again.
    pub(crate) fn forget(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    fn one(documents: u64) -> Weights {
        let id = TenantId::parse("0123456789ab").unwrap();
        BTreeMap::from([(
            id,
            Stored {
                documents,
                bytes: documents * 100,
            },
        )])
    }

    #[tokio::test]
    async fn a_fresh_weighing_answers_until_a_write_or_its_time_is_up() {
        let reads = AtomicUsize::new(0);
        let weigh = |n: u64| {
            let reads = &reads;
            move || async move {
                reads.fetch_add(1, Ordering::SeqCst);
                Ok(one(n))
            }
        };
        let cache = WeightsCache::new(Duration::from_secs(60));
        assert_eq!(cache.get(weigh(1)).await.unwrap(), one(1));
        assert_eq!(cache.get(weigh(2)).await.unwrap(), one(1), "kept");
        assert_eq!(reads.load(Ordering::SeqCst), 1);
        cache.forget();
        assert_eq!(
            cache.get(weigh(3)).await.unwrap(),
            one(3),
            "read after a write"
        );
        assert_eq!(reads.load(Ordering::SeqCst), 2);

        let short = WeightsCache::new(Duration::from_millis(20));
        short.get(weigh(4)).await.unwrap();
        tokio::time::sleep(Duration::from_millis(30)).await;
        assert_eq!(
            short.get(weigh(5)).await.unwrap(),
            one(5),
            "read once stale"
        );
    }

    #[tokio::test]
    async fn a_weighing_that_a_write_overtook_is_not_kept() {
        let cache = WeightsCache::new(Duration::from_secs(60));
        // The write lands while the weighing reads.
        let during = cache
            .get(|| async {
                cache.forget();
                Ok(one(1))
            })
            .await
            .unwrap();
        assert_eq!(during, one(1));
        assert_eq!(cache.get(|| async { Ok(one(2)) }).await.unwrap(), one(2));
    }

    #[tokio::test]
    async fn a_failed_weighing_is_not_kept() {
        let cache = WeightsCache::new(Duration::from_secs(60));
        let failed = cache
            .get(|| async { Err(BackendError::Unavailable("down".into())) })
            .await;
        assert!(failed.is_err());
        assert_eq!(cache.get(|| async { Ok(one(7)) }).await.unwrap(), one(7));
    }
}

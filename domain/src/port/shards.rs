//! Shard placement: per collection, and per shard group.
//!
//! In the Disjoint SmartGraph every collection follows the first one's sharding
//! (`distributeShardsLike`), so shard `i` of every collection sits on the same
//! servers: that set is shard group `i`, and it moves as one.

use serde::{Deserialize, Serialize};

use crate::TenantId;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardInfo {
    /// The shard's name (`s1000042`).
    pub id: String,
    /// The shard group (index within the collection's shards).
    pub group: u32,
    /// Short name of the leader's server.
    pub leader: String,
    pub followers: Vec<String>,
    pub documents: u64,
    pub bytes: u64,
    /// Followers are all caught up.
    pub in_sync: bool,
    /// Some replica can serve it (false when its only servers failed).
    pub available: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionShards {
    pub name: String,
    pub shards: Vec<ShardInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardGroup {
    pub index: u32,
    pub leader: String,
    pub followers: Vec<String>,
    pub documents: u64,
    pub bytes: u64,
    /// Tenants whose data lives in this group.
    pub tenants: Vec<TenantId>,
    pub in_sync: bool,
    pub available: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardMap {
    pub number_of_shards: u32,
    pub replication_factor: u32,
    pub collections: Vec<CollectionShards>,
    pub groups: Vec<ShardGroup>,
}

/// The shard a tenant's documents go to: a stable hash of the tenant id (FNV-1a,
/// the same on every platform and release) modulo the number of shards.
pub fn shard_index_for(tenant: TenantId, number_of_shards: u32) -> u32 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in tenant.as_str().bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (hash % u64::from(number_of_shards.max(1))) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_index_is_stable_and_in_range() {
        let t = TenantId::parse("0123456789ab").unwrap();
        assert_eq!(shard_index_for(t, 12), shard_index_for(t, 12));
        for seed in 0..500 {
            assert!(shard_index_for(TenantId::from_seed(seed), 12) < 12);
        }
    }

    #[test]
    fn tenants_spread_over_all_shards() {
        let mut seen = [0u32; 12];
        for seed in 0..1200 {
            seen[shard_index_for(TenantId::from_seed(seed), 12) as usize] += 1;
        }
        assert!(seen.iter().all(|&n| n > 50), "{seen:?}");
    }
}

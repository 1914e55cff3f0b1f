//! Deterministic hashing. std's default `RandomState` reads OS randomness, which this crate
//! must not use; a fixed-key SipHash keeps maps identical across runs (and on wasm32).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, DefaultHasher, Hash, Hasher};

pub(crate) type DetState = BuildHasherDefault<DefaultHasher>;
pub(crate) type DetHashMap<K, V> = HashMap<K, V, DetState>;
pub(crate) type DetHashSet<K> = HashSet<K, DetState>;

/// A 64-bit fingerprint of a value (for compact sets and content comparison).
pub(crate) fn fingerprint<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

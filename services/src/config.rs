//! Where the console keeps its data and finds its browser bundle.

use std::path::PathBuf;

/// File name of the hydration bundle inside `<site>/pkg/`, as written by
/// `scripts/build-site.sh` (wasm-bindgen `--out-name scaleout`).
pub const SITE_WASM_FILE: &str = "scaleout_bg.wasm";

/// Settings every command shares.
#[derive(Debug, Clone)]
pub struct ConsoleConfig {
    /// Directory of the embedded store (`scaleout.db`) and other state.
    pub data_dir: PathBuf,
    /// Root of the static site (CSS, wasm, JS); `None` when no bundle was found.
    pub site_dir: Option<PathBuf>,
    /// Embedded back end: how fast shard moves copy, in bytes per second.
    pub move_rate_bytes_per_sec: Option<u64>,
    /// Proxies in front of the console (`--trusted-proxy`): a request from one of them is
    /// counted (rate limits, logs) under the client address it forwards.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// How rebalances and drains run their moves: side by side, paced, with deadlines.
    pub move_limits: scaleout_domain::execution::MoveLimits,
    /// With this, everything uses ArangoDB; without, the embedded back end.
    pub arango: Option<scaleout_arangodb::ArangoConfig>,
    /// The operator password (SCALEOUT_ADMIN_PASSWORD); without it one is
    /// generated on first start and shown once.
    pub admin_password: Option<Secret>,
    /// Self-service signups: approval, caps and limits.
    pub signup: crate::access::SignupSettings,
    /// With this, new tenant ids follow from the seed and the tenant's name, so a
    /// rehearsed demo (or a test) places the same tenants on the same shards
    /// every run; without, ids are random.
    pub tenant_id_seed: Option<u64>,
    /// Shards of the network_assets SmartGraph, when it is created (default 12);
    /// once it exists, a different value is refused (see `operations::schema`).
    pub number_of_shards: Option<u32>,
    /// Copies of each shard, when the graph is created (default 2); the same rule.
    pub replication_factor: Option<u32>,
    /// How new tenants are placed: balanced by bytes (default) or by the hash of a
    /// random id.
    pub placement: scaleout_domain::tenant_placement::PlacementMode,
}

/// A value that never appears in logs or debug output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl ConsoleConfig {
    /// A config with defaults for everything but the data directory.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        ConsoleConfig {
            data_dir: data_dir.into(),
            site_dir: None,
            move_rate_bytes_per_sec: None,
            move_limits: Default::default(),
            trusted_proxies: Vec::new(),
            arango: None,
            admin_password: None,
            signup: Default::default(),
            tenant_id_seed: None,
            number_of_shards: None,
            replication_factor: None,
            placement: Default::default(),
        }
    }

    /// Path of the embedded back end's SQLite file.
    pub fn embedded_db_path(&self) -> PathBuf {
        self.data_dir.join("scaleout.db")
    }
}

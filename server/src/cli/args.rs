//! The command line, as clap parses it.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use scaleout_domain::Naming;

/// scaleout: onboard tenants, place their shards and scale out the network-asset graph.
#[derive(Debug, Parser)]
// Every command takes these: listed apart from each command's own options.
#[command(name = "scaleout", version, about, long_about = None,
          next_help_heading = "Global options")]
pub struct Cli {
    /// Directory of the console's data: the embedded back end (scaleout.db) and
    /// the tenant and job records (console.db).
    #[arg(long, global = true, env = "SCALEOUT_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Embedded back end: how fast shard moves copy data, in bytes per second (e.g.
    /// 800K, 2M; default 1 MiB/s, so the demo's moves take a few seconds).
    #[arg(long, global = true, env = "SCALEOUT_MOVE_RATE", value_name = "BYTES_PER_SEC",
          value_parser = parse_rate)]
    pub move_rate: Option<u64>,

    /// A shard move the cluster has not started within SECS is stopped, and so is one
    /// that has not ended within SECS plus three times its bytes at the measured rate
    /// (rebalance, server drain, serve, demo, job resume).
    #[arg(long, global = true, env = "SCALEOUT_MOVE_TIMEOUT", value_name = "SECS",
          default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub move_timeout: u64,

    /// A bytes-per-second budget for a whole rebalance or drain, kept by pacing when
    /// moves start (e.g. 50M, 1G, 800K). Unpaced without.
    #[arg(long, global = true, env = "SCALEOUT_MAX_RATE", value_name = "BYTES_PER_SEC",
          value_parser = parse_rate)]
    pub max_rate: Option<u64>,

    /// Data copies at a time into, and out of, each DB server; leader switches run
    /// alongside.
    #[arg(long, global = true, env = "SCALEOUT_COPIES_PER_SERVER", value_name = "N",
          default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=8))]
    pub copies_per_server: u32,

    /// Make new tenant ids reproducible: the same seed and tenant names give the
    /// same ids, so the same shard placement (a rehearsed demo). Random without.
    #[arg(long, global = true, env = "SCALEOUT_TENANT_ID_SEED", value_name = "N")]
    pub tenant_id_seed: Option<u64>,

    /// Shards of the network_assets SmartGraph when it is created (default 12). At
    /// most shards x replication factor DB servers can hold data. Once the graph
    /// exists its value holds: a different one is refused.
    #[arg(long, global = true, env = "SCALEOUT_NUMBER_OF_SHARDS", value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub number_of_shards: Option<u32>,

    /// Copies of each shard when the graph is created (default 2); the same rule.
    #[arg(long, global = true, env = "SCALEOUT_REPLICATION_FACTOR", value_name = "R",
          value_parser = clap::value_parser!(u32).range(1..=10))]
    pub replication_factor: Option<u32>,

    /// How new tenants are placed: `balanced` (each goes to the shard group that leaves
    /// the cluster best balanced by bytes, by choosing its id) or `hash` (wherever a
    /// random id's hash lands).
    #[arg(long, global = true, env = "SCALEOUT_PLACEMENT", default_value = "balanced",
          value_parser = parse_placement)]
    pub placement: scaleout_domain::tenant_placement::PlacementMode,

    /// How logs are written on stderr: `text` for people, `json` (one object per
    /// line) for log shippers.
    #[arg(
        long,
        global = true,
        env = "SCALEOUT_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    pub log_format: LogFormat,

    #[command(flatten)]
    pub arango: ArangoArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Where ArangoDB is, when it is the back end. The password is never echoed:
/// not in --help, logs, errors or output.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "ArangoDB, when it is the back end")]
pub struct ArangoArgs {
    /// ArangoDB Coordinator (or single server) URL; without it the embedded back end is used.
    #[arg(long, global = true, env = "ARANGO_URL")]
    pub arango_url: Option<String>,
    #[arg(long, global = true, env = "ARANGO_USER", default_value = "root")]
    pub arango_user: String,
    #[arg(
        long,
        global = true,
        env = "ARANGO_PASSWORD",
        hide_env_values = true,
        default_value = ""
    )]
    pub arango_password: scaleout_arangodb::Secret,
    #[arg(
        long,
        global = true,
        env = "ARANGO_DATABASE",
        default_value = "network_assets"
    )]
    pub arango_database: String,
    /// How often a shard move asks ArangoDB how its job is doing, in milliseconds.
    #[arg(long, global = true, env = "ARANGO_POLL_MS", value_name = "MS", default_value_t = 1000,
          value_parser = clap::value_parser!(u64).range(5..=60_000))]
    pub arango_poll_ms: u64,
}

impl ArangoArgs {
    pub fn config(&self) -> Option<scaleout_arangodb::ArangoConfig> {
        let url = self
            .arango_url
            .as_deref()
            .filter(|u| !u.trim().is_empty())?;
        let mut config = scaleout_arangodb::ArangoConfig::new(url)
            .with_credentials(self.arango_user.clone(), self.arango_password.clone())
            .with_database(self.arango_database.clone());
        config.poll_interval = std::time::Duration::from_millis(self.arango_poll_ms);
        Some(config)
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web console.
    Serve {
        /// Address to listen on (port 0 picks a free port).
        #[arg(long, env = "SCALEOUT_ADDR", default_value = "127.0.0.1:3000")]
        addr: SocketAddr,
        /// Root of the built site (CSS and the wasm bundle); found next to the
        /// binary when not given.
        #[arg(long, env = "SCALEOUT_SITE_DIR")]
        site_dir: Option<PathBuf>,
        /// The operators' password. Without it, one is generated on first start,
        /// printed once, and only its hash kept (in console.db).
        #[arg(long, env = "SCALEOUT_ADMIN_PASSWORD", hide_env_values = true)]
        admin_password: Option<scaleout_arangodb::Secret>,
        /// Self-service signups wait for an operator's approval before their
        /// tenant is created.
        #[arg(long, env = "SCALEOUT_SIGNUP_APPROVAL")]
        signup_approval: bool,
        /// At most this many signups waiting (for approval or provisioning).
        #[arg(long, env = "SCALEOUT_MAX_PENDING_SIGNUPS", default_value_t = 20)]
        max_pending_signups: u32,
        /// A proxy in front of the console (an address or CIDR range, repeatable; env:
        /// comma-separated): requests from it are counted under the client address it
        /// forwards in X-Forwarded-For (rate limits, logs). Without, the header is ignored.
        #[arg(long = "trusted-proxy", env = "SCALEOUT_TRUSTED_PROXY", value_name = "CIDR",
              value_delimiter = ',', value_parser = parse_net)]
        trusted_proxies: Vec<ipnet::IpNet>,
        /// Serve Prometheus metrics at http://ADDR/metrics, on a listener of their own
        /// (off without; keep ADDR private: 127.0.0.1:9464, or a network only the
        /// scraper reaches).
        #[arg(long, env = "SCALEOUT_METRICS_ADDR", value_name = "ADDR")]
        metrics_addr: Option<SocketAddr>,
    },
    /// Print the console's version and back end.
    Status {
        /// Print the result as JSON (for scripts), nothing else on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Onboard, list and remove tenants.
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Stakeholders' read-only links to the live console.
    #[command(subcommand)]
    Link(LinkCommand),
    /// Self-service signups: list, approve, reject.
    #[command(subcommand)]
    Signup(SignupCommand),
    /// The servers: health, shard groups, leaders, bytes, documents, tenants.
    ServerInfo {
        /// Print the result as JSON (for scripts), nothing else on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Shard groups and their placement, with balance figures.
    ShardInfo {
        /// Print the result as JSON (for scripts), nothing else on stdout.
        #[arg(long)]
        json: bool,
    },
    /// DB servers: add (embedded back end), drain, remove.
    #[command(subcommand)]
    Server(ServerCommand),
    /// Plan a rebalance of the cluster (and execute it with --execute).
    Rebalance {
        /// Plan as if this many empty servers were added (plan only).
        #[arg(long, default_value_t = 0)]
        what_if_servers: u32,
        /// Execute the plan, move by move.
        #[arg(long)]
        execute: bool,
        /// Print the result as JSON (for scripts), nothing else on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Check every tenant's isolation and integrity.
    Validate {
        /// Print the result as JSON (for scripts), nothing else on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Run the scale-out demo: tenants, servers, rebalance, validation, report.
    Demo {
        /// Save the report (JSON and Markdown) in DIR (default: reports).
        #[arg(long, value_name = "DIR", num_args = 0..=1, default_missing_value = "reports")]
        save_report: Option<PathBuf>,
        /// camelCase or snake_case: the collections' naming (default: the database's;
        /// camelCase in a new one).
        #[arg(long, value_parser = parse_naming)]
        naming: Option<Naming>,
        /// Print the result as JSON (for scripts), nothing else on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Plan a rebalance offline from a saved snapshot, with no back end.
    Plan {
        /// ArangoDB's /_admin/cluster/shardDistribution response, or
        /// `scaleout shard-info --json` output.
        #[arg(long)]
        snapshot: PathBuf,
        /// JSON object: shard id -> bytes (for shardDistribution input).
        #[arg(long)]
        sizes: Option<PathBuf>,
        /// Plan as if this many empty servers were added.
        #[arg(long, default_value_t = 0)]
        what_if_servers: u32,
        /// A server to empty (repeatable).
        #[arg(long)]
        drain: Vec<String>,
        /// At most this many moves (the most useful first).
        #[arg(long)]
        max_moves: Option<u32>,
        /// Print the result as JSON (for scripts), nothing else on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Jobs: list, show, resume after a crash, cancel.
    #[command(subcommand)]
    Job(JobCommand),
    /// The team's accounts: add, list, set a role, reset a password, disable.
    #[command(subcommand)]
    User(UserCommand),
    /// The audit trail: every change and refused attempt, newest first.
    Audit {
        /// Only entries from then on: an age (30m, 24h, 7d) or a UTC time
        /// (2026-12-06 or 2026-12-06T04:00:00Z).
        #[arg(long)]
        since: Option<String>,
        /// Only this actor's (an account name, cli:<user>, link:<id>, anonymous).
        #[arg(long)]
        actor: Option<String>,
        /// Only actions starting with this (tenants/, cluster/add-servers, user).
        #[arg(long)]
        action: Option<String>,
        /// At most this many entries (up to 1000).
        #[arg(long, default_value_t = 200)]
        limit: u32,
        /// Print the result as JSON (for scripts), nothing else on stdout.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Make an account; prints its password once.
    Add {
        name: String,
        /// admin (everything, manages accounts), operator (every cluster and tenant
        /// action) or viewer (reads every page, changes nothing).
        #[arg(long)]
        role: String,
        /// Print the result as JSON (for scripts), nothing else on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Every account with its role and state.
    List {
        /// Print the result as JSON (for scripts), nothing else on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Give an account another role (from its next request on).
    SetRole { name: String, role: String },
    /// A new password, printed once (or read from stdin with --password-stdin: at
    /// least 12 characters). The account's sessions end.
    ResetPassword {
        name: String,
        #[arg(long)]
        password_stdin: bool,
        /// Print the result as JSON (for scripts), nothing else on stdout.
        #[arg(long)]
        json: bool,
    },
    /// The account cannot log in; its sessions end at their next request.
    Disable { name: String },
    /// A disabled account may log in again.
    Enable { name: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// Onboard one tenant.
    Add {
        /// The company's name, as people will read it ("Acme Corp"; up to 80 characters).
        #[arg(long)]
        tenant_name: String,
        /// Its size: s gives 1,095 x s documents (s=1: 20 devices, 30 programs, 5
        /// locations); 1 to 1000.
        #[arg(long, default_value_t = 1)]
        scale_factor: i64,
        /// camelCase or snake_case: the collections' naming (default: the database's;
        /// camelCase in a new one).
        #[arg(long, value_parser = parse_naming)]
        naming: Option<Naming>,
        /// Print the result as JSON (for scripts), nothing else on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Onboard Retail Chain Corp (s=2), Manufacturing Inc (1) and Tech Startup (1).
    AddBatch {
        /// camelCase or snake_case: the collections' naming (default: the database's;
        /// camelCase in a new one).
        #[arg(long, value_parser = parse_naming)]
        naming: Option<Naming>,
        /// Print the result as JSON (for scripts), nothing else on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Onboard a customer list: a CSV with a header (name,scale_factor[,naming]) or
    /// JSON lines with the same fields. Invalid rows are reported with their line and
    /// reason (exit 1; the valid ones are still onboarded); a rerun skips the tenants
    /// already onboarded and finishes the rest.
    Import {
        /// The list: a CSV or JSON-lines file.
        file: std::path::PathBuf,
        /// camelCase or snake_case, for rows that do not say (default: the
        /// database's; camelCase in a new one).
        #[arg(long, value_parser = parse_naming)]
        naming: Option<Naming>,
        /// Tenants onboarded at once (1-32).
        #[arg(long, default_value_t = scaleout_services::operations::onboard_many::DEFAULT_CONCURRENCY,
              value_parser = clap::value_parser!(u32).range(1..=i64::from(scaleout_services::operations::onboard_many::MAX_CONCURRENCY)))]
        concurrency: u32,
        /// Print the result as JSON (for scripts), nothing else on stdout.
        #[arg(long)]
        json: bool,
    },
    /// List tenants with their size, status and placement.
    List {
        /// Print the result as JSON (for scripts), nothing else on stdout.
        #[arg(long)]
        json: bool,
    },
    /// One tenant: documents against the spec, isolation, and its network at a time.
    Show {
        /// The tenant id (12 hex characters) or its name ("Acme Corp").
        id: String,
        /// When to show the network: epoch seconds, 2026-11-24 or 2026-11-24T11:37:21Z
        /// (UTC). Default: onboarding, the latest.
        #[arg(long, value_parser = parse_at)]
        at: Option<i64>,
        /// Page of the network (whole locations, at most 12 locations and 120 devices).
        #[arg(long, default_value_t = 1)]
        page: u32,
        /// Print the result as JSON (for scripts), nothing else on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Remove a tenant and all its data (asks first; --yes for scripts).
    Remove {
        /// The tenant id (12 hex characters) or its name ("Acme Corp").
        id: String,
        /// Do not ask: needed without a terminal (scripts).
        #[arg(long, short = 'y')]
        yes: bool,
        /// Print the result as JSON (for scripts), nothing else on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Delete data stored under a tenant id the registry does not know (what
    /// `validate` reports as unregistered). A registered tenant is refused. Asks first.
    Purge {
        /// The unregistered tenant id (12 hex characters).
        id: String,
        /// Do not ask: needed without a terminal (scripts).
        #[arg(long, short = 'y')]
        yes: bool,
        /// Print the result as JSON (for scripts), nothing else on stdout.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ServerCommand {
    /// Add empty DB servers; a rebalance puts shards on them.
    Add {
        /// How many servers to add.
        #[arg(long, default_value_t = 1)]
        count: u32,
        /// Print the result as JSON (for scripts), nothing else on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Plan moving every replica and leader off a DB server (the rest kept balanced);
    /// with --execute, carry it out, each move verified.
    Drain {
        /// The server's short name (DBServer0003) or id.
        server: String,
        /// Carry the plan out, move by move (without: show the plan only).
        #[arg(long)]
        execute: bool,
        /// Print the result as JSON (for scripts), nothing else on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Remove a DB server that holds nothing (refused, naming what it holds, otherwise).
    /// On ArangoDB: checks it is empty and says how to retire its process.
    Remove {
        /// The server's short name (DBServer0003) or id.
        server: String,
        /// Print the result as JSON (for scripts), nothing else on stdout.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum JobCommand {
    /// Recent jobs, newest first.
    List {
        /// At most this many jobs (up to 200).
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=200))]
        limit: u32,
        /// Only jobs numbered below this one: the next page after a list that ended there.
        #[arg(long)]
        before: Option<u64>,
        /// Print the result as JSON (for scripts), nothing else on stdout.
        #[arg(long)]
        json: bool,
    },
    /// One job with its progress log: where each step began and ended, and every outcome.
    Show {
        id: u64,
        /// Every progress update too (a rebalance logs hundreds).
        #[arg(long)]
        all: bool,
        /// Print the result as JSON (for scripts), nothing else on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Run an interrupted job again to completion.
    Resume {
        id: u64,
        /// Print the result as JSON (for scripts), nothing else on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Ask a running job to stop at its next safe point.
    Cancel { id: u64 },
}

/// "10.0.0.0/8", "192.0.2.7" (one address), "::1".
fn parse_net(s: &str) -> Result<ipnet::IpNet, String> {
    let t = s.trim();
    t.parse::<ipnet::IpNet>()
        .or_else(|_| t.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("{s:?} is not an address or CIDR range (e.g. 10.0.0.0/8, 192.0.2.7)"))
}

/// "50M", "1G", "800K", "1048576": bytes per second (K, M, G are powers of 1024).
fn parse_rate(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (digits, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => t.split_at(i),
        None => (t, ""),
    };
    let scale: u64 = match unit
        .trim()
        .to_ascii_uppercase()
        .trim_end_matches("/S")
        .trim_end_matches("IB")
        .trim_end_matches('B')
    {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        _ => {
            return Err(format!(
                "{s:?} is not a rate: use bytes per second, or 800K, 50M, 1G"
            ))
        }
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("{s:?} is not a rate: use bytes per second, or 800K, 50M, 1G"))?;
    match n.checked_mul(scale) {
        Some(0) | None => Err(format!(
            "{s:?}: the rate must be between 1 byte and 16 EiB per second"
        )),
        Some(v) => Ok(v),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_rate;

    #[test]
    fn rates_read_with_units() {
        assert_eq!(parse_rate("1048576"), Ok(1 << 20));
        assert_eq!(parse_rate("50M"), Ok(50 << 20));
        assert_eq!(parse_rate("800k"), Ok(800 << 10));
        assert_eq!(parse_rate("1GiB/s"), Ok(1 << 30));
        assert!(parse_rate("0").is_err());
        assert!(parse_rate("fast").is_err());
        assert!(parse_rate("5T").is_err());
        assert!(parse_rate("").is_err());
    }
}

fn parse_at(s: &str) -> Result<i64, String> {
    scaleout_domain::time::parse_moment(s).ok_or_else(|| {
        format!("{s:?} is not a time: use epoch seconds, 2026-11-24 or 2026-11-24T11:37:21Z")
    })
}

fn parse_placement(s: &str) -> Result<scaleout_domain::tenant_placement::PlacementMode, String> {
    s.parse()
}

fn parse_naming(s: &str) -> Result<Naming, String> {
    s.parse()
        .map_err(|_| format!("{s:?} is not a naming convention: use camelCase or snake_case"))
}

#[derive(Debug, Subcommand)]
pub enum LinkCommand {
    /// Create a read-only link; prints the path to share (shown once).
    Create {
        /// Who it is for.
        #[arg(long)]
        label: String,
        /// How long it works, in hours (at most 720).
        #[arg(long, default_value_t = 24)]
        hours: u32,
        /// Print the result as JSON (for scripts), nothing else on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Every link, newest first.
    List {
        /// Print the result as JSON (for scripts), nothing else on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a link: its sessions end at their next request.
    Revoke { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum SignupCommand {
    /// Every signup, newest first.
    List {
        /// Print the result as JSON (for scripts), nothing else on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Approve a pending signup: its tenant is created.
    Approve { id: i64 },
    /// Decline a pending signup, saying why (the customer reads it).
    Reject {
        id: i64,
        #[arg(long)]
        reason: String,
    },
    /// Close a signup's portal to everyone who has it (its personal links, the browser that
    /// signed up) and print a new personal link for the customer.
    RevokePortalLinks { id: i64 },
}

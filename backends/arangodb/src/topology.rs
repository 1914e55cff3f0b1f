//! Who the adapter talks to: version (`/_api/version`), role (`/_admin/server/role`),
//! edition (`/_admin/license`, because `/_api/version` says "enterprise" even for 3.12
//! community builds) and the cluster's servers (`/_admin/cluster/health`).

use serde_json::Value;

use scaleout_domain::port::{ClusterMode, ServerHealth, ServerInfo, ServerRole};

/// A release number; pre-release suffixes (`-devel`, `-2`) are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl Version {
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        Version {
            major,
            minor,
            patch,
        }
    }

    /// Reads `3.12.10`, `3.12.5-2`, `3.13.0-devel`, `3.12`.
    pub fn parse(text: &str) -> Option<Version> {
        let mut parts = text.trim().split('.');
        let number = |p: Option<&str>| -> Option<u32> {
            let digits: String = p?.chars().take_while(|c| c.is_ascii_digit()).collect();
            digits.parse().ok()
        };
        let major = number(parts.next())?;
        let minor = number(parts.next())?;
        let patch = number(parts.next()).unwrap_or(0);
        Some(Version::new(major, minor, patch))
    }
}

/// The first release whose community edition has SmartGraphs.
pub const COMMUNITY_SMARTGRAPHS_SINCE: Version = Version::new(3, 12, 5);

/// What `GET /_api/version?details=true` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionInfo {
    pub version: String,
    /// The `license` field: unreliable in 3.12 (see [`parse_license`]).
    pub license: Option<String>,
}

pub fn parse_version(v: &Value) -> Result<VersionInfo, String> {
    let version = v
        .get("version")
        .and_then(Value::as_str)
        .ok_or("no version in the answer")?
        .to_owned();
    Ok(VersionInfo {
        version,
        license: v.get("license").and_then(Value::as_str).map(str::to_owned),
    })
}

/// The server the console is connected to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Single,
    Coordinator,
}

/// Reads `GET /_admin/server/role`; DB servers and agents are refused (the console must
/// talk to a Coordinator of a cluster).
pub fn parse_role(v: &Value) -> Result<Role, String> {
    match v.get("role").and_then(Value::as_str) {
        Some("SINGLE") => Ok(Role::Single),
        Some("COORDINATOR") => Ok(Role::Coordinator),
        Some(other) => Err(format!(
            "the ArangoDB URL points to a {other} server: give the URL of a Coordinator (or of a single server)"
        )),
        None => Err("no role in the answer".into()),
    }
}

/// Enterprise or community, as `/_admin/license` tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edition {
    Enterprise,
    /// With the dataset limit the community edition has since 3.12.5 (100 GiB), when shown.
    Community {
        dataset_limit_bytes: Option<u64>,
    },
    /// The endpoint gave nothing recognisable.
    Unknown,
}

impl Edition {
    pub fn label(&self) -> &'static str {
        match self {
            Edition::Enterprise => "enterprise",
            Edition::Community { .. } => "community",
            Edition::Unknown => "unknown",
        }
    }
}

/// Reads `GET /_admin/license`, which has three shapes: a `diskUsage` block (the 3.12.5+
/// community edition and its dataset limit), `features`/`status`/... (an enterprise
/// license), or `{"license":"none"}` (an older community edition).
pub fn parse_license(v: &Value) -> Edition {
    if let Some(usage) = v.get("diskUsage") {
        return Edition::Community {
            dataset_limit_bytes: usage.get("bytesLimit").and_then(Value::as_u64),
        };
    }
    if v.get("features").is_some() || v.get("status").is_some() || v.get("expires").is_some() {
        return Edition::Enterprise;
    }
    match v.get("license").and_then(Value::as_str) {
        Some("none") => Edition::Community {
            dataset_limit_bytes: None,
        },
        _ => Edition::Unknown,
    }
}

/// When `/_admin/license` is missing (before 3.9): the version's `license` field, which
/// was reliable then.
pub fn edition_from_version(info: &VersionInfo) -> Edition {
    match info.license.as_deref() {
        Some("enterprise") => Edition::Enterprise,
        Some("community") => Edition::Community {
            dataset_limit_bytes: None,
        },
        _ => Edition::Unknown,
    }
}

/// Whether this server can hold the Disjoint SmartGraph; the error says what to do.
pub fn smart_graphs_available(version: &str, edition: &Edition) -> Result<(), String> {
    match edition {
        Edition::Enterprise | Edition::Unknown => Ok(()),
        Edition::Community { .. } => match Version::parse(version) {
            Some(v) if v >= COMMUNITY_SMARTGRAPHS_SINCE => Ok(()),
            _ => Err(format!(
                "ArangoDB {version} community edition has no SmartGraphs, which keep every \
                 tenant's data together and apart from the others (the community edition has \
                 them from 3.12.5 on): upgrade ArangoDB to 3.12.5 or later, use the enterprise \
                 edition, or run the console without --arango-url to use the embedded back end"
            )),
        },
    }
}

/// What the adapter learnt about the server when it connected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerDescription {
    pub version: String,
    pub mode: ClusterMode,
    pub edition: Edition,
    /// The server's own id on a single server (`/_admin/status`), for the overview.
    pub single_server_id: Option<String>,
}

impl ServerDescription {
    pub fn smart_graphs_available(&self) -> Result<(), String> {
        smart_graphs_available(&self.version, &self.edition)
    }
}

/// The short name a single server shows under (it has no `DBServer0001` name).
pub const SINGLE_SERVER_NAME: &str = "Single";

/// The server id in `GET /_admin/status` (`serverInfo.serverId`, else `persistedId`).
pub fn parse_status_server_id(v: &Value) -> Option<String> {
    let info = v.get("serverInfo")?;
    info.get("serverId")
        .or_else(|| info.get("persistedId"))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn role_of(text: &str) -> Option<ServerRole> {
    match text {
        "DBServer" => Some(ServerRole::DbServer),
        "Coordinator" => Some(ServerRole::Coordinator),
        "Agent" => Some(ServerRole::Agent),
        _ => None,
    }
}

fn health_of(text: Option<&str>) -> ServerHealth {
    match text {
        Some("GOOD") => ServerHealth::Good,
        Some("FAILED") => ServerHealth::Failed,
        // BAD, and anything a newer release may add, is "not good yet".
        _ => ServerHealth::Bad,
    }
}

/// Reads `GET /_admin/cluster/health`: every server with its long id, short name, role and
/// status. DB servers come first, then coordinators, then agents, each by short name.
pub fn parse_health(v: &Value) -> Result<Vec<ServerInfo>, String> {
    let health = v
        .get("Health")
        .and_then(Value::as_object)
        .ok_or("no Health object in the answer")?;
    let mut servers: Vec<ServerInfo> = health
        .iter()
        .filter_map(|(id, entry)| {
            let role = role_of(entry.get("Role").and_then(Value::as_str)?)?;
            let short_name = entry
                .get("ShortName")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .unwrap_or(id)
                .to_owned();
            Some(ServerInfo {
                id: id.clone(),
                short_name,
                role,
                health: health_of(entry.get("Status").and_then(Value::as_str)),
            })
        })
        .collect();
    let rank = |r: ServerRole| match r {
        ServerRole::DbServer | ServerRole::Single => 0,
        ServerRole::Coordinator => 1,
        ServerRole::Agent => 2,
    };
    servers.sort_by(|a, b| {
        (rank(a.role), &a.short_name, &a.id).cmp(&(rank(b.role), &b.short_name, &b.id))
    });
    Ok(servers)
}

/// The single server as the one server of the overview.
pub fn single_server(id: Option<&str>) -> ServerInfo {
    ServerInfo {
        id: id.unwrap_or("SNGL").to_owned(),
        short_name: SINGLE_SERVER_NAME.to_owned(),
        role: ServerRole::Single,
        health: ServerHealth::Good,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn versions() {
        assert_eq!(Version::parse("3.12.10"), Some(Version::new(3, 12, 10)));
        assert_eq!(Version::parse("3.12.5-2"), Some(Version::new(3, 12, 5)));
        assert_eq!(Version::parse("3.13.0-devel"), Some(Version::new(3, 13, 0)));
        assert_eq!(Version::parse("3.12"), Some(Version::new(3, 12, 0)));
        assert_eq!(Version::parse("x"), None);
        assert!(Version::new(3, 12, 10) > COMMUNITY_SMARTGRAPHS_SINCE);
        assert!(Version::new(3, 11, 99) < COMMUNITY_SMARTGRAPHS_SINCE);
    }

    #[test]
    fn three_license_shapes() {
        let community = json!({"upgrading": false, "diskUsage": {"bytesUsed": 1, "bytesLimit": 107374182400u64, "status": "good"}});
        assert_eq!(
            parse_license(&community),
            Edition::Community {
                dataset_limit_bytes: Some(107_374_182_400)
            }
        );
        let enterprise = json!({"features": {"expires": 1900000000}, "license": "JD4E...", "version": 1, "status": "good", "hash": "abc"});
        assert_eq!(parse_license(&enterprise), Edition::Enterprise);
        let old = json!({"license": "none"});
        assert_eq!(
            parse_license(&old),
            Edition::Community {
                dataset_limit_bytes: None
            }
        );
        assert_eq!(parse_license(&json!({})), Edition::Unknown);
    }

    #[test]
    fn smartgraphs_need_enterprise_or_3_12_5() {
        let community = Edition::Community {
            dataset_limit_bytes: None,
        };
        assert!(smart_graphs_available("3.12.5", &community).is_ok());
        assert!(smart_graphs_available("3.12.10", &community).is_ok());
        let err = smart_graphs_available("3.12.4", &community).unwrap_err();
        assert!(err.contains("3.12.5") && err.contains("embedded"), "{err}");
        assert!(smart_graphs_available("3.11.14", &community).is_err());
        assert!(smart_graphs_available("3.11.14", &Edition::Enterprise).is_ok());
    }

    #[test]
    fn roles() {
        assert_eq!(parse_role(&json!({"role": "SINGLE"})), Ok(Role::Single));
        assert_eq!(
            parse_role(&json!({"role": "COORDINATOR", "mode": "default"})),
            Ok(Role::Coordinator)
        );
        let err = parse_role(&json!({"role": "PRIMARY"})).unwrap_err();
        assert!(err.contains("Coordinator"), "{err}");
    }

    #[test]
    fn health_uses_long_ids_and_short_names() {
        let v = json!({"Health": {
            "PRMR-b": {"Role": "DBServer", "ShortName": "DBServer0002", "Status": "FAILED", "Endpoint": "tcp://b:8530"},
            "PRMR-a": {"Role": "DBServer", "ShortName": "DBServer0001", "Status": "GOOD"},
            "CRDN-a": {"Role": "Coordinator", "ShortName": "Coordinator0001", "Status": "GOOD"},
            "AGNT-a": {"Role": "Agent", "Status": "GOOD", "LastAckedTime": 0.1, "Leading": true},
            "XXXX-a": {"Role": "Something", "Status": "GOOD"}
        }, "ClusterId": "c", "error": false, "code": 200});
        let servers = parse_health(&v).unwrap();
        let names: Vec<&str> = servers.iter().map(|s| s.short_name.as_str()).collect();
        assert_eq!(
            names,
            ["DBServer0001", "DBServer0002", "Coordinator0001", "AGNT-a"]
        );
        assert_eq!(servers[0].id, "PRMR-a");
        assert_eq!(servers[1].health, ServerHealth::Failed);
        assert_eq!(servers[3].role, ServerRole::Agent);
        assert!(parse_health(&json!({})).is_err());
    }
}

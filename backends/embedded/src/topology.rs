//! The simulated cluster's servers and its schema settings, as stored.

use rusqlite::{params, Connection, OptionalExtension};
use scaleout_domain::port::{BackendError, SchemaSpec, ServerHealth, ServerInfo, ServerRole};

use crate::store::storage;

/// A new store starts as ArangoDB's smallest sensible cluster.
const INITIAL_DB_SERVERS: u32 = 3;
const INITIAL_COORDINATORS: u32 = 1;
const INITIAL_AGENTS: u32 = 3;

/// Creates the initial cluster when the store has no servers yet.
pub fn ensure_initial_servers(conn: &Connection) -> Result<(), BackendError> {
    let count: i64 = conn
        .query_row("SELECT COUNT(*) FROM servers", [], |r| r.get(0))
        .map_err(storage)?;
    if count > 0 {
        return Ok(());
    }
    for (role, prefix, n) in [
        (ServerRole::DbServer, "DBServer", INITIAL_DB_SERVERS),
        (ServerRole::Coordinator, "Coordinator", INITIAL_COORDINATORS),
        (ServerRole::Agent, "Agent", INITIAL_AGENTS),
    ] {
        for i in 1..=n {
            insert_server(conn, &short_name(prefix, i), role, i)?;
        }
    }
    Ok(())
}

fn short_name(prefix: &str, ordinal: u32) -> String {
    format!("{prefix}{ordinal:04}")
}

fn insert_server(
    conn: &Connection,
    name: &str,
    role: ServerRole,
    ordinal: u32,
) -> Result<(), BackendError> {
    conn.execute(
        "INSERT INTO servers (short_name, role, health, ordinal) VALUES (?1, ?2, ?3, ?4)",
        params![
            name,
            role_text(role),
            health_text(ServerHealth::Good),
            ordinal
        ],
    )
    .map_err(storage)?;
    Ok(())
}

/// Every server, DB servers first, in ordinal order.
pub fn list_servers(conn: &Connection) -> Result<Vec<ServerInfo>, BackendError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT short_name, role, health FROM servers
             ORDER BY CASE role WHEN 'DbServer' THEN 0 WHEN 'Coordinator' THEN 1 ELSE 2 END, ordinal",
        )
        .map_err(storage)?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .map_err(storage)?;
    let mut servers = Vec::new();
    for row in rows {
        let (name, role, health) = row.map_err(storage)?;
        servers.push(ServerInfo {
            id: name.clone(),
            short_name: name,
            role: parse_role(&role)?,
            health: parse_health(&health)?,
        });
    }
    Ok(servers)
}

/// The server, or a `NotFound` naming the ones that exist.
pub fn find_server(conn: &Connection, name: &str) -> Result<ServerInfo, BackendError> {
    let servers = list_servers(conn)?;
    servers
        .iter()
        .find(|s| s.short_name == name || s.id == name)
        .cloned()
        .ok_or_else(|| {
            let known: Vec<&str> = servers
                .iter()
                .filter(|s| s.role == ServerRole::DbServer)
                .map(|s| s.short_name.as_str())
                .collect();
            BackendError::NotFound(format!(
                "there is no server {name:?}; DB servers: {}",
                known.join(", ")
            ))
        })
}

/// A healthy DB server, or a message saying why it is not one.
pub fn require_db_server(conn: &Connection, name: &str) -> Result<ServerInfo, BackendError> {
    let server = find_server(conn, name)?;
    if server.role != ServerRole::DbServer {
        return Err(BackendError::Invalid(format!("{name} is not a DB server")));
    }
    Ok(server)
}

pub fn set_health(conn: &Connection, name: &str, health: ServerHealth) -> Result<(), BackendError> {
    conn.execute(
        "UPDATE servers SET health = ?2 WHERE short_name = ?1",
        params![name, health_text(health)],
    )
    .map_err(storage)?;
    Ok(())
}

/// Appends `count` DB servers after the highest existing number.
pub fn add_db_servers(conn: &Connection, count: u32) -> Result<Vec<ServerInfo>, BackendError> {
    if count == 0 || count > 64 {
        return Err(BackendError::Invalid(format!(
            "add 1 to 64 DB servers at a time (asked for {count})"
        )));
    }
    let highest: u32 = conn
        .query_row(
            "SELECT COALESCE(MAX(ordinal), 0) FROM servers WHERE role = 'DbServer'",
            [],
            |r| r.get(0),
        )
        .map_err(storage)?;
    let mut added = Vec::new();
    for i in 1..=count {
        let name = short_name("DBServer", highest + i);
        insert_server(conn, &name, ServerRole::DbServer, highest + i)?;
        added.push(ServerInfo {
            id: name.clone(),
            short_name: name,
            role: ServerRole::DbServer,
            health: ServerHealth::Good,
        });
    }
    Ok(added)
}

pub fn delete_server(conn: &Connection, name: &str) -> Result<(), BackendError> {
    conn.execute("DELETE FROM servers WHERE short_name = ?1", params![name])
        .map_err(storage)?;
    Ok(())
}

/// The schema settings, once `ensure_schema` has run.
pub fn read_schema(conn: &Connection) -> Result<Option<SchemaSpec>, BackendError> {
    let raw: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| {
            r.get(0)
        })
        .optional()
        .map_err(storage)?;
    raw.map(|json| {
        serde_json::from_str(&json)
            .map_err(|e| BackendError::Storage(format!("unreadable schema record: {e}")))
    })
    .transpose()
}

pub fn write_schema(conn: &Connection, spec: &SchemaSpec) -> Result<(), BackendError> {
    let json = serde_json::to_string(spec).expect("schema spec serialises");
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('schema', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![json],
    )
    .map_err(storage)?;
    Ok(())
}

/// The schema, or the error every data operation gives before it exists.
pub fn require_schema(conn: &Connection) -> Result<SchemaSpec, BackendError> {
    read_schema(conn)?.ok_or_else(|| {
        BackendError::Conflict(
            "the network_assets SmartGraph does not exist yet: ensure the schema first (adding a tenant does)".into(),
        )
    })
}

fn role_text(role: ServerRole) -> &'static str {
    match role {
        ServerRole::DbServer => "DbServer",
        ServerRole::Coordinator => "Coordinator",
        ServerRole::Agent => "Agent",
        ServerRole::Single => "Single",
    }
}

fn parse_role(s: &str) -> Result<ServerRole, BackendError> {
    Ok(match s {
        "DbServer" => ServerRole::DbServer,
        "Coordinator" => ServerRole::Coordinator,
        "Agent" => ServerRole::Agent,
        "Single" => ServerRole::Single,
        other => {
            return Err(BackendError::Storage(format!(
                "unknown server role {other:?} in the store"
            )))
        }
    })
}

pub fn health_text(h: ServerHealth) -> &'static str {
    match h {
        ServerHealth::Good => "GOOD",
        ServerHealth::Bad => "BAD",
        ServerHealth::Failed => "FAILED",
    }
}

fn parse_health(s: &str) -> Result<ServerHealth, BackendError> {
    Ok(match s {
        "GOOD" => ServerHealth::Good,
        "BAD" => ServerHealth::Bad,
        "FAILED" => ServerHealth::Failed,
        other => {
            return Err(BackendError::Storage(format!(
                "unknown server health {other:?} in the store"
            )))
        }
    })
}

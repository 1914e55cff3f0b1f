//! A fake ArangoDB: an axum server on 127.0.0.1:0 that keeps a Disjoint SmartGraph in
//! memory and answers the endpoints the adapter uses with ArangoDB's shapes. It checks the
//! requests' shapes as it goes (auth header, query parameters, bodies, bind variables, no
//! literal in query texts) and records every request; problems are collected in
//! `violations` (a panic inside a handler would only look like a dropped connection).
//!
//! Faults can be injected per path: an error status, a delay (for client timeouts), a 401.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use scaleout_domain::port::shard_index_for;
use scaleout_domain::TenantId;

use crate::{ArangoConfig, AuthMethod, RetryPolicy};

mod aql;
mod data;
mod jobs;

pub const PASSWORD: &str = "fake-pass-123";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Cluster,
    Single,
}

#[derive(Debug, Clone)]
pub enum FaultKind {
    /// Answer with this status and error envelope.
    Status(u16, i64, &'static str),
    /// Wait this long before handling the request normally.
    Sleep(Duration),
    /// Handle the request at once (it takes effect, as an agency write does), but answer
    /// only after this long: a client that gives up first loses the answer, not the effect.
    LateAnswer(Duration),
    /// Handle the request (it takes effect), then answer with this error, as a Coordinator
    /// that timed out waiting for the cluster after it had begun.
    ActThen(u16, i64, &'static str),
    /// Forget the presented token and answer 401.
    Unauthorized,
}

#[derive(Debug, Clone)]
pub struct Fault {
    pub method: Option<Method>,
    pub path_contains: &'static str,
    pub times: u32,
    pub kind: FaultKind,
}

/// One request as the fake saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: Method,
    pub path: String,
    pub query: BTreeMap<String, String>,
    pub body: Value,
    pub body_len: usize,
    pub authorization: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Job {
    pub status: &'static str,
    pub polls: u32,
    pub(super) group: usize,
    pub(super) from: usize,
    pub(super) to: usize,
    pub(super) remains_follower: bool,
    /// cancelAgencyJob only sets this flag; the supervision acts on it at a later poll.
    pub(super) abort_requested: bool,
    /// In its last phase (a cancel came too late): it ends Finished at the next look.
    pub(super) ending: bool,
    pub(super) reason: Option<String>,
}

/// What the supervision makes of an abort (moves.md, "Cancelling").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AbortOutcome {
    /// Failed ("Killed via API"), the data where it was.
    #[default]
    Reverted,
    /// A leader move whose new leader is already in the Plan: Failed, but the new
    /// leader stays ("job aborted (2) - new leader already in place").
    Forwards,
    /// The move was in its last phase: it ends Finished all the same.
    Finishes,
    /// The cancel lost a race with the job's end: 412 "Job is no longer pending or to
    /// do" while the job still read Pending a moment before; it ends Finished.
    TooLate,
}

#[derive(Debug, Clone, Default)]
pub struct Coll {
    pub id: String,
    pub edge: bool,
    pub shards: Vec<String>,
    pub docs: BTreeMap<String, Value>,
}

#[derive(Debug)]
pub struct State {
    pub mode: Mode,
    pub version: String,
    pub license: Value,
    pub jwt_lifetime_secs: u64,
    /// Long id, short name, role, status.
    pub servers: Vec<(String, String, &'static str, &'static str)>,
    pub tokens: HashMap<String, u64>,
    pub logins: u32,
    pub unauthorized_answers: u32,
    pub faults: Vec<Fault>,
    pub requests: Vec<Seen>,
    pub violations: Vec<String>,
    pub databases: BTreeSet<String>,
    pub graph: Option<Value>,
    pub collections: BTreeMap<String, Coll>,
    pub indexes: BTreeSet<(String, String)>,
    /// Per shard group: leader and followers (indexes into `servers`).
    pub groups: Vec<(usize, Vec<usize>)>,
    pub cursors: HashMap<String, VecDeque<Value>>,
    pub next_id: u64,
    pub jobs: BTreeMap<String, Job>,
    /// queryAgencyJob answers before a job is Finished (`u32::MAX`: never).
    pub polls_to_finish: u32,
    pub nested_job_shape: bool,
    /// Import requests being handled now, and the most at once.
    pub imports_in_flight: usize,
    pub max_imports_in_flight: usize,
    /// Keys the import refuses ("illegal document key").
    pub refuse_keys: BTreeSet<String>,
    /// Jobs fail with this reason instead of finishing.
    pub fail_jobs_with: Option<&'static str>,
    /// Runs without authentication: `/_open/auth` answers 404 (as documented) and no
    /// request needs credentials.
    pub auth_disabled: bool,
    /// Databases the user may not use: a valid token still gets 401 with errorNum 11.
    pub no_access: BTreeSet<String>,
    /// A graph still being created (its collections exist): it appears after this many
    /// more reads of it, as after a creation that timed out on the client's side.
    pub late_graph: Option<(Value, u32)>,
    /// A new graph becomes readable only this many reads after its creation (ArangoDB
    /// writes the `_graphs` entry after the collections).
    pub graph_lag: u32,
    /// How an aborted job ends, and after how many more polls of it.
    pub abort_outcome: AbortOutcome,
    pub abort_after_polls: u32,
    /// Jobs never leave ToDo (target or shard locked by another job, target BAD, or a
    /// leader move waiting for every clone to be in sync).
    pub stuck_in_todo: bool,
    /// How many reads a replica a finished job added stays out of Current (its copy still
    /// catching up, as on a real cluster); a leader switch onto it waits in ToDo meanwhile.
    pub sync_lag: u32,
    /// Group -> (server, reads left) of such replicas.
    pub syncing: BTreeMap<usize, (usize, u32)>,
    /// The user is an admin: without, queryAgencyJob and cancelAgencyJob answer 403
    /// (moves.md: a user may start a move it cannot watch).
    pub admin: bool,
}

impl State {
    fn new(mode: Mode) -> Self {
        let mut servers = Vec::new();
        for i in 1..=3 {
            servers.push((
                format!("PRMR-0000000{i}-aaaa"),
                format!("DBServer000{i}"),
                "DBServer",
                "GOOD",
            ));
        }
        for i in 1..=2 {
            servers.push((
                format!("CRDN-0000000{i}-bbbb"),
                format!("Coordinator000{i}"),
                "Coordinator",
                "GOOD",
            ));
        }
        for i in 1..=3 {
            servers.push((
                format!("AGNT-0000000{i}-cccc"),
                String::new(),
                "Agent",
                "GOOD",
            ));
        }
        State {
            mode,
            version: "3.12.10".into(),
            license: json!({"upgrading": false, "diskUsage": {"bytesUsed": 1, "bytesLimit": 107374182400u64, "status": "good"}}),
            jwt_lifetime_secs: 3600,
            servers,
            tokens: HashMap::new(),
            logins: 0,
            unauthorized_answers: 0,
            faults: Vec::new(),
            requests: Vec::new(),
            violations: Vec::new(),
            databases: BTreeSet::from(["_system".to_owned()]),
            graph: None,
            collections: BTreeMap::new(),
            indexes: BTreeSet::new(),
            groups: Vec::new(),
            cursors: HashMap::new(),
            // Shard ids cross a power of ten, so string order != number order.
            next_id: 95,
            jobs: BTreeMap::new(),
            polls_to_finish: 2,
            nested_job_shape: false,
            imports_in_flight: 0,
            max_imports_in_flight: 0,
            refuse_keys: BTreeSet::new(),
            fail_jobs_with: None,
            auth_disabled: false,
            no_access: BTreeSet::new(),
            late_graph: None,
            graph_lag: 0,
            abort_outcome: AbortOutcome::Reverted,
            abort_after_polls: 2,
            stuck_in_todo: false,
            admin: true,
            sync_lag: 0,
            syncing: BTreeMap::new(),
        }
    }

    pub(super) fn id(&mut self) -> String {
        self.next_id += 1;
        self.next_id.to_string()
    }

    /// Where a collection's documents live (smart edge collections are virtual).
    pub(super) fn data_name(&self, name: &str) -> String {
        let local = format!("_local_{name}");
        if self.collections.contains_key(&local) {
            local
        } else {
            name.to_owned()
        }
    }

    pub(super) fn attr(&self) -> String {
        self.graph
            .as_ref()
            .and_then(|g| g["smartGraphAttribute"].as_str())
            .unwrap_or("tenantId")
            .to_owned()
    }

    pub(super) fn initial(&self) -> String {
        self.graph
            .as_ref()
            .and_then(|g| g["initial"].as_str())
            .unwrap_or_default()
            .to_owned()
    }

    pub(super) fn shard_count(&self) -> u32 {
        self.groups.len().max(1) as u32
    }

    pub(super) fn group_of_key(&self, key: &str) -> usize {
        key.split(':')
            .next()
            .and_then(|t| TenantId::parse(t).ok())
            .map(|t| shard_index_for(t, self.shard_count()) as usize)
            .unwrap_or(0)
    }

    pub(super) fn short(&self, i: usize) -> String {
        self.servers[i].1.clone()
    }

    /// Test support: a document stored with no check at all.
    pub fn inject(&mut self, collection: &str, doc: Value) {
        let name = self.data_name(collection);
        let key = doc["_key"].as_str().unwrap_or_default().to_owned();
        self.collections
            .entry(name)
            .or_default()
            .docs
            .insert(key, doc);
    }

    pub fn count_docs(&self) -> usize {
        self.collections.values().map(|c| c.docs.len()).sum()
    }
}

/// A running fake.
pub struct Fake {
    pub url: String,
    pub state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Fake {
    pub async fn start(mode: Mode) -> Fake {
        let state = Arc::new(Mutex::new(State::new(mode)));
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Fake {
            url: format!("http://{addr}"),
            state,
            task,
        }
    }

    pub async fn cluster() -> Fake {
        Fake::start(Mode::Cluster).await
    }

    /// A config for this fake with short timeouts and fast retries.
    pub fn config(&self) -> ArangoConfig {
        let mut c = ArangoConfig::new(&self.url).with_credentials("root", PASSWORD);
        c.request_timeout = Duration::from_secs(5);
        c.retry = RetryPolicy {
            attempts: 4,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(50),
        };
        c.poll_interval = Duration::from_millis(5);
        c.auth = AuthMethod::Jwt;
        c
    }

    pub fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap())
    }

    pub fn fault(
        &self,
        method: Option<Method>,
        path_contains: &'static str,
        times: u32,
        kind: FaultKind,
    ) {
        self.with(|s| {
            s.faults.push(Fault {
                method,
                path_contains,
                times,
                kind,
            })
        });
    }

    pub fn requests(&self, method: &Method, path_contains: &str) -> Vec<Seen> {
        self.with(|s| {
            s.requests
                .iter()
                .filter(|r| r.method == *method && r.path.contains(path_contains))
                .cloned()
                .collect()
        })
    }

    pub fn assert_clean(&self) {
        let v = self.with(|s| s.violations.clone());
        assert!(v.is_empty(), "the fake saw bad requests: {v:#?}");
    }
}

pub(super) fn envelope(status: u16, num: i64, message: &str) -> (u16, Value) {
    (
        status,
        json!({"error": true, "code": status, "errorNum": num, "errorMessage": message}),
    )
}

fn b64url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

fn now_secs() -> u64 {
    crate::auth::now_ms() / 1000
}

fn decode_basic(header: &str) -> Option<String> {
    let b64 = header.strip_prefix("Basic ")?;
    // Standard alphabet with padding: the adapter's decoder accepts it.
    String::from_utf8(crate::auth::base64url_decode(b64)?).ok()
}

async fn handle(
    AxumState(state): AxumState<Arc<Mutex<State>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let query: BTreeMap<String, String> = uri
        .query()
        .map(|q| {
            q.split('&')
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (decode_pct(k), decode_pct(v)))
                .collect()
        })
        .unwrap_or_default();
    let json_body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let authorization = headers
        .get("authorization")
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned);
    let is_import = path.ends_with("/_api/import");
    // Record, and pick a fault.
    let fault = {
        let mut s = state.lock().unwrap();
        if is_import {
            s.imports_in_flight += 1;
            s.max_imports_in_flight = s.max_imports_in_flight.max(s.imports_in_flight);
        }
        s.requests.push(Seen {
            method: method.clone(),
            path: path.clone(),
            query: query.clone(),
            body: json_body.clone(),
            body_len: body.len(),
            authorization: authorization.clone(),
        });
        let mut picked = None;
        for f in s.faults.iter_mut() {
            if f.times > 0
                && path.contains(f.path_contains)
                && f.method.as_ref().is_none_or(|m| *m == method)
            {
                f.times -= 1;
                picked = Some(f.kind.clone());
                break;
            }
        }
        picked
    };
    if let Some(FaultKind::Sleep(d)) = &fault {
        tokio::time::sleep(*d).await;
    }
    let late = match fault {
        Some(FaultKind::LateAnswer(d)) => Some(d),
        _ => None,
    };
    let acted_then = match fault {
        Some(FaultKind::ActThen(status, num, message)) => Some(envelope(status, num, message)),
        _ => None,
    };
    let fault = fault.filter(|_| late.is_none() && acted_then.is_none());
    let (status, value) = {
        let mut s = state.lock().unwrap();
        if is_import {
            s.imports_in_flight -= 1;
        }
        answer(
            &mut s,
            &method,
            &path,
            &query,
            &json_body,
            authorization.as_deref(),
            fault,
        )
    };
    if let Some(d) = late {
        tokio::time::sleep(d).await;
    }
    let (status, value) = acted_then.unwrap_or((status, value));
    (
        StatusCode::from_u16(status).unwrap(),
        [("content-type", "application/json")],
        value.to_string(),
    )
        .into_response()
}

fn decode_pct(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("00");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn answer(
    s: &mut State,
    method: &Method,
    path: &str,
    query: &BTreeMap<String, String>,
    body: &Value,
    authorization: Option<&str>,
    fault: Option<FaultKind>,
) -> (u16, Value) {
    if path == "/_open/auth" && s.auth_disabled {
        return envelope(404, 404, "unknown path '/_open/auth'");
    }
    if path == "/_open/auth" {
        if method != Method::POST {
            s.violations.push(format!("{method} /_open/auth"));
        }
        if body["username"] != "root" || body["password"] != PASSWORD {
            return envelope(401, 401, "Wrong credentials");
        }
        s.logins += 1;
        let iat = now_secs();
        let exp = iat + s.jwt_lifetime_secs;
        let payload = json!({"preferred_username": "root", "iss": "arangodb", "iat": iat, "exp": exp, "n": s.logins});
        let jwt = format!(
            "{}.{}.{}",
            b64url(br#"{"alg":"HS256","typ":"JWT"}"#),
            b64url(payload.to_string().as_bytes()),
            b64url(b"signature")
        );
        s.tokens.insert(jwt.clone(), exp);
        return (200, json!({"jwt": jwt}));
    }
    // Every other request must be authenticated.
    let token = authorization.and_then(|a| {
        a.strip_prefix("Bearer ")
            .or_else(|| a.strip_prefix("bearer "))
    });
    let authorized = match (token, authorization) {
        _ if s.auth_disabled => true,
        (Some(t), _) => s.tokens.get(t).is_some_and(|exp| now_secs() < *exp),
        (None, Some(a)) => decode_basic(a).as_deref() == Some(&format!("root:{PASSWORD}")),
        (None, None) => false,
    };
    if let Some(FaultKind::Unauthorized) = fault {
        if let Some(t) = token {
            s.tokens.remove(t);
        }
        s.unauthorized_answers += 1;
        return envelope(401, 11, "not authorized to execute this request");
    }
    if !authorized {
        s.unauthorized_answers += 1;
        return envelope(401, 11, "not authorized to execute this request");
    }
    if let Some(FaultKind::Status(status, num, message)) = fault {
        return envelope(status, num, message);
    }
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let (db, rest): (&str, Vec<&str>) = match segments.as_slice() {
        ["_db", db, rest @ ..] => (db, rest.to_vec()),
        rest => ("_system", rest.to_vec()),
    };
    let db = decode_pct(db);
    if s.no_access.contains(&db) {
        // Authenticated, but no rights on this database: ArangoDB answers 401, errorNum 11.
        s.unauthorized_answers += 1;
        return envelope(401, 11, "not authorized to execute this request");
    }
    if !s.databases.contains(&db) {
        return envelope(404, 1228, "database not found");
    }
    let rest: Vec<String> = rest.iter().map(|r| decode_pct(r)).collect();
    let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
    route(s, method, &db, &rest, query, body)
}

fn route(
    s: &mut State,
    method: &Method,
    db: &str,
    rest: &[&str],
    query: &BTreeMap<String, String>,
    body: &Value,
) -> (u16, Value) {
    let cluster = s.mode == Mode::Cluster;
    match (method.as_str(), rest) {
        ("GET", ["_api", "version"]) => {
            if query.get("details").map(String::as_str) != Some("true") {
                s.violations.push("version without details=true".into());
            }
            let role = if cluster { "COORDINATOR" } else { "SINGLE" };
            (
                200,
                json!({"server": "arango", "license": "enterprise", "version": s.version,
                         "details": {"role": role, "mode": "server"}}),
            )
        }
        ("GET", ["_admin", "server", "role"]) => {
            let role = if cluster { "COORDINATOR" } else { "SINGLE" };
            (
                200,
                json!({"error": false, "code": 200, "role": role, "mode": "default"}),
            )
        }
        ("GET", ["_admin", "license"]) => (200, s.license.clone()),
        ("GET", ["_admin", "status"]) => (
            200,
            json!({"server": "arango", "version": s.version,
            "serverInfo": {"role": "SINGLE", "serverId": "SNGL-fake-1"}}),
        ),
        ("GET", ["_admin", "cluster", "health"]) if cluster => {
            let mut health = Map::new();
            for (id, short, role, status) in &s.servers {
                let mut e = json!({"Role": role, "Status": status, "Endpoint": "tcp://fake:8530"});
                if !short.is_empty() {
                    e["ShortName"] = json!(short);
                }
                health.insert(id.clone(), e);
            }
            (
                200,
                json!({"Health": health, "ClusterId": "fake", "error": false, "code": 200}),
            )
        }
        ("POST", ["_api", "database"]) => {
            let name = body["name"].as_str().unwrap_or_default().to_owned();
            if db != "_system" {
                s.violations.push("database created outside _system".into());
            }
            if body["options"]["replicationFactor"].as_u64().is_none() {
                s.violations
                    .push(format!("database body without replicationFactor: {body}"));
            }
            if !s.databases.insert(name) {
                return envelope(409, 1207, "duplicate database name");
            }
            (201, json!({"error": false, "code": 201, "result": true}))
        }
        ("GET", ["_api", "database", "current"]) => (
            200,
            json!({"error": false, "code": 200, "result": {"name": db, "id": "1", "isSystem": false}}),
        ),
        ("GET", ["_api", "gharial", name]) => match &s.graph {
            None if s.late_graph.is_some() => {
                let (graph, reads) = s.late_graph.take().unwrap();
                if reads == 0 {
                    s.graph = Some(graph.clone());
                    (200, json!({"error": false, "code": 200, "graph": graph}))
                } else {
                    s.late_graph = Some((graph, reads - 1));
                    envelope(404, 1924, "graph 'network_assets' not found")
                }
            }
            Some(g) if g["name"] == *name => {
                (200, json!({"error": false, "code": 200, "graph": g}))
            }
            _ => envelope(404, 1924, "graph 'network_assets' not found"),
        },
        ("POST", ["_api", "gharial"]) => data::create_graph(s, body),
        ("GET", ["_api", "collection"]) => {
            let exclude = query.get("excludeSystem").map(String::as_str) == Some("true");
            let list: Vec<Value> = s
                .collections
                .iter()
                .filter(|(n, _)| !(exclude && n.starts_with('_')))
                .map(|(n, c)| json!({"name": n, "id": c.id, "type": if c.edge {3} else {2}}))
                .collect();
            (200, json!({"error": false, "code": 200, "result": list}))
        }
        ("POST", ["_api", "index"]) => {
            let Some(c) = query.get("collection") else {
                s.violations.push("index without collection".into());
                return envelope(400, 10, "missing collection");
            };
            if !s.collections.contains_key(c) {
                return envelope(404, 1203, "collection or view not found");
            }
            if body["type"] != "persistent" || !body["fields"].is_array() {
                s.violations.push(format!("odd index body {body}"));
            }
            let name = body["name"].as_str().unwrap_or_default().to_owned();
            if s.indexes.insert((c.clone(), name.clone())) {
                (
                    201,
                    json!({"error": false, "code": 201, "isNewlyCreated": true, "name": name}),
                )
            } else {
                (
                    200,
                    json!({"error": false, "code": 200, "isNewlyCreated": false, "name": name}),
                )
            }
        }
        ("GET", ["_api", "collection", name, "shards"]) => {
            let Some(c) = s.collections.get(*name) else {
                return envelope(404, 1203, "collection or view not found");
            };
            let mut shards = Map::new();
            for (i, id) in c.shards.iter().enumerate() {
                let (leader, followers) = &s.groups[i];
                let ids: Vec<Value> = std::iter::once(leader)
                    .chain(followers)
                    .map(|k| json!(s.servers[*k].0))
                    .collect();
                shards.insert(id.clone(), Value::Array(ids));
            }
            (
                200,
                json!({"error": false, "code": 200, "shards": shards, "name": name}),
            )
        }
        ("PUT", ["_api", "collection", name, "responsibleShard"]) => {
            let Some(c) = s.collections.get(*name) else {
                return envelope(404, 1203, "collection or view not found");
            };
            let key = body["_key"].as_str().unwrap_or_default();
            let attr = s.attr();
            if body[&attr].as_str() != key.split(':').next() {
                s.violations.push(format!(
                    "responsibleShard probe without the smart attribute: {body}"
                ));
            }
            let g = s.group_of_key(key);
            (
                200,
                json!({"error": false, "code": 200, "shardId": c.shards[g]}),
            )
        }
        ("GET", ["_api", "collection", name, what @ ("count" | "figures")]) => {
            let Some(c) = s.collections.get(*name) else {
                return envelope(404, 1203, "collection or view not found");
            };
            if *what == "figures" {
                let size: usize = c.docs.values().map(|d| d.to_string().len()).sum();
                return (
                    200,
                    json!({"error": false, "figures": {"documentsSize": size, "indexes": {"count": 1, "size": 0}}}),
                );
            }
            if query.get("details").map(String::as_str) == Some("true") && cluster {
                let mut per = Map::new();
                for (i, id) in c.shards.iter().enumerate() {
                    let n = c.docs.keys().filter(|k| s.group_of_key(k) == i).count();
                    per.insert(id.clone(), json!(n));
                }
                (200, json!({"error": false, "code": 200, "count": per}))
            } else {
                (
                    200,
                    json!({"error": false, "code": 200, "count": c.docs.len()}),
                )
            }
        }
        ("GET", ["_admin", "cluster", "shardDistribution"]) if cluster => {
            let mut results = Map::new();
            for (name, c) in &s.collections {
                let mut plan = Map::new();
                let mut current = Map::new();
                for (i, id) in c.shards.iter().enumerate() {
                    let (leader, followers) = &s.groups[i];
                    let f: Vec<String> = followers.iter().map(|k| s.short(*k)).collect();
                    plan.insert(
                        id.clone(),
                        json!({"leader": s.short(*leader), "followers": f}),
                    );
                    // A replica still catching up is in Plan, not yet in Current.
                    let lagging = s.syncing.get(&i).map(|(server, _)| *server);
                    let f: Vec<String> = followers
                        .iter()
                        .filter(|k| Some(**k) != lagging)
                        .map(|k| s.short(*k))
                        .collect();
                    current.insert(
                        id.clone(),
                        json!({"leader": s.short(*leader), "followers": f}),
                    );
                }
                results.insert(name.clone(), json!({"Plan": plan, "Current": current}));
            }
            jobs::catch_up(s);
            (
                200,
                json!({"error": false, "code": 200, "results": results}),
            )
        }
        ("POST", ["_api", "import"]) => data::import(s, query, body),
        ("POST", ["_api", "cursor"]) => aql::cursor(s, body),
        ("POST", ["_api", "cursor", id]) => aql::next_batch(s, id),
        ("DELETE", ["_api", "cursor", id]) => match s.cursors.remove(*id) {
            Some(_) => (202, json!({"id": id, "error": false, "code": 202})),
            None => envelope(404, 1600, "cursor not found"),
        },
        ("POST", ["_admin", "cluster", "moveShard"]) if cluster => jobs::move_shard(s, db, body),
        ("GET" | "POST", ["_admin", "cluster", "queryAgencyJob" | "cancelAgencyJob"])
            if cluster && !s.admin =>
        {
            envelope(403, 11, "forbidden")
        }
        ("GET", ["_admin", "cluster", "queryAgencyJob"]) if cluster => {
            let Some(id) = query.get("id") else {
                s.violations.push("queryAgencyJob without id".into());
                return envelope(400, 10, "no id");
            };
            let polls_to_finish = s.polls_to_finish;
            let stuck = s.stuck_in_todo;
            let fail_with = s.fail_jobs_with;
            let (outcome, abort_after) = (s.abort_outcome, s.abort_after_polls);
            let Some(job) = s.jobs.get_mut(id) else {
                return envelope(404, 1202, "job not found");
            };
            if job.ending && matches!(job.status, "ToDo" | "Pending") {
                job.status = "Finished";
                let job = job.clone();
                jobs::apply_move(s, &job);
                return (
                    200,
                    json!({"error": false, "id": id, "status": "Finished", "type": "moveShard"}),
                );
            }
            if job.abort_requested && matches!(job.status, "ToDo" | "Pending") {
                // The supervision acts on the abort flag later, not at once.
                job.polls += 1;
                if job.polls >= abort_after {
                    let job_now = job.clone();
                    let new_leader = s.servers[job_now.to].0.clone();
                    let job = s.jobs.get_mut(id).unwrap();
                    match outcome {
                        AbortOutcome::Reverted => {
                            job.status = "Failed";
                            job.reason = Some("Killed via API".into());
                        }
                        AbortOutcome::Forwards => {
                            job.status = "Failed";
                            job.reason = Some(format!(
                                "job aborted (2) - new leader already in place: {new_leader}"
                            ));
                        }
                        // (never flagged: its cancel was answered 412)
                        AbortOutcome::Finishes | AbortOutcome::TooLate => job.status = "Finished",
                    }
                    if outcome != AbortOutcome::Reverted {
                        jobs::apply_move(s, &job_now);
                    }
                }
                let job = &s.jobs[id];
                return (
                    200,
                    json!({"error": false, "id": id, "status": job.status, "reason": job.reason}),
                );
            }
            // An older job of the same shard still holds its lock: this one waits in ToDo.
            let (group, number) = (job.group, id.parse::<u64>().unwrap_or(0));
            let locked = s.jobs.iter().any(|(other, j)| {
                j.group == group
                    && matches!(j.status, "ToDo" | "Pending")
                    && other.parse::<u64>().unwrap_or(0) < number
            });
            // A leader switch waits until its target is in sync ("delaying start").
            let waiting = {
                let job = &s.jobs[id];
                let switch =
                    s.groups[job.group].0 == job.from && s.groups[job.group].1.contains(&job.to);
                switch && s.syncing.get(&job.group).is_some_and(|(k, _)| *k == job.to)
            };
            if waiting {
                jobs::catch_up(s);
            }
            let job = s.jobs.get_mut(id).unwrap();
            if job.status == "ToDo" && (stuck || locked || waiting) {
                // Stays queued, as long as whatever blocks it lasts.
            } else if matches!(job.status, "ToDo" | "Pending") {
                job.polls += 1;
                job.status = if job.polls < polls_to_finish {
                    "Pending"
                } else if fail_with.is_some() {
                    "Failed"
                } else {
                    "Finished"
                };
                if job.status == "Finished" {
                    let job = job.clone();
                    jobs::apply_move(s, &job);
                }
            }
            let status = s.jobs[id].status;
            if status == "Failed" && fail_with.is_some() {
                return (
                    200,
                    json!({"error": false, "id": id, "status": status, "reason": fail_with}),
                );
            }
            if s.nested_job_shape {
                (
                    200,
                    json!({"error": false, "id": id, "job": {"status": status, "type": "moveShard"}}),
                )
            } else {
                (
                    200,
                    json!({"error": false, "id": id, "status": status, "type": "moveShard"}),
                )
            }
        }
        ("POST", ["_admin", "cluster", "cancelAgencyJob"]) if cluster => {
            let id = body["id"].as_str().unwrap_or_default().to_owned();
            let too_late = s.abort_outcome == AbortOutcome::TooLate;
            match s.jobs.get_mut(&id) {
                Some(job) if too_late && matches!(job.status, "ToDo" | "Pending") => {
                    // Past the point of no return: no flag; the job ends at the next look.
                    job.ending = true;
                    envelope(412, 412, "Job is no longer pending or to do")
                }
                Some(job) if matches!(job.status, "ToDo" | "Pending") => {
                    // Only a flag: the job goes on until the supervision acts on it.
                    job.abort_requested = true;
                    job.polls = 0;
                    (200, json!({"error": false, "job": id, "status": "aborted"}))
                }
                Some(job) => {
                    let message = format!("{} jobs can no longer be cancelled.", job.status);
                    (
                        400,
                        json!({"error": true, "code": 400, "errorNum": 400, "errorMessage": message}),
                    )
                }
                None => envelope(404, 1202, "job not found"),
            }
        }
        ("POST", ["_admin", "cluster", "rebalance"]) if cluster => jobs::rebalance(s, db, body),
        _ => {
            s.violations
                .push(format!("unexpected request {method} /{}", rest.join("/")));
            envelope(404, 404, "unknown path")
        }
    }
}

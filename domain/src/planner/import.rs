//! Reading a snapshot for offline planning (`scaleout plan --snapshot FILE [--sizes FILE]`).
//!
//! Two formats are recognised by their shape:
//!
//! * **ArangoDB's shardDistribution response** (`GET /_db/<db>/_admin/cluster/
//!   shardDistribution`): `{"results":{"<collection>":{"Plan":{"<shard>":{"leader",
//!   "followers"}},"Current":{...}}}}`, possibly with `error`/`code` beside `results`, and
//!   possibly saved with its HTTP status line and headers in front (they are skipped).
//! * **The console's own snapshot**: a [`ClusterSnapshot`] serialized with serde
//!   (`{"servers":[...],"groups":[...]}`). Its reading is lenient (see
//!   [`super::snapshot`]), so the console's `shard-info --json` export (which has `groups`
//!   with `index`, `leader`, `followers`, `bytes`, `documents`, `in_sync` but no server
//!   list) is accepted too.
//!
//! # Shard groups from a shardDistribution
//!
//! That response does not say which collections follow which (`distributeShardsLike`).
//! SmartGraph collections are recognisable anyway: they have the same number of shards and,
//! position by position (shards in numeric id order), the same leader and the same set of
//! followers. Collections with identical placement signatures are therefore grouped: shard
//! `i` of each forms group `i`, named after the prototype's shard (the prototype is the
//! collection with the lowest shard ids, i.e. created first). Any other collection's shards
//! are each their own group. Two unrelated collections can look alike by chance (two
//! one-shard collections on the same servers, say): they are then planned as one unit,
//! which is always a valid plan, just a coarser one. ArangoDB's system collections in a
//! database follow `_graphs` and are rightly grouped by this rule.
//!
//! Servers are those the Plan names, all assumed healthy (the response carries no health).
//! A group is in sync when, for each of its shards, Current names the same leader and the
//! same followers as Plan (a response without Current is taken as in sync).
//!
//! # Sizes
//!
//! The optional sizes document is a JSON object from shard id to bytes, or to an object
//! with `bytes` (or `size`) and optionally `documents` (or `count`). A group's bytes are the
//! sum over its shards; shards not listed count 0. With sizes, the console's snapshot
//! format has its group bytes recomputed from its `shards` lists as well.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::error::PlanError;
use super::snapshot::{ClusterSnapshot, Health, SnapshotGroup, SnapshotServer};

/// Bytes and documents of one shard.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct ShardSize {
    bytes: u64,
    documents: u64,
}

/// Reads either format (see the module documentation), with optional shard sizes.
pub fn snapshot_from_json(text: &str, sizes: Option<&str>) -> Result<ClusterSnapshot, PlanError> {
    let value: Value =
        serde_json::from_str(json_body(text)).map_err(|e| PlanError::Json(e.to_string()))?;
    let sizes = sizes.map(parse_sizes).transpose()?;
    let Value::Object(object) = &value else {
        return Err(PlanError::UnrecognizedFormat);
    };
    if let Some(results) = object.get("results") {
        let Value::Object(results) = results else {
            return Err(PlanError::InvalidDistribution(
                "\"results\" must be an object of collections".into(),
            ));
        };
        return from_distribution(results, sizes.as_ref());
    }
    if object.contains_key("groups") {
        let mut snapshot: ClusterSnapshot =
            serde_json::from_value(value).map_err(|e| PlanError::Json(e.to_string()))?;
        if let Some(sizes) = &sizes {
            for g in &mut snapshot.groups {
                if g.shards.iter().any(|s| sizes.contains_key(s)) {
                    g.bytes = g
                        .shards
                        .iter()
                        .filter_map(|s| sizes.get(s))
                        .map(|s| s.bytes)
                        .sum();
                    g.documents = g
                        .shards
                        .iter()
                        .filter_map(|s| sizes.get(s))
                        .map(|s| s.documents)
                        .sum();
                }
            }
        }
        return Ok(snapshot);
    }
    Err(PlanError::UnrecognizedFormat)
}

/// The JSON part of a saved response: everything from the first line that starts with
/// `{` when the text does not start with JSON itself (an HTTP status line and headers).
fn json_body(text: &str) -> &str {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return trimmed;
    }
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with('{') {
            return &text[offset..];
        }
        offset += line.len();
    }
    text
}

fn parse_sizes(text: &str) -> Result<BTreeMap<String, ShardSize>, PlanError> {
    let value: Value = serde_json::from_str(json_body(text))
        .map_err(|e| PlanError::InvalidSizes(format!("not valid JSON: {e}")))?;
    let Value::Object(map) = value else {
        return Err(PlanError::InvalidSizes("it is not an object".into()));
    };
    let mut out = BTreeMap::new();
    for (shard, v) in map {
        let size = match &v {
            Value::Number(n) => ShardSize {
                bytes: number(n).ok_or_else(|| bad_size(&shard))?,
                documents: 0,
            },
            Value::Object(o) => {
                let field = |names: &[&str]| -> Result<u64, PlanError> {
                    for name in names {
                        if let Some(x) = o.get(*name) {
                            return match x {
                                Value::Number(n) => number(n).ok_or_else(|| bad_size(&shard)),
                                _ => Err(bad_size(&shard)),
                            };
                        }
                    }
                    Ok(0)
                };
                ShardSize {
                    bytes: field(&["bytes", "size"])?,
                    documents: field(&["documents", "count"])?,
                }
            }
            _ => return Err(bad_size(&shard)),
        };
        out.insert(shard, size);
    }
    Ok(out)
}

fn bad_size(shard: &str) -> PlanError {
    PlanError::InvalidSizes(format!(
        "the size of {shard} must be a non-negative number of bytes (or an object with \"bytes\")"
    ))
}

/// A non-negative integer (floats are rounded: sizes are sometimes written as 1.2e9).
fn number(n: &serde_json::Number) -> Option<u64> {
    if let Some(u) = n.as_u64() {
        return Some(u);
    }
    let f = n.as_f64()?;
    (f >= 0.0 && f.is_finite()).then(|| f.round() as u64)
}

/// One shard of a collection as the Plan and Current describe it.
#[derive(Debug, Clone)]
struct Shard {
    id: String,
    leader: String,
    followers: Vec<String>,
    in_sync: bool,
}

/// Shard ids in numeric order: `s99` before `s100`; ids of another form after, by text.
fn shard_order(id: &str) -> (u128, &str) {
    let digits = id.strip_prefix('s').unwrap_or(id);
    match digits.parse::<u128>() {
        Ok(n) if !digits.is_empty() => (n, id),
        _ => (u128::MAX, id),
    }
}

/// A resigned leader is written `_DBServer0001` in the agency.
fn server_name(v: &Value) -> Option<String> {
    v.as_str()
        .map(|s| s.strip_prefix('_').unwrap_or(s).to_string())
}

fn replicas(entry: &Value) -> Option<(String, Vec<String>)> {
    let leader = server_name(entry.get("leader")?)?;
    let followers = match entry.get("followers") {
        Some(Value::Array(a)) => a.iter().filter_map(server_name).collect(),
        _ => Vec::new(),
    };
    Some((leader, followers))
}

fn sorted(v: &[String]) -> Vec<String> {
    let mut v = v.to_vec();
    v.sort();
    v
}

fn from_distribution(
    results: &Map<String, Value>,
    sizes: Option<&BTreeMap<String, ShardSize>>,
) -> Result<ClusterSnapshot, PlanError> {
    // Collections, by name, with their shards in id order.
    let mut collections: BTreeMap<String, Vec<Shard>> = BTreeMap::new();
    for (name, entry) in results {
        let Some(Value::Object(plan)) = entry.get("Plan") else {
            return Err(PlanError::InvalidDistribution(format!(
                "collection {name} has no \"Plan\" object"
            )));
        };
        let current = match entry.get("Current") {
            Some(Value::Object(c)) => Some(c),
            _ => None,
        };
        let mut shards = Vec::with_capacity(plan.len());
        for (id, placement) in plan {
            let Some((leader, followers)) = replicas(placement) else {
                return Err(PlanError::InvalidDistribution(format!(
                    "shard {id} of {name} has no leader"
                )));
            };
            let in_sync = match current {
                None => true,
                Some(c) => c
                    .get(id)
                    .and_then(replicas)
                    .is_some_and(|(cl, cf)| cl == leader && sorted(&cf) == sorted(&followers)),
            };
            shards.push(Shard {
                id: id.clone(),
                leader,
                followers,
                in_sync,
            });
        }
        shards.sort_by(|a, b| shard_order(&a.id).cmp(&shard_order(&b.id)));
        collections.insert(name.clone(), shards);
    }

    // Families: collections with the same placement signature.
    type Signature = Vec<(String, Vec<String>)>;
    let mut families: BTreeMap<Signature, Vec<String>> = BTreeMap::new();
    for (name, shards) in &collections {
        if shards.is_empty() {
            continue;
        }
        let signature: Signature = shards
            .iter()
            .map(|s| (s.leader.clone(), sorted(&s.followers)))
            .collect();
        families.entry(signature).or_default().push(name.clone());
    }
    // Prototype first (lowest first shard id), then by name.
    let mut families: Vec<Vec<String>> = families.into_values().collect();
    for f in &mut families {
        f.sort_by(|a, b| {
            let ka = shard_order(&collections[a][0].id);
            let kb = shard_order(&collections[b][0].id);
            ka.cmp(&kb).then(a.cmp(b))
        });
    }
    // Families in the order of their prototypes' first shard ids.
    families.sort_by(|a, b| {
        shard_order(&collections[&a[0]][0].id).cmp(&shard_order(&collections[&b[0]][0].id))
    });

    let mut groups = Vec::new();
    let mut servers = std::collections::BTreeSet::new();
    for family in &families {
        let prototype = &collections[&family[0]];
        for (i, first) in prototype.iter().enumerate() {
            let members: Vec<&Shard> = family.iter().map(|c| &collections[c][i]).collect();
            let shard_ids: Vec<String> = members.iter().map(|s| s.id.clone()).collect();
            let (mut bytes, mut documents) = (0u64, 0u64);
            if let Some(sizes) = sizes {
                for id in &shard_ids {
                    if let Some(s) = sizes.get(id) {
                        bytes = bytes.saturating_add(s.bytes);
                        documents = documents.saturating_add(s.documents);
                    }
                }
            }
            servers.insert(first.leader.clone());
            servers.extend(first.followers.iter().cloned());
            groups.push(SnapshotGroup {
                id: first.id.clone(),
                index: Some(i as u32),
                collections: family.clone(),
                shards: shard_ids,
                leader: first.leader.clone(),
                followers: first.followers.clone(),
                bytes,
                documents,
                in_sync: members.iter().all(|s| s.in_sync),
            });
        }
    }
    Ok(ClusterSnapshot {
        servers: servers
            .into_iter()
            .map(|n| SnapshotServer::new(n, Health::Good))
            .collect(),
        groups,
    })
}

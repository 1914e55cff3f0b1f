//! The fake's graph creation and imports (with a Disjoint SmartGraph's checks).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::{envelope, Coll, Mode, State};

pub(super) fn create_graph(s: &mut State, body: &Value) -> (u16, Value) {
    if s.graph.is_some() {
        return envelope(409, 1925, "graph already exists");
    }
    let options = &body["options"];
    if body["isSmart"] != true || options["isDisjoint"] != true {
        s.violations
            .push(format!("graph not a disjoint SmartGraph: {body}"));
    }
    if body.get("isDisjoint").is_some() {
        s.violations.push("isDisjoint outside options".into());
    }
    let shards = options["numberOfShards"].as_u64().unwrap_or(1) as usize;
    let rf = options["replicationFactor"].as_u64().unwrap_or(1) as usize;
    let defs = body["edgeDefinitions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut vertices: Vec<String> = Vec::new();
    let mut edges: Vec<String> = Vec::new();
    for d in &defs {
        edges.push(d["collection"].as_str().unwrap_or_default().to_owned());
        for v in d["from"]
            .as_array()
            .into_iter()
            .chain(d["to"].as_array())
            .flatten()
        {
            let v = v.as_str().unwrap_or_default().to_owned();
            if !vertices.contains(&v) {
                vertices.push(v);
            }
        }
    }
    for name in vertices.iter().chain(&edges) {
        if s.collections.contains_key(name) {
            return envelope(409, 1207, "duplicate name");
        }
    }
    let initial = defs[0]["from"][0].as_str().unwrap_or_default().to_owned();
    s.groups = (0..shards)
        .map(|g| (g % 3, (1..rf).map(|k| (g + k) % 3).collect()))
        .collect();
    let make = |s: &mut State, name: String, edge: bool, sharded: bool| {
        let id = s.id();
        let shard_ids = if sharded {
            (0..shards).map(|_| format!("s{}", s.id())).collect()
        } else {
            Vec::new()
        };
        s.collections.insert(
            name,
            Coll {
                id,
                edge,
                shards: shard_ids,
                docs: BTreeMap::new(),
            },
        );
    };
    // The initial collection is created first and gets the lowest shard numbers.
    make(s, initial.clone(), false, true);
    for v in vertices.iter().filter(|v| **v != initial) {
        make(s, v.clone(), false, true);
    }
    for e in &edges {
        if s.mode == Mode::Cluster {
            // A smart edge collection is virtual; its shards are in _local_<name>.
            make(s, e.clone(), true, false);
            make(s, format!("_local_{e}"), true, true);
        } else {
            // On a single server a SmartGraph is an ordinary graph.
            make(s, e.clone(), true, true);
        }
    }
    let graph = json!({"_key": body["name"], "name": body["name"], "_id": "_graphs/network_assets",
        "edgeDefinitions": defs, "orphanCollections": [], "isSmart": true, "isDisjoint": true,
        "smartGraphAttribute": options["smartGraphAttribute"], "numberOfShards": shards,
        "replicationFactor": rf, "minReplicationFactor": 1, "writeConcern": 1, "initial": initial});
    if s.graph_lag > 0 {
        s.late_graph = Some((graph.clone(), s.graph_lag));
    } else {
        s.graph = Some(graph.clone());
    }
    (202, json!({"error": false, "code": 202, "graph": graph}))
}

pub(super) fn import(
    s: &mut State,
    query: &BTreeMap<String, String>,
    body: &Value,
) -> (u16, Value) {
    for (k, v) in [
        ("type", "list"),
        ("onDuplicate", "ignore"),
        ("details", "true"),
    ] {
        if query.get(k).map(String::as_str) != Some(v) {
            s.violations
                .push(format!("import without {k}={v}: {query:?}"));
        }
    }
    let Some(name) = query.get("collection") else {
        return envelope(400, 1204, "no collection");
    };
    if !s.collections.contains_key(name) {
        return envelope(404, 1203, &format!("collection or view not found: {name}"));
    }
    let Some(docs) = body.as_array() else {
        return envelope(400, 400, "expecting a JSON array in the request");
    };
    let attr = s.attr();
    let data = s.data_name(name);
    let smart = s.mode == Mode::Cluster;
    let (mut created, mut ignored, mut details) = (0, 0, Vec::new());
    for (i, doc) in docs.iter().enumerate() {
        let key = doc["_key"].as_str().unwrap_or_default().to_owned();
        let tenant = doc[&attr].as_str();
        let prefix = key.split(':').next();
        let edge = doc.get("_from").is_some();
        let problem = if s.refuse_keys.contains(&key) {
            Some("illegal document key")
        } else if !smart {
            None
        } else if tenant.is_none() {
            Some("smart graph attribute not given")
        } else if prefix != tenant {
            Some("in smart vertex collections _key values need to be prefixed with the value of the smart graph attribute")
        } else if edge
            && [&doc["_from"], &doc["_to"]].iter().any(|end| {
                end.as_str()
                    .and_then(|id| id.split_once('/'))
                    .and_then(|(_, k)| k.split(':').next())
                    != tenant
            })
        {
            Some("edge cannot connect different smart values in disjoint smart graph")
        } else {
            None
        };
        if let Some(p) = problem {
            details.push(format!("at position {i}: creating document failed with error '{p}', offending document: {doc}"));
            continue;
        }
        let c = s.collections.get_mut(&data).unwrap();
        match c.docs.entry(key) {
            std::collections::btree_map::Entry::Occupied(_) => ignored += 1,
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(doc.clone());
                created += 1;
            }
        }
    }
    let errors = details.len();
    (
        201,
        json!({"error": false, "created": created, "errors": errors, "empty": 0, "updated": 0, "ignored": ignored, "details": details}),
    )
}

//! The fake's cursors: the adapter's queries (recognised by their constant text) run
//! over the stored documents, results paged by batchSize.

use std::collections::{BTreeMap, VecDeque};

use serde_json::{json, Map, Value};

use super::{envelope, State};
use crate::queries;

pub(super) fn is_tenant_id_word(w: &str) -> bool {
    w.len() == 12 && w.bytes().all(|b| b.is_ascii_hexdigit())
}

pub(super) fn cursor(s: &mut State, body: &Value) -> (u16, Value) {
    let text = body["query"].as_str().unwrap_or_default().to_owned();
    let Some(bind) = body["bindVars"].as_object().cloned() else {
        s.violations
            .push(format!("cursor without bindVars: {body}"));
        return envelope(400, 1552, "no bind parameters");
    };
    if text
        .split(|c: char| !c.is_alphanumeric())
        .any(is_tenant_id_word)
    {
        s.violations
            .push(format!("a tenant id in a query text: {text}"));
    }
    let names: Vec<String> = s.collections.keys().cloned().collect();
    for n in names.iter().filter(|n| !n.starts_with('_')) {
        if text
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|w| w == n)
        {
            s.violations
                .push(format!("collection name {n} in a query text: {text}"));
        }
    }
    if !queries::ALL.contains(&text.as_str()) {
        s.violations.push(format!("unknown query: {text}"));
        return envelope(400, 1501, "syntax error");
    }
    let batch = body["batchSize"].as_u64().unwrap_or(1000).max(1) as usize;
    let results = match evaluate(s, &text, &bind) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let mut rest: VecDeque<Value> = results.into();
    let first: Vec<Value> = rest.drain(..batch.min(rest.len())).collect();
    if rest.is_empty() {
        return (
            201,
            json!({"result": first, "hasMore": false, "cached": false, "error": false, "code": 201}),
        );
    }
    let id = s.id();
    // Later batches are cut at the same size: store them as arrays.
    let chunks: VecDeque<Value> = rest
        .into_iter()
        .collect::<Vec<_>>()
        .chunks(batch)
        .map(|c| Value::Array(c.to_vec()))
        .collect();
    s.cursors.insert(id.clone(), chunks);
    (
        201,
        json!({"result": first, "hasMore": true, "id": id, "cached": false, "error": false, "code": 201}),
    )
}

pub(super) fn next_batch(s: &mut State, id: &str) -> (u16, Value) {
    let Some(chunks) = s.cursors.get_mut(id) else {
        return envelope(404, 1600, "cursor not found");
    };
    let batch = chunks.pop_front().unwrap_or(Value::Array(Vec::new()));
    let more = !chunks.is_empty();
    if !more {
        s.cursors.remove(id);
    }
    let mut v = json!({"result": batch, "hasMore": more, "error": false, "code": 200});
    if more {
        v["id"] = json!(id);
    }
    (200, v)
}

pub(super) fn valid(d: &Value, at: i64) -> bool {
    d["created"].as_i64().is_some_and(|c| c <= at) && d["expired"].as_i64().is_some_and(|e| at < e)
}

pub(super) fn evaluate(
    s: &mut State,
    text: &str,
    bind: &Map<String, Value>,
) -> Result<Vec<Value>, (u16, Value)> {
    let get = |k: &str| {
        bind.get(k)
            .cloned()
            .ok_or_else(|| envelope(400, 1551, "missing bind parameter"))
    };
    let coll_name = |k: &str| -> Result<String, (u16, Value)> {
        let n = get(k)?.as_str().unwrap_or_default().to_owned();
        if !s.collections.contains_key(&n) {
            return Err(envelope(
                404,
                1203,
                &format!("collection or view not found: {n}"),
            ));
        }
        Ok(s.data_name(&n))
    };
    let attr = get("attr")?.as_str().unwrap_or_default().to_owned();
    let strip = |d: &Value| {
        let mut d = d.clone();
        if let Some(o) = d.as_object_mut() {
            o.remove("_id");
            o.remove("_rev");
        }
        d
    };
    if text == queries::VERSIONS_AT {
        let proxies = coll_name("@proxies")?;
        let tenant = get("tenant")?;
        let at = get("at")?.as_i64().unwrap_or(0);
        if get("graph")? != "network_assets" {
            return Err(envelope(404, 1924, "graph not found"));
        }
        let versions_visible = get("versions")?.as_str().unwrap_or_default().to_owned();
        let versions = s.data_name(&versions_visible);
        let proxies_visible = bind["@proxies"].as_str().unwrap_or_default().to_owned();
        let mut out = Vec::new();
        for p in s.collections[&proxies]
            .docs
            .values()
            .filter(|p| p[&attr] == tenant)
        {
            let from = format!(
                "{proxies_visible}/{}",
                p["_key"].as_str().unwrap_or_default()
            );
            for e in s.collections[&versions].docs.values() {
                if e["_from"] != from.as_str() || !valid(e, at) {
                    continue;
                }
                let Some((vc, vk)) = e["_to"].as_str().and_then(|t| t.split_once('/')) else {
                    continue;
                };
                let Some(v) = s.collections.get(vc).and_then(|c| c.docs.get(vk)) else {
                    continue;
                };
                if valid(v, at) {
                    out.push(json!({"collection": vc, "vertex": strip(v), "edge": strip(e)}));
                }
            }
        }
        return Ok(out);
    }
    let coll = coll_name("@coll")?;
    if text == queries::TENANT_VALUES {
        let mut counts: BTreeMap<String, (Value, u64)> = BTreeMap::new();
        for d in s.collections[&coll].docs.values() {
            let v = d.get(&attr).cloned().unwrap_or(Value::Null);
            counts.entry(v.to_string()).or_insert((v, 0)).1 += 1;
        }
        return Ok(counts.into_values().map(|(v, n)| json!([v, n])).collect());
    }
    if text == queries::TENANT_WEIGHTS {
        // As AQL's TO_STRING writes a document (with its system attributes) and
        // LENGTH counts its characters; SUM gives a double, as ArangoDB's does.
        let mut weights: BTreeMap<String, (Value, u64, f64)> = BTreeMap::new();
        for d in s.collections[&coll].docs.values() {
            let v = d.get(&attr).cloned().unwrap_or(Value::Null);
            let w = weights.entry(v.to_string()).or_insert((v, 0, 0.0));
            w.1 += 1;
            w.2 += d.to_string().chars().count() as f64;
        }
        return Ok(weights
            .into_values()
            .map(|(v, n, bytes)| json!([v, n, bytes]))
            .collect());
    }
    let tenant = get("tenant")?;
    let matching: Vec<String> = s.collections[&coll]
        .docs
        .iter()
        .filter(|(_, d)| d[&attr] == tenant)
        .map(|(k, _)| k.clone())
        .collect();
    let docs = &s.collections[&coll].docs;
    Ok(match text {
        t if t == queries::COUNT_TENANT => vec![json!(matching.len())],
        t if t == queries::TENANT_DOCUMENTS => matching.iter().map(|k| strip(&docs[k])).collect(),
        t if t == queries::VALID_AT => {
            let at = get("at")?.as_i64().unwrap_or(0);
            matching
                .iter()
                .map(|k| &docs[k])
                .filter(|d| valid(d, at))
                .map(strip)
                .collect()
        }
        t if t == queries::REMOVE_TENANT => {
            let c = s.collections.get_mut(&coll).unwrap();
            for k in &matching {
                c.docs.remove(k);
            }
            vec![json!(matching.len())]
        }
        _ => unreachable!("checked against queries::ALL"),
    })
}

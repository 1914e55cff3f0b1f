//! The schema in ArangoDB's terms: the database, the Disjoint SmartGraph (`/_api/gharial`)
//! and its indexes, and how an existing graph is compared with the one asked for. An
//! existing graph is never dropped or changed: a mismatch is reported.

use serde_json::{json, Value};

use scaleout_domain::port::{BackendError, SchemaSpec};
use scaleout_domain::{network_assets_graph, Attr, EdgeDefinition, GraphDefinition, Naming};

/// A graph as `GET`/`POST /_api/gharial` describe it (the `graph` object).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphInfo {
    pub name: String,
    pub edge_definitions: Vec<EdgeDefinition>,
    pub orphan_collections: Vec<String>,
    pub is_smart: bool,
    pub is_disjoint: bool,
    pub smart_graph_attribute: Option<String>,
    pub number_of_shards: Option<u32>,
    /// `None` when absent or `"satellite"`.
    pub replication_factor: Option<u32>,
    /// The collection the others follow (`distributeShardsLike`).
    pub initial: Option<String>,
}

impl GraphInfo {
    /// The initial collection: ArangoDB's `initial` attribute, else (older releases) the
    /// first vertex collection of the first edge definition, which is how ArangoDB picks it.
    pub fn initial_collection(&self) -> Option<String> {
        self.initial.clone().or_else(|| {
            self.edge_definitions
                .first()
                .and_then(|e| e.from.first().cloned())
        })
    }

    /// The naming convention its smart attribute implies.
    pub fn naming(&self) -> Option<Naming> {
        let attr = self.smart_graph_attribute.as_deref()?;
        Naming::ALL
            .into_iter()
            .find(|n| Attr::TenantId.name(*n) == attr)
    }
}

fn u32_of(v: Option<&Value>) -> Option<u32> {
    v.and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
}

/// Reads the answer of `GET /_api/gharial/<g>` or `POST /_api/gharial` (`{"graph":{...}}`).
pub fn parse_graph(v: &Value) -> Result<GraphInfo, String> {
    let g = v.get("graph").ok_or("no graph in the answer")?;
    let edge_definitions: Vec<EdgeDefinition> = serde_json::from_value(
        g.get("edgeDefinitions")
            .cloned()
            .unwrap_or(Value::Array(Vec::new())),
    )
    .map_err(|e| format!("unreadable edgeDefinitions: {e}"))?;
    let strings = |key: &str| -> Vec<String> {
        g.get(key)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let flag = |key: &str| g.get(key).and_then(Value::as_bool).unwrap_or(false);
    let text = |key: &str| g.get(key).and_then(Value::as_str).map(str::to_owned);
    Ok(GraphInfo {
        name: text("name")
            .or_else(|| text("_key"))
            .ok_or("the graph has no name")?,
        edge_definitions,
        orphan_collections: strings("orphanCollections"),
        is_smart: flag("isSmart"),
        is_disjoint: flag("isDisjoint"),
        smart_graph_attribute: text("smartGraphAttribute"),
        number_of_shards: u32_of(g.get("numberOfShards")),
        replication_factor: u32_of(g.get("replicationFactor")),
        initial: text("initial"),
    })
}

/// Refuses a spec ArangoDB would refuse (see `SchemaSpec::check`).
pub fn check_spec(spec: &SchemaSpec) -> Result<(), BackendError> {
    spec.check()
}

/// The body of `POST /_api/gharial`: the domain's graph with the spec's replication factor
/// (the domain fixes 2; the spec decides).
pub fn graph_body(spec: &SchemaSpec) -> Result<GraphDefinition, BackendError> {
    let mut graph = network_assets_graph(spec.naming, spec.number_of_shards)
        .map_err(|e| BackendError::Invalid(e.to_string()))?;
    graph.options.replication_factor = spec.replication_factor;
    Ok(graph)
}

/// The body of `POST /_db/_system/_api/database`.
pub fn database_body(name: &str, spec: &SchemaSpec) -> Value {
    json!({"name": name, "options": {"sharding": "", "replicationFactor": spec.replication_factor}})
}

fn normalized(defs: &[EdgeDefinition]) -> Vec<(String, Vec<String>, Vec<String>)> {
    let mut out: Vec<_> = defs
        .iter()
        .map(|d| {
            let mut from = d.from.clone();
            let mut to = d.to.clone();
            from.sort();
            to.sort();
            (d.collection.clone(), from, to)
        })
        .collect();
    out.sort();
    out
}

/// Compares an existing graph with the one `spec` asks for. `Ok` gives the spec of the
/// existing graph (a single server may not report shards or replication; the asked values
/// stand in); `Err` lists the differences.
pub fn compare(existing: &GraphInfo, spec: &SchemaSpec) -> Result<SchemaSpec, Vec<String>> {
    let wanted = graph_body(spec).map_err(|e| vec![e.to_string()])?;
    let mut differences = Vec::new();
    if !existing.is_smart {
        differences.push("it is not a SmartGraph".to_owned());
    }
    if !existing.is_disjoint {
        differences.push("it is not disjoint".to_owned());
    }
    let attr = existing
        .smart_graph_attribute
        .as_deref()
        .unwrap_or("(none)");
    if attr != wanted.options.smart_graph_attribute {
        differences.push(format!(
            "its smart attribute is {attr}, not {} ({} names)",
            wanted.options.smart_graph_attribute, spec.naming
        ));
    } else if normalized(&existing.edge_definitions) != normalized(&wanted.edge_definitions) {
        differences.push("its edge definitions differ from the network-asset model".to_owned());
    }
    if let Some(n) = existing.number_of_shards {
        if n != spec.number_of_shards {
            differences.push(format!("it has {n} shards, not {}", spec.number_of_shards));
        }
    }
    if let Some(rf) = existing.replication_factor {
        if rf != spec.replication_factor {
            differences.push(format!(
                "its replication factor is {rf}, not {}",
                spec.replication_factor
            ));
        }
    }
    if differences.is_empty() {
        Ok(*spec)
    } else {
        Err(differences)
    }
}

/// The error for an existing graph that differs from the one asked for.
pub fn conflict(database: &str, existing: &GraphInfo, differences: &[String]) -> BackendError {
    let naming = existing
        .naming()
        .map(|n| n.to_string())
        .unwrap_or_else(|| "unknown".into());
    let shards = existing
        .number_of_shards
        .map(|n| n.to_string())
        .unwrap_or_else(|| "?".into());
    let rf = existing
        .replication_factor
        .map(|n| n.to_string())
        .unwrap_or_else(|| "?".into());
    BackendError::Conflict(format!(
        "the {} graph in database {database} already exists and differs from the one asked for: {}. \
         It is never dropped: use its settings ({naming} names, {shards} shards, replication factor {rf}) \
         or another database (--arango-database)",
        existing.name,
        differences.join("; ")
    ))
}

/// The names in `GET /_api/collection` (`{"result":[{"name":...},...]}`).
pub fn parse_collection_names(v: &Value) -> Result<Vec<String>, String> {
    let list = v
        .get("result")
        .and_then(Value::as_array)
        .ok_or("no result list in the answer")?;
    Ok(list
        .iter()
        .filter_map(|c| c.get("name").and_then(Value::as_str))
        .map(str::to_owned)
        .collect())
}

/// Whether `POST /_api/index` created the index (201, `isNewlyCreated`) or found it (200).
pub fn index_was_created(status: u16, v: &Value) -> bool {
    v.get("isNewlyCreated")
        .and_then(Value::as_bool)
        .unwrap_or(status == 201)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn existing(spec: &SchemaSpec) -> GraphInfo {
        let body = graph_body(spec).unwrap();
        GraphInfo {
            name: body.name.clone(),
            edge_definitions: body.edge_definitions.clone(),
            orphan_collections: Vec::new(),
            is_smart: true,
            is_disjoint: true,
            smart_graph_attribute: Some(body.options.smart_graph_attribute.clone()),
            number_of_shards: Some(spec.number_of_shards),
            replication_factor: Some(spec.replication_factor),
            initial: Some("DeviceProxyOut".into()),
        }
    }

    #[test]
    fn body_takes_the_replication_factor_of_the_spec() {
        let spec = SchemaSpec {
            replication_factor: 3,
            number_of_shards: 6,
            naming: Naming::SnakeCase,
        };
        let v = serde_json::to_value(graph_body(&spec).unwrap()).unwrap();
        assert_eq!(v["options"]["replicationFactor"], 3);
        assert_eq!(v["options"]["numberOfShards"], 6);
        assert_eq!(v["options"]["isDisjoint"], true);
        assert_eq!(v["options"]["smartGraphAttribute"], "tenant_id");
        assert_eq!(v["isSmart"], true);
        assert!(check_spec(&spec).is_ok());
        assert!(check_spec(&SchemaSpec {
            number_of_shards: 0,
            ..spec
        })
        .is_err());
    }

    #[test]
    fn matching_graph_is_accepted_and_differences_are_listed() {
        let spec = SchemaSpec::default();
        let g = existing(&spec);
        assert_eq!(compare(&g, &spec), Ok(spec));
        assert_eq!(g.naming(), Some(Naming::CamelCase));

        let snake = SchemaSpec {
            naming: Naming::SnakeCase,
            ..spec
        };
        let diffs = compare(&g, &snake).unwrap_err();
        assert!(diffs[0].contains("tenantId"), "{diffs:?}");

        let more = SchemaSpec {
            number_of_shards: 24,
            ..spec
        };
        let diffs = compare(&g, &more).unwrap_err();
        assert_eq!(diffs, ["it has 12 shards, not 24"]);

        let mut joint = g.clone();
        joint.is_disjoint = false;
        let err = conflict("db", &joint, &compare(&joint, &spec).unwrap_err());
        let text = err.to_string();
        assert!(matches!(err, BackendError::Conflict(_)));
        assert!(
            text.contains("never dropped") && text.contains("not disjoint"),
            "{text}"
        );
    }

    #[test]
    fn single_server_graph_without_cluster_settings_is_accepted() {
        let spec = SchemaSpec::default();
        let mut g = existing(&spec);
        g.number_of_shards = None;
        g.replication_factor = None;
        assert_eq!(compare(&g, &spec), Ok(spec));
    }

    #[test]
    fn initial_collection_falls_back_to_the_first_vertex_collection() {
        let spec = SchemaSpec::default();
        let mut g = existing(&spec);
        g.initial = None;
        assert_eq!(g.initial_collection().as_deref(), Some("DeviceProxyOut"));
    }
}

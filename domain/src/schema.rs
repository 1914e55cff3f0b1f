//! The Disjoint SmartGraph `network_assets` and its indexes, in the shapes ArangoDB's
//! gharial and index APIs take (`POST /_api/gharial`, `POST /_api/index?collection=`), so a
//! client or the embedded simulator can send/interpret them unchanged.

use serde::{Deserialize, Serialize};

use crate::collection::Collection;
use crate::error::SchemaError;
use crate::naming::{Attr, Naming};

pub const GRAPH_NAME: &str = "network_assets";
pub const DEFAULT_NUMBER_OF_SHARDS: u32 = 12;
/// ArangoDB's default upper limit for numberOfShards.
pub const MAX_NUMBER_OF_SHARDS: u32 = 1000;
pub const REPLICATION_FACTOR: u32 = 2;

/// One edge definition of a graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EdgeDefinition {
    pub collection: String,
    pub from: Vec<String>,
    pub to: Vec<String>,
}

/// SmartGraph options; `isDisjoint` lives here, as the API requires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GraphOptions {
    pub is_disjoint: bool,
    pub smart_graph_attribute: String,
    pub number_of_shards: u32,
    pub replication_factor: u32,
}

/// The body of `POST /_api/gharial`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GraphDefinition {
    pub name: String,
    pub edge_definitions: Vec<EdgeDefinition>,
    pub orphan_collections: Vec<String>,
    pub is_smart: bool,
    pub options: GraphOptions,
}

impl GraphDefinition {
    /// Every collection the graph creates (edge collections first, then vertex collections
    /// in order of first appearance).
    pub fn collections(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut push = |name: &String| {
            if !out.contains(name) {
                out.push(name.clone());
            }
        };
        for e in &self.edge_definitions {
            push(&e.collection);
        }
        for e in &self.edge_definitions {
            e.from.iter().chain(&e.to).for_each(&mut push);
        }
        self.orphan_collections.iter().for_each(&mut push);
        out
    }
}

/// The `network_assets` Disjoint SmartGraph over all 11 collections, smart attribute
/// `tenantId`/`tenant_id`, replicationFactor 2 and `number_of_shards` shards.
pub fn network_assets_graph(
    naming: Naming,
    number_of_shards: u32,
) -> Result<GraphDefinition, SchemaError> {
    if !(1..=MAX_NUMBER_OF_SHARDS).contains(&number_of_shards) {
        return Err(SchemaError::InvalidShardCount {
            value: number_of_shards,
        });
    }
    let names = |cs: &[Collection]| cs.iter().map(|c| c.name(naming).to_owned()).collect();
    let edge_definitions = Collection::EDGES
        .iter()
        .map(|edge| {
            let mut from: Vec<Collection> = Vec::new();
            let mut to: Vec<Collection> = Vec::new();
            for &(f, t) in edge.endpoints() {
                if !from.contains(&f) {
                    from.push(f);
                }
                if !to.contains(&t) {
                    to.push(t);
                }
            }
            EdgeDefinition {
                collection: edge.name(naming).to_owned(),
                from: names(&from),
                to: names(&to),
            }
        })
        .collect();
    Ok(GraphDefinition {
        name: GRAPH_NAME.to_owned(),
        edge_definitions,
        orphan_collections: Vec::new(),
        is_smart: true,
        options: GraphOptions {
            is_disjoint: true,
            smart_graph_attribute: Attr::TenantId.name(naming).to_owned(),
            number_of_shards,
            replication_factor: REPLICATION_FACTOR,
        },
    })
}

/// The body of `POST /_api/index?collection=<collection>` for a persistent index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexDefinition {
    #[serde(rename = "type")]
    pub index_type: String,
    pub name: String,
    pub fields: Vec<String>,
    pub unique: bool,
    pub sparse: bool,
}

/// An index and the collection it belongs on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionIndex {
    pub collection: String,
    pub index: IndexDefinition,
}

fn persistent(collection: Collection, naming: Naming, fields: &[Attr]) -> CollectionIndex {
    let fields: Vec<String> = fields.iter().map(|a| a.name(naming).to_owned()).collect();
    let name = format!(
        "idx_{}",
        fields
            .iter()
            .map(|f| f.trim_start_matches('_'))
            .collect::<Vec<_>>()
            .join("_")
    );
    CollectionIndex {
        collection: collection.name(naming).to_owned(),
        index: IndexDefinition {
            index_type: "persistent".to_owned(),
            name,
            fields,
            unique: false,
            sparse: false,
        },
    }
}

/// The model's indexes: vertex-centric [_from, _toType] and [_to, _fromType] on every edge
/// collection (so a traversal can pick edges by target type), and [created, expired] on
/// Device, Software and hasVersion (for point-in-time lookups).
pub fn network_assets_indexes(naming: Naming) -> Vec<CollectionIndex> {
    let mut out = Vec::with_capacity(11);
    for edge in Collection::EDGES {
        out.push(persistent(edge, naming, &[Attr::From, Attr::ToType]));
        out.push(persistent(edge, naming, &[Attr::To, Attr::FromType]));
    }
    for c in [
        Collection::Device,
        Collection::Software,
        Collection::HasVersion,
    ] {
        out.push(persistent(c, naming, &[Attr::Created, Attr::Expired]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_body_has_the_gharial_shape() {
        let g = network_assets_graph(Naming::CamelCase, DEFAULT_NUMBER_OF_SHARDS).unwrap();
        let v = serde_json::to_value(&g).unwrap();
        assert_eq!(v["name"], "network_assets");
        assert_eq!(v["isSmart"], true);
        assert_eq!(v["orphanCollections"], serde_json::json!([]));
        assert_eq!(
            v["options"],
            serde_json::json!({"isDisjoint": true, "smartGraphAttribute": "tenantId",
                "numberOfShards": 12, "replicationFactor": 2})
        );
        assert_eq!(
            v["edgeDefinitions"][0],
            serde_json::json!({"collection": "hasConnection", "from": ["DeviceProxyOut"],
                "to": ["DeviceProxyIn"]})
        );
        assert_eq!(
            v["edgeDefinitions"][3],
            serde_json::json!({"collection": "hasVersion",
                "from": ["DeviceProxyIn", "Device", "SoftwareProxyIn", "Software"],
                "to": ["Device", "DeviceProxyOut", "Software", "SoftwareProxyOut"]})
        );
        assert_eq!(g.collections().len(), 11);
        let back: GraphDefinition = serde_json::from_value(v).unwrap();
        assert_eq!(back, g);
    }

    #[test]
    fn snake_case_graph_and_shard_limits() {
        let g = network_assets_graph(Naming::SnakeCase, 3).unwrap();
        assert_eq!(g.options.smart_graph_attribute, "tenant_id");
        assert_eq!(g.options.number_of_shards, 3);
        assert_eq!(g.edge_definitions[2].collection, "has_device_software");
        assert_eq!(
            g.edge_definitions[2].to,
            vec!["software_proxy_in".to_owned()]
        );
        let mut names = g.collections();
        names.sort();
        let mut expected: Vec<String> = Collection::ALL
            .iter()
            .map(|c| c.snake_name().to_owned())
            .collect();
        expected.sort();
        assert_eq!(names, expected);
        assert_eq!(
            network_assets_graph(Naming::CamelCase, 0),
            Err(SchemaError::InvalidShardCount { value: 0 })
        );
        assert!(network_assets_graph(Naming::CamelCase, 1001).is_err());
    }

    #[test]
    fn indexes() {
        let idx = network_assets_indexes(Naming::SnakeCase);
        assert_eq!(idx.len(), 11);
        let has =
            |c: &str, f: &[&str]| idx.iter().any(|i| i.collection == c && i.index.fields == f);
        assert!(has("has_connection", &["_from", "_to_type"]));
        assert!(has("has_version", &["_to", "_from_type"]));
        assert!(has("device", &["created", "expired"]));
        assert!(has("software", &["created", "expired"]));
        assert!(has("has_version", &["created", "expired"]));
        assert!(!has("location", &["created", "expired"]));
        let camel = network_assets_indexes(Naming::CamelCase);
        let body = serde_json::to_value(&camel[0].index).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"type": "persistent", "name": "idx_from_toType",
                "fields": ["_from", "_toType"], "unique": false, "sparse": false})
        );
    }
}

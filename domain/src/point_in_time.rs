//! The tenant's network as it was at time `t`: the device and program versions valid then
//! (found through the hasVersion edges from their proxies), locations, and the connections,
//! placements and installations between them. Serializable for the browser, which draws it.
//!
//! Fed as a stream like the validator; only what is valid at `t` is kept.

use serde::{Deserialize, Serialize};

use crate::collection::Collection;
use crate::document::{Body, ConnectionInfo, Device, Document, Location, Software};
use crate::hashing::{DetHashMap, DetHashSet};
use crate::keys::split_version_key;

/// A device as it was at `t`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceAt {
    /// The proxy key: the device's identity across versions.
    pub key: String,
    /// The key of the version valid at `t`.
    pub version_key: String,
    /// 0 = current.
    pub version: u32,
    pub device: Device,
}

/// A program as it was at `t`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SoftwareAt {
    pub key: String,
    pub version_key: String,
    pub version: u32,
    pub software: Software,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LocationAt {
    pub key: String,
    pub location: Location,
}

/// A connection between two devices (proxy keys), with their names for labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionAt {
    pub key: String,
    pub from: String,
    pub to: String,
    pub from_name: String,
    pub to_name: String,
    pub details: Option<ConnectionInfo>,
}

/// A device-to-location or device-to-program relationship (proxy / location keys).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Link {
    pub key: String,
    pub from: String,
    pub to: String,
}

/// Everything valid at `at` (`created <= at < expired`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    pub at: i64,
    pub devices: Vec<DeviceAt>,
    pub software: Vec<SoftwareAt>,
    pub locations: Vec<LocationAt>,
    pub connections: Vec<ConnectionAt>,
    /// Device -> location (hasLocation).
    pub placements: Vec<Link>,
    /// Device -> program (hasDeviceSoftware).
    pub installations: Vec<Link>,
}

impl Snapshot {
    /// The same snapshot with every list sorted by key: two views of one time compare
    /// equal whatever order a back end read the documents in.
    pub fn in_key_order(mut self) -> Self {
        self.devices.sort_by(|a, b| a.key.cmp(&b.key));
        self.software.sort_by(|a, b| a.key.cmp(&b.key));
        self.locations.sort_by(|a, b| a.key.cmp(&b.key));
        self.connections.sort_by(|a, b| a.key.cmp(&b.key));
        self.placements.sort_by(|a, b| a.key.cmp(&b.key));
        self.installations.sort_by(|a, b| a.key.cmp(&b.key));
        self
    }
}

/// Builds a [`Snapshot`] from a stream of one tenant's documents (any order).
#[derive(Debug)]
pub struct PointInTime {
    at: i64,
    devices: Vec<(String, Device)>,
    software: Vec<(String, Software)>,
    locations: Vec<LocationAt>,
    /// (versioned collection, version key) -> proxy key, from hasVersion edges valid at `at`.
    version_of: DetHashMap<(Collection, String), String>,
    connections: Vec<(String, String, String, Option<ConnectionInfo>)>,
    placements: Vec<Link>,
    installations: Vec<Link>,
}

impl PointInTime {
    pub fn new(at: i64) -> Self {
        PointInTime {
            at,
            devices: Vec::new(),
            software: Vec::new(),
            locations: Vec::new(),
            version_of: DetHashMap::default(),
            connections: Vec::new(),
            placements: Vec::new(),
            installations: Vec::new(),
        }
    }

    pub fn feed_all<'a>(&mut self, docs: impl IntoIterator<Item = &'a Document>) {
        for d in docs {
            self.feed(d);
        }
    }

    pub fn feed(&mut self, doc: &Document) {
        if !doc.is_valid_at(self.at) {
            return;
        }
        match &doc.body {
            Body::Device(d) => self.devices.push((doc.key.clone(), d.clone())),
            Body::Software(s) => self.software.push((doc.key.clone(), s.clone())),
            Body::Location(l) => self.locations.push(LocationAt {
                key: doc.key.clone(),
                location: l.clone(),
            }),
            Body::Proxy => {}
            Body::Edge(e) => match doc.collection {
                // Only the in-edge (ProxyIn -> version) is needed to name the version's proxy.
                Collection::HasVersion
                    if matches!(
                        e.from.collection,
                        Collection::DeviceProxyIn | Collection::SoftwareProxyIn
                    ) =>
                {
                    self.version_of
                        .insert((e.to.collection, e.to.key.clone()), e.from.key.clone());
                }
                Collection::HasConnection => self.connections.push((
                    doc.key.clone(),
                    e.from.key.clone(),
                    e.to.key.clone(),
                    e.connection.clone(),
                )),
                Collection::HasLocation => self.placements.push(Link {
                    key: doc.key.clone(),
                    from: e.from.key.clone(),
                    to: e.to.key.clone(),
                }),
                Collection::HasDeviceSoftware => self.installations.push(Link {
                    key: doc.key.clone(),
                    from: e.from.key.clone(),
                    to: e.to.key.clone(),
                }),
                _ => {}
            },
        }
    }

    /// Resolves versions to their proxies and keeps only relationships whose both ends
    /// exist at `at` (so the drawing never has a dangling line).
    pub fn finish(self) -> Snapshot {
        let version_of = self.version_of;
        let resolve = |collection: Collection, version_key: String| {
            let proxy = version_of.get(&(collection, version_key.clone()))?.clone();
            let n = split_version_key(&version_key).map_or(0, |(_, n)| n);
            Some((proxy, version_key, n))
        };
        let devices: Vec<DeviceAt> = self
            .devices
            .into_iter()
            .filter_map(|(k, device)| {
                let (key, version_key, version) = resolve(Collection::Device, k)?;
                Some(DeviceAt {
                    key,
                    version_key,
                    version,
                    device,
                })
            })
            .collect();
        let software: Vec<SoftwareAt> = self
            .software
            .into_iter()
            .filter_map(|(k, software)| {
                let (key, version_key, version) = resolve(Collection::Software, k)?;
                Some(SoftwareAt {
                    key,
                    version_key,
                    version,
                    software,
                })
            })
            .collect();
        let names: DetHashMap<&str, &str> = devices
            .iter()
            .map(|d| (d.key.as_str(), d.device.name.as_str()))
            .collect();
        let programs: DetHashSet<&str> = software.iter().map(|s| s.key.as_str()).collect();
        let places: DetHashSet<&str> = self.locations.iter().map(|l| l.key.as_str()).collect();

        let connections = self
            .connections
            .into_iter()
            .filter_map(|(key, from, to, details)| {
                let from_name = (*names.get(from.as_str())?).to_owned();
                let to_name = (*names.get(to.as_str())?).to_owned();
                Some(ConnectionAt {
                    key,
                    from,
                    to,
                    from_name,
                    to_name,
                    details,
                })
            })
            .collect();
        let placements = self
            .placements
            .into_iter()
            .filter(|l| names.contains_key(l.from.as_str()) && places.contains(l.to.as_str()))
            .collect();
        let installations = self
            .installations
            .into_iter()
            .filter(|l| names.contains_key(l.from.as_str()) && programs.contains(l.to.as_str()))
            .collect();
        Snapshot {
            at: self.at,
            devices,
            software,
            locations: self.locations,
            connections,
            placements,
            installations,
        }
    }
}

/// The snapshot of `docs` (one tenant's documents) at `at`.
pub fn snapshot_at<'a>(docs: impl IntoIterator<Item = &'a Document>, at: i64) -> Snapshot {
    let mut p = PointInTime::new(at);
    p.feed_all(docs);
    p.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Generator, Naming, ScaleFactor, TenantId, TenantName};

    const T: i64 = 1_700_000_000;

    fn docs() -> Vec<Document> {
        Generator::from_parts(
            TenantId::from_seed(1),
            &TenantName::parse("Acme Corp").unwrap(),
            ScaleFactor::ONE,
            T,
            Naming::SnakeCase,
        )
        .all_documents()
        .collect()
    }

    #[test]
    fn now_shows_current_versions_and_all_relationships() {
        let snap = snapshot_at(&docs(), T + 10);
        assert_eq!(snap.at, T + 10);
        assert_eq!(
            (
                snap.devices.len(),
                snap.software.len(),
                snap.locations.len()
            ),
            (20, 30, 5)
        );
        assert_eq!(snap.connections.len(), 30);
        assert_eq!(snap.placements.len(), 20);
        assert_eq!(snap.installations.len(), 40);
        let d = &snap.devices[7];
        assert!(d.key.ends_with(":device7") && d.version_key.ends_with(":device7-0"));
        assert_eq!(d.version, 0);
        let c = &snap.connections[0];
        let from = snap.devices.iter().find(|d| d.key == c.from).unwrap();
        assert_eq!(c.from_name, from.device.name);
        assert!(c.details.is_some());
        let json = serde_json::to_value(&snap).unwrap();
        assert!(
            json["devices"][0]["device"]["hostName"].is_string(),
            "UI form is camelCase"
        );
        assert!(json["connections"][0]["fromName"].is_string());
    }

    #[test]
    fn the_past_resolves_historical_versions_through_has_version() {
        let docs = docs();
        // Two days before creation every entity shows a historical version.
        let t = T - 2 * 86_400;
        let snap = snapshot_at(&docs, t);
        assert_eq!(snap.devices.len(), 20);
        for d in &snap.devices {
            assert!(d.version >= 1 && d.device.created <= t && t < d.device.expired);
            assert_eq!(d.version_key, format!("{}-{}", d.key, d.version));
        }
        // Relationships only start with the tenant.
        assert!(snap.connections.is_empty() && snap.placements.is_empty());
        // Without the hasVersion edges no version can be placed on a proxy.
        let no_edges: Vec<&Document> = docs
            .iter()
            .filter(|d| d.collection != Collection::HasVersion)
            .collect();
        assert!(snapshot_at(no_edges, T).devices.is_empty());
        assert!(snapshot_at(&docs, T - 40 * 86_400).devices.is_empty());
    }
}

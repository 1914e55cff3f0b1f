//! The typed contents of each kind of document. Their own serde derive (camelCase, fixed) is
//! the UI form used by the point-in-time view; the stored form, which follows the database's
//! naming convention, is written by [`crate::Document`]'s serializer.

use std::fmt;

use serde::de::{self, Deserializer};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::collection::Collection;
use crate::naming::Naming;
use crate::time::Interval;

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $s)] $variant,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The stored value.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s,)* }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$variant),)* _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum! {
    /// A device's `type`.
    DeviceType { Server => "server", Router => "router", Laptop => "laptop", IoT => "IoT", Firewall => "firewall" }
}

string_enum! {
    /// A program's `type`.
    SoftwareType { Application => "application", Database => "database", Service => "service" }
}

string_enum! {
    /// A connection's `connectionType`.
    ConnectionType { Ethernet => "ethernet", Wifi => "wifi", Fiber => "fiber" }
}

impl DeviceType {
    /// Capitalised, for models ("Router Model 240") and display names.
    pub const fn label(self) -> &'static str {
        match self {
            DeviceType::Server => "Server",
            DeviceType::Router => "Router",
            DeviceType::Laptop => "Laptop",
            DeviceType::IoT => "IoT",
            DeviceType::Firewall => "Firewall",
        }
    }
}

/// One configuration version of a device.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Device {
    pub name: String,
    #[serde(rename = "type")]
    pub device_type: DeviceType,
    pub model: String,
    pub serial_number: String,
    pub ip_address: String,
    pub mac_address: String,
    pub operating_system: String,
    pub os_version: String,
    pub host_name: String,
    pub firewall_rules: Vec<String>,
    pub created: i64,
    pub expired: i64,
}

/// One configuration version of a program.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Software {
    pub name: String,
    #[serde(rename = "type")]
    pub software_type: SoftwareType,
    pub version: String,
    pub port_number: u16,
    pub is_enabled: bool,
    pub created: i64,
    pub expired: i64,
}

/// A GeoJSON Point; serialized as `{"type":"Point","coordinates":[lon,lat]}`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeoPoint {
    pub lon: f64,
    pub lat: f64,
}

impl Serialize for GeoPoint {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(Some(2))?;
        m.serialize_entry("type", "Point")?;
        m.serialize_entry("coordinates", &[self.lon, self.lat])?;
        m.end()
    }
}

impl<'de> Deserialize<'de> for GeoPoint {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            #[serde(rename = "type")]
            kind: String,
            coordinates: (f64, f64),
        }
        let raw = Raw::deserialize(deserializer)?;
        if raw.kind != "Point" {
            return Err(de::Error::custom("a geoLocation must be a GeoJSON Point"));
        }
        Ok(GeoPoint {
            lon: raw.coordinates.0,
            lat: raw.coordinates.1,
        })
    }
}

/// A site of the tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub name: String,
    pub street_address: String,
    pub geo_location: GeoPoint,
    pub created: i64,
    pub expired: i64,
}

/// The extra attributes of a hasConnection edge.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionInfo {
    pub connection_type: ConnectionType,
    /// e.g. "250Mbps".
    pub bandwidth_capacity: String,
    /// e.g. "3ms".
    pub network_latency: String,
}

/// A reference to a vertex: `<Collection>/<key>` once serialized.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct VertexRef {
    pub collection: Collection,
    pub key: String,
}

impl VertexRef {
    pub fn new(collection: Collection, key: impl Into<String>) -> Self {
        VertexRef {
            collection,
            key: key.into(),
        }
    }

    /// `<Collection>/<key>` with the collection spelled per `naming`.
    pub fn id(&self, naming: Naming) -> String {
        format!("{}/{}", self.collection.name(naming), self.key)
    }

    /// Parses `<Collection>/<key>`; `None` for an unknown collection or a missing `/`.
    pub fn parse(id: &str, naming: Naming) -> Option<Self> {
        let (c, k) = id.split_once('/')?;
        let collection = Collection::from_name(c, naming)?;
        if k.is_empty() {
            return None;
        }
        Some(VertexRef::new(collection, k))
    }

    /// Display adapter writing `<Collection>/<key>` without allocating.
    pub fn display(&self, naming: Naming) -> impl fmt::Display + '_ {
        struct D<'a>(&'a VertexRef, Naming);
        impl fmt::Display for D<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}/{}", self.0.collection.name(self.1), self.0.key)
            }
        }
        D(self, naming)
    }
}

/// An edge's attributes. `_fromType`/`_toType` are stored separately from `_from`/`_to`
/// (they exist for the vertex-centric indexes) and so can disagree in corrupt data.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edge {
    pub from: VertexRef,
    pub to: VertexRef,
    pub from_type: Collection,
    pub to_type: Collection,
    pub created: i64,
    pub expired: i64,
    /// Only on hasConnection.
    pub connection: Option<ConnectionInfo>,
}

impl Edge {
    pub fn interval(&self) -> Interval {
        Interval::new(self.created, self.expired)
    }
}

impl Device {
    pub fn interval(&self) -> Interval {
        Interval::new(self.created, self.expired)
    }
}

impl Software {
    pub fn interval(&self) -> Interval {
        Interval::new(self.created, self.expired)
    }
}

impl Location {
    pub fn interval(&self) -> Interval {
        Interval::new(self.created, self.expired)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geo_point_is_geojson() {
        let p = GeoPoint {
            lon: -74.006,
            lat: 40.7128,
        };
        let v = serde_json::to_value(p).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"type": "Point", "coordinates": [-74.006, 40.7128]})
        );
        assert_eq!(serde_json::from_value::<GeoPoint>(v).unwrap(), p);
        assert!(serde_json::from_value::<GeoPoint>(
            serde_json::json!({"type": "Line", "coordinates": [0.0, 0.0]})
        )
        .is_err());
    }

    #[test]
    fn enums_use_spec_spelling() {
        assert_eq!(DeviceType::IoT.as_str(), "IoT");
        assert_eq!(DeviceType::parse("router"), Some(DeviceType::Router));
        assert_eq!(DeviceType::parse("Router"), None);
        assert_eq!(
            serde_json::to_string(&SoftwareType::Database).unwrap(),
            "\"database\""
        );
        assert_eq!(ConnectionType::ALL.len(), 3);
    }

    #[test]
    fn vertex_refs() {
        let r = VertexRef::new(Collection::DeviceProxyOut, "t:device1");
        assert_eq!(r.id(Naming::SnakeCase), "device_proxy_out/t:device1");
        assert_eq!(
            r.display(Naming::CamelCase).to_string(),
            "DeviceProxyOut/t:device1"
        );
        assert_eq!(
            VertexRef::parse("DeviceProxyOut/t:device1", Naming::CamelCase),
            Some(r)
        );
        assert_eq!(VertexRef::parse("Nope/t:device1", Naming::CamelCase), None);
        assert_eq!(VertexRef::parse("Device/", Naming::CamelCase), None);
        assert_eq!(VertexRef::parse("device/x", Naming::CamelCase), None);
    }
}

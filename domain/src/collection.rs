//! The 11 collections every tenant's data lives in (shared by all tenants), their kinds and
//! how many documents a tenant owns in each.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::naming::Naming;
use crate::tenant::ScaleFactor;

/// What a collection holds, which decides its documents' shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CollectionKind {
    /// One document per configuration version (`created`/`expired`).
    VersionedVertex,
    /// Stable identity that carries the relationships; no time fields.
    ProxyVertex,
    /// A plain vertex valid from the tenant's creation.
    Vertex,
    Edge,
}

/// One of the model's collections. Serde uses the default (camelCase) names; use
/// [`Collection::name`] for the database's spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Collection {
    Device,
    DeviceProxyIn,
    DeviceProxyOut,
    Software,
    SoftwareProxyIn,
    SoftwareProxyOut,
    Location,
    #[serde(rename = "hasConnection")]
    HasConnection,
    #[serde(rename = "hasLocation")]
    HasLocation,
    #[serde(rename = "hasDeviceSoftware")]
    HasDeviceSoftware,
    #[serde(rename = "hasVersion")]
    HasVersion,
}

/// Documents per tenant per unit of scale factor, all collections together.
pub const DOCUMENTS_PER_SCALE_UNIT: u64 = 1095;

/// Documents a tenant at scale factor `s` owns: 1,095 x s.
pub fn documents_per_tenant(scale: ScaleFactor) -> u64 {
    DOCUMENTS_PER_SCALE_UNIT * u64::from(scale.get())
}

use Collection::*;

impl Collection {
    /// Vertices first, then edges: the order the generator emits and loaders import.
    pub const ALL: [Collection; 11] = [
        Device,
        DeviceProxyIn,
        DeviceProxyOut,
        Software,
        SoftwareProxyIn,
        SoftwareProxyOut,
        Location,
        HasConnection,
        HasLocation,
        HasDeviceSoftware,
        HasVersion,
    ];
    pub const VERTICES: [Collection; 7] = [
        Device,
        DeviceProxyIn,
        DeviceProxyOut,
        Software,
        SoftwareProxyIn,
        SoftwareProxyOut,
        Location,
    ];
    pub const EDGES: [Collection; 4] = [HasConnection, HasLocation, HasDeviceSoftware, HasVersion];

    /// Position in [`Collection::ALL`]; handy for per-collection arrays.
    pub const fn index(self) -> usize {
        self as usize
    }

    pub const fn kind(self) -> CollectionKind {
        match self {
            Device | Software => CollectionKind::VersionedVertex,
            DeviceProxyIn | DeviceProxyOut | SoftwareProxyIn | SoftwareProxyOut => {
                CollectionKind::ProxyVertex
            }
            Location => CollectionKind::Vertex,
            HasConnection | HasLocation | HasDeviceSoftware | HasVersion => CollectionKind::Edge,
        }
    }

    pub const fn is_edge(self) -> bool {
        matches!(self.kind(), CollectionKind::Edge)
    }

    /// The default (camelCase) name, as in the spec's table.
    pub const fn camel_name(self) -> &'static str {
        match self {
            Device => "Device",
            DeviceProxyIn => "DeviceProxyIn",
            DeviceProxyOut => "DeviceProxyOut",
            Software => "Software",
            SoftwareProxyIn => "SoftwareProxyIn",
            SoftwareProxyOut => "SoftwareProxyOut",
            Location => "Location",
            HasConnection => "hasConnection",
            HasLocation => "hasLocation",
            HasDeviceSoftware => "hasDeviceSoftware",
            HasVersion => "hasVersion",
        }
    }

    pub const fn snake_name(self) -> &'static str {
        match self {
            Device => "device",
            DeviceProxyIn => "device_proxy_in",
            DeviceProxyOut => "device_proxy_out",
            Software => "software",
            SoftwareProxyIn => "software_proxy_in",
            SoftwareProxyOut => "software_proxy_out",
            Location => "location",
            HasConnection => "has_connection",
            HasLocation => "has_location",
            HasDeviceSoftware => "has_device_software",
            HasVersion => "has_version",
        }
    }

    /// The collection's name in a database using `naming`.
    pub const fn name(self, naming: Naming) -> &'static str {
        match naming {
            Naming::CamelCase => self.camel_name(),
            Naming::SnakeCase => self.snake_name(),
        }
    }

    /// The collection called `name` under `naming` (exact match).
    pub fn from_name(name: &str, naming: Naming) -> Option<Collection> {
        Self::ALL.into_iter().find(|c| c.name(naming) == name)
    }

    /// Documents per tenant per unit of scale factor (the spec's count table).
    pub const fn per_scale_unit(self) -> u64 {
        match self {
            Device => 120,
            DeviceProxyIn | DeviceProxyOut => 20,
            Software => 180,
            SoftwareProxyIn | SoftwareProxyOut => 30,
            Location => 5,
            HasConnection => 30,
            HasLocation => 20,
            HasDeviceSoftware => 40,
            HasVersion => 600,
        }
    }

    /// How many documents a tenant at `scale` owns in this collection.
    pub fn expected_count(self, scale: ScaleFactor) -> u64 {
        self.per_scale_unit() * u64::from(scale.get())
    }

    /// For edge collections, the (from, to) vertex collections an edge may join; empty for
    /// vertex collections. Stricter than the graph's edge definitions for `hasVersion`,
    /// whose from/to lists would also admit e.g. DeviceProxyIn -> Software.
    pub const fn endpoints(self) -> &'static [(Collection, Collection)] {
        match self {
            HasConnection => &[(DeviceProxyOut, DeviceProxyIn)],
            HasLocation => &[(DeviceProxyOut, Location)],
            HasDeviceSoftware => &[(DeviceProxyOut, SoftwareProxyIn)],
            HasVersion => &[
                (DeviceProxyIn, Device),
                (Device, DeviceProxyOut),
                (SoftwareProxyIn, Software),
                (Software, SoftwareProxyOut),
            ],
            _ => &[],
        }
    }
}

impl fmt::Display for Collection {
    /// The default (camelCase) name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.camel_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_convention() {
        for c in Collection::ALL {
            assert_eq!(Naming::SnakeCase.apply(c.camel_name()), c.snake_name());
            for n in Naming::ALL {
                assert_eq!(Collection::from_name(c.name(n), n), Some(c));
            }
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.camel_name()));
        }
        assert_eq!(Collection::from_name("device", Naming::CamelCase), None);
        assert_eq!(
            HasDeviceSoftware.name(Naming::SnakeCase),
            "has_device_software"
        );
    }

    #[test]
    fn counts_add_up_to_1095_per_unit() {
        let sum: u64 = Collection::ALL.iter().map(|c| c.per_scale_unit()).sum();
        assert_eq!(sum, DOCUMENTS_PER_SCALE_UNIT);
        let s = |v| ScaleFactor::new(v).unwrap();
        // The reference scale-out demo from the spec.
        assert_eq!(
            documents_per_tenant(s(1)) + documents_per_tenant(s(2)),
            3285
        );
        assert_eq!(
            documents_per_tenant(s(2)) + documents_per_tenant(s(1)) + documents_per_tenant(s(1)),
            4380
        );
        assert_eq!(documents_per_tenant(s(5)), 5475);
        for sf in ScaleFactor::all() {
            let total: u64 = Collection::ALL.iter().map(|c| c.expected_count(sf)).sum();
            assert_eq!(total, 1095 * u64::from(sf.get()));
        }
    }

    #[test]
    fn kinds_and_order() {
        assert_eq!(Collection::ALL.iter().filter(|c| c.is_edge()).count(), 4);
        for (i, c) in Collection::ALL.iter().enumerate() {
            assert_eq!(c.index(), i);
            assert_eq!(c.endpoints().is_empty(), !c.is_edge());
        }
        assert_eq!(Device.kind(), CollectionKind::VersionedVertex);
        assert_eq!(SoftwareProxyOut.kind(), CollectionKind::ProxyVertex);
        assert_eq!(Location.kind(), CollectionKind::Vertex);
    }
}

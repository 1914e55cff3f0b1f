//! The stored JSON form of a document, written straight from the typed fields with the
//! attribute names of the document's naming convention (no intermediate JSON tree: this is
//! the generator's hot path).

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::{Body, Document, VertexRef};
use crate::naming::{Attr, Naming};

/// Writes `<Collection>/<key>` without building the string first.
struct IdOf<'a>(&'a VertexRef, Naming);

impl Serialize for IdOf<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0.display(self.1))
    }
}

impl Serialize for Document {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let n = self.naming;
        let len = match &self.body {
            Body::Proxy => 2,
            Body::Device(_) => 14,
            Body::Software(_) => 9,
            Body::Location(_) => 7,
            Body::Edge(e) => 8 + if e.connection.is_some() { 3 } else { 0 },
        };
        let mut m = serializer.serialize_map(Some(len))?;
        m.serialize_entry(Attr::Key.name(n), &self.key)?;
        match &self.body {
            Body::Proxy => {}
            Body::Device(d) => {
                m.serialize_entry(Attr::Name.name(n), &d.name)?;
                m.serialize_entry(Attr::Type.name(n), d.device_type.as_str())?;
                m.serialize_entry(Attr::Model.name(n), &d.model)?;
                m.serialize_entry(Attr::SerialNumber.name(n), &d.serial_number)?;
                m.serialize_entry(Attr::IpAddress.name(n), &d.ip_address)?;
                m.serialize_entry(Attr::MacAddress.name(n), &d.mac_address)?;
                m.serialize_entry(Attr::OperatingSystem.name(n), &d.operating_system)?;
                m.serialize_entry(Attr::OsVersion.name(n), &d.os_version)?;
                m.serialize_entry(Attr::HostName.name(n), &d.host_name)?;
                m.serialize_entry(Attr::FirewallRules.name(n), &d.firewall_rules)?;
                m.serialize_entry(Attr::Created.name(n), &d.created)?;
                m.serialize_entry(Attr::Expired.name(n), &d.expired)?;
            }
            Body::Software(s) => {
                m.serialize_entry(Attr::Name.name(n), &s.name)?;
                m.serialize_entry(Attr::Type.name(n), s.software_type.as_str())?;
                m.serialize_entry(Attr::Version.name(n), &s.version)?;
                m.serialize_entry(Attr::PortNumber.name(n), &s.port_number)?;
                m.serialize_entry(Attr::IsEnabled.name(n), &s.is_enabled)?;
                m.serialize_entry(Attr::Created.name(n), &s.created)?;
                m.serialize_entry(Attr::Expired.name(n), &s.expired)?;
            }
            Body::Location(l) => {
                m.serialize_entry(Attr::Name.name(n), &l.name)?;
                m.serialize_entry(Attr::StreetAddress.name(n), &l.street_address)?;
                m.serialize_entry(Attr::GeoLocation.name(n), &l.geo_location)?;
                m.serialize_entry(Attr::Created.name(n), &l.created)?;
                m.serialize_entry(Attr::Expired.name(n), &l.expired)?;
            }
            Body::Edge(e) => {
                m.serialize_entry(Attr::From.name(n), &IdOf(&e.from, n))?;
                m.serialize_entry(Attr::To.name(n), &IdOf(&e.to, n))?;
                m.serialize_entry(Attr::FromType.name(n), e.from_type.name(n))?;
                m.serialize_entry(Attr::ToType.name(n), e.to_type.name(n))?;
                if let Some(c) = &e.connection {
                    m.serialize_entry(Attr::ConnectionType.name(n), c.connection_type.as_str())?;
                    m.serialize_entry(Attr::BandwidthCapacity.name(n), &c.bandwidth_capacity)?;
                    m.serialize_entry(Attr::NetworkLatency.name(n), &c.network_latency)?;
                }
                m.serialize_entry(Attr::Created.name(n), &e.created)?;
                m.serialize_entry(Attr::Expired.name(n), &e.expired)?;
            }
        }
        m.serialize_entry(Attr::TenantId.name(n), &self.tenant)?;
        m.end()
    }
}

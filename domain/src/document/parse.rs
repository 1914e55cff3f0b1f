//! Reading stored JSON back into typed documents. Back ends hand validators JSON; anything
//! that does not fit the model becomes a [`DocumentError`] naming the attribute.

use serde_json::{Map, Value};

use super::{
    Body, ConnectionInfo, ConnectionType, Device, DeviceType, Document, Edge, GeoPoint, Location,
    Software, SoftwareType, VertexRef,
};
use crate::collection::{Collection, CollectionKind};
use crate::error::{DocumentError, DocumentProblem};
use crate::naming::{Attr, Naming};
use crate::tenant::TenantId;

struct Reader<'a> {
    obj: &'a Map<String, Value>,
    naming: Naming,
}

type Res<T> = Result<T, DocumentProblem>;

impl<'a> Reader<'a> {
    fn get(&self, attr: Attr) -> Res<&'a Value> {
        let name = attr.name(self.naming);
        match self.obj.get(name) {
            Some(v) if !v.is_null() => Ok(v),
            _ => Err(DocumentProblem::Missing { attr, name }),
        }
    }

    fn wrong(&self, attr: Attr, expected: &'static str) -> DocumentProblem {
        DocumentProblem::WrongType {
            attr,
            name: attr.name(self.naming),
            expected,
        }
    }

    fn invalid(&self, attr: Attr, reason: impl Into<String>) -> DocumentProblem {
        DocumentProblem::Invalid {
            attr,
            name: attr.name(self.naming),
            reason: reason.into(),
        }
    }

    fn str(&self, attr: Attr) -> Res<&'a str> {
        self.get(attr)?
            .as_str()
            .ok_or_else(|| self.wrong(attr, "a string"))
    }

    fn string(&self, attr: Attr) -> Res<String> {
        self.str(attr).map(str::to_owned)
    }

    fn i64(&self, attr: Attr) -> Res<i64> {
        self.get(attr)?
            .as_i64()
            .ok_or_else(|| self.wrong(attr, "an integer (epoch seconds)"))
    }

    fn bool(&self, attr: Attr) -> Res<bool> {
        self.get(attr)?
            .as_bool()
            .ok_or_else(|| self.wrong(attr, "true or false"))
    }

    fn port(&self, attr: Attr) -> Res<u16> {
        let v = self
            .get(attr)?
            .as_u64()
            .ok_or_else(|| self.wrong(attr, "an integer"))?;
        u16::try_from(v).map_err(|_| self.invalid(attr, format!("{v} is not a port number")))
    }

    fn strings(&self, attr: Attr) -> Res<Vec<String>> {
        let list = self
            .get(attr)?
            .as_array()
            .ok_or_else(|| self.wrong(attr, "a list of strings"))?;
        list.iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| self.wrong(attr, "a list of strings"))
            })
            .collect()
    }

    fn choice<T>(&self, attr: Attr, parse: fn(&str) -> Option<T>, allowed: &str) -> Res<T> {
        let s = self.str(attr)?;
        parse(s).ok_or_else(|| self.invalid(attr, format!("is {s:?}, not one of {allowed}")))
    }

    fn collection(&self, attr: Attr) -> Res<Collection> {
        let s = self.str(attr)?;
        Collection::from_name(s, self.naming).ok_or_else(|| {
            self.invalid(
                attr,
                format!("names {s:?}, not a {} collection", self.naming),
            )
        })
    }

    fn vertex(&self, attr: Attr) -> Res<VertexRef> {
        let s = self.str(attr)?;
        VertexRef::parse(s, self.naming).ok_or_else(|| {
            self.invalid(
                attr,
                format!(
                    "is {s:?}, not <Collection>/<key> with a {} collection",
                    self.naming
                ),
            )
        })
    }

    fn geo(&self, attr: Attr) -> Res<GeoPoint> {
        GeoPoint::deserialize_value(self.get(attr)?).ok_or_else(|| {
            self.wrong(
                attr,
                "a GeoJSON Point {type: Point, coordinates: [lon, lat]}",
            )
        })
    }

    fn tenant(&self) -> Res<TenantId> {
        let s = self.str(Attr::TenantId)?;
        TenantId::parse(s).map_err(|e| self.invalid(Attr::TenantId, format!("is {s:?}: {e}")))
    }
}

impl GeoPoint {
    fn deserialize_value(v: &Value) -> Option<GeoPoint> {
        let o = v.as_object()?;
        if o.get("type")?.as_str()? != "Point" {
            return None;
        }
        let c = o.get("coordinates")?.as_array()?;
        match c.as_slice() {
            [lon, lat] => Some(GeoPoint {
                lon: lon.as_f64()?,
                lat: lat.as_f64()?,
            }),
            _ => None,
        }
    }
}

pub(super) fn parse(
    collection: Collection,
    naming: Naming,
    value: &Value,
) -> Result<Document, DocumentError> {
    let error = |key: &str, problem| DocumentError {
        id: format!("{}/{}", collection.name(naming), key),
        problem,
    };
    let obj = value
        .as_object()
        .ok_or_else(|| error("?", DocumentProblem::NotAnObject))?;
    let r = Reader { obj, naming };
    let key = r.str(Attr::Key).map_err(|p| error("?", p))?;
    let rest = || -> Res<Document> {
        let tenant = r.tenant()?;
        let body = body(&r, collection)?;
        Ok(Document {
            collection,
            naming,
            key: key.to_owned(),
            tenant,
            body,
        })
    };
    rest().map_err(|p| error(key, p))
}

fn body(r: &Reader<'_>, collection: Collection) -> Res<Body> {
    Ok(match collection.kind() {
        CollectionKind::ProxyVertex => Body::Proxy,
        CollectionKind::VersionedVertex if collection == Collection::Device => {
            Body::Device(Device {
                name: r.string(Attr::Name)?,
                device_type: r.choice(
                    Attr::Type,
                    DeviceType::parse,
                    "server, router, laptop, IoT, firewall",
                )?,
                model: r.string(Attr::Model)?,
                serial_number: r.string(Attr::SerialNumber)?,
                ip_address: r.string(Attr::IpAddress)?,
                mac_address: r.string(Attr::MacAddress)?,
                operating_system: r.string(Attr::OperatingSystem)?,
                os_version: r.string(Attr::OsVersion)?,
                host_name: r.string(Attr::HostName)?,
                firewall_rules: r.strings(Attr::FirewallRules)?,
                created: r.i64(Attr::Created)?,
                expired: r.i64(Attr::Expired)?,
            })
        }
        CollectionKind::VersionedVertex => Body::Software(Software {
            name: r.string(Attr::Name)?,
            software_type: r.choice(
                Attr::Type,
                SoftwareType::parse,
                "application, database, service",
            )?,
            version: r.string(Attr::Version)?,
            port_number: r.port(Attr::PortNumber)?,
            is_enabled: r.bool(Attr::IsEnabled)?,
            created: r.i64(Attr::Created)?,
            expired: r.i64(Attr::Expired)?,
        }),
        CollectionKind::Vertex => Body::Location(Location {
            name: r.string(Attr::Name)?,
            street_address: r.string(Attr::StreetAddress)?,
            geo_location: r.geo(Attr::GeoLocation)?,
            created: r.i64(Attr::Created)?,
            expired: r.i64(Attr::Expired)?,
        }),
        CollectionKind::Edge => {
            let connection = if collection == Collection::HasConnection {
                Some(ConnectionInfo {
                    connection_type: r.choice(
                        Attr::ConnectionType,
                        ConnectionType::parse,
                        "ethernet, wifi, fiber",
                    )?,
                    bandwidth_capacity: r.string(Attr::BandwidthCapacity)?,
                    network_latency: r.string(Attr::NetworkLatency)?,
                })
            } else {
                None
            };
            Body::Edge(Edge {
                from: r.vertex(Attr::From)?,
                to: r.vertex(Attr::To)?,
                from_type: r.collection(Attr::FromType)?,
                to_type: r.collection(Attr::ToType)?,
                created: r.i64(Attr::Created)?,
                expired: r.i64(Attr::Expired)?,
                connection,
            })
        }
    })
}

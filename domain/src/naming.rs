//! The naming convention of a database (camelCase or snake_case) and the attribute names it
//! produces. The convention belongs to the whole database because the collections are shared
//! by every tenant; it applies to collection names and attribute names alike.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::NamingError;

/// How collections and attributes are spelled: `hostName` or `host_name`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub enum Naming {
    #[default]
    #[serde(rename = "camelCase")]
    CamelCase,
    #[serde(rename = "snake_case")]
    SnakeCase,
}

impl Naming {
    pub const ALL: [Naming; 2] = [Naming::CamelCase, Naming::SnakeCase];

    /// The serde / command-line spelling: `camelCase` or `snake_case`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Naming::CamelCase => "camelCase",
            Naming::SnakeCase => "snake_case",
        }
    }

    /// Spells a camelCase identifier in this convention (`_fromType` -> `_from_type`,
    /// `DeviceProxyIn` -> `device_proxy_in`). Acronyms are not special-cased: every capital
    /// starts a new word.
    pub fn apply(self, camel: &str) -> String {
        match self {
            Naming::CamelCase => camel.to_owned(),
            Naming::SnakeCase => {
                let mut out = String::with_capacity(camel.len() + 4);
                let mut prev: Option<char> = None;
                for c in camel.chars() {
                    if c.is_uppercase() {
                        if matches!(prev, Some(p) if p != '_') {
                            out.push('_');
                        }
                        out.extend(c.to_lowercase());
                    } else {
                        out.push(c);
                    }
                    prev = Some(c);
                }
                out
            }
        }
    }

    /// Refuses a tenant whose requested convention differs from the database's.
    pub fn ensure_matches_database(self, database: Naming) -> Result<(), NamingError> {
        if self == database {
            Ok(())
        } else {
            Err(NamingError::Mismatch {
                database,
                requested: self,
            })
        }
    }
}

impl fmt::Display for Naming {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Naming {
    type Err = NamingError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "camelCase" => Ok(Naming::CamelCase),
            "snake_case" => Ok(Naming::SnakeCase),
            other => Err(NamingError::Unknown {
                input: crate::access::text::cut(other),
            }),
        }
    }
}

macro_rules! attrs {
    ($($variant:ident => $camel:literal, $snake:literal;)*) => {
        /// Every attribute name the model uses. Looked up from static tables so serializing a
        /// document never builds a name at run time.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Attr { $($variant,)* }

        impl Attr {
            pub const ALL: &'static [Attr] = &[$(Attr::$variant,)*];

            /// The camelCase (default) spelling.
            pub const fn camel(self) -> &'static str {
                match self { $(Attr::$variant => $camel,)* }
            }

            /// The snake_case spelling.
            pub const fn snake(self) -> &'static str {
                match self { $(Attr::$variant => $snake,)* }
            }
        }
    };
}

attrs! {
    Key => "_key", "_key";
    From => "_from", "_from";
    To => "_to", "_to";
    FromType => "_fromType", "_from_type";
    ToType => "_toType", "_to_type";
    TenantId => "tenantId", "tenant_id";
    Name => "name", "name";
    Type => "type", "type";
    Model => "model", "model";
    SerialNumber => "serialNumber", "serial_number";
    IpAddress => "ipAddress", "ip_address";
    MacAddress => "macAddress", "mac_address";
    OperatingSystem => "operatingSystem", "operating_system";
    OsVersion => "osVersion", "os_version";
    HostName => "hostName", "host_name";
    FirewallRules => "firewallRules", "firewall_rules";
    Version => "version", "version";
    PortNumber => "portNumber", "port_number";
    IsEnabled => "isEnabled", "is_enabled";
    StreetAddress => "streetAddress", "street_address";
    GeoLocation => "geoLocation", "geo_location";
    ConnectionType => "connectionType", "connection_type";
    BandwidthCapacity => "bandwidthCapacity", "bandwidth_capacity";
    NetworkLatency => "networkLatency", "network_latency";
    Created => "created", "created";
    Expired => "expired", "expired";
}

impl Attr {
    /// The attribute's name under `naming`.
    pub const fn name(self, naming: Naming) -> &'static str {
        match naming {
            Naming::CamelCase => self.camel(),
            Naming::SnakeCase => self.snake(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_table_matches_the_conversion_rule() {
        for attr in Attr::ALL {
            assert_eq!(
                Naming::SnakeCase.apply(attr.camel()),
                attr.snake(),
                "{attr:?}"
            );
            assert_eq!(Naming::CamelCase.apply(attr.camel()), attr.camel());
        }
    }

    #[test]
    fn spec_examples() {
        assert_eq!(Attr::HostName.name(Naming::SnakeCase), "host_name");
        assert_eq!(Attr::TenantId.name(Naming::SnakeCase), "tenant_id");
        assert_eq!(Attr::FromType.name(Naming::SnakeCase), "_from_type");
        assert_eq!(Attr::ToType.name(Naming::CamelCase), "_toType");
        assert_eq!(
            Attr::FirewallRules.name(Naming::SnakeCase),
            "firewall_rules"
        );
        assert_eq!(
            Naming::SnakeCase.apply("hasDeviceSoftware"),
            "has_device_software"
        );
        assert_eq!(Naming::SnakeCase.apply("DeviceProxyIn"), "device_proxy_in");
    }

    #[test]
    fn parse_and_display_round_trip() {
        for n in Naming::ALL {
            assert_eq!(n.to_string().parse::<Naming>(), Ok(n));
            let json = serde_json::to_string(&n).unwrap();
            assert_eq!(json, format!("\"{}\"", n.as_str()));
            assert_eq!(serde_json::from_str::<Naming>(&json).unwrap(), n);
        }
        assert_eq!(Naming::default(), Naming::CamelCase);
        let err = "kebab-case".parse::<Naming>().unwrap_err();
        assert!(err.to_string().contains("camelCase"), "{err}");
    }

    #[test]
    fn mismatch_is_refused_with_both_conventions_named() {
        assert!(Naming::CamelCase
            .ensure_matches_database(Naming::CamelCase)
            .is_ok());
        let err = Naming::SnakeCase
            .ensure_matches_database(Naming::CamelCase)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("camelCase") && err.contains("snake_case"),
            "{err}"
        );
    }
}

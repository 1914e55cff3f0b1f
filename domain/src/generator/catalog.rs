//! Fixed vocabularies the generator draws from: realistic operating systems per device type,
//! software products per type, the sites of the spec in their order, firewall rules.

use crate::document::{DeviceType, SoftwareType};

/// (operatingSystem, osVersion) choices per device type.
pub(crate) fn operating_systems(t: DeviceType) -> &'static [(&'static str, &'static str)] {
    match t {
        DeviceType::Server => &[
            ("Ubuntu", "22.04 LTS"),
            ("Ubuntu", "20.04 LTS"),
            ("Red Hat Enterprise Linux", "9.2"),
            ("Debian", "12.2"),
            ("Windows Server", "2022"),
            ("Rocky Linux", "9.2"),
        ],
        DeviceType::Router => &[
            ("JUNOS", "22.1R1"),
            ("JUNOS", "23.2R1"),
            ("Cisco IOS XE", "17.9.3"),
            ("Cisco IOS XR", "7.8.1"),
            ("Arista EOS", "4.30.1F"),
        ],
        DeviceType::Laptop => &[
            ("Windows", "11 23H2"),
            ("Windows", "10 22H2"),
            ("macOS", "14.1 Sonoma"),
            ("macOS", "13.6 Ventura"),
            ("Ubuntu", "23.10"),
        ],
        DeviceType::IoT => &[
            ("Zephyr", "3.4.0"),
            ("FreeRTOS", "10.5.1"),
            ("Embedded Linux", "5.15"),
            ("Azure RTOS ThreadX", "6.2.1"),
        ],
        DeviceType::Firewall => &[
            ("FortiOS", "7.2.4"),
            ("FortiOS", "7.4.1"),
            ("PAN-OS", "11.0.2"),
            ("pfSense", "2.7.0"),
            ("Cisco ASA", "9.18.3"),
        ],
    }
}

/// Short host name prefix per device type.
pub(crate) const fn host_prefix(t: DeviceType) -> &'static str {
    match t {
        DeviceType::Server => "srv",
        DeviceType::Router => "rtr",
        DeviceType::Laptop => "lap",
        DeviceType::IoT => "iot",
        DeviceType::Firewall => "fw",
    }
}

/// (name, version) products per software type.
pub(crate) fn software_products(t: SoftwareType) -> &'static [(&'static str, &'static str)] {
    match t {
        SoftwareType::Application => &[
            ("Grafana", "10.1.5"),
            ("Jenkins", "2.414.3"),
            ("GitLab", "16.4.1"),
            ("Kibana", "8.10.4"),
            ("Keycloak", "22.0.5"),
            ("Confluence", "8.5.3"),
        ],
        SoftwareType::Database => &[
            ("PostgreSQL", "15.3"),
            ("MySQL", "8.0.34"),
            ("MongoDB", "7.0.2"),
            ("Redis", "7.2.1"),
            ("ArangoDB", "3.11.4"),
            ("Elasticsearch", "8.10.4"),
        ],
        SoftwareType::Service => &[
            ("Nginx", "1.24.0"),
            ("OpenSSH", "9.3p1"),
            ("Apache HTTP Server", "2.4.57"),
            ("HAProxy", "2.8.3"),
            ("Docker Engine", "24.0.6"),
            ("Prometheus", "2.47.2"),
        ],
    }
}

/// The pool firewall rules are drawn from; larger than any rule list can grow (at most
/// 4 rules now plus one per historical version), so a rule can always be added.
pub(crate) const FIREWALL_RULES: &[&str] = &[
    "allow 22",
    "allow 53",
    "allow 80",
    "allow 123",
    "allow 443",
    "allow 3306",
    "allow 5432",
    "allow 8080",
    "allow 8443",
    "deny 23",
    "deny 445",
    "deny 3389",
];

/// A site of the spec: name, street address, (lat, lon).
pub(crate) struct Site {
    pub name: &'static str,
    pub street: &'static str,
    pub lat: f64,
    pub lon: f64,
}

/// The spec's sites, used in this order.
pub(crate) const SITES: [Site; 10] = [
    Site {
        name: "New York Data Center",
        street: "75 Ninth Avenue, New York, NY 10011, USA",
        lat: 40.7128,
        lon: -74.0060,
    },
    Site {
        name: "London Office",
        street: "20 Fenchurch Street, London EC3M 3BY, UK",
        lat: 51.5074,
        lon: -0.1278,
    },
    Site {
        name: "Tokyo HQ",
        street: "1-1-2 Otemachi, Chiyoda-ku, Tokyo 100-8111, Japan",
        lat: 35.6895,
        lon: 139.6917,
    },
    Site {
        name: "Sydney Warehouse",
        street: "15 Huntley Street, Alexandria NSW 2015, Australia",
        lat: -33.8688,
        lon: 151.2093,
    },
    Site {
        name: "Frankfurt Cloud Region",
        street: "Hanauer Landstrasse 298, 60314 Frankfurt am Main, Germany",
        lat: 50.1109,
        lon: 8.6821,
    },
    Site {
        name: "Singapore Hub",
        street: "8 Marina View, Singapore 018960",
        lat: 1.2966,
        lon: 103.8764,
    },
    Site {
        name: "Toronto Branch",
        street: "151 Front Street West, Toronto, ON M5J 2N1, Canada",
        lat: 43.6532,
        lon: -79.3832,
    },
    Site {
        name: "Mumbai Center",
        street: "Bandra Kurla Complex, Mumbai 400051, India",
        lat: 18.9220,
        lon: 72.8347,
    },
    Site {
        name: "Sao Paulo Office",
        street: "Avenida Paulista 1842, Sao Paulo 01310-200, Brazil",
        lat: -23.5505,
        lon: -46.6333,
    },
    Site {
        name: "Cape Town Hub",
        street: "1 Waterfront Road, Cape Town 8001, South Africa",
        lat: -33.9025,
        lon: 18.4167,
    },
];

pub(crate) const BANDWIDTHS: &[&str] = &["100Mbps", "250Mbps", "500Mbps", "1Gbps", "10Gbps"];

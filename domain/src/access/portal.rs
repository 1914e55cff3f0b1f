//! What a customer's tenant portal shows: their signup and, once ready, their
//! own tenant's inventory. Never anything of another tenant.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::SignupStatus;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalView {
    pub signup: SignupStatus,
    /// Stored documents per collection (database names), once the tenant exists.
    pub counts: BTreeMap<String, u64>,
    /// Expected documents per collection for the chosen size.
    pub expected: BTreeMap<String, u64>,
    /// The tenant's creation (epoch seconds): where its history starts.
    pub created_at: Option<i64>,
    /// The same counts in the customer's words (see [`inventory`]).
    #[serde(default)]
    pub inventory: Vec<InventoryLine>,
    /// Other companies signed up from this browser, to switch to.
    #[serde(default)]
    pub others: Vec<PortalRef>,
    /// The personal link's token the page was opened with, when it is this
    /// signup's and still works (shown once, after signup or a new link).
    #[serde(default)]
    pub personal: Option<String>,
}

/// An operator ended every way into a signup's portal; the new personal link (its path),
/// shown once, is for the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalAccessRevoked {
    /// Personal links that stopped working.
    pub links: u64,
    /// Whether the browser that signed up still had the portal (a second revoke finds
    /// it closed already).
    #[serde(default)]
    pub browser: bool,
    pub path: String,
}

impl PortalAccessRevoked {
    /// Who lost the portal, for the operator: "2 personal links and the browser that
    /// signed up".
    pub fn closed_to(&self) -> String {
        let links = match self.links {
            0 => "no personal link".to_string(),
            1 => "1 personal link".to_string(),
            n => format!("{n} personal links"),
        };
        if self.browser {
            format!("{links} and the browser that signed up")
        } else {
            format!("{links}; the browser that signed up had lost it already")
        }
    }
}

/// Another signup this browser holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalRef {
    pub id: u64,
    pub company: String,
}

/// One line of a customer's inventory, in their words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryLine {
    pub what: String,
    pub stored: u64,
    pub expected: u64,
}

/// The inventory as a customer reads it: devices, programs, locations,
/// connections, installations and configuration history, not the database's
/// collections (`DeviceProxyIn`, `hasVersion`...).
pub fn inventory(
    naming: crate::Naming,
    counts: &BTreeMap<String, u64>,
    expected: &BTreeMap<String, u64>,
) -> Vec<InventoryLine> {
    use crate::Collection::*;
    let sum = |map: &BTreeMap<String, u64>, cs: &[crate::Collection]| -> u64 {
        cs.iter()
            .map(|c| map.get(c.name(naming)).copied().unwrap_or(0))
            .sum()
    };
    [
        ("Devices", &[DeviceProxyIn][..]),
        ("Programs", &[SoftwareProxyIn][..]),
        ("Locations", &[Location][..]),
        ("Connections between devices", &[HasConnection][..]),
        ("Programs installed on devices", &[HasDeviceSoftware][..]),
        ("Configuration versions (history)", &[Device, Software][..]),
    ]
    .into_iter()
    .map(|(what, cs)| InventoryLine {
        what: what.to_string(),
        stored: sum(counts, cs),
        expected: sum(expected, cs),
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Collection, Naming, ScaleFactor};

    #[test]
    fn a_revoke_says_who_lost_the_portal() {
        let done = |links, browser| PortalAccessRevoked {
            links,
            browser,
            path: String::new(),
        };
        assert_eq!(
            done(2, true).closed_to(),
            "2 personal links and the browser that signed up"
        );
        assert_eq!(
            done(0, false).closed_to(),
            "no personal link; the browser that signed up had lost it already"
        );
    }

    #[test]
    fn the_inventory_speaks_of_devices_not_collections() {
        let scale = ScaleFactor::new(2).unwrap();
        let expected: BTreeMap<String, u64> = Collection::ALL
            .iter()
            .map(|c| {
                (
                    c.name(Naming::SnakeCase).to_string(),
                    c.expected_count(scale),
                )
            })
            .collect();
        let lines = inventory(Naming::SnakeCase, &expected, &expected);
        assert_eq!(lines[0].what, "Devices");
        assert_eq!(lines[0].expected, 40);
        assert_eq!(lines[1].expected, 60);
        assert_eq!(lines[2].expected, 10);
        assert_eq!(lines[5].expected, 600);
        assert!(lines.iter().all(|l| l.stored == l.expected));
    }
}

//! One page of a tenant's network at a time, for people to look at.
//!
//! A tenant at scale factor 80 has 1,600 devices at any time (20,000 at 1,000): one
//! drawing of them all is a blot, and sending them all to a browser costs megabytes per
//! slider step. A page holds whole locations, in key order, up to [`PAGE_LOCATIONS`]
//! locations and [`PAGE_DEVICES`] devices; a location with more devices than that (or the
//! devices with no location yet, before onboarding) is split over several pages. The
//! totals always cover the whole network.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::point_in_time::Snapshot;

/// At most this many devices on a page.
pub const PAGE_DEVICES: usize = 120;
/// At most this many locations on a page.
pub const PAGE_LOCATIONS: usize = 12;

/// Counts over the whole network at the time, not only the page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkTotals {
    pub devices: usize,
    pub connections: usize,
    pub programs: usize,
    pub installations: usize,
    pub locations: usize,
}

/// One page: a [`Snapshot`] cut down to the page's locations and devices, with what
/// relates only to them, and where the page sits in the whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkPage {
    /// 1-based.
    pub page: u32,
    pub pages: u32,
    pub totals: NetworkTotals,
    /// 1-based position of the page's first device in the whole ordering (0 when the page
    /// has no device).
    pub first_device: usize,
    /// Connections from a device on this page to one on another page: not drawn here.
    pub connections_elsewhere: usize,
    /// The page's locations, devices, their placements and installations, the programs
    /// installed on them, and the connections between two of them.
    pub view: Snapshot,
}

/// Sorts `device7` before `device10` (and "Router 9" before "Router 14"): text first,
/// then the trailing number.
pub fn natural(key: &str) -> (String, u64) {
    let local = key.rsplit(':').next().unwrap_or(key);
    let digits = local.len() - local.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (text, number) = local.split_at(local.len() - digits);
    (text.to_string(), number.parse().unwrap_or(0))
}

/// Where a device without a location at the time is listed.
pub const UNPLACED: &str = "No location yet";

/// "Acme Corp - London Office" -> "London Office": the tenant's name is on every one.
pub fn site(name: &str) -> &str {
    name.rsplit_once(" - ").map_or(name, |(_, s)| s)
}

/// A device as a table shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRow {
    pub name: String,
    /// The device type as the data says it (server, router, ...).
    pub kind: String,
    /// The location's site name, or [`UNPLACED`].
    pub location: String,
    /// 0 = current; n = the n-th older version.
    pub version: u32,
    pub ip_address: String,
    /// Programs installed on it at the time.
    pub programs: usize,
}

/// One group of the ordering: a location (index into the sorted locations) or, `None`,
/// the devices with no location, and the devices of it on a page.
type Slice = (Option<usize>, Vec<usize>);

/// The pages of `snapshot`, each a list of slices, in order.
/// The sorted locations come back too: a slice names a location by its place among them.
fn paginate(snapshot: &Snapshot) -> (Vec<usize>, Vec<Vec<Slice>>) {
    let mut locations: Vec<usize> = (0..snapshot.locations.len()).collect();
    locations.sort_by_key(|&i| natural(&snapshot.locations[i].key));
    let mut devices: Vec<usize> = (0..snapshot.devices.len()).collect();
    devices.sort_by_key(|&i| natural(&snapshot.devices[i].key));

    let slot: BTreeMap<&str, usize> = locations
        .iter()
        .enumerate()
        .map(|(slot, &i)| (snapshot.locations[i].key.as_str(), slot))
        .collect();
    let placed: BTreeMap<&str, usize> = snapshot
        .placements
        .iter()
        .filter_map(|p| Some((p.from.as_str(), *slot.get(p.to.as_str())?)))
        .collect();
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); locations.len() + 1];
    let unplaced = locations.len();
    for &d in &devices {
        let key = snapshot.devices[d].key.as_str();
        members[placed.get(key).copied().unwrap_or(unplaced)].push(d);
    }

    let mut pages: Vec<Vec<Slice>> = Vec::new();
    let mut page: Vec<Slice> = Vec::new();
    let mut count = 0;
    for (group, list) in members.into_iter().enumerate() {
        let location = (group < unplaced).then_some(group);
        if location.is_none() && list.is_empty() {
            continue;
        }
        let full = count + list.len() > PAGE_DEVICES || page.len() == PAGE_LOCATIONS;
        if !page.is_empty() && full {
            pages.push(std::mem::take(&mut page));
            count = 0;
        }
        if list.len() <= PAGE_DEVICES {
            count += list.len();
            page.push((location, list));
            continue;
        }
        // Too many for one page: whole pages of it, the rest stays open for what follows.
        let mut chunks: Vec<Vec<usize>> = list.chunks(PAGE_DEVICES).map(<[_]>::to_vec).collect();
        let last = chunks.pop().unwrap_or_default();
        for chunk in chunks {
            pages.push(vec![(location, chunk)]);
        }
        count = last.len();
        page.push((location, last));
    }
    if !page.is_empty() || pages.is_empty() {
        pages.push(page);
    }
    (locations, pages)
}

impl NetworkPage {
    /// Page `page` (1-based; 0 reads as 1, past the end as the last page) of `snapshot`.
    pub fn of(snapshot: &Snapshot, page: u32) -> NetworkPage {
        let (locations, pages) = paginate(snapshot);
        let count = pages.len().max(1);
        let index = (page.max(1) as usize).min(count) - 1;
        let slices = &pages[index];

        let first_device = if slices.iter().all(|(_, d)| d.is_empty()) {
            0
        } else {
            1 + pages[..index]
                .iter()
                .flatten()
                .map(|(_, d)| d.len())
                .sum::<usize>()
        };
        let shown_locations: BTreeSet<&str> = slices
            .iter()
            .filter_map(|(l, _)| l.map(|slot| snapshot.locations[locations[slot]].key.as_str()))
            .collect();
        let shown: BTreeSet<&str> = slices
            .iter()
            .flat_map(|(_, d)| d.iter().map(|&i| snapshot.devices[i].key.as_str()))
            .collect();
        let on = |key: &str| shown.contains(key);
        let installations: Vec<_> = snapshot
            .installations
            .iter()
            .filter(|l| on(&l.from))
            .cloned()
            .collect();
        let programs: BTreeSet<&str> = installations.iter().map(|l| l.to.as_str()).collect();
        let touching = snapshot
            .connections
            .iter()
            .filter(|c| on(&c.from) || on(&c.to));
        let (inside, elsewhere): (Vec<_>, Vec<_>) =
            touching.partition(|c| on(&c.from) && on(&c.to));

        let view = Snapshot {
            at: snapshot.at,
            devices: slices
                .iter()
                .flat_map(|(_, d)| d.iter().map(|&i| snapshot.devices[i].clone()))
                .collect(),
            software: snapshot
                .software
                .iter()
                .filter(|s| programs.contains(s.key.as_str()))
                .cloned()
                .collect(),
            locations: slices
                .iter()
                .filter_map(|(l, _)| l.map(|slot| snapshot.locations[locations[slot]].clone()))
                .collect(),
            connections: inside.into_iter().cloned().collect(),
            placements: snapshot
                .placements
                .iter()
                .filter(|p| on(&p.from) && shown_locations.contains(p.to.as_str()))
                .cloned()
                .collect(),
            installations,
        };
        NetworkPage {
            page: index as u32 + 1,
            pages: count as u32,
            totals: NetworkTotals {
                devices: snapshot.devices.len(),
                connections: snapshot.connections.len(),
                programs: snapshot.software.len(),
                installations: snapshot.installations.len(),
                locations: snapshot.locations.len(),
            },
            first_device,
            connections_elsewhere: elsewhere.len(),
            view,
        }
    }
}

impl NetworkPage {
    /// The page's devices, by name in natural order, with where they are and what runs
    /// on them.
    pub fn device_rows(&self) -> Vec<DeviceRow> {
        let v = &self.view;
        let names: BTreeMap<&str, &str> = v
            .locations
            .iter()
            .map(|l| (l.key.as_str(), site(&l.location.name)))
            .collect();
        let place: BTreeMap<&str, &str> = v
            .placements
            .iter()
            .filter_map(|p| Some((p.from.as_str(), *names.get(p.to.as_str())?)))
            .collect();
        let mut programs: BTreeMap<&str, usize> = BTreeMap::new();
        for link in &v.installations {
            *programs.entry(link.from.as_str()).or_default() += 1;
        }
        let mut rows: Vec<DeviceRow> = v
            .devices
            .iter()
            .map(|d| DeviceRow {
                name: d.device.name.clone(),
                kind: d.device.device_type.to_string(),
                location: place.get(d.key.as_str()).unwrap_or(&UNPLACED).to_string(),
                version: d.version,
                ip_address: d.device.ip_address.clone(),
                programs: programs.get(d.key.as_str()).copied().unwrap_or(0),
            })
            .collect();
        rows.sort_by_key(|r| natural(&r.name));
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::point_in_time::snapshot_at;
    use crate::{Generator, Naming, ScaleFactor, TenantId, TenantName};

    /// The tenant's network at onboarding, or three days before it (devices only).
    fn snapshot(scale: u32, at_onboarding: bool) -> Snapshot {
        const CREATED: i64 = 1_790_000_000;
        let docs: Vec<_> = Generator::from_parts(
            TenantId::from_seed(11),
            &TenantName::parse("Paging Co").unwrap(),
            ScaleFactor::new(scale).unwrap(),
            CREATED,
            Naming::CamelCase,
        )
        .all_documents()
        .collect();
        let at = if at_onboarding {
            CREATED + 60
        } else {
            CREATED - 3 * 86_400
        };
        snapshot_at(&docs, at)
    }

    /// Every page, in order.
    fn all_pages(s: &Snapshot) -> Vec<NetworkPage> {
        let first = NetworkPage::of(s, 1);
        (1..=first.pages).map(|p| NetworkPage::of(s, p)).collect()
    }

    #[test]
    fn a_small_network_is_one_page_and_whole() {
        let s = snapshot(1, true);
        let page = NetworkPage::of(&s, 1);
        assert_eq!((page.page, page.pages, page.first_device), (1, 1, 1));
        assert_eq!(page.view.devices.len(), s.devices.len());
        assert_eq!(page.view.connections.len(), s.connections.len());
        assert_eq!(page.view.software.len(), s.software.len());
        assert_eq!(page.view.placements.len(), s.placements.len());
        assert_eq!(page.connections_elsewhere, 0);
        assert_eq!(page.totals.devices, s.devices.len());
    }

    #[test]
    fn a_large_network_is_cut_into_pages_of_whole_locations() {
        let s = snapshot(40, true);
        let pages = all_pages(&s);
        assert!(pages.len() > 1);
        let mut seen = BTreeSet::new();
        let mut next_first = 1;
        for page in &pages {
            assert!(page.view.devices.len() <= PAGE_DEVICES);
            assert!(page.view.locations.len() <= PAGE_LOCATIONS);
            assert_eq!(page.first_device, next_first);
            next_first += page.view.devices.len();
            // Whole locations: every device placed at a location on the page is on it.
            for l in &page.view.locations {
                let everywhere = s.placements.iter().filter(|p| p.to == l.key).count();
                let here = page
                    .view
                    .placements
                    .iter()
                    .filter(|p| p.to == l.key)
                    .count();
                assert_eq!(everywhere, here, "location {} is split", l.key);
            }
            for d in &page.view.devices {
                assert!(seen.insert(d.key.clone()), "{} on two pages", d.key);
            }
            // What the page carries is about its own devices only.
            let on: BTreeSet<_> = page.view.devices.iter().map(|d| &d.key).collect();
            assert!(page
                .view
                .connections
                .iter()
                .all(|c| on.contains(&c.from) && on.contains(&c.to)));
            assert!(page.view.installations.iter().all(|l| on.contains(&l.from)));
            assert_eq!(page.totals.devices, s.devices.len());
        }
        assert_eq!(seen.len(), s.devices.len(), "every device is on a page");
        let drawn: usize = pages.iter().map(|p| p.view.connections.len()).sum();
        let across: usize = pages.iter().map(|p| p.connections_elsewhere).sum();
        // A connection across pages is counted once on each side.
        assert_eq!(drawn * 2 + across, s.connections.len() * 2);
    }

    #[test]
    fn devices_with_no_location_yet_are_split_too() {
        // Before onboarding only device versions exist: nothing is placed.
        let s = snapshot(40, false);
        assert!(s.placements.is_empty() && s.devices.len() > PAGE_DEVICES);
        let pages = all_pages(&s);
        assert_eq!(pages.len(), s.devices.len().div_ceil(PAGE_DEVICES));
        assert!(pages.iter().all(|p| p.view.devices.len() <= PAGE_DEVICES));
    }

    #[test]
    fn a_page_out_of_range_reads_as_the_nearest() {
        let s = snapshot(40, true);
        let last = NetworkPage::of(&s, 1).pages;
        assert_eq!(NetworkPage::of(&s, 0).page, 1);
        assert_eq!(NetworkPage::of(&s, 9_999).page, last);
        assert_eq!(NetworkPage::of(&s, u32::MAX).page, last);
    }

    #[test]
    fn an_empty_network_is_one_empty_page() {
        let s = Snapshot::default();
        let page = NetworkPage::of(&s, 3);
        assert_eq!((page.page, page.pages, page.first_device), (1, 1, 0));
    }

    #[test]
    fn device_rows_name_the_site_and_count_programs() {
        let s = snapshot(1, true);
        let rows = NetworkPage::of(&s, 1).device_rows();
        assert_eq!(rows.len(), 20);
        assert!(rows
            .iter()
            .all(|r| r.location != UNPLACED && !r.location.contains(" - ")));
        assert_eq!(
            rows.iter().map(|r| r.programs).sum::<usize>(),
            s.installations.len()
        );
        assert!(rows
            .windows(2)
            .all(|w| natural(&w[0].name) <= natural(&w[1].name)));
        let past = NetworkPage::of(&snapshot(1, false), 1).device_rows();
        assert!(past
            .iter()
            .all(|r| r.location == UNPLACED && r.programs == 0));
    }

    #[test]
    fn natural_order_puts_7_before_10() {
        assert!(natural("t:device7") < natural("t:device10"));
        assert!(natural("Router 9") < natural("Router 14"));
    }
}

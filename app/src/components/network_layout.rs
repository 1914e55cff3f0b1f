//! Pure geometry and time arithmetic for the network explorer: where each
//! device is drawn, which history the time slider spans, and ISO dates.
//! Deterministic (same snapshot, same picture) and free of any browser API.

use std::collections::BTreeMap;

use scaleout_domain::network_page::{natural, site, UNPLACED};
use scaleout_domain::time::{history_window, HISTORY_VERSIONS, SECONDS_PER_DAY};
use scaleout_domain::Snapshot;

/// The drawing's coordinate system (the SVG viewBox).
pub const WIDTH: f64 = 800.0;
pub const HEIGHT: f64 = 560.0;

/// A location (or the group of devices placed nowhere) and where it sits.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupPos {
    pub label: String,
    pub x: f64,
    pub y: f64,
    pub r: f64,
    pub devices: usize,
    /// Where the label goes: outside the ring, away from the centre.
    pub label_x: f64,
    pub label_y: f64,
    /// SVG `text-anchor`: start, middle or end.
    pub anchor: &'static str,
}

/// A device and where it is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct NodePos {
    pub key: String,
    pub name: String,
    /// The device type as the data says it (server, router, ...).
    pub kind: String,
    /// 0 = current; n = the n-th historical version.
    pub version: u32,
    /// Programs installed at this time.
    pub software: usize,
    /// Index into [`Layout::groups`].
    pub group: usize,
    pub x: f64,
    pub y: f64,
}

/// A connection, as a line between two drawn devices.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgePos {
    pub key: String,
    pub label: String,
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub groups: Vec<GroupPos>,
    pub nodes: Vec<NodePos>,
    pub edges: Vec<EdgePos>,
    /// Radius of a device's circle.
    pub node_r: f64,
}

/// Locations on a circle, in key order; each location's devices on a small
/// circle around it, in key order. Devices without a location form one more
/// group. Connections join device centres.
pub fn layout(snapshot: &Snapshot) -> Layout {
    let mut locations: Vec<_> = snapshot.locations.iter().collect();
    locations.sort_by_key(|l| natural(&l.key));
    let location_index: BTreeMap<&str, usize> = locations
        .iter()
        .enumerate()
        .map(|(i, l)| (l.key.as_str(), i))
        .collect();
    let placed: BTreeMap<&str, usize> = snapshot
        .placements
        .iter()
        .filter_map(|p| Some((p.from.as_str(), *location_index.get(p.to.as_str())?)))
        .collect();
    let mut software: BTreeMap<&str, usize> = BTreeMap::new();
    for link in &snapshot.installations {
        *software.entry(link.from.as_str()).or_default() += 1;
    }

    let mut devices: Vec<_> = snapshot.devices.iter().collect();
    devices.sort_by_key(|d| natural(&d.key));
    let unplaced = locations.len();
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); locations.len() + 1];
    for (i, d) in devices.iter().enumerate() {
        members[placed.get(d.key.as_str()).copied().unwrap_or(unplaced)].push(i);
    }
    let mut labels: Vec<String> = locations
        .iter()
        .map(|l| site(&l.location.name).to_string())
        .collect();
    labels.push(UNPLACED.to_string());
    // Only groups that are drawn: locations (even empty ones) and the unplaced
    // group when it has devices.
    let shown: Vec<usize> = (0..members.len())
        .filter(|&g| g < unplaced || !members[g].is_empty())
        .collect();

    let (cx, cy) = (WIDTH / 2.0, HEIGHT / 2.0);
    let n = shown.len();
    let ring = if n <= 1 { 0.0 } else { HEIGHT * 0.30 };
    // Room is left between the outermost devices and the edge for labels.
    let group_r = if n <= 1 {
        HEIGHT * 0.36
    } else {
        (ring * (std::f64::consts::PI / n as f64).sin() * 0.72).min(HEIGHT / 2.0 - ring - 34.0)
    };
    let most = members.iter().map(Vec::len).max().unwrap_or(0).max(1);
    // Neighbours on a group's circle stay apart: the chord between them is at
    // least three radii.
    let chord = 2.0 * group_r * (std::f64::consts::PI / most as f64).sin();
    let node_r = (chord / 3.0).clamp(3.0, 10.0);

    let mut groups = Vec::with_capacity(n);
    let mut nodes: Vec<Option<NodePos>> = vec![None; devices.len()];
    for (slot, &g) in shown.iter().enumerate() {
        let angle = angle_of(slot, n);
        let (gx, gy) = (cx + ring * angle.cos(), cy + ring * angle.sin());
        let inner = if members[g].len() <= 1 { 0.0 } else { group_r };
        for (k, &d) in members[g].iter().enumerate() {
            let a = angle_of(k, members[g].len());
            let device = devices[d];
            nodes[d] = Some(NodePos {
                key: device.key.clone(),
                name: device.device.name.clone(),
                kind: device.device.device_type.to_string(),
                version: device.version,
                software: software.get(device.key.as_str()).copied().unwrap_or(0),
                group: slot,
                x: round(gx + inner * a.cos()),
                y: round(gy + inner * a.sin()),
            });
        }
        let out = ring + group_r + node_r + 8.0;
        let (lx, ly) = if n <= 1 {
            (cx, cy - out)
        } else {
            (cx + out * angle.cos(), cy + out * angle.sin())
        };
        let anchor = if (lx - cx).abs() < 1.0 {
            "middle"
        } else if lx < cx {
            "end"
        } else {
            "start"
        };
        groups.push(GroupPos {
            label: labels[g].clone(),
            x: round(gx),
            y: round(gy),
            r: round(group_r),
            devices: members[g].len(),
            label_x: round(lx),
            // Below the centre the text hangs under its point.
            label_y: round(if ly > cy + 1.0 { ly + 10.0 } else { ly }),
            anchor,
        });
    }
    let nodes: Vec<NodePos> = nodes.into_iter().flatten().collect();
    let at: BTreeMap<&str, &NodePos> = nodes.iter().map(|p| (p.key.as_str(), p)).collect();
    let mut connections: Vec<_> = snapshot.connections.iter().collect();
    connections.sort_by(|a, b| a.key.cmp(&b.key));
    let edges = connections
        .into_iter()
        .filter_map(|c| {
            let (a, b) = (at.get(c.from.as_str())?, at.get(c.to.as_str())?);
            Some(EdgePos {
                key: c.key.clone(),
                label: format!("{} to {}", c.from_name, c.to_name),
                x1: a.x,
                y1: a.y,
                x2: b.x,
                y2: b.y,
            })
        })
        .collect();
    Layout {
        groups,
        nodes,
        edges,
        node_r: round(node_r),
    }
}

/// The k-th of n points on a circle, the first at the top, clockwise.
fn angle_of(k: usize, n: usize) -> f64 {
    -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * k as f64 / n.max(1) as f64
}

/// Two decimals: stable text in the SVG on the server and in the browser.
fn round(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// The span of a tenant's history for the time slider: from the earliest
/// moment its oldest versions may have been created (25 days before it was
/// onboarded) to its onboarding, when the current versions and every
/// relationship begin. The span is a whole number of days.
pub fn history_span(created_at: i64) -> (i64, i64) {
    let (earliest, _) = history_window(created_at, HISTORY_VERSIONS);
    (earliest, created_at)
}

/// One slider step: a day.
pub const STEP_SECONDS: i64 = SECONDS_PER_DAY;

/// `2026-11-24T04:03:00Z` (UTC, ISO 8601), for epoch seconds.
pub use scaleout_domain::time::iso_secs as iso_datetime;

#[cfg(test)]
mod tests {
    use super::*;
    use scaleout_domain::{snapshot_at, Generator, Naming, ScaleFactor, TenantId, TenantName};

    const T: i64 = 1_700_000_000;

    fn snapshot(scale: u32, at: i64) -> Snapshot {
        let docs: Vec<_> = Generator::from_parts(
            TenantId::from_seed(7),
            &TenantName::parse("Acme Corp").unwrap(),
            ScaleFactor::new(scale).unwrap(),
            T,
            Naming::CamelCase,
        )
        .all_documents()
        .collect();
        snapshot_at(&docs, at)
    }

    #[test]
    fn devices_are_grouped_by_location_and_inside_the_picture() {
        let snap = snapshot(1, T + 60);
        let l = layout(&snap);
        assert_eq!(l.groups.len(), 5, "five locations, nobody unplaced");
        assert_eq!(l.nodes.len(), 20);
        assert_eq!(l.groups.iter().map(|g| g.devices).sum::<usize>(), 20);
        assert_eq!(l.edges.len(), 30);
        assert_eq!(l.nodes.iter().map(|n| n.software).sum::<usize>(), 40);
        assert_eq!(l.groups[0].label, "New York Data Center");
        for n in &l.nodes {
            let g = &l.groups[n.group];
            let d = ((n.x - g.x).powi(2) + (n.y - g.y).powi(2)).sqrt();
            assert!(d <= g.r + 0.01, "{} sits on its location's circle", n.name);
            assert!(n.x - l.node_r >= 0.0 && n.x + l.node_r <= WIDTH, "{n:?}");
            assert!(n.y - l.node_r >= 0.0 && n.y + l.node_r <= HEIGHT, "{n:?}");
        }
        // Every line ends on two drawn devices.
        for e in &l.edges {
            assert!(l.nodes.iter().any(|n| (n.x, n.y) == (e.x1, e.y1)));
            assert!(l.nodes.iter().any(|n| (n.x, n.y) == (e.x2, e.y2)));
        }
    }

    #[test]
    fn the_layout_is_deterministic_whatever_the_input_order() {
        let snap = snapshot(2, T + 60);
        let mut shuffled = snap.clone();
        shuffled.devices.reverse();
        shuffled.locations.reverse();
        shuffled.connections.reverse();
        shuffled.placements.reverse();
        assert_eq!(layout(&snap), layout(&shuffled));
        // Natural order: device2 comes before device10.
        let l = layout(&snap);
        let pos = |local: &str| {
            l.nodes
                .iter()
                .position(|n| n.key.ends_with(&format!(":{local}")))
                .unwrap()
        };
        assert!(pos("device2") < pos("device10"));
    }

    #[test]
    fn before_onboarding_devices_have_no_location_and_no_lines() {
        let snap = snapshot(1, T - 3 * SECONDS_PER_DAY);
        let l = layout(&snap);
        assert!(l.edges.is_empty());
        assert_eq!(l.groups.len(), 1);
        assert_eq!(l.groups[0].label, UNPLACED);
        assert_eq!(l.groups[0].devices, 20);
        assert!(l.nodes.iter().all(|n| n.version >= 1 && n.software == 0));
        assert_eq!((l.groups[0].x, l.groups[0].y), (WIDTH / 2.0, HEIGHT / 2.0));
    }

    #[test]
    fn an_empty_snapshot_draws_nothing() {
        let snap = snapshot(1, T - 40 * SECONDS_PER_DAY);
        let l = layout(&snap);
        assert!(l.nodes.is_empty() && l.edges.is_empty() && l.groups.is_empty());
    }

    #[test]
    fn history_spans_the_oldest_versions_to_onboarding() {
        let (from, to) = history_span(T);
        assert_eq!(to, T);
        assert_eq!(to - from, 25 * SECONDS_PER_DAY);
        assert_eq!((to - from) % STEP_SECONDS, 0, "whole slider steps");
        // The oldest versions exist only inside the span.
        assert!(snapshot(1, from - 1).devices.is_empty());
        assert_eq!(snapshot(1, to).devices.len(), 20);
    }

    #[test]
    fn iso_dates_in_utc() {
        assert_eq!(iso_datetime(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_datetime(T), "2023-11-14T22:13:20Z");
        assert_eq!(iso_datetime(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso_datetime(-1), "1969-12-31T23:59:59Z");
    }
}

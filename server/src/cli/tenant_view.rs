//! `scaleout tenant show`: one tenant as the tenant page shows it, for the terminal.

use std::fmt::Write as _;

use scaleout_domain::port::TenantValidation;
use scaleout_domain::time::iso_secs;
use scaleout_domain::units::{grouped, human_bytes};
use scaleout_domain::views::TenantDetail;
use scaleout_domain::NetworkPage;
use serde::Serialize;

/// Everything `tenant show` reports (its `--json` output).
#[derive(Debug, Serialize)]
pub struct TenantView {
    pub detail: TenantDetail,
    pub isolation: TenantValidation,
    pub network: NetworkPage,
}

pub fn render(v: &TenantView) -> String {
    let (d, row) = (&v.detail, &v.detail.row);
    let mut out = String::new();
    let _ = writeln!(out, "{} (id {})", row.name, row.id.as_str());
    let _ = writeln!(
        out,
        "Scale factor {}, {}, {}, onboarded {}; shard group {}, leader {} (followers {})",
        row.scale_factor,
        row.naming,
        row.status,
        iso_secs(row.created_at),
        row.shard_group.map_or("-".to_string(), |g| g.to_string()),
        row.leader.as_deref().unwrap_or("-"),
        row.followers.join(", ")
    );
    let _ = writeln!(
        out,
        "{} documents, {} as stored.",
        grouped(row.documents),
        human_bytes(row.bytes)
    );
    if let Some((group, servers)) = row.neighbourhood() {
        let _ = writeln!(out, "{group} {servers}");
    }

    let _ = writeln!(
        out,
        "\n{:<22} {:>9} {:>9}  CHECK",
        "COLLECTION", "EXPECTED", "STORED"
    );
    for (collection, expected) in &d.expected {
        let stored = d.counts.get(collection).copied().unwrap_or(0);
        let check = if stored == *expected {
            "complete"
        } else {
            "MISMATCH"
        };
        let _ = writeln!(
            out,
            "{collection:<22} {:>9} {:>9}  {check}",
            grouped(*expected),
            grouped(stored)
        );
    }

    let i = &v.isolation;
    let _ = writeln!(
        out,
        "\n{}: {} documents checked, {}.",
        if i.violations.is_empty() {
            "Isolated"
        } else {
            "NOT ISOLATED"
        },
        grouped(i.documents),
        scaleout_domain::units::counted(i.violations.len() as u64, "violation")
    );
    super::render::violations(&mut out, &i.violations);

    let n = &v.network;
    let t = &n.totals;
    let _ = writeln!(
        out,
        "\nNetwork at {}: {} devices, {} connections, {} programs ({} installations), {} locations",
        iso_secs(n.view.at),
        grouped(t.devices as u64),
        grouped(t.connections as u64),
        grouped(t.programs as u64),
        grouped(t.installations as u64),
        grouped(t.locations as u64)
    );
    if n.pages > 1 {
        let shown = n.view.devices.len();
        let next = if n.page < n.pages {
            format!("; next: --page {}", n.page + 1)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "Page {} of {}: devices {}-{}{next}",
            n.page,
            n.pages,
            grouped(n.first_device as u64),
            grouped((n.first_device + shown).saturating_sub(1) as u64),
        );
    }
    let rows = n.device_rows();
    if rows.is_empty() {
        let _ = writeln!(out, "Nothing existed yet at this time: try a later --at.");
        return out;
    }
    let _ = writeln!(
        out,
        "\n{:<24} {:<9} {:<26} {:>8} {:<16} {:>8}",
        "DEVICE", "TYPE", "LOCATION", "VERSION", "IP ADDRESS", "PROGRAMS"
    );
    for r in rows {
        let version = if r.version == 0 {
            "current".to_string()
        } else {
            format!("-{}", r.version)
        };
        let _ = writeln!(
            out,
            "{:<24} {:<9} {:<26} {:>8} {:<16} {:>8}",
            r.name, r.kind, r.location, version, r.ip_address, r.programs
        );
    }
    out
}

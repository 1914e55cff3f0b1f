//! A short human-readable summary of a plan, for the CLI.

use std::fmt::Write;

use super::metrics::Figures;
use super::plan::{Plan, Role, StepKind};
use crate::units::human_bytes;

/// How many steps the text lists before summarising the rest.
const LISTED: usize = 40;

/// The plan as text: headline, before/after figures, per-server table, steps, reasons and
/// warnings.
pub fn render_text(plan: &Plan) -> String {
    let mut out = String::new();
    let moves = plan
        .moves
        .iter()
        .filter(|m| m.kind == StepKind::Move)
        .count();
    let switches = plan.moves.len() - moves;
    let mandatory = plan.moves.iter().filter(|m| m.mandatory).count();
    let _ = writeln!(
        out,
        "Rebalance plan (balance by {}): {} move{}{}{}, {} to copy (lower bound {})",
        plan.target.as_str(),
        moves,
        if moves == 1 { "" } else { "s" },
        if mandatory > 0 {
            format!(" ({mandatory} to drain)")
        } else {
            String::new()
        },
        if switches > 0 {
            format!(
                " and {switches} leader switch{}",
                if switches == 1 { "" } else { "es" }
            )
        } else {
            String::new()
        },
        human_bytes(plan.bytes_to_move),
        human_bytes(plan.lower_bound_bytes),
    );
    let line = |label: &str, f: &Figures| {
        format!(
            "{label:<7} max/mean {:.3}  CV {:.3}  max {}  mean {}  leaders max/mean {:.2}  ArangoDB \
             imbalance scores: shards {}, leader {}",
            f.bytes.max_over_mean,
            f.bytes.cv,
            human_bytes(f.bytes.max),
            human_bytes(f.bytes.mean.round() as u64),
            f.leaders.max_over_mean,
            crate::units::plain_number(f.arangodb.shards),
            crate::units::plain_number(f.arangodb.leader),
        )
    };
    let _ = writeln!(
        out,
        "Effect: {}",
        super::effect(&plan.before.bytes, &plan.after.bytes)
    );
    if plan.barely_helps() {
        let _ = writeln!(out, "{}", super::BARELY_HELPS);
    }
    let _ = writeln!(out, "{}", line("Before:", &plan.before));
    let _ = writeln!(out, "{}", line("After:", &plan.after));
    if let Some(note) = super::leader_score_note(&plan.before, &plan.after) {
        let _ = writeln!(out, "{note}");
    }
    let what_if = plan.after.servers.iter().filter(|s| s.what_if).count();
    if what_if > 0 {
        let _ = writeln!(
            out,
            "(Before counts the {} as empty servers, so it reads less even than `shard-info`, which leaves them out.)",
            crate::units::counted(what_if as u64, "what-if server")
        );
    }

    let _ = writeln!(
        out,
        "\n{:<14} {:>21}  {:>15}  {:>15}",
        "Server", "bytes before -> after", "shards", "leader shards"
    );
    for (b, a) in plan.before.servers.iter().zip(&plan.after.servers) {
        let mut note = Vec::new();
        if a.what_if {
            note.push("what-if");
        }
        if a.draining {
            note.push("draining");
        }
        if a.health != super::snapshot::Health::Good {
            note.push(a.health.as_str());
        }
        let _ = writeln!(
            out,
            "{:<14} {:>9} -> {:<9}  {:>6} -> {:<6}  {:>6} -> {:<6}{}",
            a.name,
            human_bytes(b.bytes),
            human_bytes(a.bytes),
            b.shards,
            a.shards,
            b.leaders,
            a.leaders,
            if note.is_empty() {
                String::new()
            } else {
                format!("  ({})", note.join(", "))
            }
        );
    }

    if !plan.moves.is_empty() {
        // Columns as wide as the longest server name, so "what" lines up.
        let listed: Vec<_> = plan.moves.iter().take(LISTED).collect();
        let width = listed
            .iter()
            .flat_map(|m| [m.from.len(), m.to.len()])
            .max()
            .unwrap_or(0)
            .max(4);
        let _ = writeln!(
            out,
            "\nSteps:\n{:>5} {:<11} {:<width$}    {:<width$}  WHAT",
            "#", "SHARD GROUP", "FROM", "TO"
        );
        for (i, m) in listed.into_iter().enumerate() {
            let what = match (m.kind, m.role) {
                (StepKind::LeaderSwitch, _) => "leader switch (nothing copied)".to_string(),
                (StepKind::Move, Role::Leader) => format!("leader   {}", human_bytes(m.bytes)),
                (StepKind::Move, Role::Follower) => format!("follower {}", human_bytes(m.bytes)),
            };
            let _ = writeln!(
                out,
                "{:>4}. {:<11} {:<width$} -> {:<width$}  {}{}",
                i + 1,
                m.group,
                m.from,
                m.to,
                what,
                if m.mandatory { "  (drain)" } else { "" }
            );
        }
        if plan.moves.len() > LISTED {
            let _ = writeln!(
                out,
                "      ... and {} more (use --json for all)",
                plan.moves.len() - LISTED
            );
        }
    } else {
        let _ = writeln!(out, "\nNo step improves the balance.");
    }
    if !plan.reasons.is_empty() {
        let _ = writeln!(out, "\nWhy perfect balance is out of reach:");
        for r in &plan.reasons {
            let _ = writeln!(out, "  - {r}");
        }
    }
    if !plan.warnings.is_empty() {
        let _ = writeln!(out, "\nWarnings:");
        for w in &plan.warnings {
            let _ = writeln!(out, "  - {w}");
        }
    }
    out
}

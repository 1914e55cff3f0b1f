//! Proving a move kept the data: the group's tenants are counted (and, where the back end
//! can, checksummed) before and after, and the group's placement is read back from the
//! cluster. Tenants another job writes meanwhile (onboarding, removal) are named, not
//! compared: their counts change for a reason of their own.

use std::collections::BTreeSet;

use scaleout_domain::port::{GroupTally, MoveRequest, ReplicaRole};
use scaleout_domain::units::counted;
use scaleout_domain::TenantId;

use crate::console::Console;
use crate::error::ServiceError;

/// What a move's check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub verified: bool,
    /// What differed (not verified), or what was left out of the comparison.
    pub note: Option<String>,
    /// One sentence for the progress log.
    pub summary: String,
}

/// The group before its move: its tally, the tenants other jobs were writing then, and
/// where tenant writes stood. A tenant whose onboarding ends during the move is no longer
/// locked when the move is checked, but its count changed for its own reason (seen in a
/// test run); one whose onboarding starts and ends during it never was locked then.
#[derive(Debug, Clone)]
pub struct Before {
    tally: GroupTally,
    writing: BTreeSet<TenantId>,
    mark: u64,
}

/// The group's tally before its move, with who is writing.
pub async fn before(console: &Console, job: u64, group: u32) -> Result<Before, ServiceError> {
    // Asked before the count: an onboarding that ends while the group is counted is held
    // now; one that starts meanwhile is taken after the mark.
    let mark = console.store().tenant_write_mark()?;
    let writing = console.store().tenants_held(job)?;
    let tally = console.backend().group_tally(group).await?;
    Ok(Before {
        tally,
        writing,
        mark,
    })
}

/// Compares the group after the move with `before`, and reads its placement back.
pub async fn after(
    console: &Console,
    job: u64,
    request: &MoveRequest,
    before: &Before,
) -> Result<Verdict, ServiceError> {
    let Before {
        tally: before,
        writing,
        mark,
    } = before;
    let after = console.backend().group_tally(request.group).await?;
    // Asked after the count: held now, or taken for writing at any time since the mark
    // (by a job that may have ended already), or held when the move began.
    let store = console.store();
    let changing: BTreeSet<TenantId> = store
        .tenants_held(job)?
        .into_iter()
        .chain(store.tenants_written_since(*mark)?)
        .chain(writing.iter().cloned())
        .filter(|id| before.tenants.contains_key(id) || after.tenants.contains_key(id))
        .collect();
    let mut problems = before.differences(&after, &changing);
    if let Some(wrong) = misplaced(console, request).await? {
        problems.push(wrong);
    }
    // What was compared: the tenants no other job was writing, and their documents.
    let (compared, compared_documents) = after
        .tenants
        .iter()
        .filter(|(id, _)| !changing.contains(id))
        .fold((0u64, 0u64), |(n, d), (_, t)| (n + 1, d + t.documents));
    if !problems.is_empty() {
        let note = problems.join("; ");
        return Ok(Verdict {
            verified: false,
            summary: format!("NOT verified: {note}"),
            note: Some(note),
        });
    }
    let skipped = (!changing.is_empty()).then(|| match changing.len() {
        1 => "1 tenant being written by another job was not compared".to_string(),
        n => format!("{n} tenants being written by other jobs were not compared"),
    });
    let holds = match request.role {
        ReplicaRole::Leader => "leadership",
        ReplicaRole::Follower => "replica",
    };
    if before.tenants.is_empty() && after.tenants.is_empty() {
        return Ok(Verdict {
            verified: true,
            summary: format!(
                "verified: the group holds no tenant data, and {} now holds the {holds}",
                request.to
            ),
            note: None,
        });
    }
    let kept = if compared == 0 {
        // Only tenants other jobs were writing: the placement is all there is to check.
        format!(
            "verified: no tenant left to compare, and {} now holds the {holds}",
            request.to
        )
    } else {
        format!(
            "verified: {} of {} the same before and after{}, and {} now holds the {}",
            counted(compared_documents, "document"),
            counted(compared, "tenant"),
            if after.tenants.values().any(|t| t.checksum.is_some()) {
                " (counts and checksums)"
            } else {
                ""
            },
            request.to,
            holds
        )
    };
    Ok(Verdict {
        verified: true,
        summary: match &skipped {
            Some(s) => format!("{kept} ({s})"),
            None => kept,
        },
        note: skipped,
    })
}

/// The placement read back: the replica (or leadership) is on `to` and no longer on `from`.
/// `None` when it is.
pub async fn misplaced(
    console: &Console,
    request: &MoveRequest,
) -> Result<Option<String>, ServiceError> {
    let map = console.backend().shard_map().await?;
    let Some(g) = map.groups.iter().find(|g| g.index == request.group) else {
        return Ok(Some(format!(
            "shard group {} is no longer in the shard map",
            request.group
        )));
    };
    let holds = |s: &str| g.leader == s || g.followers.iter().any(|f| f == s);
    let wrong = match request.role {
        ReplicaRole::Leader if g.leader != request.to => Some(format!(
            "the cluster reports shard group {} led by {}, not {}",
            request.group, g.leader, request.to
        )),
        ReplicaRole::Follower if !holds(&request.to) => Some(format!(
            "the cluster reports no replica of shard group {} on {}",
            request.group, request.to
        )),
        // A leader switch keeps the old leader as a follower; a move takes it away.
        ReplicaRole::Follower if holds(&request.from) => Some(format!(
            "{} still holds a replica of shard group {}",
            request.from, request.group
        )),
        ReplicaRole::Leader if g.leader == request.from => Some(format!(
            "{} still leads shard group {}",
            request.from, request.group
        )),
        _ => None,
    };
    Ok(wrong)
}

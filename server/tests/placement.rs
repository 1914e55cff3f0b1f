//! Placement at creation, end to end on the embedded back end: with `balanced`
//! (the default) tenants of one size fill the shard groups evenly and each says
//! where it went and why; with `hash` they land where their ids hash.

mod support;

use scaleout_domain::tenant_placement::PlacementMode;
use support::spawn_app_with;

/// Tenants per group in the end, by group.
async fn fill(mode: PlacementMode, tenants: usize) -> (Vec<usize>, Vec<Option<String>>) {
    let app = spawn_app_with(move |c| c.placement = mode).await;
    let mut rows = Vec::new();
    for i in 0..tenants {
        rows.push(app.add_tenant(&format!("Placed {i:02}"), 1).await);
    }
    let mut per_group = vec![0usize; 12];
    for r in &rows {
        per_group[r.shard_group.expect("placed in a group") as usize] += 1;
    }
    app.shutdown().await;
    (per_group, rows.into_iter().map(|r| r.placement).collect())
}

#[tokio::test]
async fn balanced_placement_fills_every_group_evenly_and_says_why() {
    let (per_group, why) = fill(PlacementMode::Balanced, 24).await;
    assert_eq!(
        per_group,
        vec![2; 12],
        "two tenants of one size in each of 12 groups"
    );
    assert!(
        why[0].as_deref().unwrap().contains("every group was empty"),
        "{why:?}"
    );
    let later = why[20].as_deref().unwrap();
    assert!(
        later.starts_with("shard group ") && later.contains("the lightest"),
        "{later}"
    );

    // Hash placement of the same tenants: uneven (24 random ids in 12 groups are
    // evenly spread about once in 10,000 runs).
    let (per_group, why) = fill(PlacementMode::Hash, 24).await;
    assert_ne!(per_group, vec![2; 12], "{per_group:?}");
    assert!(
        why[5].as_deref().unwrap().contains("--placement hash"),
        "{why:?}"
    );
}

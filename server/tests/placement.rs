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

/// A customer's signup is placed like every other tenant: balanced, with its reason.
#[tokio::test]
async fn a_signup_is_placed_where_it_fits() {
    let app = spawn_app_with(|c| c.placement = PlacementMode::Balanced).await;
    let first = app.add_tenant("Already Here", 4).await;
    support::sign_up(&app, "Signed Up Co").await;
    let row = loop {
        let rows: Vec<scaleout_domain::views::TenantRow> =
            app.post("/api/tenants/list").await.json().await.unwrap();
        match rows.into_iter().find(|r| r.name == "Signed Up Co") {
            Some(r) if r.status == "active" => break r,
            _ => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
        }
    };
    let why = row.placement.expect("the signup's placement is recorded");
    assert!(why.contains("the lightest"), "{why}");
    assert_ne!(row.shard_group, first.shard_group, "not beside the big one");
    app.shutdown().await;
}

//! What each tenant weighs, end to end on the embedded back end: stored sizes in the
//! tenant list, the share of its group and servers, the sentence on its page, the
//! Tenants page ordered by size (without a script), and who shares each server.

mod support;

use scaleout_domain::views::{ServerReport, TenantRow};
use support::{markup, spawn_app_with};

#[tokio::test]
async fn tenants_are_weighed_among_their_neighbours() {
    // Two shard groups: Big Co (s=3) takes one, the two small ones share the other.
    let app = spawn_app_with(|c| c.number_of_shards = Some(2)).await;
    app.add_tenant("Big Co", 3).await;
    let small_a = app.add_tenant("Small A", 1).await;
    app.add_tenant("Small B", 1).await;
    let rows: Vec<TenantRow> = app.post("/api/tenants/list").await.json().await.unwrap();
    let row = |name: &str| rows.iter().find(|r| r.name == name).unwrap().clone();
    let (big, a, b) = (row("Big Co"), row("Small A"), row("Small B"));
    assert_ne!(big.shard_group, a.shard_group, "{rows:?}");
    assert_eq!(a.shard_group, b.shard_group, "{rows:?}");

    // Stored figures: documents exact, bytes measured (about three times as many).
    assert_eq!((big.documents, a.documents), (3 * 1095, 1095));
    let ratio = big.bytes as f64 / a.bytes as f64;
    assert!((2.6..3.4).contains(&ratio), "{ratio}");
    assert_eq!((big.neighbours, a.neighbours), (0, 1));
    assert_eq!(big.group_share, Some(1.0));
    let halves = a.group_share.unwrap() + b.group_share.unwrap();
    assert!((halves - 1.0).abs() < 1e-9 && (a.group_share.unwrap() - 0.5).abs() < 0.05);
    // Each server holding a tenant: its share of what that server holds.
    assert_eq!(big.server_shares.len(), 2);
    for share in &a.server_shares {
        let holds_big = big.server_shares.iter().any(|s| s.server == share.server);
        let expected = if holds_big {
            a.bytes as f64 / (big.bytes + a.bytes + b.bytes) as f64
        } else {
            0.5
        };
        assert!(
            (share.share - expected).abs() < 0.02,
            "{share:?} vs {expected}"
        );
    }

    // The tenant's page says it in words.
    let page = markup(
        &app.get(&format!("/tenants/{}", small_a.id))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(
        page.contains(&format!(
            "Shares shard group {} with 1 other tenant; it is 50% of the group.",
            a.shard_group.unwrap()
        )),
        "{page}"
    );
    let page = markup(
        &app.get(&format!("/tenants/{}", big.id))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(
        page.contains(&format!(
            "Alone in shard group {}.",
            big.shard_group.unwrap()
        )),
        "{page}"
    );

    // The Tenants page ordered by size, by name, as sent by the server.
    let order = |html: &str| {
        let mut at: Vec<(usize, &str)> = ["Big Co", "Small A", "Small B"]
            .into_iter()
            .map(|n| (html.find(&format!(">{n}</a></th>")).expect(n), n))
            .collect();
        at.sort();
        at.into_iter().map(|(_, n)| n).collect::<Vec<_>>()
    };
    let sized = markup(&app.get("/tenants?sort=size").await.text().await.unwrap());
    assert_eq!(order(&sized)[0], "Big Co");
    let named = markup(
        &app.get("/tenants?sort=name&q=small")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(order(&named), ["Big Co", "Small A", "Small B"]);
    assert!(
        named.contains("aria-sort=\"ascending\""),
        "the name heading says it orders"
    );
    // Without a script the filter form sends the order too.
    assert!(
        sized.contains("<input type=\"hidden\" name=\"sort\" value=\"size\""),
        "{sized}"
    );

    // Who shares each server: every replica's tenants, largest first, shares adding up.
    let report: ServerReport = app.post("/api/cluster/servers").await.json().await.unwrap();
    for s in report.servers.iter().filter(|s| !s.weights.is_empty()) {
        let total: f64 = s.weights.iter().map(|w| w.share).sum();
        assert!((total - 1.0).abs() < 1e-9, "{s:?}");
        assert!(s.weights.windows(2).all(|p| p[0].bytes >= p[1].bytes));
        assert_eq!(s.weights.len(), s.tenants.len());
    }
    let servers = markup(&app.get("/servers").await.text().await.unwrap());
    assert!(servers.contains("Who shares each server"), "{servers}");
    for s in report.servers.iter().filter(|s| !s.weights.is_empty()) {
        // Each bar is named, largest first, for those who cannot see it.
        let first = &s.weights[0];
        let label = format!(
            "aria-label=\"{}: {} {}",
            s.short_name,
            first.name,
            scaleout_domain::tenant_weight::percent(first.share)
        );
        assert!(servers.contains(&label), "{label} in {servers}");
    }
    app.shutdown().await;
}

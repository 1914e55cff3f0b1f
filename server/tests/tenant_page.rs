//! The tenant page, rendered on the server: counts, isolation and the network.

mod support;

use support::{spawn_app, text_of};

#[tokio::test]
async fn the_tenant_page_shows_counts_isolation_and_the_network_without_wasm() {
    let app = spawn_app().await;
    let row = app.add_tenant("Acme Corp", 1).await;

    // The tenants list links to the page.
    let list = app.get("/tenants").await.text().await.unwrap();
    assert!(
        list.contains(&format!("href=\"/tenants/{}\"", row.id)),
        "{list}"
    );

    let response = app.get(&format!("/tenants/{}", row.id)).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(
        support::markup(&html).contains("<h1>Acme Corp</h1>"),
        "{html}"
    );
    // Counts per collection, expected against stored.
    assert!(html.contains(r#"data-collection="Device""#), "{html}");
    assert_eq!(text_of(&html, "expected-total"), "1,095", "{html}");
    assert_eq!(text_of(&html, "stored-total"), "1,095");
    assert!(html.contains("complete"));
    // Isolation verdict.
    assert!(html.contains(r#"data-clean="true""#), "{html}");
    assert!(html.contains("1,095 documents checked, 0 violations"));
    // The slider spans the tenant's history and shows the latest by default.
    assert!(html.contains(r#"type="range""#));
    assert!(html.contains(&format!(r#"min="{}""#, row.created_at - 25 * 86_400)));
    assert!(html.contains(&format!(r#"max="{}""#, row.created_at)));
    assert!(html.contains(r#"<label for="network-at""#));
    // The drawing and its text alternative.
    assert!(html.contains("<svg"));
    assert!(
        html.contains("20 devices, 30 connections, 30 programs (40 installations), 5 locations")
    );
    assert!(html.contains("New York Data Center"));
    assert_eq!(html.matches("class=\"connection\"").count(), 30);

    // Without JavaScript the form asks for another time with ?at=.
    let at = row.created_at - 3 * 86_400;
    let past = app
        .get(&format!("/tenants/{}?at={at}", row.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        past.contains("20 devices, 0 connections, 30 programs (0 installations), 0 locations"),
        "{past}"
    );
    assert!(past.contains(&format!(r#"data-at="{at}""#)));
    assert!(past.contains("No location yet"));
    app.shutdown().await;
}

#[tokio::test]
async fn a_large_tenant_is_shown_a_page_of_whole_locations_at_a_time() {
    let app = spawn_app().await;
    let row = app.add_tenant("Big Co", 40).await;

    let html = app
        .get(&format!("/tenants/{}", row.id))
        .await
        .text()
        .await
        .unwrap();
    // The counts cover everything; the drawing and the data sent with it one page.
    assert!(
        html.contains(
            "800 devices, 1,200 connections, 1,200 programs (1,600 installations), 200 locations"
        ),
        "{html}"
    );
    let pages = (200usize).div_ceil(scaleout_domain::network_page::PAGE_LOCATIONS);
    assert!(
        html.contains(&format!(
            "Page 1 of {pages}: devices 1–48 of 800, whole locations"
        )),
        "{html}"
    );
    assert_eq!(html.matches("data-device=").count(), 48);
    assert!(html.len() < 400_000, "the page weighs {} bytes", html.len());
    assert!(html.contains(r#"data-testid="network-next""#));
    assert!(!html.contains(r#"data-testid="network-prev""#));

    // Without JavaScript the pager's buttons submit ?page= (with the time).
    let second = app
        .get(&format!("/tenants/{}?at={}&page=2", row.id, row.created_at))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        second.contains(&format!("Page 2 of {pages}: devices 49–96 of 800")),
        "{second}"
    );
    assert!(second.contains(r#"data-testid="network-prev""#));

    // The API gives the same page, and a page past the end is the last one.
    let last: serde_json::Value = app
        .post_form(
            "/api/tenants/network",
            &format!("id={}&at={}&page=9999", row.id, row.created_at),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(last["page"], last["pages"]);
    assert_eq!(last["totals"]["devices"], 800);
    app.shutdown().await;
}

#[tokio::test]
async fn an_unknown_tenant_is_a_message_not_a_blank_page() {
    let app = spawn_app().await;
    let html = app.get("/tenants/0123456789ab").await.text().await.unwrap();
    assert!(html.contains("Could not show this tenant"), "{html}");
    assert!(html.contains("there is no tenant 0123456789ab"), "{html}");
    let bad = app.get("/tenants/not-an-id").await.text().await.unwrap();
    assert!(bad.contains("Could not show this tenant"), "{bad}");
    app.shutdown().await;
}

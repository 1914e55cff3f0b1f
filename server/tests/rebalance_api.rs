//! Rebalancing over HTTP: plan for review, execute exactly the reviewed plan, and
//! refuse a plan the cluster has moved away from.

mod support;

use scaleout_domain::views::{JobRecord, JobState, PlanReview, STALE_PLAN};
use serde_json::Value;
use support::{spawn_app, TestApp};

async fn call(app: &TestApp, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .form(form)
        .send()
        .await
        .expect("POST")
}

/// Waits for a job to end (its event stream closes) and returns its record.
async fn finish(app: &TestApp, response: reqwest::Response) -> JobRecord {
    assert_eq!(response.status(), 200, "the job starts");
    let id: u64 = response.json().await.unwrap();
    let id = id.to_string();
    let _ = call(app, "/api/jobs/watch", &[("id", &id)])
        .await
        .text()
        .await
        .unwrap();
    call(app, "/api/jobs/get", &[("id", &id)])
        .await
        .json()
        .await
        .unwrap()
}

async fn succeeded(app: &TestApp, response: reqwest::Response) -> JobRecord {
    let job = finish(app, response).await;
    assert_eq!(job.state, JobState::Succeeded, "{job:?}");
    job
}

/// Where every shard group's replicas are, as the API reports it.
async fn placement(app: &TestApp) -> Value {
    let info: Value = call(app, "/api/cluster/shards", &[])
        .await
        .json()
        .await
        .unwrap();
    info["shards"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| serde_json::json!([g["index"], g["leader"], g["followers"]]))
        .collect()
}

async fn plan_review(app: &TestApp, what_if: u32) -> PlanReview {
    let response = call(
        app,
        "/api/cluster/plan",
        &[("what_if_servers", &what_if.to_string())],
    )
    .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// Tenants in several shard groups, then two new empty servers.
async fn unbalanced(app: &TestApp) {
    succeeded(
        app,
        call(app, "/api/tenants/add-batch", &[("naming", "camelCase")]).await,
    )
    .await;
    for name in ["Acme Corp", "Globex Ltd"] {
        let form = [
            ("name", name),
            ("scale_factor", "1"),
            ("naming", "camelCase"),
        ];
        succeeded(app, call(app, "/api/tenants/add", &form).await).await;
    }
    succeeded(
        app,
        call(app, "/api/cluster/add-servers", &[("count", "2")]).await,
    )
    .await;
}

#[tokio::test]
async fn plan_review_offers_moves_onto_new_servers() {
    let app = spawn_app().await;
    unbalanced(&app).await;
    let before = placement(&app).await;
    let review = plan_review(&app, 0).await;
    assert!(!review.plan.moves.is_empty(), "{review:?}");
    assert!(review
        .plan
        .moves
        .iter()
        .any(|m| m.to == "DBServer0004" || m.to == "DBServer0005"));
    assert_eq!(review.fingerprint, review.plan.fingerprint());
    assert_eq!(review.plan.curve.len(), review.plan.moves.len() + 1);
    assert!(review.plan.after.bytes.max_over_mean < review.plan.before.bytes.max_over_mean);
    // The embedded back end has no plan of ArangoDB's own, and says so.
    assert!(review.arangodb_plan.is_none());
    assert!(review
        .arangodb_note
        .unwrap()
        .contains("only available on the ArangoDB"));
    assert_eq!(placement(&app).await, before, "reviewing moves nothing");

    // What-if servers are planned for too (whether groups go there depends on
    // where the random tenant ids placed them, so the plan is checked for the
    // servers, not for a particular move).
    let what_if = plan_review(&app, 2).await;
    let hypothetical: Vec<_> = what_if
        .plan
        .after
        .servers
        .iter()
        .filter(|s| s.what_if)
        .collect();
    assert_eq!(hypothetical.len(), 2, "{:?}", what_if.plan.after.servers);
    assert!(what_if
        .plan
        .moves
        .iter()
        .all(|m| m.to.starts_with("WhatIf") || m.to.starts_with("DBServer")));
    app.shutdown().await;
}

#[tokio::test]
async fn a_stale_plan_is_refused_and_the_reviewed_one_is_executed() {
    let app = spawn_app().await;
    unbalanced(&app).await;
    let stale = plan_review(&app, 0).await;
    // The cluster changes after the review so that the reviewed plan cannot stand: the
    // destination of its first move fails. (One more server is not enough: when the
    // tenants' data lands in a couple of shard groups, the best plan does not change.)
    let destination = &stale.plan.moves.first().expect("a plan with moves").to;
    let failed = call(&app, "/api/cluster/fail-server", &[("server", destination)]).await;
    assert_eq!(failed.status(), 200);
    let before = placement(&app).await;

    let response = call(
        &app,
        "/api/cluster/execute-plan",
        &[("fingerprint", &stale.fingerprint)],
    )
    .await;
    assert_eq!(response.status(), 409);
    let body = response.text().await.unwrap();
    assert!(body.contains(STALE_PLAN), "{body}");
    let jobs: Vec<JobRecord> = call(&app, "/api/jobs/list", &[("limit", "50")])
        .await
        .json()
        .await
        .unwrap();
    assert!(
        jobs.iter().all(|j| j.kind != "rebalance"),
        "no job was started"
    );
    assert_eq!(placement(&app).await, before, "nothing moved");

    // No fingerprint at all is bad input.
    let response = call(&app, "/api/cluster/execute-plan", &[("fingerprint", " ")]).await;
    assert_eq!(response.status(), 400);

    // The plan reviewed now is executed, step for step.
    let fresh = plan_review(&app, 0).await;
    assert_ne!(fresh.fingerprint, stale.fingerprint);
    let job = succeeded(
        &app,
        call(
            &app,
            "/api/cluster/execute-plan",
            &[("fingerprint", &fresh.fingerprint)],
        )
        .await,
    )
    .await;
    assert_eq!(job.spec["fingerprint"], fresh.fingerprint);
    let result = job.result.unwrap();
    let done = result["moves_done"].as_array().unwrap();
    assert_eq!(done.len(), fresh.plan.moves.len());
    for (i, (done, planned)) in done.iter().zip(&fresh.plan.moves).enumerate() {
        assert_eq!(done["step"], i, "listed in plan order");
        assert_eq!(done["verified"], true, "{done}");
        assert_eq!(done["group"].to_string(), planned.group);
        assert_eq!(done["from"], planned.from.as_str());
        assert_eq!(done["to"], planned.to.as_str());
    }
    assert_ne!(placement(&app).await, before, "the groups moved");
    assert!(
        result["figures_after"]["bytes"]["max_over_mean"]
            .as_f64()
            .unwrap()
            < fresh.plan.before.bytes.max_over_mean
    );
    // Executed: the old fingerprint of the fresh plan is now stale as well.
    let again = call(
        &app,
        "/api/cluster/execute-plan",
        &[("fingerprint", &fresh.fingerprint)],
    )
    .await;
    assert_eq!(again.status(), 409);
    app.shutdown().await;
}

#[tokio::test]
async fn cancelling_an_execution_stops_after_whole_moves() {
    let app = spawn_app().await;
    unbalanced(&app).await;
    let review = plan_review(&app, 0).await;
    assert!(review.plan.moves.len() > 1, "{review:?}");
    let response = call(
        &app,
        "/api/cluster/execute-plan",
        &[("fingerprint", &review.fingerprint)],
    )
    .await;
    assert_eq!(response.status(), 200);
    let id: u64 = response.json().await.unwrap();
    // A move of a few hundred KiB takes a while at the embedded back end's 1 MiB/s.
    let cancel = call(&app, "/api/jobs/cancel", &[("id", &id.to_string())]).await;
    assert_eq!(cancel.status(), 200);
    let events = call(&app, "/api/jobs/watch", &[("id", &id.to_string())])
        .await
        .text()
        .await
        .unwrap();
    let job: JobRecord = call(&app, "/api/jobs/get", &[("id", &id.to_string())])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(job.state, JobState::Cancelled, "{job:?}");
    let progress = scaleout_domain::rebalance_progress::RebalanceProgress::from_events(
        &events
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect::<Vec<_>>(),
    );
    assert!(progress.moves_done < review.plan.moves.len() as u64);
    // What is left is still worth doing: planning again offers the rest.
    assert!(!plan_review(&app, 0).await.plan.moves.is_empty());
    app.shutdown().await;
}

#[tokio::test]
async fn shards_and_the_what_if_render_without_webassembly() {
    let app = spawn_app().await;
    unbalanced(&app).await;
    let html = support::markup(&app.get("/shards").await.text().await.unwrap());
    for needle in [
        "<h1>Shards</h1>",
        "data-testid=\"heat-map\"",
        "<th scope=\"col\" class=\"server-col\">DBServer<wbr>0005</th>",
        "data-testid=\"tenant-placement\"",
        "Acme Corp",
        "data-testid=\"balance-figures\"",
        "Plan a rebalance",
        // The two new servers are empty: the figures say why the spread is wide.
        "DBServer0004, DBServer0005 hold nothing (new, or emptied by a drain) and are counted here",
    ] {
        assert!(html.contains(needle), "/shards lacks {needle}");
    }
    let html = support::markup(&app.get("/servers").await.text().await.unwrap());
    for needle in [
        "for=\"what-if-count\"",
        "With 0 more servers",
        "data-testid=\"what-if-table\"",
    ] {
        assert!(html.contains(needle), "/servers lacks {needle}");
    }
    app.shutdown().await;
}

#[tokio::test]
async fn adding_servers_is_bounded_per_action_and_in_all_and_says_why() {
    let app = spawn_app().await;
    for (count, says) in [("0", "add 1 to 64"), ("65", "add 1 to 64"), ("-3", "")] {
        let refused = call(&app, "/api/cluster/add-servers", &[("count", count)]).await;
        assert_eq!(refused.status(), 400, "{count}");
        assert!(refused.text().await.unwrap().contains(says), "{count}");
    }
    // 3 + 64 + 61 = 128 DB servers in all; one more is refused, naming how many fit.
    succeeded(
        &app,
        call(&app, "/api/cluster/add-servers", &[("count", "64")]).await,
    )
    .await;
    let over = call(&app, "/api/cluster/add-servers", &[("count", "62")]).await;
    assert_eq!(over.status(), 400);
    let why = over.text().await.unwrap();
    assert!(
        why.contains("the cluster has 67 DB servers") && why.contains("add at most 61"),
        "{why}"
    );
    succeeded(
        &app,
        call(&app, "/api/cluster/add-servers", &[("count", "61")]).await,
    )
    .await;
    let full = call(&app, "/api/cluster/add-servers", &[("count", "1")]).await;
    assert_eq!(full.status(), 400);
    assert!(full
        .text()
        .await
        .unwrap()
        .contains("already has 128 DB servers"));
    app.shutdown().await;
}

/// A stakeholder's Shards page comes with the run as far as it got (a phone without
/// scripts reloads it to follow), and once the run has ended, with how it ended; the
/// team's page goes back to planning.
#[tokio::test]
async fn the_shards_page_comes_with_the_run_and_a_stakeholder_sees_how_it_ended() {
    // Slow moves: the run is still going when the page is read.
    let app = support::spawn_app_with(|c| c.move_rate_bytes_per_sec = Some(40_000)).await;
    let id = app
        .rebalancing(&["Seen A", "Seen B", "Seen C", "Seen D"])
        .await;
    let (cookie, _) = support::open_viewer_link(&app).await;
    let viewer = support::client_with_cookie(&cookie);
    let current = || async {
        let answer = support::post_json(&viewer, app.url("/api/jobs/current-rebalance")).await;
        serde_json::from_value::<Option<scaleout_domain::views::JobLog>>(answer).unwrap()
    };
    // Until a move is under way.
    let mut waited = 0;
    loop {
        let log = current().await.expect("the running rebalance is shown");
        assert_eq!(log.job.id, id);
        let p = scaleout_domain::rebalance_progress::RebalanceProgress::from_events(&log.events);
        if !p.running.is_empty() {
            break;
        }
        waited += 1;
        assert!(waited < 200, "no move started: {log:?}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let html = support::get_text(&viewer, app.url("/shards")).await;
    assert!(
        html.contains(&format!("data-job=\"{id}\" data-state=\"running\"")),
        "{html}"
    );
    let count = support::text_of(&html, "moves-count");
    assert!(count.contains(" steps done"), "{count}");
    assert!(html.contains("data-testid=\"current-move\""));
    // Without scripts the page reloads itself to follow: sooner while the run goes.
    assert!(html.contains("every 5 seconds while a job runs"), "{html}");

    let cancel = app.post_form("/api/jobs/cancel", &format!("id={id}")).await;
    assert_eq!(cancel.status(), 200);
    assert_eq!(app.finish_job(id).await.state, JobState::Cancelled);
    let html = support::get_text(&viewer, app.url("/shards")).await;
    assert!(
        html.contains(&format!("data-job=\"{id}\" data-state=\"cancelled\"")),
        "{html}"
    );
    assert!(html.contains("The last rebalance"));
    assert!(support::text_of(&html, "rebalance-ended").starts_with("Ended "));
    assert!(
        html.contains("every 10 seconds to show what changed"),
        "{html}"
    );
    assert!(html.contains("data-testid=\"rebalance-cancelled\""));
    assert!(html.contains("Read-only view: an operator plans and runs rebalances"));
    // The team plans the next one: its page offers that, not the ended run.
    let html = app.get("/shards").await.text().await.unwrap();
    assert!(!html.contains("data-testid=\"rebalance-watch\""));
    assert!(html.contains("Plan a rebalance"));
    let none = app.post("/api/jobs/current-rebalance").await;
    assert_eq!(none.text().await.unwrap(), "null");
    app.shutdown().await;
}

/// A rebalance cancelled after some moves and resumed: its result holds the whole plan's
/// moves, and says which of them the resumed run made and in what time (it said "Executed
/// 10 moves … in 2.1 s" of a resume that made 2).
#[tokio::test]
async fn a_resumed_rebalance_says_which_moves_it_made() {
    let app = support::spawn_app_with(|c| c.move_rate_bytes_per_sec = Some(200_000)).await;
    let id = app
        .rebalancing(&["Resumed A", "Resumed B", "Resumed C", "Resumed D"])
        .await;
    // Until a move has ended.
    let mut waited = 0;
    loop {
        let log: Option<scaleout_domain::views::JobLog> = app
            .post("/api/jobs/current-rebalance")
            .await
            .json()
            .await
            .unwrap();
        let log = log.expect("the running rebalance");
        let p = scaleout_domain::rebalance_progress::RebalanceProgress::from_events(&log.events);
        if p.moves_done >= 1 {
            assert!(
                p.moves_done < p.moves_total,
                "cancelled before its end: {p:?}"
            );
            break;
        }
        waited += 1;
        assert!(waited < 400, "no move ended: {log:?}");
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let cancel = call(&app, "/api/jobs/cancel", &[("id", &id.to_string())]).await;
    assert_eq!(cancel.status(), 200);
    let cancelled = app.finish_job(id).await;
    assert_eq!(cancelled.state, JobState::Cancelled);
    let resumed = call(&app, "/api/jobs/resume", &[("id", &id.to_string())]).await;
    assert_eq!(resumed.status(), 200, "{}", resumed.text().await.unwrap());
    let job = app.finish_job(id).await;
    assert_eq!(job.state, JobState::Succeeded, "{job:?}");
    let result: scaleout_domain::views::Rebalance =
        serde_json::from_value(job.result.unwrap()).unwrap();
    assert_eq!(result.moves_done.len(), result.plan.moves.len());
    assert!(
        result.done_before_resume >= 1 && result.done_before_resume < result.moves_done.len(),
        "{} of {}",
        result.done_before_resume,
        result.moves_done.len()
    );
    assert!(result.bytes_before_resume <= result.bytes_moved);
    // The cancel said how far the run had got, and what a resume would make.
    let said = cancelled.error.unwrap_or_default();
    let total = result.plan.moves.len();
    let before = result.done_before_resume;
    assert!(
        said.starts_with(&format!("{before} of {total} steps done before the cancel ("))
            && said.contains(&format!(
                "they stay done): a resume makes the remaining {}, if the plan still fits the cluster. ",
                total - before
            )),
        "{said}"
    );
    let text = result.done_text("move", "copied");
    let this_run = result.moves_done.len() - result.done_before_resume;
    let expected = scaleout_domain::units::counted(this_run as u64, "move");
    assert!(
        text.contains("in all,") && text.contains(&format!("(since the resume: {expected}, ")),
        "{text}"
    );
    app.shutdown().await;
}

//! The scale-out demo on the embedded back end, for real.

use std::sync::Arc;
use std::time::Duration;

use scaleout_domain::Naming;
use scaleout_embedded::{EmbeddedCluster, EmbeddedConfig};
use scaleout_services::jobs::JobSpec;
use scaleout_services::operations::demo_report::DemoReport;
use scaleout_services::store::JobState;
use scaleout_services::{Console, ConsoleConfig};

fn console(dir: &std::path::Path) -> Console {
    let mut config = EmbeddedConfig::in_dir(dir).instant_moves();
    config.move_overhead = Duration::from_millis(20);
    Console::with_backend(
        ConsoleConfig {
            // The same placement every run: the test never depends on random ids.
            tenant_id_seed: Some(1),
            ..ConsoleConfig::new(dir)
        },
        Arc::new(EmbeddedCluster::open(config).unwrap()),
    )
    .unwrap()
}

#[tokio::test]
async fn the_demo_scales_out_rebalances_validates_and_reports() {
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().join("reports");
    let c = console(dir.path());
    let job = c
        .start_job(JobSpec::Demo {
            naming: Naming::CamelCase,
            report_dir: Some(reports.clone()),
        })
        .unwrap();
    let record = c.jobs().wait(job).await.unwrap();
    assert_eq!(record.state, JobState::Succeeded, "{:?}", record.error);
    let report: DemoReport = serde_json::from_value(record.result.unwrap()).unwrap();

    let m = &report.scale_out_metrics;
    assert_eq!(
        (m.tenants_before, m.tenants_after, m.tenants_added),
        (2, 5, 3)
    );
    assert_eq!(
        (m.documents_before, m.documents_after, m.documents_added),
        (3285, 7665, 4380)
    );
    assert_eq!((m.collections_before, m.collections_after), (11, 11));
    assert_eq!((m.shards_before, m.shards_after), (132, 132));
    assert_eq!((m.db_servers_before, m.db_servers_after), (3, 5));
    let names: Vec<&str> = report
        .demonstration_steps
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "initial_state",
            "add_tenants",
            "add_servers",
            "rebalance",
            "validate"
        ]
    );
    assert!(
        report
            .demonstration_steps
            .iter()
            .all(|s| s.status == "completed"),
        "{:?}",
        report.demonstration_steps
    );
    assert!(report.validation.clean && report.validation.violations == 0);
    assert_eq!(report.validation.documents_checked, 7665);
    assert!(!report.moves.is_empty());
    assert_eq!(
        report.bytes_moved,
        report.moves.iter().map(|m| m.bytes).sum::<u64>()
    );
    // The rebalance evens out what it found: the new servers empty. (Against the start,
    // with three servers and two tenants, the coefficient may go either way: the tenants
    // added since are placed by their random ids.)
    let before_rebalance = report.balance_before_rebalance.as_ref().unwrap();
    assert!(
        report.balance_after.bytes.cv < before_rebalance.bytes.cv,
        "the rebalance improved balance: {} -> {}",
        before_rebalance.bytes.cv,
        report.balance_after.bytes.cv
    );
    assert_eq!(
        before_rebalance.servers.len(),
        5,
        "measured with the new servers"
    );
    assert!(
        report
            .balance_after
            .servers
            .iter()
            .filter(|s| s.bytes > 0)
            .count()
            == 5,
        "all five servers hold data"
    );
    assert!(report.timings.contains_key("total"));

    // Both files, named by time, with the seed's keys.
    assert_eq!(report.files.len(), 2);
    let json_path = std::path::Path::new(&report.files[0]);
    let name = json_path.file_name().unwrap().to_str().unwrap();
    assert!(
        name.starts_with("scale_out_demo_")
            && name.ends_with(".json")
            && name.len() == "scale_out_demo_20261124_014600.json".len(),
        "{name}"
    );
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json_path).unwrap()).unwrap();
    for key in [
        "demonstration_summary",
        "scale_out_metrics",
        "demonstration_steps",
        "balance_before",
        "balance_after",
        "balance_before_rebalance",
        "moves",
        "bytes_moved",
        "timings",
        "validation",
    ] {
        assert!(saved.get(key).is_some(), "report lacks {key}");
    }
    let md = std::fs::read_to_string(&report.files[1]).unwrap();
    assert!(md.contains("| documents | 3,285 | 7,665 | 4,380 |"), "{md}");
    assert!(md.contains("0 violations"));

    // A second run on the same store adds three more tenants under new names.
    let again = c
        .jobs()
        .wait(
            c.start_job(JobSpec::Demo {
                naming: Naming::CamelCase,
                report_dir: None,
            })
            .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(again.state, JobState::Succeeded, "{:?}", again.error);
    let second: DemoReport = serde_json::from_value(again.result.unwrap()).unwrap();
    assert_eq!(
        (
            second.scale_out_metrics.tenants_before,
            second.scale_out_metrics.tenants_after
        ),
        (5, 8)
    );
    assert!(second
        .tenants_added
        .iter()
        .any(|t| t.name == "Global Retail Chain 2"));
    assert!(second.files.is_empty());
}

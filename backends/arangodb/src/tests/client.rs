//! Connecting, authentication, retries, timeouts and error envelopes against the fake.

use std::time::Duration;

use axum::http::Method;
use scaleout_domain::console::BackendKind;
use scaleout_domain::port::{BackendError, ClusterBackend, ClusterMode, MoveDeadline, ServerRole};

use super::connect;
use crate::fake::{Fake, FaultKind, PASSWORD};
use crate::{ArangoCluster, AuthMethod, Edition};

const HEALTH: &str = "/_admin/cluster/health";

#[tokio::test]
async fn connects_with_a_jwt_and_reads_the_cluster() {
    let fake = Fake::cluster().await;
    let cluster = connect(fake.config()).await;
    assert_eq!(cluster.kind(), BackendKind::Arangodb);
    assert_eq!(cluster.server().version, "3.12.10");
    assert_eq!(cluster.server().mode, ClusterMode::Cluster);
    assert_eq!(
        cluster.server().edition,
        Edition::Community {
            dataset_limit_bytes: Some(107_374_182_400)
        }
    );
    let overview = cluster.overview().await.unwrap();
    assert_eq!(overview.edition, "community");
    let roles: Vec<(ServerRole, &str)> = overview
        .servers
        .iter()
        .map(|s| (s.role, s.short_name.as_str()))
        .collect();
    assert_eq!(roles.len(), 8);
    assert_eq!(roles[0], (ServerRole::DbServer, "DBServer0001"));
    assert_eq!(overview.db_servers().count(), 3);
    assert!(overview.servers[0].id.starts_with("PRMR-"));
    assert_eq!(
        overview
            .servers
            .iter()
            .filter(|s| s.role == ServerRole::Agent)
            .count(),
        3
    );
    // One login; every other request carried its token.
    fake.with(|s| {
        assert_eq!(s.logins, 1);
        for r in s.requests.iter().filter(|r| r.path != "/_open/auth") {
            let auth = r.authorization.as_deref().unwrap_or_default();
            assert!(
                auth.starts_with("Bearer "),
                "{} {}: {auth}",
                r.method,
                r.path
            );
        }
    });
    fake.assert_clean();
}

#[tokio::test]
async fn basic_auth_sends_the_credentials_with_every_request() {
    let fake = Fake::cluster().await;
    let mut config = fake.config();
    config.auth = AuthMethod::Basic;
    let cluster = connect(config).await;
    cluster.overview().await.unwrap();
    fake.with(|s| {
        assert_eq!(s.logins, 0);
        assert!(s.requests.iter().all(|r| r
            .authorization
            .as_deref()
            .is_some_and(|a| a.starts_with("Basic "))));
    });
}

#[tokio::test]
async fn a_wrong_password_says_what_to_check_and_never_shows_it() {
    let fake = Fake::cluster().await;
    let config = fake.config().with_credentials("root", "wrong-Secret-xyz");
    let err = ArangoCluster::connect(config).await.unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(matches!(err, BackendError::Storage(_)), "{err:?}");
    assert!(text.contains("--arango-password"), "{text}");
    assert!(!text.contains("wrong-Secret-xyz"), "{text}");
    assert!(!text.contains(PASSWORD));
}

#[tokio::test]
async fn a_401_logs_in_again_and_retries_once() {
    let fake = Fake::cluster().await;
    let cluster = connect(fake.config()).await;
    fake.fault(Some(Method::GET), HEALTH, 1, FaultKind::Unauthorized);
    cluster.overview().await.expect("retried with a new token");
    assert_eq!(fake.with(|s| s.logins), 2);
    assert_eq!(fake.requests(&Method::GET, HEALTH).len(), 2);

    // Refused again right after logging in again: an error, not a loop, and not called a
    // wrong password (the password just got a token).
    fake.fault(Some(Method::GET), HEALTH, 2, FaultKind::Unauthorized);
    let err = cluster.overview().await.unwrap_err();
    assert!(
        matches!(err, BackendError::Storage(ref m) if m.contains("accepted user 'root'") && m.contains("no access")),
        "{err:?}"
    );
    assert_eq!(fake.with(|s| s.logins), 3);
}

#[tokio::test]
async fn a_user_without_rights_on_the_database_is_told_so_not_asked_for_its_password() {
    let fake = Fake::cluster().await;
    let config = fake.config();
    let database = config.database.clone();
    fake.with(|s| {
        s.no_access.insert(database.clone());
    });
    let cluster = connect(config).await;
    let err = cluster
        .ensure_schema(&scaleout_domain::port::SchemaSpec::default())
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("accepted user 'root'"), "{text}");
    assert!(
        text.contains(&format!("no access to the database '{database}'")),
        "{text}"
    );
    assert!(!text.contains("--arango-password"), "{text}");
    // One login at connect, one more to rule out an expired token; then it stops.
    assert_eq!(fake.with(|s| s.logins), 2);
}

#[tokio::test]
async fn a_server_without_authentication_is_used_without_credentials() {
    let fake = Fake::cluster().await;
    fake.with(|s| s.auth_disabled = true);
    let cluster = connect(fake.config()).await;
    cluster.overview().await.unwrap();
    cluster.overview().await.unwrap();
    fake.with(|s| {
        assert_eq!(s.logins, 0);
        // It asked once, then sent nothing: no Authorization header on any request.
        let asked = s
            .requests
            .iter()
            .filter(|r| r.path == "/_open/auth")
            .count();
        assert_eq!(asked, 1);
        assert!(s.requests.iter().all(|r| r.authorization.is_none()));
    });
}

#[tokio::test]
async fn tokens_are_renewed_before_they_expire() {
    let fake = Fake::cluster().await;
    // Renewed a quarter of the lifetime (1 s) before it expires.
    fake.with(|s| s.jwt_lifetime_secs = 4);
    let cluster = connect(fake.config()).await;
    cluster.overview().await.unwrap();
    assert_eq!(fake.with(|s| s.logins), 1);
    tokio::time::sleep(Duration::from_millis(3100)).await;
    cluster.overview().await.unwrap();
    fake.with(|s| {
        assert_eq!(s.logins, 2, "renewed");
        assert_eq!(
            s.unauthorized_answers, 0,
            "before ArangoDB refused the old token"
        );
    });
}

#[tokio::test]
async fn service_unavailable_is_retried_with_backoff() {
    let fake = Fake::cluster().await;
    let cluster = connect(fake.config()).await;
    fake.fault(
        None,
        HEALTH,
        2,
        FaultKind::Status(503, 503, "service unavailable"),
    );
    cluster.overview().await.expect("third attempt succeeds");
    assert_eq!(fake.requests(&Method::GET, HEALTH).len(), 3);

    fake.fault(
        None,
        HEALTH,
        100,
        FaultKind::Status(503, 503, "service unavailable"),
    );
    let err = cluster.overview().await.unwrap_err();
    assert!(matches!(err, BackendError::Unavailable(_)), "{err:?}");
    assert_eq!(
        fake.requests(&Method::GET, HEALTH).len(),
        3 + 4,
        "bounded: 4 attempts"
    );
}

#[tokio::test]
async fn timeouts_are_retried_for_reads_only() {
    let fake = Fake::cluster().await;
    let mut config = fake.config();
    config.request_timeout = Duration::from_millis(300);
    let cluster = connect(config).await;
    fake.fault(
        None,
        HEALTH,
        1,
        FaultKind::Sleep(Duration::from_millis(1500)),
    );
    cluster
        .overview()
        .await
        .expect("the retry is answered in time");
    assert_eq!(fake.requests(&Method::GET, HEALTH).len(), 2);

    // A moveShard that timed out may have started a job: it is not sent again.
    cluster.ensure_schema(&Default::default()).await.unwrap();
    let map = cluster.shard_map().await.unwrap();
    let g = &map.groups[0];
    let to = ["DBServer0001", "DBServer0002", "DBServer0003"]
        .into_iter()
        .find(|s| *s != g.leader && !g.followers.iter().any(|f| f == s))
        .unwrap();
    fake.fault(
        None,
        "/moveShard",
        1,
        FaultKind::Sleep(Duration::from_millis(1500)),
    );
    let request = scaleout_domain::port::MoveRequest {
        group: 0,
        from: g.leader.clone(),
        to: to.into(),
        role: scaleout_domain::port::ReplicaRole::Leader,
    };
    let err = cluster
        .move_shard_group(&request, &MoveDeadline::NONE, &|_| {}, &Default::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, BackendError::Unavailable(ref m) if m.contains("did not answer")),
        "{err:?}"
    );
    assert_eq!(fake.requests(&Method::POST, "/moveShard").len(), 1);
}

/// Status, error number, message, and the port error expected.
type Case = (u16, i64, &'static str, fn(&BackendError) -> bool);

#[tokio::test]
async fn error_envelopes_become_port_errors() {
    let fake = Fake::cluster().await;
    let cluster = connect(fake.config()).await;
    let cases: [Case; 6] = [
        (404, 1203, "collection or view not found: x", |e| {
            matches!(e, BackendError::NotFound(_))
        }),
        (409, 1207, "duplicate name", |e| {
            matches!(e, BackendError::Conflict(_))
        }),
        (400, 4003, "key prefix", |e| {
            matches!(e, BackendError::Invalid(_))
        }),
        (
            403,
            11,
            "forbidden",
            |e| matches!(e, BackendError::Storage(m) if m.contains("permission")),
        ),
        (500, 1478, "backend unavailable", |e| {
            matches!(e, BackendError::Unavailable(_))
        }),
        (500, 4, "internal error", |e| {
            matches!(e, BackendError::Storage(_))
        }),
    ];
    for (status, num, message, expected) in cases {
        fake.fault(None, HEALTH, 1, FaultKind::Status(status, num, message));
        let err = cluster.overview().await.unwrap_err();
        assert!(expected(&err), "{status}/{num}: {err:?}");
        let text = err.to_string();
        assert!(
            text.contains(message) && text.contains(&num.to_string()),
            "{text}"
        );
    }
}

#[tokio::test]
async fn no_secret_in_debug_output() {
    let fake = Fake::cluster().await;
    let cluster = connect(fake.config()).await;
    let text = format!("{cluster:?} {:?}", cluster.config());
    assert!(!text.contains(PASSWORD), "{text}");
    let tokens: Vec<String> = fake.with(|s| s.tokens.keys().cloned().collect());
    assert!(!tokens.is_empty());
    for t in tokens {
        assert!(!text.contains(&t), "the JWT leaked: {text}");
    }
    assert!(!cluster.location().contains(PASSWORD));
    assert_eq!(
        cluster.location(),
        format!("{}/_db/network_assets", fake.url)
    );
}

#[tokio::test]
async fn an_unreachable_server_is_unavailable() {
    let fake = Fake::cluster().await;
    let mut config = fake.config();
    // Nothing listens there: connection refused, retried, then Unavailable.
    config.url = "http://127.0.0.1:1".into();
    let err = ArangoCluster::connect(config).await.unwrap_err();
    assert!(
        matches!(err, BackendError::Unavailable(ref m) if m.contains("could not reach")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_refusal_names_the_database_that_refused() {
    // A path without /_db/ runs in _system: a user without access there (not an admin,
    // which the console's cluster calls need) is told so, not pointed at its own database.
    let fake = Fake::cluster().await;
    fake.with(|s| {
        s.no_access.insert("_system".into());
    });
    let err = ArangoCluster::connect(fake.config())
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("no access to the database '_system'"), "{err}");
    assert!(err.contains("admin user"), "{err}");
}

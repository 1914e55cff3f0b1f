//! Every recorded exchange with ArangoDB 3.12.10 the adapter relies on, fed to the
//! adapter's own parsers. The recordings live beside the checkout
//! (`../shared/arangodb/recorded/`); when that folder is missing the tests say so loudly and
//! pass. A missing file inside a present folder fails.

use std::path::PathBuf;

use serde_json::Value;

use scaleout_domain::port::{BackendError, SchemaSpec};
use scaleout_domain::TenantId;

use crate::envelope::parse_error;
use crate::error::ArangoError;
use crate::import::{parse_import, summarize, Outcome};
use crate::topology::{Edition, Role};
use crate::{aql, schema, shards, topology};

/// One recorded response.
#[derive(Debug)]
struct Recorded {
    status: u16,
    body: String,
}

impl Recorded {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// The error this answer turns into.
    fn error(&self) -> BackendError {
        let e = parse_error(self.status, self.body.as_bytes());
        ArangoError::Api {
            operation: "recorded".into(),
            status: self.status,
            error_num: e.error_num,
            message: e.message,
        }
        .into()
    }
}

/// A recording: the curl request(s) and the raw response(s).
#[derive(Debug)]
struct Exchange {
    request: String,
    responses: Vec<Recorded>,
}

impl Exchange {
    fn only(&self) -> &Recorded {
        assert_eq!(self.responses.len(), 1, "{self:?}");
        &self.responses[0]
    }

    fn last(&self) -> &Recorded {
        self.responses.last().unwrap()
    }

    /// The JSON of the request's heredoc (the first one).
    fn request_json(&self) -> Value {
        let start = self.request.find("<<'EOF'\n").expect("a request body") + 8;
        let end = start + self.request[start..].find("\nEOF").unwrap();
        serde_json::from_str(&self.request[start..end]).unwrap()
    }
}

fn folder() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/arangodb/recorded");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
             !! SKIPPED: the recorded ArangoDB exchanges are not at {}\n\
             !! (CI has ../shared/arangodb/recorded beside the checkout); the parsers\n\
             !! were NOT checked against real ArangoDB answers in this run.\n\
             !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n",
            dir.display()
        );
        None
    }
}

/// Splits a recording into the request text and the responses (status line, headers,
/// blank line, body; several responses follow one another).
fn parse_recording(text: &str) -> Exchange {
    let (request, response) = text
        .split_once("### response\n")
        .expect("a ### response section");
    let request = request
        .trim_start_matches("### request (curl)\n")
        .to_owned();
    let mut responses = Vec::new();
    let mut current: Option<(u16, bool, Vec<&str>)> = None;
    for line in response.lines() {
        if let Some(rest) = line.strip_prefix("HTTP/1.1 ") {
            if let Some((status, _, body)) = current.take() {
                responses.push(Recorded {
                    status,
                    body: body.join("\n").trim().to_owned(),
                });
            }
            let status = rest.split_whitespace().next().unwrap().parse().unwrap();
            current = Some((status, false, Vec::new()));
            continue;
        }
        if let Some((_, in_body, body)) = current.as_mut() {
            if *in_body {
                body.push(line);
            } else if line.trim().is_empty() {
                *in_body = true;
            }
        }
    }
    if let Some((status, _, body)) = current {
        responses.push(Recorded {
            status,
            body: body.join("\n").trim().to_owned(),
        });
    }
    assert!(!responses.is_empty(), "no response in the recording");
    Exchange { request, responses }
}

fn load(name: &str) -> Option<Exchange> {
    let dir = folder()?;
    let path = dir.join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} is missing from the recordings: {e}", path.display()));
    Some(parse_recording(&text))
}

#[test]
fn version_role_and_edition() {
    let Some(details) = load("RestVersionDetails_single.http") else {
        return;
    };
    let v = topology::parse_version(&details.only().json()).unwrap();
    assert_eq!(v.version, "3.12.10");
    assert_eq!(v.license.as_deref(), Some("enterprise"));
    // The details' role is what /_admin/server/role answers.
    let role = &details.only().json()["details"]["role"];
    assert_eq!(
        topology::parse_role(&serde_json::json!({ "role": role })),
        Ok(Role::Single)
    );
    let Some(plain) = load("RestVersion_single.http") else {
        return;
    };
    assert_eq!(
        topology::parse_version(&plain.only().json())
            .unwrap()
            .version,
        "3.12.10"
    );

    let Some(license) = load("RestAdminLicenseGet_cluster.http") else {
        return;
    };
    let edition = topology::parse_license(&license.only().json());
    assert_eq!(
        edition,
        Edition::Community {
            dataset_limit_bytes: Some(107_374_182_400)
        },
        "3.12.10 says license=enterprise in /_api/version, but /_admin/license tells"
    );
    assert!(topology::smart_graphs_available(&v.version, &edition).is_ok());

    let Some(status) = load("RestAdminStatus_cluster.http") else {
        return;
    };
    let s = status.only().json();
    assert_eq!(
        topology::parse_status_server_id(&s).as_deref(),
        Some("CRDN-006aa0a3-00bc-468c-89be-f7aeef647790")
    );
    assert_eq!(
        topology::parse_role(&serde_json::json!({"role": s["serverInfo"]["role"]})),
        Ok(Role::Coordinator)
    );
}

#[test]
fn gharial_graphs() {
    let Some(disjoint) = load("HttpGharialCreateDisjointSmart_single.http") else {
        return;
    };
    let r = disjoint.only();
    assert_eq!(r.status, 202);
    let g = schema::parse_graph(&r.json()).unwrap();
    assert!(g.is_smart && g.is_disjoint);
    assert_eq!(g.smart_graph_attribute.as_deref(), Some("region"));
    assert_eq!(g.number_of_shards, Some(9));
    assert_eq!(g.replication_factor, Some(2));
    assert_eq!(g.initial.as_deref(), Some("startNodes"));
    assert_eq!(g.initial_collection().as_deref(), Some("startNodes"));
    assert_eq!(g.edge_definitions[0].collection, "edges");
    assert_eq!(g.naming(), None, "not the console's smart attribute");

    // The adapter's request has the recorded request's shape: isDisjoint inside options.
    let recorded = disjoint.request_json();
    let ours = serde_json::to_value(schema::graph_body(&SchemaSpec::default()).unwrap()).unwrap();
    let keys = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&ours), keys(&recorded));
    assert_eq!(keys(&ours["options"]), keys(&recorded["options"]));
    assert_eq!(
        keys(&ours["edgeDefinitions"][0]),
        keys(&recorded["edgeDefinitions"][0])
    );

    // A non-disjoint SmartGraph under the graph's name would be a conflict.
    let Some(smart) = load("HttpGharialCreateSmart_single.http") else {
        return;
    };
    let mut g = schema::parse_graph(&smart.only().json()).unwrap();
    assert!(g.is_smart && !g.is_disjoint);
    g.smart_graph_attribute = Some("tenantId".into());
    let diffs = schema::compare(&g, &SchemaSpec::default()).unwrap_err();
    assert!(
        diffs.iter().any(|d| d.contains("not disjoint")),
        "{diffs:?}"
    );

    let Some(hybrid) = load("HttpGharialCreateSmartWithSatellites_single.http") else {
        return;
    };
    assert!(
        !schema::parse_graph(&hybrid.only().json())
            .unwrap()
            .is_disjoint
    );

    let Some(satellite) = load("HttpGharialCreateSatellite_single.http") else {
        return;
    };
    let g = schema::parse_graph(&satellite.only().json()).unwrap();
    assert!(!g.is_smart);
    assert_eq!(g.replication_factor, None, "\"satellite\" is not a number");
    assert!(schema::compare(&g, &SchemaSpec::default()).is_err());

    let Some(plain) = load("HttpGharialGetGraph_single.http") else {
        return;
    };
    let g = schema::parse_graph(&plain.only().json()).unwrap();
    assert_eq!(g.name, "myGraph");
    assert!(!g.is_smart && g.smart_graph_attribute.is_none() && g.initial.is_none());
    assert_eq!(g.initial_collection().as_deref(), Some("startNodes"));
}

#[test]
fn databases() {
    let Some(create) = load("RestDatabaseCreate_single.http") else {
        return;
    };
    let r = create.only();
    assert_eq!(r.status, 201);
    assert_eq!(r.json()["result"], true);
    let recorded = create.request_json();
    let ours = schema::database_body("network_assets", &SchemaSpec::default());
    assert!(
        recorded["options"].get("sharding").is_some() && ours["options"].get("sharding").is_some()
    );
    assert!(
        recorded["options"]["replicationFactor"].is_u64()
            && ours["options"]["replicationFactor"].is_u64()
    );

    let Some(current) = load("RestDatabaseGetInfo_single.http") else {
        return;
    };
    assert_eq!(current.only().json()["result"]["name"], "_system");
}

#[test]
fn collection_counts_figures_and_shards() {
    let Some(count) = load("RestCollectionGetCollectionCount_single.http") else {
        return;
    };
    let c = shards::parse_count(&count.only().json()).unwrap();
    assert_eq!(c.total, 100);
    assert!(c.per_shard.is_empty());

    let Some(figures) = load("RestCollectionGetCollectionFigures_single.http") else {
        return;
    };
    let f = shards::parse_figures(&figures.only().json()).unwrap();
    assert_eq!((f.documents_size, f.indexes_size), (3548, 2746));

    let Some(details) = load("RestGetShardsWithDetails_cluster.http") else {
        return;
    };
    let s = shards::parse_shards_details(&details.only().json()).unwrap();
    assert_eq!(s.len(), 3);
    assert_eq!(s["s8010046"], ["PRMR-85cea042-59e3-4fa6-ba85-f1cef2e7f4c7"]);
    assert_eq!(
        shards::sorted_shards(s.keys()),
        ["s8010046", "s8010047", "s8010048"]
    );

    let Some(plain) = load("RestGetShards_cluster.http") else {
        return;
    };
    let s = shards::parse_shards_details(&plain.only().json()).unwrap();
    assert_eq!(
        s.keys().collect::<Vec<_>>(),
        ["s8010039", "s8010040", "s8010041"]
    );
    assert!(s.values().all(Vec::is_empty));

    let Some(responsible) = load("RestGetResponsibleShardExample_cluster.http") else {
        return;
    };
    assert_eq!(
        shards::parse_responsible_shard(&responsible.only().json()).unwrap(),
        "s8010034"
    );
}

#[test]
fn cursors() {
    let Some(first) = load("RestCursorCreateCursorForLimitReturn_single.http") else {
        return;
    };
    let r = first.only();
    assert_eq!(r.status, 201);
    let b = aql::parse_cursor(&r.json()).unwrap();
    assert_eq!(
        (b.result.len(), b.has_more, b.id.as_deref()),
        (2, true, Some("74151"))
    );
    assert_eq!(b.result[0]["_key"], "74140");

    for name in [
        "RestCursorPostForLimitReturnCont_single.http",
        "RestCursorForLimitReturnCont_single.http",
    ] {
        let Some(next) = load(name) else { return };
        let b = aql::parse_cursor(&next.last().json()).unwrap();
        assert_eq!(b.result.len(), 2, "{name}");
        assert!(b.has_more);
    }
    let Some(next) = load("RestCursorPostForLimitReturnCont_single.http") else {
        return;
    };
    assert!(next.request.contains("-X POST") && next.request.contains("/_api/cursor/74268"));

    let Some(delete) = load("RestCursorDelete_single.http") else {
        return;
    };
    assert_eq!(delete.responses.len(), 2);
    assert_eq!(delete.responses[1].status, 202);
    assert_eq!(delete.responses[1].json()["id"], "74329");

    let Some(unknown) = load("RestCursorCreateCursorUnknownCollection_single.http") else {
        return;
    };
    let e = unknown.only().error();
    assert!(
        matches!(e, BackendError::NotFound(ref m) if m.contains("unknowncoll") && m.contains("1203")),
        "{e}"
    );

    let Some(gone) = load("RestCursorInvalidCursorIdentifier_single.http") else {
        return;
    };
    assert!(
        matches!(gone.only().error(), BackendError::NotFound(ref m) if m.contains("cursor not found"))
    );
}

#[test]
fn imports() {
    let t = TenantId::from_seed(1);
    let Some(list) = load("RestImportJsonList_single.http") else {
        return;
    };
    assert!(list.request.contains("type=list"));
    let r = parse_import(&list.only().json()).unwrap();
    assert_eq!((r.created, r.errors), (3, 0));

    let Some(lines) = load("RestImportJsonLines_single.http") else {
        return;
    };
    let r = parse_import(&lines.only().json()).unwrap();
    assert_eq!((r.created, r.empty), (3, 1));

    let Some(partial) = load("RestImportJsonUniqueContinue_single.http") else {
        return;
    };
    let answer = partial.only();
    assert_eq!(answer.status, 201, "201 even though a document failed");
    let r = parse_import(&answer.json()).unwrap();
    assert_eq!((r.created, r.errors, r.details.len()), (1, 1, 1));
    let err = summarize(
        t,
        2,
        vec![Outcome::Answered(scaleout_domain::Collection::Device, r)],
    )
    .unwrap_err();
    assert!(
        matches!(err, BackendError::Invalid(ref m) if m.contains("unique constraint violated") && m.contains("1 of 2")),
        "{err}"
    );

    let Some(fail) = load("RestImportJsonUniqueFail_single.http") else {
        return;
    };
    assert!(matches!(fail.only().error(), BackendError::Conflict(ref m) if m.contains("1210")));
    let Some(body) = load("RestImportJsonInvalidBody_single.http") else {
        return;
    };
    assert!(
        matches!(body.only().error(), BackendError::Invalid(ref m) if m.contains("JSON array"))
    );
    let Some(coll) = load("RestImportJsonInvalidCollection_single.http") else {
        return;
    };
    assert!(matches!(coll.only().error(), BackendError::NotFound(_)));
    let Some(doc) = load("RestDocumentHandlerPostUnknownCollection1_single.http") else {
        return;
    };
    assert_eq!(
        parse_error(404, doc.only().body.as_bytes()).error_num,
        Some(1203)
    );
}

/// Recordings of endpoints the adapter never calls (it lists no graphs, drops nothing,
/// creates collections only through the graph, writes documents only through import).
const NOT_USED: [&str; 8] = [
    "HttpGharialList_single.http",
    "HttpGharialDrop_single.http",
    "RestCollectionCreateCollection_single.http",
    "RestDatabaseDrop_single.http",
    "RestDocumentHandlerPostBadJsonMulti_single.http",
    "RestDocumentHandlerPostMulti1_single.http",
    "RestDocumentHandlerPostMulti2_single.http",
    "RestEndpointGet_single.http",
];

/// Recordings the tests above feed to the adapter's parsers.
const CHECKED: [&str; 29] = [
    "HttpGharialCreateDisjointSmart_single.http",
    "HttpGharialCreateSatellite_single.http",
    "HttpGharialCreateSmartWithSatellites_single.http",
    "HttpGharialCreateSmart_single.http",
    "HttpGharialGetGraph_single.http",
    "RestAdminLicenseGet_cluster.http",
    "RestAdminStatus_cluster.http",
    "RestCollectionGetCollectionCount_single.http",
    "RestCollectionGetCollectionFigures_single.http",
    "RestCursorCreateCursorForLimitReturn_single.http",
    "RestCursorCreateCursorUnknownCollection_single.http",
    "RestCursorDelete_single.http",
    "RestCursorForLimitReturnCont_single.http",
    "RestCursorInvalidCursorIdentifier_single.http",
    "RestCursorPostForLimitReturnCont_single.http",
    "RestDatabaseCreate_single.http",
    "RestDatabaseGetInfo_single.http",
    "RestDocumentHandlerPostUnknownCollection1_single.http",
    "RestGetResponsibleShardExample_cluster.http",
    "RestGetShardsWithDetails_cluster.http",
    "RestGetShards_cluster.http",
    "RestImportJsonInvalidBody_single.http",
    "RestImportJsonInvalidCollection_single.http",
    "RestImportJsonLines_single.http",
    "RestImportJsonList_single.http",
    "RestImportJsonUniqueContinue_single.http",
    "RestImportJsonUniqueFail_single.http",
    "RestVersionDetails_single.http",
    "RestVersion_single.http",
];

/// A new recording must be looked at: checked by a parser test, or known to be unused.
#[test]
fn every_recording_is_checked_or_known_unused() {
    let Some(dir) = folder() else { return };
    let mut unknown = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !CHECKED.contains(&name.as_str()) && !NOT_USED.contains(&name.as_str()) {
            unknown.push(name);
        }
    }
    assert!(
        unknown.is_empty(),
        "recordings nobody looked at: {unknown:?}"
    );
    for name in CHECKED.iter().chain(&NOT_USED) {
        // Every recording at least splits into request and responses.
        let Some(e) = load(name) else { return };
        assert!(e.request.contains("curl"), "{name}");
    }
}

#[test]
fn recordings_split_into_requests_and_responses() {
    let text = "### request (curl)\ncurl x\n\n### response\nHTTP/1.1 200 OK\na: b\n\n{ \"x\" : 1 }\n\n\nHTTP/1.1 202 Accepted\nc: d\n\n[1]\n";
    let e = parse_recording(text);
    assert_eq!(e.request.trim(), "curl x");
    assert_eq!(e.responses.len(), 2);
    assert_eq!(
        (e.responses[0].status, e.responses[0].body.as_str()),
        (200, "{ \"x\" : 1 }")
    );
    assert_eq!(e.responses[1].json(), serde_json::json!([1]));
}

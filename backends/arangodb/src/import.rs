//! Bulk loading through `POST /_api/import?type=list&onDuplicate=ignore`: a port batch is
//! checked like ArangoDB would check it (so nothing of a bad batch is sent), split per
//! collection into requests of at most `batch_bytes`, and the answers' counters added up.
//! `onDuplicate=ignore` makes a repeated (resumed) load create nothing twice, and so makes
//! every import request safe to retry.

use serde::Deserialize;
use serde_json::Value;

use scaleout_domain::port::{BackendError, LoadReport};
use scaleout_domain::{Collection, Document, TenantId};

/// Import answers whose problems are quoted in an error, at most.
const QUOTED_PROBLEMS: usize = 3;
/// Longest quote of one problem (ArangoDB appends the whole offending document).
const MAX_PROBLEM_CHARS: usize = 240;

/// The shared write rules (see `scaleout_domain::port::check_write`).
pub use scaleout_domain::port::check_write as check_batch;

/// One import request: documents of one collection as a JSON array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub collection: Collection,
    pub body: Vec<u8>,
    pub documents: usize,
}

/// Splits a batch per collection (in the model's order: vertices first) into bodies of at
/// most `max_bytes`; a single larger document goes alone.
pub fn chunks(batch: &[Document], max_bytes: usize) -> Vec<Chunk> {
    let mut out = Vec::new();
    let mut doc = Vec::with_capacity(1024);
    for collection in Collection::ALL {
        let mut body = Vec::new();
        let mut documents = 0usize;
        for d in batch.iter().filter(|d| d.collection == collection) {
            doc.clear();
            serde_json::to_writer(&mut doc, d).expect("documents always serialize");
            // '[' or ',' before, ']' after.
            if documents > 0 && body.len() + doc.len() + 2 > max_bytes {
                body.push(b']');
                out.push(Chunk {
                    collection,
                    body: std::mem::take(&mut body),
                    documents,
                });
                documents = 0;
            }
            body.push(if documents == 0 { b'[' } else { b',' });
            body.extend_from_slice(&doc);
            documents += 1;
        }
        if documents > 0 {
            body.push(b']');
            out.push(Chunk {
                collection,
                body,
                documents,
            });
        }
    }
    out
}

/// The answer of `POST /_api/import` (201 even when documents failed: read `errors`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ImportReply {
    pub created: u64,
    pub errors: u64,
    pub empty: u64,
    pub updated: u64,
    pub ignored: u64,
    /// With `details=true`: one message per failed document.
    pub details: Vec<String>,
}

pub fn parse_import(v: &Value) -> Result<ImportReply, String> {
    if v.get("created").is_none() && v.get("errors").is_none() {
        return Err("no created/errors counters in the answer".into());
    }
    serde_json::from_value(v.clone()).map_err(|e| e.to_string())
}

/// What one import request came to.
#[derive(Debug, Clone)]
pub enum Outcome {
    Answered(Collection, ImportReply),
    Failed(Collection, BackendError),
}

fn shorten(text: &str) -> String {
    let mut s: String = text.chars().take(MAX_PROBLEM_CHARS).collect();
    if s.len() < text.len() {
        s.push_str("...");
    }
    s
}

fn with_prefix(e: BackendError, prefix: &str) -> BackendError {
    match e {
        BackendError::NotFound(m) => BackendError::NotFound(format!("{prefix}{m}")),
        BackendError::Conflict(m) => BackendError::Conflict(format!("{prefix}{m}")),
        BackendError::Invalid(m) => BackendError::Invalid(format!("{prefix}{m}")),
        BackendError::Unavailable(m) => BackendError::Unavailable(format!("{prefix}{m}")),
        BackendError::Cancelled(m) => BackendError::Cancelled(format!("{prefix}{m}")),
        BackendError::Storage(m) => BackendError::Storage(format!("{prefix}{m}")),
        other => other,
    }
}

/// Adds the answers up. A failed request makes the load fail with its error; documents
/// ArangoDB refused make it `Invalid` with the first refusals quoted. Either way the
/// message says how much was stored and that loading the batch again is safe.
pub fn summarize(
    tenant: TenantId,
    total: usize,
    outcomes: Vec<Outcome>,
) -> Result<LoadReport, BackendError> {
    let mut report = LoadReport::default();
    let mut refused = 0u64;
    let mut problems: Vec<String> = Vec::new();
    let mut failures: Vec<(Collection, BackendError)> = Vec::new();
    for outcome in outcomes {
        match outcome {
            Outcome::Answered(collection, reply) => {
                report.created += reply.created;
                report.ignored += reply.ignored + reply.updated;
                refused += reply.errors;
                if reply.errors > 0 && reply.details.is_empty() {
                    problems.push(format!(
                        "{}: {} document(s) refused (no details given)",
                        collection, reply.errors
                    ));
                }
                problems.extend(
                    reply
                        .details
                        .iter()
                        .map(|d| format!("{collection}: {}", shorten(d))),
                );
            }
            Outcome::Failed(collection, e) => failures.push((collection, e)),
        }
    }
    let stored = format!(
        "tenant {tenant}: {} of {total} document(s) stored, {} already there; loading the batch again is safe (duplicates are ignored). ",
        report.created, report.ignored
    );
    if let Some((collection, first)) = failures.into_iter().next() {
        return Err(with_prefix(first, &format!("{stored}{collection}: ")));
    }
    if refused > 0 {
        problems.truncate(QUOTED_PROBLEMS);
        return Err(BackendError::Invalid(format!(
            "{stored}ArangoDB refused {refused} document(s): {}",
            problems.join("; ")
        )));
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use scaleout_domain::port::SchemaSpec;
    use scaleout_domain::{Generator, Naming, ScaleFactor, Tenant, TenantName};

    fn tenant(seed: u64) -> Tenant {
        Tenant::new(
            TenantId::from_seed(seed),
            TenantName::parse("Chunk Co").unwrap(),
            ScaleFactor::new(1).unwrap(),
            1_767_225_600,
        )
    }

    fn all_docs(t: &Tenant) -> Vec<Document> {
        Generator::new(t, Naming::CamelCase)
            .batches(5000)
            .flat_map(|b| b.documents)
            .collect()
    }

    #[test]
    fn chunks_respect_the_byte_limit_and_keep_every_document() {
        let docs = all_docs(&tenant(1));
        let chunks = chunks(&docs, 8 * 1024);
        assert!(chunks.len() > 11, "the big collections are split");
        let mut n = 0;
        for c in &chunks {
            assert!(c.body.len() <= 8 * 1024, "{}", c.body.len());
            let parsed: Vec<Value> = serde_json::from_slice(&c.body).unwrap();
            assert_eq!(parsed.len(), c.documents);
            assert!(parsed.iter().all(|v| v.get("_key").is_some()));
            n += c.documents;
        }
        assert_eq!(n, docs.len());
        // Vertices are sent before edges.
        let first_edge = chunks.iter().position(|c| c.collection.is_edge()).unwrap();
        assert!(chunks[first_edge..].iter().all(|c| c.collection.is_edge()));
        // A limit below one document still sends each document, alone.
        let tiny = super::chunks(&docs[..3], 10);
        assert_eq!(tiny.iter().map(|c| c.documents).sum::<usize>(), 3);
        assert!(tiny.iter().all(|c| c.documents == 1));
    }

    #[test]
    fn bad_batches_are_refused_before_sending() {
        let t = tenant(1);
        let other = tenant(2);
        let spec = SchemaSpec::default();
        let mut docs = all_docs(&t);
        assert!(check_batch(&spec, t.id, &docs).is_ok());
        let snake = Generator::new(&t, Naming::SnakeCase)
            .batches(10)
            .next()
            .unwrap()
            .documents;
        let err = check_batch(&spec, t.id, &snake).unwrap_err();
        assert!(
            matches!(err, BackendError::Conflict(ref m) if m.contains("camelCase")),
            "{err}"
        );
        docs[0].key = format!("{}:device0", other.id);
        let err = check_batch(&spec, t.id, &docs).unwrap_err();
        assert!(
            matches!(err, BackendError::Invalid(ref m) if m.contains("nothing was stored")),
            "{err}"
        );
    }

    #[test]
    fn partial_errors_are_reported_with_the_first_messages() {
        let t = TenantId::from_seed(3);
        let ok = ImportReply {
            created: 10,
            ignored: 2,
            ..Default::default()
        };
        let bad = ImportReply {
            created: 3,
            errors: 2,
            details: vec![
                "at position 1: creating document failed with error 'illegal document key'".into(),
                "x".repeat(1000),
            ],
            ..Default::default()
        };
        let report = summarize(
            t,
            12,
            vec![Outcome::Answered(Collection::Device, ok.clone())],
        )
        .unwrap();
        assert_eq!(
            report,
            LoadReport {
                created: 10,
                ignored: 2
            }
        );
        let err = summarize(
            t,
            17,
            vec![
                Outcome::Answered(Collection::Device, ok.clone()),
                Outcome::Answered(Collection::Location, bad),
            ],
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, BackendError::Invalid(_)));
        assert!(text.contains("13 of 17"), "{text}");
        assert!(text.contains("illegal document key"), "{text}");
        assert!(text.contains("again is safe"), "{text}");
        assert!(text.len() < 1000, "long details are shortened");
        let failed = summarize(
            t,
            12,
            vec![
                Outcome::Answered(Collection::Device, ok),
                Outcome::Failed(
                    Collection::Location,
                    BackendError::Unavailable("gone".into()),
                ),
            ],
        )
        .unwrap_err();
        assert!(
            matches!(failed, BackendError::Unavailable(ref m) if m.contains("10 of 12") && m.ends_with("gone")),
            "{failed}"
        );
    }

    #[test]
    fn import_answers() {
        let v = serde_json::json!({"error": false, "created": 3, "errors": 0, "empty": 0, "updated": 0, "ignored": 0});
        assert_eq!(parse_import(&v).unwrap().created, 3);
        assert!(parse_import(&serde_json::json!({"error": false})).is_err());
    }
}

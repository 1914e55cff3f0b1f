//! AQL through cursors: `POST /_api/cursor` with bind variables, then `POST
//! /_api/cursor/<id>` while `hasMore`, and `DELETE /_api/cursor/<id>` when a read is
//! abandoned half-way (so the server frees it before its TTL).
//!
//! A [`Query`]'s text is a `&'static str`: tenant ids, collection names and every other
//! value can only travel as bind variables, never inside the text.

use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use scaleout_domain::port::BackendError;

use crate::client::{Call, Client, Retry};

/// A query and its bind variables.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub text: &'static str,
    pub bind_vars: Map<String, Value>,
}

impl Query {
    pub fn new(text: &'static str) -> Self {
        Query {
            text,
            bind_vars: Map::new(),
        }
    }

    /// A value bind variable (`@name` in the text).
    pub fn bind(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.bind_vars.insert(name.to_owned(), value.into());
        self
    }

    /// A collection bind variable (`@@name` in the text).
    pub fn collection(mut self, name: &str, collection: &str) -> Self {
        self.bind_vars
            .insert(format!("@{name}"), Value::String(collection.to_owned()));
        self
    }
}

/// One batch of a cursor.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct CursorBatch {
    #[serde(default)]
    pub result: Vec<Value>,
    #[serde(default, rename = "hasMore")]
    pub has_more: bool,
    #[serde(default)]
    pub id: Option<String>,
}

pub fn parse_cursor(v: &Value) -> Result<CursorBatch, String> {
    if !v.get("result").is_some_and(Value::is_array) {
        return Err("no result list in the answer".into());
    }
    let batch: CursorBatch = serde_json::from_value(v.clone()).map_err(|e| e.to_string())?;
    if batch.has_more && batch.id.is_none() {
        return Err("hasMore without a cursor id".into());
    }
    Ok(batch)
}

async fn read_batch(client: &Client, call: Call) -> Result<CursorBatch, BackendError> {
    let reply = client.send(call).await?;
    let v: Value = reply.json()?;
    parse_cursor(&v).map_err(|m| BackendError::Storage(format!("unexpected cursor answer: {m}")))
}

/// Frees a cursor nobody will read to the end; failures only get logged.
async fn abandon(client: &Client, id: &str) {
    let call = Call::new(Method::DELETE, client.db(&["_api", "cursor", id]));
    if let Err(e) = client.send(call).await {
        tracing::debug!(cursor = id, error = %e, "could not delete an abandoned cursor");
    }
}

/// Runs `query`, handing each batch of results to `f` as it arrives. `retry` decides
/// whether creating the cursor may be repeated after a timeout (reads yes, writes no);
/// fetching a further batch is never repeated after a timeout, since that could skip one.
pub async fn for_each_batch(
    client: &Client,
    query: &Query,
    batch_size: u32,
    retry: Retry,
    mut f: impl FnMut(Vec<Value>) -> Result<(), BackendError>,
) -> Result<(), BackendError> {
    let body = json!({"query": query.text, "bindVars": query.bind_vars, "batchSize": batch_size});
    let create = Call::new(Method::POST, client.db(&["_api", "cursor"]))
        .json(&body)
        .retry(retry);
    let mut batch = read_batch(client, create).await?;
    loop {
        let more = if batch.has_more {
            batch.id.clone()
        } else {
            None
        };
        if let Err(e) = f(std::mem::take(&mut batch.result)) {
            if let Some(id) = &more {
                abandon(client, id).await;
            }
            return Err(e);
        }
        let Some(id) = more else {
            return Ok(());
        };
        let next =
            Call::new(Method::POST, client.db(&["_api", "cursor", &id])).retry(Retry::UnsentOnly);
        batch = match read_batch(client, next).await {
            Ok(b) => b,
            // The cursor is gone (errorNum 1600): it outlived its time to live, or the
            // request reached another Coordinator. Not a missing collection.
            Err(BackendError::NotFound(m)) => {
                return Err(BackendError::Unavailable(format!(
                    "ArangoDB no longer knows this read's cursor ({m}): it expired, or the next \
                     batch reached another Coordinator (behind a load balancer, use sticky \
                     sessions or one Coordinator's address). Nothing was changed: try again"
                )))
            }
            Err(e) => {
                abandon(client, &id).await;
                return Err(e);
            }
        };
    }
}

/// Runs `query` and returns all its results.
pub async fn collect(
    client: &Client,
    query: &Query,
    batch_size: u32,
    retry: Retry,
) -> Result<Vec<Value>, BackendError> {
    let mut out = Vec::new();
    for_each_batch(client, query, batch_size, retry, |batch| {
        out.extend(batch);
        Ok(())
    })
    .await?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_variables() {
        let q = Query::new("FOR d IN @@coll FILTER d.@attr == @tenant RETURN d")
            .collection("coll", "Device")
            .bind("attr", "tenantId")
            .bind("tenant", "0123456789ab");
        assert_eq!(q.bind_vars["@coll"], "Device");
        assert_eq!(q.bind_vars["tenant"], "0123456789ab");
    }

    #[test]
    fn cursor_answers() {
        let v = json!({"result": [1, 2], "hasMore": true, "id": "7", "error": false, "code": 201});
        let b = parse_cursor(&v).unwrap();
        assert_eq!(
            (b.result.len(), b.has_more, b.id.as_deref()),
            (2, true, Some("7"))
        );
        let last = parse_cursor(&json!({"result": [], "hasMore": false})).unwrap();
        assert!(!last.has_more);
        assert!(parse_cursor(&json!({"result": [], "hasMore": true})).is_err());
        assert!(parse_cursor(&json!({"error": false})).is_err());
    }
}

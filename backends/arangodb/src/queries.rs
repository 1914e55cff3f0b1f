//! Every AQL query the adapter runs. The texts are constants; what varies (collection names,
//! the tenant attribute of the naming convention, tenant ids, times, the graph name) is
//! bound. `created`/`expired` are the same in both naming conventions, so they are written
//! out; the graph is named through `@graph` (AQL's `GRAPH` takes a bind parameter).

use scaleout_domain::{Attr, Collection, Naming, TenantId, GRAPH_NAME};

use crate::aql::Query;

/// Documents of one tenant in one collection.
pub const COUNT_TENANT: &str =
    "FOR d IN @@coll FILTER d.@attr == @tenant COLLECT WITH COUNT INTO n RETURN n";

/// Every value of the tenant attribute in one collection, with its document count
/// (`[value, n]`; the value may be anything stored, even not a string).
pub const TENANT_VALUES: &str =
    "FOR d IN @@coll COLLECT tenant = d.@attr WITH COUNT INTO n RETURN [tenant, n]";

/// Every tenant of one collection with its document count and the length of its
/// documents as JSON (`[value, n, bytes]`): what each tenant weighs, measured by the
/// database (ArangoDB reports sizes per collection, never per tenant).
pub const TENANT_WEIGHTS: &str = "FOR d IN @@coll COLLECT tenant = d.@attr \
     AGGREGATE n = COUNT(1), bytes = SUM(LENGTH(TO_STRING(d))) RETURN [tenant, n, bytes]";

/// Removes one tenant's documents from one collection; returns how many went.
pub const REMOVE_TENANT: &str =
    "RETURN LENGTH(FOR d IN @@coll FILTER d.@attr == @tenant REMOVE d IN @@coll RETURN 1)";

/// One tenant's documents of one collection, as stored (without `_id`/`_rev`).
pub const TENANT_DOCUMENTS: &str =
    "FOR d IN @@coll FILTER d.@attr == @tenant RETURN UNSET(d, \"_id\", \"_rev\")";

/// One tenant's documents of one collection valid at `@at` (`created <= at < expired`).
pub const VALID_AT: &str = "FOR d IN @@coll FILTER d.@attr == @tenant \
     AND d.created <= @at AND @at < d.expired RETURN UNSET(d, \"_id\", \"_rev\")";

/// The versions valid at `@at`, reached from the tenant's in-proxies through `hasVersion`
/// edges valid then: a traversal of the SmartGraph (which a Disjoint SmartGraph runs on the
/// DB server holding the tenant). Returns the version, its collection and the edge.
pub const VERSIONS_AT: &str = "FOR p IN @@proxies FILTER p.@attr == @tenant \
     FOR v, e IN 1..1 OUTBOUND p GRAPH @graph \
     FILTER IS_SAME_COLLECTION(@versions, e) AND e.created <= @at AND @at < e.expired \
     AND v.created <= @at AND @at < v.expired \
     RETURN {collection: PARSE_IDENTIFIER(v).collection, \
     vertex: UNSET(v, \"_id\", \"_rev\"), edge: UNSET(e, \"_id\", \"_rev\")}";

/// All of them, for tests that check what may appear in a query text.
#[cfg(any(test, feature = "fake"))]
pub const ALL: [&str; 7] = [
    COUNT_TENANT,
    TENANT_VALUES,
    TENANT_WEIGHTS,
    REMOVE_TENANT,
    TENANT_DOCUMENTS,
    VALID_AT,
    VERSIONS_AT,
];

fn tenant_query(text: &'static str, naming: Naming, c: Collection, tenant: TenantId) -> Query {
    Query::new(text)
        .collection("coll", c.name(naming))
        .bind("attr", Attr::TenantId.name(naming))
        .bind("tenant", tenant.as_str())
}

pub fn count_tenant(naming: Naming, c: Collection, tenant: TenantId) -> Query {
    tenant_query(COUNT_TENANT, naming, c, tenant)
}

pub fn tenant_values(naming: Naming, c: Collection) -> Query {
    Query::new(TENANT_VALUES)
        .collection("coll", c.name(naming))
        .bind("attr", Attr::TenantId.name(naming))
}

pub fn tenant_weights(naming: Naming, c: Collection) -> Query {
    Query::new(TENANT_WEIGHTS)
        .collection("coll", c.name(naming))
        .bind("attr", Attr::TenantId.name(naming))
}

pub fn remove_tenant(naming: Naming, c: Collection, tenant: TenantId) -> Query {
    tenant_query(REMOVE_TENANT, naming, c, tenant)
}

pub fn tenant_documents(naming: Naming, c: Collection, tenant: TenantId) -> Query {
    tenant_query(TENANT_DOCUMENTS, naming, c, tenant)
}

pub fn valid_at(naming: Naming, c: Collection, tenant: TenantId, at: i64) -> Query {
    tenant_query(VALID_AT, naming, c, tenant).bind("at", at)
}

/// `proxies` is DeviceProxyIn or SoftwareProxyIn.
pub fn versions_at(naming: Naming, proxies: Collection, tenant: TenantId, at: i64) -> Query {
    Query::new(VERSIONS_AT)
        .collection("proxies", proxies.name(naming))
        .bind("attr", Attr::TenantId.name(naming))
        .bind("tenant", tenant.as_str())
        .bind("graph", GRAPH_NAME)
        .bind("versions", Collection::HasVersion.name(naming))
        .bind("at", at)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words of a query text: identifiers and string literals.
    fn words(text: &str) -> Vec<&str> {
        text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect()
    }

    #[test]
    fn no_name_or_value_in_any_query_text() {
        for text in ALL {
            for w in words(text) {
                for naming in Naming::ALL {
                    for c in Collection::ALL {
                        assert_ne!(w, c.name(naming), "collection name in {text}");
                    }
                    assert_ne!(w, Attr::TenantId.name(naming), "tenant attribute in {text}");
                }
                assert_ne!(w, GRAPH_NAME, "graph name in {text}");
                assert!(
                    !(w.len() == 12 && w.bytes().all(|b| b.is_ascii_hexdigit())),
                    "a tenant id in {text}"
                );
            }
        }
    }

    #[test]
    fn every_parameter_is_bound() {
        let t = TenantId::from_seed(9);
        let queries = [
            count_tenant(Naming::CamelCase, Collection::Device, t),
            tenant_values(Naming::SnakeCase, Collection::HasVersion),
            remove_tenant(Naming::CamelCase, Collection::Location, t),
            tenant_documents(Naming::CamelCase, Collection::Software, t),
            valid_at(Naming::CamelCase, Collection::HasLocation, t, 5),
            versions_at(Naming::SnakeCase, Collection::DeviceProxyIn, t, 5),
        ];
        for q in &queries {
            // Every @name / @@name in the text has a bind variable, and no extra ones.
            let mut used: Vec<String> = Vec::new();
            let bytes = q.text.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] == b'@' {
                    let start = i + 1;
                    let mut end = start;
                    if end < bytes.len() && bytes[end] == b'@' {
                        end += 1;
                    }
                    while end < bytes.len()
                        && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_')
                    {
                        end += 1;
                    }
                    used.push(q.text[start..end].to_owned());
                    i = end;
                } else {
                    i += 1;
                }
            }
            used.sort();
            used.dedup();
            let mut bound: Vec<String> = q.bind_vars.keys().cloned().collect();
            bound.sort();
            assert_eq!(used, bound, "{}", q.text);
        }
        let v = versions_at(Naming::SnakeCase, Collection::DeviceProxyIn, t, 5);
        assert_eq!(v.bind_vars["@proxies"], "device_proxy_in");
        assert_eq!(v.bind_vars["versions"], "has_version");
        assert_eq!(v.bind_vars["attr"], "tenant_id");
        assert_eq!(v.bind_vars["graph"], "network_assets");
    }
}

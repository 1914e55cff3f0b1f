use serde_json::json;

use super::*;
use crate::error::DocumentProblem;
use crate::naming::Attr;
use crate::tenant::{ScaleFactor, TenantName};
use crate::Generator;

fn generator(naming: Naming) -> Generator {
    Generator::from_parts(
        TenantId::parse("00000000beef").unwrap(),
        &TenantName::parse("Acme Corp").unwrap(),
        ScaleFactor::ONE,
        1_700_000_000,
        naming,
    )
}

#[test]
fn every_generated_document_round_trips_through_json() {
    for naming in Naming::ALL {
        for doc in generator(naming).all_documents() {
            let text = serde_json::to_string(&doc).unwrap();
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            let back = Document::from_json(doc.collection, naming, &value).unwrap();
            assert_eq!(back, doc);
        }
    }
}

#[test]
fn system_attributes_are_ignored() {
    let doc = generator(Naming::CamelCase)
        .documents(Collection::DeviceProxyIn)
        .next()
        .unwrap();
    let mut v = doc.to_json();
    v["_id"] = json!(doc.id());
    v["_rev"] = json!("_abc");
    assert_eq!(v.as_object().unwrap().len(), 4);
    assert_eq!(
        Document::from_json(Collection::DeviceProxyIn, Naming::CamelCase, &v).unwrap(),
        doc
    );
    assert_eq!(doc.id(), "DeviceProxyIn/00000000beef:device0");
}

#[test]
fn parse_errors_name_the_attribute() {
    let g = generator(Naming::SnakeCase);
    let dev = g.documents(Collection::Device).next().unwrap();
    let mut v = dev.to_json();
    v.as_object_mut().unwrap().remove("host_name");
    let e = Document::from_json(Collection::Device, Naming::SnakeCase, &v).unwrap_err();
    assert_eq!(e.id, "device/00000000beef:device0-0");
    assert_eq!(
        e.problem,
        DocumentProblem::Missing {
            attr: Attr::HostName,
            name: "host_name"
        }
    );
    assert!(e.to_string().contains("host_name"), "{e}");

    let mut v = dev.to_json();
    v["created"] = json!("yesterday");
    let e = Document::from_json(Collection::Device, Naming::SnakeCase, &v).unwrap_err();
    assert!(matches!(
        e.problem,
        DocumentProblem::WrongType {
            attr: Attr::Created,
            ..
        }
    ));

    let mut v = dev.to_json();
    v["tenant_id"] = json!("NOT-A-TENANT");
    let e = Document::from_json(Collection::Device, Naming::SnakeCase, &v).unwrap_err();
    assert_eq!(e.problem.attr(), Some(Attr::TenantId));

    // camelCase attributes are not accepted by a snake_case database.
    let camel = generator(Naming::CamelCase)
        .documents(Collection::Device)
        .next()
        .unwrap();
    assert!(Document::from_json(Collection::Device, Naming::SnakeCase, &camel.to_json()).is_err());

    let e = Document::from_json(Collection::Device, Naming::SnakeCase, &json!([1])).unwrap_err();
    assert_eq!(e.problem, DocumentProblem::NotAnObject);
    assert_eq!(e.id, "device/?");

    let edge = g.documents(Collection::HasLocation).next().unwrap();
    let mut v = edge.to_json();
    v["_to"] = json!("Location/x");
    let e = Document::from_json(Collection::HasLocation, Naming::SnakeCase, &v).unwrap_err();
    assert!(
        matches!(e.problem, DocumentProblem::Invalid { attr: Attr::To, .. }),
        "{e}"
    );
}

#[test]
fn validity_and_shape_helpers() {
    let g = generator(Naming::CamelCase);
    let current = g.documents(Collection::Device).next().unwrap();
    assert!(current.is_valid_at(1_700_000_000));
    assert!(!current.is_valid_at(1_699_999_999));
    let proxy = g.documents(Collection::DeviceProxyOut).next().unwrap();
    assert_eq!(proxy.interval(), None);
    assert!(proxy.is_valid_at(i64::MIN));
    assert!(proxy.body_fits_collection());
    let mut wrong = proxy.clone();
    wrong.collection = Collection::Location;
    assert!(!wrong.body_fits_collection());
    assert!(g
        .documents(Collection::HasVersion)
        .next()
        .unwrap()
        .as_edge()
        .is_some());
    assert!(proxy.as_edge().is_none());
}

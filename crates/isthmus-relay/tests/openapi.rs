//! docs/openapi.yaml is what the relay's code generates: the test fails when the committed file
//! is stale. `UPDATE_OPENAPI=1 cargo test -p isthmus-relay --test openapi` rewrites it.
//! (scripts/test also runs schemathesis with it against a live relay.)

use std::path::Path;

#[test]
fn the_committed_document_is_the_generated_one() {
    let generated = isthmus_relay::openapi::document_yaml();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.yaml");
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).expect("write docs/openapi.yaml");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/openapi.yaml is stale: run UPDATE_OPENAPI=1 cargo test -p isthmus-relay --test openapi"
    );
}

#[test]
fn every_error_and_every_shared_body_is_in_the_document() {
    let document: serde_json::Value =
        serde_json::from_str(&isthmus_relay::openapi::RelayApi::openapi_json()).expect("json");
    let codes = &document["components"]["schemas"]["ErrorCode"]["enum"];
    for code in isthmus_proto::api::ErrorCode::ALL {
        assert!(codes.as_array().expect("an enum").iter().any(|listed| listed == code.as_str()), "{code}");
    }
    let reasons = &document["components"]["schemas"]["ReportReason"]["enum"];
    for reason in isthmus_proto::api::ReportReason::ALL {
        assert!(reasons.as_array().expect("an enum").iter().any(|listed| listed == reason.as_str()), "{reason}");
    }
    for path in ["/v1/accounts", "/v1/keys/{address}", "/v1/reports", "/v1/media", "/federation/v1/deliver"] {
        assert!(document["paths"].get(path).is_some(), "{path}");
    }
}

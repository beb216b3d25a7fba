//! docs/openapi.yaml, generated from the handlers' annotations and the shared API types
//! (`isthmus_proto::api`), so the document cannot say something the relay does not do. A test
//! compares the checked-in file with this; `isthmus-relay openapi` prints it; scripts/test runs
//! schemathesis against a live relay with it.

use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::RefOr;
use utoipa::{Modify, OpenApi};

use isthmus_proto::api;

/// The relay's HTTP API: the control plane for clients and the federation routes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Isthmus relay API",
        version = "1",
        description = "The HTTP part of the contract between Isthmus clients and a relay, and between peered \
relays. Generated from the relay's code (`isthmus-relay openapi`); the prose version, with the WebSocket data \
plane, is docs/relay-api.md, and protobuf messages are in proto/isthmus/v1/. Byte strings in JSON are standard \
base64 with padding. Every error answers `{code, message}`; clients switch on `code`.",
        license(name = "AGPL-3.0-only", identifier = "AGPL-3.0-only"),
    ),
    servers((url = "http://127.0.0.1:7070", description = "A relay on this machine (`isthmus-relay run`)")),
    paths(
        crate::http::health,
        crate::http::accounts::register,
        crate::http::keys::upload,
        crate::http::keys::count,
        crate::http::keys::bundle,
        crate::http::directory::lookup,
        crate::http::networks,
        crate::http::interop::get,
        crate::http::interop::set,
        crate::http::identity::reset,
        crate::http::consent::list_blocks,
        crate::http::consent::block,
        crate::http::consent::unblock,
        crate::http::consent::add_contact,
        crate::http::consent::list_requests,
        crate::http::consent::delete_request,
        crate::http::consent::get_discoverability,
        crate::http::consent::set_discoverability,
        crate::http::groups::get_adds,
        crate::http::groups::set_adds,
        crate::http::groups::get_networks,
        crate::http::groups::set_networks,
        crate::http::groups::join,
        crate::http::groups::leave,
        crate::http::reports::create,
        crate::http::media::upload,
        crate::http::media::download,
        crate::ws::upgrade,
        crate::federation::inbound::deliver,
        crate::federation::inbound::bundle,
        crate::federation::inbound::directory,
        crate::federation::media::serve,
    ),
    components(schemas(api::ErrorBody, api::ErrorCode)),
    modifiers(&SecuritySchemes),
    security(("deviceBearer" = [])),
    tags(
        (name = "health"),
        (name = "accounts", description = "Registration and the account's own settings"),
        (name = "keys", description = "Prekeys and bundles"),
        (name = "directory"),
        (name = "consent", description = "Who may reach and find the account"),
        (name = "groups", description = "Who may add the account to a group, and the groups it is in"),
        (name = "reports"),
        (name = "media", description = "Encrypted attachments, hosted by the sender's network"),
        (name = "data plane"),
        (name = "federation", description = "Between peered relays, signed by the origin relay"),
    )
)]
pub struct RelayApi;

/// A body of raw bytes (protobuf, or a medium's ciphertext): `type: string, format: binary`.
pub(crate) struct Octets;

impl utoipa::PartialSchema for Octets {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}

impl utoipa::ToSchema for Octets {}

/// An upload's bytes: at least one (an empty medium is refused).
pub(crate) struct Upload;

impl utoipa::PartialSchema for Upload {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .min_length(Some(1))
            .into()
    }
}

impl utoipa::ToSchema for Upload {}

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "deviceBearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "`Bearer <name>/<device>/<secret>`, the secret from registration (base64url without padding).",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "federationSignature",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Isthmus-Signature",
                "Base64 Ed25519 signature by the origin relay over the lines `isthmus-federation-v1`, method, \
                 path, origin, destination domain, timestamp, nonce and the hex SHA-256 of the body, joined by `\\n`.",
            ))),
        );
    }
}

impl RelayApi {
    /// The document as JSON.
    pub fn openapi_json() -> String {
        <Self as OpenApi>::openapi().to_pretty_json().expect("the generated document serializes")
    }
}

/// The document as YAML, as docs/openapi.yaml holds it.
pub fn document_yaml() -> String {
    RelayApi::openapi().to_yaml().expect("the generated document serializes")
}

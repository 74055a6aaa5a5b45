//! OpenAPI documents: one per service, `openapi/<service>.json`.
//!
//! Built as `serde_json` values (the workspace enables `preserve_order`, so keys keep the order
//! they are inserted in and output is byte-identical run to run). The document is always built
//! as OpenAPI 3.1; [`Version::V3_0`] is a down-conversion of that document ([`v3_0`]), so the
//! two versions can never describe different APIs.
//!
//! Conventions beyond plain OpenAPI (each documented in `specs/README.md`, "RPC dispatch in
//! OpenAPI"):
//! - an endpoint with dispatch values gets the path key `<path>;<name>=<value>...`, the real
//!   method, path and values in `x-switchboard-dispatch` ([`paths`]);
//! - events are `webhooks` keyed by event name; operations list theirs in
//!   `x-switchboard-events` ([`webhooks`]);
//! - open enumerations are `examples` + `x-enum-values`, never `enum` ([`schema`]).

mod body;
mod info;
mod params;
mod paths;
mod responses;
mod schema;
mod security;
mod text;
mod v3_0;
mod webhooks;

use serde_json::{Map, Value, json};

use super::Outputs;
use crate::model::{Model, Service};

/// The OpenAPI version of the emitted documents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Version {
    /// OpenAPI 3.1.0 (JSON Schema 2020-12 schemas, `webhooks`): the default.
    #[default]
    V3_1,
    /// OpenAPI 3.0.3, for tools that do not read 3.1: `const` becomes a one-value `enum`,
    /// `examples` arrays become `example`, type arrays become `nullable`, and `webhooks` move to
    /// the `x-webhooks` extension.
    V3_0,
}

impl Version {
    /// The `openapi` field of the document.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V3_1 => "3.1.0",
            Version::V3_0 => "3.0.3",
        }
    }
}

/// Folder of the documents under the output folder.
pub const DIR: &str = "openapi";

/// Writes `openapi/<service>.json` for every service.
pub fn emit_openapi(model: &Model, version: Version, out: &mut Outputs) {
    for service in &model.services {
        let mut text = serde_json::to_string_pretty(&document(service, version))
            .expect("a JSON value always serializes");
        text.push('\n');
        out.add(format!("{DIR}/{}.json", service.name), text);
    }
}

/// The OpenAPI document of one service.
pub fn document(service: &Service, version: Version) -> Value {
    let mut doc = Map::new();
    doc.insert("openapi".into(), Version::V3_1.as_str().into());
    doc.insert("info".into(), info::emit_info(service));
    doc.insert("servers".into(), info::emit_servers(service));
    if let Some(docs) = service.sources.first().map(info::external_docs) {
        doc.insert("externalDocs".into(), docs);
    }
    doc.insert("paths".into(), paths::emit_paths(service).into());
    let webhooks = webhooks::emit_webhooks(service);
    if !webhooks.is_empty() {
        doc.insert("webhooks".into(), webhooks.into());
    }
    doc.insert("components".into(), emit_components(service));
    doc.insert(
        "x-switchboard-envelope".into(),
        info::emit_envelope_extension(service),
    );
    if let Some(frame) = info::emit_event_envelope_extension(service) {
        doc.insert("x-switchboard-event-envelope".into(), frame);
    }
    let mut doc = Value::Object(doc);
    text::sanitize_descriptions(&mut doc);
    match version {
        Version::V3_1 => doc,
        Version::V3_0 => v3_0::down_convert(doc),
    }
}

/// `components`: the shared named types and the security schemes.
fn emit_components(service: &Service) -> Value {
    let mut components = Map::new();
    let schemas = schema::emit_named_types(service);
    if !schemas.is_empty() {
        components.insert("schemas".into(), schemas.into());
    }
    let schemes = security::emit_security_schemes(service);
    if !schemes.is_empty() {
        components.insert("securitySchemes".into(), schemes.into());
    }
    json!(components)
}

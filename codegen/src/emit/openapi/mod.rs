//! OpenAPI documents: one per service, `openapi/<service>.json`.
//!
//! Built as `serde_json` values (the workspace enables `preserve_order`, so keys keep the order
//! they are inserted in and output is byte-identical run to run). The document is always built
//! as OpenAPI 3.1; [`Version::V3_0`] is a down-conversion of that document ([`v3_0`]), so the
//! two versions can never describe different APIs.
//!
//! Conventions beyond plain OpenAPI (each documented in `specs/README.md`, "RPC dispatch in
//! OpenAPI"):
//! - endpoints sharing a method and path, told apart by dispatch values, are one operation at
//!   their real path, the values as `enum` parameters or `oneOf` body branches, each endpoint's
//!   detail in `x-switchboard-dispatch.operations` ([`merge`]); [`Dispatch::PerEndpoint`] keeps
//!   one operation per endpoint under a `<path>;<name>=<value>...` key instead ([`paths`]);
//! - events are `webhooks` keyed by event name; operations list theirs in
//!   `x-switchboard-events` ([`webhooks`]);
//! - open enumerations are `examples` + `x-enum-values`, never `enum` ([`schema`]).

mod body;
mod info;
mod merge;
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

/// How endpoints that share a method and path (RPC dispatch) appear in `paths`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Dispatch {
    /// One operation per real method and path (the default): what generic clients call
    /// correctly and what reference pages show truthfully.
    #[default]
    Merged,
    /// One operation per endpoint under the path key `<path>;<name>=<value>...`, which is not
    /// the wire path (the real one is in `x-switchboard-dispatch`): per-endpoint operation ids
    /// and responses, for tools that read the extension.
    PerEndpoint,
}

/// What to emit: the OpenAPI version and the dispatch representation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// The OpenAPI version.
    pub version: Version,
    /// How dispatched endpoints appear.
    pub dispatch: Dispatch,
}

impl From<Version> for Options {
    fn from(version: Version) -> Self {
        Options {
            version,
            ..Options::default()
        }
    }
}

/// Folder of the documents under the output folder.
pub const DIR: &str = "openapi";

/// Writes `openapi/<service>.json` for every service.
pub fn emit_openapi(model: &Model, options: impl Into<Options>, out: &mut Outputs) {
    emit_openapi_with(model, options, out, &crate::cache::Memo::off());
}

/// [`emit_openapi`], taking the operations of unchanged endpoints from `memo`.
///
/// A 3.1 document is written in pieces: the document without its paths, then each operation
/// pretty-printed on its own (on every core, and cached) and indented into place. JSON's
/// pretty form of a value does not depend on where the value sits but for the indentation, so
/// the text is that of the whole document printed at once (`tests/openapi.rs` compares them).
/// A 3.0 document is converted from the whole 3.1 one and printed whole.
pub fn emit_openapi_with(
    model: &Model,
    options: impl Into<Options>,
    out: &mut Outputs,
    memo: &crate::cache::Memo,
) {
    let options = options.into();
    for service in &model.services {
        let mut text = match options.version {
            Version::V3_1 => spliced(service, options.dispatch, memo),
            Version::V3_0 => serde_json::to_string_pretty(&document_with(service, options))
                .expect("a JSON value always serializes"),
        };
        text.push('\n');
        out.add(format!("{DIR}/{}.json", service.name), text);
    }
}

/// The 3.1 document's text, its operations printed one by one.
fn spliced(service: &Service, dispatch: Dispatch, memo: &crate::cache::Memo) -> String {
    use rayon::prelude::*;
    let alone = service.without_endpoints();
    let options = Options {
        version: Version::V3_1,
        dispatch,
    };
    let frame = build(service, options, false);
    let frame = serde_json::to_string_pretty(&frame).expect("a JSON value always serializes");
    let operations: Vec<(String, String, Vec<&crate::model::Endpoint>)> = match dispatch {
        Dispatch::Merged => merge::operations(service),
        Dispatch::PerEndpoint => paths::operations(service)
            .into_iter()
            .map(|(key, method, endpoint)| (key, method, vec![endpoint]))
            .collect(),
    };
    let form = format!("{dispatch:?}");
    let texts: Vec<String> = operations
        .par_iter()
        .map(|(key, method, members)| {
            let cache_key = || {
                memo.key(
                    "openapi-operation",
                    service,
                    members,
                    &[form.as_bytes(), key.as_bytes(), method.as_bytes()],
                )
            };
            memo.get_or(cache_key, || {
                let path = members[0].path.as_str();
                let mut op = match dispatch {
                    Dispatch::Merged => merge::operation(&alone, method, path, members),
                    Dispatch::PerEndpoint => paths::emit_operation(&alone, members[0]),
                };
                text::sanitize_descriptions(&mut op);
                serde_json::to_string_pretty(&op).expect("a JSON value always serializes")
            })
        })
        .collect();
    if operations.is_empty() {
        return frame;
    }
    // `"paths": {` at depth 1; each path item at depth 2, its operations at depth 3.
    let json = |s: &str| serde_json::to_string(s).expect("a string serializes");
    let mut paths = String::from("{");
    // Path items in the order of their first operation (a JSON object keeps insertion order),
    // each with all its operations.
    let mut order: Vec<&str> = Vec::new();
    let mut items: std::collections::HashMap<&str, Vec<usize>> = Default::default();
    for (n, (key, _, _)) in operations.iter().enumerate() {
        items
            .entry(key.as_str())
            .or_insert_with(|| {
                order.push(key.as_str());
                Vec::new()
            })
            .push(n);
    }
    for (n, key) in order.iter().enumerate() {
        paths.push_str(if n == 0 { "\n    " } else { ",\n    " });
        paths.push_str(&json(key));
        paths.push_str(": {");
        for (i, &op) in items[key].iter().enumerate() {
            paths.push_str(if i == 0 { "\n      " } else { ",\n      " });
            paths.push_str(&json(&operations[op].1));
            paths.push_str(": ");
            paths.push_str(&texts[op].replace('\n', "\n      "));
        }
        paths.push_str("\n    }");
    }
    paths.push_str("\n  }");
    let at = frame
        .find("\n  \"paths\": {}")
        .expect("the frame has an empty `paths`");
    let start = at + "\n  \"paths\": ".len();
    format!("{}{}{}", &frame[..start], paths, &frame[start + 2..])
}

/// The OpenAPI document of one service, dispatched endpoints merged ([`Dispatch::Merged`]).
pub fn document(service: &Service, version: Version) -> Value {
    document_with(service, version.into())
}

/// The OpenAPI document of one service with the given options.
pub fn document_with(service: &Service, options: Options) -> Value {
    build(service, options, true)
}

/// The document, with its operations or with an empty `paths` (the frame they are put into).
fn build(service: &Service, options: Options, with_paths: bool) -> Value {
    let Options { version, dispatch } = options;
    let mut doc = Map::new();
    doc.insert("openapi".into(), Version::V3_1.as_str().into());
    doc.insert("info".into(), info::emit_info(service));
    doc.insert("servers".into(), info::emit_servers(service));
    if let Some(docs) = service.sources.first().map(info::external_docs) {
        doc.insert("externalDocs".into(), docs);
    }
    let paths = match dispatch {
        _ if !with_paths => Map::new(),
        Dispatch::Merged => merge::emit_paths(service),
        Dispatch::PerEndpoint => paths::emit_paths(service),
    };
    doc.insert("paths".into(), paths.into());
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

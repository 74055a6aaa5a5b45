//! `paths`: one operation per endpoint, `operationId` = the endpoint id.
//!
//! RPC-style APIs put several endpoints on one method and path and tell them apart by a
//! dispatch value (an operation name in the body, an action in the query). OpenAPI allows one
//! operation per method and path, so an endpoint with dispatch values gets its own path key:
//! the path followed by `;<name>=<value>` for each value in spec order (RFC 3986 segment
//! parameters, percent-encoded; never `#` or `?`). The real path and the values are in the
//! operation's `x-switchboard-dispatch`, so a request is matched back to its endpoint by method,
//! path and dispatch values. The rule is in `specs/README.md`, "RPC dispatch in OpenAPI".

use serde_json::{Map, Value, json};

use super::{body, info, params, responses, security, text};
use crate::model::{DispatchIn, Endpoint, Service};

/// `paths`, in endpoint order (the model sorts endpoints by id).
pub(super) fn emit_paths(service: &Service) -> Map<String, Value> {
    let mut paths = Map::new();
    for (key, method, endpoint) in operations(service) {
        let item = paths
            .entry(key)
            .or_insert_with(|| Value::Object(Map::new()));
        item[&method] = emit_operation(service, endpoint);
    }
    paths
}

/// The operations of `paths`: key, method (lower case) and endpoint, in endpoint order.
pub(super) fn operations(service: &Service) -> Vec<(String, String, &Endpoint)> {
    let mut taken = std::collections::HashSet::new();
    let mut operations = Vec::new();
    for endpoint in &service.endpoints {
        let method = endpoint.method.as_str().to_ascii_lowercase();
        let mut key = path_key(endpoint);
        // `check` should keep two endpoints from sharing a method, path and dispatch values;
        // should two still meet, the later one is keyed by its id rather than overwriting.
        if !taken.insert((key.clone(), method.clone())) {
            key.push_str(&format!(";operationId={}", encode(&endpoint.id.0)));
            taken.insert((key.clone(), method.clone()));
        }
        operations.push((key, method, endpoint));
    }
    operations
}

/// The path key: the path, then `;name=value` per dispatch value.
pub(super) fn path_key(endpoint: &Endpoint) -> String {
    let mut key = endpoint.path.clone();
    for d in &endpoint.dispatch {
        key.push_str(&format!(";{}={}", encode(&d.name), encode(&d.value)));
    }
    key
}

/// Percent-encodes all but RFC 3986's unreserved characters.
fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// One operation, reading as an outline: identity, prose, request, responses, security, then
/// the `x-` extensions carrying what OpenAPI has no field for.
pub(super) fn emit_operation(service: &Service, endpoint: &Endpoint) -> Value {
    let mut op = Map::new();
    op.insert("operationId".into(), endpoint.id.0.clone().into());
    op.insert("summary".into(), endpoint.summary.clone().into());
    if let Some(description) = text::endpoint_description(endpoint) {
        op.insert("description".into(), description.into());
    }
    op.insert("externalDocs".into(), info::external_docs(&endpoint.source));
    let parameters = params::emit_parameters(service, endpoint);
    if !parameters.is_empty() {
        op.insert("parameters".into(), parameters.into());
    }
    if let Some(request) = body::emit_request_body(endpoint) {
        op.insert("requestBody".into(), request);
    }
    op.insert(
        "responses".into(),
        responses::emit_responses(service, endpoint).into(),
    );
    op.insert("security".into(), security::requirements(service, endpoint));
    emit_extensions(service, endpoint, &mut op);
    Value::Object(op)
}

/// The operation's `x-` extensions.
fn emit_extensions(service: &Service, endpoint: &Endpoint, op: &mut Map<String, Value>) {
    let mut put = |key: &str, value: Value| {
        op.insert(key.into(), value);
    };
    put("x-title", endpoint.title.clone().into());
    if !endpoint.dispatch.is_empty() {
        put("x-switchboard-dispatch", dispatch(service, endpoint));
    }
    if let Some(capability) = &endpoint.capability {
        put("x-capability", capability.clone().into());
    }
    if !endpoint.prerequisites.is_empty() {
        put("x-prerequisites", endpoint.prerequisites.clone().into());
    }
    if let Some(callers) = &endpoint.callers {
        put("x-callers", callers.clone().into());
    }
    if let Some(authorization) = &endpoint.authorization {
        put("x-authorization", authorization.clone().into());
    }
    if !endpoint.required_features.is_empty() {
        put(
            "x-required-features",
            endpoint.required_features.clone().into(),
        );
    }
    if let Some(log_name) = &endpoint.log_name {
        put("x-log-name", log_name.clone().into());
    }
    let auth = params::emit_auth_parameters(endpoint);
    if !auth.is_empty() {
        put("x-auth-parameters", auth.into());
    }
    put(
        "x-switchboard-errors",
        responses::emit_errors_extension(service, endpoint),
    );
    let events: Vec<Value> = endpoint.events.iter().map(|e| e.0.clone().into()).collect();
    put("x-switchboard-events", events.into());
    if !endpoint.samples.is_empty() {
        put("x-samples", samples(endpoint));
    }
    if !endpoint.history.is_empty() {
        let history: Vec<Value> = endpoint
            .history
            .iter()
            .map(|h| json!({ "date": h.date, "change": h.change, "change_en": h.change_en }))
            .collect();
        put("x-history", history.into());
    }
    if !endpoint.unconfirmed.is_empty() {
        put("x-unconfirmed", endpoint.unconfirmed.clone().into());
    }
    if !endpoint.truncated.is_empty() {
        // Sections whose lists here are what a cut-off copy shows: unknown, not empty.
        let sections: Vec<Value> = endpoint.truncated.iter().map(|s| s.key().into()).collect();
        put("x-switchboard-not-shown", sections.into());
    }
}

/// `x-switchboard-dispatch`: the wire method and path, and the values that pick the endpoint.
pub(super) fn dispatch(service: &Service, endpoint: &Endpoint) -> Value {
    let moved = params::moved_dispatch(service);
    let values: Vec<Value> = endpoint
        .dispatch
        .iter()
        .map(|d| {
            let location = match d.location {
                DispatchIn::Query => "query",
                DispatchIn::Header => "header",
                DispatchIn::Body => "body",
            };
            let mut value = json!({ "in": location, "name": d.name, "value": d.value });
            if d.location == DispatchIn::Query
                && let Some((_, header)) = moved.iter().find(|(name, _)| *name == d.name)
            {
                // Where a signing scheme carries the same value instead.
                value["alternatives"] = json!([{ "in": "header", "name": header }]);
            }
            value
        })
        .collect();
    json!({
        "method": endpoint.method.as_str(),
        "path": endpoint.path,
        "values": values,
    })
}

/// `x-samples`: what the examples cannot carry (request line, status, error code, headers).
fn samples(endpoint: &Endpoint) -> Value {
    endpoint
        .samples
        .iter()
        .map(|s| {
            let mut out = Map::new();
            out.insert("name".into(), s.name.clone().into());
            if let Some(line) = &s.documented_line {
                out.insert("documented_line".into(), line.clone().into());
            }
            out.insert("status".into(), s.status.into());
            if let Some(error) = &s.error {
                out.insert("error".into(), info::code_value(error));
            }
            if !s.response_headers.is_empty() {
                out.insert("response_headers".into(), json!(s.response_headers));
            }
            if let Some(source) = &s.source {
                out.insert("source".into(), info::source(source));
            }
            Value::Object(out)
        })
        .collect::<Vec<_>>()
        .into()
}

//! An operation's `parameters` and `x-auth-parameters`.
//!
//! Dispatch values in the query or a header come first, as required parameters whose schema is
//! `const`. Parameters the auth scheme supplies (`from_auth`) are not asked of the caller: they
//! belong to the security scheme and are listed in `x-auth-parameters` instead.

use serde_json::{Map, Value, json};

use super::schema;
use super::text;
use crate::model::{AuthScheme, DispatchIn, Endpoint, Param, ParamIn, Service};

/// Dispatch query parameters that a signing scheme may move into a header, with that header:
/// a scheme signing headers sends the action and version as `<header_prefix>action` and
/// `<header_prefix>version` instead of in the query.
pub(super) fn moved_dispatch(service: &Service) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for scheme in &service.auth.schemes {
        if let AuthScheme::SignedHeadersHmacSha256 {
            header_prefix,
            action_param,
            version_param,
            ..
        } = scheme
        {
            out.push((action_param.clone(), format!("{header_prefix}action")));
            out.push((version_param.clone(), format!("{header_prefix}version")));
        }
    }
    out
}

/// `parameters`: dispatch values, then the caller's own parameters in spec order.
pub(super) fn emit_parameters(service: &Service, endpoint: &Endpoint) -> Vec<Value> {
    let moved = moved_dispatch(service);
    let alternatives = endpoint.dispatch.iter().filter(|d| d.location == DispatchIn::Query).filter_map(|d| {
        let (_, header) = moved.iter().find(|(name, _)| *name == d.name)?;
        Some(json!({
            "name": header,
            "in": "header",
            "required": false,
            "description": format!("The `{}` dispatch value, sent as this header instead of in the query when the request is signed in headers.", d.name),
            "schema": { "type": "string", "const": d.value },
            "x-switchboard-dispatch": true,
        }))
    }).collect::<Vec<_>>();
    let dispatch = endpoint.dispatch.iter().filter_map(|d| {
        let location = match d.location {
            DispatchIn::Query => "query",
            DispatchIn::Header => "header",
            DispatchIn::Body => return None,
        };
        let description = d
            .description
            .clone()
            .unwrap_or_else(|| "Fixed value selecting this operation.".into());
        // Required unless a signing scheme may carry it in a header instead.
        let required =
            !(d.location == DispatchIn::Query && moved.iter().any(|(name, _)| *name == d.name));
        Some(json!({
            "name": d.name,
            "in": location,
            "required": required,
            "description": description,
            "schema": { "type": "string", "const": d.value },
            "x-switchboard-dispatch": true,
        }))
    });
    let own = endpoint
        .params
        .iter()
        .filter(|p| !p.from_auth && !is_content_type(p))
        .map(|p| parameter(endpoint, p));
    dispatch.chain(alternatives).chain(own).collect()
}

/// `x-auth-parameters`: the parameters the security scheme fills in.
pub(super) fn emit_auth_parameters(endpoint: &Endpoint) -> Vec<Value> {
    endpoint
        .params
        .iter()
        .filter(|p| p.from_auth)
        .map(|p| parameter(endpoint, p))
        .collect()
}

/// A `Content-Type` header parameter. OpenAPI 3.1 has tools ignore header parameters of that
/// name (§4.8.12.1): the document says it as the operation's media type instead
/// ([`body::emit_request_body`](super::body::emit_request_body)); the client still sends it.
pub(super) fn is_content_type(param: &Param) -> bool {
    param.is_content_type()
}

fn location(location: ParamIn) -> &'static str {
    match location {
        ParamIn::Path => "path",
        ParamIn::Query => "query",
        ParamIn::Header => "header",
    }
}

/// A parameter object; the documented samples' values become its `examples`.
fn parameter(endpoint: &Endpoint, param: &Param) -> Value {
    let field = &param.field;
    let mut out = Map::new();
    out.insert("name".into(), field.name.wire.clone().into());
    out.insert("in".into(), location(param.location).into());
    // OpenAPI: a path parameter is always required.
    let required = field.required || param.location == ParamIn::Path;
    out.insert("required".into(), required.into());
    if let Some(description) = text::field_description(field) {
        out.insert("description".into(), description.into());
    }
    let mut schema = schema::field_schema(field);
    schema.shift_remove("description");
    for key in [
        "x-unconfirmed",
        "x-switchboard-inferred",
        "x-switchboard-required",
    ] {
        if let Some(value) = schema.shift_remove(key) {
            out.insert(key.into(), value);
        }
    }
    out.insert("schema".into(), schema.into());
    let examples: Map<String, Value> = endpoint
        .samples
        .iter()
        .filter_map(|sample| {
            let value = sample.params.get(&field.name.wire)?;
            Some((sample.name.clone(), json!({ "value": value })))
        })
        .collect();
    if !examples.is_empty() {
        out.insert("examples".into(), examples.into());
    }
    Value::Object(out)
}

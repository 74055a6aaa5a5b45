//! An operation's `parameters` and `x-auth-parameters`.
//!
//! Dispatch values in the query or a header come first, as required parameters whose schema is
//! `const`. Parameters the auth scheme supplies (`from_auth`) are not asked of the caller: they
//! belong to the security scheme and are listed in `x-auth-parameters` instead.

use serde_json::{Map, Value, json};

use super::schema;
use super::text;
use crate::model::{DispatchIn, Endpoint, Param, ParamIn};

/// `parameters`: dispatch values, then the caller's own parameters in spec order.
pub(super) fn emit_parameters(endpoint: &Endpoint) -> Vec<Value> {
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
        Some(json!({
            "name": d.name,
            "in": location,
            "required": true,
            "description": description,
            "schema": { "type": "string", "const": d.value },
            "x-switchboard-dispatch": true,
        }))
    });
    let own = endpoint
        .params
        .iter()
        .filter(|p| !p.from_auth)
        .map(|p| parameter(endpoint, p));
    dispatch.chain(own).collect()
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
    if let Some(unconfirmed) = schema.shift_remove("x-unconfirmed") {
        out.insert("x-unconfirmed".into(), unconfirmed);
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

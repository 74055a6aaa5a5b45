//! An operation's `responses` and `x-switchboard-errors`.
//!
//! The success response is the envelope with the endpoint's own fields in the payload field (or
//! beside the envelope's fields when there is none). Where the envelope says HTTP statuses carry
//! errors, each status gets a response listing its codes; otherwise errors come with HTTP 200 in
//! the body, and the 200 response says so. Every operation lists its codes, then the service's
//! common codes, in `x-switchboard-errors`; `default` stands for failures no page documents.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::body::{JSON, sample_examples};
use super::info::code_value;
use super::schema::{self, object_schema};
use crate::model::{AuthScheme, Endpoint, ErrorCode, Method, Service};

/// Whether an error code is the endpoint's own or from the service's common table.
#[derive(Clone, Copy)]
enum Scope {
    Endpoint,
    Service,
}

/// `responses`: 200, the error statuses in order, `default`.
pub(super) fn emit_responses(service: &Service, endpoint: &Endpoint) -> Map<String, Value> {
    let mut by_status: BTreeMap<u16, Map<String, Value>> = BTreeMap::new();
    by_status.insert(200, success_response(service, endpoint));
    let errors = errors(service, endpoint);
    if service.envelope.http_status_errors {
        let mut grouped: BTreeMap<u16, Vec<(&ErrorCode, Scope)>> = BTreeMap::new();
        for (error, scope) in &errors {
            if let Some(status) = error.http_status {
                grouped.entry(status).or_default().push((error, *scope));
            }
        }
        for (status, codes) in grouped {
            by_status.insert(status, error_response(service, &codes));
        }
    }
    for sample in endpoint.samples.iter().filter(|s| s.status != 200) {
        let response = by_status.entry(sample.status).or_insert_with(|| {
            let mut r = Map::new();
            r.insert("description".into(), "Documented sample response.".into());
            let schema = if (200..300).contains(&sample.status) {
                success_schema(service, endpoint)
            } else {
                error_schema(service, &[])
            };
            r.insert("content".into(), json!({ JSON: { "schema": schema } }));
            r
        });
        let examples = sample_examples([sample], |s| s.response_body.as_ref());
        if let Some(Value::Object(media)) =
            response.get_mut("content").and_then(|c| c.get_mut(JSON))
        {
            let target = media
                .entry("examples")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(target) = target {
                target.extend(examples);
            }
        }
    }
    csrf_failure(service, endpoint, &mut by_status);

    let mut responses: Map<String, Value> = by_status
        .into_iter()
        .map(|(status, r)| (status.to_string(), Value::Object(r)))
        .collect();
    responses.insert("default".into(), default_response(service, &errors));
    responses
}

/// `x-switchboard-errors`: every code the operation can return, its own first.
pub(super) fn emit_errors_extension(service: &Service, endpoint: &Endpoint) -> Value {
    errors(service, endpoint)
        .into_iter()
        .map(|(e, scope)| error_entry(e, scope))
        .collect::<Vec<_>>()
        .into()
}

/// The endpoint's codes, then the service's codes it does not list itself.
fn errors<'a>(service: &'a Service, endpoint: &'a Endpoint) -> Vec<(&'a ErrorCode, Scope)> {
    let own = endpoint.errors.iter().map(|e| (e, Scope::Endpoint));
    let common = service
        .errors
        .iter()
        .filter(|c| !endpoint.errors.iter().any(|e| e.code == c.code))
        .map(|c| (c, Scope::Service));
    own.chain(common).collect()
}

fn error_entry(e: &ErrorCode, scope: Scope) -> Value {
    json!({
        "code": code_value(&e.code),
        "http_status": e.http_status,
        "message": e.message,
        "meaning": e.meaning,
        "meaning_en": e.meaning_en,
        "retryable": e.retryable,
        "scope": match scope {
            Scope::Endpoint => "endpoint",
            Scope::Service => "service",
        },
    })
}

/// One Markdown bullet per code: the code, then its message or meaning.
fn code_list(codes: &[(&ErrorCode, Scope)]) -> String {
    codes
        .iter()
        .map(|(e, _)| {
            let text = e
                .message
                .as_deref()
                .or(e.meaning_en.as_deref())
                .or(e.meaning.as_deref());
            match text {
                Some(text) => format!("- `{}`: {}", e.code, text.trim()),
                None => format!("- `{}`", e.code),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn success_response(service: &Service, endpoint: &Endpoint) -> Map<String, Value> {
    let mut description = endpoint
        .response
        .as_ref()
        .and_then(|r| r.description.clone())
        .unwrap_or_else(|| "Success.".into());
    if !service.envelope.http_status_errors
        && let Some(code) = &service.envelope.code
    {
        // A mapping no page states is said as the spec's assumption, never as fact.
        let lead = match service.envelope.http_status_inferred() {
            Some(_) => {
                "The spec assumes errors also arrive with HTTP 200 (see \
                        `x-switchboard-envelope.inferred`)"
            }
            None => "Errors also arrive with HTTP 200",
        };
        description.push_str(&format!(
            "\n\n{lead}: `{}` other than `{}` carries the error code (see \
             `x-switchboard-errors`).",
            code.field, code.success
        ));
    }
    let mut response = Map::new();
    response.insert("description".into(), description.into());
    let issued = service.auth.schemes.iter().find_map(|s| match s {
        AuthScheme::SessionHeader {
            capture_header,
            issued_by,
            ..
        } if issued_by.contains(&endpoint.id) => Some(capture_header),
        _ => None,
    });
    if let Some(header) = issued {
        response.insert(
            "headers".into(),
            json!({ header: {
                "description": "The session value for later calls (see the security scheme).",
                "schema": { "type": "string" },
            } }),
        );
    }
    let mut media = Map::new();
    media.insert("schema".into(), success_schema(service, endpoint));
    let samples = endpoint.samples.iter().filter(|s| s.status == 200);
    let examples = sample_examples(samples, |s| s.response_body.as_ref());
    if !examples.is_empty() {
        media.insert("examples".into(), examples.into());
    }
    let content_type = endpoint
        .response
        .as_ref()
        .map_or(JSON, |r| r.content_type.as_str());
    response.insert("content".into(), json!({ content_type: media }));
    response
}

/// The envelope carrying the endpoint's response fields.
fn success_schema(service: &Service, endpoint: &Endpoint) -> Value {
    let envelope = &service.envelope;
    let mut schema = object_schema(&envelope.fields);
    let mut properties = match schema.shift_remove("properties") {
        Some(Value::Object(p)) => p,
        _ => Map::new(),
    };
    if envelope.http_status_errors {
        // Errors come with other statuses, so a 200 body always carries the success code.
        if let Some(code) = &envelope.code {
            let property = properties
                .entry(code.field.clone())
                .or_insert_with(|| json!({}));
            property["const"] = code_value(&code.success);
        }
    }
    match (&endpoint.payload, &endpoint.response) {
        (Some(payload), Some(response)) => {
            let declared = properties.get(payload).cloned();
            let mut own = if let Some(items) = &response.items {
                let mut array = Map::new();
                array.insert("type".into(), "array".into());
                array.insert("items".into(), schema::field_schema(items).into());
                array
            } else if response.fields.is_empty() {
                match declared.clone() {
                    Some(Value::Object(declared)) => declared,
                    _ => object_schema(&[]),
                }
            } else {
                object_schema(&response.fields)
            };
            let description = response.description.clone().or_else(|| {
                declared
                    .as_ref()
                    .and_then(|d| d.get("description"))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            });
            if let Some(description) = description {
                schema::prepend(&mut own, "description", description.into());
            }
            properties.insert(payload.clone(), own.into());
        }
        (None, Some(response)) => {
            let own = object_schema(&response.fields);
            if let Some(Value::Object(p)) = own.get("properties") {
                properties.extend(p.clone());
            }
            if let Some(Value::Array(r)) = own.get("required") {
                let required = schema
                    .entry("required")
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(required) = required {
                    required.extend(r.iter().cloned());
                }
            }
        }
        (_, None) => {}
    }
    if !properties.is_empty() {
        schema::prepend(&mut schema, "properties", properties.into());
        schema::prepend(&mut schema, "type", "object".into());
    }
    schema.into()
}

/// The envelope of an error response; the code field lists the codes as examples. The
/// envelope fields' own examples come from success bodies, so they are left out here.
fn error_schema(service: &Service, codes: &[(&ErrorCode, Scope)]) -> Value {
    let mut schema = object_schema(&service.envelope.fields);
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        for property in properties.values_mut() {
            if let Value::Object(property) = property {
                property.shift_remove("examples");
            }
        }
        if let (Some(code), false) = (&service.envelope.code, codes.is_empty()) {
            let values: Vec<Value> = codes.iter().map(|(e, _)| code_value(&e.code)).collect();
            let property = properties
                .entry(code.field.clone())
                .or_insert_with(|| json!({}));
            property["examples"] = values.into();
        }
    }
    schema.into()
}

fn error_response(service: &Service, codes: &[(&ErrorCode, Scope)]) -> Map<String, Value> {
    let mut response = Map::new();
    response.insert(
        "description".into(),
        format!("Error codes:\n\n{}", code_list(codes)).into(),
    );
    response.insert(
        "content".into(),
        json!({ JSON: { "schema": error_schema(service, codes) } }),
    );
    let entries: Vec<Value> = codes.iter().map(|(e, s)| error_entry(e, *s)).collect();
    response.insert("x-switchboard-errors".into(), entries.into());
    response
}

/// The CSRF failure of a write under a Basic + CSRF scheme: a plain-text body.
fn csrf_failure(
    service: &Service,
    endpoint: &Endpoint,
    by_status: &mut BTreeMap<u16, Map<String, Value>>,
) {
    if endpoint.method == Method::GET {
        return;
    }
    for scheme in &service.auth.schemes {
        let AuthScheme::BasicCsrf {
            csrf_failure_status,
            csrf_failure_text,
            ..
        } = scheme
        else {
            continue;
        };
        let mut media = json!({ "schema": { "type": "string" } });
        if let Some(text) = csrf_failure_text {
            media["example"] = text.clone().into();
        }
        let what = "Missing or stale CSRF token or session cookie.";
        let response = by_status.entry(*csrf_failure_status).or_default();
        let description = match response.get("description").and_then(Value::as_str) {
            Some(existing) => format!("{existing}\n\n{what}"),
            None => what.to_owned(),
        };
        response.insert("description".into(), description.into());
        let content = response
            .entry("content")
            .or_insert_with(|| Value::Object(Map::new()));
        content["text/plain"] = media;
    }
}

fn default_response(service: &Service, errors: &[(&ErrorCode, Scope)]) -> Value {
    if !service.envelope.http_status_errors {
        let description = match service.envelope.http_status_inferred() {
            Some(_) => "A failure outside the API's own error codes, or one of them with \
                        another status: the spec assumes the API reports its own errors in the \
                        body of an HTTP 200 response, which no source states (see \
                        `x-switchboard-envelope.inferred`)."
                .to_owned(),
            None => "A failure outside the API's own error codes (network, proxy or server \
                     trouble); the API reports its own errors in the body of an HTTP 200 \
                     response."
                .to_owned(),
        };
        return json!({ "description": description });
    }
    let unplaced: Vec<(&ErrorCode, Scope)> = errors
        .iter()
        .filter(|(e, _)| e.http_status.is_none())
        .copied()
        .collect();
    let mut description =
        "A failure with an HTTP status no page documents for this operation.".to_owned();
    if !unplaced.is_empty() {
        description.push_str(&format!(
            " Codes documented without a status:\n\n{}",
            code_list(&unplaced)
        ));
    }
    json!({
        "description": description,
        "content": { JSON: { "schema": error_schema(service, &unplaced) } },
    })
}

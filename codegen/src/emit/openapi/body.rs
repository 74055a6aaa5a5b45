//! An operation's `requestBody`: body dispatch values as required `const` properties, then the
//! request fields; the documented sample bodies as `examples`.

use serde_json::{Map, Value, json};

use super::schema;
use super::text;
use crate::model::{DispatchIn, Endpoint, Param, Sample};

/// Media type of a body the spec gives none for.
pub(super) const JSON: &str = "application/json";

/// `requestBody`, or `None` when the endpoint sends no body.
pub(super) fn emit_request_body(endpoint: &Endpoint) -> Option<Value> {
    let dispatch: Vec<_> = endpoint
        .dispatch
        .iter()
        .filter(|d| d.location == DispatchIn::Body)
        .collect();
    let header = endpoint
        .params
        .iter()
        .find(|p| super::params::is_content_type(p));
    if endpoint.request.is_none() && dispatch.is_empty() {
        return header.map(content_type_only);
    }
    let fields = endpoint.request.as_ref().map_or(&[][..], |r| &r.fields[..]);
    let mut properties = Map::new();
    let mut required: Vec<Value> = Vec::new();
    for d in &dispatch {
        let mut property = json!({ "type": "string", "const": d.value });
        if let Some(description) = &d.description {
            property["description"] = description.clone().into();
        }
        properties.insert(d.name.clone(), property);
        required.push(d.name.clone().into());
    }
    let own = schema::object_schema(fields);
    if let Some(Value::Object(own)) = own.get("properties") {
        properties.extend(own.clone());
    }
    if let Some(Value::Array(own)) = own.get("required") {
        required.extend(own.iter().cloned());
    }
    let mut body_schema = Map::new();
    body_schema.insert("type".into(), "object".into());
    if !properties.is_empty() {
        body_schema.insert("properties".into(), properties.into());
    }
    if !required.is_empty() {
        body_schema.insert("required".into(), required.into());
    }

    let mut media = Map::new();
    media.insert("schema".into(), body_schema.into());
    let examples = sample_examples(&endpoint.samples, |s| s.request_body.as_ref());
    if !examples.is_empty() {
        media.insert("examples".into(), examples.into());
    }
    let content_type = endpoint
        .request
        .as_ref()
        .map_or(JSON, |r| r.content_type.as_str());
    let mut body = Map::new();
    let header = header.map(|h| header_text(h).1);
    let description = text::paragraphs([
        endpoint
            .request
            .as_ref()
            .and_then(|r| r.description.as_deref()),
        header.as_deref(),
    ]);
    if let Some(description) = description {
        body.insert("description".into(), description.into());
    }
    body.insert("required".into(), true.into());
    body.insert("content".into(), json!({ content_type: media }));
    Some(body.into())
}

/// The `requestBody` of an endpoint that documents a `Content-Type` header but no body: the
/// header's value as the media type, not required. The schema is the empty one (any value):
/// the pages show no body, and generators such as openapi-python-client drop an operation whose
/// media type has no schema at all ("Missing schema").
fn content_type_only(header: &Param) -> Value {
    let (media, text) = header_text(header);
    json!({
        "description": format!("No body is documented.\n\n{text}"),
        "required": false,
        "content": { media: { "schema": {} } },
    })
}

/// A documented `Content-Type` header parameter's value and what the document says of it.
fn header_text(header: &Param) -> (String, String) {
    let field = &header.field;
    let media = field
        .default
        .as_ref()
        .or(field.example.as_ref())
        .or(field.ty.values.first().map(|v| &v.value))
        .and_then(Value::as_str)
        .unwrap_or(JSON)
        .to_owned();
    let required = if field.required { ", required" } else { "" };
    let mut text = format!(
        "The page documents the request header `{}` (value `{media}`{required}), sent by the \
         client.",
        field.name.wire
    );
    if let Some(description) = text::field_description(field) {
        text.push_str("\n\n");
        text.push_str(&description);
    }
    (media, text)
}

/// Named examples from the samples that have a value (`pick`): each under the sample's name,
/// with its description and source.
pub(super) fn sample_examples<'a>(
    samples: impl IntoIterator<Item = &'a Sample>,
    pick: impl Fn(&'a Sample) -> Option<&'a Value>,
) -> Map<String, Value> {
    samples
        .into_iter()
        .filter_map(|sample| {
            let value = pick(sample)?;
            let mut example = Map::new();
            example.insert("summary".into(), sample.name.clone().into());
            let source = sample.source.as_ref().map(text::source_line);
            let source = source.map(|s| format!("Source: {s}"));
            let inferred = crate::model::inferred_list(&sample.inferred);
            let inferred = text::labelled(crate::model::INFERRED_LABEL, inferred.as_deref());
            let description = text::paragraphs([
                sample.description.as_deref(),
                source.as_deref(),
                inferred.as_deref(),
            ]);
            if let Some(description) = description {
                example.insert(
                    "description".into(),
                    text::safe_markdown(&description).into(),
                );
            }
            example.insert("value".into(), value.clone());
            Some((sample.name.clone(), Value::Object(example)))
        })
        .collect()
}

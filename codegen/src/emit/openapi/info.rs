//! `info`, `servers`, `externalDocs` and the document-level `x-switchboard-*` extensions.

use serde_json::{Map, Value, json};

use super::{schema, text};
use crate::model::{CodeValue, Service, Source};

/// `info`: title, version, a Markdown overview, the vendor and the source pages.
pub(super) fn emit_info(service: &Service) -> Value {
    let mut info = Map::new();
    info.insert("title".into(), service.title.clone().into());
    info.insert("version".into(), service.api_version.clone().into());
    if let Some(description) = overview(service) {
        info.insert("description".into(), description.into());
    }
    info.insert("x-vendor".into(), service.vendor.clone().into());
    info.insert(
        "x-sources".into(),
        service
            .sources
            .iter()
            .map(source)
            .collect::<Vec<_>>()
            .into(),
    );
    if !service.unconfirmed.is_empty() {
        info.insert("x-unconfirmed".into(), service.unconfirmed.clone().into());
    }
    Value::Object(info)
}

/// The overview: what the API is, then base URL, authentication, envelope, events, sources and
/// open facts, each under its own heading.
fn overview(service: &Service) -> Option<String> {
    let section =
        |heading: &str, body: Option<String>| body.map(|b| format!("## {heading}\n\n{b}"));
    let sources: Vec<String> = service.sources.iter().map(text::source_line).collect();
    let parts = [
        service.description.clone(),
        section("Base URL", service.base_url.description.clone()),
        section("Authentication", service.auth.description.clone()),
        section("Response envelope", service.envelope.description.clone()),
        section(
            "Events",
            service
                .event_envelope
                .as_ref()
                .map(|e| crate::emit::delivery_summary(&e.delivery, e.description.as_deref())),
        ),
        section("Sources", text::bullets(&sources)),
        section("Unconfirmed", text::bullets(&service.unconfirmed)),
    ];
    text::paragraphs(parts.iter().map(Option::as_deref))
}

/// `servers`: the base URL template with its variables.
///
/// OpenAPI requires a default for every variable. A variable without one takes its example,
/// else its own name, and is marked `x-switchboard-required`: the caller must supply it.
pub(super) fn emit_servers(service: &Service) -> Value {
    let base = &service.base_url;
    let mut server = Map::new();
    server.insert("url".into(), base.template.clone().into());
    if let Some(description) = &base.description {
        server.insert("description".into(), description.clone().into());
    }
    let variables: Map<String, Value> = base
        .variables
        .iter()
        .map(|v| {
            let mut var = Map::new();
            let default = v.default.as_ref().or(v.example.as_ref());
            var.insert(
                "default".into(),
                default
                    .cloned()
                    .unwrap_or_else(|| v.name.wire.clone())
                    .into(),
            );
            if !v.values.is_empty() {
                let values: Vec<Value> = v.values.iter().map(|e| e.value.clone()).collect();
                var.insert("enum".into(), values.into());
            }
            if let Some(description) = &v.description {
                var.insert("description".into(), description.clone().into());
            }
            if v.default.is_none() {
                var.insert("x-switchboard-required".into(), true.into());
            }
            if let Some(example) = &v.example {
                var.insert("x-example".into(), example.clone().into());
            }
            if v.values.iter().any(|e| e.description.is_some()) {
                var.insert("x-enum-values".into(), schema::enum_values(&v.values));
            }
            (v.name.wire.clone(), Value::Object(var))
        })
        .collect();
    if !variables.is_empty() {
        server.insert("variables".into(), variables.into());
    }
    json!([server])
}

/// `externalDocs` pointing at a source page.
pub(super) fn external_docs(source: &Source) -> Value {
    let mut docs = Map::new();
    docs.insert("url".into(), source.url.clone().into());
    let description = text::paragraphs([source.title.as_deref(), source.note.as_deref()]);
    if let Some(description) = description {
        docs.insert("description".into(), description.into());
    }
    Value::Object(docs)
}

/// A source page as data: `{url, title, note}` without the absent keys.
pub(super) fn source(source: &Source) -> Value {
    let mut out = Map::new();
    out.insert("url".into(), source.url.clone().into());
    if let Some(title) = &source.title {
        out.insert("title".into(), title.clone().into());
    }
    if let Some(note) = &source.note {
        out.insert("note".into(), note.clone().into());
    }
    Value::Object(out)
}

/// `x-switchboard-envelope`: where a response's code, message, request id and payload live,
/// which code means success and whether HTTP statuses carry errors.
pub(super) fn emit_envelope_extension(service: &Service) -> Value {
    let envelope = &service.envelope;
    let mut out = Map::new();
    if let Some(code) = &envelope.code {
        out.insert(
            "code".into(),
            json!({ "field": code.field, "success": code_value(&code.success) }),
        );
    }
    for (key, value) in [
        ("message", &envelope.message),
        ("request_id", &envelope.request_id),
        ("payload", &envelope.payload),
    ] {
        if let Some(value) = value {
            out.insert(key.into(), value.clone().into());
        }
    }
    out.insert(
        "http_status_errors".into(),
        envelope.http_status_errors.into(),
    );
    if let Some(inferred) = super::schema::inferred_extension(&envelope.inferred) {
        out.insert("inferred".into(), inferred);
    }
    Value::Object(out)
}

/// `x-switchboard-event-envelope`: how events are delivered and where their name and payload
/// live.
pub(super) fn emit_event_envelope_extension(service: &Service) -> Option<Value> {
    service.event_envelope.as_ref().map(|frame| {
        let mut out = Map::new();
        out.insert(
            "delivery".into(),
            serde_json::to_value(&frame.delivery).expect("the model serializes to JSON"),
        );
        if let Some(description) = &frame.description {
            out.insert("description".into(), description.clone().into());
        }
        if let Some(name) = &frame.name_field {
            out.insert("name_field".into(), name.clone().into());
        }
        if let Some(payload) = &frame.payload_field {
            out.insert("payload_field".into(), payload.clone().into());
        }
        Value::Object(out)
    })
}

/// An error or success code as the JSON value it is on the wire.
pub(super) fn code_value(code: &CodeValue) -> Value {
    match code {
        CodeValue::Str(s) => s.clone().into(),
        CodeValue::Int(i) => (*i).into(),
    }
}

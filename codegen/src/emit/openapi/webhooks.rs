//! `webhooks`: one entry per event, keyed by the event's name, as a POST whose body is the event
//! frame with the event's payload in place.
//!
//! Events reach clients by long polling, a push channel or a callback; OpenAPI 3.1's `webhooks`
//! (requests the API sends, not receives) is the closest construct for all three. The delivery
//! mechanism is in `x-switchboard-event-envelope` at the document root, each event's channel and
//! discriminators in `x-switchboard-event`, and each operation lists the events it triggers in
//! `x-switchboard-events`.

use serde_json::{Map, Value, json};

use super::body::JSON;
use super::schema::{self, object_schema};
use super::{info, text};
use crate::model::{Delivery, Event, Push, Service};

/// `webhooks`, in spec order.
pub(super) fn emit_webhooks(service: &Service) -> Map<String, Value> {
    service
        .events
        .iter()
        .map(|event| {
            let mut op = emit_event(service, event);
            // Push delivery: the webhook is the vendor's real request, with its method, query
            // parameters and the acknowledgement the application answers.
            let method = match service.event_envelope.as_ref().map(|e| &e.delivery) {
                Some(Delivery::Push(push)) => {
                    push_details(&mut op, push);
                    push.method.to_lowercase()
                }
                _ => "post".to_owned(),
            };
            (event.name.wire.clone(), json!({ method: op }))
        })
        .collect()
}

fn push_details(op: &mut Value, push: &Push) {
    let Value::Object(op) = op else {
        return;
    };
    let parameters: Vec<Value> = push
        .query
        .iter()
        .map(|q| {
            let mut schema = Map::new();
            schema.insert("type".into(), "string".into());
            if let Some(value) = &q.value {
                schema.insert("const".into(), value.clone().into());
            }
            let mut param = Map::new();
            param.insert("name".into(), q.name.clone().into());
            param.insert("in".into(), "query".into());
            param.insert("required".into(), q.required.into());
            let setting = q.equals_setting.as_ref().map(|s| {
                format!(
                    "Must equal the application's `{}`; another value is rejected.",
                    s.wire
                )
            });
            let unconfirmed = text::labelled("Unconfirmed", q.unconfirmed.as_deref());
            if let Some(d) = text::paragraphs([
                q.description.as_deref(),
                q.description_en.as_deref(),
                setting.as_deref(),
                unconfirmed.as_deref(),
            ]) {
                param.insert("description".into(), d.into());
            }
            param.insert("schema".into(), schema.into());
            if let Some(example) = &q.example {
                param.insert("example".into(), example.clone().into());
            }
            Value::Object(param)
        })
        .collect();
    if !parameters.is_empty() {
        op.insert("parameters".into(), parameters.into());
    }
    let description = push
        .ack_description
        .clone()
        .unwrap_or_else(|| "The acknowledgement the vendor expects.".to_owned());
    let mut response = Map::new();
    response.insert("description".into(), description.into());
    if let Some(body) = &push.ack_body {
        response.insert(
            "content".into(),
            json!({ JSON: { "schema": { "type": "object" }, "example": body } }),
        );
    }
    op.insert(
        "responses".into(),
        json!({ push.ack_status.to_string(): response }),
    );
}

fn emit_event(service: &Service, event: &Event) -> Value {
    let mut op = Map::new();
    // A dot never appears in an endpoint id, so the two kinds of operationId cannot meet.
    op.insert(
        "operationId".into(),
        format!("event.{}", event.name.wire).into(),
    );
    op.insert("summary".into(), event.name.wire.clone().into());
    let source = event.source.as_ref().map(text::source_line);
    let channel = event.channel.as_ref().map(|c| format!("`{c}`"));
    let channel = text::labelled("Channel", channel.as_deref());
    let source = text::labelled("Source", source.as_deref());
    let description = text::paragraphs([
        event.description.as_deref(),
        channel.as_deref(),
        source.as_deref(),
    ]);
    if let Some(description) = description {
        op.insert("description".into(), description.into());
    }
    if let Some(source) = &event.source {
        op.insert("externalDocs".into(), info::external_docs(source));
    }
    let mut media = Map::new();
    media.insert("schema".into(), event_schema(service, event).into());
    let examples = examples(service, event);
    if !examples.is_empty() {
        media.insert("examples".into(), examples.into());
    }
    op.insert(
        "requestBody".into(),
        json!({ "required": true, "content": { JSON: media } }),
    );
    // The API sends the event: none of the client's security schemes applies.
    op.insert("security".into(), json!([]));
    let triggered_by: Vec<Value> = service
        .endpoints
        .iter()
        .filter(|e| e.events.iter().any(|id| id.0 == event.name.wire))
        .map(|e| e.id.0.clone().into())
        .collect();
    op.insert(
        "x-switchboard-event".into(),
        json!({
            "channel": event.channel,
            "discriminators": event.discriminators,
            "triggered_by": triggered_by,
        }),
    );
    Value::Object(op)
}

/// The frame's schema with the payload at the frame's payload field (or merged over the whole
/// frame when there is none), and the name and discriminators pinned with `const`.
fn event_schema(service: &Service, event: &Event) -> Map<String, Value> {
    let payload = (!event.fields.is_empty()).then(|| object_schema(&event.fields));
    let Some(frame) = &service.event_envelope else {
        return payload.unwrap_or_else(|| object_schema(&[]));
    };
    let mut schema = object_schema(&frame.fields);
    match (&frame.payload_field, payload) {
        (Some(path), Some(mut payload)) => {
            let leaf = at(&mut schema, path);
            if let Some(description) = leaf.get("description").cloned() {
                schema::prepend(&mut payload, "description", description);
            }
            *leaf = payload;
        }
        (None, Some(payload)) => merge(&mut schema, payload),
        (_, None) => {}
    }
    if let Some(name_field) = &frame.name_field {
        pin(&mut schema, name_field, event.name.wire.clone().into());
    }
    for (path, value) in &event.discriminators {
        pin(&mut schema, path, value.clone().into());
    }
    schema
}

/// The property schema at a dotted path, made (as objects) where missing.
fn at<'a>(schema: &'a mut Map<String, Value>, path: &str) -> &'a mut Map<String, Value> {
    let mut node = schema;
    for segment in path.split('.') {
        if !node.contains_key("$ref") {
            node.entry("type").or_insert_with(|| "object".into());
        }
        let properties = node
            .entry("properties")
            .or_insert_with(|| Value::Object(Map::new()));
        let child = properties
            .as_object_mut()
            .expect("`properties` is always an object")
            .entry(segment)
            .or_insert_with(|| Value::Object(Map::new()));
        node = child.as_object_mut().expect("property schemas are objects");
    }
    node
}

/// Requires the field at a dotted path, and every object on the way, to hold `value`.
fn pin(schema: &mut Map<String, Value>, path: &str, value: Value) {
    let segments: Vec<&str> = path.split('.').collect();
    for depth in 0..segments.len() {
        let parent = if depth == 0 {
            &mut *schema
        } else {
            at(schema, &segments[..depth].join("."))
        };
        require(parent, segments[depth]);
    }
    let leaf = at(schema, path);
    // The frame's generic examples (another event's name) would contradict the const.
    if let Some(Value::Array(examples)) = leaf.get_mut("examples") {
        examples.retain(|e| *e == value);
        if examples.is_empty() {
            leaf.remove("examples");
        }
    }
    leaf.insert("const".into(), value);
}

fn require(schema: &mut Map<String, Value>, name: &str) {
    let required = schema
        .entry("required")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(required) = required
        && !required.iter().any(|r| r == name)
    {
        required.push(name.into());
    }
}

/// Deep-merges `over` into `base`: properties recursively, `required` as a union, other keys
/// replaced.
fn merge(base: &mut Map<String, Value>, over: Map<String, Value>) {
    for (key, value) in over {
        match (key.as_str(), base.get_mut(&key), value) {
            ("properties", Some(Value::Object(base)), Value::Object(over)) => {
                for (name, schema) in over {
                    match (base.get_mut(&name), schema) {
                        (Some(Value::Object(b)), Value::Object(o)) => merge(b, o),
                        (_, schema) => {
                            base.insert(name, schema);
                        }
                    }
                }
            }
            ("required", Some(Value::Array(base)), Value::Array(over)) => {
                for name in over {
                    if !base.contains(&name) {
                        base.push(name);
                    }
                }
            }
            (_, _, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// The event's own sample, then the notifications shown in endpoint samples that the generated
/// crate decodes as this event (each value once).
fn examples(service: &Service, event: &Event) -> Map<String, Value> {
    let mut out = Map::new();
    let mut seen: Vec<&Value> = Vec::new();
    if let Some(sample) = &event.sample {
        let mut example = Map::new();
        example.insert("summary".into(), "documented".into());
        if let Some(source) = &event.source {
            example.insert(
                "description".into(),
                format!("Source: {}", text::source_line(source)).into(),
            );
        }
        example.insert("value".into(), sample.clone());
        out.insert("documented".into(), example.into());
        seen.push(sample);
    }
    for endpoint in &service.endpoints {
        for sample in &endpoint.samples {
            let matching: Vec<&Value> = sample
                .events
                .iter()
                .filter(|v| decoded_as(service, v).is_some_and(|e| e.name.wire == event.name.wire))
                .collect();
            for (i, value) in matching.iter().enumerate() {
                if seen.contains(value) {
                    continue;
                }
                seen.push(value);
                let mut key = format!("{}.{}", endpoint.id.0, sample.name);
                if matching.len() > 1 {
                    key.push_str(&format!(".{}", i + 1));
                }
                out.insert(
                    key.clone(),
                    json!({
                        "summary": key,
                        "description": format!("Notification shown in sample `{}` of `{}`.", sample.name, endpoint.id.0),
                        "value": value,
                    }),
                );
            }
        }
    }
    out
}

/// The event a frame decodes as, by the rule of the generated crate's `events::decode_value`:
/// events with discriminators first; a frame matches an event when the discriminators hold and
/// it carries the event's name — or carries no name, when frames never do or when the event's
/// discriminators are its own. A frame matched by discriminators alone (no name) is thus an
/// example of that event's webhook, as the crate decodes it.
fn decoded_as<'a>(service: &'a Service, frame: &Value) -> Option<&'a Event> {
    let envelope = service.event_envelope.as_ref()?;
    let name = envelope
        .name_field
        .as_deref()
        .and_then(|field| text_at(frame, field))
        .unwrap_or_default();
    let mut events: Vec<&Event> = service.events.iter().collect();
    events.sort_by_key(|e| e.discriminators.is_empty());
    events.into_iter().find(|event| {
        let matched = if envelope.name_field.is_none() {
            name.is_empty()
        } else if crate::emit::has_own_discriminators(service, event) {
            name == event.name.wire || name.is_empty()
        } else {
            name == event.name.wire
        };
        matched
            && event
                .discriminators
                .iter()
                .all(|(path, value)| text_at(frame, path).as_deref() == Some(value.as_str()))
    })
}

/// The text of a scalar at a dotted path, as the runtime reads names and discriminators.
fn text_at(value: &Value, path: &str) -> Option<String> {
    match path
        .split('.')
        .try_fold(value, |v, segment| v.get(segment))?
    {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

//! Documented event frames (an event's `sample`, an endpoint sample's `events`) type-check
//! against the event envelope and the event's own fields, like request and response samples:
//! types, listed values, required fields, undeclared keys; and a frame names the event it is
//! filed under.

use serde_json::Value;

use super::Cx;
use super::samples::report;
use super::value::{Mismatch, check_object};
use crate::diag::{FileId, Problem};
use crate::spec::{EventEnvelopeSpec, EventSpec, FieldSpec, Json, Sp};

/// Every event sample of the service and of its endpoints' samples.
pub fn check_event_samples(cx: &mut Cx<'_>) {
    let service = cx.service;
    let Some(envelope) = &service.spec.event_envelope else {
        return;
    };
    for event in &service.spec.events {
        if let Some(sample) = &event.sample {
            let what = format!("sample of event `{}`", event.name.value);
            check_frame(cx, service.file, envelope, event, sample, &what);
        }
    }
    for (file, endpoint) in &service.endpoints {
        for sample in &endpoint.samples {
            for frame in &sample.events {
                let what = format!("event in sample `{}`", sample.name.value);
                match matching_event(envelope, &service.spec.events, &frame.value.0) {
                    Some(event) => check_frame(cx, *file, envelope, event, frame, &what),
                    None => cx.report(
                        Problem::UnknownReference {
                            kind: "event",
                            name: name_of(envelope, &frame.value.0).unwrap_or_default(),
                            suggestion: None,
                        },
                        *file,
                        frame.span,
                    ),
                }
            }
        }
    }
}

fn text_at<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(value, |v, key| v.get(key))
}

fn name_of(envelope: &EventEnvelopeSpec, frame: &Value) -> Option<String> {
    let field = envelope.name_field.as_ref()?;
    text_at(frame, &field.value)
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn discriminators_hold(event: &EventSpec, frame: &Value) -> bool {
    event
        .discriminators
        .iter()
        .all(|(path, value)| text_at(frame, path).and_then(Value::as_str) == Some(&value.value))
}

/// The event a frame decodes as: by name (and discriminators), else by discriminators alone.
fn matching_event<'a>(
    envelope: &EventEnvelopeSpec,
    events: &'a [EventSpec],
    frame: &Value,
) -> Option<&'a EventSpec> {
    let name = name_of(envelope, frame);
    match name {
        Some(name) => events
            .iter()
            .find(|e| e.name.value == name && discriminators_hold(e, frame)),
        None => events
            .iter()
            .filter(|e| !e.discriminators.is_empty())
            .find(|e| discriminators_hold(e, frame))
            .or_else(|| events.iter().find(|e| e.discriminators.is_empty())),
    }
}

fn check_frame(
    cx: &mut Cx<'_>,
    file: FileId,
    envelope: &EventEnvelopeSpec,
    event: &EventSpec,
    frame: &Sp<Json>,
    what: &str,
) {
    let value = &frame.value.0;
    let mut mismatches: Vec<Mismatch> = Vec::new();
    if let Some(name) = name_of(envelope, value)
        && name != event.name.value
    {
        mismatches.push(Mismatch {
            path: envelope
                .name_field
                .as_ref()
                .map(|f| f.value.clone())
                .unwrap_or_default(),
            message: format!("names event `{name}`, not `{}`", event.name.value),
        });
    }
    for (path, expected) in &event.discriminators {
        let found = text_at(value, path).and_then(Value::as_str);
        if found != Some(expected.value.as_str()) {
            mismatches.push(Mismatch {
                path: path.clone(),
                message: format!(
                    "is {}, but the event's discriminator is \"{}\"",
                    found.map_or_else(|| "absent".to_owned(), |f| format!("\"{f}\"")),
                    expected.value
                ),
            });
        }
    }
    match &envelope.payload_field {
        Some(payload) => {
            let frame_fields: Vec<&FieldSpec> = envelope.fields.iter().collect();
            mismatches.extend(check_object(value, &frame_fields, cx, "", true, false));
            if !event.fields.is_empty()
                && let Some(inner) = text_at(value, &payload.value).filter(|v| !v.is_null())
            {
                let own: Vec<&FieldSpec> = event.fields.iter().collect();
                mismatches.extend(check_object(inner, &own, cx, &payload.value, true, false));
            }
        }
        None => {
            // The event's own fields, then the frame's fields it does not redefine.
            let own: Vec<&str> = event
                .fields
                .iter()
                .filter_map(|f| f.name.as_ref().map(|n| n.value.as_str()))
                .collect();
            let all: Vec<&FieldSpec> = event
                .fields
                .iter()
                .chain(envelope.fields.iter().filter(|f| {
                    f.name
                        .as_ref()
                        .is_none_or(|n| !own.contains(&n.value.as_str()))
                }))
                .collect();
            mismatches.extend(check_object(value, &all, cx, "", true, false));
        }
    }
    report(cx, file, what, frame, mismatches);
}

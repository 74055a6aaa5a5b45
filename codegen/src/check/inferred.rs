//! `inferred` marks only values that are there: each key of an `inferred` mapping must name a
//! key its entry sets, or the mark would describe nothing (and a later edit that drops the value
//! would leave a stale claim behind).

use super::{Cx, walk_fields};
use crate::diag::{FileId, Problem};
use crate::spec::{FieldSpec, SampleSpec, Text};

pub fn check_inferred(cx: &mut Cx<'_>) {
    let service = cx.service;
    let spec = &service.spec;
    let file = service.file;
    let mut fields: Vec<&FieldSpec> = Vec::new();
    walk_fields(&spec.types, &mut |f| fields.push(f));
    walk_fields(&spec.envelope.fields, &mut |f| fields.push(f));
    for event in &spec.events {
        walk_fields(&event.fields, &mut |f| fields.push(f));
    }
    if let Some(envelope) = &spec.event_envelope {
        walk_fields(&envelope.fields, &mut |f| fields.push(f));
    }
    for field in fields {
        check_field(cx, file, field);
    }
    if let Some(inferred) = &spec.envelope.inferred {
        let envelope = &spec.envelope;
        for (key, reason) in inferred.entries() {
            let set = match key {
                "code" => envelope.code.is_some(),
                "message" => envelope.message.is_some(),
                "request_id" => envelope.request_id.is_some(),
                "payload" => envelope.payload.is_some(),
                _ => true, // http_status_errors is required
            };
            unset(cx, file, key, reason, set, "the envelope");
        }
    }
    if let Some(roles) = &spec.error_roles
        && let Some(inferred) = &roles.inferred
    {
        let set: Vec<&str> = roles.entries().into_iter().map(|(role, _)| role).collect();
        for (key, reason) in inferred.entries() {
            unset(cx, file, key, reason, set.contains(&key), "`error_roles`");
        }
    }
    for (file, endpoint) in &service.endpoints {
        let mut fields: Vec<&FieldSpec> = Vec::new();
        walk_fields(&endpoint.params, &mut |f| fields.push(f));
        for body in [&endpoint.request, &endpoint.response]
            .into_iter()
            .flatten()
        {
            walk_fields(&body.fields, &mut |f| fields.push(f));
            walk_fields(body.items_list(), &mut |f| fields.push(f));
        }
        for field in fields {
            check_field(cx, *file, field);
        }
        for sample in &endpoint.samples {
            check_sample(cx, *file, sample);
        }
    }
}

fn check_field(cx: &mut Cx<'_>, file: FileId, field: &FieldSpec) {
    let Some(inferred) = &field.inferred else {
        return;
    };
    for (key, reason) in inferred.entries() {
        let set = match key {
            "type" => true,
            "description" => field.description.is_some(),
            "format" => field.format.is_some(),
            "required" => field.required.is_some(),
            "nullable" => field.nullable.is_some(),
            "default" => field.default.is_some(),
            "example" => field.example.is_some(),
            "range" => field.range.is_some(),
            "length" => field.length.is_some(),
            "pattern" => field.pattern.is_some(),
            _ => !field.values.is_empty(),
        };
        unset(cx, file, key, reason, set, "this entry");
    }
}

fn check_sample(cx: &mut Cx<'_>, file: FileId, sample: &SampleSpec) {
    let Some(inferred) = &sample.inferred else {
        return;
    };
    for (key, reason) in inferred.entries() {
        let set = match key {
            "request" => sample.request.is_some(),
            _ => sample.response.is_some(),
        };
        unset(cx, file, key, reason, set, "this sample");
    }
}

fn unset(cx: &mut Cx<'_>, file: FileId, key: &str, reason: &Text, set: bool, whose: &str) {
    if !set {
        cx.report(
            Problem::NotAllowedHere {
                key: format!("inferred.{key}"),
                reason: format!(
                    "{whose} sets no `{key}`, so there is no value to mark as inferred"
                ),
            },
            file,
            reason.span,
        );
    }
}

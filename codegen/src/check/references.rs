//! Every referenced type, error code, event and endpoint exists.

use super::{Cx, PRIMITIVES, walk_fields};
use crate::diag::catalogue::suggest;
use crate::diag::{FileId, Problem};
use crate::spec::{AuthScheme, FieldSpec};

/// Types, error codes, events, auth `issued_by` endpoints and envelope field names.
pub fn check_references(cx: &mut Cx<'_>) {
    let service = cx.service;
    let spec = &service.spec;
    let file = service.file;
    check_types(cx, file, &spec.envelope.fields);
    check_types(cx, file, &spec.types);
    for shape in &spec.shapes {
        check_types(cx, file, &shape.fields);
    }
    for event in &spec.events {
        check_types(cx, file, &event.fields);
    }
    if let Some(envelope) = &spec.event_envelope {
        check_types(cx, file, &envelope.fields);
    }

    let envelope = &spec.envelope;
    let top: Vec<&str> = envelope
        .fields
        .iter()
        .filter_map(|f| f.name.as_ref().map(|n| n.value.as_str()))
        .collect();
    let named = [
        envelope.code.as_ref().map(|c| &c.field),
        envelope.message.as_ref(),
        envelope.request_id.as_ref(),
        envelope.payload.as_ref(),
    ];
    for name in named.into_iter().flatten() {
        if !top.contains(&name.value.as_str()) {
            cx.report(
                Problem::UnknownReference {
                    kind: "envelope field",
                    name: name.value.clone(),
                    suggestion: suggest(&name.value, top.iter().copied()),
                },
                file,
                name.span,
            );
        }
    }

    let ids: Vec<&str> = service
        .endpoints
        .iter()
        .map(|(_, e)| e.id.value.as_str())
        .collect();
    for scheme in &spec.auth.schemes {
        if let AuthScheme::SessionHeader(settings) = &scheme.value {
            for id in &settings.issued_by {
                if !ids.contains(&id.value.as_str()) {
                    cx.report(
                        Problem::UnknownReference {
                            kind: "endpoint",
                            name: id.value.clone(),
                            suggestion: suggest(&id.value, ids.iter().copied()),
                        },
                        file,
                        id.span,
                    );
                }
            }
        }
    }

    // Signing schemes read the action and version from each request's query dispatch values.
    let mut signed: Vec<&crate::spec::Text> = Vec::new();
    for scheme in &spec.auth.schemes {
        match &scheme.value {
            AuthScheme::SignedHeadersHmacSha256(s) => {
                signed.extend([&s.action_param, &s.version_param])
            }
            AuthScheme::SignedQueryHmacSha1(s) => {
                signed.extend([&s.action_param, &s.version_param])
            }
            _ => {}
        }
    }
    for (file, endpoint) in &service.endpoints {
        for name in &signed {
            let present = endpoint.dispatch.iter().any(|d| {
                d.location.value == crate::spec::DispatchIn::Query && d.name.value == name.value
            });
            if !present {
                cx.report(
                    Problem::MissingDispatch {
                        name: name.value.clone(),
                    },
                    *file,
                    endpoint.id.span,
                );
            }
        }
    }

    let event_names: Vec<&str> = spec.events.iter().map(|e| e.name.value.as_str()).collect();
    let common: Vec<String> = spec
        .errors
        .iter()
        .map(|e| e.code.value.to_string())
        .collect();
    check_error_roles(cx, &common);
    for (file, endpoint) in &service.endpoints {
        let file = *file;
        check_types(cx, file, &endpoint.params);
        for body in [&endpoint.request, &endpoint.response]
            .into_iter()
            .flatten()
        {
            check_types(cx, file, &body.fields);
            check_types(cx, file, body.items_list());
        }
        for event in &endpoint.events {
            if !event_names.contains(&event.value.as_str()) {
                cx.report(
                    Problem::UnknownReference {
                        kind: "event",
                        name: event.value.clone(),
                        suggestion: suggest(&event.value, event_names.iter().copied()),
                    },
                    file,
                    event.span,
                );
            }
        }
        for error in &endpoint.errors {
            let code = error.code.value.to_string();
            if error.message.is_none() && error.meaning.is_none() && !common.contains(&code) {
                cx.report(
                    Problem::UnknownReference {
                        kind: "error code",
                        name: code.clone(),
                        suggestion: suggest(&code, common.iter().map(String::as_str)),
                    },
                    file,
                    error.code.span,
                );
            }
        }
    }
}

/// Each role names a code of the service's `errors`, written with the same YAML type: the
/// simulator answers it for any endpoint, so it must be one every endpoint can return.
fn check_error_roles(cx: &mut Cx<'_>, common: &[String]) {
    let spec = &cx.service.spec;
    let file = cx.service.file;
    let Some(roles) = &spec.error_roles else {
        return;
    };
    for (_, code) in roles.entries() {
        if !spec.errors.iter().any(|e| e.code.value == code.value) {
            let name = code.value.to_string();
            cx.report(
                Problem::UnknownReference {
                    kind: "common error code",
                    suggestion: suggest(&name, common.iter().map(String::as_str)),
                    name,
                },
                file,
                code.span,
            );
        }
    }
}

fn check_types(cx: &mut Cx<'_>, file: FileId, fields: &[FieldSpec]) {
    let mut unknown = Vec::new();
    walk_fields(fields, &mut |field| {
        let name = field.ty.value.as_str();
        if !PRIMITIVES.contains(&name) && cx.named_type(name).is_none() {
            unknown.push(field);
        }
    });
    for field in unknown {
        let names: Vec<&str> = cx.type_names().chain(PRIMITIVES.iter().copied()).collect();
        let suggestion = suggest(&field.ty.value, names.iter().copied());
        cx.report(
            Problem::UnknownReference {
                kind: "type",
                name: field.ty.value.clone(),
                suggestion,
            },
            file,
            field.ty.span,
        );
    }
}

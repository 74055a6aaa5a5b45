//! What a page says beyond the shared definitions, and what it leaves unknown, said without
//! overstating: `required: unknown` only where the page could be silent; `fields_doc` only on
//! fields the body has.

use super::Cx;
use crate::diag::catalogue::suggest;
use crate::diag::{Diagnostic, FileId, Loc, Problem, Span};
use crate::spec::{EndpointSpec, FieldSpec, ParamIn, Required};

/// Checks the forms that record what a page does not say.
pub fn check_page(cx: &mut Cx<'_>) {
    let service = cx.service;
    for (file, endpoint) in &service.endpoints {
        check_items(cx, *file, endpoint);
        shadowed_envelope_fields(cx, *file, endpoint);
        for body in [&endpoint.request, &endpoint.response]
            .into_iter()
            .flatten()
        {
            for doc in &body.fields_doc {
                if let Err(problem) = find_field(cx, &body.fields, &doc.field.value) {
                    cx.report(problem, *file, doc.field.span);
                }
            }
        }
        for param in &endpoint.params {
            let on_path = param
                .location
                .as_ref()
                .is_some_and(|l| l.value == ParamIn::Path);
            if let Some(required) = &param.required
                && on_path
                && required.value == Required::Unknown
            {
                // The URL cannot be built without it: whatever the page says, it is sent.
                cx.report(
                    Problem::NotAllowedHere {
                        key: "required: unknown".into(),
                        reason: "a path parameter is always sent (the path cannot be built \
                                 without it); write `required: true`"
                            .into(),
                    },
                    *file,
                    required.span,
                );
            }
        }
    }
}

/// Follows a dotted `fields_doc` path through the body's fields, object fields, array items and
/// shared object types; the problem names the first segment that is not there.
fn find_field(cx: &Cx<'_>, fields: &[FieldSpec], path: &str) -> Result<(), Problem> {
    let mut list: &[FieldSpec] = fields;
    for segment in path.split('.') {
        let names = || {
            list.iter()
                .filter_map(|f| f.name.as_ref().map(|n| n.value.as_str()))
        };
        let Some(field) = list
            .iter()
            .find(|f| f.name.as_ref().is_some_and(|n| n.value == segment))
        else {
            return Err(Problem::UnknownReference {
                kind: "documented field",
                name: path.to_owned(),
                suggestion: suggest(segment, names()),
            });
        };
        list = members(cx, field);
    }
    Ok(())
}

/// The fields one level inside `field`: an object's, an array item's, a shared object type's.
fn members<'a>(cx: &'a Cx<'_>, field: &'a FieldSpec) -> &'a [FieldSpec] {
    let field = match (field.ty.value.as_str(), &field.items) {
        ("array", Some(items)) => &**items,
        _ => field,
    };
    match field.ty.value.as_str() {
        "object" => &field.fields,
        name => cx.named_type(name).map_or(&[], |t| &t.fields[..]),
    }
}

/// An array result (`items`): only on a response, alone (no `fields`, `type` or `fields_doc`
/// beside it), in a payload field.
fn check_items(cx: &mut Cx<'_>, file: FileId, endpoint: &EndpointSpec) {
    if let Some(request) = &endpoint.request
        && let Some(items) = &request.items
    {
        let reason = "only a response's result may be an array; a request body is an object \
                      of `fields`";
        not_allowed(cx, file, "items", reason, items.ty.span);
    }
    let Some(response) = &endpoint.response else {
        return;
    };
    let Some(items) = &response.items else {
        return;
    };
    let reason = "the result is the array of `items`; describe an item's fields under `items` \
                  (`type: object` with `fields`, or a shared type)";
    if let Some(field) = response.fields.first() {
        let at = field.name.as_ref().map_or(field.ty.span, |n| n.span);
        not_allowed(cx, file, "fields", reason, at);
    }
    if let Some(ty) = &response.ty {
        not_allowed(cx, file, "type", reason, ty.span);
    }
    if let Some(doc) = response.fields_doc.first() {
        let reason = "an array result has no fields of its own to describe";
        not_allowed(cx, file, "fields_doc", reason, doc.field.span);
    }
    let beside = match &response.payload {
        Some(p) => p.value == ".",
        None => cx.service.spec.envelope.payload.is_none(),
    };
    if beside {
        let reason = "an array result needs a payload field to sit in (the envelope's \
                      `payload`, or the response's own `payload`)";
        not_allowed(cx, file, "items", reason, items.ty.span);
    }
}

fn not_allowed(cx: &mut Cx<'_>, file: FileId, key: &str, reason: &str, span: Span) {
    let problem = Problem::NotAllowedHere {
        key: key.into(),
        reason: reason.into(),
    };
    cx.report(problem, file, span);
}

/// A response field beside the envelope's fields (no payload field, or `payload: .`) with an
/// envelope field's name: one key of the body would be two fields.
fn shadowed_envelope_fields(cx: &mut Cx<'_>, file: FileId, endpoint: &EndpointSpec) {
    let envelope = &cx.service.spec.envelope;
    let Some(response) = &endpoint.response else {
        return;
    };
    let beside = match &response.payload {
        Some(p) => p.value == ".",
        None => envelope.payload.is_none(),
    };
    if !beside {
        return;
    }
    for field in &response.fields {
        let Some(name) = &field.name else { continue };
        let Some(shadowed) = envelope
            .fields
            .iter()
            .filter_map(|f| f.name.as_ref())
            .find(|n| n.value == name.value)
        else {
            continue;
        };
        let problem = Problem::ShadowsEnvelope {
            field: name.value.clone(),
        };
        let at = |file, span| Loc { file, span };
        let envelope_at = at(cx.service.file, shadowed.span);
        cx.push(
            Diagnostic::new(problem, at(file, name.span))
                .with_label(envelope_at, "the envelope's field of that name"),
        );
    }
}

//! What a page says beyond the shared definitions, and what it leaves unknown, said without
//! overstating: `required: unknown` only where the page could be silent; `fields_doc` only on
//! fields the body has.

use super::Cx;
use crate::diag::Problem;
use crate::diag::catalogue::suggest;
use crate::spec::{FieldSpec, ParamIn, Required};

/// Checks the forms that record what a page does not say.
pub fn check_page(cx: &mut Cx<'_>) {
    let service = cx.service;
    for (file, endpoint) in &service.endpoints {
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

//! Names that would become the same Rust identifier are errors, never silently suffixed.

use std::collections::BTreeMap;

use super::Cx;
use crate::diag::{Diagnostic, FileId, Loc, Problem, Span};
use crate::naming;
use crate::spec::{FieldSpec, Text};

/// Rust names of fields (per struct, parameters and body together), types, enum values and
/// error codes.
pub fn check_collisions(cx: &mut Cx<'_>) {
    let service = cx.service;
    let spec = &service.spec;
    let file = service.file;
    let mut types = Idents::default();
    for ty in &spec.types {
        if let Some(name) = &ty.name {
            types.add(cx, file, name, ty.rust_name.as_ref(), naming::type_ident);
        }
        check_struct(cx, file, &ty.fields);
    }
    check_struct(cx, file, &spec.envelope.fields);
    for event in &spec.events {
        check_struct(cx, file, &event.fields);
    }
    let mut events = Idents::default();
    for event in &spec.events {
        events.add(cx, file, &event.name, None, naming::type_ident);
    }
    // Every code of the service is a variant of the crate's `ServiceCode`: one name space for
    // the service's codes and all endpoints' (the same code in several lists is one variant,
    // and must be named alike everywhere).
    let mut codes = Idents::default();
    let mut named: BTreeMap<String, (String, FileId, Span)> = BTreeMap::new();
    for error in &spec.errors {
        code_name(cx, file, error, &mut codes, &mut named);
    }
    for (file, endpoint) in &service.endpoints {
        for error in &endpoint.errors {
            // A code of the service's list inherits its name there, as the lowering does.
            let inherited = error.rust_name.is_none().then(|| {
                spec.errors
                    .iter()
                    .find(|c| c.code.value == error.code.value)
                    .and_then(|c| c.rust_name.clone())
            });
            match inherited.flatten() {
                Some(name) => {
                    let mut error = error.clone();
                    // Located at the endpoint's own entry, in the endpoint's file.
                    error.rust_name = Some(Text::new(name.value, error.code.span));
                    code_name(cx, *file, &error, &mut codes, &mut named);
                }
                None => code_name(cx, *file, error, &mut codes, &mut named),
            }
        }
    }
    for (file, endpoint) in &service.endpoints {
        let file = *file;
        // Parameters and body fields share the request builder.
        let mut request = Idents {
            strict: true,
            ..Idents::default()
        };
        for field in endpoint
            .params
            .iter()
            .chain(endpoint.request.iter().flat_map(|r| &r.fields))
        {
            if let Some(name) = &field.name {
                request.add(
                    cx,
                    file,
                    name,
                    field.rust_name.as_ref(),
                    naming::field_ident,
                );
            }
            check_nested(cx, file, field);
        }
        if let Some(response) = &endpoint.response {
            check_struct(cx, file, &response.fields);
            for items in response.items_list() {
                check_nested(cx, file, items);
            }
        }
    }
}

/// Adds a code's variant name to the service-wide set: a collision with another code is E0108,
/// a second name for the same code E0115, a `rust_name` that is no UpperCamelCase identifier
/// E0109.
fn code_name(
    cx: &mut Cx<'_>,
    file: FileId,
    error: &crate::spec::ErrorSpec,
    codes: &mut Idents,
    named: &mut BTreeMap<String, (String, FileId, Span)>,
) {
    let code = error.code.value.to_string();
    let text = Text::new(code.clone(), error.code.span);
    if let Some(r) = &error.rust_name {
        let mut chars = r.value.chars();
        let camel = chars.next().is_some_and(|c| c.is_ascii_uppercase())
            && chars.all(|c| c.is_ascii_alphanumeric());
        if !camel {
            cx.report(
                Problem::InvalidName {
                    name: r.value.clone(),
                    rule: "a code's `rust_name` is an UpperCamelCase Rust identifier: an \
                           upper-case letter, then letters and digits",
                },
                file,
                r.span,
            );
            return;
        }
    }
    let ident = error
        .rust_name
        .as_ref()
        .map_or_else(|| naming::error_variant_ident(&code), |r| r.value.clone());
    let span = error.rust_name.as_ref().map_or(error.code.span, |r| r.span);
    match named.get(&code) {
        Some((first, first_file, first_span)) if *first != ident => {
            cx.push(
                Diagnostic::new(
                    Problem::Conflict {
                        message: format!(
                            "code `{code}` is named `{ident}` here and `{first}` elsewhere"
                        ),
                        hint: "give `rust_name` once, where the code is defined (service.yaml's \
                               `errors` or `error_catalogue`); endpoints inherit it"
                            .into(),
                    },
                    Loc { file, span },
                )
                .with_label(
                    Loc {
                        file: *first_file,
                        span: *first_span,
                    },
                    format!("named `{first}` here"),
                ),
            );
        }
        Some(_) => {}
        None => {
            named.insert(code, (ident, file, span));
            codes.add(
                cx,
                file,
                &text,
                error.rust_name.as_ref(),
                naming::error_variant_ident,
            );
        }
    }
}

fn check_struct(cx: &mut Cx<'_>, file: FileId, fields: &[FieldSpec]) {
    let mut idents = Idents::default();
    for field in fields {
        if let Some(name) = &field.name {
            idents.add(
                cx,
                file,
                name,
                field.rust_name.as_ref(),
                naming::field_ident,
            );
        }
        check_nested(cx, file, field);
    }
}

fn check_nested(cx: &mut Cx<'_>, file: FileId, field: &FieldSpec) {
    check_struct(cx, file, &field.fields);
    if let Some(items) = &field.items {
        check_nested(cx, file, items);
    }
    let mut variants = Idents::default();
    for value in &field.values {
        let text = Text::new(naming::value_text(&value.value.value.0), value.value.span);
        variants.add(
            cx,
            file,
            &text,
            value.rust_name.as_ref(),
            naming::variant_ident,
        );
    }
}

#[derive(Default)]
struct Idents {
    seen: BTreeMap<String, (String, FileId, Span)>,
    /// Report a name met twice too (a parameter and a body field sharing one builder); within
    /// one list, a repeated name is already a duplicate reported by `check_names`.
    strict: bool,
}

impl Idents {
    fn add(
        &mut self,
        cx: &mut Cx<'_>,
        file: FileId,
        name: &Text,
        rust_name: Option<&Text>,
        make: fn(&str) -> String,
    ) {
        let ident = match rust_name {
            Some(explicit) => explicit.value.clone(),
            None => make(&name.value),
        };
        if let Some((other, other_file, other_span)) = self.seen.get(&ident) {
            if self.strict || *other != name.value {
                cx.push(
                    Diagnostic::new(
                        Problem::NameCollision {
                            other: other.clone(),
                            ident: ident.clone(),
                        },
                        Loc {
                            file,
                            span: name.span,
                        },
                    )
                    .with_label(
                        Loc {
                            file: *other_file,
                            span: *other_span,
                        },
                        format!("`{other}` is here"),
                    ),
                );
            }
            return;
        }
        self.seen
            .insert(ident, (name.value.clone(), file, name.span));
    }
}

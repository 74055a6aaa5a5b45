//! Ids and names: unique where they must be, well-formed where code is made from them.

use std::collections::BTreeMap;

use super::Cx;
use crate::diag::{Diagnostic, FileId, Loc, Problem, Span};
use crate::spec::FieldSpec;

const SNAKE: &str = "use lower snake_case: a letter, then letters, digits and `_`";

/// Modules at a generated crate's root besides the endpoint modules (each endpoint id is a
/// module there too).
pub(crate) const ROOT_MODULES: &[&str] =
    &["auth", "events", "retry", "testing", "transport", "types"];

const RESERVED: &str = "endpoint ids are module names at the generated crate's root, where `auth`, \
     `events`, `retry`, `testing`, `transport` and `types` are the crate's own: add a word \
     (e.g. `get_auth`)";

pub(super) fn is_snake(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Reports the second and later uses of each name.
struct Seen<'a> {
    kind: &'static str,
    first: BTreeMap<String, (FileId, Span)>,
    _marker: std::marker::PhantomData<&'a ()>,
}

impl Seen<'_> {
    fn new(kind: &'static str) -> Self {
        Seen {
            kind,
            first: BTreeMap::new(),
            _marker: std::marker::PhantomData,
        }
    }

    fn add(&mut self, cx: &mut Cx<'_>, name: &str, file: FileId, span: Span) {
        if let Some((first_file, first_span)) = self.first.get(name) {
            cx.push(
                Diagnostic::new(
                    Problem::Duplicate {
                        kind: self.kind,
                        name: name.to_owned(),
                    },
                    Loc { file, span },
                )
                .with_label(
                    Loc {
                        file: *first_file,
                        span: *first_span,
                    },
                    "first defined here",
                ),
            );
        } else {
            self.first.insert(name.to_owned(), (file, span));
        }
    }
}

/// Endpoint ids, type, event, error-code, parameter, field and sample names.
pub fn check_names(cx: &mut Cx<'_>) {
    let service = cx.service;
    let file = service.file;
    let spec = &service.spec;
    if !is_snake(&spec.name.value) {
        cx.report(
            Problem::InvalidName {
                name: spec.name.value.clone(),
                rule: SNAKE,
            },
            file,
            spec.name.span,
        );
    }
    let mut types = Seen::new("type");
    for ty in &spec.types {
        match &ty.name {
            Some(name) => types.add(cx, &name.value, file, name.span),
            None => cx.report(Problem::MissingKey { key: "name".into() }, file, ty.ty.span),
        }
    }
    let mut events = Seen::new("event");
    for event in &spec.events {
        events.add(cx, &event.name.value, file, event.name.span);
    }
    let mut codes = Seen::new("error code");
    for error in &spec.errors {
        codes.add(cx, &error.code.value.to_string(), file, error.code.span);
    }
    let mut variables = Seen::new("base URL variable");
    for variable in &spec.base_url.variables {
        variables.add(cx, &variable.name.value, file, variable.name.span);
    }
    check_field_names(cx, file, &spec.envelope.fields);
    for ty in &spec.types {
        check_field_names(cx, file, &ty.fields);
    }
    for event in &spec.events {
        check_field_names(cx, file, &event.fields);
    }

    let mut endpoints = Seen::new("endpoint id");
    for (file, endpoint) in &service.endpoints {
        let file = *file;
        let id = &endpoint.id;
        if !is_snake(&id.value) {
            cx.report(
                Problem::InvalidName {
                    name: id.value.clone(),
                    rule: SNAKE,
                },
                file,
                id.span,
            );
        }
        if ROOT_MODULES.contains(&id.value.as_str()) {
            cx.report(
                Problem::InvalidName {
                    name: id.value.clone(),
                    rule: RESERVED,
                },
                file,
                id.span,
            );
        }
        endpoints.add(cx, &id.value, file, id.span);
        let mut params = Seen::new("parameter");
        for param in &endpoint.params {
            if let Some(name) = &param.name {
                // Header names are case-insensitive on the wire.
                let key = match param.location.as_ref().map(|l| l.value) {
                    Some(crate::spec::ParamIn::Header) => name.value.to_ascii_lowercase(),
                    _ => name.value.clone(),
                };
                params.add(cx, &key, file, name.span);
            }
        }
        for body in [&endpoint.request, &endpoint.response]
            .into_iter()
            .flatten()
        {
            check_field_names(cx, file, &body.fields);
            for items in body.items_list() {
                // The item itself is nameless, like an array's `items`.
                check_field_names(cx, file, &items.fields);
            }
        }
        let mut samples = Seen::new("sample");
        for sample in &endpoint.samples {
            samples.add(cx, &sample.name.value, file, sample.name.span);
            if !is_snake(&sample.name.value) {
                cx.report(
                    Problem::InvalidName {
                        name: sample.name.value.clone(),
                        rule: SNAKE,
                    },
                    file,
                    sample.name.span,
                );
            }
        }
        let mut codes = Seen::new("error code");
        for error in &endpoint.errors {
            codes.add(cx, &error.code.value.to_string(), file, error.code.span);
        }
        let mut events = Seen::new("event");
        for event in &endpoint.events {
            events.add(cx, &event.value, file, event.span);
        }
    }
}

/// Field names within each object are unique, and every field has a name.
fn check_field_names(cx: &mut Cx<'_>, file: FileId, fields: &[FieldSpec]) {
    let mut seen = Seen::new("field");
    for field in fields {
        match &field.name {
            Some(name) => seen.add(cx, &name.value, file, name.span),
            None => cx.report(
                Problem::MissingKey { key: "name".into() },
                file,
                field.ty.span,
            ),
        }
        check_field_names(cx, file, &field.fields);
        if let Some(items) = &field.items {
            check_field_names(cx, file, &items.fields);
        }
        if let Some(additional) = &field.additional {
            check_field_names(cx, file, &additional.fields);
        }
    }
}

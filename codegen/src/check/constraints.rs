//! Constraints are well-formed, keys fit the field's type, and constants, defaults, examples
//! and enum values satisfy their own constraints.

use super::value::check_value;
use super::{Cx, PRIMITIVES};
use crate::diag::{FileId, Problem, Span};
use crate::spec::{CodeValue, DispatchIn, FieldSpec, ParamIn, RangeSpec};

/// Where a field sits decides which keys it may carry.
#[derive(Clone, Copy, PartialEq)]
enum Role {
    Param,
    Field,
    Items,
    NamedType,
}

/// Ranges, patterns, key placement, values, dispatch clashes and code types.
pub fn check_constraints(cx: &mut Cx<'_>) {
    let service = cx.service;
    let spec = &service.spec;
    let file = service.file;
    for ty in &spec.types {
        check_field(cx, file, ty, Role::NamedType);
    }
    for field in &spec.envelope.fields {
        check_field(cx, file, field, Role::Field);
    }
    for event in &spec.events {
        for field in &event.fields {
            check_field(cx, file, field, Role::Field);
        }
    }
    if let Some(envelope) = &spec.event_envelope {
        for field in &envelope.fields {
            check_field(cx, file, field, Role::Field);
        }
    }
    for variable in &spec.base_url.variables {
        if let Some(default) = &variable.default
            && !variable.values.is_empty()
            && !variable
                .values
                .iter()
                .any(|v| v.value.value.0.as_str() == Some(default.value.as_str()))
        {
            cx.report(
                Problem::ConstraintViolated {
                    what: "default".into(),
                    message: "is not one of the variable's values".into(),
                },
                file,
                default.span,
            );
        }
    }
    check_code_types(cx);

    for (file, endpoint) in &service.endpoints {
        let file = *file;
        for param in &endpoint.params {
            check_field(cx, file, param, Role::Param);
        }
        for body in [&endpoint.request, &endpoint.response]
            .into_iter()
            .flatten()
        {
            for field in &body.fields {
                check_field(cx, file, field, Role::Field);
            }
            for items in body.items_list() {
                check_field(cx, file, items, Role::Items);
            }
        }
        if let Some(payload) = endpoint.request.as_ref().and_then(|r| r.payload.as_ref()) {
            cx.report(
                Problem::NotAllowedHere {
                    key: "payload".into(),
                    reason: "only a response says where its result lives".into(),
                },
                file,
                payload.span,
            );
        }
        for dispatch in &endpoint.dispatch {
            let clash = match dispatch.location.value {
                DispatchIn::Body => endpoint.request.iter().flat_map(|r| &r.fields).any(|f| {
                    f.name
                        .as_ref()
                        .is_some_and(|n| n.value == dispatch.name.value)
                }),
                DispatchIn::Query | DispatchIn::Header => endpoint.params.iter().any(|p| {
                    p.name
                        .as_ref()
                        .is_some_and(|n| n.value.eq_ignore_ascii_case(&dispatch.name.value))
                }),
            };
            if clash {
                cx.report(
                    Problem::NotAllowedHere {
                        key: dispatch.name.value.clone(),
                        reason: "a dispatch value cannot also be a parameter or body field".into(),
                    },
                    file,
                    dispatch.name.span,
                );
            }
        }
    }
}

fn check_field(cx: &mut Cx<'_>, file: FileId, field: &FieldSpec, role: Role) {
    check_placement(cx, file, field, role);
    let mut nested = Vec::new();
    if let Some(items) = &field.items {
        nested.push((items.as_ref(), Role::Items));
    }
    if let Some(additional) = &field.additional {
        nested.push((additional.as_ref(), Role::Items));
    }
    for child in &field.fields {
        nested.push((child, Role::Field));
    }
    for (child, role) in nested {
        check_field(cx, file, child, role);
    }
}

fn check_placement(cx: &mut Cx<'_>, file: FileId, field: &FieldSpec, role: Role) {
    let ty = field.ty.value.as_str();
    let not_here = |cx: &mut Cx<'_>, key: &str, span: Span, reason: String| {
        cx.report(
            Problem::NotAllowedHere {
                key: key.to_owned(),
                reason,
            },
            file,
            span,
        );
    };
    match (role, &field.location) {
        (Role::Param, None) => cx.report(
            Problem::MissingKey { key: "in".into() },
            file,
            field.ty.span,
        ),
        (Role::Param, Some(_)) => {}
        (_, Some(location)) => not_here(
            cx,
            "in",
            location.span,
            "only parameters have a location".into(),
        ),
        _ => {}
    }
    if role == Role::Items
        && let Some(name) = &field.name
    {
        not_here(
            cx,
            "name",
            name.span,
            "array items and map values have no name".into(),
        );
    }
    if let Some(from_auth) = &field.from_auth {
        let header_or_query = field
            .location
            .as_ref()
            .is_some_and(|l| matches!(l.value, ParamIn::Header | ParamIn::Query));
        if !header_or_query {
            not_here(
                cx,
                "from_auth",
                from_auth.span,
                "only header and query parameters come from the auth scheme".into(),
            );
        }
    }
    let known = PRIMITIVES.contains(&ty);
    let rules: [(&str, Option<Span>, bool); 9] = [
        (
            "secret",
            field.secret.as_ref().map(|s| s.span),
            ty == "string",
        ),
        (
            "items",
            field.items.as_ref().map(|i| i.ty.span),
            ty == "array",
        ),
        (
            "fields",
            field.fields.first().map(|f| f.ty.span),
            ty == "object",
        ),
        (
            "additional",
            field.additional.as_ref().map(|a| a.ty.span),
            ty == "map",
        ),
        (
            "range",
            field.range.as_ref().and_then(range_span),
            matches!(ty, "integer" | "number" | "string"),
        ),
        (
            "length",
            field.length.as_ref().and_then(range_span),
            matches!(ty, "string" | "array"),
        ),
        (
            "pattern",
            field.pattern.as_ref().map(|p| p.span),
            ty == "string",
        ),
        (
            "values",
            field.values.first().map(|v| v.value.span),
            matches!(ty, "string" | "integer"),
        ),
        (
            "format",
            field.format.as_ref().map(|f| f.span),
            matches!(ty, "string" | "integer" | "number"),
        ),
    ];
    for (key, span, allowed) in rules {
        if let Some(span) = span
            && !allowed
        {
            let reason = if known {
                format!(
                    "{} `{ty}` cannot have `{key}`",
                    if ty.starts_with(['a', 'e', 'i', 'o', 'u']) {
                        "an"
                    } else {
                        "a"
                    }
                )
            } else {
                format!("`{ty}` is a shared type; put `{key}` on its definition")
            };
            not_here(cx, key, span, reason);
        }
    }
    if ty == "array" && field.items.is_none() {
        cx.report(
            Problem::MissingKey {
                key: "items".into(),
            },
            file,
            field.ty.span,
        );
    }
    if let Some(format) = &field.format {
        let allowed: &[&str] = match ty {
            "integer" => &[
                "int32",
                "int64",
                "uint32",
                "uint64",
                "unix-seconds",
                "unix-millis",
            ],
            "number" => &["float", "double"],
            _ => &[
                "date-time",
                "date",
                "uri",
                "uuid",
                "email",
                "ipv4",
                "ipv6",
                "byte",
                "decimal",
            ],
        };
        if !allowed.contains(&format.value.as_str()) {
            cx.report(
                Problem::UnknownVariant {
                    value: format.value.clone(),
                    expected: allowed.iter().map(|s| (*s).to_owned()).collect(),
                    suggestion: crate::diag::catalogue::suggest(
                        &format.value,
                        allowed.iter().copied(),
                    ),
                },
                file,
                format.span,
            );
        }
    }
    for range in [&field.range, &field.length].into_iter().flatten() {
        if let (Some(min), Some(max)) = (&range.min, &range.max)
            && min.value > max.value
        {
            cx.report(
                Problem::EmptyRange {
                    min: min.value.to_string(),
                    max: max.value.to_string(),
                },
                file,
                Span::new(min.span.start, max.span.end),
            );
        }
    }
    if let Some(pattern) = &field.pattern
        && let Err(err) = regex_lite::Regex::new(&pattern.value)
    {
        let message = err
            .to_string()
            .lines()
            .last()
            .unwrap_or("")
            .trim()
            .to_owned();
        cx.report(Problem::InvalidPattern { message }, file, pattern.span);
    }
    let mut values = Vec::new();
    if let Some(default) = &field.default {
        values.push(("default", default));
    }
    if let Some(example) = &field.example {
        values.push(("example", example));
    }
    let mut shape_only = None;
    if !field.values.is_empty() {
        // Enum values are checked against the type and constraints but not the list itself.
        shape_only = Some(FieldSpec {
            values: Vec::new(),
            ..shallow(field)
        });
    }
    for (what, value) in values {
        report_mismatches(cx, file, what, value, field);
    }
    if let Some(shape) = &shape_only {
        for value in &field.values {
            report_mismatches(cx, file, "enum value", &value.value, shape);
        }
    }
}

fn report_mismatches(
    cx: &mut Cx<'_>,
    file: FileId,
    what: &str,
    value: &crate::spec::Sp<crate::spec::Json>,
    field: &FieldSpec,
) {
    let mismatches = check_value(&value.value.0, field, cx, true);
    super::samples::report(cx, file, what, value, mismatches);
}

/// A copy of a field's scalar constraints (enough to check one value), without children.
fn shallow(field: &FieldSpec) -> FieldSpec {
    FieldSpec {
        name: None,
        location: None,
        ty: field.ty.clone(),
        format: field.format.clone(),
        required: None,
        nullable: field.nullable.clone(),
        description: None,
        description_en: None,
        default: None,
        example: None,
        range: field.range.as_ref().map(|r| RangeSpec {
            min: r.min.clone(),
            max: r.max.clone(),
        }),
        length: field.length.as_ref().map(|r| RangeSpec {
            min: r.min.clone(),
            max: r.max.clone(),
        }),
        pattern: field.pattern.clone(),
        values: Vec::new(),
        items: None,
        fields: Vec::new(),
        additional: None,
        from_auth: None,
        rust_name: None,
        secret: None,
        unconfirmed: None,
        inferred: None,
        use_: None,
    }
}

fn range_span(range: &RangeSpec) -> Option<Span> {
    range.min.as_ref().or(range.max.as_ref()).map(|v| v.span)
}

/// Error codes are written with the same YAML type as the envelope's success value.
fn check_code_types(cx: &mut Cx<'_>) {
    let service = cx.service;
    let Some(code) = &service.spec.envelope.code else {
        return;
    };
    let want_str = matches!(code.success.value, CodeValue::Str(_));
    let expected = if want_str { "a string" } else { "an integer" };
    let mut bad = Vec::new();
    for error in &service.spec.errors {
        bad.push((service.file, error));
    }
    for (file, endpoint) in &service.endpoints {
        for error in &endpoint.errors {
            bad.push((*file, error));
        }
    }
    for (file, error) in bad {
        if matches!(error.code.value, CodeValue::Str(_)) != want_str {
            cx.report(Problem::CodeType { expected }, file, error.code.span);
        }
    }
}

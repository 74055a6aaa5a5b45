//! Checks a JSON value against a field's declared shape and constraints. Used for defaults,
//! examples, enum values and documented samples.

use serde_json::Value;

use crate::spec::FieldSpec;

/// One mismatch: a dotted path inside the value and what is wrong there.
#[derive(Debug)]
pub struct Mismatch {
    /// `Data.CallContext.ChannelContexts[0].Index`; empty for the value itself.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// Looks up shared types by name.
pub trait Types {
    /// The shared type named `name`.
    fn lookup(&self, name: &str) -> Option<&FieldSpec>;
}

impl Types for super::Cx<'_> {
    fn lookup(&self, name: &str) -> Option<&FieldSpec> {
        self.named_type(name)
    }
}

/// Checks `value` against `field`; every mismatch is returned (bounded depth).
pub fn check_value(
    value: &Value,
    field: &FieldSpec,
    types: &dyn Types,
    strict: bool,
) -> Vec<Mismatch> {
    let mut out = Vec::new();
    check(value, field, types, String::new(), 0, strict, &mut out);
    out
}

/// Checks a JSON object against a list of fields: required fields present, each known field's
/// value valid. Unknown keys are reported when `closed`. Samples are not `strict`: documented
/// value lists are open on the wire, so a sample may show a value the list lacks; the spec's own
/// defaults and examples are held to the list.
pub fn check_object(
    value: &Value,
    fields: &[&FieldSpec],
    types: &dyn Types,
    path: &str,
    closed: bool,
    strict: bool,
) -> Vec<Mismatch> {
    let mut out = Vec::new();
    check_fields(
        value,
        fields,
        types,
        path.to_owned(),
        0,
        closed,
        strict,
        &mut out,
    );
    out
}

const MAX_DEPTH: usize = 32;

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

#[allow(clippy::too_many_arguments)]
fn check(
    value: &Value,
    field: &FieldSpec,
    types: &dyn Types,
    path: String,
    depth: usize,
    strict: bool,
    out: &mut Vec<Mismatch>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let mut bad = |message: String| {
        out.push(Mismatch {
            path: path.clone(),
            message,
        })
    };
    if value.is_null() {
        if !field.nullable.as_ref().is_some_and(|n| n.value) {
            bad("is null, but the field is not nullable".into());
        }
        return;
    }
    match field.ty.value.as_str() {
        "string" => match value {
            Value::String(s) => check_string(s, field, strict, &mut bad),
            other => bad(format!("expected a string, found {}", kind(other))),
        },
        "integer" => match value {
            Value::Number(n) if n.is_i64() || n.is_u64() => {
                check_range(n.as_f64().unwrap_or(0.0), field, &mut bad);
                if strict {
                    check_values(value, field, &mut bad);
                }
                check_format(n, field, &mut bad);
            }
            other => bad(format!("expected an integer, found {}", kind(other))),
        },
        "number" => match value {
            Value::Number(n) => check_range(n.as_f64().unwrap_or(0.0), field, &mut bad),
            other => bad(format!("expected a number, found {}", kind(other))),
        },
        "boolean" => {
            if !value.is_boolean() {
                bad(format!("expected a boolean, found {}", kind(value)));
            }
        }
        "json" => {}
        "array" => match value {
            Value::Array(items) => {
                if let Some(length) = &field.length {
                    check_bounds(items.len() as f64, length, "item count", &mut bad);
                }
                if let Some(item) = &field.items {
                    for (i, v) in items.iter().enumerate() {
                        check(
                            v,
                            item,
                            types,
                            format!("{path}[{i}]"),
                            depth + 1,
                            strict,
                            out,
                        );
                    }
                }
            }
            other => bad(format!("expected an array, found {}", kind(other))),
        },
        "map" => match value {
            Value::Object(map) => {
                if let Some(values) = &field.additional {
                    for (k, v) in map {
                        check(v, values, types, join(&path, k), depth + 1, strict, out);
                    }
                }
            }
            other => bad(format!("expected an object, found {}", kind(other))),
        },
        "object" => {
            let fields: Vec<&FieldSpec> = field.fields.iter().collect();
            check_fields(value, &fields, types, path, depth, false, strict, out);
        }
        named => {
            if let Some(target) = types.lookup(named) {
                check(value, target, types, path, depth + 1, strict, out);
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn check_fields(
    value: &Value,
    fields: &[&FieldSpec],
    types: &dyn Types,
    path: String,
    depth: usize,
    closed: bool,
    strict: bool,
    out: &mut Vec<Mismatch>,
) {
    let Value::Object(map) = value else {
        out.push(Mismatch {
            path,
            message: format!("expected an object, found {}", kind(value)),
        });
        return;
    };
    for field in fields {
        let Some(name) = &field.name else { continue };
        match map.get(&name.value) {
            Some(v) => check(
                v,
                field,
                types,
                join(&path, &name.value),
                depth + 1,
                strict,
                out,
            ),
            None if field.required.as_ref().is_some_and(|r| r.is_yes()) => out.push(Mismatch {
                path: path.clone(),
                message: format!("lacks required field `{}`", name.value),
            }),
            None => {}
        }
    }
    if closed {
        for key in map.keys() {
            if !fields
                .iter()
                .any(|f| f.name.as_ref().is_some_and(|n| &n.value == key))
            {
                out.push(Mismatch {
                    path: join(&path, key),
                    message: "is not a declared field".into(),
                });
            }
        }
    }
}

fn check_string(s: &str, field: &FieldSpec, strict: bool, bad: &mut impl FnMut(String)) {
    if let Some(length) = &field.length {
        check_bounds(s.chars().count() as f64, length, "length", bad);
    }
    if let Some(pattern) = &field.pattern
        && let Ok(re) = regex_lite::Regex::new(&format!("^(?:{})$", pattern.value))
        && !re.is_match(s)
    {
        bad(format!("`{s}` does not match pattern `{}`", pattern.value));
    }
    if field.range.is_some() {
        match s.parse::<i64>() {
            Ok(n) => check_range(n as f64, field, bad),
            Err(_) => bad(format!(
                "`{s}` is not a decimal integer, but the field has a range"
            )),
        }
    }
    if strict {
        check_values(&Value::String(s.to_owned()), field, bad);
    }
}

/// Open enumerations accept unknown values on the wire, but a spec's own defaults and examples
/// are held to the documented list.
fn check_values(value: &Value, field: &FieldSpec, bad: &mut impl FnMut(String)) {
    if field.values.is_empty() {
        return;
    }
    if !field.values.iter().any(|v| v.value.value.0 == *value) {
        let allowed: Vec<String> = field
            .values
            .iter()
            .map(|v| v.value.value.0.to_string())
            .collect();
        bad(format!(
            "{value} is not one of the documented values {}",
            allowed.join(", ")
        ));
    }
}

fn check_format(n: &serde_json::Number, field: &FieldSpec, bad: &mut impl FnMut(String)) {
    let Some(format) = &field.format else { return };
    let ok = match format.value.as_str() {
        "int32" => n.as_i64().is_some_and(|v| i32::try_from(v).is_ok()),
        "uint32" => n.as_u64().is_some_and(|v| u32::try_from(v).is_ok()),
        "int64" => n.as_i64().is_some(),
        _ => true,
    };
    if !ok {
        bad(format!("{n} does not fit {}", format.value));
    }
}

fn check_range(n: f64, field: &FieldSpec, bad: &mut impl FnMut(String)) {
    if let Some(range) = &field.range {
        check_bounds(n, range, "value", bad);
    }
}

fn check_bounds(n: f64, range: &crate::spec::RangeSpec, what: &str, bad: &mut impl FnMut(String)) {
    if let Some(min) = &range.min
        && n < min.value
    {
        bad(format!("{what} {n} is below the minimum {}", min.value));
    }
    if let Some(max) = &range.max
        && n > max.value
    {
        bad(format!("{what} {n} is above the maximum {}", max.value));
    }
}

pub(super) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

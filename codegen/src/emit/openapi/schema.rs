//! Model types → JSON Schema (the OpenAPI 3.1 dialect, JSON Schema 2020-12).
//!
//! Open enumerations are never `enum`: a value the vendor adds later must still validate. The
//! documented values go to `examples` (so tools show them) and to `x-enum-values` with their
//! meanings. A `string` with a numeric range holds a decimal integer: it gets
//! `pattern: ^-?[0-9]+$` and the bounds in `x-range`, since JSON Schema's `minimum` and
//! `maximum` ignore strings.

use serde_json::{Map, Value, json};

use super::text;
use crate::emit::anchored_pattern;
use crate::model::{
    Bounds, EnumValue, Field, INFERRED_LABEL, Inferred, Service, Type, TypeKind, inferred_list,
};

/// Pattern of a string that holds a decimal integer.
const DECIMAL_INTEGER: &str = "^-?[0-9]+$";

/// `components/schemas`: every shared named type under its component key.
pub(super) fn emit_named_types(service: &Service) -> Map<String, Value> {
    service
        .types
        .iter()
        .map(|named| {
            let mut schema = type_schema(&named.ty);
            let unconfirmed = text::labelled("Unconfirmed", named.unconfirmed.as_deref());
            let inferred = inferred_list(&named.inferred);
            let inferred = text::labelled(INFERRED_LABEL, inferred.as_deref());
            let description = text::paragraphs([
                named.description.as_deref(),
                named.description_en.as_deref(),
                unconfirmed.as_deref(),
                inferred.as_deref(),
            ]);
            if let Some(description) = description {
                prepend(&mut schema, "description", description.into());
            }
            if let Some(unconfirmed) = &named.unconfirmed {
                schema.insert("x-unconfirmed".into(), unconfirmed.clone().into());
            }
            if let Some(inferred) = inferred_extension(&named.inferred) {
                schema.insert("x-switchboard-inferred".into(), inferred);
            }
            (component_key(&named.name.wire), Value::Object(schema))
        })
        .collect()
}

/// A component key (`^[a-zA-Z0-9._-]+$`) for a vendor's type name: other characters become `_`.
pub(super) fn component_key(wire: &str) -> String {
    let key: String = wire
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if key.is_empty() { "_".into() } else { key }
}

/// The schema of a field: its type plus description, default, examples and nullability.
pub(super) fn field_schema(field: &Field) -> Map<String, Value> {
    let mut schema = type_schema(&field.ty);
    if field.nullable {
        schema = nullable(schema);
    }
    if let Some(example) = &field.example {
        let mut examples = vec![example.clone()];
        if let Some(Value::Array(values)) = schema.shift_remove("examples") {
            examples.extend(values.into_iter().filter(|v| v != example));
        }
        insert_before_extensions(&mut schema, "examples", examples.into());
    }
    if let Some(default) = &field.default {
        insert_before_extensions(&mut schema, "default", default.clone());
    }
    if let Some(description) = text::field_description(field) {
        prepend(&mut schema, "description", description.into());
    }
    if field.secret {
        // A credential: UIs mask it, generators keep it out of logs.
        insert_before_extensions(&mut schema, "format", "password".into());
        insert_before_extensions(&mut schema, "writeOnly", true.into());
    }
    if let Some(unconfirmed) = &field.unconfirmed {
        schema.insert("x-unconfirmed".into(), unconfirmed.clone().into());
    }
    if let Some(inferred) = inferred_extension(&field.inferred) {
        schema.insert("x-switchboard-inferred".into(), inferred);
    }
    if field.required_unknown {
        schema.insert("x-switchboard-required".into(), "unknown".into());
    }
    schema
}

/// `x-switchboard-inferred`: `{key: where the value comes from}` for values no source states.
pub(super) fn inferred_extension(inferred: &[Inferred]) -> Option<Value> {
    let map: Map<String, Value> = inferred
        .iter()
        .map(|i| (i.key.clone(), i.reason.clone().into()))
        .collect();
    (!map.is_empty()).then_some(Value::Object(map))
}

/// An object schema with the fields as properties, the required ones listed.
pub(super) fn object_schema(fields: &[Field]) -> Map<String, Value> {
    let mut schema = Map::new();
    schema.insert("type".into(), "object".into());
    if !fields.is_empty() {
        let properties: Map<String, Value> = fields
            .iter()
            .map(|f| (f.name.wire.clone(), Value::Object(field_schema(f))))
            .collect();
        schema.insert("properties".into(), properties.into());
    }
    let required: Vec<Value> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name.wire.clone().into())
        .collect();
    if !required.is_empty() {
        schema.insert("required".into(), required.into());
    }
    schema
}

/// The schema of a type with its constraints.
pub(super) fn type_schema(ty: &Type) -> Map<String, Value> {
    let mut schema = Map::new();
    match &ty.kind {
        TypeKind::String => {
            schema.insert("type".into(), "string".into());
            format(&mut schema, ty);
            length(&mut schema, ty.length, "minLength", "maxLength");
            match (&ty.pattern, ty.range) {
                (Some(pattern), Some(_)) => {
                    schema.insert("pattern".into(), anchored_pattern(pattern).into());
                    schema.insert("allOf".into(), json!([{ "pattern": DECIMAL_INTEGER }]));
                }
                (Some(pattern), None) => {
                    schema.insert("pattern".into(), anchored_pattern(pattern).into());
                }
                (None, Some(_)) => {
                    schema.insert("pattern".into(), DECIMAL_INTEGER.into());
                }
                (None, None) => {}
            }
            if let Some(range) = ty.range {
                schema.insert("x-range".into(), bounds(range).into());
            }
        }
        TypeKind::Integer | TypeKind::Number => {
            let name = if matches!(ty.kind, TypeKind::Integer) {
                "integer"
            } else {
                "number"
            };
            schema.insert("type".into(), name.into());
            format(&mut schema, ty);
            if let Some(range) = ty.range {
                schema.extend(bounds_as(range, "minimum", "maximum"));
            }
        }
        TypeKind::Boolean => {
            schema.insert("type".into(), "boolean".into());
        }
        // Any JSON value: the empty schema.
        TypeKind::Json => {}
        TypeKind::Object { fields, .. } => schema = object_schema(fields),
        TypeKind::Array { items } => {
            schema.insert("type".into(), "array".into());
            schema.insert("items".into(), type_schema(items).into());
            length(&mut schema, ty.length, "minItems", "maxItems");
        }
        TypeKind::Map { values } => {
            schema.insert("type".into(), "object".into());
            schema.insert("additionalProperties".into(), type_schema(values).into());
        }
        TypeKind::Named { id, .. } => {
            schema.insert(
                "$ref".into(),
                format!("#/components/schemas/{}", component_key(&id.0)).into(),
            );
        }
    }
    open_enumeration(&mut schema, &ty.values);
    schema
}

/// Documented values as `examples` + `x-enum-values` (see the module docs).
fn open_enumeration(schema: &mut Map<String, Value>, values: &[EnumValue]) {
    if values.is_empty() {
        return;
    }
    let examples: Vec<Value> = values.iter().map(|v| v.value.clone()).collect();
    schema.insert("examples".into(), examples.into());
    schema.insert("x-enum-values".into(), enum_values(values));
}

/// `x-enum-values`: `[{value, description}]`.
pub(super) fn enum_values(values: &[EnumValue]) -> Value {
    values
        .iter()
        .map(|v| {
            let mut entry = Map::new();
            entry.insert("value".into(), v.value.clone());
            if let Some(description) = &v.description {
                entry.insert("description".into(), description.clone().into());
            }
            Value::Object(entry)
        })
        .collect::<Vec<_>>()
        .into()
}

/// Makes a schema admit `null`: a type array when the schema has one type, else `anyOf`.
fn nullable(mut schema: Map<String, Value>) -> Map<String, Value> {
    match schema.get("type") {
        Some(Value::String(t)) => {
            let t = t.clone();
            schema.insert("type".into(), json!([t, "null"]));
            schema
        }
        // The empty schema (any JSON) already admits null.
        None if schema.is_empty() => schema,
        _ => {
            let mut wrapper = Map::new();
            wrapper.insert("anyOf".into(), json!([schema, { "type": "null" }]));
            wrapper
        }
    }
}

fn format(schema: &mut Map<String, Value>, ty: &Type) {
    if let Some(format) = &ty.format {
        schema.insert("format".into(), format.clone().into());
    }
}

fn length(schema: &mut Map<String, Value>, length: Option<Bounds>, min: &str, max: &str) {
    if let Some(length) = length {
        schema.extend(bounds_as(length, min, max));
    }
}

fn bounds_as(bounds: Bounds, min: &str, max: &str) -> Map<String, Value> {
    let mut out = Map::new();
    if let Some(v) = bounds.min {
        out.insert(min.into(), number(v));
    }
    if let Some(v) = bounds.max {
        out.insert(max.into(), number(v));
    }
    out
}

/// `{min, max}` for `x-range`.
pub(super) fn bounds(bounds: Bounds) -> Map<String, Value> {
    bounds_as(bounds, "min", "max")
}

/// A JSON number, integral when the value is (`101`, not `101.0`).
pub(super) fn number(v: f64) -> Value {
    // Every integer up to 2^53 is exact in an f64.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if v.fract() == 0.0 && v.abs() <= EXACT {
        // The guard above makes the cast exact.
        #[allow(clippy::cast_possible_truncation)]
        return Value::from(v as i64);
    }
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

/// Inserts `key` first, so a schema reads description first.
pub(super) fn prepend(schema: &mut Map<String, Value>, key: &str, value: Value) {
    let rest = std::mem::take(schema);
    schema.insert(key.into(), value);
    schema.extend(rest.into_iter().filter(|(k, _)| k != key));
}

/// Inserts `key` before the first `x-` extension, so extensions stay last.
fn insert_before_extensions(schema: &mut Map<String, Value>, key: &str, value: Value) {
    let rest = std::mem::take(schema);
    let mut value = Some(value);
    for (k, v) in rest {
        if k == key {
            continue;
        }
        if k.starts_with("x-")
            && let Some(value) = value.take()
        {
            schema.insert(key.into(), value);
        }
        schema.insert(k, v);
    }
    if let Some(value) = value {
        schema.insert(key.into(), value);
    }
}

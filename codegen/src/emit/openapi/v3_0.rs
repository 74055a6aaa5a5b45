//! OpenAPI 3.1 → 3.0.3. Only schema positions are rewritten (examples and extensions hold
//! vendor data that must stay verbatim):
//! - `const: v` → `enum: [v]`;
//! - `examples: [a, ...]` → `example: a`;
//! - `type: [T, "null"]` → `type: T, nullable: true`; `anyOf: [S, {type: null}]` → S nullable;
//! - `$ref` with siblings → `allOf: [{$ref}]` beside them (3.0 ignores a `$ref`'s siblings);
//! - `webhooks` → the `x-webhooks` extension (3.0 has no webhooks); tools that read it want the
//!   `responses` 3.0 makes mandatory, so each event gets a `default` one saying nothing is known;
//! - an operation's `default` response → the same response as `4XX` and `5XX`: 3.0 tools
//!   generate one return type for the success and the `default` responses together, and
//!   progenitor (0.15) rejects an operation whose 2xx and `default` bodies differ (an assertion
//!   in its `method.rs`; oxidecomputer/progenitor#344, #950), which is every operation here;
//!   the status ranges say the same for every error status a client can see, and keep the
//!   vendor's error body described. A bodiless `default` beside error statuses that have a
//!   body (e.g. a `text/plain` 403) stays as `x-switchboard-default` instead.

use serde_json::{Value, json};

/// The 3.0.3 rendering of a 3.1 document built by this emitter.
pub(super) fn down_convert(mut doc: Value) -> Value {
    doc["openapi"] = super::Version::V3_0.as_str().into();
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        schemas.values_mut().for_each(schema);
    }
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        paths.values_mut().for_each(path_item);
    }
    if let Some(map) = doc.as_object_mut()
        && let Some(mut webhooks) = map.shift_remove("webhooks")
    {
        if let Value::Object(items) = &mut webhooks {
            items.values_mut().for_each(path_item);
            items.values_mut().for_each(acknowledge);
        }
        map.insert("x-webhooks".into(), webhooks);
    }
    doc
}

/// Gives each event operation the `responses` that 3.0 requires.
fn acknowledge(item: &mut Value) {
    let Value::Object(item) = item else { return };
    for op in item.values_mut() {
        if let Value::Object(op) = op {
            op.entry("responses").or_insert_with(|| {
                json!({ "default": { "description": "No page documents a reply to the event." } })
            });
        }
    }
}

fn path_item(item: &mut Value) {
    let Value::Object(item) = item else { return };
    for op in item.values_mut() {
        for list in ["parameters", "x-auth-parameters"] {
            if let Some(Value::Array(params)) = op.get_mut(list) {
                for param in params {
                    if let Some(s) = param.get_mut("schema") {
                        schema(s);
                    }
                }
            }
        }
        if let Some(content) = op.pointer_mut("/requestBody/content") {
            media_types(content);
        }
        if let Some(Value::Object(responses)) = op.get_mut("responses") {
            if let Some(default) = responses.shift_remove("default") {
                // A bodiless `default` beside error statuses with a body would give the errors
                // two kinds, which progenitor rejects too: such a `default` (it only says "some
                // other failure") stays as an extension.
                let bodied_errors = responses
                    .iter()
                    .any(|(status, r)| !status.starts_with('2') && r.get("content").is_some());
                if default.get("content").is_none() && bodied_errors {
                    responses.insert("x-switchboard-default".into(), default);
                } else {
                    for range in ["4XX", "5XX"] {
                        responses.entry(range).or_insert_with(|| default.clone());
                    }
                }
            }
            for response in responses.values_mut() {
                if let Some(content) = response.get_mut("content") {
                    media_types(content);
                }
                if let Some(Value::Object(headers)) = response.get_mut("headers") {
                    for header in headers.values_mut() {
                        if let Some(s) = header.get_mut("schema") {
                            schema(s);
                        }
                    }
                }
            }
        }
    }
}

fn media_types(content: &mut Value) {
    let Value::Object(content) = content else {
        return;
    };
    for media in content.values_mut() {
        if let Some(s) = media.get_mut("schema") {
            schema(s);
        }
    }
}

/// Rewrites one schema and everything nested in it.
fn schema(value: &mut Value) {
    let Value::Object(s) = value else { return };
    for key in ["properties", "patternProperties"] {
        if let Some(Value::Object(children)) = s.get_mut(key) {
            children.values_mut().for_each(schema);
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = s.get_mut(key) {
            schema(child);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(children)) = s.get_mut(key) {
            children.iter_mut().for_each(schema);
        }
    }
    if let Some(c) = s.shift_remove("const") {
        s.insert("enum".into(), json!([c]));
    }
    if let Some(Value::Array(examples)) = s.shift_remove("examples")
        && let Some(first) = examples.into_iter().next()
    {
        s.insert("example".into(), first);
    }
    if let Some(Value::Array(types)) = s.get("type").cloned() {
        let non_null: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        if non_null.len() == 1 {
            s.insert("type".into(), non_null[0].clone());
        } else {
            s.shift_remove("type");
        }
        if non_null.len() < types.len() {
            s.insert("nullable".into(), true.into());
        }
    }
    if let Some(Value::Array(any)) = s.get("anyOf").cloned() {
        let is_null = |v: &Value| v.get("type") == Some(&Value::from("null"));
        if any.len() == 2 && any.iter().any(is_null) {
            let inner = any.into_iter().find(|v| !is_null(v)).unwrap_or_default();
            s.shift_remove("anyOf");
            if let Value::Object(inner) = inner {
                if inner.contains_key("$ref") {
                    s.insert("allOf".into(), json!([inner]));
                } else {
                    for (k, v) in inner {
                        s.entry(k).or_insert(v);
                    }
                }
            }
            s.insert("nullable".into(), true.into());
        }
    }
    if s.contains_key("$ref") && s.len() > 1 {
        let reference = s.shift_remove("$ref").unwrap_or_default();
        let mut rest = std::mem::take(s);
        rest.insert("allOf".into(), json!([{ "$ref": reference }]));
        *s = rest;
    }
}

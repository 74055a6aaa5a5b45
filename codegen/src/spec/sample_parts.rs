//! Sample parts: JSON said once in `service.yaml` (`sample_parts`) and written into a documented
//! sample with `$use: <name>` (a response envelope, a notification's call object).
//!
//! The outputs print samples verbatim, so resolution keeps the order of keys exactly as the
//! page prints it: the part's keys come first, in the part's order; a key written beside
//! `$use` that the part has takes the part key's place (a mapping is merged into the part's
//! mapping by the same rule, so a nested value can be changed alone); a key the part lacks
//! follows the part's keys, in the order written. A part whose order does not fit a page is
//! not used there: the sample is written out.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::decode::Sp;
use super::format::{EndpointSpec, Json};
use crate::diag::catalogue::suggest;
use crate::diag::{Problem, Span};

/// The key that stands for a sample part. `$` keeps it apart from vendor keys, which never
/// start with one in the sampled APIs; a vendor key `$use` would need a part-free sample.
pub const USE: &str = "$use";

/// Where a problem was found: the span of the JSON value that holds it and what in it to
/// point at.
pub(crate) struct Found {
    pub problem: Problem,
    pub span: Span,
    pub at: At,
}

/// What a diagnostic points at inside a JSON value.
pub(crate) enum At {
    /// The value itself.
    Value,
    /// The first `$use` of the value naming this part (`None`: the first `$use` at all).
    Use(Option<String>),
}

impl Found {
    /// The span to report, narrowed to the `$use` where the problem is one.
    pub fn span_in(&self, text: &str) -> Span {
        match &self.at {
            At::Value => self.span,
            At::Use(name) => locate_use(text, self.span, name.as_deref()),
        }
    }
}

/// Checks the parts themselves: each is a mapping and uses no other part (a part is plain
/// JSON, so what a sample shows is one lookup away).
pub(crate) fn check_parts(parts: &BTreeMap<String, Sp<Json>>) -> Vec<Found> {
    let mut found = Vec::new();
    for part in parts.values() {
        if !part.value.0.is_object() {
            found.push(Found {
                problem: Problem::NotAllowedHere {
                    key: "sample_parts".into(),
                    reason: "a sample part is a mapping of keys (e.g. a response envelope)".into(),
                },
                span: part.span,
                at: At::Value,
            });
        } else if contains_use(&part.value.0) {
            found.push(Found {
                problem: Problem::NotAllowedHere {
                    key: USE.into(),
                    reason: "a sample part cannot use another part; write its keys out".into(),
                },
                span: part.span,
                at: At::Use(None),
            });
        }
    }
    found
}

fn contains_use(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.contains_key(USE) || m.values().any(contains_use),
        Value::Array(a) => a.iter().any(contains_use),
        _ => false,
    }
}

/// Replaces every `$use` in the endpoint's sample bodies and notifications.
pub(crate) fn resolve_samples(
    parts: &BTreeMap<String, Sp<Json>>,
    e: &mut EndpointSpec,
) -> Vec<Found> {
    let mut found = Vec::new();
    for sample in &mut e.samples {
        let request = sample.request.as_mut().and_then(|r| r.body.as_mut());
        let response = sample.response.as_mut().and_then(|r| r.body.as_mut());
        let values = request
            .into_iter()
            .chain(response)
            .chain(&mut sample.events);
        for value in values {
            found.extend(resolve_value(parts, value));
        }
    }
    found
}

/// Replaces every `$use` in one sample value.
pub(crate) fn resolve_value(
    parts: &BTreeMap<String, Sp<Json>>,
    value: &mut Sp<Json>,
) -> Vec<Found> {
    let span = value.span;
    let mut problems = Vec::new();
    value.value.0 = expand(parts, std::mem::take(&mut value.value.0), &mut problems);
    problems
        .into_iter()
        .map(|(problem, name)| Found {
            problem,
            span,
            at: At::Use(name),
        })
        .collect()
}

type Problems = Vec<(Problem, Option<String>)>;

/// The value with every `$use` replaced by its part, merged with the keys written beside it.
pub(crate) fn expand(parts: &BTreeMap<String, Sp<Json>>, v: Value, out: &mut Problems) -> Value {
    match v {
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|x| expand(parts, x, out)).collect())
        }
        Value::Object(mut written) => {
            let Some(name) = written.shift_remove(USE) else {
                return Value::Object(
                    written
                        .into_iter()
                        .map(|(k, x)| (k, expand(parts, x, out)))
                        .collect(),
                );
            };
            let written: Map<String, Value> = written
                .into_iter()
                .map(|(k, x)| (k, expand(parts, x, out)))
                .collect();
            let Value::String(name) = name else {
                let problem = Problem::NotAllowedHere {
                    key: USE.into(),
                    reason: "`$use` names a sample part of service.yaml: write the name as text"
                        .into(),
                };
                out.push((problem, None));
                return Value::Object(written);
            };
            let Some(Value::Object(part)) = parts.get(&name).map(|p| &p.value.0) else {
                if !parts.contains_key(&name) {
                    let problem = Problem::UnknownReference {
                        kind: "sample part",
                        name: name.clone(),
                        suggestion: suggest(&name, parts.keys().map(String::as_str)),
                    };
                    out.push((problem, Some(name)));
                }
                return Value::Object(written);
            };
            let mut merged = part.clone();
            merge(&name, "", &mut merged, written, out);
            Value::Object(merged)
        }
        v => v,
    }
}

/// Writes `written` into the part's mapping: a key the part has keeps its place, a new key
/// follows. A key whose value is the part's own, or of another kind than the part's (a
/// mapping for text, say), is a conflict: the first says nothing, the second changes what
/// the part means.
fn merge(
    name: &str,
    at: &str,
    part: &mut Map<String, Value>,
    written: Map<String, Value>,
    out: &mut Problems,
) {
    for (key, value) in written {
        let path = if at.is_empty() {
            key.clone()
        } else {
            format!("{at}.{key}")
        };
        let Some(slot) = part.get_mut(&key) else {
            part.insert(key, value);
            continue;
        };
        let conflict = |message: String, hint: String| {
            (Problem::Conflict { message, hint }, Some(name.to_owned()))
        };
        if *slot == value {
            out.push(conflict(
                format!("`{path}` repeats the value sample part `{name}` already gives"),
                format!("leave `{path}` out: `$use: {name}` writes it"),
            ));
            continue;
        }
        match (slot, value) {
            (Value::Object(inner), Value::Object(value)) => merge(name, &path, inner, value, out),
            (slot, value) if slot.is_object() != value.is_object() => out.push(conflict(
                format!(
                    "`{path}` is {} here but {} in sample part `{name}`",
                    kind(&value),
                    kind(slot)
                ),
                format!(
                    "write `{path}` as {} (only its differing keys), or write the sample out without `$use: {name}`",
                    kind(slot)
                ),
            )),
            (slot, value) => *slot = value,
        }
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Object(_) => "a mapping",
        Value::Array(_) => "a sequence",
        Value::String(_) => "text",
        Value::Number(_) => "a number",
        Value::Bool(_) => "a boolean",
        Value::Null => "null",
    }
}

/// The span of the `$use: <name>` written in the value that starts at `span`, so that a
/// diagnostic points at the reference rather than at the whole sample (the JSON value keeps no
/// inner spans, and a mapping's span covers only its start). The first such text after the
/// value's start lies inside the value: the value holds it.
fn locate_use(text: &str, span: Span, name: Option<&str>) -> Span {
    let Some(inside) = text.get(span.start..) else {
        return span;
    };
    let mut from = 0;
    while let Some(i) = inside[from..].find(USE) {
        let at = from + i;
        let after = &inside[at + USE.len()..];
        let rest = after.trim_start_matches([':', ' ', '"', '\'']);
        let Some(name) = name else {
            return Span::new(span.start + at, span.start + at + USE.len());
        };
        let whole = rest
            .strip_prefix(name)
            .is_some_and(|after| !after.starts_with(|c: char| c.is_alphanumeric() || c == '_'));
        if whole {
            let end = at + USE.len() + (after.len() - rest.len()) + name.len();
            return Span::new(span.start + at, span.start + end);
        }
        from = at + USE.len();
    }
    span
}

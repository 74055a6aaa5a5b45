//! Which endpoint a request is for, and whether it keeps the documented constraints.

use serde_json::Value;

use super::Received;
use super::data::{EndpointData, RuleData, ServiceData};

/// The endpoint a request is for: method and path template first, then the constant dispatch
/// values (a query parameter, a body field or a header carrying it, e.g. an action the signing
/// scheme moved into a header).
pub(crate) fn route<'a>(service: &'a ServiceData, request: &Received) -> Option<&'a EndpointData> {
    let path = request.path.strip_prefix(service.base_path.as_str())?;
    service.endpoints.iter().find(|endpoint| {
        endpoint.method.eq_ignore_ascii_case(&request.method)
            && path_params(&endpoint.path, path).is_some()
            && endpoint
                .dispatch
                .iter()
                .all(|d| dispatch_matches(request, &d.name, &d.value))
    })
}

fn dispatch_matches(request: &Received, name: &str, value: &str) -> bool {
    request.query.iter().any(|(n, v)| n == name && v == value)
        || request.json().and_then(|b| b.get(name).cloned()) == Some(Value::from(value))
        || request.headers.iter().any(|(_, v)| v == value)
}

/// Matches a path against a template, returning the `{name}` values.
pub(crate) fn path_params(template: &str, path: &str) -> Option<Vec<(String, String)>> {
    let template: Vec<&str> = template.trim_end_matches('/').split('/').collect();
    let actual: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    if template.len() != actual.len() {
        return None;
    }
    let mut params = Vec::new();
    for (t, a) in template.iter().zip(&actual) {
        match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            Some(name) if !a.is_empty() => {
                params.push((name.to_owned(), crate::query::decode(a)));
            }
            Some(_) => return None,
            None if t == a => {}
            None => return None,
        }
    }
    Some(params)
}

/// A documented constraint a request breaks.
pub(crate) struct Violation {
    /// A required value is absent (vendors often have a code of its own for that).
    pub missing: bool,
    /// A sentence naming the value (a dotted path for nested body fields).
    pub message: String,
}

/// The first documented constraint the request breaks.
pub(crate) fn violation(
    endpoint: &EndpointData,
    request: &Received,
    path: &str,
) -> Option<Violation> {
    let path_values = path_params(&endpoint.path, path).unwrap_or_default();
    let body = request.json();
    for rule in endpoint.params.iter().chain(&endpoint.body) {
        if rule.from_auth {
            continue;
        }
        let value: Option<Value> = match rule.location.as_str() {
            "path" => text_value(path_values.iter().find(|(n, _)| *n == rule.name)),
            "query" => text_value(request.query.iter().find(|(n, _)| *n == rule.name)),
            "header" => text_value(
                request
                    .headers
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(&rule.name)),
            ),
            _ => body.as_ref().and_then(|b| b.get(&rule.name)).cloned(),
        };
        if let Some(problem) = check_present(rule, value.as_ref(), &rule.name) {
            return Some(problem);
        }
    }
    None
}

/// Checks a value that may be absent, then what is nested in it; `at` names it for the message.
fn check_present(rule: &RuleData, value: Option<&Value>, at: &str) -> Option<Violation> {
    let value = match value {
        None | Some(Value::Null) if rule.required => {
            return Some(Violation {
                missing: true,
                message: format!("{at} is required"),
            });
        }
        None | Some(Value::Null) => return None,
        Some(value) => value,
    };
    if let Some(problem) = check_value(rule, value) {
        return Some(Violation {
            missing: false,
            message: format!("{at} {problem}"),
        });
    }
    match value {
        Value::Object(map) => {
            for field in &rule.fields {
                let nested = format!("{at}.{}", field.name);
                if let Some(problem) = check_present(field, map.get(&field.name), &nested) {
                    return Some(problem);
                }
            }
            if let Some(values) = &rule.values {
                for (key, item) in map {
                    let nested = format!("{at}.{key}");
                    if let Some(problem) = check_present(values, Some(item), &nested) {
                        return Some(problem);
                    }
                }
            }
        }
        Value::Array(items) => {
            if let Some(rule) = &rule.items {
                for (i, item) in items.iter().enumerate() {
                    let nested = format!("{at}[{i}]");
                    if let Some(problem) = check_present(rule, Some(item), &nested) {
                        return Some(problem);
                    }
                }
            }
        }
        _ => {}
    }
    None
}

fn text_value(pair: Option<&(String, String)>) -> Option<Value> {
    pair.map(|(_, v)| Value::String(v.clone()))
}

/// Checks one value; texts from the path, query or headers stand for numbers when the rule is
/// numeric.
fn check_value(rule: &RuleData, value: &Value) -> Option<String> {
    let number = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s)
            if matches!(rule.kind.as_str(), "integer" | "number")
                || rule.min.is_some()
                || rule.max.is_some() =>
        {
            match s.trim().parse::<f64>() {
                Ok(n) => Some(n),
                Err(_) => return Some(format!("must be a number, got `{s}`")),
            }
        }
        _ => None,
    };
    if let Some(n) = number {
        if rule.kind == "integer" && n.fract() != 0.0 {
            return Some(format!("must be an integer, got {n}"));
        }
        if rule.min.is_some_and(|min| n < min) || rule.max.is_some_and(|max| n > max) {
            return Some(format!("{n} is outside {}", bounds(rule.min, rule.max)));
        }
    }
    let length = match value {
        Value::String(s) => Some(s.chars().count() as f64),
        Value::Array(items) => Some(items.len() as f64),
        _ => None,
    };
    if let Some(len) = length
        && (rule.min_length.is_some_and(|m| len < m) || rule.max_length.is_some_and(|m| len > m))
    {
        return Some(format!(
            "has length {len}, outside {}",
            bounds(rule.min_length, rule.max_length)
        ));
    }
    if let (Some(pattern), Value::String(s)) = (&rule.pattern, value) {
        let matches = regex_lite::Regex::new(&format!("^(?:{pattern})$")).map(|r| r.is_match(s));
        // A pattern this engine cannot compile checks nothing rather than refusing everything.
        if matches == Ok(false) {
            return Some(format!("must match `{pattern}`"));
        }
    }
    let kind_ok = match (rule.kind.as_str(), value) {
        ("boolean", v) => v.is_boolean() || v.as_str().is_some_and(|s| s == "true" || s == "false"),
        ("array", v) => v.is_array(),
        ("object" | "map", v) => v.is_object(),
        _ => true,
    };
    (!kind_ok).then(|| format!("must be of type {}", rule.kind))
}

fn bounds(min: Option<f64>, max: Option<f64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("{a}..={b}"),
        (Some(a), None) => format!(">= {a}"),
        (None, Some(b)) => format!("<= {b}"),
        (None, None) => String::new(),
    }
}

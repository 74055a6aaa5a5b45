//! `paths` with dispatched endpoints merged: one operation per real method and path.
//!
//! RPC-style APIs put several endpoints on one method and path and tell them apart by dispatch
//! values (an operation name in the body, an action in the query). Generic tools send a request
//! to the path key they read, so the key must be the wire path: the endpoints sharing one are
//! a single operation whose dispatch parameters list every value (`enum`), whose body is a
//! `oneOf` of the endpoints' bodies (each with its `const` dispatch property), and whose
//! responses are the `anyOf` of theirs. Each endpoint's own detail (summary, values, errors,
//! events, samples) stays in `x-switchboard-dispatch.operations`, and the description lists
//! the endpoints for readers of rendered pages. The rule is in `specs/README.md`, "RPC
//! dispatch in OpenAPI".
//!
//! Built from the per-endpoint operations of [`paths`](super::paths), so both forms say the
//! same thing about each endpoint.

use serde_json::{Map, Value, json};

use super::paths::{dispatch, emit_operation};
use crate::model::{Endpoint, Service};

/// `paths`: endpoints grouped by path, then method, in endpoint order.
pub(super) fn emit_paths(service: &Service) -> Map<String, Value> {
    let mut paths = Map::new();
    for (path, method, members) in operations(service) {
        let op = operation(service, &method, &path, &members);
        let item = paths
            .entry(path)
            .or_insert_with(|| Value::Object(Map::new()));
        item[&method] = op;
    }
    paths
}

/// The operation of `members` (one endpoint, or several sharing `method` and `path`).
pub(super) fn operation(
    service: &Service,
    method: &str,
    path: &str,
    members: &[&Endpoint],
) -> Value {
    match members {
        [endpoint] => emit_operation(service, endpoint),
        _ => merged(service, method, path, members),
    }
}

/// The operations of `paths`: path, method (lower case) and the endpoints that share them, in
/// the order of their first endpoint.
pub(super) fn operations(service: &Service) -> Vec<(String, String, Vec<&Endpoint>)> {
    let mut groups: Vec<(String, String, Vec<&Endpoint>)> = Vec::new();
    for endpoint in &service.endpoints {
        let method = endpoint.method.as_str().to_ascii_lowercase();
        match groups
            .iter_mut()
            .find(|(path, m, _)| *path == endpoint.path && *m == method)
        {
            Some((_, _, members)) => members.push(endpoint),
            None => groups.push((endpoint.path.clone(), method, vec![endpoint])),
        }
    }
    groups
}

/// The one operation of several endpoints on `method` and `path`.
fn merged(service: &Service, method: &str, path: &str, members: &[&Endpoint]) -> Value {
    let ops: Vec<(&Endpoint, Map<String, Value>)> = members
        .iter()
        .map(|e| match emit_operation(service, e) {
            Value::Object(op) => (*e, op),
            _ => unreachable!("an operation is an object"),
        })
        .collect();
    let names = dispatch_names(members);
    let mut op = Map::new();
    op.insert("operationId".into(), operation_id(method, path).into());
    op.insert(
        "summary".into(),
        format!(
            "{} operations, chosen by {}",
            members.len(),
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(" and ")
        )
        .into(),
    );
    op.insert("description".into(), description(&ops).into());
    let parameters = parameters(&ops, &names);
    if !parameters.is_empty() {
        op.insert("parameters".into(), parameters.into());
    }
    if let Some(body) = request_body(&ops) {
        op.insert("requestBody".into(), body);
    }
    op.insert("responses".into(), responses(&ops).into());
    op.insert("security".into(), security(&ops));
    let operations: Vec<Value> = ops
        .iter()
        .map(|(endpoint, op)| endpoint_entry(service, endpoint, op))
        .collect();
    op.insert(
        "x-switchboard-dispatch".into(),
        json!({ "method": method.to_ascii_uppercase(), "path": path, "operations": operations }),
    );
    Value::Object(op)
}

/// The dispatch value names of the group, in first-seen order.
fn dispatch_names(members: &[&Endpoint]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for d in members.iter().flat_map(|e| &e.dispatch) {
        if !names.contains(&d.name) {
            names.push(d.name.clone());
        }
    }
    names
}

/// `<method>_<path words>` (`post_me_calls_id`, `post_root`): a dot-free, stable name no
/// endpoint id takes, since ids are the endpoints' own names.
fn operation_id(method: &str, path: &str) -> String {
    let words: Vec<String> = path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    if words.is_empty() {
        format!("{method}_root")
    } else {
        format!("{method}_{}", words.join("_"))
    }
}

/// One section per endpoint: what selects it, its title, summary and description.
fn description(ops: &[(&Endpoint, Map<String, Value>)]) -> String {
    let mut out = String::from(
        "Several endpoints share this method and path; the dispatch values in the request \
         choose one. Each is listed below (and in `x-switchboard-dispatch.operations`).",
    );
    for (endpoint, op) in ops {
        let values: Vec<String> = endpoint
            .dispatch
            .iter()
            .map(|d| format!("`{}={}`", d.name, d.value))
            .collect();
        out.push_str(&format!(
            "\n\n## {} ({})\n\n{}",
            endpoint.title,
            values.join(", "),
            endpoint.summary
        ));
        if let Some(Value::String(url)) = op.get("externalDocs").and_then(|d| d.get("url")) {
            out.push_str(&format!("\n\nSource: <{url}>"));
        }
    }
    out
}

/// The endpoint's detail: its operation minus what the merged operation carries.
fn endpoint_entry(service: &Service, endpoint: &Endpoint, op: &Map<String, Value>) -> Value {
    let mut entry = Map::new();
    for (key, value) in op {
        match key.as_str() {
            "parameters" => {
                let names: Vec<Value> = value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|p| p.get("x-switchboard-dispatch").is_none())
                    .filter_map(|p| p.get("name").cloned())
                    .collect();
                entry.insert("parameters".into(), names.into());
            }
            "requestBody" | "responses" | "security" => {}
            "x-switchboard-dispatch" => {
                entry.insert(
                    "values".into(),
                    dispatch(service, endpoint)["values"].clone(),
                );
            }
            _ => {
                entry.insert(key.clone(), value.clone());
            }
        }
    }
    Value::Object(entry)
}

/// Parameters by (name, in), first-seen order. A dispatch parameter lists every value as an
/// `enum`; the `const` header alternatives a signing scheme may use instead are left to
/// `x-switchboard-dispatch` (the query form is what an unsigned request sends). Another
/// parameter keeps its schema when the endpoints agree, else `anyOf` their schemas; it is
/// required only when every endpoint requires it.
fn parameters(ops: &[(&Endpoint, Map<String, Value>)], names: &[String]) -> Vec<Value> {
    let mut order: Vec<(String, String)> = Vec::new();
    let mut by_key: Vec<Vec<(&Endpoint, &Value)>> = Vec::new();
    for (endpoint, op) in ops {
        for p in op
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let key = (str_at(p, "name"), str_at(p, "in"));
            match order.iter().position(|k| *k == key) {
                Some(i) => by_key[i].push((endpoint, p)),
                None => {
                    order.push(key);
                    by_key.push(vec![(endpoint, p)]);
                }
            }
        }
    }
    let mut out = Vec::new();
    for uses in by_key {
        let first = uses[0].1;
        let is_dispatch = first.get("x-switchboard-dispatch").is_some();
        let every = uses.len() == ops.len();
        if is_dispatch && !names.contains(&str_at(first, "name")) {
            continue;
        }
        let mut p = first.as_object().cloned().unwrap_or_default();
        let required = every && uses.iter().all(|(_, u)| u["required"] == true);
        p.insert("required".into(), required.into());
        let schemas: Vec<Value> = uses.iter().map(|(_, u)| u["schema"].clone()).collect();
        if is_dispatch {
            let values = distinct(schemas.iter().map(|s| s["const"].clone()).collect());
            p.insert("schema".into(), json!({ "type": "string", "enum": values }));
            p.insert(
                "description".into(),
                format!(
                    "{} One value per endpoint (see the description).",
                    str_at(first, "description")
                )
                .into(),
            );
        } else {
            merge_parameter(&mut p, &uses, every);
        }
        out.push(Value::Object(p));
    }
    out
}

/// A non-dispatch parameter several endpoints have. Where their descriptions differ, each is
/// given with the endpoints it belongs to. A schema `default` is what the server assumes when
/// the value is absent, and generated clients send it on every call (openapi-python-client
/// does), so it stays in the schema only when every endpoint has the parameter with that same
/// default; otherwise the defaults become prose, per endpoint.
fn merge_parameter(p: &mut Map<String, Value>, uses: &[(&Endpoint, &Value)], every: bool) {
    let ids = |of: &[&Endpoint]| {
        of.iter()
            .map(|e| format!("`{}`", e.id.0))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let by_description = grouped(
        uses.iter()
            .map(|(e, u)| (*e, u.get("description").cloned())),
    );
    let mut text = match &by_description[..] {
        [(Some(Value::String(d)), _)] => d.clone(),
        [(_, _)] => String::new(),
        _ => by_description
            .iter()
            .map(|(d, of)| match d {
                // Continuation lines indented, so each paragraph stays in its list item.
                Some(Value::String(d)) => format!("- {}: {}", ids(of), d.replace('\n', "\n  ")),
                _ => format!("- {}: (no description)", ids(of)),
            })
            .collect::<Vec<_>>()
            .join("\n"),
    };
    let mut schemas: Vec<Value> = uses.iter().map(|(_, u)| u["schema"].clone()).collect();
    let defaults = grouped(
        uses.iter()
            .zip(&schemas)
            .map(|((e, _), s)| (*e, s.get("default").cloned())),
    );
    let mut notes = Vec::new();
    if !every {
        notes.push(format!(
            "Used by {} only.",
            ids(&uses.iter().map(|(e, _)| *e).collect::<Vec<_>>())
        ));
    }
    let keep_default = every && defaults.len() == 1;
    if !keep_default && defaults.iter().any(|(d, _)| d.is_some()) {
        schemas.iter_mut().for_each(|s| {
            if let Value::Object(s) = s {
                s.shift_remove("default");
            }
        });
        let listed: Vec<String> = defaults
            .iter()
            .filter_map(|(d, of)| Some(format!("`{}` ({})", d.as_ref()?, ids(of))))
            .collect();
        notes.push(format!("Default when omitted: {}.", listed.join("; ")));
    }
    if !notes.is_empty() {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&notes.join(" "));
    }
    if text.is_empty() {
        p.shift_remove("description");
    } else {
        p.insert("description".into(), text.into());
    }
    p.insert("schema".into(), any_of(schemas));
    let examples = prefixed_examples(uses.iter().map(|(e, u)| (*e, u.get("examples"))));
    p.shift_remove("examples");
    if !examples.is_empty() {
        p.insert("examples".into(), examples.into());
    }
}

/// `(value, endpoints with it)` in first-seen order.
fn grouped<'a>(
    items: impl Iterator<Item = (&'a Endpoint, Option<Value>)>,
) -> Vec<(Option<Value>, Vec<&'a Endpoint>)> {
    let mut out: Vec<(Option<Value>, Vec<&Endpoint>)> = Vec::new();
    for (endpoint, value) in items {
        match out.iter_mut().find(|(v, _)| *v == value) {
            Some((_, of)) => of.push(endpoint),
            None => out.push((value, vec![endpoint])),
        }
    }
    out
}

/// `requestBody`: per media type, the `oneOf` of the endpoints' body schemas (each carries its
/// `const` dispatch property, so exactly one branch matches a request).
fn request_body(ops: &[(&Endpoint, Map<String, Value>)]) -> Option<Value> {
    let bodies: Vec<(&Endpoint, &Value)> = ops
        .iter()
        .filter_map(|(e, op)| Some((*e, op.get("requestBody")?)))
        .collect();
    let first = bodies.first()?.1;
    let mut body = Map::new();
    if let Some(d) = first.get("description") {
        body.insert("description".into(), d.clone());
    }
    let required = bodies.len() == ops.len() && bodies.iter().all(|(_, b)| b["required"] == true);
    body.insert("required".into(), required.into());
    body.insert(
        "content".into(),
        merged_content(bodies.iter().map(|(e, b)| (*e, b.get("content"))), "oneOf").into(),
    );
    Some(body.into())
}

/// `responses`: per status, the endpoints' responses with `anyOf` schemas (several bodies may
/// fit more than one endpoint's schema; the request said which endpoint answered).
fn responses(ops: &[(&Endpoint, Map<String, Value>)]) -> Map<String, Value> {
    let mut statuses: Vec<String> = Vec::new();
    for (_, op) in ops {
        for status in op["responses"]
            .as_object()
            .into_iter()
            .flat_map(|r| r.keys())
        {
            if !statuses.contains(status) {
                statuses.push(status.clone());
            }
        }
    }
    // `default` last, numbers ascending, as the per-endpoint form orders them.
    statuses.sort_by_key(|s| (s == "default", s.clone()));
    let mut out = Map::new();
    for status in statuses {
        let uses: Vec<(&Endpoint, &Value)> = ops
            .iter()
            .filter_map(|(e, op)| Some((*e, op["responses"].get(&status)?)))
            .collect();
        let descriptions = distinct(uses.iter().map(|(_, r)| r["description"].clone()).collect());
        let mut response = Map::new();
        let description = match &descriptions[..] {
            [one] => one.as_str().unwrap_or_default().to_owned(),
            _ => uses
                .iter()
                .map(|(e, r)| format!("- `{}`: {}", e.id.0, str_at(r, "description")))
                .collect::<Vec<_>>()
                .join("\n"),
        };
        response.insert("description".into(), description.into());
        let mut headers = Map::new();
        for (_, r) in &uses {
            if let Some(Value::Object(h)) = r.get("headers") {
                for (k, v) in h {
                    headers.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
        }
        if !headers.is_empty() {
            response.insert("headers".into(), headers.into());
        }
        let content = merged_content(uses.iter().map(|(e, r)| (*e, r.get("content"))), "anyOf");
        if !content.is_empty() {
            response.insert("content".into(), content.into());
        }
        out.insert(status, response.into());
    }
    out
}

/// `content` maps merged per media type: `keyword` (`oneOf`/`anyOf`) over the distinct schemas,
/// examples keyed `<endpoint id>/<sample>`.
fn merged_content<'a>(
    uses: impl Iterator<Item = (&'a Endpoint, Option<&'a Value>)>,
    keyword: &str,
) -> Map<String, Value> {
    let mut types: Vec<(String, Vec<(&Endpoint, &Value)>)> = Vec::new();
    for (endpoint, content) in uses {
        for (media, value) in content.and_then(Value::as_object).into_iter().flatten() {
            match types.iter_mut().find(|(m, _)| m == media) {
                Some((_, v)) => v.push((endpoint, value)),
                None => types.push((media.clone(), vec![(endpoint, value)])),
            }
        }
    }
    types
        .into_iter()
        .map(|(media, uses)| {
            let mut out = Map::new();
            let schemas: Vec<Value> = uses
                .iter()
                .filter_map(|(_, m)| m.get("schema").cloned())
                .collect();
            if !schemas.is_empty() {
                let schemas = distinct(schemas);
                let schema = match &schemas[..] {
                    [one] => one.clone(),
                    _ => json!({ keyword: schemas }),
                };
                out.insert("schema".into(), schema);
            }
            let examples = prefixed_examples(uses.iter().map(|(e, m)| (*e, m.get("examples"))));
            if !examples.is_empty() {
                out.insert("examples".into(), examples.into());
            }
            (media, Value::Object(out))
        })
        .collect()
}

/// Example maps of several endpoints, each key prefixed with its endpoint's id.
fn prefixed_examples<'a>(
    uses: impl Iterator<Item = (&'a Endpoint, Option<&'a Value>)>,
) -> Map<String, Value> {
    let mut out = Map::new();
    for (endpoint, examples) in uses {
        for (name, example) in examples.and_then(Value::as_object).into_iter().flatten() {
            out.insert(format!("{}/{name}", endpoint.id.0), example.clone());
        }
    }
    out
}

/// `security`: the union of the endpoints' alternatives, in first-seen order.
fn security(ops: &[(&Endpoint, Map<String, Value>)]) -> Value {
    let all = ops
        .iter()
        .flat_map(|(_, op)| {
            op.get("security")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    distinct(all).into()
}

/// `{"anyOf": schemas}`, or the one schema when all are the same but for their `examples`
/// (each endpoint's sample values), which are then pooled.
fn any_of(schemas: Vec<Value>) -> Value {
    let mut examples: Vec<Value> = Vec::new();
    let bare: Vec<Value> = schemas
        .into_iter()
        .map(|mut s| {
            if let Some(Value::Array(e)) =
                s.as_object_mut().and_then(|o| o.shift_remove("examples"))
            {
                examples.extend(e);
            }
            s
        })
        .collect();
    let bare = distinct(bare);
    match &bare[..] {
        [one] => {
            let mut one = one.clone();
            let examples = distinct(examples);
            if let (Value::Object(o), false) = (&mut one, examples.is_empty()) {
                o.insert("examples".into(), examples.into());
            }
            one
        }
        _ => json!({ "anyOf": bare }),
    }
}

fn distinct(values: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

fn str_at(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

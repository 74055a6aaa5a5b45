//! Documented samples as a reader would send them: the request line with the base URL's
//! defaults, the sample's path and query values and the dispatch values filled in.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use super::view::{SourceView, source};
use crate::model::{DispatchIn, Endpoint, ParamIn, Sample, Service};

/// A sample exchange.
#[derive(Debug, Serialize)]
pub struct SampleView {
    /// Name.
    pub name: String,
    /// What it shows.
    pub description: Option<String>,
    /// Where documented, when not on the endpoint's page.
    pub source: Option<SourceView>,
    /// `METHOD url` and the header lines.
    pub request_head: String,
    /// The request line as the page prints it.
    pub documented_line: Option<String>,
    /// Parameters the auth scheme adds (not shown).
    pub auth_added: Vec<String>,
    /// The `Content-Type` line this page adds from the spec's request media type (no sample
    /// prints one).
    pub content_type_added: Option<String>,
    /// Parts of the sample no page prints, and how they were made up.
    pub inferred: Option<String>,
    /// Request body, pretty JSON.
    pub request_body: Option<String>,
    /// Response status.
    pub status: u16,
    /// Response header lines.
    pub response_headers: Option<String>,
    /// Response body, pretty JSON.
    pub response_body: Option<String>,
    /// Error code the response carries.
    pub error: Option<String>,
    /// Notifications, pretty JSON.
    pub events: Vec<String>,
}

/// The view of one sample.
pub fn sample_view(service: &Service, endpoint: &Endpoint, sample: &Sample) -> SampleView {
    let value = |name: &str, default: Option<&Value>, from_auth: bool| {
        sample
            .params
            .get(name)
            .or(if from_auth { None } else { default })
            .map(plain)
    };
    let mut query = Vec::new();
    let mut headers = Vec::new();
    for d in &endpoint.dispatch {
        match d.location {
            DispatchIn::Query => query.push((d.name.clone(), d.value.clone())),
            DispatchIn::Header => headers.push((d.name.clone(), d.value.clone())),
            DispatchIn::Body => {}
        }
    }
    let mut auth_added = Vec::new();
    for p in &endpoint.params {
        let name = &p.field.name.wire;
        let Some(v) = value(name, p.field.default.as_ref(), p.from_auth) else {
            if p.from_auth {
                auth_added.push(name.clone());
            }
            continue;
        };
        match p.location {
            ParamIn::Query => query.push((name.clone(), v)),
            ParamIn::Header => headers.push((name.clone(), one_line(&v))),
            ParamIn::Path => {}
        }
    }
    let mut content_type_added = None;
    if let Some(body) = &endpoint.request
        && sample.request_body.is_some()
        && !headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
    {
        headers.push(("Content-Type".to_owned(), body.content_type.clone()));
        content_type_added = Some(body.content_type.clone());
    }

    let base = fill(&service.base_url.template, |name| {
        service
            .base_url
            .variables
            .iter()
            .find(|v| v.name.wire == name)
            .and_then(|v| v.default.clone())
    });
    let path = fill(&endpoint.path, |name| {
        sample
            .params
            .get(name)
            .map(|v| encode(&plain(v), PATH_SAFE))
    });
    let mut line = format!("{} {base}{path}", endpoint.method.as_str());
    for (i, (k, v)) in query.iter().enumerate() {
        let sep = if i == 0 { '?' } else { '&' };
        let _ = write!(
            line,
            "{sep}{}={}",
            encode(k, QUERY_SAFE),
            encode(v, QUERY_SAFE)
        );
    }

    for (k, v) in &headers {
        let _ = write!(line, "\n{k}: {v}");
    }
    SampleView {
        name: sample.name.clone(),
        description: sample.description.clone(),
        source: sample.source.as_ref().map(source),
        request_head: line,
        documented_line: sample.documented_line.clone(),
        auth_added,
        content_type_added,
        inferred: crate::model::inferred_list(&sample.inferred),
        request_body: sample.request_body.as_ref().map(pretty),
        status: sample.status,
        response_headers: (!sample.response_headers.is_empty()).then(|| {
            sample
                .response_headers
                .iter()
                .map(|(k, v)| format!("{k}: {}", one_line(v)))
                .collect::<Vec<_>>()
                .join("\n")
        }),
        response_body: sample.response_body.as_ref().map(pretty),
        error: sample.error.as_ref().map(ToString::to_string),
        events: sample.events.iter().map(pretty).collect(),
    }
}

/// Replaces each `{name}` of a template; unknown names stay as they are.
fn fill(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let name = &after[..close];
        match value(name) {
            Some(v) => out.push_str(&v),
            None => {
                out.push('{');
                out.push_str(name);
                out.push('}');
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// A parameter value as sent: strings without quotes, everything else as JSON.
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => serde_json::to_string(other).expect("a JSON value always serializes"),
    }
}

fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Pretty JSON; bidirectional controls inside strings written as `\u` escapes (same value,
/// but they cannot reorder what the reader sees).
pub fn pretty(v: &Value) -> String {
    let text = serde_json::to_string_pretty(v).expect("a JSON value always serializes");
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// Characters left as they are in a path segment (RFC 3986 pchar).
const PATH_SAFE: &str = "-._~!$&'()*+,;=:@";
/// Characters left as they are in a query name or value.
const QUERY_SAFE: &str = "-._~!$'()*,;:@/?";

fn encode(s: &str, safe: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || safe.as_bytes().contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_known_names_only() {
        let got = fill("https://{ip}:{port}/x", |n| {
            (n == "port").then(|| "8043".to_owned())
        });
        assert_eq!(got, "https://{ip}:8043/x");
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(encode("a b&c=d->e", QUERY_SAFE), "a%20b%26c%3Dd-%3Ee");
        assert_eq!(encode("a/b", PATH_SAFE), "a%2Fb");
    }
}

//! An endpoint module's docs: the page's title, summary and description, how to call it, who
//! may, what it triggers and returns, what is open, and where it comes from.

use proc_macro2::TokenStream;

use super::docs::{code, markdown, vendor};
use super::types::inferred_docs;
use crate::model::{Endpoint, ParamIn, Service};

fn location(location: ParamIn) -> &'static str {
    match location {
        ParamIn::Path => "path",
        ParamIn::Query => "query",
        ParamIn::Header => "header",
    }
}

/// The `//!` docs of an endpoint's module.
pub fn module_docs(service: &Service, endpoint: &Endpoint) -> TokenStream {
    let list = |items: &[String]| {
        items
            .iter()
            .map(|i| format!("- {}", vendor(i).replace('\n', "\n  ")))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let codes = |items: Vec<String>| items.iter().map(|i| code(i)).collect::<Vec<_>>().join(", ");
    let mut parts: Vec<String> = vec![format!(
        "{}: {}",
        vendor(&endpoint.title),
        vendor(&endpoint.summary)
    )];
    if let Some(d) = &endpoint.description {
        parts.push(vendor(d));
    }
    parts.push(code(&format!(
        "{} {}{}",
        endpoint.method.as_str(),
        service.base_url.template,
        endpoint.path
    )));
    if !endpoint.prerequisites.is_empty() {
        parts.push(format!("Prerequisites:\n{}", list(&endpoint.prerequisites)));
    }
    if let Some(c) = &endpoint.callers {
        parts.push(format!("Who may call it: {}", vendor(c)));
    }
    if let Some(a) = &endpoint.authorization {
        parts.push(format!("Authorization: {}", vendor(a)));
    }
    // The page's words on what the auth scheme fills in: the builder has no setter to carry
    // them, so they are said here.
    let supplied: Vec<String> = endpoint
        .params
        .iter()
        .filter(|p| p.from_auth)
        .map(|p| {
            let description = p.field.description.as_deref().map(vendor);
            let description = description.map(|d| format!(": {d}")).unwrap_or_default();
            let inferred = inferred_docs(&p.field.inferred)
                .map(|i| format!(" {i}"))
                .unwrap_or_default();
            format!(
                "- {} ({}){description}{inferred}",
                code(&p.field.name.wire),
                location(p.location)
            )
        })
        .collect();
    if !supplied.is_empty() {
        parts.push(format!(
            "Supplied by the authentication scheme, not by the caller:\n{}",
            supplied.join("\n")
        ));
    }
    if !endpoint.required_features.is_empty() {
        parts.push(format!(
            "Required features: {}.",
            codes(endpoint.required_features.clone())
        ));
    }
    if let Some(log) = &endpoint.log_name {
        parts.push(format!("Method name in the vendor's logs: {}.", code(log)));
    }
    if !endpoint.events.is_empty() {
        parts.push(format!(
            "Triggers: {}.",
            codes(endpoint.events.iter().map(|e| e.0.clone()).collect())
        ));
    }
    if !endpoint.errors.is_empty() {
        parts.push(format!(
            "Documented error codes: {}.",
            codes(endpoint.errors.iter().map(|e| e.code.to_string()).collect())
        ));
    }
    for h in &endpoint.history {
        let en = h
            .change_en
            .as_deref()
            .map(|e| format!(" ({})", vendor(e)))
            .unwrap_or_default();
        parts.push(format!(
            "Changed {}: {}{en}",
            vendor(&h.date),
            vendor(&h.change)
        ));
    }
    // A list the page's copy is cut off in is unknown, not empty: say so, or the silence
    // above reads as "none".
    parts.extend(endpoint.not_shown_all().into_iter().map(|(_, text)| text));
    if !endpoint.unconfirmed.is_empty() {
        parts.push(format!("Unconfirmed:\n{}", list(&endpoint.unconfirmed)));
    }
    parts.push(format!("Source: {}", vendor(&endpoint.source.url)));
    markdown(&parts.join("\n\n"))
}

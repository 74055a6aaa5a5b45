//! Markdown assembled from the model's prose (OpenAPI descriptions are CommonMark). Vendor text
//! is kept verbatim; only the headings and lists around it are ours.

use crate::model::{Endpoint, Field, Source};

/// Non-empty parts joined as paragraphs; `None` when all are empty.
pub(super) fn paragraphs<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> Option<String> {
    let parts: Vec<&str> = parts
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

/// A bold label followed by a bullet list; `None` for an empty list.
pub(super) fn list(label: &str, items: &[String]) -> Option<String> {
    if items.is_empty() {
        return None;
    }
    let mut out = format!("**{label}**\n");
    for item in items {
        out.push_str("\n- ");
        out.push_str(&item.trim().replace('\n', "\n  "));
    }
    Some(out)
}

/// A bold label followed by inline text.
pub(super) fn labelled(label: &str, value: Option<&str>) -> Option<String> {
    value.map(|v| format!("**{label}:** {}", v.trim()))
}

/// `[title](url)`, plus the note.
pub(super) fn source_line(source: &Source) -> String {
    let title = source.title.as_deref().unwrap_or(&source.url);
    let mut line = format!("[{}]({})", title.replace(['[', ']'], ""), source.url);
    if let Some(note) = &source.note {
        line.push_str(": ");
        line.push_str(note.trim());
    }
    line
}

/// A field's description, its English rendering and what the page leaves open.
pub(super) fn field_description(field: &Field) -> Option<String> {
    let unconfirmed = labelled("Unconfirmed", field.unconfirmed.as_deref());
    paragraphs([
        field.description.as_deref(),
        field.description_en.as_deref(),
        unconfirmed.as_deref(),
    ])
}

/// An operation's description: the vendor's text, then who may call it and what must hold, the
/// log name, required features and the facts the page leaves open.
pub(super) fn endpoint_description(endpoint: &Endpoint) -> Option<String> {
    let features: Vec<String> = endpoint
        .required_features
        .iter()
        .map(|f| format!("`{f}`"))
        .collect();
    let features = (!features.is_empty()).then(|| features.join(", "));
    let log_name = endpoint.log_name.as_ref().map(|l| format!("`{l}`"));
    let parts = [
        endpoint.description.clone(),
        list("Prerequisites", &endpoint.prerequisites),
        labelled("Callers", endpoint.callers.as_deref()),
        labelled("Required features", features.as_deref()),
        labelled("Log name", log_name.as_deref()),
        list("Unconfirmed", &endpoint.unconfirmed),
    ];
    paragraphs(parts.iter().map(Option::as_deref))
}

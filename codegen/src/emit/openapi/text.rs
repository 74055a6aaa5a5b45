//! Markdown assembled from the model's prose (OpenAPI descriptions are CommonMark). Vendor text
//! is kept verbatim; only the headings and lists around it are ours.

use serde_json::Value;

use crate::model::{Endpoint, Field, INFERRED_LABEL, REQUIRED_UNKNOWN, Source, inferred_list};

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
    bullets(items).map(|b| format!("**{label}**\n\n{b}"))
}

/// A bullet list; `None` for an empty list.
pub(super) fn bullets(items: &[String]) -> Option<String> {
    let lines: Vec<String> = items
        .iter()
        .map(|item| format!("- {}", item.trim().replace('\n', "\n  ")))
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// A bold label followed by inline text.
pub(super) fn labelled(label: &str, value: Option<&str>) -> Option<String> {
    value.map(|v| format!("**{label}:** {}", v.trim()))
}

/// `[title](url)` (or `<url>` without a title), plus the note.
pub(super) fn source_line(source: &Source) -> String {
    let mut line = match &source.title {
        Some(title) => format!("[{}]({})", title.replace(['[', ']'], ""), source.url),
        None => format!("<{}>", source.url),
    };
    if let Some(note) = &source.note {
        line.push_str(": ");
        line.push_str(note.trim());
    }
    line
}

/// A field's description, its English rendering and what the page leaves open.
pub(super) fn field_description(field: &Field) -> Option<String> {
    let unconfirmed = labelled("Unconfirmed", field.unconfirmed.as_deref());
    let inferred = labelled(INFERRED_LABEL, inferred_list(&field.inferred).as_deref());
    // Not in `required` is no statement that it is optional: say the page is silent.
    let required = field.required_unknown.then_some(REQUIRED_UNKNOWN);
    let values = crate::model::page_values_sentence(&field.page_values);
    let members: Vec<String> = field.member_docs.iter().map(|d| d.sentence()).collect();
    paragraphs(
        [
            field.description.as_deref(),
            field.description_en.as_deref(),
            values.as_deref(),
        ]
        .into_iter()
        .chain(members.iter().map(|m| Some(m.as_str())))
        .chain([required, unconfirmed.as_deref(), inferred.as_deref()]),
    )
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
        labelled("Authorization", endpoint.authorization.as_deref()),
        labelled("Required features", features.as_deref()),
        labelled("Log name", log_name.as_deref()),
        list("Unconfirmed", &endpoint.unconfirmed),
        list(
            "Not shown by the page",
            &endpoint
                .not_shown_all()
                .into_iter()
                .map(|(_, text)| text)
                .collect::<Vec<_>>(),
        ),
    ];
    paragraphs(parts.iter().map(Option::as_deref))
}

/// Makes every Markdown `description` of the document safe to render (see [`safe_markdown`]).
/// Data is left alone: example values, defaults, constants and `x-` extensions are not prose.
pub(super) fn sanitize_descriptions(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match (key.as_str(), child) {
                    ("description", Value::String(text)) => *text = safe_markdown(text),
                    ("value" | "examples" | "example" | "default" | "const" | "enum", _) => {}
                    (key, _) if key.starts_with("x-") => {}
                    (_, child) => sanitize_descriptions(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(sanitize_descriptions),
        _ => {}
    }
}

/// Vendor prose made safe for Markdown renderers, which pass raw HTML through: outside code
/// spans and fenced blocks, a `<` that would open an HTML tag becomes `&lt;` (it still reads
/// `<`), and a `javascript:` link loses its link syntax. Everything else is kept verbatim.
pub(super) fn safe_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prose = String::new();
    let mut fence: Option<(char, usize)> = None;
    for (i, line) in text.split('\n').enumerate() {
        let newline = if i > 0 { "\n" } else { "" };
        let trimmed = line.trim_start_matches(' ');
        let marker = (line.len() - trimmed.len() < 4)
            .then(|| trimmed.chars().next())
            .flatten()
            .filter(|c| matches!(c, '`' | '~'))
            .map(|c| (c, trimmed.chars().take_while(|x| *x == c).count()))
            .filter(|(_, n)| *n >= 3);
        match (fence, marker) {
            (Some((c, n)), Some((m, k))) if m == c && k >= n && trimmed.trim_end().len() == k => {
                fence = None;
                out.push_str(newline);
                out.push_str(line);
            }
            (Some(_), _) => {
                out.push_str(newline);
                out.push_str(line);
            }
            (None, Some(opening)) => {
                out.push_str(&escape_inline(&std::mem::take(&mut prose)));
                fence = Some(opening);
                out.push_str(newline);
                out.push_str(line);
            }
            (None, None) => {
                prose.push_str(newline);
                prose.push_str(line);
            }
        }
    }
    out.push_str(&escape_inline(&prose));
    out
}

/// Escapes HTML openings and `javascript:` links outside code spans.
fn escape_inline(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let rest = |i: usize| chars[i..].iter().collect::<String>();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '`' {
            let run = chars[i..].iter().take_while(|x| **x == '`').count();
            let end = crate::emit::code_span_end(&chars, i).unwrap_or(i + run);
            out.extend(&chars[i..end]);
            i = end;
            continue;
        }
        if c == '\\' && next.is_some() {
            out.extend(&chars[i..i + 2]);
            i += 2;
            continue;
        }
        if c == '<' && next.is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'))
        {
            if let Some(len) = safe_autolink(&rest(i)) {
                out.extend(&chars[i..i + len]);
                i += len;
            } else {
                out.push_str("&lt;");
                i += 1;
            }
            continue;
        }
        if c == ']'
            && next == Some('(')
            && rest(i + 2)
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("javascript:")
        {
            out.push_str("]\\(");
            i += 2;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Length of an `<http(s)://...>` or `<mailto:...>` autolink at the start of `text`.
fn safe_autolink(text: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    if !["<http://", "<https://", "<mailto:"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        return None;
    }
    let end = text.find('>')?;
    let inner = &text[1..end];
    (!inner.contains(|c: char| c.is_whitespace() || c == '<')).then(|| inner.chars().count() + 2)
}

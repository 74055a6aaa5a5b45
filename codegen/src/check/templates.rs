//! URI templates: placeholders match declared path parameters and base URL variables exactly.

use super::Cx;
use crate::diag::{FileId, Problem, Span};
use crate::spec::{ParamIn, Text};

/// A placeholder found in a template: its name and its byte span in the file.
pub struct Placeholder {
    /// The name between the braces.
    pub name: String,
    /// Where it is in the file (braces included).
    pub span: Span,
}

/// Splits a template into placeholders, or says why it is malformed. `base` is the template's
/// span in the file, so placeholder spans point into the file. Quoted YAML strings shift offsets
/// by the opening quote, which `content_offset` accounts for.
pub fn placeholders(template: &str, base: Span, source: &str) -> Result<Vec<Placeholder>, String> {
    let offset = content_offset(template, base, source);
    let mut out = Vec::new();
    let mut rest = template.char_indices().peekable();
    while let Some((i, c)) = rest.next() {
        match c {
            '{' => {
                let mut name = String::new();
                let mut closed = false;
                for (_, c) in rest.by_ref() {
                    if c == '}' {
                        closed = true;
                        break;
                    }
                    name.push(c);
                }
                if !closed {
                    return Err(format!("`{{` at byte {i} is never closed"));
                }
                if name.is_empty()
                    || !name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                {
                    return Err(format!("`{{{name}}}` is not a valid placeholder"));
                }
                let start = offset + i;
                out.push(Placeholder {
                    span: Span::new(start, start + name.len() + 2),
                    name,
                });
            }
            '}' => return Err(format!("`}}` at byte {i} has no matching `{{`")),
            _ => {}
        }
    }
    Ok(out)
}

fn content_offset(template: &str, base: Span, source: &str) -> usize {
    let written = source.get(base.start..base.end).unwrap_or("");
    match written.find(template) {
        Some(i) => base.start + i,
        None => base.start,
    }
}

/// Path placeholders ↔ path parameters; base URL placeholders ↔ variables.
pub fn check_templates(cx: &mut Cx<'_>) {
    let service = cx.service;
    let spec = &service.spec;
    let declared: Vec<&Text> = spec.base_url.variables.iter().map(|v| &v.name).collect();
    check_one(
        cx,
        service.file,
        &spec.base_url.template,
        &declared,
        "base URL variable",
    );
    for (file, endpoint) in &service.endpoints {
        if !endpoint.path.value.starts_with('/') {
            cx.report(
                Problem::MalformedTemplate {
                    message: "a path starts with `/`".into(),
                },
                *file,
                endpoint.path.span,
            );
            continue;
        }
        let declared: Vec<&Text> = endpoint
            .params
            .iter()
            .filter(|p| {
                p.location
                    .as_ref()
                    .is_some_and(|l| l.value == ParamIn::Path)
            })
            .filter_map(|p| p.name.as_ref())
            .collect();
        check_one(cx, *file, &endpoint.path, &declared, "path parameter");
    }
}

fn check_one(
    cx: &mut Cx<'_>,
    file: FileId,
    template: &Text,
    declared: &[&Text],
    kind: &'static str,
) {
    let sources = cx.sources;
    let source = &sources.get(file).text;
    let found = match placeholders(&template.value, template.span, source) {
        Ok(found) => found,
        Err(message) => {
            cx.report(Problem::MalformedTemplate { message }, file, template.span);
            return;
        }
    };
    for placeholder in &found {
        if !declared.iter().any(|d| d.value == placeholder.name) {
            cx.report(
                Problem::UndeclaredPlaceholder {
                    name: placeholder.name.clone(),
                    kind,
                },
                file,
                placeholder.span,
            );
        }
    }
    for name in declared {
        if !found.iter().any(|p| p.name == name.value) {
            cx.report(
                Problem::UnusedPlaceholder {
                    name: name.value.clone(),
                    kind,
                },
                file,
                name.span,
            );
        }
    }
    let mut seen = Vec::new();
    for placeholder in &found {
        if seen.contains(&&placeholder.name) {
            cx.report(
                Problem::MalformedTemplate {
                    message: format!("`{{{}}}` appears twice", placeholder.name),
                },
                file,
                placeholder.span,
            );
        }
        seen.push(&placeholder.name);
    }
}

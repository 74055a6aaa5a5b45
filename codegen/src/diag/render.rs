//! rustc-style rendering: `path:line:col: error[CODE]: message`, a snippet with a caret, help.

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

use super::{Diagnostic, SourceMap};

/// Renders diagnostics, one block each, separated by blank lines. `color` selects ANSI styling.
pub fn render(diagnostics: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for diagnostic in diagnostics {
        out.push_str(&render_one(diagnostic, sources, &renderer));
        out.push('\n');
    }
    let count = diagnostics.len();
    out.push_str(&format!(
        "error: {count} problem{} found in the specs\n",
        if count == 1 { "" } else { "s" }
    ));
    out
}

fn render_one(d: &Diagnostic, sources: &SourceMap, renderer: &Renderer) -> String {
    let file = sources.get(d.loc.file);
    let (line, col) = file.line_col(d.loc.span.start);
    let path = file.path.display().to_string();
    let message = one_line(&d.problem.message());
    let code = d.problem.code();
    let mut head = format!("{path}:{line}:{col}: error[{code}]: {message}\n");

    let primary = clamp(d.loc.span.start, d.loc.span.end, &file.text);
    let primary_label = one_line(&d.problem.label());
    let mut here = Vec::new();
    let mut elsewhere = Vec::new();
    for label in &d.labels {
        if label.loc.file == d.loc.file {
            let range = clamp(label.loc.span.start, label.loc.span.end, &file.text);
            here.push((range, one_line(&label.message)));
        } else {
            elsewhere.push(label);
        }
    }
    let mut snippet = Snippet::source(file.text.as_str())
        .path(path.as_str())
        .annotation(AnnotationKind::Primary.span(primary).label(&primary_label));
    for (range, text) in &here {
        snippet = snippet.annotation(AnnotationKind::Context.span(range.clone()).label(text));
    }
    let mut group = Level::ERROR
        .primary_title(message.as_str())
        .id(code)
        .element(snippet);
    let mut other_snippets = Vec::new();
    for label in &elsewhere {
        let other = sources.get(label.loc.file);
        let range = clamp(label.loc.span.start, label.loc.span.end, &other.text);
        other_snippets.push((other, range, one_line(&label.message)));
    }
    for (other, range, message) in &other_snippets {
        group = group.element(
            Snippet::source(other.text.as_str())
                .path(other.path.to_str().unwrap_or("?"))
                .annotation(AnnotationKind::Context.span(range.clone()).label(message)),
        );
    }
    let help = d.problem.help().map(|h| one_line(&h));
    if let Some(help) = &help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    let rendered = renderer.render(&[group]);
    // The library's own title line repeats the message; our first line replaces it so that
    // editors and CI annotators can parse `path:line:col:` at the start of a line.
    let body: Vec<&str> = rendered.lines().skip(1).collect();
    head.push_str(&body.join("\n"));
    head.push('\n');
    head
}

/// Spec text quoted in a message (a key, a value) may hold line breaks and other control
/// characters; written as escapes, every message stays on its line, so `path:line:col:` is
/// always followed by the snippet and a tool reading the output line by line is not misled.
fn one_line(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| match c {
            '\n' => "\\n".to_owned(),
            '\r' => "\\r".to_owned(),
            '\t' => "\\t".to_owned(),
            c if c.is_control() => c.escape_unicode().to_string(),
            c => c.to_string(),
        })
        .collect()
}

fn clamp(start: usize, end: usize, text: &str) -> std::ops::Range<usize> {
    let mut start = start.min(text.len());
    while start > 0 && !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = end.max(start).min(text.len());
    while end < text.len() && !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

//! Vendor text → rustdoc attributes, sanitized so rustdoc never runs or misreads vendor prose.

use proc_macro2::TokenStream;
use quote::quote;

/// One `#[doc = "..."]` per line of sanitized vendor text.
pub fn doc(text: &str) -> TokenStream {
    let lines = sanitize(text);
    quote! { #( #[doc = #lines] )* }
}

/// One `#[doc = "..."]` per line of markdown the generator wrote itself, vendor parts already
/// passed through [`vendor`] or [`code`].
pub fn markdown(text: &str) -> TokenStream {
    let lines: Vec<String> = text.split('\n').map(|l| format!(" {l}")).collect();
    quote! { #( #[doc = #lines] )* }
}

/// Vendor text as safe markdown (see [`sanitize`]), to embed in generator-written markdown.
pub fn vendor(text: &str) -> String {
    sanitize(text)
        .iter()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Bidirectional override and isolate controls, which rustc refuses in comments and literals
/// (they can make code read differently than it compiles), written as their code points.
pub fn visible_bidi(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => format!("<U+{:04X}>", c as u32),
            c => c.to_string(),
        })
        .collect()
}

/// Any text as one inline code span: newlines folded, a fence longer than any backtick run.
pub fn code(text: &str) -> String {
    let text = visible_bidi(text)
        .replace(['\r', '\n'], " ")
        .replace('\0', "");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') || text.is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// One `#![doc = "..."]` per line: docs of the enclosing item (a crate's `lib.rs`).
pub fn inner_doc(text: &str) -> TokenStream {
    let lines = sanitize(text);
    quote! { #( #![doc = #lines] )* }
}

/// Parts of a doc comment run together into as few lines as keep them readable: a part follows
/// the text so far on its line when that is one line ending a sentence and the two stay short
/// (a long first paragraph would make rustdoc's summary unreadable), else after a blank line.
/// Every doc line is an attribute rustc parses, in every endpoint of a client.
pub fn sentences<S: AsRef<str>>(parts: &[S]) -> String {
    let mut text = String::new();
    for part in parts
        .iter()
        .map(AsRef::as_ref)
        .filter(|p| !p.trim().is_empty())
    {
        if !text.is_empty() {
            let last = text.rsplit('\n').next().unwrap_or_default();
            let ends_sentence = !last.contains("```")
                && !last.trim_start().starts_with("- ")
                && last
                    .trim_end()
                    .ends_with(['.', '。', '!', '?', '！', '？', ')', '）']);
            let short = text.chars().count() + part.chars().count() <= SHORT_LINE;
            text.push_str(if ends_sentence && short && !text.contains('\n') {
                " "
            } else {
                "\n\n"
            });
        }
        text.push_str(part);
    }
    text
}

/// Characters of doc text that still read as one line.
const SHORT_LINE: usize = 100;

/// Several paragraphs, blank-line separated; empty ones skipped.
pub fn doc_paragraphs<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> TokenStream {
    let mut text = String::new();
    for part in parts.into_iter().flatten() {
        if part.trim().is_empty() {
            continue;
        }
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(part);
    }
    doc(&text)
}

/// Sanitizes vendor prose into rustdoc lines:
/// - code fences become `text` blocks (never doctests), and their content is left alone;
/// - outside fences: leading indentation is removed (indented blocks would be doctests),
///   `<`, `>` and `&` are escaped (no HTML), `[`, `]` and `` ` `` are escaped (no broken links
///   or stray code spans), bare URLs are wrapped in `<...>`;
/// - an unclosed fence is closed.
pub fn sanitize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    let text = visible_bidi(text);
    for raw in text.replace('\r', "").split('\n') {
        let line: String = raw.chars().filter(|c| *c != '\0').collect();
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            out.push(if in_fence {
                " ```".to_owned()
            } else {
                " ```text".to_owned()
            });
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(format!(" {}", line.replace("```", "`\u{200b}``")));
            continue;
        }
        out.push(format!(" {}", prose(trimmed)));
    }
    if in_fence {
        out.push(" ```".to_owned());
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    out
}

fn prose(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while !rest.is_empty() {
        // A closed code span stays code: rustdoc shows its content literally (no links, HTML
        // or doctests), so only an unclosed backtick needs escaping.
        if rest.starts_with('`') {
            let chars: Vec<char> = rest.chars().collect();
            if let Some(end) = crate::emit::code_span_end(&chars, 0) {
                let span: String = chars[..end].iter().collect();
                out.push_str(&span);
                rest = &rest[span.len()..];
                continue;
            }
        }
        if let Some(url_len) = url_at(rest) {
            out.push('<');
            out.push_str(&rest[..url_len]);
            out.push('>');
            rest = &rest[url_len..];
            continue;
        }
        let c = rest.chars().next().expect("rest is not empty");
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '[' | ']' | '`' | '*' | '\\' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '#' if out.is_empty() => out.push_str("\\#"),
            _ => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Length of a URL starting at the beginning of `s`, if one does.
fn url_at(s: &str) -> Option<usize> {
    if !(s.starts_with("https://") || s.starts_with("http://")) {
        return None;
    }
    let len = s
        .char_indices()
        .find(|(_, c)| {
            c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | '|' | '(' | ')' | '[' | ']')
        })
        .map_or(s.len(), |(i, _)| i);
    let trimmed = s[..len].trim_end_matches(['.', ',', ';', ':', '!', '?']);
    (trimmed.len() > "https://".len()).then_some(trimmed.len())
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn fences_become_text_and_prose_is_escaped() {
        let lines = sanitize(
            "See https://example.com/a.\n```rust\nfn main() {}\n```\n    indented <b>[x]</b> `y` */",
        );
        assert_eq!(
            lines,
            vec![
                " See <https://example.com/a>.",
                " ```text",
                " fn main() {}",
                " ```",
                " indented &lt;b&gt;\\[x\\]&lt;/b&gt; `y` \\*/",
            ]
        );
    }

    #[test]
    fn unclosed_fence_is_closed() {
        assert_eq!(sanitize("```\ncode"), vec![" ```text", " code", " ```"]);
    }
}

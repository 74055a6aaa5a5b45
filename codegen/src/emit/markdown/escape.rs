//! Escaping of vendor text for Markdown. Templates print nothing unescaped (the formatter in
//! `env.rs` refuses plain strings), so every spec string reaches the page through one of these.
//!
//! The rules hold for GitHub-flavoured Markdown and for mdBook (pulldown-cmark): a value can
//! neither end a table cell, start a block (heading, list, quote, code), open inline markup
//! (emphasis, links, images, code, math) nor inject HTML.

use std::fmt::Write as _;

/// A table cell: inline text, `|` escaped (inside code spans too: tables split rows on `|`
/// before they see code spans), newlines as `<br>`.
pub fn cell(s: &str) -> String {
    let lines: Vec<String> = s
        .trim()
        .lines()
        .map(|line| escape_inline(line.trim(), true, true))
        .collect();
    lines.join("<br>")
}

/// Inline text on one line (headings, list items, link texts): newlines become spaces.
pub fn line(s: &str) -> String {
    inline(&one_line(s))
}

/// Prose: blank lines separate paragraphs, single newlines stay soft breaks (the spec's own
/// wrapping), and no line can start a block.
pub fn text(s: &str) -> String {
    let mut paragraphs: Vec<Vec<String>> = vec![Vec::new()];
    for raw in s.lines() {
        let raw = raw.trim();
        if raw.is_empty() {
            if paragraphs.last().is_some_and(|p| !p.is_empty()) {
                paragraphs.push(Vec::new());
            }
            continue;
        }
        let escaped = block_start(inline(raw));
        paragraphs
            .last_mut()
            .expect("starts with one paragraph")
            .push(escaped);
    }
    paragraphs
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| p.join("\n"))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// An inline code span whose fence is longer than any backtick run inside.
pub fn code(s: &str) -> String {
    let content = visible_controls(&one_line(s));
    let content = content.trim();
    if content.is_empty() {
        return String::new();
    }
    let fence = "`".repeat(longest_run(content, '`') + 1);
    // CommonMark strips one space from each end when both are there, so padding lets a span
    // start or end with a backtick.
    if content.starts_with('`') || content.ends_with('`') {
        format!("{fence} {content} {fence}")
    } else {
        format!("{fence}{content}{fence}")
    }
}

/// A code span inside a table cell: GitHub and pulldown-cmark split rows on `|` before they
/// see code spans, so the pipe is escaped there too (the escape is removed from the span).
pub fn cell_code(s: &str) -> String {
    code(s).replace('|', "\\|")
}

/// A fenced code block (`lang` names the highlighting), fenced longer than any backtick run.
pub fn fence(s: &str, lang: &str) -> String {
    let body = visible_controls(s.trim_end_matches('\n'));
    let fence = "`".repeat((longest_run(&body, '`') + 1).max(3));
    format!("{fence}{lang}\n{body}\n{fence}")
}

/// A link; without a label, an autolink (or the address as link text, for relative ones).
/// An address that is neither http(s) nor relative is shown as code, never linked.
pub fn link(url: &str, label: Option<&str>) -> String {
    let label = label.filter(|l| !l.trim().is_empty());
    match (href(url), label) {
        (Some(target), Some(label)) => {
            format!("[{}]({target})", inline_no_autolink(&one_line(label)))
        }
        (Some(target), None) if target.contains("://") => format!("<{target}>"),
        (Some(target), None) => format!("[{}]({target})", inline_no_autolink(&one_line(url))),
        (None, Some(label)) => format!("{} ({})", line(label), code(url)),
        (None, None) => code(url),
    }
}

/// A link target: http(s) or relative addresses only, percent-encoded where Markdown or HTML
/// would read a character as syntax.
pub fn href(url: &str) -> Option<String> {
    let url = url.trim();
    let scheme_end = url.find(':');
    let before_path = url.find(['/', '?', '#']).unwrap_or(url.len());
    let allowed = match scheme_end {
        Some(i) if i < before_path => {
            let scheme = url[..i].to_ascii_lowercase();
            scheme == "http" || scheme == "https"
        }
        _ => !url.is_empty(),
    };
    if !allowed {
        return None;
    }
    let mut out = String::new();
    for b in url.bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-._~:/?#@!$&'*+,;=%".contains(&b);
        if keep {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    Some(out)
}

/// Newlines, tabs and other control characters become spaces.
fn one_line(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Bidirectional embeddings, overrides and isolates can make text display in another order
/// than it reads; they are shown as their code point instead. Marks (U+200E/F) stay.
fn visible_controls(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_bidi_control(c) {
            let _ = write!(out, "(U+{:04X})", u32::from(c));
        } else if c.is_control() && c != '\n' {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn longest_run(s: &str, ch: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in s.chars() {
        run = if c == ch { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// Escapes one line of inline text; bare URLs become autolinks (markdownlint MD034).
fn inline(s: &str) -> String {
    escape_inline(s, true, false)
}

/// Link texts cannot hold links, so URLs in them are escaped like any text.
fn inline_no_autolink(s: &str) -> String {
    escape_inline(s, false, false)
}

/// Escapes inline text. A closed code span (`` `Data` ``) is kept as code: its content is
/// literal to every renderer, so it can open nothing, and the spec's own code marks render as
/// code instead of as backslashed backticks. An unclosed backtick is escaped.
fn escape_inline(s: &str, autolink: bool, in_cell: bool) -> String {
    let s = visible_controls(s);
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '`'
            && let Some(end) = crate::emit::code_span_end(&chars, i)
        {
            let span: String = chars[i..end].iter().collect();
            out.push_str(&if in_cell {
                span.replace('|', "\\|")
            } else {
                span
            });
            i = end;
            continue;
        }
        if autolink && let Some(len) = url_at(&chars, i) {
            out.push('<');
            out.extend(&chars[i..i + len]);
            out.push('>');
            i += len;
            continue;
        }
        let c = chars[i];
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // Intraword underscores open no emphasis; leaving them keeps identifiers readable.
            '_' if i > 0
                && chars[i - 1].is_alphanumeric()
                && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric()) =>
            {
                out.push('_');
            }
            // `@` and `www.` would make GitHub link an address or host (markdownlint MD034).
            '.' if i >= 3
                && chars[i - 3..i] == ['w', 'w', 'w']
                && (i == 3 || !chars[i - 4].is_alphanumeric()) =>
            {
                out.push_str("\\.");
            }
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '{' | '}' | '~' | '$' | '@' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
        i += 1;
    }
    out
}

/// Length of an `http(s)://` address starting at `i`, if one does.
fn url_at(chars: &[char], i: usize) -> Option<usize> {
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '<') {
        return None;
    }
    let rest: String = chars[i..chars.len().min(i + 8)].iter().collect();
    let scheme = if rest.to_ascii_lowercase().starts_with("https://") {
        8
    } else if rest.to_ascii_lowercase().starts_with("http://") {
        7
    } else {
        return None;
    };
    let mut end = i + scheme;
    while end < chars.len() && is_url_char(chars[end]) {
        end += 1;
    }
    // Sentence punctuation after an address is not part of it.
    while end > i + scheme {
        let last = chars[end - 1];
        let unbalanced_paren = last == ')'
            && chars[i..end].iter().filter(|&&c| c == '(').count()
                < chars[i..end].iter().filter(|&&c| c == ')').count();
        if ".,;:!?]*_'".contains(last) || unbalanced_paren {
            end -= 1;
        } else {
            break;
        }
    }
    (end > i + scheme).then_some(end - i)
}

fn is_url_char(c: char) -> bool {
    c.is_ascii_graphic() && !"<>\"'`|{}\\^".contains(c)
}

/// Escapes what would start a block at the beginning of a prose line: ATX headings, list
/// items (`-`, `+`, `1.`, `1)`), setext underlines (`=`), definitions (`:`, mdBook); quotes,
/// tables and fences are already escaped inline.
fn block_start(line: String) -> String {
    let first = line.chars().next();
    match first {
        Some('#' | '-' | '+' | '=' | ':') => format!("\\{line}"),
        Some(c) if c.is_ascii_digit() => {
            let digits = line.chars().take_while(char::is_ascii_digit).count();
            match line[digits..].chars().next() {
                Some('.' | ')') => format!("{}\\{}", &line[..digits], &line[digits..]),
                _ => line,
            }
        }
        _ => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_keep_their_column() {
        assert_eq!(cell("a | b\nc"), "a \\| b<br>c");
        assert_eq!(cell("<script>x</script>"), "&lt;script&gt;x&lt;/script&gt;");
        assert_eq!(cell("`x|y` `z"), "`x\\|y` \\`z");
    }

    #[test]
    fn code_fence_outgrows_backticks() {
        assert_eq!(code("a``b"), "```a``b```");
        assert_eq!(code("`a"), "`` `a ``");
        assert_eq!(cell_code("a|b"), "`a\\|b`");
        assert_eq!(fence("x\n```\ny", "text"), "````text\nx\n```\ny\n````");
    }

    #[test]
    fn prose_cannot_open_blocks() {
        assert_eq!(
            text("# h\n- l\n1. n\n\n\nnext"),
            "\\# h\n\\- l\n1\\. n\n\nnext"
        );
        assert_eq!(text("    indented"), "indented");
        assert_eq!(text("a_b _c_ *d*"), "a_b \\_c\\_ \\*d\\*");
    }

    #[test]
    fn addresses_are_not_linked() {
        assert_eq!(line("a@b.test www.c.test"), "a\\@b.test www\\.c.test");
    }

    #[test]
    fn urls_become_autolinks() {
        assert_eq!(
            line("see https://x.test/a_b. ok"),
            "see <https://x.test/a_b>. ok"
        );
        assert_eq!(line("(http://x.test/p)"), "(<http://x.test/p>)");
    }

    #[test]
    fn only_web_links_link() {
        assert_eq!(href("javascript:alert(1)"), None);
        assert_eq!(
            href("https://x.test/a b(c)").as_deref(),
            Some("https://x.test/a%20b%28c%29")
        );
        assert_eq!(href("README.md#x").as_deref(), Some("README.md#x"));
        assert_eq!(link("javascript:x", Some("t")), "t (`javascript:x`)");
        assert_eq!(link("https://x.test/a", None), "<https://x.test/a>");
        assert_eq!(link("a.md", Some("")), "[a.md](a.md)");
    }

    #[test]
    fn bidi_overrides_are_shown() {
        assert_eq!(line("a\u{202E}b\u{200F}"), "a(U+202E)b\u{200F}");
    }
}

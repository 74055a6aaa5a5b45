//! Heading anchors as GitHub and mdBook make them: the heading's text lower-cased, letters,
//! digits, `_` and `-` kept, spaces turned into `-`, everything else dropped; a repeated slug
//! gets `-1`, `-2`, ... in page order.
//!
//! The overview page is rendered once, its headings read back with their slugs, and the slugs
//! handed to every page that links there, so a link can never name an anchor the page lacks.

use std::collections::HashSet;

/// A heading of a rendered page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    /// 1 for `#`, 2 for `##`, ...
    pub level: usize,
    /// The text a reader sees.
    pub text: String,
    /// Its anchor.
    pub slug: String,
}

/// The ATX headings of a page outside fenced code blocks, with their unique slugs.
pub fn headings(markdown: &str) -> Vec<Heading> {
    let mut used = HashSet::new();
    let mut out = Vec::new();
    let mut fence: Option<String> = None;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if let Some(open) = &fence {
            if trimmed.starts_with(open.as_str()) && trimmed.trim_matches('`').trim().is_empty() {
                fence = None;
            }
            continue;
        }
        if trimmed.starts_with("```") {
            let ticks = trimmed.chars().take_while(|&c| c == '`').count();
            fence = Some("`".repeat(ticks));
            continue;
        }
        let level = line.chars().take_while(|&c| c == '#').count();
        if (1..=6).contains(&level) && line[level..].starts_with(' ') {
            let text = plain_text(line[level..].trim());
            let slug = unique(&slug(&text), &mut used);
            out.push(Heading { level, text, slug });
        }
    }
    out
}

/// The slug of a heading text (before de-duplication).
pub fn slug(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                Some(c)
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

fn unique(slug: &str, used: &mut HashSet<String>) -> String {
    if used.insert(slug.to_owned()) {
        return slug.to_owned();
    }
    (1..)
        .map(|n| format!("{slug}-{n}"))
        .find(|candidate| used.insert(candidate.clone()))
        .expect("some suffix is free")
}

/// The text of inline Markdown as the escapers in `escape.rs` write it: backslash escapes,
/// the entities `&amp;`, `&lt;`, `&gt;`, autolinks and code spans.
pub fn plain_text(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek().is_some_and(char::is_ascii_punctuation) => {
                out.extend(chars.next());
            }
            '&' => {
                let rest: String = chars.clone().take(4).collect();
                let (decoded, skip) = if rest.starts_with("amp;") {
                    ('&', 4)
                } else if rest.starts_with("lt;") {
                    ('<', 3)
                } else if rest.starts_with("gt;") {
                    ('>', 3)
                } else {
                    ('&', 0)
                };
                out.push(decoded);
                for _ in 0..skip {
                    chars.next();
                }
            }
            '`' | '<' | '>' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_github() {
        assert_eq!(slug("Common error codes"), "common-error-codes");
        assert_eq!(
            slug("AgentConf_ParticipantChanged"),
            "agentconf_participantchanged"
        );
        assert_eq!(slug("Path (v2): a.b"), "path-v2-ab");
    }

    #[test]
    fn repeated_headings_get_suffixes_and_fences_hide_hashes() {
        let page = "# A\n\n```json\n# not\n```\n\n## A\n\n### A\\_b &lt;x&gt;\n";
        let slugs: Vec<_> = headings(page).into_iter().map(|h| h.slug).collect();
        assert_eq!(slugs, ["a", "a-1", "a_b-x"]);
    }
}

//! Hostile vendor text (`tests/fixtures/valid/hostile_api`: comment closers, `"#`, template
//! markers, `</script>`, pipes, backticks and fences, newlines and CR, NUL, right-to-left
//! marks, Chinese, `_emphasis_`, in every text field) reaches every output as that text:
//!
//! - Rust: wherever a hostile value appears, the rendered rustdoc (CommonMark) or the string
//!   literal (as the compiler reads it) says exactly that text; no raw HTML; no codepoint
//!   that rustc refuses in source; the module compiles (`tests/build-script`);
//! - OpenAPI: a structurally valid document (and a valid one for openapi-spec-validator when
//!   `scripts/validate-openapi` has installed it), descriptions rendering to that text, data
//!   (examples) byte-exact;
//! - Markdown: the text is in the rendered page outside code blocks, every table row has the
//!   header's column count, and the sample code blocks hold the bodies exactly (fences,
//!   `</script>` and NUL inside JSON strings included).
//!
//! "Exactly" means: what a reader sees (see [`visible`]); raw HTML never counts as text.

use std::collections::BTreeSet;
use std::path::PathBuf;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde_json::Value;
use switchboard_codegen::Builder;
use switchboard_codegen::spec::yaml::{self, Node, NodeKind};
use switchboard_tests::{TempDir, copy_tree, root};

use crate::common::files_in;

/// A hostile value of the fixture: every string scalar holding an `end-<tag>` marker.
#[derive(Debug)]
struct Hostile {
    tag: String,
    raw: String,
}

impl Hostile {
    fn visible(&self) -> String {
        visible(&self.raw)
    }
}

/// What a reader sees of `text`, compared loosely: NUL and CR dropped (no output can show
/// them), runs of whitespace folded (Markdown folds them), and Markdown's formatting marks
/// (`` ` `` `*` `_` `~` `#`) dropped, since vendor prose may use code spans and emphasis.
/// What must survive is every other character: `</script>` as text, `{{ x }}` unevaluated,
/// `|` inside its cell, `*/`, quotes, Chinese and right-to-left marks.
fn visible(text: &str) -> String {
    text.replace(['\0', '\r', '`', '*', '_', '~', '#'], "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn hostile_values() -> Vec<Hostile> {
    fn walk(node: &Node, out: &mut Vec<Hostile>) {
        match &node.kind {
            NodeKind::Str(s) => {
                if let Some((tag, _)) = s.split_once(": ")
                    && s.contains(&format!("end-{tag}"))
                {
                    out.push(Hostile {
                        tag: tag.to_owned(),
                        raw: s.clone(),
                    });
                }
            }
            NodeKind::Seq(items) => items.iter().for_each(|n| walk(n, out)),
            NodeKind::Map(entries) => entries.iter().for_each(|(_, v)| walk(v, out)),
            _ => {}
        }
    }
    let dir = root().join("tests/fixtures/valid/hostile_api");
    let mut out = Vec::new();
    let mut files = vec![dir.join("service.yaml")];
    files.extend(files_in(&dir.join("endpoints")));
    for file in files {
        let text = std::fs::read_to_string(&file).expect("fixture");
        walk(&yaml::parse(&text).expect("valid YAML"), &mut out);
    }
    assert!(
        out.len() >= 25,
        "the fixture has a hostile value in every text field"
    );
    out
}

/// The hostile fixture generated into a fresh folder.
fn generated() -> (TempDir, PathBuf) {
    let tmp = TempDir::new("injection");
    copy_tree(
        &root().join("tests/fixtures/valid/hostile_api"),
        &tmp.path().join("specs/hostile_api"),
    );
    let out = tmp.path().join("out");
    Builder::new()
        .specs_dir(tmp.path().join("specs"))
        .out_dir(&out)
        .generate()
        .unwrap_or_else(|e| panic!("the hostile fixture generates:\n{e}"));
    (tmp, out)
}

/// CommonMark as a reader sees it: text and code spans, outside and inside code blocks. Raw
/// HTML is left out (a browser would not show it as text), so vendor text that turns into
/// HTML is not "intact".
#[derive(Default)]
struct Rendered {
    prose: String,
    code_blocks: Vec<String>,
    html: Vec<String>,
}

fn render(markdown: &str) -> Rendered {
    let mut out = Rendered::default();
    let mut in_code: Option<String> = None;
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code = Some(String::new()),
            Event::End(TagEnd::CodeBlock) => {
                out.code_blocks.push(in_code.take().unwrap_or_default());
                out.prose.push('\n');
            }
            Event::Text(text) | Event::Code(text) => match &mut in_code {
                Some(code) => code.push_str(&text),
                None => out.prose.push_str(&text),
            },
            // A line break the generator writes inside a table cell.
            Event::InlineHtml(html) if html.eq_ignore_ascii_case("<br>") => out.prose.push(' '),
            Event::Html(html) | Event::InlineHtml(html) => out.html.push(html.to_string()),
            Event::SoftBreak | Event::HardBreak => out.prose.push(' '),
            Event::End(_) => out.prose.push('\n'),
            _ => {}
        }
    }
    out
}

/// Checks one output: `units` are the texts a reader sees (rendered docs, literals, JSON
/// strings), `raw` the file. Returns the tags that appear in the file but not intact.
fn broken_tags(hostile: &[Hostile], raw: &str, units: &[String]) -> BTreeSet<String> {
    let units: Vec<String> = units.iter().map(|u| visible(u)).collect();
    hostile
        .iter()
        .filter(|h| raw.contains(&format!("{}:", h.tag)))
        .filter(|h| {
            // Data (an example value) may be shown as the JSON it is.
            let json = visible(&serde_json::to_string(&h.raw).expect("a string serializes"));
            !units
                .iter()
                .any(|u| u.contains(&h.visible()) || u.contains(&json))
        })
        .map(|h| h.tag.clone())
        .collect()
}

/// Codepoints rustc refuses anywhere in source, comments included
/// (`text_direction_codepoint_in_literal`, `text_direction_codepoint_in_comment`).
const BIDI_CONTROLS: &[char] = &[
    '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}',
];

/// Tags a generator defect currently breaks, per output, reported to the owners of the
/// emitters. The test fails when one of them is fixed too, so the list only ever shrinks.
const KNOWN_BROKEN: &[(&str, &str)] = &[];

fn assert_broken(output: &str, broken: BTreeSet<String>) {
    let known: BTreeSet<String> = KNOWN_BROKEN
        .iter()
        .filter(|(o, _)| *o == output)
        .map(|(_, t)| (*t).to_owned())
        .collect();
    assert_eq!(
        broken, known,
        "{output}: hostile text not rendered as written (left: broken now, right: known)"
    );
}

struct Literals(Vec<String>);

impl<'ast> syn::visit::Visit<'ast> for Literals {
    fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
        self.0.push(lit.value());
    }
}

/// The doc comments of the Rust source, one CommonMark document per run of `///` or `//!`
/// lines.
fn doc_blocks(source: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in source.lines() {
        let trimmed = line.trim_start();
        let doc = trimmed
            .strip_prefix("///")
            .or_else(|| trimmed.strip_prefix("//!"));
        match (doc, &mut current) {
            (Some(text), Some(block)) => {
                block.push('\n');
                block.push_str(text);
            }
            (Some(text), None) => current = Some(text.to_owned()),
            (None, _) => blocks.extend(current.take()),
        }
    }
    blocks.extend(current);
    blocks
}

#[test]
fn rust_docs_and_literals_say_the_hostile_text() {
    let hostile = hostile_values();
    let (_tmp, out) = generated();
    let mut broken = BTreeSet::new();
    let mut html = Vec::new();
    for file in [
        "rust/hostile_api/src/lib.rs",
        "rust/hostile_api/tests/samples.rs",
    ] {
        let source = std::fs::read_to_string(out.join(file)).expect("generated Rust");
        let parsed = syn::parse_file(&source).unwrap_or_else(|e| panic!("{file} parses: {e}"));
        let mut literals = Literals(Vec::new());
        syn::visit::Visit::visit_file(&mut literals, &parsed);
        let mut units = literals.0;
        for block in doc_blocks(&source) {
            let rendered = render(&block);
            html.extend(
                rendered
                    .html
                    .iter()
                    .filter(|h| h.contains("script"))
                    .cloned(),
            );
            units.push(rendered.prose);
            units.extend(rendered.code_blocks);
        }
        broken.extend(broken_tags(&hostile, &source, &units));
        if source.contains('\0') {
            broken.insert("(raw NUL in the source)".to_owned());
        }
    }
    if !html.is_empty() {
        eprintln!("vendor HTML in rustdoc: {html:?}");
        broken.insert("(vendor HTML)".to_owned());
    }
    assert_broken("rust", broken);
}

/// rustc refuses bidi control codepoints anywhere in a source file unless escaped; the
/// fixture's service description holds U+202E and U+202C.
#[test]
fn rust_source_has_no_raw_bidi_controls() {
    let (_tmp, out) = generated();
    for file in [
        "rust/hostile_api/src/lib.rs",
        "rust/hostile_api/tests/samples.rs",
    ] {
        let source = std::fs::read_to_string(out.join(file)).expect("generated Rust");
        for (n, line) in source.lines().enumerate() {
            assert!(
                !line.contains(BIDI_CONTROLS),
                "{file}:{}: raw bidi control: {line}",
                n + 1
            );
        }
    }
}

/// Every string of a JSON document with the key it is under; keys inside `x-` extensions
/// are reported as `x-` (their text is plain, not CommonMark).
fn json_strings(value: &Value, key: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::String(s) => out.push((key.to_owned(), s.clone())),
        Value::Array(items) => items.iter().for_each(|v| json_strings(v, key, out)),
        Value::Object(map) => {
            for (k, v) in map {
                out.push((String::from("(key)"), k.clone()));
                let inner = if key == "x-" || k.starts_with("x-") {
                    "x-"
                } else {
                    k
                };
                json_strings(v, inner, out);
            }
        }
        _ => {}
    }
}

#[test]
fn openapi_is_valid_and_says_the_hostile_text() {
    let hostile = hostile_values();
    let (_tmp, out) = generated();
    let path = out.join("openapi/hostile_api.json");
    let text = std::fs::read_to_string(&path).expect("document");
    let doc: Value = serde_json::from_str(&text).expect("valid JSON");
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1"))
    );
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
    assert!(doc["paths"].as_object().is_some_and(|p| !p.is_empty()));
    let mut strings = Vec::new();
    json_strings(&doc, "", &mut strings);
    let mut units = Vec::new();
    let mut html = Vec::new();
    for (key, value) in &strings {
        // `description` is CommonMark; `summary`, `title` and the rest are plain text.
        if key == "description" {
            let rendered = render(value);
            html.extend(
                rendered
                    .html
                    .iter()
                    .filter(|h| h.contains("script"))
                    .cloned(),
            );
            units.push(rendered.prose);
            units.extend(rendered.code_blocks);
        } else {
            units.push(value.clone());
        }
    }
    let mut broken = broken_tags(&hostile, &text, &units);
    if !html.is_empty() {
        eprintln!("vendor HTML in descriptions: {html:?}");
        broken.insert("(vendor HTML)".to_owned());
    }
    assert_broken("openapi", broken);
    // Data is not prose: an example holding NUL, CR and newlines comes back byte for byte.
    let example = hostile
        .iter()
        .find(|h| h.tag == "ep-header-example")
        .expect("the header example");
    assert!(
        strings.iter().any(|(_, s)| *s == example.raw),
        "the example is not kept exactly"
    );
}

/// The hostile document passes the validator `scripts/validate-openapi` installs. Ignored by a
/// plain `cargo test` (the validator may not be installed); `bash scripts/test` installs it
/// and runs this test, which then fails if the validator is missing.
#[test]
#[ignore = "needs .venv/ (bash scripts/validate-openapi); bash scripts/test runs it"]
fn openapi_validator_accepts_the_hostile_document() {
    let (_tmp, out) = generated();
    let path = out.join("openapi/hostile_api.json");
    let validator = root().join(".venv/bin/openapi-spec-validator");
    assert!(
        validator.is_file(),
        "openapi-spec-validator is not installed: run `bash scripts/validate-openapi`"
    );
    let output = std::process::Command::new(&validator)
        .arg(&path)
        .output()
        .expect("the validator runs");
    assert!(
        output.status.success(),
        "openapi-spec-validator rejects the hostile document:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Unescaped `|` in a table line: GFM's column separators.
fn separators(line: &str) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => count += 1,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    count
}

#[test]
fn markdown_keeps_tables_code_blocks_and_the_hostile_text() {
    let hostile = hostile_values();
    let (_tmp, out) = generated();
    let pages = files_in(&out.join("docs/hostile_api"));
    assert!(!pages.is_empty());
    let mut broken = BTreeSet::new();
    let mut json_blocks = Vec::new();
    for page in &pages {
        let name = page.display().to_string();
        let text = std::fs::read_to_string(page).expect("page");
        // Tables: every row has as many separators as the header.
        let mut header: Option<usize> = None;
        for (n, line) in text.lines().enumerate() {
            if line.starts_with('|') {
                let count = separators(line);
                match header {
                    None => header = Some(count),
                    Some(h) => {
                        assert_eq!(count, h, "{name}:{}: a row breaks its table: {line}", n + 1)
                    }
                }
            } else {
                header = None;
            }
        }
        let rendered = render(&text);
        for block in &rendered.code_blocks {
            if let Ok(value) = serde_json::from_str::<Value>(block) {
                json_blocks.push(value);
            }
        }
        let leaked: Vec<&String> = rendered
            .html
            .iter()
            .filter(|h| h.contains("script"))
            .collect();
        if !leaked.is_empty() {
            eprintln!("{name}: vendor HTML: {leaked:?}");
            broken.insert("(vendor HTML)".to_owned());
        }
        broken.extend(broken_tags(
            &hostile,
            &text,
            std::slice::from_ref(&rendered.prose),
        ));
        assert!(
            !text.contains("svc-description-end")
                || visible(&rendered.prose).contains("svc-description-end"),
            "{name}: the text after the vendor's code block is swallowed"
        );
    }
    // The samples' code blocks hold the bodies exactly, fences and NUL in strings included.
    let model = Builder::new()
        .specs_dir(root().join("tests/fixtures/valid"))
        .validate()
        .expect("valid fixtures");
    let service = model
        .services
        .iter()
        .find(|s| s.name == "hostile_api")
        .expect("hostile_api");
    let mut bodies = 0;
    for endpoint in &service.endpoints {
        for sample in &endpoint.samples {
            for body in sample.request_body.iter().chain(&sample.response_body) {
                assert!(
                    json_blocks.contains(body),
                    "sample {} of {}: no code block holds {body}",
                    sample.name,
                    endpoint.id.0
                );
                bodies += 1;
            }
        }
    }
    assert!(
        bodies >= 2,
        "the fixture's sample has a request and a response body"
    );
    assert_broken("markdown", broken);
}

//! Every Rust identifier the generator makes comes from here.
//!
//! heck does the case conversion; keywords become raw identifiers (`r#type`); `self`, `Self`,
//! `super` and `crate`, which cannot be raw, get a `_` suffix; a leading digit gets a `_` prefix
//! (error codes get `E`, which reads better in a match). Characters that cannot appear in an
//! identifier separate words. Collisions are not resolved here: `check` reports them.

use heck::{ToSnakeCase, ToUpperCamelCase};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Replaces characters that cannot be in an identifier by word breaks.
fn words(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect()
}

fn finish(ident: String, prefix: &str) -> String {
    let ident = if ident.is_empty() {
        "value".to_owned()
    } else {
        ident
    };
    let ident = if ident.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{prefix}{ident}")
    } else {
        ident
    };
    if NOT_RAW.contains(&ident.as_str()) {
        format!("{ident}_")
    } else if KEYWORDS.contains(&ident.as_str()) {
        format!("r#{ident}")
    } else {
        ident
    }
}

/// A field, parameter or method name: `snake_case`.
pub fn field_ident(name: &str) -> String {
    finish(words(name).to_snake_case(), "_")
}

/// A type name: `UpperCamelCase`.
pub fn type_ident(name: &str) -> String {
    finish(words(name).to_upper_camel_case(), "_")
}

/// An enum variant for a documented value.
pub fn variant_ident(value: &str) -> String {
    let ident = words(value).to_upper_camel_case();
    if ident.is_empty() {
        return "Empty".to_owned();
    }
    finish(ident, "V")
}

/// The type-name part a member contributes to the names of its inline types: from its
/// spec-given Rust name (`rust_name: agent_type` → `AgentType`) when it has one, else from the
/// wire name as always (so nothing else is renamed).
pub fn member_type_ident(wire: &str, rust: &str) -> String {
    let source = if rust == field_ident(wire) {
        wire
    } else {
        rust
    };
    type_ident(source).trim_start_matches("r#").to_owned()
}

/// Whether rustdoc accepts `text` as a `#[doc(alias)]` (no quotes, backticks, tabs or line
/// breaks, no spaces at the ends, not empty); other texts get no alias.
pub fn doc_alias_ok(text: &str) -> bool {
    !text.is_empty()
        && text.trim() == text
        && !text
            .chars()
            .any(|c| matches!(c, '"' | '\'' | '`' | '\t' | '\n' | '\r'))
}

/// An error enum variant for a vendor code: `NotExists.JobId` → `NotExistsJobId`,
/// `000-002` → `E000_002`, `141005` → `E141005`.
pub fn error_variant_ident(code: &str) -> String {
    if code.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
        let body: String = code
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        return format!("E{}", body.trim_start_matches('_'));
    }
    finish(words(code).to_upper_camel_case(), "E")
}

/// The text of a JSON scalar as a name source (`"OUTBOUND"` → `OUTBOUND`, `4` → `4`).
pub fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The generated crate's package name for a service: `switchboard-<name>` with dashes.
pub fn crate_name(service: &str) -> String {
    format!("switchboard-{}", service.replace('_', "-"))
}

/// The generated crate's library name: `switchboard_<name>`.
pub fn crate_ident(service: &str) -> String {
    format!("switchboard_{service}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names() {
        assert_eq!(field_ident("type"), "r#type");
        assert_eq!(field_ident("ref"), "r#ref");
        assert_eq!(field_ident("self"), "self_");
        assert_eq!(type_ident("self"), "Self_");
        assert_eq!(field_ident("1stLine"), "_1st_line");
        assert_eq!(field_ident("queue-id"), "queue_id");
        assert_eq!(field_ident("QueueID"), "queue_id");
        assert_eq!(field_ident("Content-Type"), "content_type");
        assert_eq!(type_ident("call_context"), "CallContext");
        assert_eq!(error_variant_ident("000-002"), "E000_002");
        assert_eq!(error_variant_ident("NotExists.JobId"), "NotExistsJobId");
        assert_eq!(error_variant_ident("141005"), "E141005");
        assert_eq!(variant_ident("OUTBOUND"), "Outbound");
        assert_eq!(variant_ident("4"), "V4");
    }
}

//! The template environment: embedded templates, strict undefined values, no HTML auto-escaping,
//! and Markdown escaping by filters only.
//!
//! The formatter prints a value only when a filter has marked it safe (numbers and booleans
//! excepted), so a template that forgets to escape a spec string fails to render instead of
//! publishing it raw.

use minijinja::value::{Value, ValueKind};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior};
use serde::Serialize;

use super::escape;

const TEMPLATES: &[(&str, &str)] = &[
    ("fields.md.j2", include_str!("templates/fields.md.j2")),
    ("errors.md.j2", include_str!("templates/errors.md.j2")),
    ("index.md.j2", include_str!("templates/index.md.j2")),
    ("summary.md.j2", include_str!("templates/summary.md.j2")),
    ("service.md.j2", include_str!("templates/service.md.j2")),
    ("endpoint.md.j2", include_str!("templates/endpoint.md.j2")),
];

/// Builds the environment.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    // These would print text without Markdown escaping.
    for builtin in ["safe", "escape", "e"] {
        env.remove_filter(builtin);
    }
    env.set_formatter(|out, _state, value| {
        let printable =
            value.is_safe() || matches!(value.kind(), ValueKind::Number | ValueKind::Bool);
        if !printable {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("{value:?} printed without an escaping filter"),
            ));
        }
        write!(out, "{value}").map_err(|_| Error::from(ErrorKind::WriteFailure))
    });
    env.add_filter("cell", |v: Value| safe(v, escape::cell));
    env.add_filter("cell_code", |v: Value| safe(v, escape::cell_code));
    env.add_filter("code", |v: Value| safe(v, escape::code));
    env.add_filter("line", |v: Value| safe(v, escape::line));
    env.add_filter("text", |v: Value| safe(v, escape::text));
    env.add_filter("fence", |v: Value, lang: &str| {
        safe(v, |s| escape::fence(s, lang))
    });
    env.add_filter("link", |url: Value, label: Value| {
        let label = if label.is_none() {
            None
        } else {
            Some(plain(&label)?)
        };
        safe(url, |u| escape::link(u, label.as_deref()))
    });
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .expect("the embedded templates parse (tests render every page)");
    }
    env
}

/// Renders a template; an error is a bug in a template or view, never in a spec.
pub fn render(env: &Environment<'_>, name: &str, ctx: impl Serialize) -> String {
    let template = env.get_template(name).expect("embedded template");
    let text = template
        .render(ctx)
        .unwrap_or_else(|e| panic!("template {name} failed: {e:#}"));
    tidy(&text)
}

fn plain(v: &Value) -> Result<String, Error> {
    match v.kind() {
        ValueKind::String | ValueKind::Number | ValueKind::Bool => Ok(v.to_string()),
        kind => Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("cannot escape a {kind} value"),
        )),
    }
}

fn safe(v: Value, f: impl Fn(&str) -> String) -> Result<Value, Error> {
    Ok(Value::from_safe_string(f(&plain(&v)?)))
}

/// One blank line between blocks, none at the end, no trailing spaces: what markdownlint
/// asks, without making every template line count its newlines. Generated code blocks hold
/// pretty JSON, which has neither blank lines nor trailing spaces, so this cannot change them.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = true;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            if !blank {
                out.push('\n');
            }
            blank = true;
        } else {
            out.push_str(line);
            out.push('\n');
            blank = false;
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

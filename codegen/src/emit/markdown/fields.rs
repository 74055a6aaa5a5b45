//! Field tables: nested fields flattened into dotted paths (`Data.CallContext.ChannelContexts[].Index`),
//! named types and inline objects expanded, recursion cut at the first repeat.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{
    Bounds, EnumValue, Field, INFERRED_LABEL, NamedType, Type, TypeId, TypeKind, inferred_list,
};

/// Where named types are described, and how a page links there.
pub struct Types<'a> {
    /// The service's shared types.
    pub named: &'a [NamedType],
    /// Link target of each type's heading, as seen from the page being rendered.
    pub hrefs: &'a BTreeMap<TypeId, String>,
}

impl Types<'_> {
    fn get(&self, id: &TypeId) -> &NamedType {
        self.named
            .iter()
            .find(|t| t.name.wire == id.0)
            .expect("check_references: named types exist")
    }
}

/// One row of a field or parameter table.
#[derive(Clone, Debug, Serialize)]
pub struct FieldRow {
    /// Dotted path (or the parameter's name).
    pub path: String,
    /// The type, as words and links.
    pub ty: Vec<TypePart>,
    /// Must be present.
    pub required: bool,
    /// The page does not say whether it must be present.
    pub required_unknown: bool,
    /// May be null.
    pub nullable: bool,
    /// Range, length, pattern, format, documented values.
    pub constraints: Vec<Constraint>,
    /// Default, as compact JSON.
    pub default: Option<String>,
    /// Example, as compact JSON.
    pub example: Option<String>,
    /// The description column: description, English, auth, recursion and open facts.
    pub notes: Vec<Note>,
    #[serde(skip)]
    description: Option<String>,
    #[serde(skip)]
    description_en: Option<String>,
    #[serde(skip)]
    page_values: Option<String>,
    #[serde(skip)]
    member_docs: Vec<String>,
    #[serde(skip)]
    unconfirmed: Option<String>,
    #[serde(skip)]
    inferred: Option<String>,
    /// Supplied by the auth scheme (parameters only).
    #[serde(skip)]
    pub from_auth: bool,
    /// Sent by the client itself, as documented (a `Content-Type` header; parameters only).
    #[serde(skip)]
    pub set_by_client: bool,
    /// Named type already being expanded above this row: not expanded again.
    #[serde(skip)]
    recursive: Option<String>,
}

/// A paragraph of the description column.
#[derive(Clone, Debug, Serialize)]
pub struct Note {
    /// Lead-in (`English`, `Unconfirmed`).
    pub label: Option<&'static str>,
    /// Text.
    pub text: String,
}

impl FieldRow {
    /// Fills `notes`; call once the row is complete.
    pub fn finish(mut self) -> FieldRow {
        let note = |label, text: &str| Note {
            label,
            text: text.to_owned(),
        };
        let mut notes = Vec::new();
        notes.extend(self.description.as_deref().map(|d| note(None, d)));
        notes.extend(
            self.description_en
                .as_deref()
                .map(|d| note(Some("English"), d)),
        );
        notes.extend(self.page_values.as_deref().map(|d| note(None, d)));
        notes.extend(self.member_docs.iter().map(|d| note(None, d)));
        if self.from_auth {
            notes.push(note(None, "Supplied by the authentication scheme."));
        }
        if self.set_by_client {
            notes.push(note(
                None,
                "Sent by the client as documented (it serializes the body); not a request setter.",
            ));
        }
        if let Some(id) = &self.recursive {
            let text = format!("{id} contains itself; its fields are listed above.");
            notes.push(note(Some("Recursive"), &text));
        }
        notes.extend(
            self.unconfirmed
                .as_deref()
                .map(|d| note(Some("Unconfirmed"), d)),
        );
        notes.extend(
            self.inferred
                .as_deref()
                .map(|d| note(Some(INFERRED_LABEL), d)),
        );
        self.notes = notes;
        self
    }

    /// The row's open fact as an item of a page's unconfirmed list: `` `path`: note ``.
    pub fn unconfirmed_item(&self) -> Option<String> {
        let note = self.unconfirmed.as_deref()?;
        Some(format!("`{}`: {}", self.path, note.trim()))
    }
}

/// A word of a type (`array of`) or a link to a named type.
#[derive(Clone, Debug, Serialize)]
pub struct TypePart {
    /// Text.
    pub text: String,
    /// Link target, for named types.
    pub href: Option<String>,
}

/// One constraint.
#[derive(Clone, Debug, Serialize)]
pub struct Constraint {
    /// `range`, `length`, `pattern`, `format`, `values`, each maybe prefixed by `items`.
    pub label: String,
    /// Plain text (ranges).
    pub text: Option<String>,
    /// Code (patterns, formats).
    pub code: Option<String>,
    /// Documented values.
    pub values: Vec<ValueDoc>,
}

/// A documented value and its meaning.
#[derive(Clone, Debug, Serialize)]
pub struct ValueDoc {
    /// Compact JSON.
    pub json: String,
    /// Meaning.
    pub description: Option<String>,
}

/// Rows for `fields`, paths under `prefix` (empty for top level).
pub fn rows(fields: &[Field], prefix: &str, types: &Types<'_>) -> Vec<FieldRow> {
    let mut out = Vec::new();
    let mut stack = Vec::new();
    push_fields(fields, prefix, types, &mut stack, &mut out);
    place_member_docs(fields, prefix, &mut out);
    out.into_iter().map(FieldRow::finish).collect()
}

/// An endpoint page's words on fields inside a shared type go to the row of that field, which
/// the table expands per endpoint; a field the table does not expand (a recursive type) gets
/// them on the row of the body field that leads to it.
fn place_member_docs(fields: &[Field], prefix: &str, out: &mut [FieldRow]) {
    let join = |a: &str, b: &str| {
        if a.is_empty() {
            b.to_owned()
        } else {
            format!("{a}.{b}")
        }
    };
    for field in fields {
        let top = join(prefix, &field.name.wire);
        for doc in &field.member_docs {
            let target = join(&top, &doc.path);
            if let Some(row) = out.iter_mut().find(|r| r.path.replace("[]", "") == target) {
                if doc.description.is_some() {
                    row.description = doc.description.clone();
                    row.description_en = doc.description_en.clone();
                } else if doc.description_en.is_some() {
                    row.description_en = doc.description_en.clone();
                }
                row.page_values = crate::model::page_values_sentence(&doc.values);
            } else if let Some(row) = out.iter_mut().find(|r| r.path == top) {
                row.member_docs.push(doc.sentence());
            }
        }
    }
}

/// The row of one field (a parameter), without expansion; `finish` it once complete.
pub fn row(field: &Field, path: &str, types: &Types<'_>) -> FieldRow {
    FieldRow {
        path: path.to_owned(),
        ty: type_parts(&field.ty, types),
        required: field.required,
        required_unknown: field.required_unknown,
        nullable: field.nullable,
        constraints: constraints(&field.ty, ""),
        default: field.default.as_ref().map(json),
        example: field.example.as_ref().map(json),
        description: field.description.clone(),
        description_en: field.description_en.clone(),
        page_values: crate::model::page_values_sentence(&field.page_values),
        member_docs: Vec::new(),
        unconfirmed: field.unconfirmed.clone(),
        inferred: inferred_list(&field.inferred),
        from_auth: false,
        set_by_client: false,
        recursive: None,
        notes: Vec::new(),
    }
}

/// Rows describing a named type that is not an object (a single row named after the type).
pub fn type_row(named: &NamedType, types: &Types<'_>) -> Vec<FieldRow> {
    let mut out = Vec::new();
    let mut stack = vec![TypeId(named.name.wire.clone())];
    match &named.ty.kind {
        TypeKind::Object { fields, .. } => push_fields(fields, "", types, &mut stack, &mut out),
        _ => {
            out.push(FieldRow {
                path: named.name.wire.clone(),
                ty: type_parts(&named.ty, types),
                required: false,
                required_unknown: false,
                nullable: false,
                constraints: constraints(&named.ty, ""),
                default: None,
                example: None,
                description: None,
                description_en: None,
                page_values: None,
                member_docs: Vec::new(),
                unconfirmed: None,
                inferred: None,
                from_auth: false,
                set_by_client: false,
                recursive: None,
                notes: Vec::new(),
            });
            expand(&named.ty, &named.name.wire, 0, types, &mut stack, &mut out);
        }
    }
    out.into_iter().map(FieldRow::finish).collect()
}

fn push_fields(
    fields: &[Field],
    prefix: &str,
    types: &Types<'_>,
    stack: &mut Vec<TypeId>,
    out: &mut Vec<FieldRow>,
) {
    for field in fields {
        let path = if prefix.is_empty() {
            field.name.wire.clone()
        } else {
            format!("{prefix}.{}", field.name.wire)
        };
        out.push(row(field, &path, types));
        let at = out.len() - 1;
        expand(&field.ty, &path, at, types, stack, out);
    }
}

/// Adds the rows nested under `path`; `at` is the row of `path` itself.
fn expand(
    ty: &Type,
    path: &str,
    at: usize,
    types: &Types<'_>,
    stack: &mut Vec<TypeId>,
    out: &mut Vec<FieldRow>,
) {
    match &ty.kind {
        TypeKind::Object { fields, .. } => push_fields(fields, path, types, stack, out),
        TypeKind::Array { items } => expand(items, &format!("{path}[]"), at, types, stack, out),
        TypeKind::Map { values } => expand(values, &format!("{path}.*"), at, types, stack, out),
        TypeKind::Named { id, .. } => {
            if stack.contains(id) {
                if let Some(row) = out.get_mut(at) {
                    row.recursive = Some(id.0.clone());
                }
                return;
            }
            stack.push(id.clone());
            let named = types.get(id);
            expand(&named.ty, path, at, types, stack, out);
            stack.pop();
        }
        TypeKind::String
        | TypeKind::Integer
        | TypeKind::Number
        | TypeKind::Boolean
        | TypeKind::Json => {}
    }
}

fn type_parts(ty: &Type, types: &Types<'_>) -> Vec<TypePart> {
    let word = |text: &str| TypePart {
        text: text.to_owned(),
        href: None,
    };
    match &ty.kind {
        TypeKind::String => vec![word("string")],
        TypeKind::Integer => vec![word("integer")],
        TypeKind::Number => vec![word("number")],
        TypeKind::Boolean => vec![word("boolean")],
        TypeKind::Json => vec![word("any JSON")],
        TypeKind::Object { .. } => vec![word("object")],
        TypeKind::Array { items } => {
            let mut parts = vec![word("array of")];
            parts.extend(type_parts(items, types));
            parts
        }
        TypeKind::Map { values } => {
            let mut parts = vec![word("map of")];
            parts.extend(type_parts(values, types));
            parts
        }
        TypeKind::Named { id, .. } => vec![TypePart {
            text: id.0.clone(),
            href: types.hrefs.get(id).cloned(),
        }],
    }
}

/// Constraints of a type; an array's item constraints follow with the label `items`.
fn constraints(ty: &Type, prefix: &str) -> Vec<Constraint> {
    let label = |name: &str| format!("{prefix}{name}");
    let mut out = Vec::new();
    if let Some(format) = &ty.format {
        out.push(Constraint {
            label: label("format"),
            text: None,
            code: Some(format.clone()),
            values: Vec::new(),
        });
    }
    for (name, bounds) in [("range", ty.range), ("length", ty.length)] {
        if let Some(text) = bounds.and_then(bounds_text) {
            out.push(Constraint {
                label: label(name),
                text: Some(text),
                code: None,
                values: Vec::new(),
            });
        }
    }
    if let Some(pattern) = &ty.pattern {
        out.push(Constraint {
            label: label("pattern"),
            text: None,
            code: Some(crate::emit::anchored_pattern(pattern)),
            values: Vec::new(),
        });
    }
    if !ty.values.is_empty() {
        out.push(Constraint {
            label: label("values"),
            text: None,
            code: None,
            values: ty.values.iter().map(value_doc).collect(),
        });
    }
    if let TypeKind::Array { items } = &ty.kind {
        out.extend(constraints(items, &format!("{prefix}items ")));
    }
    out
}

/// A documented value.
pub fn value_doc(v: &EnumValue) -> ValueDoc {
    ValueDoc {
        json: json(&v.value),
        description: v.description.clone(),
    }
}

fn bounds_text(b: Bounds) -> Option<String> {
    match (b.min, b.max) {
        (Some(min), Some(max)) => Some(format!("{}–{}", number(min), number(max))),
        (Some(min), None) => Some(format!("≥ {}", number(min))),
        (None, Some(max)) => Some(format!("≤ {}", number(max))),
        (None, None) => None,
    }
}

/// A bound as the spec wrote it: whole numbers without a fraction.
pub fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e17 {
        format!("{n:.0}")
    } else {
        n.to_string()
    }
}

/// Compact JSON of a value.
pub fn json(v: &serde_json::Value) -> String {
    serde_json::to_string(v).expect("a JSON value always serializes")
}

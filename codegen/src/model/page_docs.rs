//! An endpoint page's words on fields it shares with other endpoints (`fields_doc`), placed so
//! that no shared definition changes: a field of the body itself (the body's own struct, even
//! when its fields come from a shape or shared type) takes them as its own description; a
//! field inside a shared type is described on the body field that leads to it.

use serde::Serialize;
use serde_json::Value;

use super::{Endpoint, EnumValue, Field, PageSection, sentence};
use crate::spec::FieldDocSpec;

/// Applies `docs` to a body's lowered `fields` (paths checked by `check_page`).
pub(super) fn apply(fields: &mut [Field], docs: &[FieldDocSpec]) {
    for doc in docs {
        let path = doc.field.value.as_str();
        let (head, rest) = path
            .split_once('.')
            .map_or((path, None), |(h, r)| (h, Some(r)));
        let Some(field) = fields.iter_mut().find(|f| f.name.wire == head) else {
            continue;
        };
        let values: Vec<EnumValue> = doc.values.iter().map(super::lower::enum_value).collect();
        let description = doc.description.as_ref().map(|d| d.value.clone());
        let description_en = doc.description_en.as_ref().map(|d| d.value.clone());
        match rest {
            None => {
                // The page's own words replace the shared ones; an English rendering of the
                // shared text would no longer match, so it goes with them.
                if description.is_some() {
                    field.description = description;
                    field.description_en = description_en;
                } else if description_en.is_some() {
                    field.description_en = description_en;
                }
                field.page_values = values;
            }
            Some(rest) => field.member_docs.push(FieldDoc {
                path: rest.to_owned(),
                description,
                description_en,
                values,
            }),
        }
    }
}

/// An endpoint page's words on a field inside a shared type (`fields_doc`).
#[derive(Clone, Debug, Serialize)]
pub struct FieldDoc {
    /// Dotted path from the field that carries it (`State`, `agent.State`).
    pub path: String,
    /// Description, verbatim.
    pub description: Option<String>,
    /// English description.
    pub description_en: Option<String>,
    /// Values the page documents.
    pub values: Vec<EnumValue>,
}

/// "Values documented on this page: `A` (meaning), `B`." (`None` for none); code spans are
/// Markdown, which every output's docs read.
pub fn page_values_sentence(values: &[EnumValue]) -> Option<String> {
    let items: Vec<String> = values
        .iter()
        .map(|v| {
            let shown = match &v.value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            match &v.description {
                Some(d) => format!("`{shown}` ({})", d.trim()),
                None => format!("`{shown}`"),
            }
        })
        .collect();
    (!items.is_empty()).then(|| format!("Values documented on this page: {}.", items.join(", ")))
}

impl FieldDoc {
    /// The doc as one paragraph: "On this endpoint, `State`: description (English). Values …".
    pub fn sentence(&self) -> String {
        let mut text = format!("On this endpoint, `{}`:", self.path);
        for part in [&self.description, &self.description_en]
            .into_iter()
            .flatten()
        {
            text.push(' ');
            text.push_str(&sentence(part));
        }
        if let Some(values) = page_values_sentence(&self.values) {
            text.push(' ');
            text.push_str(&values);
        }
        text
    }
}

impl Endpoint {
    /// Whether the page read is cut off in `section`: what the spec lists there is what could
    /// be read, and an empty list means "unknown", never "none".
    pub fn truncated(&self, section: PageSection) -> bool {
        self.truncated.contains(&section)
    }

    /// [`not_shown`](Self::not_shown) for every truncated section, in section order.
    pub fn not_shown_all(&self) -> Vec<(PageSection, String)> {
        [
            (PageSection::Errors, !self.errors.is_empty()),
            (PageSection::Events, !self.events.is_empty()),
            (PageSection::Samples, !self.samples.is_empty()),
            (PageSection::History, !self.history.is_empty()),
        ]
        .into_iter()
        .filter_map(|(section, listed)| Some((section, self.not_shown(section, listed)?)))
        .collect()
    }

    /// What every output says of a truncated section: that the page shows none of it, or that
    /// the list is what the cut-off copy shows (`listed`: the spec lists some).
    pub fn not_shown(&self, section: PageSection, listed: bool) -> Option<String> {
        self.truncated(section).then(|| {
            if listed {
                format!(
                    "The page's {} may go on: the copy read is cut off, so those listed are \
                     what it shows, not necessarily all.",
                    section.words()
                )
            } else {
                format!(
                    "The page does not show its {} (the copy read is cut off): unknown, not \
                     none.",
                    section.words()
                )
            }
        })
    }
}

//! An endpoint page's words on fields it shares with other endpoints (`fields_doc`), placed so
//! that no shared definition changes: a field of the body itself (the body's own struct, even
//! when its fields come from a shape or shared type) takes them as its own description; a
//! field inside a shared type is described on the body field that leads to it.

use super::{EnumValue, Field, FieldDoc};
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

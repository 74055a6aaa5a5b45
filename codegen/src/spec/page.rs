//! The forms for what a page says beyond a plain field list, and what it leaves unknown:
//! `required: unknown`, `page.truncated`, and a page's own words on shared fields
//! (`fields_doc`). Every output says what is known and never states the unknown as fact.

use schemars::JsonSchema;
use serde::Deserialize;

use super::decode::Sp;
use super::format::{EnumValueSpec, Text};

/// Whether a field must be present: `true`, `false`, or the word `unknown` when the page does
/// not say. Unknown is never guessed into either: clients treat the field as optional (absence
/// decodes, no setter is forced) and every output says the page does not state it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Required {
    /// `true`: the page says it must be present.
    Yes,
    /// `false`: the page says it may be absent.
    No,
    /// `unknown`: the page does not say.
    Unknown,
}

impl Required {
    /// Whether the page says the field must be present.
    pub fn is_yes(self) -> bool {
        self == Required::Yes
    }
}

/// What `required` takes, as diagnostics name it.
pub const REQUIRED_EXPECTED: &str = "`true`, `false` or `unknown`";

impl<'de> Deserialize<'de> for Required {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Required;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(REQUIRED_EXPECTED)
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Required, E> {
                Ok(if v { Required::Yes } else { Required::No })
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Required, E> {
                match v {
                    "unknown" => Ok(Required::Unknown),
                    _ => Err(E::invalid_type(serde::de::Unexpected::Str(v), &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for Required {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Required".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "`true`, `false`, or `unknown` when the page does not say.",
            "anyOf": [{"type": "boolean"}, {"const": "unknown"}]
        })
    }
}

/// What the page read does not show.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageSpec {
    /// Sections of the page the copy read is cut off before (or inside): what the spec lists
    /// for them (possibly nothing) is what could be read, not all the page has.
    #[serde(default)]
    pub truncated: Vec<Sp<PageSection>>,
}

/// A section of an endpoint's page whose content may be unknown.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PageSection {
    /// The error codes.
    Errors,
    /// The triggered events.
    Events,
    /// The examples.
    Samples,
    /// The change history.
    History,
}

impl PageSection {
    /// Every section, in the order the outputs show them.
    pub const ALL: [PageSection; 4] = [
        PageSection::Errors,
        PageSection::Events,
        PageSection::Samples,
        PageSection::History,
    ];

    /// The section as every output names it.
    pub fn words(self) -> &'static str {
        match self {
            PageSection::Errors => "error codes",
            PageSection::Events => "triggered events",
            PageSection::Samples => "samples",
            PageSection::History => "change history",
        }
    }

    /// The key of the section (`errors`, `events`, ...), as specs and extensions write it.
    pub fn key(self) -> &'static str {
        match self {
            PageSection::Errors => "errors",
            PageSection::Events => "events",
            PageSection::Samples => "samples",
            PageSection::History => "history",
        }
    }
}

/// This endpoint's words on one field of its body.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldDocSpec {
    /// The field, by wire name; dotted for a field inside another (`UserContext.State`),
    /// through arrays without `[]`.
    pub field: Text,
    /// The page's description of the field, verbatim; replaces the shared one on this endpoint.
    pub description: Option<Text>,
    /// An English rendering of `description`, when that is not English.
    pub description_en: Option<Text>,
    /// The values this page documents for the field. Documentation only: the field's type is
    /// unchanged (values outside the shared type's own `values` stay open, never an enum).
    #[serde(default)]
    pub values: Vec<EnumValueSpec>,
}

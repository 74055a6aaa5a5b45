//! The `inferred` keys of the spec format: which values of an entry no source states.
//!
//! A spec records what the pages say. Where a value had to be filled in anyway (a field typed
//! from a sample, a `required` the page leaves blank, a sample request assembled from an example
//! column), the entry keeps the value and says so under `inferred`, naming the key and where the
//! value comes from. Every output shows the mark next to the value. Each key of an `inferred`
//! mapping must be a key the same entry sets (checked, E0110).

use schemars::JsonSchema;
use serde::Deserialize;

use super::format::Text;

/// Values of a field entry (parameter, body, response, envelope, event or shared-type field)
/// that no source states: each key names a key of the same entry, its text says where the value
/// comes from (a sample, a sibling page, an assumption).
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldInferredSpec {
    /// Why the `type` is what it is (e.g. typed from a sample value).
    #[serde(rename = "type")]
    pub ty: Option<Text>,
    /// Where the `format` comes from.
    pub format: Option<Text>,
    /// Where `required` comes from.
    pub required: Option<Text>,
    /// Where `nullable` comes from.
    pub nullable: Option<Text>,
    /// Where the `default` comes from.
    pub default: Option<Text>,
    /// Where the `example` comes from.
    pub example: Option<Text>,
    /// Where the `range` comes from.
    pub range: Option<Text>,
    /// Where the `length` comes from.
    pub length: Option<Text>,
    /// Where the `pattern` comes from.
    pub pattern: Option<Text>,
    /// Where the `values` come from.
    pub values: Option<Text>,
    /// Where the `description` comes from, when it is not the page's words (written for the
    /// spec from a sample or a sibling page).
    pub description: Option<Text>,
}

/// Values of the response envelope that no source states.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvelopeInferredSpec {
    /// Where the result-code field and its success value come from.
    pub code: Option<Text>,
    /// Where the message field comes from.
    pub message: Option<Text>,
    /// Where the request id field comes from.
    pub request_id: Option<Text>,
    /// Where the payload field comes from.
    pub payload: Option<Text>,
    /// Where `http_status_errors` comes from (e.g. the pages do not say which HTTP status an
    /// error comes with).
    pub http_status_errors: Option<Text>,
}

/// Parts of a documented sample that no page prints.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SampleInferredSpec {
    /// How the request was made up (e.g. assembled from the parameters' example column).
    pub request: Option<Text>,
    /// How the response was made up.
    pub response: Option<Text>,
}

impl FieldInferredSpec {
    /// The marks in format order, as (key, reason).
    pub fn entries(&self) -> Vec<(&'static str, &Text)> {
        let keys: [(&'static str, &Option<Text>); 11] = [
            ("type", &self.ty),
            ("description", &self.description),
            ("format", &self.format),
            ("required", &self.required),
            ("nullable", &self.nullable),
            ("default", &self.default),
            ("example", &self.example),
            ("range", &self.range),
            ("length", &self.length),
            ("pattern", &self.pattern),
            ("values", &self.values),
        ];
        present(keys)
    }
}

impl EnvelopeInferredSpec {
    /// The marks in format order, as (key, reason).
    pub fn entries(&self) -> Vec<(&'static str, &Text)> {
        present([
            ("code", &self.code),
            ("message", &self.message),
            ("request_id", &self.request_id),
            ("payload", &self.payload),
            ("http_status_errors", &self.http_status_errors),
        ])
    }
}

impl SampleInferredSpec {
    /// The marks in format order, as (key, reason).
    pub fn entries(&self) -> Vec<(&'static str, &Text)> {
        present([("request", &self.request), ("response", &self.response)])
    }
}

fn present<'a, const N: usize>(
    keys: [(&'static str, &'a Option<Text>); N],
) -> Vec<(&'static str, &'a Text)> {
    keys.into_iter()
        .filter_map(|(key, reason)| reason.as_ref().map(|r| (key, r)))
        .collect()
}

/// Which documented common codes answer two kinds of failure every endpoint shares, for the
/// simulator and the docs (`error_roles` in service.yaml). Each value is a code of the service's
/// `errors`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorRolesSpec {
    /// The code answered for a request that breaks a documented constraint (a value out of
    /// range, too long, not matching its pattern, of the wrong type).
    pub invalid_parameter: Option<super::Sp<super::CodeValue>>,
    /// The code answered for a request that lacks a required parameter; without it, the
    /// `invalid_parameter` code.
    pub missing_parameter: Option<super::Sp<super::CodeValue>>,
    /// The code answered for a wrong or missing credential.
    pub unauthenticated: Option<super::Sp<super::CodeValue>>,
    /// Which of these roles no page assigns in so many words, and why the code was picked.
    pub inferred: Option<ErrorRolesInferredSpec>,
}

/// Roles of `error_roles` that no page states in so many words.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorRolesInferredSpec {
    /// Why the `invalid_parameter` code is the one.
    pub invalid_parameter: Option<Text>,
    /// Why the `missing_parameter` code is the one.
    pub missing_parameter: Option<Text>,
    /// Why the `unauthenticated` code is the one.
    pub unauthenticated: Option<Text>,
}

impl ErrorRolesSpec {
    /// The roles set, in format order, as (role, code).
    pub fn entries(&self) -> Vec<(&'static str, &super::Sp<super::CodeValue>)> {
        [
            ("invalid_parameter", &self.invalid_parameter),
            ("missing_parameter", &self.missing_parameter),
            ("unauthenticated", &self.unauthenticated),
        ]
        .into_iter()
        .filter_map(|(role, code)| code.as_ref().map(|c| (role, c)))
        .collect()
    }
}

impl ErrorRolesInferredSpec {
    /// The marks in format order, as (key, reason).
    pub fn entries(&self) -> Vec<(&'static str, &Text)> {
        present([
            ("invalid_parameter", &self.invalid_parameter),
            ("missing_parameter", &self.missing_parameter),
            ("unauthenticated", &self.unauthenticated),
        ])
    }
}

//! The "say it once" part of the format: endpoint defaults, and re-locating copies of shared
//! definitions so that a diagnostic about an inherited value points at the endpoint that
//! inherits it (a copy keeps no span into another file).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::decode::Sp;
use super::format::{
    CodeValue, DispatchSpec, EnumValueSpec, ErrorSpec, FieldSpec, Json, RangeSpec,
    SampleResponseSpec, Text,
};
use super::inferred::FieldInferredSpec;
use crate::diag::Span;

/// What every endpoint of the service inherits. An endpoint overrides a dispatch value by
/// writing its own with the same `in` and `name`, places and overrides a parameter with
/// `- use: <name>`, and opts out of any entry by naming it under `without_defaults`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointDefaultsSpec {
    /// Dispatch values every endpoint sends (e.g. the API `Version`), after its own.
    #[serde(default)]
    pub dispatch: Vec<DispatchSpec>,
    /// Names of shared parameters (service `params`) every endpoint takes, before its own.
    #[serde(default)]
    pub params: Vec<Text>,
    /// Codes (of `error_catalogue` or `errors`) every endpoint lists, after its own.
    #[serde(default)]
    pub errors: Vec<Sp<CodeValue>>,
    /// Parameter values every documented sample request carries (e.g. the fixed values of a
    /// vendor's sample URL), by wire name: filled into each sample that has a `request` and does
    /// not give the parameter itself, for the parameters the endpoint has.
    #[serde(default)]
    pub sample_params: BTreeMap<String, Sp<Json>>,
    /// The response every documented sample without a `response` of its own shows (e.g. the
    /// bare success envelope every page of the vendor prints); opted out of by the name
    /// `sample_response`.
    pub sample_response: Option<SampleResponseSpec>,
}

/// The name an endpoint lists under `without_defaults` to opt out of `sample_response`.
pub const SAMPLE_RESPONSE: &str = "sample_response";

/// A named list of body fields (service `shapes`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShapeSpec {
    /// The name bodies refer to with `type: <name>`.
    pub name: Text,
    /// What the fields describe.
    pub description: Option<Text>,
    /// The fields, in order.
    pub fields: Vec<FieldSpec>,
}

/// Moves every span of a copied definition to `at` (the place in the inheriting file).
pub(crate) trait Respan {
    fn respan(&mut self, at: Span);
}

impl<T> Respan for Sp<T> {
    fn respan(&mut self, at: Span) {
        self.span = at;
    }
}

impl<T: Respan> Respan for Option<T> {
    fn respan(&mut self, at: Span) {
        if let Some(x) = self {
            x.respan(at);
        }
    }
}

impl<T: Respan> Respan for Vec<T> {
    fn respan(&mut self, at: Span) {
        for x in self {
            x.respan(at);
        }
    }
}

impl<T: Respan> Respan for Box<T> {
    fn respan(&mut self, at: Span) {
        (**self).respan(at);
    }
}

macro_rules! respan_struct {
    ($($ty:ty { $($field:ident),* $(,)? })*) => {$(
        impl Respan for $ty {
            fn respan(&mut self, at: Span) {
                $(self.$field.respan(at);)*
            }
        }
    )*};
}

respan_struct! {
    FieldSpec {
        name, location, ty, format, required, nullable, description, description_en, default,
        example, range, length, pattern, values, items, fields, additional, from_auth, rust_name,
        secret, unconfirmed, inferred, use_,
    }
    RangeSpec { min, max }
    EnumValueSpec { value, description, rust_name }
    FieldInferredSpec {
        ty, format, required, nullable, default, example, range, length, pattern, values,
        description,
    }
    ErrorSpec { code, http_status, message, meaning, meaning_en, retryable, rust_name }
    DispatchSpec { location, name, value, description }
}

impl Respan for SampleResponseSpec {
    fn respan(&mut self, at: Span) {
        self.status.respan(at);
        self.headers.values_mut().for_each(|h| h.respan(at));
        self.body.respan(at);
        self.error.respan(at);
    }
}

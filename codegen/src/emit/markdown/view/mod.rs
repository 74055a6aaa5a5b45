//! What the templates see: the model rearranged per page, strings left raw (the templates
//! escape them), link targets resolved.

mod delivery;
mod endpoint;
mod index;
mod service;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{AuthScheme, Endpoint, ErrorCode, EventId, Service, Source, TypeId};

pub use endpoint::endpoint;
pub use index::{index, summary};
pub use service::service;

#[derive(Clone, Debug, Default)]
pub struct Anchors {
    /// Slug of each event's heading.
    pub events: BTreeMap<EventId, String>,
    /// Slug of each shared type's heading.
    pub types: BTreeMap<TypeId, String>,
}

/// A link.
#[derive(Clone, Debug, Serialize)]
pub struct LinkView {
    /// Text.
    pub text: String,
    /// Target.
    pub href: String,
}

/// A source page.
#[derive(Clone, Debug, Serialize)]
pub struct SourceView {
    /// Address.
    pub url: String,
    /// Title.
    pub title: Option<String>,
    /// What it contributed.
    pub note: Option<String>,
}

/// A source view.
pub fn source(s: &Source) -> SourceView {
    SourceView {
        url: s.url.clone(),
        title: s.title.clone(),
        note: s.note.clone(),
    }
}

/// An error-table row.
#[derive(Debug, Serialize)]
pub struct ErrorRow {
    code: String,
    http_status: Option<u16>,
    message: Option<String>,
    meaning: Option<String>,
    meaning_en: Option<String>,
    retryable: bool,
}

pub fn error_rows(errors: &[ErrorCode]) -> Vec<ErrorRow> {
    errors
        .iter()
        .map(|e| ErrorRow {
            code: e.code.to_string(),
            http_status: e.http_status,
            message: e.message.clone(),
            meaning: e.meaning.clone(),
            meaning_en: e.meaning_en.clone(),
            retryable: e.retryable,
        })
        .collect()
}

/// The generic name and a reader's label of an auth scheme.
pub fn scheme_names(s: &AuthScheme) -> (&'static str, &'static str) {
    match s {
        AuthScheme::None => ("none", "No authentication"),
        AuthScheme::SessionHeader { .. } => (
            "session_header",
            "Session value captured from a response header",
        ),
        AuthScheme::BasicCsrf { .. } => ("basic_csrf", "HTTP Basic, cookie session and CSRF token"),
        AuthScheme::TlsSigQuery { .. } => (
            "tls_sig_query",
            "Identity and signed ticket in the query string",
        ),
        AuthScheme::SignedHeadersHmacSha256 { .. } => (
            "signed_headers_hmac_sha256",
            "HMAC-SHA256 request signature in headers",
        ),
        AuthScheme::SignedQueryHmacSha1 { .. } => (
            "signed_query_hmac_sha1",
            "HMAC-SHA1 signature over the sorted query",
        ),
    }
}

/// The page path of an endpoint relative to the docs root.
pub fn endpoint_path(service: &Service, endpoint: &Endpoint) -> String {
    format!("{}/{}.md", service.name, endpoint.id.0)
}

/// A row of an endpoint list.
#[derive(Debug, Serialize)]
pub struct EndpointRow {
    pub title: String,
    pub href: String,
    pub api: String,
    pub method: &'static str,
    pub path: String,
    pub capability: Option<String>,
    pub summary: String,
}

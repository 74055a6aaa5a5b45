//! Assembling an `http::Request<Bytes>` from an operation's parts. Non-generic, so the code
//! per generated operation stays a list of calls.

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use serde::Serialize;

use crate::error::BuildError;
use crate::query;

/// Request extension naming the operation that built the request (its endpoint id).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperationId(pub &'static str);

/// Request extension listing the parameters the operation's spec says the auth scheme supplies
/// (e.g. a session header). A scheme leaves out what an operation does not declare, such as the
/// session header on the sign-in call that opens the session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuthParams(pub &'static [&'static str]);

/// Request extension carrying the client's base URL (no trailing slash), so an auth scheme can
/// address other endpoints of the same API (e.g. a CSRF token refresh under the base path).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseUrl(pub String);

/// A request under construction: base URL, path, query, headers and an optional JSON body.
#[derive(Debug)]
pub struct RequestParts {
    method: http::Method,
    url: String,
    /// Encoded `name=value` pairs joined with `&`, written as they are added.
    query: String,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Option<serde_json::Map<String, serde_json::Value>>,
    content_type: Option<&'static str>,
    operation: Option<(OperationId, AuthParams)>,
    base_len: usize,
}

impl RequestParts {
    /// Starts a request to `base_url` (no trailing slash needed).
    pub fn new(method: http::Method, base_url: &str) -> Self {
        // Room for the path and a typical query up front: they grow a piece at a time, and
        // each regrowth is a copy.
        let base = base_url.trim_end_matches('/');
        let mut url = String::with_capacity(base.len() + 64);
        url.push_str(base);
        RequestParts {
            method,
            base_len: url.len(),
            url,
            query: String::with_capacity(128),
            headers: Vec::new(),
            body: None,
            content_type: None,
            operation: None,
        }
    }

    /// Marks the request with its operation id and the auth-supplied parameters its spec
    /// declares (request extensions [`OperationId`] and [`AuthParams`]).
    pub fn operation(&mut self, id: &'static str, auth_params: &'static [&'static str]) {
        self.operation = Some((OperationId(id), AuthParams(auth_params)));
    }

    /// Appends literal path text (already valid in a URI).
    pub fn path(&mut self, literal: &str) {
        self.url.push_str(literal);
    }

    /// Appends a path parameter, percent-encoded as one segment.
    pub fn path_param(&mut self, value: &str) {
        query::encode_into(&mut self.url, value);
    }

    /// Adds a query parameter.
    pub fn query(&mut self, name: &str, value: impl AsRef<str>) {
        if !self.query.is_empty() {
            self.query.push('&');
        }
        query::encode_into(&mut self.query, name);
        self.query.push('=');
        // Encoded straight from the caller's text: no copy of it first.
        query::encode_into(&mut self.query, value.as_ref());
    }

    /// Adds a header; fails if the value cannot be sent in a header.
    pub fn header(&mut self, name: &'static str, value: &str) -> Result<(), BuildError> {
        let value = HeaderValue::from_str(value)
            .map_err(|_| BuildError::new(name, "must be visible ASCII to be sent as a header"))?;
        // `from_bytes` lower-cases the vendor's spelling (`Content-Type`, `Guid`).
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| BuildError::new(name, "is not a valid header name"))?;
        self.headers.push((name, value));
        Ok(())
    }

    /// Starts a JSON object body (an empty object is still sent).
    pub fn json_body(&mut self, content_type: &'static str) {
        self.content_type = Some(content_type);
        self.body.get_or_insert_with(serde_json::Map::new);
    }

    /// Adds a field to the JSON body.
    pub fn body_field<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), BuildError> {
        let value = serde_json::to_value(value)
            .map_err(|e| BuildError::new(name, format!("cannot be serialized: {e}")))?;
        self.body
            .get_or_insert_with(serde_json::Map::new)
            .insert(name.to_owned(), value);
        Ok(())
    }

    /// Adds a field to the JSON body, already in its JSON form (generated code passes
    /// [`ToJson::to_json`](crate::wire::ToJson::to_json) of the field: nothing generic here).
    pub fn body_value(&mut self, name: &str, value: serde_json::Value) {
        self.body
            .get_or_insert_with(serde_json::Map::new)
            .insert(name.to_owned(), value);
    }

    /// Finishes the request.
    pub fn finish(self) -> Result<http::Request<Bytes>, BuildError> {
        let base = BaseUrl(self.url[..self.base_len].to_owned());
        let mut uri = self.url;
        if !self.query.is_empty() {
            uri.reserve_exact(1 + self.query.len());
            uri.push('?');
            uri.push_str(&self.query);
        }
        // By value: the URI takes over the string's buffer instead of copying it.
        let mut builder = http::Request::builder().method(self.method).uri(uri);
        let has_content_type = self.headers.iter().any(|(n, _)| n == CONTENT_TYPE);
        for (name, value) in self.headers {
            builder = builder.header(name, value);
        }
        let body = match self.body {
            Some(map) => {
                if let (false, Some(content_type)) = (has_content_type, self.content_type) {
                    builder = builder.header(CONTENT_TYPE, content_type);
                }
                Bytes::from(serde_json::Value::Object(map).to_string())
            }
            None => Bytes::new(),
        };
        if let Some((id, params)) = self.operation {
            builder = builder.extension(id).extension(params);
        }
        builder = builder.extension(base);
        builder
            .body(body)
            .map_err(|e| BuildError::new("uri", format!("is not a valid URI: {e}")))
    }
}

//! Building blocks for the per-endpoint error types of generated clients.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, StatusCode};

mod build;
mod json;

pub use build::BuildError;
pub use json::{
    JsonError, decode_json, decode_json_as, decode_json_ref, json_path, json_path_text,
};

use crate::secret::REDACTED;

/// Header names whose values [`RawResponse`] and [`RedactedHeaders`] never print: credentials
/// and session values of the supported schemes.
pub const DEFAULT_SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "guid",
    "set-guid",
    "x-csrf-token",
    "x-acs-security-token",
];

/// How much of a body `Debug` shows.
const DEBUG_BODY_LIMIT: usize = 1024;

/// A response kept as it came, for errors that could not be decoded or were not documented.
///
/// `Debug` redacts the values of [`DEFAULT_SECRET_HEADERS`], of headers marked sensitive and
/// of any header added with [`with_secret_header`](Self::with_secret_header), and shows at most
/// the first 1 KiB of the body.
#[derive(Clone)]
pub struct RawResponse {
    /// The HTTP status.
    pub status: StatusCode,
    /// All response headers.
    pub headers: HeaderMap,
    /// The whole body.
    pub body: Bytes,
    secret_headers: Vec<HeaderName>,
}

impl RawResponse {
    /// A raw response from its parts.
    pub fn new(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        Self {
            status,
            headers,
            body,
            secret_headers: Vec::new(),
        }
    }

    /// Takes a response apart.
    pub fn from_response(response: http::Response<Bytes>) -> Self {
        let (parts, body) = response.into_parts();
        Self::new(parts.status, parts.headers, body)
    }

    /// Also redacts `name` (e.g. a scheme's configured session header).
    pub fn with_secret_header(mut self, name: HeaderName) -> Self {
        self.secret_headers.push(name);
        self
    }

    /// The body as text, invalid UTF-8 replaced.
    pub fn body_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The body as JSON.
    pub fn json(&self) -> Result<serde_json::Value, JsonError> {
        decode_json(&self.body)
    }
}

impl From<http::Response<Bytes>> for RawResponse {
    fn from(response: http::Response<Bytes>) -> Self {
        Self::from_response(response)
    }
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.body_text();
        let mut end = text.len().min(DEBUG_BODY_LIMIT);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let mut body = text[..end].to_owned();
        if end < text.len() {
            body.push_str(&format!("… ({} bytes)", self.body.len()));
        }
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field(
                "headers",
                &RedactedHeaders::new(&self.headers).also(&self.secret_headers),
            )
            .field("body", &body)
            .finish()
    }
}

/// A `Debug` view of a header map with secret values replaced by `[redacted]`.
///
/// ```
/// use switchboard_runtime::error::RedactedHeaders;
///
/// let mut headers = http::HeaderMap::new();
/// headers.insert("guid", "abc".parse().unwrap());
/// headers.insert("x-request-id", "r1".parse().unwrap());
/// let shown = format!("{:?}", RedactedHeaders::new(&headers));
/// assert!(shown.contains("[redacted]") && shown.contains("r1") && !shown.contains("abc"));
/// ```
pub struct RedactedHeaders<'a> {
    headers: &'a HeaderMap,
    extra: &'a [HeaderName],
}

impl<'a> RedactedHeaders<'a> {
    /// Redacts [`DEFAULT_SECRET_HEADERS`] and sensitive values.
    pub fn new(headers: &'a HeaderMap) -> Self {
        Self {
            headers,
            extra: &[],
        }
    }

    /// Also redacts `names`.
    pub fn also(mut self, names: &'a [HeaderName]) -> Self {
        self.extra = names;
        self
    }

    fn is_secret(&self, name: &HeaderName) -> bool {
        DEFAULT_SECRET_HEADERS.contains(&name.as_str()) || self.extra.contains(name)
    }
}

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.headers {
            if value.is_sensitive() || self.is_secret(name) {
                map.entry(&name.as_str(), &format_args!("{REDACTED}"));
            } else {
                map.entry(&name.as_str(), &String::from_utf8_lossy(value.as_bytes()));
            }
        }
        map.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secret_headers_and_truncates_the_body() {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("set-guid", "JSESSIONID=guid-secret"),
            ("set-cookie", "JSESSIONID=cookie-secret; Path=/"),
            ("x-csrf-token", "csrf-secret"),
            ("x-vendor-session", "custom-secret"),
            ("x-request-id", "req-1"),
        ] {
            headers.insert(
                HeaderName::from_static(name),
                value.parse().expect("valid value"),
            );
        }
        let body = Bytes::from(format!(
            "{{\"retcode\":\"100-006\",\"pad\":\"{}é\"}}",
            "x".repeat(2000)
        ));
        let raw = RawResponse::new(StatusCode::FORBIDDEN, headers, body)
            .with_secret_header(HeaderName::from_static("x-vendor-session"));
        let shown = format!("{raw:?}");
        for secret in [
            "guid-secret",
            "cookie-secret",
            "csrf-secret",
            "custom-secret",
        ] {
            assert!(!shown.contains(secret), "{secret} leaked: {shown}");
        }
        assert!(shown.contains("req-1") && shown.contains("100-006") && shown.contains("403"));
        assert!(shown.len() < 1500, "body not truncated");
        assert_eq!(raw.json().expect("valid json")["retcode"], "100-006");
    }

    #[test]
    fn body_truncation_respects_char_boundaries() {
        let raw = RawResponse::new(
            StatusCode::OK,
            HeaderMap::new(),
            Bytes::from("é".repeat(1000)),
        );
        assert!(format!("{raw:?}").contains("(2000 bytes)"));
    }
}

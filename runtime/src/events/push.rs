//! Inbound HTTP callbacks: the vendor POSTs events to the application.
//!
//! Framework-agnostic and sans-IO: the application's web framework hands over the request as
//! an `http::Request<Bytes>` (axum, hyper and actix all convert to it cheaply),
//! [`PushConfig::decode`] checks it and returns the event or a [`Rejection`] carrying the HTTP
//! status to answer, and [`PushConfig::acknowledgement`] is the answer the vendor expects for
//! an accepted callback.
//!
//! ```
//! use switchboard_runtime::bytes::Bytes;
//! use switchboard_runtime::events::push::{Acknowledgement, PushConfig};
//! use switchboard_runtime::http;
//!
//! let config = PushConfig::new(http::Method::POST)
//!     .expect_query("SdkAppid", "1400000001")
//!     .ack(Acknowledgement::json(r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#));
//! let request = http::Request::post("/callback?SdkAppid=1400000001&CallbackCommand=Desk.SessionEventNotify")
//!     .body(Bytes::from_static(br#"{"EventType":"Start"}"#))?;
//! let event = config.decode(&request).expect("accepted");
//! assert_eq!(event.event.frame["EventType"], "Start");
//! assert_eq!(config.acknowledgement().status(), 200);
//!
//! let foreign = http::Request::post("/callback?SdkAppid=1400000002").body(Bytes::from_static(b"{}"))?;
//! assert_eq!(config.decode(&foreign).unwrap_err().status(), 403);
//! # Ok::<(), http::Error>(())
//! ```

use std::fmt;

use bytes::Bytes;
use http::{Method, StatusCode};

use super::RawEvent;

/// Largest callback body accepted by default: 1 MiB.
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;

/// What a callback must look like, and what to answer when it does.
///
/// `Debug` shows the names of the expected query parameters, not their values: a spec may
/// make a shared token one of them.
#[derive(Clone)]
#[non_exhaustive]
pub struct PushConfig {
    /// The method the vendor uses; any other is answered 405.
    pub method: Method,
    /// Query parameters the vendor adds whose value must equal ours (e.g.
    /// `("SdkAppid", "1400...")`): a foreign value is answered 403 and never processed; a
    /// missing one 400.
    pub expect_query: Vec<(String, String)>,
    /// Query parameters that must be present (any value), else 400.
    pub required_query: Vec<String>,
    /// Largest body accepted; a larger one is answered 413.
    pub max_body: usize,
    /// The acknowledgement the vendor expects for an accepted callback.
    pub ack: Acknowledgement,
}

impl PushConfig {
    /// Callbacks with `method`, no query checks, [`DEFAULT_MAX_BODY`], acknowledged with an
    /// empty 200.
    pub fn new(method: Method) -> Self {
        Self {
            method,
            expect_query: Vec::new(),
            required_query: Vec::new(),
            max_body: DEFAULT_MAX_BODY,
            ack: Acknowledgement::empty(),
        }
    }

    /// Adds a query parameter whose value must be `value`.
    pub fn expect_query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.expect_query.push((name.into(), value.into()));
        self
    }

    /// Adds a query parameter that must be present.
    pub fn require_query(mut self, name: impl Into<String>) -> Self {
        self.required_query.push(name.into());
        self
    }

    /// Sets [`max_body`](Self::max_body).
    pub fn max_body(mut self, max_body: usize) -> Self {
        self.max_body = max_body;
        self
    }

    /// Sets [`ack`](Self::ack).
    pub fn ack(mut self, ack: Acknowledgement) -> Self {
        self.ack = ack;
        self
    }

    /// Checks the method, the body size, the query and the content (a JSON object), in that
    /// order, and returns the event or the rejection to answer. Never panics, whatever the
    /// bytes.
    pub fn decode(&self, request: &http::Request<Bytes>) -> Result<PushEvent, Rejection> {
        if request.method() != self.method {
            return Err(Rejection::new(
                StatusCode::METHOD_NOT_ALLOWED,
                format!("callbacks use {}, not {}", self.method, request.method()),
            )
            .allow(self.method.clone()));
        }
        if request.body().len() > self.max_body {
            return Err(Rejection::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "the body has {} bytes; at most {} are accepted",
                    request.body().len(),
                    self.max_body
                ),
            ));
        }
        let query = crate::query::pairs(request.uri());
        let value_of = |name: &str| {
            query
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        for (name, expected) in &self.expect_query {
            match value_of(name) {
                None => return Err(missing(name)),
                // The foreign value itself is not echoed: it is the caller's, not ours to log.
                Some(value) if !same(value, expected) => {
                    return Err(Rejection::new(
                        StatusCode::FORBIDDEN,
                        format!("query parameter `{name}` does not match this application"),
                    ));
                }
                Some(_) => {}
            }
        }
        if let Some(name) = self.required_query.iter().find(|n| value_of(n).is_none()) {
            return Err(missing(name));
        }
        let frame = match serde_json::from_slice::<serde_json::Value>(request.body()) {
            Ok(frame @ serde_json::Value::Object(_)) => frame,
            Ok(other) => {
                return Err(Rejection::new(
                    StatusCode::BAD_REQUEST,
                    format!("the body is {}, not a JSON object", super::shape(&other)),
                ));
            }
            Err(error) => {
                return Err(Rejection::new(
                    StatusCode::BAD_REQUEST,
                    format!(
                        "the body is not JSON ({} at line {}, column {})",
                        classify(&error),
                        error.line(),
                        error.column()
                    ),
                ));
            }
        };
        Ok(PushEvent {
            event: RawEvent::new(None, frame),
            query,
        })
    }

    /// The response to send for an accepted callback.
    pub fn acknowledgement(&self) -> http::Response<Bytes> {
        let mut response = http::Response::new(self.ack.body.clone());
        *response.status_mut() = self.ack.status;
        if let Some(value) = self
            .ack
            .content_type
            .as_deref()
            .and_then(|t| http::HeaderValue::from_str(t).ok())
        {
            response
                .headers_mut()
                .insert(http::header::CONTENT_TYPE, value);
        }
        response
    }
}

impl fmt::Debug for PushConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let expected: Vec<&str> = self.expect_query.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("PushConfig")
            .field("method", &self.method)
            .field("expect_query_names", &expected)
            .field("required_query", &self.required_query)
            .field("max_body", &self.max_body)
            .field("ack", &self.ack)
            .finish()
    }
}

/// Compares in time that depends only on the lengths, so an expected value that is a token
/// cannot be guessed byte by byte from response times.
fn same(given: &str, expected: &str) -> bool {
    given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}

fn missing(name: &str) -> Rejection {
    Rejection::new(
        StatusCode::BAD_REQUEST,
        format!("query parameter `{name}` is missing"),
    )
}

/// What kind of JSON failure, without serde's message (which can quote the body).
fn classify(error: &serde_json::Error) -> &'static str {
    use serde_json::error::Category;
    match error.classify() {
        Category::Eof => "truncated",
        Category::Syntax => "syntax error",
        Category::Data => "unexpected data",
        Category::Io => "read error",
    }
}

/// The answer the vendor expects for an accepted callback.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Acknowledgement {
    /// Its status.
    pub status: StatusCode,
    /// Its `Content-Type`, if any.
    pub content_type: Option<String>,
    /// Its body.
    pub body: Bytes,
}

impl Acknowledgement {
    /// An acknowledgement from its parts.
    pub fn new(status: StatusCode, content_type: Option<&str>, body: impl Into<Bytes>) -> Self {
        Self {
            status,
            content_type: content_type.map(str::to_owned),
            body: body.into(),
        }
    }

    /// 200 with no body.
    pub fn empty() -> Self {
        Self::new(StatusCode::OK, None, Bytes::new())
    }

    /// 200 with a JSON body.
    pub fn json(body: impl Into<Bytes>) -> Self {
        Self::new(StatusCode::OK, Some("application/json"), body)
    }
}

/// An accepted callback: the raw event (its frame is the JSON body; no channel) and the
/// query pairs the vendor added.
///
/// `Debug` shows the query names, not their values (a token or signature may be among them).
#[derive(Clone)]
#[non_exhaustive]
pub struct PushEvent {
    /// The event.
    pub event: RawEvent,
    /// The decoded query pairs, in order.
    pub query: Vec<(String, String)>,
}

impl PushEvent {
    /// The value of query parameter `name`, if present.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for PushEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.query.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("PushEvent")
            .field("event", &self.event)
            .field("query_names", &names)
            .finish()
    }
}

/// A callback that was not accepted, with the status to answer.
#[derive(Debug, Clone)]
pub struct Rejection {
    status: StatusCode,
    reason: String,
    allow: Option<Method>,
}

impl Rejection {
    pub(crate) fn new(status: StatusCode, reason: String) -> Self {
        Self {
            status,
            reason,
            allow: None,
        }
    }

    fn allow(mut self, method: Method) -> Self {
        self.allow = Some(method);
        self
    }

    /// The HTTP status to answer.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Why, in one sentence (never quoting the body or a foreign credential).
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// The response to send: the status, the reason as plain text, and `Allow` for a 405.
    pub fn into_response(self) -> http::Response<Bytes> {
        let mut response = http::Response::new(Bytes::from(self.reason));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        if let Some(method) = self
            .allow
            .and_then(|m| http::HeaderValue::from_str(m.as_str()).ok())
        {
            headers.insert(http::header::ALLOW, method);
        }
        response
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "callback rejected with {}: {}", self.status, self.reason)
    }
}

impl std::error::Error for Rejection {}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> PushConfig {
        PushConfig::new(Method::POST)
            .expect_query("SdkAppid", "1400000001")
            .require_query("CallbackCommand")
            .max_body(64)
    }

    fn status(method: Method, uri: &str, body: &'static [u8]) -> u16 {
        let request = http::Request::builder()
            .method(method)
            .uri(uri)
            .body(Bytes::from_static(body))
            .expect("request");
        match config().decode(&request) {
            Ok(_) => 200,
            Err(rejection) => rejection.status().as_u16(),
        }
    }

    const GOOD: &str = "/cb?SdkAppid=1400000001&CallbackCommand=Desk.SessionEventNotify";

    #[test]
    fn each_check_answers_its_status() {
        assert_eq!(status(Method::POST, GOOD, b"{\"a\":1}"), 200);
        assert_eq!(status(Method::GET, GOOD, b"{}"), 405);
        assert_eq!(status(Method::POST, GOOD, &[b' '; 65]), 413);
        assert_eq!(
            status(
                Method::POST,
                "/cb?SdkAppid=1400000002&CallbackCommand=x",
                b"{}"
            ),
            403
        );
        assert_eq!(status(Method::POST, "/cb?CallbackCommand=x", b"{}"), 400);
        assert_eq!(status(Method::POST, "/cb?SdkAppid=1400000001", b"{}"), 400);
        assert_eq!(status(Method::POST, GOOD, b"{\"a\":"), 400);
        assert_eq!(status(Method::POST, GOOD, b"[1]"), 400);
        assert_eq!(status(Method::POST, GOOD, b"\xff\xfe"), 400);
    }

    #[test]
    fn rejections_do_not_echo_foreign_values_or_bodies() {
        let request = http::Request::post("/cb?SdkAppid=9999999999&CallbackCommand=x")
            .body(Bytes::from_static(b"{}"))
            .expect("request");
        let rejection = config().decode(&request).unwrap_err();
        assert!(!rejection.reason().contains("9999999999"), "{rejection}");
        let request = http::Request::post(GOOD)
            .body(Bytes::from_static(b"{\"secret-text"))
            .expect("request");
        let rejection = config().decode(&request).unwrap_err();
        assert!(rejection.reason().contains("truncated"), "{rejection}");
        assert!(!rejection.reason().contains("secret-text"), "{rejection}");
    }

    #[test]
    fn debug_hides_expected_values() {
        let text = format!("{:?}", config());
        assert!(
            text.contains("SdkAppid") && !text.contains("1400000001"),
            "{text}"
        );
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "abcd"));
    }

    #[test]
    fn a_405_names_the_allowed_method() {
        let request = http::Request::put(GOOD)
            .body(Bytes::new())
            .expect("request");
        let response = config().decode(&request).unwrap_err().into_response();
        assert_eq!(response.status(), 405);
        assert_eq!(response.headers()["allow"], "POST");
    }
}

//! Opening a response envelope per the spec's success rule, and the errors generated clients
//! return. Non-generic except for the final typed decode.

use std::fmt;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde_json::Value;
use yoke::{Yoke, Yokeable};

use crate::error::{JsonError, RawResponse, decode_json_ref, json_path};
use crate::wire::JsonRef;

/// The success value of a result-code field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SuccessCode {
    /// A string code, compared as text (`"0"`, `"OK"`).
    Str(&'static str),
    /// An integer code (`0`).
    Int(i64),
}

/// Where the outcome lives in a response body, as the spec's `envelope` says.
#[derive(Clone, Copy, Debug)]
pub struct Envelope {
    /// Dotted path of the result code.
    pub code_field: Option<&'static str>,
    /// The value meaning success.
    pub success: Option<SuccessCode>,
    /// Dotted path of the message.
    pub message_field: Option<&'static str>,
    /// Dotted path of the request id.
    pub request_id_field: Option<&'static str>,
    /// Dotted path of the payload; `None` = the whole body.
    pub payload_field: Option<&'static str>,
    /// Whether a non-2xx status carries a business error in the body.
    pub http_status_errors: bool,
}

/// A documented error code of an endpoint or service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ErrorInfo {
    /// The vendor's code, as text.
    pub code: &'static str,
    /// The HTTP status the vendor sends with it.
    pub http_status: Option<u16>,
    /// The documented message (template).
    pub message: Option<&'static str>,
    /// The documented meaning.
    pub meaning: Option<&'static str>,
    /// Whether the same call may succeed later.
    pub retryable: bool,
}

/// A failure the API reported: a non-success code, or an error status. One pointer wide, so
/// `Result`s that carry it stay small.
#[derive(Clone)]
pub struct ApiError(Box<ApiErrorInner>);

#[derive(Clone)]
struct ApiErrorInner {
    endpoint: &'static str,
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
    info: Option<&'static ErrorInfo>,
    raw: RawResponse,
}

impl ApiError {
    /// The endpoint id that failed.
    pub fn endpoint(&self) -> &'static str {
        self.0.endpoint
    }
    /// The vendor's code, as text (integers in decimal); `None` when the body had none.
    pub fn code(&self) -> Option<&str> {
        self.0.code.as_deref()
    }
    /// The message the server sent.
    pub fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }
    /// The request id the server sent.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
    /// The documentation of this code, when it is documented.
    pub fn info(&self) -> Option<&'static ErrorInfo> {
        self.0.info
    }
    /// Whether the documentation says the call may succeed if repeated.
    pub fn is_retryable(&self) -> bool {
        self.0.info.is_some_and(|i| i.retryable)
    }
    /// HTTP status.
    pub fn status(&self) -> u16 {
        self.0.raw.status.as_u16()
    }
    /// The whole response (headers redacted in `Debug`).
    pub fn raw(&self) -> &RawResponse {
        &self.0.raw
    }
    /// An answer with `code` and `message` from `endpoint`, as the server would send it: for
    /// tests of code that handles errors (generated `Error::from_documented_code` uses it).
    /// The raw response has `status`, no headers and an empty body.
    pub fn new(
        endpoint: &'static str,
        status: http::StatusCode,
        code: Option<&str>,
        message: Option<&str>,
    ) -> Self {
        ApiError(Box::new(ApiErrorInner {
            endpoint,
            code: code.map(str::to_owned),
            message: message.map(str::to_owned),
            request_id: None,
            info: None,
            raw: RawResponse::new(status, http::HeaderMap::new(), Bytes::new()),
        }))
    }

    /// The answer a server sends for a documented code: its documented HTTP status (200 when
    /// the documentation gives none) and its documented message, if any.
    pub fn documented(endpoint: &'static str, info: &'static ErrorInfo) -> Self {
        let status = info
            .http_status
            .and_then(|s| http::StatusCode::from_u16(s).ok())
            .unwrap_or(http::StatusCode::OK);
        Self::new(endpoint, status, Some(info.code), info.message)
    }

    /// Attaches the documentation of the code (done by generated code).
    pub fn with_info(mut self, info: &'static ErrorInfo) -> Self {
        self.0.info = Some(info);
        self
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("endpoint", &self.0.endpoint)
            .field("code", &self.0.code)
            .field("message", &self.0.message)
            .field("request_id", &self.0.request_id)
            .field("retryable", &self.is_retryable())
            .field("raw", &self.0.raw)
            .finish()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed", self.0.endpoint)?;
        match &self.0.code {
            Some(code) => write!(f, " with code {code}")?,
            None => write!(f, " with HTTP status {}", self.0.raw.status.as_u16())?,
        }
        // The server's message, else the documented message, else the documented meaning
        // (some vendors document meanings only).
        let message = self
            .0
            .message
            .as_deref()
            .filter(|m| !m.trim().is_empty())
            .or(self.0.info.and_then(|i| i.message.or(i.meaning)));
        if let Some(message) = message {
            write!(f, ": {message}")?;
        }
        if let Some(id) = &self.0.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// A response that could not be decoded (not JSON, wrong shape); keeps the raw response.
/// One pointer wide.
#[derive(Clone, Debug)]
pub struct DecodeError(Box<DecodeErrorInner>);

#[derive(Clone, Debug)]
struct DecodeErrorInner {
    endpoint: &'static str,
    message: String,
    raw: RawResponse,
}

impl DecodeError {
    fn new(endpoint: &'static str, message: String, raw: RawResponse) -> Self {
        DecodeError(Box::new(DecodeErrorInner {
            endpoint,
            message,
            raw,
        }))
    }
}

impl DecodeError {
    /// The endpoint whose response failed to decode.
    pub fn endpoint(&self) -> &'static str {
        self.0.endpoint
    }
    /// The whole response.
    pub fn raw(&self) -> &RawResponse {
        &self.0.raw
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.0;
        write!(
            f,
            "{}: cannot decode the response (HTTP {}): {}",
            inner.endpoint,
            inner.raw.status.as_u16(),
            inner.message
        )
    }
}

impl std::error::Error for DecodeError {}

/// Why a response is not a success.
#[derive(Debug)]
pub enum Failure {
    /// The API reported an error.
    Api(ApiError),
    /// The body could not be read.
    Decode(DecodeError),
}

/// A successful response, envelope removed: what [`read`] and [`read_with_envelope`] decode.
///
/// Holds the body's tree as `open` parsed it ([`JsonRef`], borrowing from a copy of the body
/// it is yoked to), so the reader does not parse again.
pub struct Opened {
    /// The raw response.
    pub raw: RawResponse,
    /// Dotted path of the payload; `None` = the whole body.
    payload_field: Option<&'static str>,
    /// The parsed body (`None` when `open` did not keep it: the reader parses `raw.body`).
    tree: Option<Yoke<Tree<'static>, Box<[u8]>>>,
}

/// The body's tree, `None` for an empty body.
#[derive(Yokeable)]
struct Tree<'a>(Option<JsonRef<'a>>);

impl fmt::Debug for Opened {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Opened")
            .field("raw", &self.raw)
            .field("payload_field", &self.payload_field)
            .finish_non_exhaustive()
    }
}

impl Opened {
    /// The payload (the whole body when the envelope has no payload field; `null` if absent).
    pub fn payload(&self) -> Value {
        match self.raw.json() {
            Ok(body) => match self.payload_field {
                Some(path) => json_path(&body, path).cloned().unwrap_or(Value::Null),
                None => body,
            },
            Err(_) => Value::Null,
        }
    }

    /// Runs `f` on the body's tree (`None` for an empty body, which `open` lets through as
    /// `null`): the one `open` kept, else a parse of the raw body.
    fn with_tree<R: 'static>(
        self,
        f: impl 'static + for<'a> FnOnce(Option<JsonRef<'a>>) -> R,
    ) -> (Result<R, JsonError>, RawResponse) {
        if let Some(mut tree) = self.tree {
            return (Ok(tree.with_mut_return(|tree| f(tree.0.take()))), self.raw);
        }
        let result = parse_body(&self.raw.body).map(f);
        (result, self.raw)
    }
}

/// The tree of a body; `None` when it is empty (whitespace only).
fn parse_body(bytes: &[u8]) -> Result<Option<JsonRef<'_>>, JsonError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    decode_json_ref(bytes).map(Some)
}

/// Applies the envelope's success rule to a response.
pub fn open(
    envelope: &Envelope,
    endpoint: &'static str,
    response: http::Response<Bytes>,
) -> Result<Opened, Failure> {
    let raw = RawResponse::from_response(response);
    let status_ok = raw.status.is_success();
    // The usual case, a success: the tree is parsed once, here, and handed to the reader
    // with a copy of the bytes it borrows from. Anything else is looked at whole below.
    if status_ok && !raw.body.iter().all(u8::is_ascii_whitespace) {
        let parsed = Yoke::<Tree<'static>, Box<[u8]>>::try_attach_to_cart(
            Box::from(&raw.body[..]),
            |bytes| decode_json_ref(bytes).map(|tree| Tree(Some(tree))),
        );
        let tree = match parsed {
            Ok(tree) => tree,
            Err(err) => return Err(Failure::Decode(decode_error(endpoint, &err, raw))),
        };
        let code = match (envelope.code_field, &tree.get().0) {
            (Some(path), Some(body)) => body.path_text(path),
            _ => None,
        };
        if succeeded(envelope, code.as_deref()) {
            return Ok(Opened {
                raw,
                payload_field: envelope.payload_field,
                tree: Some(tree),
            });
        }
    }
    // A second handle on the body (a reference count), so the tree can borrow from it while
    // `raw` moves into the result.
    let bytes = raw.body.clone();
    let body: Option<JsonRef<'_>> = if bytes.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        match decode_json_ref(&bytes) {
            Ok(value) => Some(value),
            Err(err) if status_ok => {
                return Err(Failure::Decode(decode_error(endpoint, &err, raw)));
            }
            // An error status with a non-JSON body (a proxy page, a plain-text rejection).
            Err(_) => None,
        }
    };
    let text =
        |path: Option<&'static str>| path.and_then(|p| body.as_ref().and_then(|b| b.path_text(p)));
    let code = text(envelope.code_field);
    let succeeded = succeeded(envelope, code.as_deref());
    if status_ok && succeeded {
        return Ok(Opened {
            raw,
            payload_field: envelope.payload_field,
            tree: None,
        });
    }
    if status_ok && code.is_none() && envelope.success.is_some() {
        let message = match &body {
            Some(_) => "the body has no result code",
            None => "the body is empty",
        };
        return Err(Failure::Decode(DecodeError::new(
            endpoint,
            message.into(),
            raw,
        )));
    }
    let message = text(envelope.message_field).or_else(|| {
        (body.is_none() && !raw.body.is_empty())
            .then(|| raw.body_text().chars().take(200).collect())
    });
    let request_id = text(envelope.request_id_field);
    Err(Failure::Api(ApiError(Box::new(ApiErrorInner {
        endpoint,
        // A code in the body is the vendor's word even when the status also signals trouble
        // (statuses that carry no business meaning still come with an informative code).
        code,
        message,
        request_id,
        info: None,
        raw,
    }))))
}

/// The envelope's success rule on the result code found (if any).
fn succeeded(envelope: &Envelope, code: Option<&str>) -> bool {
    match (envelope.success, code) {
        (Some(success), Some(code)) => matches(success, code),
        (Some(_), None) => false,
        (None, _) => true,
    }
}

fn matches(success: SuccessCode, code: &str) -> bool {
    match success {
        SuccessCode::Str(s) => code == s,
        SuccessCode::Int(i) => code.parse::<i64>() == Ok(i),
    }
}

fn decode_error(endpoint: &'static str, err: &JsonError, raw: RawResponse) -> DecodeError {
    DecodeError::new(endpoint, err.to_string(), raw)
}

/// Decodes an opened payload into the endpoint's output type.
pub fn decode<T: DeserializeOwned>(
    endpoint: &'static str,
    opened: Opened,
) -> Result<T, DecodeError> {
    let payload = match opened.payload() {
        Value::Null => Value::Object(Default::default()),
        payload => payload,
    };
    serde_json::from_value(payload)
        .map_err(|e| DecodeError::new(endpoint, e.to_string(), opened.raw))
}

/// Decodes an opened payload into the endpoint's output type through its non-generic
/// [`FromJson`](crate::wire::FromJson) (what generated code calls; an absent payload reads as
/// an empty object, like [`decode`]).
pub fn read<T: crate::wire::FromJson + 'static>(
    endpoint: &'static str,
    opened: Opened,
) -> Result<T, DecodeError> {
    let payload_field = opened.payload_field;
    let (result, raw) = opened.with_tree(move |body| {
        let payload = match (payload_field, body) {
            (Some(path), Some(mut body)) => take_path(&mut body, path),
            (None, Some(body)) => body,
            (_, None) => JsonRef::Null,
        };
        decode_payload(payload)
    });
    match result {
        Ok(Ok(output)) => Ok(output),
        Ok(Err(err)) => Err(wire_error(endpoint, &err, raw)),
        Err(err) => Err(decode_error(endpoint, &err, raw)),
    }
}

/// A generated endpoint `Error` as [`parse`] makes it (implemented by
/// [`operation_error!`](crate::operation_error)).
pub trait EndpointError {
    /// A failed response: the variant of its documented code, `Service` or `Undocumented`.
    fn from_failure(failure: Failure) -> Self;
    /// An undecodable body: `Decode`.
    fn from_decode(error: DecodeError) -> Self;
}

/// [`open`] then [`read`]: the whole `parse_response` of a generated endpoint whose output is
/// the payload, written once here instead of type-checked again in every endpoint module.
#[inline]
pub fn parse<T: crate::wire::FromJson + 'static, E: EndpointError>(
    envelope: &Envelope,
    endpoint: &'static str,
    response: http::Response<Bytes>,
) -> Result<T, E> {
    let opened = match open(envelope, endpoint, response) {
        Ok(opened) => opened,
        Err(error) => return Err(E::from_failure(error)),
    };
    match read(endpoint, opened) {
        Ok(output) => Ok(output),
        Err(error) => Err(E::from_decode(error)),
    }
}

/// Like [`read`], and also decodes the whole body as the service's envelope `E` (its
/// documented fields besides the payload: request id, message, status echoes…), so a caller can
/// read them on success. `None` when the body is not a JSON object.
pub fn read_with_envelope<
    T: crate::wire::FromJson + 'static,
    E: crate::wire::FromJson + 'static,
>(
    endpoint: &'static str,
    opened: Opened,
) -> Result<(T, Option<E>), DecodeError> {
    let payload_field = opened.payload_field;
    let (result, raw) = opened.with_tree(move |body| {
        // The envelope reads the whole body, so the payload is a copy of the subtree (its
        // strings stay borrowed).
        let payload = match (payload_field, &body) {
            (Some(path), Some(body)) => body.path(path).cloned().unwrap_or(JsonRef::Null),
            (None, Some(body)) => body.clone(),
            (_, None) => JsonRef::Null,
        };
        let envelope = match body {
            Some(body @ JsonRef::Object(_)) => Some(E::from_json_ref(body)?),
            _ => None,
        };
        decode_payload(payload).map(|output| (output, envelope))
    });
    match result {
        Ok(Ok(decoded)) => Ok(decoded),
        Ok(Err(err)) => Err(wire_error(endpoint, &err, raw)),
        Err(err) => Err(decode_error(endpoint, &err, raw)),
    }
}

/// Moves the value at a dotted path out of the tree (`null` when absent).
fn take_path<'a>(body: &mut JsonRef<'a>, path: &str) -> JsonRef<'a> {
    if path.is_empty() {
        return std::mem::replace(body, JsonRef::Null);
    }
    match path.split_once('.') {
        None => body.take(path).unwrap_or(JsonRef::Null),
        Some(_) => body.path(path).cloned().unwrap_or(JsonRef::Null),
    }
}

/// The payload (`null` read as an empty object) decoded as `T`.
fn decode_payload<T: crate::wire::FromJson>(
    payload: JsonRef<'_>,
) -> Result<T, crate::wire::WireError> {
    let payload = match payload {
        JsonRef::Null => JsonRef::Object(Vec::new()),
        payload => payload,
    };
    T::from_json_ref(payload)
}

fn wire_error(
    endpoint: &'static str,
    err: &crate::wire::WireError,
    raw: RawResponse,
) -> DecodeError {
    DecodeError::new(endpoint, err.to_string(), raw)
}

/// Finds a code in a table of documented errors.
pub fn lookup(table: &'static [ErrorInfo], code: Option<&str>) -> Option<&'static ErrorInfo> {
    let code = code?;
    table.iter().find(|info| info.code == code)
}

mod operation_error;

#[cfg(test)]
mod tests;

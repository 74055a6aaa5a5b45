//! Panic-free JSON decoding and dotted-path lookup for response envelopes.

use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value;

/// A body that is not the expected JSON. Keeps serde_json's message and position.
#[derive(Debug)]
pub struct JsonError {
    inner: serde_json::Error,
}

impl JsonError {
    /// 1-based line of the problem (0 when unknown).
    pub fn line(&self) -> usize {
        self.inner.line()
    }

    /// 1-based column of the problem (0 when unknown).
    pub fn column(&self) -> usize {
        self.inner.column()
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "undecodable JSON body: {}", self.inner)
    }
}

/// `Display` already prints the parser's message, so `source` is the parser error's cause.
impl std::error::Error for JsonError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.inner)
    }
}

/// Decodes a body into a JSON value (an empty or invalid body is an error, never a panic;
/// nesting depth is bounded by serde_json's recursion limit).
pub fn decode_json(body: &[u8]) -> Result<Value, JsonError> {
    decode_json_as(body)
}

/// Decodes a body into a tree that borrows its strings from `body` (how responses are read).
pub fn decode_json_ref(body: &[u8]) -> Result<crate::wire::JsonRef<'_>, JsonError> {
    crate::wire::JsonRef::parse(body).map_err(|inner| JsonError { inner })
}

/// Decodes a body into `T`.
pub fn decode_json_as<T: DeserializeOwned>(body: &[u8]) -> Result<T, JsonError> {
    serde_json::from_slice(body).map_err(|inner| JsonError { inner })
}

/// Looks up a dotted path: `"result.code"`, `"Data.items.0.id"` (a numeric segment indexes an
/// array). The empty path is the value itself.
///
/// ```
/// use serde_json::json;
/// use switchboard_runtime::error::json_path;
///
/// let body = json!({"Data": {"items": [{"id": 7}]}});
/// assert_eq!(json_path(&body, "Data.items.0.id"), Some(&json!(7)));
/// assert_eq!(json_path(&body, "Data.missing"), None);
/// ```
pub fn json_path<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    if path.is_empty() {
        return Some(value);
    }
    path.split('.')
        .try_fold(value, |current, segment| match current {
            Value::Object(map) => map.get(segment),
            Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        })
}

/// The scalar at a dotted path as text: strings as they are, numbers and booleans in their
/// JSON spelling; `None` for null, objects, arrays or a missing path. Envelope codes are
/// strings for some vendors (`"0"`, `"100-006"`) and integers for others (`0`, `141005`):
/// comparing their text treats both alike.
pub fn json_path_text(value: &Value, path: &str) -> Option<String> {
    match json_path(value, path)? {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_or_reports_without_panicking() {
        assert_eq!(
            decode_json(br#"{"retcode":"0"}"#).expect("valid")["retcode"],
            "0"
        );
        for bad in [&b""[..], b"{", b"\xff\xfe", b"[1,]", &b"[".repeat(10_000)] {
            assert!(decode_json(bad).is_err());
        }
        let error = decode_json(b"{\n  x").expect_err("invalid");
        assert_eq!(error.line(), 2);
        assert!(error.to_string().starts_with("undecodable JSON body: "));
        let typed: Result<u8, _> = decode_json_as(b"300");
        assert!(typed.is_err());
    }

    #[test]
    fn dotted_paths_reach_envelope_fields() {
        let body = json!({"retcode": "100-006", "ErrorCode": 141005, "ok": true,
                          "result": {"list": [{"id": "a"}]}, "nothing": null});
        assert_eq!(json_path_text(&body, "retcode").as_deref(), Some("100-006"));
        assert_eq!(
            json_path_text(&body, "ErrorCode").as_deref(),
            Some("141005")
        );
        assert_eq!(json_path_text(&body, "ok").as_deref(), Some("true"));
        assert_eq!(
            json_path_text(&body, "result.list.0.id").as_deref(),
            Some("a")
        );
        assert_eq!(json_path_text(&body, "result.list.x"), None);
        assert_eq!(json_path_text(&body, "result.list.9.id"), None);
        assert_eq!(json_path_text(&body, "retcode.deeper"), None);
        assert_eq!(json_path_text(&body, "nothing"), None);
        assert_eq!(json_path_text(&body, "result"), None);
        assert_eq!(json_path(&body, ""), Some(&body));
    }
}

//! Request signing algorithms as pure functions.
//!
//! Each submodule implements one published algorithm and exposes its intermediate values
//! (canonical query or request, string to sign, signature) so that a failing signature can be
//! compared step by step with the vendor's documentation. The auth schemes in
//! [`crate::auth`] call these functions; nothing here does I/O or reads a clock.

use std::borrow::Cow;
use std::fmt;

use time::OffsetDateTime;

use crate::query;

pub mod acs3;
pub mod rpc_v1;
pub mod tls_sig_v2;

/// The canonical query string shared by both request-signing algorithms: every name and value
/// RFC 3986-encoded, pairs sorted by encoded name (then encoded value, so repeated names are
/// ordered too), joined as `name=value` with `&`; an empty value gives `name=`.
pub fn canonical_query<I, K, V>(params: I) -> String
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let params: Vec<(K, V)> = params.into_iter().collect();
    canonical_query_of(params.iter().map(|(k, v)| (k.as_ref(), v.as_ref())))
}

/// [`canonical_query`] of borrowed pairs: names and values that need no escape are not
/// copied, and the result is written into one buffer.
pub(crate) fn canonical_query_of<'a>(params: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let mut encoded: Vec<(Cow<'a, str>, Cow<'a, str>)> = params
        .map(|(name, value)| (query::encode_cow(name), query::encode_cow(value)))
        .collect();
    encoded.sort_unstable();
    let len = encoded.iter().map(|(n, v)| n.len() + v.len() + 2).sum();
    let mut out = String::with_capacity(len);
    for (name, value) in &encoded {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
    out
}

/// Formats a time as UTC ISO 8601 to the second, `yyyy-MM-ddTHH:mm:ssZ`, the timestamp form
/// both request-signing algorithms use.
pub fn format_timestamp(time: OffsetDateTime) -> String {
    let utc = time.to_offset(time::UtcOffset::UTC);
    let year = utc.year();
    if !(0..=9999).contains(&year) {
        return format!(
            "{year:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            u8::from(utc.month()),
            utc.day(),
            utc.hour(),
            utc.minute(),
            utc.second()
        );
    }
    // Once per signed request: digits pushed directly, without the formatting machinery.
    let mut out = String::with_capacity(20);
    let mut push = |value: u32, width: u32, then: char| {
        for place in (0..width).rev() {
            let digit = value / 10u32.pow(place) % 10;
            out.push(char::from(b'0' + digit as u8));
        }
        out.push(then);
    };
    push(year.unsigned_abs(), 4, '-');
    push(u32::from(u8::from(utc.month())), 2, '-');
    push(u32::from(utc.day()), 2, 'T');
    push(u32::from(utc.hour()), 2, ':');
    push(u32::from(utc.minute()), 2, ':');
    push(u32::from(utc.second()), 2, 'Z');
    out
}

/// A request could not be signed (it has no host, or a value cannot go in a header).
///
/// The message names the problem, never a credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningError {
    message: String,
}

impl SigningError {
    /// A new error; `message` must not contain secrets.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for SigningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot sign request: {}", self.message)
    }
}

impl std::error::Error for SigningError {}

impl From<http::Error> for SigningError {
    fn from(error: http::Error) -> Self {
        Self::new(format!("invalid request URI: {error}"))
    }
}

/// True when the body is a form (`application/x-www-form-urlencoded`), whose fields are
/// signed like query parameters by the RPC algorithm.
pub(crate) fn is_form(headers: &http::HeaderMap) -> bool {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// Borrows owned pairs as `(&str, &str)` for the generic signing functions.
pub(crate) fn pairs_of(pairs: &[(String, String)]) -> impl Iterator<Item = (&str, &str)> {
    pairs
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_query_sorts_encodes_and_keeps_empty_values() {
        let params = [("b", "2"), ("a", "x y"), ("c", ""), ("a", "*")];
        assert_eq!(canonical_query(params), "a=%2A&a=x%20y&b=2&c=");
    }

    #[test]
    fn timestamps_are_utc_seconds() {
        let time = time::macros::datetime!(2016-02-23 20:46:24.5 +08:00);
        assert_eq!(format_timestamp(time), "2016-02-23T12:46:24Z");
        let early = time::macros::datetime!(0987-01-02 03:04:05 UTC);
        assert_eq!(format_timestamp(early), "0987-01-02T03:04:05Z");
    }
}

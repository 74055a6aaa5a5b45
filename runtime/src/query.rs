//! Query strings: RFC 3986 percent-encoding, parsing and appending to an `http::Uri`.
//!
//! Generated code builds query strings with [`encode`] so that signing schemes, which
//! re-canonicalize the query, see exactly what the server will decode.

use std::borrow::Cow;

use http::Uri;
use http::uri::PathAndQuery;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Every byte except the RFC 3986 unreserved set `A-Z a-z 0-9 - _ . ~` is encoded.
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes UTF-8 text per RFC 3986: unreserved characters are kept, everything else
/// becomes `%XX` with upper-case hex (so space is `%20`, `*` is `%2A`, `~` stays).
pub fn encode(text: &str) -> String {
    encode_cow(text).into_owned()
}

/// [`encode`] without a copy when `text` needs no escape (the usual case for names, ids and
/// the canonical forms signing schemes compare).
pub fn encode_cow(text: &str) -> Cow<'_, str> {
    // Checked byte by byte first: the encoder's iterator costs more than the scan when, as
    // usual, nothing needs escaping.
    if text.bytes().all(unreserved) {
        return Cow::Borrowed(text);
    }
    utf8_percent_encode(text, RFC3986).into()
}

/// An RFC 3986 unreserved byte (`A-Z a-z 0-9 - _ . ~`), which [`encode`] keeps.
fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// Appends the [`encode`]d `text` to `out` (the encoder yields runs of text, pushed as they
/// are: no formatting machinery, no intermediate string).
pub fn encode_into(out: &mut String, text: &str) {
    if text.bytes().all(unreserved) {
        out.push_str(text);
        return;
    }
    for chunk in utf8_percent_encode(text, RFC3986) {
        out.push_str(chunk);
    }
}

/// Decodes one query component: `%XX` escapes and `+` as a space (what servers that parse
/// `application/x-www-form-urlencoded` queries do). Invalid UTF-8 is replaced, never an error.
pub fn decode(component: &str) -> String {
    decode_cow(component).into_owned()
}

/// [`decode`] without a copy when the component has nothing to decode.
pub fn decode_cow(component: &str) -> Cow<'_, str> {
    // Nothing to decode: the component itself (it is already UTF-8), without the decoder's
    // scan and the lossy UTF-8 pass over its output.
    if !component.contains(['%', '+']) {
        return Cow::Borrowed(component);
    }
    if component.contains('+') {
        let spaced = component.replace('+', " ");
        Cow::Owned(percent_decode_str(&spaced).decode_utf8_lossy().into_owned())
    } else {
        percent_decode_str(component).decode_utf8_lossy()
    }
}

/// Splits a raw query string (without `?`) into decoded name/value pairs, in order.
/// Empty segments are skipped; a segment without `=` has an empty value.
pub fn parse(query: &str) -> Vec<(String, String)> {
    parse_cow(query)
        .into_iter()
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

/// [`parse`], borrowing every name and value that has nothing to decode.
pub fn parse_cow(query: &str) -> Vec<(Cow<'_, str>, Cow<'_, str>)> {
    query
        .split('&')
        .filter(|segment| !segment.is_empty())
        .map(|segment| match segment.split_once('=') {
            Some((name, value)) => (decode_cow(name), decode_cow(value)),
            None => (decode_cow(segment), Cow::Borrowed("")),
        })
        .collect()
}

/// The decoded query pairs of a URI (empty when it has no query).
pub fn pairs(uri: &Uri) -> Vec<(String, String)> {
    uri.query().map(parse).unwrap_or_default()
}

/// Joins pairs into a query string, in the given order, each part [`encode`]d.
pub fn to_string<I, K, V>(pairs: I) -> String
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        encode_into(&mut out, name.as_ref());
        out.push('=');
        encode_into(&mut out, value.as_ref());
    }
    out
}

/// The same URI with its query replaced by `query` (already encoded; `None` or empty removes it).
pub fn with_query(uri: &Uri, query: Option<&str>) -> Result<Uri, http::Error> {
    let query = query.filter(|q| !q.is_empty());
    let mut path_and_query =
        String::with_capacity(uri.path().len() + 1 + query.map_or(0, str::len));
    path_and_query.push_str(uri.path());
    if let Some(query) = query {
        path_and_query.push('?');
        path_and_query.push_str(query);
    }
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = Some(PathAndQuery::try_from(path_and_query)?);
    Ok(Uri::from_parts(parts)?)
}

/// The same URI with `pairs` appended (encoded with [`encode`]) after any existing query.
pub fn append<I, K, V>(uri: &Uri, pairs: I) -> Result<Uri, http::Error>
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let added = to_string(pairs);
    let query = match uri.query().filter(|q| !q.is_empty()) {
        Some(existing) if !added.is_empty() => format!("{existing}&{added}"),
        Some(existing) => existing.to_owned(),
        None => added,
    };
    with_query(uri, Some(&query))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_fast_paths_agree_with_the_encoder_and_decoder() {
        for text in [
            "",
            "abc",
            "A-Z_0.9~",
            "a b",
            "a+b",
            "100%",
            "%41",
            "x=y&z",
            "é",
            "日本",
            "a/b?c",
            "CallId-123",
            "%zz",
            "~*'()",
            "tab\t",
        ] {
            let slow: String = utf8_percent_encode(text, RFC3986).collect();
            assert_eq!(encode_cow(text), slow, "{text:?}");
            let mut into = String::from(">");
            encode_into(&mut into, text);
            assert_eq!(into, format!(">{slow}"), "{text:?}");
            let spaced = text.replace('+', " ");
            let decoded = percent_decode_str(&spaced).decode_utf8_lossy().into_owned();
            assert_eq!(decode_cow(text), decoded, "{text:?}");
        }
    }

    use super::*;

    #[test]
    fn encodes_per_rfc3986() {
        assert_eq!(encode("a b*c~d-e_f.g"), "a%20b%2Ac~d-e_f.g");
        assert_eq!(encode("12:46/+=&"), "12%3A46%2F%2B%3D%26");
        assert_eq!(encode("中"), "%E4%B8%AD");
    }

    #[test]
    fn text_without_escapes_is_borrowed_not_copied() {
        assert!(matches!(encode_cow("ccc-test_1.0~"), Cow::Borrowed(_)));
        assert_eq!(encode_cow("a b"), "a%20b");
        assert!(matches!(decode_cow("ccc-test"), Cow::Borrowed(_)));
        assert_eq!(decode_cow("a%20b+c"), "a b c");
        let mut out = String::from("x=");
        encode_into(&mut out, "1:2");
        assert_eq!(out, "x=1%3A2");
        assert_eq!(
            parse_cow("a=1&b"),
            vec![("a".into(), "1".into()), ("b".into(), "".into())]
        );
    }

    #[test]
    fn parses_and_decodes() {
        assert_eq!(
            parse("a=1&&b=x%20y+z&c&=v&d=%E4%B8%AD&e=%ZZ"),
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "x y z".into()),
                ("c".into(), String::new()),
                (String::new(), "v".into()),
                ("d".into(), "中".into()),
                ("e".into(), "%ZZ".into()),
            ]
        );
    }

    #[test]
    fn appends_to_existing_or_missing_queries() {
        let uri: Uri = "https://h.test/v4/x?a=1".parse().expect("valid uri");
        let uri = append(&uri, [("b", "2 3")]).expect("append");
        assert_eq!(uri.to_string(), "https://h.test/v4/x?a=1&b=2%203");
        let bare: Uri = "https://h.test/p".parse().expect("valid uri");
        assert_eq!(
            append(&bare, [("k", "v")]).expect("append").to_string(),
            "https://h.test/p?k=v"
        );
        let empty: [(&str, &str); 0] = [];
        assert_eq!(
            append(&bare, empty).expect("append").to_string(),
            "https://h.test/p"
        );
        assert_eq!(
            with_query(&uri, None).expect("strip").to_string(),
            "https://h.test/v4/x"
        );
        assert_eq!(
            pairs(&uri),
            vec![("a".into(), "1".into()), ("b".into(), "2 3".into())]
        );
    }
}

//! ACS3-HMAC-SHA256 (Alibaba Cloud "signature V3").
//!
//! ```text
//! CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n
//!                    SignedHeaders \n hex(SHA256(body))
//! StringToSign     = "ACS3-HMAC-SHA256" \n hex(SHA256(CanonicalRequest))
//! Signature        = hex(HMAC-SHA256(AccessKeySecret, StringToSign))     (raw secret, no "&")
//! Authorization    = ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<list>,Signature=<hex>
//! ```
//!
//! Signed headers are `host`, `content-type` and every `x-acs-*` header: the set the
//! documentation's canonicalization step keeps. Headers a transport may add or change later
//! (`user-agent`, `accept`, `content-length`) are left out on purpose; the server verifies
//! whatever `SignedHeaders` lists.

use std::borrow::Cow;

use bytes::Bytes;
use hmac::{Hmac, Mac};
use http::{HeaderMap, HeaderName, HeaderValue};
use sha2::{Digest, Sha256};

use super::{SigningError, canonical_query_of};
use crate::Secret;
use crate::query;

/// The algorithm name, first word of the `Authorization` header.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";
/// hex(SHA-256) of an empty body.
pub const EMPTY_BODY_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Header names the algorithm defines (lower case, as signed).
pub mod header {
    /// The request host (and port, when not the default).
    pub const HOST: &str = "host";
    /// The API action.
    pub const ACTION: &str = "x-acs-action";
    /// The API version.
    pub const VERSION: &str = "x-acs-version";
    /// UTC `yyyy-MM-ddTHH:mm:ssZ`.
    pub const DATE: &str = "x-acs-date";
    /// A value unique per request.
    pub const SIGNATURE_NONCE: &str = "x-acs-signature-nonce";
    /// hex(SHA-256) of the body.
    pub const CONTENT_SHA256: &str = "x-acs-content-sha256";
    /// An STS security token, when temporary credentials are used.
    pub const SECURITY_TOKEN: &str = "x-acs-security-token";
}

/// Every intermediate value of one signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acs3Signature {
    /// The canonical request text.
    pub canonical_request: String,
    /// `ACS3-HMAC-SHA256\n` + hex(SHA256(canonical request)).
    pub string_to_sign: String,
    /// hex HMAC-SHA256.
    pub signature: String,
    /// The `Authorization` header value.
    pub authorization: String,
}

/// hex(SHA-256(body)), the `x-acs-content-sha256` value and the last canonical-request line.
pub fn hashed_payload(body: &[u8]) -> String {
    hex_lower(&Sha256::digest(body))
}

/// Lower-case hex of a 32-byte digest, through a stack buffer (`hex::encode` collects `char`s
/// one by one).
fn hex_lower(digest: &[u8]) -> String {
    let mut buf = [0u8; 64];
    let out = &mut buf[..digest.len() * 2];
    hex::encode_to_slice(digest, out).expect("the buffer is twice the digest");
    String::from_utf8_lossy(out).into_owned()
}

/// Whether a header takes part in the signature.
pub fn is_signed_header(name: &HeaderName) -> bool {
    let name = name.as_str();
    name == header::HOST || name == "content-type" || name.starts_with("x-acs-")
}

/// Canonical headers (`name:trimmed value\n` per header, sorted; repeated values sorted and
/// joined with `,`) and the `;`-joined signed header list, for the headers
/// [`is_signed_header`] selects.
pub fn canonical_headers(headers: &HeaderMap) -> (String, String) {
    let mut names: Vec<&HeaderName> = headers.keys().filter(|n| is_signed_header(n)).collect();
    names.sort_unstable_by(|a, b| a.as_str().cmp(b.as_str()));
    let mut canonical = String::with_capacity(256);
    let mut signed = String::with_capacity(names.iter().map(|n| n.as_str().len() + 1).sum());
    for name in names {
        canonical.push_str(name.as_str());
        canonical.push(':');
        let mut values = headers.get_all(name).iter();
        match (values.next(), values.next()) {
            // One value (every header this scheme sets): no list to sort, no copy of it.
            (Some(value), None) => canonical.push_str(&header_text(value)),
            _ => {
                let mut values: Vec<Cow<'_, str>> =
                    headers.get_all(name).iter().map(header_text).collect();
                values.sort_unstable();
                canonical.push_str(&values.join(","));
            }
        }
        canonical.push('\n');
        if !signed.is_empty() {
            signed.push(';');
        }
        signed.push_str(name.as_str());
    }
    (canonical, signed)
}

/// A header value as signed: trimmed text (bytes that are not UTF-8 replaced).
fn header_text(value: &HeaderValue) -> Cow<'_, str> {
    match String::from_utf8_lossy(value.as_bytes()) {
        Cow::Borrowed(text) => Cow::Borrowed(text.trim()),
        Cow::Owned(text) => Cow::Owned(text.trim().to_owned()),
    }
}

/// Joins the six canonical-request parts with `\n`.
pub fn canonical_request(
    method: &http::Method,
    canonical_uri: &str,
    canonical_query: &str,
    canonical_headers: &str,
    signed_headers: &str,
    hashed_payload: &str,
) -> String {
    let parts = [
        method.as_str(),
        canonical_uri,
        canonical_query,
        canonical_headers,
        signed_headers,
        hashed_payload,
    ];
    parts.join("\n")
}

/// `ACS3-HMAC-SHA256\n` + hex(SHA256(canonical_request)).
pub fn string_to_sign(canonical_request: &str) -> String {
    let mut out = String::with_capacity(ALGORITHM.len() + 1 + 64);
    out.push_str(ALGORITHM);
    out.push('\n');
    out.push_str(&hex_lower(&Sha256::digest(canonical_request.as_bytes())));
    out
}

/// hex(HMAC-SHA256(secret, string_to_sign)), keyed with the raw secret.
pub fn signature(access_key_secret: &Secret, string_to_sign: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(access_key_secret.expose().as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(string_to_sign.as_bytes());
    hex_lower(&mac.finalize().into_bytes())
}

/// The `Authorization` header value.
pub fn authorization(access_key_id: &str, signed_headers: &str, signature: &str) -> String {
    format!(
        "{ALGORITHM} Credential={access_key_id},SignedHeaders={signed_headers},Signature={signature}"
    )
}

/// What [`sign_request`] needs besides the request.
#[derive(Debug, Clone, Copy)]
pub struct Acs3Params<'a> {
    /// The access key id (not secret: it travels in the clear).
    pub access_key_id: &'a str,
    /// The access key secret.
    pub access_key_secret: &'a Secret,
    /// The API action, sent as `x-acs-action`.
    pub action: &'a str,
    /// The API version, sent as `x-acs-version`.
    pub version: &'a str,
    /// UTC timestamp, see [`super::format_timestamp`].
    pub date: &'a str,
    /// A value unique per request.
    pub nonce: &'a str,
    /// An STS token, sent as `x-acs-security-token` when present.
    pub security_token: Option<&'a Secret>,
}

/// Signs a request in place: sets `host` (from the URI, unless already present),
/// `x-acs-action`, `x-acs-version`, `x-acs-date`, `x-acs-signature-nonce`,
/// `x-acs-content-sha256`, `x-acs-security-token` (when given) and `Authorization`, and
/// rewrites the query in canonical form so the server decodes exactly what was signed.
/// The URI path must already be percent-encoded; it is signed as it is (`/` when empty).
pub fn sign_request(
    request: &mut http::Request<Bytes>,
    params: &Acs3Params<'_>,
) -> Result<Acs3Signature, SigningError> {
    // A clone of the URI is two reference counts; the query pairs borrow from it.
    let uri = request.uri().clone();
    let pairs = query::parse_cow(uri.query().unwrap_or_default());
    sign_with_query(request, params, &pairs)
}

/// [`sign_request`] with the query parameters to sign given (decoded) instead of read from the
/// URI, whose query is replaced by their canonical form: the auth scheme takes the action and
/// version out of the query without building and parsing an intermediate URI.
pub(crate) fn sign_with_query(
    request: &mut http::Request<Bytes>,
    params: &Acs3Params<'_>,
    pairs: &[(Cow<'_, str>, Cow<'_, str>)],
) -> Result<Acs3Signature, SigningError> {
    if !request.headers().contains_key(http::header::HOST) {
        let host = request
            .uri()
            .authority()
            .map(|a| a.as_str().rsplit('@').next().unwrap_or_default())
            .filter(|h| !h.is_empty())
            .ok_or_else(|| SigningError::new("the request URI has no host"))?;
        let host = HeaderValue::from_str(host)
            .map_err(|_| SigningError::new("the `host` value cannot go in a header"))?;
        request.headers_mut().insert(http::header::HOST, host);
    }
    let payload_hash = hashed_payload(request.body());
    let headers = request.headers_mut();
    // Room for the headers set below and `authorization`, so the map grows once.
    headers.reserve(8);
    set(headers, header::ACTION, params.action)?;
    set(headers, header::VERSION, params.version)?;
    set(headers, header::DATE, params.date)?;
    set(headers, header::SIGNATURE_NONCE, params.nonce)?;
    set(headers, header::CONTENT_SHA256, &payload_hash)?;
    match params.security_token {
        Some(token) => set(headers, header::SECURITY_TOKEN, token.expose())?,
        None => {
            headers.remove(header::SECURITY_TOKEN);
        }
    }
    headers.remove(http::header::AUTHORIZATION);

    let canonical_query = canonical_query_of(pairs.iter().map(|(name, value)| (&**name, &**value)));
    let path = request.uri().path();
    let canonical_uri = if path.is_empty() { "/" } else { path };
    let (canonical_headers, signed_headers) = canonical_headers(request.headers());
    let canonical_request = canonical_request(
        request.method(),
        canonical_uri,
        &canonical_query,
        &canonical_headers,
        &signed_headers,
        &payload_hash,
    );
    let string_to_sign = string_to_sign(&canonical_request);
    let signature = signature(params.access_key_secret, &string_to_sign);
    let authorization = authorization(params.access_key_id, &signed_headers, &signature);
    let mut value = HeaderValue::from_str(&authorization)
        .map_err(|_| SigningError::new("the access key id cannot go in a header"))?;
    value.set_sensitive(true);
    request
        .headers_mut()
        .insert(http::header::AUTHORIZATION, value);
    *request.uri_mut() = query::with_query(request.uri(), Some(&canonical_query))?;
    Ok(Acs3Signature {
        canonical_request,
        string_to_sign,
        signature,
        authorization,
    })
}

fn set(headers: &mut HeaderMap, name: &'static str, value: &str) -> Result<(), SigningError> {
    let value = HeaderValue::from_str(value)
        .map_err(|_| SigningError::new(format!("the `{name}` value cannot go in a header")))?;
    headers.insert(HeaderName::from_static(name), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANONICAL_REQUEST: &str = "POST
/
ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai
host:ecs.cn-shanghai.aliyuncs.com
x-acs-action:RunInstances
x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
x-acs-date:2023-10-26T10:22:32Z
x-acs-signature-nonce:3156853299f313e23d1673dc12e1703d
x-acs-version:2014-05-26

host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version
e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    const SIGNATURE: &str = "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0";

    /// VENDORS.md D.2: the documentation's "fixed parameter values" example, end to end.
    #[test]
    fn reproduces_the_published_fixed_values_example() {
        let uri = "https://ecs.cn-shanghai.aliyuncs.com/\
                   ?RegionId=cn-shanghai&ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd";
        let mut request = http::Request::post(uri)
            .body(Bytes::new())
            .expect("valid request");
        let secret = Secret::from("YourAccessKeySecret");
        let params = Acs3Params {
            access_key_id: "YourAccessKeyId",
            access_key_secret: &secret,
            action: "RunInstances",
            version: "2014-05-26",
            date: "2023-10-26T10:22:32Z",
            nonce: "3156853299f313e23d1673dc12e1703d",
            security_token: None,
        };
        let signed = sign_request(&mut request, &params).expect("signs");
        assert_eq!(signed.canonical_request, CANONICAL_REQUEST);
        assert_eq!(
            signed.string_to_sign,
            "ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"
        );
        assert_eq!(signed.signature, SIGNATURE);
        let authorization = "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;\
            x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,\
            Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0";
        assert_eq!(signed.authorization, authorization);
        let headers = request.headers();
        assert_eq!(headers["authorization"], authorization);
        assert_eq!(headers["host"], "ecs.cn-shanghai.aliyuncs.com");
        assert_eq!(headers["x-acs-action"], "RunInstances");
        assert_eq!(headers["x-acs-content-sha256"], EMPTY_BODY_SHA256);
        assert!(!headers.contains_key("x-acs-security-token"));
        assert_eq!(
            request.uri().query(),
            Some(
                "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai"
            )
        );
    }

    #[test]
    fn the_pure_steps_compose_to_the_same_example() {
        let signature = signature(
            &Secret::from("YourAccessKeySecret"),
            &string_to_sign(CANONICAL_REQUEST),
        );
        assert_eq!(signature, SIGNATURE);
        assert_eq!(hashed_payload(b""), EMPTY_BODY_SHA256);
    }

    #[test]
    fn signs_content_type_token_and_body_but_not_transport_headers() {
        let mut request = http::Request::post("https://user@h.test:8443/path")
            .header("content-type", "application/json")
            .header("user-agent", "x")
            .body(Bytes::from_static(b"{}"))
            .expect("valid request");
        let secret = Secret::from("s");
        let token = Secret::from("tok");
        let params = Acs3Params {
            access_key_id: "id",
            access_key_secret: &secret,
            action: "A",
            version: "V",
            date: "D",
            nonce: "N",
            security_token: Some(&token),
        };
        let signed = sign_request(&mut request, &params).expect("signs");
        assert_eq!(request.headers()["host"], "h.test:8443");
        assert!(
            signed
                .canonical_request
                .starts_with("POST\n/path\n\ncontent-type:application/json\nhost:h.test:8443\n")
        );
        assert!(signed.authorization.contains(
            "SignedHeaders=content-type;host;x-acs-action;x-acs-content-sha256;x-acs-date;\
             x-acs-security-token;x-acs-signature-nonce;x-acs-version,"
        ));
        assert!(signed.canonical_request.ends_with(&hashed_payload(b"{}")));
        assert!(!signed.canonical_request.contains("user-agent"));
    }

    #[test]
    fn a_uri_without_host_is_an_error() {
        let mut request = http::Request::post("/relative")
            .body(Bytes::new())
            .expect("valid request");
        let secret = Secret::from("s");
        let params = Acs3Params {
            access_key_id: "id",
            access_key_secret: &secret,
            action: "A",
            version: "V",
            date: "D",
            nonce: "N",
            security_token: None,
        };
        assert!(sign_request(&mut request, &params).is_err());
    }
}

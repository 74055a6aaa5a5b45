//! The RPC signature, `SignatureMethod=HMAC-SHA1`, `SignatureVersion=1.0` (Alibaba Cloud's
//! "signature V2" for RPC-style APIs).
//!
//! 1. Take every query parameter (and form-body field) except `Signature`; add the common
//!    parameters ([`param`]).
//! 2. Canonical query: [`super::canonical_query`] (RFC 3986, sorted by name).
//! 3. StringToSign = `METHOD & %2F & encode(canonical query)` — the query is encoded twice.
//! 4. Signature = Base64(HMAC-SHA1(key = secret + `&`, StringToSign)).
//!
//! ```
//! use switchboard_runtime::{Secret, signing::rpc_v1};
//!
//! let signed = rpc_v1::sign(&http::Method::GET, [("Action", "DescribeRegions")], &Secret::from("s"));
//! assert_eq!(signed.string_to_sign, "GET&%2F&Action%3DDescribeRegions");
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use super::{SigningError, canonical_query, is_form, pairs_of};
use crate::Secret;
use crate::query;

/// The `SignatureMethod` value.
pub const SIGNATURE_METHOD: &str = "HMAC-SHA1";
/// The `SignatureVersion` value.
pub const SIGNATURE_VERSION: &str = "1.0";

/// Names of the common parameters the algorithm defines.
pub mod param {
    /// The access key id.
    pub const ACCESS_KEY_ID: &str = "AccessKeyId";
    /// The response format (`JSON` or `XML`; the service's default is XML).
    pub const FORMAT: &str = "Format";
    /// Always [`super::SIGNATURE_METHOD`].
    pub const SIGNATURE_METHOD: &str = "SignatureMethod";
    /// Always [`super::SIGNATURE_VERSION`].
    pub const SIGNATURE_VERSION: &str = "SignatureVersion";
    /// A value unique per request.
    pub const SIGNATURE_NONCE: &str = "SignatureNonce";
    /// UTC `yyyy-MM-ddTHH:mm:ssZ`.
    pub const TIMESTAMP: &str = "Timestamp";
    /// An STS security token, when temporary credentials are used.
    pub const SECURITY_TOKEN: &str = "SecurityToken";
    /// The signature itself (never signed).
    pub const SIGNATURE: &str = "Signature";
}

/// Every intermediate value of one signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcV1Signature {
    /// The sorted, encoded parameters.
    pub canonical_query: String,
    /// `METHOD&%2F&encode(canonical_query)`.
    pub string_to_sign: String,
    /// Base64 HMAC-SHA1; travels in the clear as the `Signature` parameter.
    pub signature: String,
}

/// `METHOD&%2F&encode(canonical_query)`.
pub fn string_to_sign(method: &http::Method, canonical_query: &str) -> String {
    format!("{}&%2F&{}", method.as_str(), query::encode(canonical_query))
}

/// Base64(HMAC-SHA1(secret + `&`, string_to_sign)).
pub fn signature(access_key_secret: &Secret, string_to_sign: &str) -> String {
    let key = format!("{}&", access_key_secret.expose());
    let mut mac =
        Hmac::<Sha1>::new_from_slice(key.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(string_to_sign.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// Signs a complete parameter list (common parameters included, `Signature` excluded).
pub fn sign<I, K, V>(method: &http::Method, params: I, access_key_secret: &Secret) -> RpcV1Signature
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let canonical_query = canonical_query(params);
    let string_to_sign = string_to_sign(method, &canonical_query);
    let signature = signature(access_key_secret, &string_to_sign);
    RpcV1Signature {
        canonical_query,
        string_to_sign,
        signature,
    }
}

/// What [`sign_request`] needs besides the request.
#[derive(Debug, Clone, Copy)]
pub struct RpcV1Params<'a> {
    /// The access key id (not secret: it travels in the clear).
    pub access_key_id: &'a str,
    /// The access key secret.
    pub access_key_secret: &'a Secret,
    /// UTC timestamp, see [`super::format_timestamp`].
    pub timestamp: &'a str,
    /// A value unique per request.
    pub nonce: &'a str,
    /// An STS token, sent as `SecurityToken` when present.
    pub security_token: Option<&'a Secret>,
    /// The response format, sent as `Format` when present.
    pub format: Option<&'a str>,
}

/// The common parameters for one request, in a fixed order.
pub fn common_params(params: &RpcV1Params<'_>) -> Vec<(String, String)> {
    let mut out = vec![
        (
            param::ACCESS_KEY_ID.to_owned(),
            params.access_key_id.to_owned(),
        ),
        (
            param::SIGNATURE_METHOD.to_owned(),
            SIGNATURE_METHOD.to_owned(),
        ),
        (param::SIGNATURE_NONCE.to_owned(), params.nonce.to_owned()),
        (
            param::SIGNATURE_VERSION.to_owned(),
            SIGNATURE_VERSION.to_owned(),
        ),
        (param::TIMESTAMP.to_owned(), params.timestamp.to_owned()),
    ];
    if let Some(token) = params.security_token {
        out.push((param::SECURITY_TOKEN.to_owned(), token.expose().to_owned()));
    }
    if let Some(format) = params.format {
        out.push((param::FORMAT.to_owned(), format.to_owned()));
    }
    out
}

/// Signs a request in place.
///
/// The request's query parameters (and, for an `application/x-www-form-urlencoded` body, its
/// form fields) are signed together with the common parameters. The query is then rewritten
/// in canonical form with the common parameters and `Signature` added; any common parameter
/// already in the query is replaced, so signing twice gives one signature.
pub fn sign_request(
    request: &mut http::Request<Bytes>,
    params: &RpcV1Params<'_>,
) -> Result<RpcV1Signature, SigningError> {
    let common = common_params(params);
    let is_common = |name: &str| name == param::SIGNATURE || common.iter().any(|(n, _)| n == name);
    let mut query_params: Vec<(String, String)> = query::pairs(request.uri())
        .into_iter()
        .filter(|(name, _)| !is_common(name))
        .collect();
    query_params.extend(common.iter().cloned());
    let mut signed_params = query_params.clone();
    if is_form(request.headers()) {
        let body = String::from_utf8_lossy(request.body());
        signed_params.extend(query::parse(&body));
    }
    let signed = sign(
        request.method(),
        pairs_of(&signed_params),
        params.access_key_secret,
    );
    let mut final_query = canonical_query(pairs_of(&query_params));
    final_query.push('&');
    final_query.push_str(&query::to_string([(param::SIGNATURE, &signed.signature)]));
    *request.uri_mut() = query::with_query(request.uri(), Some(&final_query))?;
    Ok(signed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// VENDORS.md D.1: Alibaba's published DescribeRegions example.
    #[test]
    fn reproduces_the_published_describe_regions_example() {
        let params = [
            ("AccessKeyId", "testid"),
            ("Action", "DescribeRegions"),
            ("Format", "XML"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
            ("SignatureVersion", "1.0"),
            ("Timestamp", "2016-02-23T12:46:24Z"),
            ("Version", "2014-05-26"),
        ];
        let signed = sign(&http::Method::GET, params, &Secret::from("testsecret"));
        assert_eq!(
            signed.canonical_query,
            "AccessKeyId=testid&Action=DescribeRegions&Format=XML&SignatureMethod=HMAC-SHA1\
             &SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&SignatureVersion=1.0\
             &Timestamp=2016-02-23T12%3A46%3A24Z&Version=2014-05-26"
        );
        assert_eq!(
            signed.string_to_sign,
            "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML\
             %26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf\
             %26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
        );
        assert_eq!(signed.signature, "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
    }

    /// The same example through `sign_request`, starting from the request the generated code
    /// would build (Action, Version, Format in the query, shuffled).
    #[test]
    fn sign_request_reproduces_the_example_and_rewrites_the_query() {
        let uri = "https://ecs.aliyuncs.com/?Version=2014-05-26&Format=XML&Action=DescribeRegions";
        let mut request = http::Request::get(uri)
            .body(Bytes::new())
            .expect("valid request");
        let secret = Secret::from("testsecret");
        let params = RpcV1Params {
            access_key_id: "testid",
            access_key_secret: &secret,
            timestamp: "2016-02-23T12:46:24Z",
            nonce: "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
            security_token: None,
            format: None,
        };
        let signed = sign_request(&mut request, &params).expect("signs");
        assert_eq!(signed.signature, "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
        assert_eq!(
            request.uri().query(),
            Some(
                "AccessKeyId=testid&Action=DescribeRegions&Format=XML&SignatureMethod=HMAC-SHA1\
                 &SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&SignatureVersion=1.0\
                 &Timestamp=2016-02-23T12%3A46%3A24Z&Version=2014-05-26\
                 &Signature=OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D"
            )
        );
        // Signing again (a retry) replaces the common parameters instead of duplicating them.
        let again = sign_request(&mut request, &params).expect("signs again");
        assert_eq!(again.signature, signed.signature);
        assert_eq!(
            request
                .uri()
                .query()
                .map(|q| q.matches("Signature=").count()),
            Some(1)
        );
    }

    #[test]
    fn form_body_fields_are_signed_but_stay_in_the_body() {
        let secret = Secret::from("k");
        let token = Secret::from("sts-token");
        let params = RpcV1Params {
            access_key_id: "id",
            access_key_secret: &secret,
            timestamp: "2020-01-01T00:00:00Z",
            nonce: "n",
            security_token: Some(&token),
            format: None,
        };
        let mut request = http::Request::post("https://h.test/?Action=A")
            .header(
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .body(Bytes::from_static(b"UserId=u%201"))
            .expect("valid request");
        let signed = sign_request(&mut request, &params).expect("signs");
        assert!(signed.canonical_query.contains("UserId=u%201"));
        assert!(signed.canonical_query.contains("SecurityToken=sts-token"));
        let query = request.uri().query().unwrap_or_default();
        assert!(!query.contains("UserId"), "{query}");
        let expected = sign(
            &http::Method::POST,
            query::parse(query)
                .into_iter()
                .filter(|(n, _)| n != "Signature")
                .chain([("UserId".to_owned(), "u 1".to_owned())]),
            &secret,
        );
        assert_eq!(signed, expected);
    }
}

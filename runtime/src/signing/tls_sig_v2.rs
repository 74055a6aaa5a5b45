//! TLSSigAPIv2 UserSig generation, decoding and verification (Tencent IM).
//!
//! 1. Content = `TLS.identifier:<id>\nTLS.sdkappid:<appid>\nTLS.time:<t>\nTLS.expire:<e>\n`,
//!    plus `TLS.userbuf:<base64>\n` when a userbuf is given.
//! 2. `TLS.sig` = standard Base64 of HMAC-SHA256(key as raw UTF-8 bytes, content).
//! 3. JSON `{"TLS.ver":"2.0","TLS.identifier":…,"TLS.sdkappid":…,"TLS.expire":…,
//!    "TLS.time":…[,"TLS.userbuf":…],"TLS.sig":…}`, zlib-compressed.
//! 4. Base64 with `+`→`*`, `/`→`-`, `=`→`_`.
//!
//! The official SDKs differ in JSON spacing and compression level, so whole UserSig strings
//! are not comparable across implementations; the HMAC and the decoded fields are.

use std::fmt;
use std::io::{Read as _, Write as _};

use base64::Engine as _;
use base64::alphabet;
use base64::engine::general_purpose::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use flate2::Compression;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::Sha256;

use crate::Secret;

/// The `TLS.ver` value this module writes and accepts.
pub const VERSION: &str = "2.0";
/// The official SDKs' default lifetime: 180 days, in seconds.
pub const DEFAULT_EXPIRE_SECONDS: u64 = 180 * 24 * 60 * 60;
/// Largest decompressed UserSig accepted by [`decode_user_sig`] (real ones are ~200 bytes).
const MAX_DECODED_BYTES: u64 = 64 * 1024;

/// Base64 that accepts input with or without padding (SDKs differ).
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The inputs of one UserSig.
#[derive(Debug, Clone, Copy)]
pub struct UserSigInput<'a> {
    /// The application id.
    pub sdkappid: u64,
    /// The user (for REST calls: the app admin account).
    pub identifier: &'a str,
    /// Creation time, Unix seconds.
    pub time: u64,
    /// Lifetime in seconds.
    pub expire: u64,
    /// Optional extra bytes (PrivateMapKey and the like).
    pub userbuf: Option<&'a [u8]>,
}

/// The signed content lines.
pub fn content_to_sign(input: &UserSigInput<'_>) -> String {
    content(
        input.identifier,
        input.sdkappid,
        input.time,
        input.expire,
        input.userbuf.map(|b| STANDARD.encode(b)).as_deref(),
    )
}

fn content(
    identifier: &str,
    sdkappid: u64,
    time: u64,
    expire: u64,
    userbuf_b64: Option<&str>,
) -> String {
    let mut out = format!(
        "TLS.identifier:{identifier}\nTLS.sdkappid:{sdkappid}\nTLS.time:{time}\nTLS.expire:{expire}\n"
    );
    if let Some(userbuf) = userbuf_b64 {
        out.push_str("TLS.userbuf:");
        out.push_str(userbuf);
        out.push('\n');
    }
    out
}

fn mac(key: &Secret, content: &str) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.expose().as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(content.as_bytes());
    mac
}

/// Standard Base64 of HMAC-SHA256(key, content): the `TLS.sig` field.
pub fn hmac_base64(key: &Secret, content: &str) -> String {
    STANDARD.encode(mac(key, content).finalize().into_bytes())
}

/// Makes a UserSig.
pub fn generate(key: &Secret, input: &UserSigInput<'_>) -> Result<Secret, UserSigError> {
    let userbuf = input.userbuf.map(|b| STANDARD.encode(b));
    let sig = hmac_base64(
        key,
        &content(
            input.identifier,
            input.sdkappid,
            input.time,
            input.expire,
            userbuf.as_deref(),
        ),
    );
    let mut doc = Map::new();
    doc.insert("TLS.ver".into(), VERSION.into());
    doc.insert("TLS.identifier".into(), input.identifier.into());
    doc.insert("TLS.sdkappid".into(), input.sdkappid.into());
    doc.insert("TLS.expire".into(), input.expire.into());
    doc.insert("TLS.time".into(), input.time.into());
    if let Some(userbuf) = userbuf {
        doc.insert("TLS.userbuf".into(), userbuf.into());
    }
    doc.insert("TLS.sig".into(), sig.into());
    let json = serde_json::to_vec(&Value::Object(doc)).map_err(|_| UserSigError::Encode)?;
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(&json).map_err(|_| UserSigError::Encode)?;
    let compressed = encoder.finish().map_err(|_| UserSigError::Encode)?;
    let text: String = STANDARD
        .encode(compressed)
        .chars()
        .map(|c| match c {
            '+' => '*',
            '/' => '-',
            '=' => '_',
            other => other,
        })
        .collect();
    Ok(Secret::new(text))
}

/// The fields of a decoded UserSig.
#[derive(Debug, Clone)]
pub struct DecodedUserSig {
    /// `TLS.ver`.
    pub version: String,
    /// `TLS.identifier`.
    pub identifier: String,
    /// `TLS.sdkappid`.
    pub sdkappid: u64,
    /// `TLS.time`, Unix seconds.
    pub time: u64,
    /// `TLS.expire`, seconds.
    pub expire: u64,
    /// `TLS.userbuf` as it appears in the JSON (standard Base64), when present.
    pub userbuf: Option<String>,
    /// `TLS.sig`. Together with the other fields it is a usable credential, hence secret.
    pub sig: Secret,
}

impl DecodedUserSig {
    /// The decoded userbuf bytes, when present and valid Base64.
    pub fn userbuf_bytes(&self) -> Option<Vec<u8>> {
        self.userbuf.as_deref().and_then(|b| LENIENT.decode(b).ok())
    }

    /// Unix second after which the UserSig is expired.
    pub fn expires_at(&self) -> u64 {
        self.time.saturating_add(self.expire)
    }
}

/// Decodes a UserSig without checking its signature. Never panics, whatever the input.
pub fn decode_user_sig(user_sig: &str) -> Result<DecodedUserSig, UserSigError> {
    let standard: String = user_sig
        .trim()
        .chars()
        .map(|c| match c {
            '*' => '+',
            '-' => '/',
            '_' => '=',
            other => other,
        })
        .collect();
    let compressed = LENIENT.decode(standard).map_err(|_| UserSigError::Base64)?;
    let mut json = Vec::new();
    ZlibDecoder::new(compressed.as_slice())
        .take(MAX_DECODED_BYTES + 1)
        .read_to_end(&mut json)
        .map_err(|_| UserSigError::Zlib)?;
    if json.len() as u64 > MAX_DECODED_BYTES {
        return Err(UserSigError::TooLarge);
    }
    let doc: Value = serde_json::from_slice(&json).map_err(|_| UserSigError::Json)?;
    let userbuf = match doc.get("TLS.userbuf") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(UserSigError::Field("TLS.userbuf")),
    };
    Ok(DecodedUserSig {
        version: text_field(&doc, "TLS.ver")?,
        identifier: text_field(&doc, "TLS.identifier")?,
        sdkappid: number_field(&doc, "TLS.sdkappid")?,
        time: number_field(&doc, "TLS.time")?,
        expire: number_field(&doc, "TLS.expire")?,
        userbuf,
        sig: Secret::new(text_field(&doc, "TLS.sig")?),
    })
}

fn text_field(doc: &Value, name: &'static str) -> Result<String, UserSigError> {
    doc.get(name)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or(UserSigError::Field(name))
}

/// Numbers are accepted as JSON numbers or numeric strings (SDKs differ).
fn number_field(doc: &Value, name: &'static str) -> Result<u64, UserSigError> {
    match doc.get(name) {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
    .ok_or(UserSigError::Field(name))
}

/// Decodes a UserSig and checks version, sdkappid, identifier, signature (in constant time)
/// and expiry at `now` (Unix seconds). Returns the decoded fields when all hold.
pub fn verify(
    key: &Secret,
    user_sig: &str,
    sdkappid: u64,
    identifier: &str,
    now: u64,
) -> Result<DecodedUserSig, UserSigError> {
    let decoded = decode_user_sig(user_sig)?;
    if decoded.version != VERSION {
        return Err(UserSigError::Version);
    }
    if decoded.sdkappid != sdkappid {
        return Err(UserSigError::SdkAppIdMismatch);
    }
    if decoded.identifier != identifier {
        return Err(UserSigError::IdentifierMismatch);
    }
    let content = content(
        &decoded.identifier,
        decoded.sdkappid,
        decoded.time,
        decoded.expire,
        decoded.userbuf.as_deref(),
    );
    let sig = LENIENT
        .decode(decoded.sig.expose())
        .map_err(|_| UserSigError::BadSignature)?;
    mac(key, &content)
        .verify_slice(&sig)
        .map_err(|_| UserSigError::BadSignature)?;
    if now > decoded.expires_at() {
        return Err(UserSigError::Expired);
    }
    Ok(decoded)
}

/// Why a UserSig could not be made, decoded or verified. Carries no secret material.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UserSigError {
    /// Serializing or compressing failed.
    Encode,
    /// Not valid (URL-variant) Base64.
    Base64,
    /// Not valid zlib data.
    Zlib,
    /// Decompressed data larger than any real UserSig.
    TooLarge,
    /// Not a JSON document.
    Json,
    /// A field is missing or has the wrong type.
    Field(&'static str),
    /// `TLS.ver` is not `2.0`.
    Version,
    /// Signed for another application.
    SdkAppIdMismatch,
    /// Signed for another user.
    IdentifierMismatch,
    /// The HMAC does not match the key.
    BadSignature,
    /// Past `TLS.time + TLS.expire`.
    Expired,
}

impl fmt::Display for UserSigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Encode => f.write_str("could not encode the UserSig"),
            Self::Base64 => f.write_str("UserSig is not valid base64"),
            Self::Zlib => f.write_str("UserSig is not valid zlib data"),
            Self::TooLarge => f.write_str("UserSig decompresses to too much data"),
            Self::Json => f.write_str("UserSig does not hold a JSON document"),
            Self::Field(name) => write!(f, "UserSig field `{name}` is missing or invalid"),
            Self::Version => f.write_str("UserSig version is not 2.0"),
            Self::SdkAppIdMismatch => f.write_str("UserSig was made for another sdkappid"),
            Self::IdentifierMismatch => f.write_str("UserSig was made for another identifier"),
            Self::BadSignature => f.write_str("UserSig signature does not match the key"),
            Self::Expired => f.write_str("UserSig has expired"),
        }
    }
}

impl std::error::Error for UserSigError {}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
    const APP: u64 = 1_400_000_000;
    const TIME: u64 = 1_700_000_000;

    fn input(userbuf: Option<&[u8]>) -> UserSigInput<'_> {
        UserSigInput {
            sdkappid: APP,
            identifier: "administrator",
            time: TIME,
            expire: DEFAULT_EXPIRE_SECONDS,
            userbuf,
        }
    }

    /// Expected values computed independently:
    /// python3 -c 'import hmac,hashlib,base64; k=b"5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
    ///   c=b"TLS.identifier:administrator\nTLS.sdkappid:1400000000\nTLS.time:1700000000\nTLS.expire:15552000\n";
    ///   print(base64.b64encode(hmac.new(k,c,hashlib.sha256).digest()).decode())'
    /// (and the same with `c + b"TLS.userbuf:" + base64.b64encode(b"\x00\x01abc") + b"\n"`).
    #[test]
    fn hmac_matches_an_independent_computation() {
        let content = content_to_sign(&input(None));
        assert_eq!(
            content,
            "TLS.identifier:administrator\nTLS.sdkappid:1400000000\nTLS.time:1700000000\nTLS.expire:15552000\n"
        );
        assert_eq!(
            hmac_base64(&Secret::from(KEY), &content),
            "JCzxanF8NTTXau4m+2h9wv7gYJnyNksm0xm1NEXU274="
        );
        let with_userbuf = content_to_sign(&input(Some(b"\x00\x01abc")));
        assert!(with_userbuf.ends_with("TLS.expire:15552000\nTLS.userbuf:AAFhYmM=\n"));
        assert_eq!(
            hmac_base64(&Secret::from(KEY), &with_userbuf),
            "7+RXPGeVpN7qZbD4JTFdM5ysgG0Its8Z6jJu+SmkgAg="
        );
    }

    #[test]
    fn generate_then_decode_round_trips() {
        let key = Secret::from(KEY);
        let user_sig = generate(&key, &input(None)).expect("generates");
        let text = user_sig.expose();
        assert!(!text.contains(['+', '/', '=']), "{text}");
        let decoded = decode_user_sig(text).expect("decodes");
        assert_eq!(decoded.version, "2.0");
        assert_eq!(decoded.identifier, "administrator");
        assert_eq!(
            (decoded.sdkappid, decoded.time, decoded.expire),
            (APP, TIME, 15_552_000)
        );
        assert_eq!(
            decoded.sig.expose(),
            "JCzxanF8NTTXau4m+2h9wv7gYJnyNksm0xm1NEXU274="
        );
        assert!(decoded.userbuf.is_none());
        assert!(verify(&key, text, APP, "administrator", TIME + 10).is_ok());

        let with_userbuf = generate(&key, &input(Some(b"\x00\x01abc"))).expect("generates");
        let decoded =
            verify(&key, with_userbuf.expose(), APP, "administrator", TIME).expect("verifies");
        assert_eq!(decoded.userbuf.as_deref(), Some("AAFhYmM="));
        assert_eq!(decoded.userbuf_bytes(), Some(b"\x00\x01abc".to_vec()));
    }

    /// A UserSig built the way the official Python SDK builds it (`json.dumps` with spaces,
    /// `zlib.compress`), with the same python3 one-off as above.
    #[test]
    fn decodes_and_verifies_a_python_sdk_style_user_sig() {
        let python = "eJyrVgrxCdYrSy1SslJQMtIzUNJRAItkpqTmlWSmZUIkElNyM-Myi0uKEkvyi2BKilOyEwsKMlOACgxNDKAAKpdaUZBZlAqSMTU1NUKIl2TmgkXN0dQXZ6aD7PFyrqpIzHOz8AsJiUgsNcnVNsqwLC8zT4-0yqv0yy7ONajINfRzjQg1MjexVaoFANTGNgc_";
        let decoded =
            verify(&Secret::from(KEY), python, APP, "administrator", TIME).expect("verifies");
        assert_eq!(decoded.expires_at(), TIME + DEFAULT_EXPIRE_SECONDS);
    }

    #[test]
    fn verify_rejects_wrong_key_app_identifier_and_expired() {
        let key = Secret::from(KEY);
        let sig = generate(&key, &input(None)).expect("generates");
        let sig = sig.expose();
        assert_eq!(
            verify(&Secret::from("other"), sig, APP, "administrator", TIME).err(),
            Some(UserSigError::BadSignature)
        );
        assert_eq!(
            verify(&key, sig, APP + 1, "administrator", TIME).err(),
            Some(UserSigError::SdkAppIdMismatch)
        );
        assert_eq!(
            verify(&key, sig, APP, "someone", TIME).err(),
            Some(UserSigError::IdentifierMismatch)
        );
        let after = TIME + DEFAULT_EXPIRE_SECONDS + 1;
        assert_eq!(
            verify(&key, sig, APP, "administrator", after).err(),
            Some(UserSigError::Expired)
        );
    }

    #[test]
    fn garbage_is_an_error_never_a_panic() {
        for input in ["", "!!!", "eJy", "AAAA", "eJyrVgrxCdYrSy1S", "\u{0}\u{ff}é"] {
            assert!(decode_user_sig(input).is_err(), "{input:?}");
        }
        // Valid zlib of valid JSON lacking fields.
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
        encoder
            .write_all(br#"{"TLS.ver":"2.0","TLS.sdkappid":-1}"#)
            .expect("in-memory write");
        let text = STANDARD.encode(encoder.finish().expect("in-memory finish"));
        assert!(matches!(
            decode_user_sig(&text),
            Err(UserSigError::Field(_))
        ));
        // A zlib bomb is cut off.
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::best());
        encoder
            .write_all(&vec![b' '; 1 << 20])
            .expect("in-memory write");
        let text = STANDARD.encode(encoder.finish().expect("in-memory finish"));
        assert_eq!(decode_user_sig(&text).err(), Some(UserSigError::TooLarge));
    }
}

//! The vendors' credential algorithms, written again from VENDORS.md for the test servers.
//!
//! Nothing here calls the switchboard runtime: a server that verified requests with the
//! client's own signing code would accept whatever that code computes. The two Alibaba
//! functions are checked against Alibaba's published worked examples in `e2e_auth`.

use std::io::Read as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::{rfc3986, unix_now};

/// A UserSig ticket as the server decodes it.
#[derive(Debug, Clone)]
pub struct Ticket {
    pub identifier: String,
    pub sdkappid: u64,
    pub time: u64,
    pub expire: u64,
    pub version: String,
}

/// Decodes and checks a UserSig like the IM server: `*-_` → `+/=`, Base64, zlib, JSON, then
/// HMAC-SHA256 over the documented content with the app key. Err is the IM error code.
pub fn verify_user_sig(user_sig: &str, key: &str) -> Result<Ticket, i64> {
    let standard: String = user_sig
        .chars()
        .map(|c| match c {
            '*' => '+',
            '-' => '/',
            '_' => '=',
            c => c,
        })
        .collect();
    let compressed = STANDARD.decode(standard).map_err(|_| 70003)?;
    let mut json_bytes = Vec::new();
    flate2::read::ZlibDecoder::new(compressed.as_slice())
        .read_to_end(&mut json_bytes)
        .map_err(|_| 70003)?;
    let doc: serde_json::Value = serde_json::from_slice(&json_bytes).map_err(|_| 70003)?;
    let text = |name: &str| doc[name].as_str().map(str::to_owned).ok_or(70003);
    let number = |name: &str| doc[name].as_u64().ok_or(70003);
    let ticket = Ticket {
        identifier: text("TLS.identifier")?,
        sdkappid: number("TLS.sdkappid")?,
        time: number("TLS.time")?,
        expire: number("TLS.expire")?,
        version: text("TLS.ver")?,
    };
    let mut content = format!(
        "TLS.identifier:{}\nTLS.sdkappid:{}\nTLS.time:{}\nTLS.expire:{}\n",
        ticket.identifier, ticket.sdkappid, ticket.time, ticket.expire
    );
    if let Some(userbuf) = doc["TLS.userbuf"].as_str() {
        content.push_str(&format!("TLS.userbuf:{userbuf}\n"));
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("any key length");
    mac.update(content.as_bytes());
    if STANDARD.encode(mac.finalize().into_bytes()) != text("TLS.sig")? {
        return Err(70009);
    }
    if ticket.time + ticket.expire < unix_now() {
        return Err(70001);
    }
    Ok(ticket)
}

/// Unix seconds of a `yyyy-MM-ddTHH:mm:ssZ` timestamp (civil-from-days, proleptic Gregorian).
pub fn parse_utc(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'Z'
    {
        return None;
    }
    let n = |range: std::ops::Range<usize>| text.get(range)?.parse::<i64>().ok();
    let (y, m, d) = (n(0..4)?, n(5..7)?, n(8..10)?);
    let (hh, mm, ss) = (n(11..13)?, n(14..16)?, n(17..19)?);
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146097 + doe - 719468;
    Some(days * 86400 + hh * 3600 + mm * 60 + ss)
}

/// `name=value` pairs: RFC 3986-encoded, sorted, joined with `&` (both schemes).
pub fn canonical_query(pairs: &[(String, String)]) -> String {
    let mut encoded: Vec<(String, String)> = pairs
        .iter()
        .map(|(n, v)| (rfc3986(n), rfc3986(v)))
        .collect();
    encoded.sort();
    encoded
        .iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// ACS3-HMAC-SHA256 per VENDORS.md A.4: the canonical request and the hex signature.
pub fn acs3(
    method: &str,
    path: &str,
    query: &[(String, String)],
    headers: &[(String, String)],
    body: &[u8],
    secret: &str,
) -> (String, String) {
    let mut headers: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    headers.sort();
    let canonical_headers: String = headers.iter().map(|(n, v)| format!("{n}:{v}\n")).collect();
    let signed: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
    let canonical_request = format!(
        "{method}\n{path}\n{}\n{canonical_headers}\n{}\n{}",
        canonical_query(query),
        signed.join(";"),
        hex::encode(Sha256::digest(body))
    );
    let string_to_sign = format!(
        "ACS3-HMAC-SHA256\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(string_to_sign.as_bytes());
    (canonical_request, hex::encode(mac.finalize().into_bytes()))
}

/// The HMAC-SHA1 RPC signature per VENDORS.md A.4: key secret + "&", string to sign
/// `METHOD&%2F&<encoded canonical query>`.
pub fn rpc_signature(method: &str, params: &[(String, String)], secret: &str) -> (String, String) {
    let string_to_sign = format!("{method}&%2F&{}", rfc3986(&canonical_query(params)));
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(format!("{secret}&").as_bytes())
        .expect("any key length");
    mac.update(string_to_sign.as_bytes());
    (string_to_sign, STANDARD.encode(mac.finalize().into_bytes()))
}

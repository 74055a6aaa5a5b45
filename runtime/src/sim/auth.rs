//! Credentials checked the way each auth scheme of the spec documents them: signatures are
//! recomputed over what arrived, UserSigs verified, sessions issued and required.

use std::collections::HashMap;

use base64::Engine as _;
use serde_json::Value;

use super::Received;
use crate::Secret;
use crate::signing::{acs3, canonical_query, rpc_v1, tls_sig_v2};

/// The credentials the simulator accepts. Values a test does not set are the defaults below,
/// which the generated `testing` module's docs print.
#[derive(Clone, Debug)]
pub struct Credentials {
    /// HTTP Basic user (basic + CSRF scheme).
    pub user: String,
    /// HTTP Basic password.
    pub password: Secret,
    /// Access key id (request-signing schemes).
    pub access_key_id: String,
    /// Access key secret.
    pub access_key_secret: Secret,
    /// Application id (signed-ticket scheme).
    pub app_id: u64,
    /// The application's secret key UserSigs are signed with.
    pub app_key: Secret,
}

impl Default for Credentials {
    fn default() -> Self {
        Credentials {
            user: "sim-user".into(),
            password: Secret::new("sim-password"),
            access_key_id: "sim-access-key-id".into(),
            access_key_secret: Secret::new("sim-access-key-secret"),
            app_id: 1_400_000_000,
            app_key: Secret::new("sim-app-key"),
        }
    }
}

/// What the auth check decided.
pub(crate) enum Verdict {
    /// Go on; add these headers to the answer.
    Pass(Vec<(String, String)>),
    /// The credential is wrong: answer the service's auth-failure code (reason for the message).
    Denied(String),
    /// The scheme's own documented failure answer (status and text), outside the envelope.
    Raw(u16, String),
}

/// Session state of the session-based schemes.
#[derive(Default)]
pub(crate) struct Sessions {
    /// Session-header scheme: the value in force.
    current: Option<String>,
    /// Renew the session value on the next answer of an issuing endpoint.
    pub(crate) rotate: bool,
    /// Cookie sessions: id → CSRF token.
    cookies: HashMap<String, String>,
    issued: u64,
}

impl Sessions {
    fn fresh(&mut self) -> String {
        self.issued += 1;
        format!("{}.sim{}", uuid::Uuid::new_v4(), self.issued)
    }
}

fn text<'a>(scheme: &'a Value, key: &str) -> &'a str {
    scheme.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// Checks one request against the scheme (`None`: no auth).
pub(crate) fn check(
    scheme: Option<&Value>,
    credentials: &Credentials,
    sessions: &mut Sessions,
    request: &Received,
    endpoint: Option<&str>,
    now: u64,
) -> Verdict {
    let Some(scheme) = scheme else {
        return Verdict::Pass(Vec::new());
    };
    match text(scheme, "scheme") {
        "session_header" => session_header(scheme, sessions, request, endpoint),
        "basic_csrf" => basic_csrf(scheme, credentials, sessions, request),
        "tls_sig_query" => tls_sig_query(scheme, credentials, request, now),
        "signed_headers_hmac_sha256" => signed_headers(credentials, request, now),
        "signed_query_hmac_sha1" => signed_query(credentials, request),
        _ => Verdict::Pass(Vec::new()),
    }
}

/// A session value issued by the `issued_by` endpoints (sign-in without one; renewed on demand
/// when one of them is called with the value in force) and required on every other call.
fn session_header(
    scheme: &Value,
    sessions: &mut Sessions,
    request: &Received,
    endpoint: Option<&str>,
) -> Verdict {
    let issuing = scheme["issued_by"]
        .as_array()
        .is_some_and(|ids| ids.iter().any(|id| id.as_str() == endpoint));
    let sent = request.header(text(scheme, "send_header"));
    let valid = sent.is_some() && sent == sessions.current.as_deref();
    let issue = |sessions: &mut Sessions| {
        let value = sessions.fresh();
        sessions.current = Some(value.clone());
        let header = format!("{}{value}", text(scheme, "value_prefix"));
        Verdict::Pass(vec![(text(scheme, "capture_header").to_owned(), header)])
    };
    match (issuing, valid) {
        (true, false) if sent.is_none() => issue(sessions),
        (true, true) if std::mem::take(&mut sessions.rotate) => issue(sessions),
        (_, true) => Verdict::Pass(Vec::new()),
        _ => Verdict::Denied("no valid session: sign in first".into()),
    }
}

fn basic_csrf(
    scheme: &Value,
    credentials: &Credentials,
    sessions: &mut Sessions,
    request: &Received,
) -> Verdict {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        credentials.user,
        credentials.password.expose()
    ));
    if request.header("authorization") != Some(format!("Basic {basic}").as_str()) {
        return Verdict::Denied("Access denied".into());
    }
    let cookie_name = scheme["session_cookie"].as_str().unwrap_or("JSESSIONID");
    let session = request
        .cookie(cookie_name)
        .filter(|id| sessions.cookies.contains_key(*id))
        .map(str::to_owned);
    let token_header = text(scheme, "csrf_token_header");
    if request.method == "GET" {
        let mut headers = Vec::new();
        let id = match session {
            Some(id) => id,
            None => {
                let id = sessions.fresh();
                let token = uuid::Uuid::new_v4().to_string();
                sessions.cookies.insert(id.clone(), token);
                headers.push((
                    "set-cookie".to_owned(),
                    format!("{cookie_name}={id}; Path=/; HttpOnly"),
                ));
                id
            }
        };
        headers.push((
            text(scheme, "csrf_header_name_header").to_owned(),
            token_header.to_owned(),
        ));
        headers.push((token_header.to_owned(), sessions.cookies[&id].clone()));
        return Verdict::Pass(headers);
    }
    let valid =
        session.is_some_and(|id| request.header(token_header) == Some(&sessions.cookies[&id]));
    if valid {
        Verdict::Pass(Vec::new())
    } else {
        let status = scheme["csrf_failure_status"].as_u64().unwrap_or(403);
        Verdict::Raw(
            u16::try_from(status).unwrap_or(403),
            text(scheme, "csrf_failure_text").to_owned(),
        )
    }
}

fn tls_sig_query(
    scheme: &Value,
    credentials: &Credentials,
    request: &Received,
    now: u64,
) -> Verdict {
    let query = |name: &str| request.query_value(text(scheme, name));
    if let Some(fixed) = scheme["fixed_params"].as_object() {
        for (name, value) in fixed {
            if request.query_value(name) != value.as_str() {
                return Verdict::Denied(format!("{name} must be {value}"));
            }
        }
    }
    if query("random_param")
        .and_then(|r| r.parse::<u32>().ok())
        .is_none()
    {
        return Verdict::Denied("random must be a 32-bit unsigned integer".into());
    }
    if query("app_id_param") != Some(credentials.app_id.to_string().as_str()) {
        return Verdict::Denied("unknown application id".into());
    }
    let identifier = query("identifier_param").unwrap_or_default();
    let sig = query("signature_param").unwrap_or_default();
    match tls_sig_v2::verify(
        &credentials.app_key,
        sig,
        credentials.app_id,
        identifier,
        now,
    ) {
        Ok(_) => Verdict::Pass(Vec::new()),
        Err(error) => Verdict::Denied(format!("UserSig rejected: {error:?}")),
    }
}

fn signed_headers(credentials: &Credentials, request: &Received, now: u64) -> Verdict {
    let Some(fields) = request
        .header("authorization")
        .and_then(|a| a.strip_prefix("ACS3-HMAC-SHA256 "))
    else {
        return Verdict::Denied("no signature".into());
    };
    let fields: HashMap<&str, &str> = fields
        .split(',')
        .filter_map(|f| f.trim().split_once('='))
        .collect();
    if fields.get("Credential") != Some(&credentials.access_key_id.as_str()) {
        return Verdict::Denied("unknown access key".into());
    }
    let payload = acs3::hashed_payload(&request.body);
    if request.header("x-acs-content-sha256") != Some(payload.as_str()) {
        return Verdict::Denied("the body hash does not match".into());
    }
    let date = request.header("x-acs-date").and_then(|d| {
        time::OffsetDateTime::parse(d, &time::format_description::well_known::Rfc3339).ok()
    });
    if date.is_none_or(|d| (d.unix_timestamp() - now as i64).abs() > 15 * 60) {
        return Verdict::Denied("x-acs-date is outside the 15-minute window".into());
    }
    let signed = fields.get("SignedHeaders").copied().unwrap_or_default();
    let canonical_headers: String = signed
        .split(';')
        .map(|name| {
            format!(
                "{name}:{}\n",
                request.header(name).unwrap_or_default().trim()
            )
        })
        .collect();
    let query = canonical_query(request.query.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    let method = http::Method::from_bytes(request.method.as_bytes()).unwrap_or_default();
    let canonical = acs3::canonical_request(
        &method,
        &request.path,
        &query,
        &canonical_headers,
        signed,
        &payload,
    );
    let expected = acs3::signature(
        &credentials.access_key_secret,
        &acs3::string_to_sign(&canonical),
    );
    if fields.get("Signature") == Some(&expected.as_str()) {
        Verdict::Pass(Vec::new())
    } else {
        Verdict::Denied("the signature does not match".into())
    }
}

fn signed_query(credentials: &Credentials, request: &Received) -> Verdict {
    if request.query_value("AccessKeyId") != Some(credentials.access_key_id.as_str()) {
        return Verdict::Denied("unknown access key".into());
    }
    let params = request
        .query
        .iter()
        .chain(&request.form())
        .filter(|(n, _)| n != "Signature")
        .map(|(n, v)| (n.clone(), v.clone()))
        .collect::<Vec<_>>();
    let method = http::Method::from_bytes(request.method.as_bytes()).unwrap_or_default();
    let expected = rpc_v1::sign(&method, params, &credentials.access_key_secret).signature;
    if request.query_value("Signature") == Some(expected.as_str()) {
        Verdict::Pass(Vec::new())
    } else {
        Verdict::Denied("the signature does not match".into())
    }
}

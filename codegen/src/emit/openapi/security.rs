//! `components/securitySchemes` and each operation's `security`.
//!
//! An auth scheme of the model may need several OpenAPI security schemes at once (HTTP Basic +
//! a CSRF header + a session cookie; the four query parameters of a signed ticket): one
//! requirement object lists them all. The default scheme's requirement comes first, the
//! alternatives follow as further requirement objects; the call that opens a header session
//! (it issues the session and does not send it) gets the empty requirement `{}`. What OpenAPI cannot say (where a
//! session value is captured, how a signature is computed) goes into `x-switchboard-session`,
//! `x-switchboard-csrf` and `x-switchboard-signature`.

use serde_json::{Map, Value, json};

use crate::model::{AuthScheme, Endpoint, Method, Service};

/// The largest value of a 32-bit unsigned integer: the range of a signed ticket's per-request
/// random parameter.
const U32_MAX: u64 = u32::MAX as u64;

/// OpenAPI security schemes standing for one model auth scheme.
struct Parts {
    /// Key → security scheme object, in order.
    objects: Vec<(String, Value)>,
    /// Keys required only on writes (every method but GET).
    writes_only: Vec<String>,
}

/// `components/securitySchemes`.
pub(super) fn emit_security_schemes(service: &Service) -> Map<String, Value> {
    keyed(service)
        .into_iter()
        .flat_map(|parts| parts.objects)
        .collect()
}

/// The `security` of an operation: one requirement object per auth scheme, default first.
pub(super) fn requirements(service: &Service, endpoint: &Endpoint) -> Value {
    let mut out: Vec<Value> = Vec::new();
    for (scheme, parts) in service.auth.schemes.iter().zip(keyed(service)) {
        let requirement: Map<String, Value> = parts
            .objects
            .iter()
            .map(|(key, _)| key)
            .filter(|_| !opens_session(scheme, endpoint))
            .filter(|key| endpoint.method != Method::GET || !parts.writes_only.contains(key))
            .map(|key| (key.clone(), json!([])))
            .collect();
        let requirement = Value::Object(requirement);
        if !out.contains(&requirement) {
            out.push(requirement);
        }
    }
    if out.is_empty() {
        // No scheme declared: the operation is anonymous.
        out.push(json!({}));
    }
    Value::Array(out)
}

/// Whether the endpoint is the call that opens a header session: it issues the session and does
/// not send the session header itself (sign-in), so it needs no credentials of this scheme.
fn opens_session(scheme: &AuthScheme, endpoint: &Endpoint) -> bool {
    let AuthScheme::SessionHeader {
        send_header,
        issued_by,
        ..
    } = scheme
    else {
        return false;
    };
    issued_by.contains(&endpoint.id)
        && !endpoint
            .params
            .iter()
            .any(|p| p.from_auth && p.field.name.wire.eq_ignore_ascii_case(send_header))
}

/// Every scheme's parts, keyed by the scheme's kind (`_2`, `_3`... for a repeated kind).
fn keyed(service: &Service) -> Vec<Parts> {
    let mut seen: Vec<&str> = Vec::new();
    service
        .auth
        .schemes
        .iter()
        .map(|scheme| {
            let kind = kind(scheme);
            let n = seen.iter().filter(|k| **k == kind).count();
            seen.push(kind);
            let prefix = if n == 0 {
                kind.to_owned()
            } else {
                format!("{kind}_{}", n + 1)
            };
            parts(scheme, &prefix)
        })
        .collect()
}

fn kind(scheme: &AuthScheme) -> &'static str {
    match scheme {
        AuthScheme::None => "none",
        AuthScheme::SessionHeader { .. } => "session_header",
        AuthScheme::BasicCsrf { .. } => "basic_csrf",
        AuthScheme::TlsSigQuery { .. } => "tls_sig_query",
        AuthScheme::SignedHeadersHmacSha256 { .. } => "signed_headers_hmac_sha256",
        AuthScheme::SignedQueryHmacSha1 { .. } => "signed_query_hmac_sha1",
    }
}

fn api_key(location: &str, name: &str, description: Option<&String>) -> Map<String, Value> {
    let mut object = Map::new();
    object.insert("type".into(), "apiKey".into());
    object.insert("in".into(), location.into());
    object.insert("name".into(), name.into());
    if let Some(description) = description {
        object.insert("description".into(), description.clone().into());
    }
    object
}

fn parts(scheme: &AuthScheme, prefix: &str) -> Parts {
    let mut objects: Vec<(String, Value)> = Vec::new();
    let mut writes_only = Vec::new();
    match scheme {
        AuthScheme::None => {}
        AuthScheme::SessionHeader {
            capture_header,
            value_prefix,
            send_header,
            issued_by,
            description,
        } => {
            let mut object = api_key("header", send_header, description.as_ref());
            object.insert(
                "x-switchboard-session".into(),
                json!({
                    "capture_header": capture_header,
                    "value_prefix": value_prefix,
                    "send_header": send_header,
                    "issued_by": issued_by.iter().map(|id| id.0.clone()).collect::<Vec<_>>(),
                }),
            );
            objects.push((prefix.to_owned(), object.into()));
        }
        AuthScheme::BasicCsrf {
            csrf_header_name_header,
            csrf_token_header,
            csrf_refresh_path,
            csrf_failure_status,
            csrf_failure_text,
            session_cookie,
            description,
        } => {
            let mut basic = Map::new();
            basic.insert("type".into(), "http".into());
            basic.insert("scheme".into(), "basic".into());
            if let Some(description) = description {
                basic.insert("description".into(), description.clone().into());
            }
            objects.push((prefix.to_owned(), basic.into()));

            let token_key = format!("{prefix}_token");
            let note = format!(
                "CSRF token from the `{csrf_token_header}` response header, sent on writes in \
                 the header that the `{csrf_header_name_header}` response header names \
                 (`{csrf_token_header}` in the documented exchange)."
            );
            let mut token = api_key("header", csrf_token_header, Some(&note));
            token.insert(
                "x-switchboard-csrf".into(),
                json!({
                    "header_name_header": csrf_header_name_header,
                    "token_header": csrf_token_header,
                    "refresh": { "method": "GET", "path": csrf_refresh_path },
                    "failure": { "status": csrf_failure_status, "text": csrf_failure_text },
                }),
            );
            objects.push((token_key.clone(), token.into()));
            writes_only.push(token_key);

            if let Some(cookie) = session_cookie {
                let key = format!("{prefix}_session");
                let note = format!(
                    "Session cookie set by the server; the CSRF token is valid only with it \
                     (refresh: GET `{csrf_refresh_path}`)."
                );
                objects.push((key.clone(), api_key("cookie", cookie, Some(&note)).into()));
                writes_only.push(key);
            }
        }
        AuthScheme::TlsSigQuery {
            app_id_param,
            identifier_param,
            signature_param,
            random_param,
            fixed_params,
            default_expire_seconds,
            description,
        } => {
            let signature = json!({
                "algorithm": "TLS signature version 2",
                "mac": "HMAC-SHA256",
                "ticket": "zlib-compressed JSON, Base64 with + → *, / → -, = → _",
                "app_id_param": app_id_param,
                "identifier_param": identifier_param,
                "signature_param": signature_param,
                "random_param": { "name": random_param, "minimum": 0, "maximum": U32_MAX, "per_request": true },
                "fixed_params": fixed_params,
                "default_expire_seconds": default_expire_seconds,
            });
            let role = |param: &str, what: &str| api_key("query", param, Some(&what.to_owned()));
            let mut sig = role(signature_param, "Signed ticket of the identity.");
            if let Some(description) = description {
                sig.insert("description".into(), description.clone().into());
            }
            sig.insert("x-switchboard-signature".into(), signature);
            let mut random = role(
                random_param,
                "A fresh random 32-bit unsigned integer per request.",
            );
            random.insert(
                "x-switchboard-random".into(),
                json!({ "minimum": 0, "maximum": U32_MAX }),
            );
            objects.push((
                format!("{prefix}_{app_id_param}"),
                role(app_id_param, "Application id.").into(),
            ));
            objects.push((
                format!("{prefix}_{identifier_param}"),
                role(identifier_param, "Identity the ticket is signed for.").into(),
            ));
            objects.push((format!("{prefix}_{signature_param}"), sig.into()));
            objects.push((format!("{prefix}_{random_param}"), random.into()));
            for (name, value) in fixed_params {
                let mut fixed = role(name, &format!("Always `{value}`."));
                fixed.insert("x-switchboard-fixed-value".into(), value.clone().into());
                objects.push((format!("{prefix}_{name}"), fixed.into()));
            }
        }
        AuthScheme::SignedHeadersHmacSha256 {
            algorithm,
            header_prefix,
            action_param,
            version_param,
            description,
        } => {
            let mut object = api_key("header", "Authorization", description.as_ref());
            object.insert(
                "x-switchboard-signature".into(),
                json!({
                    "algorithm": algorithm,
                    "mac": "HMAC-SHA256",
                    "signed": "canonical request",
                    "header_prefix": header_prefix,
                    "action_param": action_param,
                    "version_param": version_param,
                }),
            );
            objects.push((prefix.to_owned(), object.into()));
        }
        AuthScheme::SignedQueryHmacSha1 {
            signature_version,
            format,
            action_param,
            version_param,
            description,
        } => {
            let mut object = api_key("query", "Signature", description.as_ref());
            object.insert(
                "x-switchboard-signature".into(),
                json!({
                    "algorithm": "HMAC-SHA1",
                    "mac": "HMAC-SHA1",
                    "signed": "sorted query string",
                    "signature_version": signature_version,
                    "format": format,
                    "action_param": action_param,
                    "version_param": version_param,
                }),
            );
            objects.push((prefix.to_owned(), object.into()));
        }
    }
    let objects = objects
        .into_iter()
        .map(|(key, value)| (super::schema::component_key(&key), value))
        .collect::<Vec<_>>();
    let writes_only = writes_only
        .iter()
        .map(|key| super::schema::component_key(key))
        .collect();
    Parts {
        objects,
        writes_only,
    }
}

//! HTTP Basic authentication with a cookie session and an optional CSRF token.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{RwLock, RwLockWriteGuard};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http::{HeaderName, Method, StatusCode, Uri};

use super::{Auth, AuthError, header_name, sensitive_value};
use crate::Secret;

/// How the server hands out and checks CSRF tokens.
///
/// The server answers any request with two headers: one names the request header to use
/// (`header_name_header`), the other carries the token (`token_header`). The token is sent on
/// every unsafe request; a rejected token comes back as `failure_status` with `failure_text`
/// in the body, and a GET of `refresh_path` fetches a new one.
///
/// ```
/// use switchboard_runtime::auth::CsrfConfig;
///
/// let csrf = CsrfConfig::new("X-CSRF-HEADER", "X-CSRF-TOKEN", "Missing or invalid Csrf token", "/api/v2/me")?;
/// assert_eq!(csrf.failure_status, 403);
/// # Ok::<(), switchboard_runtime::auth::AuthError>(())
/// ```
#[derive(Debug, Clone)]
pub struct CsrfConfig {
    /// Response header whose value is the name of the request header to send the token in.
    pub header_name_header: HeaderName,
    /// Response header carrying the token; also the request header used when the server does
    /// not name one.
    pub token_header: HeaderName,
    /// Methods that need the token. Default POST, PUT, DELETE, PATCH.
    pub unsafe_methods: Vec<Method>,
    /// Status of a CSRF rejection. Default 403.
    pub failure_status: StatusCode,
    /// Text in the body of a CSRF rejection.
    pub failure_text: String,
    /// Path (from the host root, base-path prefix included) of a GET that returns a token.
    pub refresh_path: String,
}

impl CsrfConfig {
    /// A CSRF configuration with the default unsafe methods and failure status.
    pub fn new(
        header_name_header: &str,
        token_header: &str,
        failure_text: impl Into<String>,
        refresh_path: impl Into<String>,
    ) -> Result<Self, AuthError> {
        Ok(Self {
            header_name_header: header_name(header_name_header)?,
            token_header: header_name(token_header)?,
            unsafe_methods: vec![Method::POST, Method::PUT, Method::DELETE, Method::PATCH],
            failure_status: StatusCode::FORBIDDEN,
            failure_text: failure_text.into(),
            refresh_path: refresh_path.into(),
        })
    }
}

/// Where a host stands with its CSRF token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Refresh {
    /// No token fetch tried yet: fetch before the first unsafe request.
    #[default]
    NotTried,
    /// Fetched (or tried): a missing token means the server does not use CSRF.
    Tried,
    /// The server rejected the token: fetch before the next unsafe request.
    Needed,
}

#[derive(Default)]
struct HostSession {
    cookies: BTreeMap<String, Secret>,
    csrf: Option<(HeaderName, Secret)>,
    refresh: Refresh,
}

/// HTTP Basic credentials on every request, plus the session the server sets up: cookies
/// (kept per host: `scheme`-less `host:port`) and, when configured, a CSRF token.
///
/// The cookie store is deliberately small: it remembers `name=value` from each `Set-Cookie`,
/// drops a cookie whose `Max-Age` is zero or negative, and ignores domain, path and expiry
/// dates; cookies only go back to the host that set them.
pub struct BasicCsrfAuth {
    username: String,
    authorization: Secret,
    csrf: Option<CsrfConfig>,
    hosts: RwLock<BTreeMap<String, HostSession>>,
}

impl BasicCsrfAuth {
    /// Basic credentials, no CSRF handling.
    pub fn new(username: impl Into<String>, password: Secret) -> Self {
        let username = username.into();
        let authorization = Secret::new(format!(
            "Basic {}",
            STANDARD.encode(format!("{username}:{}", password.expose()))
        ));
        Self {
            username,
            authorization,
            csrf: None,
            hosts: RwLock::new(BTreeMap::new()),
        }
    }

    /// Also handles CSRF tokens.
    pub fn with_csrf(mut self, csrf: CsrfConfig) -> Self {
        self.csrf = Some(csrf);
        self
    }

    /// The user name (not secret).
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The CSRF configuration, if any; the client GETs `refresh_path` when
    /// [`needs_refresh`](Self::needs_refresh) says so.
    pub fn csrf_config(&self) -> Option<&CsrfConfig> {
        self.csrf.as_ref()
    }

    /// Whether an unsafe request to `uri`'s host must first fetch a CSRF token.
    pub fn needs_refresh(&self, uri: &Uri) -> bool {
        let Some(key) = host_key(uri) else {
            return false;
        };
        if self.csrf.is_none() {
            return false;
        }
        let hosts = self.hosts.read().unwrap_or_else(|p| p.into_inner());
        match hosts.get(&key) {
            None => true,
            Some(session) => match session.refresh {
                Refresh::Needed => true,
                Refresh::NotTried => session.csrf.is_none(),
                Refresh::Tried => false,
            },
        }
    }

    /// The names of the cookies held for `uri`'s host (values stay secret).
    pub fn cookie_names(&self, uri: &Uri) -> Vec<String> {
        let hosts = self.hosts.read().unwrap_or_else(|p| p.into_inner());
        host_key(uri)
            .and_then(|key| hosts.get(&key))
            .map(|s| s.cookies.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Forgets every cookie and token (after sign-out).
    pub fn clear_session(&self) {
        self.write().clear();
    }

    fn write(&self) -> RwLockWriteGuard<'_, BTreeMap<String, HostSession>> {
        self.hosts.write().unwrap_or_else(|p| p.into_inner())
    }

    fn is_unsafe(&self, method: &Method) -> bool {
        self.csrf
            .as_ref()
            .is_some_and(|c| c.unsafe_methods.contains(method))
    }
}

/// `host[:port]`, lower-cased, without user info.
fn host_key(uri: &Uri) -> Option<String> {
    let host = uri.host()?.to_ascii_lowercase();
    Some(match uri.port_u16() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

impl Auth for BasicCsrfAuth {
    fn prepare(&self, request: &mut http::Request<Bytes>) -> Result<(), AuthError> {
        let authorization = sensitive_value(self.authorization.expose(), "Basic credential")?;
        request
            .headers_mut()
            .insert(http::header::AUTHORIZATION, authorization);
        let Some(key) = host_key(request.uri()) else {
            return Ok(());
        };
        let (cookie, csrf) = {
            let hosts = self.hosts.read().unwrap_or_else(|p| p.into_inner());
            let Some(session) = hosts.get(&key) else {
                return Ok(());
            };
            let cookie = session
                .cookies
                .iter()
                .map(|(name, value)| format!("{name}={}", value.expose()))
                .collect::<Vec<_>>()
                .join("; ");
            (cookie, session.csrf.clone())
        };
        if !cookie.is_empty() {
            request
                .headers_mut()
                .insert(http::header::COOKIE, sensitive_value(&cookie, "cookie")?);
        }
        if let Some((name, token)) = csrf.filter(|_| self.is_unsafe(request.method())) {
            request
                .headers_mut()
                .insert(name, sensitive_value(token.expose(), "CSRF token")?);
        }
        Ok(())
    }

    fn observe(&self, request_uri: &Uri, response: &http::Response<Bytes>) {
        let Some(key) = host_key(request_uri) else {
            return;
        };
        let headers = response.headers();
        let mut hosts = self.write();
        let session = hosts.entry(key).or_default();
        for value in headers.get_all(http::header::SET_COOKIE) {
            if let Some((name, value, delete)) = parse_set_cookie(value.as_bytes()) {
                if delete {
                    session.cookies.remove(&name);
                } else {
                    session.cookies.insert(name, Secret::new(value));
                }
            }
        }
        let Some(csrf) = &self.csrf else { return };
        let token = headers
            .get(&csrf.token_header)
            .and_then(|v| v.to_str().ok())
            .map(str::trim);
        if let Some(token) = token.filter(|t| !t.is_empty()) {
            let name = headers
                .get(&csrf.header_name_header)
                .and_then(|v| HeaderName::from_bytes(v.as_bytes().trim_ascii()).ok())
                .unwrap_or_else(|| csrf.token_header.clone());
            session.csrf = Some((name, Secret::new(token)));
            session.refresh = Refresh::Tried;
        }
    }

    fn should_retry(&self, request_uri: &Uri, response: &http::Response<Bytes>) -> bool {
        let Some(csrf) = &self.csrf else { return false };
        let rejected = response.status() == csrf.failure_status
            && !csrf.failure_text.is_empty()
            && String::from_utf8_lossy(response.body()).contains(&csrf.failure_text);
        if rejected && let Some(key) = host_key(request_uri) {
            let mut hosts = self.write();
            let session = hosts.entry(key).or_default();
            session.csrf = None;
            session.refresh = Refresh::Needed;
        }
        rejected
    }

    fn refresh_request(&self, request: &http::Request<Bytes>) -> Option<http::Request<Bytes>> {
        let csrf = self.csrf.as_ref()?;
        if !self.is_unsafe(request.method()) || !self.needs_refresh(request.uri()) {
            return None;
        }
        let uri = request.uri();
        let target = format!(
            "{}://{}{}",
            uri.scheme_str()?,
            uri.authority()?,
            csrf.refresh_path
        );
        let refresh = http::Request::get(target).body(Bytes::new()).ok()?;
        if let Some(key) = host_key(uri) {
            self.write().entry(key).or_default().refresh = Refresh::Tried;
        }
        Some(refresh)
    }
}

/// `name=value` from a `Set-Cookie` value, and whether it deletes the cookie (`Max-Age<=0`).
fn parse_set_cookie(raw: &[u8]) -> Option<(String, String, bool)> {
    let text = std::str::from_utf8(raw).ok()?;
    let mut parts = text.split(';');
    let (name, value) = parts.next()?.split_once('=')?;
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    let delete = parts
        .filter_map(|attr| attr.split_once('='))
        .any(|(attr, value)| {
            attr.trim().eq_ignore_ascii_case("max-age")
                && value.trim().parse::<i64>().is_ok_and(|age| age <= 0)
        });
    Some((name.to_owned(), value.trim().to_owned(), delete))
}

impl fmt::Debug for BasicCsrfAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hosts = self.hosts.read().unwrap_or_else(|p| p.into_inner());
        let cookies: BTreeMap<&str, Vec<&str>> = hosts
            .iter()
            .map(|(host, s)| {
                (
                    host.as_str(),
                    s.cookies.keys().map(String::as_str).collect(),
                )
            })
            .collect();
        f.debug_struct("BasicCsrfAuth")
            .field("username", &self.username)
            .field("password", &crate::secret::REDACTED)
            .field("csrf", &self.csrf)
            .field("cookie_names", &cookies)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_cookie_parsing() {
        assert_eq!(
            parse_set_cookie(b"JSESSIONID=abc; Path=/; HttpOnly"),
            Some(("JSESSIONID".into(), "abc".into(), false))
        );
        assert_eq!(
            parse_set_cookie(b"AWSELB=x=y;Max-Age=0"),
            Some(("AWSELB".into(), "x=y".into(), true))
        );
        assert_eq!(
            parse_set_cookie(b"a=; max-age=-1"),
            Some(("a".into(), String::new(), true))
        );
        assert_eq!(
            parse_set_cookie(b"a=b; Max-Age=soon"),
            Some(("a".into(), "b".into(), false))
        );
        assert_eq!(parse_set_cookie(b"novalue"), None);
        assert_eq!(parse_set_cookie(b"=v"), None);
        assert_eq!(parse_set_cookie(b"\xff=1"), None);
    }
}

//! HTTP Basic authentication with a cookie session and an optional CSRF token.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use cookie_store::{Cookie, CookieStore};
use http::{HeaderName, Method, StatusCode, Uri};
use url::Url;

use super::{Auth, AuthError, header_name, sensitive_value};
use crate::Secret;
use crate::secret::REDACTED;

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
    /// Path of a GET that returns a token: from the host root, or, with `refresh_from_base`,
    /// under the client's base URL (its path prefix included).
    pub refresh_path: String,
    /// Whether `refresh_path` is under the client's base URL (the request's
    /// [`BaseUrl`](crate::request::BaseUrl) extension) rather than the host root. Default false.
    pub refresh_from_base: bool,
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
            refresh_from_base: false,
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
struct HostCsrf {
    token: Option<(HeaderName, Secret)>,
    refresh: Refresh,
}

/// What the server set up: cookies and CSRF tokens.
#[derive(Default)]
struct Session {
    /// One RFC 6265 store per port. RFC 6265 §8.5 lets cookies cross ports; keeping ports
    /// apart means a session cookie of one service never reaches another service on the same
    /// host, as this scheme always promised.
    jars: BTreeMap<u16, CookieStore>,
    /// Per `host:port`: tokens are per server, not per cookie scope.
    csrf: BTreeMap<String, HostCsrf>,
}

impl Session {
    /// The cookies a request to `url` carries, in the order they are sent.
    fn cookies_for(&self, url: &Url) -> Vec<&Cookie<'static>> {
        let Some(jar) = url.port_or_known_default().and_then(|p| self.jars.get(&p)) else {
            return Vec::new();
        };
        let mut cookies = jar.matches(url);
        cookies.sort_by(|a, b| send_order(a).cmp(&send_order(b)));
        cookies
    }
}

/// Longer paths first (RFC 6265 §5.4), then name, path and domain: the header is the same
/// every time (the store itself is a hash map).
fn send_order<'c>(
    cookie: &'c Cookie<'_>,
) -> (Reverse<usize>, &'c str, &'c str, Option<Cow<'c, str>>) {
    let path: &str = &cookie.path;
    (
        Reverse(path.len()),
        cookie.name(),
        path,
        cookie.domain.as_cow(),
    )
}

/// HTTP Basic credentials on every request, plus the session the server sets up: cookies
/// and, when configured, a CSRF token per host.
///
/// Cookies are kept by the RFC 6265 rules (the `cookie_store` crate that reqwest's cookie jar
/// is built on), matched against each request's URL: `Domain`, `Path`, `Expires`, `Max-Age`
/// (zero deletes) and `Secure` (never sent over plain HTTP, except to a loopback address,
/// which browsers also treat as secure). Stricter than RFC 6265 in one way: cookies stay with
/// the port that set them. Values never show in `Debug`.
pub struct BasicCsrfAuth {
    username: String,
    authorization: Secret,
    csrf: Option<CsrfConfig>,
    session: RwLock<Session>,
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
            session: RwLock::new(Session::default()),
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
        match self.read().csrf.get(&key) {
            None => true,
            Some(host) => match host.refresh {
                Refresh::Needed => true,
                Refresh::NotTried => host.token.is_none(),
                Refresh::Tried => false,
            },
        }
    }

    /// The names of the cookies a request to `uri` would carry, in the order it sends them
    /// (values stay secret).
    pub fn cookie_names(&self, uri: &Uri) -> Vec<String> {
        let Some(url) = url_of(uri) else {
            return Vec::new();
        };
        let session = self.read();
        let cookies = session.cookies_for(&url).into_iter();
        cookies.map(|c| c.name().to_owned()).collect()
    }

    /// Forgets every cookie and token (after sign-out).
    pub fn clear_session(&self) {
        *self.write() = Session::default();
    }

    fn read(&self) -> RwLockReadGuard<'_, Session> {
        self.session.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Session> {
        self.session.write().unwrap_or_else(|p| p.into_inner())
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

/// The URL cookies are matched against; `None` for a relative URI (no cookies then).
fn url_of(uri: &Uri) -> Option<Url> {
    Url::parse(&uri.to_string())
        .ok()
        .filter(|url| url.has_host())
}

impl Auth for BasicCsrfAuth {
    fn prepare(&self, request: &mut http::Request<Bytes>) -> Result<(), AuthError> {
        let authorization = sensitive_value(self.authorization.expose(), "Basic credential")?;
        request
            .headers_mut()
            .insert(http::header::AUTHORIZATION, authorization);
        let (cookie, csrf) = {
            let session = self.read();
            let cookie = url_of(request.uri())
                .map(|url| {
                    let cookies = session.cookies_for(&url).into_iter();
                    let pairs = cookies.map(|c| format!("{}={}", c.name(), c.value()));
                    pairs.collect::<Vec<_>>().join("; ")
                })
                .unwrap_or_default();
            let csrf = host_key(request.uri())
                .and_then(|key| session.csrf.get(&key))
                .and_then(|host| host.token.clone());
            (cookie, csrf)
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
        let headers = response.headers();
        let mut session = self.write();
        if let Some(url) = url_of(request_uri)
            && let Some(port) = url.port_or_known_default()
        {
            let jar = session.jars.entry(port).or_default();
            for value in headers.get_all(http::header::SET_COOKIE) {
                // `parse`, not `store_response_cookies`, which logs values at debug level.
                // A rejected cookie (foreign domain, unparsable) is ignored, as RFC 6265 §5.2
                // and §5.3 say; an expired one deletes the one it names.
                if let Ok(text) = std::str::from_utf8(value.as_bytes()) {
                    let _ = jar.parse(text, &url);
                }
            }
        }
        let Some(csrf) = &self.csrf else { return };
        let Some(key) = host_key(request_uri) else {
            return;
        };
        let token = headers
            .get(&csrf.token_header)
            .and_then(|v| v.to_str().ok())
            .map(str::trim);
        if let Some(token) = token.filter(|t| !t.is_empty()) {
            let name = headers
                .get(&csrf.header_name_header)
                .and_then(|v| HeaderName::from_bytes(v.as_bytes().trim_ascii()).ok())
                .unwrap_or_else(|| csrf.token_header.clone());
            let host = session.csrf.entry(key).or_default();
            host.token = Some((name, Secret::new(token)));
            host.refresh = Refresh::Tried;
        }
    }

    fn should_retry(&self, request_uri: &Uri, response: &http::Response<Bytes>) -> bool {
        let Some(csrf) = &self.csrf else { return false };
        let rejected = response.status() == csrf.failure_status
            && !csrf.failure_text.is_empty()
            && String::from_utf8_lossy(response.body()).contains(&csrf.failure_text);
        if rejected && let Some(key) = host_key(request_uri) {
            let mut session = self.write();
            let host = session.csrf.entry(key).or_default();
            host.token = None;
            host.refresh = Refresh::Needed;
        }
        rejected
    }

    fn refresh_request(&self, request: &http::Request<Bytes>) -> Option<http::Request<Bytes>> {
        let csrf = self.csrf.as_ref()?;
        if !self.is_unsafe(request.method()) || !self.needs_refresh(request.uri()) {
            return None;
        }
        let uri = request.uri();
        let base = request
            .extensions()
            .get::<crate::request::BaseUrl>()
            .filter(|_| csrf.refresh_from_base);
        let target = match base {
            Some(base) => format!("{}{}", base.0, csrf.refresh_path),
            None => format!(
                "{}://{}{}",
                uri.scheme_str()?,
                uri.authority()?,
                csrf.refresh_path
            ),
        };
        let refresh = http::Request::get(target).body(Bytes::new()).ok()?;
        if let Some(key) = host_key(uri) {
            self.write().csrf.entry(key).or_default().refresh = Refresh::Tried;
        }
        Some(refresh)
    }
}

impl fmt::Debug for BasicCsrfAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let session = self.read();
        // Where each cookie applies and its name; never its value.
        let cookies: BTreeSet<String> = session
            .jars
            .iter()
            .flat_map(|(port, jar)| {
                jar.iter_unexpired().map(move |c| {
                    let domain = String::from(&c.domain);
                    format!("{}={REDACTED} ({domain}:{port}{})", c.name(), &*c.path)
                })
            })
            .collect();
        f.debug_struct("BasicCsrfAuth")
            .field("username", &self.username)
            .field("password", &REDACTED)
            .field("csrf", &self.csrf)
            .field("cookies", &cookies)
            .finish()
    }
}

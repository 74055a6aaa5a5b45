//! Authentication schemes, one per mechanism, each configured entirely by data.
//!
//! A generated client owns one `Arc<dyn Auth>` and sends every request through [`execute`],
//! which runs the protocol below; a client that drives a transport itself must follow it too.
//!
//! 1. If [`Auth::refresh_request`] returns a request (e.g. a GET that yields a CSRF token),
//!    send it first, with steps 2–3 applied to it.
//! 2. [`Auth::prepare`] a fresh copy of the request (credentials, signature, session values).
//! 3. Send it and show the response to [`Auth::observe`] (captures session values).
//! 4. If [`Auth::should_retry`] says so, repeat steps 1–3 once more; never more than once.
//!
//! | scheme | mechanism |
//! |---|---|
//! | [`NoAuth`] | nothing |
//! | [`SessionHeaderAuth`] | a session value captured from a response header, sent back in a request header |
//! | [`BasicCsrfAuth`] | HTTP Basic, a cookie session and a CSRF token fetched with a GET |
//! | [`QuerySigAuth`] | a TLSSigAPIv2 UserSig and fixed values in the query string |
//! | [`SigningAuth`] | request signing, ACS3-HMAC-SHA256 or the HMAC-SHA1 RPC signature |

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderValue, Uri};

use crate::signing::SigningError;
use crate::signing::tls_sig_v2::UserSigError;
use crate::transport::{Transport, TransportError};

mod basic_csrf;
mod clock;
mod query_sig;
mod request_signing;
mod session_header;

pub use basic_csrf::{BasicCsrfAuth, CsrfConfig};
pub use clock::{Clock, ManualClock, NonceSource, SequenceNonce, SystemClock, UuidNonce};
pub use query_sig::{QuerySigAuth, QuerySigConfig, QuerySigNames};
pub use request_signing::{SigningAlgorithm, SigningAuth, SigningConfig};
pub use session_header::{SessionHeaderAuth, SessionHeaderConfig};

/// What a generated client calls around each request. Dyn-compatible; implementations are
/// shared between concurrent requests, so they keep their state behind locks. `Debug` is
/// required so that clients can derive it; it must never print a secret.
pub trait Auth: fmt::Debug + Send + Sync + 'static {
    /// Adds credentials to a request about to be sent. Called on a fresh copy of the original
    /// request for every attempt, so it may rewrite the URI and headers freely.
    fn prepare(&self, request: &mut http::Request<Bytes>) -> Result<(), AuthError>;

    /// Sees every response, with the URI of the request that produced it, to capture session
    /// values (cookies, session headers, tokens).
    fn observe(&self, request_uri: &Uri, response: &http::Response<Bytes>) {
        let _ = (request_uri, response);
    }

    /// Whether the request should be refreshed and sent again (at most once).
    fn should_retry(&self, request_uri: &Uri, response: &http::Response<Bytes>) -> bool {
        let _ = (request_uri, response);
        false
    }

    /// A request to send before `request` so that session state is fresh (e.g. a GET that
    /// returns a CSRF token). `None` when nothing is needed.
    fn refresh_request(&self, request: &http::Request<Bytes>) -> Option<http::Request<Bytes>> {
        let _ = request;
        None
    }
}

impl<T: Auth + ?Sized> Auth for Arc<T> {
    fn prepare(&self, request: &mut http::Request<Bytes>) -> Result<(), AuthError> {
        (**self).prepare(request)
    }
    fn observe(&self, request_uri: &Uri, response: &http::Response<Bytes>) {
        (**self).observe(request_uri, response);
    }
    fn should_retry(&self, request_uri: &Uri, response: &http::Response<Bytes>) -> bool {
        (**self).should_retry(request_uri, response)
    }
    fn refresh_request(&self, request: &http::Request<Bytes>) -> Option<http::Request<Bytes>> {
        (**self).refresh_request(request)
    }
}

impl<T: Auth + ?Sized> Auth for Box<T> {
    fn prepare(&self, request: &mut http::Request<Bytes>) -> Result<(), AuthError> {
        (**self).prepare(request)
    }
    fn observe(&self, request_uri: &Uri, response: &http::Response<Bytes>) {
        (**self).observe(request_uri, response);
    }
    fn should_retry(&self, request_uri: &Uri, response: &http::Response<Bytes>) -> bool {
        (**self).should_retry(request_uri, response)
    }
    fn refresh_request(&self, request: &http::Request<Bytes>) -> Option<http::Request<Bytes>> {
        (**self).refresh_request(request)
    }
}

/// No authentication.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoAuth;

impl Auth for NoAuth {
    fn prepare(&self, _request: &mut http::Request<Bytes>) -> Result<(), AuthError> {
        Ok(())
    }
}

/// What a client built without `.auth(..)` uses when its API authenticates with credentials:
/// every call fails with [`AuthErrorKind::NoCredentials`] before anything is sent, instead of
/// going out unauthenticated. `scheme` names the constructor to use (e.g. `auth::basic_csrf`).
#[derive(Debug, Clone, Copy)]
pub struct MissingCredentials {
    scheme: &'static str,
}

impl MissingCredentials {
    /// A placeholder pointing at the `auth::<scheme>` constructor.
    pub fn new(scheme: &'static str) -> Self {
        Self { scheme }
    }
}

impl Auth for MissingCredentials {
    fn prepare(&self, _request: &mut http::Request<Bytes>) -> Result<(), AuthError> {
        Err(AuthError::new(
            AuthErrorKind::NoCredentials,
            format!(
                "the client was built without credentials: give them with \
                 `ClientBuilder::auth(auth::{}(..))` (or `without_auth()` to send none)",
                self.scheme
            ),
        ))
    }
}

/// Sends `request` through `auth` and `transport` following the protocol in the
/// [module docs](self): optional refresh request, prepare, send, observe, at most one retry.
/// Every HTTP status is returned as `Ok`.
pub async fn execute<T, A>(
    transport: &T,
    auth: &A,
    request: http::Request<Bytes>,
) -> Result<http::Response<Bytes>, SendError>
where
    T: Transport + ?Sized,
    A: Auth + ?Sized,
{
    let mut retried = false;
    loop {
        if let Some(refresh) = auth.refresh_request(&request) {
            send_prepared(transport, auth, refresh).await?;
        }
        let response = send_prepared(transport, auth, request.clone()).await?;
        if !retried && auth.should_retry(request.uri(), &response) {
            retried = true;
            continue;
        }
        return Ok(response);
    }
}

async fn send_prepared<T, A>(
    transport: &T,
    auth: &A,
    mut request: http::Request<Bytes>,
) -> Result<http::Response<Bytes>, SendError>
where
    T: Transport + ?Sized,
    A: Auth + ?Sized,
{
    auth.prepare(&mut request)?;
    let uri = request.uri().clone();
    let response = transport.send(request).await?;
    auth.observe(&uri, &response);
    Ok(response)
}

/// What went wrong in an [`AuthError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthErrorKind {
    /// The request cannot carry the credentials (no host, a value not allowed in a header,
    /// a required dispatch parameter missing).
    InvalidRequest,
    /// Signing failed.
    Signing,
    /// The operating system's random number generator failed.
    Randomness,
    /// The clock is before 1970 or otherwise unusable.
    Clock,
    /// A UserSig could not be made.
    UserSig,
    /// The operation sends a session value (e.g. the GUID of a sign-in) and none is held yet:
    /// sign in first. Nothing was sent.
    NoSession,
    /// The API authenticates and the client was built without credentials
    /// (`ClientBuilder::auth`). Nothing was sent.
    NoCredentials,
}

/// Credentials could not be applied. Never contains a secret value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthError {
    kind: AuthErrorKind,
    message: String,
}

impl AuthError {
    /// A new error; `message` must not contain secrets.
    pub fn new(kind: AuthErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> AuthErrorKind {
        self.kind
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "authentication failed: {}", self.message)
    }
}

impl std::error::Error for AuthError {}

impl From<SigningError> for AuthError {
    fn from(error: SigningError) -> Self {
        Self::new(AuthErrorKind::Signing, error.to_string())
    }
}

impl From<UserSigError> for AuthError {
    fn from(error: UserSigError) -> Self {
        Self::new(AuthErrorKind::UserSig, error.to_string())
    }
}

impl From<http::Error> for AuthError {
    fn from(error: http::Error) -> Self {
        Self::new(
            AuthErrorKind::InvalidRequest,
            format!("invalid request URI: {error}"),
        )
    }
}

/// [`execute`] failed before a response arrived.
#[derive(Debug)]
#[non_exhaustive]
pub enum SendError {
    /// Credentials could not be applied.
    Auth(AuthError),
    /// The transport failed.
    Transport(TransportError),
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Auth(error) => error.fmt(f),
            Self::Transport(error) => error.fmt(f),
        }
    }
}

/// Transparent: `Display` is the inner error's, so `source` is the inner error's cause.
impl std::error::Error for SendError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Auth(error) => error.source(),
            Self::Transport(error) => error.source(),
        }
    }
}

impl From<AuthError> for SendError {
    fn from(error: AuthError) -> Self {
        Self::Auth(error)
    }
}

impl From<TransportError> for SendError {
    fn from(error: TransportError) -> Self {
        Self::Transport(error)
    }
}

/// A header value marked sensitive (HTTP/2 never indexes it; `RedactedHeaders` hides it).
pub(crate) fn sensitive_value(value: &str, what: &str) -> Result<HeaderValue, AuthError> {
    let mut value = HeaderValue::from_str(value).map_err(|_| {
        AuthError::new(
            AuthErrorKind::InvalidRequest,
            format!("the {what} cannot go in a header"),
        )
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Parses a configured header name.
pub(crate) fn header_name(name: &str) -> Result<http::HeaderName, AuthError> {
    http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
        AuthError::new(
            AuthErrorKind::InvalidRequest,
            format!("`{name}` is not a valid header name"),
        )
    })
}

#[cfg(test)]
mod tests;

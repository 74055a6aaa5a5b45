//! A session value captured from a response header and sent back in a request header.

use std::fmt;
use std::sync::RwLock;

use bytes::Bytes;
use http::{HeaderName, Uri};

use super::{Auth, AuthError, header_name, sensitive_value};
use crate::Secret;

/// Which headers carry the session value.
///
/// ```
/// use switchboard_runtime::auth::SessionHeaderConfig;
///
/// // A gateway that answers sign-in with `Set-GUID: JSESSIONID=<guid>` and expects `Guid: <guid>`.
/// let config = SessionHeaderConfig::new("Set-GUID", "Guid")?.value_prefix("JSESSIONID=");
/// # Ok::<(), switchboard_runtime::auth::AuthError>(())
/// ```
#[derive(Debug, Clone)]
pub struct SessionHeaderConfig {
    /// Response header that carries a new session value.
    pub capture_header: HeaderName,
    /// Prefix stripped from the captured value when present.
    pub value_prefix: Option<String>,
    /// Request header that sends the value back.
    pub send_header: HeaderName,
}

impl SessionHeaderConfig {
    /// Captures from `capture_header`, sends in `send_header`.
    pub fn new(capture_header: &str, send_header: &str) -> Result<Self, AuthError> {
        Ok(Self {
            capture_header: header_name(capture_header)?,
            value_prefix: None,
            send_header: header_name(send_header)?,
        })
    }

    /// Strips `prefix` from captured values.
    pub fn value_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.value_prefix = Some(prefix.into());
        self
    }
}

/// Captures a session value from any response that carries the capture header (a sign-in
/// response, or an event-poll response when the server rotates the value) and sends the newest
/// value on every request. A call whose spec sends the header fails before sending with
/// [`AuthErrorKind::NoSession`](super::AuthErrorKind::NoSession) while no value is known; the
/// sign-in itself (which does not declare the header) goes out without it. Safe to share
/// between concurrent requests.
///
/// One value per scheme: a client (and its clones) holds one session, i.e. one signed-in
/// agent. For several agents, build one client per agent with its own scheme and share the
/// transport (`ClientBuilder::transport` takes an `Arc`).
pub struct SessionHeaderAuth {
    config: SessionHeaderConfig,
    value: RwLock<Option<Secret>>,
}

impl SessionHeaderAuth {
    /// A scheme with no session yet.
    pub fn new(config: SessionHeaderConfig) -> Self {
        Self {
            config,
            value: RwLock::new(None),
        }
    }

    /// Sets the session value by hand (e.g. restored from storage).
    pub fn set_session(&self, value: Secret) {
        *self.value.write().unwrap_or_else(|p| p.into_inner()) = Some(value);
    }

    /// Forgets the session (after sign-out).
    pub fn clear_session(&self) {
        *self.value.write().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// The current session value.
    pub fn session(&self) -> Option<Secret> {
        self.value.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The configuration.
    pub fn config(&self) -> &SessionHeaderConfig {
        &self.config
    }
}

impl Auth for SessionHeaderAuth {
    fn prepare(&self, request: &mut http::Request<Bytes>) -> Result<(), AuthError> {
        // An operation whose spec does not declare the session header (the sign-in that opens
        // the session) goes out without it, even when an older session is still held.
        // `None`: a request built by hand, which says nothing about the session.
        let declared = request
            .extensions()
            .get::<crate::request::AuthParams>()
            .map(|params| {
                params
                    .0
                    .iter()
                    .any(|name| name.eq_ignore_ascii_case(self.config.send_header.as_str()))
            });
        if declared == Some(false) {
            request.headers_mut().remove(&self.config.send_header);
            return Ok(());
        }
        match self.session() {
            Some(value) => {
                let value = sensitive_value(value.expose(), "session value")?;
                request
                    .headers_mut()
                    .insert(self.config.send_header.clone(), value);
            }
            // The operation's spec requires the session header: without a session the server
            // can only refuse (its "not signed in" code); say so before sending.
            None if declared == Some(true) => {
                return Err(AuthError::new(
                    super::AuthErrorKind::NoSession,
                    format!(
                        "no session yet: this call sends the `{}` header, which a sign-in \
                         provides (sign in first, or restore a session with `set_session`)",
                        self.config.send_header
                    ),
                ));
            }
            None => {
                request.headers_mut().remove(&self.config.send_header);
            }
        }
        Ok(())
    }

    fn observe(&self, _request_uri: &Uri, response: &http::Response<Bytes>) {
        let Some(raw) = response.headers().get(&self.config.capture_header) else {
            return;
        };
        let Ok(text) = raw.to_str() else { return };
        let text = text.trim();
        let value = self
            .config
            .value_prefix
            .as_deref()
            .and_then(|prefix| text.strip_prefix(prefix))
            .unwrap_or(text)
            .trim();
        if !value.is_empty() {
            self.set_session(Secret::new(value));
        }
    }
}

impl fmt::Debug for SessionHeaderAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionHeaderAuth")
            .field("config", &self.config)
            .field("session", &self.session())
            .finish()
    }
}

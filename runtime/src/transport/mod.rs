//! Sending one HTTP request and getting one fully buffered response back.
//!
//! The generated clients are sans-IO at their core: every endpoint is a pure function to an
//! `http::Request<Bytes>` and from an `http::Response<Bytes>`. A [`Transport`] is the only
//! thing that does I/O. [`InMemoryTransport`] serves tests; [`ReqwestTransport`] (cargo
//! feature `reqwest`, on by default) talks to real servers. With the feature `tower`,
//! `TransportService` and `TowerTransport` put tower middleware around any transport.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;

mod memory;
#[cfg(feature = "reqwest")]
mod reqwest;
#[cfg(feature = "tower")]
mod tower;

pub use memory::InMemoryTransport;
#[cfg(feature = "reqwest")]
pub use reqwest::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_REQUEST_TIMEOUT, ReqwestTransport,
    TransportConfig,
};
#[cfg(feature = "tower")]
pub use tower::{TowerTransport, TransportService};

/// The future a [`Transport`] returns.
pub type TransportFuture<'a> =
    Pin<Box<dyn Future<Output = Result<http::Response<Bytes>, TransportError>> + Send + 'a>>;

/// Sends a request and returns the whole response.
///
/// The trait is dyn-compatible, so a client can hold an `Arc<dyn Transport>`. A transport
/// returns every HTTP status as `Ok`: deciding what a 403 or a 500 means is the caller's job.
/// It must not follow redirects to another host, because requests carry credentials.
/// `Debug` is required so that clients can derive it; it must not print requests.
pub trait Transport: fmt::Debug + Send + Sync + 'static {
    /// Sends `request` and resolves to the buffered response.
    fn send(&self, request: http::Request<Bytes>) -> TransportFuture<'_>;
}

impl<T: Transport + ?Sized> Transport for Arc<T> {
    fn send(&self, request: http::Request<Bytes>) -> TransportFuture<'_> {
        (**self).send(request)
    }
}

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn send(&self, request: http::Request<Bytes>) -> TransportFuture<'_> {
        (**self).send(request)
    }
}

/// What went wrong in a [`TransportError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be set up (DNS, TCP, TLS).
    Connect,
    /// The connect or request timeout passed.
    Timeout,
    /// The response body was larger than the configured limit.
    BodyTooLarge,
    /// Anything else (invalid request, protocol error, no canned response left, ...).
    Other,
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "connection failed",
            Self::Timeout => "timed out",
            Self::BodyTooLarge => "response body too large",
            Self::Other => "transport error",
        })
    }
}

/// A request that did not produce a response.
///
/// The message never contains the request URL, headers or body: URLs carry signatures and
/// UserSigs, headers carry session values.
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    message: String,
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
    /// The message is the source's own text ([`TransportError::from_cause`]): `source()` then
    /// skips to the source's cause, so no text is printed twice in a chain.
    message_is_source: bool,
}

impl TransportError {
    /// A new error of `kind` with a message that must not contain secrets.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            source: None,
            message_is_source: false,
        }
    }

    /// An error of `kind` described by `cause` itself: `Display` prints the cause's text and
    /// [`source`](StdError::source) returns the cause's own cause (each text once in a chain).
    /// The cause's `Display` must not contain secrets.
    pub fn from_cause(
        kind: TransportErrorKind,
        cause: impl StdError + Send + Sync + 'static,
    ) -> Self {
        Self {
            kind,
            message: cause.to_string(),
            source: Some(Box::new(cause)),
            message_is_source: true,
        }
    }

    /// Attaches the underlying cause. The cause's `Display` must not contain secrets either.
    pub fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self.message_is_source = false;
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether this was a timeout.
    pub fn is_timeout(&self) -> bool {
        self.kind == TransportErrorKind::Timeout
    }

    /// Whether the connection could not be set up.
    pub fn is_connect(&self) -> bool {
        self.kind == TransportErrorKind::Connect
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            write!(f, "{}", self.kind)
        } else {
            write!(f, "{}: {}", self.kind, self.message)
        }
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        let source = self.source.as_deref()?;
        if self.message_is_source {
            source.source()
        } else {
            Some(source as &(dyn StdError + 'static))
        }
    }
}

//! tower middleware around a transport (cargo feature `tower`), both ways:
//! [`TransportService`] turns a [`Transport`] into a `tower::Service`, so layers (rate
//! limits, concurrency limits, metrics, your own) can wrap it; [`TowerTransport`] turns the
//! layered service back into a [`Transport`] a generated client accepts.
//!
//! ```
//! use std::sync::Arc;
//! use switchboard_runtime::transport::{InMemoryTransport, TowerTransport, TransportService};
//!
//! let inner = Arc::new(InMemoryTransport::new());
//! let layered = tower::ServiceBuilder::new()
//!     .concurrency_limit(4)
//!     .service(TransportService::new(inner));
//! let transport = TowerTransport::new(layered);
//! # let _ = transport;
//! ```
//!
//! The layers run for every attempt (retries included), below the auth scheme: a request
//! they see is already signed, so a layer must not change what was signed.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use tower::{Service, ServiceExt as _};

use super::{Transport, TransportError, TransportErrorKind, TransportFuture};

type BoxError = Box<dyn StdError + Send + Sync>;

/// A [`Transport`] as a `tower::Service<http::Request<Bytes>>`. Always ready; cheap to clone.
#[derive(Clone, Debug)]
pub struct TransportService {
    transport: Arc<dyn Transport>,
}

impl TransportService {
    /// Wraps a transport.
    pub fn new(transport: impl Transport) -> Self {
        TransportService {
            transport: Arc::new(transport),
        }
    }
}

impl Service<http::Request<Bytes>> for TransportService {
    type Response = http::Response<Bytes>;
    type Error = TransportError;
    type Future =
        Pin<Box<dyn Future<Output = Result<http::Response<Bytes>, TransportError>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), TransportError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        let transport = Arc::clone(&self.transport);
        Box::pin(async move { transport.send(request).await })
    }
}

/// A `tower::Service<http::Request<Bytes>>` as a [`Transport`].
///
/// The service is shared by all requests behind an async lock held only while it gets ready
/// and takes the request, so stateful layers (a rate limit's window, a concurrency limit's
/// permits) see every request of every clone of the client; the responses are awaited
/// outside the lock, concurrently. Errors become [`TransportError`]s: a `TransportError`
/// from below stays as it is, anything else is kind `Other` with the error as its source.
pub struct TowerTransport<S> {
    service: tokio::sync::Mutex<S>,
}

impl<S> TowerTransport<S> {
    /// Wraps a service.
    pub fn new(service: S) -> Self {
        TowerTransport {
            service: tokio::sync::Mutex::new(service),
        }
    }
}

impl<S> fmt::Debug for TowerTransport<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TowerTransport")
            .field("service", &std::any::type_name::<S>())
            .finish()
    }
}

impl<S> Transport for TowerTransport<S>
where
    S: Service<http::Request<Bytes>, Response = http::Response<Bytes>> + Send + 'static,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
{
    fn send(&self, request: http::Request<Bytes>) -> TransportFuture<'_> {
        Box::pin(async move {
            let response = {
                let mut service = self.service.lock().await;
                let ready = service.ready().await.map_err(transport_error)?;
                ready.call(request)
            };
            response.await.map_err(transport_error)
        })
    }
}

fn transport_error(error: impl Into<BoxError>) -> TransportError {
    match error.into().downcast::<TransportError>() {
        Ok(error) => *error,
        Err(other) => TransportError::new(TransportErrorKind::Other, "middleware failed")
            .with_source(Layered(other)),
    }
}

/// A boxed layer error as an `Error` (a `Box<dyn Error>` is not one itself).
#[derive(Debug)]
struct Layered(BoxError);

impl fmt::Display for Layered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl StdError for Layered {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0.source()
    }
}

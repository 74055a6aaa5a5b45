//! A transport that answers from memory, for tests of generated clients.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Mutex, MutexGuard};

use bytes::Bytes;

use super::{Transport, TransportError, TransportErrorKind, TransportFuture};

type Handler = Box<
    dyn Fn(&http::Request<Bytes>) -> Result<http::Response<Bytes>, TransportError> + Send + Sync,
>;

enum Source {
    Queue(VecDeque<Result<http::Response<Bytes>, TransportError>>),
    Handler(Handler),
}

/// Answers requests with canned responses (in order) or with a handler function, and
/// remembers every request it saw.
///
/// ```
/// use bytes::Bytes;
/// use switchboard_runtime::transport::InMemoryTransport;
///
/// let transport = InMemoryTransport::new();
/// transport.push_response(http::Response::new(Bytes::from_static(b"{}")));
/// assert_eq!(transport.requests().len(), 0);
/// ```
pub struct InMemoryTransport {
    source: Mutex<Source>,
    seen: Mutex<Vec<http::Request<Bytes>>>,
}

impl InMemoryTransport {
    /// An empty queue: push responses with [`push_response`](Self::push_response).
    pub fn new() -> Self {
        Self {
            source: Mutex::new(Source::Queue(VecDeque::new())),
            seen: Mutex::new(Vec::new()),
        }
    }

    /// A transport that computes each response with `handler`.
    pub fn from_fn<F>(handler: F) -> Self
    where
        F: Fn(&http::Request<Bytes>) -> Result<http::Response<Bytes>, TransportError>
            + Send
            + Sync
            + 'static,
    {
        Self {
            source: Mutex::new(Source::Handler(Box::new(handler))),
            seen: Mutex::new(Vec::new()),
        }
    }

    /// Queues a response. Has no effect on a transport made with [`from_fn`](Self::from_fn).
    pub fn push_response(&self, response: http::Response<Bytes>) {
        self.push_result(Ok(response));
    }

    /// Queues a failure. Has no effect on a transport made with [`from_fn`](Self::from_fn).
    pub fn push_error(&self, error: TransportError) {
        self.push_result(Err(error));
    }

    /// Queues a response made of a status and a JSON (or any) body.
    pub fn push_body(&self, status: u16, body: impl Into<Bytes>) {
        let mut response = http::Response::new(body.into());
        *response.status_mut() =
            http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        self.push_response(response);
    }

    fn push_result(&self, result: Result<http::Response<Bytes>, TransportError>) {
        if let Source::Queue(queue) = &mut *lock(&self.source) {
            queue.push_back(result);
        }
    }

    /// Every request sent so far, oldest first.
    pub fn requests(&self) -> Vec<http::Request<Bytes>> {
        lock(&self.seen).clone()
    }

    /// The most recent request, if any.
    pub fn last_request(&self) -> Option<http::Request<Bytes>> {
        lock(&self.seen).last().cloned()
    }

    /// How many queued responses are left (0 for a handler-based transport).
    pub fn remaining(&self) -> usize {
        match &*lock(&self.source) {
            Source::Queue(queue) => queue.len(),
            Source::Handler(_) => 0,
        }
    }

    fn answer(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let result = match &mut *lock(&self.source) {
            Source::Queue(queue) => queue.pop_front().unwrap_or_else(|| {
                Err(TransportError::new(
                    TransportErrorKind::Other,
                    "no canned response left",
                ))
            }),
            Source::Handler(handler) => handler(&request),
        };
        lock(&self.seen).push(request);
        result
    }
}

impl Default for InMemoryTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for InMemoryTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Recorded requests carry credentials, so only their count is shown.
        f.debug_struct("InMemoryTransport")
            .field("requests_seen", &lock(&self.seen).len())
            .field("remaining", &self.remaining())
            .finish()
    }
}

impl Transport for InMemoryTransport {
    fn send(&self, request: http::Request<Bytes>) -> TransportFuture<'_> {
        let result = self.answer(request);
        Box::pin(async move { result })
    }
}

/// A poisoned lock only means another test thread panicked; the data is still usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(uri: &str) -> http::Request<Bytes> {
        http::Request::get(uri)
            .body(Bytes::new())
            .expect("valid test request")
    }

    #[tokio::test]
    async fn answers_in_order_records_requests_and_fails_when_empty() {
        let transport = InMemoryTransport::new();
        transport.push_body(200, "first");
        transport.push_error(TransportError::new(TransportErrorKind::Timeout, "slow"));
        let first = transport
            .send(get("http://a.test/1"))
            .await
            .expect("first response");
        assert_eq!(first.body().as_ref(), b"first");
        let second = transport
            .send(get("http://a.test/2"))
            .await
            .expect_err("queued error");
        assert!(second.is_timeout());
        let third = transport
            .send(get("http://a.test/3"))
            .await
            .expect_err("queue empty");
        assert_eq!(third.kind(), TransportErrorKind::Other);
        let uris: Vec<String> = transport
            .requests()
            .iter()
            .map(|r| r.uri().to_string())
            .collect();
        assert_eq!(
            uris,
            ["http://a.test/1", "http://a.test/2", "http://a.test/3"]
        );
        assert_eq!(transport.remaining(), 0);
    }

    #[tokio::test]
    async fn handler_sees_each_request() {
        let transport = InMemoryTransport::from_fn(|request| {
            Ok(http::Response::new(Bytes::from(
                request.uri().path().to_owned(),
            )))
        });
        let response = transport
            .send(get("http://a.test/echo"))
            .await
            .expect("response");
        assert_eq!(response.body().as_ref(), b"/echo");
        assert_eq!(
            transport.last_request().map(|r| r.uri().path().to_owned()),
            Some("/echo".into())
        );
        // Works through Arc<dyn Transport> too.
        let shared: std::sync::Arc<dyn Transport> = std::sync::Arc::new(transport);
        assert!(shared.send(get("http://a.test/x")).await.is_ok());
    }
}

//! A transport that answers from memory, for tests of generated clients.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;

use super::{Transport, TransportError, TransportErrorKind, TransportFuture};

type Handler = Box<
    dyn Fn(&http::Request<Bytes>) -> Result<http::Response<Bytes>, TransportError> + Send + Sync,
>;

/// A queued answer, given after `delay`.
struct Canned {
    delay: Duration,
    result: Result<http::Response<Bytes>, TransportError>,
}

enum Source {
    Queue(VecDeque<Canned>),
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
    ///
    /// # Panics
    ///
    /// When `status` is not an HTTP status (outside 100–999): a test set up wrongly, reported
    /// rather than answered with another status.
    pub fn push_body(&self, status: u16, body: impl Into<Bytes>) {
        let mut response = http::Response::new(body.into());
        *response.status_mut() = status_code(status);
        self.push_response(response);
    }

    /// Queues a response of `status` and `body` given only after `delay` (on the caller's
    /// async runtime's clock), so a test can exercise timeouts and cancellation: a client whose
    /// timeout is shorter than `delay` gets a timeout error and the response is discarded.
    ///
    /// # Panics
    ///
    /// As [`push_body`](Self::push_body), when `status` is not an HTTP status.
    pub fn push_delayed(&self, delay: Duration, status: u16, body: impl Into<Bytes>) {
        let mut response = http::Response::new(body.into());
        *response.status_mut() = status_code(status);
        self.push_canned(Canned {
            delay,
            result: Ok(response),
        });
    }

    fn push_result(&self, result: Result<http::Response<Bytes>, TransportError>) {
        self.push_canned(Canned {
            delay: Duration::ZERO,
            result,
        });
    }

    fn push_canned(&self, canned: Canned) {
        if let Source::Queue(queue) = &mut *lock(&self.source) {
            queue.push_back(canned);
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

    fn answer(&self, request: http::Request<Bytes>) -> Canned {
        let canned = match &mut *lock(&self.source) {
            Source::Queue(queue) => queue.pop_front().unwrap_or_else(|| Canned {
                delay: Duration::ZERO,
                result: Err(TransportError::new(
                    TransportErrorKind::Other,
                    "no canned response left",
                )),
            }),
            Source::Handler(handler) => Canned {
                delay: Duration::ZERO,
                result: handler(&request),
            },
        };
        lock(&self.seen).push(request);
        canned
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
        let Canned { delay, result } = self.answer(request);
        Box::pin(async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            result
        })
    }
}

fn status_code(status: u16) -> http::StatusCode {
    http::StatusCode::from_u16(status)
        .unwrap_or_else(|_| panic!("InMemoryTransport: {status} is not an HTTP status"))
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

    #[tokio::test(start_paused = true)]
    async fn a_delayed_answer_arrives_after_its_delay() {
        let transport = InMemoryTransport::new();
        transport.push_delayed(Duration::from_secs(30), 200, "late");
        let started = tokio::time::Instant::now();
        let early = tokio::time::timeout(
            Duration::from_secs(1),
            transport.send(get("http://a.test/slow")),
        )
        .await;
        assert!(early.is_err(), "nothing before the delay");
        assert_eq!(transport.requests().len(), 1, "the request was seen");

        transport.push_delayed(Duration::from_secs(30), 200, "late");
        let response = transport
            .send(get("http://a.test/slow"))
            .await
            .expect("answered after the delay");
        assert_eq!(response.body().as_ref(), b"late");
        assert!(started.elapsed() >= Duration::from_secs(31));
    }

    #[test]
    #[should_panic(expected = "1000 is not an HTTP status")]
    fn an_invalid_status_is_reported_not_replaced() {
        InMemoryTransport::new().push_body(1000, "{}");
    }
}

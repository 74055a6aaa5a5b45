//! Loopback HTTP servers for the end-to-end tests.
//!
//! Every server binds `127.0.0.1:0`, records each request it receives and answers with what
//! the test's responder returns. A server stops when its handle is dropped and, whatever
//! happens, after [`SERVER_LIFETIME`]; every test body runs under [`bounded`]. Nothing here
//! uses the switchboard runtime except to build the client's transport: the server side
//! parses what arrives on the wire by itself.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use switchboard_runtime::transport::{ReqwestTransport, TransportConfig};
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub mod clients;
pub mod vendors;
pub mod verify;

/// The longest a server lives, even if its handle is leaked.
pub const SERVER_LIFETIME: Duration = Duration::from_secs(60);
/// The longest a test body may run.
pub const TEST_TIMEOUT: Duration = Duration::from_secs(45);

/// Runs a test body, failing it if it takes longer than [`TEST_TIMEOUT`].
pub async fn bounded<F: Future>(body: F) -> F::Output {
    tokio::time::timeout(TEST_TIMEOUT, body)
        .await
        .expect("the test finished within its time limit")
}

/// The client transport: the reqwest transport with short limits.
pub fn transport() -> ReqwestTransport {
    let config = TransportConfig::default()
        .connect_timeout(Duration::from_secs(3))
        .request_timeout(Duration::from_secs(10));
    ReqwestTransport::with_config(config).expect("the reqwest transport builds")
}

/// One request as the server received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path as sent (still percent-encoded).
    pub path: String,
    /// The raw query string, when there is one.
    pub raw_query: Option<String>,
    /// The decoded query pairs, in order.
    pub query: Vec<(String, String)>,
    /// Every header.
    pub headers: HeaderMap,
    /// The whole body.
    pub body: Bytes,
}

impl Recorded {
    /// A header's value as text (the first one, if repeated).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// How often a header occurs.
    pub fn header_count(&self, name: &str) -> usize {
        self.headers.get_all(name).iter().count()
    }

    /// The only value of a query parameter; fails the test when it is repeated.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        let mut values = self.query.iter().filter(|(n, _)| n == name);
        let first = values.next().map(|(_, v)| v.as_str());
        assert!(values.next().is_none(), "query parameter {name} repeated");
        first
    }

    /// The query as a sorted list of decoded pairs.
    pub fn sorted_query(&self) -> Vec<(String, String)> {
        let mut pairs = self.query.clone();
        pairs.sort();
        pairs
    }

    /// The body as JSON; fails the test when it is not JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("the body is not JSON ({e}): {:?}", self.body))
    }

    /// The value of a cookie in the `Cookie` header.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all("cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_owned())
    }
}

/// What the server answers.
#[derive(Clone, Debug)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    /// A JSON body with `status`.
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Reply {
            status,
            headers: vec![(
                "content-type".into(),
                "application/json;charset=UTF-8".into(),
            )],
            body: serde_json::to_vec(body).expect("JSON serializes"),
        }
    }

    /// A plain-text body with `status`.
    pub fn text(status: u16, body: &str) -> Self {
        Reply {
            status,
            headers: vec![("content-type".into(), "text/plain;charset=UTF-8".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    /// Adds a response header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    fn into_response(self) -> Response {
        let mut response = Response::new(Body::from(self.body));
        *response.status_mut() = StatusCode::from_u16(self.status).expect("a valid status");
        for (name, value) in self.headers {
            response.headers_mut().append(
                HeaderName::from_bytes(name.as_bytes()).expect("a valid header name"),
                HeaderValue::from_str(&value).expect("a valid header value"),
            );
        }
        response
    }
}

type Responder = dyn Fn(&Recorded) -> Reply + Send + Sync;

struct Shared {
    responder: Box<Responder>,
    log: Mutex<Vec<Recorded>>,
}

/// A loopback HTTP server (axum) that records requests and answers through a responder.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server").field("addr", &self.addr).finish()
    }
}

impl Server {
    /// Starts a server on `127.0.0.1:0`; `responder` sees each request and chooses the answer.
    pub async fn start(responder: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        Self::start_on(listener, responder)
    }

    /// [`Server::start`] on a listener already bound (e.g. to a port chosen earlier).
    pub fn start_on(
        listener: TcpListener,
        responder: impl Fn(&Recorded) -> Reply + Send + Sync + 'static,
    ) -> Server {
        let addr = listener.local_addr().expect("local address");
        let shared = Arc::new(Shared {
            responder: Box::new(responder),
            log: Mutex::new(Vec::new()),
        });
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&shared));
        let (tx, rx) = oneshot::channel::<()>();
        let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = rx.await;
        });
        tokio::spawn(async move {
            let _ = tokio::time::timeout(SERVER_LIFETIME, serve).await;
        });
        Server {
            addr,
            shared,
            shutdown: Some(tx),
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared
            .log
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The requests received so far, forgetting them.
    pub fn take_requests(&self) -> Vec<Recorded> {
        std::mem::take(&mut *self.shared.log.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// The only request received so far (forgotten afterwards); fails if there were more.
    pub fn single_request(&self) -> Recorded {
        let mut requests = self.take_requests();
        assert_eq!(requests.len(), 1, "exactly one request: {requests:#?}");
        requests.remove(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

async fn handle(
    axum::extract::State(shared): axum::extract::State<Arc<Shared>>,
    request: axum::extract::Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let raw_query = parts.uri.query().map(str::to_owned);
    let recorded = Recorded {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: raw_query.as_deref().map(parse_query).unwrap_or_default(),
        raw_query,
        headers: parts.headers,
        body,
    };
    let reply = (shared.responder)(&recorded);
    shared
        .log
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(recorded);
    reply.into_response()
}

/// Splits a query into decoded pairs (`%XX` and `+`), the way a form-decoding server does.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|s| {
            let (name, value) = s.split_once('=').unwrap_or((s, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect()
}

/// Decodes `%XX` escapes and `+`; panics on malformed escapes or invalid UTF-8, which a
/// client must never send.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text.get(i + 1..i + 3).expect("a complete %XX escape");
                out.push(u8::from_str_radix(hex, 16).expect("hex digits after %"));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).expect("query components are UTF-8")
}

/// RFC 3986 percent-encoding: only `A-Z a-z 0-9 - _ . ~` stay; upper-case hex.
pub fn rfc3986(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A server that accepts connections, reads the request head and closes the socket without
/// answering. Returns its base URL.
pub async fn closing_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        let accept_loop = async {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut head = Vec::new();
                let mut buffer = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buffer[..n]),
                    }
                }
                drop(socket);
            }
        };
        let _ = tokio::time::timeout(SERVER_LIFETIME, accept_loop).await;
    });
    format!("http://{addr}")
}

/// A base URL on a loopback port nothing listens on.
pub async fn unreachable_base() -> String {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local address");
    drop(listener);
    format!("http://{addr}")
}

/// `Display` and `Debug` of an error and of every error in its source chain.
pub fn error_texts(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut texts = vec![error.to_string(), format!("{error:?}")];
    let mut source = error.source();
    while let Some(cause) = source {
        texts.push(cause.to_string());
        texts.push(format!("{cause:?}"));
        source = cause.source();
    }
    texts
}

/// Fails when any secret occurs in any text.
pub fn assert_no_secrets(what: &str, texts: &[String], secrets: &[&str]) {
    for text in texts {
        for secret in secrets {
            assert!(
                !text.contains(secret),
                "{what} shows the secret {secret:?}: {text}"
            );
        }
    }
}

/// Locks a mutex, ignoring poisoning (a panicking test fails anyway).
pub fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

/// Seconds since the Unix epoch, now.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs()
}

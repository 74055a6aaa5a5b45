//! The production transport, built on reqwest with rustls.

use std::time::Duration;

use bytes::{Bytes, BytesMut};

use super::{Transport, TransportError, TransportErrorKind, TransportFuture};

/// Default time allowed to set up a connection (DNS, TCP and TLS): 10 seconds.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for a whole request, from sending to the last body byte: 30 seconds.
///
/// Long-polling endpoints (an event poll that holds the request for ~10 s) fit in it.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Default largest response body accepted: 8 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// Limits and trust settings for a [`ReqwestTransport`].
///
/// ```
/// use std::time::Duration;
/// use switchboard_runtime::transport::TransportConfig;
///
/// let config = TransportConfig::default()
///     .request_timeout(Duration::from_secs(60))
///     .max_response_bytes(1024 * 1024);
/// assert_eq!(config.connect_timeout, Duration::from_secs(10));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TransportConfig {
    /// Time allowed to set up a connection. Default [`DEFAULT_CONNECT_TIMEOUT`].
    pub connect_timeout: Duration,
    /// Time allowed for the whole exchange, body included. Default [`DEFAULT_REQUEST_TIMEOUT`].
    pub request_timeout: Duration,
    /// Largest response body accepted; a larger one fails with
    /// [`TransportErrorKind::BodyTooLarge`] as soon as the limit is crossed, before the rest
    /// is read. Default [`DEFAULT_MAX_RESPONSE_BYTES`].
    pub max_response_bytes: usize,
    /// Extra PEM root certificates to trust besides the built-in web PKI roots (on-premises
    /// gateways often use a private CA).
    pub extra_root_certificates_pem: Vec<Vec<u8>>,
}

impl Default for TransportConfig {
    fn default() -> Self {
        Self {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            extra_root_certificates_pem: Vec::new(),
        }
    }
}

impl TransportConfig {
    /// Sets the connect timeout.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the whole-request timeout.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Sets the response body size limit in bytes.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Trusts one more root certificate, given as PEM.
    pub fn add_root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.extra_root_certificates_pem.push(pem.into());
        self
    }
}

/// Sends requests with a [`reqwest::Client`].
///
/// Redirects are never followed: a 3xx response is returned to the caller as it is. Every
/// request this crate sends carries credentials (a Basic password, a session header or
/// cookie, a signature over the exact host and path, a UserSig in the query), none of the
/// supported APIs documents a redirect, and a replayed POST is not safe for telephony
/// operations. Not following at all is simpler to reason about than a same-host policy.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    max_response_bytes: usize,
}

impl ReqwestTransport {
    /// A transport with the default [`TransportConfig`].
    pub fn new() -> Result<Self, TransportError> {
        Self::with_config(TransportConfig::default())
    }

    /// A transport with the given limits.
    pub fn with_config(config: TransportConfig) -> Result<Self, TransportError> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .redirect(reqwest::redirect::Policy::none());
        for pem in &config.extra_root_certificates_pem {
            let certificate = reqwest::Certificate::from_pem(pem).map_err(|e| {
                TransportError::new(TransportErrorKind::Other, "invalid root certificate")
                    .with_source(e.without_url())
            })?;
            builder = builder.add_root_certificate(certificate);
        }
        let client = builder.build().map_err(map_error)?;
        Ok(Self {
            client,
            max_response_bytes: config.max_response_bytes,
        })
    }

    /// Wraps a client built elsewhere. Its redirect policy and timeouts are the caller's
    /// responsibility; the body limit is still enforced here.
    pub fn from_client(client: reqwest::Client, max_response_bytes: usize) -> Self {
        Self {
            client,
            max_response_bytes,
        }
    }

    async fn execute(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let request = reqwest::Request::try_from(request).map_err(map_error)?;
        let mut response = self.client.execute(request).await.map_err(map_error)?;
        let limit = self.max_response_bytes;
        if response
            .content_length()
            .is_some_and(|len| len > limit as u64)
        {
            return Err(too_large(limit));
        }
        let status = response.status();
        let version = response.version();
        let headers = std::mem::take(response.headers_mut());
        let capacity = response.content_length().map_or(0, |len| len as usize);
        let mut body = BytesMut::with_capacity(capacity);
        while let Some(chunk) = response.chunk().await.map_err(map_error)? {
            if chunk.len() > limit - body.len() {
                return Err(too_large(limit));
            }
            body.extend_from_slice(&chunk);
        }
        let mut out = http::Response::new(body.freeze());
        *out.status_mut() = status;
        *out.version_mut() = version;
        *out.headers_mut() = headers;
        Ok(out)
    }
}

impl Transport for ReqwestTransport {
    fn send(&self, request: http::Request<Bytes>) -> TransportFuture<'_> {
        Box::pin(self.execute(request))
    }
}

fn too_large(limit: usize) -> TransportError {
    TransportError::new(
        TransportErrorKind::BodyTooLarge,
        format!("limit is {limit} bytes"),
    )
}

/// reqwest puts the URL in its errors; the URL may carry a signature or a UserSig, so it is
/// removed before the error goes anywhere.
fn map_error(error: reqwest::Error) -> TransportError {
    let error = error.without_url();
    let kind = if error.is_timeout() {
        TransportErrorKind::Timeout
    } else if error.is_connect() {
        TransportErrorKind::Connect
    } else {
        TransportErrorKind::Other
    };
    TransportError::from_cause(kind, error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    /// Serves one connection on 127.0.0.1 with `reply` (raw HTTP/1.1 bytes) after reading the
    /// request head; `None` keeps the connection open without answering.
    async fn serve_once(reply: Option<Vec<u8>>) -> String {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let address = listener.local_addr().expect("local address");
        tokio::spawn(async move {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let mut head = Vec::new();
            let mut buffer = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match socket.read(&mut buffer).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => head.extend_from_slice(&buffer[..n]),
                }
            }
            match reply {
                Some(bytes) => {
                    let _ = socket.write_all(&bytes).await;
                    let _ = socket.shutdown().await;
                }
                None => tokio::time::sleep(Duration::from_secs(5)).await,
            }
        });
        format!("http://{address}")
    }

    fn get(uri: &str) -> http::Request<Bytes> {
        http::Request::get(uri)
            .body(Bytes::new())
            .expect("valid test request")
    }

    fn small(limit: usize) -> ReqwestTransport {
        let config = TransportConfig::default()
            .request_timeout(Duration::from_millis(500))
            .max_response_bytes(limit);
        ReqwestTransport::with_config(config).expect("client builds")
    }

    #[tokio::test]
    async fn returns_status_headers_and_body() {
        let base = serve_once(Some(
            b"HTTP/1.1 404 Not Found\r\nX-Request-Id: r1\r\nContent-Length: 2\r\n\r\n{}".to_vec(),
        ))
        .await;
        let response = small(16)
            .send(get(&format!("{base}/x")))
            .await
            .expect("response");
        assert_eq!(response.status(), 404);
        assert_eq!(response.headers()["x-request-id"], "r1");
        assert_eq!(response.body().as_ref(), b"{}");
    }

    #[tokio::test]
    async fn refuses_a_declared_length_over_the_limit() {
        let base = serve_once(Some(
            b"HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\n01234567890123456".to_vec(),
        ))
        .await;
        let error = small(16).send(get(&base)).await.expect_err("too large");
        assert_eq!(error.kind(), TransportErrorKind::BodyTooLarge);
    }

    #[tokio::test]
    async fn refuses_a_chunked_body_over_the_limit_while_streaming() {
        // No Content-Length: the limit can only be enforced while reading.
        let base = serve_once(Some(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
              a\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n"
                .to_vec(),
        ))
        .await;
        let error = small(16).send(get(&base)).await.expect_err("too large");
        assert_eq!(error.kind(), TransportErrorKind::BodyTooLarge);
        // The same body fits under a larger limit.
        let base = serve_once(Some(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
              a\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n"
                .to_vec(),
        ))
        .await;
        let response = small(20).send(get(&base)).await.expect("fits");
        assert_eq!(response.body().len(), 20);
    }

    #[tokio::test]
    async fn does_not_follow_redirects() {
        let base = serve_once(Some(
            b"HTTP/1.1 302 Found\r\nLocation: http://other.invalid/steal\r\nContent-Length: 0\r\n\r\n"
                .to_vec(),
        ))
        .await;
        let response = small(16).send(get(&base)).await.expect("3xx is a response");
        assert_eq!(response.status(), 302);
        assert_eq!(response.headers()["location"], "http://other.invalid/steal");
    }

    #[tokio::test]
    async fn times_out_without_leaking_the_url() {
        let base = serve_once(None).await;
        let uri = format!("{base}/v4/x?usersig=TOP-SECRET-SIG");
        let error = small(16).send(get(&uri)).await.expect_err("times out");
        assert!(error.is_timeout(), "{error:?}");
        assert_no_secret(&error);
    }

    #[tokio::test]
    async fn reports_connect_failures_without_leaking_the_url() {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let address = listener.local_addr().expect("local address");
        drop(listener);
        let uri = format!("http://{address}/x?usersig=TOP-SECRET-SIG");
        let error = small(16)
            .send(get(&uri))
            .await
            .expect_err("nothing listens");
        assert!(error.is_connect(), "{error:?}");
        assert_no_secret(&error);
    }

    fn assert_no_secret(error: &TransportError) {
        let mut texts = vec![error.to_string(), format!("{error:?}")];
        let mut source = error.source();
        while let Some(cause) = source {
            texts.push(cause.to_string());
            texts.push(format!("{cause:?}"));
            source = cause.source();
        }
        for text in texts {
            assert!(!text.contains("TOP-SECRET-SIG"), "secret leaked: {text}");
        }
    }
}

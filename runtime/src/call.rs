//! The body of [`ClientCore::call`]: attempts, retries, timeouts and the call's span.

use std::future::Future;
use std::time::{Duration, Instant};

use bytes::Bytes;
use tracing::Instrument as _;

use crate::auth::{self, SendError};
use crate::client::{ClientCore, Operation};
use crate::retry::{self, RetryReason};
use crate::transport::{TransportError, TransportErrorKind};

pub(crate) async fn run<O: Operation>(
    core: &ClientCore,
    request: http::Request<Bytes>,
) -> Result<O::Output, O::Error> {
    let span = crate::trace::call_span(&O::INFO);
    let start = Instant::now();
    let attempts = attempts::<O>(core, request, start, &span).instrument(span.clone());
    let result = match core.options.timeout {
        Some(limit) => within(limit, attempts, "the call's timeout passed")
            .await
            .unwrap_or_else(|error| Err(O::send_error(error))),
        None => attempts.await,
    };
    if !span.is_disabled() {
        span.record("elapsed_ms", start.elapsed().as_secs_f64() * 1000.0);
    }
    result
}

async fn attempts<O: Operation>(
    core: &ClientCore,
    request: http::Request<Bytes>,
    start: Instant,
    span: &tracing::Span,
) -> Result<O::Output, O::Error> {
    let options = core.options;
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        span.record("attempt", attempt);
        // `execute` prepares a fresh copy per send: every attempt is signed anew.
        let send = auth::execute(&**core.transport(), &**core.auth(), request.clone());
        let sent = match options.attempt_timeout {
            Some(limit) => within(limit, send, "the attempt's timeout passed")
                .await
                .and_then(|sent| sent),
            None => send.await,
        };
        let (result, retry) = match sent {
            Err(error) => {
                let reason = retry::classify_send_error(&error, O::INFO.idempotent);
                (Err(O::send_error(error)), reason.map(|r| (r, None)))
            }
            Ok(response) => {
                span.record("http.status", response.status().as_u16());
                let throttled = retry::classify_status(response.status(), response.headers());
                let result = O::parse_response(response);
                let api = result.as_ref().err().and_then(O::api_error);
                if let Some(api) = api {
                    span.record("vendor.code", api.code());
                    span.record("vendor.request_id", api.request_id());
                }
                let coded = api
                    .filter(|api| api.is_retryable())
                    .map(|_| (RetryReason::RetryableCode, None));
                (result, throttled.or(coded))
            }
        };
        let Some((reason, at_least)) = retry else {
            return result;
        };
        let Some(delay) = options.retry.next_delay(attempt, start.elapsed(), at_least) else {
            return result;
        };
        tracing::debug!(
            attempt,
            reason = %reason,
            delay_ms = delay.as_millis() as u64,
            "retrying"
        );
        tokio::time::sleep(delay).await;
    }
}

/// `future`, or a timeout error once `limit` passes (the future is dropped, which cancels it).
async fn within<T>(
    limit: Duration,
    future: impl Future<Output = T>,
    what: &str,
) -> Result<T, SendError> {
    tokio::time::timeout(limit, future)
        .await
        .map_err(|_| SendError::Transport(TransportError::new(TransportErrorKind::Timeout, what)))
}

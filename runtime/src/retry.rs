//! Retries that never repeat a call that may have run.
//!
//! Contact-center calls are not idempotent (placing a call twice rings two phones), so
//! [`ClientCore::call`](crate::client::ClientCore::call) repeats a call only when the answer
//! says the request was not executed:
//!
//! | outcome of an attempt | retried |
//! |---|---|
//! | a vendor code the spec marks `retryable` | yes |
//! | HTTP 429 or 503 | yes, not before its `Retry-After` (seconds or HTTP date) |
//! | the connection failed before the request was sent | yes |
//! | a timeout after the request may have been sent | only for endpoints the spec marks `idempotent` |
//! | anything else (other codes, other statuses, decode errors, auth errors) | no |
//!
//! Between attempts the client waits an exponential backoff with jitter; it stops after
//! [`RetryPolicy::max_attempts`] attempts or when the next wait would pass the total
//! [`RetryPolicy::budget`]. Every attempt goes through the auth protocol again, so it is signed
//! afresh (new nonce, timestamp, ticket). Waiting uses tokio's timer.

use std::fmt;
use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};

use crate::auth::SendError;
use crate::transport::TransportErrorKind;

/// When and how often a call is repeated. [`RetryPolicy::default`] is [`RetryPolicy::standard`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    budget: Duration,
    jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::standard()
    }
}

impl RetryPolicy {
    /// Three attempts, backoff from 100 ms doubling up to 5 s, jittered, at most 20 s in all.
    pub const fn standard() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            budget: Duration::from_secs(20),
            jitter: true,
        }
    }

    /// Every call is sent exactly once.
    pub const fn disabled() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::standard()
        }
    }

    /// At most `attempts` attempts in all (1 = no retry; 0 is read as 1).
    pub const fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = if attempts == 0 { 1 } else { attempts };
        self
    }

    /// The wait before the first retry; each further retry doubles it.
    pub const fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest wait between two attempts (a longer `Retry-After` is still honoured
    /// within the budget).
    pub const fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The total time a call may take, from its start to the start of its last attempt: no
    /// retry is made whose wait would end past it.
    pub const fn budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    /// Waits exactly the backoff instead of a random time between half of it and all of it.
    pub const fn without_jitter(mut self) -> Self {
        self.jitter = false;
        self
    }

    /// The configured maximum number of attempts.
    pub const fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Whether a call may be sent more than once.
    pub const fn is_enabled(&self) -> bool {
        self.max_attempts > 1
    }

    /// The wait before attempt `attempt + 1`, or `None` when no further attempt is allowed:
    /// `attempt` attempts made, `elapsed` since the call started, `at_least` from `Retry-After`.
    pub fn next_delay(
        &self,
        attempt: u32,
        elapsed: Duration,
        at_least: Option<Duration>,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let exponent = attempt.saturating_sub(1).min(31);
        let base = self
            .initial_backoff
            .saturating_mul(1 << exponent)
            .min(self.max_backoff);
        // "Equal jitter": half fixed, half random, so retries spread out yet always back off.
        let backoff = if self.jitter && !base.is_zero() {
            let half = base / 2;
            let random = getrandom::u64().unwrap_or(0) % (half.as_nanos() as u64 + 1);
            half + Duration::from_nanos(random)
        } else {
            base
        };
        let delay = at_least.map_or(backoff, |floor| backoff.max(floor));
        (elapsed.saturating_add(delay) <= self.budget).then_some(delay)
    }
}

/// Why an attempt may be repeated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryReason {
    /// The vendor answered with a code its documentation marks retryable.
    RetryableCode,
    /// The server answered 429 or 503.
    Throttled(StatusCode),
    /// The connection could not be set up, so the request never left.
    ConnectFailed,
    /// The attempt timed out after the request may have been sent (idempotent endpoints only).
    TimedOut,
}

impl fmt::Display for RetryReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RetryableCode => f.write_str("retryable code"),
            Self::Throttled(status) => write!(f, "HTTP {}", status.as_u16()),
            Self::ConnectFailed => f.write_str("connection failed"),
            Self::TimedOut => f.write_str("timed out"),
        }
    }
}

/// Whether a failed send may be repeated: connect failures always, timeouts only when the
/// endpoint is idempotent.
pub fn classify_send_error(error: &SendError, idempotent: bool) -> Option<RetryReason> {
    match error {
        SendError::Transport(error) => match error.kind() {
            TransportErrorKind::Connect => Some(RetryReason::ConnectFailed),
            TransportErrorKind::Timeout if idempotent => Some(RetryReason::TimedOut),
            _ => None,
        },
        _ => None,
    }
}

/// Whether a response's status asks the client to come back later (429, 503), with the wait
/// its `Retry-After` header names.
pub fn classify_status(
    status: StatusCode,
    headers: &HeaderMap,
) -> Option<(RetryReason, Option<Duration>)> {
    (status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE)
        .then(|| (RetryReason::Throttled(status), retry_after(headers)))
}

/// The wait a `Retry-After` header asks for: delay seconds or an HTTP date (RFC 9110 10.2.3).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(
        date.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_is_capped_and_stops_at_attempts_and_budget() {
        let policy = RetryPolicy::standard()
            .max_attempts(5)
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(300))
            .budget(Duration::from_secs(1))
            .without_jitter();
        let ms = |d: Option<Duration>| d.map(|d| d.as_millis());
        assert_eq!(ms(policy.next_delay(1, Duration::ZERO, None)), Some(100));
        assert_eq!(ms(policy.next_delay(2, Duration::ZERO, None)), Some(200));
        assert_eq!(ms(policy.next_delay(3, Duration::ZERO, None)), Some(300));
        assert_eq!(policy.next_delay(5, Duration::ZERO, None), None);
        // The wait would end past the budget.
        assert_eq!(policy.next_delay(2, Duration::from_millis(900), None), None);
        // Retry-After is a floor, and counts against the budget.
        let after = Some(Duration::from_millis(700));
        assert_eq!(ms(policy.next_delay(1, Duration::ZERO, after)), Some(700));
        assert_eq!(
            policy.next_delay(1, Duration::from_millis(400), after),
            None
        );
        assert_eq!(
            RetryPolicy::disabled().next_delay(1, Duration::ZERO, None),
            None
        );
    }

    #[test]
    fn jitter_stays_between_half_and_all_of_the_backoff() {
        let policy = RetryPolicy::standard().initial_backoff(Duration::from_millis(100));
        let delays: Vec<_> = (0..200)
            .map(|_| policy.next_delay(1, Duration::ZERO, None).expect("allowed"))
            .collect();
        assert!(
            delays
                .iter()
                .all(|d| *d >= Duration::from_millis(50) && *d <= Duration::from_millis(100))
        );
        assert!(delays.iter().any(|d| *d != delays[0]), "no jitter");
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert("retry-after", "7".parse().expect("value"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        let later = SystemTime::now() + Duration::from_secs(120);
        headers.insert(
            "retry-after",
            httpdate::fmt_http_date(later).parse().expect("value"),
        );
        let wait = retry_after(&headers).expect("a date");
        assert!(wait > Duration::from_secs(100) && wait <= Duration::from_secs(120));
        headers.insert("retry-after", "soon".parse().expect("value"));
        assert_eq!(retry_after(&headers), None);
    }
}

//! Injectable time and nonces, so that signatures can be reproduced in tests.

use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use time::OffsetDateTime;

use super::{AuthError, AuthErrorKind};

/// The current time.
pub trait Clock: Send + Sync + 'static {
    /// Now.
    fn now(&self) -> OffsetDateTime;
}

/// The system clock (UTC).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that only moves when told to (tests).
pub struct ManualClock(Mutex<OffsetDateTime>);

impl ManualClock {
    /// A clock stopped at `time`.
    pub fn new(time: OffsetDateTime) -> Self {
        Self(Mutex::new(time))
    }

    /// A clock stopped at `unix_seconds`; the epoch when out of range.
    pub fn at_unix(unix_seconds: i64) -> Self {
        Self::new(
            OffsetDateTime::from_unix_timestamp(unix_seconds).unwrap_or(OffsetDateTime::UNIX_EPOCH),
        )
    }

    /// Moves the clock to `time`.
    pub fn set(&self, time: OffsetDateTime) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = time;
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: std::time::Duration) {
        let mut now = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *now = now.saturating_add(time::Duration::try_from(by).unwrap_or(time::Duration::MAX));
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl fmt::Debug for ManualClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ManualClock").field(&self.now()).finish()
    }
}

/// A value unique per request (signature nonces).
pub trait NonceSource: Send + Sync + 'static {
    /// A fresh nonce.
    fn nonce(&self) -> Result<String, AuthError>;
}

/// Random UUID v4 nonces from the operating system's generator.
#[derive(Debug, Clone, Copy, Default)]
pub struct UuidNonce;

impl NonceSource for UuidNonce {
    fn nonce(&self) -> Result<String, AuthError> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| {
            AuthError::new(
                AuthErrorKind::Randomness,
                format!("no random bytes for a nonce: {e}"),
            )
        })?;
        Ok(uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .hyphenated()
            .to_string())
    }
}

/// Predictable nonces for tests: the first is the prefix alone, then `prefix-1`, `prefix-2`, ...
#[derive(Debug, Default)]
pub struct SequenceNonce {
    prefix: String,
    counter: AtomicU64,
}

impl SequenceNonce {
    /// A sequence starting with `prefix` itself.
    pub fn new(prefix: impl Into<String>) -> Self {
        Self {
            prefix: prefix.into(),
            counter: AtomicU64::new(0),
        }
    }
}

impl NonceSource for SequenceNonce {
    fn nonce(&self) -> Result<String, AuthError> {
        Ok(match self.counter.fetch_add(1, Ordering::Relaxed) {
            0 => self.prefix.clone(),
            n => format!("{}-{n}", self.prefix),
        })
    }
}

/// Unix seconds of `clock`, refusing times before 1970.
pub(crate) fn unix_seconds(clock: &dyn Clock) -> Result<u64, AuthError> {
    u64::try_from(clock.now().unix_timestamp())
        .map_err(|_| AuthError::new(AuthErrorKind::Clock, "the clock is before 1970"))
}

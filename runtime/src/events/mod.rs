//! Event delivery: the three mechanisms through which vendors report what happened after a
//! command, each implemented once and configured by data.
//!
//! | mechanism | module | who moves |
//! |---|---|---|
//! | Bayeux (CometD long polling) | [`bayeux`] | the client long-polls `/meta/connect` |
//! | polling an endpoint | [`poll`] | the client calls an endpoint again and again |
//! | inbound HTTP callbacks | [`push`] | the vendor POSTs to the application |
//!
//! [`bayeux::open`] and [`poll::open`] return an [`EventStream`]: a
//! [`Stream`](futures_core::Stream) of [`RawEvent`]s fed by a background tokio task that
//! lives as long as the stream. Frames are not decoded here; generated code turns a
//! [`RawEvent::frame`] into its typed event. [`push`] is sans-IO: it checks an
//! `http::Request<Bytes>` the application's web framework received.
//!
//! ```no_run
//! use std::sync::Arc;
//!
//! use switchboard_runtime::auth::NoAuth;
//! use switchboard_runtime::client::ClientCore;
//! use switchboard_runtime::events::bayeux::{self, BayeuxConfig};
//! use switchboard_runtime::events::EventError;
//! use switchboard_runtime::transport::ReqwestTransport;
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let core = ClientCore::new("https://gws.example.com/api/v2", Arc::new(ReqwestTransport::new()?), Arc::new(NoAuth));
//! let mut events = bayeux::open(&core, BayeuxConfig::new("/notifications", ["/v2/me/calls"]));
//! // Skip everything until the call's participants change; report every error item.
//! let updated = events
//!     .next_matching(|e| e.frame["data"]["notificationType"] == "ParticipantsUpdated")
//!     .await;
//! match updated {
//!     Some(Ok(event)) => println!("{:?}", event.channel),
//!     Some(Err(EventError::Lagged(n))) => eprintln!("{n} events dropped"),
//!     Some(Err(other)) => eprintln!("{other}"),
//!     None => eprintln!("the stream ended"),
//! }
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::time::Duration;

pub mod bayeux;
mod memory;
pub mod poll;
pub mod push;
mod stream;
mod typed;

pub use memory::MemoryBayeux;
pub use stream::EventStream;
pub use typed::{Callback, Callbacks, DecodeError, EventType, Events, StreamError};

/// One event frame as the vendor delivered it (a Bayeux message, one event of a poll answer,
/// a callback body), not yet decoded.
///
/// `Debug` shows the channel and the frame's shape, never its content: frames carry customer
/// data (phone numbers, chat text) that has no place in logs.
#[derive(Clone)]
#[non_exhaustive]
pub struct RawEvent {
    /// The channel it arrived on (Bayeux); `None` for polled and pushed events.
    pub channel: Option<String>,
    /// The frame: the whole Bayeux message (`channel`, `data`, ...), one polled event, or a
    /// callback body.
    pub frame: serde_json::Value,
}

impl RawEvent {
    /// An event from its parts.
    pub fn new(channel: Option<String>, frame: serde_json::Value) -> Self {
        Self { channel, frame }
    }
}

impl fmt::Debug for RawEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawEvent")
            .field("channel", &self.channel)
            .field("frame", &format_args!("<{}>", shape(&self.frame)))
            .finish()
    }
}

/// What a JSON value is, without its content.
pub(crate) fn shape(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => "null".into(),
        Value::Bool(_) => "boolean".into(),
        Value::Number(_) => "number".into(),
        Value::String(_) => "string".into(),
        Value::Array(items) => format!("array of {}", items.len()),
        Value::Object(map) => format!("object with {} fields", map.len()),
    }
}

/// Why an [`EventStream`] yielded an error item.
///
/// Non-fatal items are followed by more events; the stream ends (`None`) only when it is
/// closed for good (after a fatal item such as a server's `reconnect: none`).
#[derive(Debug)]
#[non_exhaustive]
pub enum EventError {
    /// The consumer fell behind; this many events were dropped (the oldest ones).
    Lagged(u64),
    /// The session was re-established: a Bayeux re-handshake after the server forgot the
    /// client (a restart, or a network failure longer than its session timeout). Events
    /// published in between may have been missed. A failure the server's session survives is
    /// only reported as [`Send`](Self::Send): nothing was lost.
    Reconnected {
        /// Why the session was re-established (the server's error text, or what failed).
        reason: String,
    },
    /// A request of the delivery channel failed (transport or auth); the stream backs off and
    /// retries.
    Send(crate::auth::SendError),
    /// The poll endpoint answered an error (its typed error, boxed), or the server rejected a
    /// Bayeux message (a [`bayeux::MessageRejected`]); the stream backs off and retries unless
    /// the rejection is fatal.
    Rejected(Box<dyn std::error::Error + Send + Sync>),
    /// A frame that is not what the protocol says (not JSON, wrong shape).
    Protocol(String),
}

impl fmt::Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Wrappers name their layer and leave the cause to `source()`.
        match self {
            Self::Lagged(n) => write!(f, "the event consumer fell behind; {n} events were dropped"),
            Self::Reconnected { reason } => write!(
                f,
                "the event session was re-established ({reason}); events in between may be lost"
            ),
            Self::Send(_) => f.write_str("an event delivery request failed"),
            Self::Rejected(_) => f.write_str("the event source answered an error"),
            Self::Protocol(what) => write!(f, "malformed event delivery: {what}"),
        }
    }
}

impl std::error::Error for EventError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Send(error) => Some(error),
            Self::Rejected(error) => Some(&**error),
            _ => None,
        }
    }
}

/// Knobs common to every mechanism.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct StreamOptions {
    /// How many items may wait for the consumer; beyond that the oldest events are dropped
    /// and the consumer gets [`EventError::Lagged`]. Default 1024; 0 counts as 1.
    pub buffer: usize,
    /// Pauses after failed requests.
    pub backoff: Backoff,
}

impl Default for StreamOptions {
    fn default() -> Self {
        Self {
            buffer: 1024,
            backoff: Backoff::default(),
        }
    }
}

impl StreamOptions {
    /// Sets [`buffer`](Self::buffer).
    pub fn buffer(mut self, buffer: usize) -> Self {
        self.buffer = buffer;
        self
    }

    /// Sets [`backoff`](Self::backoff).
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }
}

/// Exponential backoff with jitter: after the n-th failure in a row the stream waits a random
/// time between half and all of `initial × 2ⁿ⁻¹`, capped at `max`; a success starts over.
/// The jitter keeps many clients that lost the same server from coming back in lockstep.
#[derive(Clone, Debug)]
pub struct Backoff {
    /// Pause after the first failure. Default 500 ms.
    pub initial: Duration,
    /// Longest pause. Default 30 s.
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            initial: Duration::from_millis(500),
            max: Duration::from_secs(30),
        }
    }
}

impl Backoff {
    /// A backoff from its bounds.
    pub fn new(initial: Duration, max: Duration) -> Self {
        Self { initial, max }
    }

    /// The pause after `failures` failures in a row (1 = the first).
    pub fn delay(&self, failures: u32) -> Duration {
        let doubling = failures.saturating_sub(1).min(31);
        let ceiling = self
            .initial
            .saturating_mul(1u32 << doubling)
            .min(self.max.max(self.initial));
        let half = ceiling / 2;
        let spread = (ceiling - half).as_nanos() as u64;
        let jitter = if spread == 0 {
            0
        } else {
            random_u64() % (spread + 1)
        };
        half + Duration::from_nanos(jitter)
    }
}

fn random_u64() -> u64 {
    let mut bytes = [0u8; 8];
    // A failing OS generator only costs the jitter, never the retry.
    let _ = getrandom::fill(&mut bytes);
    u64::from_le_bytes(bytes)
}

/// Failures in a row and the pause they call for.
#[derive(Debug)]
pub(crate) struct Retry {
    backoff: Backoff,
    failures: u32,
}

impl Retry {
    pub(crate) fn new(backoff: Backoff) -> Self {
        Self {
            backoff,
            failures: 0,
        }
    }

    pub(crate) fn succeeded(&mut self) {
        self.failures = 0;
    }

    /// Counts a failure and sleeps the backoff it calls for.
    pub(crate) async fn failed(&mut self) {
        self.failures = self.failures.saturating_add(1);
        tokio::time::sleep(self.backoff.delay(self.failures)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_caps() {
        let backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(1));
        for _ in 0..100 {
            let first = backoff.delay(1);
            assert!((Duration::from_millis(50)..=Duration::from_millis(100)).contains(&first));
            let third = backoff.delay(3);
            assert!((Duration::from_millis(200)..=Duration::from_millis(400)).contains(&third));
            let late = backoff.delay(40);
            assert!((Duration::from_millis(500)..=Duration::from_secs(1)).contains(&late));
        }
        let spread: std::collections::BTreeSet<_> = (0..20).map(|_| backoff.delay(5)).collect();
        assert!(spread.len() > 1, "no jitter: {spread:?}");
    }

    #[test]
    fn raw_event_debug_hides_the_frame() {
        let event = RawEvent::new(
            Some("/v2/me/calls".into()),
            serde_json::json!({"data": {"phoneNumber": "+15550001"}}),
        );
        let text = format!("{event:?}");
        assert!(text.contains("/v2/me/calls") && text.contains("object with 1 fields"));
        assert!(!text.contains("5550001"), "{text}");
    }

    #[test]
    fn error_chain_prints_each_fact_once() {
        let cause = crate::transport::TransportError::new(
            crate::transport::TransportErrorKind::Connect,
            "refused",
        );
        let error = EventError::Send(crate::auth::SendError::Transport(cause));
        let outer = error.to_string();
        let inner = std::error::Error::source(&error)
            .expect("cause")
            .to_string();
        assert!(!outer.contains("refused") && inner.contains("refused"));
    }
}

//! Typed event streams: a raw [`EventStream`] whose frames a generated crate decodes into its
//! own `events::Event` catalogue.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use super::{EventError, EventStream, RawEvent};

/// An event catalogue a generated crate decodes frames into.
pub trait EventType: Sized + Send + 'static {
    /// Decodes one frame. An event the catalogue does not know is kept raw (its `Unknown`
    /// variant), so an error here means a known event whose content does not fit its type.
    fn from_frame(frame: &RawEvent) -> Result<Self, DecodeError>;

    /// The vendor's name of the event (what `names` filters compare with).
    fn name(&self) -> &str;
}

/// A frame that names a documented event but whose content does not fit it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    message: String,
}

impl DecodeError {
    /// A new error; `message` must not contain secrets.
    pub fn new(message: impl Into<String>) -> Self {
        DecodeError {
            message: message.into(),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot decode the event: {}", self.message)
    }
}

impl std::error::Error for DecodeError {}

/// Why a typed stream yielded an error: the delivery's own error, or a frame that does not
/// decode. Both are non-fatal; the stream goes on.
#[derive(Debug)]
#[non_exhaustive]
pub enum StreamError {
    /// The delivery channel reported a problem (lag, reconnection, failed request, ...).
    Delivery(EventError),
    /// A frame that does not fit its documented type; the raw frame is kept.
    Decode {
        /// What did not fit.
        error: DecodeError,
        /// The frame as received.
        frame: RawEvent,
    },
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamError::Delivery(_) => f.write_str("event delivery failed"),
            StreamError::Decode { .. } => f.write_str("an event frame did not decode"),
        }
    }
}

impl std::error::Error for StreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StreamError::Delivery(e) => Some(e),
            StreamError::Decode { error, .. } => Some(error),
        }
    }
}

impl StreamError {
    /// How many events were skipped, when the consumer fell behind.
    pub fn lagged(&self) -> Option<u64> {
        match self {
            StreamError::Delivery(EventError::Lagged(n)) => Some(*n),
            _ => None,
        }
    }
}

/// A stream of typed events: `Stream<Item = Result<E, StreamError>>`, closed by dropping it.
pub struct Events<E> {
    raw: EventStream,
    _event: std::marker::PhantomData<fn() -> E>,
}

impl<E> fmt::Debug for Events<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Events").finish_non_exhaustive()
    }
}

impl<E: EventType> Events<E> {
    /// Typed events over a raw stream.
    pub fn new(raw: EventStream) -> Self {
        Events {
            raw,
            _event: std::marker::PhantomData,
        }
    }

    /// The raw stream underneath (frames as received).
    pub fn into_raw(self) -> EventStream {
        self.raw
    }

    /// The next event or error; `None` once the stream is closed for good.
    pub async fn next(&mut self) -> Option<Result<E, StreamError>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// The next event named in `names`, skipping other events (errors are returned, not
    /// skipped). With an endpoint's `EVENTS` list: "call it, then await what it triggers".
    pub async fn next_of(&mut self, names: &[&str]) -> Option<Result<E, StreamError>> {
        loop {
            match self.next().await? {
                Ok(event) if !names.contains(&event.name()) => continue,
                other => return Some(other),
            }
        }
    }
}

impl<E: EventType> Stream for Events<E> {
    type Item = Result<E, StreamError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match Pin::new(&mut self.raw).poll_next(cx) {
            Poll::Ready(Some(Ok(frame))) => Poll::Ready(Some(
                E::from_frame(&frame).map_err(|error| StreamError::Decode { error, frame }),
            )),
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(StreamError::Delivery(e)))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// A decoder of a push API's callbacks into its typed events: the framework-agnostic half of
/// an application's callback handler (`http::Request<Bytes>` in, a typed event or a rejection
/// with its HTTP status out, plus the acknowledgement the vendor expects).
pub struct Callbacks<E> {
    config: super::push::PushConfig,
    _event: std::marker::PhantomData<fn() -> E>,
}

impl<E> fmt::Debug for Callbacks<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Callbacks")
            .field("config", &self.config)
            .finish()
    }
}

impl<E> Clone for Callbacks<E> {
    fn clone(&self) -> Self {
        Callbacks {
            config: self.config.clone(),
            _event: std::marker::PhantomData,
        }
    }
}

/// One accepted callback: its typed event and the query parameters the vendor added.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Callback<E> {
    /// The event.
    pub event: E,
    /// The query pairs, in order.
    pub query: Vec<(String, String)>,
}

impl<E: EventType> Callbacks<E> {
    /// A decoder with these checks and acknowledgement.
    pub fn new(config: super::push::PushConfig) -> Self {
        Callbacks {
            config,
            _event: std::marker::PhantomData,
        }
    }

    /// The checks and acknowledgement in force.
    pub fn config(&self) -> &super::push::PushConfig {
        &self.config
    }

    /// Checks and decodes one callback. A rejection carries the status to answer: the
    /// request's own faults (method, query, size, not JSON) as
    /// [`PushConfig::decode`](super::push::PushConfig::decode) says, and 400 for a documented
    /// event whose content does not fit its type. Never panics, whatever the bytes.
    pub fn decode(
        &self,
        request: &http::Request<bytes::Bytes>,
    ) -> Result<Callback<E>, super::push::Rejection> {
        let pushed = self.config.decode(request)?;
        let event = E::from_frame(&pushed.event).map_err(|e| {
            super::push::Rejection::new(http::StatusCode::BAD_REQUEST, e.to_string())
        })?;
        Ok(Callback {
            event,
            query: pushed.query,
        })
    }

    /// The answer to an accepted callback.
    pub fn acknowledgement(&self) -> http::Response<bytes::Bytes> {
        self.config.acknowledgement()
    }
}

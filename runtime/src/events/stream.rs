//! The bounded queue between a delivery task and its consumer, and the stream over it.
//!
//! Not `tokio::sync::broadcast`: its items must be `Clone`, and an [`EventError`] owns its
//! cause (a transport error, a typed endpoint error) that cannot be cloned. The queue below
//! keeps broadcast's contract for one consumer: the producer never waits (so the delivery
//! session stays alive however slow the consumer is), the oldest events are dropped when it is
//! full, and the consumer learns how many with [`EventError::Lagged`] before the rest.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use futures_core::Stream;

use super::{EventError, RawEvent};

type Item = Result<RawEvent, EventError>;

struct State {
    items: VecDeque<Item>,
    /// Events dropped since the consumer last heard of it.
    lagged: u64,
    /// No more items will come (the task ended).
    closed: bool,
    waker: Option<Waker>,
}

/// The producer's end, held by the delivery task.
pub(crate) struct Sender {
    shared: Arc<Shared>,
}

struct Shared {
    capacity: usize,
    state: Mutex<State>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Sender {
    /// Queues an item without waiting. When the queue is full the oldest event goes; errors
    /// are kept while there is an event to drop instead (each says something the consumer
    /// must hear), so only a queue made of nothing but errors drops one.
    pub(crate) fn send(&self, item: Item) {
        let mut state = self.shared.lock();
        if state.items.len() >= self.shared.capacity {
            let oldest = state.items.iter().position(Result::is_ok).unwrap_or(0);
            state.items.remove(oldest);
            state.lagged += 1;
        }
        state.items.push_back(item);
        if let Some(waker) = state.waker.take() {
            waker.wake();
        }
    }

    pub(crate) fn event(&self, event: RawEvent) {
        self.send(Ok(event));
    }

    pub(crate) fn error(&self, error: EventError) {
        self.send(Err(error));
    }
}

impl Drop for Sender {
    // Runs when the task returns, panics or is aborted, so the consumer always sees the end.
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.closed = true;
        if let Some(waker) = state.waker.take() {
            waker.wake();
        }
    }
}

/// A running event source: a [`Stream`] of raw events and error items.
///
/// Background work runs in a tokio task; dropping the stream aborts it (the request in flight
/// is cancelled). At most `buffer` items wait; a slower consumer gets
/// [`EventError::Lagged`] and then the newest events, so the delivery session stays alive.
/// Error items that are not fatal are followed by more events; the stream ends only when the
/// source is closed for good.
pub struct EventStream {
    shared: Arc<Shared>,
    task: tokio::task::AbortHandle,
}

impl EventStream {
    /// Starts `run` on the current tokio runtime with a queue of `buffer` items.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime, like `tokio::spawn`.
    pub(crate) fn spawn<F, Fut>(buffer: usize, run: F) -> Self
    where
        F: FnOnce(Sender) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let shared = Arc::new(Shared {
            capacity: buffer.max(1),
            state: Mutex::new(State {
                items: VecDeque::new(),
                lagged: 0,
                closed: false,
                waker: None,
            }),
        });
        let sender = Sender {
            shared: Arc::clone(&shared),
        };
        let task = tokio::spawn(run(sender)).abort_handle();
        Self { shared, task }
    }

    /// Waits for the next event whose frame satisfies `pred`, skipping the others; error items
    /// are returned as they come. `None` when the stream has ended.
    pub async fn next_matching(
        &mut self,
        mut pred: impl FnMut(&RawEvent) -> bool,
    ) -> Option<Result<RawEvent, EventError>> {
        loop {
            let item = std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await?;
            match item {
                Ok(event) if !pred(&event) => continue,
                other => return Some(other),
            }
        }
    }

    /// Whether the background task has ended (the stream yields what is queued, then `None`).
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }
}

impl Stream for EventStream {
    type Item = Result<RawEvent, EventError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut state = self.shared.lock();
        if state.lagged > 0 {
            let lagged = std::mem::take(&mut state.lagged);
            return Poll::Ready(Some(Err(EventError::Lagged(lagged))));
        }
        if let Some(item) = state.items.pop_front() {
            return Poll::Ready(Some(item));
        }
        if state.closed {
            return Poll::Ready(None);
        }
        state.waker = Some(cx.waker().clone());
        Poll::Pending
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.shared.lock().items.len(), None)
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl fmt::Debug for EventStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.shared.lock();
        f.debug_struct("EventStream")
            .field("queued", &state.items.len())
            .field("capacity", &self.shared.capacity)
            .field("lagged", &state.lagged)
            .field("closed", &state.closed)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::EventError;

    fn event(n: u64) -> RawEvent {
        RawEvent::new(None, serde_json::json!(n))
    }

    fn next(stream: &mut EventStream) -> Option<Item> {
        let waker = Waker::noop();
        match Pin::new(stream).poll_next(&mut Context::from_waker(waker)) {
            Poll::Ready(item) => item,
            Poll::Pending => panic!("nothing queued"),
        }
    }

    #[tokio::test]
    async fn full_queue_drops_oldest_events_and_reports_the_count() {
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let mut stream = EventStream::spawn(3, |sender| async move {
            for n in 0..5 {
                sender.event(event(n));
            }
            sender.error(EventError::Protocol("kept".into()));
            sender.event(event(5));
            let _ = rx.await;
        });
        while stream.size_hint().0 < 3 {
            tokio::task::yield_now().await;
        }
        tokio::task::yield_now().await;
        assert!(matches!(
            next(&mut stream),
            Some(Err(EventError::Lagged(4)))
        ));
        let kept = next(&mut stream).expect("item").expect("event");
        assert_eq!(kept.frame, serde_json::json!(4));
        assert!(matches!(
            next(&mut stream),
            Some(Err(EventError::Protocol(_)))
        ));
        let last = next(&mut stream).expect("item").expect("event");
        assert_eq!(last.frame, serde_json::json!(5));
        drop(tx);
        let mut stream = stream;
        while !stream.is_finished() {
            tokio::task::yield_now().await;
        }
        assert!(next(&mut stream).is_none());
    }
}

//! An in-memory Bayeux server: a [`Transport`] that answers handshake, subscribe, connect and
//! disconnect messages and delivers what the test publishes. For examples and unit tests of
//! code that consumes an event stream without a network; the Bayeux client itself is tested
//! against a real CometD server.

use std::collections::VecDeque;
use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use serde_json::{Value, json};

use crate::transport::{Transport, TransportError, TransportErrorKind, TransportFuture};

/// A Bayeux server in memory. By default every `/meta/connect` answers at once with the
/// messages published on a subscribed channel since the last one (long polling without the
/// wait); [`MemoryBayeux::holding`] makes it hold an empty connect like a real server.
#[derive(Default)]
pub struct MemoryBayeux {
    state: Mutex<State>,
    /// Wakes held connects when something is published.
    published: tokio::sync::Notify,
    /// How long an empty connect is held when the client advises no timeout; `None`: not held.
    hold: Option<Duration>,
}

#[derive(Default)]
struct State {
    next_client: u64,
    subscribed: Vec<String>,
    pending: VecDeque<Value>,
}

impl fmt::Debug for MemoryBayeux {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryBayeux").finish_non_exhaustive()
    }
}

impl MemoryBayeux {
    /// A server with nothing published.
    pub fn new() -> Self {
        Self::default()
    }

    /// A server that holds a `/meta/connect` with nothing to deliver until something is
    /// published on a subscribed channel or the connect's `advice.timeout` (else `hold`, which
    /// it also advertises in its handshake advice) runs out, as a CometD server does.
    pub fn holding(hold: Duration) -> Self {
        MemoryBayeux {
            hold: Some(hold),
            ..Self::default()
        }
    }

    /// Publishes `data` on `channel`; delivered by the next connect of a client subscribed to it
    /// (messages published before the subscription wait for it).
    pub fn publish(&self, channel: &str, data: Value) {
        self.publish_message(json!({ "channel": channel, "data": data }));
    }

    /// Publishes a whole message as documented (it must have a `channel`).
    pub fn publish_message(&self, message: Value) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.pending.push_back(message);
        drop(state);
        self.published.notify_waiters();
    }

    /// Takes the pending messages on subscribed channels, in order.
    fn drain(&self) -> Vec<Value> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let State {
            subscribed,
            pending,
            ..
        } = &mut *state;
        let mut out = Vec::new();
        let mut kept = VecDeque::new();
        while let Some(m) = pending.pop_front() {
            let on = m["channel"].as_str().unwrap_or_default();
            if subscribed.iter().any(|s| s == on) {
                out.push(m);
            } else {
                kept.push_back(m);
            }
        }
        *pending = kept;
        out
    }

    /// Waits until something is published or `hold` passes, then takes what is deliverable.
    async fn held(&self, hold: Duration) -> Vec<Value> {
        let deadline = tokio::time::Instant::now() + hold;
        loop {
            // Registered before looking, so a publish in between still wakes this wait.
            let published = self.published.notified();
            let messages = self.drain();
            if !messages.is_empty() {
                return messages;
            }
            if tokio::time::timeout_at(deadline, published).await.is_err() {
                return self.drain();
            }
        }
    }

    /// The replies to a batch, and the connect's advised hold when the batch has a connect
    /// (its messages are delivered by the caller, after the hold when there are none yet).
    fn answer(
        &self,
        body: &[u8],
    ) -> Result<(Vec<Value>, Option<Option<Duration>>), TransportError> {
        let messages: Value = serde_json::from_slice(body).map_err(|e| {
            TransportError::new(
                TransportErrorKind::Other,
                format!("not a Bayeux request: {e}"),
            )
        })?;
        let messages = match messages {
            Value::Array(items) => items,
            one => vec![one],
        };
        let timeout = self
            .hold
            .map_or(0, |h| u64::try_from(h.as_millis()).unwrap_or(u64::MAX));
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = Vec::new();
        let mut connect = false;
        let mut advised = None;
        for message in messages {
            let channel = message["channel"].as_str().unwrap_or_default().to_owned();
            let id = message.get("id").cloned().unwrap_or(Value::Null);
            match channel.as_str() {
                "/meta/handshake" => {
                    state.next_client += 1;
                    out.push(json!({
                        "channel": channel, "id": id, "successful": true, "version": "1.0",
                        "clientId": format!("memory-{}", state.next_client),
                        "supportedConnectionTypes": ["long-polling"],
                        "advice": { "reconnect": "retry", "interval": 0, "timeout": timeout },
                    }));
                }
                "/meta/subscribe" => {
                    let subscription = message["subscription"].clone();
                    let names: Vec<String> = match &subscription {
                        Value::Array(items) => items
                            .iter()
                            .filter_map(|s| s.as_str().map(str::to_owned))
                            .collect(),
                        Value::String(s) => vec![s.clone()],
                        _ => Vec::new(),
                    };
                    state.subscribed.extend(names);
                    out.push(json!({
                        "channel": channel, "id": id, "successful": true,
                        "subscription": subscription,
                    }));
                }
                "/meta/connect" => {
                    out.push(json!({ "channel": channel, "id": id, "successful": true }));
                    connect = true;
                    // The client's own advice first, as CometD servers honour it.
                    advised = message["advice"]["timeout"]
                        .as_u64()
                        .map(Duration::from_millis);
                }
                _ => out.push(json!({ "channel": channel, "id": id, "successful": true })),
            }
        }
        Ok((out, connect.then_some(advised)))
    }
}

impl Transport for MemoryBayeux {
    fn send(&self, request: http::Request<Bytes>) -> TransportFuture<'_> {
        let answer = self.answer(request.body());
        Box::pin(async move {
            let (mut body, connect) = answer?;
            if let Some(advised) = connect {
                let mut delivered = self.drain();
                if delivered.is_empty() {
                    match self.hold {
                        Some(hold) => delivered = self.held(advised.unwrap_or(hold)).await,
                        None => {
                            // Not holding: still wait a little, so an idle client does not spin.
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                    }
                }
                body.extend(delivered);
            }
            http::Response::builder()
                .status(200)
                .header(http::header::CONTENT_TYPE, "application/json")
                .body(Bytes::from(Value::Array(body).to_string()))
                .map_err(|e| TransportError::new(TransportErrorKind::Other, e.to_string()))
        })
    }
}

//! An in-memory Bayeux server: a [`Transport`] that answers handshake, subscribe, connect and
//! disconnect messages and delivers what the test publishes. For examples and unit tests of
//! code that consumes an event stream without a network; the Bayeux client itself is tested
//! against a real CometD server.

use std::collections::VecDeque;
use std::fmt;
use std::sync::Mutex;

use bytes::Bytes;
use serde_json::{Value, json};

use crate::transport::{Transport, TransportError, TransportErrorKind, TransportFuture};

/// A Bayeux server in memory. Every `/meta/connect` answers at once with the messages published
/// on a subscribed channel since the last one (long polling without the wait).
#[derive(Default)]
pub struct MemoryBayeux {
    state: Mutex<State>,
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

    /// Publishes `data` on `channel`; delivered by the next connect of a client subscribed to it
    /// (messages published before the subscription wait for it).
    pub fn publish(&self, channel: &str, data: Value) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state
            .pending
            .push_back(json!({ "channel": channel, "data": data }));
    }

    /// Publishes a whole message as documented (it must have a `channel`).
    pub fn publish_message(&self, message: Value) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.pending.push_back(message);
    }

    /// The answer, and whether it is an empty connect (which a real server would hold open).
    fn answer(&self, body: &[u8]) -> Result<(Value, bool), TransportError> {
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
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = Vec::new();
        let mut idle = false;
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
                        "advice": { "reconnect": "retry", "interval": 0, "timeout": 0 },
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
                    let before = out.len();
                    let State {
                        subscribed,
                        pending,
                        ..
                    } = &mut *state;
                    let mut kept = VecDeque::new();
                    while let Some(m) = pending.pop_front() {
                        let on = m["channel"].as_str().unwrap_or_default();
                        if subscribed.iter().any(|s| s == on) {
                            out.push(m);
                        } else {
                            kept.push_back(m);
                        }
                    }
                    idle = out.len() == before;
                    *pending = kept;
                }
                _ => out.push(json!({ "channel": channel, "id": id, "successful": true })),
            }
        }
        Ok((Value::Array(out), idle))
    }
}

impl Transport for MemoryBayeux {
    fn send(&self, request: http::Request<Bytes>) -> TransportFuture<'_> {
        let answer = self.answer(request.body());
        Box::pin(async move {
            let (body, idle) = answer?;
            if idle {
                // A long poll with nothing to deliver: wait a little, as a server would.
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            http::Response::builder()
                .status(200)
                .header(http::header::CONTENT_TYPE, "application/json")
                .body(Bytes::from(body.to_string()))
                .map_err(|e| TransportError::new(TransportErrorKind::Other, e.to_string()))
        })
    }
}

//! Triggered events on the service's delivery channel: published to a Bayeux server the
//! simulator serves, queued for the polled endpoint's next answer, or POSTed to the callback
//! URL a test gives.

use std::collections::{BTreeMap, VecDeque};

use bytes::Bytes;
use serde_json::Value;

use super::data::{DeliveryData, ServiceData};
use crate::events::MemoryBayeux;
use crate::transport::Transport as _;

/// Where events wait for their channel.
#[derive(Default)]
pub(crate) struct Hub {
    /// The Bayeux side (answers handshake, subscribe, connect); shared so a connect can wait
    /// without holding the simulator's lock.
    pub(crate) bayeux: std::sync::Arc<MemoryBayeux>,
    /// Frames for the polled endpoint's next answers.
    pub(crate) pending: VecDeque<Value>,
    /// Where callbacks go.
    pub(crate) callback_url: Option<String>,
    /// Application settings callbacks carry (`sdk_app_id` → value).
    pub(crate) settings: BTreeMap<String, String>,
}

/// A callback to send once the lock is released.
pub(crate) struct Callback {
    method: http::Method,
    url: String,
    body: Vec<u8>,
}

impl Hub {
    /// Puts frames on the channel; returns the callbacks to send.
    pub(crate) fn emit(&mut self, data: &ServiceData, frames: Vec<Value>) -> Vec<Callback> {
        let mut callbacks = Vec::new();
        for frame in frames {
            match &data.delivery {
                Some(DeliveryData::Bayeux { .. }) => self.bayeux.publish_message(frame),
                Some(DeliveryData::Poll { .. }) => self.pending.push_back(frame),
                Some(DeliveryData::Push { method, query }) => {
                    let Some(base) = &self.callback_url else {
                        continue;
                    };
                    let pairs = query.iter().filter_map(|q| {
                        let value = q.value.clone().or_else(|| {
                            q.equals_setting
                                .as_ref()
                                .and_then(|s| self.settings.get(s).cloned())
                        })?;
                        Some((q.name.clone(), value))
                    });
                    let separator = if base.contains('?') { '&' } else { '?' };
                    callbacks.push(Callback {
                        method: http::Method::from_bytes(method.as_bytes())
                            .unwrap_or(http::Method::POST),
                        url: format!("{base}{separator}{}", crate::query::to_string(pairs)),
                        body: frame.to_string().into_bytes(),
                    });
                }
                None => {}
            }
        }
        callbacks
    }
}

impl Callback {
    /// Sends it; a callback the application does not take is not retried (the simulator's
    /// assumption: no vendor page here documents a retry policy the tests rely on).
    pub(crate) async fn send(self) {
        let Ok(transport) = crate::transport::ReqwestTransport::new() else {
            return;
        };
        let request = http::Request::builder()
            .method(self.method)
            .uri(self.url)
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(Bytes::from(self.body));
        if let Ok(request) = request {
            let _ = transport.send(request).await;
        }
    }
}

/// The polled endpoint's answer: the next pending frame in the documented answer, or the
/// documented answer without an event (a frame that is the whole body) when none waits.
pub(crate) fn poll_answer(data: &ServiceData, hub: &mut Hub, endpoint: &str, body: &mut Value) {
    let Some(DeliveryData::Poll {
        endpoint: polled,
        events_at,
        frame_is_body,
    }) = &data.delivery
    else {
        return;
    };
    if polled != endpoint {
        return;
    }
    match (hub.pending.pop_front(), events_at) {
        (Some(frame), _) if *frame_is_body => *body = frame,
        (Some(frame), Some(at)) => super::reply::set_path(body, at, frame),
        (None, Some(at)) if *frame_is_body => {
            if let Value::Object(map) = body {
                map.remove(at.as_str());
            }
        }
        _ => {}
    }
}

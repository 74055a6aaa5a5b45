//! A Bayeux 1.0 client (CometD, transport `long-polling`) over the client's transport and
//! auth scheme.
//!
//! Every Bayeux request is a JSON array POSTed to one endpoint through
//! [`ClientCore::send`], so the service's auth (Basic credentials, a cookie session, a CSRF
//! token) applies to the handshake, the subscriptions and every `/meta/connect` alike.
//!
//! The loop: handshake, subscribe to every channel, then `/meta/connect` again and again; each
//! connect answer carries the events published since the last one, delivered in order. The
//! server's `advice` is honoured: `interval` is waited before the next connect,
//! `reconnect: handshake` (or an unknown-client error, after a server restart) starts a new
//! session — handshake and subscriptions again, reported as [`EventError::Reconnected`] —
//! and `reconnect: none` ends the stream with an error item. Failed requests back off and retry.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use serde_json::{Value, json};

use super::stream::Sender;
use super::{EventError, EventStream, RawEvent, Retry, StreamOptions};
use crate::client::ClientCore;

/// Where the Bayeux endpoint is and what to subscribe to.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct BayeuxConfig {
    /// Path of the CometD endpoint, appended to the client's base URL (e.g. `/notifications`).
    pub path: String,
    /// Channels to subscribe to, e.g. `["/v2/me/calls", "/v2/me/devices"]`.
    pub channels: Vec<String>,
    /// How long the server should hold each `/meta/connect` (sent as the connect's
    /// `advice.timeout`). `None` (the default): as the server advises. Set it below the
    /// transport's request timeout when the server's own hold is not (a CometD server's usual
    /// 30 s meets the reqwest transport's default 30 s), or every connect ends in a timeout.
    pub hold: Option<Duration>,
    /// Buffer and backoff.
    pub options: StreamOptions,
}

impl BayeuxConfig {
    /// A configuration with default [`StreamOptions`].
    pub fn new<I, S>(path: impl Into<String>, channels: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            path: path.into(),
            channels: channels.into_iter().map(Into::into).collect(),
            hold: None,
            options: StreamOptions::default(),
        }
    }

    /// Sets [`hold`](Self::hold).
    pub fn hold(mut self, hold: Duration) -> Self {
        self.hold = Some(hold);
        self
    }

    /// Sets [`options`](Self::options).
    pub fn options(mut self, options: StreamOptions) -> Self {
        self.options = options;
        self
    }
}

/// Opens a Bayeux session and streams the messages published on `config.channels`; each
/// becomes a [`RawEvent`] whose `channel` is the message's channel and whose `frame` is the
/// whole message (`channel`, `data`, and whatever else the server sent). `/meta/*` messages
/// are never yielded.
///
/// # Panics
///
/// Outside a tokio runtime.
pub fn open(core: &ClientCore, config: BayeuxConfig) -> EventStream {
    let core = core.clone();
    EventStream::spawn(config.options.buffer, move |sender| async move {
        Session::new(core, config, sender).run().await;
    })
}

/// A Bayeux message the server answered with `successful: false`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct MessageRejected {
    /// The meta channel of the rejected message (`/meta/handshake`, `/meta/connect`, ...).
    pub channel: String,
    /// The server's `error` text (`"401::Unknown client"`), when it gave one.
    pub error: Option<String>,
    /// The `subscription` of a rejected subscribe.
    pub subscription: Option<String>,
    /// The server's `advice.reconnect`, when it gave one.
    pub reconnect: Option<String>,
}

impl fmt::Display for MessageRejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the Bayeux server rejected {}", self.channel)?;
        if let Some(subscription) = &self.subscription {
            write!(f, " of {subscription}")?;
        }
        if let Some(error) = &self.error {
            write!(f, ": {error}")?;
        }
        if let Some(reconnect) = &self.reconnect {
            write!(f, " (advice: reconnect {reconnect})")?;
        }
        Ok(())
    }
}

impl std::error::Error for MessageRejected {}

/// A Bayeux endpoint answered with an HTTP error status.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StatusRejected {
    /// The meta channel of the request.
    pub channel: String,
    /// The HTTP status.
    pub status: http::StatusCode,
}

impl fmt::Display for StatusRejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the Bayeux endpoint answered {} to {}",
            self.status, self.channel
        )
    }
}

impl std::error::Error for StatusRejected {}

/// What the server last advised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reconnect {
    Retry,
    Handshake,
    None,
}

/// How one step ended.
enum Step {
    /// Go on with the next step.
    Continue,
    /// Start a new session; the reason is reported once it is up.
    Rehandshake(String),
    /// Back off, then repeat the step.
    Retry,
    /// The server said never to come back.
    Stop,
}

struct Session {
    core: ClientCore,
    url: String,
    channels: Vec<String>,
    sender: Sender,
    retry: Retry,
    next_id: u64,
    client_id: Option<String>,
    interval: Duration,
    hold: Option<Duration>,
}

impl Session {
    fn new(core: ClientCore, config: BayeuxConfig, sender: Sender) -> Self {
        let url = format!(
            "{}/{}",
            core.base_url().trim_end_matches('/'),
            config.path.trim_start_matches('/')
        );
        Self {
            core,
            url,
            channels: config.channels,
            sender,
            retry: Retry::new(config.options.backoff),
            next_id: 0,
            client_id: None,
            interval: Duration::ZERO,
            hold: config.hold,
        }
    }

    async fn run(mut self) {
        // Why the last session ended; reported once the next one is subscribed.
        let mut lost: Option<String> = None;
        loop {
            match self.start_session().await {
                Step::Continue => {}
                Step::Stop => return,
                Step::Retry | Step::Rehandshake(_) => {
                    self.retry.failed().await;
                    continue;
                }
            }
            if let Some(reason) = lost.take() {
                self.sender.error(EventError::Reconnected { reason });
            }
            loop {
                if !self.interval.is_zero() {
                    tokio::time::sleep(self.interval).await;
                }
                match self.connect().await {
                    Step::Continue => self.retry.succeeded(),
                    Step::Retry => self.retry.failed().await,
                    Step::Rehandshake(reason) => {
                        lost = Some(reason);
                        break;
                    }
                    Step::Stop => return,
                }
            }
        }
    }

    /// Handshake, then subscribe to every channel.
    async fn start_session(&mut self) -> Step {
        match self.handshake().await {
            Step::Continue => self.subscribe().await,
            other => other,
        }
    }

    fn id(&mut self) -> String {
        self.next_id += 1;
        self.next_id.to_string()
    }

    async fn handshake(&mut self) -> Step {
        let message = json!([{
            "channel": "/meta/handshake",
            "version": "1.0",
            "minimumVersion": "1.0",
            "supportedConnectionTypes": ["long-polling"],
            "id": self.id(),
        }]);
        self.client_id = None;
        let replies = match self.post("/meta/handshake", &message).await {
            Ok(replies) => replies,
            Err(step) => return step,
        };
        let client_id = replies
            .iter()
            .find(|m| channel_of(m) == Some("/meta/handshake"))
            .and_then(|m| m.get("clientId"))
            .and_then(Value::as_str);
        match client_id {
            Some(id) if !id.is_empty() => {
                self.client_id = Some(id.to_owned());
                Step::Continue
            }
            _ => {
                let what = "the handshake answer has no clientId".to_owned();
                self.sender.error(EventError::Protocol(what));
                Step::Retry
            }
        }
    }

    async fn subscribe(&mut self) -> Step {
        let client_id = self.client_id.clone().unwrap_or_default();
        let mut messages = Vec::with_capacity(self.channels.len());
        for i in 0..self.channels.len() {
            messages.push(json!({
                "channel": "/meta/subscribe",
                "clientId": client_id,
                "subscription": self.channels[i],
                "id": self.id(),
            }));
        }
        if messages.is_empty() {
            return Step::Continue;
        }
        match self.post("/meta/subscribe", &Value::Array(messages)).await {
            Ok(_) => Step::Continue,
            Err(step) => step,
        }
    }

    async fn connect(&mut self) -> Step {
        let mut message = json!({
            "channel": "/meta/connect",
            "clientId": self.client_id.clone().unwrap_or_default(),
            "connectionType": "long-polling",
            "id": self.id(),
        });
        if let Some(hold) = self.hold {
            let millis = u64::try_from(hold.as_millis()).unwrap_or(u64::MAX);
            message["advice"] = json!({ "timeout": millis });
        }
        match self.post("/meta/connect", &json!([message])).await {
            Ok(_) => Step::Continue,
            Err(step) => step,
        }
    }

    /// Sends one batch; yields the events it carries, in order; applies advice. `Err` holds
    /// what to do when the server (or the network) refused the batch.
    async fn post(&mut self, channel: &str, messages: &Value) -> Result<Vec<Value>, Step> {
        let request = match self.request(messages) {
            Ok(request) => request,
            Err(error) => {
                // The URL or body is built from configuration; retrying cannot fix it.
                let what = format!("cannot build the {channel} request: {error}");
                self.sender.error(EventError::Protocol(what));
                return Err(Step::Stop);
            }
        };
        let response = match self.core.send(request).await {
            Ok(response) => response,
            Err(error) => {
                self.sender.error(EventError::Send(error));
                return Err(Step::Retry);
            }
        };
        if !response.status().is_success() {
            let rejected = StatusRejected {
                channel: channel.to_owned(),
                status: response.status(),
            };
            self.sender.error(EventError::Rejected(Box::new(rejected)));
            return Err(Step::Retry);
        }
        let replies = match parse_batch(response.body()) {
            Ok(replies) => replies,
            Err(error) => {
                self.sender.error(error);
                return Err(Step::Retry);
            }
        };
        let mut outcome = Ok(());
        for message in &replies {
            match channel_of(message) {
                Some(meta) if meta.starts_with("/meta/") => {
                    if let Err(step) = self.meta_reply(meta, message) {
                        // The first refusal decides; later events are still delivered.
                        if outcome.is_ok() {
                            outcome = Err(step);
                        }
                    }
                }
                Some(channel) => {
                    let event = RawEvent::new(Some(channel.to_owned()), message.clone());
                    self.sender.event(event);
                }
                None => {}
            }
        }
        outcome.map(|()| replies)
    }

    fn request(&self, messages: &Value) -> Result<http::Request<Bytes>, http::Error> {
        let body = serde_json::to_vec(messages).expect("a JSON value always serializes");
        http::Request::post(&self.url)
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(Bytes::from(body))
    }

    /// Applies a meta reply's advice and decides what its failure calls for.
    fn meta_reply(&mut self, channel: &str, message: &Value) -> Result<(), Step> {
        let advice = message.get("advice");
        let reconnect = advice
            .and_then(|a| a.get("reconnect"))
            .and_then(Value::as_str);
        if let Some(interval) = advice
            .and_then(|a| a.get("interval"))
            .and_then(Value::as_u64)
        {
            // A server asking for more than a minute between polls is misconfigured; cap it
            // so a typo cannot park the stream for days.
            self.interval = Duration::from_millis(interval.min(60_000));
        }
        let advised = match reconnect {
            Some("handshake") => Some(Reconnect::Handshake),
            Some("none") => Some(Reconnect::None),
            Some("retry") => Some(Reconnect::Retry),
            _ => None,
        };
        if advised == Some(Reconnect::None) {
            self.sender.error(rejection(channel, message));
            return Err(Step::Stop);
        }
        if message.get("successful").and_then(Value::as_bool) != Some(false) {
            return Ok(());
        }
        let error = message.get("error").and_then(Value::as_str).unwrap_or("");
        // 401/402 "unknown client": the server lost the session (a restart, an expiry).
        let unknown_client = error.starts_with("401:") || error.starts_with("402:");
        if channel == "/meta/connect" && (advised == Some(Reconnect::Handshake) || unknown_client) {
            let reason = if error.is_empty() {
                "the server advised a new handshake".to_owned()
            } else {
                format!("the server answered {error}")
            };
            return Err(Step::Rehandshake(reason));
        }
        self.sender.error(rejection(channel, message));
        Err(Step::Retry)
    }
}

fn channel_of(message: &Value) -> Option<&str> {
    message.get("channel").and_then(Value::as_str)
}

fn rejection(channel: &str, message: &Value) -> EventError {
    let text = |key: &str| message.get(key).and_then(Value::as_str).map(str::to_owned);
    EventError::Rejected(Box::new(MessageRejected {
        channel: channel.to_owned(),
        error: text("error"),
        subscription: text("subscription"),
        reconnect: message
            .get("advice")
            .and_then(|a| a.get("reconnect"))
            .and_then(Value::as_str)
            .map(str::to_owned),
    }))
}

/// A Bayeux answer: a JSON array of message objects (a lone object is taken as an array of
/// one, as some servers answer a single message that way).
fn parse_batch(body: &[u8]) -> Result<Vec<Value>, EventError> {
    let value = crate::error::decode_json(body)
        .map_err(|e| EventError::Protocol(format!("the Bayeux answer is not JSON: {e}")))?;
    let messages = match value {
        Value::Array(messages) => messages,
        object @ Value::Object(_) => vec![object],
        other => {
            return Err(EventError::Protocol(format!(
                "a Bayeux answer is an array of messages, not {}",
                super::shape(&other)
            )));
        }
    };
    if let Some(bad) = messages.iter().find(|m| !m.is_object()) {
        return Err(EventError::Protocol(format!(
            "a Bayeux message is an object, not {}",
            super::shape(bad)
        )));
    }
    Ok(messages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches() {
        assert_eq!(parse_batch(br#"[{"channel":"/a"}]"#).unwrap().len(), 1);
        assert_eq!(parse_batch(br#"{"channel":"/a"}"#).unwrap().len(), 1);
        assert!(matches!(parse_batch(b"[1]"), Err(EventError::Protocol(_))));
        assert!(matches!(
            parse_batch(b"\"x\""),
            Err(EventError::Protocol(_))
        ));
        assert!(matches!(parse_batch(b"[{"), Err(EventError::Protocol(_))));
    }

    #[test]
    fn rejection_reads_as_one_sentence() {
        let message = json!({"channel": "/meta/subscribe", "successful": false,
            "subscription": "/v2/me/calls", "error": "403::Forbidden",
            "advice": {"reconnect": "none"}});
        let text = rejection("/meta/subscribe", &message).to_string();
        assert_eq!(text, "the event source answered an error");
        let EventError::Rejected(cause) = rejection("/meta/subscribe", &message) else {
            unreachable!()
        };
        assert_eq!(
            cause.to_string(),
            "the Bayeux server rejected /meta/subscribe of /v2/me/calls: 403::Forbidden (advice: reconnect none)"
        );
    }
}

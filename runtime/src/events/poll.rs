//! Events fetched by calling an endpoint again and again (an event-poll endpoint that holds
//! the request until something happens, or a status endpoint).
//!
//! Each call goes through [`ClientCore::send`], so the auth protocol runs on every poll: a
//! session value the server rotates on a poll answer is captured and sent on the next one.
//! Each answer is checked with the endpoint's own `parse_response`; an error answer becomes
//! [`EventError::Rejected`] carrying the endpoint's typed error, and the loop backs off and
//! polls again.

use std::time::Duration;

use bytes::Bytes;
use serde_json::Value;

use super::stream::Sender;
use super::{EventError, EventStream, RawEvent, Retry, StreamOptions};
use crate::client::{ClientCore, Operation};

/// Where the events sit in the endpoint's answer and how often to poll.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct PollConfig {
    /// Dotted path of the event, or of an array of events, in the answer's JSON body; `None`:
    /// the whole body is one event frame. An absent or null value at the path means "no event
    /// this time".
    pub events_at: Option<String>,
    /// With [`events_at`](Self::events_at) set: yield the whole body as the frame (one event
    /// per answer, the path only telling whether there is one) instead of the value(s) at the
    /// path.
    pub frame_is_body: bool,
    /// Pause after each answer before the next poll.
    pub interval: Duration,
    /// Buffer and backoff.
    pub options: StreamOptions,
}

impl PollConfig {
    /// Events at `events_at` (`None`: the whole body), polled every `interval`, default
    /// [`StreamOptions`].
    pub fn new(events_at: Option<&str>, interval: Duration) -> Self {
        Self {
            events_at: events_at.map(str::to_owned),
            frame_is_body: false,
            interval,
            options: StreamOptions::default(),
        }
    }

    /// Sets [`frame_is_body`](Self::frame_is_body).
    pub fn frame_is_body(mut self, frame_is_body: bool) -> Self {
        self.frame_is_body = frame_is_body;
        self
    }

    /// Sets [`options`](Self::options).
    pub fn options(mut self, options: StreamOptions) -> Self {
        self.options = options;
        self
    }
}

/// Polls `request` until the stream is dropped, yielding the events of every answer in order.
///
/// A request that cannot be built ends the stream with an [`EventError::Rejected`] item (the
/// endpoint's build error): polling again would fail the same way.
///
/// # Panics
///
/// Outside a tokio runtime.
pub fn open<O>(core: &ClientCore, request: O, config: PollConfig) -> EventStream
where
    O: Operation + Clone + Send + Sync + 'static,
    O::Error: std::error::Error + Send + Sync + 'static,
{
    let core = core.clone();
    EventStream::spawn(config.options.buffer, move |sender| {
        run(core, request, config, sender)
    })
}

async fn run<O>(core: ClientCore, request: O, config: PollConfig, sender: Sender)
where
    O: Operation + Send + Sync + 'static,
    O::Error: std::error::Error + Send + Sync + 'static,
{
    let mut retry = Retry::new(config.options.backoff.clone());
    loop {
        let http = match request.to_http(core.base_url()) {
            Ok(http) => http,
            Err(error) => {
                sender.error(EventError::Rejected(Box::new(O::build_error(error))));
                return;
            }
        };
        let response = match core.send(http).await {
            Ok(response) => response,
            Err(error) => {
                sender.error(EventError::Send(error));
                retry.failed().await;
                continue;
            }
        };
        match answer::<O>(response, &config) {
            Ok(events) => {
                retry.succeeded();
                for event in events {
                    sender.event(event);
                }
            }
            Err(error) => {
                sender.error(error);
                retry.failed().await;
                continue;
            }
        }
        tokio::time::sleep(config.interval).await;
    }
}

/// Checks one answer with the endpoint's decoder, then takes its events. Synchronous, so the
/// endpoint's output (which need not be `Send`) never lives across an await.
fn answer<O>(
    response: http::Response<Bytes>,
    config: &PollConfig,
) -> Result<Vec<RawEvent>, EventError>
where
    O: Operation,
    O::Error: std::error::Error + Send + Sync + 'static,
{
    let body = response.body().clone();
    if let Err(error) = O::parse_response(response) {
        return Err(EventError::Rejected(Box::new(error)));
    }
    extract(&body, config)
}

/// The event frames of a successful answer's body, as configured.
pub(crate) fn extract(body: &[u8], config: &PollConfig) -> Result<Vec<RawEvent>, EventError> {
    if body.trim_ascii().is_empty() {
        return Ok(Vec::new());
    }
    let value = crate::error::decode_json(body)
        .map_err(|e| EventError::Protocol(format!("the poll answer is not JSON: {e}")))?;
    let Some(path) = &config.events_at else {
        return Ok(match value {
            Value::Null => Vec::new(),
            body => vec![RawEvent::new(None, body)],
        });
    };
    let at = match crate::error::json_path(&value, path) {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(at) => at,
    };
    if config.frame_is_body {
        return Ok(vec![RawEvent::new(None, value.clone())]);
    }
    Ok(match at {
        Value::Array(events) => events
            .iter()
            .filter(|e| !e.is_null())
            .map(|e| RawEvent::new(None, e.clone()))
            .collect(),
        event => vec![RawEvent::new(None, event.clone())],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(body: &str, events_at: Option<&str>, whole: bool) -> Vec<Value> {
        let config = PollConfig::new(events_at, Duration::ZERO).frame_is_body(whole);
        extract(body.as_bytes(), &config)
            .expect("extracts")
            .into_iter()
            .map(|e| e.frame)
            .collect()
    }

    #[test]
    fn frames_at_a_path_as_the_whole_body_or_as_an_array() {
        let body = r#"{"retcode":"0","event":{"eventType":"AgentConf_SelfLeaveResult"}}"#;
        assert_eq!(
            frames(body, Some("event"), false),
            [serde_json::json!({"eventType": "AgentConf_SelfLeaveResult"})]
        );
        assert_eq!(frames(body, Some("event"), true).len(), 1);
        assert_eq!(frames(body, Some("event"), true)[0]["retcode"], "0");
        assert_eq!(
            frames(r#"{"Data":[1,null,2]}"#, Some("Data"), false).len(),
            2
        );
        assert_eq!(frames(r#"{"x":1}"#, None, false).len(), 1);
    }

    #[test]
    fn absent_null_and_empty_mean_no_event() {
        assert!(frames(r#"{"retcode":"0"}"#, Some("event"), true).is_empty());
        assert!(frames(r#"{"event":null}"#, Some("event"), false).is_empty());
        assert!(frames("null", None, false).is_empty());
        assert!(frames("  ", Some("event"), false).is_empty());
        assert!(frames(r#"{"Data":[]}"#, Some("Data"), false).is_empty());
    }

    #[test]
    fn non_json_is_a_protocol_error() {
        let config = PollConfig::new(Some("event"), Duration::ZERO);
        assert!(matches!(
            extract(b"<html>", &config),
            Err(EventError::Protocol(_))
        ));
    }
}

//! The poll loop against a scripted axum server on 127.0.0.1, through the reqwest transport.

mod support;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt as _;
use serde_json::{Value, json};
use support::scripted::{Answer, Scripted};
use switchboard_runtime::Secret;
use switchboard_runtime::auth::{Auth, NoAuth, SendError, SessionHeaderAuth, SessionHeaderConfig};
use switchboard_runtime::bytes::Bytes;
use switchboard_runtime::client::{ClientCore, Operation};
use switchboard_runtime::error::BuildError;
use switchboard_runtime::events::poll::{self, PollConfig};
use switchboard_runtime::events::{Backoff, EventError, EventStream, RawEvent, StreamOptions};
use switchboard_runtime::http;
use switchboard_runtime::transport::{ReqwestTransport, Transport};

/// An event-poll endpoint as a generated client has it: `retcode` "0" is success.
#[derive(Clone, Debug)]
struct PollEvents;

#[derive(Debug)]
enum PollError {
    Code(String),
    Build(BuildError),
    Send(SendError),
}

impl fmt::Display for PollError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Code(code) => write!(f, "the event poll answered retcode {code}"),
            Self::Build(_) => f.write_str("the event poll request is invalid"),
            Self::Send(_) => f.write_str("the event poll request failed"),
        }
    }
}

impl std::error::Error for PollError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Code(_) => None,
            Self::Build(error) => Some(error),
            Self::Send(error) => Some(error),
        }
    }
}

impl Operation for PollEvents {
    type Output = Value;
    type Error = PollError;
    fn to_http(&self, base_url: &str) -> Result<http::Request<Bytes>, BuildError> {
        http::Request::get(format!("{base_url}/agentevent/1001"))
            .header("Guid", "")
            .body(Bytes::new())
            .map_err(|e| BuildError::new("url", e.to_string()))
    }
    fn parse_response(response: http::Response<Bytes>) -> Result<Value, PollError> {
        let body: Value = serde_json::from_slice(response.body()).unwrap_or(Value::Null);
        match body["retcode"].as_str() {
            Some("0") if response.status().is_success() => Ok(body),
            code => Err(PollError::Code(code.unwrap_or("none").to_owned())),
        }
    }
    fn build_error(error: BuildError) -> PollError {
        PollError::Build(error)
    }
    fn send_error(error: SendError) -> PollError {
        PollError::Send(error)
    }
}

const NOTHING: &str = r#"{"retcode":"0"}"#;

fn config(events_at: Option<&str>, whole_body: bool) -> PollConfig {
    PollConfig::new(events_at, Duration::from_millis(5))
        .frame_is_body(whole_body)
        .options(StreamOptions::default().buffer(64).backoff(Backoff::new(
            Duration::from_millis(20),
            Duration::from_millis(200),
        )))
}

fn core(base_url: &str, auth: Arc<dyn Auth>) -> ClientCore {
    let transport: Arc<dyn Transport> = Arc::new(ReqwestTransport::new().expect("transport"));
    ClientCore::new(base_url, transport, auth)
}

async fn next(stream: &mut EventStream) -> Result<RawEvent, EventError> {
    tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .expect("an item within 10 s")
        .expect("the stream is still open")
}

async fn frames(stream: &mut EventStream, count: usize) -> Vec<Value> {
    let mut frames = Vec::new();
    while frames.len() < count {
        match next(stream).await {
            Ok(event) => {
                assert_eq!(event.channel, None);
                frames.push(event.frame);
            }
            Err(error) => panic!("unexpected error item: {error:?}"),
        }
    }
    frames
}

#[tokio::test]
async fn one_event_per_answer_yielded_as_the_whole_body_absent_and_null_skipped() {
    let server = Scripted::start(
        vec![
            Answer::json(
                200,
                r#"{"retcode":"0","event":{"eventType":"AgentConf_SelfLeaveResult"}}"#,
            ),
            Answer::json(200, NOTHING),
            Answer::json(200, r#"{"retcode":"0","event":null}"#),
            Answer::json(
                200,
                r#"{"retcode":"0","event":{"eventType":"AgentState_Ready"}}"#,
            ),
        ],
        Answer::json(200, NOTHING),
    )
    .await;
    let mut stream = poll::open(
        &core(server.base_url(), Arc::new(NoAuth)),
        PollEvents,
        config(Some("event"), true),
    );
    let frames = frames(&mut stream, 2).await;
    assert_eq!(frames[0]["retcode"], "0");
    assert_eq!(frames[0]["event"]["eventType"], "AgentConf_SelfLeaveResult");
    assert_eq!(frames[1]["event"]["eventType"], "AgentState_Ready");
    assert_eq!(server.received()[0].uri.path(), "/agentevent/1001");
}

#[tokio::test]
async fn an_array_at_the_path_yields_each_event_and_no_path_yields_the_body() {
    let server = Scripted::start(
        vec![
            Answer::json(200, r#"{"retcode":"0","Data":[{"n":1},{"n":2}]}"#),
            Answer::json(200, r#"{"retcode":"0","Data":[]}"#),
            Answer::json(200, r#"{"retcode":"0","Data":{"n":3}}"#),
        ],
        Answer::json(200, NOTHING),
    )
    .await;
    let core = core(server.base_url(), Arc::new(NoAuth));
    let mut stream = poll::open(&core, PollEvents, config(Some("Data"), false));
    assert_eq!(
        frames(&mut stream, 3).await,
        [json!({"n":1}), json!({"n":2}), json!({"n":3})]
    );
    drop(stream);

    let mut whole = poll::open(&core, PollEvents, config(None, false));
    assert_eq!(frames(&mut whole, 1).await, [json!({"retcode": "0"})]);
}

#[tokio::test]
async fn an_error_answer_is_rejected_with_the_typed_error_and_polling_goes_on() {
    let server = Scripted::start(
        vec![
            Answer::json(200, r#"{"retcode":"100-006","message":"no rights"}"#),
            Answer::json(500, "<html>busy</html>"),
            Answer::json(
                200,
                r#"{"retcode":"0","event":{"eventType":"AgentState_Ready"}}"#,
            ),
        ],
        Answer::json(200, NOTHING),
    )
    .await;
    let core = core(server.base_url(), Arc::new(NoAuth));
    let mut stream = poll::open(&core, PollEvents, config(Some("event"), false));
    for code in ["100-006", "none"] {
        match next(&mut stream).await {
            Err(EventError::Rejected(cause)) => match cause.downcast_ref::<PollError>() {
                Some(PollError::Code(got)) => assert_eq!(got, code),
                other => panic!("expected the endpoint's error, got {other:?}"),
            },
            other => panic!("expected a rejection, got {other:?}"),
        }
    }
    let event = next(&mut stream).await.expect("the poll continued");
    assert_eq!(event.frame["eventType"], "AgentState_Ready");
}

#[tokio::test]
async fn a_session_value_rotated_on_a_poll_answer_is_used_by_the_next_poll() {
    let server = Scripted::start(
        vec![
            Answer::json(200, NOTHING).header("Set-GUID", "JSESSIONID=guid-2"),
            Answer::json(200, NOTHING),
            Answer::json(200, r#"{"retcode":"0","event":{"eventType":"E"}}"#)
                .header("Set-GUID", "JSESSIONID=guid-3"),
        ],
        Answer::json(200, NOTHING),
    )
    .await;
    let config_ = SessionHeaderConfig::new("Set-GUID", "Guid")
        .expect("config")
        .value_prefix("JSESSIONID=");
    let auth = SessionHeaderAuth::new(config_);
    auth.set_session(Secret::new("guid-1"));
    let mut stream = poll::open(
        &core(server.base_url(), Arc::new(auth)),
        PollEvents,
        config(Some("event"), false),
    );
    frames(&mut stream, 1).await;
    while server.received().len() < 4 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let guids: Vec<String> = server.received()[..4]
        .iter()
        .map(|r| r.headers["guid"].to_str().expect("ascii").to_owned())
        .collect();
    assert_eq!(guids, ["guid-1", "guid-2", "guid-2", "guid-3"]);
}

#[tokio::test]
async fn network_errors_are_reported_and_retried() {
    // A port that was just free: connections are refused.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let core = core(&format!("http://127.0.0.1:{port}"), Arc::new(NoAuth));
    let mut stream = poll::open(&core, PollEvents, config(Some("event"), false));
    for _ in 0..2 {
        match next(&mut stream).await {
            Err(EventError::Send(error)) => assert!(std::error::Error::source(&error).is_some()),
            other => panic!("expected a send error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn dropping_the_stream_stops_polling() {
    let server = Scripted::start(Vec::new(), Answer::json(200, NOTHING)).await;
    let stream = poll::open(
        &core(server.base_url(), Arc::new(NoAuth)),
        PollEvents,
        config(Some("event"), false),
    );
    while server.received().len() < 3 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    drop(stream);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let stopped = server.received().len();
    tokio::time::sleep(Duration::from_millis(200)).await;
    // Polling every 5 ms, a live stream would have made dozens of requests by now.
    assert_eq!(server.received().len(), stopped);
    assert_eq!(server.remaining(), 0);
}

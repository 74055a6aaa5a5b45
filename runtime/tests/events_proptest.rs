//! Hostile event frames: arbitrary bytes and arbitrary Bayeux-shaped JSON as a connect answer,
//! arbitrary poll bodies, arbitrary callbacks. Nothing panics (in the test or in a stream's
//! task), nothing `/meta/` is yielded as an event, and a stream nobody reads holds at most
//! its buffer.
//!
//! Streams run on a paused tokio clock, so backoff and advised intervals cost no real time.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Once};
use std::time::Duration;

use futures_util::{Stream as _, StreamExt as _};
use proptest::prelude::*;
use serde_json::{Value, json};
use switchboard_runtime::auth::{NoAuth, SendError};
use switchboard_runtime::bytes::Bytes;
use switchboard_runtime::client::{ClientCore, Operation};
use switchboard_runtime::error::BuildError;
use switchboard_runtime::events::poll::{self, PollConfig};
use switchboard_runtime::events::push::PushConfig;
use switchboard_runtime::events::{Backoff, EventStream, StreamOptions, bayeux};
use switchboard_runtime::http;
use switchboard_runtime::transport::{InMemoryTransport, TransportError, TransportErrorKind};

const BUFFER: usize = 8;

/// Panics anywhere in the process, stream tasks included (tokio would only log those).
static PANICS: AtomicUsize = AtomicUsize::new(0);

fn count_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            previous(info);
        }));
    });
}

fn options() -> StreamOptions {
    StreamOptions::default()
        .buffer(BUFFER)
        .backoff(Backoff::new(
            Duration::from_millis(10),
            Duration::from_millis(100),
        ))
}

/// Answers with `answers` in order, then fails every request (so the stream backs off forever).
fn transport(answers: Vec<Bytes>) -> Arc<InMemoryTransport> {
    let answers = std::sync::Mutex::new(std::collections::VecDeque::from(answers));
    Arc::new(InMemoryTransport::from_fn(move |_| {
        match answers.lock().expect("lock").pop_front() {
            Some(body) => Ok(http::Response::new(body)),
            None => Err(TransportError::new(
                TransportErrorKind::Connect,
                "script over",
            )),
        }
    }))
}

/// Lets the stream's task run for 10 virtual seconds unread, then drains what it queued.
fn run_unread(open: impl FnOnce() -> EventStream) -> Vec<switchboard_runtime::events::RawEvent> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("runtime");
    let before = PANICS.load(Ordering::SeqCst);
    let events = runtime.block_on(async {
        let mut stream = open();
        tokio::time::sleep(Duration::from_secs(10)).await;
        let queued = stream.size_hint().0;
        assert!(queued <= BUFFER, "{queued} items queued, buffer {BUFFER}");
        let mut events = Vec::new();
        for _ in 0..queued {
            match tokio::time::timeout(Duration::from_millis(1), stream.next()).await {
                Ok(Some(Ok(event))) => events.push(event),
                Ok(Some(Err(_))) => {}
                Ok(None) | Err(_) => break,
            }
        }
        events
    });
    assert_eq!(
        PANICS.load(Ordering::SeqCst),
        before,
        "a stream task panicked"
    );
    events
}

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    json_leaf().prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[a-z]{1,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A message that looks like Bayeux, with every field possibly wrong.
fn bayeux_message() -> impl Strategy<Value = Value> {
    let channel = prop_oneof![
        Just(json!("/meta/connect")),
        Just(json!("/meta/handshake")),
        Just(json!("/meta/subscribe")),
        Just(json!("/v2/me/calls")),
        json_leaf(),
    ];
    let reconnect = prop_oneof![
        Just(json!("retry")),
        Just(json!("handshake")),
        Just(json!("none")),
        json_leaf()
    ];
    let interval = prop_oneof![any::<u64>().prop_map(Value::from), json_leaf()];
    (
        channel,
        json_leaf(),
        reconnect,
        interval,
        json_value(),
        json_leaf(),
    )
        .prop_map(|(channel, successful, reconnect, interval, data, error)| {
            json!({"channel": channel, "successful": successful, "clientId": "c1",
                   "advice": {"reconnect": reconnect, "interval": interval},
                   "data": data, "error": error})
        })
}

fn connect_answer() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..256),
        prop::collection::vec(bayeux_message(), 0..6)
            .prop_map(|m| serde_json::to_vec(&m).expect("JSON")),
        bayeux_message().prop_map(|m| serde_json::to_vec(&m).expect("JSON")),
        json_value().prop_map(|v| serde_json::to_vec(&v).expect("JSON")),
    ]
}

const HANDSHAKE: &str = r#"[{"channel":"/meta/handshake","successful":true,"clientId":"c1"}]"#;
const SUBSCRIBED: &str = r#"[{"channel":"/meta/subscribe","successful":true}]"#;

/// Accepts any answer, so the poll loop's own extraction sees every body.
#[derive(Clone)]
struct AnyAnswer;

impl Operation for AnyAnswer {
    type Output = ();
    type Error = std::io::Error;
    fn to_http(&self, base_url: &str) -> Result<http::Request<Bytes>, BuildError> {
        Ok(http::Request::get(base_url)
            .body(Bytes::new())
            .expect("request"))
    }
    fn parse_response(_: http::Response<Bytes>) -> Result<(), std::io::Error> {
        Ok(())
    }
    fn build_error(error: BuildError) -> std::io::Error {
        std::io::Error::other(error)
    }
    fn send_error(error: SendError) -> std::io::Error {
        std::io::Error::other(error)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn any_connect_answer_is_survived(answers in prop::collection::vec(connect_answer(), 1..4)) {
        count_panics();
        let mut script = vec![Bytes::from(HANDSHAKE), Bytes::from(SUBSCRIBED)];
        script.extend(answers.into_iter().map(Bytes::from));
        let transport = transport(script);
        let events = run_unread(|| {
            let core = ClientCore::new("http://gws.invalid", transport, Arc::new(NoAuth));
            let config = bayeux::BayeuxConfig::new("/cometd", ["/v2/me/calls"]).options(options());
            bayeux::open(&core, config)
        });
        for event in events {
            let channel = event.channel.expect("Bayeux events have a channel");
            prop_assert!(!channel.starts_with("/meta/"), "{channel} yielded as an event");
            prop_assert_eq!(event.frame["channel"].as_str(), Some(channel.as_str()));
        }
    }

    #[test]
    fn any_poll_body_is_survived(
        bodies in prop::collection::vec(connect_answer(), 1..4),
        path in prop_oneof![Just(None), Just(Some("event")), Just(Some("Data.items")), Just(Some("a.0")), Just(Some(""))],
        whole in any::<bool>(),
    ) {
        count_panics();
        let transport = transport(bodies.into_iter().map(Bytes::from).collect());
        let events = run_unread(|| {
            let core = ClientCore::new("http://poll.invalid", transport, Arc::new(NoAuth));
            let config = PollConfig::new(path, Duration::from_millis(300))
                .frame_is_body(whole)
                .options(options());
            poll::open(&core, AnyAnswer, config)
        });
        for event in events {
            prop_assert!(event.channel.is_none());
            prop_assert!(!event.frame.is_null());
        }
    }

    #[test]
    fn any_callback_is_answered_without_panic(
        method in prop_oneof![Just(http::Method::POST), Just(http::Method::GET), Just(http::Method::PUT)],
        query in "[ -~]{0,40}",
        body in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..300),
            json_value().prop_map(|v| serde_json::to_vec(&v).expect("JSON")),
        ],
    ) {
        let config = PushConfig::new(http::Method::POST)
            .expect_query("SdkAppid", "1400000001")
            .require_query("CallbackCommand")
            .max_body(256);
        let Ok(uri) = format!("/cb?{query}").parse::<http::Uri>() else {
            return Ok(());
        };
        let request = http::Request::builder()
            .method(method)
            .uri(uri)
            .body(Bytes::from(body))
            .expect("request");
        match config.decode(&request) {
            Ok(event) => {
                prop_assert!(event.event.frame.is_object());
                prop_assert_eq!(event.query_value("SdkAppid"), Some("1400000001"));
                prop_assert_eq!(config.acknowledgement().status(), 200);
            }
            Err(rejection) => {
                let status = rejection.status().as_u16();
                prop_assert!([400, 403, 405, 413].contains(&status), "{}", status);
                let response = rejection.into_response();
                prop_assert_eq!(response.status().as_u16(), status);
            }
        }
    }
}

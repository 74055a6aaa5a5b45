//! The Bayeux client against a real CometD server (faye, on 127.0.0.1), through the reqwest
//! transport and the auth schemes.

mod support;

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use futures_util::StreamExt as _;
use serde_json::{Value, json};
use support::faye::Faye;
use switchboard_runtime::Secret;
use switchboard_runtime::auth::{Auth, BasicCsrfAuth, CsrfConfig, NoAuth};
use switchboard_runtime::client::ClientCore;
use switchboard_runtime::events::bayeux::{self, BayeuxConfig};
use switchboard_runtime::events::{Backoff, EventError, EventStream, RawEvent, StreamOptions};
use switchboard_runtime::transport::{InMemoryTransport, ReqwestTransport, Transport};

const CALLS: &str = "/v2/me/calls";
const DEVICES: &str = "/v2/me/devices";

fn options(buffer: usize) -> StreamOptions {
    StreamOptions::default()
        .buffer(buffer)
        .backoff(Backoff::new(
            Duration::from_millis(20),
            Duration::from_millis(400),
        ))
}

fn core(base_url: &str, auth: Arc<dyn Auth>) -> ClientCore {
    let transport: Arc<dyn Transport> = Arc::new(ReqwestTransport::new().expect("transport"));
    ClientCore::new(base_url, transport, auth)
}

fn open(faye: &Faye, buffer: usize) -> EventStream {
    let config = BayeuxConfig::new("/notifications", [CALLS, DEVICES]).options(options(buffer));
    bayeux::open(&core(&faye.base_url(), Arc::new(NoAuth)), config)
}

/// The next item, failing the test instead of hanging.
async fn next(stream: &mut EventStream) -> Result<RawEvent, EventError> {
    tokio::time::timeout(Duration::from_secs(20), stream.next())
        .await
        .expect("an item within 20 s")
        .expect("the stream is still open")
}

/// The next event, failing on any error item.
async fn next_event(stream: &mut EventStream) -> RawEvent {
    next(stream)
        .await
        .unwrap_or_else(|e| panic!("unexpected error item: {e:?}"))
}

/// The documented GWS ParticipantsUpdated notification, shortened.
fn participants_updated() -> Value {
    json!({
        "messageType": "CallStateChanged",
        "notificationType": "ParticipantsUpdated",
        "call": {"id": "019ec2e5-6b1c-4a5c-8a1f-1c1d3d7e0001", "state": "Established",
                 "participants": [{"number": "5001"}]}
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_messages_arrive_on_their_channel_and_only_subscribed_ones() {
    let Some(faye) = Faye::start(2) else { return };
    let mut stream = open(&faye, 64);
    faye.wait_subscribed(CALLS, 1).await;
    faye.wait_subscribed(DEVICES, 1).await;

    faye.publish("/v2/me/other", json!({"not": "subscribed"}))
        .await;
    faye.publish(CALLS, participants_updated()).await;
    faye.publish(DEVICES, json!({"messageType": "DeviceStateChangeMessage"}))
        .await;

    let event = next_event(&mut stream).await;
    assert_eq!(event.channel.as_deref(), Some(CALLS));
    assert_eq!(event.frame["channel"], CALLS);
    assert_eq!(event.frame["data"], participants_updated());
    let event = next_event(&mut stream).await;
    assert_eq!(event.channel.as_deref(), Some(DEVICES));
    assert_eq!(
        event.frame["data"]["messageType"],
        "DeviceStateChangeMessage"
    );
    assert_eq!(faye.stats().await["handshakes"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_server_gets_a_new_handshake_and_subscriptions_and_later_messages_arrive() {
    let Some(mut faye) = Faye::start(2) else {
        return;
    };
    let mut stream = open(&faye, 64);
    faye.wait_subscribed(CALLS, 1).await;
    faye.publish(CALLS, json!({"before": true})).await;
    assert_eq!(next_event(&mut stream).await.frame["data"]["before"], true);

    faye.restart();

    // Network errors while it is down, then exactly one Reconnected once it is back.
    let reason = loop {
        match next(&mut stream).await {
            Err(EventError::Reconnected { reason }) => break reason,
            Err(EventError::Send(_)) => continue,
            other => panic!("expected send errors then Reconnected, got {other:?}"),
        }
    };
    assert!(reason.contains("Unknown client"), "{reason}");
    faye.wait_subscribed(CALLS, 1).await;
    faye.wait_subscribed(DEVICES, 1).await;
    faye.publish(CALLS, json!({"after": true})).await;
    assert_eq!(next_event(&mut stream).await.frame["data"]["after"], true);
    assert_eq!(faye.stats().await["handshakes"], 1, "one new handshake");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_messages_arrive_all_in_order_none_twice() {
    let Some(faye) = Faye::start(2) else { return };
    let mut stream = open(&faye, 1024);
    faye.wait_subscribed(CALLS, 1).await;
    let publishing = faye.publish_many(CALLS, 0, 1000);
    let receiving = async {
        let mut seen = Vec::with_capacity(1000);
        while seen.len() < 1000 {
            let event = next_event(&mut stream).await;
            seen.push(event.frame["data"]["n"].as_u64().expect("numbered"));
        }
        seen
    };
    let ((), seen) = tokio::join!(publishing, receiving);
    assert_eq!(seen, (0..1000).collect::<Vec<u64>>());
    // Nothing more is queued: no duplicates after the thousandth.
    faye.publish(CALLS, json!({"n": "end"})).await;
    assert_eq!(next_event(&mut stream).await.frame["data"]["n"], "end");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_consumer_gets_lagged_and_nothing_is_lost_silently() {
    let Some(faye) = Faye::start(2) else { return };
    let mut stream = open(&faye, 16);
    faye.wait_subscribed(CALLS, 1).await;
    // Nobody reads while 500 messages arrive; then a sentinel, the newest, never dropped.
    faye.publish_many(CALLS, 0, 500).await;
    faye.publish(CALLS, json!({"n": "end"})).await;
    // Published is not yet received: give the stream's task time to take in what the server
    // holds (on a loaded machine the first reads could otherwise keep pace with arrivals).
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;

    let (mut delivered, mut lagged, mut last) = (0u64, 0u64, None::<u64>);
    loop {
        match next(&mut stream).await {
            Ok(event) if event.frame["data"]["n"] == "end" => break,
            Ok(event) => {
                let n = event.frame["data"]["n"].as_u64().expect("numbered");
                assert!(last < Some(n), "{n} after {last:?}");
                last = Some(n);
                delivered += 1;
            }
            Err(EventError::Lagged(n)) => lagged += n,
            Err(other) => panic!("unexpected error item: {other:?}"),
        }
    }
    assert!(
        lagged > 0,
        "a 16-item buffer must overflow with 500 messages"
    );
    assert_eq!(delivered + lagged, 500);
    assert_eq!(last, Some(499), "the newest events are the ones kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_stream_stops_its_requests() {
    let Some(faye) = Faye::start(1) else { return };
    let mut stream = open(&faye, 64);
    faye.wait_subscribed(CALLS, 1).await;

    // While the stream lives, every publication makes it connect again.
    let connects = |stats: Value| stats["connects"].as_u64().expect("count");
    let before = connects(faye.stats().await);
    for i in 0..3 {
        faye.publish(CALLS, json!({"i": i})).await;
        next_event(&mut stream).await;
    }
    // Each answer is followed by a new connect, which may still be on its way.
    let mut live = connects(faye.stats().await);
    for _ in 0..100 {
        if live >= before + 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
        live = connects(faye.stats().await);
    }
    assert!(live >= before + 3, "{live} connects, {before} before");

    drop(stream);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let dropped = connects(faye.stats().await);
    for i in 0..3 {
        faye.publish(CALLS, json!({"i": i})).await;
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    // 1.2 s is past the server's 1 s hold: a live client would have connected again.
    assert_eq!(connects(faye.stats().await), dropped);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn basic_cookie_and_csrf_go_on_every_bayeux_request() {
    let Some(faye) = Faye::start(2) else { return };
    let csrf = CsrfConfig::new(
        "X-CSRF-HEADER",
        "X-CSRF-TOKEN",
        "Missing or invalid Csrf token",
        "/api/v2/me",
    )
    .expect("csrf config");
    let auth = BasicCsrfAuth::new("agent", Secret::new("pw-S3CR3T-1")).with_csrf(csrf);
    let config = BayeuxConfig::new("/notifications", [CALLS]).options(options(64));
    let mut stream = bayeux::open(&core(&faye.base_url(), Arc::new(auth)), config);
    faye.wait_subscribed(CALLS, 1).await;
    faye.publish(CALLS, json!({"n": 1})).await;
    assert_eq!(next_event(&mut stream).await.frame["data"]["n"], 1);
    drop(stream);

    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("agent:pw-S3CR3T-1")
    );
    let recorded = faye.recorded().await;
    let channels: Vec<&str> = recorded
        .iter()
        .filter_map(|r| r["channel"].as_str())
        .collect();
    for meta in ["/meta/handshake", "/meta/subscribe", "/meta/connect"] {
        assert!(channels.contains(&meta), "{meta} not sent: {channels:?}");
    }
    for request in &recorded {
        assert_eq!(request["authorization"], basic.as_str(), "{request}");
        assert_eq!(request["cookie"], "GWSSESSION=cookie-S3CR3T-6", "{request}");
        assert_eq!(request["csrf"], "csrf-S3CR3T-7", "{request}");
        assert_eq!(request["contentType"], "application/json", "{request}");
    }
}

/// A server that answers the handshake with `reconnect: none` (faye never does): the stream
/// yields the rejection and ends.
#[tokio::test]
async fn reconnect_none_ends_the_stream_with_an_error() {
    let transport = Arc::new(InMemoryTransport::new());
    transport.push_body(
        200,
        r#"[{"channel":"/meta/handshake","successful":false,"error":"403::Forbidden","advice":{"reconnect":"none"}}]"#,
    );
    let core = ClientCore::new("http://gws.invalid", transport.clone(), Arc::new(NoAuth));
    let config = BayeuxConfig::new("/notifications", [CALLS]).options(options(8));
    let mut stream = bayeux::open(&core, config);
    match next(&mut stream).await {
        Err(EventError::Rejected(cause)) => {
            assert!(cause.to_string().contains("403::Forbidden"), "{cause}");
        }
        other => panic!("expected the rejection, got {other:?}"),
    }
    assert!(stream.next().await.is_none(), "the stream ends");
    let sent = transport.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].uri(), "http://gws.invalid/notifications");
    let body: Value = serde_json::from_slice(sent[0].body()).expect("JSON");
    assert_eq!(body[0]["channel"], "/meta/handshake");
    assert_eq!(body[0]["supportedConnectionTypes"], json!(["long-polling"]));
}

/// A refused subscription is reported and retried from a new handshake; message ids grow.
#[tokio::test]
async fn a_refused_subscription_is_reported_and_retried() {
    let transport = Arc::new(InMemoryTransport::new());
    let handshake = r#"[{"channel":"/meta/handshake","successful":true,"clientId":"c1","advice":{"reconnect":"retry","interval":0}}]"#;
    transport.push_body(200, handshake);
    transport.push_body(
        200,
        r#"[{"channel":"/meta/subscribe","successful":false,"subscription":"/v2/me/calls","error":"403:/v2/me/calls:Forbidden"}]"#,
    );
    transport.push_body(200, handshake);
    transport.push_body(
        200,
        r#"[{"channel":"/meta/subscribe","successful":true,"subscription":"/v2/me/calls"}]"#,
    );
    transport.push_body(
        200,
        r#"[{"channel":"/meta/connect","successful":true},{"channel":"/v2/me/calls","data":{"n":1}}]"#,
    );
    let core = ClientCore::new("http://gws.invalid/", transport.clone(), Arc::new(NoAuth));
    let config = BayeuxConfig::new("notifications", [CALLS])
        .hold(Duration::from_secs(25))
        .options(options(8));
    let mut stream = bayeux::open(&core, config);
    match next(&mut stream).await {
        Err(EventError::Rejected(cause)) => assert!(cause.to_string().contains("Forbidden")),
        other => panic!("expected the refused subscription, got {other:?}"),
    }
    assert_eq!(next_event(&mut stream).await.frame["data"]["n"], 1);
    let ids: Vec<u64> = transport
        .requests()
        .iter()
        .take(5)
        .map(|r| {
            let body: Value = serde_json::from_slice(r.body()).expect("JSON");
            body[0]["id"]
                .as_str()
                .and_then(|id| id.parse().ok())
                .expect("id")
        })
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    assert_eq!(
        transport.requests()[4].uri(),
        "http://gws.invalid/notifications"
    );
}

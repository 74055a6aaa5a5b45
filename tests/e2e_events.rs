//! Events end to end, over loopback, through the generated clients: each vendor's delivery
//! mechanism as its spec describes it, against a real HTTP server on 127.0.0.1.
//!
//! - Huawei (poll): sign in, then `Client::events` polls `agentevent` and yields every
//!   documented `AgentConf_*` frame typed; a GUID renewed on a poll answer is used from then
//!   on; "leave the conference, then await `AgentConf_SelfLeaveResult`".
//! - Alibaba (poll): `PollUserStatus` signed with ACS3 on every poll (the server re-computes
//!   each signature) yields the documented agent state, typed.
//! - Tencent (push): real HTTP POSTs to a callback handler on 127.0.0.1 built on
//!   `events::callbacks`: the documented sample decodes and is acknowledged as documented; a
//!   foreign app id, a wrong method, a wrong command, a truncated or non-JSON body are each
//!   rejected with their status, and nothing panics.
//!
//! The documented frames come from the specs (the pages' samples as written), never from the
//! generated crates. Genesys (Bayeux) runs against a real faye server in `e2e_bayeux.rs`.

mod support;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use support::vendors::{
    ALI_KEY_ID, ALI_SECRET, HW_BASE, HW_GUIDS, HW_PASSWORD, acs3_verify, ali_error,
};
use support::{Recorded, Reply, Server, bounded, lock, transport};
use switchboard_codegen::model::Service;
use switchboard_runtime::Secret;
use switchboard_runtime::events::StreamError;
use switchboard_runtime::transport::Transport;
use switchboard_tests::{spec_model as model, spec_service as service};

use switchboard_alibaba_ccc as alibaba;
use switchboard_huawei_agentgateway as huawei;
use switchboard_tencent_im_desk as tencent;

/// Every documented event frame of a service, by event name, in spec order.
fn documented_frames(service: &Service) -> Vec<(String, Value)> {
    let frames: Vec<(String, Value)> = service
        .events
        .iter()
        .filter_map(|e| e.sample.clone().map(|s| (e.name.wire.clone(), s)))
        .collect();
    assert!(
        !frames.is_empty(),
        "{} documents event samples",
        service.name
    );
    frames
}

/// Waits for the next item of a typed stream, failing after 20 s.
async fn next<E: switchboard_runtime::events::EventType>(
    events: &mut switchboard_runtime::events::Events<E>,
) -> Result<E, StreamError> {
    tokio::time::timeout(Duration::from_secs(20), events.next())
        .await
        .expect("an item within 20 s")
        .expect("the stream is open")
}

// =============================================================================================
// Huawei: polling `GET agentevent/{agentid}`, GUID in `Guid`, renewed by `Set-GUID`.
// =============================================================================================

/// The gateway: sign-in issues a GUID; polls answer queued frames (or a frame without an
/// event); a leave request queues the documented `AgentConf_SelfLeaveResult`.
struct Gateway {
    current: Option<&'static str>,
    issued: usize,
    rotate_on_next_poll: bool,
    queued: VecDeque<Value>,
    self_leave_result: Value,
}

impl Gateway {
    fn new(self_leave_result: Value) -> Self {
        Gateway {
            current: None,
            issued: 0,
            rotate_on_next_poll: false,
            queued: VecDeque::new(),
            self_leave_result,
        }
    }

    fn issue(&mut self) -> &'static str {
        let guid = HW_GUIDS[self.issued % HW_GUIDS.len()];
        self.issued += 1;
        self.current = Some(guid);
        guid
    }

    fn answer(&mut self, request: &Recorded) -> Reply {
        let path = request.path.as_str();
        let ok = || {
            Reply::json(
                200,
                &json!({"result": {}, "message": "success", "retcode": "0"}),
            )
        };
        if request.method == "PUT" && path == format!("{HW_BASE}/onlineagent/101") {
            if request.json()["password"] != HW_PASSWORD {
                return Reply::json(
                    200,
                    &json!({"message": "wrong password", "retcode": "100-004"}),
                );
            }
            let guid = self.issue();
            return ok().header("Set-GUID", &format!("JSESSIONID={guid}"));
        }
        if self.current.is_none() || request.header("guid") != self.current {
            return Reply::json(
                200,
                &json!({"message": "not signed in", "retcode": "100-006"}),
            );
        }
        match (request.method.as_str(), path) {
            ("GET", p) if p == format!("{HW_BASE}/agentevent/101") => {
                let frame = self
                    .queued
                    .pop_front()
                    .unwrap_or_else(|| json!({"message": "", "retcode": "0"}));
                let reply = Reply::json(200, &frame);
                if std::mem::take(&mut self.rotate_on_next_poll) {
                    let guid = self.issue();
                    return reply.header("Set-GUID", &format!("JSESSIONID={guid}"));
                }
                reply
            }
            ("POST", p) if p == format!("{HW_BASE}/agentconf/101/requestleaveagentconf") => {
                self.queued.push_back(self.self_leave_result.clone());
                ok()
            }
            _ => Reply::json(
                200,
                &json!({"message": "bad address", "retcode": "000-002"}),
            ),
        }
    }
}

async fn huawei_signed_in(gateway: &Arc<Mutex<Gateway>>) -> (Server, huawei::Client) {
    let state = Arc::clone(gateway);
    let server = Server::start(move |request| lock(&state).answer(request)).await;
    let auth = Arc::new(huawei::auth::session_header().expect("scheme builds"));
    let client = huawei::Client::builder()
        .base_url(format!("{}/agentgateway", server.base()))
        .transport(transport())
        .auth(auth)
        .build()
        .expect("the client builds");
    let sign_in = huawei::sign_in::Request::builder()
        .agent_id("101")
        .password(HW_PASSWORD)
        .phone_num("88880001")
        .build()
        .expect("valid");
    client.sign_in(sign_in).await.expect("signed in");
    (server, client)
}

fn huawei_poll() -> huawei::poll_events::Request {
    huawei::poll_events::Request::builder()
        .agent_id("101")
        .build()
        .expect("valid")
}

fn frame_named<'a>(frames: &'a [(String, Value)], name: &str) -> &'a Value {
    &frames
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("a documented {name} frame"))
        .1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huawei_poll_stream_yields_every_documented_event_typed() {
    bounded(async {
        let model = model();
        let frames = documented_frames(service(&model, "huawei_agentgateway"));
        let gateway = Arc::new(Mutex::new(Gateway::new(json!({}))));
        let (server, client) = huawei_signed_in(&gateway).await;
        lock(&gateway).queued = frames.iter().map(|(_, f)| f.clone()).collect();

        let mut events = client.events(huawei_poll());
        for (name, frame) in &frames {
            let event = next(&mut events).await.expect("a documented frame decodes");
            assert_eq!(event.name(), name, "frames arrive in order");
            assert!(
                !matches!(event, huawei::events::Event::Unknown { .. }),
                "{name} decodes to its own type"
            );
            // The typed event says what the frame says: the independent decoder agrees.
            let decoded = huawei::events::decode(frame.to_string().as_bytes()).expect("decodes");
            assert_eq!(decoded, event);
        }
        drop(events);
        let polls = server
            .requests()
            .iter()
            .filter(|r| r.path.ends_with("/agentevent/101"))
            .count();
        assert!(
            polls >= frames.len(),
            "one poll per frame at least: {polls}"
        );
        // Every poll carried the GUID of the sign-in.
        assert!(
            server
                .requests()
                .iter()
                .filter(|r| r.path.ends_with("/agentevent/101"))
                .all(|r| r.header("guid") == Some(HW_GUIDS[0]))
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huawei_leave_then_await_self_leave_result_across_a_guid_renewal() {
    bounded(async {
        let model = model();
        let frames = documented_frames(service(&model, "huawei_agentgateway"));
        let documented = frame_named(&frames, "AgentConf_SelfLeaveResult").clone();
        let gateway = Arc::new(Mutex::new(Gateway::new(documented.clone())));
        let (server, client) = huawei_signed_in(&gateway).await;

        // AUTHMODE 2: the first poll answer renews the GUID; the old one is void from then on.
        lock(&gateway).rotate_on_next_poll = true;
        let mut events = client.events(huawei_poll());
        for _ in 0..100 {
            if lock(&gateway).issued == 2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(lock(&gateway).issued, 2, "the poll renewed the GUID");

        // Leave, then await what the endpoint's EVENTS list names.
        let leave = huawei::leave_agent_conference::Request::builder()
            .agent_id("101")
            .build()
            .expect("valid");
        client
            .leave_agent_conference(leave)
            .await
            .expect("the leave request is accepted with the renewed GUID");
        let event = tokio::time::timeout(
            Duration::from_secs(20),
            events.next_of(huawei::leave_agent_conference::EVENTS),
        )
        .await
        .expect("the event within 20 s")
        .expect("the stream is open")
        .expect("it decodes");
        let huawei::events::Event::AgentConfSelfLeaveResult(result) = &event else {
            panic!("expected AgentConf_SelfLeaveResult, got {event:?}");
        };
        assert_eq!(
            huawei::events::decode(documented.to_string().as_bytes()).expect("decodes"),
            huawei::events::Event::AgentConfSelfLeaveResult(result.clone())
        );
        drop(events);
        let leave = server
            .requests()
            .into_iter()
            .find(|r| r.path.ends_with("/requestleaveagentconf"))
            .expect("the leave request");
        assert_eq!(leave.header("guid"), Some(HW_GUIDS[1]));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huawei_a_rejected_poll_is_reported_and_polling_goes_on() {
    bounded(async {
        let model = model();
        let frames = documented_frames(service(&model, "huawei_agentgateway"));
        let (name, frame) = frames[0].clone();
        let gateway = Arc::new(Mutex::new(Gateway::new(json!({}))));
        let (_server, client) = huawei_signed_in(&gateway).await;
        // The gateway forgets the agent's GUID: the next poll is answered 100-006.
        {
            let mut g = lock(&gateway);
            g.queued.push_back(frame);
            g.current = Some("forgotten-guid");
        }
        let mut events = client.events(huawei_poll());
        let error = next(&mut events)
            .await
            .expect_err("the rejection is reported");
        assert!(
            matches!(error, StreamError::Delivery(_)),
            "a delivery error: {error:?}"
        );
        // The gateway remembers the agent again: polling goes on and the frame arrives.
        lock(&gateway).current = Some(HW_GUIDS[0]);
        let event = next(&mut events)
            .await
            .expect("the frame after the rejection");
        assert_eq!(event.name(), name);
    })
    .await;
}

// =============================================================================================
// Alibaba: PollUserStatus, ACS3-signed on every poll.
// =============================================================================================

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alibaba_poll_user_status_stream_yields_the_documented_state() {
    bounded(async {
        let model = model();
        let ccc = service(&model, "alibaba_ccc");
        let poller = ccc
            .endpoints
            .iter()
            .find(|e| e.id.0 == "poll_user_status")
            .expect("the PollUserStatus endpoint");
        let documented = poller
            .samples
            .iter()
            .find_map(|s| s.response_body.clone())
            .expect("a documented answer");
        let answer = documented.clone();
        let server = Server::start(move |request| {
            if let Err(reply) = acs3_verify(request) {
                return reply;
            }
            if request.header("x-acs-action") != Some("PollUserStatus") {
                return ali_error(404, "InvalidAction.NotFound", "Specified api is not found.");
            }
            Reply::json(200, &answer)
        })
        .await;
        let client = alibaba::Client::builder()
            .base_url(server.base())
            .transport(transport())
            .auth(alibaba::auth::signed_headers_hmac_sha256(
                ALI_KEY_ID,
                Secret::new(ALI_SECRET),
            ))
            .build()
            .expect("the client builds");
        let request = alibaba::poll_user_status::Request::builder()
            .instance_id("ccc-test")
            .user_id("agent@ccc-test")
            .build()
            .expect("valid");
        let mut events = client.events(request);
        for _ in 0..2 {
            let event = next(&mut events)
                .await
                .expect("the documented answer decodes");
            let alibaba::events::Event::PollUserStatus(state) = event else {
                panic!("expected PollUserStatus, got {event:?}");
            };
            let user = state.user_context.as_ref().expect("the agent's context");
            assert_eq!(user.user_id.as_deref(), Some("agent@ccc-test"));
            assert_eq!(
                Some(json!(state.context_id)),
                documented["Data"].get("ContextId").cloned()
            );
            let call = state.call_context.as_ref().expect("the call context");
            assert_eq!(call.call_variables.as_deref(), Some("a=b;c=d"));
        }
        drop(events);
        // Each poll was signed afresh: a replayed nonce would be rejected by the gateway.
        let nonces: Vec<String> = server
            .requests()
            .iter()
            .filter_map(|r| r.header("x-acs-signature-nonce").map(str::to_owned))
            .collect();
        assert!(nonces.len() >= 2);
        let mut unique = nonces.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), nonces.len(), "no nonce is sent twice");
    })
    .await;
}

// =============================================================================================
// Tencent: desk session-event callbacks (push), decoded by a handler on 127.0.0.1.
// =============================================================================================

const APP_ID: &str = "1400123456";

/// A callback handler as an application writes it with any web framework: the request's bytes
/// to `callbacks.decode`, the acknowledgement or the rejection back.
async fn callback_server(
    callbacks: tencent::events::Callbacks,
    seen: Arc<Mutex<Vec<tencent::events::Event>>>,
) -> String {
    let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
        let callbacks = callbacks.clone();
        let seen = Arc::clone(&seen);
        async move {
            let (parts, body) = request.into_parts();
            let bytes = axum::body::to_bytes(body, 4 << 20)
                .await
                .unwrap_or_default();
            let request = switchboard_runtime::http::Request::from_parts(parts, bytes);
            let response = match callbacks.decode(&request) {
                Ok(callback) => {
                    lock(&seen).push(callback.event);
                    callbacks.acknowledgement()
                }
                Err(rejection) => rejection.into_response(),
            };
            response.map(axum::body::Body::from)
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let _ = tokio::time::timeout(Duration::from_secs(120), axum::serve(listener, app)).await;
    });
    format!("http://{addr}/desk/callback")
}

async fn post(
    url: &str,
    method: &str,
    query: &str,
    body: impl Into<switchboard_runtime::bytes::Bytes>,
) -> (u16, String) {
    let request = switchboard_runtime::http::Request::builder()
        .method(method)
        .uri(format!("{url}?{query}"))
        .header("content-type", "application/json")
        .body(body.into())
        .expect("a request");
    let response = transport()
        .send(request)
        .await
        .expect("the handler answers");
    (
        response.status().as_u16(),
        String::from_utf8_lossy(response.body()).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tencent_callbacks_decode_the_documented_sample_and_reject_the_rest() {
    bounded(async {
        let model = model();
        let desk = service(&model, "tencent_im_desk");
        let (name, sample) = documented_frames(desk).remove(0);
        let sample_text = serde_json::to_string(&sample).expect("JSON");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let url = callback_server(tencent::events::callbacks(APP_ID), Arc::clone(&seen)).await;
        let query = |app: &str, command: &str| {
            format!(
                "SdkAppid={app}&CallbackCommand={command}&contenttype=json&ClientIP=127.0.0.1&OptPlatform=RESTAPI"
            )
        };
        let good = query(APP_ID, "Desk.SessionEventNotify");

        // The documented sample: accepted, decoded, acknowledged as the spec documents.
        let (status, body) = post(&url, "POST", &good, sample_text.clone()).await;
        assert_eq!(status, 200, "{body}");
        let ack: Value = serde_json::from_str(&body).expect("a JSON acknowledgement");
        let push = match &desk.event_envelope.as_ref().expect("an envelope").delivery {
            switchboard_codegen::model::Delivery::Push(p) => p,
            other => panic!("push delivery, got {other:?}"),
        };
        assert_eq!(Some(&ack), push.ack_body.as_ref());
        {
            let seen = lock(&seen);
            assert_eq!(seen.len(), 1);
            assert_eq!(seen[0].name(), name);
            let tencent::events::Event::ChatBotUserSendMsg(frame) = &seen[0] else {
                panic!("expected ChatBot.UserSendMsg, got {:?}", seen[0]);
            };
            assert_eq!(frame.session_id.as_deref(), sample["SessionId"].as_str());
            assert_eq!(frame.event, name);
        }

        // Everything else is rejected with its status, and never reaches the application.
        let truncated = &sample_text[..sample_text.len() / 2];
        let cases: [(&str, String, String, u16); 6] = [
            ("foreign app id", "POST".into(), query("1400999999", "Desk.SessionEventNotify"), 403),
            ("wrong method", "GET".into(), good.clone(), 405),
            ("another callback", "POST".into(), query(APP_ID, "Chatbot.InterfaceInvocation"), 403),
            ("no app id", "POST".into(), "CallbackCommand=Desk.SessionEventNotify&contenttype=json&ClientIP=1.2.3.4".into(), 400),
            ("truncated body", "POST".into(), good.clone(), 400),
            ("not JSON", "POST".into(), good.clone(), 400),
        ];
        for (what, method, query, expected) in cases {
            let body = match what {
                "truncated body" => truncated.to_owned(),
                "not JSON" => "<xml>not json</xml>".to_owned(),
                _ => sample_text.clone(),
            };
            let (status, text) = post(&url, &method, &query, body).await;
            assert_eq!(status, expected, "{what}: {text}");
            assert!(!text.contains("1400999999"), "{what}: a rejection quotes no app id: {text}");
        }
        assert_eq!(lock(&seen).len(), 1, "rejected callbacks reach nothing");
    })
    .await;
}

//! Everything a `tracing` subscriber receives while the generated clients run, over loopback,
//! across every auth scheme and the error paths (wrong credentials, throttling with a retry,
//! a failed connection): one span per call with the documented fields, an event per retry,
//! and none of the credentials, GUIDs, cookies, CSRF tokens, UserSigs or signatures.
//!
//! One test in its own binary: the capturing subscriber is the process's global default, so
//! it sees what every runtime worker thread records.

mod support;

use std::fmt::{self, Write as _};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use support::clients::{ccc_client, unmute};
use support::vendors::*;
use support::{Recorded, Server, bounded, lock, transport};
use switchboard_runtime::Secret;
use switchboard_runtime::retry::RetryPolicy;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt as _};

use switchboard_alibaba_ccc as alibaba;
use switchboard_genesys_gws as genesys;
use switchboard_huawei_agentgateway as huawei;
use switchboard_tencent_im_desk as tencent;

/// Every span, field record and event, as text.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<String>>>);

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
}

impl<S: Subscriber> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, _: &Id, _: Context<'_, S>) {
        let mut fields = Fields(format!("span {}", attrs.metadata().name()));
        attrs.record(&mut fields);
        lock(&self.0).push(fields.0);
    }

    fn on_record(&self, _: &Id, values: &Record<'_>, _: Context<'_, S>) {
        let mut fields = Fields("record".into());
        values.record(&mut fields);
        lock(&self.0).push(fields.0);
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut fields = Fields(format!("event {}", event.metadata().target()));
        event.record(&mut fields);
        lock(&self.0).push(fields.0);
    }
}

fn quick() -> RetryPolicy {
    RetryPolicy::standard().initial_backoff(Duration::from_millis(20))
}

/// The signature of each recorded request (ACS3 header field or RPC query value).
fn signatures(requests: &[Recorded]) -> Vec<String> {
    requests
        .iter()
        .filter_map(|r| {
            let header = r.header("authorization").and_then(|a| {
                a.split(',')
                    .find_map(|f| f.trim().strip_prefix("Signature="))
                    .map(str::to_owned)
            });
            header.or_else(|| r.query_value("Signature").map(str::to_owned))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traces_show_each_call_and_no_secret() {
    let capture = Capture::default();
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(capture.clone()))
        .expect("the only subscriber of this binary");
    let mut secrets: Vec<String> = Vec::new();
    bounded(async {
        // Huawei: a session GUID from sign-in, sent back on the next call; a wrong password.
        let gateway = Arc::new(Mutex::new(Gateway::default()));
        let state = Arc::clone(&gateway);
        let server = Server::start(move |request| lock(&state).answer(request)).await;
        let client = huawei::Client::builder()
            .base_url(format!("{}/agentgateway", server.base()))
            .transport(transport())
            .auth(huawei::auth::session_header().expect("scheme"))
            .build()
            .expect("client");
        let sign_in = |password: &str| {
            huawei::sign_in::Request::builder()
                .agent_id("101")
                .password(password)
                .phone_num("88880001")
                .build()
                .expect("valid")
        };
        client.sign_in(sign_in("wrong")).await.expect_err("wrong");
        client
            .sign_in(sign_in(HW_PASSWORD))
            .await
            .expect("signed in");
        let leave = huawei::leave_agent_conference::Request::builder()
            .agent_id("101")
            .build()
            .expect("valid");
        let _ = client.leave_agent_conference(leave).await;
        secrets.push(HW_PASSWORD.into());
        secrets.extend(HW_GUIDS.iter().map(|g| g.to_string()));

        // Genesys: Basic, cookie session, CSRF token fetched first.
        let gws = Arc::new(Mutex::new(Gws::default()));
        let state = Arc::clone(&gws);
        let server = Server::start(move |request| lock(&state).answer(request)).await;
        let auth = genesys::auth::basic_csrf(GWS_USER, Secret::new(GWS_PASSWORD)).expect("scheme");
        let client = genesys::Client::builder()
            .port(server.port().to_string())
            .transport(transport())
            .auth(auth)
            .build()
            .expect("client");
        let remove = genesys::remove_participant_from_conference::Request::builder()
            .id("01RCC3N118B1V0SL8O7GK2LAES00000O")
            .participant("15001")
            .build()
            .expect("valid");
        client
            .remove_participant_from_conference(remove)
            .await
            .expect("accepted");
        secrets.push(GWS_PASSWORD.into());
        secrets.push(STANDARD.encode(format!("{GWS_USER}:{GWS_PASSWORD}")));
        secrets.push(GWS_ELB.into());
        secrets.extend(GWS_TOKENS.iter().map(|t| t.to_string()));
        secrets.extend(GWS_SESSIONS.iter().map(|t| t.to_string()));

        // Tencent: a UserSig per request; another app's key is refused (70009).
        let tickets = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&tickets);
        let server = Server::start(move |request| im_answer(request, &seen)).await;
        let end = || {
            tencent::end_session::Request::builder()
                .session_id("b0f4ca12-4850-4218-a284-efe679a87066")
                .build()
                .expect("valid")
        };
        for key in [TC_KEY, TC_WRONG_KEY] {
            let client = tencent::Client::builder()
                .base_url(server.base())
                .transport(transport())
                .auth(tencent::auth::tls_sig_query(
                    TC_APP_ID,
                    TC_ADMIN,
                    Secret::new(key),
                ))
                .build()
                .expect("client");
            let _ = client.end_session(end()).await;
            secrets.push(key.into());
        }
        secrets.extend(
            server
                .take_requests()
                .iter()
                .filter_map(|r| r.query_value("usersig").map(str::to_owned)),
        );

        // Alibaba ACS3: throttled once, then retried; RPC signature: accepted.
        let throttled = Arc::new(Mutex::new(true));
        let server = Server::start(move |request| {
            if std::mem::replace(&mut *lock(&throttled), false) {
                return ali_error(400, "Throttling", "Request was denied due to flow control.");
            }
            acs3_answer(request)
        })
        .await;
        let auth = alibaba::auth::signed_headers_hmac_sha256(ALI_KEY_ID, Secret::new(ALI_SECRET));
        let client = ccc_client(&server.base(), auth, quick());
        client
            .unmute_call(unmute())
            .await
            .expect("the retry succeeds");
        secrets.extend(signatures(&server.take_requests()));
        let server = Server::start(rpc_answer).await;
        let auth = alibaba::auth::signed_query_hmac_sha1(ALI_KEY_ID, Secret::new(ALI_SECRET));
        let client = ccc_client(&server.base(), auth, quick());
        client.unmute_call(unmute()).await.expect("accepted");
        secrets.extend(signatures(&server.take_requests()));
        secrets.push(ALI_SECRET.into());

        // Nothing listens: connect failures, retried, then returned.
        let base = support::unreachable_base().await;
        let client = ccc_client(&base, switchboard_runtime::auth::NoAuth, quick());
        client.unmute_call(unmute()).await.expect_err("no server");
    })
    .await;

    let lines = lock(&capture.0).clone();
    let text = lines.join("\n");
    assert!(
        secrets.len() > 20,
        "the secrets were collected: {secrets:?}"
    );
    for secret in &secrets {
        assert!(!text.contains(secret.as_str()), "a trace shows {secret:?}");
    }
    // One span per call, named as documented, with the endpoint's facts.
    let spans: Vec<&String> = lines
        .iter()
        .filter(|l| l.starts_with("span switchboard.call"))
        .collect();
    assert_eq!(spans.len(), 9, "{spans:#?}");
    assert!(spans.iter().any(|s| {
        s.contains(r#"service="alibaba_ccc" endpoint="unmute_call" method="POST" path="/""#)
    }));
    assert!(spans.iter().any(|s| s.contains(r#"service="huawei_agentgateway" endpoint="sign_in" method="PUT" path="/resource/onlineagent/{agentid}""#)), "{spans:#?}");
    // Recorded outcomes: status, vendor code, request id, attempt, elapsed.
    for expected in [
        "record http.status=400",
        r#"record vendor.code="Throttling""#,
        r#"record vendor.request_id="5E0B1C2D-3A4F-4B6C-8D9E-0F1A2B3C4D5E""#,
        "record attempt=2",
        "record attempt=3",
        "record elapsed_ms=",
    ] {
        assert!(text.contains(expected), "no `{expected}` in\n{text}");
    }
    // A retry event per retry: one for Throttling, two for the failed connections.
    let retries: Vec<&String> = lines.iter().filter(|l| l.contains("retrying")).collect();
    assert_eq!(retries.len(), 3, "{retries:#?}");
    assert!(retries[0].contains("reason=retryable code"), "{retries:#?}");
    assert!(
        retries[1].contains("reason=connection failed"),
        "{retries:#?}"
    );
}

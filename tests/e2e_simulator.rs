//! The simulators of the generated crates (feature `testing`), driven through the generated
//! clients over loopback: each vendor's auth checked the documented way, constraints enforced
//! with the documented code, samples answered, scripts obeyed.

use std::time::Duration;

use switchboard_runtime::Secret;
use switchboard_runtime::sim::{Credentials, Script};

use switchboard_alibaba_ccc as ali;
use switchboard_genesys_gws as gws;
use switchboard_huawei_agentgateway as hw;
use switchboard_tencent_im_desk as tc;

#[path = "support/simulators.rs"]
mod simulators;

use simulators::*;

#[tokio::test]
async fn alibaba_acs3_signature_is_recomputed_and_the_sample_answered() {
    let sim = ali_sim().await;
    let client = ali_client(&sim, "sim-secret");
    let output = client.unmute_call(unmute()).await.unwrap();
    assert!(
        output.call_context.is_some(),
        "the documented sample's Data"
    );
    assert_eq!(sim.requests_to("unmute_call").len(), 1);

    // A wrong secret: the signature no longer matches, answered in the vendor's envelope.
    let sim2 = ali::testing::simulator()
        .credentials(ali_credentials())
        .start()
        .await
        .unwrap();
    let wrong = ali_client(&sim2, "not-it");
    let error = wrong.unmute_call(unmute()).await.unwrap_err();
    assert!(
        error.to_string().contains("SignatureDoesNotMatch"),
        "{error}"
    );
}

#[tokio::test]
async fn alibaba_rpc_signature_is_recomputed() {
    let sim = ali_sim().await;
    let mut data: serde_json::Value = serde_json::from_str(ali::testing::SIMULATION).unwrap();
    data["auth"] = serde_json::json!({"scheme": "signed_query_hmac_sha1"});
    let rpc = switchboard_runtime::sim::SimulatorBuilder::new(&data.to_string())
        .unwrap()
        .credentials(ali_credentials())
        .start()
        .await
        .unwrap();
    drop(sim);
    let client = ali::Client::builder()
        .base_url(rpc.base_url())
        .auth(ali::auth::signed_query_hmac_sha1(
            "LTAI-sim",
            Secret::new("sim-secret"),
        ))
        .build()
        .unwrap();
    client.unmute_call(unmute()).await.unwrap();
    let bad = ali::Client::builder()
        .base_url(rpc.base_url())
        .auth(ali::auth::signed_query_hmac_sha1(
            "LTAI-sim",
            Secret::new("wrong"),
        ))
        .build()
        .unwrap();
    assert!(bad.unmute_call(unmute()).await.is_err());
}

#[tokio::test]
async fn huawei_guid_is_issued_on_sign_in_rotated_on_poll_and_required() {
    // The codes come from the spec's `error_roles`, not from the test.
    let sim = hw::testing::simulator().start().await.unwrap();
    let client = hw_client(&sim);
    let leave = || {
        hw::leave_agent_conference::Request::builder()
            .agent_id("101")
            .build()
            .unwrap()
    };
    // Not signed in yet: the client knows the call needs the GUID and sends nothing.
    let error = client.leave_agent_conference(leave()).await.unwrap_err();
    assert!(
        matches!(
            &error,
            hw::leave_agent_conference::Error::Send(switchboard_runtime::auth::SendError::Auth(e))
                if e.kind() == switchboard_runtime::auth::AuthErrorKind::NoSession
        ),
        "{error:?}"
    );
    assert!(sim.requests_to("leave_agent_conference").is_empty());
    hw_sign_in(&client).await;
    client.leave_agent_conference(leave()).await.unwrap();
    let first = sim.requests_to("leave_agent_conference")[0]
        .header("guid")
        .unwrap()
        .to_owned();

    // The server renews the GUID on the next poll; the client follows.
    sim.rotate_session();
    let poll = hw::poll_events::Request::builder()
        .agent_id("101")
        .build()
        .unwrap();
    let _ = client.poll_events(poll).await;
    client.leave_agent_conference(leave()).await.unwrap();
    let second = sim.requests_to("leave_agent_conference")[1]
        .header("guid")
        .unwrap()
        .to_owned();
    assert_ne!(first, second, "the rotated GUID is sent");

    // A scripted documented error, then a dropped connection, then a delay.
    sim.fail_with("leave_agent_conference", "101-007");
    let error = client.leave_agent_conference(leave()).await.unwrap_err();
    assert!(
        matches!(
            error,
            hw::leave_agent_conference::Error::ChairCannotLeave(_)
        ),
        "{error:?}"
    );
    // The same, named by the endpoint's types: a variant that does not exist does not compile.
    sim.endpoint::<hw::leave_agent_conference::Request>()
        .fail_with(hw::leave_agent_conference::Error::NoConference);
    let error = client.leave_agent_conference(leave()).await.unwrap_err();
    assert!(
        matches!(error, hw::leave_agent_conference::Error::NoConference(_)),
        "{error:?}"
    );
    sim.script("leave_agent_conference", Script::Drop);
    let error = client.leave_agent_conference(leave()).await.unwrap_err();
    assert!(
        matches!(error, hw::leave_agent_conference::Error::Send(_)),
        "{error:?}"
    );
    sim.script(
        "leave_agent_conference",
        Script::Delay(Duration::from_millis(300)),
    );
    let started = std::time::Instant::now();
    client.leave_agent_conference(leave()).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn huawei_bad_parameter_gets_the_documented_code() {
    let sim = hw::testing::simulator().start().await.unwrap();
    // Bypass the client's own checks: a raw request with an agent id out of 101–59999.
    let url = format!("{}/resource/onlineagent/7", sim.base_url());
    let body = raw_json(
        reqwest::Method::PUT,
        url,
        r#"{"password":"pw","phonenum":"88001"}"#,
    )
    .await;
    assert_eq!(body["retcode"], "000-002", "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("agentid"),
        "{body}"
    );
}

#[tokio::test]
async fn tencent_user_sig_is_verified() {
    let key = "sim-app-key-5bd2850fff3ecb11";
    let sim = tc::testing::simulator()
        .credentials(Credentials {
            app_id: 1_400_000_001,
            app_key: Secret::new(key),
            ..Credentials::default()
        })
        .start()
        .await
        .unwrap();
    let client = |key: &str| {
        tc::Client::builder()
            .base_url(sim.base_url())
            .auth(tc::auth::tls_sig_query(
                1_400_000_001,
                "administrator",
                Secret::new(key),
            ))
            .build()
            .unwrap()
    };
    let end = || {
        tc::end_session::Request::builder()
            .session_id("s-1")
            .build()
            .unwrap()
    };
    client(key).end_session(end()).await.unwrap();
    let error = client("another-key").end_session(end()).await.unwrap_err();
    assert!(error.to_string().contains("70009"), "{error}");
    assert_eq!(sim.requests_to("end_session").len(), 2);
}

#[tokio::test]
async fn genesys_basic_cookie_and_csrf_are_enforced() {
    let sim = gws::testing::simulator()
        .credentials(Credentials {
            user: "ksippo".into(),
            password: Secret::new("pw"),
            ..Credentials::default()
        })
        .start()
        .await
        .unwrap();
    let base = sim.base_url();
    let client = |password: &str| gws_client(&sim, "ksippo", password);
    let remove = || gws_remove("call-1", "+15551234");
    client("pw")
        .remove_participant_from_conference(remove())
        .await
        .unwrap();
    // The write carried the session cookie and the token the GET handed out.
    let write = sim
        .requests_to("remove_participant_from_conference")
        .pop()
        .unwrap();
    assert!(write.cookie("JSESSIONID").is_some());
    assert!(write.header("x-csrf-token").is_some());
    assert!(
        client("wrong")
            .remove_participant_from_conference(remove())
            .await
            .is_err()
    );

    // A write without the CSRF token: the documented 403 text.
    let response = reqwest::Client::new()
        .post(format!("{base}/me/calls/call-1"))
        .basic_auth("ksippo", Some("pw"))
        .header("content-type", "application/json")
        .body(r#"{"operationName":"RemoveParticipantFromConference","participant":"1"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(
        response.text().await.unwrap(),
        "Missing or invalid Csrf token"
    );
}

// The generated sample tests, for `call_samples` (their own tests run in their crates).
#[path = "../generated/rust/alibaba_ccc/tests/samples.rs"]
mod alibaba_samples;
#[path = "../generated/rust/genesys_gws/tests/samples.rs"]
mod genesys_samples;
#[path = "../generated/rust/huawei_agentgateway/tests/samples.rs"]
mod huawei_samples;
#[path = "../generated/rust/tencent_im_desk/tests/samples.rs"]
mod tencent_samples;

fn expected_ok(simulation: &str, id: &str, name: &str) -> bool {
    let endpoint = endpoint_data(simulation, id);
    let sample = endpoint["samples"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap();
    sample["error"] == false && (200..300).contains(&sample["status"].as_u64().unwrap())
}

/// Scripts each sample's documented answer, so the sample's request must pass the simulator's
/// auth and constraint checks and its documented answer must decode as documented.
fn script_documented(
    sim: &switchboard_runtime::sim::Simulator,
) -> impl FnMut(&'static str, &'static str, u16, &'static str) + '_ {
    |id, _, status, body| {
        // `{}` stands for a sample whose page prints no answer: the simulator's default then.
        if body != "{}" {
            sim.script(
                id,
                Script::Body(status, serde_json::from_str(body).unwrap()),
            );
        }
    }
}

fn assert_outcomes(simulation: &str, called: Vec<(&str, &str, Result<(), String>)>) {
    assert!(!called.is_empty());
    for (id, name, outcome) in called {
        let ok = expected_ok(simulation, id, name);
        assert_eq!(outcome.is_ok(), ok, "{id}/{name}: {outcome:?}");
        if let Err(error) = outcome {
            // A documented error, not a refusal by the simulator's own checks.
            assert!(
                !error.contains("no valid session")
                    && !error.contains(" is required")
                    && !error.contains("outside"),
                "{id}/{name}: {error}"
            );
        }
    }
}

#[tokio::test]
async fn every_documented_sample_through_the_alibaba_simulator() {
    let sim = ali_sim().await;
    let client = ali_client(&sim, "sim-secret");
    let called = alibaba_samples::call_samples(&client, script_documented(&sim)).await;
    assert_outcomes(ali::testing::SIMULATION, called);
}

#[tokio::test]
async fn every_documented_sample_through_the_genesys_simulator() {
    let sim = gws::testing::simulator().start().await.unwrap();
    let client = gws_client(&sim, "sim-user", "sim-password");
    let called = genesys_samples::call_samples(&client, script_documented(&sim)).await;
    assert_outcomes(gws::testing::SIMULATION, called);
}

#[tokio::test]
async fn every_documented_sample_through_the_huawei_simulator() {
    let sim = hw::testing::simulator().start().await.unwrap();
    let client = hw_client(&sim);
    // Signed in first: every other interface needs the GUID.
    hw_sign_in(&client).await;
    let called = huawei_samples::call_samples(&client, script_documented(&sim)).await;
    assert_outcomes(hw::testing::SIMULATION, called);
}

#[tokio::test]
async fn every_documented_sample_through_the_tencent_simulator() {
    let sim = tc::testing::simulator().start().await.unwrap();
    let client = tc::Client::builder()
        .base_url(sim.base_url())
        .auth(tc::auth::tls_sig_query(
            1_400_000_000,
            "administrator",
            Secret::new("sim-app-key"),
        ))
        .build()
        .unwrap();
    let called = tencent_samples::call_samples(&client, script_documented(&sim)).await;
    assert_outcomes(tc::testing::SIMULATION, called);
}

#[tokio::test]
async fn genesys_remove_participant_then_await_participants_updated_over_bayeux() {
    let sim = gws::testing::simulator().start().await.unwrap();
    let client = gws_client(&sim, "sim-user", "sim-password");
    let mut events = client.events();
    let remove = gws_remove("01RCC3N118B1V0SL8O7GK2LAES00000O", "15002");
    client
        .remove_participant_from_conference(remove)
        .await
        .unwrap();
    let event = within_10s(events.next_of(gws::remove_participant_from_conference::EVENTS)).await;
    assert!(
        matches!(event, gws::events::Event::ParticipantsUpdated(_)),
        "{event:?}"
    );
}

#[tokio::test]
async fn huawei_leave_then_the_poll_delivers_the_triggered_events() {
    let sim = hw::testing::simulator().start().await.unwrap();
    let client = hw_client(&sim);
    hw_sign_in(&client).await;
    let poll = hw::poll_events::Request::builder()
        .agent_id("101")
        .build()
        .unwrap();
    let mut events = client.events(poll);
    let leave = hw::leave_agent_conference::Request::builder()
        .agent_id("101")
        .build()
        .unwrap();
    client.leave_agent_conference(leave).await.unwrap();
    let event = within_10s(events.next_of(&["AgentConf_ParticipantChanged"])).await;
    assert!(
        matches!(event, hw::events::Event::AgentConfParticipantChanged(_)),
        "{event:?}"
    );
}

#[tokio::test]
async fn tencent_events_are_posted_to_the_callback_url() {
    use std::sync::{Arc, Mutex};
    let seen: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let record = Arc::clone(&seen);
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri, body: String| {
        let record = Arc::clone(&record);
        async move {
            record.lock().unwrap().push((uri.to_string(), body));
            "{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\"}"
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app_url = format!("http://{}/callback", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let sim = tc::testing::simulator().start().await.unwrap();
    sim.callback_url(app_url);
    sim.setting("sdk_app_id", "1400000000");
    let data: serde_json::Value = serde_json::from_str(tc::testing::SIMULATION).unwrap();
    let name = data["events"][0]["name"].as_str().unwrap().to_owned();
    sim.push_documented_event(&name).await;
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert!(seen[0].0.contains("SdkAppid=1400000000"), "{}", seen[0].0);
    assert!(seen[0].0.contains("CallbackCommand="), "{}", seen[0].0);
}

#[tokio::test]
async fn a_custom_typed_output_is_answered_in_the_envelope() {
    let sim = ali_sim().await;
    let client = ali_client(&sim, "sim-secret");
    let documented = client.unmute_call(unmute()).await.unwrap();
    let mut custom = documented.clone();
    custom.call_context = None;
    sim.answer_with(ali::unmute_call::ID, &custom);
    let answered = client.unmute_call(unmute()).await.unwrap();
    assert!(documented.call_context.is_some());
    assert_eq!(answered.call_context, None);
    assert_eq!(answered.user_context, documented.user_context);
}

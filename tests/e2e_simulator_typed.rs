//! The simulator's typed scripting and checks, driven over loopback: documented error roles,
//! nested body constraints, scripting by `Error` variant, typed received requests, and the
//! Bayeux long poll held like a real server's.

use std::time::Duration;

use switchboard_alibaba_ccc as ali;
use switchboard_genesys_gws as gws;
use switchboard_huawei_agentgateway as hw;

#[path = "support/simulators.rs"]
mod simulators;

use simulators::*;

#[tokio::test]
async fn genesys_missing_and_invalid_parameters_get_the_spec_roles_codes_nested_too() {
    let sim = without_auth(gws::testing::SIMULATION).await;
    let url = format!("{}/me/devices/d-1/calls", sim.base_url());
    // `destination.phoneNumber` is required inside the body's object.
    let body = raw_json(
        reqwest::Method::POST,
        url.clone(),
        r#"{"operationName":"Dial","destination":{}}"#,
    )
    .await;
    assert_eq!(body["statusCode"], 1, "missing_parameter role: {body}");
    assert!(
        body["statusMessage"]
            .as_str()
            .unwrap()
            .contains("destination.phoneNumber is required"),
        "{body}"
    );
    // An object where the spec says text: invalid, not missing.
    let body = raw_json(
        reqwest::Method::POST,
        url.clone(),
        r#"{"operationName":"Dial","destination":"15002"}"#,
    )
    .await;
    assert_eq!(body["statusCode"], 10, "invalid_parameter role: {body}");
    let body = raw_json(
        reqwest::Method::POST,
        url,
        r#"{"operationName":"Dial","destination":{"phoneNumber":"15002"}}"#,
    )
    .await;
    assert_eq!(body["statusCode"], 0, "a valid nested body passes: {body}");
}

#[tokio::test]
async fn huawei_array_items_are_checked_against_their_constraints() {
    let sim = without_auth(hw::testing::SIMULATION).await;
    let endpoint = endpoint_data(hw::testing::SIMULATION, "batch_add_participants");
    let path = endpoint["path"]
        .as_str()
        .unwrap()
        .replace("{agentid}", "101");
    let method =
        reqwest::Method::from_bytes(endpoint["method"].as_str().unwrap().as_bytes()).unwrap();
    let url = format!("{}{path}", sim.base_url());
    let item =
        |address: &str| format!(r#"{{"addresses":[{{"addressType":"9","address":"{address}"}}]}}"#);
    let body = raw_json(method.clone(), url.clone(), &item(&"1".repeat(25))).await;
    assert_eq!(body["retcode"], "000-002", "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("addresses[0].address"),
        "{body}"
    );
    let body = raw_json(method, url, &item("88001")).await;
    assert_eq!(body["retcode"], "0", "{body}");
}

#[tokio::test]
async fn received_requests_come_back_typed_in_order() {
    let sim = gws::testing::simulator().start().await.unwrap();
    let client = gws_client(&sim, "sim-user", "sim-password");
    for participant in ["15002", "15003"] {
        let remove = gws_remove("call-1", participant);
        client
            .remove_participant_from_conference(remove)
            .await
            .unwrap();
    }
    let received = sim.received::<gws::remove_participant_from_conference::Request>();
    let seen: Vec<(&str, &str)> = received
        .iter()
        .map(|r| (r.id.as_str(), r.participant.as_str()))
        .collect();
    assert_eq!(seen, [("call-1", "15002"), ("call-1", "15003")]);
    // Another endpoint sharing the path is not mixed in.
    assert!(sim.received::<gws::hangup::Request>().is_empty());

    // Path and query values read back into typed fields (an integer from the query string).
    let sim = ali_sim().await;
    let client = ali_client(&sim, "sim-secret");
    client.unmute_call(unmute()).await.unwrap();
    let received = sim.received::<ali::unmute_call::Request>();
    assert_eq!(received, [unmute()]);
}

#[tokio::test]
async fn a_typed_error_variant_is_answered_with_its_documented_code() {
    let sim = ali_sim().await;
    let client = ali_client(&sim, "sim-secret");
    let own = endpoint_data(ali::testing::SIMULATION, "unmute_call")["errors"]
        .as_array()
        .unwrap()
        .len();
    assert!(own > 0, "unmute_call documents codes of its own");
    sim.endpoint::<ali::unmute_call::Request>()
        .fail_with(ali::unmute_call::Error::NotExistsInstanceId)
        .delay(Duration::from_millis(1));
    let error = client.unmute_call(unmute()).await.unwrap_err();
    assert!(
        matches!(error, ali::unmute_call::Error::NotExistsInstanceId(_)),
        "{error:?}"
    );
    // The delay queued after it applies to the next call, which then succeeds.
    client.unmute_call(unmute()).await.unwrap();
}

#[tokio::test]
#[should_panic(expected = "several codes")]
async fn a_variant_standing_for_several_codes_is_refused() {
    let sim = hw::testing::simulator().start().await.unwrap();
    sim.endpoint::<hw::leave_agent_conference::Request>()
        .fail_with(hw::leave_agent_conference::Error::Service);
}

#[tokio::test]
async fn genesys_bayeux_connect_is_held_until_an_event_or_the_advice_timeout() {
    let sim = without_auth(gws::testing::SIMULATION).await;
    let url = format!("{}/notifications", sim.base_url());
    let post =
        |body: serde_json::Value| raw_json(reqwest::Method::POST, url.clone(), body.to_string());
    let handshake =
        post(serde_json::json!([{"channel": "/meta/handshake", "version": "1.0"}])).await;
    // The server advertises the documented hold (the spec's hold_ms).
    assert_eq!(handshake[0]["advice"]["timeout"], 25_000, "{handshake}");
    let client_id = handshake[0]["clientId"].clone();
    post(
        serde_json::json!([{"channel": "/meta/subscribe", "clientId": client_id,
        "subscription": "/v2/me/calls"}]),
    )
    .await;
    let connect = |timeout_ms: u64| {
        serde_json::json!([{"channel": "/meta/connect", "clientId": client_id,
            "connectionType": "long-polling", "advice": {"timeout": timeout_ms}}])
    };

    // Nothing published: held for the connect's advised timeout, then answered empty.
    let started = std::time::Instant::now();
    let answer = post(connect(400)).await;
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(400),
        "answered after {waited:?}"
    );
    assert_eq!(answer.as_array().unwrap().len(), 1, "{answer}");

    // An event published while the connect is held ends the hold at once.
    let held = tokio::spawn(post(connect(20_000)));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = std::time::Instant::now();
    sim.push_documented_event("ParticipantsUpdated").await;
    let answer = tokio::time::timeout(Duration::from_secs(10), held)
        .await
        .expect("the held connect answers when the event arrives")
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(
        answer[1]["data"]["notificationType"], "ParticipantsUpdated",
        "{answer}"
    );
}

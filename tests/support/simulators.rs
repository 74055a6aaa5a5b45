//! Clients and simulators the simulator tests share (tests/e2e_simulator*.rs).
// Each test binary uses a part of these helpers.
#![allow(dead_code)]

use std::time::Duration;

use switchboard_runtime::Secret;
use switchboard_runtime::sim::{Credentials, Simulator};

use switchboard_alibaba_ccc as ali;
use switchboard_genesys_gws as gws;
use switchboard_huawei_agentgateway as hw;

pub fn ali_credentials() -> Credentials {
    Credentials {
        access_key_id: "LTAI-sim".into(),
        access_key_secret: Secret::new("sim-secret"),
        ..Credentials::default()
    }
}

/// A client of the CCC simulator signing with ACS3 and this secret.
pub fn ali_client(sim: &Simulator, secret: &str) -> ali::Client {
    ali::Client::builder()
        .base_url(sim.base_url())
        .auth(ali::auth::signed_headers_hmac_sha256(
            "LTAI-sim",
            Secret::new(secret),
        ))
        .build()
        .unwrap()
}

/// A client of the GWS simulator with Basic + cookie + CSRF.
pub fn gws_client(sim: &Simulator, user: &str, password: &str) -> gws::Client {
    gws::Client::builder()
        .base_url(sim.base_url())
        .auth(gws::auth::basic_csrf(user, Secret::new(password)).unwrap())
        .build()
        .unwrap()
}

/// A client of the agent-gateway simulator, not signed in yet.
pub fn hw_client(sim: &Simulator) -> hw::Client {
    hw::Client::builder()
        .base_url(sim.base_url())
        .auth(hw::auth::session_header().unwrap())
        .build()
        .unwrap()
}

/// Signs agent 101 in (the simulator issues the GUID).
pub async fn hw_sign_in(client: &hw::Client) {
    let sign_in = hw::sign_in::Request::builder()
        .agent_id("101")
        .password(Secret::new("pw"))
        .phone_num("88001")
        .build()
        .unwrap();
    client.sign_in(sign_in).await.unwrap();
}

/// The next awaited event, within 10 s.
pub async fn within_10s<E, X: std::fmt::Debug>(
    next: impl Future<Output = Option<Result<E, X>>>,
) -> E {
    tokio::time::timeout(Duration::from_secs(10), next)
        .await
        .expect("the event within 10 s")
        .expect("the stream is open")
        .unwrap()
}

/// The CCC simulator accepting [`ali_credentials`].
pub async fn ali_sim() -> Simulator {
    ali::testing::simulator()
        .credentials(ali_credentials())
        .start()
        .await
        .unwrap()
}

pub fn unmute() -> ali::unmute_call::Request {
    ali::unmute_call::Request::builder()
        .instance_id("ccc-test")
        .user_id("agent@ccc-test")
        .device_id("device")
        .build()
        .unwrap()
}

/// An endpoint of the data a simulator serves.
pub fn endpoint_data(simulation: &str, id: &str) -> serde_json::Value {
    let data: serde_json::Value = serde_json::from_str(simulation).unwrap();
    data["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == id)
        .unwrap()
        .clone()
}

/// A simulator of `simulation` with its auth check left out, so a raw request reaches the
/// constraint checks.
pub async fn without_auth(simulation: &str) -> Simulator {
    let mut data: serde_json::Value = serde_json::from_str(simulation).unwrap();
    data["auth"] = serde_json::Value::Null;
    switchboard_runtime::sim::SimulatorBuilder::new(&data.to_string())
        .unwrap()
        .start()
        .await
        .unwrap()
}

/// POSTs or PUTs a JSON body and returns the answer's JSON.
pub async fn raw_json(
    method: reqwest::Method,
    url: String,
    body: impl Into<String>,
) -> serde_json::Value {
    let text = reqwest::Client::new()
        .request(method, url)
        .header("content-type", "application/json")
        .body(body.into())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The request removing `participant` from the conference call `call`.
pub fn gws_remove(
    call: &str,
    participant: &str,
) -> gws::remove_participant_from_conference::Request {
    gws::remove_participant_from_conference::Request::builder()
        .id(call)
        .participant(participant)
        .build()
        .unwrap()
}

//! The application's logic against the simulated gateway: only the public API of the generated
//! crate and its `testing` feature.

use std::time::Duration;

use switchboard_downstream_example::{Departure, leave_conference};
use switchboard_huawei_agentgateway::testing::{Script, Simulator};
use switchboard_huawei_agentgateway::{Client, auth, leave_agent_conference, sign_in};
use switchboard_runtime::Secret;

async fn signed_in() -> (Simulator, Client) {
    let simulator = switchboard_huawei_agentgateway::testing::simulator()
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .base_url(simulator.base_url())
        .auth(auth::session_header().unwrap())
        .build()
        .unwrap();
    let request = sign_in::Request::builder()
        .agent_id("101")
        .password(Secret::new("pw"))
        .phone_num("88001")
        .build()
        .unwrap();
    client.sign_in(request).await.unwrap();
    (simulator, client)
}

#[tokio::test]
async fn leaving_waits_for_the_confirming_event() {
    let (simulator, client) = signed_in().await;
    let departure = leave_conference(&client, "101", Duration::from_secs(10))
        .await
        .unwrap();
    // The conference id comes from the documented AgentConf_SelfLeaveResult frame.
    assert_eq!(
        departure,
        Departure::Left {
            conference: Some(1030400)
        }
    );
    assert_eq!(simulator.requests_to(leave_agent_conference::ID).len(), 1);
}

#[tokio::test]
async fn a_chairperson_is_told_to_hand_over_first() {
    let (simulator, client) = signed_in().await;
    simulator.fail_with(leave_agent_conference::ID, "101-007");
    let departure = leave_conference(&client, "101", Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(departure, Departure::MustTransferChairFirst);
}

#[tokio::test]
async fn a_server_failure_is_an_error_not_a_departure() {
    let (simulator, client) = signed_in().await;
    simulator.script(
        leave_agent_conference::ID,
        Script::Body(500, switchboard_runtime::serde_json::json!({})),
    );
    let error = leave_conference(&client, "101", Duration::from_millis(500)).await;
    assert!(error.is_err(), "an HTTP 500 is not a departure: {error:?}");
}

//! Error chains as a user's logger prints them (`anyhow`'s `{:#}` walks `source()`): each layer
//! prints its cause or returns it, never both, so no text appears twice; and a documented code
//! without a message is displayed with its documented meaning.
//!
//! The errors are real: produced by the generated clients over loopback against the crates'
//! simulators (feature `testing`), a closed port and a server that never answers.

use std::error::Error as StdError;
use std::time::Duration;

use switchboard_runtime::retry::RetryPolicy;
use switchboard_runtime::sim::{Script, Simulator};

use switchboard_huawei_agentgateway as hw;

/// Every text of the chain, outermost first.
fn chain(error: &(dyn StdError + 'static)) -> Vec<String> {
    let mut texts = Vec::new();
    let mut next = Some(error);
    while let Some(error) = next {
        texts.push(error.to_string());
        next = error.source();
    }
    texts
}

/// No layer repeats its cause's text, and the `{:#}` rendering has no repeated part.
fn assert_each_text_once(error: &(dyn StdError + 'static)) -> String {
    let texts = chain(error);
    for pair in texts.windows(2) {
        assert!(
            !pair[0].contains(pair[1].as_str()),
            "`{}` prints its cause `{}` and also returns it",
            pair[0],
            pair[1]
        );
    }
    let rendered = texts.join(": ");
    let parts: Vec<&str> = rendered.split(": ").collect();
    for (i, part) in parts.iter().enumerate() {
        assert!(
            !parts[i + 1..].contains(part),
            "`{part}` appears twice in `{rendered}`"
        );
    }
    rendered
}

fn client(base: String) -> hw::Client {
    hw::Client::builder()
        .base_url(base)
        .auth(hw::auth::session_header().unwrap())
        .build()
        .unwrap()
        .with_retry(RetryPolicy::disabled())
}

fn leave() -> hw::leave_agent_conference::Request {
    hw::leave_agent_conference::Request::builder()
        .agent_id("101")
        .build()
        .unwrap()
}

async fn signed_in(sim: &Simulator) -> hw::Client {
    let client = client(sim.base_url());
    let sign_in = hw::sign_in::Request::builder()
        .agent_id("101")
        .password(switchboard_runtime::Secret::new("pw"))
        .phone_num("88001")
        .build()
        .unwrap();
    client.sign_in(sign_in).await.unwrap();
    client
}

#[tokio::test]
async fn a_documented_code_without_message_displays_its_meaning_once() {
    let sim = hw::testing::simulator().start().await.unwrap();
    let client = signed_in(&sim).await;
    // The pages document meanings, not messages: an answer with the code and no message.
    sim.script(
        "leave_agent_conference",
        Script::Body(200, serde_json::json!({"retcode": "101-007"})),
    );
    let error = client.leave_agent_conference(leave()).await.unwrap_err();
    let rendered = assert_each_text_once(&error);
    let meaning = error
        .api_error()
        .and_then(|e| e.info())
        .and_then(|i| i.meaning)
        .expect("101-007 has a documented meaning");
    assert!(
        matches!(
            error,
            hw::leave_agent_conference::Error::ChairCannotLeave(_)
        ),
        "{error:?}"
    );
    assert_eq!(
        rendered,
        format!("leave_agent_conference failed with code 101-007: {meaning}")
    );
}

#[tokio::test]
async fn transport_failures_print_each_cause_once() {
    let sim = hw::testing::simulator().start().await.unwrap();
    let client = signed_in(&sim).await;

    // The connection is cut after the headers.
    sim.script("leave_agent_conference", Script::Drop);
    let dropped = client.leave_agent_conference(leave()).await.unwrap_err();
    assert!(matches!(
        dropped,
        hw::leave_agent_conference::Error::Send(_)
    ));
    let rendered = assert_each_text_once(&dropped);
    assert!(
        chain(&dropped).len() >= 2,
        "the cause is reachable: {rendered}"
    );

    // No answer before the call's timeout.
    sim.script(
        "leave_agent_conference",
        Script::Delay(Duration::from_secs(5)),
    );
    let timed_out = client
        .with_timeout(Duration::from_millis(100))
        .leave_agent_conference(leave())
        .await
        .unwrap_err();
    let rendered = assert_each_text_once(&timed_out);
    assert!(rendered.contains("timed out"), "{rendered}");

    // A body that is not the documented shape.
    sim.script(
        "leave_agent_conference",
        Script::Body(200, serde_json::json!(["not", "an", "object"])),
    );
    let undecodable = client.leave_agent_conference(leave()).await.unwrap_err();
    assert!(matches!(
        undecodable,
        hw::leave_agent_conference::Error::Decode(_)
    ));
    assert_each_text_once(&undecodable);
}

#[tokio::test]
async fn a_refused_connection_prints_each_cause_once() {
    // A port nobody listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = client(format!("http://127.0.0.1:{port}"));
    let refused = client.sign_in(
        hw::sign_in::Request::builder()
            .agent_id("101")
            .password(switchboard_runtime::Secret::new("pw"))
            .phone_num("88001")
            .build()
            .unwrap(),
    );
    let error = refused.await.unwrap_err();
    let rendered = assert_each_text_once(&error);
    assert!(
        chain(&error).len() >= 3,
        "the operating system's reason is reachable: {rendered}"
    );
}

#[test]
fn a_build_error_and_a_json_error_print_each_cause_once() {
    let error = hw::leave_agent_conference::Request::builder()
        .agent_id("7")
        .build()
        .unwrap_err();
    assert_each_text_once(&error);
    let error = switchboard_runtime::error::decode_json(b"{\"a\":").unwrap_err();
    assert_each_text_once(&error);
}

//! What a downstream crate needs to test its own code with a generated client, using only the
//! vendor crate (the runtime's path appears once, for an `http::Response` with a header):
//! errors and outputs made by hand, an in-memory transport that can be slow, `?` on a builder
//! inside a call's error type, one-step spawnable calls, the auth scheme a builder applies.

use std::time::Duration;

use switchboard_alibaba_ccc as ali;
use switchboard_huawei_agentgateway as hw;

use hw::leave_agent_conference::{Error, Request};

fn client(transport: hw::transport::InMemoryTransport) -> hw::Client {
    hw::Client::builder()
        .base_url("http://agw.test/agentgateway")
        .transport(transport)
        .retry(hw::retry::RetryPolicy::disabled())
        .without_auth()
        .build()
        .unwrap()
}

#[test]
fn documented_errors_are_made_by_code() {
    // The endpoint's own code: its variant, with the documented meaning as the message.
    let error = Error::from_documented_code("101-007").expect("documented for the endpoint");
    assert!(matches!(error, Error::ChairCannotLeave(_)), "{error:?}");
    assert_eq!(
        error.to_string(),
        "leave_agent_conference failed with code 101-007: The chairperson cannot leave the conference."
    );
    assert_eq!(error.code(), Some("101-007"));
    // A service-wide code the endpoint's page does not list.
    let service = Error::from_documented_code("000-003").expect("documented for the service");
    assert!(matches!(service, Error::Service(_)), "{service:?}");
    // Nothing is invented for an undocumented code.
    assert!(Error::from_documented_code("999-999").is_none());
}

#[test]
fn outputs_are_made_by_hand() {
    let mut held = hw::query_hold_list::QueryHoldListOutputItem::default();
    held.call_feature = Some(7);
    let mut output = hw::query_hold_list::Output::default();
    output.items.push(held);
    assert_eq!(output.items[0].call_feature, Some(7));
}

/// An application function: builds and sends in one `?`-chain.
async fn leave(client: &hw::Client, agent: &str) -> Result<(), Error> {
    let request = Request::builder().agent_id(agent).build()?;
    client.leave_agent_conference(request).await?;
    Ok(())
}

#[tokio::test]
async fn question_mark_turns_a_build_error_into_the_call_error() {
    let error = leave(&client(hw::transport::InMemoryTransport::new()), "7")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Build(_)), "{error:?}");
}

#[tokio::test]
async fn a_slow_in_memory_answer_times_out_the_call() {
    let transport = hw::transport::InMemoryTransport::new();
    transport.push_delayed(
        Duration::from_secs(5),
        200,
        r#"{"retcode":"0","message":"success","result":{}}"#,
    );
    let client = client(transport).with_timeout(Duration::from_millis(50));
    let started = std::time::Instant::now();
    let error = leave(&client, "101").await.unwrap_err();
    assert!(
        error.transport_error().is_some_and(|e| e.is_timeout()),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[test]
fn credentials_use_the_reexported_secret() {
    let password = hw::Secret::new("pw");
    let request = hw::sign_in::Request::builder()
        .agent_id("101")
        .password(password)
        .phone_num("88001")
        .build()
        .unwrap();
    assert!(!format!("{request:?}").contains("\"pw\""));
}

#[tokio::test]
async fn one_step_calls_are_spawnable() {
    let transport = hw::transport::InMemoryTransport::new();
    for _ in 0..2 {
        transport.push_body(200, r#"{"retcode":"0","message":"success","result":{}}"#);
    }
    let client = client(transport);
    // Built and sent in one step; the future owns its client clone, so it can be spawned.
    let call = Request::builder().agent_id("101").send(&client);
    tokio::spawn(call).await.unwrap().unwrap();
    let request = Request::builder().agent_id("101").build().unwrap();
    let spawned = tokio::spawn(client.leave_agent_conference(request));
    drop(client);
    spawned.await.unwrap().unwrap();
    // A build error surfaces as the call's error, without a request.
    let error = Request::builder()
        .agent_id("7")
        .send(&client_without_transport())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Build(_)), "{error:?}");
}

fn client_without_transport() -> hw::Client {
    client(hw::transport::InMemoryTransport::new())
}

#[tokio::test]
async fn the_content_type_is_the_clients_not_a_setter() {
    let transport = std::sync::Arc::new(hw::transport::InMemoryTransport::new());
    transport.push_body(200, r#"{"retcode":"0","message":"success","result":{}}"#);
    let client = hw::Client::builder()
        .base_url("http://agw.test/agentgateway")
        .transport(std::sync::Arc::clone(&transport))
        .without_auth()
        .build()
        .unwrap();
    leave(&client, "101").await.unwrap();
    let sent = transport.last_request().unwrap();
    assert_eq!(
        sent.headers()["content-type"],
        "application/json; charset=UTF-8",
        "the documented value"
    );
    // No builder offers it: the generated source has no such setter.
    let source = include_str!("../generated/rust/huawei_agentgateway/src/lib.rs");
    assert!(!source.contains("pub fn content_type("));
}

#[test]
fn base_url_variables_cannot_change_the_urls_structure() {
    let build = |ip: Option<&str>| {
        let mut builder = hw::Client::builder().transport(hw::transport::InMemoryTransport::new());
        if let Some(ip) = ip {
            builder = builder.ip(ip);
        }
        builder.build()
    };
    let client = build(Some("10.0.0.5")).expect("a plain address");
    assert_eq!(client.base_url(), "https://10.0.0.5:8043/agentgateway");
    for hostile in [
        "10.0.0.5/evil?x=",
        "10.0.0.5:99",
        "evil.test#",
        "a@b",
        "",
        " 10.0.0.5",
    ] {
        let error = build(Some(hostile)).unwrap_err();
        assert!(error.is_config(), "{error}");
        assert!(
            error
                .to_string()
                .starts_with("invalid client configuration: `ip`"),
            "{hostile:?}: {error}"
        );
    }
    let missing = build(None).unwrap_err();
    assert!(missing.is_config());
    assert_eq!(
        missing.to_string(),
        "invalid client configuration: `ip` (a base URL variable) is required: set it on the builder or give `base_url`"
    );
}

#[tokio::test]
async fn without_auth_the_documented_scheme_applies_or_the_call_fails_before_sending() {
    // The agent gateway's scheme needs no credentials: it is applied, the GUID of the sign-in
    // is captured and sent back.
    let transport = std::sync::Arc::new(hw::transport::InMemoryTransport::new());
    let mut signed_in = switchboard_runtime::http::Response::new(
        r#"{"retcode":"0","message":"success","result":{}}"#.into(),
    );
    signed_in
        .headers_mut()
        .insert("Set-GUID", "JSESSIONID=guid-1".parse().unwrap());
    transport.push_response(signed_in);
    transport.push_body(200, r#"{"retcode":"0","message":"success","result":{}}"#);
    let client = hw::Client::builder()
        .base_url("http://agw.test/agentgateway")
        .transport(std::sync::Arc::clone(&transport))
        .build()
        .unwrap();
    hw::sign_in::Request::builder()
        .agent_id("101")
        .password(hw::Secret::new("pw"))
        .phone_num("88001")
        .send(&client)
        .await
        .unwrap();
    leave(&client, "101").await.unwrap();
    assert_eq!(
        transport.last_request().unwrap().headers()["guid"],
        "guid-1"
    );

    // CCC signs with an access key: without one, nothing goes out unsigned.
    let transport = std::sync::Arc::new(ali::transport::InMemoryTransport::new());
    let client = ali::Client::builder()
        .transport(std::sync::Arc::clone(&transport))
        .build()
        .unwrap();
    let error = ali::unmute_call::Request::builder()
        .instance_id("ccc-test")
        .user_id("agent@ccc-test")
        .device_id("device")
        .send(&client)
        .await
        .unwrap_err();
    assert!(
        matches!(
            &error,
            ali::unmute_call::Error::Send(ali::auth::SendError::Auth(e))
                if e.kind() == ali::auth::AuthErrorKind::NoCredentials
        ),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("auth::signed_headers_hmac_sha256"),
        "{error}"
    );
    assert!(transport.requests().is_empty(), "nothing was sent");
}

#[test]
fn service_codes_match_whichever_list_documents_them() {
    // 101-007 is on the endpoint's page, 000-003 only in the service-wide table: both are
    // `ServiceCode`s, so a match on them survives a spec moving a code between the lists.
    let own = Error::from_documented_code("101-007").unwrap();
    let shared = Error::from_documented_code("000-003").unwrap();
    assert!(matches!(shared, Error::Service(_)));
    assert_eq!(own.service_code(), Some(hw::ServiceCode::ChairCannotLeave));
    assert_eq!(shared.service_code(), Some(hw::ServiceCode::NoPermission));
    assert_eq!(
        hw::ServiceCode::from_code("000-003").map(|c| c.as_str()),
        Some("000-003")
    );
    assert_eq!(hw::ServiceCode::from_code("999-999"), None);
    // The same code from another endpoint is the same value.
    let other = hw::sign_out::Error::from_documented_code("100-006").unwrap();
    let here = Error::from_documented_code("100-006").unwrap();
    assert_eq!(other.service_code(), here.service_code());
}

#[tokio::test]
async fn one_session_per_agent_over_one_transport() {
    // The gateway gives each signed-in agent its own GUID.
    let transport = std::sync::Arc::new(hw::transport::InMemoryTransport::from_fn(|request| {
        let path = request.uri().path().to_owned();
        let mut response = switchboard_runtime::http::Response::new(
            r#"{"retcode":"0","message":"success","result":{}}"#.into(),
        );
        if let Some(agent) = path.strip_prefix("/agentgateway/resource/onlineagent/") {
            let guid = format!("JSESSIONID=guid-{agent}");
            response
                .headers_mut()
                .insert("Set-GUID", guid.parse().expect("a header value"));
        }
        Ok(response)
    }));
    let first = hw::Client::builder()
        .base_url("http://agw.test/agentgateway")
        .transport(std::sync::Arc::clone(&transport))
        .build()
        .unwrap();
    // The second agent: same transport and options, its own session.
    let second = first.with_auth(hw::auth::session_header().unwrap());
    for (client, agent) in [(&first, "101"), (&second, "102")] {
        hw::sign_in::Request::builder()
            .agent_id(agent)
            .password(hw::Secret::new("pw"))
            .phone_num("88001")
            .send(client)
            .await
            .unwrap();
    }
    leave(&first, "101").await.unwrap();
    leave(&second, "102").await.unwrap();
    let guids: Vec<String> = transport
        .requests()
        .iter()
        .filter(|r| r.uri().path().ends_with("/requestleaveagentconf"))
        .map(|r| r.headers()["guid"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        guids,
        ["guid-101", "guid-102"],
        "neither overwrote the other"
    );
}

#[test]
fn setters_say_what_the_page_says_in_english_and_whether_build_requires_them() {
    // The CCC page is Chinese; its English rendering is in the spec: both reach the setter.
    // The setters come from `request_builder!`, each field with its setter's doc attributes.
    let source = include_str!("../generated/rust/alibaba_ccc/src/lib.rs");
    let setter = ["instance_id\n", "instance_id :"]
        .iter()
        .filter_map(|field| source.find(field))
        .min()
        .expect("the first builder's instance_id setter");
    let docs = &source[source[..setter].rfind("request_builder!(").unwrap()..setter];
    // From the end of the previous field (`= optional,` / `= required("…"),`), if any.
    let last = &docs[docs.rfind("),").or(docs.rfind("optional,")).unwrap_or(0)..];
    assert!(last.contains("实例 ID"), "{last}");
    assert!(last.contains("The instance ID."), "{last}");
    assert!(
        last.contains("Required: `build` fails without it."),
        "{last}"
    );
}

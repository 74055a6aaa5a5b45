//! End to end, over loopback: the four seed endpoints through the generated clients and their
//! reqwest transport, against a real HTTP server (axum on 127.0.0.1).
//!
//! For each seed page: the server checks that the request it receives is the one the page
//! documents (method, path with path parameters, query, documented headers, JSON body) and
//! answers with the page's sample response, which the client must decode. Then every
//! documented error code is answered in the vendor's envelope and status convention and must
//! come back as its typed variant, with `code()` and a `Display` naming code, message,
//! endpoint and request id; finally an undocumented code, a non-JSON body, a connection the
//! server drops and a port nobody listens on.

mod support;

use std::future::Future;
use std::sync::{Arc, Mutex};

use serde_json::json;
use support::{Recorded, Reply, Server, bounded, closing_server, transport, unreachable_base};
use switchboard_runtime::Secret;
use switchboard_runtime::auth::SendError;
use switchboard_runtime::response::ErrorInfo;

use switchboard_alibaba_ccc as alibaba;
use switchboard_genesys_gws as genesys;
use switchboard_huawei_agentgateway as huawei;
use switchboard_tencent_im_desk as tencent;

/// The service-wide codes an endpoint's page does not list; never none, so a loop over them
/// cannot pass without testing anything.
fn service_wide<'a>(all: &'a [ErrorInfo], listed: &[&str]) -> Vec<&'a ErrorInfo> {
    let codes: Vec<&ErrorInfo> = all.iter().filter(|i| !listed.contains(&i.code)).collect();
    assert!(!codes.is_empty(), "service-wide codes to test");
    codes
}

/// Tells whether an error is one particular variant.
type IsVariant<E> = fn(&E) -> bool;

/// A server whose every answer is whatever the test last put in the returned slot.
async fn scripted(first: Reply) -> (Server, Arc<Mutex<Reply>>) {
    let next = Arc::new(Mutex::new(first));
    let slot = Arc::clone(&next);
    let server = Server::start(move |_| slot.lock().expect("reply slot").clone()).await;
    (server, next)
}

/// Makes the server answer `reply`, calls, and returns the error the call must end in.
async fn failing_call<T, E, Fut>(next: &Mutex<Reply>, reply: Reply, call: impl Fn() -> Fut) -> E
where
    T: std::fmt::Debug,
    Fut: Future<Output = Result<T, E>>,
{
    *next.lock().expect("reply slot") = reply;
    match call().await {
        Ok(output) => panic!("expected an error, got {output:?}"),
        Err(error) => error,
    }
}

/// The checks every API error gets: its code, and a `Display` naming code, message, endpoint
/// and (where the envelope has one) request id.
fn assert_shown(shown: &str, code: &str, message: &str, endpoint: &str, request_id: Option<&str>) {
    assert!(shown.contains(code), "code {code} missing from {shown:?}");
    assert!(shown.contains(message), "message missing from {shown:?}");
    assert!(shown.contains(endpoint), "endpoint missing from {shown:?}");
    if let Some(id) = request_id {
        assert!(shown.contains(id), "request id missing from {shown:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Huawei: POST resource/agentconf/{agentid}/requestleaveagentconf
// ---------------------------------------------------------------------------------------------

/// A GUID shaped like the one in the docs' `Set-GUID` sample.
const HUAWEI_GUID: &str = "279fe21d-2caa-4437-84c3-ab9e9dae20f5.AgentGateway0";

fn huawei_client(base: &str) -> huawei::Client {
    let auth = huawei::auth::session_header().expect("the session-header scheme builds");
    auth.set_session(Secret::new(HUAWEI_GUID));
    huawei::Client::builder()
        .base_url(format!("{base}/agentgateway"))
        .transport(transport())
        .auth(auth)
        .build()
        .expect("the client builds")
}

fn huawei_leave_request() -> huawei::leave_agent_conference::Request {
    huawei::leave_agent_conference::Request::builder()
        .agent_id("101")
        .build()
        .expect("agent id 101 is in range")
}

fn huawei_envelope(retcode: &str, message: &str) -> Reply {
    Reply::json(200, &json!({"message": message, "retcode": retcode}))
}

#[tokio::test]
async fn huawei_leave_agent_conference_sends_the_documented_request() {
    bounded(async {
        let server = Server::start(|_| {
            Reply::json(
                200,
                &json!({"result": {}, "message": "success", "retcode": "0"}),
            )
        })
        .await;
        let client = huawei_client(&server.base());
        let output = client
            .leave_agent_conference(huawei_leave_request())
            .await
            .expect("the documented success envelope decodes");
        // The payload is the reserved `{}`; the envelope's own fields are readable.
        let mut output = output;
        let envelope = output.envelope.take().expect("the envelope is read");
        assert_eq!(envelope.retcode, "0");
        assert_eq!(envelope.message.as_deref(), Some("success"));
        assert_eq!(output, huawei::leave_agent_conference::Output::default());

        let request = server.single_request();
        assert_eq!(request.method, "POST");
        assert_eq!(
            request.path,
            "/agentgateway/resource/agentconf/101/requestleaveagentconf"
        );
        assert_eq!(request.raw_query, None);
        assert_eq!(request.header_count("content-type"), 1);
        assert_eq!(
            request.header("content-type"),
            Some("application/json; charset=UTF-8")
        );
        assert_eq!(request.header_count("guid"), 1);
        assert_eq!(request.header("guid"), Some(HUAWEI_GUID));
        assert!(request.body.is_empty(), "the page documents no body");
    })
    .await;
}

#[tokio::test]
async fn huawei_leave_agent_conference_errors_decode_to_their_variants() {
    use huawei::leave_agent_conference as op;
    bounded(async {
        let (server, next) = scripted(huawei_envelope("0", "success")).await;
        let client = huawei_client(&server.base());
        let call = || client.leave_agent_conference(huawei_leave_request());

        // Every code the page lists: HTTP 200 and the code in `retcode` (VENDORS.md C.1).
        let documented: &[(&str, IsVariant<op::Error>)] = &[
            ("000-002", |e| matches!(e, op::Error::InvalidParameter(_))),
            ("100-006", |e| matches!(e, op::Error::NotSignedIn(_))),
            ("100-007", |e| {
                matches!(e, op::Error::AgentOperationException(_))
            }),
            ("101-001", |e| matches!(e, op::Error::NoConference(_))),
            ("101-007", |e| matches!(e, op::Error::ChairCannotLeave(_))),
        ];
        let listed: Vec<&str> = op::ERRORS.iter().map(|i| i.code).collect();
        let covered: Vec<&str> = documented.iter().map(|(c, _)| *c).collect();
        assert!(!listed.is_empty(), "the page lists codes to test");
        assert_eq!(covered, listed, "every documented code is tested");
        for (code, is_variant) in documented {
            let message = format!("failure {code} from the gateway");
            let error = failing_call(&next, huawei_envelope(code, &message), call).await;
            assert!(is_variant(&error), "{code} decoded as {error:?}");
            assert_eq!(error.code(), Some(*code));
            assert!(!error.is_retryable());
            assert_shown(&error.to_string(), code, &message, op::ID, None);
        }

        // The service-wide codes the page does not list.
        for info in service_wide(&huawei::ERRORS, &listed) {
            let message = format!("failure {} from the gateway", info.code);
            let error = failing_call(&next, huawei_envelope(info.code, &message), call).await;
            assert!(matches!(error, op::Error::Service(_)), "{error:?}");
            assert_eq!(error.code(), Some(info.code));
            assert_shown(&error.to_string(), info.code, &message, op::ID, None);
        }

        let error = failing_call(&next, huawei_envelope("999-999", "unheard of"), call).await;
        assert!(matches!(error, op::Error::Undocumented(_)), "{error:?}");
        assert_eq!(error.code(), Some("999-999"));
        assert_shown(&error.to_string(), "999-999", "unheard of", op::ID, None);

        let error = failing_call(&next, Reply::text(200, "<html>maintenance</html>"), call).await;
        assert!(matches!(error, op::Error::Decode(_)), "{error:?}");
        assert!(error.to_string().contains(op::ID), "{error}");

        // A proxy's error page: no code, the HTTP status is what is left.
        let error = failing_call(&next, Reply::text(502, "Bad Gateway"), call).await;
        assert!(matches!(error, op::Error::Undocumented(_)), "{error:?}");
        assert_eq!(error.api_error().map(|e| e.status()), Some(502));
        assert!(error.to_string().contains("502"), "{error}");
    })
    .await;
}

#[tokio::test]
async fn huawei_transport_failures_are_send_errors() {
    use huawei::leave_agent_conference as op;
    bounded(async {
        let client = huawei_client(&closing_server().await);
        let error = client
            .leave_agent_conference(huawei_leave_request())
            .await
            .expect_err("the server closes the connection");
        assert!(
            matches!(error, op::Error::Send(SendError::Transport(_))),
            "{error:?}"
        );
        assert!(error.to_string().contains(op::ID), "{error}");

        let client = huawei_client(&unreachable_base().await);
        let error = client
            .leave_agent_conference(huawei_leave_request())
            .await
            .expect_err("nothing listens");
        assert!(
            matches!(&error, op::Error::Send(SendError::Transport(t)) if t.is_connect()),
            "{error:?}"
        );
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// Genesys: POST /api/v2/me/calls/{id} {"operationName": "RemoveParticipantFromConference", …}
// ---------------------------------------------------------------------------------------------

const GENESYS_CALL_ID: &str = "01RCC3N118B1V0SL8O7GK2LAES00000O";

/// The client through the base URL template (`{scheme}://{host}:{port}/api/v2`), no auth: the
/// seed page documents the operation, the auth tests cover Basic + CSRF.
fn genesys_client(host: &str, port: u16) -> genesys::Client {
    genesys::Client::builder()
        .scheme("http")
        .host(host)
        .port(port.to_string())
        .transport(transport())
        .without_auth()
        .build()
        .expect("the client builds")
}

fn genesys_request() -> genesys::remove_participant_from_conference::Request {
    genesys::remove_participant_from_conference::Request::builder()
        .id(GENESYS_CALL_ID)
        .participant("15001")
        .build()
        .expect("id and participant are set")
}

#[tokio::test]
async fn genesys_remove_participant_sends_the_documented_request() {
    bounded(async {
        let server = Server::start(|_| Reply::json(200, &json!({"statusCode": 0}))).await;
        let client = genesys_client("127.0.0.1", server.port());
        assert_eq!(
            client.base_url(),
            format!("http://127.0.0.1:{}/api/v2", server.port())
        );
        let output = client
            .remove_participant_from_conference(genesys_request())
            .await
            .expect("the documented response decodes");
        let mut output = output;
        let envelope = output.envelope.take().expect("the envelope is read");
        assert_eq!(envelope.status_code, 0);
        assert_eq!(
            output,
            genesys::remove_participant_from_conference::Output::default()
        );

        let request = server.single_request();
        // The page: `POST api/v2/me/calls/01RCC3N118B1V0SL8O7GK2LAES00000O`.
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, format!("/api/v2/me/calls/{GENESYS_CALL_ID}"));
        assert_eq!(request.raw_query, None);
        assert_eq!(request.header("content-type"), Some("application/json"));
        assert_eq!(
            request.json(),
            json!({"operationName": "RemoveParticipantFromConference", "participant": "15001"})
        );
    })
    .await;
}

#[tokio::test]
async fn genesys_remove_participant_errors_decode_to_their_variants() {
    use genesys::remove_participant_from_conference as op;
    bounded(async {
        let (server, next) = scripted(Reply::json(200, &json!({"statusCode": 0}))).await;
        let client = genesys_client("127.0.0.1", server.port());
        let call = || client.remove_participant_from_conference(genesys_request());

        // The page lists no codes of its own; the service's statusCode table (1–20) applies.
        assert!(op::ERRORS.is_empty());
        let codes: Vec<&str> = genesys::ERRORS.iter().map(|i| i.code).collect();
        for code in 1..=20 {
            assert!(
                codes.contains(&code.to_string().as_str()),
                "statusCode {code}"
            );
        }
        for info in genesys::ERRORS.iter() {
            let message = format!("status {} from GWS", info.code);
            let body = json!({"statusCode": info.code.parse::<i64>().expect("integer codes"),
                              "statusMessage": message});
            let error = failing_call(&next, Reply::json(200, &body), call).await;
            assert!(matches!(error, op::Error::Service(_)), "{error:?}");
            assert_eq!(error.code(), Some(info.code));
            assert_eq!(error.api_error().and_then(|e| e.info()), Some(info));
            assert_shown(&error.to_string(), info.code, &message, op::ID, None);
        }

        let body = json!({"statusCode": 99, "statusMessage": "unheard of"});
        let error = failing_call(&next, Reply::json(200, &body), call).await;
        assert!(matches!(error, op::Error::Undocumented(_)), "{error:?}");
        assert_eq!(error.code(), Some("99"));
        assert_shown(&error.to_string(), "99", "unheard of", op::ID, None);

        let error = failing_call(&next, Reply::text(200, "accepted"), call).await;
        assert!(matches!(error, op::Error::Decode(_)), "{error:?}");
        assert!(error.to_string().contains(op::ID), "{error}");
    })
    .await;
}

#[tokio::test]
async fn genesys_transport_failures_are_send_errors() {
    use genesys::remove_participant_from_conference as op;
    bounded(async {
        for (base, must_be_connect) in [
            (closing_server().await, false),
            (unreachable_base().await, true),
        ] {
            let port: u16 = base
                .rsplit(':')
                .next()
                .and_then(|p| p.parse().ok())
                .expect("a port");
            let error = genesys_client("127.0.0.1", port)
                .remove_participant_from_conference(genesys_request())
                .await
                .expect_err("no answer");
            match &error {
                op::Error::Send(SendError::Transport(t)) => {
                    assert!(!must_be_connect || t.is_connect(), "{t:?}");
                }
                other => panic!("expected a transport failure, got {other:?}"),
            }
        }
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// Tencent: POST /v4/desk_http_svc/end_session?sdkappid=…&identifier=…&usersig=…&random=…&contenttype=json
// ---------------------------------------------------------------------------------------------

/// The key of the official SDKs' tests (VENDORS.md A.3).
const TENCENT_KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const TENCENT_SESSION: &str = "b0f4ca12-4850-4218-a284-efe679a87066";

fn tencent_client(base: &str) -> tencent::Client {
    tencent::Client::builder()
        .base_url(base)
        .transport(transport())
        .auth(tencent::auth::tls_sig_query(
            88888888,
            "admin",
            Secret::new(TENCENT_KEY),
        ))
        .build()
        .expect("the client builds")
}

fn tencent_request() -> tencent::end_session::Request {
    tencent::end_session::Request::builder()
        .session_id(TENCENT_SESSION)
        .build()
        .expect("SessionId is optional")
}

fn tencent_envelope(code: i64, info: &str) -> Reply {
    let status = if code == 0 { "OK" } else { "FAIL" };
    Reply::json(
        200,
        &json!({"ActionStatus": status, "ErrorInfo": info, "ErrorCode": code}),
    )
}

#[tokio::test]
async fn tencent_end_session_sends_the_documented_request() {
    bounded(async {
        let server = Server::start(|_| tencent_envelope(0, "")).await;
        let output = tencent_client(&server.base())
            .end_session(tencent_request())
            .await
            .expect("the documented response decodes");
        let mut output = output;
        let envelope = output.envelope.take().expect("the envelope is read");
        assert_eq!(envelope.error_code, Some(0));
        assert_eq!(envelope.error_info.as_deref(), Some(""));
        assert_eq!(output, tencent::end_session::Output::default());

        let request: Recorded = server.single_request();
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, "/v4/desk_http_svc/end_session");
        // `?sdkappid=88888888&identifier=admin&usersig=xxx&random=99999999&contenttype=json`:
        // the same parameters, once each; usersig and random are made per request.
        let mut names: Vec<&str> = request.query.iter().map(|(n, _)| n.as_str()).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            ["contenttype", "identifier", "random", "sdkappid", "usersig"]
        );
        assert_eq!(request.query_value("sdkappid"), Some("88888888"));
        assert_eq!(request.query_value("identifier"), Some("admin"));
        assert_eq!(request.query_value("contenttype"), Some("json"));
        let random = request.query_value("random").expect("random");
        random
            .parse::<u32>()
            .unwrap_or_else(|_| panic!("random {random} is a 32-bit unsigned integer"));
        assert!(!request.query_value("usersig").expect("usersig").is_empty());
        assert_eq!(request.header("content-type"), Some("application/json"));
        assert_eq!(request.json(), json!({"SessionId": TENCENT_SESSION}));
    })
    .await;
}

#[tokio::test]
async fn tencent_end_session_errors_decode_to_their_variants() {
    use tencent::end_session as op;
    bounded(async {
        let (server, next) = scripted(tencent_envelope(0, "")).await;
        let client = tencent_client(&server.base());
        let call = || client.end_session(tencent_request());

        // "Unless a network error occurs, the HTTP return code of this API is 200."
        let documented: &[(&str, bool, IsVariant<op::Error>)] = &[
            ("141002", true, |e| matches!(e, op::Error::InternalError(_))),
            ("141004", false, |e| {
                matches!(e, op::Error::InvalidParameter(_))
            }),
            ("141005", false, |e| {
                matches!(e, op::Error::SessionNotFound(_))
            }),
        ];
        let listed: Vec<&str> = op::ERRORS.iter().map(|i| i.code).collect();
        let covered: Vec<&str> = documented.iter().map(|(c, _, _)| *c).collect();
        assert!(!listed.is_empty(), "the page lists codes to test");
        assert_eq!(covered, listed, "every documented code is tested");
        for (code, retryable, is_variant) in documented {
            let info = op::ERRORS
                .iter()
                .find(|i| i.code == *code)
                .and_then(|i| i.meaning)
                .expect("the page describes each code (its Description column)");
            let error = failing_call(
                &next,
                tencent_envelope(code.parse().expect("integer code"), info),
                call,
            )
            .await;
            assert!(is_variant(&error), "{code} decoded as {error:?}");
            assert_eq!(error.code(), Some(*code));
            assert_eq!(error.is_retryable(), *retryable, "{code}");
            assert_shown(&error.to_string(), code, info, op::ID, None);
        }

        for info in service_wide(&tencent::ERRORS, &listed) {
            let message = format!("common error {}", info.code);
            let reply = tencent_envelope(info.code.parse().expect("integer code"), &message);
            let error = failing_call(&next, reply, call).await;
            assert!(matches!(error, op::Error::Service(_)), "{error:?}");
            assert_eq!(error.code(), Some(info.code));
            assert_eq!(error.is_retryable(), info.retryable, "{}", info.code);
            assert_shown(&error.to_string(), info.code, &message, op::ID, None);
        }

        let error = failing_call(&next, tencent_envelope(99999, "unheard of"), call).await;
        assert!(matches!(error, op::Error::Undocumented(_)), "{error:?}");
        assert_eq!(error.code(), Some("99999"));

        let error = failing_call(&next, Reply::text(200, "OK"), call).await;
        assert!(matches!(error, op::Error::Decode(_)), "{error:?}");

        // The one non-200 the page mentions: a network error such as 502.
        let error = failing_call(&next, Reply::text(502, "Bad Gateway"), call).await;
        assert!(matches!(error, op::Error::Undocumented(_)), "{error:?}");
        assert_eq!(error.api_error().map(|e| e.status()), Some(502));
    })
    .await;
}

#[tokio::test]
async fn tencent_transport_failures_are_send_errors() {
    use tencent::end_session as op;
    bounded(async {
        let error = tencent_client(&closing_server().await)
            .end_session(tencent_request())
            .await
            .expect_err("the server closes the connection");
        assert!(
            matches!(error, op::Error::Send(SendError::Transport(_))),
            "{error:?}"
        );
        let error = tencent_client(&unreachable_base().await)
            .end_session(tencent_request())
            .await
            .expect_err("nothing listens");
        assert!(
            matches!(&error, op::Error::Send(SendError::Transport(t)) if t.is_connect()),
            "{error:?}"
        );
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// Alibaba: UnmuteCall (RPC, POST /, parameters in the query)
// ---------------------------------------------------------------------------------------------

const ALIBABA_CHANNEL: &str = "ch:user:1390501****->8032****:1609138902226:job-6538214103685****";
const ALIBABA_REQUEST_ID: &str = "EEEE671A-3E24-4A04-81E6-6C4F5B39DF75";

fn alibaba_client(base: &str) -> alibaba::Client {
    alibaba::Client::builder()
        .base_url(base)
        .transport(transport())
        .auth(alibaba::auth::signed_headers_hmac_sha256(
            "seed-access-key-id",
            Secret::new("seed-access-key-secret"),
        ))
        .build()
        .expect("the client builds")
}

fn alibaba_request() -> alibaba::unmute_call::Request {
    alibaba::unmute_call::Request::builder()
        .instance_id("ccc-test")
        .user_id("agent@ccc-test")
        .device_id("device")
        .job_id("job-6538214103685****")
        .channel_id(ALIBABA_CHANNEL)
        .build()
        .expect("the sample values are valid")
}

/// The page's 正常返回示例, verbatim.
fn alibaba_sample_response() -> serde_json::Value {
    json!({
        "Code": "OK",
        "HttpStatusCode": 200,
        "Message": "无",
        "RequestId": ALIBABA_REQUEST_ID,
        "Params": ["无"],
        "Data": {
            "CallContext": {
                "CallType": "OUTBOUND",
                "InstanceId": "ccc-test",
                "JobId": "job-6538214103685****",
                "ChannelContexts": [{
                    "Index": 1,
                    "ReleaseInitiator": "1390501****",
                    "ChannelState": "CREATED",
                    "Destination": "1390501****",
                    "UserId": "agent@ccc-test",
                    "ChannelFlags": "MONITORING",
                    "SkillGroupId": "skillgroup@ccc-test",
                    "Timestamp": 1609138903315_i64,
                    "ReleaseReason": "404 - No destination",
                    "CallType": "OUTBOUND",
                    "JobId": "job-6538214103685****",
                    "ChannelId": ALIBABA_CHANNEL,
                    "UserExtension": "8032****",
                    "Originator": "0830019****"
                }]
            },
            "UserContext": {
                "Heartbeat": 1609136956378_i64,
                "Extension": "8032****",
                "WorkMode": "ON_SITE",
                "Mobile": "1324730****",
                "DeviceId": "ACC-YUNBS-1.0.10-****",
                "JobId": "job-6538214103685****",
                "UserId": "agent@ccc-test",
                "BreakCode": "Warm-up",
                "InstanceId": "ccc-test",
                "OutboundScenario": false,
                "UserState": "TALKING",
                "SignedSkillGroupIdList": ["skillgroup1@ccc-test"]
            }
        }
    })
}

#[tokio::test]
async fn alibaba_unmute_call_sends_the_documented_request() {
    bounded(async {
        let server = Server::start(|_| Reply::json(200, &alibaba_sample_response())).await;
        let output = alibaba_client(&server.base())
            .unmute_call(alibaba_request())
            .await
            .expect("the documented response decodes");

        // The decoded output is the sample's `Data`, field for field.
        assert_eq!(
            serde_json::to_value(&output).expect("the output serializes"),
            alibaba_sample_response()["Data"]
        );
        let call = output.call_context.as_ref().expect("CallContext");
        assert_eq!(call.job_id.as_deref(), Some("job-6538214103685****"));
        assert_eq!(call.call_type.as_deref(), Some("OUTBOUND"));
        let user = output.user_context.as_ref().expect("UserContext");
        assert_eq!(user.user_id.as_deref(), Some("agent@ccc-test"));
        assert_eq!(user.heartbeat, Some(1609136956378));

        let request = server.single_request();
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, "/");
        let expected: Vec<(String, String)> = [
            ("ChannelId", ALIBABA_CHANNEL),
            ("DeviceId", "device"),
            ("InstanceId", "ccc-test"),
            ("JobId", "job-6538214103685****"),
            ("UserId", "agent@ccc-test"),
        ]
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
        // ACS3 (the default scheme) carries Action and Version as headers.
        assert_eq!(request.sorted_query(), expected);
        assert_eq!(request.header("x-acs-action"), Some("UnmuteCall"));
        assert_eq!(request.header("x-acs-version"), Some("2020-07-01"));
        assert!(request.body.is_empty());
    })
    .await;
}

#[tokio::test]
async fn alibaba_unmute_call_errors_decode_to_their_variants() {
    use alibaba::unmute_call as op;
    bounded(async {
        let (server, next) = scripted(Reply::json(200, &alibaba_sample_response())).await;
        let client = alibaba_client(&server.base());
        let call = || client.unmute_call(alibaba_request());
        let error_body = |status: u16, code: &str, message: &str, request_id: &str| {
            Reply::json(
                status,
                &json!({"RequestId": request_id, "HostId": "ccc.cn-shanghai.aliyuncs.com",
                        "Code": code, "Message": message, "HttpStatusCode": status}),
            )
        };

        // Business errors: the documented HTTP status and the dotted code (VENDORS.md C.4).
        let documented: &[(&str, IsVariant<op::Error>)] = &[
            ("Parameter.Blank", |e| {
                matches!(e, op::Error::ParameterBlank(_))
            }),
            ("InvalidOperation.ChannelState", |e| {
                matches!(e, op::Error::InvalidOperationChannelState(_))
            }),
            ("InvalidOperation.UserState", |e| {
                matches!(e, op::Error::InvalidOperationUserState(_))
            }),
            ("NotExists.ChannelId", |e| {
                matches!(e, op::Error::NotExistsChannelId(_))
            }),
            ("NotExists.InstanceId", |e| {
                matches!(e, op::Error::NotExistsInstanceId(_))
            }),
            ("NotExists.JobId", |e| {
                matches!(e, op::Error::NotExistsJobId(_))
            }),
            ("InternalService.CTI", |e| {
                matches!(e, op::Error::InternalServiceCti(_))
            }),
        ];
        let listed: Vec<&str> = op::ERRORS.iter().map(|i| i.code).collect();
        let covered: Vec<&str> = documented.iter().map(|(c, _)| *c).collect();
        assert!(!listed.is_empty(), "the page lists codes to test");
        assert_eq!(covered, listed, "every documented code is tested");
        for (n, (code, is_variant)) in documented.iter().enumerate() {
            let info = op::ERRORS.iter().find(|i| i.code == *code).expect("listed");
            let status = info.http_status.expect("the page gives each code a status");
            let message = info
                .message
                .expect("the page gives each code a message")
                .replace("%s", "ccc-test");
            let request_id = format!("REQ-{n}-{code}");
            let reply = error_body(status, code, &message, &request_id);
            let error = failing_call(&next, reply, call).await;
            assert!(is_variant(&error), "{code} decoded as {error:?}");
            assert_eq!(error.code(), Some(*code));
            let api = error.api_error().expect("an API error");
            assert_eq!(api.status(), status);
            assert_eq!(api.request_id(), Some(request_id.as_str()));
            assert_shown(
                &error.to_string(),
                code,
                &message,
                op::ID,
                Some(&request_id),
            );
        }

        // Gateway-level codes of every RPC product.
        for info in service_wide(&alibaba::ERRORS, &listed) {
            let status = info.http_status.unwrap_or(404);
            let message = format!("gateway says {}", info.code);
            let request_id = format!("REQ-{}", info.code);
            let reply = error_body(status, info.code, &message, &request_id);
            let error = failing_call(&next, reply, call).await;
            assert!(matches!(error, op::Error::Service(_)), "{error:?}");
            assert_eq!(error.code(), Some(info.code));
            assert_shown(
                &error.to_string(),
                info.code,
                &message,
                op::ID,
                Some(&request_id),
            );
        }

        let reply = error_body(400, "Unheard.Of", "unheard of", "REQ-U");
        let error = failing_call(&next, reply, call).await;
        assert!(matches!(error, op::Error::Undocumented(_)), "{error:?}");
        assert_eq!(error.code(), Some("Unheard.Of"));
        assert_shown(
            &error.to_string(),
            "Unheard.Of",
            "unheard of",
            op::ID,
            Some("REQ-U"),
        );

        let error = failing_call(&next, Reply::text(200, "<Code>OK</Code>"), call).await;
        assert!(matches!(error, op::Error::Decode(_)), "{error:?}");
        assert!(error.to_string().contains(op::ID), "{error}");
    })
    .await;
}

#[tokio::test]
async fn alibaba_transport_failures_are_send_errors() {
    use alibaba::unmute_call as op;
    bounded(async {
        let error = alibaba_client(&closing_server().await)
            .unmute_call(alibaba_request())
            .await
            .expect_err("the server closes the connection");
        assert!(
            matches!(error, op::Error::Send(SendError::Transport(_))),
            "{error:?}"
        );
        let error = alibaba_client(&unreachable_base().await)
            .unmute_call(alibaba_request())
            .await
            .expect_err("nothing listens");
        assert!(
            matches!(&error, op::Error::Send(SendError::Transport(t)) if t.is_connect()),
            "{error:?}"
        );
    })
    .await;
}

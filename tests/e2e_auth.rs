//! End to end, over loopback: each vendor's auth scheme through the generated client and the
//! reqwest transport, against a server that checks credentials the way the vendor documents.
//!
//! The emulated servers (`support::vendors`) never call the runtime's signing code: Basic
//! credentials, UserSig tickets and both Alibaba signatures are re-computed in
//! `support::verify` with `hmac`, `sha1`, `sha2`, `base64` and `flate2` straight from the
//! algorithms in VENDORS.md, and the two signature verifiers are first checked here against
//! Alibaba's published worked examples (VENDORS.md D.1 and D.2).
//! Every test ends by checking that no secret it used (password, GUID, CSRF token, session
//! cookie, Tencent key, UserSig, AccessKeySecret) shows in the `Debug` of the client or the
//! auth object, nor in the `Display`/`Debug` of any error the test saw.

mod support;

use std::sync::{Arc, Mutex};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;
use support::vendors::*;
use support::verify::{acs3, parse_utc, rpc_signature};
use support::{
    Recorded, Server, assert_no_secrets, bounded, error_texts, lock, transport, unix_now,
};
use switchboard_runtime::Secret;
use switchboard_runtime::auth::{Auth, ManualClock, SendError};

use switchboard_alibaba_ccc as alibaba;
use switchboard_genesys_gws as genesys;
use switchboard_huawei_agentgateway as huawei;
use switchboard_tencent_im_desk as tencent;

// =============================================================================================
// Huawei: `Set-GUID: JSESSIONID=<guid>` from sign-in and (AUTHMODE 2) from event polling,
// sent back as `Guid`.
// =============================================================================================

fn huawei_client(
    base: &str,
    auth: &Arc<switchboard_runtime::auth::SessionHeaderAuth>,
) -> huawei::Client {
    huawei::Client::builder()
        .base_url(format!("{base}/agentgateway"))
        .transport(transport())
        .auth(Arc::clone(auth))
        .build()
        .expect("the client builds")
}

fn leave() -> huawei::leave_agent_conference::Request {
    huawei::leave_agent_conference::Request::builder()
        .agent_id("101")
        .build()
        .expect("valid")
}

fn poll() -> huawei::poll_events::Request {
    huawei::poll_events::Request::builder()
        .agent_id("101")
        .build()
        .expect("valid")
}

fn session_of(auth: &switchboard_runtime::auth::SessionHeaderAuth) -> Option<String> {
    auth.session().map(|s| s.expose().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huawei_guid_from_sign_in_and_polling() {
    bounded(async {
        let gateway = Arc::new(Mutex::new(Gateway::default()));
        let state = Arc::clone(&gateway);
        let server = Server::start(move |request| lock(&state).answer(request)).await;
        let auth = Arc::new(huawei::auth::session_header().expect("scheme builds"));
        let client = huawei_client(&server.base(), &auth);
        let mut errors: Vec<String> = Vec::new();

        // Before sign-in there is no GUID: the call needs one, so it fails before sending
        // (the gateway would only answer 100-006).
        let error = client
            .leave_agent_conference(leave())
            .await
            .expect_err("not signed in");
        assert!(
            matches!(
                &error,
                huawei::leave_agent_conference::Error::Send(SendError::Auth(e))
                    if e.kind() == switchboard_runtime::auth::AuthErrorKind::NoSession
            ),
            "{error:?}"
        );
        errors.extend(error_texts(&error));
        assert!(server.take_requests().is_empty(), "nothing was sent");

        // A wrong password (with the optional fields set): 100-004, and no GUID.
        let wrong = huawei::sign_in::Request::builder()
            .agent_id("101")
            .password("not-the-password")
            .phone_num("88880001")
            .agent_type(huawei::sign_in::SignInAgentType::PcPhoneVideo)
            .status(huawei::sign_in::SignInStatus::Busy)
            .auto_answer(false)
            .call_back_uri("https://agent.example.invalid/events")
            .service_token("push-token-4f1e")
            .build()
            .expect("valid");
        let error = client.sign_in(wrong).await.expect_err("wrong password");
        assert!(
            matches!(error, huawei::sign_in::Error::WrongUserOrPassword(_)),
            "{error:?}"
        );
        errors.extend(error_texts(&error));
        assert_eq!(session_of(&auth), None);
        let body = server.single_request().json();
        assert_eq!(
            (&body["agenttype"], &body["status"], &body["autoanswer"]),
            (&json!(11), &json!(3), &json!(false))
        );
        assert_eq!(body["callBackUri"], "https://agent.example.invalid/events");
        assert_eq!(body["serviceToken"], "push-token-4f1e");

        // Sign-in: PUT onlineagent/101 without Guid; the answer's Set-GUID is captured.
        let sign_in = huawei::sign_in::Request::builder()
            .agent_id("101")
            .password(HW_PASSWORD)
            .phone_num("88880001")
            .build()
            .expect("valid");
        client.sign_in(sign_in).await.expect("signed in");
        let request = server.single_request();
        assert_eq!(request.method, "PUT");
        assert_eq!(request.path, format!("{HW_BASE}/onlineagent/101"));
        assert_eq!(request.header("guid"), None, "no Guid header on sign-in");
        assert_eq!(
            request.header("content-type"),
            Some("application/json; charset=UTF-8")
        );
        // The two required fields; the optional ones are either left to the server or sent
        // with their documented defaults.
        let body = request.json();
        assert_eq!(body["password"], HW_PASSWORD);
        assert_eq!(body["phonenum"], "88880001");
        let defaults = json!({"autoanswer": true, "autoenteridle": true, "releasephone": true,
                              "agenttype": 4, "status": 4, "ip": "127.0.0.1",
                              "phonelinkage": false, "checkInWebm": true,
                              "checkInMailm": false, "listenStatus": false});
        for (name, value) in body.as_object().expect("a JSON object") {
            if name != "password" && name != "phonenum" {
                assert_eq!(Some(value), defaults.get(name), "body field {name}");
            }
        }
        assert_eq!(session_of(&auth).as_deref(), Some(HW_GUIDS[0]));

        // The GUID goes out as `Guid` and the gateway accepts it.
        client
            .leave_agent_conference(leave())
            .await
            .expect("accepted");
        assert_eq!(server.single_request().header("guid"), Some(HW_GUIDS[0]));

        // A poll without a renewal keeps the GUID.
        client.poll_events(poll()).await.expect("polled");
        assert_eq!(server.single_request().header("guid"), Some(HW_GUIDS[0]));
        assert_eq!(session_of(&auth).as_deref(), Some(HW_GUIDS[0]));

        // AUTHMODE 2: a poll answer carrying Set-GUID switches the client to the new GUID.
        lock(&gateway).rotate_on_poll = true;
        client.poll_events(poll()).await.expect("polled");
        server.take_requests();
        assert_eq!(session_of(&auth).as_deref(), Some(HW_GUIDS[1]));
        client
            .leave_agent_conference(leave())
            .await
            .expect("accepted with the new GUID");
        assert_eq!(server.single_request().header("guid"), Some(HW_GUIDS[1]));

        // The old GUID is now stale: a client still holding it gets 100-006.
        let stale_auth = Arc::new(huawei::auth::session_header().expect("scheme builds"));
        stale_auth.set_session(Secret::new(HW_GUIDS[0]));
        let stale = huawei_client(&server.base(), &stale_auth);
        let error = stale
            .leave_agent_conference(leave())
            .await
            .expect_err("stale GUID");
        assert!(
            matches!(error, huawei::leave_agent_conference::Error::NotSignedIn(_)),
            "{error:?}"
        );
        assert_eq!(error.code(), Some("100-006"));
        errors.extend(error_texts(&error));
        assert_eq!(server.single_request().header("guid"), Some(HW_GUIDS[0]));

        // Renewed once more, then concurrent calls all carry the newest GUID.
        lock(&gateway).rotate_on_poll = true;
        client.poll_events(poll()).await.expect("polled");
        server.take_requests();
        let calls: Vec<_> = (0..8)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { client.leave_agent_conference(leave()).await })
            })
            .collect();
        for call in calls {
            call.await.expect("the task ran").expect("accepted");
        }
        let seen = server.take_requests();
        assert_eq!(seen.len(), 8);
        for request in &seen {
            assert_eq!(request.header_count("guid"), 1);
            assert_eq!(request.header("guid"), Some(HW_GUIDS[2]));
        }

        // Sign-out with the current GUID; after forgetting it, calls are refused again.
        let sign_out = huawei::sign_out::Request::builder()
            .agent_id("101")
            .build()
            .expect("valid");
        client.sign_out(sign_out).await.expect("signed out");
        let request = server.single_request();
        assert_eq!(
            (request.method.as_str(), request.path.as_str()),
            ("DELETE", "/agentgateway/resource/onlineagent/101/logout")
        );
        assert_eq!(request.header("guid"), Some(HW_GUIDS[2]));
        auth.clear_session();
        let error = client
            .leave_agent_conference(leave())
            .await
            .expect_err("signed out");
        assert!(
            matches!(
                &error,
                huawei::leave_agent_conference::Error::Send(SendError::Auth(e))
                    if e.kind() == switchboard_runtime::auth::AuthErrorKind::NoSession
            ),
            "{error:?}"
        );
        errors.extend(error_texts(&error));

        let mut texts = errors;
        texts.push(format!("{client:?}"));
        texts.push(format!("{auth:?}"));
        auth.set_session(Secret::new(HW_GUIDS[2]));
        texts.push(format!("{client:?}"));
        texts.push(format!("{auth:?}"));
        let mut secrets = vec![HW_PASSWORD, "not-the-password", "push-token-4f1e"];
        secrets.extend(HW_GUIDS);
        assert_no_secrets("huawei", &texts, &secrets);
    })
    .await;
}

/// The poll answer is the service's event frame; `events::decode` reads it.
#[test]
fn huawei_poll_frame_is_the_event_envelope() {
    let frame = json!({"message": "", "retcode": "0", "event": {
        "eventType": "AgentConf_ParticipantChanged", "workNo": "154",
        "content": {"result": 0, "changeType": 3, "confId": 1031168, "participant": "154"}}});
    let event = huawei::events::decode(&serde_json::to_vec(&frame).expect("serializes"))
        .expect("the frame decodes");
    match event {
        huawei::events::Event::AgentConfParticipantChanged(changed) => {
            assert_eq!(changed.conf_id, Some(1031168));
        }
        other => panic!("unexpected event {other:?}"),
    }
}

/// The sign-in password is a body field marked `secret: true` in the spec: it must appear
/// neither in the request's `Debug` nor in the `BuildError` of a too-long value (a field
/// without the mark was a plain `String`, printed in both).
#[test]
fn huawei_sign_in_password_is_never_printed() {
    let request = huawei::sign_in::Request::builder()
        .agent_id("101")
        .password(HW_PASSWORD)
        .phone_num("88880001")
        .build()
        .expect("valid");
    let too_long = "Agent#Pass-7731-but-far-too-long-for-32";
    let error = huawei::sign_in::Request::builder()
        .agent_id("101")
        .password(too_long)
        .phone_num("88880001")
        .build()
        .expect_err("longer than 32 characters");
    let texts = vec![
        format!("{request:?}"),
        error.to_string(),
        format!("{error:?}"),
    ];
    assert_no_secrets("sign-in request", &texts, &[HW_PASSWORD, too_long]);
}

// =============================================================================================
// Genesys: HTTP Basic, JSESSIONID cookie, X-CSRF-HEADER / X-CSRF-TOKEN from GET /api/v2/me.
// =============================================================================================

fn gws_client(port: u16, auth: impl Auth) -> genesys::Client {
    genesys::Client::builder()
        .port(port.to_string())
        .transport(transport())
        .auth(auth)
        .build()
        .expect("the client builds")
}

fn remove() -> genesys::remove_participant_from_conference::Request {
    genesys::remove_participant_from_conference::Request::builder()
        .id("01RCC3N118B1V0SL8O7GK2LAES00000O")
        .participant("15001")
        .build()
        .expect("valid")
}

fn summary(requests: &[Recorded]) -> Vec<String> {
    requests
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

#[tokio::test]
async fn genesys_basic_cookie_and_csrf_with_one_refresh_and_retry() {
    const POST: &str = "POST /api/v2/me/calls/01RCC3N118B1V0SL8O7GK2LAES00000O";
    const ME: &str = "GET /api/v2/me";
    bounded(async {
        let gws = Arc::new(Mutex::new(Gws::default()));
        let state = Arc::clone(&gws);
        let server = Server::start(move |request| lock(&state).answer(request)).await;
        let base = format!("http://127.0.0.1:{}/api/v2", server.port());
        let auth = Arc::new(
            genesys::auth::basic_csrf(GWS_USER, Secret::new(GWS_PASSWORD)).expect("scheme builds"),
        );
        let client = gws_client(server.port(), Arc::clone(&auth));
        assert_eq!(client.base_url(), base);
        let basic = format!(
            "Basic {}",
            STANDARD.encode(format!("{GWS_USER}:{GWS_PASSWORD}"))
        );
        let mut errors: Vec<String> = Vec::new();

        // First write: GET /api/v2/me for the cookie and token, then the POST with both.
        client
            .remove_participant_from_conference(remove())
            .await
            .expect("accepted");
        let seen = server.take_requests();
        assert_eq!(summary(&seen), [ME, POST]);
        assert!(
            seen.iter()
                .all(|r| r.header("authorization") == Some(basic.as_str()))
        );
        assert_eq!(seen[0].cookie("JSESSIONID"), None);
        assert_eq!(
            seen[1].cookie("JSESSIONID").as_deref(),
            Some(GWS_SESSIONS[0])
        );
        assert_eq!(seen[1].cookie("AWSELB").as_deref(), Some(GWS_ELB));
        assert_eq!(seen[1].header("x-csrf-token"), Some(GWS_TOKENS[0]));
        assert_eq!(
            seen[1].json(),
            json!({"operationName": "RemoveParticipantFromConference", "participant": "15001"})
        );

        // The token is cached: the next write goes straight out.
        client
            .remove_participant_from_conference(remove())
            .await
            .expect("accepted");
        assert_eq!(summary(&server.take_requests()), [POST]);

        // The server rotates the token: 403, one refresh, one retry with the new token.
        lock(&gws).rotate();
        client
            .remove_participant_from_conference(remove())
            .await
            .expect("accepted after a refresh");
        let seen = server.take_requests();
        assert_eq!(summary(&seen), [POST, ME, POST]);
        assert_eq!(seen[0].header("x-csrf-token"), Some(GWS_TOKENS[0]));
        assert_eq!(
            seen[1].cookie("JSESSIONID").as_deref(),
            Some(GWS_SESSIONS[0])
        );
        assert_eq!(seen[2].header("x-csrf-token"), Some(GWS_TOKENS[1]));

        // The session expires server-side: the cookie is no longer valid, the refresh gets a
        // new cookie and token, and the retry carries both.
        lock(&gws).sessions.clear();
        client
            .remove_participant_from_conference(remove())
            .await
            .expect("accepted in a new session");
        let seen = server.take_requests();
        assert_eq!(summary(&seen), [POST, ME, POST]);
        assert_eq!(
            seen[2].cookie("JSESSIONID").as_deref(),
            Some(GWS_SESSIONS[1])
        );
        assert_eq!(seen[2].header("x-csrf-token"), Some(GWS_TOKENS[2]));

        // A server that refuses every write: retried once, never more.
        lock(&gws).refuse_writes = true;
        let error = client
            .remove_participant_from_conference(remove())
            .await
            .expect_err("refused");
        assert_eq!(summary(&server.take_requests()), [POST, ME, POST]);
        assert_eq!(error.api_error().map(|e| e.status()), Some(403));
        assert!(error.to_string().contains(CSRF_FAILURE), "{error}");
        errors.extend(error_texts(&error));
        lock(&gws).refuse_writes = false;

        // Basic credentials alone (no cookie, no token) are refused with the CSRF failure.
        let plain = gws_client(
            server.port(),
            switchboard_runtime::auth::BasicCsrfAuth::new(GWS_USER, Secret::new(GWS_PASSWORD)),
        );
        let error = plain
            .remove_participant_from_conference(remove())
            .await
            .expect_err("no token");
        let seen = server.take_requests();
        assert_eq!(summary(&seen), [POST]);
        assert_eq!(
            (seen[0].cookie("JSESSIONID"), seen[0].header("x-csrf-token")),
            (None, None)
        );
        assert_eq!(error.api_error().map(|e| e.status()), Some(403));
        assert!(error.to_string().contains(CSRF_FAILURE), "{error}");
        errors.extend(error_texts(&error));
        errors.push(format!("{plain:?}"));

        // A wrong password: the server refuses before any CSRF check.
        let wrong_auth =
            genesys::auth::basic_csrf(GWS_USER, Secret::new("wrong-pw")).expect("builds");
        let wrong = gws_client(server.port(), wrong_auth);
        let error = wrong
            .remove_participant_from_conference(remove())
            .await
            .expect_err("wrong password");
        assert_eq!(error.api_error().map(|e| e.status()), Some(401));
        assert!(error.to_string().contains("Access denied"), "{error}");
        errors.extend(error_texts(&error));
        errors.push(format!("{wrong:?}"));

        errors.push(format!("{client:?}"));
        errors.push(format!("{auth:?}"));
        let mut secrets = vec![GWS_PASSWORD, GWS_ELB, basic.as_str()];
        secrets.extend(GWS_TOKENS);
        secrets.extend(GWS_SESSIONS);
        assert_no_secrets("genesys", &errors, &secrets);
    })
    .await;
}

// =============================================================================================
// Tencent: sdkappid / identifier / usersig / random / contenttype, UserSig = TLSSigAPIv2.
// =============================================================================================

fn end_session() -> tencent::end_session::Request {
    tencent::end_session::Request::builder()
        .session_id("b0f4ca12-4850-4218-a284-efe679a87066")
        .build()
        .expect("valid")
}

fn im_client(base: &str, auth: impl Auth) -> tencent::Client {
    tencent::Client::builder()
        .base_url(base)
        .transport(transport())
        .auth(auth)
        .build()
        .expect("the client builds")
}

#[tokio::test]
async fn tencent_user_sig_is_verified_by_the_server() {
    bounded(async {
        let tickets = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&tickets);
        let server = Server::start(move |request| im_answer(request, &seen)).await;
        let mut texts: Vec<String> = Vec::new();

        // The right key: accepted twice, with a fresh random each time.
        let auth = Arc::new(tencent::auth::tls_sig_query(
            TC_APP_ID,
            TC_ADMIN,
            Secret::new(TC_KEY),
        ));
        let client = im_client(&server.base(), Arc::clone(&auth));
        client.end_session(end_session()).await.expect("accepted");
        client.end_session(end_session()).await.expect("accepted");
        let requests = server.take_requests();
        let randoms: Vec<_> = requests
            .iter()
            .map(|r| r.query_value("random").map(str::to_owned))
            .collect();
        assert_ne!(randoms[0], randoms[1], "random is fresh per request");
        let now = unix_now();
        for ticket in lock(&tickets).iter() {
            assert_eq!(ticket.version, "2.0");
            assert_eq!(
                (ticket.identifier.as_str(), ticket.sdkappid),
                (TC_ADMIN, TC_APP_ID)
            );
            assert_eq!(
                ticket.expire, 15552000,
                "the spec's default lifetime (180 days)"
            );
            assert!(ticket.time.abs_diff(now) < 300, "signed now: {ticket:?}");
        }
        let mut user_sigs: Vec<String> = requests
            .iter()
            .filter_map(|r| r.query_value("usersig").map(str::to_owned))
            .collect();
        texts.push(format!("{client:?}"));
        texts.push(format!("{auth:?}"));

        // Another app's key: 70009.
        let wrong = im_client(
            &server.base(),
            tencent::auth::tls_sig_query(TC_APP_ID, TC_ADMIN, Secret::new(TC_WRONG_KEY)),
        );
        let error = wrong
            .end_session(end_session())
            .await
            .expect_err("wrong key");
        assert!(
            matches!(error, tencent::end_session::Error::Service(_)),
            "{error:?}"
        );
        assert_eq!(error.code(), Some("70009"));
        assert!(
            error.to_string().contains("usersig verification failed"),
            "{error}"
        );
        texts.extend(error_texts(&error));
        texts.push(format!("{wrong:?}"));

        // A ticket signed 181 days ago with the 180-day lifetime: 70001.
        let long_ago = i64::try_from(unix_now() - 15552000 - 86400).expect("fits");
        let expired_auth = tencent::auth::tls_sig_query(TC_APP_ID, TC_ADMIN, Secret::new(TC_KEY))
            .with_clock(Arc::new(ManualClock::at_unix(long_ago)));
        let expired = im_client(&server.base(), expired_auth);
        let error = expired
            .end_session(end_session())
            .await
            .expect_err("expired");
        assert!(
            matches!(error, tencent::end_session::Error::Service(_)),
            "{error:?}"
        );
        assert_eq!(error.code(), Some("70001"));
        texts.extend(error_texts(&error));
        texts.push(format!("{expired:?}"));

        user_sigs.extend(
            server
                .take_requests()
                .iter()
                .filter_map(|r| r.query_value("usersig").map(str::to_owned)),
        );
        assert_eq!(user_sigs.len(), 4);
        let mut secrets: Vec<&str> = vec![TC_KEY, TC_WRONG_KEY];
        secrets.extend(user_sigs.iter().map(String::as_str));
        assert_no_secrets("tencent", &texts, &secrets);
    })
    .await;
}

// =============================================================================================
// Alibaba: ACS3-HMAC-SHA256 and the HMAC-SHA1 RPC signature, re-computed by the server.
// =============================================================================================

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

/// The server's ACS3 verifier reproduces Alibaba's "Fixed parameter values" example (D.2).
#[test]
fn acs3_verifier_reproduces_the_published_example() {
    let (canonical_request, signature) = acs3(
        "POST",
        "/",
        &pairs(&[
            (
                "ImageId",
                "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd",
            ),
            ("RegionId", "cn-shanghai"),
        ]),
        &pairs(&[
            ("host", "ecs.cn-shanghai.aliyuncs.com"),
            ("x-acs-action", "RunInstances"),
            ("x-acs-content-sha256", SHA256_EMPTY),
            ("x-acs-date", "2023-10-26T10:22:32Z"),
            ("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"),
            ("x-acs-version", "2014-05-26"),
        ]),
        b"",
        "YourAccessKeySecret",
    );
    assert_eq!(
        canonical_request,
        "POST\n/\nImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai\n\
         host:ecs.cn-shanghai.aliyuncs.com\nx-acs-action:RunInstances\n\
         x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n\
         x-acs-date:2023-10-26T10:22:32Z\nx-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\n\
         x-acs-version:2014-05-26\n\n\
         host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n\
         e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        signature,
        "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
    );
}

/// The server's RPC verifier reproduces Alibaba's DescribeRegions example (D.1).
#[test]
fn rpc_verifier_reproduces_the_published_example() {
    let (string_to_sign, signature) = rpc_signature(
        "GET",
        &pairs(&[
            ("AccessKeyId", "testid"),
            ("Action", "DescribeRegions"),
            ("Format", "XML"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
            ("SignatureVersion", "1.0"),
            ("Timestamp", "2016-02-23T12:46:24Z"),
            ("Version", "2014-05-26"),
        ]),
        "testsecret",
    );
    assert_eq!(
        string_to_sign,
        "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
    );
    assert_eq!(signature, "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
    assert_eq!(parse_utc("2016-02-23T12:46:24Z"), Some(1456231584));
}

fn unmute() -> alibaba::unmute_call::Request {
    alibaba::unmute_call::Request::builder()
        .instance_id("ccc-test")
        .user_id("agent@ccc-test")
        .device_id("device")
        .job_id("job-6538214103685****")
        .channel_id("ch:user:1390501****->8032****:1609138902226:job-6538214103685****")
        .build()
        .expect("valid")
}

fn ccc_client(base: &str, auth: impl Auth) -> alibaba::Client {
    alibaba::Client::builder()
        .base_url(base)
        .transport(transport())
        .auth(auth)
        .build()
        .expect("the client builds")
}

#[tokio::test]
async fn alibaba_acs3_signature_is_verified_by_the_server() {
    bounded(async {
        let server = Server::start(acs3_answer).await;
        let mut texts: Vec<String> = Vec::new();

        let wrong_auth =
            alibaba::auth::signed_headers_hmac_sha256(ALI_KEY_ID, Secret::new(ALI_WRONG_SECRET));
        texts.push(format!("{wrong_auth:?}"));
        let wrong = ccc_client(&server.base(), wrong_auth);
        let error = wrong.unmute_call(unmute()).await.expect_err("wrong secret");
        assert!(
            matches!(error, alibaba::unmute_call::Error::Service(_)),
            "{error:?}"
        );
        assert_eq!(error.code(), Some("SignatureDoesNotMatch"));
        assert_eq!(error.api_error().map(|e| e.status()), Some(403));
        assert!(
            error
                .to_string()
                .contains("5E0B1C2D-3A4F-4B6C-8D9E-0F1A2B3C4D5E"),
            "{error}"
        );
        texts.extend(error_texts(&error));
        texts.push(format!("{wrong:?}"));

        let auth = alibaba::auth::signed_headers_hmac_sha256(ALI_KEY_ID, Secret::new(ALI_SECRET));
        texts.push(format!("{auth:?}"));
        let client = ccc_client(&server.base(), auth);
        let output = client
            .unmute_call(unmute())
            .await
            .expect("signature accepted");
        let call = output.call_context.expect("CallContext");
        assert_eq!(call.job_id.as_deref(), Some("job-6538214103685****"));
        client
            .unmute_call(unmute())
            .await
            .expect("signature accepted again");
        texts.push(format!("{client:?}"));

        let requests = server.take_requests();
        assert_eq!(requests.len(), 3);
        let nonces: Vec<_> = requests
            .iter()
            .map(|r| r.header("x-acs-signature-nonce"))
            .collect();
        assert!(
            nonces[0] != nonces[1] && nonces[1] != nonces[2],
            "a fresh nonce per request"
        );
        assert_no_secrets("alibaba acs3", &texts, &[ALI_SECRET, ALI_WRONG_SECRET]);
    })
    .await;
}

#[tokio::test]
async fn alibaba_rpc_signature_is_verified_by_the_server() {
    bounded(async {
        let server = Server::start(rpc_answer).await;
        let mut texts: Vec<String> = Vec::new();

        let wrong_auth =
            alibaba::auth::signed_query_hmac_sha1(ALI_KEY_ID, Secret::new(ALI_WRONG_SECRET));
        texts.push(format!("{wrong_auth:?}"));
        let wrong = ccc_client(&server.base(), wrong_auth);
        let error = wrong.unmute_call(unmute()).await.expect_err("wrong secret");
        assert!(
            matches!(error, alibaba::unmute_call::Error::Service(_)),
            "{error:?}"
        );
        assert_eq!(error.code(), Some("SignatureDoesNotMatch"));
        assert_eq!(error.api_error().map(|e| e.status()), Some(403));
        texts.extend(error_texts(&error));
        texts.push(format!("{wrong:?}"));

        let auth = alibaba::auth::signed_query_hmac_sha1(ALI_KEY_ID, Secret::new(ALI_SECRET));
        texts.push(format!("{auth:?}"));
        let client = ccc_client(&server.base(), auth);
        let output = client
            .unmute_call(unmute())
            .await
            .expect("signature accepted");
        assert_eq!(
            output.call_context.and_then(|c| c.instance_id).as_deref(),
            Some("ccc-test")
        );
        texts.push(format!("{client:?}"));

        let request = server.take_requests().pop().expect("a request");
        assert_eq!(
            (request.method.as_str(), request.path.as_str()),
            ("POST", "/")
        );
        for (name, value) in [
            ("Action", "UnmuteCall"),
            ("Version", "2020-07-01"),
            ("InstanceId", "ccc-test"),
            ("UserId", "agent@ccc-test"),
            ("DeviceId", "device"),
            ("JobId", "job-6538214103685****"),
            (
                "ChannelId",
                "ch:user:1390501****->8032****:1609138902226:job-6538214103685****",
            ),
            ("AccessKeyId", ALI_KEY_ID),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureVersion", "1.0"),
            ("Format", "JSON"),
        ] {
            assert_eq!(request.query_value(name), Some(value), "{name}");
        }
        assert_no_secrets("alibaba rpc", &texts, &[ALI_SECRET, ALI_WRONG_SECRET]);
    })
    .await;
}

/// The spec's `signed_query_hmac_sha1.format: JSON` must reach the request: without it a real
/// CCC endpoint answers in XML (the documented default), which the client cannot decode.
#[tokio::test]
async fn alibaba_rpc_client_asks_for_json() {
    bounded(async {
        let server = Server::start(rpc_answer).await;
        let client = ccc_client(
            &server.base(),
            alibaba::auth::signed_query_hmac_sha1(ALI_KEY_ID, Secret::new(ALI_SECRET)),
        );
        let result = client.unmute_call(unmute()).await;
        let request = server.single_request();
        assert_eq!(request.query_value("Format"), Some("JSON"));
        result.expect("a JSON answer");
    })
    .await;
}

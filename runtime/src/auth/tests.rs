//! Behaviour of every scheme, mostly driven through [`execute`] and an in-memory transport.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use bytes::Bytes;
use time::macros::datetime;

use super::*;
use crate::Secret;
use crate::query;
use crate::signing::tls_sig_v2;
use crate::transport::{InMemoryTransport, TransportErrorKind};

fn request(method: &str, uri: &str) -> http::Request<Bytes> {
    http::Request::builder()
        .method(method)
        .uri(uri)
        .body(Bytes::new())
        .expect("valid test request")
}

fn response(status: u16, headers: &[(&str, &str)], body: &str) -> http::Response<Bytes> {
    let mut builder = http::Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder
        .body(Bytes::from(body.to_owned()))
        .expect("valid test response")
}

fn header(request: &http::Request<Bytes>, name: &str) -> Option<String> {
    request
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

#[tokio::test]
async fn no_auth_passes_requests_through() {
    let transport = InMemoryTransport::new();
    transport.push_body(200, "{}");
    let sent = request("POST", "https://h.test/x?a=1");
    let response = execute(&transport, &NoAuth, sent).await.expect("sent");
    assert_eq!(response.status(), 200);
    let seen = transport.last_request().expect("recorded");
    assert_eq!(seen.uri(), "https://h.test/x?a=1");
    assert!(seen.headers().is_empty());
}

// ---- session header ----------------------------------------------------------------------

fn guid_auth() -> SessionHeaderAuth {
    let config = SessionHeaderConfig::new("Set-GUID", "Guid")
        .expect("valid names")
        .value_prefix("JSESSIONID=");
    SessionHeaderAuth::new(config)
}

#[tokio::test]
async fn session_header_is_captured_from_sign_in_and_replaced_by_poll_responses() {
    let auth = guid_auth();
    let transport = InMemoryTransport::new();
    let base = "https://10.0.0.1:8043/agentgateway/resource";
    transport.push_response(response(
        200,
        &[(
            "Set-GUID",
            "JSESSIONID=279fe21d-2caa-4437-84c3-ab9e9dae20f5.AgentGateway0",
        )],
        r#"{"retcode":"0"}"#,
    ));
    execute(
        &transport,
        &auth,
        request("PUT", &format!("{base}/onlineagent/101")),
    )
    .await
    .expect("sign-in");
    assert_eq!(
        header(&transport.requests()[0], "guid"),
        None,
        "sign-in carries no session"
    );

    // An event poll without the header keeps the value; one with it (dynamic mode) replaces it.
    transport.push_body(200, r#"{"retcode":"0"}"#);
    transport.push_response(response(
        200,
        &[("set-guid", "JSESSIONID=second.AgentGateway1")],
        "{}",
    ));
    transport.push_body(200, "{}");
    for _ in 0..3 {
        execute(
            &transport,
            &auth,
            request("GET", &format!("{base}/agentevent/101")),
        )
        .await
        .expect("poll");
    }
    let sent: Vec<Option<String>> = transport
        .requests()
        .iter()
        .map(|r| header(r, "guid"))
        .collect();
    assert_eq!(
        sent,
        [
            None,
            Some("279fe21d-2caa-4437-84c3-ab9e9dae20f5.AgentGateway0".into()),
            Some("279fe21d-2caa-4437-84c3-ab9e9dae20f5.AgentGateway0".into()),
            Some("second.AgentGateway1".into()),
        ]
    );
    assert!(transport.requests()[1].headers()["guid"].is_sensitive());
}

#[test]
fn session_header_is_left_off_operations_that_do_not_declare_it() {
    let auth = guid_auth();
    auth.set_session(Secret::from("held"));
    // A sign-in declares no session header: a held (possibly stale) value is not sent.
    let mut sign_in = request("PUT", "https://h.test/onlineagent/101");
    sign_in
        .extensions_mut()
        .insert(crate::request::AuthParams(&[]));
    auth.prepare(&mut sign_in).expect("prepared");
    assert_eq!(header(&sign_in, "guid"), None);
    // An operation that declares it (in any case spelling) gets it.
    let mut leave = request("POST", "https://h.test/agentconf/101/leave");
    leave
        .extensions_mut()
        .insert(crate::request::AuthParams(&["Guid"]));
    auth.prepare(&mut leave).expect("prepared");
    assert_eq!(header(&leave, "guid").as_deref(), Some("held"));
}

#[test]
fn session_header_can_be_set_by_hand_and_keeps_unprefixed_values() {
    let auth = guid_auth();
    auth.set_session(Secret::from("manual"));
    let mut sent = request("GET", "https://h.test/");
    auth.prepare(&mut sent).expect("prepared");
    assert_eq!(header(&sent, "guid").as_deref(), Some("manual"));
    let uri: http::Uri = "https://h.test/".parse().expect("valid uri");
    auth.observe(&uri, &response(200, &[("set-guid", "  bare-value ")], ""));
    assert_eq!(
        auth.session().map(|s| s.expose().to_owned()).as_deref(),
        Some("bare-value")
    );
    auth.observe(&uri, &response(200, &[("set-guid", "JSESSIONID=")], ""));
    assert_eq!(
        auth.session().map(|s| s.expose().to_owned()).as_deref(),
        Some("bare-value")
    );
    auth.clear_session();
    let mut sent = request("GET", "https://h.test/");
    sent.headers_mut()
        .insert("guid", "stale".parse().expect("valid value"));
    auth.prepare(&mut sent).expect("prepared");
    assert_eq!(header(&sent, "guid"), None);
}

#[test]
fn session_header_is_safe_under_concurrent_use() {
    let auth = Arc::new(guid_auth());
    let uri: http::Uri = "https://h.test/".parse().expect("valid uri");
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let auth = Arc::clone(&auth);
            let uri = uri.clone();
            std::thread::spawn(move || {
                for j in 0..200 {
                    let value = format!("JSESSIONID=v{i}-{j}");
                    auth.observe(&uri, &response(200, &[("set-guid", &value)], ""));
                    let mut sent = request("GET", "https://h.test/");
                    auth.prepare(&mut sent).expect("prepared");
                    assert!(header(&sent, "guid").is_some_and(|v| v.starts_with('v')));
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("no thread panicked");
    }
    assert!(auth.session().is_some_and(|s| s.expose().ends_with("-199")));
}

// ---- basic + cookies + CSRF --------------------------------------------------------------

fn csrf_auth() -> BasicCsrfAuth {
    let csrf = CsrfConfig::new(
        "X-CSRF-HEADER",
        "X-CSRF-TOKEN",
        "Missing or invalid Csrf token",
        "/api/v2/me",
    )
    .expect("valid names");
    BasicCsrfAuth::new("ksippo", Secret::from("")).with_csrf(csrf)
}

/// A server that hands out `tok<generation>` with a session cookie on GET /api/v2/me and
/// rejects writes without the current token and cookie, like the documented CSRF protection.
fn csrf_server(generation: Arc<AtomicU32>) -> InMemoryTransport {
    InMemoryTransport::from_fn(move |request| {
        let current = format!("tok{}", generation.load(Ordering::SeqCst));
        if request.method() == http::Method::GET {
            return Ok(response(
                200,
                &[
                    ("Set-Cookie", "JSESSIONID=s1; Path=/; HttpOnly"),
                    ("Set-Cookie", "AWSELB=lb1"),
                    ("X-CSRF-HEADER", "X-CSRF-TOKEN"),
                    ("X-CSRF-TOKEN", &current),
                ],
                r#"{"statusCode":0}"#,
            ));
        }
        let token_ok = header(request, "x-csrf-token").as_deref() == Some(current.as_str());
        let cookie_ok = header(request, "cookie").is_some_and(|c| c.contains("JSESSIONID=s1"));
        Ok(if token_ok && cookie_ok {
            response(200, &[], r#"{"statusCode":0}"#)
        } else {
            response(403, &[], "Missing or invalid Csrf token")
        })
    })
}

#[tokio::test]
async fn basic_auth_fetches_a_token_before_the_first_write_and_sends_cookies() {
    let transport = csrf_server(Arc::new(AtomicU32::new(1)));
    let auth = csrf_auth();
    let post = request("POST", "http://127.0.0.1:8080/api/v2/me/calls/c1");
    let answer = execute(&transport, &auth, post).await.expect("sent");
    assert_eq!(answer.status(), 200);
    let seen = transport.requests();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        (
            seen[0].method().as_str(),
            seen[0].uri().to_string().as_str()
        ),
        ("GET", "http://127.0.0.1:8080/api/v2/me")
    );
    // `curl -u ksippo:` sends exactly this.
    assert_eq!(
        header(&seen[0], "authorization").as_deref(),
        Some("Basic a3NpcHBvOg==")
    );
    assert_eq!(header(&seen[1], "x-csrf-token").as_deref(), Some("tok1"));
    assert_eq!(
        header(&seen[1], "cookie").as_deref(),
        Some("AWSELB=lb1; JSESSIONID=s1")
    );
    assert!(!auth.needs_refresh(seen[1].uri()));

    // Reads carry cookies but no token, and never trigger a fetch.
    execute(
        &transport,
        &auth,
        request("GET", "http://127.0.0.1:8080/api/v2/me/calls"),
    )
    .await
    .expect("sent");
    let read = transport.last_request().expect("recorded");
    assert_eq!(header(&read, "x-csrf-token"), None);
    assert!(header(&read, "cookie").is_some());
    assert_eq!(transport.requests().len(), 3);
}

#[tokio::test]
async fn a_rejected_token_is_refreshed_and_the_write_retried_once() {
    let generation = Arc::new(AtomicU32::new(1));
    let transport = csrf_server(Arc::clone(&generation));
    let auth = csrf_auth();
    let post = || request("POST", "http://gws.test/api/v2/me/calls/c1");
    execute(&transport, &auth, post())
        .await
        .expect("first write");
    generation.store(2, Ordering::SeqCst); // the server's session rotated

    let answer = execute(&transport, &auth, post())
        .await
        .expect("second write");
    assert_eq!(answer.status(), 200);
    let tokens: Vec<(String, Option<String>)> = transport.requests()[2..]
        .iter()
        .map(|r| (r.method().to_string(), header(r, "x-csrf-token")))
        .collect();
    assert_eq!(
        tokens,
        [
            ("POST".into(), Some("tok1".into())),
            ("GET".into(), None),
            ("POST".into(), Some("tok2".into()))
        ]
    );
}

#[tokio::test]
async fn a_server_that_keeps_rejecting_gets_one_retry_only() {
    let transport =
        InMemoryTransport::from_fn(|_| Ok(response(403, &[], "Missing or invalid Csrf token")));
    let auth = csrf_auth();
    let answer = execute(
        &transport,
        &auth,
        request("DELETE", "http://gws.test/api/v2/x"),
    )
    .await
    .expect("sent");
    assert_eq!(answer.status(), 403);
    let methods: Vec<String> = transport
        .requests()
        .iter()
        .map(|r| r.method().to_string())
        .collect();
    // Proactive fetch, the write, the refresh after the rejection, the single retry.
    assert_eq!(methods, ["GET", "DELETE", "GET", "DELETE"]);
}

#[tokio::test]
async fn a_server_without_csrf_is_asked_for_a_token_only_once() {
    let transport = InMemoryTransport::from_fn(|_| Ok(response(200, &[], "{}")));
    let auth = csrf_auth();
    for _ in 0..3 {
        execute(
            &transport,
            &auth,
            request("PUT", "http://gws.test/api/v2/x"),
        )
        .await
        .expect("sent");
    }
    let methods: Vec<String> = transport
        .requests()
        .iter()
        .map(|r| r.method().to_string())
        .collect();
    assert_eq!(methods, ["GET", "PUT", "PUT", "PUT"]);
    // Other 403s are not CSRF failures.
    let uri: http::Uri = "http://gws.test/".parse().expect("valid uri");
    assert!(!auth.should_retry(&uri, &response(403, &[], "{\"statusCode\":5}")));
}

#[test]
fn cookies_stay_with_the_host_that_set_them_and_can_be_deleted() {
    let auth = BasicCsrfAuth::new("u", Secret::from("p"));
    let a: http::Uri = "http://a.test:8080/x".parse().expect("valid uri");
    auth.observe(
        &a,
        &response(
            200,
            &[("set-cookie", "JSESSIONID=one"), ("set-cookie", "lb=2")],
            "",
        ),
    );
    assert_eq!(auth.cookie_names(&a), ["JSESSIONID", "lb"]);
    let mut other = request("GET", "http://b.test:8080/x");
    auth.prepare(&mut other).expect("prepared");
    assert_eq!(header(&other, "cookie"), None);
    let mut other_port = request("GET", "http://a.test:9090/x");
    auth.prepare(&mut other_port).expect("prepared");
    assert_eq!(header(&other_port, "cookie"), None);
    auth.observe(&a, &response(200, &[("set-cookie", "lb=; Max-Age=0")], ""));
    let mut same = request("POST", "http://A.test:8080/y");
    auth.prepare(&mut same).expect("prepared");
    assert_eq!(header(&same, "cookie").as_deref(), Some("JSESSIONID=one"));
    // No CSRF configured: no token header, no refresh, no retry.
    assert!(auth.refresh_request(&same).is_none());
    assert!(!auth.should_retry(&a, &response(403, &[], "Missing or invalid Csrf token")));
    auth.clear_session();
    assert!(auth.cookie_names(&a).is_empty());
}

// ---- query signature ---------------------------------------------------------------------

const TLS_KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

fn query_sig_auth(clock: Arc<ManualClock>) -> QuerySigAuth {
    let names = QuerySigNames {
        app_id: "sdkappid".into(),
        identifier: "identifier".into(),
        signature: "usersig".into(),
        random: "random".into(),
        fixed: vec![("contenttype".into(), "json".into())],
    };
    QuerySigAuth::new(QuerySigConfig::new(
        1_400_000_000,
        "administrator",
        Secret::from(TLS_KEY),
        names,
    ))
    .with_clock(clock)
}

#[test]
fn query_signature_appends_the_documented_parameters() {
    let clock = Arc::new(ManualClock::at_unix(1_700_000_000));
    let auth = query_sig_auth(Arc::clone(&clock));
    let mut sent = request(
        "POST",
        "https://console.tim.qq.com/v4/desk_http_svc/end_session",
    );
    auth.prepare(&mut sent).expect("prepared");
    let pairs = query::pairs(sent.uri());
    let names: Vec<&str> = pairs.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["sdkappid", "identifier", "usersig", "random", "contenttype"]
    );
    assert_eq!(pairs[0].1, "1400000000");
    assert_eq!(pairs[1].1, "administrator");
    assert_eq!(pairs[4].1, "json");
    assert!(pairs[3].1.parse::<u32>().is_ok());
    let decoded = tls_sig_v2::verify(
        &Secret::from(TLS_KEY),
        &pairs[2].1,
        1_400_000_000,
        "administrator",
        1_700_000_000,
    )
    .expect("the UserSig verifies");
    assert_eq!((decoded.time, decoded.expire), (1_700_000_000, 15_552_000));
}

#[test]
fn query_signature_caches_the_user_sig_until_the_margin_and_randomizes_each_request() {
    let clock = Arc::new(ManualClock::at_unix(1_700_000_000));
    let auth = query_sig_auth(Arc::clone(&clock));
    let sig_and_random = |auth: &QuerySigAuth| {
        let mut sent = request("POST", "https://h.test/v4/s/c?keep=1");
        auth.prepare(&mut sent).expect("prepared");
        let pairs = query::pairs(sent.uri());
        assert_eq!(pairs[0], ("keep".to_owned(), "1".to_owned()));
        (pairs[3].1.clone(), pairs[4].1.clone())
    };
    let (first, r1) = sig_and_random(&auth);
    let (second, r2) = sig_and_random(&auth);
    let (_, r3) = sig_and_random(&auth);
    assert_eq!(first, second);
    assert!(r1 != r2 || r2 != r3, "random should change per request");
    // Default margin is a tenth of 180 days: reuse until 162 days, renew after.
    clock.advance(std::time::Duration::from_secs(15_552_000 - 1_555_200 - 1));
    assert_eq!(sig_and_random(&auth).0, first);
    clock.advance(std::time::Duration::from_secs(1));
    let renewed = sig_and_random(&auth).0;
    assert_ne!(renewed, first);
    let decoded = tls_sig_v2::decode_user_sig(&renewed).expect("decodes");
    assert_eq!(decoded.time, 1_700_000_000 + 15_552_000 - 1_555_200);
}

#[test]
fn query_signature_honours_a_configured_lifetime_and_margin() {
    let clock = Arc::new(ManualClock::at_unix(1_000));
    let names = QuerySigNames {
        app_id: "app".into(),
        identifier: "id".into(),
        signature: "sig".into(),
        random: "r".into(),
        fixed: Vec::new(),
    };
    let config = QuerySigConfig::new(7, "admin", Secret::from("k"), names)
        .expire_seconds(100)
        .refresh_margin_seconds(30);
    let auth = QuerySigAuth::new(config).with_clock(clock.clone());
    let first = auth.current_user_sig().expect("made").expose().to_owned();
    clock.advance(std::time::Duration::from_secs(69));
    assert_eq!(auth.current_user_sig().expect("cached").expose(), first);
    clock.advance(std::time::Duration::from_secs(1));
    assert_ne!(auth.current_user_sig().expect("renewed").expose(), first);
    assert_eq!(
        tls_sig_v2::decode_user_sig(&first).expect("decodes").expire,
        100
    );
}

// ---- request signing ---------------------------------------------------------------------

#[test]
fn rpc_signing_reproduces_the_published_example_through_the_auth() {
    let clock = Arc::new(ManualClock::new(datetime!(2016-02-23 12:46:24 UTC)));
    let config = SigningConfig::new(
        SigningAlgorithm::HmacSha1SignedQuery,
        "testid",
        Secret::from("testsecret"),
        "Action",
        "Version",
    );
    let auth = SigningAuth::new(config)
        .with_clock(clock)
        .with_nonces(Arc::new(SequenceNonce::new(
            "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        )));
    let mut sent = request(
        "GET",
        "https://ecs.aliyuncs.com/?Action=DescribeRegions&Format=XML&Version=2014-05-26",
    );
    auth.prepare(&mut sent).expect("signed");
    let pairs = query::pairs(sent.uri());
    assert!(
        pairs.contains(&("Signature".into(), "OLeaidS1JvxuMvnyHOwuJ+uX5qY=".into())),
        "{pairs:?}"
    );
}

fn acs3_auth(token: Option<&str>) -> SigningAuth {
    let mut config = SigningConfig::new(
        SigningAlgorithm::HmacSha256SignedHeaders,
        "YourAccessKeyId",
        Secret::from("YourAccessKeySecret"),
        "Action",
        "Version",
    );
    if let Some(token) = token {
        config = config.security_token(Secret::from(token));
    }
    SigningAuth::new(config)
        .with_clock(Arc::new(ManualClock::new(
            datetime!(2023-10-26 10:22:32 UTC),
        )))
        .with_nonces(Arc::new(SequenceNonce::new(
            "3156853299f313e23d1673dc12e1703d",
        )))
}

#[test]
fn acs3_signing_moves_action_and_version_to_headers_and_reproduces_the_example() {
    let auth = acs3_auth(None);
    let mut sent = request(
        "POST",
        "https://ecs.cn-shanghai.aliyuncs.com/?Action=RunInstances&Version=2014-05-26\
         &ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai",
    );
    auth.prepare(&mut sent).expect("signed");
    assert_eq!(
        header(&sent, "authorization").as_deref(),
        Some(
            "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;\
             x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,\
             Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
        )
    );
    assert_eq!(
        header(&sent, "x-acs-action").as_deref(),
        Some("RunInstances")
    );
    assert_eq!(
        header(&sent, "x-acs-version").as_deref(),
        Some("2014-05-26")
    );
    assert_eq!(
        sent.uri().query(),
        Some("ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai")
    );
}

#[test]
fn acs3_signing_sends_the_security_token_and_fresh_nonces() {
    let auth = acs3_auth(Some("sts"));
    let mut first = request(
        "POST",
        "https://ccc.test/?Action=UnmuteCall&Version=2020-07-01&JobId=j",
    );
    auth.prepare(&mut first).expect("signed");
    assert_eq!(
        header(&first, "x-acs-security-token").as_deref(),
        Some("sts")
    );
    assert!(header(&first, "authorization").is_some_and(|a| a.contains("x-acs-security-token")));
    let mut second = request(
        "POST",
        "https://ccc.test/?Action=UnmuteCall&Version=2020-07-01&JobId=j",
    );
    auth.prepare(&mut second).expect("signed");
    assert_ne!(
        header(&first, "x-acs-signature-nonce"),
        header(&second, "x-acs-signature-nonce")
    );

    let uuid = UuidNonce.nonce().expect("random");
    assert_eq!((uuid.len(), uuid.as_bytes()[14]), (36, b'4'));
    assert_ne!(uuid, UuidNonce.nonce().expect("random"));
}

#[tokio::test]
async fn errors_surface_from_execute_without_sending() {
    let transport = InMemoryTransport::new();
    let missing_action = request("POST", "https://ccc.test/?Version=2020-07-01");
    match execute(&transport, &acs3_auth(None), missing_action).await {
        Err(SendError::Auth(error)) => {
            assert_eq!(error.kind(), AuthErrorKind::InvalidRequest);
            assert!(error.to_string().contains("`Action`"), "{error}");
        }
        other => panic!("expected an auth error, got {other:?}"),
    }
    assert!(transport.requests().is_empty());
    match execute(&transport, &NoAuth, request("GET", "https://h.test/")).await {
        Err(SendError::Transport(error)) => assert_eq!(error.kind(), TransportErrorKind::Other),
        other => panic!("expected a transport error, got {other:?}"),
    }
}

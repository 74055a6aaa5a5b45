//! End to end, over loopback: the retry rules (`switchboard_runtime::retry`), per-call
//! timeouts and cancellation, through the generated clients and the reqwest transport.
//!
//! One test per rule: a retryable code is repeated, signed afresh (the server remembers ACS3
//! nonces and rejects a replay); 429/503 are repeated no earlier than `Retry-After`; a failed
//! connection is repeated; a timeout after sending is repeated for an idempotent GET and never
//! for a POST; undocumented or non-retryable answers are not repeated; attempts and the budget
//! bound it all; a call's timeout and dropping its future cancel the request in flight.

mod support;

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use support::clients::unmute;
use support::vendors::*;
use support::{Recorded, Reply, Server, bounded, lock, transport};
use switchboard_runtime::Secret;
use switchboard_runtime::auth::SendError;
use switchboard_runtime::retry::RetryPolicy;
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

use switchboard_alibaba_ccc as alibaba;
use switchboard_huawei_agentgateway as huawei;
use switchboard_tencent_im_desk as tencent;

/// Short waits so the tests stay quick; no jitter so the timings are predictable.
fn quick() -> RetryPolicy {
    RetryPolicy::standard()
        .initial_backoff(Duration::from_millis(50))
        .without_jitter()
}

fn ccc_client(base: &str, policy: RetryPolicy) -> alibaba::Client {
    let auth = alibaba::auth::signed_headers_hmac_sha256(ALI_KEY_ID, Secret::new(ALI_SECRET));
    support::clients::ccc_client(base, auth, policy)
}

/// An ACS3 gateway that remembers nonces: a replayed nonce is refused the way Alibaba refuses
/// it; the first `throttled` valid requests are answered with `reply`.
fn gateway(throttled: usize, reply: Reply) -> impl Fn(&Recorded) -> Reply + Send + Sync {
    let nonces = Mutex::new(HashSet::new());
    let answered = AtomicUsize::new(0);
    move |request| {
        if let Err(reply) = acs3_verify(request) {
            return reply;
        }
        let nonce = request
            .header("x-acs-signature-nonce")
            .unwrap_or_default()
            .to_owned();
        if !lock(&nonces).insert(nonce) {
            return ali_error(
                400,
                "SignatureNonceUsed",
                "Specified signature nonce was used already.",
            );
        }
        if answered.fetch_add(1, Ordering::SeqCst) < throttled {
            reply.clone()
        } else {
            unmute_ok()
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retryable_code_is_retried_and_every_attempt_is_signed_afresh() {
    bounded(async {
        let throttled = ali_error(400, "Throttling", "Request was denied due to flow control.");
        let server = Server::start(gateway(2, throttled)).await;
        let client = ccc_client(&server.base(), quick());
        client
            .unmute_call(unmute())
            .await
            .expect("the third attempt succeeds");
        let requests = server.take_requests();
        assert_eq!(requests.len(), 3);
        let nonces: HashSet<_> = requests
            .iter()
            .map(|r| r.header("x-acs-signature-nonce"))
            .collect();
        assert_eq!(nonces.len(), 3, "a fresh nonce per attempt");

        // The server does reject a replay: the last request, sent again byte for byte.
        let last = requests.last().expect("a request");
        let query = last
            .raw_query
            .as_deref()
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        let url = format!("{}{}{query}", server.base(), last.path);
        let mut replay = reqwest::Client::new().post(url);
        for (name, value) in &last.headers {
            replay = replay.header(name, value);
        }
        let answer = replay
            .body(last.body.clone())
            .send()
            .await
            .expect("answered");
        let status = answer.status();
        let body = answer.text().await.expect("body");
        assert!(
            status == 400 && body.contains("SignatureNonceUsed"),
            "{status} {body}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attempts_are_bounded_and_retries_can_be_turned_off() {
    bounded(async {
        let throttled = ali_error(400, "Throttling", "Request was denied due to flow control.");
        let server = Server::start(gateway(usize::MAX, throttled)).await;
        let client = ccc_client(&server.base(), quick().max_attempts(2));
        let error = client.unmute_call(unmute()).await.expect_err("throttled");
        assert_eq!(error.code(), Some("Throttling"));
        assert_eq!(server.take_requests().len(), 2, "max_attempts(2)");

        let once = client.with_retry(RetryPolicy::disabled());
        once.unmute_call(unmute()).await.expect_err("throttled");
        assert_eq!(server.take_requests().len(), 1, "disabled per call");

        let off = ccc_client(&server.base(), RetryPolicy::disabled());
        off.unmute_call(unmute()).await.expect_err("throttled");
        assert_eq!(server.take_requests().len(), 1, "disabled per client");
        // ... and enabled again for one call.
        off.with_retry(quick())
            .unmute_call(unmute())
            .await
            .expect_err("throttled");
        assert_eq!(server.take_requests().len(), 3);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_retryable_and_undocumented_answers_are_not_retried() {
    bounded(async {
        for reply in [
            ali_error(404, "NotExists.JobId", "The call job-1 does not exist."),
            ali_error(400, "SomethingNew", "An undocumented code."),
            ali_error(500, "InternalError", "The request processing has failed."),
        ] {
            let server = Server::start(gateway(usize::MAX, reply)).await;
            let client = ccc_client(&server.base(), quick());
            client.unmute_call(unmute()).await.expect_err("an error");
            assert_eq!(server.take_requests().len(), 1);
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_statuses_wait_for_retry_after() {
    bounded(async {
        let busy = ali_error(503, "ServiceUnavailable", "busy").header("retry-after", "1");
        let server = Server::start(gateway(1, busy)).await;
        let client = ccc_client(&server.base(), quick());
        let start = Instant::now();
        client
            .unmute_call(unmute())
            .await
            .expect("the retry succeeds");
        assert!(start.elapsed() >= Duration::from_secs(1), "Retry-After: 1");
        assert_eq!(server.take_requests().len(), 2);

        // 429 with no body the envelope knows and no Retry-After: retried after the backoff.
        let server = Server::start(gateway(1, Reply::text(429, "slow down"))).await;
        let client = ccc_client(&server.base(), quick());
        client
            .unmute_call(unmute())
            .await
            .expect("the retry succeeds");
        assert_eq!(server.take_requests().len(), 2);

        // A Retry-After past the budget: the 503 is returned at once.
        let later = ali_error(503, "ServiceUnavailable", "busy").header("retry-after", "30");
        let server = Server::start(gateway(1, later)).await;
        let client = ccc_client(&server.base(), quick().budget(Duration::from_secs(5)));
        let start = Instant::now();
        let error = client.unmute_call(unmute()).await.expect_err("503");
        assert_eq!(error.api_error().map(|e| e.status()), Some(503));
        assert!(start.elapsed() < Duration::from_secs(5));
        assert_eq!(server.take_requests().len(), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_connection_is_retried() {
    bounded(async {
        // A port nothing listens on yet; the server starts there after the first attempt.
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        drop(listener);
        let late = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(150)).await;
            let listener = TcpListener::bind(addr).await.expect("rebind the port");
            Server::start_on(listener, gateway(0, unmute_ok()))
        });
        let policy = quick().initial_backoff(Duration::from_millis(600));
        let client = ccc_client(&format!("http://{addr}"), policy);
        client
            .unmute_call(unmute())
            .await
            .expect("the second attempt connects");
        let server = late.await.expect("the server started");
        assert_eq!(server.take_requests().len(), 1, "the first never arrived");

        // Nothing ever listens: every attempt fails to connect, then the error is returned.
        let client = ccc_client(&support::unreachable_base().await, quick());
        let error = client.unmute_call(unmute()).await.expect_err("no server");
        assert!(
            matches!(&error, alibaba::unmute_call::Error::Send(SendError::Transport(e)) if e.is_connect()),
            "{error:?}"
        );
    })
    .await;
}

/// A server that reads each request and never answers; counts requests, and connections the
/// client closed (a dropped call).
struct Silent {
    base: String,
    requests: Arc<AtomicUsize>,
    closed: Arc<AtomicUsize>,
}

async fn silent_server() -> Silent {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let requests = Arc::new(AtomicUsize::new(0));
    let closed = Arc::new(AtomicUsize::new(0));
    let (seen, gone) = (Arc::clone(&requests), Arc::clone(&closed));
    tokio::spawn(async move {
        let serve = async {
            while let Ok((mut socket, _)) = listener.accept().await {
                let (seen, gone) = (Arc::clone(&seen), Arc::clone(&gone));
                tokio::spawn(async move {
                    let mut buffer = [0u8; 4096];
                    let mut head = Vec::new();
                    loop {
                        match socket.read(&mut buffer).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => head.extend_from_slice(&buffer[..n]),
                        }
                        if head.windows(4).any(|w| w == b"\r\n\r\n") {
                            seen.fetch_add(1, Ordering::SeqCst);
                            head.clear();
                        }
                    }
                    gone.fetch_add(1, Ordering::SeqCst);
                });
            }
        };
        let _ = tokio::time::timeout(support::SERVER_LIFETIME, serve).await;
    });
    Silent {
        base,
        requests,
        closed,
    }
}

fn agw_client(base: &str) -> huawei::Client {
    huawei::Client::builder()
        .base_url(base)
        .transport(transport())
        .retry(quick())
        .attempt_timeout(Duration::from_millis(300))
        .without_auth()
        .build()
        .expect("the client builds")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_that_timed_out_after_sending_is_not_retried() {
    bounded(async {
        let server = silent_server().await;
        let client = agw_client(&server.base);
        let request = huawei::leave_agent_conference::Request::builder()
            .agent_id("101")
            .build()
            .expect("valid");
        const { assert!(!huawei::leave_agent_conference::IDEMPOTENT) };
        let error = client
            .leave_agent_conference(request)
            .await
            .expect_err("timed out");
        assert!(
            error.transport_error().is_some_and(|e| e.is_timeout()),
            "{error:?}"
        );
        assert_eq!(server.requests.load(Ordering::SeqCst), 1, "sent once");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idempotent_get_that_timed_out_is_retried() {
    bounded(async {
        let server = silent_server().await;
        let client = agw_client(&server.base);
        let request = huawei::query_hold_list::Request::builder()
            .agent_id("101")
            .build()
            .expect("valid");
        const { assert!(huawei::query_hold_list::IDEMPOTENT, "marked in its spec") };
        let error = client
            .query_hold_list(request)
            .await
            .expect_err("timed out");
        assert!(
            error.transport_error().is_some_and(|e| e.is_timeout()),
            "{error:?}"
        );
        assert_eq!(server.requests.load(Ordering::SeqCst), 3, "max attempts");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_timeout_covers_retries_and_cancels_the_request() {
    bounded(async {
        let server = silent_server().await;
        let client = agw_client(&server.base).with_timeout(Duration::from_millis(450));
        let request = huawei::query_hold_list::Request::builder()
            .agent_id("101")
            .build()
            .expect("valid");
        let start = Instant::now();
        let error = client.query_hold_list(request).await.expect_err("timeout");
        assert!(
            error.transport_error().is_some_and(|e| e.is_timeout()),
            "{error:?}"
        );
        assert!(
            start.elapsed() < Duration::from_millis(900),
            "the call's limit"
        );
        // Attempt 1 timed out at 300 ms, attempt 2 was cut by the call's limit.
        assert_eq!(server.requests.load(Ordering::SeqCst), 2);
        // The connections of the dropped attempts were closed, not left behind.
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(server.closed.load(Ordering::SeqCst), 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_a_call_cancels_it_and_keeps_the_session() {
    bounded(async {
        let silent = silent_server().await;
        let tickets = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&tickets);
        let server = Server::start(move |request| im_answer(request, &seen)).await;
        let auth = Arc::new(tencent::auth::tls_sig_query(
            TC_APP_ID,
            TC_ADMIN,
            Secret::new(TC_KEY),
        ));
        let end = || {
            tencent::end_session::Request::builder()
                .session_id("b0f4ca12-4850-4218-a284-efe679a87066")
                .build()
                .expect("valid")
        };
        let hanging = tencent::Client::builder()
            .base_url(&silent.base)
            .transport(transport())
            .shared_auth(Arc::clone(&auth) as Arc<dyn switchboard_runtime::auth::Auth>)
            .build()
            .expect("client");
        // The caller gives up: the future is dropped mid-request.
        let call = hanging.end_session(end());
        assert!(
            tokio::time::timeout(Duration::from_millis(200), call)
                .await
                .is_err()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(silent.requests.load(Ordering::SeqCst), 1);
        assert_eq!(silent.closed.load(Ordering::SeqCst), 1, "connection closed");
        // The same auth state still signs good requests.
        let client = tencent::Client::builder()
            .base_url(server.base())
            .transport(transport())
            .shared_auth(auth)
            .build()
            .expect("client");
        client.end_session(end()).await.expect("accepted");
    })
    .await;
}

//! End to end, over loopback: tower layers from the tower crate around the reqwest transport
//! of a generated client (`TransportService` → layers → `TowerTransport`).
//!
//! The server counts requests in flight (each answer takes a while); without a layer the
//! client's concurrent calls overlap, with `ConcurrencyLimitLayer(1)` they never do; a
//! `RateLimitLayer` spaces them out; a layer of the user's own sees every attempt.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use switchboard_huawei_agentgateway as huawei;
use switchboard_runtime::retry::RetryPolicy;
use switchboard_runtime::transport::{ReqwestTransport, TowerTransport, TransportService};
use tokio::net::TcpListener;
use tower::ServiceBuilder;

#[derive(Default)]
struct Load {
    now: AtomicUsize,
    peak: AtomicUsize,
    total: AtomicUsize,
}

/// A gateway whose every answer takes 100 ms and says "success".
async fn slow_server() -> (String, Arc<Load>) {
    let load = Arc::new(Load::default());
    let state = Arc::clone(&load);
    let app = axum::Router::new().fallback(move || {
        let load = Arc::clone(&state);
        async move {
            let now = load.now.fetch_add(1, Ordering::SeqCst) + 1;
            load.peak.fetch_max(now, Ordering::SeqCst);
            load.total.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(100)).await;
            load.now.fetch_sub(1, Ordering::SeqCst);
            (
                [("content-type", "application/json")],
                Bytes::from_static(br#"{"retcode":"0","message":"success","result":{}}"#),
            )
        }
    });
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move {
        let serve = axum::serve(listener, app);
        let _ = tokio::time::timeout(Duration::from_secs(60), serve).await;
    });
    (base, load)
}

fn reqwest() -> ReqwestTransport {
    ReqwestTransport::new().expect("transport")
}

fn client(base: &str, transport: impl switchboard_runtime::transport::Transport) -> huawei::Client {
    huawei::Client::builder()
        .base_url(format!("{base}/agentgateway"))
        .transport(transport)
        .retry(RetryPolicy::disabled())
        .without_auth()
        .build()
        .expect("client")
}

async fn four_calls(client: &huawei::Client) {
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let client = client.clone();
        let request = huawei::query_hold_list::Request::builder()
            .agent_id("101")
            .build()
            .expect("valid");
        calls.spawn(async move { client.query_hold_list(request).await });
    }
    while let Some(result) = calls.join_next().await {
        result.expect("the task ran").expect("answered");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_concurrency_limit_layer_serializes_calls() {
    // Without a layer the four calls overlap (so the assertion below can fail).
    let (base, load) = slow_server().await;
    four_calls(&client(&base, reqwest())).await;
    assert!(load.peak.load(Ordering::SeqCst) > 1, "calls overlap");

    let (base, load) = slow_server().await;
    let layered = ServiceBuilder::new()
        .concurrency_limit(1)
        .service(TransportService::new(reqwest()));
    four_calls(&client(&base, TowerTransport::new(layered))).await;
    assert_eq!(load.peak.load(Ordering::SeqCst), 1);
    assert_eq!(load.total.load(Ordering::SeqCst), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limit_layer_and_a_layer_of_ones_own_see_every_request() {
    let (base, load) = slow_server().await;
    let seen = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&seen);
    let layered = ServiceBuilder::new()
        .rate_limit(2, Duration::from_millis(400))
        .map_request(move |request: switchboard_runtime::http::Request<Bytes>| {
            count.fetch_add(1, Ordering::SeqCst);
            request
        })
        .service(TransportService::new(reqwest()));
    let start = Instant::now();
    four_calls(&client(&base, TowerTransport::new(layered))).await;
    // Two per 400 ms window: the last two wait for the second window.
    assert!(
        start.elapsed() >= Duration::from_millis(400),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(seen.load(Ordering::SeqCst), 4);
    assert_eq!(load.total.load(Ordering::SeqCst), 4);
}

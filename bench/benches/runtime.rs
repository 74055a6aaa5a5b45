//! Per-call runtime cost of the generated clients: building, signing and serializing a seed
//! request, and decoding the documented seed response. `cargo bench -p switchboard-bench`.
//!
//! Request values are the documented samples' values; response bodies are read from the
//! specs' samples (so they stay the documented ones). Clocks and nonces are fixed so every
//! iteration does the same work.

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use switchboard_alibaba_ccc as alibaba;
use switchboard_codegen::model::{Model, Service};
use switchboard_huawei_agentgateway as huawei;
use switchboard_runtime::Secret;
use switchboard_runtime::auth::{Auth, ManualClock, SequenceNonce};
use switchboard_runtime::bytes::Bytes;
use switchboard_runtime::http;
use switchboard_tencent_im_desk as tencent;

fn model() -> Model {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    switchboard_codegen::Builder::new()
        .specs_dir(root.join("specs"))
        .validate()
        .expect("the workspace specs are valid")
}

fn service<'a>(model: &'a Model, name: &str) -> &'a Service {
    model
        .services
        .iter()
        .find(|s| s.name == name)
        .expect("service")
}

/// The body of the endpoint's first documented successful response.
fn sample_body(model: &Model, service_name: &str, endpoint: &str) -> Bytes {
    let endpoint = service(model, service_name)
        .endpoints
        .iter()
        .find(|e| e.id.0 == endpoint)
        .expect("endpoint");
    let body = endpoint
        .samples
        .iter()
        .find(|s| s.error.is_none() && s.response_body.is_some())
        .and_then(|s| s.response_body.as_ref())
        .expect("a documented successful response");
    Bytes::from(serde_json::to_vec(body).expect("JSON"))
}

fn response(body: &Bytes) -> http::Response<Bytes> {
    http::Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(body.clone())
        .expect("response")
}

fn requests(c: &mut Criterion) {
    let mut group = c.benchmark_group("request: build + to_http + auth");

    let acs3 = alibaba::auth::signed_headers_hmac_sha256(
        "LTAI5tBenchAccessKey",
        Secret::new("bench-access-key-secret"),
    )
    .with_clock(Arc::new(ManualClock::at_unix(1_700_000_000)))
    .with_nonces(Arc::new(SequenceNonce::new("bench-nonce-")));
    group.bench_function("alibaba unmute_call, ACS3-HMAC-SHA256", |b| {
        b.iter(|| {
            let request = alibaba::unmute_call::Request::builder()
                .instance_id(black_box("ccc-test"))
                .user_id("agent@ccc-test")
                .device_id("device")
                .job_id("job-6538214103685****")
                .channel_id("ch:user:1390501****->8032****:1609138902226:job-6538214103685****")
                .build()
                .expect("valid");
            let mut http = request
                .to_http("https://ccc.cn-shanghai.aliyuncs.com")
                .expect("builds");
            acs3.prepare(&mut http).expect("signs");
            http
        });
    });

    let user_sig = tencent::auth::tls_sig_query(
        1_400_000_000,
        "admin",
        Secret::new("bench-secret-key-of-the-application"),
    )
    .with_clock(Arc::new(ManualClock::at_unix(1_700_000_000)));
    group.bench_function(
        "tencent end_session, TLSSigAPIv2 query (UserSig cached)",
        |b| {
            b.iter(|| {
                let request = tencent::end_session::Request::builder()
                    .session_id(black_box("b0f4ca12-4850-4218-a284-efe679a87066"))
                    .build()
                    .expect("valid");
                let mut http = request
                    .to_http("https://console.tim.qq.com")
                    .expect("builds");
                user_sig.prepare(&mut http).expect("signs");
                http
            });
        },
    );

    group.bench_function("huawei leave_agent_conference, no auth step", |b| {
        b.iter(|| {
            let request = huawei::leave_agent_conference::Request::builder()
                .agent_id(black_box("101"))
                .build()
                .expect("valid");
            request
                .to_http("https://10.0.0.1:8043/agentgateway")
                .expect("builds")
        });
    });
    group.finish();
}

fn responses(c: &mut Criterion) {
    let model = model();
    let mut group = c.benchmark_group("response: parse_response of the documented sample");
    let body = sample_body(&model, "alibaba_ccc", "unmute_call");
    group.bench_function(
        "alibaba unmute_call (nested CallContext, UserContext)",
        |b| {
            b.iter(|| {
                alibaba::unmute_call::parse_response(response(black_box(&body))).expect("decodes")
            });
        },
    );
    let body = sample_body(&model, "tencent_im_desk", "end_session");
    group.bench_function("tencent end_session", |b| {
        b.iter(|| {
            tencent::end_session::parse_response(response(black_box(&body))).expect("decodes")
        });
    });
    let body = sample_body(&model, "huawei_agentgateway", "leave_agent_conference");
    group.bench_function("huawei leave_agent_conference", |b| {
        b.iter(|| {
            huawei::leave_agent_conference::parse_response(response(black_box(&body)))
                .expect("decodes")
        });
    });
    group.finish();
}

/// What retries and tracing add to a call that needs neither: the huawei seed call through a
/// transport answering from memory, no auth step, on a current-thread tokio runtime.
///
/// - `baseline`: the path before retries and tracing existed, by hand: `to_http`,
///   `ClientCore::send`, `parse_response`;
/// - `retries off`: `Client` with `RetryPolicy::disabled()`, no subscriber;
/// - `retries on, subscriber at INFO`: the default policy, a fmt subscriber installed that
///   keeps `INFO` (production's usual level; the call span is `DEBUG`);
/// - `retries on, subscriber at DEBUG`: the span is recorded and formatted, for reference.
fn call_overhead(c: &mut Criterion) {
    use switchboard_runtime::client::Operation as _;
    use switchboard_runtime::retry::RetryPolicy;
    use switchboard_runtime::transport::InMemoryTransport;

    let model = model();
    let body = sample_body(&model, "huawei_agentgateway", "leave_agent_conference");
    let transport = InMemoryTransport::from_fn(move |_| Ok(response(&body)));
    let client = huawei::Client::builder()
        .base_url("https://192.0.2.10:8043/agentgateway")
        .transport(transport)
        .build()
        .expect("client");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");
    let request = || {
        huawei::leave_agent_conference::Request::builder()
            .agent_id("101")
            .build()
            .expect("valid")
    };
    let mut group = c.benchmark_group("call: retries and tracing, neither needed");
    let core = switchboard_runtime::client::ClientCore::new(
        "https://192.0.2.10:8043/agentgateway",
        std::sync::Arc::new(InMemoryTransport::from_fn({
            let body = sample_body(&model, "huawei_agentgateway", "leave_agent_conference");
            move |_| Ok(response(&body))
        })),
        std::sync::Arc::new(switchboard_runtime::auth::NoAuth),
    );
    group.bench_function("baseline: to_http + send + parse_response", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let request = request();
                let http = request.to_http(core.base_url()).expect("request");
                let response = core.send(http).await.expect("sent");
                black_box(huawei::leave_agent_conference::Request::parse_response(
                    response,
                ))
            })
        })
    });
    let off = client.with_retry(RetryPolicy::disabled());
    group.bench_function("Client call, retries off, no subscriber", |b| {
        b.iter(|| {
            runtime.block_on(async { black_box(off.leave_agent_conference(request()).await) })
        })
    });
    let subscriber = |level| {
        tracing_subscriber::fmt()
            .with_max_level(level)
            .with_writer(std::io::sink)
            .finish()
    };
    tracing::subscriber::with_default(subscriber(tracing::Level::INFO), || {
        group.bench_function("Client call, retries on, subscriber at INFO", |b| {
            b.iter(|| {
                runtime
                    .block_on(async { black_box(client.leave_agent_conference(request()).await) })
            })
        });
    });
    tracing::subscriber::with_default(subscriber(tracing::Level::DEBUG), || {
        group.bench_function("Client call, retries on, subscriber at DEBUG", |b| {
            b.iter(|| {
                runtime
                    .block_on(async { black_box(client.leave_agent_conference(request()).await) })
            })
        });
    });
    group.finish();
}

fn config() -> Criterion {
    // Bounded: about 5 s per function on a 2-core machine.
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .sample_size(50)
}

criterion_group! {
    name = runtime;
    config = config();
    targets = requests, responses, call_overhead
}
criterion_main!(runtime);

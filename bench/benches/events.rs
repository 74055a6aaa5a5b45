//! Event delivery over loopback: a message published on a real Bayeux server (faye, the one
//! the runtime's tests use, on 127.0.0.1) until the client's `EventStream` yields it.
//! `cargo bench -p switchboard-bench --bench events` (needs `npm ci` for faye).
//!
//! - round trip: one message, published through the server's side door (one HTTP request to
//!   node), then received: the latency a caller waiting for an event sees, side door included;
//! - burst: 1,000 numbered messages published in order by the server, all received: the
//!   stream's throughput when the server batches messages into connect answers;
//! - decode: the generated `events::decode` of every documented Genesys notification and
//!   Huawei event frame (read from the specs), in frames per second and bytes per second.

// The tests' harness, shared rather than copied; the bench uses part of it.
#[allow(dead_code)]
#[path = "../../runtime/tests/support/faye.rs"]
mod faye;

use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use futures_util::StreamExt as _;
use serde_json::json;
use switchboard_runtime::auth::NoAuth;
use switchboard_runtime::client::ClientCore;
use switchboard_runtime::events::bayeux::{self, BayeuxConfig};
use switchboard_runtime::events::{EventStream, StreamOptions};
use switchboard_runtime::transport::ReqwestTransport;

const CALLS: &str = "/v2/me/calls";

async fn next_data(stream: &mut EventStream) -> serde_json::Value {
    let item = tokio::time::timeout(Duration::from_secs(20), stream.next())
        .await
        .expect("an event within 20 s")
        .expect("the stream is open");
    item.expect("an event, not an error").frame["data"].clone()
}

fn bayeux_loopback(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let Some(server) = faye::Faye::start(10) else {
        return;
    };
    let core = ClientCore::new(
        server.base_url(),
        Arc::new(ReqwestTransport::new().expect("transport")),
        Arc::new(NoAuth),
    );
    let mut stream = runtime.block_on(async {
        let config = BayeuxConfig::new("/notifications", [CALLS])
            .options(StreamOptions::default().buffer(4096));
        let stream = bayeux::open(&core, config);
        server.wait_subscribed(CALLS, 1).await;
        stream
    });

    let mut group = c.benchmark_group("events: Bayeux over loopback (faye)");
    let mut n = 0u64;
    group.bench_function("round trip: publish one, receive it", |b| {
        b.iter(|| {
            n += 1;
            runtime.block_on(async {
                server.publish(CALLS, json!({ "n": n })).await;
                assert_eq!(next_data(&mut stream).await["n"], n);
            });
        });
    });
    group.throughput(Throughput::Elements(1000));
    group.bench_function(
        "burst: 1,000 messages published in order, all received",
        |b| {
            b.iter(|| {
                runtime.block_on(async {
                    let publishing = server.publish_many(CALLS, 0, 1000);
                    let receiving = async {
                        for i in 0..1000u64 {
                            assert_eq!(next_data(&mut stream).await["n"], i);
                        }
                    };
                    tokio::join!(publishing, receiving);
                });
            });
        },
    );
    group.finish();
    drop(stream);
}

/// Every documented event frame of a service, as the bytes a channel delivers.
fn documented_frames(service: &str) -> Vec<Vec<u8>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let model = switchboard_codegen::Builder::new()
        .specs_dir(root.join("specs"))
        .validate()
        .expect("the workspace specs are valid");
    let service = model
        .services
        .iter()
        .find(|s| s.name == service)
        .expect("service");
    let frames: Vec<Vec<u8>> = service
        .events
        .iter()
        .filter_map(|e| e.sample.as_ref())
        .map(|s| serde_json::to_vec(s).expect("JSON"))
        .collect();
    assert!(!frames.is_empty(), "documented frames");
    frames
}

fn decode_throughput(c: &mut Criterion) {
    type Decoder = fn(&[u8]) -> bool;
    let services: [(&str, Decoder); 2] = [
        ("genesys_gws", |f| {
            switchboard_genesys_gws::events::decode(f).is_ok()
        }),
        ("huawei_agentgateway", |f| {
            switchboard_huawei_agentgateway::events::decode(f).is_ok()
        }),
    ];
    let mut group = c.benchmark_group("decode");
    for (name, decode) in services {
        let frames = documented_frames(name);
        let bytes: usize = frames.iter().map(Vec::len).sum();
        for frame in &frames {
            assert!(decode(frame), "{name}: every documented frame decodes");
        }
        group.throughput(Throughput::Elements(frames.len() as u64));
        group.bench_function(format!("{name}_frames"), |b| {
            b.iter(|| {
                for frame in &frames {
                    std::hint::black_box(decode(std::hint::black_box(frame)));
                }
            })
        });
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(format!("{name}_bytes"), |b| {
            b.iter(|| {
                for frame in &frames {
                    std::hint::black_box(decode(std::hint::black_box(frame)));
                }
            })
        });
    }
    group.finish();
}

fn config() -> Criterion {
    // Round trips are milliseconds: a few seconds per function is plenty on 2 cores.
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .sample_size(20)
}

criterion_group! {
    name = events;
    config = config();
    targets = decode_throughput, bayeux_loopback
}
criterion_main!(events);

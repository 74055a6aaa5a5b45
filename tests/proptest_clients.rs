//! Generated clients never panic on what a server sends: arbitrary bytes, and the documented
//! sample responses with arbitrary values grafted in, go through every endpoint's
//! `parse_response` (statuses 200, 400 and 500) and every `events::decode`.
//!
//! The decoders are found by `tests/build.rs` in the generated crates, so a new endpoint is
//! covered without editing this file. Cases are bounded (`PROPTEST_CASES` overrides).

#[path = "hostile/common.rs"]
mod common;
#[path = "hostile/decoders.rs"]
mod decoders;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use switchboard_tests::root;

use common::{HANG_GUARD, files_in, within};
use decoders::{CLIENTS, decode_everywhere};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(cases),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// The documented sample bodies and event frames: the seed corpora of the fuzz targets.
fn seed_bodies() -> Vec<Value> {
    let mut out = Vec::new();
    for client in CLIENTS {
        let dir = root()
            .join("fuzz/corpus")
            .join(format!("decode_{}", client.name));
        for path in files_in(&dir) {
            let bytes = std::fs::read(&path).expect("seed readable");
            if let Ok(value) = serde_json::from_slice::<Value>(&bytes) {
                out.push(value);
            }
        }
    }
    out
}

/// Every key and string of the seeds: field names and codes the decoders look for.
fn vocabulary(values: &[Value]) -> Vec<String> {
    fn walk(value: &Value, out: &mut std::collections::BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    out.insert(key.clone());
                    walk(child, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            Value::String(s) if s.len() < 64 => {
                out.insert(s.clone());
            }
            _ => {}
        }
    }
    let mut set = std::collections::BTreeSet::new();
    values.iter().for_each(|v| walk(v, &mut set));
    set.into_iter().collect()
}

/// Awkward scalars: extreme numbers, numbers as strings, hostile text.
fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|n| json!(n)),
        prop_oneof![
            Just(json!(i64::MIN)),
            Just(json!(u64::MAX)),
            Just(json!(-0.0)),
            Just(json!(1e308)),
            Just(json!("0")),
            Just(json!("-1")),
            Just(json!("99999999999999999999999")),
            Just(json!("")),
            Just(json!("\u{0}\u{202e}</script>{{x}}|`")),
        ],
        ".{0,24}".prop_map(Value::String),
    ]
}

fn arbitrary_json(words: &'static [String]) -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        3 => proptest::sample::select(words),
        1 => ".{0,8}",
    ];
    scalar().prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Replaces the node at preorder position `at` (modulo the node count) with `graft`.
fn graft(value: &mut Value, at: usize, graft: Value) {
    fn count(value: &Value) -> usize {
        1 + match value {
            Value::Object(map) => map.values().map(count).sum(),
            Value::Array(items) => items.iter().map(count).sum(),
            _ => 0,
        }
    }
    fn replace(value: &mut Value, mut at: usize, graft: Value) -> Result<(), (usize, Value)> {
        if at == 0 {
            *value = graft;
            return Ok(());
        }
        at -= 1;
        let children: Vec<&mut Value> = match value {
            Value::Object(map) => map.values_mut().collect(),
            Value::Array(items) => items.iter_mut().collect(),
            _ => return Err((at, graft)),
        };
        let mut graft = graft;
        for child in children {
            match replace(child, at, graft) {
                Ok(()) => return Ok(()),
                Err((rest, back)) => {
                    at = rest;
                    graft = back;
                }
            }
        }
        Err((at, graft))
    }
    let at = at % count(value);
    let _ = replace(value, at, graft);
}

fn seeds() -> &'static (Vec<Value>, Vec<String>) {
    static SEEDS: std::sync::OnceLock<(Vec<Value>, Vec<String>)> = std::sync::OnceLock::new();
    SEEDS.get_or_init(|| {
        let bodies = seed_bodies();
        let mut words = vocabulary(&bodies);
        if words.is_empty() {
            words.push("code".to_owned());
        }
        (bodies, words)
    })
}

proptest! {
    #![proptest_config(config(256))]

    /// Arbitrary bytes, and arbitrary bytes after a JSON-looking prefix.
    #[test]
    fn arbitrary_bytes_never_panic_a_decoder(
        prefix in prop_oneof![Just(&b""[..]), Just(&b"{\""[..]), Just(&b"{\"retcode\":"[..]), Just(&b"["[..])],
        bytes in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let body = [prefix, &bytes[..]].concat();
        let ran = within(HANG_GUARD, "decoding arbitrary bytes", move || decode_everywhere(&body));
        prop_assert!(ran > 0);
    }

    /// A documented sample with a subtree replaced by arbitrary JSON (wrong types, extreme
    /// numbers, hostile strings, the vendors' own field names in new places).
    #[test]
    fn mutated_samples_never_panic_a_decoder(
        seed in any::<proptest::sample::Index>(),
        grafts in proptest::collection::vec(
            (any::<usize>(), arbitrary_json(&seeds().1)), 1..4),
    ) {
        let (bodies, _) = seeds();
        prop_assume!(!bodies.is_empty());
        let mut value = bodies[seed.index(bodies.len())].clone();
        for (at, new) in grafts {
            graft(&mut value, at, new);
        }
        let body = serde_json::to_vec(&value).expect("JSON serializes");
        within(HANG_GUARD, "decoding a mutated sample", move || decode_everywhere(&body));
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// A push API's callback decoder takes any request: arbitrary query strings, methods and
    /// bodies (after a JSON-looking prefix, or a mutated documented callback) give a typed
    /// event or a rejection with a client-error status, never a panic.
    #[test]
    fn callbacks_never_panic_and_reject_with_a_client_error(
        method in prop_oneof![Just("POST"), Just("GET"), Just("PUT"), Just("OPTIONS")],
        query in proptest::collection::vec(
            (prop_oneof![Just("SdkAppid".to_owned()), Just("CallbackCommand".to_owned()),
                         Just("contenttype".to_owned()), Just("ClientIP".to_owned()), "[a-zA-Z%=&]{0,8}"],
             prop_oneof![Just("1400000000".to_owned()), Just("Desk.SessionEventNotify".to_owned()),
                         Just("json".to_owned()), "[ -~]{0,12}"]),
            0..6),
        prefix in prop_oneof![Just(&b""[..]), Just(&b"{\"Event\":"[..]), Just(&b"{"[..])],
        bytes in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let query: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let uri = format!("https://app.test/callback?{}", query.join("&"));
        let Ok(request) = switchboard_runtime::http::Request::builder()
            .method(method)
            .uri(&uri)
            .body(switchboard_runtime::bytes::Bytes::from([prefix, &bytes[..]].concat()))
        else {
            return Ok(());
        };
        let callbacks = switchboard_tencent_im_desk::events::callbacks("1400000000");
        let outcome = within(HANG_GUARD, "decoding a callback", move || {
            callbacks.decode(&request).map(|_| ()).map_err(|r| r.status().as_u16())
        });
        if let Err(status) = outcome {
            prop_assert!((400..500).contains(&status), "status {status}");
        }
    }
}

/// The sample bodies are there to mutate: without them the test above proves little.
#[test]
fn there_are_seed_bodies_for_every_client() {
    for client in CLIENTS {
        let dir = root()
            .join("fuzz/corpus")
            .join(format!("decode_{}", client.name));
        assert!(
            !files_in(&dir).is_empty(),
            "{}: no seed bodies; run `cargo test -p switchboard-tests --test proptest_clients \
             -- --ignored write_fuzz_seed_corpus`",
            dir.display()
        );
    }
}

/// Every generated client crate is a dependency of the tests and has a fuzz target, and the
/// endpoint scan found every `parse_response` of it: nothing escapes the property tests.
#[test]
fn every_generated_client_and_endpoint_is_covered() {
    let generated = root().join("generated/rust");
    let mut names: Vec<String> = std::fs::read_dir(&generated)
        .expect("generated/rust")
        .flatten()
        .filter(|e| e.path().join("src/lib.rs").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let covered: Vec<&str> = CLIENTS.iter().map(|c| c.name).collect();
    assert_eq!(
        names, covered,
        "every generated client must be a dev-dependency of switchboard-tests"
    );
    let fuzz_manifest =
        std::fs::read_to_string(root().join("fuzz/Cargo.toml")).expect("fuzz/Cargo.toml");
    for client in CLIENTS {
        let lib_rs = std::fs::read_to_string(generated.join(client.name).join("src/lib.rs"))
            .expect("lib.rs");
        let declared = lib_rs.matches("pub fn parse_response(").count();
        assert_eq!(
            client.endpoints.len(),
            declared,
            "{}: the scan missed an endpoint",
            client.name
        );
        assert_eq!(
            client.events.is_some(),
            lib_rs.contains("pub mod events {"),
            "{}: events",
            client.name
        );
        let target = format!("decode_{}", client.name);
        assert!(
            fuzz_manifest.contains(&format!("name = \"{target}\""))
                && root()
                    .join(format!("fuzz/fuzz_targets/{target}.rs"))
                    .is_file(),
            "{}: no fuzz target {target}",
            client.name
        );
    }
}

/// The seed corpora of the fuzz targets from the specs, by path under `fuzz/corpus/`: every
/// documented sample response body and event frame (`decode_<service>/`), and spec files as an
/// input of `spec_build` (`spec_build/`: the valid and invalid fixtures, the service files and
/// the seed endpoints).
fn seed_corpus() -> BTreeMap<PathBuf, Vec<u8>> {
    let mut corpus = BTreeMap::new();
    let model = switchboard_codegen::Builder::new()
        .specs_dir(root().join("specs"))
        .validate()
        .unwrap_or_else(|e| panic!("the specs are valid:\n{e}"));
    let json = |value: &Value| serde_json::to_vec(value).expect("JSON");
    for service in &model.services {
        let dir = PathBuf::from(format!("decode_{}", service.name));
        for endpoint in &service.endpoints {
            for sample in &endpoint.samples {
                let stem = format!("{}-{}", endpoint.id.0, slug(&sample.name));
                if let Some(body) = &sample.response_body {
                    corpus.insert(dir.join(format!("{stem}.json")), json(body));
                }
                for (i, event) in sample.events.iter().enumerate() {
                    corpus.insert(dir.join(format!("{stem}-event{i}.json")), json(event));
                }
            }
        }
        for event in &service.events {
            if let Some(sample) = &event.sample {
                let name = format!("event-{}.json", slug(&event.name.wire));
                corpus.insert(dir.join(name), json(sample));
            }
        }
    }
    // spec_build: selector byte (bit 0: service file; bit 1: the hostile base), then the file.
    let mut seeds: Vec<(String, u8, PathBuf)> = Vec::new();
    for (base, selector) in [("fixture_api", 0u8), ("hostile_api", 2u8)] {
        let vendor = root().join("tests/fixtures/valid").join(base);
        seeds.push((
            format!("{base}-service"),
            selector | 1,
            vendor.join("service.yaml"),
        ));
        for path in files_in(&vendor.join("endpoints")) {
            seeds.push((format!("{base}-{}", stem(&path)), selector, path));
        }
    }
    // Every vendor's service file and the endpoints of the four seed pages (DESIGN.md): the
    // others add size more than new shapes.
    const SEED_ENDPOINTS: [&str; 4] = [
        "leave_agent_conference",
        "remove_participant_from_conference",
        "end_session",
        "unmute_call",
    ];
    for vendor in files_or_dirs(&root().join("specs")) {
        let name = stem(&vendor);
        seeds.push((format!("{name}-service"), 1, vendor.join("service.yaml")));
        for path in files_in(&vendor.join("endpoints")) {
            if SEED_ENDPOINTS.contains(&stem(&path).as_str()) {
                seeds.push((format!("{name}-{}", stem(&path)), 0, path));
            }
        }
    }
    for path in files_in(&root().join("tests/fixtures/invalid")) {
        let selector = u8::from(stem(&path).starts_with("service_"));
        seeds.push((format!("invalid-{}", stem(&path)), selector, path));
    }
    for (name, selector, path) in seeds {
        let mut bytes = vec![selector];
        bytes.extend(std::fs::read(&path).expect("spec readable"));
        corpus.insert(PathBuf::from(format!("spec_build/{name}.yaml")), bytes);
    }
    corpus
}

/// Rewrites `fuzz/corpus/` from [`seed_corpus`]. Run after adding samples or fixtures:
/// `cargo test -p switchboard-tests --test proptest_clients -- --ignored write_fuzz_seed_corpus`.
#[test]
#[ignore = "maintenance: rewrites fuzz/corpus from the specs"]
fn write_fuzz_seed_corpus() {
    let root = root().join("fuzz/corpus");
    let corpus = seed_corpus();
    let dirs: BTreeSet<&Path> = corpus.keys().filter_map(|p| p.parent()).collect();
    for dir in dirs {
        let _ = std::fs::remove_dir_all(root.join(dir));
        std::fs::create_dir_all(root.join(dir)).expect("corpus folder");
    }
    for (path, bytes) in &corpus {
        std::fs::write(root.join(path), bytes).expect("corpus file");
    }
}

/// The committed seed corpus holds every current fixture, sample and spec seed, as they are
/// now: a fixture added without refreshing the corpus is never fuzzed. Files libFuzzer adds
/// while fuzzing (named by their SHA-1) may sit beside the seeds.
#[test]
fn fuzz_seed_corpus_is_fresh() {
    let root = root().join("fuzz/corpus");
    let corpus = seed_corpus();
    assert!(
        corpus.keys().any(|p| p.starts_with("spec_build")) && corpus.len() > 100,
        "{} seeds",
        corpus.len()
    );
    let stale: Vec<String> = corpus
        .iter()
        .filter(|(path, bytes)| std::fs::read(root.join(path)).ok().as_ref() != Some(*bytes))
        .map(|(path, _)| path.display().to_string())
        .collect();
    let mut extra = Vec::new();
    for dir in files_or_dirs(&root) {
        for file in files_in(&dir) {
            let rel = file
                .strip_prefix(&root)
                .expect("under the corpus")
                .to_path_buf();
            let name = stem(&file);
            let fuzzer_made = name.len() == 40 && name.bytes().all(|b| b.is_ascii_hexdigit());
            if !corpus.contains_key(&rel) && !fuzzer_made {
                extra.push(rel.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty() && extra.is_empty(),
        "fuzz/corpus is stale (missing or changed: {stale:?}; no longer a seed: {extra:?}); \
         refresh it: cargo test -p switchboard-tests --test proptest_clients -- --ignored \
         write_fuzz_seed_corpus"
    );
}

fn slug(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn files_or_dirs(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .expect("folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

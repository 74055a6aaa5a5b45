//! Agreement between the generated clients and the OpenAPI documents (issue 5): every request
//! a generated client puts on the wire for a documented sample, once per auth scheme the
//! service documents, and every documented sample response validate against
//! `generated/openapi/<service>.json` with openapi-core, a validator independent of
//! switchboard (scripts/check-agreement, scripts/check_agreement.py).
//!
//! How the requests are made. Each generated crate's `tests/samples.rs` (included below) builds
//! every sample's request with the crate's own builder and has `send_samples`, which sends them
//! through a `Client`; here that client has an in-memory transport and, in turn, each of the
//! crate's `auth::` schemes, configured as a user would (a session set up as a real sign-in
//! would, a fixed clock and nonces where the scheme signs). What the transport received is
//! what is checked: nothing is rebuilt from the model.
//!
//! The exchanges go to target/agreement/<service>.json; the checker then runs on them and must
//! report no failure. The checker needs .venv/ (scripts/validate-openapi makes it;
//! scripts/check-agreement adds openapi-core in .venv/agreement/), so the two checker tests are
//! `#[ignore]`d with that reason: `bash scripts/test` installs both and runs them, and there a
//! missing .venv/ fails.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};

use serde_json::{Value, json};
use switchboard_codegen::Builder;
use switchboard_codegen::model::{Endpoint, Model, Sample, Service};
use switchboard_runtime::Secret;
use switchboard_runtime::auth::{Auth, ManualClock, SequenceNonce};
use switchboard_runtime::bytes::Bytes;
use switchboard_runtime::http;
use switchboard_runtime::transport::InMemoryTransport;
use switchboard_tests::root;

use switchboard_alibaba_ccc as alibaba;
use switchboard_genesys_gws as genesys;
use switchboard_huawei_agentgateway as huawei;
use switchboard_tencent_im_desk as tencent;

// The generated sample tests, for their request builders and `send_samples` (their tests run
// here too, a second time, in a few milliseconds).
#[path = "../generated/rust/alibaba_ccc/tests/samples.rs"]
mod alibaba_samples;
#[path = "../generated/rust/genesys_gws/tests/samples.rs"]
mod genesys_samples;
#[path = "../generated/rust/huawei_agentgateway/tests/samples.rs"]
mod huawei_samples;
#[path = "../generated/rust/tencent_im_desk/tests/samples.rs"]
mod tencent_samples;

// ---------------------------------------------------------------------------------------------
// Fixed test credentials and clock.

const USERNAME: &str = "agreement-user";
const PASSWORD: &str = "agreement-password";
const ACCESS_KEY_ID: &str = "agreement-access-key-id";
const ACCESS_KEY_SECRET: &str = "agreement-access-key-secret";
const SIGNING_KEY: &str = "agreement-signing-key";
const SESSION_VALUE: &str = "00000000-0000-4000-8000-000000000000.agreement";
const CSRF_TOKEN: &str = "4a92be65-ec55-4aa2-b9df-9518fd870f2f";
const COOKIE_VALUE: &str = "agreement-session-cookie";
const NOW_UNIX: i64 = 1_700_000_000;

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::at_unix(NOW_UNIX))
}

fn nonces() -> Arc<SequenceNonce> {
    Arc::new(SequenceNonce::new("agreement-nonce-"))
}

// ---------------------------------------------------------------------------------------------
// The model, the documents and their servers.

/// The model of specs/, after checking that the committed documents are the ones it generates
/// (otherwise a disagreement would be a stale file, not a real one). Built once per run.
fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(fresh_model)
}

fn fresh_model() -> Model {
    let root = root();
    let (model, outputs) = Builder::new()
        .specs_dir(root.join("specs"))
        .build()
        .unwrap_or_else(|e| panic!("the vendor specs build:\n{e}"));
    for service in &model.services {
        let rel = PathBuf::from(format!("openapi/{}.json", service.name));
        let fresh = outputs.files.get(&rel).expect("a document per service");
        let committed = std::fs::read(root.join("generated").join(&rel)).unwrap_or_default();
        assert!(
            &committed == fresh,
            "generated/{} is stale: run `cargo run -p switchboard-codegen`",
            rel.display()
        );
    }
    model
}

fn document_path(service: &Service) -> PathBuf {
    root().join(format!("generated/openapi/{}.json", service.name))
}

/// The document's first server, its variables at their defaults.
fn server_url(service: &Service) -> String {
    let text = std::fs::read_to_string(document_path(service)).expect("document");
    let doc: Value = serde_json::from_str(&text).expect("JSON");
    let server = &doc["servers"][0];
    let mut url = server["url"].as_str().expect("servers[0].url").to_owned();
    if let Some(vars) = server["variables"].as_object() {
        for (name, var) in vars {
            let default = var["default"]
                .as_str()
                .expect("server variables have defaults");
            url = url.replace(&format!("{{{name}}}"), default);
        }
    }
    url
}

fn response_with(headers: &[(&str, &str)]) -> http::Response<Bytes> {
    let mut builder = http::Response::builder().status(200);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Bytes::new()).expect("response")
}

// ---------------------------------------------------------------------------------------------
// What the generated clients send.

/// Whether the sample documents a request (the generated sample tests' rule).
fn has_request(sample: &Sample) -> bool {
    !sample.params.is_empty() || sample.request_body.is_some()
}

/// A request the generated client of a service put on the wire: (auth scheme as the model
/// names it, endpoint id, sample name, request).
type Sent = (String, &'static str, &'static str, http::Request<Bytes>);

/// Every sample's request as `$krate`'s `Client` sends it with `$auth` and an in-memory
/// transport (`send_samples` of the crate's tests/samples.rs).
macro_rules! send_with {
    ($krate:ident, $samples:ident, $base_url:expr, $auth:expr $(,)?) => {{
        let transport = Arc::new(InMemoryTransport::new());
        let client = $krate::Client::builder()
            .base_url($base_url)
            .transport(Arc::clone(&transport))
            .auth($auth)
            .build()
            .expect("client");
        $samples::send_samples(&client, &transport).await
    }};
}

/// Every sample's request as the service's generated `Client` sends it, once per auth scheme
/// of the crate's `auth` module. A service or scheme not wired here fails the test.
async fn sent_by_client(service: &Service) -> Vec<Sent> {
    let base_url = server_url(service);
    let base_uri: http::Uri = base_url.parse().expect("base URL");
    let mut out = Vec::new();
    let mut keep = |scheme: &str, sent: Vec<(&'static str, &'static str, http::Request<Bytes>)>| {
        out.extend(
            sent.into_iter()
                .map(|(e, s, r)| (scheme.to_owned(), e, s, r)),
        );
    };
    match service.name.as_str() {
        "alibaba_ccc" => {
            for (scheme, auth) in [
                (
                    "signed_headers_hmac_sha256",
                    alibaba::auth::signed_headers_hmac_sha256(
                        ACCESS_KEY_ID,
                        Secret::new(ACCESS_KEY_SECRET),
                    ),
                ),
                (
                    "signed_query_hmac_sha1",
                    alibaba::auth::signed_query_hmac_sha1(
                        ACCESS_KEY_ID,
                        Secret::new(ACCESS_KEY_SECRET),
                    ),
                ),
            ] {
                keep(
                    scheme,
                    send_with!(
                        alibaba,
                        alibaba_samples,
                        &base_url,
                        auth.with_clock(clock()).with_nonces(nonces())
                    ),
                );
            }
        }
        "genesys_gws" => {
            let auth = genesys::auth::basic_csrf(USERNAME, Secret::new(PASSWORD)).expect("auth");
            // The session a sign-in leaves: the cookie and the CSRF token of GET /me.
            auth.observe(
                &base_uri,
                &response_with(&[
                    ("X-CSRF-HEADER", "X-CSRF-TOKEN"),
                    ("X-CSRF-TOKEN", CSRF_TOKEN),
                    (
                        "set-cookie",
                        &format!("JSESSIONID={COOKIE_VALUE}; Path=/; HttpOnly"),
                    ),
                ]),
            );
            keep(
                "basic_csrf",
                send_with!(genesys, genesys_samples, &base_url, auth),
            );
        }
        "huawei_agentgateway" => {
            let auth = huawei::auth::session_header().expect("auth");
            // The session a sign-in leaves: the gateway's Set-GUID answer.
            auth.observe(
                &base_uri,
                &response_with(&[("Set-GUID", &format!("JSESSIONID={SESSION_VALUE}"))]),
            );
            keep(
                "session_header",
                send_with!(huawei, huawei_samples, &base_url, auth),
            );
        }
        "tencent_im_desk" => {
            // The identity the pages' request lines show.
            let (_, end_session, sample) =
                find(model(), "tencent_im_desk", "end_session", "documented");
            let param = |name: &str| {
                sample
                    .params
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| panic!("{}: the sample gives {name}", end_session.id.0))
            };
            let app_id = param("sdkappid").as_u64().expect("sdkappid");
            let identifier = param("identifier");
            keep(
                "tls_sig_query",
                send_with!(
                    tencent,
                    tencent_samples,
                    &base_url,
                    tencent::auth::tls_sig_query(
                        app_id,
                        identifier.as_str().expect("identifier"),
                        Secret::new(SIGNING_KEY),
                    )
                    .with_clock(clock()),
                ),
            );
        }
        other => panic!("no generated client wired into tests/agreement.rs for {other}"),
    }
    out
}

/// The auth schemes of a service, named as in the model and the document's security schemes.
fn scheme_names(service: &Service) -> BTreeSet<String> {
    service
        .auth
        .schemes
        .iter()
        .map(|scheme| {
            serde_json::to_value(scheme).expect("serializes")["scheme"]
                .as_str()
                .expect("tagged")
                .to_owned()
        })
        .collect()
}

/// Every exchange of a service: per sample, per auth scheme, the request the generated client
/// sent and the documented response. A sample without a request gives its response once.
/// Fails unless every auth scheme sent every sample's request.
async fn service_exchanges(service: &Service) -> Vec<Value> {
    let sent = sent_by_client(service).await;
    let schemes: BTreeSet<String> = sent.iter().map(|(scheme, ..)| scheme.clone()).collect();
    assert_eq!(
        schemes,
        scheme_names(service),
        "{}: auth schemes",
        service.name
    );
    let expected: BTreeSet<(&str, &str)> = service
        .endpoints
        .iter()
        .flat_map(|e| {
            e.samples
                .iter()
                .filter(|s| has_request(s))
                .map(|s| (e.id.0.as_str(), s.name.as_str()))
        })
        .collect();
    assert!(
        !expected.is_empty(),
        "{}: samples with requests",
        service.name
    );
    for scheme in &schemes {
        let got: BTreeSet<(&str, &str)> = sent
            .iter()
            .filter(|(s, ..)| s == scheme)
            .map(|(_, e, x, _)| (*e, *x))
            .collect();
        assert_eq!(got, expected, "{}/{scheme}: samples sent", service.name);
    }
    let mut out = Vec::new();
    for endpoint in &service.endpoints {
        for sample in &endpoint.samples {
            let id = format!("{}/{}/{}", service.name, endpoint.id.0, sample.name);
            if !has_request(sample) {
                out.push(exchange_json(id, endpoint, None, response_json(sample)));
            }
        }
    }
    for (scheme, endpoint_id, sample_name, request) in &sent {
        let (_, endpoint, sample) = find(model(), &service.name, endpoint_id, sample_name);
        out.push(exchange_json(
            format!("{}/{endpoint_id}/{sample_name}/{scheme}", service.name),
            endpoint,
            Some(request),
            response_json(sample),
        ));
    }
    out
}

fn headers_json(headers: &http::HeaderMap) -> Value {
    headers
        .iter()
        .map(|(n, v)| json!([n.as_str(), String::from_utf8_lossy(v.as_bytes())]))
        .collect()
}

fn request_json(request: &http::Request<Bytes>) -> Value {
    let body = (!request.body().is_empty())
        .then(|| String::from_utf8(request.body().to_vec()).expect("UTF-8 body"));
    json!({
        "method": request.method().as_str(),
        "url": request.uri().to_string(),
        "headers": headers_json(request.headers()),
        "body": body,
    })
}

fn response_json(sample: &Sample) -> Value {
    match &sample.response_body {
        None => Value::Null,
        Some(body) => {
            let headers: Vec<Value> = sample
                .response_headers
                .iter()
                .map(|(k, v)| json!([k, v]))
                .collect();
            json!({
                "status": sample.status,
                "headers": headers,
                "body": serde_json::to_string(body).expect("JSON"),
            })
        }
    }
}

fn exchange_json(
    name: String,
    endpoint: &Endpoint,
    request: Option<&http::Request<Bytes>>,
    response: Value,
) -> Value {
    json!({
        "name": name,
        "operation_id": endpoint.id.0,
        "request": request.map_or(Value::Null, request_json),
        "response": response,
    })
}

fn write_exchanges(path: &Path, service: &Service, exchanges: Vec<Value>) {
    let file = json!({
        "service": service.name,
        "document": document_path(service),
        "exchanges": exchanges,
    });
    std::fs::create_dir_all(path.parent().expect("parent")).expect("target/agreement");
    std::fs::write(
        path,
        serde_json::to_string_pretty(&file).expect("JSON") + "\n",
    )
    .expect("write exchanges");
}

fn agreement_dir() -> PathBuf {
    root().join("target/agreement")
}

// ---------------------------------------------------------------------------------------------
// The checker.

struct Report {
    success: bool,
    output: String,
    json: Value,
}

impl Report {
    /// (exchange, part) of every failure.
    fn failures(&self) -> BTreeSet<(String, String)> {
        self.json["failures"]
            .as_array()
            .expect("failures")
            .iter()
            .map(|f| {
                (
                    f["exchange"].as_str().expect("exchange").to_owned(),
                    f["part"].as_str().expect("part").to_owned(),
                )
            })
            .collect()
    }

    fn errors(&self, exchange: &str, part: &str) -> Vec<String> {
        self.json["failures"]
            .as_array()
            .expect("failures")
            .iter()
            .filter(|f| f["exchange"] == exchange && f["part"] == part)
            .flat_map(|f| f["errors"].as_array().cloned().unwrap_or_default())
            .map(|e| e.as_str().unwrap_or_default().to_owned())
            .collect()
    }
}

/// Runs scripts/check-agreement on `files`. Only the `#[ignore]`d tests call it: there a
/// missing .venv/ is a failure, not a skip.
fn run_checker(files: &[PathBuf], report: &Path) -> Report {
    let root = root();
    assert!(
        root.join(".venv").is_dir(),
        ".venv/ is missing: the agreement checker (openapi-core) cannot run; \
         `bash scripts/validate-openapi` (or `bash scripts/test`) installs it"
    );
    let _ = std::fs::remove_file(report);
    let output = Command::new("bash")
        .arg(root.join("scripts/check-agreement"))
        .arg("--report")
        .arg(report)
        .args(files)
        .output()
        .expect("bash runs scripts/check-agreement");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let json = std::fs::read_to_string(report)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_else(|| {
            panic!("the checker wrote no report (openapi-core missing or failing?):\n{text}")
        });
    Report {
        success: output.status.success(),
        output: text,
        json,
    }
}

// ---------------------------------------------------------------------------------------------
// Tests.

/// Every exchange of every service, written to target/agreement/.
async fn write_all_exchanges(dir: &Path) -> (Vec<PathBuf>, BTreeMap<String, usize>) {
    let mut files = Vec::new();
    let mut counts = BTreeMap::new();
    for service in &model().services {
        let exchanges = service_exchanges(service).await;
        counts.insert(service.name.clone(), exchanges.len());
        let path = dir.join(format!("{}.json", service.name));
        write_exchanges(&path, service, exchanges);
        files.push(path);
    }
    (files, counts)
}

/// The generated clients send every sample's request under every auth scheme (no validator
/// needed: this runs in every `cargo test`).
#[tokio::test(flavor = "current_thread")]
async fn every_generated_client_sends_every_sample() {
    let dir = agreement_dir().join("sent");
    let (_, counts) = write_all_exchanges(&dir).await;
    assert_eq!(counts.len(), model().services.len());
    assert!(
        counts.values().all(|&n| n > 0),
        "every service has exchanges: {counts:?}"
    );
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs .venv/ (bash scripts/validate-openapi); bash scripts/test runs it"]
async fn every_exchange_agrees_with_its_document() {
    let dir = agreement_dir();
    let (files, counts) = write_all_exchanges(&dir).await;
    let report = run_checker(&files, &dir.join("checked/report.json"));
    println!("{}", report.output);
    let failures = report.failures();
    let disagreements: Vec<String> = failures
        .iter()
        .map(|(exchange, part)| format!("{exchange} [{part}]: {:?}", report.errors(exchange, part)))
        .collect();
    assert!(
        disagreements.is_empty(),
        "the clients and the documents disagree (checker output below):\n{}\n\n{}",
        disagreements.join("\n"),
        report.output
    );
    assert_eq!(report.success, failures.is_empty());
    let checked = &report.json["counts"];
    let total: usize = counts.values().sum();
    assert_eq!(checked["exchanges"], total, "{counts:?}");
    assert!(checked["requests"].as_u64() > Some(0) && checked["responses"].as_u64() > Some(0));
}

/// One exchange of the corrupted set: the request a generated client sent for a sample under
/// a scheme, with one fault put in the request (as a faulty client would send it) or in the
/// documented response body.
async fn corrupted(
    (service, endpoint, sample): (&str, &str, &str),
    scheme: &str,
    corrupt_request: impl Fn(&mut http::Request<Bytes>),
    corrupt_response: impl Fn(&mut Value),
) -> (String, String, Value) {
    let (service, endpoint, sample) = find(model(), service, endpoint, sample);
    let mut request = sent_by_client(service)
        .await
        .into_iter()
        .find(|(s, e, x, _)| s == scheme && *e == endpoint.id.0 && *x == sample.name)
        .map(|(.., request)| request)
        .expect("the client sent the sample");
    corrupt_request(&mut request);
    let mut response = response_json(sample);
    if let Some(text) = response["body"].as_str() {
        let mut body: Value = serde_json::from_str(text).expect("JSON");
        corrupt_response(&mut body);
        response["body"] = Value::String(body.to_string());
    }
    let name = format!(
        "{}/{}/{}/{scheme}",
        service.name, endpoint.id.0, sample.name
    );
    (
        name.clone(),
        service.name.clone(),
        exchange_json(name, endpoint, Some(&request), response),
    )
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs .venv/ (bash scripts/validate-openapi); bash scripts/test runs it"]
async fn the_checker_catches_a_deliberate_mismatch() {
    let model = model();
    let keep_request = |_: &mut http::Request<Bytes>| {};
    let keep_response = |_: &mut Value| {};
    // A client that forgot a required query parameter (after signing: the checker does not
    // verify signatures).
    let no_instance = corrupted(
        ("alibaba_ccc", "unmute_call", "documented"),
        "signed_query_hmac_sha1",
        |request| {
            let pairs = switchboard_runtime::query::pairs(request.uri());
            let kept = pairs.iter().filter(|(name, _)| name != "InstanceId");
            let query = switchboard_runtime::query::to_string(kept.map(|(k, v)| (k, v)));
            *request.uri_mut() =
                switchboard_runtime::query::with_query(request.uri(), Some(&query)).expect("uri");
        },
        keep_response,
    )
    .await;
    // A body field of the wrong type.
    let integer_participant = corrupted(
        (
            "genesys_gws",
            "remove_participant_from_conference",
            "documented",
        ),
        "basic_csrf",
        |request| {
            let mut body: Value = serde_json::from_slice(request.body()).expect("JSON body");
            body["participant"] = json!(15001);
            *request.body_mut() = Bytes::from(body.to_string());
        },
        keep_response,
    )
    .await;
    // A required envelope field of the wrong type in the response.
    let integer_retcode = corrupted(
        ("huawei_agentgateway", "leave_agent_conference", "success"),
        "session_header",
        keep_request,
        |body| body["retcode"] = json!(0),
    )
    .await;
    let dir = agreement_dir().join("mismatch");
    let mut files = Vec::new();
    for (_, service, exchange) in [&no_instance, &integer_participant, &integer_retcode] {
        let service = model
            .services
            .iter()
            .find(|s| &s.name == service)
            .expect("service");
        let path = dir.join(format!("{}.json", service.name));
        write_exchanges(&path, service, vec![exchange.clone()]);
        files.push(path);
    }
    let report = run_checker(&files, &dir.join("report.json"));
    println!("{}", report.output);
    assert!(!report.success, "the checker must fail:\n{}", report.output);
    let expected: BTreeSet<(String, String)> = [
        (no_instance.0.clone(), "request".to_owned()),
        (integer_participant.0.clone(), "request".to_owned()),
        (integer_retcode.0.clone(), "response".to_owned()),
    ]
    .into_iter()
    .collect();
    assert_eq!(report.failures(), expected, "{}", report.output);
    let named = |exchange: &str, part: &str, needle: &str| {
        let errors = report.errors(exchange, part);
        assert!(
            errors.len() == 1 && errors[0].contains(needle),
            "{exchange} [{part}] must fail on {needle} alone: {errors:?}"
        );
    };
    named(&no_instance.0, "request", "InstanceId");
    named(&integer_participant.0, "request", "participant");
    named(&integer_retcode.0, "response", "retcode");
}

fn find<'a>(
    model: &'a Model,
    service: &str,
    endpoint: &str,
    sample: &str,
) -> (&'a Service, &'a Endpoint, &'a Sample) {
    let s = model
        .services
        .iter()
        .find(|s| s.name == service)
        .unwrap_or_else(|| panic!("service {service}"));
    let e = s
        .endpoints
        .iter()
        .find(|e| e.id.0 == endpoint)
        .unwrap_or_else(|| panic!("endpoint {endpoint}"));
    let x = e
        .samples
        .iter()
        .find(|x| x.name == sample)
        .unwrap_or_else(|| panic!("sample {sample}"));
    (s, e, x)
}

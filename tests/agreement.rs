//! Agreement between the generated clients and the OpenAPI documents (issue 5): every request
//! a generated client sends for a documented sample, with its credentials, and every documented
//! sample response validate against `generated/openapi/<service>.json` with openapi-core, a
//! validator independent of switchboard (scripts/check-agreement, scripts/check_agreement.py).
//!
//! How the requests are made. The generated crates are typed per endpoint, so the requests are
//! rebuilt from the model the way the generated `Request::to_http` builds them: the same runtime
//! calls (`RequestParts`) in the same order, with the sample's values (method, path template
//! filled with the sample's path parameters, query dispatch values, header dispatch values,
//! the non-auth parameters in spec order with required defaults, a JSON body of the body
//! dispatch values and the sample's fields, and no body at all when the endpoint has no
//! `request` section). For the four seed endpoints (and Genesys AuxWork, which has body dispatch
//! but no `request`) the generated crates' own `Request::builder()…to_http()` is called too and
//! must give the same request byte for byte (method, URI, headers in order, body, extensions),
//! and the request their `Client` puts on the wire (through an in-memory transport, with the
//! crate's `auth::` constructor) must equal the rebuilt request after the same auth scheme
//! prepared it. Every generated crate's tests/samples.rs already checks its client against the
//! same samples (method, path, query, documented headers, body as JSON).
//!
//! Credentials. Each request is sent once per auth scheme the service documents, prepared by
//! the runtime's scheme configured from the model (what the generated `auth` module does), with
//! a fixed clock and nonces: session values are captured from a response as a real session
//! would be (a placeholder, or the sample's value of the `from_auth` header), query identities
//! take the sample's (or the parameter's example) values.
//!
//! The exchanges go to target/agreement/<service>.json; the checker then runs on them and must
//! report no failure. The
//! checker needs .venv/ (scripts/validate-openapi makes it; scripts/check-agreement adds
//! openapi-core in .venv/agreement/): without .venv/ the checker tests skip, unless CI is set,
//! where they fail.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};

use serde_json::{Value, json};
use switchboard_codegen::Builder;
use switchboard_codegen::model::{
    AuthScheme, DispatchIn, Endpoint, Field, Model, ParamIn, Sample, Service, TypeKind,
};
use switchboard_runtime::Secret;
use switchboard_runtime::auth::{
    Auth, BasicCsrfAuth, CsrfConfig, ManualClock, QuerySigAuth, QuerySigConfig, QuerySigNames,
    SequenceNonce, SessionHeaderAuth, SessionHeaderConfig, SigningAlgorithm, SigningAuth,
    SigningConfig,
};
use switchboard_runtime::bytes::Bytes;
use switchboard_runtime::http;
use switchboard_runtime::request::{AuthParams, OperationId, RequestParts};
use switchboard_runtime::transport::InMemoryTransport;
use switchboard_tests::root;

use switchboard_alibaba_ccc as alibaba;
use switchboard_genesys_gws as genesys;
use switchboard_huawei_agentgateway as huawei;
use switchboard_tencent_im_desk as tencent;

// ---------------------------------------------------------------------------------------------
// Fixed test credentials and clock: the requests are the same on every run (but Tencent's
// per-request `random`).

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

fn leak(text: &str) -> &'static str {
    Box::leak(text.to_owned().into_boxed_str())
}

// ---------------------------------------------------------------------------------------------
// The request a generated client builds for a sample, rebuilt from the model.

/// Text of a path, query or header value, as the generated `to_http` writes it (`text_of`).
fn wire_text(field: &Field, value: &Value) -> String {
    match (&field.ty.kind, value) {
        (TypeKind::String, Value::String(s)) => s.clone(),
        (TypeKind::Integer, Value::Number(n)) => n.to_string(),
        (TypeKind::Number, Value::Number(n)) => n.as_f64().unwrap_or_default().to_string(),
        (TypeKind::Boolean, Value::Bool(b)) => b.to_string(),
        (_, Value::String(s)) if field.secret => s.clone(),
        (_, other) => serde_json::to_string(other).expect("JSON"),
    }
}

/// The default the generated builder fills in when the caller sets nothing: only for a required
/// field whose default has a literal form.
fn builder_default(field: &Field) -> Option<&Value> {
    let default = field.default.as_ref().filter(|_| field.required)?;
    let literal = matches!(
        (&field.ty.kind, default),
        (TypeKind::String, Value::String(_))
            | (TypeKind::Integer, Value::Number(_))
            | (TypeKind::Number, Value::Number(_))
            | (TypeKind::Boolean, Value::Bool(_))
    );
    literal.then_some(default)
}

/// Whether the sample documents a request (the generated sample tests' rule).
fn has_request(sample: &Sample) -> bool {
    !sample.params.is_empty() || sample.request_body.is_some()
}

/// The request the generated client builds (`Request::builder()` with the sample's values,
/// then `to_http(base_url)`), before credentials.
fn client_request(
    endpoint: &Endpoint,
    sample: &Sample,
    base_url: &str,
) -> Result<http::Request<Bytes>, String> {
    let method = http::Method::from_bytes(endpoint.method.as_str().as_bytes()).expect("method");
    let mut parts = RequestParts::new(method, base_url);
    let auth_params: Vec<&'static str> = endpoint
        .params
        .iter()
        .filter(|p| p.from_auth)
        .map(|p| leak(&p.field.name.wire))
        .collect();
    parts.operation(
        leak(&endpoint.id.0),
        Box::leak(auth_params.into_boxed_slice()),
    );
    let param = |location: ParamIn, name: &str| {
        endpoint
            .params
            .iter()
            .find(|p| !p.from_auth && p.location == location && p.field.name.wire == name)
    };
    // Path: literal pieces and encoded parameters, in template order.
    let mut rest = endpoint.path.as_str();
    while let Some(open) = rest.find('{') {
        if open > 0 {
            parts.path(&rest[..open]);
        }
        let close = open + rest[open..].find('}').expect("closed placeholder");
        let name = &rest[open + 1..close];
        let p = param(ParamIn::Path, name).ok_or(format!("no path parameter {name}"))?;
        let value = sample
            .params
            .get(name)
            .ok_or(format!("the sample has no path parameter {name}"))?;
        parts.path_param(&wire_text(&p.field, value));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        parts.path(rest);
    }
    for d in endpoint
        .dispatch
        .iter()
        .filter(|d| d.location == DispatchIn::Query)
    {
        parts.query(&d.name, &d.value);
    }
    for d in endpoint
        .dispatch
        .iter()
        .filter(|d| d.location == DispatchIn::Header)
    {
        parts
            .header(leak(&d.name), &d.value)
            .map_err(|e| e.to_string())?;
    }
    for p in endpoint.params.iter().filter(|p| !p.from_auth) {
        let wire = &p.field.name.wire;
        let value = sample
            .params
            .get(wire)
            .or_else(|| builder_default(&p.field));
        let Some(value) = value else {
            if p.field.required {
                return Err(format!("the required parameter {wire} has no sample value"));
            }
            continue;
        };
        match p.location {
            ParamIn::Path => {}
            ParamIn::Query => parts.query(wire, wire_text(&p.field, value)),
            ParamIn::Header => parts
                .header(leak(wire), &wire_text(&p.field, value))
                .map_err(|e| e.to_string())?,
        }
    }
    let known: BTreeSet<&str> = endpoint
        .params
        .iter()
        .map(|p| p.field.name.wire.as_str())
        .collect();
    if let Some(name) = sample.params.keys().find(|k| !known.contains(k.as_str())) {
        return Err(format!(
            "the sample sets {name}, which the client has no setter for"
        ));
    }
    let body_dispatch_any = endpoint
        .dispatch
        .iter()
        .any(|d| d.location == DispatchIn::Body);
    if endpoint.request.is_some() || body_dispatch_any {
        let content_type = endpoint
            .request
            .as_ref()
            .map_or("application/json", |r| r.content_type.as_str());
        parts.json_body(leak(content_type));
        let request_fields: &[Field] = endpoint.request.as_ref().map_or(&[], |r| &r.fields);
        let body = sample.request_body.as_ref();
        let body_dispatch: Vec<&str> = endpoint
            .dispatch
            .iter()
            .filter(|d| d.location == DispatchIn::Body)
            .map(|d| {
                parts.body_field(&d.name, &d.value).expect("string");
                d.name.as_str()
            })
            .collect();
        for field in request_fields {
            let wire = &field.name.wire;
            let value = body
                .and_then(|b| b.get(wire))
                .or_else(|| builder_default(field));
            match value {
                Some(value) => parts.body_value(wire, value.clone()),
                None if field.required => {
                    return Err(format!(
                        "the required body field {wire} has no sample value"
                    ));
                }
                None => {}
            }
        }
        if let Some(map) = body.and_then(Value::as_object) {
            let unknown = map.keys().find(|k| {
                !body_dispatch.contains(&k.as_str())
                    && !request_fields.iter().any(|f| &f.name.wire == *k)
            });
            if let Some(name) = unknown {
                return Err(format!(
                    "the sample body has {name}, which the client cannot send"
                ));
            }
        }
    }
    parts.finish().map_err(|e| e.to_string())
}

// ---------------------------------------------------------------------------------------------
// Credentials: the service's auth schemes, configured from the model.

/// A `from_auth` parameter's value for this sample: the sample's, else the parameter's example
/// or default.
fn auth_value<'a>(endpoint: &'a Endpoint, sample: &'a Sample, name: &str) -> Option<&'a Value> {
    sample.params.get(name).or_else(|| {
        let p = endpoint
            .params
            .iter()
            .find(|p| p.from_auth && p.field.name.wire.eq_ignore_ascii_case(name))?;
        p.field.example.as_ref().or(p.field.default.as_ref())
    })
}

fn response_with(headers: &[(&str, &str)]) -> http::Response<Bytes> {
    let mut builder = http::Response::builder().status(200);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Bytes::new()).expect("response")
}

/// The scheme's name (as in the model and the document's security schemes) and the runtime
/// auth a client configured with it uses, with its session already set up.
fn auth_schemes(
    service: &Service,
    endpoint: &Endpoint,
    sample: &Sample,
    base_url: &str,
) -> Vec<(String, Arc<dyn Auth>)> {
    let base_uri: http::Uri = base_url.parse().expect("base URL");
    let text =
        |v: Option<&Value>| v.map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned));
    service
        .auth
        .schemes
        .iter()
        .map(|scheme| {
            let name = serde_json::to_value(scheme).expect("serializes")["scheme"]
                .as_str()
                .expect("tagged")
                .to_owned();
            let auth: Arc<dyn Auth> = match scheme {
                AuthScheme::None => Arc::new(switchboard_runtime::auth::NoAuth),
                AuthScheme::SessionHeader {
                    capture_header,
                    value_prefix,
                    send_header,
                    ..
                } => {
                    let mut config =
                        SessionHeaderConfig::new(capture_header, send_header).expect("headers");
                    if let Some(prefix) = value_prefix {
                        config = config.value_prefix(prefix.clone());
                    }
                    let auth = SessionHeaderAuth::new(config);
                    let value = text(sample.params.get(send_header.as_str()))
                        .unwrap_or_else(|| SESSION_VALUE.to_owned());
                    let captured = format!("{}{value}", value_prefix.as_deref().unwrap_or(""));
                    auth.observe(&base_uri, &response_with(&[(capture_header, &captured)]));
                    Arc::new(auth)
                }
                AuthScheme::BasicCsrf {
                    csrf_header_name_header,
                    csrf_token_header,
                    csrf_refresh_path,
                    csrf_failure_status,
                    csrf_failure_text,
                    session_cookie,
                    ..
                } => {
                    let base_path = base_uri.path().trim_end_matches('/');
                    let mut csrf = CsrfConfig::new(
                        csrf_header_name_header,
                        csrf_token_header,
                        csrf_failure_text.clone().unwrap_or_default(),
                        format!("{base_path}{csrf_refresh_path}"),
                    )
                    .expect("CSRF config");
                    csrf.failure_status =
                        http::StatusCode::from_u16(*csrf_failure_status).expect("status");
                    let auth = BasicCsrfAuth::new(USERNAME, Secret::new(PASSWORD)).with_csrf(csrf);
                    let cookie = session_cookie
                        .as_ref()
                        .map(|c| format!("{c}={COOKIE_VALUE}; Path=/; HttpOnly"));
                    let mut headers = vec![
                        (csrf_header_name_header.as_str(), csrf_token_header.as_str()),
                        (csrf_token_header.as_str(), CSRF_TOKEN),
                    ];
                    if let Some(cookie) = &cookie {
                        headers.push(("set-cookie", cookie));
                    }
                    auth.observe(&base_uri, &response_with(&headers));
                    Arc::new(auth)
                }
                AuthScheme::TlsSigQuery {
                    app_id_param,
                    identifier_param,
                    signature_param,
                    random_param,
                    fixed_params,
                    default_expire_seconds,
                    ..
                } => {
                    let app_id = text(auth_value(endpoint, sample, app_id_param))
                        .and_then(|t| t.parse().ok())
                        .unwrap_or(1_400_000_000);
                    let identifier = text(auth_value(endpoint, sample, identifier_param))
                        .unwrap_or_else(|| "administrator".to_owned());
                    let names = QuerySigNames {
                        app_id: app_id_param.clone(),
                        identifier: identifier_param.clone(),
                        signature: signature_param.clone(),
                        random: random_param.clone(),
                        fixed: fixed_params
                            .iter()
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect(),
                    };
                    let mut config =
                        QuerySigConfig::new(app_id, identifier, Secret::new(SIGNING_KEY), names);
                    if let Some(seconds) = default_expire_seconds {
                        config = config.expire_seconds(*seconds);
                    }
                    Arc::new(QuerySigAuth::new(config).with_clock(clock()))
                }
                AuthScheme::SignedHeadersHmacSha256 {
                    action_param,
                    version_param,
                    ..
                } => Arc::new(signing(SigningConfig::new(
                    SigningAlgorithm::HmacSha256SignedHeaders,
                    ACCESS_KEY_ID,
                    Secret::new(ACCESS_KEY_SECRET),
                    action_param,
                    version_param,
                ))),
                AuthScheme::SignedQueryHmacSha1 {
                    format,
                    action_param,
                    version_param,
                    ..
                } => {
                    let mut config = SigningConfig::new(
                        SigningAlgorithm::HmacSha1SignedQuery,
                        ACCESS_KEY_ID,
                        Secret::new(ACCESS_KEY_SECRET),
                        action_param,
                        version_param,
                    );
                    if let Some(format) = format {
                        config = config.format(format.clone());
                    }
                    Arc::new(signing(config))
                }
            };
            (name, auth)
        })
        .collect()
}

fn signing(config: SigningConfig) -> SigningAuth {
    SigningAuth::new(config)
        .with_clock(clock())
        .with_nonces(nonces())
}

fn prepared(request: &http::Request<Bytes>, auth: &dyn Auth) -> http::Request<Bytes> {
    let mut request = request.clone();
    auth.prepare(&mut request).expect("credentials apply");
    request
}

// ---------------------------------------------------------------------------------------------
// Exchanges.

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

/// Every exchange of a service: per sample, per auth scheme, the request the client sends and
/// the documented response. A sample without a request gives its response once.
fn service_exchanges(service: &Service) -> Vec<Value> {
    let base_url = server_url(service);
    let mut out = Vec::new();
    for endpoint in &service.endpoints {
        for sample in &endpoint.samples {
            let id = format!("{}/{}/{}", service.name, endpoint.id.0, sample.name);
            if !has_request(sample) {
                out.push(exchange_json(id, endpoint, None, response_json(sample)));
                continue;
            }
            let request = client_request(endpoint, sample, &base_url)
                .unwrap_or_else(|e| panic!("{id}: the client cannot build the sample: {e}"));
            for (scheme, auth) in auth_schemes(service, endpoint, sample, &base_url) {
                let wire = prepared(&request, &*auth);
                out.push(exchange_json(
                    format!("{id}/{scheme}"),
                    endpoint,
                    Some(&wire),
                    response_json(sample),
                ));
            }
        }
    }
    out
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

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// Runs scripts/check-agreement on `files`; `None` (after saying why) when the Python tools are
/// not installed and CI is unset.
fn run_checker(files: &[PathBuf], report: &Path) -> Option<Report> {
    let root = root();
    if !root.join(".venv").is_dir() {
        assert!(
            !in_ci(),
            "CI is set but .venv/ is missing: the agreement checker (openapi-core) must run in CI; \
             `bash scripts/validate-openapi` installs it"
        );
        eprintln!(
            "SKIPPED: .venv/ is missing, so openapi-core cannot check the exchanges; run \
             `bash scripts/validate-openapi` (or `bash scripts/test`) once to install it"
        );
        return None;
    }
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
    Some(Report {
        success: output.status.success(),
        output: text,
        json,
    })
}

// ---------------------------------------------------------------------------------------------
// Tests.

#[test]
fn every_exchange_agrees_with_its_document() {
    let model = model();
    let dir = agreement_dir();
    let mut files = Vec::new();
    let mut counts = BTreeMap::new();
    for service in &model.services {
        let exchanges = service_exchanges(service);
        counts.insert(service.name.clone(), exchanges.len());
        let path = dir.join(format!("{}.json", service.name));
        write_exchanges(&path, service, exchanges);
        files.push(path);
    }
    assert!(
        counts.values().all(|&n| n > 0),
        "every service has exchanges: {counts:?}"
    );
    let Some(report) = run_checker(&files, &dir.join("checked/report.json")) else {
        return;
    };
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

/// One exchange of the corrupted set: a sample's request or response, with one fault put in
/// the sample (before the client builds the request), the built request (before credentials
/// are added, as a faulty client would send it) or the response body.
fn corrupted(
    model: &Model,
    (service, endpoint, sample): (&str, &str, &str),
    scheme: &str,
    corrupt_sample: impl Fn(&mut Sample),
    corrupt_request: impl Fn(&mut http::Request<Bytes>),
    corrupt_response: impl Fn(&mut Value),
) -> (String, String, Value) {
    let (service, endpoint, sample) = find(model, service, endpoint, sample);
    let base_url = server_url(service);
    let mut sample = sample.clone();
    corrupt_sample(&mut sample);
    let mut request =
        client_request(endpoint, &sample, &base_url).expect("the corrupted sample still builds");
    corrupt_request(&mut request);
    let (_, auth) = auth_schemes(service, endpoint, &sample, &base_url)
        .into_iter()
        .find(|(name, _)| name == scheme)
        .expect("scheme");
    let wire = prepared(&request, &*auth);
    let mut response = response_json(&sample);
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
        exchange_json(name, endpoint, Some(&wire), response),
    )
}

#[test]
fn the_checker_catches_a_deliberate_mismatch() {
    let model = model();
    let keep_sample = |_: &mut Sample| {};
    let keep_request = |_: &mut http::Request<Bytes>| {};
    let keep_response = |_: &mut Value| {};
    // A client that forgot a required query parameter (and signed the request without it).
    let no_instance = corrupted(
        model,
        ("alibaba_ccc", "unmute_call", "documented"),
        "signed_query_hmac_sha1",
        keep_sample,
        |request| {
            let pairs = switchboard_runtime::query::pairs(request.uri());
            let kept = pairs.iter().filter(|(name, _)| name != "InstanceId");
            let query = switchboard_runtime::query::to_string(kept.map(|(k, v)| (k, v)));
            *request.uri_mut() =
                switchboard_runtime::query::with_query(request.uri(), Some(&query)).expect("uri");
        },
        keep_response,
    );
    // A body field of the wrong type.
    let integer_participant = corrupted(
        model,
        (
            "genesys_gws",
            "remove_participant_from_conference",
            "documented",
        ),
        "basic_csrf",
        |sample| {
            if let Some(body) = sample.request_body.as_mut() {
                body["participant"] = json!(15001);
            }
        },
        keep_request,
        keep_response,
    );
    // A required envelope field of the wrong type in the response.
    let integer_retcode = corrupted(
        model,
        ("huawei_agentgateway", "leave_agent_conference", "success"),
        "session_header",
        keep_sample,
        keep_request,
        |body| body["retcode"] = json!(0),
    );
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
    let Some(report) = run_checker(&files, &dir.join("report.json")) else {
        return;
    };
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

fn param<'a>(sample: &'a Sample, name: &str) -> &'a str {
    sample.params[name].as_str().expect("string parameter")
}

fn body_field<'a>(sample: &'a Sample, name: &str) -> &'a str {
    sample.request_body.as_ref().expect("body")[name]
        .as_str()
        .expect("string field")
}

/// The same request, byte for byte: method, URI, headers in order, body, and the extensions
/// naming the operation and its auth parameters.
fn assert_same(what: &str, client: &http::Request<Bytes>, rebuilt: &http::Request<Bytes>) {
    assert_eq!(client.method(), rebuilt.method(), "{what}: method");
    assert_eq!(
        client.uri().to_string(),
        rebuilt.uri().to_string(),
        "{what}: URI"
    );
    let headers = |r: &http::Request<Bytes>| -> Vec<(String, Vec<u8>)> {
        r.headers()
            .iter()
            .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec()))
            .collect()
    };
    assert_eq!(headers(client), headers(rebuilt), "{what}: headers");
    assert_eq!(client.body(), rebuilt.body(), "{what}: body");
    assert_eq!(
        client.extensions().get::<OperationId>(),
        rebuilt.extensions().get::<OperationId>(),
        "{what}: operation"
    );
    assert_eq!(
        client.extensions().get::<AuthParams>(),
        rebuilt.extensions().get::<AuthParams>(),
        "{what}: auth parameters"
    );
}

/// The rebuilt request with the model-configured scheme `scheme`, as the exchanges hold it.
fn rebuilt_wire(
    service: &Service,
    endpoint: &Endpoint,
    sample: &Sample,
    scheme: &str,
) -> http::Request<Bytes> {
    let base_url = server_url(service);
    let request = client_request(endpoint, sample, &base_url).expect("builds");
    let (_, auth) = auth_schemes(service, endpoint, sample, &base_url)
        .into_iter()
        .find(|(name, _)| name == scheme)
        .unwrap_or_else(|| panic!("{} has scheme {scheme}", service.name));
    prepared(&request, &*auth)
}

/// A query parameter's value replaced (a per-request random value).
fn masked(request: &http::Request<Bytes>, name: &str) -> http::Request<Bytes> {
    let mut request = request.clone();
    let pairs: Vec<(String, String)> = switchboard_runtime::query::pairs(request.uri())
        .into_iter()
        .map(|(k, v)| {
            if k == name {
                (k, "masked".to_owned())
            } else {
                (k, v)
            }
        })
        .collect();
    let query = switchboard_runtime::query::to_string(pairs);
    *request.uri_mut() =
        switchboard_runtime::query::with_query(request.uri(), Some(&query)).expect("uri");
    request
}

fn transport_for(sample: &Sample) -> Arc<InMemoryTransport> {
    let transport = Arc::new(InMemoryTransport::new());
    let body = sample
        .response_body
        .as_ref()
        .map(|b| b.to_string())
        .unwrap_or_default();
    transport.push_body(sample.status, body);
    transport
}

fn sent(transport: &InMemoryTransport) -> http::Request<Bytes> {
    transport.last_request().expect("the client sent a request")
}

#[tokio::test(flavor = "current_thread")]
async fn the_rebuilt_requests_are_the_generated_clients_requests() {
    let model = model();

    // Alibaba UnmuteCall, both signatures.
    let (service, endpoint, sample) = find(model, "alibaba_ccc", "unmute_call", "documented");
    let base_url = server_url(service);
    let request = alibaba::unmute_call::Request::builder()
        .instance_id(param(sample, "InstanceId"))
        .user_id(param(sample, "UserId"))
        .device_id(param(sample, "DeviceId"))
        .job_id(param(sample, "JobId"))
        .channel_id(param(sample, "ChannelId"))
        .build()
        .expect("builds");
    let rebuilt = client_request(endpoint, sample, &base_url).expect("builds");
    assert_same(
        "unmute_call",
        &request.to_http(&base_url).expect("to_http"),
        &rebuilt,
    );
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
            alibaba::auth::signed_query_hmac_sha1(ACCESS_KEY_ID, Secret::new(ACCESS_KEY_SECRET)),
        ),
    ] {
        let transport = transport_for(sample);
        let client = alibaba::Client::builder()
            .base_url(&base_url)
            .transport(Arc::clone(&transport))
            .auth(auth.with_clock(clock()).with_nonces(nonces()))
            .build()
            .expect("client");
        client
            .unmute_call(request.clone())
            .await
            .expect("documented answer");
        let wire = rebuilt_wire(service, endpoint, sample, scheme);
        assert_same(
            &format!("unmute_call on the wire ({scheme})"),
            &sent(&transport),
            &wire,
        );
    }

    // Genesys RemoveParticipantFromConference.
    let (service, endpoint, sample) = find(
        model,
        "genesys_gws",
        "remove_participant_from_conference",
        "documented",
    );
    let base_url = server_url(service);
    let request = genesys::remove_participant_from_conference::Request::builder()
        .id(param(sample, "id"))
        .participant(body_field(sample, "participant"))
        .build()
        .expect("builds");
    let rebuilt = client_request(endpoint, sample, &base_url).expect("builds");
    assert_same(
        "remove_participant_from_conference",
        &request.to_http(&base_url).expect("to_http"),
        &rebuilt,
    );
    let auth = genesys::auth::basic_csrf(USERNAME, Secret::new(PASSWORD), &base_url).expect("auth");
    auth.observe(
        &base_url.parse().expect("uri"),
        &response_with(&[
            ("X-CSRF-HEADER", "X-CSRF-TOKEN"),
            ("X-CSRF-TOKEN", CSRF_TOKEN),
            (
                "set-cookie",
                &format!("JSESSIONID={COOKIE_VALUE}; Path=/; HttpOnly"),
            ),
        ]),
    );
    let transport = transport_for(sample);
    let client = genesys::Client::builder()
        .base_url(&base_url)
        .transport(Arc::clone(&transport))
        .auth(auth)
        .build()
        .expect("client");
    client
        .remove_participant_from_conference(request)
        .await
        .expect("documented answer");
    let wire = rebuilt_wire(service, endpoint, sample, "basic_csrf");
    assert_same(
        "remove_participant_from_conference on the wire",
        &sent(&transport),
        &wire,
    );
    assert_eq!(
        transport.requests().len(),
        1,
        "no CSRF refresh once the session is set"
    );

    // Genesys AuxWork: body dispatch without a `request` section; the client sends the
    // operation object `{"operationName": "AuxWork"}` all the same.
    let (service, endpoint, sample) = find(model, "genesys_gws", "aux_work", "documented");
    let request = genesys::aux_work::Request::builder()
        .build()
        .expect("builds");
    let rebuilt = client_request(endpoint, sample, &base_url).expect("builds");
    assert_same(
        "aux_work",
        &request.to_http(&base_url).expect("to_http"),
        &rebuilt,
    );
    let body: Value = serde_json::from_slice(rebuilt.body()).expect("a JSON body");
    assert_eq!(body, json!({"operationName": "AuxWork"}));
    transport.push_body(sample.status, r#"{"statusCode":0}"#);
    client.aux_work(request).await.expect("documented answer");
    let wire = rebuilt_wire(service, endpoint, sample, "basic_csrf");
    assert_same("aux_work on the wire", &sent(&transport), &wire);

    // Huawei: leaving an agent conference.
    let (service, endpoint, sample) = find(
        model,
        "huawei_agentgateway",
        "leave_agent_conference",
        "success",
    );
    let base_url = server_url(service);
    let request = huawei::leave_agent_conference::Request::builder()
        .agentid(param(sample, "agentid"))
        .build()
        .expect("builds");
    let rebuilt = client_request(endpoint, sample, &base_url).expect("builds");
    assert_same(
        "leave_agent_conference",
        &request.to_http(&base_url).expect("to_http"),
        &rebuilt,
    );
    let auth = huawei::auth::session_header().expect("auth");
    auth.observe(
        &base_url.parse().expect("uri"),
        &response_with(&[("Set-GUID", &format!("JSESSIONID={SESSION_VALUE}"))]),
    );
    let transport = transport_for(sample);
    let client = huawei::Client::builder()
        .base_url(&base_url)
        .transport(Arc::clone(&transport))
        .auth(auth)
        .build()
        .expect("client");
    client
        .leave_agent_conference(request)
        .await
        .expect("documented answer");
    let wire = rebuilt_wire(service, endpoint, sample, "session_header");
    assert_same(
        "leave_agent_conference on the wire",
        &sent(&transport),
        &wire,
    );

    // Tencent: ending a session (the per-request `random` differs by design).
    let (service, endpoint, sample) = find(model, "tencent_im_desk", "end_session", "documented");
    let base_url = server_url(service);
    let request = tencent::end_session::Request::builder()
        .session_id(body_field(sample, "SessionId"))
        .build()
        .expect("builds");
    let rebuilt = client_request(endpoint, sample, &base_url).expect("builds");
    assert_same(
        "end_session",
        &request.to_http(&base_url).expect("to_http"),
        &rebuilt,
    );
    let app_id = sample.params["sdkappid"].as_u64().expect("sdkappid");
    let transport = transport_for(sample);
    let client = tencent::Client::builder()
        .base_url(&base_url)
        .transport(Arc::clone(&transport))
        .auth(
            tencent::auth::tls_sig_query(
                app_id,
                param(sample, "identifier"),
                Secret::new(SIGNING_KEY),
            )
            .with_clock(clock()),
        )
        .build()
        .expect("client");
    client
        .end_session(request)
        .await
        .expect("documented answer");
    let wire = rebuilt_wire(service, endpoint, sample, "tls_sig_query");
    assert_same(
        "end_session on the wire",
        &masked(&sent(&transport), "random"),
        &masked(&wire, "random"),
    );
}

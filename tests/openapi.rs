//! The OpenAPI documents: one snapshot per valid fixture (the vendors' documents are committed
//! under `generated/openapi/` and kept fresh by `--check`), byte-for-byte determinism, and the
//! seed facts a reader of each document relies on.

use serde_json::{Value, json};
use switchboard_codegen::Builder;
use switchboard_codegen::emit::openapi::{self, Dispatch, Options, Version};
use switchboard_codegen::model::{Model, Service};
use switchboard_tests::root;

fn build() -> (Model, switchboard_codegen::Outputs) {
    Builder::new()
        .specs_dir(root().join("specs"))
        .build()
        .unwrap_or_else(|e| panic!("the vendor specs build:\n{e}"))
}

fn service<'a>(model: &'a Model, name: &str) -> &'a Service {
    model
        .services
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("service {name} is in specs/"))
}

/// The written text of `openapi/<name>.json`.
fn text(outputs: &switchboard_codegen::Outputs, name: &str) -> String {
    let bytes = outputs
        .files
        .get(std::path::Path::new(&format!("openapi/{name}.json")))
        .unwrap_or_else(|| panic!("openapi/{name}.json is generated"));
    String::from_utf8(bytes.clone()).expect("UTF-8")
}

fn doc(name: &str) -> Value {
    let (_, outputs) = build();
    serde_json::from_str(&text(&outputs, name)).expect("the document is JSON")
}

/// The document in the per-endpoint dispatch form (`--openapi-dispatch per-endpoint`).
fn per_endpoint(model: &Model, name: &str, version: Version) -> Value {
    let options = Options {
        version,
        dispatch: Dispatch::PerEndpoint,
    };
    openapi::document_with(service(model, name), options)
}

/// The only operation of a one-endpoint service, with its path key and method.
fn operation<'a>(doc: &'a Value, operation_id: &str) -> (&'a str, &'a str, &'a Value) {
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if op["operationId"] == operation_id {
                return (path, method, op);
            }
        }
    }
    panic!("no operation {operation_id}");
}

/// The model and outputs of the valid fixtures.
fn fixtures() -> (Model, switchboard_codegen::Outputs) {
    Builder::new()
        .specs_dir(root().join("tests/fixtures/valid"))
        .build()
        .unwrap_or_else(|e| panic!("the valid fixtures build:\n{e}"))
}

#[test]
fn fixture_documents_match_their_snapshots() {
    let (_, outputs) = fixtures();
    for name in ["fixture_api", "hostile_api"] {
        insta::assert_snapshot!(name, text(&outputs, name));
    }
}

#[test]
fn every_service_gets_a_document() {
    let (model, outputs) = build();
    assert_eq!(model.services.len(), 4);
    for service in &model.services {
        let doc: Value = serde_json::from_str(&text(&outputs, &service.name)).expect("JSON");
        assert_eq!(doc["openapi"], "3.1.0");
        assert_eq!(doc["info"]["version"], service.api_version.as_str());
        assert_eq!(doc["info"]["x-vendor"], service.vendor.as_str());
    }
}

#[test]
fn output_is_deterministic() {
    let (_, first) = build();
    let (_, second) = build();
    let openapi = |o: &switchboard_codegen::Outputs| {
        o.files
            .iter()
            .filter(|(p, _)| p.starts_with("openapi"))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(openapi(&first).len(), 4);
    assert_eq!(openapi(&first), openapi(&second));
    let (model, _) = build();
    for service in &model.services {
        for version in [Version::V3_1, Version::V3_0] {
            let a = serde_json::to_vec(&openapi::document(service, version)).expect("json");
            let b = serde_json::to_vec(&openapi::document(service, version)).expect("json");
            assert_eq!(a, b, "{} {version:?}", service.name);
        }
    }
}

#[test]
fn operation_ids_are_the_endpoint_ids_and_map_back() {
    let (model, _) = build();
    for service in &model.services {
        let doc = per_endpoint(&model, &service.name, Version::V3_1);
        let mut ids: Vec<String> = Vec::new();
        for item in doc["paths"].as_object().expect("paths").values() {
            for op in item.as_object().expect("path item").values() {
                ids.push(op["operationId"].as_str().expect("operationId").into());
            }
        }
        let mut expected: Vec<String> = service.endpoints.iter().map(|e| e.id.0.clone()).collect();
        ids.sort();
        expected.sort();
        assert_eq!(
            ids, expected,
            "{}: one operation per endpoint",
            service.name
        );

        // The matching rule of specs/README.md, "RPC dispatch in OpenAPI": a request made of
        // the endpoint's method, path and dispatch values finds exactly its own operation.
        for endpoint in &service.endpoints {
            let method = endpoint.method.as_str();
            let values: Vec<(String, String)> = endpoint
                .dispatch
                .iter()
                .map(|d| (d.name.clone(), d.value.clone()))
                .collect();
            let mut found = Vec::new();
            for (key, item) in doc["paths"].as_object().expect("paths") {
                for (m, op) in item.as_object().expect("path item") {
                    let dispatch = &op["x-switchboard-dispatch"];
                    let (op_method, op_path) = if dispatch.is_object() {
                        (
                            dispatch["method"].as_str().expect("method").to_owned(),
                            dispatch["path"].as_str().expect("path").to_owned(),
                        )
                    } else {
                        (m.to_ascii_uppercase(), key.clone())
                    };
                    let wanted = dispatch["values"].as_array().cloned().unwrap_or_default();
                    let all_match = wanted.iter().all(|v| {
                        values
                            .iter()
                            .any(|(n, val)| v["name"] == n.as_str() && v["value"] == val.as_str())
                    });
                    if op_method == method && op_path == endpoint.path && all_match {
                        found.push(op["operationId"].clone());
                    }
                }
            }
            assert_eq!(
                found,
                [Value::from(endpoint.id.0.clone())],
                "{}",
                endpoint.id.0
            );
        }
    }
}

#[test]
fn agent_id_range_reaches_the_path_parameter() {
    let doc = doc("huawei_agentgateway");
    let (path, method, op) = operation(&doc, "leave_agent_conference");
    assert_eq!(path, "/resource/agentconf/{agentid}/requestleaveagentconf");
    assert_eq!(method, "post");
    let agentid = &op["parameters"][0];
    assert_eq!(agentid["name"], "agentid");
    assert_eq!(agentid["in"], "path");
    assert_eq!(agentid["required"], true);
    assert_eq!(agentid["schema"]["type"], "string");
    assert_eq!(agentid["schema"]["pattern"], "^-?[0-9]+$");
    assert_eq!(
        agentid["schema"]["x-range"],
        json!({ "min": 101, "max": 59999 })
    );
}

#[test]
fn content_type_default_and_auth_header() {
    let doc = doc("huawei_agentgateway");
    let (_, _, op) = operation(&doc, "leave_agent_conference");
    // OpenAPI 3.1 has tools ignore a `Content-Type` header parameter: the documented value is
    // the operation's media type instead (no body is documented, so the body is not required).
    assert!(
        !op["parameters"]
            .as_array()
            .expect("parameters")
            .iter()
            .any(|p| p["name"] == "Content-Type")
    );
    let body = &op["requestBody"];
    assert_eq!(body["required"], false);
    assert!(body["content"]["application/json; charset=UTF-8"].is_object());
    assert!(
        body["description"]
            .as_str()
            .is_some_and(|d| d.contains("Coding mode of the message body."))
    );
    // The session header belongs to the security scheme, not to the caller's parameters.
    assert!(
        !op["parameters"]
            .as_array()
            .expect("parameters")
            .iter()
            .any(|p| p["name"] == "Guid")
    );
    assert_eq!(op["x-auth-parameters"][0]["name"], "Guid");
    assert_eq!(op["security"], json!([{ "session_header": [] }]));
    let scheme = &doc["components"]["securitySchemes"]["session_header"];
    assert_eq!(scheme["type"], "apiKey");
    assert_eq!(scheme["in"], "header");
    assert_eq!(scheme["name"], "Guid");
    assert_eq!(
        scheme["x-switchboard-session"]["capture_header"],
        "Set-GUID"
    );
    assert_eq!(
        scheme["x-switchboard-session"]["value_prefix"],
        "JSESSIONID="
    );
    // Sign-in opens the session: it sends no session header and needs no credentials.
    let (_, method, sign_in) = operation(&doc, "sign_in");
    assert_eq!(method, "put");
    assert_eq!(sign_in["security"], json!([{}]));
    assert!(sign_in["responses"]["200"]["headers"]["Set-GUID"].is_object());
}

#[test]
fn events_are_webhooks_listed_on_their_operation() {
    let doc = doc("huawei_agentgateway");
    let (_, _, op) = operation(&doc, "leave_agent_conference");
    assert_eq!(
        op["x-switchboard-events"],
        json!([
            "AgentMediaEvent_StopRecordDone",
            "AgentOther_PhoneRelease",
            "AgentConf_SelfLeaveResult",
            "AgentConf_ParticipantChanged"
        ])
    );
    let changed = &doc["webhooks"]["AgentConf_ParticipantChanged"]["post"];
    let media = &changed["requestBody"]["content"]["application/json"];
    let event = &media["schema"]["properties"]["event"];
    assert_eq!(
        event["properties"]["eventType"]["const"],
        "AgentConf_ParticipantChanged"
    );
    assert_eq!(
        event["properties"]["content"]["properties"]["confId"]["type"],
        "integer"
    );
    assert_eq!(
        media["examples"]["documented"]["value"]["event"]["content"]["confId"],
        1031168
    );
    let triggered_by = changed["x-switchboard-event"]["triggered_by"]
        .as_array()
        .expect("a list");
    assert!(
        triggered_by.contains(&json!("leave_agent_conference")),
        "{triggered_by:?}"
    );
}

#[test]
fn tencent_random_range_is_in_the_signature_extension() {
    let doc = doc("tencent_im_desk");
    let schemes = &doc["components"]["securitySchemes"];
    let signature = &schemes["tls_sig_query_usersig"]["x-switchboard-signature"];
    assert_eq!(signature["mac"], "HMAC-SHA256");
    assert_eq!(signature["random_param"]["name"], "random");
    assert_eq!(signature["random_param"]["minimum"], 0);
    assert_eq!(signature["random_param"]["maximum"], 4_294_967_295_u64);
    assert_eq!(signature["fixed_params"], json!({ "contenttype": "json" }));
    assert_eq!(signature["default_expire_seconds"], 15_552_000);
    let (_, _, op) = operation(&doc, "end_session");
    // All five query parameters come from the auth scheme: none is asked of the caller.
    assert!(op.get("parameters").is_none());
    let requirement = op["security"][0].as_object().expect("requirement");
    let keys: Vec<&str> = requirement.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "tls_sig_query_sdkappid",
            "tls_sig_query_identifier",
            "tls_sig_query_usersig",
            "tls_sig_query_random",
            "tls_sig_query_contenttype"
        ]
    );
    let random = op["x-auth-parameters"]
        .as_array()
        .expect("auth parameters")
        .iter()
        .find(|p| p["name"] == "random")
        .expect("random");
    assert_eq!(random["schema"]["maximum"], 4_294_967_295_u64);
}

#[test]
fn unmute_call_lists_its_seven_error_codes_with_statuses() {
    let (model, _) = build();
    let doc = per_endpoint(&model, "alibaba_ccc", Version::V3_1);
    let (path, method, op) = operation(&doc, "unmute_call");
    let own: Vec<(String, u64)> = op["x-switchboard-errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter(|e| e["scope"] == "endpoint")
        .map(|e| {
            (
                e["code"].as_str().expect("code").to_owned(),
                e["http_status"].as_u64().expect("status"),
            )
        })
        .collect();
    let expected = [
        ("Parameter.Blank", 400),
        ("InvalidOperation.ChannelState", 400),
        ("InvalidOperation.UserState", 400),
        ("NotExists.ChannelId", 404),
        ("NotExists.InstanceId", 404),
        ("NotExists.JobId", 404),
        ("InternalService.CTI", 500),
    ];
    let expected: Vec<(String, u64)> = expected.iter().map(|(c, s)| ((*c).into(), *s)).collect();
    assert_eq!(own, expected);
    // Each status's response lists its codes.
    for (code, status) in &expected {
        let response = &op["responses"][status.to_string()];
        let listed = response["x-switchboard-errors"]
            .as_array()
            .unwrap_or_else(|| panic!("response {status}"));
        assert!(listed.iter().any(|e| e["code"] == code.as_str()), "{code}");
        assert!(
            response["description"]
                .as_str()
                .expect("text")
                .contains(code.as_str())
        );
    }
    // RPC dispatch: its own path key, the real path and the query values in the extension.
    assert_eq!(path, "/;Action=UnmuteCall;Version=2020-07-01");
    assert_eq!(method, "post");
    assert_eq!(
        op["x-switchboard-dispatch"],
        json!({
            "method": "POST",
            "path": "/",
            "values": [
                { "in": "query", "name": "Action", "value": "UnmuteCall",
                  "alternatives": [{ "in": "header", "name": "x-acs-action" }] },
                { "in": "query", "name": "Version", "value": "2020-07-01",
                  "alternatives": [{ "in": "header", "name": "x-acs-version" }] }
            ]
        })
    );
    assert_eq!(
        op["parameters"][0]["schema"],
        json!({ "type": "string", "const": "UnmuteCall" })
    );
    // Not required in the query: the header-signing scheme sends it as `x-acs-action` instead.
    assert_eq!(op["parameters"][0]["required"], false);
    assert!(
        op["parameters"]
            .as_array()
            .expect("parameters")
            .iter()
            .any(|p| p["name"] == "x-acs-action"
                && p["in"] == "header"
                && p["schema"]["const"] == "UnmuteCall")
    );
    // Default scheme first, the alternative as a second requirement.
    assert_eq!(
        op["security"],
        json!([{ "signed_headers_hmac_sha256": [] }, { "signed_query_hmac_sha1": [] }])
    );
    // The payload field is typed with the endpoint's response fields, by reference.
    let success = &op["responses"]["200"]["content"]["application/json"];
    assert_eq!(
        success["schema"]["properties"]["Data"]["properties"]["CallContext"]["$ref"],
        "#/components/schemas/CallContext"
    );
    assert_eq!(success["schema"]["properties"]["Code"]["const"], "OK");
    assert_eq!(
        success["examples"]["documented"]["value"]["Data"]["UserContext"]["WorkMode"],
        "ON_SITE"
    );
}

#[test]
fn genesys_sample_request_body_is_the_example() {
    let (model, _) = build();
    let doc = per_endpoint(&model, "genesys_gws", Version::V3_1);
    let (path, _, op) = operation(&doc, "remove_participant_from_conference");
    assert_eq!(
        path,
        "/me/calls/{id};operationName=RemoveParticipantFromConference"
    );
    let media = &op["requestBody"]["content"]["application/json"];
    assert_eq!(
        media["examples"]["documented"]["value"],
        json!({ "operationName": "RemoveParticipantFromConference", "participant": "15001" })
    );
    assert_eq!(
        media["schema"]["properties"]["operationName"]["const"],
        "RemoveParticipantFromConference"
    );
    assert_eq!(
        media["schema"]["required"],
        json!(["operationName", "participant"])
    );
    // Basic + CSRF token + session cookie on a write; the CSRF failure documented as 403.
    assert_eq!(
        op["security"],
        json!([{ "basic_csrf": [], "basic_csrf_token": [], "basic_csrf_session": [] }])
    );
    assert_eq!(
        op["responses"]["403"]["content"]["text/plain"]["example"],
        "Missing or invalid Csrf token"
    );
    // The common statusCode table applies: every code is listed, scoped to the service.
    let errors = op["x-switchboard-errors"].as_array().expect("errors");
    assert_eq!(errors.len(), service(&model, "genesys_gws").errors.len());
    assert!(errors.len() >= 20);
    assert!(errors.iter().all(|e| e["scope"] == "service"));
}

#[test]
fn version_3_0_down_converts_what_3_0_lacks() {
    let (model, _) = build();
    for service in &model.services {
        let doc = openapi::document(service, Version::V3_0);
        assert_eq!(doc["openapi"], "3.0.3");
        assert!(doc.get("webhooks").is_none(), "{}", service.name);
        let mut bad = Vec::new();
        find_3_1_only(&doc, "", &mut bad);
        assert!(bad.is_empty(), "{}: {bad:?}", service.name);
    }
    // The probe finds what it looks for in a 3.1 document.
    let mut found = Vec::new();
    let v3_1 = openapi::document(service(&model, "genesys_gws"), Version::V3_1);
    find_3_1_only(&v3_1, "", &mut found);
    assert!(!found.is_empty());

    let genesys = openapi::document(service(&model, "genesys_gws"), Version::V3_0);
    let event = &genesys["x-webhooks"]["ParticipantsUpdated"]["post"];
    assert!(
        event["responses"]["default"].is_object(),
        "3.0 requires responses"
    );
    // 3.0 tools read one return type from the 2xx and `default` responses together (progenitor
    // asserts they agree): the error body is given per status range instead.
    for item in genesys["paths"].as_object().expect("paths").values() {
        for op in item.as_object().expect("path item").values() {
            let responses = &op["responses"];
            assert!(responses.get("default").is_none(), "{}", op["operationId"]);
            // Genesys's bodiless `default` beside its text/plain 403: kept as an extension.
            assert!(responses["403"]["content"]["text/plain"].is_object());
            assert!(responses.get("4XX").is_none() && responses.get("5XX").is_none());
            assert!(responses["x-switchboard-default"]["description"].is_string());
        }
    }
    // Alibaba's `default` has the error body: it becomes the 4XX and 5XX ranges.
    let alibaba = openapi::document(service(&model, "alibaba_ccc"), Version::V3_0);
    let responses = &alibaba["paths"]["/"]["post"]["responses"];
    assert!(responses.get("default").is_none());
    assert!(responses["4XX"]["content"]["application/json"]["schema"].is_object());
    assert_eq!(responses["4XX"], responses["5XX"]);
    let genesys = per_endpoint(&model, "genesys_gws", Version::V3_0);
    let (_, _, op) = operation(&genesys, "remove_participant_from_conference");
    let schema = &op["requestBody"]["content"]["application/json"]["schema"];
    assert_eq!(
        schema["properties"]["operationName"]["enum"],
        json!(["RemoveParticipantFromConference"])
    );
    assert_eq!(schema["properties"]["participant"]["example"], "15001");
}

/// Schema keywords 3.0 does not have, outside example values.
fn find_3_1_only(value: &Value, at: &str, bad: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let here = format!("{at}/{key}");
                let in_schema = at.contains("schema") || at.contains("/components/schemas");
                if in_schema && (key == "const" || (key == "examples" && child.is_array())) {
                    bad.push(here.clone());
                }
                if key == "type" && child.is_array() {
                    bad.push(here.clone());
                }
                // Example values are vendor data, not schemas.
                if key != "examples" && key != "value" && key != "example" {
                    find_3_1_only(child, &here, bad);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                find_3_1_only(item, &format!("{at}/{i}"), bad);
            }
        }
        _ => {}
    }
}

#[test]
fn hostile_prose_is_inert_markdown() {
    let (model, _) = fixtures();
    let doc = openapi::document(service(&model, "hostile_api"), Version::V3_1);
    let info = doc["info"]["description"].as_str().expect("description");
    assert!(
        info.contains("a &lt;b>tag&lt;/b> and &lt;/script>"),
        "{info}"
    );
    assert!(info.contains("[x]\\(javascript:alert(1))"), "{info}");
    // Code is literal in Markdown: left verbatim.
    assert!(info.contains("fn main() { panic!(\"doctest must never run\") }"));
    let text = serde_json::to_string(&doc).expect("json");
    let descriptions = text.replace(r#""x-vendor":"Ven|dor <script>"#, "");
    assert!(!descriptions.contains("<script"), "raw HTML left");
    // Data is not prose: the vendor name stays as written.
    assert_eq!(doc["info"]["x-vendor"], "Ven|dor <script>alert(1)</script>");
}

/// Merged form (the default): every path key is a wire path, and every endpoint is findable,
/// alone as its own operation or by its dispatch values among `x-switchboard-dispatch.operations`.
#[test]
fn merged_paths_are_wire_paths_and_list_every_endpoint() {
    let (model, outputs) = build();
    for service in &model.services {
        let doc: Value = serde_json::from_str(&text(&outputs, &service.name)).expect("JSON");
        let mut found: Vec<String> = Vec::new();
        for (key, item) in doc["paths"].as_object().expect("paths") {
            assert!(
                !key.contains(';'),
                "{}: {key} is not a wire path",
                service.name
            );
            let paths: Vec<&str> = service.endpoints.iter().map(|e| e.path.as_str()).collect();
            assert!(paths.contains(&key.as_str()), "{key}");
            for op in item.as_object().expect("path item").values() {
                match op["x-switchboard-dispatch"]["operations"].as_array() {
                    Some(entries) => found.extend(
                        entries
                            .iter()
                            .map(|e| e["operationId"].as_str().expect("id").to_owned()),
                    ),
                    None => found.push(op["operationId"].as_str().expect("id").to_owned()),
                }
            }
        }
        let mut expected: Vec<String> = service.endpoints.iter().map(|e| e.id.0.clone()).collect();
        found.sort();
        expected.sort();
        assert_eq!(found, expected, "{}", service.name);
    }
}

#[test]
fn merged_dispatch_values_are_enums_and_body_branches() {
    let alibaba = doc("alibaba_ccc");
    let op = &alibaba["paths"]["/"]["post"];
    let action = op["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .find(|p| p["name"] == "Action")
        .expect("Action");
    let actions = action["schema"]["enum"].as_array().expect("enum");
    // Every Action of the spec, however many endpoints it has (an added one joins the enum).
    let (model, _) = build();
    let documented: Vec<Value> = service(&model, "alibaba_ccc")
        .endpoints
        .iter()
        .flat_map(|e| e.dispatch.iter().filter(|d| d.name == "Action"))
        .map(|d| json!(d.value))
        .collect();
    assert!(documented.len() >= 24, "{}", documented.len());
    assert_eq!(*actions, documented);
    assert!(actions.contains(&json!("UnmuteCall")));
    // The header a signing scheme moves the action to is in the extension, not a parameter
    // (openapi-python-client rejects an optional `const` header).
    assert!(!op["parameters"].to_string().contains("\"x-acs-action\""));
    let unmute = op["x-switchboard-dispatch"]["operations"]
        .as_array()
        .expect("operations")
        .iter()
        .find(|e| e["operationId"] == "unmute_call")
        .expect("unmute_call");
    assert_eq!(
        unmute["values"][0]["alternatives"][0]["name"],
        "x-acs-action"
    );
    assert!(
        unmute["x-switchboard-errors"]
            .as_array()
            .expect("errors")
            .len()
            >= 7
    );

    let genesys = doc("genesys_gws");
    let op = &genesys["paths"]["/me/calls/{id}"]["post"];
    let media = &op["requestBody"]["content"]["application/json"];
    let branch = media["schema"]["oneOf"]
        .as_array()
        .expect("oneOf")
        .iter()
        .find(|b| b["properties"]["operationName"]["const"] == "RemoveParticipantFromConference")
        .expect("a branch per endpoint");
    assert_eq!(branch["required"], json!(["operationName", "participant"]));
    assert_eq!(
        media["examples"]["remove_participant_from_conference/documented"]["value"],
        json!({ "operationName": "RemoveParticipantFromConference", "participant": "15001" })
    );
    assert!(
        op["description"]
            .as_str()
            .expect("description")
            .contains("`operationName=RemoveParticipantFromConference`")
    );
}

/// The emitter prints a 3.1 document's operations one by one (cached, on every core) and
/// indents them into the rest; the text is the one of the whole document printed at once, for
/// every service (real and fixture) and both forms of dispatch.
#[test]
fn documents_printed_in_pieces_are_the_documents_printed_whole() {
    let (real, _) = build();
    let (fixtures, _) = fixtures();
    for model in [&real, &fixtures] {
        for dispatch in [Dispatch::Merged, Dispatch::PerEndpoint] {
            let options = Options {
                version: Version::V3_1,
                dispatch,
            };
            let mut out = switchboard_codegen::Outputs::default();
            openapi::emit_openapi(model, options, &mut out);
            for service in &model.services {
                let whole = serde_json::to_string_pretty(&openapi::document_with(service, options))
                    .expect("serializes")
                    + "\n";
                let path = format!("openapi/{}.json", service.name);
                let pieces = String::from_utf8(out.files[std::path::Path::new(&path)].clone())
                    .expect("UTF-8");
                assert!(
                    pieces == whole,
                    "{path} ({dispatch:?}) differs from the whole document"
                );
            }
        }
    }
}

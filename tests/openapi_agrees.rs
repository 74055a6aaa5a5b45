//! The OpenAPI documents say what the generated clients do: a documented pattern has one meaning
//! (the whole value matches) in the document, its 3.0.3 export, the Markdown and the client; and
//! every documented event frame is an example of the webhook the crate decodes it as.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde_json::Value;
use switchboard_codegen::Builder;
use switchboard_codegen::emit::Outputs;
use switchboard_codegen::emit::markdown::emit_markdown;
use switchboard_codegen::emit::openapi::{self, Version};
use switchboard_codegen::model::{Model, Service};
use switchboard_runtime::validate::{self, Regex};
use switchboard_tests::root;

/// The pattern of a string holding a decimal integer (a `range` on a string), which comes from no
/// spec `pattern`.
const DECIMAL_INTEGER: &str = "^-?[0-9]+$";

fn model() -> Model {
    Builder::new()
        .specs_dir(root().join("specs"))
        .validate()
        .unwrap_or_else(|e| panic!("specs/ must be valid:\n{e}"))
}

/// Every value of a key anywhere in a JSON tree (object keys named `key` holding a string).
fn strings_under(value: &Value, key: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == key
                    && let Value::String(s) = v
                {
                    out.push(s.clone());
                }
                strings_under(v, key, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| strings_under(v, key, out)),
        _ => {}
    }
}

/// The spec patterns of a service (every `pattern` of every type in the model) and, for those
/// with an example, the example.
fn spec_patterns(service: &Service) -> BTreeSet<String> {
    let mut found = Vec::new();
    strings_under(
        &serde_json::to_value(service).expect("the model serializes"),
        "pattern",
        &mut found,
    );
    found.into_iter().collect()
}

/// The client's check of `value` against the spec pattern `pattern` (the runtime function the
/// generated builders call).
fn client_accepts(pattern: &str, value: &str) -> bool {
    let pattern: &'static str = Box::leak(pattern.to_owned().into_boxed_str());
    let cell: &'static OnceLock<Option<Regex>> = Box::leak(Box::new(OnceLock::new()));
    validate::pattern("field", value, pattern, cell).is_ok()
}

#[test]
fn openapi_patterns_are_the_client_regexes() {
    let model = model();
    let mut checked = 0;
    for service in &model.services {
        let spec = spec_patterns(service);
        let anchored: BTreeSet<String> = spec.iter().map(|p| validate::anchored(p)).collect();
        for version in [Version::V3_1, Version::V3_0] {
            let doc = openapi::document(service, version);
            let mut in_doc = Vec::new();
            strings_under(&doc, "pattern", &mut in_doc);
            let in_doc: BTreeSet<String> = in_doc
                .into_iter()
                .filter(|p| p != DECIMAL_INTEGER)
                .collect();
            assert_eq!(
                in_doc, anchored,
                "{} ({version:?}): the document's patterns are the client's anchored regexes",
                service.name
            );
        }
        // Same verdict on a value with extra text around a matching core, which an unanchored
        // pattern would accept (`a5b` against `[0-9*#]+`).
        for pattern in &spec {
            let doc = Regex::new(&validate::anchored(pattern)).expect("the pattern compiles");
            for value in ["5", "70093", "a5b", "5 ", "*#1"] {
                assert_eq!(
                    doc.is_match(value),
                    client_accepts(pattern, value),
                    "{}: `{pattern}` on {value:?}",
                    service.name
                );
            }
            assert!(!doc.is_match("a5b"), "{}: `{pattern}`", service.name);
            checked += 1;
        }
    }
    assert!(
        checked >= 2,
        "the Alibaba DTMF and Huawei number patterns at least"
    );
}

#[test]
fn markdown_shows_the_anchored_pattern() {
    let model = model();
    let mut out = Outputs::default();
    emit_markdown(&model, &mut out);
    let text: String = out
        .files
        .values()
        .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
        .collect();
    for service in &model.services {
        for pattern in spec_patterns(service) {
            assert!(
                text.contains(&format!("pattern: `{}`", validate::anchored(&pattern))),
                "{}: `{pattern}` is shown anchored",
                service.name
            );
            assert!(
                !text.contains(&format!("pattern: `{pattern}`")),
                "{}: `{pattern}` is never shown unanchored",
                service.name
            );
        }
    }
}

/// What the generated crate of a service decodes a frame as (the event's wire name), `None`
/// for an unknown event.
fn decoded_name(service: &str, frame: &Value) -> Option<String> {
    // The same lines for each crate: their `Event` types differ.
    macro_rules! decode {
        ($krate:ident) => {{
            use $krate::events::{Event, decode_value};
            let event = decode_value(frame.clone()).ok()?;
            (!matches!(event, Event::Unknown { .. })).then(|| event.name().to_owned())
        }};
    }
    match service {
        "alibaba_ccc" => decode!(switchboard_alibaba_ccc),
        "genesys_gws" => decode!(switchboard_genesys_gws),
        "huawei_agentgateway" => decode!(switchboard_huawei_agentgateway),
        "tencent_im_desk" => decode!(switchboard_tencent_im_desk),
        other => panic!("no generated crate for {other}"),
    }
}

/// Every documented frame of a service: each event's sample and each endpoint sample's events.
fn frames(service: &Service) -> Vec<(String, Value)> {
    let own = service
        .events
        .iter()
        .filter_map(|e| Some((format!("sample of {}", e.name.wire), e.sample.clone()?)));
    let shown = service.endpoints.iter().flat_map(|endpoint| {
        endpoint.samples.iter().flat_map(move |sample| {
            sample.events.iter().map(move |frame| {
                let at = format!("sample `{}` of `{}`", sample.name, endpoint.id.0);
                (at, frame.clone())
            })
        })
    });
    own.chain(shown).collect()
}

/// The example values of a webhook's request body.
fn webhook_examples(doc: &Value, event: &str) -> Vec<Value> {
    let Some(item) = doc["webhooks"][event].as_object() else {
        panic!("no webhook {event}");
    };
    item.values()
        .flat_map(|op| {
            op["requestBody"]["content"]["application/json"]["examples"]
                .as_object()
                .into_iter()
                .flat_map(|examples| examples.values().map(|e| e["value"].clone()))
        })
        .collect()
}

fn assert_frames_are_examples(service: &Service, doc: &Value) -> usize {
    let mut checked = 0;
    for (at, frame) in frames(service) {
        let event = decoded_name(&service.name, &frame)
            .unwrap_or_else(|| panic!("{}: {at}: the crate decodes the frame", service.name));
        assert!(
            webhook_examples(doc, &event).contains(&frame),
            "{}: {at}: the frame is an example of webhook `{event}`, which decodes it",
            service.name
        );
        checked += 1;
    }
    checked
}

#[test]
fn every_event_sample_is_an_example_of_the_webhook_it_decodes_as() {
    let model = model();
    let mut checked = 0;
    for service in &model.services {
        checked += assert_frames_are_examples(service, &openapi::document(service, Version::V3_1));
    }
    assert!(checked >= 10, "documented frames checked: {checked}");
}

/// A frame without the envelope's name field, told apart by a discriminator alone (Genesys
/// `DeviceStateChangeMessage` carries `data.messageType` and no `data.notificationType`), is an
/// example of the webhook the crate decodes it as.
#[test]
fn a_frame_matched_by_its_discriminator_is_an_example_of_its_webhook() {
    let mut model = model();
    let service = model
        .services
        .iter_mut()
        .find(|s| s.name == "genesys_gws")
        .expect("genesys_gws is in specs/");
    let frame = serde_json::json!({
        "channel": "/v2/me/devices",
        "data": {"messageType": "DeviceStateChangeMessage", "devices": []},
    });
    assert_eq!(
        decoded_name("genesys_gws", &frame).as_deref(),
        Some("DeviceStateChangeMessage")
    );
    let sample = service
        .endpoints
        .iter_mut()
        .flat_map(|e| e.samples.iter_mut())
        .next()
        .expect("an endpoint sample");
    sample.events.push(frame.clone());
    let doc = openapi::document(service, Version::V3_1);
    assert!(webhook_examples(&doc, "DeviceStateChangeMessage").contains(&frame));
    assert_frames_are_examples(service, &doc);
}

//! The outputs say what the specs say, no more (issue 15): every `unconfirmed` note and every
//! `inferred` mark of a spec reaches the Markdown and the OpenAPI document (and, for inferred
//! values, the Rust docs); what a spec marks inferred is never stated as fact; the envelope's
//! fields are readable on success; the pages' words on auth-supplied parameters reach the
//! crate; the published outputs cite no internal file; and a `Content-Type` header is the
//! operation's media type in OpenAPI.
//!
//! Notes are read from the spec structs (not from the model, which is where a note was lost
//! before: shared types had no place for theirs) and compared with the outputs after reducing
//! both to letters and digits, so escaping (Markdown, rustdoc, JSON) cannot hide a note and
//! cannot fake one.

use std::collections::BTreeMap;

use pulldown_cmark::{Event, Parser};
use serde_json::Value;
use switchboard_codegen::Builder;
use switchboard_codegen::spec::{FieldSpec, PageSection, ServiceFiles, load_dir};
use switchboard_tests::root;

/// Where a note was written, for the failure message, and the note.
type Notes = Vec<(String, String)>;

fn squash(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).collect()
}

fn field_notes(fields: &[FieldSpec], at: &str, unconfirmed: &mut Notes, inferred: &mut Notes) {
    for field in fields {
        let name = field.name.as_ref().map_or("[]", |n| n.value.as_str());
        let at = format!("{at}.{name}");
        if let Some(note) = &field.unconfirmed {
            unconfirmed.push((at.clone(), note.value.clone()));
        }
        if let Some(marks) = &field.inferred {
            for (key, reason) in marks.entries() {
                inferred.push((format!("{at} inferred.{key}"), reason.value.clone()));
            }
        }
        field_notes(&field.fields, &at, unconfirmed, inferred);
        for child in [&field.items, &field.additional].into_iter().flatten() {
            field_notes(std::slice::from_ref(&**child), &at, unconfirmed, inferred);
        }
    }
}

/// Every unconfirmed note and every inferred mark of one service, with where it was written.
fn notes(service: &ServiceFiles) -> (Notes, Notes) {
    let (mut unconfirmed, mut inferred) = (Notes::new(), Notes::new());
    let spec = &service.spec;
    for note in &spec.unconfirmed {
        unconfirmed.push(("service".into(), note.value.clone()));
    }
    field_notes(&spec.types, "types", &mut unconfirmed, &mut inferred);
    field_notes(
        &spec.envelope.fields,
        "envelope",
        &mut unconfirmed,
        &mut inferred,
    );
    if let Some(marks) = &spec.envelope.inferred {
        for (key, reason) in marks.entries() {
            inferred.push((format!("envelope inferred.{key}"), reason.value.clone()));
        }
    }
    if let Some(frame) = &spec.event_envelope {
        field_notes(
            &frame.fields,
            "event_envelope",
            &mut unconfirmed,
            &mut inferred,
        );
    }
    for event in &spec.events {
        let at = format!("events.{}", event.name.value);
        field_notes(&event.fields, &at, &mut unconfirmed, &mut inferred);
    }
    for (_, endpoint) in &service.endpoints {
        let at = format!("endpoint {}", endpoint.id.value);
        for note in &endpoint.unconfirmed {
            unconfirmed.push((at.clone(), note.value.clone()));
        }
        field_notes(&endpoint.params, &at, &mut unconfirmed, &mut inferred);
        for body in [&endpoint.request, &endpoint.response]
            .into_iter()
            .flatten()
        {
            field_notes(&body.fields, &at, &mut unconfirmed, &mut inferred);
        }
        for sample in &endpoint.samples {
            for (key, reason) in sample.inferred.iter().flat_map(|m| m.entries()) {
                let at = format!("{at} sample {} inferred.{key}", sample.name.value);
                inferred.push((at, reason.value.clone()));
            }
        }
    }
    (unconfirmed, inferred)
}

/// The generated files of the specs, by path.
fn outputs() -> BTreeMap<String, String> {
    outputs_of("specs")
}

/// The generated files of a specs folder, by path.
fn outputs_of(specs: &str) -> BTreeMap<String, String> {
    let (_, outputs) = Builder::new()
        .specs_dir(root().join(specs))
        .build()
        .unwrap_or_else(|e| panic!("the vendor specs build:\n{e}"));
    outputs
        .files
        .into_iter()
        .map(|(path, bytes)| {
            let text = String::from_utf8(bytes).expect("UTF-8");
            (path.display().to_string().replace('\\', "/"), text)
        })
        .collect()
}

/// What a reader of a service's Markdown pages sees, squashed.
fn markdown_text(outputs: &BTreeMap<String, String>, service: &str) -> String {
    let mut text = String::new();
    for (_, page) in outputs
        .iter()
        .filter(|(p, _)| p.starts_with(&format!("docs/{service}/")))
    {
        for event in Parser::new_ext(page, pulldown_cmark::Options::all()) {
            if let Event::Text(t) | Event::Code(t) = event {
                text.push_str(&t);
            }
        }
    }
    squash(&text)
}

/// Every string of a service's OpenAPI document (descriptions and extensions), squashed.
fn openapi_text(outputs: &BTreeMap<String, String>, service: &str) -> String {
    fn strings(value: &Value, out: &mut String) {
        match value {
            Value::String(s) => out.push_str(s),
            Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
            Value::Object(map) => map.values().for_each(|v| strings(v, out)),
            _ => {}
        }
    }
    let doc: Value = serde_json::from_str(&outputs[&format!("openapi/{service}.json")])
        .expect("the document is JSON");
    let mut text = String::new();
    strings(&doc, &mut text);
    squash(&text)
}

/// The docs of a service's crate as rustdoc reads them (entities decoded), squashed.
fn rust_text(outputs: &BTreeMap<String, String>, service: &str) -> String {
    let lib = &outputs[&format!("rust/{service}/src/lib.rs")];
    let mut docs: String = lib
        .lines()
        .filter_map(|l| {
            l.trim_start()
                .strip_prefix("///")
                .or(l.trim_start().strip_prefix("//!"))
        })
        .collect::<Vec<_>>()
        .join(" ");
    // Docs given to the runtime's macros (setters, error variants) are `#[doc = "…"]`
    // attributes inside the invocations: read from the parsed source.
    let file = syn::parse_file(lib).expect("the generated lib.rs parses");
    macro_docs(&file.items, &mut docs);
    squash(
        &docs
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

fn missing(notes: &Notes, text: &str) -> Vec<String> {
    notes
        .iter()
        .filter(|(_, note)| !text.contains(&squash(note)))
        .map(|(at, note)| format!("{at}: {note}"))
        .collect()
}

#[test]
fn every_unconfirmed_note_and_inferred_mark_reaches_the_outputs() {
    let set = load_dir(&root().join("specs")).unwrap_or_else(|_| panic!("specs/ loads"));
    let outputs = outputs();
    let mut problems = Vec::new();
    let (mut unconfirmed_total, mut inferred_total) = (0, 0);
    for service in &set.services {
        let name = &service.spec.name.value;
        let (unconfirmed, inferred) = notes(service);
        unconfirmed_total += unconfirmed.len();
        inferred_total += inferred.len();
        let markdown = markdown_text(&outputs, name);
        let openapi = openapi_text(&outputs, name);
        let rust = rust_text(&outputs, name);
        for (output, text, notes) in [
            ("Markdown", &markdown, &unconfirmed),
            ("OpenAPI", &openapi, &unconfirmed),
            ("Markdown", &markdown, &inferred),
            ("OpenAPI", &openapi, &inferred),
        ] {
            for m in missing(notes, text) {
                problems.push(format!("{name} {output} lacks {m}"));
            }
        }
        // Samples are documentation in Markdown and OpenAPI only; everything else is in the
        // Rust docs too.
        let in_rust: Notes = inferred
            .iter()
            .filter(|(at, _)| !at.contains(" sample "))
            .cloned()
            .collect();
        for m in missing(&in_rust, &rust) {
            problems.push(format!("{name} Rust docs lack {m}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The walk found the notes the specs are known to carry (shared types included).
    assert!(
        unconfirmed_total > 100,
        "{unconfirmed_total} unconfirmed notes"
    );
    assert!(inferred_total >= 15, "{inferred_total} inferred marks");
}

#[test]
fn the_walk_would_see_a_lost_note() {
    // The comparison can fail: a note no output carries is reported.
    let text = squash("Some other text entirely.");
    let notes = vec![(
        "types.X".to_owned(),
        "Known only from one sample.".to_owned(),
    )];
    assert_eq!(missing(&notes, &text).len(), 1);
}

#[test]
fn an_inferred_http_status_mapping_is_not_stated_as_fact() {
    let outputs = outputs();
    for service in ["huawei_agentgateway", "genesys_gws"] {
        let readme = &outputs[&format!("docs/{service}/README.md")];
        assert!(
            !readme.contains("HTTP status carries errors: no."),
            "{service}: the README states the inferred HTTP status mapping as fact"
        );
        assert!(readme.contains("HTTP status carries errors: not stated by the source."));
        let doc = &outputs[&format!("openapi/{service}.json")];
        assert!(
            !doc.contains("Errors also arrive with HTTP 200"),
            "{service}: an operation states the inferred HTTP status mapping as fact"
        );
        assert!(doc.contains("The spec assumes errors also arrive with HTTP 200"));
    }
}

#[test]
fn published_outputs_cite_no_internal_file() {
    for (path, text) in outputs() {
        assert!(
            !text.contains("VENDORS.md"),
            "{path} cites VENDORS.md, which readers do not have"
        );
    }
}

#[test]
fn auth_supplied_parameters_keep_the_pages_words_in_the_crate() {
    let set = load_dir(&root().join("specs")).unwrap_or_else(|_| panic!("specs/ loads"));
    let outputs = outputs();
    let mut checked = 0;
    for service in &set.services {
        let rust = rust_text(&outputs, &service.spec.name.value);
        for (_, endpoint) in &service.endpoints {
            for param in endpoint
                .params
                .iter()
                .filter(|p| p.from_auth.as_ref().is_some_and(|f| f.value))
            {
                if let Some(description) = &param.description {
                    checked += 1;
                    assert!(
                        rust.contains(&squash(description)),
                        "{}: the description of {} is not in the crate",
                        endpoint.id.value,
                        param.name.as_ref().map_or("?", |n| n.value.as_str())
                    );
                }
            }
        }
    }
    assert!(checked > 0, "some auth-supplied parameter is described");
}

#[test]
fn content_type_headers_are_media_types_in_openapi() {
    let outputs = outputs();
    let doc: Value = serde_json::from_str(&outputs["openapi/huawei_agentgateway.json"]).unwrap();
    let mut media_types = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            for p in op["parameters"].as_array().into_iter().flatten() {
                assert!(
                    !(p["in"] == "header"
                        && p["name"]
                            .as_str()
                            .is_some_and(|n| n.eq_ignore_ascii_case("content-type"))),
                    "{method} {path}: Content-Type is a header parameter (OpenAPI 3.1 says tools ignore it)"
                );
            }
            if op["requestBody"]["content"]
                .as_object()
                .is_some_and(|c| c.contains_key("application/json; charset=UTF-8"))
            {
                media_types += 1;
            }
        }
    }
    assert!(
        media_types > 0,
        "the documented Content-Type is an operation's media type"
    );
}

#[test]
fn the_envelope_is_readable_on_success() {
    use switchboard_alibaba_ccc::unmute_call;
    use switchboard_runtime::bytes::Bytes;
    let body = r#"{"Code":"OK","HttpStatusCode":200,"Message":"无","RequestId":"R-1","Params":["无"],"Data":{}}"#;
    let response = switchboard_runtime::http::Response::builder()
        .status(200)
        .body(Bytes::from_static(body.as_bytes()))
        .unwrap();
    let output = unmute_call::parse_response(response).expect("a success");
    let envelope = output.envelope.expect("the envelope is read");
    assert_eq!(envelope.http_status_code, Some(200));
    assert_eq!(envelope.params, Some(vec!["无".to_owned()]));
    assert_eq!(envelope.request_id.as_deref(), Some("R-1"));
}

/// The sentence an endpoint's page uses for an empty section, which a truncated page must not
/// show: with the copy cut off, nothing listed means unknown.
fn none_sentence(section: PageSection) -> &'static str {
    match section {
        PageSection::Errors => "The page lists no error codes",
        PageSection::Events => "The page lists no events",
        PageSection::Samples => "The page shows no samples",
        PageSection::History => "The page records no changes",
    }
}

#[test]
fn a_truncated_section_is_unknown_in_every_output_never_none() {
    let mut seen = 0;
    for specs in ["specs", "tests/fixtures/valid"] {
        let set = load_dir(&root().join(specs)).unwrap_or_else(|_| panic!("{specs} loads"));
        let outputs = outputs_of(specs);
        for service in &set.services {
            let name = &service.spec.name.value;
            let rust = rust_text(&outputs, name);
            let openapi = openapi_text(&outputs, name);
            for (_, endpoint) in &service.endpoints {
                let id = &endpoint.id.value;
                let page = &outputs[&format!("docs/{name}/{id}.md")];
                for section in endpoint.page.iter().flat_map(|p| &p.truncated) {
                    seen += 1;
                    let section = section.value;
                    assert!(
                        !page.contains(none_sentence(section)),
                        "{name}/{id}: the page is cut off in its {}, yet the docs say there are none",
                        section.words()
                    );
                    let unknown = format!("The page does not show its {}", section.words());
                    let partial = format!("The page's {} may go on", section.words());
                    for (output, text) in [
                        ("Markdown", squash(page)),
                        ("OpenAPI", openapi.clone()),
                        ("Rust", rust.clone()),
                    ] {
                        assert!(
                            text.contains(&squash(&unknown)) || text.contains(&squash(&partial)),
                            "{name}/{id}: the {output} output does not say its {} are not all shown",
                            section.words()
                        );
                    }
                }
            }
        }
    }
    assert!(
        seen > 0,
        "no spec marks a truncated section: the test would prove nothing"
    );
}

#[test]
fn an_unknown_required_ness_is_neither_required_nor_stated_optional() {
    // Every schema property and parameter marked `x-switchboard-required: unknown`: not in its
    // object's `required`, not a required parameter, and its description says the page is
    // silent (a plain optional field would read as the page's word).
    fn walk(value: &Value, at: &str, found: &mut usize) {
        match value {
            Value::Object(map) => {
                let required: Vec<&str> = map
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                if let Some(Value::Object(properties)) = map.get("properties") {
                    for (name, property) in properties {
                        if property.get("x-switchboard-required") == Some(&Value::from("unknown")) {
                            *found += 1;
                            assert!(
                                !required.contains(&name.as_str()),
                                "{at}.{name} is required"
                            );
                            let description = property["description"].as_str().unwrap_or_default();
                            assert!(
                                description.contains("not stated by the page"),
                                "{at}.{name}"
                            );
                        }
                    }
                }
                if map.contains_key("in") && map.get("x-switchboard-required").is_some() {
                    *found += 1;
                    assert_eq!(
                        map["required"],
                        Value::Bool(false),
                        "{at}: parameter {:?}",
                        map["name"]
                    );
                    let description = map["description"].as_str().unwrap_or_default();
                    assert!(description.contains("not stated by the page"), "{at}");
                }
                for (key, child) in map {
                    walk(child, &format!("{at}.{key}"), found);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, at, found)),
            _ => {}
        }
    }
    let outputs = outputs_of("tests/fixtures/valid");
    let doc: Value = serde_json::from_str(&outputs["openapi/pages_api.json"]).expect("JSON");
    let mut found = 0;
    walk(&doc, "pages_api", &mut found);
    assert!(
        found >= 3,
        "the fixture's unknown required-ness reaches OpenAPI: {found}"
    );
    let page = &outputs["docs/pages_api/cut_off.md"];
    for row in ["| `verbose` |", "| `tenant` |", "| `result.label` |"] {
        let line = page.lines().find(|l| l.starts_with(row)).expect(row);
        assert!(line.contains("| unknown |"), "{line}");
    }
    let lib = &outputs["rust/pages_api/src/lib.rs"];
    assert!(lib.matches("Required: not stated by the page.").count() >= 3);
}

#[test]
fn an_endpoints_words_on_shared_fields_reach_its_docs_and_leave_the_shared_type_alone() {
    let outputs = outputs_of("tests/fixtures/valid");
    let page = &outputs["docs/pages_api/get_agent.md"];
    let doc: Value = serde_json::from_str(&outputs["openapi/pages_api.json"]).expect("JSON");
    let lib = &outputs["rust/pages_api/src/lib.rs"];
    let result = &doc["paths"]["/agents/{agentId}"]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"]["properties"]["result"]["properties"];
    // The body's own State (from `type: Agent`) and the shared supervisor's State.
    let own = "Values documented on this page: `READY` (空闲), `BREAK` (小休).";
    let member = "On this endpoint, `State`: The supervisor's state.";
    assert!(page.contains("The agent's state, as this page lists it."));
    assert!(page.contains(own));
    assert!(page.contains("| `result.supervisor.State` |"));
    assert!(page.contains("The supervisor's state."));
    let state = result["State"]["description"]
        .as_str()
        .expect("State described");
    assert!(
        state.starts_with("坐席状态。") && state.contains(own),
        "{state}"
    );
    let supervisor = result["supervisor"]["description"]
        .as_str()
        .expect("described");
    assert!(supervisor.contains(member), "{supervisor}");
    assert!(lib.contains(own) && lib.contains(member));
    // Every other endpoint and the shared type keep the shared words, and the type its shape.
    let agent = &doc["components"]["schemas"]["Agent"]["properties"]["State"];
    assert_eq!(agent["description"], "The agent's state.");
    assert_eq!(agent["type"], "string");
    for (path, text) in &outputs {
        if path.starts_with("docs/pages_api/") && path != "docs/pages_api/get_agent.md" {
            assert!(
                !text.contains("this page lists it"),
                "{path} shows another page's words"
            );
        }
    }
    assert!(
        lib.contains("pub state: Option<String>"),
        "State stays a string, not an enum"
    );
}

/// The string literals of `#[doc = "…"]` attributes inside macro invocations, appended to `out`.
fn macro_docs(items: &[syn::Item], out: &mut String) {
    for item in items {
        match item {
            syn::Item::Mod(m) => macro_docs(m.content.as_ref().map_or(&[][..], |c| &c.1), out),
            syn::Item::Macro(m) => doc_strings(m.mac.tokens.clone(), out),
            syn::Item::Impl(i) => {
                for item in &i.items {
                    if let syn::ImplItem::Macro(m) = item {
                        doc_strings(m.mac.tokens.clone(), out);
                    }
                }
            }
            _ => {}
        }
    }
}

fn doc_strings(tokens: proc_macro2::TokenStream, out: &mut String) {
    use proc_macro2::TokenTree;
    for tree in tokens {
        if let TokenTree::Group(group) = tree {
            let inner: Vec<TokenTree> = group.stream().into_iter().collect();
            if let [
                TokenTree::Ident(doc),
                TokenTree::Punct(_),
                TokenTree::Literal(text),
            ] = &inner[..]
                && doc == "doc"
                && let Ok(syn::Lit::Str(text)) = syn::parse_str::<syn::Lit>(&text.to_string())
            {
                out.push(' ');
                out.push_str(&text.value());
            } else {
                doc_strings(group.stream(), out);
            }
        }
    }
}

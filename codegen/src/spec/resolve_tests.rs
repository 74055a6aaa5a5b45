//! The resolution rules: what wins, in which order.

use super::*;
use std::collections::BTreeMap;

use crate::spec::{CodeValue, DispatchIn};

const SERVICE: &str = r#"
name: t
title: T
vendor: V
api_version: "1"
base_url: {template: "https://h"}
auth: {schemes: [none]}
envelope: {http_status_errors: false}
errors:
  - {code: Common, message: Every endpoint.}
types:
  - name: Ctx
    type: object
    fields:
      - {name: a, type: string}
      - {name: b, type: integer}
params:
  - {name: Inst, in: query, type: string, required: true, description: Shared., example: x}
  - {name: User, in: query, type: string, description: The user.}
  - {name: Tok, in: header, type: string, from_auth: true}
error_catalogue:
  - {code: Gone, http_status: 404, message: Gone., meaning: Shared meaning.}
  - {code: Busy, http_status: 503, message: Busy., retryable: true}
shapes:
  - name: Pair
    description: Two things.
    fields:
      - {name: one, type: string}
      - {name: two, type: Ctx}
endpoint_defaults:
  dispatch:
    - {in: query, name: Version, value: "1"}
  params: [Inst, Tok]
  errors: [Busy]
  sample_params: {Inst: x1, Tok: t, Other: o}
  sample_response: {body: {$use: ok, Data: {}}}
sample_parts:
  ok: {Code: OK, Status: 200, Message: none, RequestId: R1}
  call: {id: c1, state: Dialing, parties: [a, b], meta: {n: 1, m: 2}}
"#;

fn resolve(endpoint: &str) -> (EndpointSpec, Vec<String>) {
    let (e, found) = resolve_located(endpoint);
    (e, found.into_iter().map(|(code, _)| code).collect())
}

/// Each problem's code with the text it points at.
fn resolve_located(endpoint: &str) -> (EndpointSpec, Vec<(String, String)>) {
    let (service, p) = crate::spec::parse_text::<ServiceSpec>(SERVICE, &crate::cache::Memo::off());
    assert!(p.is_empty(), "{p:?}");
    let service = service.expect("service");
    let text = format!(
        "id: e\ntitle: E\nsummary: S.\nmethod: GET\npath: /\nsource: {{url: u}}\n{endpoint}"
    );
    let (e, p) = crate::spec::parse_text::<EndpointSpec>(&text, &crate::cache::Memo::off());
    assert!(p.is_empty(), "{p:?}");
    let mut sources = SourceMap::default();
    let service_file = sources.add(std::path::Path::new("service.yaml"), SERVICE.into());
    let file = sources.add(std::path::Path::new("e.yaml"), text.clone());
    let mut endpoints = vec![(file, e.expect("endpoint"))];
    let mut errors = Errors::default();
    let mut deferred = Vec::new();
    resolve_service(
        service_file,
        &service,
        &mut endpoints,
        &sources,
        &mut errors,
        &mut deferred,
    );
    for (problem, loc) in deferred {
        errors.report(problem, loc);
    }
    let codes = match errors.finish() {
        Ok(()) => Vec::new(),
        Err(list) => list
            .iter()
            .map(|d| {
                let span = d.loc.span;
                (
                    d.problem.code().to_owned(),
                    text[span.start..span.end].to_owned(),
                )
            })
            .collect(),
    };
    (endpoints.pop().expect("one").1, codes)
}

fn names(e: &EndpointSpec) -> Vec<&str> {
    e.params
        .iter()
        .map(|p| p.name.as_ref().expect("name").value.as_str())
        .collect()
}

#[test]
fn a_use_takes_the_shared_definition_and_its_own_overrides_win() {
    let (e, errs) = resolve("params:\n- {use: User, required: true, description: Own.}\n");
    assert!(errs.is_empty(), "{errs:?}");
    let user = &e.params[2];
    assert_eq!(user.name.as_ref().expect("name").value, "User");
    assert_eq!(user.ty.value, "string");
    assert_eq!(user.description.as_ref().expect("d").value, "Own.");
    assert!(user.required.as_ref().expect("r").is_yes());
    assert!(user.use_.is_some(), "the copy remembers where it came from");
    let (e, errs) = resolve("params:\n- {use: User, inferred: {example: Made up.}}\n");
    assert!(errs.is_empty(), "{errs:?}");
    let marks = e.params[2]
        .inferred
        .as_ref()
        .expect("the use's own inferred marks");
    assert_eq!(marks.example.as_ref().expect("example").value, "Made up.");
}

#[test]
fn defaults_come_first_a_use_places_one_and_an_opt_out_drops_one() {
    let (e, _) = resolve("params:\n- {name: own, in: query, type: string}\n");
    assert_eq!(names(&e), ["Inst", "Tok", "own"]);
    let (e, _) = resolve(
        "params:\n- {name: own, in: query, type: string}\n- {use: Inst, required: false}\n",
    );
    assert_eq!(names(&e), ["Tok", "own", "Inst"]);
    assert!(!e.params[2].required.as_ref().expect("r").is_yes());
    assert_eq!(e.params[2].example.as_ref().expect("e").value.0, "x");
    let (e, _) = resolve("without_defaults: [Tok]\n");
    assert_eq!(names(&e), ["Inst"]);
}

#[test]
fn an_own_parameter_beside_an_inherited_one_is_a_conflict() {
    let (_, errs) = resolve("params:\n- {name: Inst, in: query, type: integer}\n");
    assert_eq!(errs, ["E0115"]);
    let (e, errs) =
        resolve("without_defaults: [Inst]\nparams:\n- {name: Inst, in: query, type: integer}\n");
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(e.params[1].ty.value, "integer");
}

#[test]
fn an_own_dispatch_value_wins_and_defaults_follow_the_own_ones() {
    let (e, _) = resolve("dispatch:\n- {in: query, name: Action, value: Do}\n");
    let got: Vec<_> = e
        .dispatch
        .iter()
        .map(|d| (d.name.value.as_str(), d.value.value.as_str()))
        .collect();
    assert_eq!(got, [("Action", "Do"), ("Version", "1")]);
    let (e, _) = resolve("dispatch:\n- {in: query, name: Version, value: \"2\"}\n");
    assert_eq!(e.dispatch.len(), 1);
    assert_eq!(e.dispatch[0].value.value, "2");
    let (e, _) = resolve("dispatch:\n- {in: header, name: Version, value: \"2\"}\n");
    assert_eq!(e.dispatch.len(), 2, "another place is another value");
    assert_eq!(e.dispatch[1].location.value, DispatchIn::Query);
    let (e, _) = resolve("without_defaults: [Version]\n");
    assert!(e.dispatch.is_empty());
}

#[test]
fn endpoint_keys_win_over_the_catalogue_and_defaults_are_appended() {
    let (e, errs) = resolve("errors:\n- {code: Gone, meaning: Here it means this.}\n");
    assert!(errs.is_empty(), "{errs:?}");
    let gone = &e.errors[0];
    assert_eq!(
        gone.meaning.as_ref().expect("m").value,
        "Here it means this."
    );
    assert_eq!(gone.message.as_ref().expect("m").value, "Gone.");
    assert_eq!(gone.http_status.as_ref().expect("s").value, 404);
    let codes: Vec<_> = e.errors.iter().map(|x| x.code.value.clone()).collect();
    assert_eq!(
        codes,
        [CodeValue::Str("Gone".into()), CodeValue::Str("Busy".into())]
    );
    let (e, _) = resolve("without_defaults: [Busy]\nerrors:\n- {code: Gone}\n");
    assert_eq!(e.errors.len(), 1);
    let (e, _) = resolve("errors:\n- {code: Busy, retryable: false}\n");
    assert_eq!(e.errors.len(), 1, "a listed default is not listed twice");
    assert!(!e.errors[0].retryable.as_ref().expect("r").value);
}

#[test]
fn a_body_of_a_shared_type_gets_its_fields() {
    let (e, errs) = resolve("response: {type: Ctx}\n");
    assert!(errs.is_empty(), "{errs:?}");
    let fields: Vec<_> = e
        .response
        .as_ref()
        .expect("r")
        .fields
        .iter()
        .map(|f| f.name.as_ref().expect("n").value.as_str())
        .collect();
    assert_eq!(fields, ["a", "b"]);
    let (_, errs) = resolve("response: {type: Common}\n");
    assert_eq!(errs, ["E0104"]);
}

#[test]
fn inherited_copies_are_located_in_the_inheriting_file() {
    let (e, _) = resolve("params:\n- {use: User}\n");
    let id = e.id.span;
    assert_eq!(e.params[0].name.as_ref().expect("n").span, id);
    assert_eq!(e.dispatch[0].value.span, id);
    let at = e.params[2].use_.as_ref().expect("use").span;
    assert_eq!(e.params[2].ty.span, at);
}

#[test]
fn an_override_of_a_fixed_key_and_an_unknown_name_are_errors() {
    let (_, errs) = resolve("params:\n- {use: User, in: header}\n");
    assert_eq!(errs, ["E0114"]);
    let (_, errs) = resolve("params:\n- {use: Usr}\n");
    assert_eq!(errs, ["E0104"]);
    let (_, errs) = resolve("without_defaults: [Nope]\n");
    assert_eq!(errs, ["E0104"]);
}

#[test]
fn a_shape_gives_its_fields_first_and_its_description_to_an_undescribed_body() {
    let field_names = |e: &EndpointSpec| -> Vec<String> {
        let body = e.request.as_ref().expect("request");
        body.fields
            .iter()
            .map(|f| f.name.as_ref().expect("name").value.clone())
            .collect()
    };
    let described = |e: &EndpointSpec| {
        let body = e.request.as_ref().expect("request");
        body.description.as_ref().map(|d| d.value.clone())
    };
    let (e, errs) = resolve("request: {type: Pair, fields: [{name: three, type: json}]}\n");
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(field_names(&e), ["one", "two", "three"]);
    assert_eq!(described(&e).as_deref(), Some("Two things."));
    let (e, _) = resolve("request: {type: Pair, description: Own.}\n");
    assert_eq!(
        described(&e).as_deref(),
        Some("Own."),
        "the body's own wins"
    );
    let (e, _) = resolve("request: {type: Ctx}\n");
    assert_eq!(
        described(&e),
        None,
        "a type's description is about the type"
    );
}

#[test]
fn sample_requests_get_the_default_values_they_do_not_give() {
    let params = |e: &EndpointSpec, i: usize| -> Vec<(String, String)> {
        let request = e.samples[i].request.as_ref();
        request.map_or_else(Vec::new, |r| {
            r.params
                .iter()
                .map(|(k, v)| (k.clone(), v.value.0.to_string()))
                .collect()
        })
    };
    let samples = "samples:\n- {name: a, request: {params: {Inst: own}}}\n- {name: b}\n";
    let (e, errs) = resolve(samples);
    assert!(errs.is_empty(), "{errs:?}");
    let pair = |k: &str, v: &str| (k.to_owned(), format!("\"{v}\""));
    assert_eq!(params(&e, 0), [pair("Inst", "own"), pair("Tok", "t")]);
    assert!(
        e.samples[1].request.is_none(),
        "a sample without a request stays so"
    );
    let (e, _) = resolve(&format!("without_defaults: [Tok]\n{samples}"));
    assert_eq!(
        params(&e, 0),
        [pair("Inst", "own")],
        "no parameter, no sample value"
    );
}

/// The response body of the endpoint's first sample, as the outputs print it.
fn sample_body(e: &EndpointSpec) -> String {
    let response = e.samples[0].response.as_ref().expect("response");
    response.body.as_ref().expect("body").value.0.to_string()
}

#[test]
fn a_sample_part_keeps_the_key_order_the_page_prints() {
    let (e, errs) = resolve(
        "samples:\n- name: s\n  response:\n    body:\n      $use: ok\n      RequestId: R2\n      Data: {x: 1}\n",
    );
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(
        sample_body(&e),
        r#"{"Code":"OK","Status":200,"Message":"none","RequestId":"R2","Data":{"x":1}}"#,
        "the part's keys in its order, a written key in the part key's place, new keys after"
    );
}

#[test]
fn a_sample_part_merges_nested_mappings_and_replaces_sequences() {
    let body = "{$use: call, state: Held, parties: [c], meta: {m: 3, o: 4}, extra: true}";
    let (e, errs) = resolve(&format!(
        "samples:\n- name: s\n  request: {{body: {{calls: [{body}]}}}}\n  events:\n  - {{data: {body}}}\n"
    ));
    assert!(errs.is_empty(), "{errs:?}");
    let merged =
        r#"{"id":"c1","state":"Held","parties":["c"],"meta":{"n":1,"m":3,"o":4},"extra":true}"#;
    let request = e.samples[0].request.as_ref().expect("request");
    assert_eq!(
        request.body.as_ref().expect("body").value.0.to_string(),
        format!(r#"{{"calls":[{merged}]}}"#),
        "inside sequences of request bodies too"
    );
    assert_eq!(
        e.samples[0].events[0].value.0.to_string(),
        format!(r#"{{"data":{merged}}}"#),
        "and in notifications"
    );
}

#[test]
fn sample_part_mistakes_point_at_the_use() {
    let sample = |body: &str| format!("samples:\n- name: s\n  response:\n    body: {body}\n");
    let at = |code: &str, text: &str| vec![(code.to_owned(), text.to_owned())];
    let (_, found) = resolve_located(&sample("{Data: {$use: okk}}"));
    assert_eq!(found, at("E0104", "$use: okk"), "an unknown part");
    let (_, found) = resolve_located(&sample("{$use: ok, Code: OK}"));
    assert_eq!(
        found,
        at("E0115", "$use: ok"),
        "a key that repeats the part's value"
    );
    let (_, found) = resolve_located(&sample("{x: 1, y: {$use: call, meta: 5}}"));
    assert_eq!(
        found,
        at("E0115", "$use: call"),
        "a mapping of the part written as a number"
    );
    let (_, found) = resolve_located(&sample("{$use: [ok]}"));
    assert_eq!(found, at("E0110", "$use"), "a name that is no text");
}

#[test]
fn a_sample_part_is_a_mapping_that_uses_no_other_part() {
    let parts = |yaml: &str| {
        let (parts, p) = crate::spec::parse_text::<BTreeMap<String, Sp<crate::spec::Json>>>(
            yaml,
            &crate::cache::Memo::off(),
        );
        assert!(p.is_empty(), "{p:?}");
        let found = super::sample_parts::check_parts(&parts.expect("parts"));
        found.iter().map(|f| f.problem.code()).collect::<Vec<_>>()
    };
    assert_eq!(parts("a: {x: 1}\nb: {y: [1]}\n"), Vec::<&str>::new());
    assert_eq!(parts("a: [1, 2]\n"), ["E0110"]);
    assert_eq!(parts("a: {x: {$use: b}}\nb: {y: 1}\n"), ["E0110"]);
}

#[test]
fn a_sample_without_a_response_shows_the_default_one() {
    let samples =
        "samples:\n- {name: a}\n- {name: b, response: {status: 404, body: {Code: Gone}}}\n";
    let (e, errs) = resolve(samples);
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(
        sample_body(&e),
        r#"{"Code":"OK","Status":200,"Message":"none","RequestId":"R1","Data":{}}"#,
        "the default, its parts resolved"
    );
    let own = e.samples[1].response.as_ref().expect("own");
    assert_eq!(
        own.body.as_ref().expect("body").value.0.to_string(),
        r#"{"Code":"Gone"}"#
    );
    let (e, errs) = resolve(&format!("without_defaults: [sample_response]\n{samples}"));
    assert!(errs.is_empty(), "{errs:?}");
    assert!(e.samples[0].response.is_none(), "opted out: no response");
}

//! Tests made from the documented samples (Smithy protocol-test style): build the request from
//! the sample's values and compare it with the documented one; decode the documented response.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::types::ident;
use crate::model::{AuthScheme, DispatchIn, Endpoint, Field, ParamIn, Sample, Service, TypeKind};

/// The base URL the sample tests build against; paths are then exactly the endpoint's.
const TEST_BASE: &str = "https://api.test";

/// Emits `tests/samples.rs`.
pub fn emit_sample_tests(service: &Service) -> TokenStream {
    let krate = format_ident!("{}", service.crate_ident);
    let oracle = DocumentedOracle::of(service);
    let mut tests = Vec::new();
    for endpoint in &service.endpoints {
        for sample in &endpoint.samples {
            tests.push(emit_sample(endpoint, sample));
        }
    }
    let event_tests = emit_event_samples(service);
    let send_samples = emit_send_samples(service);
    let documented_request = oracle.helper();
    quote! {
        //! Documented samples of every endpoint, as tests.
        #![allow(clippy::unwrap_used, reason = "tests")]
        use #krate as client;
        use ::switchboard_runtime::bytes::Bytes;
        use ::switchboard_runtime::serde_json;

        fn query(request: &::switchboard_runtime::http::Request<Bytes>) -> Vec<(String, String)> {
            ::switchboard_runtime::query::pairs(request.uri())
        }

        #documented_request
        #(#tests)*
        #event_tests
        #send_samples
    }
}

/// What the generated tests need to compare a request with the request line a page prints:
/// the path the base URL puts before the endpoint's own, and the query parameters the auth
/// schemes add (their values are credentials, signatures or nonces, except fixed ones).
struct DocumentedOracle {
    base_path: String,
    auth_query: Vec<(String, Option<String>)>,
    used: bool,
}

impl DocumentedOracle {
    fn of(service: &Service) -> DocumentedOracle {
        let template = &service.base_url.template;
        let after_scheme = template
            .split_once("://")
            .map_or(template.as_str(), |(_, r)| r);
        let base_path = after_scheme
            .find('/')
            .map_or("", |i| &after_scheme[i..])
            .trim_end_matches('/')
            .to_owned();
        let mut auth_query = Vec::new();
        for scheme in &service.auth.schemes {
            match scheme {
                AuthScheme::TlsSigQuery {
                    app_id_param,
                    identifier_param,
                    signature_param,
                    random_param,
                    fixed_params,
                    ..
                } => {
                    for name in [
                        app_id_param,
                        identifier_param,
                        signature_param,
                        random_param,
                    ] {
                        auth_query.push((name.clone(), None));
                    }
                    for (name, value) in fixed_params {
                        auth_query.push((name.clone(), Some(value.clone())));
                    }
                }
                // The other schemes add headers, or query parameters no documented request
                // line of theirs shows (a line that did would fail as an unexpected pair).
                AuthScheme::None
                | AuthScheme::SessionHeader { .. }
                | AuthScheme::BasicCsrf { .. }
                | AuthScheme::SignedHeadersHmacSha256 { .. }
                | AuthScheme::SignedQueryHmacSha1 { .. } => {}
            }
        }
        let used = service
            .endpoints
            .iter()
            .flat_map(|e| &e.samples)
            .any(|s| s.documented_line.is_some());
        DocumentedOracle {
            base_path,
            auth_query,
            used,
        }
    }

    /// `assert_documented_request`, which compares a request with the request line a page
    /// prints, when a sample has one.
    fn helper(&self) -> TokenStream {
        if !self.used {
            return quote!();
        }
        let base_path = &self.base_path;
        let auth = self.auth_query.iter().map(|(name, fixed)| match fixed {
            Some(v) => quote!((#name, Some(#v))),
            None => quote!((#name, None)),
        });
        quote! {
            /// Compares `http` (built against the test base URL) with `line`, the request line
            /// as a page prints it (`POST api/v2/me/calls/1`, `POST https://host/api/v2/me
            /// HTTP/1.1` or a bare URL): an oracle independent of the model. Same method when
            /// the line gives one, same path after the base URL's own path, same query; of the
            /// query pairs the auth scheme adds when sending (`AUTH_ADDED`), only fixed ones are
            /// compared by value, the others are credentials, a signature or a random number
            /// per request.
            fn assert_documented_request(
                http: &::switchboard_runtime::http::Request<Bytes>,
                line: &str,
            ) {
                const BASE_PATH: &str = #base_path;
                const AUTH_ADDED: &[(&str, Option<&str>)] = &[#(#auth),*];
                let mut words = line.split_whitespace();
                let first = words.next().unwrap();
                let (method, target) = if first.bytes().all(|b| b.is_ascii_uppercase()) {
                    (Some(first), words.next().unwrap())
                } else {
                    (None, first)
                };
                let target = match target.split_once("://") {
                    Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
                    None => target,
                };
                let documented: ::switchboard_runtime::http::Uri =
                    format!("http://documented/{}", target.trim_start_matches('/')).parse().unwrap();
                if let Some(method) = method {
                    assert_eq!(http.method().as_str(), method, "the documented method");
                }
                assert_eq!(
                    format!("{BASE_PATH}{}", http.uri().path()),
                    documented.path(),
                    "the documented path"
                );
                let mut documented_query = Vec::new();
                for (name, value) in ::switchboard_runtime::query::pairs(&documented) {
                    match AUTH_ADDED.iter().find(|(n, _)| *n == name) {
                        Some((_, Some(fixed))) => assert_eq!(value, *fixed, "the documented {}", name),
                        Some((_, None)) => {}
                        None => documented_query.push((name, value)),
                    }
                }
                let mut sent_query = query(http);
                sent_query.sort();
                documented_query.sort();
                assert_eq!(sent_query, documented_query, "the documented query");
            }
        }
    }
}

fn emit_sample(endpoint: &Endpoint, sample: &Sample) -> TokenStream {
    let module = ident(&endpoint.rust);
    let name = format_ident!("{}_{}", endpoint.rust.trim_start_matches("r#"), sample.name);
    let builder = request_fn(endpoint, sample);
    let request = sample_request(endpoint, sample);
    let response = sample_response(endpoint, sample);
    let events = sample.events.iter().map(|frame| {
        let json = json_tokens(frame);
        quote! {
            let frame = serde_json::to_vec(&#json).unwrap();
            let event = client::events::decode(&frame).unwrap();
            assert!(!matches!(event, client::events::Event::Unknown { .. }), "documented event decodes to its type: {event:?}");
        }
    });
    quote! {
        #builder
        #[test]
        fn #name() {
            use client::#module as op;
            #request
            #response
            #(#events)*
        }
    }
}

fn has_request(sample: &Sample) -> bool {
    !sample.params.is_empty() || sample.request_body.is_some()
}

fn request_fn_name(endpoint: &Endpoint, sample: &Sample) -> proc_macro2::Ident {
    format_ident!(
        "{}_{}_request",
        endpoint.rust.trim_start_matches("r#"),
        sample.name
    )
}

/// `fn <endpoint>_<sample>_request()`: the sample's request, built with the client's builder
/// from the sample's values (shared by its test and by `send_samples`).
fn request_fn(endpoint: &Endpoint, sample: &Sample) -> TokenStream {
    if !has_request(sample) {
        return quote!();
    }
    let module = ident(&endpoint.rust);
    let setters = sample_setters(endpoint, sample, &quote!(client));
    let name = request_fn_name(endpoint, sample);
    quote! {
        fn #name() -> client::#module::Request {
            client::#module::Request::builder() #(#setters)* .build().unwrap()
        }
    }
}

/// The builder calls that set a sample's parameters and body fields, the crate named `krate`.
pub(super) fn sample_setters(
    endpoint: &Endpoint,
    sample: &Sample,
    krate: &TokenStream,
) -> Vec<TokenStream> {
    let module = ident(&endpoint.rust);
    let module_path = quote!(#module);
    let mut setters = Vec::new();
    for param in endpoint.params.iter().filter(|p| p.caller_sets()) {
        if let Some(value) = sample.params.get(&param.field.name.wire) {
            setters.push(setter(&param.field, value, &module_path, krate));
        }
    }
    let body = sample.request_body.as_ref();
    for field in endpoint.request.iter().flat_map(|r| &r.fields) {
        if let Some(value) = body.and_then(|b| b.get(&field.name.wire)) {
            setters.push(setter(field, value, &module_path, krate));
        }
    }
    setters
}

/// `send_samples`: every sample's request sent through a `Client`, for the workspace's
/// agreement test, which includes this file and validates what the client put on the wire
/// against the OpenAPI document, once per auth scheme.
fn emit_send_samples(service: &Service) -> TokenStream {
    let calls: Vec<TokenStream> = service
        .endpoints
        .iter()
        .flat_map(|endpoint| {
            endpoint
                .samples
                .iter()
                .filter(|s| has_request(s))
                .map(move |sample| {
                    let method = ident(&endpoint.rust);
                    let build = request_fn_name(endpoint, sample);
                    let id = &endpoint.id.0;
                    let name = &sample.name;
                    let status = sample.status;
                    let body = sample.response_body.as_ref().map_or_else(
                        || "{}".to_owned(),
                        |b| serde_json::to_string(b).expect("JSON"),
                    );
                    quote! {
                        answer(#id, #name, #status, #body);
                        let outcome = client.#method(#build()).await.map(|_| ()).map_err(|e| e.to_string());
                        called.push((#id, #name, outcome));
                    }
                })
        })
        .collect();
    let body = if calls.is_empty() {
        quote! {
            let _ = (client, &mut answer);
            Vec::new()
        }
    } else {
        quote! {
            let mut called = Vec::new();
            #(#calls)*
            called
        }
    };
    quote! {
        /// Sends every documented sample's request through `client`, which must use
        /// `transport`, answering each with the sample's documented response, and returns what
        /// the client put on the wire: (endpoint id, sample name, request).
        #[allow(dead_code, reason = "used by the workspace's agreement test, not by these tests")]
        pub async fn send_samples(
            client: &client::Client,
            transport: &::switchboard_runtime::transport::InMemoryTransport,
        ) -> Vec<(&'static str, &'static str, ::switchboard_runtime::http::Request<Bytes>)> {
            let mut before = Vec::new();
            let called = call_samples(client, |_, _, status, body| {
                transport.push_body(status, body);
                before.push(transport.requests().len());
            })
            .await;
            let requests = transport.requests();
            let mut ends: Vec<usize> = before.iter().skip(1).copied().collect();
            ends.push(requests.len());
            called
                .into_iter()
                .zip(before.iter().zip(ends))
                .map(|((id, name, _), (start, end))| {
                    // The last request of each call is the sample's own (a session refresh may
                    // come before it).
                    assert!(end > *start, "{}/{}: nothing sent", id, name);
                    (id, name, requests[end - 1].clone())
                })
                .collect()
        }

        /// Calls every documented sample's request through `client`, after telling `answer`
        /// (endpoint id, sample name, documented status and body) what the server should
        /// answer, and returns each call's outcome (`Err` with the error's text).
        #[allow(dead_code, reason = "used by the workspace's tests, not by these tests")]
        pub async fn call_samples(
            client: &client::Client,
            mut answer: impl FnMut(&'static str, &'static str, u16, &'static str),
        ) -> Vec<(&'static str, &'static str, ::std::result::Result<(), String>)> {
            #body
        }
    }
}

fn sample_request(endpoint: &Endpoint, sample: &Sample) -> TokenStream {
    if !has_request(sample) {
        return quote!();
    }
    let body = sample.request_body.as_ref();
    // The documented request, as the server must see it.
    let method = endpoint.method.as_str();
    let mut path = endpoint.path.clone();
    for param in endpoint
        .params
        .iter()
        .filter(|p| p.location == ParamIn::Path)
    {
        if let Some(value) = sample.params.get(&param.field.name.wire) {
            let text = scalar_text(value);
            path = path.replace(&format!("{{{}}}", param.field.name.wire), &encode(&text));
        }
    }
    let mut query: Vec<(String, String)> = endpoint
        .dispatch
        .iter()
        .filter(|d| d.location == DispatchIn::Query)
        .map(|d| (d.name.clone(), d.value.clone()))
        .collect();
    let mut headers = Vec::new();
    for param in endpoint.params.iter().filter(|p| p.caller_sets()) {
        let value = sample.params.get(&param.field.name.wire).or(param
            .field
            .default
            .as_ref()
            .filter(|_| param.field.required));
        let Some(value) = value else { continue };
        match param.location {
            ParamIn::Query => query.push((param.field.name.wire.clone(), scalar_text(value))),
            ParamIn::Header => headers.push((
                param.field.name.wire.to_ascii_lowercase(),
                scalar_text(value),
            )),
            ParamIn::Path => {}
        }
    }
    let query = query
        .iter()
        .map(|(k, v)| quote!((#k.to_owned(), #v.to_owned())));
    let header_checks = headers.iter().map(|(k, v)| quote! {
        assert_eq!(http.headers().get(#k).and_then(|v| v.to_str().ok()), Some(#v), "header {}", #k);
    });
    let sends_body = endpoint.request.is_some()
        || endpoint
            .dispatch
            .iter()
            .any(|d| d.location == DispatchIn::Body);
    let body_check = match (sends_body, body) {
        (true, Some(b)) => {
            let json = json_tokens(b);
            quote! {
                let sent: serde_json::Value = serde_json::from_slice(http.body()).unwrap();
                assert_eq!(sent, #json);
            }
        }
        (true, None) => quote!(assert!(http.body().starts_with(b"{"));),
        (false, _) => quote!(assert!(http.body().is_empty());),
    };
    let documented = sample
        .documented_line
        .as_ref()
        .map(|line| quote!(assert_documented_request(&http, #line);));
    let build = request_fn_name(endpoint, sample);
    quote! {
        let request: op::Request = #build();
        let http = request.to_http(#TEST_BASE).unwrap();
        assert_eq!(http.method().as_str(), #method);
        assert_eq!(http.uri().path(), #path);
        let mut expected_query: Vec<(String, String)> = vec![#(#query),*];
        let mut actual_query = query(&http);
        expected_query.sort();
        actual_query.sort();
        assert_eq!(actual_query, expected_query);
        #(#header_checks)*
        #body_check
        #documented
    }
}

fn sample_response(endpoint: &Endpoint, sample: &Sample) -> TokenStream {
    let Some(body) = &sample.response_body else {
        return quote!();
    };
    let status = sample.status;
    let text = serde_json::to_string(body).expect("JSON serializes");
    let headers = sample
        .response_headers
        .iter()
        .map(|(k, v)| quote!(.header(#k, #v)));
    let build = quote! {
        let response = ::switchboard_runtime::http::Response::builder()
            .status(#status)
            #(#headers)*
            .body(Bytes::from_static(#text.as_bytes()))
            .unwrap();
    };
    if let Some(code) = &sample.error {
        let code = code.to_string();
        let variant = endpoint
            .errors
            .iter()
            .find(|e| e.code.to_string() == code)
            .map(|e| ident(&e.rust))
            .unwrap_or_else(|| format_ident!("Service"));
        return quote! {
            #build
            let error = op::parse_response(response).unwrap_err();
            assert_eq!(error.code(), Some(#code));
            assert!(matches!(error, op::Error::#variant(_)), "{error:?}");
            assert!(error.to_string().contains(#code));
        };
    }
    let payload = match &endpoint.payload {
        Some(field) => body.get(field).cloned().unwrap_or(Value::Null),
        None => {
            // Without a payload field the output holds the endpoint's own top-level fields.
            let own: Vec<&str> = endpoint
                .response
                .iter()
                .flat_map(|r| &r.fields)
                .map(|f| f.name.wire.as_str())
                .collect();
            let map = body
                .as_object()
                .map(|o| {
                    o.iter()
                        .filter(|(k, _)| own.contains(&k.as_str()))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect()
                })
                .unwrap_or_default();
            Value::Object(map)
        }
    };
    let array = endpoint
        .response
        .as_ref()
        .is_some_and(|r| r.items.is_some());
    let empty = payload.is_null() || payload.as_object().is_some_and(|o| o.is_empty());
    let payload = match (array, empty) {
        // An array result that is absent, null or `{}` decodes as no items.
        (true, true) => Value::Array(Vec::new()),
        (false, _) if payload.is_null() => Value::Object(Default::default()),
        _ => payload,
    };
    let expected = json_tokens(&payload);
    quote! {
        #build
        let output = op::parse_response(response).unwrap();
        assert_eq!(serde_json::to_value(&output).unwrap(), #expected);
    }
}

fn emit_event_samples(service: &Service) -> TokenStream {
    let tests = service.events.iter().filter_map(|event| {
        let frame = event.sample.as_ref()?;
        let name = format_ident!(
            "event_{}",
            crate::naming::field_ident(&event.name.wire)
                .trim_start_matches("r#")
                .trim_start_matches('_')
        );
        let ty = ident(&event.name.rust);
        let json = json_tokens(frame);
        Some(quote! {
            #[test]
            fn #name() {
                let frame = serde_json::to_vec(&#json).unwrap();
                let event = client::events::decode(&frame).unwrap();
                assert!(matches!(event, client::events::Event::#ty(_)), "{event:?}");
            }
        })
    });
    quote!(#(#tests)*)
}

/// `.field(value)` for a builder, with a literal of the field's Rust type where possible;
/// structured values are decoded into types under `krate`.
pub(super) fn setter(
    field: &Field,
    value: &Value,
    module: &TokenStream,
    krate: &TokenStream,
) -> TokenStream {
    let name = ident(&field.name.rust);
    let ty = &field.ty;
    let arg = match (&ty.kind, value, ty.values.is_empty()) {
        (TypeKind::String, Value::String(s), _) => quote!(#s),
        (TypeKind::Integer, Value::Number(n), true) => {
            let lit = match ty.format.as_deref() {
                Some("int32") => Literal::i32_suffixed(n.as_i64().unwrap_or_default() as i32),
                Some("uint32") => Literal::u32_suffixed(n.as_u64().unwrap_or_default() as u32),
                Some("uint64") => Literal::u64_suffixed(n.as_u64().unwrap_or_default()),
                _ => Literal::i64_suffixed(n.as_i64().unwrap_or_default()),
            };
            quote!(#lit)
        }
        (TypeKind::Integer, Value::Number(n), false) => {
            let lit = Literal::i64_suffixed(n.as_i64().unwrap_or_default());
            quote!(#lit)
        }
        (TypeKind::Boolean, Value::Bool(b), _) => quote!(#b),
        _ => {
            let json = json_tokens(value);
            let target = sample_type(ty, module, krate);
            quote!(serde_json::from_value::<#target>(#json).unwrap())
        }
    };
    quote!(.#name(#arg))
}

/// A type to decode a structured sample value into, precise enough for the setter's
/// `impl Into<T>` to pick `T` (nested parts are left to inference).
fn sample_type(ty: &crate::model::Type, module: &TokenStream, krate: &TokenStream) -> TokenStream {
    match &ty.kind {
        TypeKind::Array { .. } => quote!(::std::vec::Vec<_>),
        TypeKind::Map { .. } => quote!(::std::collections::BTreeMap<::std::string::String, _>),
        TypeKind::Named { rust, .. } => {
            let name = ident(rust);
            quote!(#krate::types::#name)
        }
        TypeKind::Object { rust, .. } => {
            let name = ident(rust);
            quote!(#krate::#module::#name)
        }
        _ => quote!(serde_json::Value),
    }
}

/// `json!(...)` of a value, via its text (keeps key order and exact numbers).
pub(super) fn json_tokens(value: &Value) -> TokenStream {
    let text = serde_json::to_string(value).expect("JSON serializes");
    quote!(serde_json::from_str::<serde_json::Value>(#text).unwrap())
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Percent-encoding of a path segment, RFC 3986 unreserved characters kept.
fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

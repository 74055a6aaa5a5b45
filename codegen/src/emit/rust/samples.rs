//! Tests made from the documented samples (Smithy protocol-test style): build the request from
//! the sample's values and compare it with the documented one; decode the documented response.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::types::ident;
use crate::model::{DispatchIn, Endpoint, Field, ParamIn, Sample, Service, TypeKind};

/// The base URL the sample tests build against; paths are then exactly the endpoint's.
const TEST_BASE: &str = "https://api.test";

/// Emits `tests/samples.rs`.
pub fn emit_sample_tests(service: &Service) -> TokenStream {
    let krate = format_ident!("{}", service.crate_ident);
    let mut tests = Vec::new();
    for endpoint in &service.endpoints {
        for sample in &endpoint.samples {
            tests.push(emit_sample(endpoint, sample));
        }
    }
    let event_tests = emit_event_samples(service);
    quote! {
        //! Documented samples of every endpoint, as tests.
        #![allow(clippy::unwrap_used, reason = "tests")]
        use #krate as client;
        use ::switchboard_runtime::bytes::Bytes;
        use ::switchboard_runtime::serde_json;

        fn query(request: &::switchboard_runtime::http::Request<Bytes>) -> Vec<(String, String)> {
            ::switchboard_runtime::query::pairs(request.uri())
        }

        #(#tests)*
        #event_tests
    }
}

fn emit_sample(endpoint: &Endpoint, sample: &Sample) -> TokenStream {
    let module = ident(&endpoint.rust);
    let name = format_ident!("{}_{}", endpoint.rust.trim_start_matches("r#"), sample.name);
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
        #[test]
        fn #name() {
            use client::#module as op;
            #request
            #response
            #(#events)*
        }
    }
}

fn sample_request(endpoint: &Endpoint, sample: &Sample) -> TokenStream {
    let has_request = !sample.params.is_empty() || sample.request_body.is_some();
    if !has_request {
        return quote!();
    }
    let module = {
        let m = ident(&endpoint.rust);
        quote!(#m)
    };
    let mut setters = Vec::new();
    for param in endpoint.params.iter().filter(|p| !p.from_auth) {
        if let Some(value) = sample.params.get(&param.field.name.wire) {
            setters.push(setter(&param.field, value, &module, &quote!(client)));
        }
    }
    let body = sample.request_body.as_ref();
    for field in endpoint.request.iter().flat_map(|r| &r.fields) {
        if let Some(value) = body.and_then(|b| b.get(&field.name.wire)) {
            setters.push(setter(field, value, &module, &quote!(client)));
        }
    }
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
    for param in endpoint.params.iter().filter(|p| !p.from_auth) {
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
    let line = sample
        .documented_line
        .as_ref()
        .map(|l| quote!(let _documented_request: &str = #l;));
    quote! {
        #line
        let request = op::Request::builder() #(#setters)* .build().unwrap();
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
    let payload = if payload.is_null() {
        Value::Object(Default::default())
    } else {
        payload
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

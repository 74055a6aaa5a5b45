//! One module per endpoint: `Request` and its builder, the sans-IO `to_http` and
//! `parse_response`, `Output`, the per-endpoint `Error` and the endpoint's data (`EVENTS`,
//! `ERRORS`).
//!
//! Every function of an endpoint is `#[inline]` or generic, so the client crate itself holds
//! no machine code per endpoint: each endpoint is compiled in the crate that calls it, and
//! only if it does (the way generic code is). Building a client of 1,000 endpoints is then
//! type checking, not code generation; a program pays code generation for the endpoints it
//! uses. `BENCHMARKS.md` has the numbers.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;

use super::docs::{code, doc_paragraphs, markdown, sentences, vendor};
use super::types::{Std, Types, constraints_text, field_docs, ident};
use crate::model::{
    CodeValue, DispatchIn, Endpoint, ErrorCode, Field, ParamIn, Service, Type, TypeKind,
};
use crate::naming;

/// A member of the request: a parameter or a body field.
struct Member<'a> {
    field: &'a Field,
    location: Option<ParamIn>,
    ty: TokenStream,
    default: Option<TokenStream>,
}

/// Emits `pub mod <endpoint id> { ... }`.
pub fn emit_operation(service: &Service, endpoint: &Endpoint) -> TokenStream {
    let mut types = Types::new(service, Std::PRELUDE);
    let members = members(&mut types, endpoint);
    let module = ident(&endpoint.rust);
    let module_docs = super::endpoint_docs::module_docs(service, endpoint);
    let data = emit_data(service, endpoint);
    let (to_http, sans_io) = emit_to_http(service, endpoint, &members);
    let request = emit_request(endpoint, &members, to_http);
    let builder = emit_builder(&members);
    let output_docs = doc_paragraphs([
        Some("The documented result of a successful call."),
        endpoint
            .response
            .as_ref()
            .and_then(|r| r.description.as_deref()),
    ]);
    let output_fields: &[Field] = endpoint.response.as_ref().map_or(&[], |r| &r.fields);
    let extra = envelope_member(service, endpoint).map(|member| {
        (
            member,
            quote!(super::ResponseEnvelope),
            "The response envelope's own fields (request id, message, …); `None` when the \
             output was decoded without its envelope.",
        )
    });
    let items = endpoint.response.as_ref().and_then(|r| r.items.as_ref());
    let output = match items {
        Some(items) => {
            let payload = endpoint.payload.as_deref().unwrap_or_default();
            super::array_output::emit(&mut types, output_docs, items, payload, extra)
        }
        None => types.struct_def_with("Output", output_docs, output_fields, extra),
    };
    let error = emit_error(endpoint);
    let defs = types.defs;
    quote! {
        #module_docs
        pub mod #module {
            #[allow(unused_imports)]
            use ::switchboard_runtime::{bytes::Bytes, error::BuildError, wire::ToJson as _};

            #data
            #request
            #builder
            #sans_io
            #output
            #error
            #(#defs)*
        }
    }
}

fn members<'a>(types: &mut Types<'_>, endpoint: &'a Endpoint) -> Vec<Member<'a>> {
    let prefix = &endpoint.rust_type;
    let mut out = Vec::new();
    let params = endpoint
        .params
        .iter()
        .filter(|p| p.caller_sets())
        .map(|p| (&p.field, Some(p.location)));
    let body = endpoint
        .request
        .iter()
        .flat_map(|r| &r.fields)
        .map(|f| (f, None));
    for (field, location) in params.chain(body) {
        let hint = format!(
            "{prefix}{}",
            naming::member_type_ident(&field.name.wire, &field.name.rust)
        );
        let ty = if field.secret {
            quote!(::switchboard_runtime::Secret)
        } else {
            types.rust_type(&field.ty, &hint)
        };
        // Only a required value is filled in from its default; an optional one with a documented
        // default is the server's default and is not sent unless the caller sets it.
        let default = field
            .default
            .as_ref()
            .filter(|_| field.required)
            .and_then(|d| literal(d, &field.ty, &ty));
        out.push(Member {
            field,
            location,
            ty,
            default,
        });
    }
    out
}

/// A Rust expression of type `ty` for a JSON scalar, when it has a literal form.
fn literal(value: &Value, model: &Type, ty: &TokenStream) -> Option<TokenStream> {
    match (value, &model.kind) {
        (Value::String(s), TypeKind::String) if model.values.is_empty() => {
            Some(quote!(#s.to_owned()))
        }
        (Value::String(s), TypeKind::String) => Some(quote!(#ty::from(#s))),
        (Value::Number(n), TypeKind::Integer) if model.values.is_empty() => {
            let lit = Literal::i64_unsuffixed(n.as_i64()?);
            Some(quote!(#lit))
        }
        (Value::Number(n), TypeKind::Integer) => {
            let lit = n.as_i64()?;
            Some(quote!(#ty::from(#lit)))
        }
        (Value::Number(n), TypeKind::Number) => {
            let lit = Literal::f64_unsuffixed(n.as_f64()?);
            Some(quote!(#lit))
        }
        (Value::Bool(b), TypeKind::Boolean) => Some(quote!(#b)),
        _ => None,
    }
}

fn emit_data(service: &Service, endpoint: &Endpoint) -> TokenStream {
    let id = &endpoint.id.0;
    let method = endpoint.method.as_str();
    let path = &endpoint.path;
    let idempotent = endpoint.idempotent;
    let events: Vec<&str> = endpoint.events.iter().map(|e| e.0.as_str()).collect();
    let errors: Vec<TokenStream> = endpoint.errors.iter().map(error_info).collect();
    let n = errors.len();
    let events_doc = if service.event_envelope.is_some() {
        " Names of the events this endpoint triggers (see [`super::events`])."
    } else {
        " Names of the events this endpoint triggers."
    };
    // `ID`, `METHOD`, `PATH` and `IDEMPOTENT` come with the `Operation` impl (`operation!`).
    quote! {
        ::switchboard_runtime::operation!(Request => Output, Error, parse_response, endpoint {
            id: #id, method: #method, path: #path, idempotent: #idempotent,
        });
        #[doc = #events_doc]
        pub const EVENTS: &[&str] = &[#(#events),*];
        /// The error codes documented for this endpoint.
        pub static ERRORS: [::switchboard_runtime::response::ErrorInfo; #n] = [#(#errors),*];
    }
}

/// An `ErrorInfo` literal.
pub fn error_info(e: &ErrorCode) -> TokenStream {
    let code = e.code.to_string();
    let status = opt(e.http_status.map(|s| quote!(#s)));
    let message = opt(e.message.as_deref().map(|m| quote!(#m)));
    let meaning = opt(e
        .meaning
        .as_deref()
        .or(e.meaning_en.as_deref())
        .map(|m| quote!(#m)));
    let retryable = e.retryable;
    quote! {
        ::switchboard_runtime::response::ErrorInfo {
            code: #code, http_status: #status, message: #message, meaning: #meaning, retryable: #retryable,
        }
    }
}

/// Fully qualified: the service-wide table sits in the crate root, or in whatever module a
/// build script's output is included into.
fn opt(value: Option<TokenStream>) -> TokenStream {
    match value {
        Some(v) => quote!(::std::option::Option::Some(#v)),
        None => quote!(::std::option::Option::None),
    }
}

fn field_type(member: &Member<'_>) -> TokenStream {
    let ty = &member.ty;
    if member.field.required || member.default.is_some() {
        quote!(#ty)
    } else {
        quote!(Option<#ty>)
    }
}

/// `Request`, and its inherent functions: `builder`, `validate` and `to_http` (given).
fn emit_request(endpoint: &Endpoint, members: &[Member<'_>], to_http: TokenStream) -> TokenStream {
    let fields = members.iter().map(|m| {
        let name = ident(&m.field.name.rust);
        let docs = field_docs(m.field);
        let ty = field_type(m);
        quote!(#docs pub #name: #ty,)
    });
    let checks: Vec<TokenStream> = members.iter().filter_map(validation).collect();
    // Secrets are not comparable (comparing them is a job for constant-time code).
    let partial_eq = (!members.iter().any(|m| m.field.secret)).then(|| quote!(PartialEq));
    let title = format!(
        " The request of `{}`. Build it with [`Request::builder`].",
        endpoint.id.0
    );
    quote! {
        #[doc = #title]
        #[derive(Clone, Debug, #partial_eq)]
        #[non_exhaustive]
        pub struct Request {
            #(#fields)*
        }

        impl Request {
            /// Checks the documented constraints (ranges, lengths, patterns).
            #[inline]
            pub fn validate(&self) -> Result<(), BuildError> {
                #(#checks)*
                Ok(())
            }

            #to_http
        }
    }
}

/// The constraint checks of one member, or `None` when it has none.
fn validation(member: &Member<'_>) -> Option<TokenStream> {
    let ty = &member.field.ty;
    let wire = &member.field.name.wire;
    let mut checks = Vec::new();
    let secret = member.field.secret;
    let v = if secret {
        quote!(value.expose())
    } else {
        quote!(value)
    };
    let bound = |b: Option<f64>| {
        opt(b.map(|x| {
            let l = Literal::i64_unsuffixed(x as i64);
            quote!(#l)
        }))
    };
    let ubound = |b: Option<f64>| {
        opt(b.map(|x| {
            let l = Literal::usize_unsuffixed(x.max(0.0) as usize);
            quote!(#l)
        }))
    };
    match &ty.kind {
        TypeKind::String if ty.values.is_empty() => {
            if let Some(r) = &ty.range {
                let (min, max) = (bound(r.min), bound(r.max));
                checks.push(
                    quote!(::switchboard_runtime::validate::numeric_text(#wire, #v, #min, #max)?;),
                );
            }
            if let Some(l) = &ty.length {
                let (min, max) = (ubound(l.min), ubound(l.max));
                checks.push(quote!(BuildError::check_length(#wire, #v, #min, #max, #secret)?;));
            }
            if let Some(p) = &ty.pattern {
                checks.push(quote! {
                    static PATTERN: ::std::sync::OnceLock<Option<::switchboard_runtime::validate::Regex>> = ::std::sync::OnceLock::new();
                    ::switchboard_runtime::validate::pattern(#wire, #v, #p, &PATTERN)
                        .map_err(|e| if #secret { BuildError::new(e.field(), e.constraint()) } else { e })?;
                });
            }
        }
        TypeKind::Integer | TypeKind::Number if ty.values.is_empty() => {
            if let Some(r) = &ty.range {
                let conv = |b: Option<f64>| {
                    opt(b.map(|x| {
                        let l = if matches!(ty.kind, TypeKind::Number) {
                            Literal::f64_unsuffixed(x)
                        } else {
                            Literal::i64_unsuffixed(x as i64)
                        };
                        quote!(#l as _)
                    }))
                };
                let (min, max) = (conv(r.min), conv(r.max));
                checks.push(quote!(BuildError::check_range(#wire, *#v, #min, #max)?;));
            }
        }
        TypeKind::Array { .. } => {
            if let Some(l) = &ty.length {
                let (min, max) = (ubound(l.min), ubound(l.max));
                checks.push(
                    quote!(::switchboard_runtime::validate::items(#wire, #v.len(), #min, #max)?;),
                );
            }
        }
        _ => {}
    }
    if checks.is_empty() {
        return None;
    }
    let name = ident(&member.field.name.rust);
    Some(if member.field.required || member.default.is_some() {
        quote!({ let value = &self.#name; #(#checks)* })
    } else {
        quote!(if let Some(value) = &self.#name { #(#checks)* })
    })
}

fn emit_builder(members: &[Member<'_>]) -> TokenStream {
    let fields = members.iter().map(|m| {
        let name = ident(&m.field.name.rust);
        let ty = &m.ty;
        let wire = &m.field.name.wire;
        let init = match (&m.default, m.field.required) {
            (Some(default), _) if is_copy_literal(&m.field.ty) => quote!(default_copy(#default)),
            (Some(default), _) => quote!(default(#default)),
            (None, true) => quote!(required(#wire)),
            (None, false) => quote!(optional),
        };
        let mut parts = vec![
            m.field
                .description
                .as_deref()
                .map_or_else(|| format!("Sets {}.", code(&m.field.name.wire)), vendor),
        ];
        // The English rendering, where the page's text is in another language.
        parts.extend(m.field.description_en.as_deref().map(vendor));
        // Whether `build` insists on it, said where the caller looks.
        let mut text = String::from(if m.field.required_unknown {
            crate::model::REQUIRED_UNKNOWN
        } else if m.field.required && m.default.is_none() {
            "Required: `build` fails without it."
        } else if m.field.required {
            "Required, with a documented default: `build` sends the default when unset."
        } else {
            "Optional."
        });
        if let Some(c) = constraints_text(&m.field.ty) {
            text.push(' ');
            text.push_str(&c);
        }
        parts.push(text);
        let docs = markdown(&sentences(&parts));
        quote!(#docs #name: #ty = #init)
    });
    // `RequestBuilder` (a setter per field, `build`, `send`) and `Request::builder`, from
    // the runtime: the same for every endpoint but for the fields.
    quote! {
        ::switchboard_runtime::request_builder!(RequestBuilder => Request { #(#fields),* });
    }
}

/// Whether a default of this type is a plain literal (cheap, no allocation).
fn is_copy_literal(ty: &Type) -> bool {
    ty.values.is_empty()
        && matches!(
            ty.kind,
            TypeKind::Integer | TypeKind::Number | TypeKind::Boolean
        )
}

/// `String` text of a member's value for a path, query or header.
fn text_of(member: &Member<'_>, value: TokenStream) -> TokenStream {
    let ty = &member.field.ty;
    if member.field.secret {
        return quote!(#value.expose());
    }
    match &ty.kind {
        TypeKind::String if ty.values.is_empty() => quote!(#value.as_str()),
        TypeKind::String => quote!(String::from(#value.clone()).as_str()),
        TypeKind::Integer if !ty.values.is_empty() => {
            quote!(i64::from(#value.clone()).to_string().as_str())
        }
        TypeKind::Integer | TypeKind::Number | TypeKind::Boolean => {
            quote!(#value.to_string().as_str())
        }
        _ => {
            quote!(::switchboard_runtime::serde_json::to_string(&#value).unwrap_or_default().as_str())
        }
    }
}

/// The `Output` member holding the envelope's own fields (none when the envelope documents no
/// field besides the payload): `envelope`, unless a response field is already called that.
fn envelope_member(service: &Service, endpoint: &Endpoint) -> Option<&'static str> {
    if service.envelope.own_fields().is_empty() {
        return None;
    }
    let fields: &[Field] = endpoint.response.as_ref().map_or(&[], |r| &r.fields);
    Some(if fields.iter().any(|f| f.name.rust == "envelope") {
        "response_envelope"
    } else {
        "envelope"
    })
}

/// `Request::to_http`, and the rest of the sans-IO pair: the `Operation` impl and
/// `parse_response`.
fn emit_to_http(
    service: &Service,
    endpoint: &Endpoint,
    members: &[Member<'_>],
) -> (TokenStream, TokenStream) {
    let read = match envelope_member(service, endpoint) {
        Some(member) => {
            let member = ident(member);
            Some(quote! {
                match ::switchboard_runtime::response::read_with_envelope::<Output, super::ResponseEnvelope>(ID, opened) {
                    Ok((mut output, envelope)) => {
                        output.#member = envelope;
                        Ok(output)
                    }
                    Err(error) => Err(Error::Decode(error)),
                }
            })
        }
        None => None,
    };
    let method = ident(endpoint.method.as_str());
    // An endpoint whose result sits elsewhere than the service's payload gets its own envelope.
    let envelope = if endpoint.payload == service.envelope.payload {
        quote!(super::ENVELOPE)
    } else {
        let payload = match &endpoint.payload {
            Some(p) => quote!(Some(#p)),
            None => quote!(None),
        };
        quote!(::switchboard_runtime::response::Envelope { payload_field: #payload, ..super::ENVELOPE })
    };
    let auth_params: Vec<&str> = endpoint
        .params
        .iter()
        .filter(|p| p.from_auth)
        .map(|p| p.field.name.wire.as_str())
        .collect();
    let mut steps = Vec::new();
    // Path: literal pieces and encoded parameters, in template order.
    let mut rest = endpoint.path.as_str();
    while let Some(open) = rest.find('{') {
        let literal = &rest[..open];
        if !literal.is_empty() {
            steps.push(quote!(parts.path(#literal);));
        }
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
        let name = &rest[open + 1..close];
        let member = members
            .iter()
            .find(|m| m.location == Some(ParamIn::Path) && m.field.name.wire == name)
            .expect("check_templates: placeholders are path parameters");
        let field = ident(&member.field.name.rust);
        let text = text_of(member, quote!(self.#field));
        steps.push(quote!(parts.path_param(#text);));
        rest = &rest[(close + 1).min(rest.len())..];
    }
    if !rest.is_empty() {
        steps.push(quote!(parts.path(#rest);));
    }
    for d in endpoint
        .dispatch
        .iter()
        .filter(|d| d.location == DispatchIn::Query)
    {
        let (name, value) = (&d.name, &d.value);
        steps.push(quote!(parts.query(#name, #value);));
    }
    for d in endpoint
        .dispatch
        .iter()
        .filter(|d| d.location == DispatchIn::Header)
    {
        let (name, value) = (&d.name, &d.value);
        steps.push(quote!(parts.header(#name, #value)?;));
    }
    // The client owns the body's media type: a documented `Content-Type` header goes out as
    // documented (its default), never as a caller's value.
    for p in endpoint.params.iter().filter(|p| p.is_content_type()) {
        if let Some(Value::String(value)) = &p.field.default {
            let name = &p.field.name.wire;
            steps.push(quote!(parts.header(#name, #value)?;));
        }
    }
    for m in members {
        let wire = &m.field.name.wire;
        let field = ident(&m.field.name.rust);
        let required = m.field.required || m.default.is_some();
        let step = match m.location {
            Some(ParamIn::Path) | None => continue,
            Some(ParamIn::Query) => {
                let text = text_of(m, quote!(value));
                quote!(parts.query(#wire, #text);)
            }
            Some(ParamIn::Header) => {
                let text = text_of(m, quote!(value));
                quote!(parts.header(#wire, #text)?;)
            }
        };
        steps.push(if required {
            let text = text_of(m, quote!(self.#field));
            match m.location {
                Some(ParamIn::Query) => quote!(parts.query(#wire, #text);),
                _ => quote!(parts.header(#wire, #text)?;),
            }
        } else {
            quote!(if let Some(value) = &self.#field { #step })
        });
    }
    // A JSON body goes out when the endpoint declares one or dispatches on a body field (an
    // operation object such as `{"operationName": "Hold"}` with no other fields).
    let body_dispatch = endpoint
        .dispatch
        .iter()
        .any(|d| d.location == DispatchIn::Body);
    if endpoint.request.is_some() || body_dispatch {
        let content_type = endpoint
            .request
            .as_ref()
            .map_or("application/json", |r| r.content_type.as_str());
        steps.push(quote!(parts.json_body(#content_type);));
        for d in endpoint
            .dispatch
            .iter()
            .filter(|d| d.location == DispatchIn::Body)
        {
            let (name, value) = (&d.name, &d.value);
            steps.push(quote!(parts.body_field(#name, #value)?;));
        }
        for m in members.iter().filter(|m| m.location.is_none()) {
            let wire = &m.field.name.wire;
            let field = ident(&m.field.name.rust);
            steps.push(if m.field.required || m.default.is_some() {
                quote!(parts.body_value(#wire, self.#field.to_json());)
            } else {
                quote!(if let Some(value) = &self.#field { parts.body_value(#wire, value.to_json()); })
            });
        }
    }
    let parse = match read {
        Some(read) => quote! {
            // `match`, not `map_err`: one generic instantiation fewer per endpoint.
            let opened = match ::switchboard_runtime::response::open(&#envelope, ID, response) {
                Ok(opened) => opened,
                Err(failure) => return Err(Error::from_failure(failure)),
            };
            #read
        },
        None => quote! {
            ::switchboard_runtime::response::parse(&#envelope, ID, response)
        },
    };
    let to_http = quote! {
        /// The HTTP request, without credentials (the client's auth scheme adds them).
        /// Sans-IO: usable without any async runtime.
        #[inline]
        pub fn to_http(&self, base_url: &str) -> Result<::switchboard_runtime::http::Request<Bytes>, BuildError> {
            self.validate()?;
            let mut parts = ::switchboard_runtime::request::RequestParts::new(::switchboard_runtime::http::Method::#method, base_url);
            parts.operation(ID, &[#(#auth_params),*]);
            #(#steps)*
            parts.finish()
        }
    };
    let rest = quote! {

        /// Decodes a response of this endpoint: the envelope's success rule, then the output.
        /// Sans-IO; never panics, whatever the bytes.
        #[inline]
        pub fn parse_response(response: ::switchboard_runtime::http::Response<Bytes>) -> Result<Output, Error> {
            #parse
        }
    };
    (to_http, rest)
}

fn emit_error(endpoint: &Endpoint) -> TokenStream {
    let variant_docs = endpoint.errors.iter().map(|e| {
        let mut text = code(&e.code.to_string());
        if let Some(status) = e.http_status {
            text.push_str(&format!(" (HTTP {status})"));
        }
        if let Some(m) = &e.message {
            text.push_str(&format!(": {}", vendor(m)));
        }
        let meaning = [e.meaning.as_deref(), e.meaning_en.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\n\n");
        if !meaning.is_empty() {
            text.push_str("\n\n");
            text.push_str(&vendor(&meaning));
        }
        if e.retryable {
            text.push_str("\n\nRetryable.");
        }
        let docs = markdown(&text);
        // A variant named by the spec (`rust_name`) stays findable by its code.
        let code = e.code.to_string();
        let alias = (e.rust != naming::error_variant_ident(&code) && naming::doc_alias_ok(&code))
            .then(|| quote!(#[doc(alias = #code)]));
        quote!(#docs #alias)
    });
    let arms = endpoint.errors.iter().map(|e| {
        let code = match &e.code {
            CodeValue::Str(s) => s.clone(),
            CodeValue::Int(i) => i.to_string(),
        };
        let variant = ident(&e.rust);
        quote!(#code => #variant)
    });
    quote! {
        // The enum (each documented code's variant with its docs, then the five every endpoint
        // has), `from_failure` (codes → variants through the two tables), `api_error`, `code`,
        // `is_retryable`, `Display` and `Error`, from the runtime.
        ::switchboard_runtime::operation_error!(enum Error, ID, ERRORS, super::ERRORS, super::ServiceCode, {
            #( #variant_docs #arms ),*
        });
    }
}

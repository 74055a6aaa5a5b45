//! The "Testing your code" example of a service: an `async fn testing_your_code()` that starts
//! the simulator, points the generated client at it with the simulator's default credentials,
//! calls an endpoint with its documented sample, reads back what the simulator received, and
//! scripts a documented error. Shown on the service's page; compiled and run by the crate's
//! `tests/usage.rs` when the `testing` feature is on.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::samples::setter;
use super::types::ident;
use crate::model::{AuthScheme, Endpoint, Sample, Service, TypeKind};

/// The endpoint the example calls and its sample: the session's issuing endpoint when the
/// scheme has one (every other call needs the session), else the first endpoint with a
/// successful sample that has a request.
fn usable(e: &Endpoint) -> Option<&Sample> {
    e.samples.iter().find(|s| {
        s.error.is_none()
            && (200..300).contains(&s.status)
            && (!s.params.is_empty() || s.request_body.is_some())
    })
}

fn target(service: &Service) -> Option<(&Endpoint, &Sample)> {
    let issuing = match service.auth.schemes.first() {
        Some(AuthScheme::SessionHeader { issued_by, .. }) => issued_by.first(),
        _ => None,
    };
    let issuing = issuing.and_then(|id| service.endpoints.iter().find(|e| &e.id == id));
    if let Some(sample) = issuing.and_then(usable) {
        return issuing.map(|e| (e, sample));
    }
    service
        .endpoints
        .iter()
        .find_map(|e| usable(e).map(|s| (e, s)))
}

/// The client's auth with the simulator's default credentials (`Credentials::default()`).
fn auth(service: &Service) -> TokenStream {
    match auth_expr(service, "sim") {
        Some(expr) => {
            let expr: TokenStream = expr.parse().expect("auth_expr writes valid Rust");
            quote!(.auth(#expr))
        }
        None => quote!(),
    }
}

/// The documented (first) scheme's constructor call with `{prefix}-…` credentials (the
/// simulator's defaults for `sim`), as Rust text under `use <crate> as api`; `None` for `none`.
pub(super) fn auth_expr(service: &Service, prefix: &str) -> Option<String> {
    let secret = |what: &str| format!("api::Secret::new(\"{prefix}-{what}\")");
    Some(match service.auth.schemes.first()? {
        AuthScheme::None => return None,
        AuthScheme::SessionHeader { .. } => "api::auth::session_header()?".to_owned(),
        AuthScheme::BasicCsrf { .. } => {
            format!(
                "api::auth::basic_csrf(\"{prefix}-user\", {})?",
                secret("password")
            )
        }
        AuthScheme::TlsSigQuery { .. } => format!(
            "api::auth::tls_sig_query(1_400_000_000, \"administrator\", {})",
            secret("app-key")
        ),
        AuthScheme::SignedHeadersHmacSha256 { .. } => format!(
            "api::auth::signed_headers_hmac_sha256(\"{prefix}-access-key-id\", {})",
            secret("access-key-secret")
        ),
        AuthScheme::SignedQueryHmacSha1 { .. } => format!(
            "api::auth::signed_query_hmac_sha1(\"{prefix}-access-key-id\", {})",
            secret("access-key-secret")
        ),
    })
}

fn sample_setters(endpoint: &Endpoint, sample: &Sample) -> Vec<TokenStream> {
    super::samples::sample_setters(endpoint, sample, &quote!(api))
}

/// The builder calls of a request made of the required fields' documented examples; a
/// required text without one and without constraints gets the placeholder `example`.
/// `None` when some required field has neither.
fn example_setters(endpoint: &Endpoint) -> Option<Vec<TokenStream>> {
    let module = ident(&endpoint.rust);
    let module_path = quote!(#module);
    let mut setters = Vec::new();
    for field in endpoint
        .request_fields()
        .filter(|f| f.required && f.default.is_none())
    {
        let ty = &field.ty;
        let placeholder = matches!(ty.kind, TypeKind::String)
            && ty.pattern.is_none()
            && ty.values.is_empty()
            && ty.range.is_none()
            && ty
                .length
                .is_none_or(|l| l.min.is_none_or(|m| m <= 7.0) && l.max.is_none_or(|m| m >= 7.0));
        let value = match &field.example {
            Some(example) => example.clone(),
            None if placeholder => serde_json::Value::from("example"),
            None => return None,
        };
        setters.push(setter(field, &value, &module_path, &quote!(api)));
    }
    Some(setters)
}

/// The sign-in a session-header scheme needs before any other call: its issuing endpoint,
/// built from its sample or its examples.
fn sign_in(service: &Service, target: &Endpoint) -> Option<TokenStream> {
    let Some(AuthScheme::SessionHeader { issued_by, .. }) = service.auth.schemes.first() else {
        return Some(quote!());
    };
    let issuing = service
        .endpoints
        .iter()
        .find(|e| issued_by.first() == Some(&e.id))?;
    if issuing.id == target.id {
        return Some(quote!());
    }
    let setters = match usable(issuing) {
        Some(sample) => sample_setters(issuing, sample),
        None => example_setters(issuing)?,
    };
    let module = ident(&issuing.rust);
    Some(quote! {
        // The session first: the simulator issues it, as the documented sign-in does.
        client.#module(api::#module::Request::builder() #(#setters)* .build()?).await?;
    })
}

/// The example's tokens, or `None` when no endpoint has a usable sample.
pub fn example_tokens(service: &Service) -> Option<TokenStream> {
    let (endpoint, sample) = target(service)?;
    let krate = format_ident!("{}", service.crate_ident);
    let module = ident(&endpoint.rust);
    let setters = sample_setters(endpoint, sample);
    let sign_in = sign_in(service, endpoint)?;
    let method = ident(&endpoint.rust);
    let auth = auth(service);
    // A documented error of the endpoint, named by its `Error` variant (checked at compile
    // time), else a service-wide code by its text.
    let failure = match (endpoint.errors.first(), service.errors.first()) {
        (Some(own), _) => {
            let variant = ident(&own.rust);
            Some(quote! {
                // Script the next answer: a documented error, named by its variant, answered in
                // the vendor's envelope.
                simulator
                    .endpoint::<api::#module::Request>()
                    .fail_with(api::#module::Error::#variant);
                let failed = client.#method(request).await;
                assert!(matches!(failed, Err(api::#module::Error::#variant(_))));
            })
        }
        (None, Some(common)) => {
            let code = common.code.to_string();
            Some(quote! {
                // Script the next answer: a documented error, in the vendor's envelope.
                simulator.fail_with(api::#module::ID, #code);
                let failed = client.#method(request).await;
                assert!(failed.is_err());
            })
        }
        (None, None) => None,
    };
    Some(quote! {
        use #krate as api;

        async fn testing_your_code() -> Result<(), Box<dyn std::error::Error>> {
            // The simulated server on 127.0.0.1 (cargo feature `testing`).
            let simulator = api::testing::simulator().start().await?;
            let client = api::Client::builder()
                .base_url(simulator.base_url())
                #auth
                .build()?;
            // Checked like the vendor checks it (auth, documented constraints), answered with
            // the documented sample.
            #sign_in
            let request = api::#module::Request::builder() #(#setters)* .build()?;
            client.#method(request.clone()).await?;
            // What it received, decoded into the endpoint's typed request.
            let received = simulator.received::<api::#module::Request>();
            assert_eq!(received.len(), 1);
            #failure
            Ok(())
        }
    })
}

/// The example as formatted source, for the docs.
pub fn example(service: &Service) -> Option<String> {
    let tokens = example_tokens(service)?;
    let file: syn::File = syn::parse2(tokens).expect("the testing example is valid Rust");
    Some(prettyplease::unparse(&file))
}

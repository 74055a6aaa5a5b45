//! The usage example of each endpoint: an `async fn example()` that calls the endpoint through
//! the generated client, built from the endpoint's documented sample. The Markdown page shows
//! it and the crate's `tests/usage.rs` compiles and runs the very same tokens, so the docs
//! never show code that does not work.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::samples::setter;
use super::types::ident;
use crate::model::{Endpoint, Sample, Service};

/// The sample an example is built from: the first successful one with a response body.
fn sample(endpoint: &Endpoint) -> Option<&Sample> {
    endpoint
        .samples
        .iter()
        .find(|s| s.error.is_none() && s.response_body.is_some() && (200..300).contains(&s.status))
}

/// The example's tokens (`use` items and `async fn example`), or `None` without a sample.
pub fn example_tokens(service: &Service, endpoint: &Endpoint) -> Option<TokenStream> {
    let sample = sample(endpoint)?;
    let krate = format_ident!("{}", service.crate_ident);
    let api = quote!(api);
    let module = ident(&endpoint.rust);
    let module_path = quote!(#module);
    let mut setters = Vec::new();
    for param in endpoint.params.iter().filter(|p| p.caller_sets()) {
        if let Some(value) = sample.params.get(&param.field.name.wire) {
            setters.push(setter(&param.field, value, &module_path, &api));
        }
    }
    let body = sample.request_body.as_ref();
    for field in endpoint.request.iter().flat_map(|r| &r.fields) {
        if let Some(value) = body.and_then(|b| b.get(&field.name.wire)) {
            setters.push(setter(field, value, &module_path, &api));
        }
    }
    let status = proc_macro2::Literal::u16_unsuffixed(sample.status);
    let response = raw_string(
        &serde_json::to_string_pretty(sample.response_body.as_ref()?).expect("JSON serializes"),
    );
    Some(quote! {
        use std::sync::Arc;

        use #krate as api;
        use ::switchboard_runtime::serde_json;
        use api::transport::InMemoryTransport;

        async fn example() -> Result<(), Box<dyn std::error::Error>> {
            let transport = Arc::new(InMemoryTransport::new());
            transport.push_body(#status, #response);
            let client = api::Client::builder()
                .base_url("https://api.test")
                .transport(Arc::clone(&transport))
                // Canned answers need no credentials; a real server needs `.auth(api::auth::..)`.
                .without_auth()
                .build()?;
            let output = api::#module::Request::builder() #(#setters)* .send(&client).await?;
            println!("{output:?}");
            Ok(())
        }
    })
}

/// A raw string literal (`r#"..."#`) with enough `#`s for any content, so documented JSON reads
/// as written.
pub(super) fn raw_string(text: &str) -> TokenStream {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{text}\"{hashes}")
        .parse()
        .expect("a raw string literal is one token")
}

/// The example as formatted source, for the docs.
pub fn example_text(service: &Service, endpoint: &Endpoint) -> Option<String> {
    let tokens = example_tokens(service, endpoint)?;
    let file: syn::File = syn::parse2(tokens).expect("the usage example is valid Rust");
    let text = prettyplease::unparse(&file);
    // `serde_json` is only needed when a structured value is decoded; keep the text minimal.
    Some(if text.contains("serde_json::") {
        text
    } else {
        text.replace("use ::switchboard_runtime::serde_json;\n", "")
    })
}

/// `tests/usage.rs`: every endpoint's example in a module of its own, run by a test.
pub fn emit_usage_tests(service: &Service) -> TokenStream {
    let modules = service.endpoints.iter().filter_map(|endpoint| {
        let tokens = example_tokens(service, endpoint)?;
        let name = format_ident!("{}", endpoint.rust.trim_start_matches("r#"));
        Some(quote! {
            mod #name {
                #![allow(unused_imports)]
                #tokens

                #[tokio::test]
                async fn the_documented_example_runs() {
                    example().await.unwrap();
                }
            }
        })
    });
    let events = super::events_example::example_tokens(service).map(|tokens| {
        quote! {
            mod receiving_events {
                #![allow(unused_imports)]
                #tokens

                #[tokio::test]
                async fn the_documented_example_runs() {
                    receiving_events().await.unwrap();
                }
            }
        }
    });
    let testing = super::testing_example::example_tokens(service).map(|tokens| {
        quote! {
            #[cfg(feature = "testing")]
            mod testing_your_code {
                #![allow(unused_imports)]
                #tokens

                #[tokio::test]
                async fn the_documented_example_runs() {
                    testing_your_code().await.unwrap();
                }
            }
        }
    });
    quote! {
        //! The usage examples shown on each endpoint's documentation page, compiled and run.
        #(#modules)*
        #events
        #testing
    }
}

//! The "Receiving events" example of a service: an `async fn receiving_events()` that opens the
//! typed event stream through the generated client and waits for the events an endpoint
//! triggers (push delivery: decodes a documented callback). Shown on the service's page and
//! compiled and run by the crate's `tests/usage.rs`, like the endpoint examples.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::samples::setter;
use super::types::ident;
use super::usage::raw_string;
use crate::model::{Delivery, Endpoint, Event, Service};

/// What a query value keeps unescaped: RFC 3986's unreserved characters.
const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The documented event the example waits for, and the endpoint that triggers it: the first
/// event with a sample that some endpoint lists, else the first event with a sample.
fn documented_event(service: &Service) -> Option<(&Event, Option<&Endpoint>)> {
    let triggered = service
        .events
        .iter()
        .filter(|e| e.sample.is_some())
        .find_map(|e| {
            service
                .endpoints
                .iter()
                .find(|x| x.events.iter().any(|id| id.0 == e.name.wire))
                .map(|x| (e, Some(x)))
        });
    triggered.or_else(|| {
        service
            .events
            .iter()
            .find(|e| e.sample.is_some())
            .map(|e| (e, None))
    })
}

/// What the example waits for: the triggering endpoint's `EVENTS`, else the event's name.
fn awaited(event: &Event, endpoint: Option<&Endpoint>) -> TokenStream {
    match endpoint {
        Some(endpoint) => {
            let module = ident(&endpoint.rust);
            quote!(api::#module::EVENTS)
        }
        None => {
            let name = &event.name.wire;
            quote!(&[#name])
        }
    }
}

/// The example's tokens, or `None` when the service documents no event sample.
pub fn example_tokens(service: &Service) -> Option<TokenStream> {
    let envelope = service.event_envelope.as_ref()?;
    let (event, endpoint) = documented_event(service)?;
    let sample = event.sample.as_ref()?;
    let krate = format_ident!("{}", service.crate_ident);
    let body = match &envelope.delivery {
        Delivery::Bayeux(_) => bayeux(sample, event, endpoint)?,
        Delivery::Poll(p) => poll(service, p, sample, event, endpoint)?,
        Delivery::Push(p) => push(p, sample)?,
    };
    Some(quote! {
        use std::sync::Arc;

        use #krate as api;

        async fn receiving_events() -> Result<(), Box<dyn std::error::Error>> {
            #body
            Ok(())
        }
    })
}

fn bayeux(sample: &Value, event: &Event, endpoint: Option<&Endpoint>) -> Option<TokenStream> {
    let message = raw_string(&serde_json::to_string_pretty(sample).expect("JSON serializes"));
    let awaited = awaited(event, endpoint);
    Some(quote! {
        // A Bayeux server in memory, holding the documented message.
        let server = Arc::new(::switchboard_runtime::events::MemoryBayeux::new());
        server.publish_message(::switchboard_runtime::serde_json::from_str(#message)?);
        let client = api::Client::builder()
            .base_url("https://api.test")
            .transport(Arc::clone(&server))
            .without_auth()
            .build()?;
        // Open the stream first, then call the endpoint, then await what it triggers.
        let mut events = client.events();
        let event = events.next_of(#awaited).await.ok_or("the stream ended")??;
        println!("{} {event:?}", event.name());
    })
}

fn poll(
    service: &Service,
    poll: &crate::model::Poll,
    sample: &Value,
    event: &Event,
    endpoint: Option<&Endpoint>,
) -> Option<TokenStream> {
    let poller = service.endpoints.iter().find(|e| e.id == poll.endpoint)?;
    let doc = poller
        .samples
        .iter()
        .find(|s| s.error.is_none() && (200..300).contains(&s.status))?;
    // The answer: the event's documented frame when a frame is a whole answer, else the poll
    // endpoint's documented answer (which holds the event at `events_at`).
    let answer = if poll.frame_is_body {
        sample
    } else {
        doc.response_body.as_ref()?
    };
    let answer = raw_string(&serde_json::to_string_pretty(answer).expect("JSON serializes"));
    let module = ident(&poller.rust);
    let module_path = quote!(#module);
    let api = quote!(api);
    let setters = poller
        .params
        .iter()
        .filter(|p| p.caller_sets())
        .filter_map(|p| {
            doc.params
                .get(&p.field.name.wire)
                .map(|v| setter(&p.field, v, &module_path, &api))
        });
    let awaited = if poll.frame_is_body {
        awaited(event, endpoint)
    } else {
        let name = &event.name.wire;
        quote!(&[#name])
    };
    Some(quote! {
        // Every poll answered with the documented answer, instead of the network.
        let transport = Arc::new(::switchboard_runtime::transport::InMemoryTransport::from_fn(
            |_| Ok(::switchboard_runtime::http::Response::new(#answer.into())),
        ));
        let client = api::Client::builder()
            .base_url("https://api.test")
            .transport(Arc::clone(&transport))
            .without_auth()
            .build()?;
        // Open the stream first, then call the endpoint, then await what it triggers.
        let mut events = client.events(api::#module::Request::builder() #(#setters)* .build()?);
        let event = events.next_of(#awaited).await.ok_or("the stream ended")??;
        println!("{} {event:?}", event.name());
    })
}

fn push(push: &crate::model::Push, sample: &Value) -> Option<TokenStream> {
    let settings = push.query.iter().filter_map(|q| {
        q.equals_setting
            .as_ref()
            .map(|_| q.example.clone().unwrap_or_else(|| "1400000000".to_owned()))
    });
    let query: Vec<String> = push
        .query
        .iter()
        .filter_map(|q| {
            let value = q
                .value
                .clone()
                .or_else(|| q.example.clone())
                .or_else(|| q.equals_setting.as_ref().map(|_| "1400000000".to_owned()))?;
            Some(format!(
                "{}={}",
                q.name,
                percent_encoding::utf8_percent_encode(&value, UNRESERVED)
            ))
        })
        .collect();
    let uri = format!("https://app.example/callback?{}", query.join("&"));
    let method = &push.method;
    let body = raw_string(&serde_json::to_string_pretty(sample).expect("JSON serializes"));
    Some(quote! {
        // The application's callback handler, whatever its web framework.
        let callbacks = Arc::new(api::events::callbacks(#(#settings),*));
        let request = ::switchboard_runtime::http::Request::builder()
            .method(#method)
            .uri(#uri)
            .body(::switchboard_runtime::bytes::Bytes::from(#body))?;
        let response = match callbacks.decode(&request) {
            Ok(callback) => {
                println!("{} {:?}", callback.event.name(), callback.event);
                callbacks.acknowledgement()
            }
            Err(rejection) => rejection.into_response(),
        };
        assert_eq!(response.status(), 200);
    })
}

/// The example as formatted source, for the docs.
pub fn example(service: &Service) -> Option<String> {
    let tokens = example_tokens(service)?;
    let file: syn::File = syn::parse2(tokens).expect("the events example is valid Rust");
    Some(prettyplease::unparse(&file))
}

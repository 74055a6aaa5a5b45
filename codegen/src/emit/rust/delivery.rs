//! How a generated crate receives events: the delivery settings of the spec as runtime
//! configuration, the typed stream, `Client::events`, and the callback decoder of push delivery.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{code, markdown, vendor};
use super::types::ident;
use crate::model::{Delivery, EventEnvelope, Service};

/// Items inside `pub mod events` that depend on the delivery mechanism.
pub fn emit_delivery(service: &Service, envelope: &EventEnvelope) -> TokenStream {
    let rt = quote!(::switchboard_runtime::events);
    let stream = quote! {
        /// A typed stream of this API's events: a `futures::Stream` of
        /// `Result<Event, StreamError>`, closed by dropping it. See [`crate::Client::events`].
        pub type EventStream = #rt::Events<Event>;
        pub use #rt::{StreamError, StreamOptions};
    };
    match &envelope.delivery {
        Delivery::Bayeux(b) => {
            let path = &b.path;
            let channels = b.channels.iter().map(|c| &c.name);
            let hold = b
                .hold_ms
                .map(|ms| quote!(.hold(::std::time::Duration::from_millis(#ms))));
            let docs = markdown(&format!(
                "The Bayeux settings of the spec: handshake at {} under the base URL, channels {}.",
                code(path),
                channel_list(b)
            ));
            quote! {
                #stream
                #docs
                pub fn bayeux_config(options: StreamOptions) -> #rt::bayeux::BayeuxConfig {
                    #rt::bayeux::BayeuxConfig::new(#path, [#(#channels),*]) #hold .options(options)
                }
            }
        }
        Delivery::Poll(p) => {
            let events_at = match &p.events_at {
                Some(path) => quote!(::std::option::Option::Some(#path)),
                None => quote!(::std::option::Option::None),
            };
            let frame_is_body = p.frame_is_body;
            let interval = p.interval_ms;
            let docs = markdown(&format!(
                "The poll settings of the spec: {} called again and again, {interval} ms apart.",
                code(&p.endpoint.0)
            ));
            quote! {
                #stream
                #docs
                pub fn poll_config(options: StreamOptions) -> #rt::poll::PollConfig {
                    #rt::poll::PollConfig::new(#events_at, ::std::time::Duration::from_millis(#interval))
                        .frame_is_body(#frame_is_body)
                        .options(options)
                }
            }
        }
        Delivery::Push(p) => emit_callbacks(service, p),
    }
}

fn emit_callbacks(service: &Service, push: &crate::model::Push) -> TokenStream {
    let rt = quote!(::switchboard_runtime::events);
    let settings: Vec<_> = push
        .query
        .iter()
        .filter_map(|q| q.equals_setting.as_ref().map(|s| (q, s)))
        .collect();
    let args = settings.iter().map(|(_, s)| {
        let name = ident(&s.rust);
        quote!(#name: impl ::std::convert::Into<::std::string::String>)
    });
    let expect = push.query.iter().filter_map(|q| {
        let wire = &q.name;
        if let Some(s) = &q.equals_setting {
            let name = ident(&s.rust);
            Some(quote!(.expect_query(#wire, #name)))
        } else {
            q.value.as_ref().map(|v| quote!(.expect_query(#wire, #v)))
        }
    });
    let required = push.query.iter().filter(|q| q.required).map(|q| {
        let wire = &q.name;
        quote!(.require_query(#wire))
    });
    let method = &push.method;
    let max_body = usize::try_from(push.max_body_bytes).unwrap_or(usize::MAX);
    let status = push.ack_status;
    let ack_body = push
        .ack_body
        .as_ref()
        .map(|b| serde_json::to_string(b).expect("JSON values serialize"))
        .unwrap_or_default();
    let content_type = if push.ack_body.is_some() {
        quote!(::std::option::Option::Some("application/json"))
    } else {
        quote!(::std::option::Option::None)
    };
    let mut text = format!(
        "Decodes the callbacks {} sends to the application (push delivery).\n\n\
         A callback is checked before it is decoded: method {}",
        vendor(&service.vendor),
        code(method)
    );
    for (q, s) in &settings {
        text.push_str(&format!(
            "; {} must equal the application's {}",
            code(&q.name),
            code(&s.wire)
        ));
    }
    for q in push.query.iter().filter(|q| q.value.is_some()) {
        text.push_str(&format!(
            "; {} must be {}",
            code(&q.name),
            code(q.value.as_deref().unwrap_or_default())
        ));
    }
    text.push_str(&format!(
        ". A rejected callback carries the HTTP status to answer; an accepted one is \
         acknowledged with HTTP {status}{}.",
        if ack_body.is_empty() {
            String::new()
        } else {
            format!(" and body {}", code(&ack_body))
        }
    ));
    let docs = markdown(&text);
    let new_docs = markdown(&format!(
        "A decoder for this application{}.",
        if settings.is_empty() {
            String::new()
        } else {
            format!(
                " ({})",
                settings
                    .iter()
                    .map(|(_, s)| code(&s.rust))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    ));
    quote! {
        #docs
        pub type Callbacks = #rt::Callbacks<Event>;
        pub use #rt::{Callback, push::Rejection};

        #new_docs
        pub fn callbacks(#(#args),*) -> Callbacks {
            let method = ::switchboard_runtime::http::Method::from_bytes(#method.as_bytes())
                .expect("the generator checked the method is an upper-case token");
            let status = ::switchboard_runtime::http::StatusCode::from_u16(#status)
                .expect("the generator checked the status is 2xx");
            #rt::Callbacks::new(
                #rt::push::PushConfig::new(method)
                    #(#expect)*
                    #(#required)*
                    .max_body(#max_body)
                    .ack(#rt::push::Acknowledgement::new(status, #content_type, #ack_body)),
            )
        }
    }
}

/// `Client::events` for the mechanisms the client drives itself (Bayeux, poll).
pub fn emit_client_events(service: &Service) -> TokenStream {
    let Some(envelope) = &service.event_envelope else {
        return quote!();
    };
    let rt = quote!(::switchboard_runtime::events);
    match &envelope.delivery {
        Delivery::Bayeux(b) => {
            let docs = markdown(&format!(
                "Opens the event stream: a Bayeux session at {} (this client's auth applies), \
                 subscribed to {}. Open it before the call whose events you await; drop it to \
                 stop. See [`events`] for an example.",
                code(&b.path),
                channel_list(b)
            ));
            quote! {
                #docs
                pub fn events(&self) -> events::EventStream {
                    self.events_with(events::StreamOptions::default())
                }

                /// [`Client::events`] with explicit buffer and back-off settings.
                pub fn events_with(&self, options: events::StreamOptions) -> events::EventStream {
                    #rt::Events::new(#rt::bayeux::open(&self.core, events::bayeux_config(options)))
                }
            }
        }
        Delivery::Poll(p) => {
            let Some(endpoint) = service.endpoints.iter().find(|e| e.id == p.endpoint) else {
                return quote!();
            };
            let module = ident(&endpoint.rust);
            let docs = markdown(&format!(
                "Opens the event stream: calls [`{}`] with `request` again and again ({} ms \
                 after each answer), through this client's transport and auth, and yields the \
                 events of its answers.{} Drop the stream to stop. See [`events`] for an example.",
                endpoint.rust.trim_start_matches("r#"),
                p.interval_ms,
                if p.keeps_session_alive {
                    " Polling also keeps the session alive: while the stream is open it polls \
                     even when nobody reads (a slow reader gets `Lagged`), and dropping it ends \
                     the session's heartbeat."
                } else {
                    ""
                }
            ));
            quote! {
                #docs
                pub fn events(&self, request: #module::Request) -> events::EventStream {
                    self.events_with(request, events::StreamOptions::default())
                }

                /// [`Client::events`] with explicit buffer and back-off settings.
                pub fn events_with(
                    &self,
                    request: #module::Request,
                    options: events::StreamOptions,
                ) -> events::EventStream {
                    #rt::Events::new(#rt::poll::open(&self.core, request, events::poll_config(options)))
                }
            }
        }
        Delivery::Push(_) => quote!(),
    }
}

/// The "Receiving events" example of a service: compiled and run as a doctest of the crate's
/// `events` module, and shown on the service's Markdown page.
pub fn events_example(service: &Service) -> Option<String> {
    super::events_example::example(service)
}

/// The channels of a Bayeux delivery as inline code, comma-separated.
fn channel_list(bayeux: &crate::model::Bayeux) -> String {
    bayeux
        .channels
        .iter()
        .map(|c| code(&c.name))
        .collect::<Vec<_>>()
        .join(", ")
}

//! `crate::events`: typed payloads of documented events and a decoder for event frames.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{code, markdown, vendor};
use super::types::{Std, Types, ident, inferred_docs};
use crate::model::{Field, Service, TypeKind};

/// Emits `pub mod events { ... }`; empty when the service documents no events.
pub fn emit_events(service: &Service) -> TokenStream {
    let mut types = Types::new(service, Std::QUALIFIED);
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    let mut names = Vec::new();
    // When the whole frame is the payload and the envelope documents its fields, an event
    // without fields of its own is that frame: typed as `EventFrame`, shared by such events.
    let frame_fields = service
        .event_envelope
        .as_ref()
        .filter(|e| e.payload_field.is_none() && !e.fields.is_empty())
        .map(|e| &e.fields);
    if let Some(fields) = frame_fields
        && service.events.iter().any(|e| e.fields.is_empty())
    {
        let docs = markdown(
            "An event frame as the envelope documents it (the payload of events without fields of their own).",
        );
        let def = types.struct_def("EventFrame", docs, fields);
        types.defs.push(def);
    }
    for event in &service.events {
        let name = &event.name.wire;
        let mut text = format!("Event {}.", code(name));
        if let Some(d) = &event.description {
            text.push_str("\n\n");
            text.push_str(&vendor(d));
        }
        if let Some(channel) = &event.channel {
            text.push_str(&format!("\n\nChannel: {}.", code(channel)));
        }
        if event.fields.is_empty() && frame_fields.is_some() {
            text.push_str("\n\nIts content is the documented event frame ([`EventFrame`]).");
        } else if event.fields.is_empty() {
            text.push_str(
                "\n\nNo public page documents this event's fields; unknown fields are ignored.",
            );
        }
        let docs = markdown(&text);
        let ty = ident(&event.name.rust);
        if event.fields.is_empty() && frame_fields.is_some() {
            variants.push(quote!(#docs #ty(::std::boxed::Box<EventFrame>),));
            arms.push((
                event,
                quote! {
                    return <EventFrame as ::switchboard_runtime::wire::FromJson>::from_json(payload)
                        .map(|p| Event::#ty(::std::boxed::Box::new(p)))
                        .map_err(|e| EventError(e.to_string()))
                },
            ));
        } else if event.fields.is_empty() {
            // Nothing documented to type: keep the content as it came (it may be null or text).
            variants.push(quote!(#docs #ty(::switchboard_runtime::serde_json::Value),));
            arms.push((event, quote!(return Ok(Event::#ty(payload)))));
        } else {
            let def = types.struct_def(&event.name.rust, docs.clone(), &event.fields);
            types.defs.push(def);
            variants.push(quote!(#docs #ty(::std::boxed::Box<#ty>),));
            arms.push((
                event,
                quote! {
                    return <#ty as ::switchboard_runtime::wire::FromJson>::from_json(payload)
                        .map(|p| Event::#ty(::std::boxed::Box::new(p)))
                        .map_err(|e| EventError(e.to_string()))
                },
            ));
        }
        names.push(name.clone());
    }
    let Some(envelope) = &service.event_envelope else {
        return quote!();
    };
    // An event matches by its name; a frame without a name matches the one event whose
    // discriminators are its own (shared by no other event). Discriminators must hold always.
    // Events with discriminators are tried first, so that a catch-all event without any (only
    // possible when frames carry no name) cannot shadow them.
    arms.sort_by_key(|(event, _)| event.discriminators.is_empty());
    let tests = arms.iter().map(|(event, action)| {
        let name = &event.name.wire;
        let checks = event
            .discriminators
            .iter()
            .map(|(path, value)| quote!(&& has(#path, #value)));
        let unique = crate::emit::has_own_discriminators(service, event);
        let matched = if envelope.name_field.is_none() {
            // Frames carry no name: discriminators alone decide (check_delivery keeps them
            // apart), and the one event without any takes what the others leave.
            quote!(unnamed)
        } else if !unique {
            quote!(named(#name))
        } else {
            quote!((named(#name) || unnamed))
        };
        quote! {
            if #matched #(#checks)* {
                #action;
            }
        }
    });
    let name_field = match &envelope.name_field {
        Some(n) => quote!(::std::option::Option::Some(#n)),
        None => quote!(::std::option::Option::None),
    };
    let name_arms = service.events.iter().map(|event| {
        let ty = ident(&event.name.rust);
        let name = &event.name.wire;
        quote!(Event::#ty(..) => #name,)
    });
    let delivery = super::delivery::emit_delivery(service, envelope);
    let payload_field = match &envelope.payload_field {
        Some(p) => quote!(::std::option::Option::Some(#p)),
        None => quote!(::std::option::Option::None),
    };
    let mut module_text = format!(
        "Events the API delivers.\n\n{}",
        vendor(&crate::emit::delivery_summary(
            &envelope.delivery,
            envelope.description.as_deref()
        ))
    );
    if super::events_example::example_tokens(service).is_some() {
        module_text.push_str(
            "\n\nAn example (compiled and run by the crate's tests) is on the service's \
             documentation page, under \"Receiving events\".",
        );
    }
    let module_docs = markdown(&module_text);
    let frame_docs = frame_docs(&envelope.fields);
    let defs = types.defs;
    let prelude = super::types::json_prelude();
    quote! {
        #module_docs
        #frame_docs
        pub mod events {
            #prelude

            /// The name of every documented event.
            pub const NAMES: &[&str] = &[#(#names),*];

            /// A decoded event.
            #[derive(Clone, Debug, PartialEq)]
            #[non_exhaustive]
            pub enum Event {
                #(#variants)*
                /// An event the documentation does not describe, kept as received.
                Unknown {
                    /// Its name.
                    name: ::std::string::String,
                    /// Its content.
                    payload: ::switchboard_runtime::serde_json::Value,
                },
            }

            /// Why an event frame could not be decoded.
            #[derive(Debug)]
            pub struct EventError(::std::string::String);

            impl ::std::fmt::Display for EventError {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    write!(f, "cannot decode the event: {}", self.0)
                }
            }

            impl ::std::error::Error for EventError {}

            impl Event {
                /// The vendor's name of the event.
                pub fn name(&self) -> &str {
                    match self {
                        #(#name_arms)*
                        Event::Unknown { name, .. } => name,
                    }
                }
            }

            impl ::switchboard_runtime::events::EventType for Event {
                fn from_frame(
                    frame: &::switchboard_runtime::events::RawEvent,
                ) -> ::std::result::Result<Self, ::switchboard_runtime::events::DecodeError> {
                    decode_value(frame.frame.clone())
                        .map_err(|e| ::switchboard_runtime::events::DecodeError::new(e.0))
                }
                fn name(&self) -> &str {
                    Event::name(self)
                }
            }

            #delivery

            /// Decodes one event frame (JSON bytes). Never panics, whatever the bytes.
            pub fn decode(frame: &[u8]) -> ::std::result::Result<Event, EventError> {
                let value = ::switchboard_runtime::error::decode_json(frame)
                    .map_err(|e| EventError(e.to_string()))?;
                decode_value(value)
            }

            /// Decodes one event frame already parsed as JSON.
            pub fn decode_value(
                frame: ::switchboard_runtime::serde_json::Value,
            ) -> ::std::result::Result<Event, EventError> {
                let split = ::switchboard_runtime::client::split_event_value(frame, #name_field, #payload_field);
                let payload = split.payload;
                let named = |event: &str| split.name == event;
                let unnamed = split.name.is_empty();
                let has = |path: &str, value: &str| {
                    ::switchboard_runtime::error::json_path_text(&split.frame, path).as_deref() == Some(value)
                };
                #(#tests)*
                let _ = (&named, unnamed, &has);
                Ok(Event::Unknown { name: split.name, payload })
            }

            #(#defs)*
        }
    }
}

/// What is open or inferred about the frame's own fields (the frame is not a Rust type, so its
/// fields' notes are said in the module docs), one line per field path.
fn frame_docs(fields: &[Field]) -> TokenStream {
    fn walk(fields: &[Field], prefix: &str, out: &mut Vec<String>) {
        for field in fields {
            let path = format!("{prefix}{}", field.name.wire);
            let mut notes: Vec<String> = Vec::new();
            if let Some(u) = &field.unconfirmed {
                notes.push(format!("Unconfirmed: {}", vendor(u)));
            }
            notes.extend(inferred_docs(&field.inferred));
            if !notes.is_empty() {
                out.push(format!("- {}: {}", code(&path), notes.join(" ")));
            }
            if let TypeKind::Object { fields, .. } = &field.ty.kind {
                walk(fields, &format!("{path}."), out);
            }
        }
    }
    let mut lines = Vec::new();
    walk(fields, "", &mut lines);
    if lines.is_empty() {
        return quote!();
    }
    markdown(&format!("\nFrame fields:\n{}", lines.join("\n")))
}

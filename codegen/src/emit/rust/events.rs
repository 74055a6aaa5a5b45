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
        if event.fields.is_empty() {
            text.push_str(
                "\n\nNo public page documents this event's fields; unknown fields are ignored.",
            );
        }
        let docs = markdown(&text);
        let ty = ident(&event.name.rust);
        if event.fields.is_empty() {
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
    let tests = arms.iter().map(|(event, action)| {
        let name = &event.name.wire;
        let checks = event
            .discriminators
            .iter()
            .map(|(path, value)| quote!(&& has(#path, #value)));
        let unique = !event.discriminators.is_empty()
            && service
                .events
                .iter()
                .filter(|e| e.discriminators == event.discriminators)
                .count()
                == 1;
        let matched = if !unique {
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
    let name_field = &envelope.name_field;
    let payload_field = match &envelope.payload_field {
        Some(p) => quote!(::std::option::Option::Some(#p)),
        None => quote!(::std::option::Option::None),
    };
    let module_docs = markdown(&format!(
        "Events the API delivers.\n\n{}",
        vendor(&envelope.delivery)
    ));
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

            /// Decodes one event frame (JSON bytes). Never panics, whatever the bytes.
            pub fn decode(frame: &[u8]) -> ::std::result::Result<Event, EventError> {
                let split = ::switchboard_runtime::client::split_event(frame, #name_field, #payload_field)
                    .map_err(|e| EventError(e.to_string()))?;
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

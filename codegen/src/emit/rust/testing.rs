//! The `testing` module of a generated crate (cargo feature `testing`): the service's spec data
//! as one JSON document, and a constructor of the runtime's simulator serving it.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{Value, json};

use super::docs;
use super::types::{ident, wire_members};
use crate::model::{CodeValue, Delivery, Endpoint, ErrorCode, Field, Service, Type, TypeKind};

/// The spec data the simulator serves, `src/simulation.json` of the crate: a file of its own,
/// included by `testing::SIMULATION`, since as a string literal in `lib.rs` it made the
/// generator escape, parse and print a megabyte for a thousand endpoints. `service` is the
/// service without its endpoints; `endpoints` are their entries ([`simulation_entry`]), each
/// computed (and cached) on its own: compact JSON joins with commas.
pub fn simulation_document(service: &Service, endpoints: &[String]) -> String {
    let head = serde_json::to_string(&simulation(service)).expect("JSON values serialize");
    let mut document = head
        .strip_suffix("[]}")
        .expect("the endpoints come last in the simulation document")
        .to_owned();
    document.push('[');
    document.push_str(&endpoints.join(","));
    document.push_str("]}\n");
    document
}

/// An endpoint's entry in the simulation document.
pub fn simulation_entry(service: &Service, endpoint: &Endpoint) -> String {
    serde_json::to_string(&self::endpoint(service, endpoint)).expect("JSON values serialize")
}

/// `#[cfg(feature = "testing")] pub mod testing { ... }`; the request readers come after it,
/// one endpoint at a time ([`emit_request_reader`]).
pub fn emit_testing(service: &Service) -> TokenStream {
    let docs = docs::markdown(&format!(
        "A simulated {} server for tests (cargo feature `testing`).\n\n\
         [`simulator`](crate::testing::simulator) starts it on 127.0.0.1 with a random port; \
         point the [`Client`] at \
         [`Simulator::base_url`](crate::testing::Simulator::base_url). It checks the auth \
         scheme's credentials (by default those of \
         [`Credentials::default`](crate::testing::Credentials::default)), checks every request \
         against the documented constraints, answers each endpoint's first documented success \
         sample, and can be scripted per endpoint, named by its typed request \
         ([`Simulator::endpoint`](crate::testing::Simulator::endpoint): a documented error by \
         its `Error` variant, an output, a delay, a dropped connection) or by id \
         ([`Simulator::script`](crate::testing::Simulator::script), \
         [`Simulator::fail_with`](crate::testing::Simulator::fail_with)). Every request it \
         receives is kept, as it arrived \
         ([`Simulator::requests`](crate::testing::Simulator::requests)) and decoded into the \
         endpoint's `Request` ([`Simulator::received`](crate::testing::Simulator::received)).{}",
        docs::vendor(&service.title),
        roles_doc(service)
    ));
    quote! {
        #[cfg(feature = "testing")]
        #docs
        pub mod testing {
            pub use ::switchboard_runtime::sim::{Credentials, EndpointScript, Received, Script, Simulator, SimulatorBuilder};

            /// The spec data the simulator serves: endpoints, constraints, samples, error codes,
            /// envelope and auth scheme, as the generator read them.
            pub const SIMULATION: &str = include_str!("simulation.json");

            /// A simulator of this service, to configure and then `start().await`.
            pub fn simulator() -> SimulatorBuilder {
                SimulatorBuilder::new(SIMULATION).expect("the generator's document matches the runtime's reader")
            }
        }
    }
}

/// An endpoint's `Request` read back from its wire names, for
/// [`Simulator::received`](switchboard_runtime::sim::Simulator::received), in a block of its
/// own: the emitter formats each endpoint's reader alone (and keeps it in the output cache),
/// then joins them into [`requests_module`].
pub fn emit_request_reader(endpoint: &Endpoint) -> TokenStream {
    let module = ident(&endpoint.rust);
    let alias = quote::format_ident!("{}", endpoint.rust_type);
    let fields = wire_members(endpoint.request_fields());
    quote! {
        mod requests {
            use crate::#module::Request as #alias;
            ::switchboard_runtime::wire_object!(#alias { #(#fields),* });
        }
    }
}

/// The module the readers go in: only with the feature, so clients that do not test pay
/// nothing for it.
pub fn requests_module() -> TokenStream {
    quote! {
        /// `FromJson` of every endpoint's `Request`, keyed by wire names.
        #[cfg(feature = "testing")]
        mod requests {}
    }
}

/// The spec's `error_roles` as a list, each inferred one marked as such.
fn roles_doc(service: &Service) -> String {
    let mut doc = String::new();
    if !service.error_roles.is_empty() {
        doc.push_str(
            "\n\nCodes it answers for failures every endpoint shares (the spec's `error_roles`):\n",
        );
    }
    for role in &service.error_roles {
        doc.push_str(&format!("\n- `{}`: `{}`", role.role, role.code));
        if let Some(reason) = &role.inferred {
            doc.push_str(&format!(" ({}: {reason})", crate::model::INFERRED_LABEL));
        }
    }
    doc
}

/// `examples/simulator.rs`: the simulator standalone on a given port, for clients in any
/// language (`cargo run -p <crate> --features testing --example simulator -- 8080`).
pub fn emit_standalone(service: &Service) -> TokenStream {
    let krate = quote::format_ident!("{}", service.crate_ident);
    let docs = docs::markdown(&format!(
        "The simulated server standalone: `cargo run -p {} --features testing --example \
         simulator -- [PORT] [--no-auth]` listens on 127.0.0.1 (a random port without one) and \
         prints its base URL; it accepts the credentials of `testing::Credentials::default()`, \
         or any request with `--no-auth` (for clients that cannot sign, such as \
         `scripts/check-agreement --simulator`).",
        service.crate_name
    ));
    quote! {
        #docs
        #[tokio::main(flavor = "current_thread")]
        async fn main() -> ::std::result::Result<(), ::std::boxed::Box<dyn ::std::error::Error>> {
            let mut port: u16 = 0;
            let mut builder = #krate::testing::simulator();
            for arg in ::std::env::args().skip(1) {
                if arg == "--no-auth" {
                    builder = builder.without_auth();
                } else {
                    port = arg.parse()?;
                }
            }
            let simulator = builder.port(port).start().await?;
            println!("{}", simulator.base_url());
            // Serves until the process is stopped.
            ::std::future::pending::<()>().await;
            Ok(())
        }
    }
}

fn simulation(service: &Service) -> Value {
    let env = &service.envelope;
    let success = env.code.as_ref().map(|c| code_value(&c.success));
    json!({
        "base_path": base_path(&service.base_url.template),
        "envelope": {
            "payload_field": env.payload,
            "code_field": env.code.as_ref().map(|c| c.field.clone()),
            "success": success,
            "message_field": env.message,
            "request_id_field": env.request_id,
            "http_status_errors": env.http_status_errors,
        },
        "auth": service.auth.schemes.first().map(|s| serde_json::to_value(s).expect("serializes")),
        "errors": service.errors.iter().map(error).collect::<Vec<_>>(),
        "error_roles": service.error_roles.iter().map(|r| (r.role.clone(), Value::from(r.code.to_string()))).collect::<serde_json::Map<_, _>>(),
        "delivery": service.event_envelope.as_ref().map(|e| delivery(&e.delivery)),
        "events": service.events.iter().filter_map(|e| {
            let sample = e.sample.as_ref()?;
            Some(json!({"name": e.name.wire, "channel": e.channel, "sample": sample}))
        }).collect::<Vec<_>>(),
        "endpoints": service.endpoints.iter().map(|e| endpoint(service, e)).collect::<Vec<_>>(),
    })
}

/// The delivery facts the simulator acts on (descriptions and sources left out).
fn delivery(delivery: &Delivery) -> Value {
    match delivery {
        Delivery::Bayeux(b) => json!({"bayeux": {"path": b.path, "hold_ms": b.hold_ms}}),
        Delivery::Poll(p) => json!({"poll": {
            "endpoint": p.endpoint.0, "events_at": p.events_at, "frame_is_body": p.frame_is_body,
        }}),
        Delivery::Push(p) => json!({"push": {
            "method": p.method,
            "query": p.query.iter().map(|q| json!({
                "name": q.name, "value": q.value,
                "equals_setting": q.equals_setting.as_ref().map(|s| s.wire.clone()),
            })).collect::<Vec<_>>(),
        }}),
    }
}

/// The path of the base URL template (`https://{host}:{port}/gateway` → `/gateway`).
fn base_path(template: &str) -> String {
    let after_scheme = template.split_once("://").map_or(template, |(_, r)| r);
    after_scheme.find('/').map_or_else(String::new, |i| {
        after_scheme[i..].trim_end_matches('/').to_owned()
    })
}

fn code_value(code: &CodeValue) -> Value {
    match code {
        CodeValue::Str(s) => Value::from(s.as_str()),
        CodeValue::Int(i) => Value::from(*i),
    }
}

fn error(e: &ErrorCode) -> Value {
    json!({
        "code": e.code.to_string(),
        "http_status": e.http_status,
        "message": e.message,
        "meaning": e.meaning.as_ref().or(e.meaning_en.as_ref()),
    })
}

fn endpoint(service: &Service, e: &Endpoint) -> Value {
    let params: Vec<Value> = e
        .params
        .iter()
        .map(|p| {
            let location = serde_json::to_value(p.location).expect("serializes");
            rule(
                service,
                &p.field,
                location.as_str().unwrap_or_default(),
                p.from_auth,
                0,
            )
        })
        .collect();
    let body: Vec<Value> = e
        .request
        .iter()
        .flat_map(|b| &b.fields)
        .map(|f| rule(service, f, "body", false, 0))
        .collect();
    let samples: Vec<Value> = e
        .samples
        .iter()
        .map(|s| {
            json!({
                "name": s.name,
                "status": s.status,
                "headers": s.response_headers,
                "body": s.response_body,
                "error": s.error.is_some(),
                "events": s.events,
            })
        })
        .collect();
    json!({
        "id": e.id.0,
        "method": serde_json::to_value(e.method).expect("serializes"),
        "path": e.path,
        "payload": e.payload,
        "dispatch": e.dispatch.iter().map(|d| json!({"name": d.name, "value": d.value})).collect::<Vec<_>>(),
        "params": params,
        "body": body,
        "errors": e.errors.iter().map(error).collect::<Vec<_>>(),
        "events": e.events.iter().map(|id| id.0.clone()).collect::<Vec<_>>(),
        "samples": samples,
    })
}

/// A shared type that contains itself would nest forever; real payloads are far shallower.
const MAX_DEPTH: usize = 8;

/// A field's constraints, with those of the fields nested in it (object fields, array items and
/// map values, shared types resolved), so the simulator checks a whole body.
fn rule(service: &Service, field: &Field, location: &str, from_auth: bool, depth: usize) -> Value {
    let mut rule = constraints(service, &field.ty, depth);
    if let Value::Object(map) = &mut rule {
        map.insert("location".into(), Value::from(location));
        map.insert("name".into(), Value::from(field.name.wire.as_str()));
        map.insert("required".into(), Value::from(field.required));
        map.insert("from_auth".into(), Value::from(from_auth));
    }
    rule
}

fn constraints(service: &Service, ty: &Type, depth: usize) -> Value {
    let own = json!({
        "min": ty.range.and_then(|r| r.min),
        "max": ty.range.and_then(|r| r.max),
        "min_length": ty.length.and_then(|r| r.min),
        "max_length": ty.length.and_then(|r| r.max),
        "pattern": ty.pattern,
    });
    let Value::Object(mut map) = own else {
        unreachable!("json! of braces is an object")
    };
    // Absent constraints are left out: the document is embedded in every generated crate.
    map.retain(|_, v| !v.is_null());
    let (kind, nested) = match &ty.kind {
        TypeKind::Named { id, .. } => {
            let named = service.types.iter().find(|t| t.name.wire == id.0);
            match named {
                Some(named) if depth < MAX_DEPTH => {
                    // The shared type's own constraints, under any the use site adds.
                    let mut inner = constraints(service, &named.ty, depth + 1);
                    if let Value::Object(inner) = &mut inner {
                        for (key, value) in map.iter().filter(|(_, v)| !v.is_null()) {
                            inner.insert(key.clone(), value.clone());
                        }
                    }
                    return inner;
                }
                _ => ("json", None),
            }
        }
        TypeKind::Object { fields, .. } if depth < MAX_DEPTH => {
            let rules: Vec<Value> = fields
                .iter()
                .map(|f| rule(service, f, "body", false, depth + 1))
                .collect();
            ("object", Some(("fields", Value::from(rules))))
        }
        TypeKind::Array { items } if depth < MAX_DEPTH => (
            "array",
            Some(("items", constraints(service, items, depth + 1))),
        ),
        TypeKind::Map { values } if depth < MAX_DEPTH => (
            "map",
            Some(("values", constraints(service, values, depth + 1))),
        ),
        other => {
            let kind = serde_json::to_value(other).expect("serializes");
            let kind = kind.get("kind").and_then(Value::as_str).unwrap_or("json");
            return {
                map.insert("kind".into(), Value::from(kind));
                Value::Object(map)
            };
        }
    };
    map.insert("kind".into(), Value::from(kind));
    if let Some((key, value)) = nested {
        map.insert(key.into(), value);
    }
    Value::Object(map)
}

//! A service's overview page.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{
    Anchors, EndpointRow, ErrorRow, LinkView, SourceView, error_rows, scheme_names, source,
};
use crate::emit::markdown::fields::{self, FieldRow, Types, ValueDoc};
use crate::emit::markdown::samples;
use crate::model::{AuthScheme, CodeValue, Service, TypeId};

#[derive(Debug, Serialize)]
pub struct ServiceView {
    title: String,
    name: String,
    vendor: String,
    api_version: String,
    description: Option<String>,
    sources: Vec<SourceView>,
    base_url: BaseUrlView,
    auth: AuthView,
    envelope: EnvelopeView,
    errors: Vec<ErrorRow>,
    event_envelope: Option<EventEnvelopeView>,
    events: Vec<EventView>,
    types: Vec<TypeView>,
    unconfirmed: Vec<String>,
    endpoints: Vec<EndpointRow>,
    /// The "Testing your code" example (compiled and run with the crate's `testing` feature).
    testing_snippet: Option<String>,
    /// The generated crate's package name.
    crate_name: String,
    /// The spec's `error_roles`, as the simulator answers them.
    error_roles: Vec<RoleView>,
    /// Roles the spec leaves to the simulator's own rule.
    unassigned_roles: Vec<&'static str>,
    /// How long the simulator holds an empty Bayeux connect: (milliseconds, documented).
    bayeux_hold: Option<(u64, bool)>,
}

#[derive(Debug, Serialize)]
struct RoleView {
    role: String,
    what: &'static str,
    code: String,
    inferred: Option<String>,
}

/// The failure each role of `error_roles` answers, in the docs' words.
fn role_failure(role: &str) -> &'static str {
    match role {
        "invalid_parameter" => "a request that breaks a documented constraint",
        "missing_parameter" => "a request that lacks a required parameter",
        _ => "a wrong or missing credential",
    }
}

#[derive(Debug, Serialize)]
struct BaseUrlView {
    template: String,
    description: Option<String>,
    variables: Vec<VariableView>,
}

#[derive(Debug, Serialize)]
struct VariableView {
    name: String,
    default: Option<String>,
    values: Vec<ValueDoc>,
    example: Option<String>,
    description: Option<String>,
}

#[derive(Debug, Serialize)]
struct AuthView {
    description: Option<String>,
    schemes: Vec<SchemeView>,
}

#[derive(Debug, Serialize)]
struct SchemeView {
    key: &'static str,
    label: &'static str,
    settings: Vec<(String, String)>,
    issued_by: Vec<LinkView>,
    description: Option<String>,
}

#[derive(Debug, Serialize)]
struct EnvelopeView {
    code_field: Option<String>,
    success: Option<String>,
    success_kind: Option<&'static str>,
    message: Option<String>,
    request_id: Option<String>,
    payload: Option<String>,
    http_status_errors: bool,
    http_status_inferred: Option<String>,
    inferred: Option<String>,
    description: Option<String>,
    fields: Vec<FieldRow>,
}

#[derive(Debug, Serialize)]
struct EventEnvelopeView {
    delivery: super::delivery::DeliveryView,
    description: Option<String>,
    name_field: Option<String>,
    payload_field: Option<String>,
    fields: Vec<FieldRow>,
}

#[derive(Debug, Serialize)]
struct EventView {
    name: String,
    description: Option<String>,
    channel: Option<String>,
    discriminators: Vec<(String, String)>,
    fields: Vec<FieldRow>,
    sample: Option<String>,
    source: Option<SourceView>,
    triggered_by: Vec<LinkView>,
}

#[derive(Debug, Serialize)]
struct TypeView {
    name: String,
    description: Option<String>,
    description_en: Option<String>,
    unconfirmed: Option<String>,
    inferred: Option<String>,
    fields: Vec<FieldRow>,
}

fn scheme_view(service: &Service, s: &AuthScheme) -> SchemeView {
    let (key, label) = scheme_names(s);
    let kv = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    let mut settings = Vec::new();
    let mut issued_by = Vec::new();
    let description = match s {
        AuthScheme::None => None,
        AuthScheme::SessionHeader {
            capture_header,
            value_prefix,
            send_header,
            issued_by: issuers,
            description,
            ..
        } => {
            settings.push(kv("Captured from response header", capture_header));
            if let Some(p) = value_prefix {
                settings.push(kv("Prefix stripped from the value", p));
            }
            settings.push(kv("Sent in request header", send_header));
            for id in issuers {
                if let Some(e) = service.endpoints.iter().find(|e| &e.id == id) {
                    issued_by.push(LinkView {
                        text: e.title.clone(),
                        href: format!("{}.md", e.id.0),
                    });
                }
            }
            description.clone()
        }
        AuthScheme::BasicCsrf {
            csrf_header_name_header,
            csrf_token_header,
            csrf_refresh_path,
            csrf_failure_status,
            csrf_failure_text,
            session_cookie,
            description,
            ..
        } => {
            settings.push(kv("Credentials", "Authorization: Basic"));
            settings.push(kv(
                "Response header naming the token header",
                csrf_header_name_header,
            ));
            settings.push(kv("Response header carrying the token", csrf_token_header));
            settings.push(kv("Path to GET for a token", csrf_refresh_path));
            settings.push(kv(
                "HTTP status of a token failure",
                &csrf_failure_status.to_string(),
            ));
            if let Some(t) = csrf_failure_text {
                settings.push(kv("Body text of a token failure", t));
            }
            if let Some(c) = session_cookie {
                settings.push(kv("Session cookie", c));
            }
            description.clone()
        }
        AuthScheme::TlsSigQuery {
            app_id_param,
            identifier_param,
            signature_param,
            random_param,
            fixed_params,
            default_expire_seconds,
            description,
            ..
        } => {
            settings.push(kv("Application id parameter", app_id_param));
            settings.push(kv("Identity parameter", identifier_param));
            settings.push(kv("Signed ticket parameter", signature_param));
            settings.push(kv("Random 32-bit parameter", random_param));
            for (k, v) in fixed_params {
                settings.push(kv("Fixed parameter", &format!("{k}={v}")));
            }
            if let Some(secs) = default_expire_seconds {
                settings.push(kv("Default ticket lifetime (seconds)", &secs.to_string()));
            }
            description.clone()
        }
        AuthScheme::SignedHeadersHmacSha256 {
            algorithm,
            header_prefix,
            description,
            ..
        } => {
            settings.push(kv("Algorithm", algorithm));
            settings.push(kv("Signed header prefix", header_prefix));
            description.clone()
        }
        AuthScheme::SignedQueryHmacSha1 {
            signature_version,
            format,
            description,
            ..
        } => {
            settings.push(kv("SignatureVersion", signature_version));
            if let Some(f) = format {
                settings.push(kv("Format", f));
            }
            description.clone()
        }
    };
    SchemeView {
        key,
        label,
        settings,
        issued_by,
        description,
    }
}

fn code_json(c: &CodeValue) -> (String, &'static str) {
    match c {
        CodeValue::Str(s) => (fields::json(&serde_json::Value::from(s.as_str())), "string"),
        CodeValue::Int(i) => (i.to_string(), "integer"),
    }
}

/// The overview view; `anchors` are its own event and type anchors (empty on the first pass).
pub fn service(service: &Service, anchors: &Anchors) -> ServiceView {
    let hrefs: BTreeMap<TypeId, String> = anchors
        .types
        .iter()
        .map(|(id, slug)| (id.clone(), format!("#{slug}")))
        .collect();
    let types = Types {
        named: &service.types,
        hrefs: &hrefs,
    };
    let env = &service.envelope;
    let success = env.code.as_ref().map(|c| code_json(&c.success));
    ServiceView {
        title: service.title.clone(),
        name: service.name.clone(),
        vendor: service.vendor.clone(),
        api_version: service.api_version.clone(),
        description: service.description.clone(),
        sources: service.sources.iter().map(source).collect(),
        base_url: BaseUrlView {
            template: service.base_url.template.clone(),
            description: service.base_url.description.clone(),
            variables: service
                .base_url
                .variables
                .iter()
                .map(|v| VariableView {
                    name: v.name.wire.clone(),
                    default: v.default.clone(),
                    values: v.values.iter().map(fields::value_doc).collect(),
                    example: v.example.clone(),
                    description: v.description.clone(),
                })
                .collect(),
        },
        auth: AuthView {
            description: service.auth.description.clone(),
            schemes: service
                .auth
                .schemes
                .iter()
                .map(|s| scheme_view(service, s))
                .collect(),
        },
        envelope: EnvelopeView {
            code_field: env.code.as_ref().map(|c| c.field.clone()),
            success_kind: success.as_ref().map(|s| s.1),
            success: success.map(|s| s.0),
            message: env.message.clone(),
            request_id: env.request_id.clone(),
            payload: env.payload.clone(),
            http_status_errors: env.http_status_errors,
            http_status_inferred: env.http_status_inferred().map(str::to_owned),
            // `http_status_errors` is said on its own line above.
            inferred: crate::model::inferred_list(
                &env.inferred
                    .iter()
                    .filter(|i| i.key != "http_status_errors")
                    .cloned()
                    .collect::<Vec<_>>(),
            ),
            description: env.description.clone(),
            fields: fields::rows(&env.fields, "", &types),
        },
        errors: error_rows(&service.errors),
        event_envelope: service.event_envelope.as_ref().map(|e| EventEnvelopeView {
            delivery: super::delivery::delivery_view(service, &e.delivery),
            description: e.description.clone(),
            name_field: e.name_field.clone(),
            payload_field: e.payload_field.clone(),
            fields: fields::rows(&e.fields, "", &types),
        }),
        events: service
            .events
            .iter()
            .map(|ev| EventView {
                name: ev.name.wire.clone(),
                description: ev.description.clone(),
                channel: ev.channel.clone(),
                discriminators: ev
                    .discriminators
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                fields: fields::rows(&ev.fields, "", &types),
                sample: ev.sample.as_ref().map(samples::pretty),
                source: ev.source.as_ref().map(source),
                triggered_by: service
                    .endpoints
                    .iter()
                    .filter(|e| e.events.iter().any(|id| id.0 == ev.name.wire))
                    .map(|e| LinkView {
                        text: e.title.clone(),
                        href: format!("{}.md", e.id.0),
                    })
                    .collect(),
            })
            .collect(),
        types: service
            .types
            .iter()
            .map(|t| TypeView {
                name: t.name.wire.clone(),
                description: t.description.clone(),
                description_en: t.description_en.clone(),
                unconfirmed: t.unconfirmed.clone(),
                inferred: crate::model::inferred_list(&t.inferred),
                fields: fields::type_row(t, &types),
            })
            .collect(),
        unconfirmed: service.unconfirmed.clone(),
        endpoints: service
            .endpoints
            .iter()
            .map(|e| EndpointRow {
                title: e.title.clone(),
                href: format!("{}.md", e.id.0),
                api: service.title.clone(),
                method: e.method.as_str(),
                path: e.path.clone(),
                capability: e.capability.clone(),
                summary: e.summary.clone(),
            })
            .collect(),
        testing_snippet: crate::emit::rust::testing_example(service),
        crate_name: service.crate_name.clone(),
        error_roles: service
            .error_roles
            .iter()
            .map(|r| RoleView {
                role: r.role.clone(),
                what: role_failure(&r.role),
                code: r.code.to_string(),
                inferred: r.inferred.clone(),
            })
            .collect(),
        bayeux_hold: service
            .event_envelope
            .as_ref()
            .and_then(|e| match &e.delivery {
                // 30 s without a documented hold: CometD's default, as the runtime's simulator uses.
                crate::model::Delivery::Bayeux(b) => {
                    Some(b.hold_ms.map_or((30_000, false), |ms| (ms, true)))
                }
                _ => None,
            }),
        unassigned_roles: ["invalid_parameter", "unauthenticated"]
            .into_iter()
            .filter(|role| !service.error_roles.iter().any(|r| r.role == *role))
            .collect(),
    }
}

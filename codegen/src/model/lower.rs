//! Spec → model. Runs only on specs that passed `check`, so lookups that check guarantees use
//! `expect` with the invariant spelled out.

use heck::ToUpperCamelCase;

use super::*;
use crate::naming;
use crate::spec::{self, AuthScheme as SpecScheme, FieldSpec, SpecSet, Text};

/// Lowers checked specs into the model.
pub fn lower(set: &SpecSet) -> Model {
    let mut services: Vec<Service> = set.services.iter().map(lower_service).collect();
    services.sort_by(|a, b| a.name.cmp(&b.name));
    Model { services }
}

fn text(t: &Option<Text>) -> Option<String> {
    t.as_ref().map(|t| t.value.clone())
}

fn texts(t: &[Text]) -> Vec<String> {
    t.iter().map(|t| t.value.clone()).collect()
}

fn inferred(entries: Vec<(&'static str, &Text)>) -> Vec<Inferred> {
    entries
        .into_iter()
        .map(|(key, reason)| Inferred {
            key: key.to_owned(),
            reason: reason.value.clone(),
        })
        .collect()
}

fn error_roles(s: &spec::ServiceSpec) -> Vec<ErrorRole> {
    let Some(roles) = &s.error_roles else {
        return Vec::new();
    };
    let reasons = roles
        .inferred
        .as_ref()
        .map_or_else(Vec::new, |i| inferred(i.entries()));
    roles
        .entries()
        .into_iter()
        .map(|(role, code)| ErrorRole {
            role: role.to_owned(),
            code: code.value.clone(),
            inferred: reasons
                .iter()
                .find(|r| r.key == role)
                .map(|r| r.reason.clone()),
        })
        .collect()
}

fn field_inferred(f: &FieldSpec) -> Vec<Inferred> {
    f.inferred
        .as_ref()
        .map_or_else(Vec::new, |i| inferred(i.entries()))
}

fn source(s: &spec::SourceSpec) -> Source {
    Source {
        url: s.url.value.clone(),
        title: text(&s.title),
        note: text(&s.note),
    }
}

fn lower_service(files: &spec::ServiceFiles) -> Service {
    let s = &files.spec;
    // Each endpoint lowers on its own; on every core for large services.
    let mut endpoints: Vec<Endpoint> = {
        use rayon::prelude::*;
        files
            .endpoints
            .par_iter()
            .map(|(_, e)| lower_endpoint(s, e))
            .collect()
    };
    endpoints.sort_by(|a, b| a.id.cmp(&b.id));
    Service {
        name: s.name.value.clone(),
        crate_name: naming::crate_name(&s.name.value),
        crate_ident: naming::crate_ident(&s.name.value),
        title: s.title.value.clone(),
        vendor: s.vendor.value.clone(),
        api_version: s.api_version.value.clone(),
        description: text(&s.description),
        sources: s.sources.iter().map(source).collect(),
        base_url: BaseUrl {
            template: s.base_url.template.value.clone(),
            description: text(&s.base_url.description),
            variables: s
                .base_url
                .variables
                .iter()
                .map(|v| Variable {
                    name: Name {
                        wire: v.name.value.clone(),
                        rust: naming::field_ident(&v.name.value),
                    },
                    description: text(&v.description),
                    default: text(&v.default),
                    values: v.values.iter().map(enum_value).collect(),
                    example: text(&v.example),
                })
                .collect(),
        },
        auth: Auth {
            description: text(&s.auth.description),
            schemes: s.auth.schemes.iter().map(|x| scheme(&x.value)).collect(),
        },
        envelope: Envelope {
            code: s.envelope.code.as_ref().map(|c| CodeField {
                field: c.field.value.clone(),
                success: c.success.value.clone(),
            }),
            message: text(&s.envelope.message),
            request_id: text(&s.envelope.request_id),
            payload: text(&s.envelope.payload),
            http_status_errors: s.envelope.http_status_errors.value,
            fields: fields(s, &s.envelope.fields, "Envelope"),
            description: text(&s.envelope.description),
            inferred: s
                .envelope
                .inferred
                .as_ref()
                .map_or_else(Vec::new, |i| inferred(i.entries())),
        },
        errors: s.errors.iter().map(|e| error_code(e, None)).collect(),
        error_roles: error_roles(s),
        event_envelope: s.event_envelope.as_ref().map(|e| EventEnvelope {
            delivery: delivery(s, &e.delivery.value),
            description: text(&e.description),
            name_field: text(&e.name_field),
            payload_field: text(&e.payload_field),
            fields: fields(s, &e.fields, "EventFrame"),
        }),
        events: s
            .events
            .iter()
            .map(|e| {
                let rust = naming::type_ident(&e.name.value);
                Event {
                    fields: fields(s, &e.fields, &rust),
                    name: Name {
                        wire: e.name.value.clone(),
                        rust,
                    },
                    description: text(&e.description),
                    discriminators: e
                        .discriminators
                        .iter()
                        .map(|(k, v)| (k.clone(), v.value.clone()))
                        .collect(),
                    channel: text(&e.channel),
                    sample: e.sample.as_ref().map(|v| v.value.0.clone()),
                    source: e.source.as_ref().map(source),
                }
            })
            .collect(),
        types: s
            .types
            .iter()
            .map(|t| {
                let wire = t
                    .name
                    .as_ref()
                    .expect("check_names: shared types have names")
                    .value
                    .clone();
                let rust = t
                    .rust_name
                    .as_ref()
                    .map_or_else(|| naming::type_ident(&wire), |r| r.value.clone());
                NamedType {
                    ty: ty(s, t, &rust),
                    name: Name { wire, rust },
                    description: text(&t.description),
                    description_en: text(&t.description_en),
                    unconfirmed: text(&t.unconfirmed),
                    inferred: field_inferred(t),
                }
            })
            .collect(),
        endpoints,
        unconfirmed: texts(&s.unconfirmed),
    }
}

fn delivery(s: &spec::ServiceSpec, d: &spec::DeliverySpec) -> Delivery {
    match d {
        spec::DeliverySpec::Bayeux(b) => Delivery::Bayeux(Bayeux {
            path: b.path.value.clone(),
            channels: b
                .channels
                .iter()
                .map(|c| Channel {
                    name: c.name.value.clone(),
                    description: text(&c.description),
                    events: s
                        .events
                        .iter()
                        .filter(|e| e.channel.as_ref().is_some_and(|x| x.value == c.name.value))
                        .map(|e| EventId(e.name.value.clone()))
                        .collect(),
                })
                .collect(),
            hold_ms: b.hold_ms.as_ref().map(|h| h.value),
            source: b.source.as_ref().map(source),
            unconfirmed: texts(&b.unconfirmed),
        }),
        spec::DeliverySpec::Poll(p) => Delivery::Poll(Poll {
            endpoint: EndpointId(p.endpoint.value.clone()),
            events_at: text(&p.events_at),
            frame_is_body: p
                .frame
                .as_ref()
                .is_none_or(|f| f.value == spec::PollFrame::Body),
            interval_ms: p.interval_ms.value,
            keeps_session_alive: p.keeps_session_alive.as_ref().is_some_and(|k| k.value),
            source: p.source.as_ref().map(source),
            unconfirmed: texts(&p.unconfirmed),
        }),
        spec::DeliverySpec::Push(p) => Delivery::Push(Push {
            method: p.method.value.clone(),
            query: p
                .query
                .iter()
                .map(|q| PushParam {
                    name: q.name.value.clone(),
                    description: text(&q.description),
                    description_en: text(&q.description_en),
                    value: text(&q.value),
                    equals_setting: q.equals_setting.as_ref().map(|n| Name {
                        wire: n.value.clone(),
                        rust: naming::field_ident(&n.value),
                    }),
                    required: q.required.as_ref().is_none_or(|r| r.value),
                    example: text(&q.example),
                    unconfirmed: text(&q.unconfirmed),
                })
                .collect(),
            max_body_bytes: p.max_body_bytes.as_ref().map_or(1 << 20, |m| m.value),
            ack_status: p.acknowledgement.status.value,
            ack_body: p.acknowledgement.body.as_ref().map(|b| b.value.0.clone()),
            ack_description: text(&p.acknowledgement.description),
            source: p.source.as_ref().map(source),
            unconfirmed: texts(&p.unconfirmed),
        }),
    }
}

fn scheme(s: &SpecScheme) -> AuthScheme {
    match s {
        SpecScheme::None => AuthScheme::None,
        SpecScheme::SessionHeader(x) => AuthScheme::SessionHeader {
            capture_header: x.capture_header.value.clone(),
            value_prefix: text(&x.value_prefix),
            send_header: x.send_header.value.clone(),
            issued_by: x
                .issued_by
                .iter()
                .map(|i| EndpointId(i.value.clone()))
                .collect(),
            description: text(&x.description),
        },
        SpecScheme::BasicCsrf(x) => AuthScheme::BasicCsrf {
            csrf_header_name_header: x.csrf_header_name_header.value.clone(),
            csrf_token_header: x.csrf_token_header.value.clone(),
            csrf_refresh_path: x.csrf_refresh_path.value.clone(),
            csrf_failure_status: x.csrf_failure_status.value,
            csrf_failure_text: text(&x.csrf_failure_text),
            session_cookie: text(&x.session_cookie),
            description: text(&x.description),
        },
        SpecScheme::TlsSigQuery(x) => AuthScheme::TlsSigQuery {
            app_id_param: x.app_id_param.value.clone(),
            identifier_param: x.identifier_param.value.clone(),
            signature_param: x.signature_param.value.clone(),
            random_param: x.random_param.value.clone(),
            fixed_params: x
                .fixed_params
                .iter()
                .map(|(k, v)| (k.clone(), v.value.clone()))
                .collect(),
            default_expire_seconds: x.default_expire_seconds.as_ref().map(|v| v.value),
            description: text(&x.description),
        },
        SpecScheme::SignedHeadersHmacSha256(x) => AuthScheme::SignedHeadersHmacSha256 {
            algorithm: x.algorithm.value.clone(),
            header_prefix: x.header_prefix.value.clone(),
            action_param: x.action_param.value.clone(),
            version_param: x.version_param.value.clone(),
            description: text(&x.description),
        },
        SpecScheme::SignedQueryHmacSha1(x) => AuthScheme::SignedQueryHmacSha1 {
            signature_version: x.signature_version.value.clone(),
            format: text(&x.format),
            action_param: x.action_param.value.clone(),
            version_param: x.version_param.value.clone(),
            description: text(&x.description),
        },
    }
}

fn error_code(e: &spec::ErrorSpec, common: Option<&spec::ErrorSpec>) -> ErrorCode {
    let pick = |own: &Option<Text>, f: fn(&spec::ErrorSpec) -> &Option<Text>| {
        text(own).or_else(|| common.and_then(|c| text(f(c))))
    };
    let code = e.code.value.clone();
    ErrorCode {
        rust: pick(&e.rust_name, |c| &c.rust_name)
            .unwrap_or_else(|| naming::error_variant_ident(&code.to_string())),
        http_status: e
            .http_status
            .as_ref()
            .map(|h| h.value)
            .or_else(|| common.and_then(|c| c.http_status.as_ref().map(|h| h.value))),
        message: pick(&e.message, |c| &c.message),
        meaning: pick(&e.meaning, |c| &c.meaning),
        meaning_en: pick(&e.meaning_en, |c| &c.meaning_en),
        retryable: e
            .retryable
            .as_ref()
            .or_else(|| common.and_then(|c| c.retryable.as_ref()))
            .is_some_and(|r| r.value),
        code,
    }
}

pub(super) fn enum_value(v: &spec::EnumValueSpec) -> EnumValue {
    let value = v.value.value.0.clone();
    EnumValue {
        rust: v.rust_name.as_ref().map_or_else(
            || naming::variant_ident(&naming::value_text(&value)),
            |r| r.value.clone(),
        ),
        value,
        description: text(&v.description),
    }
}

fn fields(s: &spec::ServiceSpec, list: &[FieldSpec], parent: &str) -> Vec<Field> {
    list.iter().map(|f| field(s, f, parent)).collect()
}

fn field(s: &spec::ServiceSpec, f: &FieldSpec, parent: &str) -> Field {
    let wire = f
        .name
        .as_ref()
        .map_or_else(String::new, |n| n.value.clone());
    let rust = f
        .rust_name
        .as_ref()
        .map_or_else(|| naming::field_ident(&wire), |r| r.value.clone());
    let inline_name = format!("{parent}{}", naming::member_type_ident(&wire, &rust));
    Field {
        ty: ty(s, f, &inline_name),
        name: Name { wire, rust },
        description: text(&f.description),
        description_en: text(&f.description_en),
        required: f.required.as_ref().is_some_and(|r| r.is_yes()),
        required_unknown: f
            .required
            .as_ref()
            .is_some_and(|r| r.value == spec::Required::Unknown),
        nullable: f.nullable.as_ref().is_some_and(|r| r.value),
        page_values: Vec::new(),
        member_docs: Vec::new(),
        default: f.default.as_ref().map(|v| v.value.0.clone()),
        example: f.example.as_ref().map(|v| v.value.0.clone()),
        unconfirmed: text(&f.unconfirmed),
        inferred: field_inferred(f),
        secret: f.secret.as_ref().is_some_and(|s| s.value),
    }
}

fn bounds(r: &Option<spec::RangeSpec>) -> Option<Bounds> {
    r.as_ref().map(|r| Bounds {
        min: r.min.as_ref().map(|v| v.value),
        max: r.max.as_ref().map(|v| v.value),
    })
}

/// The type of `f`; `inline_name` names the struct of an inline object.
fn ty(s: &spec::ServiceSpec, f: &FieldSpec, inline_name: &str) -> Type {
    let kind = match f.ty.value.as_str() {
        "string" => TypeKind::String,
        "integer" => TypeKind::Integer,
        "number" => TypeKind::Number,
        "boolean" => TypeKind::Boolean,
        "json" => TypeKind::Json,
        "object" => TypeKind::Object {
            rust: inline_name.to_owned(),
            fields: fields(s, &f.fields, inline_name),
        },
        "array" => TypeKind::Array {
            items: Box::new(ty(
                s,
                f.items
                    .as_deref()
                    .expect("check_constraints: arrays have items"),
                &format!("{inline_name}Item"),
            )),
        },
        "map" => TypeKind::Map {
            values: Box::new(match f.additional.as_deref() {
                Some(values) => ty(s, values, &format!("{inline_name}Value")),
                None => Type {
                    kind: TypeKind::Json,
                    format: None,
                    range: None,
                    length: None,
                    pattern: None,
                    values: Vec::new(),
                },
            }),
        },
        named => {
            let target = s
                .types
                .iter()
                .find(|t| t.name.as_ref().is_some_and(|n| n.value == named))
                .expect("check_references: named types exist");
            let rust = target
                .rust_name
                .as_ref()
                .map_or_else(|| naming::type_ident(named), |r| r.value.clone());
            TypeKind::Named {
                id: TypeId(named.to_owned()),
                rust,
            }
        }
    };
    Type {
        kind,
        format: text(&f.format),
        range: bounds(&f.range),
        length: bounds(&f.length),
        pattern: text(&f.pattern),
        values: f.values.iter().map(enum_value).collect(),
    }
}

fn lower_endpoint(s: &spec::ServiceSpec, e: &spec::EndpointSpec) -> Endpoint {
    let rust_type = e.id.value.to_upper_camel_case();
    let body = |b: &Option<spec::BodySpec>, suffix: &str| {
        b.as_ref().map(|b| Body {
            content_type: b
                .content_type
                .as_ref()
                .map_or_else(|| "application/json".to_owned(), |c| c.value.clone()),
            description: text(&b.description),
            fields: {
                let mut list = fields(s, &b.fields, &format!("{rust_type}{suffix}"));
                super::page_docs::apply(&mut list, &b.fields_doc);
                list
            },
            items: b.items.as_deref().map(|i| {
                let mut item = field(s, i, &format!("{rust_type}{suffix}"));
                // The item has no wire name to make its struct's name from.
                item.ty = ty(s, i, &format!("{rust_type}{suffix}Item"));
                item
            }),
        })
    };
    Endpoint {
        id: EndpointId(e.id.value.clone()),
        rust: naming::field_ident(&e.id.value),
        title: e.title.value.clone(),
        summary: e.summary.value.clone(),
        description: text(&e.description),
        prerequisites: texts(&e.prerequisites),
        callers: text(&e.callers),
        authorization: text(&e.authorization),
        capability: text(&e.capability),
        required_features: texts(&e.required_features),
        method: e.method.value,
        path: e.path.value.clone(),
        log_name: text(&e.log_name),
        idempotent: e.idempotent.as_ref().is_some_and(|i| i.value),
        dispatch: e
            .dispatch
            .iter()
            .map(|d| Dispatch {
                location: d.location.value,
                name: d.name.value.clone(),
                value: d.value.value.clone(),
                description: text(&d.description),
            })
            .collect(),
        params: e
            .params
            .iter()
            .map(|p| Param {
                location: p
                    .location
                    .as_ref()
                    .expect("check_constraints: parameters have `in`")
                    .value,
                from_auth: p.from_auth.as_ref().is_some_and(|f| f.value),
                field: field(s, p, &rust_type),
            })
            .collect(),
        payload: match e.response.as_ref().and_then(|r| r.payload.as_ref()) {
            Some(p) if p.value == "." => None,
            Some(p) => Some(p.value.clone()),
            None => text(&s.envelope.payload),
        },
        request: body(&e.request, "Request"),
        response: body(&e.response, "Output"),
        errors: e
            .errors
            .iter()
            .map(|own| {
                let common = s.errors.iter().find(|c| c.code.value == own.code.value);
                error_code(own, common)
            })
            .collect(),
        events: e.events.iter().map(|n| EventId(n.value.clone())).collect(),
        samples: e
            .samples
            .iter()
            .map(|x| Sample {
                inferred: x
                    .inferred
                    .as_ref()
                    .map_or_else(Vec::new, |i| inferred(i.entries())),
                name: x.name.value.clone(),
                description: text(&x.description),
                source: x.source.as_ref().map(source),
                params: x
                    .request
                    .iter()
                    .flat_map(|r| &r.params)
                    .map(|(k, v)| (k.clone(), v.value.0.clone()))
                    .collect(),
                request_body: x
                    .request
                    .as_ref()
                    .and_then(|r| r.body.as_ref())
                    .map(|b| b.value.0.clone()),
                documented_line: x.request.as_ref().and_then(|r| text(&r.documented_line)),
                status: x
                    .response
                    .as_ref()
                    .and_then(|r| r.status.as_ref())
                    .map_or(200, |s| s.value),
                response_headers: x
                    .response
                    .iter()
                    .flat_map(|r| &r.headers)
                    .map(|(k, v)| (k.clone(), v.value.clone()))
                    .collect(),
                response_body: x
                    .response
                    .as_ref()
                    .and_then(|r| r.body.as_ref())
                    .map(|b| b.value.0.clone()),
                error: x
                    .response
                    .as_ref()
                    .and_then(|r| r.error.as_ref())
                    .map(|c| c.value.clone()),
                events: x.events.iter().map(|v| v.value.0.clone()).collect(),
            })
            .collect(),
        history: e
            .history
            .iter()
            .map(|h| History {
                date: h.date.value.clone(),
                change: h.change.value.clone(),
                change_en: text(&h.change_en),
            })
            .collect(),
        unconfirmed: texts(&e.unconfirmed),
        truncated: {
            let mut sections: Vec<PageSection> = e
                .page
                .iter()
                .flat_map(|p| p.truncated.iter().map(|s| s.value))
                .collect();
            sections.sort();
            sections.dedup();
            sections
        },
        source: source(&e.source),
        rust_type,
    }
}

//! An endpoint's page.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Anchors, ErrorRow, SourceView, error_rows, scheme_names, source};
use crate::emit::markdown::fields::{self, FieldRow, Types};
use crate::emit::markdown::samples::{self, SampleView};
use crate::model::{DispatchIn, Endpoint, PageSection, ParamIn, Service, Type, TypeId, TypeKind};

#[derive(Debug, Serialize)]
pub struct EndpointView {
    service_title: String,
    title: String,
    summary: String,
    description: Option<String>,
    prerequisites: Vec<String>,
    callers: Option<String>,
    authorization: Option<String>,
    capability: Option<String>,
    required_features: Vec<String>,
    method: &'static str,
    path: String,
    uri: String,
    log_name: Option<String>,
    dispatch: Vec<DispatchView>,
    param_groups: Vec<ParamGroup>,
    auth_params: Vec<String>,
    auth_scheme: Option<&'static str>,
    request: Option<BodyView>,
    response: Option<BodyView>,
    payload: Option<String>,
    envelope_fields: Vec<String>,
    events: Vec<EventLink>,
    errors: Vec<ErrorRow>,
    samples: Vec<SampleView>,
    history: Vec<HistoryView>,
    /// Per section of the page (`errors`, `events`, ...) the copy read is cut off in: what
    /// the page does not show. Every section is a key (the templates' undefined values fail).
    not_shown: BTreeMap<&'static str, Option<String>>,
    unconfirmed: Vec<String>,
    source: SourceView,
    usage: Option<String>,
    usage_test: String,
}

#[derive(Debug, Serialize)]
struct DispatchView {
    location: &'static str,
    name: String,
    value: String,
    description: Option<String>,
}

#[derive(Debug, Serialize)]
struct ParamGroup {
    title: &'static str,
    rows: Vec<FieldRow>,
}

#[derive(Debug, Serialize)]
struct BodyView {
    content_type: String,
    description: Option<String>,
    rows: Vec<FieldRow>,
    /// The result is an array (`response.items`): the rows describe one item.
    array: bool,
}

#[derive(Debug, Serialize)]
struct EventLink {
    name: String,
    href: Option<String>,
    channel: Option<String>,
    description: Option<String>,
}

#[derive(Debug, Serialize)]
struct HistoryView {
    date: String,
    change: String,
    change_en: Option<String>,
}

/// The endpoint view; `anchors` are the overview page's.
pub fn endpoint(service: &Service, e: &Endpoint, anchors: &Anchors) -> EndpointView {
    let hrefs: BTreeMap<TypeId, String> = anchors
        .types
        .iter()
        .map(|(id, slug)| (id.clone(), format!("README.md#{slug}")))
        .collect();
    let types = Types {
        named: &service.types,
        hrefs: &hrefs,
    };
    let param_groups = [
        (ParamIn::Path, "Path parameters"),
        (ParamIn::Query, "Query parameters"),
        (ParamIn::Header, "Header parameters"),
    ]
    .into_iter()
    .map(|(location, title)| ParamGroup {
        title,
        rows: e
            .params
            .iter()
            .filter(|p| p.location == location)
            .map(|p| {
                let mut row = fields::row(&p.field, &p.field.name.wire, &types);
                row.from_auth = p.from_auth;
                row.set_by_client = p.is_content_type();
                row.finish()
            })
            .collect(),
    })
    .filter(|g| !g.rows.is_empty())
    .collect();
    let payload = e.payload.clone();
    let body = |b: &crate::model::Body, prefix: &str| BodyView {
        content_type: b.content_type.clone(),
        description: b.description.clone(),
        rows: match &b.items {
            // One item, named `<payload>[]` like an array field's items.
            Some(items) => {
                let mut item = items.clone();
                item.name.wire = format!("{prefix}[]");
                fields::rows(std::slice::from_ref(&item), "", &types)
            }
            None => fields::rows(&b.fields, prefix, &types),
        },
        array: b.items.is_some(),
    };
    let mut view = EndpointView {
        service_title: service.title.clone(),
        title: e.title.clone(),
        summary: e.summary.clone(),
        description: e.description.clone(),
        prerequisites: e.prerequisites.clone(),
        callers: e.callers.clone(),
        authorization: e.authorization.clone(),
        capability: e.capability.clone(),
        required_features: e.required_features.clone(),
        method: e.method.as_str(),
        path: e.path.clone(),
        uri: format!("{}{}", service.base_url.template, e.path),
        log_name: e.log_name.clone(),
        dispatch: e
            .dispatch
            .iter()
            .map(|d| DispatchView {
                location: match d.location {
                    DispatchIn::Query => "query",
                    DispatchIn::Header => "header",
                    DispatchIn::Body => "body",
                },
                name: d.name.clone(),
                value: d.value.clone(),
                description: d.description.clone(),
            })
            .collect(),
        param_groups,
        auth_params: e
            .params
            .iter()
            .filter(|p| p.from_auth)
            .map(|p| p.field.name.wire.clone())
            .collect(),
        auth_scheme: service.auth.schemes.first().map(|s| scheme_names(s).0),
        request: e.request.as_ref().map(|b| body(b, "")),
        response: e
            .response
            .as_ref()
            .map(|b| body(b, payload.as_deref().unwrap_or(""))),
        payload,
        envelope_fields: service
            .envelope
            .fields
            .iter()
            .map(|f| f.name.wire.clone())
            .collect(),
        events: e
            .events
            .iter()
            .map(|id| {
                let ev = service.events.iter().find(|ev| ev.name.wire == id.0);
                EventLink {
                    name: id.0.clone(),
                    href: anchors
                        .events
                        .get(id)
                        .map(|slug| format!("README.md#{slug}")),
                    channel: ev.and_then(|ev| ev.channel.clone()),
                    description: ev.and_then(|ev| ev.description.clone()),
                }
            })
            .collect(),
        errors: error_rows(&e.errors),
        samples: e
            .samples
            .iter()
            .map(|s| samples::sample_view(service, e, s))
            .collect(),
        history: e
            .history
            .iter()
            .map(|h| HistoryView {
                date: h.date.clone(),
                change: h.change.clone(),
                change_en: h.change_en.clone(),
            })
            .collect(),
        not_shown: {
            let mut not_shown: BTreeMap<&'static str, Option<String>> =
                PageSection::ALL.iter().map(|s| (s.key(), None)).collect();
            for (section, text) in e.not_shown_all() {
                not_shown.insert(section.key(), Some(text));
            }
            not_shown
        },
        unconfirmed: e.unconfirmed.clone(),
        source: source(&e.source),
        usage: crate::emit::rust::example_text(service, e),
        usage_test: format!("generated/rust/{}/tests/usage.rs", service.name),
    };
    view.unconfirmed = unconfirmed_items(service, e, &view);
    view
}

/// Everything open about the endpoint on one list: its own notes, then those of the shared types
/// it uses and of its fields (in table order), so a page never says "none recorded" while a
/// type or field it shows is unconfirmed.
fn unconfirmed_items(service: &Service, e: &Endpoint, view: &EndpointView) -> Vec<String> {
    let mut items = e.unconfirmed.clone();
    let mut used: Vec<&TypeId> = Vec::new();
    let fields = e.params.iter().map(|p| &p.field).chain(
        [&e.request, &e.response]
            .into_iter()
            .flatten()
            .flat_map(|b| &b.fields),
    );
    for field in fields {
        collect_types(service, &field.ty, &mut used);
    }
    for named in service
        .types
        .iter()
        .filter(|t| used.iter().any(|u| u.0 == t.name.wire))
    {
        if let Some(note) = &named.unconfirmed {
            items.push(format!(
                "Shared type `{}`: {}",
                named.name.wire,
                note.trim()
            ));
        }
    }
    let rows = view.param_groups.iter().flat_map(|g| &g.rows).chain(
        [&view.request, &view.response]
            .into_iter()
            .flatten()
            .flat_map(|b| &b.rows),
    );
    items.extend(rows.filter_map(FieldRow::unconfirmed_item));
    items
}

/// The shared types `ty` mentions, directly or through other shared types, each once.
fn collect_types<'a>(service: &'a Service, ty: &'a Type, out: &mut Vec<&'a TypeId>) {
    match &ty.kind {
        TypeKind::Named { id, .. } => {
            if out.contains(&id) {
                return;
            }
            out.push(id);
            if let Some(named) = service.types.iter().find(|t| t.name.wire == id.0) {
                collect_types(service, &named.ty, out);
            }
        }
        TypeKind::Object { fields, .. } => {
            for f in fields {
                collect_types(service, &f.ty, out);
            }
        }
        TypeKind::Array { items } => collect_types(service, items, out),
        TypeKind::Map { values } => collect_types(service, values, out),
        _ => {}
    }
}

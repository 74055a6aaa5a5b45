//! The "Receiving events" section of a service overview: the delivery data as the page shows it.

use serde::Serialize;

use super::{LinkView, SourceView, source};
use crate::model::{Delivery, Service};

#[derive(Debug, Serialize)]
pub(super) struct DeliveryView {
    mechanism: &'static str,
    path: Option<String>,
    hold_ms: Option<u64>,
    channels: Vec<ChannelRow>,
    endpoint: Option<LinkView>,
    events_at: Option<String>,
    frame_is_body: bool,
    interval_ms: Option<u64>,
    keeps_session_alive: bool,
    method: Option<String>,
    query: Vec<QueryRow>,
    ack_status: Option<u16>,
    ack_body: Option<String>,
    ack_description: Option<String>,
    source: Option<SourceView>,
    unconfirmed: Vec<String>,
    /// The compiled and run Rust example (the generated crate's doctest of `events`).
    snippet: Option<String>,
}

#[derive(Debug, Serialize)]
struct ChannelRow {
    name: String,
    description: Option<String>,
    events: Vec<String>,
}

#[derive(Debug, Serialize)]
struct QueryRow {
    name: String,
    description: Option<String>,
    description_en: Option<String>,
    value: Option<String>,
    equals_setting: Option<String>,
    required: bool,
    unconfirmed: Option<String>,
}

pub(super) fn delivery_view(service: &Service, delivery: &Delivery) -> DeliveryView {
    let mut view = DeliveryView {
        mechanism: delivery.mechanism(),
        path: None,
        hold_ms: None,
        channels: Vec::new(),
        endpoint: None,
        events_at: None,
        frame_is_body: false,
        interval_ms: None,
        keeps_session_alive: false,
        method: None,
        query: Vec::new(),
        ack_status: None,
        ack_body: None,
        ack_description: None,
        source: delivery.source().map(source),
        unconfirmed: delivery.unconfirmed().to_vec(),
        snippet: crate::emit::rust::events_example(service),
    };
    match delivery {
        Delivery::Bayeux(b) => {
            view.path = Some(b.path.clone());
            view.hold_ms = b.hold_ms;
            view.channels = b
                .channels
                .iter()
                .map(|c| ChannelRow {
                    name: c.name.clone(),
                    description: c.description.clone(),
                    events: c.events.iter().map(|e| e.0.clone()).collect(),
                })
                .collect();
        }
        Delivery::Poll(p) => {
            view.endpoint = service
                .endpoints
                .iter()
                .find(|e| e.id == p.endpoint)
                .map(|e| LinkView {
                    text: e.title.clone(),
                    href: format!("{}.md", e.id.0),
                });
            view.events_at = p.events_at.clone();
            view.frame_is_body = p.frame_is_body;
            view.interval_ms = Some(p.interval_ms);
            view.keeps_session_alive = p.keeps_session_alive;
        }
        Delivery::Push(p) => {
            view.method = Some(p.method.clone());
            view.query = p
                .query
                .iter()
                .map(|q| QueryRow {
                    name: q.name.clone(),
                    description: q.description.clone(),
                    description_en: q.description_en.clone(),
                    value: q.value.clone(),
                    equals_setting: q.equals_setting.as_ref().map(|s| s.wire.clone()),
                    required: q.required,
                    unconfirmed: q.unconfirmed.clone(),
                })
                .collect();
            view.ack_status = Some(p.ack_status);
            view.ack_body = p
                .ack_body
                .as_ref()
                .map(crate::emit::markdown::samples::pretty);
            view.ack_description = p.ack_description.clone();
        }
    }
    view
}

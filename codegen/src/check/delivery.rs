//! Event delivery settings: what they reference exists and the runtime can act on every value.

use super::Cx;
use crate::diag::Problem;
use crate::diag::catalogue::suggest;
use crate::spec::{DeliverySpec, Text};

/// The delivery mechanism of the event envelope, its references and the event catalogue's
/// fit with it (channels, names).
pub fn check_delivery(cx: &mut Cx<'_>) {
    let service = cx.service;
    let spec = &service.spec;
    let file = service.file;
    let Some(envelope) = &spec.event_envelope else {
        return;
    };
    let invalid = |cx: &mut Cx<'_>, at: &Text, message: String, hint: &str| {
        cx.report(
            Problem::Delivery {
                message,
                hint: hint.to_owned(),
            },
            file,
            at.span,
        );
    };
    match &envelope.delivery.value {
        DeliverySpec::Bayeux(b) => {
            if !b.path.value.starts_with('/') || b.path.value.contains(['?', '#', ' ']) {
                invalid(
                    cx,
                    &b.path,
                    format!("`{}` is not a path under the base URL", b.path.value),
                    "write an absolute path without query or fragment, e.g. `/cometd`",
                );
            }
            if b.channels.is_empty() {
                cx.report(
                    Problem::Delivery {
                        message: "no channel to subscribe to".into(),
                        hint: "list the channels under `channels:` (`- name: /some/channel`)"
                            .into(),
                    },
                    file,
                    envelope.delivery.span,
                );
            }
            if let Some(hold) = &b.hold_ms
                && (hold.value == 0 || hold.value > 600_000)
            {
                cx.report(
                    Problem::Delivery {
                        message: format!("a connect hold of {} ms", hold.value),
                        hint: "give a hold between 1 ms and 10 minutes, below the transport's request timeout".into(),
                    },
                    file,
                    hold.span,
                );
            }
            let names: Vec<&str> = b.channels.iter().map(|c| c.name.value.as_str()).collect();
            for channel in &b.channels {
                let c = &channel.name.value;
                if !c.starts_with('/') || c.starts_with("/meta/") || c.contains(['*', ' ']) {
                    invalid(
                        cx,
                        &channel.name,
                        format!("`{c}` is not a channel a client can subscribe to"),
                        "Bayeux channels start with `/`, are not `/meta/...` and have no wildcards",
                    );
                }
            }
            for event in &spec.events {
                if let Some(channel) = &event.channel
                    && !names.contains(&channel.value.as_str())
                {
                    cx.report(
                        Problem::UnknownReference {
                            kind: "subscribed channel",
                            name: channel.value.clone(),
                            suggestion: suggest(&channel.value, names.iter().copied()),
                        },
                        file,
                        channel.span,
                    );
                }
            }
        }
        DeliverySpec::Poll(p) => {
            let ids: Vec<&str> = service
                .endpoints
                .iter()
                .map(|(_, e)| e.id.value.as_str())
                .collect();
            if !ids.contains(&p.endpoint.value.as_str()) {
                cx.report(
                    Problem::UnknownReference {
                        kind: "endpoint",
                        name: p.endpoint.value.clone(),
                        suggestion: suggest(&p.endpoint.value, ids.iter().copied()),
                    },
                    file,
                    p.endpoint.span,
                );
            }
            if p.interval_ms.value == 0 || p.interval_ms.value > 3_600_000 {
                cx.report(
                    Problem::Delivery {
                        message: format!("a pause of {} ms between polls", p.interval_ms.value),
                        hint: "give the documented pause, between 1 ms and one hour".into(),
                    },
                    file,
                    p.interval_ms.span,
                );
            }
            if p.frame
                .as_ref()
                .is_some_and(|f| f.value == crate::spec::PollFrame::Value)
                && p.events_at.is_none()
            {
                cx.report(
                    Problem::Delivery {
                        message: "`frame: value` without `events_at`".into(),
                        hint: "say where the events sit with `events_at`, or use `frame: body`"
                            .into(),
                    },
                    file,
                    p.frame.as_ref().map_or(envelope.delivery.span, |f| f.span),
                );
            }
        }
        DeliverySpec::Push(p) => {
            if p.method.value.is_empty() || !p.method.value.bytes().all(|b| b.is_ascii_uppercase())
            {
                invalid(
                    cx,
                    &p.method,
                    format!("`{}` is not an HTTP method", p.method.value),
                    "write the method in capitals, e.g. `POST`",
                );
            }
            let status = &p.acknowledgement.status;
            if !(200..300).contains(&status.value) {
                cx.report(
                    Problem::Delivery {
                        message: format!(
                            "acknowledgement status {} is not a success",
                            status.value
                        ),
                        hint: "an accepted callback is acknowledged with a 2xx status".into(),
                    },
                    file,
                    status.span,
                );
            }
            for q in &p.query {
                if q.value.is_some() && q.equals_setting.is_some() {
                    cx.report(
                        Problem::NotAllowedHere {
                            key: "equals_setting".into(),
                            reason: "the parameter already has a fixed `value`".into(),
                        },
                        file,
                        q.name.span,
                    );
                }
                if let Some(setting) = &q.equals_setting
                    && !super::names::is_snake(&setting.value)
                {
                    cx.report(
                        Problem::InvalidName {
                            name: setting.value.clone(),
                            rule: "settings are lower snake_case (they become Rust parameters)",
                        },
                        file,
                        setting.span,
                    );
                }
            }
        }
    }
    check_names_or_discriminators(cx);
}

/// Without a name field, frames can only be told apart by discriminators: at most one event
/// may go without, and no two may have the same ones.
fn check_names_or_discriminators(cx: &mut Cx<'_>) {
    let spec = &cx.service.spec;
    let file = cx.service.file;
    if spec
        .event_envelope
        .as_ref()
        .is_none_or(|e| e.name_field.is_some())
    {
        return;
    }
    for (i, event) in spec.events.iter().enumerate() {
        if let Some(other) = spec.events[..i].iter().find(|o| {
            o.discriminators.keys().eq(event.discriminators.keys())
                && o.discriminators
                    .values()
                    .map(|v| &v.value)
                    .eq(event.discriminators.values().map(|v| &v.value))
        }) {
            cx.report(
                Problem::Delivery {
                    message: format!(
                        "events `{}` and `{}` cannot be told apart: frames carry no name and their discriminators are the same",
                        other.name.value, event.name.value
                    ),
                    hint: "give the event envelope a `name_field`, or each event its own `discriminators`".into(),
                },
                file,
                event.name.span,
            );
        }
    }
}

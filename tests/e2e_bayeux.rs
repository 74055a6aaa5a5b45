//! Genesys events end to end through the generated client, against a real Bayeux server: the
//! faye npm package (pinned in package.json, installed by `bash scripts/test`) on 127.0.0.1,
//! mounted where the spec's `bayeux.path` puts it under the base URL, with the GWS call
//! operation served beside it (answered "accepted", the outcome published over CometD after).
//!
//! The documented notifications come from the spec (the pages' samples as written). The
//! runtime's own Bayeux tests (restart, 1,000 in order, lag, drop) are in
//! `runtime/tests/events_bayeux.rs`.

#[path = "../runtime/tests/support/faye.rs"]
#[allow(dead_code)]
mod faye;
mod support;

use std::time::Duration;

use faye::Faye;
use support::vendors::{GWS_PASSWORD, GWS_USER};
use support::{bounded, transport};
use switchboard_codegen::model::{Delivery, Model, Service};
use switchboard_runtime::Secret;
use switchboard_tests::{spec_model as model, spec_service};

use switchboard_genesys_gws as genesys;

fn genesys_spec(model: &Model) -> &Service {
    spec_service(model, "genesys_gws")
}

/// faye mounted at the spec's Bayeux path under the client's base URL path (`/api/v2`).
fn start(service: &Service) -> Option<Faye> {
    let Some(Delivery::Bayeux(bayeux)) = service.event_envelope.as_ref().map(|e| &e.delivery)
    else {
        panic!("the Genesys spec delivers events over Bayeux");
    };
    Faye::start_at(&format!("/api/v2{}", bayeux.path), 5)
}

/// A client of the server with the spec's auth (Basic + cookie + CSRF).
fn client(faye: &Faye) -> genesys::Client {
    let port = faye
        .base_url()
        .rsplit(':')
        .next()
        .expect("a port")
        .to_owned();
    let auth =
        genesys::auth::basic_csrf(GWS_USER, Secret::new(GWS_PASSWORD)).expect("scheme builds");
    genesys::Client::builder()
        .port(port)
        .transport(transport())
        .auth(auth)
        .build()
        .expect("the client builds")
}

async fn next_of(
    events: &mut genesys::events::EventStream,
    names: &[&str],
) -> genesys::events::Event {
    tokio::time::timeout(Duration::from_secs(20), events.next_of(names))
        .await
        .expect("the event within 20 s")
        .expect("the stream is open")
        .expect("it decodes")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remove_a_participant_then_await_participants_updated() {
    bounded(async {
        let model = model();
        let service = genesys_spec(&model);
        let Some(faye) = start(service) else { return };
        let documented = service
            .events
            .iter()
            .find(|e| e.name.wire == "ParticipantsUpdated")
            .and_then(|e| e.sample.clone())
            .expect("the documented ParticipantsUpdated notification");
        let client = client(&faye);

        // The outcome the server will publish once the operation arrives.
        faye.then(
            "RemoveParticipantFromConference",
            documented["channel"].as_str().expect("a channel"),
            documented["data"].clone(),
        )
        .await;

        let mut events = client.events();
        faye.wait_subscribed("/v2/me/calls", 1).await;
        let request = genesys::remove_participant_from_conference::Request::builder()
            .id("01RCC3N118B1V0SL8O7GK2LAES00000O")
            .participant("15001")
            .build()
            .expect("valid");
        client
            .remove_participant_from_conference(request)
            .await
            .expect("the operation is accepted");
        let event = next_of(
            &mut events,
            genesys::remove_participant_from_conference::EVENTS,
        )
        .await;
        let genesys::events::Event::ParticipantsUpdated(update) = &event else {
            panic!("expected ParticipantsUpdated, got {event:?}");
        };
        assert_eq!(
            genesys::events::decode(documented.to_string().as_bytes()).expect("decodes"),
            genesys::events::Event::ParticipantsUpdated(update.clone()),
            "the notification arrived as documented"
        );
        assert_eq!(update.data.notification_type, "ParticipantsUpdated");

        let operations = faye.operations().await;
        assert_eq!(operations.len(), 1);
        assert_eq!(
            operations[0]["body"]["operationName"],
            "RemoveParticipantFromConference"
        );
        // Every Bayeux request carried the session: Basic credentials and the CSRF token.
        let recorded = faye.recorded().await;
        assert!(!recorded.is_empty());
        for message in &recorded {
            assert!(
                message["authorization"]
                    .as_str()
                    .is_some_and(|a| a.starts_with("Basic "))
            );
            assert!(message["csrf"].as_str().is_some(), "{message}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_notification_arrives_typed_on_its_channel() {
    bounded(async {
        let model = model();
        let service = genesys_spec(&model);
        let Some(faye) = start(service) else { return };
        let client = client(&faye);
        let documented: Vec<(String, serde_json::Value)> = service
            .events
            .iter()
            .filter_map(|e| e.sample.clone().map(|s| (e.name.wire.clone(), s)))
            .collect();
        assert!(documented.len() >= 2, "several documented notifications");

        let mut events = client.events();
        faye.wait_subscribed("/v2/me/calls", 1).await;
        faye.wait_subscribed("/v2/me/devices", 1).await;
        for (name, sample) in &documented {
            let channel = sample["channel"]
                .as_str()
                .expect("each sample names its channel");
            faye.publish(channel, sample["data"].clone()).await;
            let event = next_of(&mut events, &[name.as_str()]).await;
            assert_eq!(event.name(), name);
            assert!(
                !matches!(event, genesys::events::Event::Unknown { .. }),
                "{name}"
            );
            assert_eq!(
                event,
                genesys::events::decode(sample.to_string().as_bytes()).expect("decodes")
            );
        }
    })
    .await;
}

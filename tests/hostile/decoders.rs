//! Every decoder of every generated client crate the tests depend on, found by
//! `tests/build.rs` (no hand-kept list): `parse_response` of each endpoint and
//! `events::decode`.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use switchboard_runtime::bytes::Bytes;
use switchboard_runtime::http;

use crate::common::response;

/// An endpoint's `parse_response`, its result formatted.
pub type Parse = fn(http::Response<Bytes>) -> String;

/// One generated client crate's decoders.
pub struct Client {
    /// The service name (`generated/rust/<name>`).
    pub name: &'static str,
    /// Each endpoint's id and its `parse_response`, with the result formatted every way a
    /// user would format it (`Display`, `Debug`, `code()`, serialization).
    pub endpoints: &'static [(&'static str, Parse)],
    /// `events::decode`, formatted, when the crate has events.
    pub events: Option<fn(&[u8]) -> String>,
}

/// Builds a [`Client`] from the list `tests/build.rs` writes.
macro_rules! client {
    ($name:ident, $krate:ident, [$($endpoint:ident),* $(,)?], [$($events:ident)?]) => {
        $crate::decoders::Client {
            name: stringify!($name),
            endpoints: &[$((stringify!($endpoint), |response| {
                match $krate::$endpoint::parse_response(response) {
                    Ok(output) => format!(
                        "{output:?} {}",
                        switchboard_runtime::serde_json::to_string(&output).unwrap_or_default()
                    ),
                    Err(error) => format!(
                        "{error} {error:?} {:?} {}",
                        error.code(),
                        error.is_retryable()
                    ),
                }
            })),*],
            events: client!(@events $krate $($events)?),
        }
    };
    (@events $krate:ident) => { None };
    (@events $krate:ident $events:ident) => {
        Some(|frame: &[u8]| match $krate::$events::decode(frame) {
            Ok(event) => format!("{event:?}"),
            Err(error) => format!("{error} {error:?}"),
        })
    };
}

/// Every generated client crate the tests depend on, with every decoder.
pub static CLIENTS: &[Client] = include!(concat!(env!("OUT_DIR"), "/clients.rs"));

/// Runs every decoder of every client on `body` at statuses 200, 400 and 500 and as an event
/// frame; returns how many decoders ran.
pub fn decode_everywhere(body: &[u8]) -> usize {
    let mut ran = 0;
    for client in CLIENTS {
        for status in [200, 400, 500] {
            for (_, parse) in client.endpoints {
                std::hint::black_box(parse(response(status, body)));
                ran += 1;
            }
        }
        if let Some(decode) = client.events {
            std::hint::black_box(decode(body));
            ran += 1;
        }
    }
    ran
}

//! What a call tells `tracing`.
//!
//! Every [`ClientCore::call`](crate::client::ClientCore::call) runs inside one span named
//! [`CALL_SPAN`] at `DEBUG` level, target `switchboard_runtime::call`, with these fields:
//!
//! | field | value |
//! |---|---|
//! | `service` | the service's machine name |
//! | `endpoint` | the endpoint id |
//! | `method` | the HTTP method |
//! | `path` | the path *template* (the filled path may carry ids) |
//! | `attempt` | the number of the last attempt, from 1 |
//! | `http.status` | the last response's status |
//! | `vendor.code` | the vendor's result code of a failed call |
//! | `vendor.request_id` | the vendor's request id of a failed call |
//! | `elapsed_ms` | the call's duration, retries included |
//!
//! Each retry is a `DEBUG` event in the span (`attempt`, `reason`, `delay_ms`). No field ever
//! holds a URL, a header, a body or a credential: signatures, tickets, session ids and tokens
//! live only in those. With no subscriber, or one that filters `DEBUG` out, a call pays a
//! cached interest check and nothing else.

use tracing::Span;
use tracing::field::Empty;

use crate::client::OperationInfo;

/// The name of the span around every call.
pub const CALL_SPAN: &str = "switchboard.call";

pub(crate) fn call_span(info: &OperationInfo) -> Span {
    tracing::debug_span!(
        target: "switchboard_runtime::call",
        "switchboard.call",
        service = info.service,
        endpoint = info.id,
        method = info.method,
        path = info.path,
        attempt = Empty,
        http.status = Empty,
        vendor.code = Empty,
        vendor.request_id = Empty,
        elapsed_ms = Empty,
    )
}

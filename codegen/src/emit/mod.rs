//! Emitters: pure functions from the model (or, for the JSON Schema, from the format itself)
//! to files. None of them reads YAML or reports user errors.

pub mod markdown;
pub mod openapi;
pub mod rust;
pub mod schema;

use std::collections::BTreeMap;
use std::path::PathBuf;

/// Generated files by path relative to the output folder, in path order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outputs {
    /// Relative path → contents.
    pub files: BTreeMap<PathBuf, Vec<u8>>,
}

impl Outputs {
    /// Adds a file.
    pub fn add(&mut self, path: impl Into<PathBuf>, contents: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), contents.into());
    }
}

/// The one meaning of a spec `pattern` in every output: it matches the whole value. The client
/// anchors the same way at run time (`switchboard_runtime::validate::anchored`), and JSON Schema's
/// `pattern` is unanchored, so the documents carry the anchored form rather than the spec's text.
pub fn anchored_pattern(pattern: &str) -> String {
    format!("^(?:{pattern})$")
}

/// Whether an event's discriminators are its own (it has some, and no other event has the same):
/// then a frame without the envelope's name field decodes as this event. The Rust decoder and
/// the OpenAPI webhook examples follow this one rule.
pub fn has_own_discriminators(
    service: &crate::model::Service,
    event: &crate::model::Event,
) -> bool {
    !event.discriminators.is_empty()
        && service
            .events
            .iter()
            .filter(|e| e.discriminators == event.discriminators)
            .count()
            == 1
}

/// What every output says about how events arrive: one sentence per fact of the delivery data,
/// then the vendor's own words. Markdown (CommonMark), shared by the three emitters.
pub fn delivery_summary(delivery: &crate::model::Delivery, words: Option<&str>) -> String {
    use crate::model::Delivery;
    let mut out = match delivery {
        Delivery::Bayeux(b) => {
            let channels: Vec<String> =
                b.channels.iter().map(|c| format!("`{}`", c.name)).collect();
            format!(
                "Delivery: Bayeux (CometD) long polling at `{}` under the base URL, with the \
                 service's authentication; the client subscribes to {}.",
                b.path,
                channels.join(", ")
            )
        }
        Delivery::Poll(p) => {
            let at = match (&p.events_at, p.frame_is_body) {
                (None, _) => "the whole response body is one event".to_owned(),
                (Some(path), true) => {
                    format!(
                        "an answer carries an event when `{path}` is present; the whole body is its frame"
                    )
                }
                (Some(path), false) => {
                    format!("the event (or array of events) sits at `{path}` in the response body")
                }
            };
            let alive = if p.keeps_session_alive {
                " Polling also keeps the session alive: stopping it ends the session."
            } else {
                ""
            };
            format!(
                "Delivery: polling the `{}` endpoint, {} ms after each answer; {at}.{alive}",
                p.endpoint.0, p.interval_ms
            )
        }
        Delivery::Push(p) => {
            let query: Vec<String> = p.query.iter().map(|q| format!("`{}`", q.name)).collect();
            let mut s = format!(
                "Delivery: the vendor sends `{}` requests (callbacks) to the application's URL",
                p.method
            );
            if !query.is_empty() {
                s.push_str(&format!(
                    ", adding the query parameters {}",
                    query.join(", ")
                ));
            }
            s.push_str(&format!(
                "; the application answers HTTP {} to an accepted callback.",
                p.ack_status
            ));
            s
        }
    };
    if let Some(words) = words {
        out.push_str("\n\n");
        out.push_str(words.trim());
    }
    out
}

/// End (exclusive, in chars) of the inline code span whose opening backtick run starts at
/// `start`: the next run of exactly as many backticks. `None` when the run is never closed
/// (then it is literal text, and each emitter escapes it its own way).
pub(crate) fn code_span_end(chars: &[char], start: usize) -> Option<usize> {
    let run = chars[start..].iter().take_while(|c| **c == '`').count();
    let mut i = start + run;
    while i < chars.len() {
        if chars[i] == '`' {
            let n = chars[i..].iter().take_while(|c| **c == '`').count();
            if n == run {
                return Some(i + n);
            }
            i += n;
        } else {
            i += 1;
        }
    }
    None
}

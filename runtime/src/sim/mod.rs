//! A simulated vendor server built from a service's spec data (cargo feature `simulator`).
//!
//! Generated crates expose it through their `testing` feature: `testing::simulator()` starts it
//! on 127.0.0.1 with a random port, and the generated `Client` is pointed at
//! [`Simulator::base_url`]. It checks auth the way the spec's scheme documents it, checks every
//! request against the documented constraints, answers each endpoint's documented success
//! sample, and can be scripted per endpoint (a documented error, a delay, a dropped connection,
//! a custom body), by endpoint id or by the endpoint's generated types
//! ([`Simulator::endpoint`]: an error named by its `Error` variant). Every request it receives
//! is kept for assertions, as it arrived and decoded into the endpoint's `Request`
//! ([`Simulator::received`]). The failures every endpoint shares are answered with the codes
//! the spec's `error_roles` name.

mod auth;
mod check;
mod data;
mod events;
mod reply;
mod typed;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use serde_json::Value;

pub use auth::Credentials;
pub use data::ServiceData;
pub use typed::EndpointScript;

/// A request the simulator received, as it arrived.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Received {
    /// The endpoint it was routed to (`None`: no endpoint matched).
    pub endpoint: Option<String>,
    /// HTTP method.
    pub method: String,
    /// Path, percent-encoded as sent.
    pub path: String,
    /// Decoded query pairs in order.
    pub query: Vec<(String, String)>,
    /// Headers (lower-case names) in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Bytes,
}

impl Received {
    /// The first value of a header (name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first value of a query parameter.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A cookie the request carries.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n == "cookie")
            .flat_map(|(_, v)| v.split(';'))
            .filter_map(|c| c.trim().split_once('='))
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }

    /// The body as JSON, when it is.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The body as form pairs (empty unless it is a form).
    pub fn form(&self) -> Vec<(String, String)> {
        let form = self
            .header("content-type")
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
        if form {
            crate::query::parse(&String::from_utf8_lossy(&self.body))
        } else {
            Vec::new()
        }
    }
}

/// What an endpoint answers next, instead of its documented success sample.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Script {
    /// A documented error code, in the vendor's envelope and with its documented HTTP status.
    Error(String),
    /// Wait, then answer as usual.
    Delay(Duration),
    /// Send the status line and headers, then cut the connection before the body.
    Drop,
    /// This status and JSON body.
    Body(u16, Value),
}

/// The codes the simulator answers for failures every endpoint shares. Unset, each comes from
/// the spec's `error_roles`; a spec without that key falls back to the simulator's own rule (see
/// the assumptions in the vendor docs' "Testing your code" section).
#[derive(Clone, Debug, Default)]
pub struct Failures {
    /// Answered when a request breaks a documented constraint; default: the spec's
    /// `invalid_parameter` role, else the first service-level code documented with HTTP 400,
    /// else the first service-level code.
    pub bad_parameter: Option<String>,
    /// Answered when a required parameter is missing; default: the spec's `missing_parameter`
    /// role, else the bad-parameter code.
    pub missing_parameter: Option<String>,
    /// Answered when a credential is wrong; default: the spec's `unauthenticated` role, else
    /// the first service-level code documented with HTTP 401 or 403, else the bad-parameter code.
    pub auth_failure: Option<String>,
}

/// CometD's default `timeout` advice: how long a server holds a long poll.
const DEFAULT_BAYEUX_HOLD_MS: u64 = 30_000;

/// Configures a [`Simulator`] before it starts.
#[derive(Debug)]
pub struct SimulatorBuilder {
    data: ServiceData,
    credentials: Credentials,
    failures: Failures,
    port: u16,
}

impl SimulatorBuilder {
    /// A simulator of the service the generator described in `data` (its JSON document).
    pub fn new(data: &str) -> Result<SimulatorBuilder, serde_json::Error> {
        Ok(SimulatorBuilder {
            data: ServiceData::parse(data)?,
            credentials: Credentials::default(),
            failures: Failures::default(),
            port: 0,
        })
    }

    /// The credentials it accepts.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// The code answered for a request that breaks a documented constraint.
    pub fn bad_parameter_code(mut self, code: impl Into<String>) -> Self {
        self.failures.bad_parameter = Some(code.into());
        self
    }

    /// The code answered for a request lacking a required parameter.
    pub fn missing_parameter_code(mut self, code: impl Into<String>) -> Self {
        self.failures.missing_parameter = Some(code.into());
        self
    }

    /// The code answered for a wrong credential.
    pub fn auth_failure_code(mut self, code: impl Into<String>) -> Self {
        self.failures.auth_failure = Some(code.into());
        self
    }

    /// Accept every request without checking credentials, for clients that cannot sign (a
    /// request built from the OpenAPI document alone, as `scripts/check-agreement --simulator`
    /// sends); sessions are then neither required nor issued.
    pub fn without_auth(mut self) -> Self {
        self.data.auth = None;
        self
    }

    /// Listen on this port of 127.0.0.1 (default: a random free one).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Binds and starts serving on the current tokio runtime; the server stops when the
    /// [`Simulator`] is dropped.
    pub async fn start(self) -> std::io::Result<Simulator> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port)).await?;
        let addr = listener.local_addr()?;
        let failures = reply::resolve_failures(&self.data, self.failures);
        let mut inner = Inner::default();
        if let Some(data::DeliveryData::Bayeux { hold_ms, .. }) = &self.data.delivery {
            // An empty connect is held like a real server holds it: the documented hold, else
            // CometD's default long-poll timeout (the simulator's assumption).
            let hold = Duration::from_millis(hold_ms.unwrap_or(DEFAULT_BAYEUX_HOLD_MS));
            inner.hub.bayeux = Arc::new(crate::events::MemoryBayeux::holding(hold));
        }
        let state = Arc::new(State {
            data: self.data,
            credentials: self.credentials,
            failures,
            inner: Mutex::new(inner),
        });
        let app = axum::Router::new()
            .fallback(reply::handle)
            .with_state(Arc::clone(&state));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Simulator {
            addr,
            state,
            _stop: stop,
        })
    }
}

/// A running simulated server.
#[derive(Debug)]
pub struct Simulator {
    addr: SocketAddr,
    state: Arc<State>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Simulator {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL to give the client (`http://127.0.0.1:<port><base path>`).
    pub fn base_url(&self) -> String {
        format!("http://{}{}", self.addr, self.state.data.base_path)
    }

    /// The next call of `endpoint` (an endpoint id) answers as scripted; scripts queue up in
    /// order, and an endpoint without one answers its documented success sample.
    pub fn script(&self, endpoint: &str, script: Script) {
        self.state
            .lock()
            .scripts
            .entry(endpoint.to_owned())
            .or_default()
            .push(script);
    }

    /// The next call of `endpoint` answers this documented error code. Panics when the code is
    /// not documented for the endpoint or the service: a test should not invent codes.
    pub fn fail_with(&self, endpoint: &str, code: &str) {
        assert!(
            self.state.data.find_error(endpoint, code).is_some(),
            "{code} is not a documented error of {endpoint}"
        );
        self.script(endpoint, Script::Error(code.to_owned()));
    }

    /// The next call of `endpoint` answers success with this output (a generated `Output`, or
    /// any value serializing to its wire form) in the service's success envelope.
    pub fn answer_with(&self, endpoint: &str, output: &impl serde::Serialize) {
        let data = &self.state.data;
        let output = serde_json::to_value(output).expect("an output serializes to JSON");
        let payload = data
            .endpoints
            .iter()
            .find(|e| e.id == endpoint)
            .and_then(|e| e.payload.clone())
            .or_else(|| data.envelope.payload_field.clone());
        let mut body = reply::success_envelope(data);
        match (payload, output) {
            (Some(at), output) => reply::set_path(&mut body, &at, output),
            (None, serde_json::Value::Object(fields)) => {
                if let serde_json::Value::Object(map) = &mut body {
                    map.extend(fields);
                }
            }
            (None, other) => body = other,
        }
        self.script(endpoint, Script::Body(200, body));
    }

    /// The session-header scheme renews its value on the next call of an issuing endpoint (a
    /// poll), as a server with rotating sessions does.
    pub fn rotate_session(&self) {
        self.state.lock().sessions.rotate = true;
    }

    /// Puts an event frame on the service's delivery channel (Bayeux message, next poll answer,
    /// or callback), as the server would when something happens.
    pub async fn push_event(&self, frame: Value) {
        let callbacks = self.state.lock().hub.emit(&self.state.data, vec![frame]);
        for callback in callbacks {
            callback.send().await;
        }
    }

    /// Puts the documented frame of the event named `name` on the delivery channel. Panics when
    /// the spec documents no frame for it.
    pub async fn push_documented_event(&self, name: &str) {
        let frame = self
            .state
            .data
            .event_frame(name)
            .unwrap_or_else(|| panic!("no documented frame for the event {name}"));
        self.push_event(frame).await;
    }

    /// Where callbacks go (push delivery), e.g. the test's own server.
    pub fn callback_url(&self, url: impl Into<String>) {
        self.state.lock().hub.callback_url = Some(url.into());
    }

    /// An application setting callbacks carry (`equals_setting` of the push delivery).
    pub fn setting(&self, name: impl Into<String>, value: impl Into<String>) {
        self.state
            .lock()
            .hub
            .settings
            .insert(name.into(), value.into());
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Received> {
        self.state.lock().received.clone()
    }

    /// The requests routed to `endpoint`, in order.
    pub fn requests_to(&self, endpoint: &str) -> Vec<Received> {
        self.requests()
            .into_iter()
            .filter(|r| r.endpoint.as_deref() == Some(endpoint))
            .collect()
    }
}

#[derive(Debug)]
struct State {
    data: ServiceData,
    credentials: Credentials,
    failures: Failures,
    inner: Mutex<Inner>,
}

impl State {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panicking test thread must not hide the requests from the next assertion.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[derive(Default)]
struct Inner {
    received: Vec<Received>,
    scripts: HashMap<String, Vec<Script>>,
    sessions: auth::Sessions,
    hub: events::Hub,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inner")
            .field("received", &self.received.len())
            .finish_non_exhaustive()
    }
}

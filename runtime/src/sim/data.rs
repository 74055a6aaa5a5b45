//! The simulator's input: what the generator emits from a spec (a JSON document per service),
//! read once when a simulator starts.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

/// One service as the simulator serves it.
#[derive(Clone, Debug, Deserialize)]
pub struct ServiceData {
    /// The path the base URL puts before every endpoint's own (`/agentgateway`), or empty.
    #[serde(default)]
    pub base_path: String,
    /// Where the result code, message and request id live.
    pub envelope: EnvelopeData,
    /// The auth scheme the simulator enforces (the spec's default scheme), if any.
    #[serde(default)]
    pub auth: Option<Value>,
    /// Error codes every endpoint can answer.
    #[serde(default)]
    pub errors: Vec<ErrorData>,
    /// The endpoints, in spec order.
    pub endpoints: Vec<EndpointData>,
}

/// The response envelope.
#[derive(Clone, Debug, Deserialize)]
pub struct EnvelopeData {
    /// Dotted path of the result code.
    pub code_field: Option<String>,
    /// Its success value (a JSON string or number: errors are written with the same type).
    pub success: Option<Value>,
    /// Dotted path of the message.
    pub message_field: Option<String>,
    /// Dotted path of the request id.
    pub request_id_field: Option<String>,
    /// Whether errors carry their HTTP status.
    #[serde(default)]
    pub http_status_errors: bool,
}

/// A documented error code.
#[derive(Clone, Debug, Deserialize)]
pub struct ErrorData {
    /// The code as text.
    pub code: String,
    /// The documented HTTP status.
    pub http_status: Option<u16>,
    /// The documented message.
    pub message: Option<String>,
    /// The documented meaning.
    pub meaning: Option<String>,
}

/// One endpoint.
#[derive(Clone, Debug, Deserialize)]
pub struct EndpointData {
    /// The endpoint's id.
    pub id: String,
    /// HTTP method.
    pub method: String,
    /// Path template under the base URL (`/resource/agentconf/{agentid}/...`).
    pub path: String,
    /// Constant values that tell endpoints sharing a path apart.
    #[serde(default)]
    pub dispatch: Vec<DispatchData>,
    /// Path, query and header parameters with their constraints.
    #[serde(default)]
    pub params: Vec<RuleData>,
    /// Top-level request body fields with their constraints.
    #[serde(default)]
    pub body: Vec<RuleData>,
    /// The endpoint's own documented error codes.
    #[serde(default)]
    pub errors: Vec<ErrorData>,
    /// Names of the events it triggers.
    #[serde(default)]
    pub events: Vec<String>,
    /// Documented samples.
    #[serde(default)]
    pub samples: Vec<SampleData>,
}

/// A constant dispatch value.
#[derive(Clone, Debug, Deserialize)]
pub struct DispatchData {
    /// Wire name.
    pub name: String,
    /// Value.
    pub value: String,
}

/// One constrained value of a request.
#[derive(Clone, Debug, Deserialize)]
pub struct RuleData {
    /// `path`, `query`, `header` or `body`.
    pub location: String,
    /// Wire name.
    pub name: String,
    /// Must be present.
    #[serde(default)]
    pub required: bool,
    /// Filled by the auth scheme, not by the caller.
    #[serde(default)]
    pub from_auth: bool,
    /// `string`, `integer`, `number`, `boolean`, `array`, `object`, ...
    pub kind: String,
    /// Inclusive numeric range.
    pub min: Option<f64>,
    /// Inclusive numeric range.
    pub max: Option<f64>,
    /// Inclusive length range (characters, or items of an array).
    pub min_length: Option<f64>,
    /// Inclusive length range.
    pub max_length: Option<f64>,
    /// Whole-value pattern.
    pub pattern: Option<String>,
}

/// A documented sample exchange.
#[derive(Clone, Debug, Deserialize)]
pub struct SampleData {
    /// The sample's name.
    pub name: String,
    /// Response status.
    pub status: u16,
    /// Response headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Response body.
    pub body: Option<Value>,
    /// Whether the documented answer is an error.
    #[serde(default)]
    pub error: bool,
    /// Documented notifications (event payloads).
    #[serde(default)]
    pub events: Vec<Value>,
}

impl ServiceData {
    /// Reads the generator's document.
    pub fn parse(json: &str) -> Result<ServiceData, serde_json::Error> {
        serde_json::from_str(json)
    }
}

impl EndpointData {
    /// The first documented success sample: the default answer.
    pub fn success_sample(&self) -> Option<&SampleData> {
        self.samples
            .iter()
            .find(|s| !s.error && (200..300).contains(&s.status))
    }
}

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
    /// Which of those codes the spec names for a bad parameter or credential.
    #[serde(default)]
    pub error_roles: ErrorRolesData,
    /// How events reach the application.
    #[serde(default)]
    pub delivery: Option<DeliveryData>,
    /// The service's events with a documented sample frame.
    #[serde(default)]
    pub events: Vec<EventData>,
    /// The endpoints, in spec order.
    pub endpoints: Vec<EndpointData>,
}

/// The event delivery mechanism.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryData {
    /// A Bayeux (CometD) server at `path` under the base URL.
    Bayeux {
        /// Path under the base URL.
        path: String,
        /// How long the server holds a `/meta/connect` with nothing to deliver, as documented.
        #[serde(default)]
        hold_ms: Option<u64>,
    },
    /// Events in the answers of an endpoint the client calls again and again.
    Poll {
        /// The polled endpoint.
        endpoint: String,
        /// Dotted path of the event in the answer.
        events_at: Option<String>,
        /// Whether the frame is the whole answer.
        #[serde(default)]
        frame_is_body: bool,
    },
    /// Callbacks the server sends to the application.
    Push {
        /// HTTP method.
        method: String,
        /// Query parameters every callback carries.
        #[serde(default)]
        query: Vec<PushQueryData>,
    },
}

/// A query parameter of callbacks.
#[derive(Clone, Debug, Deserialize)]
pub struct PushQueryData {
    /// Wire name.
    pub name: String,
    /// Fixed value.
    pub value: Option<String>,
    /// The application setting it carries.
    pub equals_setting: Option<String>,
}

/// An event and its documented frame.
#[derive(Clone, Debug, Deserialize)]
pub struct EventData {
    /// The vendor's name.
    pub name: String,
    /// Its channel (Bayeux).
    pub channel: Option<String>,
    /// The documented frame.
    pub sample: Value,
}

/// The response envelope.
#[derive(Clone, Debug, Deserialize)]
pub struct EnvelopeData {
    /// Dotted path of the payload (`None`: the whole body).
    #[serde(default)]
    pub payload_field: Option<String>,
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

/// The spec's `error_roles`: documented codes for failures every endpoint shares.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ErrorRolesData {
    /// A request breaking a documented constraint.
    pub invalid_parameter: Option<String>,
    /// A request lacking a required parameter.
    pub missing_parameter: Option<String>,
    /// A wrong or missing credential.
    pub unauthenticated: Option<String>,
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
    /// Where this endpoint's result lives, when it differs from the envelope's payload field.
    #[serde(default)]
    pub payload: Option<String>,
    /// Constant values that tell endpoints sharing a path apart.
    #[serde(default)]
    pub dispatch: Vec<DispatchData>,
    /// Path, query and header parameters with their constraints.
    #[serde(default)]
    pub params: Vec<RuleData>,
    /// Request body fields with their constraints (nested ones inside).
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

/// One constrained value of a request, with the values nested in it.
#[derive(Clone, Debug, Deserialize)]
pub struct RuleData {
    /// `path`, `query`, `header` or `body` (empty for array items and map values).
    #[serde(default)]
    pub location: String,
    /// Wire name (empty for array items and map values).
    #[serde(default)]
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
    /// An object's fields.
    #[serde(default)]
    pub fields: Vec<RuleData>,
    /// An array's items.
    #[serde(default)]
    pub items: Option<Box<RuleData>>,
    /// A map's values.
    #[serde(default)]
    pub values: Option<Box<RuleData>>,
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

impl ServiceData {
    /// The frames an endpoint's success triggers: the events its first success sample
    /// documents, else the documented frames of the events it names.
    pub fn triggered(&self, endpoint: &EndpointData) -> Vec<Value> {
        if let Some(sample) = endpoint.success_sample()
            && !sample.events.is_empty()
        {
            return sample.events.clone();
        }
        endpoint
            .events
            .iter()
            .filter_map(|name| self.event_frame(name))
            .collect()
    }

    /// The documented frame of an event, with its channel when it has one.
    pub fn event_frame(&self, name: &str) -> Option<Value> {
        let event = self.events.iter().find(|e| e.name == name)?;
        let mut frame = event.sample.clone();
        if let (Some(channel), Value::Object(map)) = (&event.channel, &mut frame) {
            map.entry("channel")
                .or_insert_with(|| Value::from(channel.as_str()));
        }
        Some(frame)
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

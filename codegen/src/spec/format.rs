//! The spec format: what a maintainer writes. Field docs become the JSON Schema's descriptions.
//!
//! The spec keeps the vendor's spelling everywhere; Rust names are made later, in lowering.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::decode::Sp;
use super::inferred::{EnvelopeInferredSpec, FieldInferredSpec, SampleInferredSpec};
use super::page::{FieldDocSpec, PageSpec, Required};
use super::shared::{EndpointDefaultsSpec, ShapeSpec};

/// Located string.
pub type Text = Sp<String>;

/// A vendor API: `specs/<vendor>/service.yaml`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    /// Machine name of the API, lower snake_case; names the generated crate
    /// (`switchboard-<name>` with `-` for `_`) and the OpenAPI and docs files.
    pub name: Text,
    /// Human title, e.g. "Acme Contact Center agent gateway".
    pub title: Text,
    /// The vendor, as it writes its own name.
    pub vendor: Text,
    /// The API version the specs describe, e.g. `2020-07-01` or `v2`.
    pub api_version: Text,
    /// One paragraph on what the API is.
    pub description: Option<Text>,
    /// Pages the service-level facts come from.
    #[serde(default)]
    pub sources: Vec<SourceSpec>,
    /// Where requests go.
    pub base_url: BaseUrlSpec,
    /// How requests are authenticated.
    pub auth: AuthSpec,
    /// Where the result code, message, request id and payload live in every response.
    pub envelope: EnvelopeSpec,
    /// Error codes every endpoint of the API can return.
    #[serde(default)]
    pub errors: Vec<ErrorSpec>,
    /// Which of `errors` answer a bad parameter and a bad credential.
    pub error_roles: Option<super::inferred::ErrorRolesSpec>,
    /// How pushed or polled events are framed.
    pub event_envelope: Option<EventEnvelopeSpec>,
    /// Events the API delivers.
    #[serde(default)]
    pub events: Vec<EventSpec>,
    /// Named types shared by endpoints and events.
    #[serde(default)]
    pub types: Vec<FieldSpec>,
    /// Facts no public page confirms: written down as unknown, never guessed.
    #[serde(default)]
    pub unconfirmed: Vec<Text>,

    // Said once, used by many endpoints (see `shared.rs`; resolved when loading).
    /// Named parameters endpoints reference with `- use: <name>` (each needs `name`, `in`, `type`).
    #[serde(default)]
    pub params: Vec<FieldSpec>,
    /// Error codes defined once (status, message, meaning) and referenced by code from endpoints;
    /// unlike `errors`, an endpoint returns one only where it lists it.
    #[serde(default)]
    pub error_catalogue: Vec<ErrorSpec>,
    /// What every endpoint inherits unless it overrides or opts out (`without_defaults`).
    pub endpoint_defaults: Option<EndpointDefaultsSpec>,
    /// Named field lists that request and response bodies reuse with `type: <name>`. Unlike
    /// `types`, a shape is no type of the generated code: each body of a shape gets its own
    /// struct, exactly as if the fields were written in it.
    #[serde(default)]
    pub shapes: Vec<ShapeSpec>,
    /// Named JSON mappings a documented sample writes in with `$use: <name>` (a response
    /// envelope, a notification's call object): the part's keys in its order, keys written
    /// beside `$use` in the part key's place or after.
    #[serde(default)]
    pub sample_parts: BTreeMap<String, Sp<Json>>,
}

/// A documentation page a fact was taken from.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceSpec {
    /// The page's address (`https://...`).
    pub url: Text,
    /// The page's title.
    pub title: Option<Text>,
    /// What this page contributed, when it is not the whole spec.
    pub note: Option<Text>,
}

/// The base URL template, e.g. `https://{ip}:{port}/gateway`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BaseUrlSpec {
    /// RFC 6570 level-1 template; every `{name}` is a variable below.
    pub template: Text,
    /// What the base URL is, in the vendor's words.
    pub description: Option<Text>,
    /// The template's variables, in order.
    #[serde(default)]
    pub variables: Vec<VariableSpec>,
}

/// A base URL variable.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VariableSpec {
    /// The placeholder's name.
    pub name: Text,
    /// What it stands for.
    pub description: Option<Text>,
    /// The value used when the caller gives none.
    pub default: Option<Text>,
    /// The only values allowed (regional hosts, say), with what each means.
    #[serde(default)]
    pub values: Vec<EnumValueSpec>,
    /// An example value.
    pub example: Option<Text>,
}

/// How the API authenticates. `schemes` lists the mechanisms the API accepts, the default first.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthSpec {
    /// How a user obtains credentials, in the vendor's words.
    pub description: Option<Text>,
    /// The mechanisms, default first. Each is a single-key mapping naming the mechanism.
    pub schemes: Vec<Sp<AuthScheme>>,
}

/// An authentication mechanism of the runtime, with its parameters.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuthScheme {
    /// No authentication.
    None,
    /// A session value captured from a response header and sent back as a request header on
    /// every later call (refreshed whenever a response carries a new one).
    SessionHeader(SessionHeaderSpec),
    /// HTTP Basic credentials, a cookie session and a CSRF token read from response headers.
    BasicCsrf(BasicCsrfSpec),
    /// Identity and an HMAC-SHA256 signed, zlib-compressed ticket in the query string
    /// (TLS signature version 2).
    TlsSigQuery(TlsSigQuerySpec),
    /// Canonical-request signing with HMAC-SHA256 in an `Authorization` header
    /// (version 3 signatures of RPC-style APIs).
    SignedHeadersHmacSha256(SignedHeadersSpec),
    /// Signature over the sorted query string with HMAC-SHA1 (RPC signature version 1.0).
    SignedQueryHmacSha1(SignedQuerySpec),
}

/// Settings of `session_header`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionHeaderSpec {
    /// Response header that carries the session value (e.g. `Set-GUID`).
    pub capture_header: Text,
    /// Prefix to strip from the captured value (e.g. `JSESSIONID=`).
    pub value_prefix: Option<Text>,
    /// Request header to send the value in (e.g. `Guid`).
    pub send_header: Text,
    /// Endpoint ids whose responses establish or refresh the session.
    #[serde(default)]
    pub issued_by: Vec<Text>,
    /// How the session is issued and renewed, in the vendor's words.
    pub description: Option<Text>,
}

/// Settings of `basic_csrf`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BasicCsrfSpec {
    /// Response header naming the header the token is sent in (e.g. `X-CSRF-HEADER`).
    pub csrf_header_name_header: Text,
    /// Response header carrying the token (e.g. `X-CSRF-TOKEN`).
    pub csrf_token_header: Text,
    /// Path (under the base URL) to GET when a token is needed.
    pub csrf_refresh_path: Text,
    /// HTTP status of a missing or stale token.
    pub csrf_failure_status: Sp<u16>,
    /// Body text of a missing or stale token.
    pub csrf_failure_text: Option<Text>,
    /// The session cookie the server sets (e.g. `JSESSIONID`).
    pub session_cookie: Option<Text>,
    /// In the vendor's words.
    pub description: Option<Text>,
}

/// Settings of `tls_sig_query`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TlsSigQuerySpec {
    /// Query parameter carrying the application id.
    pub app_id_param: Text,
    /// Query parameter carrying the administrator identity.
    pub identifier_param: Text,
    /// Query parameter carrying the signed ticket.
    pub signature_param: Text,
    /// Query parameter carrying a fresh random 32-bit unsigned value per request.
    pub random_param: Text,
    /// Fixed query parameters (e.g. `contenttype: json`).
    #[serde(default)]
    pub fixed_params: BTreeMap<String, Text>,
    /// Ticket lifetime in seconds when the caller gives none.
    pub default_expire_seconds: Option<Sp<u64>>,
    /// In the vendor's words.
    pub description: Option<Text>,
}

/// Settings of `signed_headers_hmac_sha256`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignedHeadersSpec {
    /// The `Authorization` algorithm word the vendor names its scheme with.
    pub algorithm: Text,
    /// Prefix of the signed vendor headers (e.g. `x-acs-`).
    pub header_prefix: Text,
    /// Query dispatch parameter holding the action name (e.g. `Action`).
    pub action_param: Text,
    /// Query dispatch parameter holding the API version (e.g. `Version`).
    pub version_param: Text,
    /// In the vendor's words.
    pub description: Option<Text>,
}

/// Settings of `signed_query_hmac_sha1`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignedQuerySpec {
    /// `SignatureVersion` value (e.g. `1.0`).
    pub signature_version: Text,
    /// `Format` value sent with every request (e.g. `JSON`).
    pub format: Option<Text>,
    /// Query dispatch parameter holding the action name (e.g. `Action`).
    pub action_param: Text,
    /// Query dispatch parameter holding the API version (e.g. `Version`).
    pub version_param: Text,
    /// In the vendor's words.
    pub description: Option<Text>,
}

/// Where the outcome of a call lives in the response body.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvelopeSpec {
    /// The result code field and its success value.
    pub code: Option<CodeFieldSpec>,
    /// Field holding the error message.
    pub message: Option<Text>,
    /// Field holding the request id.
    pub request_id: Option<Text>,
    /// Field holding the endpoint's own result; without it, endpoint response fields sit beside
    /// the envelope fields at the top level.
    pub payload: Option<Text>,
    /// Whether a non-2xx HTTP status carries a business error (true) or only network trouble.
    pub http_status_errors: Sp<bool>,
    /// The envelope's own fields, as documented.
    #[serde(default)]
    pub fields: Vec<FieldSpec>,
    /// In the vendor's words.
    pub description: Option<Text>,
    /// Which of these values no source states, and where each comes from.
    pub inferred: Option<EnvelopeInferredSpec>,
}

/// The result code field.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeFieldSpec {
    /// Name of the field.
    pub field: Text,
    /// The value that means success (a string or an integer, as the field's type).
    pub success: Sp<CodeValue>,
}

/// An error code: a string (`"000-002"`, `"NotExists.JobId"`) or an integer (`141005`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, JsonSchema, serde::Serialize)]
#[serde(untagged)]
pub enum CodeValue {
    /// A string code.
    Str(String),
    /// An integer code.
    Int(i64),
}

impl<'de> Deserialize<'de> for CodeValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = CodeValue;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string or an integer")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<CodeValue, E> {
                Ok(CodeValue::Str(v.to_owned()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<CodeValue, E> {
                Ok(CodeValue::Int(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<CodeValue, E> {
                i64::try_from(v)
                    .map(CodeValue::Int)
                    .map_err(|_| E::custom("error code too large"))
            }
        }
        d.deserialize_any(V)
    }
}

impl std::fmt::Display for CodeValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CodeValue::Str(s) => f.write_str(s),
            CodeValue::Int(i) => write!(f, "{i}"),
        }
    }
}

/// An error code. In an endpoint, a code already in the service's `errors` needs only `code`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorSpec {
    /// The vendor's code.
    pub code: Sp<CodeValue>,
    /// HTTP status the vendor sends with it, where it uses HTTP statuses.
    pub http_status: Option<Sp<u16>>,
    /// The message, as the vendor writes it (a template: `%s` marks a substituted value).
    pub message: Option<Text>,
    /// What it means, in the vendor's words.
    pub meaning: Option<Text>,
    /// An English rendering of `meaning`, when that is not English.
    pub meaning_en: Option<Text>,
    /// Whether repeating the same call may succeed.
    pub retryable: Option<Sp<bool>>,
    /// The Rust variant name (UpperCamelCase), where the code says nothing by itself
    /// (`101-007` → `ChairCannotLeave`); the code stays its `#[doc(alias)]`. Given where the code
    /// is defined; an endpoint entry inherits it.
    pub rust_name: Option<Text>,
}

/// How events are framed.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventEnvelopeSpec {
    /// The mechanism that brings events to the application: a single-key mapping naming it
    /// (`bayeux`, `poll` or `push`) with its settings.
    pub delivery: Sp<DeliverySpec>,
    /// How events reach the client, in the vendor's words.
    pub description: Option<Text>,
    /// Dotted path of the field naming the event (e.g. `event.eventType`); absent when frames
    /// carry no name (each event is then told apart by its discriminators, or is the only one).
    pub name_field: Option<Text>,
    /// Dotted path of the event's own content (e.g. `event.content`); absent = the whole body.
    pub payload_field: Option<Text>,
    /// The frame's own documented fields.
    #[serde(default)]
    pub fields: Vec<FieldSpec>,
}

/// How events reach the application; each mechanism is implemented once in the runtime.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliverySpec {
    /// The client long-polls a Bayeux (CometD) server: handshake, subscribe, `/meta/connect`.
    Bayeux(BayeuxSpec),
    /// The client calls one of the API's endpoints again and again.
    Poll(PollSpec),
    /// The vendor sends HTTP requests (callbacks) to the application.
    Push(PushSpec),
}

/// Settings of `bayeux` delivery.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BayeuxSpec {
    /// Path of the Bayeux endpoint under the base URL (e.g. `/notifications`); every Bayeux
    /// request is POSTed there with the service's auth scheme.
    pub path: Text,
    /// The channels the client subscribes to; each event's `channel` must be one of them.
    pub channels: Vec<ChannelSpec>,
    /// The longest the server may hold a `/meta/connect` open, in milliseconds, asked for with
    /// `advice.timeout`; keep it below the client transport's request timeout (30 s by default).
    /// Absent: the server's own hold.
    pub hold_ms: Option<Sp<u64>>,
    /// Where the delivery facts come from.
    pub source: Option<SourceSpec>,
    /// Facts of the delivery no public page confirms.
    #[serde(default)]
    pub unconfirmed: Vec<Text>,
}

/// A Bayeux channel.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelSpec {
    /// The channel name, e.g. `/v2/me/calls`.
    pub name: Text,
    /// What arrives on it, in the vendor's words.
    pub description: Option<Text>,
}

/// Settings of `poll` delivery.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PollSpec {
    /// Id of the endpoint that returns events (one of this service's endpoints).
    pub endpoint: Text,
    /// Dotted path of the event, or of an array of events, in the endpoint's response body;
    /// an absent or null value means "no event this time". Absent: the whole body is one event.
    pub events_at: Option<Text>,
    /// What one event frame is: `body` (the whole response, named and split by the event
    /// envelope; one event per answer) or `value` (the value, or each array item, at `events_at`).
    pub frame: Option<Sp<PollFrame>>,
    /// Pause after each answer before the next poll, in milliseconds.
    pub interval_ms: Sp<u64>,
    /// Whether polling also keeps the session alive (stopping it ends the session).
    pub keeps_session_alive: Option<Sp<bool>>,
    /// Where the delivery facts come from.
    pub source: Option<SourceSpec>,
    /// Facts of the delivery no public page confirms.
    #[serde(default)]
    pub unconfirmed: Vec<Text>,
}

/// What one event frame of a poll answer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PollFrame {
    /// The whole response body.
    Body,
    /// The value at `events_at` (each item, for an array).
    Value,
}

/// Settings of `push` delivery.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PushSpec {
    /// HTTP method of the vendor's callback requests.
    pub method: Text,
    /// Query parameters the vendor adds to the application's callback URL.
    #[serde(default)]
    pub query: Vec<PushParamSpec>,
    /// Largest callback body accepted, in bytes (default 1 MiB).
    pub max_body_bytes: Option<Sp<u64>>,
    /// What the application answers to an accepted callback.
    pub acknowledgement: AcknowledgementSpec,
    /// Where the delivery facts come from.
    pub source: Option<SourceSpec>,
    /// Facts of the delivery no public page confirms.
    #[serde(default)]
    pub unconfirmed: Vec<Text>,
}

/// A query parameter of a callback request.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PushParamSpec {
    /// Its name.
    pub name: Text,
    /// The documented description, verbatim in the vendor's language.
    pub description: Option<Text>,
    /// An English rendering of `description`, when that is not English.
    pub description_en: Option<Text>,
    /// The fixed value the vendor always sends; a callback with another value is rejected.
    pub value: Option<Text>,
    /// Name of a value the application configures (lower snake_case, e.g. `app_id`) that this
    /// parameter must equal; a callback carrying another value is rejected as foreign.
    pub equals_setting: Option<Text>,
    /// Whether every callback carries it (default true).
    pub required: Option<Sp<bool>>,
    /// A documented example value.
    pub example: Option<Text>,
    /// Facts the page leaves open about this parameter.
    pub unconfirmed: Option<Text>,
}

/// The answer the vendor expects to an accepted callback.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgementSpec {
    /// HTTP status.
    pub status: Sp<u16>,
    /// The JSON body, as documented; absent for an empty body.
    pub body: Option<Sp<Json>>,
    /// What the vendor says about the answer, in its words.
    pub description: Option<Text>,
}

/// An event the API delivers.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventSpec {
    /// The vendor's event name (the value of the envelope's `name_field`).
    pub name: Text,
    /// What it signals.
    pub description: Option<Text>,
    /// Other discriminating fields and their values (e.g. `data.messageType`).
    #[serde(default)]
    pub discriminators: BTreeMap<String, Text>,
    /// Channel or topic it arrives on.
    pub channel: Option<Text>,
    /// The payload's fields; empty when no page documents them.
    #[serde(default)]
    pub fields: Vec<FieldSpec>,
    /// A documented example of the whole event frame.
    pub sample: Option<Sp<Json>>,
    /// Where the event is documented.
    pub source: Option<SourceSpec>,
}

/// One endpoint: `specs/<vendor>/endpoints/<id>.yaml`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointSpec {
    /// Stable id, lower snake_case; becomes the Rust method name.
    pub id: Text,
    /// The vendor page's title.
    pub title: Text,
    /// One sentence on what it does.
    pub summary: Text,
    /// Longer description, in the vendor's words.
    pub description: Option<Text>,
    /// What must hold before calling.
    #[serde(default)]
    pub prerequisites: Vec<Text>,
    /// Who may call it.
    pub callers: Option<Text>,
    /// The page's authorization information (the permissions or policy a caller needs), verbatim.
    pub authorization: Option<Text>,
    /// Cross-vendor capability tag (e.g. `leave_conference`), for the docs' comparison table.
    pub capability: Option<Text>,
    /// Product features the server must enable (e.g. `api-voice`).
    #[serde(default)]
    pub required_features: Vec<Text>,
    /// HTTP method.
    pub method: Sp<Method>,
    /// Path template under the base URL, e.g. `/resource/agentconf/{agentid}/leave`.
    pub path: Text,
    /// The method name the vendor's logs show.
    pub log_name: Option<Text>,
    /// Whether repeating the call is harmless (a pure read): a client may then retry it after
    /// a timeout, when it cannot know whether the first attempt ran. Default false.
    pub idempotent: Option<Sp<bool>>,
    /// Values fixed by the endpoint (an RPC action name, an operation name), never asked of the
    /// caller.
    #[serde(default)]
    pub dispatch: Vec<DispatchSpec>,
    /// Path, query and header parameters.
    #[serde(default)]
    pub params: Vec<FieldSpec>,
    /// The request body.
    pub request: Option<BodySpec>,
    /// The response's own fields (see the envelope's `payload`).
    pub response: Option<BodySpec>,
    /// Error codes this endpoint returns.
    #[serde(default)]
    pub errors: Vec<ErrorSpec>,
    /// Names of the events it triggers.
    #[serde(default)]
    pub events: Vec<Text>,
    /// The documented examples; each becomes a test.
    #[serde(default)]
    pub samples: Vec<SampleSpec>,
    /// The page's change history.
    #[serde(default)]
    pub history: Vec<HistorySpec>,
    /// Facts the page leaves open: written down as unknown, never guessed.
    #[serde(default)]
    pub unconfirmed: Vec<Text>,
    /// What the copy of the page that was read does not show (cut off before its end): the
    /// sections named under `truncated` are unknown, not empty.
    pub page: Option<PageSpec>,
    /// The vendor page.
    pub source: SourceSpec,

    // Said once (see `shared.rs`; resolved when loading).
    /// Names of `endpoint_defaults` entries (dispatch names, parameter names, error codes,
    /// `sample_params` names, `sample_response`) this endpoint does not inherit.
    #[serde(default)]
    pub without_defaults: Vec<Text>,
}

/// HTTP methods.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    serde::Serialize,
    JsonSchema,
)]
#[allow(clippy::upper_case_acronyms)]
pub enum Method {
    /// GET
    GET,
    /// POST
    POST,
    /// PUT
    PUT,
    /// DELETE
    DELETE,
    /// PATCH
    PATCH,
}

impl Method {
    /// The method as written on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::GET => "GET",
            Method::POST => "POST",
            Method::PUT => "PUT",
            Method::DELETE => "DELETE",
            Method::PATCH => "PATCH",
        }
    }
}

/// A value fixed by the endpoint.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DispatchSpec {
    /// Where it goes.
    #[serde(rename = "in")]
    pub location: Sp<DispatchIn>,
    /// Its name on the wire.
    pub name: Text,
    /// Its value.
    pub value: Text,
    /// What it is.
    pub description: Option<Text>,
}

/// Where a dispatch value goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DispatchIn {
    /// A query parameter.
    Query,
    /// A header.
    Header,
    /// A top-level field of the JSON body.
    Body,
}

/// Where a parameter goes.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ParamIn {
    /// A `{placeholder}` of the path template.
    Path,
    /// A query parameter.
    Query,
    /// A request header.
    Header,
}

/// A request or response body.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BodySpec {
    /// Media type (default `application/json`).
    pub content_type: Option<Text>,
    /// What the body is.
    pub description: Option<Text>,
    /// Responses only: dotted path of this endpoint's result, when it is not where the
    /// envelope's `payload` says (`.` = the whole body beside the envelope fields).
    pub payload: Option<Text>,
    /// Its fields.
    #[serde(default)]
    pub fields: Vec<FieldSpec>,
    /// The body has the fields of this shape (service `shapes`) or shared object type (service
    /// `types`), followed by any `fields` written here.
    #[serde(rename = "type")]
    pub ty: Option<TypeName>,
    /// What this endpoint's page says of fields it shares with others (from the body's `type`,
    /// or inside a shared type): descriptions and documented values for this endpoint only.
    /// The shared definitions and the generated types stay as they are.
    #[serde(default)]
    pub fields_doc: Vec<FieldDocSpec>,
    /// Responses only: the result is a JSON array, each item this entry (no `name`): a shared
    /// type (`type: Agent`) or `type: object` with its `fields`. Then the body has no `fields`
    /// or `type` of its own.
    pub items: Option<Box<FieldSpec>>,
}

impl BodySpec {
    /// The array payload's item as a one-entry list (empty for an object body), for passes
    /// that walk field lists.
    pub fn items_list(&self) -> &[FieldSpec] {
        self.items.as_deref().map_or(&[], std::slice::from_ref)
    }
}

/// The type of a field: a primitive or the name of a shared type.
pub type TypeName = Text;

/// A field, a parameter, an array's items or a shared type: one shape for all four.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// Wire name (absent only for `items`).
    pub name: Option<Text>,
    /// For parameters: where the value goes.
    #[serde(rename = "in")]
    pub location: Option<Sp<ParamIn>>,
    /// `string`, `integer`, `number`, `boolean`, `object`, `array`, `map`, `json`, or a type
    /// declared under the service's `types`. Required, except on a `use` of a shared parameter.
    #[serde(rename = "type", default)]
    pub ty: TypeName,
    /// Integer width or string format: `int32`, `int64`, `uint32`, `date-time`, `uri`, ...
    pub format: Option<Text>,
    /// Whether it must be present (parameters and fields; default false): `true`, `false`, or
    /// `unknown` when the page does not say (a table without a required column).
    pub required: Option<Sp<Required>>,
    /// Whether `null` is a documented value.
    pub nullable: Option<Sp<bool>>,
    /// The documented description, verbatim in the vendor's language.
    pub description: Option<Text>,
    /// An English rendering of `description`, when that is not English.
    pub description_en: Option<Text>,
    /// Value used when the caller gives none.
    pub default: Option<Sp<Json>>,
    /// A documented example value.
    pub example: Option<Sp<Json>>,
    /// Inclusive numeric range; on a `string` it bounds the decimal integer the string holds.
    pub range: Option<RangeSpec>,
    /// Inclusive length bounds (characters for strings, items for arrays).
    pub length: Option<RangeSpec>,
    /// Regular expression the whole string must match.
    pub pattern: Option<Text>,
    /// For `string` and `integer`: the documented values (an open set: unknown values are kept).
    #[serde(default)]
    pub values: Vec<EnumValueSpec>,
    /// For `array`: the items.
    pub items: Option<Box<FieldSpec>>,
    /// For `object`: the fields.
    #[serde(default)]
    pub fields: Vec<FieldSpec>,
    /// For `map`: the values (keys are strings).
    pub additional: Option<Box<FieldSpec>>,
    /// For header and query parameters: supplied by the auth scheme, not by the caller.
    pub from_auth: Option<Sp<bool>>,
    /// Overrides the Rust identifier when two names would collide.
    pub rust_name: Option<Text>,
    /// The value is a credential (a password, a token): generated clients hold it in a type that
    /// never prints it, and constraint errors never quote it. Only on `string` fields.
    pub secret: Option<Sp<bool>>,
    /// Facts the page leaves open about this field.
    pub unconfirmed: Option<Text>,
    /// Which of this entry's values no source states, and where each comes from.
    pub inferred: Option<FieldInferredSpec>,
    /// Endpoint parameters only: the name of a shared parameter (service `params`) this entry
    /// stands for; the entry may then override `required`, `description`, `description_en`,
    /// `default`, `example`, `unconfirmed` and `inferred`, and nothing else.
    #[serde(rename = "use")]
    pub use_: Option<Text>,
}

/// An inclusive range; either end may be open.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RangeSpec {
    /// Lowest allowed value.
    pub min: Option<Sp<f64>>,
    /// Highest allowed value.
    pub max: Option<Sp<f64>>,
}

/// A documented value of an open enumeration.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnumValueSpec {
    /// The value on the wire.
    pub value: Sp<Json>,
    /// What it means.
    pub description: Option<Text>,
    /// Overrides the Rust variant name.
    pub rust_name: Option<Text>,
}

/// A documented example exchange.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SampleSpec {
    /// Short name, unique within the endpoint (lower snake_case).
    pub name: Text,
    /// What it shows.
    pub description: Option<Text>,
    /// Where the sample is documented, when not on the endpoint's own page.
    pub source: Option<SourceSpec>,
    /// The request.
    pub request: Option<SampleRequestSpec>,
    /// The response.
    pub response: Option<SampleResponseSpec>,
    /// Documented notifications that follow.
    #[serde(default)]
    pub events: Vec<Sp<Json>>,
    /// Which parts of the sample no page prints, and how they were made up.
    pub inferred: Option<SampleInferredSpec>,
}

/// A sample request: parameter values and body.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SampleRequestSpec {
    /// Parameter values by wire name (path, query and header parameters).
    #[serde(default)]
    pub params: BTreeMap<String, Sp<Json>>,
    /// The JSON body, as documented (dispatch values included).
    pub body: Option<Sp<Json>>,
    /// The request line as the page prints it, verbatim.
    pub documented_line: Option<Text>,
}

/// A sample response.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SampleResponseSpec {
    /// HTTP status (default 200).
    pub status: Option<Sp<u16>>,
    /// Response headers.
    #[serde(default)]
    pub headers: BTreeMap<String, Text>,
    /// The JSON body.
    pub body: Option<Sp<Json>>,
    /// The error code the body carries, when the sample is an error.
    pub error: Option<Sp<CodeValue>>,
}

/// A change-history entry.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HistorySpec {
    /// When (as the page writes it).
    pub date: Text,
    /// What changed.
    pub change: Text,
    /// English rendering, when `change` is not English.
    pub change_en: Option<Text>,
}

/// Any JSON value, written as YAML.
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Json(pub serde_json::Value);

//! The resolved model every emitter reads: references resolved, ids typed, wire name and Rust
//! name side by side, collections in spec order. Built by [`lower`](crate::model::lower).

mod lower;
mod page_docs;

pub use page_docs::{FieldDoc, page_values_sentence};

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

pub use crate::spec::{CodeValue, DispatchIn, Method, PageSection, ParamIn};
pub use lower::lower;

/// Every service in the specs, sorted by name.
#[derive(Clone, Debug, Serialize)]
pub struct Model {
    /// The services.
    pub services: Vec<Service>,
}

/// A name as the vendor writes it and as Rust spells it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Name {
    /// On the wire / in the vendor's docs.
    pub wire: String,
    /// The Rust identifier (may be raw, `r#type`).
    pub rust: String,
}

/// Id of an endpoint within its service (lower snake_case).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct EndpointId(pub String);

/// Id of a shared type within its service (the vendor's name).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TypeId(pub String);

/// Id of an event within its service (the vendor's name).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct EventId(pub String);

/// A vendor API.
#[derive(Clone, Debug, Serialize)]
pub struct Service {
    /// Machine name (`acme_voice`).
    pub name: String,
    /// Package name of the generated crate.
    pub crate_name: String,
    /// Library name of the generated crate.
    pub crate_ident: String,
    /// Human title.
    pub title: String,
    /// Vendor.
    pub vendor: String,
    /// API version.
    pub api_version: String,
    /// What the API is.
    pub description: Option<String>,
    /// Source pages.
    pub sources: Vec<Source>,
    /// Base URL.
    pub base_url: BaseUrl,
    /// Authentication.
    pub auth: Auth,
    /// Response envelope.
    pub envelope: Envelope,
    /// Common error codes.
    pub errors: Vec<ErrorCode>,
    /// Which common codes answer a bad parameter or a bad credential, in format order.
    pub error_roles: Vec<ErrorRole>,
    /// Event framing.
    pub event_envelope: Option<EventEnvelope>,
    /// Events.
    pub events: Vec<Event>,
    /// Shared types, in spec order.
    pub types: Vec<NamedType>,
    /// Endpoints, sorted by id.
    pub endpoints: Vec<Endpoint>,
    /// Facts no page confirms.
    pub unconfirmed: Vec<String>,
}

impl Service {
    /// The service without its endpoints: what an endpoint's own outputs (its Rust module,
    /// client method, page) are emitted from besides the endpoint, so that the output cache can
    /// key them on exactly that. Built field by field, not cloned and emptied, since the
    /// endpoints are nearly all of a large service.
    pub fn without_endpoints(&self) -> Service {
        Service {
            name: self.name.clone(),
            crate_name: self.crate_name.clone(),
            crate_ident: self.crate_ident.clone(),
            title: self.title.clone(),
            vendor: self.vendor.clone(),
            api_version: self.api_version.clone(),
            description: self.description.clone(),
            sources: self.sources.clone(),
            base_url: self.base_url.clone(),
            auth: self.auth.clone(),
            envelope: self.envelope.clone(),
            errors: self.errors.clone(),
            error_roles: self.error_roles.clone(),
            event_envelope: self.event_envelope.clone(),
            events: self.events.clone(),
            types: self.types.clone(),
            endpoints: Vec::new(),
            unconfirmed: self.unconfirmed.clone(),
        }
    }
}

/// A source page.
#[derive(Clone, Debug, Serialize)]
pub struct Source {
    /// Address.
    pub url: String,
    /// Title.
    pub title: Option<String>,
    /// What it contributed.
    pub note: Option<String>,
}

/// Base URL template and variables.
#[derive(Clone, Debug, Serialize)]
pub struct BaseUrl {
    /// The template.
    pub template: String,
    /// Description.
    pub description: Option<String>,
    /// Variables in order.
    pub variables: Vec<Variable>,
}

/// A base URL variable.
#[derive(Clone, Debug, Serialize)]
pub struct Variable {
    /// Name.
    pub name: Name,
    /// Description.
    pub description: Option<String>,
    /// Default.
    pub default: Option<String>,
    /// Allowed values.
    pub values: Vec<EnumValue>,
    /// Example.
    pub example: Option<String>,
}

/// Authentication of a service.
#[derive(Clone, Debug, Serialize)]
pub struct Auth {
    /// How to obtain credentials.
    pub description: Option<String>,
    /// Mechanisms, default first.
    pub schemes: Vec<AuthScheme>,
}

/// An authentication mechanism and its settings (see the spec format for meanings).
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "scheme", rename_all = "snake_case")]
pub enum AuthScheme {
    /// No authentication.
    None,
    /// Session value captured from a response header, sent back in a request header.
    SessionHeader {
        /// Response header carrying the value.
        capture_header: String,
        /// Prefix stripped from it.
        value_prefix: Option<String>,
        /// Request header it is sent in.
        send_header: String,
        /// Endpoints that issue or refresh it.
        issued_by: Vec<EndpointId>,
        /// Vendor description.
        description: Option<String>,
    },
    /// HTTP Basic + cookie session + CSRF token.
    BasicCsrf {
        /// Response header naming the token header.
        csrf_header_name_header: String,
        /// Response header carrying the token.
        csrf_token_header: String,
        /// Path to GET for a token.
        csrf_refresh_path: String,
        /// Status of a token failure.
        csrf_failure_status: u16,
        /// Body text of a token failure.
        csrf_failure_text: Option<String>,
        /// Session cookie name.
        session_cookie: Option<String>,
        /// Vendor description.
        description: Option<String>,
    },
    /// Signed ticket and identity in the query string.
    TlsSigQuery {
        /// App id parameter.
        app_id_param: String,
        /// Identity parameter.
        identifier_param: String,
        /// Ticket parameter.
        signature_param: String,
        /// Random parameter.
        random_param: String,
        /// Fixed parameters.
        fixed_params: BTreeMap<String, String>,
        /// Default ticket lifetime.
        default_expire_seconds: Option<u64>,
        /// Vendor description.
        description: Option<String>,
    },
    /// HMAC-SHA256 canonical-request signature in headers.
    SignedHeadersHmacSha256 {
        /// Algorithm word.
        algorithm: String,
        /// Vendor header prefix.
        header_prefix: String,
        /// Query parameter with the action.
        action_param: String,
        /// Query parameter with the version.
        version_param: String,
        /// Vendor description.
        description: Option<String>,
    },
    /// HMAC-SHA1 signature over the sorted query.
    SignedQueryHmacSha1 {
        /// SignatureVersion value.
        signature_version: String,
        /// Format value.
        format: Option<String>,
        /// Query parameter with the action.
        action_param: String,
        /// Query parameter with the version.
        version_param: String,
        /// Vendor description.
        description: Option<String>,
    },
}

/// The response envelope.
#[derive(Clone, Debug, Serialize)]
pub struct Envelope {
    /// Result code field.
    pub code: Option<CodeField>,
    /// Message field.
    pub message: Option<String>,
    /// Request id field.
    pub request_id: Option<String>,
    /// Payload field.
    pub payload: Option<String>,
    /// Whether HTTP status carries business errors.
    pub http_status_errors: bool,
    /// Documented envelope fields.
    pub fields: Vec<Field>,
    /// Description.
    pub description: Option<String>,
    /// Values no source states.
    pub inferred: Vec<Inferred>,
}

impl Envelope {
    /// The envelope's own fields: every documented field but the payload.
    pub fn own_fields(&self) -> Vec<Field> {
        self.fields
            .iter()
            .filter(|f| Some(&f.name.wire) != self.payload.as_ref())
            .cloned()
            .collect()
    }

    /// Where `http_status_errors` comes from when no source states it.
    pub fn http_status_inferred(&self) -> Option<&str> {
        self.inferred
            .iter()
            .find(|i| i.key == "http_status_errors")
            .map(|i| i.reason.as_str())
    }
}

/// The result code field and its success value.
#[derive(Clone, Debug, Serialize)]
pub struct CodeField {
    /// Field name.
    pub field: String,
    /// Success value.
    pub success: CodeValue,
}

/// A common code the spec names for a kind of failure (`error_roles`).
#[derive(Clone, Debug, Serialize)]
pub struct ErrorRole {
    /// `invalid_parameter`, `missing_parameter` or `unauthenticated`.
    pub role: String,
    /// The code, one of the service's common codes.
    pub code: CodeValue,
    /// Why this code, when no page assigns it in so many words.
    pub inferred: Option<String>,
}

/// A documented error code.
#[derive(Clone, Debug, Serialize)]
pub struct ErrorCode {
    /// The code.
    pub code: CodeValue,
    /// Rust variant name.
    pub rust: String,
    /// HTTP status.
    pub http_status: Option<u16>,
    /// Message template.
    pub message: Option<String>,
    /// Meaning.
    pub meaning: Option<String>,
    /// Meaning in English.
    pub meaning_en: Option<String>,
    /// Whether retrying may help.
    pub retryable: bool,
}

/// Event framing.
#[derive(Clone, Debug, Serialize)]
pub struct EventEnvelope {
    /// Delivery mechanism.
    pub delivery: Delivery,
    /// How delivery works, in the vendor's words.
    pub description: Option<String>,
    /// Dotted path of the event name; `None` when frames carry no name.
    pub name_field: Option<String>,
    /// Dotted path of the payload.
    pub payload_field: Option<String>,
    /// Frame fields.
    pub fields: Vec<Field>,
}

/// How events reach the application.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// Bayeux (CometD) long polling.
    Bayeux(Bayeux),
    /// Repeated calls of an endpoint.
    Poll(Poll),
    /// Callbacks the vendor sends to the application.
    Push(Push),
}

impl Delivery {
    /// The mechanism's name as written in specs.
    pub fn mechanism(&self) -> &'static str {
        match self {
            Delivery::Bayeux(_) => "bayeux",
            Delivery::Poll(_) => "poll",
            Delivery::Push(_) => "push",
        }
    }

    /// Where the delivery facts come from.
    pub fn source(&self) -> Option<&Source> {
        match self {
            Delivery::Bayeux(b) => b.source.as_ref(),
            Delivery::Poll(p) => p.source.as_ref(),
            Delivery::Push(p) => p.source.as_ref(),
        }
    }

    /// Facts of the delivery no public page confirms.
    pub fn unconfirmed(&self) -> &[String] {
        match self {
            Delivery::Bayeux(b) => &b.unconfirmed,
            Delivery::Poll(p) => &p.unconfirmed,
            Delivery::Push(p) => &p.unconfirmed,
        }
    }
}

/// Bayeux delivery.
#[derive(Clone, Debug, Serialize)]
pub struct Bayeux {
    /// Path of the Bayeux endpoint under the base URL.
    pub path: String,
    /// Subscribed channels, in spec order.
    pub channels: Vec<Channel>,
    /// The connect hold the client asks for, in milliseconds.
    pub hold_ms: Option<u64>,
    /// Source page.
    pub source: Option<Source>,
    /// Unconfirmed facts.
    pub unconfirmed: Vec<String>,
}

/// A Bayeux channel.
#[derive(Clone, Debug, Serialize)]
pub struct Channel {
    /// Channel name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Events documented on this channel.
    pub events: Vec<EventId>,
}

/// Poll delivery.
#[derive(Clone, Debug, Serialize)]
pub struct Poll {
    /// The endpoint called again and again.
    pub endpoint: EndpointId,
    /// Dotted path of the event(s) in the response body.
    pub events_at: Option<String>,
    /// Whether a frame is the whole body (else the value(s) at `events_at`).
    pub frame_is_body: bool,
    /// Pause between polls.
    pub interval_ms: u64,
    /// Whether polling keeps the session alive.
    pub keeps_session_alive: bool,
    /// Source page.
    pub source: Option<Source>,
    /// Unconfirmed facts.
    pub unconfirmed: Vec<String>,
}

/// Push delivery.
#[derive(Clone, Debug, Serialize)]
pub struct Push {
    /// HTTP method of callbacks.
    pub method: String,
    /// Query parameters the vendor adds.
    pub query: Vec<PushParam>,
    /// Largest body accepted.
    pub max_body_bytes: u64,
    /// Acknowledgement status.
    pub ack_status: u16,
    /// Acknowledgement JSON body.
    pub ack_body: Option<Value>,
    /// What the vendor says of the acknowledgement.
    pub ack_description: Option<String>,
    /// Source page.
    pub source: Option<Source>,
    /// Unconfirmed facts.
    pub unconfirmed: Vec<String>,
}

/// A callback query parameter.
#[derive(Clone, Debug, Serialize)]
pub struct PushParam {
    /// Wire name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// English description.
    pub description_en: Option<String>,
    /// Fixed value.
    pub value: Option<String>,
    /// Setting it must equal: wire name of the setting and its Rust identifier.
    pub equals_setting: Option<Name>,
    /// Whether every callback carries it.
    pub required: bool,
    /// Example.
    pub example: Option<String>,
    /// Unconfirmed facts.
    pub unconfirmed: Option<String>,
}

/// An event.
#[derive(Clone, Debug, Serialize)]
pub struct Event {
    /// Id (vendor name) and Rust type name.
    pub name: Name,
    /// Description.
    pub description: Option<String>,
    /// Extra discriminators (dotted path → value).
    pub discriminators: BTreeMap<String, String>,
    /// Channel.
    pub channel: Option<String>,
    /// Payload fields.
    pub fields: Vec<Field>,
    /// Documented sample frame.
    pub sample: Option<Value>,
    /// Where documented.
    pub source: Option<Source>,
}

/// A shared named type.
#[derive(Clone, Debug, Serialize)]
pub struct NamedType {
    /// Vendor name and Rust type name.
    pub name: Name,
    /// Description.
    pub description: Option<String>,
    /// English description.
    pub description_en: Option<String>,
    /// The shape.
    pub ty: Type,
    /// Open facts about the type as a whole.
    pub unconfirmed: Option<String>,
    /// Values of the type's own entry that no source states.
    pub inferred: Vec<Inferred>,
}

/// A field, parameter or item type.
#[derive(Clone, Debug, Serialize)]
pub struct Field {
    /// Wire and Rust names.
    pub name: Name,
    /// Description, verbatim.
    pub description: Option<String>,
    /// English description.
    pub description_en: Option<String>,
    /// Must be present.
    pub required: bool,
    /// The page does not say whether it must be present (`required: unknown`): `required` is
    /// then false, so clients never reject its absence, and every output says it is not stated.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub required_unknown: bool,
    /// May be null.
    pub nullable: bool,
    /// Values this endpoint's page documents for the field (`fields_doc`): docs only, the type
    /// is the shared one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub page_values: Vec<EnumValue>,
    /// What this endpoint's page says of fields inside this one's (shared) type, by path
    /// relative to it: said on this field, since the shared type is every endpoint's.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub member_docs: Vec<FieldDoc>,
    /// The type.
    pub ty: Type,
    /// Default value.
    pub default: Option<Value>,
    /// Example value.
    pub example: Option<Value>,
    /// Open facts.
    pub unconfirmed: Option<String>,
    /// Values no source states, with where each comes from.
    pub inferred: Vec<Inferred>,
    /// A credential: never printed.
    pub secret: bool,
}

/// A value no source states: which key of its entry, and where the value comes from.
#[derive(Clone, Debug, Serialize)]
pub struct Inferred {
    /// The spec key whose value is inferred (`required`, `type`, `http_status_errors`, ...).
    pub key: String,
    /// Where the value comes from.
    pub reason: String,
}

/// What every output says of a field whose required-ness the page does not state.
pub const REQUIRED_UNKNOWN: &str = "Required: not stated by the page.";

/// The words every output puts before a list of inferred values.
pub const INFERRED_LABEL: &str = "Inferred, not stated by the source";

/// `` `key`: reason `` for each inferred value, one after the other (`None` for none); a reason
/// without closing punctuation gets a period. The reason is spec prose; emitters that escape
/// vendor text escape the result as a whole.
pub fn inferred_list(inferred: &[Inferred]) -> Option<String> {
    let items: Vec<String> = inferred
        .iter()
        .map(|i| format!("`{}`: {}", i.key, sentence(&i.reason)))
        .collect();
    (!items.is_empty()).then(|| items.join(" "))
}

/// The text, trimmed, ending with sentence punctuation.
pub fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.ends_with(['.', '!', '?', '。', ')']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

/// A type with its constraints.
#[derive(Clone, Debug, Serialize)]
pub struct Type {
    /// The kind.
    pub kind: TypeKind,
    /// Format.
    pub format: Option<String>,
    /// Numeric range.
    pub range: Option<Bounds>,
    /// Length bounds.
    pub length: Option<Bounds>,
    /// Pattern.
    pub pattern: Option<String>,
    /// Documented values (open enumeration).
    pub values: Vec<EnumValue>,
}

/// Kinds of types.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TypeKind {
    /// Text.
    String,
    /// Integer.
    Integer,
    /// Number.
    Number,
    /// Boolean.
    Boolean,
    /// Any JSON.
    Json,
    /// Inline object; `rust` names the struct generated for it.
    Object {
        /// Generated struct name.
        rust: String,
        /// Fields.
        fields: Vec<Field>,
    },
    /// Array.
    Array {
        /// Items.
        items: Box<Type>,
    },
    /// String-keyed map.
    Map {
        /// Values.
        values: Box<Type>,
    },
    /// A shared type.
    Named {
        /// Which.
        id: TypeId,
        /// Its Rust name.
        rust: String,
    },
}

/// Inclusive bounds.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Bounds {
    /// Minimum.
    pub min: Option<f64>,
    /// Maximum.
    pub max: Option<f64>,
}

/// A documented value.
#[derive(Clone, Debug, Serialize)]
pub struct EnumValue {
    /// The value.
    pub value: Value,
    /// Rust variant.
    pub rust: String,
    /// Meaning.
    pub description: Option<String>,
}

/// An endpoint.
#[derive(Clone, Debug, Serialize)]
pub struct Endpoint {
    /// Id.
    pub id: EndpointId,
    /// Rust method name (snake) and type prefix (camel).
    pub rust: String,
    /// Rust type prefix (`LeaveAgentConference`).
    pub rust_type: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Description.
    pub description: Option<String>,
    /// Prerequisites.
    pub prerequisites: Vec<String>,
    /// Who may call.
    pub callers: Option<String>,
    /// Authorization information (permissions a caller needs), verbatim.
    pub authorization: Option<String>,
    /// Capability tag.
    pub capability: Option<String>,
    /// Required server features.
    pub required_features: Vec<String>,
    /// Method.
    pub method: Method,
    /// Path template.
    pub path: String,
    /// Vendor log name.
    pub log_name: Option<String>,
    /// Whether repeating the call is harmless (retried after a timeout).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub idempotent: bool,
    /// Fixed values.
    pub dispatch: Vec<Dispatch>,
    /// Parameters.
    pub params: Vec<Param>,
    /// Request body.
    pub request: Option<Body>,
    /// Response fields.
    pub response: Option<Body>,
    /// Where this endpoint's result lives: the envelope's payload field unless the endpoint
    /// overrides it; `None` = the whole body.
    pub payload: Option<String>,
    /// Errors (merged with the common table).
    pub errors: Vec<ErrorCode>,
    /// Triggered events.
    pub events: Vec<EventId>,
    /// Samples.
    pub samples: Vec<Sample>,
    /// History.
    pub history: Vec<History>,
    /// Open facts.
    pub unconfirmed: Vec<String>,
    /// Sections the copy of the page read does not show to the end (unknown, not empty),
    /// sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub truncated: Vec<PageSection>,
    /// Source page.
    pub source: Source,
}

impl Endpoint {
    /// The caller's values of a request, in `Request` order: the parameters the auth scheme
    /// does not fill in, then the body fields.
    pub fn request_fields(&self) -> impl Iterator<Item = &Field> {
        let params = self
            .params
            .iter()
            .filter(|p| p.caller_sets())
            .map(|p| &p.field);
        params.chain(self.request.iter().flat_map(|r| &r.fields))
    }
}

/// A fixed dispatch value.
#[derive(Clone, Debug, Serialize)]
pub struct Dispatch {
    /// Where.
    pub location: DispatchIn,
    /// Wire name.
    pub name: String,
    /// Value.
    pub value: String,
    /// Description.
    pub description: Option<String>,
}

/// A parameter.
#[derive(Clone, Debug, Serialize)]
pub struct Param {
    /// Where.
    pub location: ParamIn,
    /// Supplied by auth.
    pub from_auth: bool,
    /// The field.
    pub field: Field,
}

impl Param {
    /// A `Content-Type` header: it describes the body the client serializes, so the client
    /// sends it (its documented default, else the body's media type) and never asks for it.
    pub fn is_content_type(&self) -> bool {
        self.location == ParamIn::Header
            && self.field.name.wire.eq_ignore_ascii_case("content-type")
    }

    /// Whether the caller gives this value (not the auth scheme, not the client itself).
    pub fn caller_sets(&self) -> bool {
        !self.from_auth && !self.is_content_type()
    }
}

/// A body.
#[derive(Clone, Debug, Serialize)]
pub struct Body {
    /// Media type.
    pub content_type: String,
    /// Description.
    pub description: Option<String>,
    /// Fields.
    pub fields: Vec<Field>,
    /// Responses only: the result is an array of these (then `fields` is empty). A field
    /// without a name: its type, description and marks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Field>,
}

/// A sample exchange.
#[derive(Clone, Debug, Serialize)]
pub struct Sample {
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Where documented if elsewhere.
    pub source: Option<Source>,
    /// Parameter values.
    pub params: BTreeMap<String, Value>,
    /// Request body.
    pub request_body: Option<Value>,
    /// Documented request line.
    pub documented_line: Option<String>,
    /// Response status.
    pub status: u16,
    /// Response headers.
    pub response_headers: BTreeMap<String, String>,
    /// Response body.
    pub response_body: Option<Value>,
    /// Error code the response carries.
    pub error: Option<CodeValue>,
    /// Notifications.
    pub events: Vec<Value>,
    /// Parts no page prints (`request`, `response`), with how they were made up.
    pub inferred: Vec<Inferred>,
}

/// A change-history entry.
#[derive(Clone, Debug, Serialize)]
pub struct History {
    /// Date.
    pub date: String,
    /// Change.
    pub change: String,
    /// English.
    pub change_en: Option<String>,
}

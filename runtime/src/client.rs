//! What every generated `Client` wraps: a base URL, a transport, an auth scheme, and the
//! call options (retries, timeouts) every call runs under.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use crate::auth::{self, Auth, NoAuth, SendError};
use crate::error::BuildError;
use crate::response::ApiError;
use crate::retry::RetryPolicy;
use crate::transport::Transport;

/// The shared, non-generic part of a generated client. Cheap to clone (reference counts and
/// a few words of options), so a per-call override is a clone with other options.
#[derive(Clone, Debug)]
pub struct ClientCore {
    base_url: Arc<str>,
    transport: Arc<dyn Transport>,
    auth: Arc<dyn Auth>,
    pub(crate) options: CallOptions,
}

/// How calls are made: retries and timeouts. Set per client, overridden per call with
/// [`ClientCore::with_options`] (generated clients: `Client::with_retry`,
/// `Client::with_timeout`, `Client::with_attempt_timeout`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallOptions {
    /// When a call is repeated (see [`crate::retry`]); [`RetryPolicy::standard`] by default.
    pub retry: RetryPolicy,
    /// The longest a whole call may take, retries and waits included; on expiry the call
    /// fails with a timeout transport error and the attempt in flight is dropped. Not retried.
    pub timeout: Option<Duration>,
    /// The longest one attempt may take; on expiry the attempt counts as "timed out after
    /// sending" (retried only for idempotent endpoints).
    pub attempt_timeout: Option<Duration>,
}

impl ClientCore {
    /// A client core from its parts, with the default [`CallOptions`].
    pub fn new(
        base_url: impl Into<String>,
        transport: Arc<dyn Transport>,
        auth: Arc<dyn Auth>,
    ) -> Self {
        ClientCore {
            base_url: Arc::from(base_url.into()),
            transport,
            auth,
            options: CallOptions::default(),
        }
    }

    /// The base URL requests are built against.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The auth scheme (to read or set session values).
    pub fn auth(&self) -> &Arc<dyn Auth> {
        &self.auth
    }

    /// The transport requests go through.
    pub fn transport(&self) -> &Arc<dyn Transport> {
        &self.transport
    }

    /// The options calls run under.
    pub fn options(&self) -> CallOptions {
        self.options
    }

    /// A core sharing transport and auth state, whose calls run under `options`.
    pub fn with_options(&self, options: CallOptions) -> Self {
        ClientCore {
            options,
            ..self.clone()
        }
    }

    /// A core with the same base URL, transport and options but its own auth scheme (and so
    /// its own session): one per agent, sharing one connection pool.
    pub fn with_auth(&self, auth: Arc<dyn Auth>) -> Self {
        ClientCore {
            auth,
            ..self.clone()
        }
    }

    /// A core sharing transport and auth state whose calls retry under `policy`.
    pub fn with_retry(&self, policy: RetryPolicy) -> Self {
        self.with_options(CallOptions {
            retry: policy,
            ..self.options
        })
    }

    /// A core sharing transport and auth state whose calls each end after `timeout`.
    pub fn with_timeout(&self, timeout: Duration) -> Self {
        self.with_options(CallOptions {
            timeout: Some(timeout),
            ..self.options
        })
    }

    /// A core sharing transport and auth state whose attempts each end after `timeout`.
    pub fn with_attempt_timeout(&self, timeout: Duration) -> Self {
        self.with_options(CallOptions {
            attempt_timeout: Some(timeout),
            ..self.options
        })
    }

    /// Sends a built request through the auth protocol (see [`auth::execute`]), once. A
    /// request without a [`BaseUrl`](crate::request::BaseUrl) extension gets this client's.
    pub async fn send(
        &self,
        mut request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, SendError> {
        if request
            .extensions()
            .get::<crate::request::BaseUrl>()
            .is_none()
        {
            let base = self.base_url().trim_end_matches('/').to_owned();
            request
                .extensions_mut()
                .insert(crate::request::BaseUrl(base));
        }
        auth::execute(&*self.transport, &*self.auth, request).await
    }

    /// Calls an endpoint: builds its request, sends it (again while [`crate::retry`] allows,
    /// signed afresh each time), decodes the response, inside one `tracing` span (see
    /// [`crate::trace`]). Every generated client method is this one generic `async fn` (its
    /// state machine is type-checked once, here, and compiled only for the endpoints a program
    /// calls) instead of an `async fn` of its own.
    pub async fn call<O: Operation>(&self, request: O) -> Result<O::Output, O::Error> {
        let http = match request.to_http(self.base_url()) {
            Ok(http) => http,
            Err(error) => return Err(O::build_error(error)),
        };
        crate::call::run::<O>(self, http).await
    }

    /// [`call`](Self::call) with a future that owns a clone of this core (a few reference
    /// counts), so it can be spawned or kept past the client's borrow. Generated client
    /// methods use it.
    pub fn call_owned<O>(
        &self,
        request: O,
    ) -> impl Future<Output = Result<O::Output, O::Error>> + Send + 'static
    where
        O: Operation + Send + 'static,
        O::Output: Send,
        O::Error: Send,
    {
        self.call_built(Ok(request))
    }

    /// Calls a request that may have failed to build (`RequestBuilder::build`'s result): the
    /// build error becomes the endpoint's `Error::Build`. The future owns a clone of this
    /// core. Generated `RequestBuilder::send` uses it.
    pub fn call_built<O>(
        &self,
        request: Result<O, BuildError>,
    ) -> impl Future<Output = Result<O::Output, O::Error>> + Send + 'static
    where
        O: Operation + Send + 'static,
        O::Output: Send,
        O::Error: Send,
    {
        let core = self.clone();
        async move {
            match request {
                Ok(request) => core.call(request).await,
                Err(error) => Err(O::build_error(error)),
            }
        }
    }
}

/// What tracing and retries need to know about an endpoint, from its spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperationInfo {
    /// The service's machine name.
    pub service: &'static str,
    /// The endpoint id.
    pub id: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// The path template (never the filled path: it may carry ids).
    pub path: &'static str,
    /// Whether the spec marks the endpoint idempotent (a timed-out attempt may be repeated).
    pub idempotent: bool,
}

impl OperationInfo {
    /// For operations that do not say: not idempotent, empty names.
    pub const UNNAMED: OperationInfo = OperationInfo {
        service: "",
        id: "",
        method: "",
        path: "",
        idempotent: false,
    };
}

/// An endpoint's request, as [`ClientCore::call`] sees it; implemented by each generated
/// `Request`.
pub trait Operation {
    /// The decoded result of a successful call.
    type Output;
    /// The endpoint's error.
    type Error;
    /// The endpoint's names and retry facts.
    const INFO: OperationInfo = OperationInfo::UNNAMED;
    /// The HTTP request, without credentials.
    fn to_http(&self, base_url: &str) -> Result<http::Request<Bytes>, BuildError>;
    /// Decodes a response.
    fn parse_response(response: http::Response<Bytes>) -> Result<Self::Output, Self::Error>;
    /// The error for a request that could not be built.
    fn build_error(error: BuildError) -> Self::Error;
    /// The error for a request that could not be sent.
    fn send_error(error: SendError) -> Self::Error;
    /// The API's answer inside an error (its code, request id and retryable flag).
    fn api_error(error: &Self::Error) -> Option<&ApiError> {
        let _ = error;
        None
    }
}

/// Collects what a generated `ClientBuilder` needs; generated builders add typed setters for
/// the base URL variables and auth helpers on top.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct ClientConfig {
    /// A full base URL, overriding the template.
    pub base_url: Option<String>,
    /// The transport; the reqwest transport when `None` and the feature is on.
    pub transport: Option<Arc<dyn Transport>>,
    /// The auth scheme; no auth when `None`.
    pub auth: Option<Arc<dyn Auth>>,
    /// Retries and timeouts of every call.
    pub options: CallOptions,
}

impl ClientConfig {
    /// Builds the core; `template_url` is the spec's base URL with variables filled in.
    pub fn build(self, template_url: Result<String, BuildError>) -> Result<ClientCore, BuildError> {
        let base_url = match self.base_url {
            Some(url) => url,
            None => template_url?,
        };
        let transport = match self.transport {
            Some(t) => t,
            None => default_transport()?,
        };
        let auth = self.auth.unwrap_or_else(|| Arc::new(NoAuth));
        Ok(ClientCore::new(base_url, transport, auth).with_options(self.options))
    }
}

#[cfg(feature = "reqwest")]
fn default_transport() -> Result<Arc<dyn Transport>, BuildError> {
    crate::transport::ReqwestTransport::new()
        .map(|t| Arc::new(t) as Arc<dyn Transport>)
        .map_err(|e| BuildError::config("transport", format!("cannot be created: {e}")))
}

#[cfg(not(feature = "reqwest"))]
fn default_transport() -> Result<Arc<dyn Transport>, BuildError> {
    Err(BuildError::config(
        "transport",
        "is required when the `reqwest` feature is off",
    ))
}

/// Fills a base URL template's `{name}` placeholders. A value may not change the URL's
/// structure: it must be non-empty and free of the characters that delimit URL parts
/// (`/ ? # @ : [ ] \ %`, whitespace, controls), and the filled URL must parse as an http(s)
/// URL with a host. A variable left unset (no default) is a configuration error too.
pub fn fill_template(
    template: &str,
    values: &[(&str, Option<&str>)],
) -> Result<String, BuildError> {
    let mut out = template.to_owned();
    for (name, value) in values {
        let value = value.ok_or_else(|| {
            BuildError::config(
                *name,
                "(a base URL variable) is required: set it on the builder or give `base_url`",
            )
        })?;
        if value.is_empty() {
            return Err(BuildError::config(
                *name,
                "(a base URL variable) must not be empty",
            ));
        }
        if let Some(c) = value.chars().find(|&c| changes_structure(c)) {
            return Err(BuildError::config(
                *name,
                format!("(a base URL variable) must not contain `{}`: it would change the URL's structure", c.escape_default()),
            )
            .with_value(value.escape_default()));
        }
        out = out.replace(&format!("{{{name}}}"), value);
    }
    match url::Url::parse(&out) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Ok(out),
        _ => Err(BuildError::config(
            "base URL",
            "is not an http(s) URL with a host once its variables are filled",
        )
        .with_value(out.escape_default())),
    }
}

/// Characters that delimit the parts of a URL (or escape them).
fn changes_structure(c: char) -> bool {
    matches!(c, '/' | '?' | '#' | '@' | ':' | '[' | ']' | '\\' | '%')
        || c.is_whitespace()
        || c.is_control()
}

/// An event frame split by the service's event envelope.
#[derive(Clone, Debug)]
pub struct EventFrame {
    /// The event's name (empty when the frame has none).
    pub name: String,
    /// The whole frame, for discriminator checks.
    pub frame: serde_json::Value,
    /// The event's own content.
    pub payload: serde_json::Value,
}

/// Splits an event frame: its name at `name_field`, its content at `payload_field` (or the
/// whole frame).
pub fn split_event(
    frame: &[u8],
    name_field: &str,
    payload_field: Option<&str>,
) -> Result<EventFrame, crate::error::JsonError> {
    let value = crate::error::decode_json(frame)?;
    Ok(split_event_value(value, Some(name_field), payload_field))
}

/// [`split_event`] of a frame already parsed; without `name_field` the name is empty.
pub fn split_event_value(
    value: serde_json::Value,
    name_field: Option<&str>,
    payload_field: Option<&str>,
) -> EventFrame {
    let name = name_field
        .and_then(|field| crate::error::json_path_text(&value, field))
        .unwrap_or_default();
    let payload = match payload_field {
        Some(path) => crate::error::json_path(&value, path)
            .cloned()
            .unwrap_or(serde_json::Value::Null),
        None => value.clone(),
    };
    EventFrame {
        name,
        frame: value,
        payload,
    }
}

/// The methods of a generated `Client`, one per endpoint module, inside `impl Client`:
/// `client_methods! { #[doc = "…"] unmute_call; … }` gives `pub fn unmute_call(&self,
/// request: unmute_call::Request)`, returning the call's future (`'static`: it owns a clone of
/// the client). The signature, written once here, is the same for every endpoint.
#[macro_export]
macro_rules! client_methods {
    ($($(#[$attr:meta])* $name:ident;)*) => {$(
        $(#[$attr])*
        pub fn $name(
            &self,
            request: $name::Request,
        ) -> impl ::std::future::Future<
            Output = ::std::result::Result<$name::Output, $name::Error>,
        > + Send + 'static {
            self.core.call_owned(request)
        }
    )*};
}

/// Implements [`Operation`] for a generated endpoint's `Request` by forwarding to its sans-IO
/// functions: `operation!(Request => Output, Error, parse_response)`, where `Request::to_http`
/// builds the request, `parse_response` decodes the answer and `Error` has `Build` and `Send`
/// variants. One line in generated code instead of an impl block per endpoint. A fourth
/// argument, an [`OperationInfo`] expression, names the endpoint for tracing and retries (and
/// then `Error::api_error`, from [`operation_error!`](crate::operation_error), is used). In
/// its place, `endpoint { id: "…", method: "POST", path: "/…", idempotent: false }` also
/// defines the endpoint module's `ID`, `METHOD`, `PATH` and `IDEMPOTENT` and names the
/// endpoint with them (the module's parent must have `SERVICE`).
#[macro_export]
macro_rules! operation {
    ($request:ident => $output:ident, $error:ident, $parse:path) => {
        $crate::operation!(@impl $request, $output, $error, $parse, {});
    };
    // The endpoint's data consts too, and the `OperationInfo` from them: the same four
    // documented consts in every endpoint module, written once here.
    ($request:ident => $output:ident, $error:ident, $parse:path, endpoint {
        id: $id:literal, method: $method:literal, path: $path:literal, idempotent: $idempotent:literal $(,)?
    }) => {
        /// The endpoint's id.
        pub const ID: &str = $id;
        /// HTTP method.
        pub const METHOD: &str = $method;
        /// Path template under the base URL.
        pub const PATH: &str = $path;
        /// Whether the spec marks the endpoint idempotent: a timed-out attempt may be repeated.
        pub const IDEMPOTENT: bool = $idempotent;
        $crate::operation!($request => $output, $error, $parse, $crate::client::OperationInfo {
            service: super::SERVICE, id: ID, method: METHOD, path: PATH, idempotent: IDEMPOTENT,
        });
    };
    ($request:ident => $output:ident, $error:ident, $parse:path, $info:expr) => {
        $crate::operation!(@impl $request, $output, $error, $parse, {
            const INFO: $crate::client::OperationInfo = $info;
            #[inline]
            fn api_error(error: &$error) -> ::core::option::Option<&$crate::response::ApiError> {
                $error::api_error(error)
            }
        });
    };
    (@impl $request:ident, $output:ident, $error:ident, $parse:path, { $($extra:tt)* }) => {
        impl $crate::client::Operation for $request {
            type Output = $output;
            type Error = $error;
            $($extra)*
            #[inline]
            fn to_http(
                &self,
                base_url: &str,
            ) -> ::core::result::Result<
                $crate::http::Request<$crate::bytes::Bytes>,
                $crate::error::BuildError,
            > {
                $request::to_http(self, base_url)
            }
            #[inline]
            fn parse_response(
                response: $crate::http::Response<$crate::bytes::Bytes>,
            ) -> ::core::result::Result<$output, $error> {
                $parse(response)
            }
            #[inline]
            fn build_error(error: $crate::error::BuildError) -> $error {
                $error::Build(error)
            }
            #[inline]
            fn send_error(error: $crate::auth::SendError) -> $error {
                $error::Send(error)
            }
        }
    };
}

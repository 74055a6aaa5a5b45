//! `operation_error!`: what every generated endpoint `Error` enum shares.

/// The behaviour every generated endpoint `Error` enum shares, from its list of documented
/// codes: `operation_error!(Error, ID, ERRORS, super::ERRORS, super::ServiceCode,
/// { "100-006" => NotSignedIn })` (`ServiceCode`: the crate's enum of every documented code,
/// with `from_code(&str) -> Option<Self>`).
///
/// The enum itself is generated (one documented variant per code, then `Service`,
/// `Undocumented`, `Decode`, `Build` and `Send`); this adds:
/// - `from_failure`: a failed response becomes the variant of its code when the endpoint's
///   table (`ERRORS`) documents it, `Service` when the service-wide table does, else
///   `Undocumented`; the documented [`ErrorInfo`](super::ErrorInfo) is attached to the
///   [`ApiError`](super::ApiError);
/// - `from_documented_code` (for tests), `api_error`, `code`, `transport_error`,
///   `is_retryable`, and `From<BuildError>`;
/// - `Display` (the vendor's code and message, or the endpoint id and the cause) and
///   `std::error::Error` whose `source` is the cause's own cause (the cause's text is
///   already in `Display`).
///
/// All `#[inline]`: compiled where a program uses them, not once per endpoint.
///
/// With `enum` before the name, the macro also defines the enum, each code's variant with the
/// attributes given before its code (`#[doc = "…"] "100-006" => NotSignedIn`): the five
/// variants every endpoint has, and their docs, are then written once, here.
#[macro_export]
macro_rules! operation_error {
    (enum $error:ident, $id:path, $endpoint_table:path, $service_table:path, $codes:path,
     { $($(#[$attr:meta])* $code:literal => $variant:ident),* $(,)? }) => {
        /// Why a call of this endpoint failed: one variant per documented code, then the
        /// service-wide codes, undocumented answers, undecodable bodies, build and send failures.
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum $error {
            $($(#[$attr])* $variant($crate::response::ApiError),)*
            /// A service-wide documented code that the endpoint's page does not list.
            Service($crate::response::ApiError),
            /// A code or HTTP status the documentation does not list; the raw response is kept.
            Undocumented($crate::response::ApiError),
            /// The response body could not be decoded; the raw response is kept.
            Decode($crate::response::DecodeError),
            /// The request broke a documented constraint and was not sent.
            Build($crate::error::BuildError),
            /// The request could not be sent (transport or credentials).
            Send($crate::auth::SendError),
        }
        $crate::operation_error!($error, $id, $endpoint_table, $service_table, $codes, { $($code => $variant),* });
    };
    ($error:ident, $id:path, $endpoint_table:path, $service_table:path, $codes:path, { }) => {
        $crate::operation_error!(@impl $error, $id, $endpoint_table, $service_table, $codes, |error| {});
    };
    ($error:ident, $id:path, $endpoint_table:path, $service_table:path, $codes:path,
     { $($code:literal => $variant:ident),+ $(,)? }) => {
        $crate::operation_error!(@impl $error, $id, $endpoint_table, $service_table, $codes, |error| {
            if let ::core::option::Option::Some(info) =
                $crate::response::lookup(&$endpoint_table, error.code())
            {
                let error = error.with_info(info);
                return match info.code {
                    $($code => Self::$variant(error),)+
                    _ => Self::Undocumented(error),
                };
            }
        } $($variant)+);
    };
    (@impl $error:ident, $id:path, $endpoint_table:path, $service_table:path, $codes:path, |$api:ident| $endpoint:block
     $($variant:ident)*) => {
        impl $error {
            #[inline]
            fn from_failure(failure: $crate::response::Failure) -> Self {
                let $api = match failure {
                    $crate::response::Failure::Decode(error) => return Self::Decode(error),
                    $crate::response::Failure::Api(error) => error,
                };
                $endpoint
                if let ::core::option::Option::Some(info) =
                    $crate::response::lookup(&$service_table, $api.code())
                {
                    return Self::Service($api.with_info(info));
                }
                Self::Undocumented($api)
            }

            /// The error a call gets when the server answers the documented `code` (the
            /// endpoint's variant, or `Service` for a service-wide code), for tests of code
            /// that handles errors; `None` when the code is not documented.
            pub fn from_documented_code(code: &str) -> ::core::option::Option<Self> {
                let info = $crate::response::lookup(&$endpoint_table, ::core::option::Option::Some(code))
                    .or_else(|| $crate::response::lookup(&$service_table, ::core::option::Option::Some(code)))?;
                ::core::option::Option::Some(Self::from_failure($crate::response::Failure::Api(
                    $crate::response::ApiError::documented($id, info),
                )))
            }

            /// The API's answer, when the API answered with an error.
            #[inline]
            pub fn api_error(&self) -> ::core::option::Option<&$crate::response::ApiError> {
                match self {
                    $(Self::$variant(error) |)* Self::Service(error) | Self::Undocumented(error) => {
                        ::core::option::Option::Some(error)
                    }
                    _ => ::core::option::Option::None,
                }
            }

            /// The vendor's code, when the API answered with one.
            #[inline]
            pub fn code(&self) -> ::core::option::Option<&str> {
                match self.api_error() {
                    ::core::option::Option::Some(error) => error.code(),
                    ::core::option::Option::None => ::core::option::Option::None,
                }
            }

            /// The documented code as the crate's `ServiceCode`: the same value whether the
            /// endpoint's page or only the service lists the code; `None` without a code or
            /// for an undocumented one.
            #[inline]
            pub fn service_code(&self) -> ::core::option::Option<$codes> {
                match self.code() {
                    ::core::option::Option::Some(code) => <$codes>::from_code(code),
                    ::core::option::Option::None => ::core::option::Option::None,
                }
            }

            /// The transport's error, when no response arrived (`is_timeout()`,
            /// `is_connect()`, `kind()`).
            #[inline]
            pub fn transport_error(
                &self,
            ) -> ::core::option::Option<&$crate::transport::TransportError> {
                match self {
                    Self::Send($crate::auth::SendError::Transport(error)) => {
                        ::core::option::Option::Some(error)
                    }
                    _ => ::core::option::Option::None,
                }
            }

            /// Whether the documentation says repeating the call may succeed.
            #[inline]
            pub fn is_retryable(&self) -> bool {
                match self.api_error() {
                    ::core::option::Option::Some(error) => error.is_retryable(),
                    ::core::option::Option::None => false,
                }
            }
        }

        impl $crate::response::EndpointError for $error {
            #[inline]
            fn from_failure(failure: $crate::response::Failure) -> Self {
                $error::from_failure(failure)
            }
            #[inline]
            fn from_decode(error: $crate::response::DecodeError) -> Self {
                Self::Decode(error)
            }
        }

        /// `?` on a builder's result inside a function returning the endpoint's `Error`.
        impl ::core::convert::From<$crate::error::BuildError> for $error {
            #[inline]
            fn from(error: $crate::error::BuildError) -> Self {
                Self::Build(error)
            }
        }

        impl ::core::fmt::Display for $error {
            #[inline]
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                match self {
                    Self::Decode(error) => ::core::fmt::Display::fmt(error, f),
                    Self::Build(error) => ::core::write!(f, "{}: {error}", $id),
                    Self::Send(error) => ::core::write!(f, "{}: {error}", $id),
                    other => match other.api_error() {
                        ::core::option::Option::Some(error) => ::core::fmt::Display::fmt(error, f),
                        ::core::option::Option::None => f.write_str($id),
                    },
                }
            }
        }

        // Each layer prints its cause or returns it, never both: `Display` prints the cause's
        // text after the endpoint id, so `source` skips to the cause's own cause (otherwise
        // `{:#}` in anyhow would print every message twice).
        impl ::std::error::Error for $error {
            #[inline]
            fn source(&self) -> ::core::option::Option<&(dyn ::std::error::Error + 'static)> {
                match self {
                    Self::Decode(error) => ::std::error::Error::source(error),
                    Self::Build(error) => ::std::error::Error::source(error),
                    Self::Send(error) => ::std::error::Error::source(error),
                    _ => ::core::option::Option::None,
                }
            }
        }
    };
}

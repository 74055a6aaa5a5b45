//! The builder every generated endpoint's `Request` has, from the list of its fields.

/// Defines a generated endpoint's `RequestBuilder` and `Request::builder`:
///
/// ```text
/// request_builder!(RequestBuilder => Request {
///     #[doc = " The instance ID. Required: `build` fails without it."]
///     instance_id: String = required("InstanceId"),
///     job_id: String = optional,
///     page_size: i32 = default_copy(20),
///     mode: Mode = default(Mode::from("auto")),
/// });
/// ```
///
/// gives `RequestBuilder` (`Clone`, `Debug`, `Default`) with one setter per field taking
/// `impl Into<T>` (documented by the attributes given), `build` (a required field unset is a
/// `BuildError` naming its wire name; a field with a documented default gets it; then
/// `Request::validate`), and `send(client)`, which builds and calls in one step. The
/// module must have `Output`, `Error` and `super::Client` (a generated endpoint module does).
/// The setters, `build` and `send` are the same for every endpoint but for names and types:
/// written once here, not once per endpoint in the generated source.
#[macro_export]
macro_rules! request_builder {
    ($builder:ident => $request:ident {
        $($(#[$doc:meta])* $field:ident : $ty:ty = $kind:ident $(($($arg:tt)*))? ),* $(,)?
    }) => {
        impl $request {
            /// A builder; `build` checks required values and documented constraints.
            #[inline]
            pub fn builder() -> $builder {
                <$builder as ::core::default::Default>::default()
            }
        }

        /// Builds a [`Request`].
        #[derive(Clone, Debug, Default)]
        pub struct $builder {
            $($field: ::core::option::Option<$ty>,)*
        }

        impl $builder {
            $(
                $(#[$doc])*
                pub fn $field(mut self, value: impl ::core::convert::Into<$ty>) -> Self {
                    self.$field = ::core::option::Option::Some(value.into());
                    self
                }
            )*

            /// The request, once every required value is set and every constraint holds.
            #[inline]
            pub fn build(self) -> ::core::result::Result<$request, $crate::error::BuildError> {
                let request = $request {
                    $($field: $crate::request_builder!(@init self.$field, $kind $(($($arg)*))?),)*
                };
                request.validate()?;
                ::core::result::Result::Ok(request)
            }

            /// Builds the request and calls it with `client` in one step (a build error is
            /// the call's `Error::Build`); the future owns a clone of the client.
            #[inline]
            pub fn send(
                self,
                client: &super::Client,
            ) -> impl ::std::future::Future<
                Output = ::std::result::Result<Output, Error>,
            > + Send + 'static {
                client.core.call_built(self.build())
            }
        }
    };
    (@init $value:expr, required($wire:literal)) => {
        $crate::error::BuildError::require($value, $wire)?
    };
    (@init $value:expr, optional) => {
        $value
    };
    (@init $value:expr, default_copy($default:expr)) => {
        $value.unwrap_or($default)
    };
    (@init $value:expr, default($default:expr)) => {
        $value.unwrap_or_else(|| $default)
    };
}

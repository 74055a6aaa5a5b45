//! The async `Client`, its builder, and constructors for the service's auth schemes.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{code, markdown, vendor};
use super::types::ident;
use crate::model::{AuthScheme, Service};

/// Emits `Client`, `ClientBuilder` and `pub mod auth`; `as_crate`: the code is a crate's
/// `lib.rs` (its doc example names the crate), not a module included elsewhere.
pub fn emit_client(service: &Service, as_crate: bool) -> TokenStream {
    let methods = service.endpoints.iter().map(|e| {
        let name = ident(&e.rust);
        let module = e.rust.trim_start_matches("r#");
        let docs = markdown(&super::docs::sentences(&[
            format!("{}: {}", vendor(&e.title), vendor(&e.summary)),
            format!("See [`{module}`]."),
        ]));
        quote!(#docs #name;)
    });
    let vars: Vec<_> = service.base_url.variables.iter().collect();
    let var_slots = vars.iter().map(|v| {
        let name = ident(&v.name.rust);
        quote!(#name: ::std::option::Option<::std::string::String>,)
    });
    let var_setters = vars.iter().map(|v| {
        let name = ident(&v.name.rust);
        let mut text = v.description.as_deref().map_or_else(|| format!("Sets the base URL variable {}.", code(&v.name.wire)), vendor);
        if let Some(d) = &v.default {
            text.push_str(&format!("\n\nDefault: {}.", code(d)));
        }
        if !v.values.is_empty() {
            let list: Vec<String> = v.values.iter().map(|x| format!("- {}{}", code(&crate::naming::value_text(&x.value)), x.description.as_deref().map(|d| format!(": {}", vendor(d).replace('\n', "\n  "))).unwrap_or_default())).collect();
            text.push_str(&format!("\n\nDocumented values:\n{}", list.join("\n")));
        }
        let docs = markdown(&text);
        quote! {
            #docs
            pub fn #name(mut self, value: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.#name = Some(value.into());
                self
            }
        }
    });
    let fills = vars.iter().map(|v| {
        let name = ident(&v.name.rust);
        let wire = &v.name.wire;
        match &v.default {
            Some(d) => quote!((#wire, Some(self.#name.as_deref().unwrap_or(#d))),),
            None => quote!((#wire, self.#name.as_deref()),),
        }
    });
    let auth = emit_auth(service);
    let default_auth = default_auth(service);
    let events = super::delivery::emit_client_events(service);
    let title = format!(" An async client of {}.", service.title);
    let example = as_crate.then(|| client_example(service));
    quote! {
        #[doc = #title]
        ///
        /// Cheap to clone; clones share the transport and the auth state.
        ///
        /// One method per endpoint, each an `async fn` in effect: every method is the
        /// runtime's one generic `ClientCore::call`, compiled only for the endpoints a program
        /// calls. The futures own a clone of the client (`'static`): they can be spawned.
        /// `RequestBuilder::send(&client)` builds and calls in one step.
        #example
        #[derive(Clone, Debug)]
        pub struct Client {
            core: ::switchboard_runtime::client::ClientCore,
        }

        impl Client {
            /// A builder: base URL variables, transport and auth.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::default()
            }

            /// A client over an existing core (shared transport and auth).
            pub fn from_core(core: ::switchboard_runtime::client::ClientCore) -> Self {
                Client { core }
            }

            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                self.core.base_url()
            }

            /// A client sharing this one's transport and auth state whose calls retry under
            /// `policy` (see `switchboard_runtime::retry`); e.g.
            /// `client.with_retry(RetryPolicy::disabled()).op(request)` for one call sent once.
            pub fn with_retry(&self, policy: ::switchboard_runtime::retry::RetryPolicy) -> Self {
                Client { core: self.core.with_retry(policy) }
            }

            /// A client with its own auth scheme, and so its own session, sharing this one's
            /// base URL, transport (connection pool) and call options. A client holds one
            /// session (one signed-in agent): for several agents, one client per agent, e.g.
            /// `client.with_auth(auth::<scheme>(..))` for each.
            pub fn with_auth(&self, auth: impl ::switchboard_runtime::auth::Auth) -> Self {
                Client { core: self.core.with_auth(::std::sync::Arc::new(auth)) }
            }

            /// A client sharing this one's state whose calls each end after `timeout`,
            /// retries included (the attempt in flight is dropped; the call is not retried).
            pub fn with_timeout(&self, timeout: ::std::time::Duration) -> Self {
                Client { core: self.core.with_timeout(timeout) }
            }

            /// A client sharing this one's state whose attempts each end after `timeout`
            /// (retried only for idempotent endpoints).
            pub fn with_attempt_timeout(&self, timeout: ::std::time::Duration) -> Self {
                Client { core: self.core.with_attempt_timeout(timeout) }
            }

            // One method per endpoint, each `fn <endpoint>(&self, request: <endpoint>::Request)`
            // returning the call's future: the signature is written once, in the macro.
            ::switchboard_runtime::client_methods! { #(#methods)* }

            #events
        }

        /// Builds a [`Client`].
        #[derive(Debug, Default)]
        pub struct ClientBuilder {
            config: ::switchboard_runtime::client::ClientConfig,
            #(#var_slots)*
        }

        impl ClientBuilder {
            #(#var_setters)*

            /// Uses this base URL instead of filling the template.
            pub fn base_url(mut self, url: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.config.base_url = Some(url.into());
                self
            }

            /// Sends requests through this transport (default: reqwest, with the `reqwest` feature).
            pub fn transport(mut self, transport: impl ::switchboard_runtime::transport::Transport) -> Self {
                self.config.transport = Some(::std::sync::Arc::new(transport));
                self
            }

            /// Authenticates with this scheme (see [`auth`] for the ones the API documents).
            /// Without it, the client uses the documented scheme when that needs no
            /// credentials, and otherwise every call fails before sending
            /// (`AuthErrorKind::NoCredentials`); [`without_auth`](Self::without_auth) sends none.
            pub fn auth(mut self, auth: impl ::switchboard_runtime::auth::Auth) -> Self {
                self.config.auth = Some(::std::sync::Arc::new(auth));
                self
            }

            /// Authenticates with a shared scheme (to keep a handle on its session state).
            pub fn shared_auth(mut self, auth: ::std::sync::Arc<dyn ::switchboard_runtime::auth::Auth>) -> Self {
                self.config.auth = Some(auth);
                self
            }

            /// Retries calls under `policy` (default: `RetryPolicy::standard()`; turn off with
            /// `RetryPolicy::disabled()`).
            pub fn retry(mut self, policy: ::switchboard_runtime::retry::RetryPolicy) -> Self {
                self.config.options.retry = policy;
                self
            }

            /// Ends every call after `timeout`, retries included.
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.config.options.timeout = Some(timeout);
                self
            }

            /// Ends every attempt after `timeout` (retried only for idempotent endpoints).
            pub fn attempt_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.config.options.attempt_timeout = Some(timeout);
                self
            }

            /// Sends no credentials at all (tests against an in-memory transport, a server
            /// without auth). Without this or [`auth`](Self::auth), the client uses the API's
            /// documented scheme when it needs no credentials, and otherwise fails every call
            /// with `AuthErrorKind::NoCredentials` before sending.
            pub fn without_auth(mut self) -> Self {
                self.config.auth = Some(::std::sync::Arc::new(::switchboard_runtime::auth::NoAuth));
                self
            }

            /// The client; fails when a base URL variable without default is unset or would
            /// change the URL's structure.
            pub fn build(self) -> ::std::result::Result<Client, ::switchboard_runtime::error::BuildError> {
                let url = ::switchboard_runtime::client::fill_template(BASE_URL_TEMPLATE, &[#(#fills)*]);
                let mut config = self.config;
                if config.auth.is_none() {
                    config.auth = Some(#default_auth);
                }
                Ok(Client { core: config.build(url)? })
            }
        }

        #auth

        /// Credentials are given as a `Secret` (never printed, zeroed on drop).
        pub use ::switchboard_runtime::Secret;
        /// Transports: `transport::ReqwestTransport` (the default, feature `reqwest`),
        /// [`transport::InMemoryTransport`] for tests, the [`transport::Transport`] trait for
        /// your own.
        pub use ::switchboard_runtime::transport;
        /// The retry policy ([`retry::RetryPolicy`]).
        pub use ::switchboard_runtime::retry;
    }
}

/// The `Client` docs' example: a client of the real server, base URL variables and the
/// documented auth scheme filled with placeholders (compiled, not run).
fn client_example(service: &Service) -> TokenStream {
    let mut text = String::from(
        "\n# Example\n\nA client of the server, with the documented auth scheme (replace the \
         `your-…` values):\n\n```rust,no_run\n",
    );
    text.push_str(&format!("use {} as api;\n", service.crate_ident));
    text.push_str("# async fn example() -> Result<(), Box<dyn std::error::Error>> {\n");
    text.push_str("let client = api::Client::builder()\n");
    for v in service
        .base_url
        .variables
        .iter()
        .filter(|v| v.default.is_none())
    {
        let value = v
            .example
            .clone()
            .or_else(|| {
                v.values
                    .first()
                    .map(|x| crate::naming::value_text(&x.value))
            })
            .unwrap_or_else(|| format!("your-{}", v.name.wire.replace('_', "-")));
        text.push_str(&format!(
            "    .{}({value:?})\n",
            v.name.rust.trim_start_matches("r#")
        ));
    }
    if let Some(auth) = super::testing_example::auth_expr(service, "your") {
        text.push_str(&format!("    .auth({auth})\n"));
    }
    text.push_str("    .build()?;\n");
    text.push_str("// Then one call per endpoint: `api::<endpoint>::Request::builder()…send(&client).await?`.\n");
    text.push_str("# let _ = client;\n# Ok(())\n# }\n```");
    let lines: Vec<String> = text.split('\n').map(|l| format!(" {l}")).collect();
    quote! { #( #[doc = #lines] )* }
}

/// The scheme a client built without `.auth(..)` uses: the documented default (first) scheme
/// when it needs no credentials, else a placeholder that fails each call before sending.
fn default_auth(service: &Service) -> TokenStream {
    let missing = |name: &str| quote!(::std::sync::Arc::new(::switchboard_runtime::auth::MissingCredentials::new(#name)));
    match service.auth.schemes.first() {
        None | Some(AuthScheme::None) => {
            quote!(::std::sync::Arc::new(::switchboard_runtime::auth::NoAuth))
        }
        Some(AuthScheme::SessionHeader { .. }) => {
            let fallback = missing("session_header");
            quote! {
                match auth::session_header() {
                    Ok(scheme) => ::std::sync::Arc::new(scheme),
                    Err(_) => #fallback,
                }
            }
        }
        Some(AuthScheme::BasicCsrf { .. }) => missing("basic_csrf"),
        Some(AuthScheme::TlsSigQuery { .. }) => missing("tls_sig_query"),
        Some(AuthScheme::SignedHeadersHmacSha256 { .. }) => missing("signed_headers_hmac_sha256"),
        Some(AuthScheme::SignedQueryHmacSha1 { .. }) => missing("signed_query_hmac_sha1"),
    }
}

fn emit_auth(service: &Service) -> TokenStream {
    let mut fns = Vec::new();
    for scheme in &service.auth.schemes {
        fns.push(match scheme {
            AuthScheme::None => quote! {
                /// No authentication.
                pub fn none() -> ::switchboard_runtime::auth::NoAuth {
                    ::switchboard_runtime::auth::NoAuth
                }
            },
            AuthScheme::SessionHeader { capture_header, value_prefix, send_header, description, .. } => {
                let prefix = value_prefix.as_deref().map(|p| quote!(.value_prefix(#p)));
                let docs = markdown(&format!("The session-header scheme: {} captured from responses{}, sent back as {}.\n\n{}", code(capture_header), value_prefix.as_deref().map(|p| format!(" (after {})", code(p))).unwrap_or_default(), code(send_header), vendor(description.as_deref().unwrap_or(""))));
                quote! {
                    #docs
                    pub fn session_header() -> ::std::result::Result<::switchboard_runtime::auth::SessionHeaderAuth, ::switchboard_runtime::auth::AuthError> {
                        let config = ::switchboard_runtime::auth::SessionHeaderConfig::new(#capture_header, #send_header)? #prefix;
                        Ok(::switchboard_runtime::auth::SessionHeaderAuth::new(config))
                    }
                }
            }
            AuthScheme::BasicCsrf { csrf_header_name_header, csrf_token_header, csrf_refresh_path, csrf_failure_status, csrf_failure_text, description, .. } => {
                let text = csrf_failure_text.as_deref().unwrap_or("");
                let path = csrf_refresh_path;
                let docs = markdown(&format!("HTTP Basic with a cookie session and a CSRF token ({}, refreshed with {}).\n\n{}", code(csrf_token_header), code(&format!("GET {path}")), vendor(description.as_deref().unwrap_or(""))));
                quote! {
                    #docs
                    pub fn basic_csrf(
                        username: impl ::std::convert::Into<::std::string::String>,
                        password: ::switchboard_runtime::Secret,
                    ) -> ::std::result::Result<::switchboard_runtime::auth::BasicCsrfAuth, ::switchboard_runtime::auth::AuthError> {
                        // The token refresh is under the client's base URL, whatever it is.
                        let mut csrf = ::switchboard_runtime::auth::CsrfConfig::new(
                            #csrf_header_name_header, #csrf_token_header, #text, #path,
                        )?;
                        csrf.refresh_from_base = true;
                        csrf.failure_status = ::switchboard_runtime::http::StatusCode::from_u16(#csrf_failure_status)
                            .unwrap_or(::switchboard_runtime::http::StatusCode::FORBIDDEN);
                        Ok(::switchboard_runtime::auth::BasicCsrfAuth::new(username, password).with_csrf(csrf))
                    }
                }
            }
            AuthScheme::TlsSigQuery { app_id_param, identifier_param, signature_param, random_param, fixed_params, default_expire_seconds, description } => {
                let keys = fixed_params.keys();
                let values = fixed_params.values();
                let expire = default_expire_seconds.map(|s| quote!(.expire_seconds(#s)));
                let docs = markdown(&format!("A signed ticket and identity in the query string ({}, {}, {}, {}).\n\n{}", code(app_id_param), code(identifier_param), code(signature_param), code(random_param), vendor(description.as_deref().unwrap_or(""))));
                quote! {
                    #docs
                    pub fn tls_sig_query(
                        app_id: u64,
                        identifier: impl ::std::convert::Into<::std::string::String>,
                        key: ::switchboard_runtime::Secret,
                    ) -> ::switchboard_runtime::auth::QuerySigAuth {
                        let names = ::switchboard_runtime::auth::QuerySigNames {
                            app_id: #app_id_param.to_owned(),
                            identifier: #identifier_param.to_owned(),
                            signature: #signature_param.to_owned(),
                            random: #random_param.to_owned(),
                            fixed: vec![#((#keys.to_owned(), #values.to_owned())),*],
                        };
                        ::switchboard_runtime::auth::QuerySigAuth::new(
                            ::switchboard_runtime::auth::QuerySigConfig::new(app_id, identifier, key, names) #expire,
                        )
                    }
                }
            }
            AuthScheme::SignedHeadersHmacSha256 { algorithm, action_param, version_param, description, .. } => {
                signing_fn("signed_headers_hmac_sha256", quote!(HmacSha256SignedHeaders), None, &format!("Requests signed with {}.\n\n{}", code(algorithm), vendor(description.as_deref().unwrap_or(""))), action_param, version_param)
            }
            AuthScheme::SignedQueryHmacSha1 { signature_version, format, action_param, version_param, description } => {
                signing_fn("signed_query_hmac_sha1", quote!(HmacSha1SignedQuery), format.as_deref(), &format!("Requests signed with HMAC-SHA1 over the sorted query (signature version {}).\n\n{}", code(signature_version), vendor(description.as_deref().unwrap_or(""))), action_param, version_param)
            }
        });
    }
    let text = service.auth.description.as_deref().map_or_else(
        || "The API's authentication schemes, the default first.".to_owned(),
        vendor,
    );
    let docs = markdown(&text);
    quote! {
        #docs
        pub mod auth {
            #(#fns)*

            /// Why a call failed before a response: credentials could not be applied
            /// ([`AuthError`], e.g. [`AuthErrorKind::NoSession`]) or the transport failed.
            pub use ::switchboard_runtime::auth::{AuthError, AuthErrorKind, SendError};
        }
    }
}

fn signing_fn(
    name: &str,
    algorithm: TokenStream,
    format: Option<&str>,
    text: &str,
    action: &str,
    version: &str,
) -> TokenStream {
    let format = format.map(|f| quote!(.format(#f)));
    let config = format_ident!("{name}_config");
    let name = format_ident!("{name}");
    let docs = markdown(text);
    let config_docs = markdown(&format!(
        "The configuration behind [`{name}`], to add a security token (temporary credentials) before `SigningAuth::new`."
    ));
    quote! {
        #docs
        pub fn #name(
            access_key_id: impl ::std::convert::Into<::std::string::String>,
            access_key_secret: ::switchboard_runtime::Secret,
        ) -> ::switchboard_runtime::auth::SigningAuth {
            ::switchboard_runtime::auth::SigningAuth::new(#config(access_key_id, access_key_secret))
        }

        #config_docs
        pub fn #config(
            access_key_id: impl ::std::convert::Into<::std::string::String>,
            access_key_secret: ::switchboard_runtime::Secret,
        ) -> ::switchboard_runtime::auth::SigningConfig {
            ::switchboard_runtime::auth::SigningConfig::new(
                ::switchboard_runtime::auth::SigningAlgorithm::#algorithm,
                access_key_id, access_key_secret, #action, #version,
            ) #format
        }
    }
}

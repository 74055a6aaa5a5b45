//! One generated client per auth scheme, configured with known secrets, calling one endpoint
//! against a loopback server: what the client and secret tests drive.

use std::error::Error as StdError;
use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use switchboard_alibaba_ccc as alibaba;
use switchboard_genesys_gws as genesys;
use switchboard_huawei_agentgateway as huawei;
use switchboard_runtime::Secret;
use switchboard_runtime::auth::{BasicCsrfAuth, QuerySigAuth, SessionHeaderAuth, SigningAuth};
use switchboard_runtime::transport::{ReqwestTransport, TransportConfig, TransportErrorKind};
use switchboard_tencent_im_desk as tencent;

/// Values that must never be printed. Each is long and unique so a hit is never chance.
pub const GUID: &str = "guid-SECRET-7f3a9c1e-0b2d-4e5f-8a9b-1c2d3e4f5a6b";
/// A GUID the server hands out in `Set-GUID`.
pub const SERVER_GUID: &str = "setguid-SECRET-5e6f7a8b-9c0d-1e2f-3a4b-5c6d7e8f9a0b";
/// A session cookie the server sets.
pub const COOKIE: &str = "cookie-SECRET-0a1b2c3d4e5f60718293a4b5c6d7e8f9";
/// A CSRF token the server hands out.
pub const CSRF: &str = "csrf-SECRET-9f8e7d6c5b4a39281706f5e4d3c2b1a0";
/// A password.
pub const PASSWORD: &str = "password-SECRET-hunter2-Zq8!x";
/// A signing key (TLSSigAPIv2).
pub const SIG_KEY: &str = "sigkey-SECRET-3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d";
/// An access-key secret (request signing).
pub const ACCESS_SECRET: &str = "accesssecret-SECRET-6b7c8d9e0f1a2b3c";

/// Response headers that carry session values, as the servers of the schemes send them.
pub fn secret_headers() -> Vec<(&'static str, String)> {
    vec![
        ("Set-GUID", format!("JSESSIONID={SERVER_GUID}")),
        (
            "Set-Cookie",
            format!("JSESSIONID={COOKIE}; Path=/; HttpOnly"),
        ),
        ("X-CSRF-HEADER", "X-CSRF-TOKEN".to_owned()),
        ("X-CSRF-TOKEN", CSRF.to_owned()),
    ]
}

/// The transport of the tests: short timeouts and a 64 KiB body limit.
pub fn transport() -> ReqwestTransport {
    let config = TransportConfig::default()
        .connect_timeout(Duration::from_secs(2))
        .request_timeout(Duration::from_millis(1500))
        .max_response_bytes(64 * 1024);
    ReqwestTransport::with_config(config).expect("the transport builds")
}

/// What one call ended with, as text a user could print.
pub struct Outcome {
    /// `Display`, `Debug` and `{:#?}` of the error and of every cause, or `Debug` of the
    /// output.
    pub texts: Vec<String>,
    /// The transport failure, when that is what happened.
    pub transport: Option<TransportErrorKind>,
    /// The HTTP status the error kept, when the server answered.
    pub failed: bool,
}

/// [`outcome`] of a call, with the transport failure read through `Error::transport_error`.
macro_rules! outcome_of {
    ($result:expr) => {{
        let result = $result;
        let transport = result
            .as_ref()
            .err()
            .and_then(|e| e.transport_error())
            .map(|t| t.kind());
        outcome(result, transport)
    }};
}

fn outcome<T: Debug, E: StdError + 'static>(
    result: Result<T, E>,
    transport: Option<TransportErrorKind>,
) -> Outcome {
    match result {
        Ok(output) => Outcome {
            texts: vec![format!("{output:?}")],
            transport: None,
            failed: false,
        },
        Err(error) => {
            let mut texts = vec![
                error.to_string(),
                format!("{error:?}"),
                format!("{error:#?}"),
            ];
            let mut cause: Option<&(dyn StdError + 'static)> = error.source();
            while let Some(c) = cause {
                texts.push(c.to_string());
                texts.push(format!("{c:?}"));
                cause = c.source();
            }
            Outcome {
                texts,
                transport,
                failed: true,
            }
        }
    }
}

/// A generated client with its auth scheme, kept across calls so that captured session
/// values accumulate as they would in use.
pub enum Vendor {
    /// A session value captured from a response header and sent in a request header.
    Session(Arc<SessionHeaderAuth>),
    /// HTTP Basic, a session cookie and a CSRF token.
    BasicCsrf(Arc<BasicCsrfAuth>),
    /// A UserSig in the query string.
    QuerySig(Arc<QuerySigAuth>),
    /// Signed headers (HMAC-SHA256).
    SignedHeaders(Arc<SigningAuth>),
    /// A signed query (HMAC-SHA1).
    SignedQuery(Arc<SigningAuth>),
}

impl Vendor {
    /// One of each, with the secrets above configured.
    pub fn all() -> Vec<Vendor> {
        let session = huawei::auth::session_header().expect("the scheme builds");
        session.set_session(Secret::new(GUID));
        vec![
            Vendor::Session(Arc::new(session)),
            Vendor::BasicCsrf(Arc::new(
                genesys::auth::basic_csrf("agent", Secret::new(PASSWORD))
                    .expect("the scheme builds"),
            )),
            Vendor::QuerySig(Arc::new(tencent::auth::tls_sig_query(
                1_400_000_000,
                "administrator",
                Secret::new(SIG_KEY),
            ))),
            Vendor::SignedHeaders(Arc::new(alibaba::auth::signed_headers_hmac_sha256(
                "LTAI-access-key-id",
                Secret::new(ACCESS_SECRET),
            ))),
            Vendor::SignedQuery(Arc::new(alibaba::auth::signed_query_hmac_sha1(
                "LTAI-access-key-id",
                Secret::new(ACCESS_SECRET),
            ))),
        ]
    }

    /// A name for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Vendor::Session(_) => "session header",
            Vendor::BasicCsrf(_) => "basic + csrf",
            Vendor::QuerySig(_) => "query signature",
            Vendor::SignedHeaders(_) => "signed headers",
            Vendor::SignedQuery(_) => "signed query",
        }
    }

    /// Text that a request carrying this scheme's credentials contains (lowercase).
    pub fn credential_marker(&self) -> &'static str {
        match self {
            Vendor::Session(_) => "guid:",
            Vendor::BasicCsrf(_) => "authorization: basic",
            Vendor::QuerySig(_) => "usersig=",
            Vendor::SignedHeaders(_) => "authorization: acs3-hmac-sha256",
            Vendor::SignedQuery(_) => "signature=",
        }
    }

    /// Every secret this scheme holds or derives, in the forms it could leak in.
    pub fn secrets(&self) -> Vec<String> {
        let mut out = vec![
            GUID.to_owned(),
            SERVER_GUID.to_owned(),
            COOKIE.to_owned(),
            CSRF.to_owned(),
            PASSWORD.to_owned(),
            SIG_KEY.to_owned(),
            ACCESS_SECRET.to_owned(),
            base64::engine::general_purpose::STANDARD.encode(format!("agent:{PASSWORD}")),
        ];
        if let Vendor::QuerySig(auth) = self {
            let sig = auth
                .current_user_sig()
                .expect("a UserSig")
                .expose()
                .to_owned();
            out.push(sig.replace('*', "%2A"));
            out.push(sig);
        }
        out
    }

    /// `Debug` of the scheme after use.
    pub fn state(&self) -> String {
        match self {
            Vendor::Session(a) => format!("{a:?} {a:#?}"),
            Vendor::BasicCsrf(a) => format!("{a:?} {a:#?}"),
            Vendor::QuerySig(a) => format!("{a:?} {a:#?}"),
            Vendor::SignedHeaders(a) | Vendor::SignedQuery(a) => format!("{a:?} {a:#?}"),
        }
    }

    /// Calls one endpoint at `base` (`http://host:port`), the client's `Debug` included.
    pub async fn call(&self, base: &str) -> Outcome {
        let (mut result, client) = match self {
            Vendor::Session(auth) => {
                let client = huawei::Client::builder()
                    .base_url(format!("{base}/agentgateway"))
                    .transport(transport())
                    .auth(Arc::clone(auth))
                    .build()
                    .expect("the client builds");
                let request = huawei::leave_agent_conference::Request::builder()
                    .agent_id("101")
                    .build()
                    .expect("valid");
                (
                    outcome_of!(client.leave_agent_conference(request).await),
                    format!("{client:?}"),
                )
            }
            Vendor::BasicCsrf(auth) => {
                let client = genesys::Client::builder()
                    .base_url(format!("{base}/api/v2"))
                    .transport(transport())
                    .auth(Arc::clone(auth))
                    .build()
                    .expect("the client builds");
                let request = genesys::remove_participant_from_conference::Request::builder()
                    .id("01RCC3N118B1V0SL8O7GK2LAES00000O")
                    .participant("15001")
                    .build()
                    .expect("valid");
                let result = client.remove_participant_from_conference(request).await;
                (outcome_of!(result), format!("{client:?}"))
            }
            Vendor::QuerySig(auth) => {
                let client = tencent::Client::builder()
                    .base_url(base)
                    .transport(transport())
                    .auth(Arc::clone(auth))
                    .build()
                    .expect("the client builds");
                let request = tencent::end_session::Request::builder()
                    .session_id("b0f4ca12-4850-4218-a284-efe679a87066")
                    .build()
                    .expect("valid");
                (
                    outcome_of!(client.end_session(request).await),
                    format!("{client:?}"),
                )
            }
            Vendor::SignedHeaders(auth) | Vendor::SignedQuery(auth) => {
                let client = alibaba::Client::builder()
                    .base_url(base)
                    .transport(transport())
                    .auth(Arc::clone(auth))
                    .build()
                    .expect("the client builds");
                let request = alibaba::unmute_call::Request::builder()
                    .instance_id("ccc-test")
                    .user_id("agent@ccc-test")
                    .device_id("device")
                    .job_id("job-6538214103685")
                    .channel_id("ch:user:13905010000->80320000:1609138902226:job-6538214103685")
                    .build()
                    .expect("valid");
                (
                    outcome_of!(client.unmute_call(request).await),
                    format!("{client:?}"),
                )
            }
        };
        result.texts.push(client);
        result.texts.push(self.state());
        result
    }
}

/// Fails if any of `texts` contains any of `secrets`.
pub fn assert_no_secret(what: &str, texts: &[String], secrets: &[String]) {
    for text in texts {
        for secret in secrets {
            assert!(
                !text.contains(secret.as_str()),
                "{what}: secret `{secret}` printed in:\n{text}"
            );
        }
    }
}

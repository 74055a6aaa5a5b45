//! Every auth scheme, configuration, error and raw response is formatted (`{:?}` and, where it
//! exists, `{}`) after handling known secret values; none of those values may appear.

use std::sync::Arc;

use base64::Engine as _;
use bytes::Bytes;
use switchboard_runtime::Secret;
use switchboard_runtime::auth::{
    Auth, BasicCsrfAuth, CsrfConfig, ManualClock, NoAuth, QuerySigAuth, QuerySigConfig,
    QuerySigNames, SessionHeaderAuth, SessionHeaderConfig, SigningAlgorithm, SigningAuth,
    SigningConfig, execute,
};
use switchboard_runtime::error::{BuildError, RawResponse, RedactedHeaders, decode_json};
use switchboard_runtime::signing::tls_sig_v2;
use switchboard_runtime::transport::InMemoryTransport;

const PASSWORD: &str = "pw-S3CR3T-1";
const ACCESS_KEY_SECRET: &str = "aks-S3CR3T-2";
const STS_TOKEN: &str = "sts-S3CR3T-3";
const TLS_KEY: &str = "tls-S3CR3T-4";
const GUID: &str = "guid-S3CR3T-5";
const COOKIE: &str = "cookie-S3CR3T-6";
const CSRF_TOKEN: &str = "csrf-S3CR3T-7";

struct Leaks {
    forbidden: Vec<String>,
    checked: usize,
}

impl Leaks {
    fn check(&mut self, what: &str, text: String) {
        for secret in &self.forbidden {
            assert!(
                !text.contains(secret.as_str()),
                "{what} leaks {secret}: {text}"
            );
        }
        self.checked += 1;
    }

    fn debug(&mut self, what: &str, value: &dyn std::fmt::Debug) {
        self.check(what, format!("{value:?}"));
        self.check(what, format!("{value:#?}"));
    }

    fn error(&mut self, what: &str, error: &dyn std::error::Error) {
        self.debug(what, &error);
        self.check(what, error.to_string());
        let mut source = error.source();
        while let Some(cause) = source {
            self.check(what, format!("{cause} / {cause:?}"));
            source = cause.source();
        }
    }
}

fn get(uri: &str) -> http::Request<Bytes> {
    http::Request::get(uri)
        .body(Bytes::new())
        .expect("valid request")
}

#[tokio::test]
async fn no_secret_is_ever_formatted() {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("agent:{PASSWORD}"));
    let mut leaks = Leaks {
        forbidden: [
            PASSWORD,
            ACCESS_KEY_SECRET,
            STS_TOKEN,
            TLS_KEY,
            GUID,
            COOKIE,
            CSRF_TOKEN,
            "S3CR3T",
            &basic,
        ]
        .map(str::to_owned)
        .to_vec(),
        checked: 0,
    };

    // A server that hands out every kind of session value.
    let transport = InMemoryTransport::from_fn(|_| {
        Ok(http::Response::builder()
            .status(200)
            .header("Set-GUID", format!("JSESSIONID={GUID}"))
            .header("Set-Cookie", format!("JSESSIONID={COOKIE}; Path=/"))
            .header("X-CSRF-HEADER", "X-CSRF-TOKEN")
            .header("X-CSRF-TOKEN", CSRF_TOKEN)
            .header("x-request-id", "visible")
            .body(Bytes::from_static(b"{}"))
            .expect("valid response"))
    });

    let session = SessionHeaderAuth::new(
        SessionHeaderConfig::new("Set-GUID", "Guid")
            .expect("valid")
            .value_prefix("JSESSIONID="),
    );
    let csrf = CsrfConfig::new(
        "X-CSRF-HEADER",
        "X-CSRF-TOKEN",
        "Missing or invalid Csrf token",
        "/me",
    )
    .expect("valid");
    let basic_csrf = BasicCsrfAuth::new("agent", Secret::from(PASSWORD)).with_csrf(csrf.clone());
    let names = QuerySigNames {
        app_id: "sdkappid".into(),
        identifier: "identifier".into(),
        signature: "usersig".into(),
        random: "random".into(),
        fixed: vec![("contenttype".into(), "json".into())],
    };
    let query_config =
        QuerySigConfig::new(1_400_000_000, "administrator", Secret::from(TLS_KEY), names);
    let query_sig = QuerySigAuth::new(query_config.clone())
        .with_clock(Arc::new(ManualClock::at_unix(1_700_000_000)));
    let signing_configs = [
        SigningAlgorithm::HmacSha256SignedHeaders,
        SigningAlgorithm::HmacSha1SignedQuery,
    ]
    .map(|algorithm| {
        SigningConfig::new(
            algorithm,
            "id",
            Secret::from(ACCESS_KEY_SECRET),
            "Action",
            "Version",
        )
        .security_token(Secret::from(STS_TOKEN))
    });

    let schemes: Vec<(&str, Arc<dyn Auth>)> = vec![
        ("NoAuth", Arc::new(NoAuth)),
        ("SessionHeaderAuth", Arc::new(session)),
        ("BasicCsrfAuth", Arc::new(basic_csrf)),
        ("QuerySigAuth", Arc::new(query_sig)),
        (
            "SigningAuth acs3",
            Arc::new(SigningAuth::new(signing_configs[0].clone())),
        ),
        (
            "SigningAuth rpc",
            Arc::new(SigningAuth::new(signing_configs[1].clone())),
        ),
    ];
    // Run each scheme twice so that captured values are in use on the second request.
    for (name, scheme) in &schemes {
        for _ in 0..2 {
            let request = http::Request::post("https://h.test/p?Action=A&Version=V")
                .body(Bytes::new())
                .expect("valid request");
            let response = execute(&transport, scheme.as_ref(), request)
                .await
                .expect("sent");
            leaks.debug(name, &RawResponse::from_response(response));
        }
    }
    // The UserSig a request carried is itself a credential.
    let user_sig = transport
        .requests()
        .iter()
        .flat_map(|r| switchboard_runtime::query::pairs(r.uri()))
        .find(|(name, _)| name == "usersig")
        .map(|(_, value)| value)
        .expect("a request carried a UserSig");
    leaks.forbidden.push(user_sig.clone());
    let decoded = tls_sig_v2::decode_user_sig(&user_sig).expect("decodes");
    leaks.forbidden.push(decoded.sig.expose().to_owned());

    // Every request header map, as the runtime shows it.
    for request in transport.requests() {
        leaks.debug("request headers", &RedactedHeaders::new(request.headers()));
    }
    leaks.debug("transport", &transport);
    leaks.debug("decoded UserSig", &decoded);
    leaks.debug("CsrfConfig", &csrf);
    leaks.debug("QuerySigConfig", &query_config);
    for config in &signing_configs {
        leaks.debug("SigningConfig", config);
    }
    // The schemes themselves, holding every captured value.
    for (name, scheme) in &schemes {
        leaks.debug(name, scheme);
    }
    leaks.debug("Secret", &Secret::from(PASSWORD));
    leaks.check("Secret", Secret::from(PASSWORD).to_string());

    // Errors.
    let bad_session =
        SessionHeaderAuth::new(SessionHeaderConfig::new("Set-GUID", "Guid").expect("valid"));
    bad_session.set_session(Secret::from(format!("{GUID}\n")));
    let error = bad_session
        .prepare(&mut get("https://h.test/"))
        .expect_err("newline in header");
    leaks.error("AuthError (header)", &error);
    let no_action = SigningAuth::new(signing_configs[0].clone());
    let error = execute(&transport, &no_action, get("https://h.test/"))
        .await
        .expect_err("no Action");
    leaks.error("SendError", &error);
    let error = tls_sig_v2::verify(
        &Secret::from("wrong"),
        &user_sig,
        1_400_000_000,
        "administrator",
        1_700_000_000,
    )
    .expect_err("wrong key");
    leaks.error("UserSigError", &error);
    let error =
        BuildError::check_length("password", PASSWORD, None, Some(4), true).expect_err("too long");
    leaks.error("BuildError", &error);
    let error =
        decode_json(format!("{{\"token\": \"{CSRF_TOKEN}\"").as_bytes()).expect_err("truncated");
    leaks.error("JsonError", &error);

    assert!(leaks.checked > 40, "only {} formats checked", leaks.checked);
}

//! Generated clients against a loopback server: bodies over the configured limit are
//! refused, the default timeouts exist and are documented, and a redirect to another host is
//! never followed, so credentials never reach it.

use std::time::Duration;

use switchboard_runtime::transport::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_REQUEST_TIMEOUT, TransportConfig,
    TransportErrorKind,
};
use switchboard_tests::root;

use crate::loopback::{Loopback, Reply, Responder, response};
use crate::vendors::{Vendor, secret_headers};

/// A success body of every envelope, padded to `size` bytes with an unknown field.
fn padded_body(size: usize) -> Vec<u8> {
    let head = br#"{"retcode":"0","result":{},"message":"success","pad":""#;
    let mut body = head.to_vec();
    body.resize(size - 2, b'x');
    body.extend_from_slice(b"\"}");
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_are_refused_through_a_generated_client() {
    let limit = 64 * 1024;
    for (what, reply) in [
        (
            "declared length",
            Box::new(move |_: &_| response("200 OK", &[], &padded_body(limit + 1))) as Responder,
        ),
        (
            "chunked",
            Box::new(move |_: &_| {
                let body = padded_body(limit + 1);
                let mut raw =
                    b"HTTP/1.1 200 OK\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
                        .to_vec();
                for chunk in body.chunks(4096) {
                    raw.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                    raw.extend_from_slice(chunk);
                    raw.extend_from_slice(b"\r\n");
                }
                raw.extend_from_slice(b"0\r\n\r\n");
                Reply::Bytes(raw)
            }),
        ),
    ] {
        let server = Loopback::start(reply).await;
        for vendor in Vendor::all() {
            let outcome = vendor.call(&server.base()).await;
            assert_eq!(
                outcome.transport,
                Some(TransportErrorKind::BodyTooLarge),
                "{} ({what}): {:?}",
                vendor.name(),
                outcome.texts.first()
            );
        }
    }
    // At the limit the body is read and decoded.
    let server = Loopback::start(move |_| response("200 OK", &[], &padded_body(limit))).await;
    let vendor = &Vendor::all()[0];
    let outcome = vendor.call(&server.base()).await;
    assert!(
        !outcome.failed,
        "{}: {:?}",
        vendor.name(),
        outcome.texts.first()
    );
}

/// Connect 10 s, whole request 30 s, body 8 MiB: set by `TransportConfig::default()` (what
/// a generated client's builder uses) and stated in the constants' documentation.
#[test]
fn default_timeouts_and_limit_exist_and_are_documented() {
    assert_eq!(DEFAULT_CONNECT_TIMEOUT, Duration::from_secs(10));
    assert_eq!(DEFAULT_REQUEST_TIMEOUT, Duration::from_secs(30));
    assert_eq!(DEFAULT_MAX_RESPONSE_BYTES, 8 * 1024 * 1024);
    let config = TransportConfig::default();
    assert_eq!(config.connect_timeout, DEFAULT_CONNECT_TIMEOUT);
    assert_eq!(config.request_timeout, DEFAULT_REQUEST_TIMEOUT);
    assert_eq!(config.max_response_bytes, DEFAULT_MAX_RESPONSE_BYTES);
    let source = std::fs::read_to_string(root().join("runtime/src/transport/reqwest.rs"))
        .expect("the transport source");
    for (constant, stated) in [
        ("DEFAULT_CONNECT_TIMEOUT", "10 seconds"),
        ("DEFAULT_REQUEST_TIMEOUT", "30 seconds"),
        ("DEFAULT_MAX_RESPONSE_BYTES", "8 MiB"),
    ] {
        let at = source
            .find(&format!("pub const {constant}"))
            .unwrap_or_else(|| panic!("{constant} is declared"));
        let docs: Vec<&str> = source[..at]
            .lines()
            .rev()
            .take_while(|l| l.trim_start().starts_with("///"))
            .collect();
        assert!(
            docs.iter().any(|l| l.contains(stated)),
            "the docs of {constant} state {stated}: {docs:?}"
        );
    }
}

/// Server A answers every request with a redirect to server B (another host: another port,
/// and the name `localhost` instead of the address). For every auth scheme, A sees the
/// credentials (Authorization, Guid, the session cookie, signatures, the UserSig) and B sees
/// nothing at all: redirects are not followed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_to_another_host_never_carry_credentials() {
    let b = Loopback::start(|_| response("200 OK", &[], br#"{"retcode":"0","result":{}}"#)).await;
    for status in [
        "301 Moved Permanently",
        "302 Found",
        "303 See Other",
        "307 Temporary Redirect",
        "308 Permanent Redirect",
    ] {
        for target in [
            format!("http://127.0.0.1:{}/steal", b.port()),
            format!("http://localhost:{}/steal", b.port()),
        ] {
            // The redirect also sets a session cookie and a CSRF token, so that later requests
            // to A carry them: they must not reach B either.
            let mut headers = secret_headers();
            headers.push(("Location", target.clone()));
            let a = Loopback::start(move |_| {
                let headers: Vec<(&str, &str)> =
                    headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
                response(status, &headers, b"")
            })
            .await;
            for vendor in Vendor::all() {
                let outcome = vendor.call(&a.base()).await;
                assert!(
                    outcome.failed,
                    "{} ({status}): a redirect is not a success",
                    vendor.name()
                );
                assert_eq!(
                    outcome.transport,
                    None,
                    "{}: the redirect is returned as a response",
                    vendor.name()
                );
            }
            let seen = a.received();
            assert!(
                seen.iter().any(|r| r
                    .text()
                    .to_ascii_lowercase()
                    .contains("cookie: jsessionid=")),
                "A never saw the session cookie, so the test proves nothing for cookies"
            );
            for vendor in Vendor::all() {
                assert!(
                    seen.iter().any(|r| r
                        .text()
                        .to_ascii_lowercase()
                        .contains(vendor.credential_marker())),
                    "{}: A never saw credentials, so the test proves nothing",
                    vendor.name()
                );
            }
            assert!(
                b.received().is_empty(),
                "{status} to {target}: B was contacted: {:?}",
                b.received()
            );
        }
    }
}

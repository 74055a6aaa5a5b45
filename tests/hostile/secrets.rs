//! No secret configured in a generated client (passwords, keys, session GUIDs, cookies, CSRF
//! tokens, UserSigs) appears in the `Display` or `Debug` of any error it returns — API
//! errors, undecodable bodies, redirects, timeouts, refused connections, oversized bodies,
//! auth failures — nor in the `Debug` of the client or its auth scheme.

use switchboard_runtime::Secret;
use switchboard_runtime::transport::TransportErrorKind;

use crate::loopback::{Loopback, Reply, Responder, response};
use crate::vendors::{GUID, Vendor, assert_no_secret, secret_headers};

/// An error body for every envelope: each scheme's own code field holds a failure.
const ERROR_BODY: &[u8] = br#"{"retcode":"100-006","statusCode":2,"ErrorCode":70001,"ActionStatus":"FAIL","Code":"Forbidden.NoPermission","HttpStatusCode":403,"code":"E-1","message":"failed","Message":"failed","ErrorInfo":"failed","RequestId":"req-1"}"#;

fn with_secrets(status: &str, body: &[u8]) -> Reply {
    let headers = secret_headers();
    let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    response(status, &headers, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_error_path_prints_a_secret() {
    let elsewhere = Loopback::start(|_| response("200 OK", &[], b"{}")).await;
    let location = format!("http://localhost:{}/x", elsewhere.port());
    let scenarios: Vec<(&str, Responder, Option<TransportErrorKind>)> = vec![
        (
            "documented error",
            Box::new(|_| with_secrets("200 OK", ERROR_BODY)),
            None,
        ),
        (
            "error status",
            Box::new(|_| with_secrets("403 Forbidden", ERROR_BODY)),
            None,
        ),
        (
            "server error page",
            Box::new(|_| with_secrets("500 Internal Server Error", b"<html>proxy error</html>")),
            None,
        ),
        (
            "undecodable body",
            Box::new(|_| with_secrets("200 OK", b"\xff\xfenot json")),
            None,
        ),
        (
            "wrong shape",
            Box::new(|_| {
                with_secrets("200 OK", br#"{"retcode":"0","result":[1,2],"ErrorCode":0,"Code":"OK","statusCode":0,"data":7}"#)
            }),
            None,
        ),
        (
            "redirect",
            Box::new(move |_| response("302 Found", &[("Location", &location)], b"")),
            None,
        ),
        (
            "oversized",
            Box::new(|_| with_secrets("200 OK", &vec![b' '; 70 * 1024])),
            Some(TransportErrorKind::BodyTooLarge),
        ),
        (
            "no answer",
            Box::new(|_| Reply::Hang),
            Some(TransportErrorKind::Timeout),
        ),
    ];
    let vendors = Vendor::all();
    let mut texts_per_vendor: Vec<Vec<String>> = vec![Vec::new(); vendors.len()];
    for (what, reply, expected) in scenarios {
        let server = Loopback::start(reply).await;
        for (vendor, texts) in vendors.iter().zip(&mut texts_per_vendor) {
            let outcome = vendor.call(&server.base()).await;
            // A body of the wrong shape may still decode for an envelope that ignores it.
            assert!(
                outcome.failed || what == "wrong shape",
                "{} / {what}: expected an error",
                vendor.name()
            );
            if expected.is_some() {
                assert_eq!(outcome.transport, expected, "{} / {what}", vendor.name());
            }
            texts.extend(outcome.texts);
        }
    }
    // Nothing listens on the port of a server that has stopped.
    let closed = Loopback::start(|_| Reply::Hang).await;
    let base = closed.base();
    drop(closed);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    for (vendor, texts) in vendors.iter().zip(&mut texts_per_vendor) {
        let outcome = vendor.call(&base).await;
        assert!(outcome.failed, "{}: nothing listens", vendor.name());
        texts.extend(outcome.texts);
    }
    // A session value that cannot go in a header: the auth error must not quote it.
    if let Vendor::Session(auth) = &vendors[0] {
        auth.set_session(Secret::new(format!("{GUID}\r\nX-Injected: 1")));
        let server = Loopback::start(|_| with_secrets("200 OK", ERROR_BODY)).await;
        let outcome = vendors[0].call(&server.base()).await;
        assert!(outcome.failed);
        assert!(
            server.received().is_empty(),
            "an invalid session value was sent"
        );
        texts_per_vendor[0].extend(outcome.texts);
    }
    for (vendor, texts) in vendors.iter().zip(&texts_per_vendor) {
        assert!(texts.len() > 40, "{}: too few texts checked", vendor.name());
        assert_no_secret(vendor.name(), texts, &vendor.secrets());
    }
}

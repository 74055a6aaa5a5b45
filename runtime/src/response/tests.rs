//! The envelope rule and the readers, on bodies a server could send.

use super::*;
use crate::wire_object;

#[derive(Debug, Default, PartialEq)]
struct Out {
    id: Option<String>,
}
wire_object!(Out { optional id = "Id" });

#[derive(Debug, Default, PartialEq)]
struct Env {
    request_id: Option<String>,
    data: Option<serde_json::Value>,
}
wire_object!(Env { optional request_id = "RequestId", optional data = "Data" });

const ENVELOPE: Envelope = Envelope {
    code_field: Some("Code"),
    success: Some(SuccessCode::Str("OK")),
    message_field: Some("Message"),
    request_id_field: Some("RequestId"),
    payload_field: Some("Data"),
    http_status_errors: true,
};

fn answer(status: u16, body: &'static [u8]) -> http::Response<Bytes> {
    http::Response::builder()
        .status(status)
        .body(Bytes::from_static(body))
        .expect("response")
}

fn read_envelope(status: u16, body: &'static [u8]) -> Result<(Out, Option<Env>), String> {
    match open(&ENVELOPE, "op", answer(status, body)) {
        Ok(opened) => read_with_envelope::<Out, Env>("op", opened).map_err(|e| e.to_string()),
        Err(Failure::Decode(e)) => Err(e.to_string()),
        Err(Failure::Api(e)) => Err(format!("api: {e}")),
    }
}

#[test]
fn a_success_is_read_once_payload_and_envelope_alike() {
    let (out, env) = read_envelope(200, br#"{"Code":"OK","RequestId":"r1","Data":{"Id":"x"}}"#)
        .expect("success");
    assert_eq!(out.id.as_deref(), Some("x"));
    let env = env.expect("an object body");
    assert_eq!(env.request_id.as_deref(), Some("r1"));
    // The envelope sees the whole body, the payload field included.
    assert_eq!(env.data, Some(serde_json::json!({"Id": "x"})));
    let (out, _) = read_envelope(200, br#"{"Code":"OK"}"#).expect("no payload");
    assert_eq!(out, Out::default());
}

#[test]
fn failures_keep_their_code_message_and_request_id() {
    let err = read_envelope(200, br#"{"Code":"Busy","Message":"m","RequestId":"r"}"#);
    assert_eq!(
        err.expect_err("api error"),
        "api: op failed with code Busy: m (request id r)"
    );
    let err = read_envelope(200, br#"{"Code":"Busy","Code":"OK","Data":{}}"#);
    assert!(
        err.is_ok(),
        "a repeated key: the last one counts, as before"
    );
    let err = read_envelope(200, br#"{"RequestId":"r"}"#).expect_err("no code");
    assert!(err.ends_with("the body has no result code"), "{err}");
    let err = read_envelope(502, b"<html>bad gateway</html>").expect_err("proxy page");
    assert_eq!(
        err,
        "api: op failed with HTTP status 502: <html>bad gateway</html>"
    );
}

#[test]
fn a_body_that_is_not_json_is_a_decode_error_wherever_the_fault_is() {
    let err = read_envelope(200, br#"{"Code":"OK","Data":{"Id":"x"}"#).expect_err("truncated");
    assert!(err.contains("undecodable JSON body"), "{err}");
    // `open` skips the payload's strings without reading their text; the reader does, and
    // reports the bytes that are not UTF-8 instead of returning an empty output.
    let err =
        read_envelope(200, b"{\"Code\":\"OK\",\"Data\":{\"Id\":\"\xff\"}}").expect_err("bad UTF-8");
    assert!(err.contains("undecodable JSON body"), "{err}");
    let err = read_envelope(200, br#"{"Code":"OK","Data":{"Id":7}}"#).expect_err("wrong type");
    assert!(
        err.ends_with("Id: invalid type: integer `7`, expected a string"),
        "{err}"
    );
}

#[test]
fn the_payload_accessor_and_plain_read_agree() {
    let opened = open(
        &ENVELOPE,
        "op",
        answer(200, br#"{"Code":"OK","Data":{"Id":"y"}}"#),
    )
    .expect("success");
    assert_eq!(opened.payload(), serde_json::json!({"Id": "y"}));
    let out: Out = read("op", opened).expect("decodes");
    assert_eq!(out.id.as_deref(), Some("y"));
    let nested = Envelope {
        payload_field: Some("Data.Inner"),
        ..ENVELOPE
    };
    let opened = open(
        &nested,
        "op",
        answer(200, br#"{"Code":"OK","Data":{"Inner":{"Id":"z"}}}"#),
    )
    .expect("success");
    let out: Out = read("op", opened).expect("decodes");
    assert_eq!(out.id.as_deref(), Some("z"));
}

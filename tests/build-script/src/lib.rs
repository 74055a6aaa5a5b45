//! A crate whose client is generated at build time from a specs folder (prost-build style).
#![deny(missing_docs)]

/// The fixture API's client, generated into `OUT_DIR` by `build.rs`.
pub mod fixture_api {
    include!(concat!(env!("OUT_DIR"), "/fixture_api.rs"));
}

/// A spec of hostile names and text (`type`, `ref`, `self`, `1stLine`, `queue-id` beside
/// `QueueID`, comment closers, template markers, fences, Chinese, bidi marks): it must compile
/// without warnings and its docs must never run as doctests.
pub mod hostile_api {
    include!(concat!(env!("OUT_DIR"), "/hostile_api.rs"));
}

#[cfg(test)]
mod tests {
    #[test]
    fn hostile_names_are_usable() {
        use super::hostile_api::{do_type, types};
        let request = do_type::Request::builder()
            .r#type("abc")
            .self_("x y")
            .r#ref(3i64)
            .queue_id("q1")
            .queue_id_upper("Q2")
            ._1st_line("first")
            .mode("talk-only")
            .build()
            .unwrap();
        let http = request.to_http("https://api.test").unwrap();
        assert_eq!(http.uri().path(), "/things/abc/x%20y");
        assert_eq!(http.headers().get("queue-id").unwrap(), "q1");
        assert!(http.uri().query().unwrap().contains("QueueID=Q2"));
        // Constraints from hostile specs still hold: the pattern and the range.
        assert!(
            do_type::Request::builder()
                .r#type("ABC")
                .self_("s")
                .build()
                .is_err()
        );
        assert!(
            do_type::Request::builder()
                .r#type("abc")
                .self_("s")
                .r#ref(11i64)
                .build()
                .is_err()
        );
        // Renamed enum values keep their wire spelling.
        assert_eq!(String::from(types::Mode::TalkOnly), "talk-only");
        assert_eq!(types::Mode::from("1"), types::Mode::V1);
        assert_eq!(
            types::Mode::from("other"),
            types::Mode::UnknownValue("other".into())
        );
    }

    use super::fixture_api::get_thing;

    #[test]
    fn the_generated_module_builds_requests_and_decodes_responses() {
        let request = get_thing::Request::builder()
            .thing_id("a b")
            .build()
            .unwrap();
        let http = request.to_http("https://api.test/v1").unwrap();
        assert_eq!(http.method(), "GET");
        assert_eq!(http.uri().to_string(), "https://api.test/v1/things/a%20b");

        let response = switchboard_runtime::http::Response::builder()
            .status(200)
            .body(switchboard_runtime::bytes::Bytes::from_static(
                br#"{"code":"0","thing":{"id":"x"}}"#,
            ))
            .unwrap();
        let output = get_thing::parse_response(response).unwrap();
        assert_eq!(output.thing.unwrap().id, "x");

        let failure = switchboard_runtime::http::Response::builder()
            .status(200)
            .body(switchboard_runtime::bytes::Bytes::from_static(
                br#"{"code":"E-1","message":"Something failed."}"#,
            ))
            .unwrap();
        let error = get_thing::parse_response(failure).unwrap_err();
        assert!(matches!(error, get_thing::Error::Service(_)), "{error:?}");
        assert_eq!(error.code(), Some("E-1"));
    }
}

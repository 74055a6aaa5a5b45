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

/// What pages say that a spec must not overstate: unknown required-ness, truncated pages, a
/// page's own words on shared fields, array results.
pub mod pages_api {
    include!(concat!(env!("OUT_DIR"), "/pages_api.rs"));
}

#[cfg(test)]
mod pages {
    use super::pages_api::{cut_off, list_agents, list_calls, types};
    use switchboard_runtime::bytes::Bytes;
    use switchboard_runtime::http::Response;

    fn answer(body: &'static str) -> Response<Bytes> {
        Response::builder()
            .status(200)
            .body(Bytes::from_static(body.as_bytes()))
            .unwrap()
    }

    #[test]
    fn an_array_result_decodes_into_its_items() {
        let output = list_agents::parse_response(answer(
            r#"{"retcode":"0","message":"ok","result":[{"id":"a1","State":"READY"},{"id":"a2"}]}"#,
        ))
        .unwrap();
        let ids: Vec<&str> = output
            .items
            .iter()
            .map(|a: &types::Agent| a.id.as_str())
            .collect();
        assert_eq!(ids, ["a1", "a2"]);
        assert_eq!(output.items[0].state.as_deref(), Some("READY"));
        // The envelope's own fields are read as for any other output.
        assert_eq!(output.envelope.unwrap().message.as_deref(), Some("ok"));

        // Inline items get their own struct.
        let calls = list_calls::parse_response(answer(
            r#"{"retcode":"0","result":[{"callid":"1-2","type":7},{"callid":"3"}]}"#,
        ))
        .unwrap();
        let first: &list_calls::ListCallsOutputItem = &calls.items[0];
        assert_eq!((first.callid.as_str(), first.r#type), ("1-2", Some(7)));
        assert_eq!(
            calls.items[1].r#type, None,
            "required: unknown is an Option"
        );
    }

    #[test]
    fn an_empty_or_absent_array_result_is_no_items_and_a_wrong_shape_fails() {
        for body in [
            r#"{"retcode":"0","result":[]}"#,
            r#"{"retcode":"0","result":{}}"#,
            r#"{"retcode":"0","result":null}"#,
            r#"{"retcode":"0"}"#,
        ] {
            let output = list_agents::parse_response(answer(body)).unwrap();
            assert!(output.items.is_empty(), "{body}");
        }
        for body in [
            r#"{"retcode":"0","result":{"id":"a1"}}"#,
            r#"{"retcode":"0","result":[{"State":"READY"}]}"#,
            r#"{"retcode":"0","result":"a1"}"#,
        ] {
            let error = list_agents::parse_response(answer(body)).unwrap_err();
            assert!(
                matches!(error, list_agents::Error::Decode(_)),
                "{body}: {error:?}"
            );
        }
    }

    #[test]
    fn unknown_required_ness_forces_nothing() {
        // Neither `verbose` nor `tenant` (required: unknown) is asked for by the builder.
        let request = cut_off::Request::builder().thing_id("t1").build().unwrap();
        let http = request.to_http("https://api.test").unwrap();
        assert_eq!(http.uri().query(), None);
        assert!(http.headers().get("tenant").is_none());
        // An absent `label` (required: unknown) decodes; `size` (required) does not.
        let output =
            cut_off::parse_response(answer(r#"{"retcode":"0","result":{"size":3}}"#)).unwrap();
        assert_eq!((output.label, output.size), (None, 3));
        assert!(
            cut_off::parse_response(answer(r#"{"retcode":"0","result":{"label":"x"}}"#)).is_err()
        );
    }
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

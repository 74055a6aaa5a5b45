//! Decoding and encoding rules of the wire traits.
use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::json;

use super::*;

#[derive(Debug, PartialEq)]
struct Queue {
    id: String,
    wait: Option<i32>,
    tags: Option<Vec<String>>,
}

impl FromJson for Queue {
    fn from_json(value: Value) -> Result<Self, WireError> {
        Self::from_json_ref(JsonRef::borrowed(&value))
    }

    fn from_json_ref(value: JsonRef<'_>) -> Result<Self, WireError> {
        let mut o = ObjectRefReader::new(value)?;
        Ok(Queue {
            id: o.required("id")?,
            wait: o.optional("wait")?,
            tags: o.optional("tags")?,
        })
    }
}

impl ToJson for Queue {
    fn to_json(&self) -> Value {
        let mut o = ObjectWriter::new();
        o.field("id", self.id.to_json());
        if let Some(v) = &self.wait {
            o.field("wait", v.to_json());
        }
        if let Some(v) = &self.tags {
            o.field("tags", v.to_json());
        }
        o.finish()
    }
}

#[test]
fn reads_like_the_serde_derives_did() {
    let q = Queue::from_json(json!({"id": "q", "wait": null, "extra": 1})).expect("decodes");
    assert_eq!(
        q,
        Queue {
            id: "q".into(),
            wait: None,
            tags: None
        }
    );
    let q = Queue::from_json(json!({"id": "q", "wait": 5, "tags": ["a"]})).expect("decodes");
    assert_eq!(q.to_json(), json!({"id": "q", "wait": 5, "tags": ["a"]}));

    let err = Queue::from_json(json!({"wait": 1})).expect_err("missing id");
    assert_eq!(err.to_string(), "missing field `id`");
    let err = Queue::from_json(json!({"id": 7})).expect_err("number for a string");
    assert_eq!(
        err.to_string(),
        "id: invalid type: integer `7`, expected a string"
    );
    let err = Queue::from_json(json!({"id": "q", "wait": 1.5})).expect_err("float for an int");
    assert_eq!(
        err.to_string(),
        "wait: invalid type: floating point `1.5`, expected i32"
    );
    let err = Queue::from_json(json!({"id": "q", "wait": 4_294_967_296_i64})).expect_err("too big");
    assert_eq!(
        err.to_string(),
        "wait: invalid value: integer `4294967296`, expected i32"
    );
    let err = Queue::from_json(json!({"id": "q", "tags": ["a", 2]})).expect_err("item");
    assert_eq!(
        err.to_string(),
        "tags.1: invalid type: integer `2`, expected a string"
    );
    let err = Queue::from_json(json!(["q"])).expect_err("not an object");
    assert_eq!(
        err.to_string(),
        "invalid type: sequence, expected an object"
    );
}

#[test]
fn integers_keep_their_range_and_floats_accept_integers() {
    assert_eq!(u64::from_json(json!(u64::MAX)), Ok(u64::MAX));
    assert!(u32::from_json(json!(-1)).is_err());
    assert!(i64::from_json(json!(u64::MAX)).is_err());
    assert_eq!(f64::from_json(json!(3)), Ok(3.0));
    assert!(f64::from_json(json!("3")).is_err());
    assert_eq!(f64::NAN.to_json(), Value::Null);
}

#[test]
fn maps_name_the_key_of_a_bad_value() {
    let err = BTreeMap::<String, bool>::from_json(json!({"ok": true, "bad": "no"}))
        .expect_err("bad value");
    assert_eq!(err.path(), "bad");
}

crate::serde_via_json!(Queue);

#[test]
fn serde_via_json_round_trips_through_any_format() {
    let text = r#"{"id":"q","wait":3}"#;
    let queue: Queue = serde_json::from_str(text).expect("decodes");
    assert_eq!(serde_json::to_string(&queue).expect("encodes"), text);
    let err = serde_json::from_str::<Queue>(r#"{"id":1}"#).expect_err("error");
    assert!(err.to_string().contains("id: invalid type"), "{err}");
}

/// Responses are read through `JsonRef`; every value must decode exactly as through `Value`,
/// errors (and their paths) included.
#[test]
fn the_borrowed_tree_reads_like_a_value() {
    crate::wire_object!(Line {
        required id = "id",
        optional count = "count",
        optional tags = "tags",
        optional extra = "extra",
        optional nested = "nested",
    });
    #[derive(Debug, PartialEq)]
    struct Line {
        id: String,
        count: Option<u32>,
        tags: Option<Vec<String>>,
        extra: Option<BTreeMap<String, Value>>,
        nested: Option<Box<Line>>,
    }
    let bodies = [
        r#"{"id":"a","count":3,"tags":["x","y\n"],"extra":{"k":[1,2.5,null]},"nested":{"id":"b"}}"#,
        r#"{"id":"dup","id":"last","count":null,"extra":{"k":1,"k":2}}"#,
        r#"{"id":"\u4e2d\"q\"","unknown":{"deep":[[]]}}"#,
        r#"{"count":1}"#,
        r#"{"id":7}"#,
        r#"{"id":"a","count":-1}"#,
        r#"{"id":"a","count":4294967296}"#,
        r#"{"id":"a","count":1.5}"#,
        r#"{"id":"a","tags":["x",2]}"#,
        r#"{"id":"a","nested":{"id":"b","nested":{"count":"no"}}}"#,
        r#"{"id":"a","extra":[]}"#,
        r#"["not an object"]"#,
        r#"null"#,
    ];
    for body in bodies {
        let value: Value = serde_json::from_str(body).expect("valid JSON");
        let tree = JsonRef::parse(body.as_bytes()).expect("valid JSON");
        assert_eq!(tree.clone().into_value(), value, "{body}");
        let through_tree = Line::from_json_ref(tree).map_err(|e| e.to_string());
        let through_value = Line::from_json(value).map_err(|e| e.to_string());
        assert_eq!(through_tree, through_value, "{body}");
    }
    let last = Line::from_json_ref(JsonRef::parse(bodies[1].as_bytes()).expect("JSON"));
    assert_eq!(last.expect("decodes").id, "last");
    let err = Line::from_json_ref(JsonRef::parse(bodies[9].as_bytes()).expect("JSON"));
    assert_eq!(
        err.expect_err("bad nested count").to_string(),
        "nested.nested: missing field `id`"
    );
}

#[test]
fn the_tree_borrows_strings_without_escapes_only() {
    let tree = JsonRef::parse(br#"{"plain":"abc","escaped":"a\"b"}"#).expect("JSON");
    let borrowed = |name| matches!(tree.get(name), Some(JsonRef::String(Cow::Borrowed(_))));
    assert!(borrowed("plain"));
    assert!(!borrowed("escaped"));
}

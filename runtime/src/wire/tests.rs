//! Decoding and encoding rules of the wire traits.
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
        let mut o = ObjectReader::new(value)?;
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

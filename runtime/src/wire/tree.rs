//! A JSON tree that borrows its strings from the body it was parsed from.
//!
//! Responses are decoded through it rather than through `serde_json::Value`: with the
//! workspace's `preserve_order` feature every `Value` object is an `IndexMap` (a hash table,
//! each key hashed and copied), and reading a field removes it from that table again. Here an
//! object is a list of borrowed keys searched in place (objects in API responses have a few
//! dozen fields at most), and a string is copied only into the output field that keeps it.
//! The parser is still serde_json's, with its recursion limit and error messages.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::{FromJson, WireError};

/// A parsed JSON value whose strings borrow from the input where they had no escapes.
#[derive(Clone, Debug, PartialEq)]
pub enum JsonRef<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as serde_json reads it.
    Number(Number),
    /// A string.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<JsonRef<'a>>),
    /// An object, members in document order (a repeated key: the last one counts, as with
    /// `serde_json::Value`).
    Object(Vec<(Cow<'a, str>, JsonRef<'a>)>),
}

impl<'a> JsonRef<'a> {
    /// Parses `body` (an error for anything that is not one JSON value).
    pub fn parse(body: &'a [u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(body)
    }

    /// A tree borrowing the strings of `value`.
    pub fn borrowed(value: &'a Value) -> Self {
        match value {
            Value::Null => JsonRef::Null,
            Value::Bool(b) => JsonRef::Bool(*b),
            Value::Number(n) => JsonRef::Number(n.clone()),
            Value::String(s) => JsonRef::String(Cow::Borrowed(s)),
            Value::Array(items) => JsonRef::Array(items.iter().map(JsonRef::borrowed).collect()),
            Value::Object(map) => JsonRef::Object(
                map.iter()
                    .map(|(k, v)| (Cow::Borrowed(k.as_str()), JsonRef::borrowed(v)))
                    .collect(),
            ),
        }
    }

    /// The same value as a `serde_json::Value` (strings copied).
    pub fn into_value(self) -> Value {
        match self {
            JsonRef::Null => Value::Null,
            JsonRef::Bool(b) => Value::Bool(b),
            JsonRef::Number(n) => Value::Number(n),
            JsonRef::String(s) => Value::String(s.into_owned()),
            JsonRef::Array(items) => {
                Value::Array(items.into_iter().map(JsonRef::into_value).collect())
            }
            JsonRef::Object(members) => {
                let mut map = Map::new();
                for (k, v) in members {
                    map.insert(k.into_owned(), v.into_value());
                }
                Value::Object(map)
            }
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, JsonRef::Null)
    }

    /// The member `name` of an object (the last one when repeated).
    pub fn get(&self, name: &str) -> Option<&JsonRef<'a>> {
        match self {
            JsonRef::Object(members) => members.iter().rev().find(|(k, _)| k == name).map(|m| &m.1),
            _ => None,
        }
    }

    /// Takes the member `name` out of an object (the last one when repeated).
    pub fn take(&mut self, name: &str) -> Option<JsonRef<'a>> {
        match self {
            JsonRef::Object(members) => {
                let index = members.iter().rposition(|(k, _)| k == name)?;
                Some(members.swap_remove(index).1)
            }
            _ => None,
        }
    }

    /// The value at a dotted path (see [`crate::error::json_path`]).
    pub fn path(&self, path: &str) -> Option<&JsonRef<'a>> {
        if path.is_empty() {
            return Some(self);
        }
        path.split('.')
            .try_fold(self, |current, segment| match current {
                JsonRef::Object(_) => current.get(segment),
                JsonRef::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            })
    }

    /// The scalar at a dotted path as text (see [`crate::error::json_path_text`]).
    pub fn path_text(&self, path: &str) -> Option<String> {
        match self.path(path)? {
            JsonRef::String(text) => Some(text.clone().into_owned()),
            JsonRef::Number(number) => Some(number.to_string()),
            JsonRef::Bool(flag) => Some(flag.to_string()),
            _ => None,
        }
    }

    /// What the value is, for "invalid type" messages (the words `serde_json::Value` uses).
    pub(crate) fn describe(&self) -> String {
        match self {
            JsonRef::Null => "null".to_owned(),
            JsonRef::Bool(b) => format!("boolean `{b}`"),
            JsonRef::Number(n) if n.is_f64() => format!("floating point `{n}`"),
            JsonRef::Number(n) => format!("integer `{n}`"),
            JsonRef::String(s) => format!("string {s:?}"),
            JsonRef::Array(_) => "sequence".to_owned(),
            JsonRef::Object(_) => "map".to_owned(),
        }
    }
}

impl<'de> Deserialize<'de> for JsonRef<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TreeVisitor)
    }
}

struct TreeVisitor;

impl<'de> Visitor<'de> for TreeVisitor {
    type Value = JsonRef<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(JsonRef::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(JsonRef::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(JsonRef::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        // JSON text has no NaN or infinity; like `serde_json::Value`, a non-finite is `null`.
        Ok(Number::from_f64(v).map_or(JsonRef::Null, JsonRef::Number))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(JsonRef::String(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(JsonRef::String(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(JsonRef::String(Cow::Owned(v)))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(JsonRef::Null)
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(JsonRef::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        JsonRef::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // serde_json gives no size hint; a small start saves the first regrowths.
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(4).min(64));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(JsonRef::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Vec::with_capacity(map.size_hint().unwrap_or(8).min(64));
        while let Some(Key(key)) = map.next_key()? {
            members.push((key, map.next_value()?));
        }
        Ok(JsonRef::Object(members))
    }
}

/// An object key, borrowed when it has no escapes (serde's own `Cow` always copies).
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Reads the fields of a [`JsonRef`] object one by one, each moved out (what `wire_object!`
/// expands to).
#[derive(Debug)]
pub struct ObjectRefReader<'a> {
    members: Vec<(Cow<'a, str>, JsonRef<'a>)>,
}

impl<'a> ObjectRefReader<'a> {
    /// Starts reading `value`, which must be an object.
    pub fn new(value: JsonRef<'a>) -> Result<Self, WireError> {
        match value {
            JsonRef::Object(members) => Ok(ObjectRefReader { members }),
            other => Err(WireError::invalid_type_ref(&other, "an object")),
        }
    }

    /// Takes the raw value of a field, if present (the last one when repeated).
    pub fn take(&mut self, name: &str) -> Option<JsonRef<'a>> {
        let index = self.members.iter().rposition(|(k, _)| k == name)?;
        Some(self.members.swap_remove(index).1)
    }

    // The generic methods below are instantiated once per field type of every generated
    // struct, so no closures and no combinators.

    /// A field that must be present (it may be `null` only if `T` accepts `null`).
    pub fn required<T: FromJson>(&mut self, name: &str) -> Result<T, WireError> {
        let Some(value) = self.take(name) else {
            return Err(WireError::new(format!("missing field `{name}`")));
        };
        match T::from_json_ref(value) {
            Ok(v) => Ok(v),
            Err(e) => Err(e.at(name)),
        }
    }

    /// A field that may be absent or `null`.
    pub fn optional<T: FromJson>(&mut self, name: &str) -> Result<Option<T>, WireError> {
        let value = match self.take(name) {
            None | Some(JsonRef::Null) => return Ok(None),
            Some(value) => value,
        };
        match T::from_json_ref(value) {
            Ok(v) => Ok(Some(v)),
            Err(e) => Err(e.at(name)),
        }
    }

    /// A member that is not read from this object (the generated `Output`'s envelope, which
    /// the caller fills in from the whole body): its default.
    #[inline]
    pub fn skip<T: Default>(&mut self, _name: &str) -> Result<T, WireError> {
        Ok(T::default())
    }
}

//! The JSON form of generated types, without serde's derives.
//!
//! A derived `Deserialize` is generic over the deserializer and expands to a field enum and two
//! visitors per struct; in a generated client with 100 endpoints the serde derives were three
//! quarters of rustc's time (see `BENCHMARKS.md`). Generated types implement [`ToJson`] and
//! [`FromJson`] instead: one non-generic function per direction whose body is a call per field
//! to the helpers here. Their `serde::Serialize` / `Deserialize` impls are shims over these
//! ([`serde_via_json!`](crate::serde_via_json)), so they still work with any serde format.
//!
//! Decoding follows what the derives did with `serde_json`: unknown fields are ignored, an
//! absent or `null` optional field is `None`, a missing required field is an error, numbers
//! must fit the field's integer type, and nothing is coerced (a number is not a string). Errors
//! name the path of the offending value (`queue.waitSeconds: invalid type: ...`).

use std::fmt;

use serde_json::{Map, Value};

mod tree;

pub use tree::{JsonRef, ObjectRefReader};

/// A value that has a JSON form.
pub trait ToJson {
    /// The JSON form.
    fn to_json(&self) -> Value;
}

/// A value that can be read from its JSON form.
pub trait FromJson: Sized {
    /// Reads the value, consuming the JSON.
    fn from_json(value: Value) -> Result<Self, WireError>;

    /// Reads the value from a tree that borrows from the response body (how responses are
    /// decoded: no `Value` is built). The default copies the tree into a `Value` for
    /// [`from_json`](Self::from_json); the runtime's impls and `wire_object!` read it directly.
    fn from_json_ref(value: JsonRef<'_>) -> Result<Self, WireError> {
        Self::from_json(value.into_value())
    }
}

/// Why a JSON value does not fit a type: what was wrong, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireError {
    /// Path segments, innermost first (pushed while unwinding).
    path: Vec<String>,
    message: String,
}

impl WireError {
    /// An error with this message at the current value.
    pub fn new(message: impl Into<String>) -> Self {
        WireError {
            path: Vec::new(),
            message: message.into(),
        }
    }

    /// A value of the wrong JSON type.
    pub fn invalid_type(found: &Value, expected: &str) -> Self {
        // Only the kind of a container is named, so it is not copied.
        let shallow = match found {
            Value::Array(_) => JsonRef::Array(Vec::new()),
            Value::Object(_) => JsonRef::Object(Vec::new()),
            scalar => JsonRef::borrowed(scalar),
        };
        Self::invalid_type_ref(&shallow, expected)
    }

    /// [`invalid_type`](Self::invalid_type) for a [`JsonRef`], in the same words.
    pub fn invalid_type_ref(found: &JsonRef<'_>, expected: &str) -> Self {
        WireError::new(format!(
            "invalid type: {}, expected {expected}",
            found.describe()
        ))
    }

    /// The same error, one level further out (`segment` is the field or index it was under).
    pub fn at(mut self, segment: &str) -> Self {
        self.path.push(segment.to_owned());
        self
    }

    /// The dotted path of the offending value (empty: the value itself).
    pub fn path(&self) -> String {
        let segments: Vec<&str> = self.path.iter().rev().map(String::as_str).collect();
        segments.join(".")
    }

    /// What was wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path(), self.message)
        }
    }
}

impl std::error::Error for WireError {}

/// Builds a JSON object field by field, in the order the fields are given.
#[derive(Debug, Default)]
pub struct ObjectWriter {
    map: Map<String, Value>,
}

impl ObjectWriter {
    /// An empty object.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a field.
    pub fn field(&mut self, name: &str, value: Value) {
        self.map.insert(name.to_owned(), value);
    }

    /// Adds a field that is always present.
    #[inline]
    pub fn required<T: ToJson + ?Sized>(&mut self, name: &str, value: &T) {
        self.field(name, value.to_json());
    }

    /// Adds a field when it is set; an unset field is left out (not written as `null`).
    #[inline]
    pub fn optional<T: ToJson>(&mut self, name: &str, value: &Option<T>) {
        if let Some(value) = value {
            self.field(name, value.to_json());
        }
    }

    /// A member that is not written to this object (see [`ObjectRefReader::skip`]).
    #[inline]
    pub fn skip<T>(&mut self, _name: &str, _value: &T) {}

    /// The object.
    pub fn finish(self) -> Value {
        Value::Object(self.map)
    }
}

/// `serde::Serialize` through [`ToJson`]: the body of a generated type's `serialize`.
pub fn serialize<T, S>(value: &T, serializer: S) -> Result<S::Ok, S::Error>
where
    T: ToJson + ?Sized,
    S: serde::Serializer,
{
    serde::Serialize::serialize(&value.to_json(), serializer)
}

/// `serde::Deserialize` through [`FromJson`]: the body of a generated type's `deserialize`.
pub fn deserialize<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: FromJson,
    D: serde::Deserializer<'de>,
{
    let value = <Value as serde::Deserialize>::deserialize(deserializer)?;
    T::from_json(value).map_err(serde::de::Error::custom)
}

/// The serde crate, for [`serde_via_json!`](crate::serde_via_json).
#[doc(hidden)]
pub use serde as __serde;

/// Implements [`ToJson`], [`FromJson`] and the serde traits ([`serde_via_json!`](crate::serde_via_json)) of a generated
/// struct from its field list: one line per field in generated code instead of two impls.
///
/// Each field is `required rust_name = "wireName"` or `optional ...`; an optional field holds an
/// `Option` and is left out of the JSON when unset, a required one is always written and must
/// be present when read. Unknown JSON fields are ignored.
///
/// ```
/// #[derive(Debug, PartialEq)]
/// pub struct Queue {
///     pub queue_id: String,
///     pub wait_seconds: Option<i32>,
/// }
/// switchboard_runtime::wire_object!(Queue {
///     required queue_id = "queueId",
///     optional wait_seconds = "waitSeconds",
/// });
///
/// use switchboard_runtime::wire::{FromJson, ToJson};
/// let queue = Queue { queue_id: "q1".into(), wait_seconds: None };
/// assert_eq!(queue.to_json(), serde_json::json!({"queueId": "q1"}));
/// let read = Queue::from_json(serde_json::json!({"queueId": "q1", "waitSeconds": 3, "x": 1}));
/// assert_eq!(read.unwrap().wait_seconds, Some(3));
/// ```
#[macro_export]
macro_rules! wire_object {
    ($ty:ident { $($presence:ident $field:ident = $wire:literal),* $(,)? }) => {
        impl $crate::wire::ToJson for $ty {
            #[inline]
            fn to_json(&self) -> $crate::serde_json::Value {
                #[allow(unused_mut)]
                let mut object = $crate::wire::ObjectWriter::new();
                $( object.$presence($wire, &self.$field); )*
                object.finish()
            }
        }
        impl $crate::wire::FromJson for $ty {
            // One decoder per struct, over the borrowed tree; a `Value` is read through it
            // (its strings borrowed), so the field list is instantiated once.
            #[inline]
            fn from_json(
                value: $crate::serde_json::Value,
            ) -> ::core::result::Result<Self, $crate::wire::WireError> {
                Self::from_json_ref($crate::wire::JsonRef::borrowed(&value))
            }
            #[inline]
            fn from_json_ref(
                value: $crate::wire::JsonRef<'_>,
            ) -> ::core::result::Result<Self, $crate::wire::WireError> {
                #[allow(unused_mut, unused_variables)]
                let mut object = $crate::wire::ObjectRefReader::new(value)?;
                ::core::result::Result::Ok(Self { $( $field: object.$presence($wire)?, )* })
            }
        }
        $crate::serde_via_json!($ty);
    };
}

/// Implements `serde::Serialize` and `serde::Deserialize` for the listed types through their
/// [`ToJson`] and [`FromJson`] ([`serialize`], [`deserialize`]): one line in generated code
/// instead of two impls per type.
#[macro_export]
macro_rules! serde_via_json {
    ($($ty:ty),* $(,)?) => {$(
        impl $crate::wire::__serde::Serialize for $ty {
            fn serialize<S: $crate::wire::__serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                $crate::wire::serialize(self, serializer)
            }
        }
        impl<'de> $crate::wire::__serde::Deserialize<'de> for $ty {
            fn deserialize<D: $crate::wire::__serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::wire::deserialize(deserializer)
            }
        }
    )*};
}

mod impls;

#[cfg(test)]
mod tests;

//! The JSON forms of the standard types generated structs are made of.

use std::collections::BTreeMap;

use serde_json::{Map, Number, Value};

use super::{FromJson, JsonRef, ToJson, WireError};
use crate::Secret;

impl ToJson for String {
    fn to_json(&self) -> Value {
        Value::String(self.clone())
    }
}

impl FromJson for String {
    fn from_json(value: Value) -> Result<Self, WireError> {
        match value {
            Value::String(s) => Ok(s),
            other => Err(WireError::invalid_type(&other, "a string")),
        }
    }

    fn from_json_ref(value: JsonRef<'_>) -> Result<Self, WireError> {
        match value {
            JsonRef::String(s) => Ok(s.into_owned()),
            other => Err(WireError::invalid_type_ref(&other, "a string")),
        }
    }
}

impl ToJson for bool {
    fn to_json(&self) -> Value {
        Value::Bool(*self)
    }
}

impl FromJson for bool {
    fn from_json(value: Value) -> Result<Self, WireError> {
        Self::from_json_ref(JsonRef::borrowed(&value))
    }

    fn from_json_ref(value: JsonRef<'_>) -> Result<Self, WireError> {
        match value {
            JsonRef::Bool(b) => Ok(b),
            other => Err(WireError::invalid_type_ref(&other, "a boolean")),
        }
    }
}

impl ToJson for f64 {
    fn to_json(&self) -> Value {
        // Like serde_json: NaN and infinities become null.
        Value::from(*self)
    }
}

impl FromJson for f64 {
    fn from_json(value: Value) -> Result<Self, WireError> {
        Self::from_json_ref(JsonRef::borrowed(&value))
    }

    fn from_json_ref(value: JsonRef<'_>) -> Result<Self, WireError> {
        match &value {
            JsonRef::Number(n) => n
                .as_f64()
                .ok_or_else(|| WireError::invalid_type_ref(&value, "f64")),
            other => Err(WireError::invalid_type_ref(other, "f64")),
        }
    }
}

/// Reads any JSON integer as i128 (wide enough for both i64 and u64), refusing other values.
fn integer(value: &JsonRef<'_>, expected: &str) -> Result<i128, WireError> {
    let number = match value {
        JsonRef::Number(n) => n,
        other => return Err(WireError::invalid_type_ref(other, expected)),
    };
    match integer_of(number) {
        Some(i) => Ok(i),
        None => Err(WireError::invalid_type_ref(value, expected)),
    }
}

fn integer_of(number: &Number) -> Option<i128> {
    match number.as_i64() {
        Some(i) => Some(i128::from(i)),
        None => number.as_u64().map(i128::from),
    }
}

macro_rules! integers {
    ($($t:ty => $name:literal),*) => {$(
        impl ToJson for $t {
            fn to_json(&self) -> Value {
                Value::from(*self)
            }
        }

        impl FromJson for $t {
            fn from_json(value: Value) -> Result<Self, WireError> {
                Self::from_json_ref(JsonRef::borrowed(&value))
            }

            fn from_json_ref(value: JsonRef<'_>) -> Result<Self, WireError> {
                let i = integer(&value, $name)?;
                <$t>::try_from(i).map_err(|_| {
                    WireError::new(format!("invalid value: integer `{i}`, expected {}", $name))
                })
            }
        }
    )*};
}

integers!(i32 => "i32", i64 => "i64", u32 => "u32", u64 => "u64");

impl ToJson for Value {
    fn to_json(&self) -> Value {
        self.clone()
    }
}

impl FromJson for Value {
    fn from_json(value: Value) -> Result<Self, WireError> {
        Ok(value)
    }

    fn from_json_ref(value: JsonRef<'_>) -> Result<Self, WireError> {
        Ok(value.into_value())
    }
}

impl ToJson for Secret {
    /// The value itself: a secret that is part of a request body must reach the server.
    fn to_json(&self) -> Value {
        Value::String(self.expose().to_owned())
    }
}

impl FromJson for Secret {
    fn from_json(value: Value) -> Result<Self, WireError> {
        String::from_json(value).map(Secret::new)
    }

    fn from_json_ref(value: JsonRef<'_>) -> Result<Self, WireError> {
        String::from_json_ref(value).map(Secret::new)
    }
}

// Containers are instantiated per item type; plain loops keep each instantiation small
// (iterator adapters collected into a `Result` would bring a dozen generic functions each).

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self) -> Value {
        let mut items = Vec::with_capacity(self.len());
        for item in self {
            items.push(item.to_json());
        }
        Value::Array(items)
    }
}

fn array(value: Value) -> Result<Vec<Value>, WireError> {
    match value {
        Value::Array(items) => Ok(items),
        other => Err(WireError::invalid_type(&other, "a sequence")),
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: Value) -> Result<Self, WireError> {
        let items = array(value)?;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            match T::from_json(item) {
                Ok(v) => out.push(v),
                Err(e) => return Err(e.at(&i.to_string())),
            }
        }
        Ok(out)
    }

    fn from_json_ref(value: JsonRef<'_>) -> Result<Self, WireError> {
        let items = match value {
            JsonRef::Array(items) => items,
            other => return Err(WireError::invalid_type_ref(&other, "a sequence")),
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            match T::from_json_ref(item) {
                Ok(v) => out.push(v),
                Err(e) => return Err(e.at(&i.to_string())),
            }
        }
        Ok(out)
    }
}

impl<T: ToJson> ToJson for BTreeMap<String, T> {
    fn to_json(&self) -> Value {
        let mut map = Map::new();
        for (k, v) in self {
            map.insert(k.clone(), v.to_json());
        }
        Value::Object(map)
    }
}

fn object(value: Value) -> Result<Map<String, Value>, WireError> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(WireError::invalid_type(&other, "a map")),
    }
}

impl<T: FromJson> FromJson for BTreeMap<String, T> {
    fn from_json(value: Value) -> Result<Self, WireError> {
        let mut out = BTreeMap::new();
        for (k, v) in object(value)? {
            match T::from_json(v) {
                Ok(v) => {
                    out.insert(k, v);
                }
                Err(e) => return Err(e.at(&k)),
            }
        }
        Ok(out)
    }

    fn from_json_ref(value: JsonRef<'_>) -> Result<Self, WireError> {
        let members = match value {
            JsonRef::Object(members) => members,
            other => return Err(WireError::invalid_type_ref(&other, "a map")),
        };
        // Keys first, so a repeated key keeps its last value (as in a `Value` object) and an
        // overwritten value is never read.
        let mut raw = BTreeMap::new();
        for (k, v) in members {
            raw.insert(k, v);
        }
        let mut out = BTreeMap::new();
        for (k, v) in raw {
            match T::from_json_ref(v) {
                Ok(v) => {
                    out.insert(k.into_owned(), v);
                }
                Err(e) => return Err(e.at(&k)),
            }
        }
        Ok(out)
    }
}

impl<T: ToJson + ?Sized> ToJson for Box<T> {
    fn to_json(&self) -> Value {
        (**self).to_json()
    }
}

impl<T: FromJson> FromJson for Box<T> {
    fn from_json(value: Value) -> Result<Self, WireError> {
        match T::from_json(value) {
            Ok(v) => Ok(Box::new(v)),
            Err(e) => Err(e),
        }
    }

    fn from_json_ref(value: JsonRef<'_>) -> Result<Self, WireError> {
        match T::from_json_ref(value) {
            Ok(v) => Ok(Box::new(v)),
            Err(e) => Err(e),
        }
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn to_json(&self) -> Value {
        match self {
            Some(v) => v.to_json(),
            None => Value::Null,
        }
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: Value) -> Result<Self, WireError> {
        match value {
            Value::Null => Ok(None),
            other => match T::from_json(other) {
                Ok(v) => Ok(Some(v)),
                Err(e) => Err(e),
            },
        }
    }

    fn from_json_ref(value: JsonRef<'_>) -> Result<Self, WireError> {
        match value {
            JsonRef::Null => Ok(None),
            other => match T::from_json_ref(other) {
                Ok(v) => Ok(Some(v)),
                Err(e) => Err(e),
            },
        }
    }
}

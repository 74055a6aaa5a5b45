//! Decodes a [`Node`] tree into the spec structs through serde, strictly.
//!
//! The deserializer knows each struct's field list, so an unknown key is reported (with the
//! closest known key) and skipped instead of ending the decode: every unknown key in a file is
//! reported in one run. A value of the wrong type ends the decode of that file, located at the
//! value. Booleans are only `true`/`false`, strings must be strings (no silent `8043` → `"8043"`).

use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};

use super::yaml::{Node, NodeKind};
use crate::diag::catalogue::suggest;
use crate::diag::{Problem, Span};

/// Name of the newtype through which [`Sp`] asks for its span.
const SPANNED: &str = "$switchboard::Sp";

/// A value with the byte span it was written at.
#[derive(Clone, Debug, PartialEq)]
pub struct Sp<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Sp<T> {
    /// Pairs a value with a span.
    pub fn new(value: T, span: Span) -> Self {
        Sp { value, span }
    }
}

/// An absent value (a key left out where resolution supplies it); checked before use.
impl<T: Default> Default for Sp<T> {
    fn default() -> Self {
        Sp::new(T::default(), Span::default())
    }
}

impl<T> std::ops::Deref for Sp<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sp<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(SPANNED, SpVisitor(PhantomData))
    }
}

struct SpVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for SpVisitor<T> {
    type Value = Sp<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a located value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Sp<T>, A::Error> {
        let start: usize = seq
            .next_element()?
            .ok_or_else(|| de::Error::custom("no span"))?;
        let end: usize = seq
            .next_element()?
            .ok_or_else(|| de::Error::custom("no span"))?;
        let value: T = seq
            .next_element()?
            .ok_or_else(|| de::Error::custom("no value"))?;
        Ok(Sp::new(value, Span::new(start, end)))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Sp<T>, D::Error> {
        T::deserialize(d).map(|value| Sp::new(value, Span::default()))
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Sp<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
    fn inline_schema() -> bool {
        T::inline_schema()
    }
}

/// A decode failure: a problem and, once known, where.
#[derive(Debug)]
pub struct DecodeError {
    /// What is wrong.
    pub problem: Problem,
    /// Where, once a deserializer that knows has attached it.
    pub span: Option<Span>,
}

impl DecodeError {
    fn at(mut self, span: Span) -> Self {
        self.span.get_or_insert(span);
        self
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.problem.message())
    }
}

impl std::error::Error for DecodeError {}

impl de::Error for DecodeError {
    fn custom<M: fmt::Display>(msg: M) -> Self {
        DecodeError {
            problem: Problem::InvalidValue {
                message: msg.to_string(),
            },
            span: None,
        }
    }

    /// A value a hand-written `Deserialize` (one accepting several YAML types, such as
    /// `required`) does not take: a wrong type (E0011), like the checks of this deserializer.
    fn invalid_type(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        let found = match unexpected {
            de::Unexpected::Bool(_) => "a boolean",
            de::Unexpected::Signed(_) | de::Unexpected::Unsigned(_) => "an integer",
            de::Unexpected::Float(_) => "a number",
            de::Unexpected::Str(_) | de::Unexpected::Char(_) => "a string",
            de::Unexpected::Seq => "a sequence",
            de::Unexpected::Map => "a mapping",
            de::Unexpected::Unit => "null",
            other => {
                return de::Error::custom(format!("invalid type: {other}, expected {expected}"));
            }
        };
        DecodeError {
            problem: Problem::WrongType {
                expected: expected.to_string(),
                found,
            },
            span: None,
        }
    }

    fn missing_field(field: &'static str) -> Self {
        DecodeError {
            problem: Problem::MissingKey {
                key: field.to_owned(),
            },
            span: None,
        }
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        DecodeError {
            problem: Problem::UnknownVariant {
                value: variant.to_owned(),
                expected: expected.iter().map(|s| (*s).to_owned()).collect(),
                suggestion: suggest(variant, expected.iter().copied()),
            },
            span: None,
        }
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        DecodeError {
            problem: Problem::UnknownKey {
                key: field.to_owned(),
                expected: expected.iter().map(|s| (*s).to_owned()).collect(),
                suggestion: suggest(field, expected.iter().copied()),
            },
            span: None,
        }
    }
}

/// Problems found while decoding that did not stop it (unknown keys).
#[derive(Default)]
pub struct Recovered {
    list: RefCell<Vec<(Problem, Span)>>,
}

impl Recovered {
    /// Takes the recorded problems.
    pub fn into_inner(self) -> Vec<(Problem, Span)> {
        self.list.into_inner()
    }
}

/// Decodes `node` as `T`. Unknown keys land in `recovered`; the first hard error is returned.
pub fn decode<'de, T: Deserialize<'de>>(
    node: &Node,
    recovered: &Recovered,
) -> Result<T, DecodeError> {
    T::deserialize(NodeDe { node, recovered })
}

struct NodeDe<'a> {
    node: &'a Node,
    recovered: &'a Recovered,
}

impl NodeDe<'_> {
    fn wrong_type(&self, expected: &str) -> DecodeError {
        DecodeError {
            problem: Problem::WrongType {
                expected: expected.to_owned(),
                found: self.node.kind.describe(),
            },
            span: Some(self.node.span),
        }
    }

    fn child<'b>(&'b self, node: &'b Node) -> NodeDe<'b> {
        NodeDe {
            node,
            recovered: self.recovered,
        }
    }
}

macro_rules! integer {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
            match &self.node.kind {
                NodeKind::Int(i) => visit_int(*i, visitor),
                _ => Err(self.wrong_type("an integer")),
            }
            .map_err(|e| e.at(self.node.span))
        }
    )*};
}

fn visit_int<'de, V: Visitor<'de>>(i: i128, visitor: V) -> Result<V::Value, DecodeError> {
    if let Ok(v) = i64::try_from(i) {
        visitor.visit_i64(v)
    } else if let Ok(v) = u64::try_from(i) {
        visitor.visit_u64(v)
    } else {
        visitor.visit_i128(i)
    }
}

impl<'de> Deserializer<'de> for NodeDe<'_> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        let span = self.node.span;
        match &self.node.kind {
            NodeKind::Null => visitor.visit_unit(),
            NodeKind::Bool(b) => visitor.visit_bool(*b),
            NodeKind::Int(i) => visit_int(*i, visitor),
            NodeKind::Float(f) => visitor.visit_f64(*f),
            NodeKind::Str(s) => visitor.visit_str(s),
            NodeKind::Seq(items) => visitor.visit_seq(SeqDe {
                items: items.iter(),
                recovered: self.recovered,
            }),
            NodeKind::Map(entries) => visitor.visit_map(MapDe {
                entries: entries
                    .iter()
                    .map(|(k, v)| (k, v))
                    .collect::<Vec<_>>()
                    .into_iter(),
                value: None,
                recovered: self.recovered,
            }),
        }
        .map_err(|e| e.at(span))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match &self.node.kind {
            NodeKind::Bool(b) => visitor.visit_bool(*b),
            _ => Err(self.wrong_type("a boolean")),
        }
    }

    integer!(deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
             deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128);

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match &self.node.kind {
            NodeKind::Int(i) => visitor.visit_f64(*i as f64),
            NodeKind::Float(f) => visitor.visit_f64(*f),
            _ => Err(self.wrong_type("a number")),
        }
        .map_err(|e| e.at(self.node.span))
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match &self.node.kind {
            NodeKind::Str(s) => visitor.visit_str(s),
            _ => Err(self.wrong_type("a string")),
        }
        .map_err(|e| e.at(self.node.span))
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match &self.node.kind {
            NodeKind::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match &self.node.kind {
            NodeKind::Null => visitor.visit_unit(),
            _ => Err(self.wrong_type("null")),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        if name == SPANNED {
            visitor.visit_seq(SpanSeq { de: self, step: 0 })
        } else {
            visitor.visit_newtype_struct(self)
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match &self.node.kind {
            NodeKind::Seq(items) => visitor.visit_seq(SeqDe {
                items: items.iter(),
                recovered: self.recovered,
            }),
            _ => Err(self.wrong_type("a sequence")),
        }
        .map_err(|e| e.at(self.node.span))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match &self.node.kind {
            NodeKind::Map(entries) => visitor.visit_map(MapDe {
                entries: entries
                    .iter()
                    .map(|(k, v)| (k, v))
                    .collect::<Vec<_>>()
                    .into_iter(),
                value: None,
                recovered: self.recovered,
            }),
            _ => Err(self.wrong_type("a mapping")),
        }
        .map_err(|e| e.at(self.node.span))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        let NodeKind::Map(entries) = &self.node.kind else {
            return Err(self.wrong_type("a mapping"));
        };
        let mut kept = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            match &key.kind {
                NodeKind::Str(name) if fields.contains(&name.as_str()) => kept.push((key, value)),
                NodeKind::Str(name) => self.recovered.list.borrow_mut().push((
                    Problem::UnknownKey {
                        key: name.clone(),
                        expected: fields.iter().map(|s| (*s).to_owned()).collect(),
                        suggestion: suggest(name, fields.iter().copied()),
                    },
                    key.span,
                )),
                _ => {
                    return Err(DecodeError {
                        problem: Problem::WrongType {
                            expected: "a string key".into(),
                            found: key.kind.describe(),
                        },
                        span: Some(key.span),
                    });
                }
            }
        }
        visitor
            .visit_map(MapDe {
                entries: kept.into_iter(),
                value: None,
                recovered: self.recovered,
            })
            .map_err(|e| e.at(key_span(self.node)))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        match &self.node.kind {
            NodeKind::Str(s) => visitor.visit_enum(s.as_str().into_deserializer()),
            NodeKind::Map(entries) if entries.len() == 1 => {
                let (key, value) = &entries[0];
                visitor.visit_enum(EnumDe {
                    key: self.child(key),
                    value: self.child(value),
                })
            }
            _ => Err(self.wrong_type("a string or a single-key mapping")),
        }
        .map_err(|e| e.at(self.node.span))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_unit()
    }
}

/// A missing key in a mapping is best shown at the mapping's first key, where the eye goes.
fn key_span(node: &Node) -> Span {
    match &node.kind {
        NodeKind::Map(entries) if !entries.is_empty() => entries[0].0.span,
        _ => node.span,
    }
}

struct SpanSeq<'a> {
    de: NodeDe<'a>,
    step: u8,
}

impl<'de> SeqAccess<'de> for SpanSeq<'_> {
    type Error = DecodeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DecodeError> {
        self.step += 1;
        let span = self.de.node.span;
        match self.step {
            1 => seed
                .deserialize((span.start as u64).into_deserializer())
                .map(Some),
            2 => seed
                .deserialize((span.end as u64).into_deserializer())
                .map(Some),
            3 => seed
                .deserialize(NodeDe {
                    node: self.de.node,
                    recovered: self.de.recovered,
                })
                .map(Some),
            _ => Ok(None),
        }
    }
}

struct SeqDe<'a> {
    items: std::slice::Iter<'a, Node>,
    recovered: &'a Recovered,
}

impl<'de> SeqAccess<'de> for SeqDe<'_> {
    type Error = DecodeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DecodeError> {
        match self.items.next() {
            Some(node) => seed
                .deserialize(NodeDe {
                    node,
                    recovered: self.recovered,
                })
                .map(Some),
            None => Ok(None),
        }
    }
}

struct MapDe<'a> {
    entries: std::vec::IntoIter<(&'a Node, &'a Node)>,
    value: Option<&'a Node>,
    recovered: &'a Recovered,
}

impl<'de> MapAccess<'de> for MapDe<'_> {
    type Error = DecodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DecodeError> {
        match self.entries.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(NodeDe {
                    node: key,
                    recovered: self.recovered,
                })
                .map(Some)
                .map_err(|e| e.at(key.span))
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DecodeError> {
        let node = self
            .value
            .take()
            .ok_or_else(|| de::Error::custom("value without key"))?;
        seed.deserialize(NodeDe {
            node,
            recovered: self.recovered,
        })
        .map_err(|e| e.at(node.span))
    }
}

struct EnumDe<'a> {
    key: NodeDe<'a>,
    value: NodeDe<'a>,
}

impl<'de, 'a> EnumAccess<'de> for EnumDe<'a> {
    type Error = DecodeError;
    type Variant = NodeDe<'a>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, NodeDe<'a>), DecodeError> {
        let span = self.key.node.span;
        let variant = seed.deserialize(self.key).map_err(|e| e.at(span))?;
        Ok((variant, self.value))
    }
}

impl<'de> VariantAccess<'de> for NodeDe<'_> {
    type Error = DecodeError;

    fn unit_variant(self) -> Result<(), DecodeError> {
        match &self.node.kind {
            NodeKind::Null => Ok(()),
            _ => Err(self.wrong_type("nothing (this value takes no settings)")),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, DecodeError> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_seq(visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        // A scheme with only optional settings may be written with nothing after the colon.
        if matches!(self.node.kind, NodeKind::Null) {
            let empty = Node {
                span: self.node.span,
                kind: NodeKind::Map(Vec::new()),
            };
            return NodeDe {
                node: &empty,
                recovered: self.recovered,
            }
            .deserialize_struct("", fields, visitor);
        }
        self.deserialize_struct("", fields, visitor)
    }
}

//! The one module that touches the YAML crate.
//!
//! YAML is parsed into a [`Node`] tree in which every scalar, sequence and mapping carries its
//! source span. Everything after this module works on nodes, so the YAML library can be swapped
//! by rewriting this file alone.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::diag::Span;

/// A YAML value with its location.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Where the value starts and how far it reaches (byte offsets into the file).
    pub span: Span,
    /// The value.
    pub kind: NodeKind,
}

/// The shape of a YAML value.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// `~`, `null` or nothing.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer that fits `i128`.
    Int(i128),
    /// A floating-point number.
    Float(f64),
    /// A string, quoted or plain.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, keys in document order.
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// Whether every span of the tree lies within a text of `len` bytes (a tree from the cache
    /// is checked before diagnostics slice the text with its spans).
    pub fn fits(&self, len: usize) -> bool {
        self.span.start <= self.span.end
            && self.span.end <= len
            && match &self.kind {
                NodeKind::Seq(items) => items.iter().all(|n| n.fits(len)),
                NodeKind::Map(entries) => entries.iter().all(|(k, v)| k.fits(len) && v.fits(len)),
                _ => true,
            }
    }
}

impl NodeKind {
    /// A short noun for messages: "a string", "a mapping", ...
    pub fn describe(&self) -> &'static str {
        match self {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Int(_) => "an integer",
            NodeKind::Float(_) => "a number",
            NodeKind::Str(_) => "a string",
            NodeKind::Seq(_) => "a sequence",
            NodeKind::Map(_) => "a mapping",
        }
    }
}

/// A YAML syntax or structure error, located.
#[derive(Clone, Debug)]
pub struct YamlError {
    /// What went wrong, as the YAML library says it.
    pub message: String,
    /// Where, if known.
    pub span: Option<Span>,
}

/// Limits that keep hostile input (alias bombs, deep nesting) bounded.
const MAX_DEPTH: usize = 64;

/// Parses one YAML document into a node tree.
///
/// Duplicate keys, alias expansion beyond a small budget and nesting deeper than 64 levels are
/// errors. Booleans are accepted only as the literal `true` and `false`: any other YAML 1.1
/// spelling (`yes`, `on`, `True`) stays a string so the decoder can point at it.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        return Err(YamlError {
            message: "the file is empty".to_owned(),
            span: Some(Span::new(0, 0)),
        });
    }
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_documents: 1,
            max_depth: MAX_DEPTH,
            max_aliases: 1000,
            max_anchors: 1000,
        },
        strict_booleans: true,
        duplicate_keys: serde_saphyr::options::DuplicateKeyPolicy::Error,
        merge_keys: serde_saphyr::options::MergeKeyPolicy::Error,
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 10_000,
            max_replay_stack_depth: 16,
            max_alias_expansions_per_anchor: 100,
        },
    };
    let raw: Spanned<Raw> = serde_saphyr::from_str_with_options(text, options).map_err(|err| {
        let span = err.location().and_then(|loc| span_of(text, &loc));
        YamlError {
            message: budget_message(&err).unwrap_or_else(|| first_line(&err.to_string())),
            span,
        }
    })?;
    Ok(convert(text, raw))
}

/// A budget breach in words a spec author can act on (the library prints its internal
/// `Debug` form, e.g. `budget breached: Depth { depth: 65 }`).
fn budget_message(err: &serde_saphyr::Error) -> Option<String> {
    use serde_saphyr::budget::BudgetBreach;
    let mut err = err;
    while let serde_saphyr::Error::WithSnippet { error, .. }
    | serde_saphyr::Error::AliasError { error, .. } = err
    {
        err = error;
    }
    let serde_saphyr::Error::Budget { breach, .. } = err else {
        return None;
    };
    Some(match breach {
        BudgetBreach::Depth { .. } => {
            format!("values are nested more than {MAX_DEPTH} levels deep")
        }
        BudgetBreach::Nodes { nodes } => {
            format!(
                "the file has too many values (more than {})",
                nodes.saturating_sub(1)
            )
        }
        BudgetBreach::Events { .. } => "the file is too large to load".to_owned(),
        BudgetBreach::Aliases { .. } => "too many aliases (`*name`)".to_owned(),
        BudgetBreach::Anchors { .. } => "too many anchors (`&name`)".to_owned(),
        BudgetBreach::Documents { .. } => {
            "a spec file holds one YAML document; found a second one (`---`)".to_owned()
        }
        _ => return None,
    })
}

/// The parser's first line, without its own `error: line N column M:` prefix (the diagnostic
/// prints the location itself).
fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or(message).trim();
    let line = line.strip_prefix("error:").unwrap_or(line).trim_start();
    match line
        .strip_prefix("line ")
        .and_then(|rest| rest.split_once(": "))
    {
        Some((location, rest)) if location.contains("column") => strip_library_hint(rest),
        _ => strip_library_hint(line),
    }
}

/// The library suggests relaxing its options; a spec author cannot, so the hint is dropped,
/// and so are its mentions of "the configured policy".
fn strip_library_hint(message: &str) -> String {
    if message.contains("recursion limit exceeded") {
        return format!("values are nested more than {MAX_DEPTH} levels deep");
    }
    let message = match message.find(", set ") {
        Some(i) if message[i..].contains("Options") => &message[..i],
        _ => message,
    };
    message
        .replace(" by the configured policy", "")
        .replace(" by configured policy", "")
}

fn span_of(text: &str, loc: &serde_saphyr::Location) -> Option<Span> {
    let span = raw_span_of(text, loc)?;
    // A place at the very end of a file that ends with a newline is on a line that does not
    // exist; point at the end of the last line instead, where the snippet shows it.
    if span.start >= text.len() && text.ends_with('\n') {
        let end = text.len() - 1;
        return Some(Span::new(end, end));
    }
    Some(span)
}

fn raw_span_of(text: &str, loc: &serde_saphyr::Location) -> Option<Span> {
    if loc.line() == 0 {
        return None;
    }
    let span = loc.span();
    if let (Some(start), Some(len)) = (span.byte_offset(), span.byte_len()) {
        let start = usize::try_from(start).ok()?.min(text.len());
        let len = usize::try_from(len).ok()?;
        return Some(Span::new(start, (start + len).min(text.len())));
    }
    // Fall back to line and column (1-based, in characters).
    let line_start = text
        .split_inclusive('\n')
        .take(usize::try_from(loc.line()).ok()? - 1)
        .map(str::len)
        .sum::<usize>();
    let col = usize::try_from(loc.column()).ok()?.saturating_sub(1);
    let offset = text[line_start..]
        .char_indices()
        .nth(col)
        .map_or(text.len(), |(i, _)| line_start + i);
    Some(Span::new(offset, offset))
}

fn convert(text: &str, raw: Spanned<Raw>) -> Node {
    let span = span_of(text, &raw.referenced).unwrap_or(Span::new(0, 0));
    let kind = match raw.value {
        Raw::Null => NodeKind::Null,
        Raw::Bool(b) => {
            // Only the lowercase literals are booleans here; `True`, `FALSE` stay strings.
            let literal = text.get(span.start..span.end).unwrap_or("");
            match literal {
                "true" | "false" => NodeKind::Bool(b),
                "" => NodeKind::Bool(b),
                other => NodeKind::Str(other.to_owned()),
            }
        }
        Raw::Int(i) => NodeKind::Int(i),
        Raw::Float(f) => NodeKind::Float(f),
        Raw::Str(s) => NodeKind::Str(s),
        Raw::Seq(items) => NodeKind::Seq(items.into_iter().map(|n| convert(text, n)).collect()),
        Raw::Map(entries) => NodeKind::Map(
            entries
                .into_iter()
                .map(|(k, v)| (convert(text, k), convert(text, v)))
                .collect(),
        ),
    };
    // A collection's span covers only its first token; widen it to its last child so that
    // labels on a whole mapping point somewhere sensible.
    Node { span, kind }
}

/// The tree as the YAML library hands it over, before spans are turned into byte ranges.
enum Raw {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<Raw>, Spanned<Raw>)>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        Raw::deserialize(d)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Int(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw, E> {
        Ok(Raw::Int(v.into()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Raw, E> {
        Ok(Raw::Int(v))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Raw, E> {
        i128::try_from(v)
            .map(Raw::Int)
            .map_err(|_| E::custom("integer too large"))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Raw, E> {
        Ok(Raw::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Str(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Raw>>()? {
            items.push(item);
        }
        Ok(Raw::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<Raw>>()? {
            let value = map.next_value::<Spanned<Raw>>()?;
            entries.push((key, value));
        }
        Ok(Raw::Map(entries))
    }
}

/// Node trees are kept in the output cache (keyed on the file's bytes), so an unchanged spec
/// file is not parsed again: parsing is most of loading, decoding a kept tree a fraction.
impl crate::cache::Cached for Node {
    fn encode(&self, out: &mut Vec<u8>) {
        use crate::cache::{put_str, put_u64};
        put_u64(out, self.span.start as u64);
        put_u64(out, self.span.end as u64);
        match &self.kind {
            NodeKind::Null => out.push(0),
            NodeKind::Bool(b) => out.extend_from_slice(&[1, u8::from(*b)]),
            NodeKind::Int(i) => {
                out.push(2);
                out.extend_from_slice(&i.to_le_bytes());
            }
            NodeKind::Float(f) => {
                out.push(3);
                put_u64(out, f.to_bits());
            }
            NodeKind::Str(s) => {
                out.push(4);
                put_str(out, s);
            }
            NodeKind::Seq(items) => {
                out.push(5);
                put_u64(out, items.len() as u64);
                items.iter().for_each(|n| n.encode(out));
            }
            NodeKind::Map(entries) => {
                out.push(6);
                put_u64(out, entries.len() as u64);
                for (k, v) in entries {
                    k.encode(out);
                    v.encode(out);
                }
            }
        }
    }

    fn decode(input: &mut crate::cache::Reader<'_>) -> Option<Self> {
        let start = usize::try_from(input.u64()?).ok()?;
        let end = usize::try_from(input.u64()?).ok()?;
        if start > end {
            return None;
        }
        input.depth += 1;
        if input.depth > crate::cache::Reader::MAX_DEPTH {
            return None;
        }
        let kind = match input.u8()? {
            0 => NodeKind::Null,
            1 => NodeKind::Bool(match input.u8()? {
                0 => false,
                1 => true,
                _ => return None,
            }),
            2 => NodeKind::Int(i128::from_le_bytes(input.take(16)?.try_into().ok()?)),
            3 => NodeKind::Float(f64::from_bits(input.u64()?)),
            4 => NodeKind::Str(input.str()?.to_owned()),
            5 => {
                let n = input.count()?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(Node::decode(input)?);
                }
                NodeKind::Seq(items)
            }
            6 => {
                let n = input.count()?;
                let mut entries = Vec::with_capacity(n);
                for _ in 0..n {
                    entries.push((Node::decode(input)?, Node::decode(input)?));
                }
                NodeKind::Map(entries)
            }
            _ => return None,
        };
        input.depth -= 1;
        Some(Node {
            span: Span::new(start, end),
            kind,
        })
    }
}

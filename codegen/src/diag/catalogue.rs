//! The catalogue of everything that can be wrong with a spec: one variant per problem, each
//! with a stable code, a message, a short label for the caret and a help line.

/// A problem with the specs. The code is stable and documented in `specs/README.md`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Problem {
    /// The file is not valid UTF-8.
    NotUtf8,
    /// The file holds no YAML document.
    EmptyFile,
    /// The YAML parser rejected the text (syntax, duplicate key, alias bomb, nesting).
    Yaml {
        /// The parser's message.
        message: String,
    },
    /// A mapping key the format does not know.
    UnknownKey {
        /// The key as written.
        key: String,
        /// The keys allowed here.
        expected: Vec<String>,
        /// The closest allowed key, if any is close.
        suggestion: Option<String>,
    },
    /// A value of the wrong YAML type.
    WrongType {
        /// What the format wants.
        expected: String,
        /// What was written.
        found: &'static str,
    },
    /// A required key is absent.
    MissingKey {
        /// The key.
        key: String,
    },
    /// A value outside a closed set of words.
    UnknownVariant {
        /// The value as written.
        value: String,
        /// The allowed words.
        expected: Vec<String>,
        /// The closest allowed word.
        suggestion: Option<String>,
    },
    /// A value of the right type that is still not acceptable (out of range, malformed).
    InvalidValue {
        /// Why.
        message: String,
    },
    /// A vendor folder without `service.yaml`.
    MissingService {
        /// The folder.
        folder: String,
    },
    /// Two things of one kind share a name.
    Duplicate {
        /// "endpoint", "parameter", ...
        kind: &'static str,
        /// The shared name.
        name: String,
    },
    /// A `{placeholder}` in a template that no parameter or variable declares.
    UndeclaredPlaceholder {
        /// The placeholder.
        name: String,
        /// "path parameter" or "base URL variable".
        kind: &'static str,
    },
    /// A declared path parameter or base URL variable that the template does not use.
    UnusedPlaceholder {
        /// The parameter.
        name: String,
        /// "path parameter" or "base URL variable".
        kind: &'static str,
    },
    /// A template that does not parse.
    MalformedTemplate {
        /// Why.
        message: String,
    },
    /// A reference to something not defined.
    UnknownReference {
        /// "type", "error code", "event", "parameter".
        kind: &'static str,
        /// The name as written.
        name: String,
        /// The closest defined name.
        suggestion: Option<String>,
    },
    /// A value (default, constant, example, sample) that breaks its own constraints.
    ConstraintViolated {
        /// What the value is ("default", "example", "sample body at `a.b`").
        what: String,
        /// Which constraint, in words.
        message: String,
    },
    /// A range or length whose minimum exceeds its maximum.
    EmptyRange {
        /// Lower bound.
        min: String,
        /// Upper bound.
        max: String,
    },
    /// A regular expression that does not compile.
    InvalidPattern {
        /// The regex crate's message (first line).
        message: String,
    },
    /// Two names that become the same Rust identifier.
    NameCollision {
        /// The other name.
        other: String,
        /// The shared identifier.
        ident: String,
    },
    /// A name that cannot be used at all (an id that is not snake_case, an empty name).
    InvalidName {
        /// The name.
        name: String,
        /// What it must look like.
        rule: &'static str,
    },
    /// A key that exists in the format but means nothing in this position.
    NotAllowedHere {
        /// The key.
        key: String,
        /// Why not here.
        reason: String,
    },
    /// An endpoint lacks a dispatch value that the service's auth scheme reads.
    MissingDispatch {
        /// The dispatch name (e.g. `Action`).
        name: String,
    },
    /// An event delivery setting the runtime cannot act on.
    Delivery {
        /// What is wrong.
        message: String,
        /// How to fix it.
        hint: String,
    },
    /// A use of a shared parameter sets a key that only the shared definition may set.
    OverrideNotAllowed {
        /// The key.
        key: String,
        /// The shared parameter.
        name: String,
    },
    /// Two definitions of one thing meet where one must win and neither is marked to (an
    /// endpoint's own parameter beside an inherited one, a code in two service lists).
    Conflict {
        /// What clashes, in words.
        message: String,
        /// How to say which one is meant.
        hint: String,
    },
    /// A response field beside the envelope's fields with an envelope field's name.
    ShadowsEnvelope {
        /// The name both use.
        field: String,
    },
    /// A code whose YAML type disagrees with the envelope's code type.
    CodeType {
        /// The envelope's code type.
        expected: &'static str,
    },
}

impl Problem {
    /// The stable code, `E` and four digits.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::NotUtf8 => "E0001",
            Problem::EmptyFile => "E0002",
            Problem::Yaml { .. } => "E0003",
            Problem::UnknownKey { .. } => "E0010",
            Problem::WrongType { .. } => "E0011",
            Problem::MissingKey { .. } => "E0012",
            Problem::UnknownVariant { .. } => "E0013",
            Problem::InvalidValue { .. } => "E0014",
            Problem::MissingService { .. } => "E0015",
            Problem::Duplicate { .. } => "E0100",
            Problem::UndeclaredPlaceholder { .. } => "E0101",
            Problem::UnusedPlaceholder { .. } => "E0102",
            Problem::MalformedTemplate { .. } => "E0103",
            Problem::UnknownReference { .. } => "E0104",
            Problem::ConstraintViolated { .. } => "E0105",
            Problem::EmptyRange { .. } => "E0106",
            Problem::InvalidPattern { .. } => "E0107",
            Problem::NameCollision { .. } => "E0108",
            Problem::InvalidName { .. } => "E0109",
            Problem::NotAllowedHere { .. } => "E0110",
            Problem::CodeType { .. } => "E0111",
            Problem::MissingDispatch { .. } => "E0112",
            Problem::Delivery { .. } => "E0113",
            Problem::OverrideNotAllowed { .. } => "E0114",
            Problem::Conflict { .. } => "E0115",
            Problem::ShadowsEnvelope { .. } => "E0116",
        }
    }

    /// The one-line message.
    pub fn message(&self) -> String {
        match self {
            Problem::NotUtf8 => "the file is not valid UTF-8".into(),
            Problem::EmptyFile => "the file is empty".into(),
            Problem::Yaml { message } => format!("invalid YAML: {message}"),
            Problem::UnknownKey { key, .. } => format!("unknown key `{key}`"),
            Problem::WrongType { expected, found } => {
                format!("expected {expected}, found {found}")
            }
            Problem::MissingKey { key } => format!("missing required key `{key}`"),
            Problem::UnknownVariant { value, .. } => format!("unknown value `{value}`"),
            Problem::InvalidValue { message } => message.clone(),
            Problem::MissingService { folder } => {
                format!("vendor folder `{folder}` has no service.yaml")
            }
            Problem::Duplicate { kind, name } => format!("duplicate {kind} `{name}`"),
            Problem::UndeclaredPlaceholder { name, kind } => {
                format!("placeholder `{{{name}}}` has no matching {kind}")
            }
            Problem::UnusedPlaceholder { name, kind } => {
                format!("{kind} `{name}` does not appear in the template")
            }
            Problem::MalformedTemplate { message } => format!("malformed template: {message}"),
            Problem::UnknownReference { kind, name, .. } => format!("unknown {kind} `{name}`"),
            Problem::ConstraintViolated { what, message } => format!("{what} {message}"),
            Problem::EmptyRange { min, max } => {
                format!("minimum {min} is greater than maximum {max}")
            }
            Problem::InvalidPattern { message } => format!("invalid pattern: {message}"),
            Problem::NameCollision { other, ident } => {
                format!("this name and `{other}` both become the Rust identifier `{ident}`")
            }
            Problem::InvalidName { name, rule } => format!("invalid name `{name}`: {rule}"),
            Problem::NotAllowedHere { key, reason } => {
                format!("`{key}` is not allowed here: {reason}")
            }
            Problem::CodeType { expected } => {
                format!("error code must be {expected}, as the envelope's code field is")
            }
            Problem::MissingDispatch { name } => {
                format!(
                    "endpoint has no query dispatch value `{name}`, which the signing scheme reads"
                )
            }
            Problem::Delivery { message, .. } => format!("event delivery: {message}"),
            Problem::OverrideNotAllowed { key, name } => {
                format!("`{key}` cannot be overridden on a use of shared parameter `{name}`")
            }
            Problem::Conflict { message, .. } => message.clone(),
            Problem::ShadowsEnvelope { field } => format!(
                "response field `{field}` shadows the envelope's field `{field}`: both sit at \
                 the top level of the body"
            ),
        }
    }

    /// The short text under the caret.
    pub fn label(&self) -> String {
        match self {
            Problem::NotUtf8 => "invalid byte sequence".into(),
            Problem::EmptyFile => "nothing here".into(),
            Problem::Yaml { .. } => "here".into(),
            Problem::UnknownKey { .. } => "not a key of this mapping".into(),
            Problem::WrongType { found, .. } => format!("this is {found}"),
            Problem::MissingKey { key } => format!("this mapping needs `{key}`"),
            Problem::UnknownVariant { .. } => "not one of the allowed values".into(),
            Problem::InvalidValue { .. } => "this value".into(),
            Problem::MissingService { .. } => "endpoint without a service".into(),
            Problem::Duplicate { .. } => "defined again here".into(),
            Problem::UndeclaredPlaceholder { .. } => "undeclared placeholder".into(),
            Problem::UnusedPlaceholder { .. } => "declared here".into(),
            Problem::MalformedTemplate { .. } => "in this template".into(),
            Problem::UnknownReference { .. } => "not defined".into(),
            Problem::ConstraintViolated { .. } => "this value".into(),
            Problem::EmptyRange { .. } => "empty range".into(),
            Problem::InvalidPattern { .. } => "this pattern".into(),
            Problem::NameCollision { .. } => "collides".into(),
            Problem::InvalidName { .. } => "this name".into(),
            Problem::NotAllowedHere { .. } => "remove this key".into(),
            Problem::CodeType { .. } => "wrong type of code".into(),
            Problem::MissingDispatch { .. } => "this endpoint".into(),
            Problem::Delivery { .. } => "this setting".into(),
            Problem::OverrideNotAllowed { .. } => "fixed by the shared definition".into(),
            Problem::Conflict { .. } => "conflicts".into(),
            Problem::ShadowsEnvelope { .. } => "this response field".into(),
        }
    }

    /// What to do about it.
    pub fn help(&self) -> Option<String> {
        match self {
            Problem::NotUtf8 => Some("save the file as UTF-8".into()),
            Problem::EmptyFile => {
                Some("a service file needs `name`, `title`, ...; an endpoint file needs `id`, `method`, `path`, ... (see specs/README.md)".into())
            }
            Problem::Yaml { message } if message.contains("alias") => Some(
                "aliases are limited so that loading stays bounded; write the repeated values out".into(),
            ),
            Problem::Yaml { message } if message.contains("duplicate") => {
                Some("each key may appear once per mapping; remove or rename one".into())
            }
            Problem::Yaml { message } if message.contains("depth") => {
                Some("nesting is limited to 64 levels".into())
            }
            Problem::Yaml { message } if message.contains("mapping values are not allowed") => Some(
                "a `: ` inside plain text starts a mapping: quote the text, or write it as a \
                 block (`key: >-` and the text indented on the next lines)"
                    .into(),
            ),
            Problem::Yaml { .. } => Some("fix the YAML syntax".into()),
            Problem::UnknownKey { suggestion: Some(s), .. } => Some(format!("did you mean `{s}`?")),
            Problem::UnknownKey { expected, .. } => Some(format!("expected one of {}", list(expected))),
            Problem::WrongType { expected, found } => match (expected.as_str(), *found) {
                ("a string", "an integer" | "a number" | "a boolean") => {
                    Some("quote the value to make it a string".into())
                }
                ("a boolean", "a string") => Some("write `true` or `false`".into()),
                (crate::spec::REQUIRED_EXPECTED, _) => Some(
                    "write `true` or `false`, or `unknown` when the page does not say".into(),
                ),
                // Plain YAML text containing `: ` is read as a mapping key and value.
                ("a string", "a mapping") => Some(
                    "text with `: ` in it reads as a mapping: quote it, or write it as a block \
                     (`key: >-` and the text indented on the next lines)"
                        .into(),
                ),
                _ => None,
            },
            Problem::MissingKey { key } => Some(format!("add `{key}:` to this mapping")),
            Problem::UnknownVariant { suggestion: Some(s), .. } => Some(format!("did you mean `{s}`?")),
            Problem::UnknownVariant { expected, .. } => Some(format!("expected one of {}", list(expected))),
            Problem::InvalidValue { .. } => None,
            Problem::MissingService { .. } => {
                Some("add service.yaml beside the endpoints/ folder (see specs/README.md)".into())
            }
            Problem::Duplicate { .. } => Some("rename one of them or remove the copy".into()),
            Problem::UndeclaredPlaceholder { kind, name } => {
                Some(format!("declare a {kind} named `{name}` or fix the placeholder's spelling"))
            }
            Problem::UnusedPlaceholder { .. } => {
                Some("add the placeholder to the template or remove the declaration".into())
            }
            Problem::MalformedTemplate { .. } => {
                Some("placeholders are `{name}` with a name of letters, digits, `_` or `-`".into())
            }
            Problem::UnknownReference { suggestion: Some(s), .. } => Some(format!("did you mean `{s}`?")),
            Problem::UnknownReference { kind: "error code", .. } => Some(
                "define the code once in service.yaml, under `error_catalogue` (code, http_status, message, \
                 meaning) or, when every endpoint returns it, under `errors`; or define it in the \
                 endpoint's `errors` with a `message:` or `meaning:`".into(),
            ),
            Problem::UnknownReference { kind: "documented field", .. } => Some(
                "`fields_doc` describes a field the body has (its own or its `type`'s), by wire \
                 name, dotted for a field inside another (`UserContext.State`); to add a field, \
                 write it under `fields`"
                    .into(),
            ),
            Problem::UnknownReference { kind: "common error code", .. } => Some(
                "`error_roles` names codes of the service's `errors` (those every endpoint can \
                 return): list the code there first".into(),
            ),
            Problem::UnknownReference { kind: "shared parameter", .. } => Some(
                "declare it once in service.yaml under `params` (with `name`, `in` and `type`)".into(),
            ),
            Problem::UnknownReference { kind: "endpoint default", .. } => Some(
                "`without_defaults` names entries of service.yaml's `endpoint_defaults`: dispatch \
                 names, parameter names and error codes".into(),
            ),
            Problem::UnknownReference { kind, .. } => Some(format!("define the {kind} in service.yaml first")),
            Problem::ConstraintViolated { .. } => {
                Some("change the value or the constraint so that they agree".into())
            }
            Problem::EmptyRange { .. } => Some("swap the bounds".into()),
            Problem::InvalidPattern { .. } => {
                Some("patterns use the `regex-lite` syntax (no look-around, no backreferences, ASCII classes)".into())
            }
            Problem::NameCollision { .. } => {
                Some("rename one of them, or set `rust_name` on one to pick another identifier".into())
            }
            Problem::InvalidName { .. } => None,
            Problem::NotAllowedHere { .. } => None,
            Problem::CodeType { expected } => Some(format!("write the code as {expected}")),
            Problem::MissingDispatch { name } => Some(format!(
                "add `dispatch: [{{in: query, name: {name}, value: ...}}]` to the endpoint"
            )),
            Problem::Delivery { hint, .. } => Some(hint.clone()),
            Problem::OverrideNotAllowed { .. } => Some(
                "a use may override only `required`, `description`, `description_en`, `default`, \
                 `example`, `unconfirmed` and `inferred`; for another shape declare a parameter \
                 of its own"
                    .into(),
            ),
            Problem::Conflict { hint, .. } => Some(hint.clone()),
            Problem::ShadowsEnvelope { .. } => Some(
                "one key of the body cannot be two fields: remove the response field (the \
                 envelope's is read on success too, in the output's `envelope`), rename it if \
                 the page spells it differently, or put the result under a payload field"
                    .into(),
            ),
        }
    }
}

fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The closest candidate to `word`, if it is close enough to be a likely typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        let score = strsim::jaro_winkler(&word.to_lowercase(), &candidate.to_lowercase());
        if score > 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c.to_owned())
}

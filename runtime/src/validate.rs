//! Documented constraints, checked before a request is sent. Generated builders call these.

use std::sync::OnceLock;

use crate::error::BuildError;

/// The regular-expression engine patterns are checked with.
pub use regex_lite::Regex;

/// A string documented as holding a decimal integer within a range (e.g. an agent id
/// "101"–"59999").
pub fn numeric_text(
    field: &str,
    value: &str,
    min: Option<i64>,
    max: Option<i64>,
) -> Result<(), BuildError> {
    let number: i64 = value
        .parse()
        .map_err(|_| BuildError::new(field, "must be a decimal integer").with_value(value))?;
    BuildError::check_range(field, number, min, max)
}

/// Length in characters.
pub fn length(
    field: &str,
    value: &str,
    min: Option<usize>,
    max: Option<usize>,
) -> Result<(), BuildError> {
    BuildError::check_length(field, value, min, max, false)
}

/// Number of items.
pub fn items(
    field: &str,
    count: usize,
    min: Option<usize>,
    max: Option<usize>,
) -> Result<(), BuildError> {
    BuildError::check_range(field, count, min, max)
        .map_err(|e| BuildError::new(field, format!("item count {}", e.constraint())))
}

/// The expression a documented `pattern` is checked as: it matches the whole value. The OpenAPI
/// documents and the Markdown reference show this same anchored form.
pub fn anchored(pattern: &str) -> String {
    format!("^(?:{pattern})$")
}

/// The whole string matches `pattern`. `cell` caches the compiled expression.
pub fn pattern(
    field: &str,
    value: &str,
    pattern: &'static str,
    cell: &'static OnceLock<Option<Regex>>,
) -> Result<(), BuildError> {
    let regex = cell.get_or_init(|| regex_lite::Regex::new(&anchored(pattern)).ok());
    match regex {
        Some(regex) if regex.is_match(value) => Ok(()),
        Some(regex) => Err(
            BuildError::new(field, format!("must match `{}`", regex.as_str())).with_value(value),
        ),
        // The generator compiled the pattern with a compatible engine; a failure here means the
        // two engines disagree, and refusing the value is the safe side.
        None => Err(BuildError::new(
            field,
            format!("pattern `{pattern}` cannot be compiled"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_text_range() {
        assert!(numeric_text("agentid", "101", Some(101), Some(59999)).is_ok());
        let err = numeric_text("agentid", "100", Some(101), Some(59999)).unwrap_err();
        assert_eq!(err.field(), "agentid");
        assert_eq!(err.constraint(), "must be between 101 and 59999");
        assert_eq!(err.value(), Some("100"));
        assert!(numeric_text("agentid", "abc", Some(101), None).is_err());
    }

    #[test]
    fn pattern_is_anchored() {
        static CELL: OnceLock<Option<regex_lite::Regex>> = OnceLock::new();
        assert!(pattern("n", "123", "[0-9]+", &CELL).is_ok());
        assert!(pattern("n", "12a", "[0-9]+", &CELL).is_err());
    }
}

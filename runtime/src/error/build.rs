//! Constraint violations found while building a request, before anything is sent.

use std::fmt;

/// A request field broke a documented constraint (required, range, length, ...).
///
/// The offending value is kept only when it is not secret; generated code never passes the
/// value of a secret field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    field: String,
    constraint: String,
    value: Option<String>,
    client: bool,
}

impl BuildError {
    /// `field` (its wire name) broke `constraint` (e.g. "must be between 101 and 59999").
    pub fn new(field: impl Into<String>, constraint: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            constraint: constraint.into(),
            value: None,
            client: false,
        }
    }

    /// The client's configuration, not a request, is wrong: `setting` (a base URL variable,
    /// the transport) broke `constraint`. Displayed as "invalid client configuration".
    pub fn config(setting: impl Into<String>, constraint: impl Into<String>) -> Self {
        Self {
            client: true,
            ..Self::new(setting, constraint)
        }
    }

    /// Whether the client's configuration is at fault (see [`BuildError::config`]).
    pub fn is_config(&self) -> bool {
        self.client
    }

    /// A required field was not set.
    pub fn missing(field: impl Into<String>) -> Self {
        Self::new(field, "is required")
    }

    /// The value of a required field, or [`BuildError::missing`]. What generated builders call
    /// (instantiated once per field type, where `ok_or_else` with a closure would be once per
    /// field).
    pub fn require<T>(value: Option<T>, field: &'static str) -> Result<T, BuildError> {
        match value {
            Some(v) => Ok(v),
            None => Err(Self::missing(field)),
        }
    }

    /// Records the offending value (never call this for a secret field).
    pub fn with_value(mut self, value: impl fmt::Display) -> Self {
        self.value = Some(value.to_string());
        self
    }

    /// The field's wire name.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The broken constraint.
    pub fn constraint(&self) -> &str {
        &self.constraint
    }

    /// The offending value, when recorded.
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// Checks `min <= value <= max` (either bound optional).
    pub fn check_range<T>(field: &str, value: T, min: Option<T>, max: Option<T>) -> Result<(), Self>
    where
        T: PartialOrd + fmt::Display + Copy,
    {
        let low = min.is_some_and(|min| value < min);
        let high = max.is_some_and(|max| value > max);
        if !low && !high {
            return Ok(());
        }
        let constraint = match (min, max) {
            (Some(min), Some(max)) => format!("must be between {min} and {max}"),
            (Some(min), None) => format!("must be at least {min}"),
            (None, Some(max)) => format!("must be at most {max}"),
            (None, None) => unreachable!("a bound was broken, so one exists"),
        };
        Err(Self::new(field, constraint).with_value(value))
    }

    /// Checks the length of `value` in characters. `secret` keeps the value out of the error.
    pub fn check_length(
        field: &str,
        value: &str,
        min: Option<usize>,
        max: Option<usize>,
        secret: bool,
    ) -> Result<(), Self> {
        let length = value.chars().count();
        if min.is_some_and(|min| length < min) || max.is_some_and(|max| length > max) {
            let constraint = match (min, max) {
                (Some(min), Some(max)) => {
                    format!("length must be between {min} and {max} characters, was {length}")
                }
                (Some(min), None) => {
                    format!("length must be at least {min} characters, was {length}")
                }
                (_, Some(max)) => format!("length must be at most {max} characters, was {length}"),
                (None, None) => unreachable!("a bound was broken, so one exists"),
            };
            let error = Self::new(field, constraint);
            return Err(if secret {
                error
            } else {
                error.with_value(value)
            });
        }
        Ok(())
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.client {
            "invalid client configuration"
        } else {
            "invalid request"
        };
        write!(f, "{what}: `{}` {}", self.field, self.constraint)?;
        if let Some(value) = &self.value {
            write!(f, " (got `{value}`)")?;
        }
        Ok(())
    }
}

impl std::error::Error for BuildError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_lengths() {
        assert!(BuildError::check_range("agentid", 101, Some(101), Some(59999)).is_ok());
        let error =
            BuildError::check_range("agentid", 100, Some(101), Some(59999)).expect_err("too low");
        assert_eq!(
            error.to_string(),
            "invalid request: `agentid` must be between 101 and 59999 (got `100`)"
        );
        assert_eq!(error.field(), "agentid");
        assert_eq!(error.value(), Some("100"));
        assert!(BuildError::check_range("n", 5u32, None, Some(4)).is_err());
        assert!(BuildError::check_length("phonenum", "12345", None, Some(24), false).is_ok());
        let error = BuildError::check_length("password", "hunter2-too-long", None, Some(8), true)
            .expect_err("too long");
        assert!(!error.to_string().contains("hunter2"), "{error}");
        assert_eq!(error.value(), None);
        assert_eq!(
            BuildError::missing("ChannelId").to_string(),
            "invalid request: `ChannelId` is required"
        );
    }
}

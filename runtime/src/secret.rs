//! A string that must never be printed: passwords, access-key secrets, signing keys, session
//! GUIDs, CSRF tokens, UserSigs.

use std::fmt;

use secrecy::zeroize::Zeroize;
use secrecy::{ExposeSecret, SecretString};

/// The text every redacted value prints as.
pub const REDACTED: &str = "[redacted]";

/// A secret string.
///
/// `Debug` and `Display` print `[redacted]`; the value is only reachable through
/// [`Secret::expose`], so every place that reads it is easy to find by name. The memory holding
/// it is wiped when the last copy is dropped (`secrecy`'s `SecretString`, which zeroizes on
/// drop). Equality is deliberately not implemented: comparing secrets is a job for
/// constant-time code that knows what it compares.
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    /// Wraps a value. A `String` passed in is wiped once copied, spare capacity included.
    pub fn new(value: impl Into<String>) -> Self {
        let mut value = value.into();
        // Copy into an exact-size allocation instead of `into_boxed_str`, which may reallocate
        // and free the original buffer unwiped.
        let secret = Self(SecretString::from(value.as_str()));
        value.zeroize();
        secret
    }

    /// The secret value. Call this only where the value goes on the wire or into a MAC.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Whether the secret is the empty string (an unset credential, usually).
    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(SecretString::from(value))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Serializes the value itself: a secret that is part of a request body must reach the server.
impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

/// Deserializes from a string, so a credential in a response is held redacted.
impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_hides_the_value_and_expose_returns_it() {
        let secret = Secret::from("hunter2");
        assert_eq!(format!("{secret}"), "[redacted]");
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(secret.clone())), "Some([redacted])");
        assert_eq!(secret.expose(), "hunter2");
        assert!(!secret.is_empty());
        assert!(Secret::new(String::new()).is_empty());
    }

    #[test]
    fn a_string_passed_in_is_taken_whole_and_serde_round_trips() {
        // Spare capacity: the case where `into_boxed_str` would reallocate.
        let mut value = String::with_capacity(64);
        value.push_str("hunter2");
        let secret = Secret::new(value);
        assert_eq!(secret.expose(), "hunter2");
        let json = serde_json::to_string(&secret).expect("serializes");
        assert_eq!(json, r#""hunter2""#);
        let back: Secret = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back.expose(), "hunter2");
        assert_eq!(format!("{back:?}"), "[redacted]");
    }

    /// The guarantee this type exists for: its storage zeroizes on drop. Fails to compile if
    /// the field is ever changed to a type that does not.
    #[test]
    fn the_storage_is_wiped_on_drop() {
        fn wiped_on_drop(_: &impl secrecy::zeroize::ZeroizeOnDrop) {}
        wiped_on_drop(&Secret::from("hunter2").0);
    }
}

//! A generated UserSig and fixed values in the query string of every request.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, Mutex};

use bytes::Bytes;

use super::clock::unix_seconds;
use super::{Auth, AuthError, AuthErrorKind, Clock, SystemClock};
use crate::Secret;
use crate::query;
use crate::signing::tls_sig_v2::{self, DEFAULT_EXPIRE_SECONDS, UserSigInput};

/// The query parameter names (and fixed values) the API expects. All vendor spellings.
#[derive(Debug, Clone)]
pub struct QuerySigNames {
    /// Name of the application id parameter.
    pub app_id: String,
    /// Name of the identifier (admin account) parameter.
    pub identifier: String,
    /// Name of the UserSig parameter.
    pub signature: String,
    /// Name of the per-request random `u32` parameter.
    pub random: String,
    /// Parameters with fixed values appended after the others (e.g. a content type).
    pub fixed: Vec<(String, String)>,
}

/// What [`QuerySigAuth`] signs with.
#[derive(Debug, Clone)]
pub struct QuerySigConfig {
    /// The application id.
    pub sdkappid: u64,
    /// The account the UserSig is made for (an app admin for REST calls).
    pub identifier: String,
    /// The application's signing key.
    pub key: Secret,
    /// UserSig lifetime. Default [`DEFAULT_EXPIRE_SECONDS`] (180 days).
    pub expire_seconds: u64,
    /// Make a new UserSig this long before the cached one expires. `None` (the default) means
    /// a tenth of the lifetime.
    pub refresh_margin_seconds: Option<u64>,
    /// The query parameter names.
    pub names: QuerySigNames,
}

impl QuerySigConfig {
    /// A configuration with the default lifetime and refresh margin.
    pub fn new(
        sdkappid: u64,
        identifier: impl Into<String>,
        key: Secret,
        names: QuerySigNames,
    ) -> Self {
        Self {
            sdkappid,
            identifier: identifier.into(),
            key,
            expire_seconds: DEFAULT_EXPIRE_SECONDS,
            refresh_margin_seconds: None,
            names,
        }
    }

    /// Sets the UserSig lifetime.
    pub fn expire_seconds(mut self, seconds: u64) -> Self {
        self.expire_seconds = seconds;
        self
    }

    /// Sets the refresh margin.
    pub fn refresh_margin_seconds(mut self, seconds: u64) -> Self {
        self.refresh_margin_seconds = Some(seconds);
        self
    }

    fn margin(&self) -> u64 {
        self.refresh_margin_seconds
            .unwrap_or(self.expire_seconds / 10)
            .min(self.expire_seconds)
    }
}

struct Cached {
    user_sig: Secret,
    renew_at: u64,
}

/// Appends `sdkappid`, `identifier`, `usersig`, `random` (a fresh random `u32` per request)
/// and the fixed parameters to every request's query, under the configured names. The UserSig
/// (TLSSigAPIv2) is made on first use and cached until the refresh margin before it expires.
pub struct QuerySigAuth {
    config: QuerySigConfig,
    clock: Arc<dyn Clock>,
    cache: Mutex<Option<Cached>>,
}

impl QuerySigAuth {
    /// A scheme using the system clock.
    pub fn new(config: QuerySigConfig) -> Self {
        Self {
            config,
            clock: Arc::new(SystemClock),
            cache: Mutex::new(None),
        }
    }

    /// Uses `clock` instead of the system clock.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The configuration.
    pub fn config(&self) -> &QuerySigConfig {
        &self.config
    }

    /// The UserSig the next request will carry (made now when none is cached or it is due).
    pub fn current_user_sig(&self) -> Result<Secret, AuthError> {
        let now = unix_seconds(self.clock.as_ref())?;
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(cached) = cache.as_ref().filter(|c| now < c.renew_at) {
            return Ok(cached.user_sig.clone());
        }
        let input = UserSigInput {
            sdkappid: self.config.sdkappid,
            identifier: &self.config.identifier,
            time: now,
            expire: self.config.expire_seconds,
            userbuf: None,
        };
        let user_sig = tls_sig_v2::generate(&self.config.key, &input)?;
        let renew_at = now.saturating_add(self.config.expire_seconds - self.config.margin());
        *cache = Some(Cached {
            user_sig: user_sig.clone(),
            renew_at,
        });
        Ok(user_sig)
    }
}

impl Auth for QuerySigAuth {
    fn prepare(&self, request: &mut http::Request<Bytes>) -> Result<(), AuthError> {
        let user_sig = self.current_user_sig()?;
        let random = getrandom::u32().map_err(|e| {
            AuthError::new(
                AuthErrorKind::Randomness,
                format!("no random number for the request: {e}"),
            )
        })?;
        let names = &self.config.names;
        let ours = |name: &str| {
            name == names.app_id
                || name == names.identifier
                || name == names.signature
                || name == names.random
                || names.fixed.iter().any(|(fixed, _)| fixed == name)
        };
        // Borrowed from a clone of the URI (reference counts): only values with escapes are
        // copied.
        let uri = request.uri().clone();
        let mut pairs: Vec<(Cow<'_, str>, Cow<'_, str>)> =
            query::parse_cow(uri.query().unwrap_or_default())
                .into_iter()
                .filter(|(name, _)| !ours(name))
                .collect();
        pairs.push((
            Cow::Borrowed(&names.app_id),
            Cow::Owned(self.config.sdkappid.to_string()),
        ));
        pairs.push((
            Cow::Borrowed(&names.identifier),
            Cow::Borrowed(&self.config.identifier),
        ));
        pairs.push((
            Cow::Borrowed(&names.signature),
            Cow::Borrowed(user_sig.expose()),
        ));
        pairs.push((Cow::Borrowed(&names.random), Cow::Owned(random.to_string())));
        pairs.extend(
            names
                .fixed
                .iter()
                .map(|(name, value)| (Cow::Borrowed(name.as_str()), Cow::Borrowed(value.as_str()))),
        );
        let query = query::to_string(pairs);
        *request.uri_mut() = query::with_query(request.uri(), Some(&query))?;
        Ok(())
    }
}

impl fmt::Debug for QuerySigAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QuerySigAuth")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

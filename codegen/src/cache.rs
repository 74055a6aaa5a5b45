//! The output cache: what a run computed per spec file and per endpoint, kept for the next run
//! so that a one-file edit redoes the work of that file only.
//!
//! Every entry is keyed on a SHA-256 of everything its value is a function of: the YAML node
//! tree of a spec file on the file's bytes; a formatted endpoint module on the endpoint's lowered
//! model and the service's model without its endpoints (the emitter is handed exactly that, so
//! it cannot read anything the key leaves out). A whole cache file belongs to one generator
//! build ([`GENERATOR_ID`], a digest of the generator's sources and lock file taken at build
//! time) and carries a CRC-32 of its body: a cache written by another build, truncated, or
//! corrupted is ignored and rebuilt, never trusted; an entry whose bytes do not decode counts
//! as a miss. The output of a run is the same bytes with or without a cache
//! (`tests/cache.rs`).
//!
//! The file lives outside the output folder (never committed): under the system cache folder
//! by default (`~/.cache/switchboard-codegen/` on Linux), one file per pair of specs and output
//! folders. It holds the entries the last successful run used, so it does not grow with edits.

use std::collections::HashMap;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use sha2::{Digest, Sha256};

/// The generator build: a digest of its sources, manifest and the workspace lock file
/// (`build.rs`). Two builds that could emit different bytes have different ids.
pub const GENERATOR_ID: &str = env!("SWITCHBOARD_GENERATOR_ID");

const MAGIC: &[u8; 8] = b"SWBCACHE";
const FORMAT: u32 = 1;
/// Magic, format, generator id (32 bytes), CRC-32 of the body.
const HEADER_LEN: usize = 8 + 4 + 32 + 4;

/// What an entry is a function of, hashed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key([u8; 32]);

impl Key {
    /// The digest's bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// Builds a [`Key`]: every part is length-prefixed, so `("ab", "c")` and `("a", "bc")` differ.
pub struct KeyBuilder(Sha256);

impl KeyBuilder {
    /// A key of the given kind (`"yaml"`, `"rust-module"`, ...), for this generator build.
    pub fn new(kind: &str) -> Self {
        let mut builder = KeyBuilder::model(kind);
        builder.bytes(GENERATOR_ID.as_bytes());
        builder
    }

    /// A digest of inputs alone, the same for every generator build (what [`Memo::digest`]
    /// gives, and what a generated crate's version is made from).
    pub fn model(kind: &str) -> Self {
        let mut builder = KeyBuilder(Sha256::new());
        builder.bytes(kind.as_bytes());
        builder
    }

    /// Adds raw bytes.
    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    /// Adds another key (a digest computed once for many entries).
    pub fn key(&mut self, key: &Key) -> &mut Self {
        self.bytes(&key.0)
    }

    /// Adds a value by its JSON serialization (the model's `Serialize` covers every field the
    /// emitters read).
    pub fn value(&mut self, value: &impl serde::Serialize) -> &mut Self {
        struct Feed<'a>(&'a mut Sha256, u64);
        impl Write for Feed<'_> {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0.update(buf);
                self.1 += buf.len() as u64;
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut feed = Feed(&mut self.0, 0);
        // Serializing the model cannot fail (no map has non-string keys); if it ever did, the
        // length below still separates it from any complete serialization.
        let _ = serde_json::to_writer(&mut feed, value);
        let written = feed.1;
        self.0.update(written.to_le_bytes());
        self
    }

    /// The key.
    pub fn finish(&self) -> Key {
        Key(self.0.clone().finalize().into())
    }
}

/// A value that can be kept in the cache. `decode` must reject (return `None` on) any bytes it
/// did not write, without panicking.
pub trait Cached: Sized {
    /// Appends the value's bytes.
    fn encode(&self, out: &mut Vec<u8>);
    /// Reads a value back.
    fn decode(input: &mut Reader<'_>) -> Option<Self>;
}

/// Reads encoded values.
pub struct Reader<'a> {
    bytes: &'a [u8],
    /// Nesting of the value being read, bounded so that no cache file can exhaust the stack.
    pub depth: usize,
}

impl<'a> Reader<'a> {
    /// Deepest nesting a value may have (the YAML loader stops at 64).
    pub const MAX_DEPTH: usize = 256;

    fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, depth: 0 }
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.bytes.len() {
            return None;
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Some(head)
    }

    /// A byte.
    pub fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    /// A little-endian `u64`.
    pub fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    /// A length (checked against what is left, so a bad length cannot allocate).
    pub fn count(&mut self) -> Option<usize> {
        let n = usize::try_from(self.u64()?).ok()?;
        (n <= self.bytes.len()).then_some(n)
    }

    /// A length-prefixed UTF-8 string.
    pub fn str(&mut self) -> Option<&'a str> {
        let n = self.count()?;
        std::str::from_utf8(self.take(n)?).ok()
    }
}

/// Appends a little-endian `u64`.
pub fn put_u64(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(&n.to_le_bytes());
}

/// Appends a length-prefixed string.
pub fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u64(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

impl Cached for String {
    fn encode(&self, out: &mut Vec<u8>) {
        put_str(out, self);
    }
    fn decode(input: &mut Reader<'_>) -> Option<Self> {
        input.str().map(str::to_owned)
    }
}

impl<A: Cached, B: Cached> Cached for (A, B) {
    fn encode(&self, out: &mut Vec<u8>) {
        self.0.encode(out);
        self.1.encode(out);
    }
    fn decode(input: &mut Reader<'_>) -> Option<Self> {
        Some((A::decode(input)?, B::decode(input)?))
    }
}

impl<T: Cached> Cached for Option<T> {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(value) => {
                out.push(1);
                value.encode(out);
            }
        }
    }
    fn decode(input: &mut Reader<'_>) -> Option<Self> {
        match input.u8()? {
            0 => Some(None),
            1 => Some(Some(T::decode(input)?)),
            _ => None,
        }
    }
}

impl<T: Cached> Cached for Vec<T> {
    fn encode(&self, out: &mut Vec<u8>) {
        put_u64(out, self.len() as u64);
        self.iter().for_each(|item| item.encode(out));
    }
    fn decode(input: &mut Reader<'_>) -> Option<Self> {
        // Every item takes at least one byte, so the count is bounded by what is left.
        let n = input.count()?;
        let mut items = Vec::with_capacity(n);
        for _ in 0..n {
            items.push(T::decode(input)?);
        }
        Some(items)
    }
}

/// Where the cache of a run is kept, if anywhere.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Location {
    /// No cache: every run computes everything (the library's default).
    #[default]
    Off,
    /// The system cache folder (`$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches`
    /// on macOS, `%LOCALAPPDATA%` on Windows), under `switchboard-codegen/`.
    System,
    /// This folder.
    Dir(PathBuf),
}

impl Location {
    /// The cache file for a pair of specs and output folders (`None`: no cache, or no system
    /// cache folder on this machine).
    pub fn file(&self, specs: &Path, out: &Path) -> Option<PathBuf> {
        let dir = match self {
            Location::Off => return None,
            Location::System => dirs::cache_dir()?.join("switchboard-codegen"),
            Location::Dir(dir) => dir.clone(),
        };
        // Folders by absolute path, so runs from different working folders share a file; the
        // output folder may not exist yet, so only what exists is canonicalized.
        let absolute = |p: &Path| {
            std::fs::canonicalize(p).unwrap_or_else(|_| {
                std::env::current_dir()
                    .map(|cwd| cwd.join(p))
                    .unwrap_or_else(|_| p.to_path_buf())
            })
        };
        let mut key = KeyBuilder::new("location");
        key.bytes(absolute(specs).as_os_str().as_encoded_bytes());
        key.bytes(absolute(out).as_os_str().as_encoded_bytes());
        Some(dir.join(format!("{}.bin", hex::encode(&key.finish().0[..16]))))
    }
}

/// The entries of one run: those read from the cache file, and those computed now.
#[derive(Default)]
pub struct Memo {
    enabled: bool,
    data: Vec<u8>,
    index: HashMap<Key, Range<usize>>,
    fresh: Mutex<HashMap<Key, Vec<u8>>>,
    used: Mutex<Vec<Key>>,
    hits: AtomicUsize,
    misses: AtomicUsize,
    /// Digests of models, by service and endpoint id, computed once per run for every
    /// emitter that keys entries on them.
    digests: Mutex<HashMap<(String, String), Key>>,
    /// Why the file was not used, if it was not.
    pub ignored: Option<String>,
}

impl Memo {
    /// No cache: [`Memo::get_or`] always computes.
    pub fn off() -> Memo {
        Memo::default()
    }

    /// An empty cache that keeps what is computed.
    pub fn empty() -> Memo {
        Memo {
            enabled: true,
            ..Memo::default()
        }
    }

    /// The cache in `file`; an empty one if the file is missing, unreadable, from another
    /// generator build, or damaged.
    pub fn load(file: &Path) -> Memo {
        let mut memo = Memo::empty();
        let data = match std::fs::read(file) {
            Ok(data) => data,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return memo,
            Err(error) => {
                memo.ignored = Some(format!("unreadable: {error}"));
                return memo;
            }
        };
        match index(&data) {
            Ok(index) => {
                memo.index = index;
                memo.data = data;
            }
            Err(why) => memo.ignored = Some(why.to_owned()),
        }
        memo
    }

    /// The cached value of `key`, or `compute()`'s, which is kept.
    pub fn get_or<T: Cached>(&self, key: impl FnOnce() -> Key, compute: impl FnOnce() -> T) -> T {
        if !self.enabled {
            return compute();
        }
        let key = key();
        if let Some(range) = self.index.get(&key) {
            let mut reader = Reader::new(&self.data[range.clone()]);
            if let Some(value) = T::decode(&mut reader)
                && reader.bytes.is_empty()
            {
                self.hits.fetch_add(1, Ordering::Relaxed);
                lock(&self.used).push(key);
                return value;
            }
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let value = compute();
        let mut bytes = Vec::new();
        value.encode(&mut bytes);
        lock(&self.fresh).insert(key, bytes);
        value
    }

    /// The digest of a service without its endpoints (`endpoint: None`) or of one of its
    /// endpoints: the JSON of the model hashed, once per run whichever emitter asks first (also
    /// without a cache: the crate version is made of these).
    pub fn digest(
        &self,
        service: &crate::model::Service,
        endpoint: Option<&crate::model::Endpoint>,
    ) -> Key {
        let id = (
            service.name.clone(),
            endpoint.map_or_else(String::new, |e| format!("endpoint {}", e.id.0)),
        );
        if let Some(key) = lock(&self.digests).get(&id) {
            return *key;
        }
        let key = match endpoint {
            Some(endpoint) => KeyBuilder::model("endpoint").value(endpoint).finish(),
            None => KeyBuilder::model("service")
                .value(&service.without_endpoints())
                .finish(),
        };
        lock(&self.digests).insert(id, key);
        key
    }

    /// The key of an entry made from some of a service's endpoints (one, or the members of a
    /// merged operation): their digests, the digest of the service without its endpoints, and
    /// whatever else the emitter reads (`extra`).
    pub fn key(
        &self,
        kind: &str,
        service: &crate::model::Service,
        endpoints: &[&crate::model::Endpoint],
        extra: &[&[u8]],
    ) -> Key {
        let mut key = KeyBuilder::new(kind);
        key.key(&self.digest(service, None));
        for endpoint in endpoints {
            key.key(&self.digest(service, Some(endpoint)));
        }
        for bytes in extra {
            key.bytes(bytes);
        }
        key.finish()
    }

    /// Entries found and entries computed so far.
    pub fn stats(&self) -> (usize, usize) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    /// Writes the entries this run used to `file` (through a temporary file renamed into place,
    /// so a concurrent run reads the old cache or the new one, never half of one). Nothing is
    /// written when the file already holds exactly those entries.
    pub fn save(&self, file: &Path) -> std::io::Result<()> {
        if !self.enabled {
            return Ok(());
        }
        let fresh = lock(&self.fresh);
        let mut used = lock(&self.used);
        used.sort_by_key(|k| k.0);
        used.dedup();
        if fresh.is_empty() && used.len() == self.index.len() && self.ignored.is_none() {
            return Ok(());
        }
        let mut body = Vec::with_capacity(self.data.len());
        let mut entry = |key: &Key, value: &[u8]| {
            body.extend_from_slice(&key.0);
            put_u64(&mut body, value.len() as u64);
            body.extend_from_slice(value);
        };
        for key in used.iter() {
            entry(key, &self.data[self.index[key].clone()]);
        }
        let mut fresh: Vec<(&Key, &Vec<u8>)> = fresh.iter().collect();
        fresh.sort_by_key(|(k, _)| k.0);
        for (key, value) in fresh {
            entry(key, value);
        }
        let mut out = Vec::with_capacity(HEADER_LEN + body.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT.to_le_bytes());
        out.extend_from_slice(&generator_digest());
        out.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
        out.extend_from_slice(&body);
        let dir = file.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(format!(
            ".{}.{}.tmp",
            file.file_name().and_then(|n| n.to_str()).unwrap_or("cache"),
            std::process::id()
        ));
        std::fs::write(&tmp, &out)?;
        std::fs::rename(&tmp, file).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })?;
        prune(dir, file);
        Ok(())
    }
}

/// How long a cache file nobody wrote stays: the cache of a folder pair not regenerated for
/// this long (a deleted checkout, a test's temporary folder) is removed by the next save.
const KEEP: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 60 * 60);

/// Removes the cache files in `dir` not written for [`KEEP`] (best effort: the cache folder is
/// shared, and a file another run is replacing right now is simply skipped).
fn prune(dir: &Path, keep: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > KEEP);
        if old && path != keep && path.extension().is_some_and(|e| e == "bin") {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding the lock leaves plain data behind; keep using it.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn generator_digest() -> [u8; 32] {
    Sha256::digest(GENERATOR_ID.as_bytes()).into()
}

/// The entries of a cache file, or why it cannot be used.
fn index(data: &[u8]) -> Result<HashMap<Key, Range<usize>>, &'static str> {
    if data.len() < HEADER_LEN || &data[..8] != MAGIC {
        return Err("not a switchboard cache file");
    }
    if data[8..12] != FORMAT.to_le_bytes() {
        return Err("written in another cache format");
    }
    if data[12..44] != generator_digest() {
        return Err("written by another generator build");
    }
    if data[44..48] != crc32fast::hash(&data[HEADER_LEN..]).to_le_bytes() {
        return Err("damaged (checksum mismatch)");
    }
    let mut index = HashMap::new();
    let mut at = HEADER_LEN;
    while at < data.len() {
        let mut reader = Reader::new(&data[at..]);
        let key = Key(reader
            .take(32)
            .and_then(|k| k.try_into().ok())
            .ok_or("damaged (truncated entry)")?);
        let len = reader.count().ok_or("damaged (bad entry length)")?;
        let start = data.len() - reader.bytes.len();
        index.insert(key, start..start + len);
        at = start + len;
    }
    Ok(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Key {
        KeyBuilder::new("test").bytes(s.as_bytes()).finish()
    }

    #[test]
    fn a_saved_cache_answers_the_next_run_and_a_damaged_one_is_ignored() {
        let dir = std::env::temp_dir().join(format!("swb-cache-unit-{}", std::process::id()));
        let file = dir.join("c.bin");
        let memo = Memo::load(&file);
        assert_eq!(memo.get_or(|| key("a"), || "A".to_owned()), "A");
        assert_eq!(memo.stats(), (0, 1));
        memo.save(&file).expect("save");

        let memo = Memo::load(&file);
        assert!(memo.ignored.is_none());
        let value: String = memo.get_or(|| key("a"), || unreachable!("a hit"));
        assert_eq!(value, "A");
        assert_eq!(memo.stats(), (1, 0));

        // One flipped bit anywhere in the body: the whole file is ignored.
        let mut bytes = std::fs::read(&file).expect("read");
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&file, &bytes).expect("write");
        let memo = Memo::load(&file);
        assert_eq!(memo.ignored.as_deref(), Some("damaged (checksum mismatch)"));
        assert_eq!(memo.get_or(|| key("a"), || "again".to_owned()), "again");

        // Another generator build's file.
        let mut bytes = std::fs::read(&file).expect("read");
        bytes[20] ^= 1;
        std::fs::write(&file, &bytes).expect("write");
        assert_eq!(
            Memo::load(&file).ignored.as_deref(),
            Some("written by another generator build")
        );
        std::fs::write(&file, b"garbage").expect("write");
        assert_eq!(
            Memo::load(&file).ignored.as_deref(),
            Some("not a switchboard cache file")
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn values_that_do_not_decode_are_misses() {
        // A string kept under a key, then asked for as a pair of strings: the bytes run out, so
        // the value is computed again (a miss), never a panic.
        let dir = std::env::temp_dir().join(format!("swb-cache-miss-{}", std::process::id()));
        let file = dir.join("c.bin");
        let memo = Memo::empty();
        let _ = memo.get_or(|| key("x"), || "only one".to_owned());
        memo.save(&file).expect("save");
        let memo = Memo::load(&file);
        let pair = memo.get_or(|| key("x"), || ("a".to_owned(), "b".to_owned()));
        assert_eq!(pair, ("a".to_owned(), "b".to_owned()));
        assert_eq!(memo.stats(), (0, 1));
        // A length larger than the rest is rejected before anything is allocated.
        let mut huge = Vec::new();
        put_u64(&mut huge, u64::MAX);
        assert!(Vec::<String>::decode(&mut Reader::new(&huge)).is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn keys_separate_their_parts() {
        let ab_c = KeyBuilder::new("k").bytes(b"ab").bytes(b"c").finish();
        let a_bc = KeyBuilder::new("k").bytes(b"a").bytes(b"bc").finish();
        assert_ne!(ab_c, a_bc);
        assert_ne!(KeyBuilder::new("k").finish(), KeyBuilder::new("j").finish());
    }
}

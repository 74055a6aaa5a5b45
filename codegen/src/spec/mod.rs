//! Reading specs: YAML → located node tree → spec structs.
//!
//! Only [`yaml`] touches the YAML library. [`load_dir`] reads a whole specs folder and reports
//! every file's problems together.

pub mod decode;
pub mod format;
pub mod inferred;
pub mod page;
pub mod resolve;
mod sample_parts;
pub mod shared;
pub mod yaml;

use std::path::{Path, PathBuf};

pub use decode::Sp;
pub use format::*;
pub use inferred::*;
pub use page::*;
pub use shared::{EndpointDefaultsSpec, ShapeSpec};

use crate::diag::{Diagnostic, Errors, FileId, Loc, Problem, SourceMap, Span};

/// A vendor folder, decoded.
#[derive(Debug)]
pub struct ServiceFiles {
    /// The vendor folder.
    pub dir: PathBuf,
    /// `service.yaml`.
    pub file: FileId,
    /// Its content.
    pub spec: ServiceSpec,
    /// `endpoints/*.yaml`, sorted by file name.
    pub endpoints: Vec<(FileId, EndpointSpec)>,
}

/// Everything read from a specs folder.
#[derive(Debug, Default)]
pub struct SpecSet {
    /// The files, for diagnostics.
    pub sources: SourceMap,
    /// One entry per vendor folder, sorted by folder name.
    pub services: Vec<ServiceFiles>,
    /// Semantic problems found while resolving shared definitions (unknown names, conflicts):
    /// reported by `check` with its own findings, as the shape problems of loading are not.
    pub resolution: Vec<(Problem, Loc)>,
}

/// Failure to read the specs at all (not a spec error): exit code 2.
#[derive(Debug)]
pub struct IoError {
    /// The path that could not be read.
    pub path: PathBuf,
    /// Why.
    pub error: std::io::Error,
}

impl std::fmt::Display for IoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot read {}: {}", self.path.display(), self.error)
    }
}

impl std::error::Error for IoError {}

/// What loading can end with.
#[derive(Debug)]
pub enum LoadError {
    /// Reading failed.
    Io(IoError),
    /// The specs have problems; the sources are returned for rendering.
    Spec(Vec<Diagnostic>, SourceMap),
}

/// Largest spec file read, to bound memory on hostile input.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Reads `specs/<vendor>/service.yaml` and `specs/<vendor>/endpoints/*.yaml` for every vendor
/// folder. Order never depends on the file system: folders and files are sorted by name.
///
/// Only those two levels are read, so a symbolic link looping back up the tree is never
/// walked into. Links are followed to regular files; a spec path that leads to anything else
/// (a folder, a device, a FIFO) or to a file over [`MAX_FILE_BYTES`] is an I/O error.
pub fn load_dir(root: &Path) -> Result<SpecSet, LoadError> {
    load_dir_with(root, &crate::cache::Memo::off())
}

/// [`load_dir`], taking the YAML node tree of every file whose bytes are in `memo` from there
/// instead of parsing it (and keeping the trees it parses).
pub fn load_dir_with(root: &Path, memo: &crate::cache::Memo) -> Result<SpecSet, LoadError> {
    let mut set = SpecSet::default();
    let mut errors = Errors::default();
    for dir in sorted_entries(root)? {
        if !dir.is_dir() {
            continue;
        }
        let service_path = dir.join("service.yaml");
        let endpoint_paths = match dir.join("endpoints") {
            p if p.is_dir() => sorted_entries(&p)?
                .into_iter()
                .filter(|p| is_yaml(p))
                .collect(),
            _ => Vec::new(),
        };
        if !service_path.is_file() {
            if let Some(first) = endpoint_paths.first() {
                let text = read(first)?;
                let file = set.sources.add(first, text);
                errors.report(
                    Problem::MissingService {
                        folder: dir.display().to_string(),
                    },
                    Loc {
                        file,
                        span: Span::new(0, 0),
                    },
                );
            }
            continue;
        }
        let Some((file, spec)) =
            load_file::<ServiceSpec>(&service_path, memo, &mut set.sources, &mut errors)?
        else {
            continue;
        };
        let mut endpoints = Vec::new();
        for (path, parsed) in endpoint_paths
            .iter()
            .zip(load_files::<EndpointSpec>(&endpoint_paths, memo))
        {
            if let Some(endpoint) = parsed?.register(path, &mut set.sources, &mut errors) {
                endpoints.push(endpoint);
            }
        }
        resolve::resolve_service(
            file,
            &spec,
            &mut endpoints,
            &set.sources,
            &mut errors,
            &mut set.resolution,
        );
        set.services.push(ServiceFiles {
            dir,
            file,
            spec,
            endpoints,
        });
    }
    match errors.finish() {
        Ok(()) => Ok(set),
        Err(list) => Err(LoadError::Spec(list, set.sources)),
    }
}

/// Parses one spec file from text (used by the loader and by tests).
pub fn parse_file<T: serde::de::DeserializeOwned>(
    path: &Path,
    bytes: Vec<u8>,
    sources: &mut SourceMap,
    errors: &mut Errors,
) -> Option<(FileId, T)> {
    parse_bytes::<T>(bytes, &crate::cache::Memo::off()).register(path, sources, errors)
}

/// One file parsed on its own, before it joins the [`SourceMap`]: what parsing needs no shared
/// state for, so the loader parses files on every core and registers them in path order.
struct Parsed<T> {
    text: String,
    value: Option<T>,
    problems: Vec<(Problem, Span)>,
}

impl<T> Parsed<T> {
    fn register(
        self,
        path: &Path,
        sources: &mut SourceMap,
        errors: &mut Errors,
    ) -> Option<(FileId, T)> {
        let file = sources.add(path, self.text);
        for (problem, span) in self.problems {
            errors.report(problem, Loc { file, span });
        }
        Some((file, self.value?))
    }
}

fn parse_bytes<T: serde::de::DeserializeOwned>(
    bytes: Vec<u8>,
    memo: &crate::cache::Memo,
) -> Parsed<T> {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let start = String::from_utf8_lossy(&err.as_bytes()[..valid]).len();
            return Parsed {
                text: String::from_utf8_lossy(err.as_bytes()).into_owned(),
                value: None,
                problems: vec![(Problem::NotUtf8, Span::new(start, start + 1))],
            };
        }
    };
    let (value, problems) = parse_text::<T>(&text, memo);
    Parsed {
        text,
        value,
        problems,
    }
}

fn parse_text<T: serde::de::DeserializeOwned>(
    text: &str,
    memo: &crate::cache::Memo,
) -> (Option<T>, Vec<(Problem, Span)>) {
    // A byte-order mark (editors on Windows write one) or only comments (a new file with just
    // its schema line) is still an empty file.
    if is_blank(text) {
        return (None, vec![(Problem::EmptyFile, Span::new(0, 0))]);
    }
    let node = match parse_yaml(text, memo) {
        Ok(node) => node,
        Err(err) => {
            let span = err.span.unwrap_or_default();
            let problem = Problem::Yaml {
                message: err.message,
            };
            return (None, vec![(problem, span)]);
        }
    };
    let recovered = decode::Recovered::default();
    let result = decode::decode::<T>(&node, &recovered);
    let mut problems = recovered.into_inner();
    match result {
        // A file that decoded but left recovered problems (unknown keys) is still an error.
        Ok(value) if problems.is_empty() => (Some(value), problems),
        Ok(_) => (None, problems),
        Err(err) => {
            problems.push((err.problem, err.span.unwrap_or(node.span)));
            (None, problems)
        }
    }
}

/// The file's node tree: kept from an earlier run of the same bytes, or parsed now. Only trees
/// are kept, not errors (a file that does not parse is parsed again, to report it), and a kept
/// tree is used only if every span lies within the text.
fn parse_yaml(text: &str, memo: &crate::cache::Memo) -> Result<yaml::Node, yaml::YamlError> {
    let key = || {
        crate::cache::KeyBuilder::new("yaml")
            .bytes(text.as_bytes())
            .finish()
    };
    let mut failed = None;
    let kept: Option<yaml::Node> = memo.get_or(key, || match yaml::parse(text) {
        Ok(node) => Some(node),
        Err(err) => {
            failed = Some(err);
            None
        }
    });
    match (kept, failed) {
        (_, Some(err)) => Err(err),
        (Some(node), None) if node.fits(text.len()) => Ok(node),
        _ => yaml::parse(text),
    }
}

/// Nothing but whitespace, comments and a byte-order mark.
fn is_blank(text: &str) -> bool {
    text.trim_start_matches('\u{feff}').lines().all(|line| {
        let line = line.trim();
        line.is_empty() || line.starts_with('#')
    })
}

fn load_file<T: serde::de::DeserializeOwned>(
    path: &Path,
    memo: &crate::cache::Memo,
    sources: &mut SourceMap,
    errors: &mut Errors,
) -> Result<Option<(FileId, T)>, LoadError> {
    Ok(parse_bytes::<T>(read_bytes(path)?, memo).register(path, sources, errors))
}

/// Reads and parses files on every core; the results come back in the order of `paths`.
fn load_files<T>(paths: &[PathBuf], memo: &crate::cache::Memo) -> Vec<Result<Parsed<T>, LoadError>>
where
    T: serde::de::DeserializeOwned + Send,
{
    use rayon::prelude::*;
    paths
        .par_iter()
        .map(|path| Ok(parse_bytes::<T>(read_bytes(path)?, memo)))
        .collect()
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, LoadError> {
    let io = |error| {
        LoadError::Io(IoError {
            path: path.to_path_buf(),
            error,
        })
    };
    let too_large = |size: String| {
        LoadError::Io(IoError {
            path: path.to_path_buf(),
            error: std::io::Error::other(format!(
                "the file is {size} bytes; a spec file may have at most {MAX_FILE_BYTES} bytes \
                 (4 MiB)"
            )),
        })
    };
    // Symbolic links are followed, but only to regular files: a link to a device such as
    // /dev/zero would read forever and a FIFO would block the run.
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(io(std::io::Error::other(
            "not a regular file (a folder, device, FIFO or socket); spec files must be \
             regular files",
        )));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large(meta.len().to_string()));
    }
    // The file may grow between the size check and the read: read at most one byte more
    // than allowed, so memory stays bounded either way.
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(std::fs::File::open(path).map_err(io)?, MAX_FILE_BYTES + 1),
        &mut bytes,
    )
    .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(format!("more than {MAX_FILE_BYTES}")));
    }
    Ok(bytes)
}

fn read(path: &Path) -> Result<String, LoadError> {
    Ok(String::from_utf8_lossy(&read_bytes(path)?).into_owned())
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let io = |error| {
        LoadError::Io(IoError {
            path: dir.to_path_buf(),
            error,
        })
    };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        out.push(entry.map_err(io)?.path());
    }
    out.sort();
    Ok(out)
}

fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

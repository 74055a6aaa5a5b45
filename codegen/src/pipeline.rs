//! The whole pipeline behind one builder, for the CLI and for build scripts (like prost-build).

use std::fmt;
use std::path::{Path, PathBuf};

use crate::cache::{Location, Memo};
use crate::diag::{self, Diagnostic, SourceMap};
use crate::emit::openapi::Version as OpenApiVersion;
use crate::emit::{self, Outputs};
use crate::model::{self, Model};
use crate::public_api::{self, ApiChanges};
use crate::spec::{self, LoadError};
use crate::write::{self, Fault, Staleness};

/// Why a run did not produce output.
#[derive(Debug)]
pub enum Error {
    /// A file or folder could not be read or written.
    Io {
        /// Which.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// The specs have problems. Nothing was written.
    Spec {
        /// Every problem of the phase that failed, sorted by place.
        diagnostics: Vec<Diagnostic>,
        /// The files, to render snippets.
        sources: SourceMap,
    },
}

impl Error {
    /// Renders the error for a terminal (`color` adds ANSI styling to spec diagnostics).
    pub fn render(&self, color: bool) -> String {
        match self {
            Error::Io { path, error } => format!("error: {}: {error}\n", path.display()),
            Error::Spec {
                diagnostics,
                sources,
            } => diag::render(diagnostics, sources, color),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl std::error::Error for Error {}

/// Everything generated from the specs, before it is written.
pub use crate::emit::Outputs as GeneratedFiles;

/// Runs the pipeline: `Builder::new().specs_dir("specs").out_dir("generated").generate()`.
#[derive(Clone, Debug)]
pub struct Builder {
    specs: PathBuf,
    out: PathBuf,
    openapi: emit::openapi::Options,
    cache: Location,
    fault: Option<Fault>,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            specs: PathBuf::from("specs"),
            out: PathBuf::from("generated"),
            openapi: emit::openapi::Options::default(),
            cache: Location::Off,
            fault: None,
        }
    }
}

impl Builder {
    /// A builder with the defaults `specs/` and `generated/` (relative to the working folder).
    pub fn new() -> Self {
        Self::default()
    }

    /// Where the specs are.
    pub fn specs_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.specs = dir.into();
        self
    }

    /// Where the outputs go.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out = dir.into();
        self
    }

    /// The OpenAPI version of `openapi/<service>.json`: 3.1.0 (the default, what `generated/`
    /// holds) or 3.0.3 for tools that only read 3.0 (e.g. progenitor). The file names stay the
    /// same, so `--check` against a 3.1 tree reports every document as stale.
    pub fn openapi_version(mut self, version: OpenApiVersion) -> Self {
        self.openapi.version = version;
        self
    }

    /// How endpoints sharing a method and path (RPC dispatch) appear in the OpenAPI documents:
    /// merged into one operation at the real path (the default, what `generated/` holds) or one
    /// operation per endpoint under a `;name=value` path key.
    pub fn openapi_dispatch(mut self, dispatch: emit::openapi::Dispatch) -> Self {
        self.openapi.dispatch = dispatch;
        self
    }

    /// Where to keep the output cache ([`Location::Off`] by default; the CLI uses
    /// [`Location::System`]). With a cache, a run after a one-file edit parses that file and
    /// formats that endpoint's Rust only; the output is the same bytes either way.
    pub fn cache(mut self, cache: Location) -> Self {
        self.cache = cache;
        self
    }

    /// Test hook, not part of the API: the run fails while producing the `n`-th file it has
    /// to write (0-based, in path order; an I/O error), after the files before it were
    /// written to temporaries, as if an emitter or the file system had failed there. The tests
    /// use it to prove that a failed run leaves the output folder exactly as it was.
    #[doc(hidden)]
    pub fn inject_output_failure(mut self, n: usize) -> Self {
        self.fault = Some(Fault::Stage(n));
        self
    }

    /// Test hook, not part of the API: the run fails before renaming the `n`-th staged file
    /// into place (0-based, in path order), after the files before it were swapped in.
    #[doc(hidden)]
    pub fn inject_swap_failure(mut self, n: usize) -> Self {
        self.fault = Some(Fault::Swap(n));
        self
    }

    /// Test hook, not part of the API: the run fails before removing the `n`-th stale file
    /// (0-based, in path order), after every new file was swapped in and the stale files
    /// before it were removed.
    #[doc(hidden)]
    pub fn inject_removal_failure(mut self, n: usize) -> Self {
        self.fault = Some(Fault::Remove(n));
        self
    }

    /// Loads, checks and lowers the specs.
    pub fn validate(&self) -> Result<Model, Error> {
        // The cache's YAML trees are read, but it is not saved: a save keeps what the run used,
        // and a run that emits nothing would drop every endpoint's outputs from it.
        let memo = self.memo();
        on_every_core(|| self.validate_here(&memo))
    }

    /// The cache file of this pair of folders, if caching is on.
    fn cache_file(&self) -> Option<PathBuf> {
        self.cache.file(&self.specs, &self.out)
    }

    fn memo(&self) -> Memo {
        self.cache_file()
            .map_or_else(Memo::off, |file| Memo::load(&file))
    }

    /// Saves the cache after a successful run. A cache that cannot be written only costs the
    /// next run its speed, so that is not an error of this one.
    fn keep(&self, memo: &Memo) {
        if let Some(file) = self.cache_file() {
            let _ = memo.save(&file);
        }
    }

    fn validate_here(&self, memo: &Memo) -> Result<Model, Error> {
        let set = spec::load_dir_with(&self.specs, memo).map_err(|e| match e {
            LoadError::Io(io) => Error::Io {
                path: io.path,
                error: io.error,
            },
            LoadError::Spec(diagnostics, sources) => Error::Spec {
                diagnostics,
                sources,
            },
        })?;
        if let Err(diagnostics) = crate::check::check(&set) {
            return Err(Error::Spec {
                diagnostics,
                sources: set.sources,
            });
        }
        Ok(model::lower(&set))
    }

    /// Runs every phase and returns the files, writing nothing.
    pub fn build(&self) -> Result<(Model, Outputs), Error> {
        let memo = self.memo();
        let built = on_every_core(|| {
            let model = self.validate_here(&memo)?;
            let outputs = emit_all_cached(&model, self.openapi, &memo);
            Ok((model, outputs))
        })?;
        self.keep(&memo);
        Ok(built)
    }

    /// Regenerates the output folder; returns what changed. On any error nothing is changed.
    pub fn generate(&self) -> Result<Staleness, Error> {
        let (_, outputs) = self.build()?;
        write::write_with_fault(&self.out, &outputs, self.fault).map_err(|error| Error::Io {
            path: self.out.clone(),
            error,
        })
    }

    /// Compares the output folder with what would be generated; changes nothing.
    pub fn check(&self) -> Result<Staleness, Error> {
        let (_, outputs) = self.build()?;
        write::compare(&self.out, &outputs).map_err(|error| Error::Io {
            path: self.out.clone(),
            error,
        })
    }

    /// [`generate`](Self::generate), also saying how each crate's public Rust API changed
    /// against the listing on disk (computed before anything is written).
    pub fn generate_reporting(&self) -> Result<(Staleness, Vec<ApiChanges>), Error> {
        let (model, outputs) = self.build()?;
        let changes = self.api_changes(&model, &outputs)?;
        let staleness =
            write::write_with_fault(&self.out, &outputs, self.fault).map_err(|error| {
                Error::Io {
                    path: self.out.clone(),
                    error,
                }
            })?;
        Ok((staleness, changes))
    }

    /// [`check`](Self::check), also saying how each crate's public Rust API would change.
    pub fn check_reporting(&self) -> Result<(Staleness, Vec<ApiChanges>), Error> {
        let (model, outputs) = self.build()?;
        let changes = self.api_changes(&model, &outputs)?;
        let staleness = write::compare(&self.out, &outputs).map_err(|error| Error::Io {
            path: self.out.clone(),
            error,
        })?;
        Ok((staleness, changes))
    }

    /// How the public API listing of every crate in `outputs` differs from the one under the
    /// output folder (crates whose listing is gone count as removed whole); crates without a
    /// listing on disk yet, and unchanged ones, are left out.
    pub fn api_changes(&self, model: &Model, outputs: &Outputs) -> Result<Vec<ApiChanges>, Error> {
        let io = |path: PathBuf| move |error| Error::Io { path, error };
        let mut changes = Vec::new();
        let rust = self.out.join("rust");
        let on_disk: Vec<String> = match std::fs::read_dir(&rust) {
            Ok(dirs) => dirs
                .filter_map(|d| d.ok()?.file_name().into_string().ok())
                .collect(),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(error) => return Err(io(rust)(error)),
        };
        let mut names: Vec<(String, String)> = model
            .services
            .iter()
            .map(|s| (s.name.clone(), s.crate_name.clone()))
            .collect();
        names.extend(
            on_disk
                .into_iter()
                .filter(|dir| !model.services.iter().any(|s| &s.name == dir))
                .map(|dir| (dir.clone(), format!("the crate in rust/{dir}"))),
        );
        names.sort();
        for (dir, crate_name) in names {
            let rel = Path::new("rust").join(&dir).join(public_api::FILE);
            let old = match std::fs::read_to_string(self.out.join(&rel)) {
                Ok(text) => text,
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
                Err(error) => return Err(io(self.out.join(&rel))(error)),
            };
            let new = outputs
                .files
                .get(&rel)
                .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
                .unwrap_or_default();
            if old == new {
                continue;
            }
            let diff = public_api::compare(&crate_name, &old, &new);
            if !diff.is_empty() {
                changes.push(diff);
            }
        }
        Ok(changes)
    }

    /// Build-script mode: writes one Rust module per service, `<out_dir>/<service>.rs`, to be
    /// included with `include!(concat!(env!("OUT_DIR"), "/<service>.rs"))` inside a module
    /// (the includer documents the module). Only changed files are rewritten, so cargo does not
    /// rebuild needlessly, and all of them or none (other files in the folder are left alone). Prints `cargo:rerun-if-changed` for the specs folder when
    /// `emit_rerun` is set (as a build script wants).
    pub fn compile_rust(&self, emit_rerun: bool) -> Result<Vec<PathBuf>, Error> {
        let outputs = on_every_core(|| {
            let model = self.validate_here(&Memo::off())?;
            let mut outputs = Outputs::default();
            for service in &model.services {
                outputs.add(
                    format!("{}.rs", service.name),
                    emit::rust::emit_module(service),
                );
            }
            Ok(outputs)
        })?;
        std::fs::create_dir_all(&self.out).map_err(|error| Error::Io {
            path: self.out.clone(),
            error,
        })?;
        let changed: Vec<&PathBuf> = outputs
            .files
            .iter()
            .filter(|(path, contents)| {
                std::fs::read(self.out.join(path)).ok().as_deref() != Some(contents.as_slice())
            })
            .map(|(path, _)| path)
            .collect();
        write::replace(&self.out, &outputs, &changed, &[], self.fault).map_err(|error| {
            Error::Io {
                path: self.out.clone(),
                error,
            }
        })?;
        if emit_rerun {
            println!("cargo:rerun-if-changed={}", self.specs.display());
        }
        Ok(outputs.files.keys().map(|p| self.out.join(p)).collect())
    }

    /// The specs folder.
    pub fn specs(&self) -> &Path {
        &self.specs
    }

    /// The output folder.
    pub fn out(&self) -> &Path {
        &self.out
    }
}

/// Every emitter over the model, with OpenAPI 3.1.
pub fn emit_all(model: &Model) -> Outputs {
    emit_all_with(model, OpenApiVersion::V3_1)
}

/// Every emitter over the model, with OpenAPI documents of the given version.
///
/// The emitters are pure functions of the model, so they run side by side (and the Rust
/// emitter spreads its endpoint modules over every core); each writes its own files, and the
/// union is the same whatever the order they finish in.
pub fn emit_all_with(model: &Model, openapi: impl Into<emit::openapi::Options>) -> Outputs {
    emit_all_cached(model, openapi, &Memo::off())
}

/// [`emit_all_with`], taking what `memo` holds for unchanged endpoints (same bytes out).
pub fn emit_all_cached(
    model: &Model,
    openapi: impl Into<emit::openapi::Options>,
    memo: &Memo,
) -> Outputs {
    let openapi = openapi.into();
    let run = |emit: &(dyn Fn(&mut Outputs) + Sync)| {
        let mut out = Outputs::default();
        emit(&mut out);
        out
    };
    let (rust, (markdown, (openapi, schema))) = rayon::join(
        || run(&|out| emit::rust::emit_rust_with(model, out, memo)),
        || {
            rayon::join(
                || run(&|out| emit::markdown::emit_markdown_with(model, out, memo)),
                || {
                    rayon::join(
                        || run(&|out| emit::openapi::emit_openapi_with(model, openapi, out, memo)),
                        || run(&|out| emit::schema::emit_schema(out)),
                    )
                },
            )
        },
    );
    let mut out = Outputs::default();
    for part in [schema, openapi, rust, markdown] {
        out.files.extend(part.files);
    }
    out
}

/// Runs `work` in a thread pool of its own, one thread per core, whose threads have the stack
/// of a main thread: parsing a spec nested as deep as the loader allows recurses further than
/// the 2 MiB that rayon's global pool (and any library's threads) get by default. Falls back to
/// the calling thread when no thread can be started.
fn on_every_core<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    const STACK: usize = 8 * 1024 * 1024;
    match rayon::ThreadPoolBuilder::new().stack_size(STACK).build() {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}

//! `switchboard-codegen`: regenerate, check or validate. Exit 0 ok, 1 spec errors or stale
//! output, 2 usage or I/O errors.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use switchboard_codegen::cache::Location;
use switchboard_codegen::emit::openapi::{Dispatch, Version};
use switchboard_codegen::public_api::ApiChanges;
use switchboard_codegen::{Builder, Error};

/// Generates typed Rust clients, OpenAPI 3.1 and Markdown docs from the YAML specs.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Change nothing; exit 1 naming every stale, missing or extra generated file.
    #[arg(long, global = true)]
    check: bool,
    /// Specs folder (default: `specs/` of the workspace).
    #[arg(long, global = true, value_name = "DIR")]
    specs: Option<PathBuf>,
    /// Output folder (default: `generated/` of the workspace).
    #[arg(long, global = true, value_name = "DIR")]
    out: Option<PathBuf>,
    /// OpenAPI version of `openapi/<service>.json` (3.0.3 for tools that do not read 3.1).
    #[arg(long, global = true, value_name = "VERSION", default_value = "3.1.0")]
    openapi_version: OpenApiVersion,
    /// How endpoints sharing a method and path (RPC dispatch) appear in OpenAPI: `merged` (one
    /// operation per real path, what generic clients call correctly) or `per-endpoint` (one
    /// operation per endpoint under a `<path>;<name>=<value>` key that is not the wire path).
    #[arg(long, global = true, value_name = "FORM", default_value = "merged")]
    openapi_dispatch: OpenApiDispatch,
    /// Keep the output cache in this folder instead of the system cache folder
    /// (`~/.cache/switchboard-codegen` on Linux). The cache is never needed: it lets a run
    /// after an edit redo only the edited files' work, with the same output.
    #[arg(long, global = true, value_name = "DIR", conflicts_with = "no_cache")]
    cache_dir: Option<PathBuf>,
    /// Compute everything from the specs, reading and writing no cache.
    #[arg(long, global = true)]
    no_cache: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Clone, Copy, ValueEnum)]
enum OpenApiDispatch {
    Merged,
    PerEndpoint,
}

#[derive(Clone, Copy, ValueEnum)]
enum OpenApiVersion {
    #[value(name = "3.1.0", alias = "3.1")]
    V3_1,
    #[value(name = "3.0.3", alias = "3.0")]
    V3_0,
}

#[derive(Subcommand)]
enum Command {
    /// Only load and check the specs.
    Validate,
}

// The generator allocates and frees millions of small token trees and strings; mimalloc
// does that in about half the time of the system allocator (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let root = workspace_root();
    let cache = match (cli.no_cache, cli.cache_dir) {
        (true, _) => Location::Off,
        (false, Some(dir)) => Location::Dir(dir),
        (false, None) => Location::System,
    };
    let builder = Builder::new()
        .cache(cache)
        .specs_dir(cli.specs.unwrap_or_else(|| root.join("specs")))
        .out_dir(cli.out.unwrap_or_else(|| root.join("generated")))
        .openapi_version(match cli.openapi_version {
            OpenApiVersion::V3_1 => Version::V3_1,
            OpenApiVersion::V3_0 => Version::V3_0,
        })
        .openapi_dispatch(match cli.openapi_dispatch {
            OpenApiDispatch::Merged => Dispatch::Merged,
            OpenApiDispatch::PerEndpoint => Dispatch::PerEndpoint,
        });
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let result = match (cli.command, cli.check) {
        // Validating also emits (in memory) to compare each crate's public API with the listing
        // on disk: a spec edit that breaks the generated API says so before anything is written.
        (Some(Command::Validate), _) => builder
            .build()
            .and_then(|(model, outputs)| {
                let changes = builder.api_changes(&model, &outputs)?;
                Ok((model, changes))
            })
            .map(|(model, changes)| {
                report(&changes);
                let endpoints: usize = model.services.iter().map(|s| s.endpoints.len()).sum();
                eprintln!(
                    "ok: {} services, {endpoints} endpoints",
                    model.services.len()
                );
                ExitCode::SUCCESS
            }),
        (None, true) => builder.check_reporting().map(|(staleness, changes)| {
            report(&changes);
            if staleness.is_fresh() {
                eprintln!("ok: {} is up to date", builder.out().display());
                return ExitCode::SUCCESS;
            }
            for (what, list) in [
                ("stale", &staleness.changed),
                ("missing", &staleness.missing),
                ("extra", &staleness.extra),
            ] {
                for path in list {
                    eprintln!("{what}: {}", builder.out().join(path).display());
                }
            }
            eprintln!(
                "error: generated files are out of date; run `cargo run -p switchboard-codegen`"
            );
            ExitCode::from(1)
        }),
        (None, false) => builder.generate_reporting().map(|(staleness, changes)| {
            report(&changes);
            let n = staleness.changed.len() + staleness.missing.len() + staleness.extra.len();
            eprintln!("ok: {} ({n} files changed)", builder.out().display());
            ExitCode::SUCCESS
        }),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprint!("{}", err.render(color));
            match err {
                Error::Spec { .. } => ExitCode::from(1),
                Error::Io { .. } => ExitCode::from(2),
            }
        }
    }
}

/// Prints how each crate's public Rust API changed (breaking changes first in each report).
fn report(changes: &[ApiChanges]) {
    for change in changes {
        eprint!("{change}");
    }
}

/// The nearest folder at or above the working folder holding `specs/` and `Cargo.toml`,
/// else the working folder.
fn workspace_root() -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    cwd.ancestors()
        .find(|dir| dir.join("specs").is_dir() && dir.join("Cargo.toml").is_file())
        .map_or_else(|| cwd.clone(), std::path::Path::to_path_buf)
}

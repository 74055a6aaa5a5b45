//! `switchboard-codegen`: regenerate, check or validate. Exit 0 ok, 1 spec errors or stale
//! output, 2 usage or I/O errors.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
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
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Only load and check the specs.
    Validate,
}

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
    let builder = Builder::new()
        .specs_dir(cli.specs.unwrap_or_else(|| root.join("specs")))
        .out_dir(cli.out.unwrap_or_else(|| root.join("generated")));
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let result = match (cli.command, cli.check) {
        (Some(Command::Validate), _) => builder.validate().map(|model| {
            let endpoints: usize = model.services.iter().map(|s| s.endpoints.len()).sum();
            eprintln!(
                "ok: {} services, {endpoints} endpoints",
                model.services.len()
            );
            ExitCode::SUCCESS
        }),
        (None, true) => builder.check().map(|staleness| {
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
        (None, false) => builder.generate().map(|staleness| {
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

/// The nearest folder at or above the working folder holding `specs/` and `Cargo.toml`,
/// else the working folder.
fn workspace_root() -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    cwd.ancestors()
        .find(|dir| dir.join("specs").is_dir() && dir.join("Cargo.toml").is_file())
        .map_or_else(|| cwd.clone(), std::path::Path::to_path_buf)
}

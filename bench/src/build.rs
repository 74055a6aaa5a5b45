//! Compile cost of a generated crate: a debug `cargo build` of the crate alone, its
//! dependencies already built.
//!
//! Each crate is built as its own workspace with the default `dev` profile (the same for both
//! generators) and `CARGO_INCREMENTAL=0`, so that a rebuild compiles the whole crate instead of
//! reusing an incremental cache (a crate used as a dependency is compiled that way too). The
//! dependencies are built first with the crate's `src/lib.rs` replaced by a stub; then the real
//! source is put back, touched, and the timed `cargo build` compiles only the crate. The bench
//! binary is the `RUSTC_WRAPPER` of every build, so the crate's rustc is measured on its own.

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use crate::measure::{self, Usage};
use crate::wrapper;

/// What building one crate cost.
#[derive(Clone, Copy, Debug, Default)]
pub struct BuildCost {
    /// The whole `cargo build` (cargo's own work included; CPU and peak RSS cover rustc).
    pub cargo: Usage,
    /// The crate's rustc alone (from the wrapper); `None` if the wrapper logged nothing.
    pub rustc: Option<Usage>,
}

/// How to run cargo for the crate builds.
#[derive(Clone, Debug)]
pub struct Builder {
    /// The cargo binary.
    pub cargo: PathBuf,
    /// The bench binary, used as `RUSTC_WRAPPER`.
    pub wrapper: PathBuf,
    /// `CARGO_TARGET_DIR` shared by the crates of one generator (dependencies are reused).
    pub target_dir: PathBuf,
}

impl Builder {
    fn cargo_build(&self, crate_dir: &Path, rustc_log: &Path, log: &Path) -> io::Result<Usage> {
        measure::run_logged(
            Command::new(&self.cargo)
                .arg("build")
                .current_dir(crate_dir)
                .env("CARGO_TARGET_DIR", &self.target_dir)
                .env("CARGO_INCREMENTAL", "0")
                .env("RUSTC_WRAPPER", &self.wrapper)
                .env(wrapper::LOG_VAR, rustc_log)
                .env_remove("RUSTFLAGS")
                .env_remove("CARGO_BUILD_RUSTFLAGS")
                .env_remove("CARGO_ENCODED_RUSTFLAGS"),
            log,
        )
    }

    /// Builds the dependencies of the crate in `crate_dir` (library `lib_name`), then measures
    /// a build of the crate alone.
    pub fn measure(&self, crate_dir: &Path, lib_name: &str, log: &Path) -> io::Result<BuildCost> {
        let lib = crate_dir.join("src/lib.rs");
        let real = crate_dir.join("src/lib.rs.bench-real");
        let rustc_log = log.with_extension("rustc.tsv");
        std::fs::rename(&lib, &real)?;
        std::fs::write(
            &lib,
            "//! Stub: the first build compiles the dependencies only.\n",
        )?;
        let warm = self.cargo_build(crate_dir, &rustc_log, log);
        std::fs::rename(&real, &lib)?;
        warm?;
        // A renamed file keeps its old modification time, older than the stub's build.
        std::fs::File::options()
            .write(true)
            .open(&lib)?
            .set_modified(SystemTime::now())?;
        let _ = std::fs::remove_file(&rustc_log);
        let cargo = self.cargo_build(crate_dir, &rustc_log, log)?;
        Ok(BuildCost {
            cargo,
            rustc: wrapper::read(&rustc_log, lib_name),
        })
    }
}

/// Makes the generated switchboard crate under `crate_dir` buildable outside the workspace:
/// its runtime dependency path (relative, `../../../runtime`) becomes absolute, it becomes its
/// own workspace, and it gets the workspace's `Cargo.lock` so dependency versions match.
pub fn prepare_switchboard_crate(crate_dir: &Path, workspace: &Path) -> io::Result<()> {
    let manifest = crate_dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)?;
    let runtime = workspace.join("runtime");
    let patched = text.replace(
        "path = \"../../../runtime\"",
        &format!("path = {:?}", runtime.display().to_string()),
    );
    if patched == text {
        return Err(io::Error::other(
            "the generated manifest no longer names ../../../runtime",
        ));
    }
    std::fs::write(&manifest, standalone(patched))?;
    std::fs::copy(workspace.join("Cargo.lock"), crate_dir.join("Cargo.lock"))?;
    Ok(())
}

/// Makes progenitor's crate its own workspace.
pub fn prepare_progenitor_crate(crate_dir: &Path) -> io::Result<()> {
    let manifest = crate_dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)?;
    std::fs::write(&manifest, standalone(text))
}

fn standalone(mut manifest: String) -> String {
    if !manifest.contains("\n[workspace]") {
        manifest.push_str("\n[workspace]\n");
    }
    manifest
}

/// Lines of Rust under `dir/src`.
pub fn rust_lines(dir: &Path) -> io::Result<usize> {
    let mut lines = 0;
    let mut stack = vec![dir.join("src")];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                lines += std::fs::read_to_string(&path)?.lines().count();
            }
        }
    }
    Ok(lines)
}

/// Total size and count of the files under `dir`.
pub fn tree_size(dir: &Path) -> io::Result<(usize, u64)> {
    let (mut files, mut bytes) = (0, 0);
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let entry = entry?;
            if entry.file_type()?.is_dir() {
                stack.push(entry.path());
            } else {
                files += 1;
                bytes += entry.metadata()?.len();
            }
        }
    }
    Ok((files, bytes))
}

/// `cargo` as cargo itself names it to the programs it runs, else from `PATH`.
pub fn cargo_bin() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from)
}

/// A crate that uses every endpoint of the generated switchboard client in `client_dir`: for
/// each one it builds the HTTP request, decodes a response and polls the client method once.
/// The client's endpoint functions are `#[inline]`, compiled where they are used; building
/// this crate measures what a program that calls all N endpoints pays for that.
pub fn write_user_crate(
    dir: &Path,
    client_dir: &Path,
    workspace: &Path,
    endpoints: &[crate::synth::Endpoint],
) -> io::Result<()> {
    std::fs::create_dir_all(dir.join("src"))?;
    let manifest = format!(
        "[package]\nname = \"synth-user\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nswitchboard-synth = {{ path = {client:?} }}\nswitchboard-runtime = {{ path = {runtime:?} }}\n\n[workspace]\n",
        client = client_dir.display().to_string(),
        runtime = workspace.join("runtime").display().to_string(),
    );
    std::fs::write(dir.join("Cargo.toml"), manifest)?;
    std::fs::copy(workspace.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    let mut lib = String::from(
        "//! Uses every endpoint of the synthetic client.\n\
         #![allow(missing_docs)]\n\
         use std::future::Future;\n\
         use std::task::Context;\n\
         use switchboard_runtime::bytes::Bytes;\n\
         use switchboard_runtime::http;\n\n",
    );
    for e in endpoints {
        let id = &e.id;
        lib.push_str(&format!(
            "pub fn {id}(client: &switchboard_synth::Client, request: switchboard_synth::{id}::Request, response: http::Response<Bytes>, cx: &mut Context<'_>) -> (bool, bool, bool) {{\n    \
             let built = request.to_http(\"https://api.example.invalid\").is_ok();\n    \
             let parsed = switchboard_synth::{id}::parse_response(response).is_ok();\n    \
             let mut call = std::pin::pin!(client.{id}(request));\n    \
             (built, parsed, call.as_mut().poll(cx).is_ready())\n}}\n"
        ));
    }
    std::fs::write(dir.join("src/lib.rs"), lib)
}

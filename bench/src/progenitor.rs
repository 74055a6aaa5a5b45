//! progenitor, the comparison: installed from crates.io into `target/bench/tools` (pinned, so
//! every run compares against the same generator) and run on our OpenAPI 3.0.3 export.

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::measure::{self, Usage};

/// The crate and the pinned version.
pub const CRATE: &str = "cargo-progenitor";
/// Pinned: the newest release when the benchmark was written.
pub const VERSION: &str = "0.15.1";
/// Package name of the generated crate (its library is `synth_progenitor`).
pub const PACKAGE: &str = "synth-progenitor";

/// Where the tool lives and how long installing it took.
#[derive(Clone, Debug)]
pub struct Installed {
    /// The `cargo-progenitor` binary.
    pub bin: PathBuf,
    /// The install's cost: measured now, or read from the note the install that did it left.
    pub install: Option<Usage>,
    /// Whether this run installed it.
    pub installed_now: bool,
}

/// Installs `cargo-progenitor` under `root` unless it is there; `cargo install --locked`
/// with the pinned version.
pub fn ensure(cargo: &Path, root: &Path) -> io::Result<Installed> {
    let bin = root.join("bin").join(CRATE);
    let note = root.join("install-time.txt");
    if bin.is_file() {
        return Ok(Installed {
            bin,
            install: read_note(&note),
            installed_now: false,
        });
    }
    std::fs::create_dir_all(root)?;
    eprintln!(
        "installing {CRATE} {VERSION} from crates.io into {} ...",
        root.display()
    );
    let usage = measure::run_logged(
        Command::new(cargo)
            .args(["install", CRATE, "--locked", "--version", VERSION, "--root"])
            .arg(root),
        &root.join("install.log"),
    )?;
    std::fs::write(
        &note,
        format!("{} {}\n", usage.wall.as_secs_f64(), usage.cpu.as_secs_f64()),
    )?;
    Ok(Installed {
        bin,
        install: Some(usage),
        installed_now: true,
    })
}

fn read_note(path: &Path) -> Option<Usage> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut it = text.split_whitespace().map(|w| w.parse::<f64>().ok());
    Some(Usage {
        wall: Duration::from_secs_f64(it.next()??),
        cpu: Duration::from_secs_f64(it.next()??),
        max_rss_kib: 0,
    })
}

/// Generates the client crate for `spec` (OpenAPI 3.0 JSON) into `out` (replaced).
pub fn generate(tool: &Installed, spec: &Path, out: &Path, log: &Path) -> io::Result<Usage> {
    if out.exists() {
        std::fs::remove_dir_all(out)?;
    }
    measure::run_logged(
        Command::new(&tool.bin)
            .arg("progenitor")
            .arg("-i")
            .arg(spec)
            .arg("-o")
            .arg(out)
            .args(["-n", PACKAGE, "-v", "0.1.0"]),
        log,
    )
}

//! Finds every decoder of the generated client crates, for build scripts (`tests/build.rs`,
//! `fuzz/build.rs`) that turn the list into code: the property tests and the fuzz targets
//! then reach every endpoint's `parse_response` and every `events::decode` without a
//! hand-kept list that would go stale when an endpoint is added.
//!
//! The generated `lib.rs` is scanned rather than the specs so that the list always matches
//! what is compiled, even while `generated/` is being regenerated.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// One generated client crate that the including package depends on.
pub struct ClientCrate {
    /// The folder name under `generated/rust/` (the service name).
    pub name: String,
    /// The Rust name of the library (`switchboard_<service>`).
    pub lib: String,
    /// Its `lib.rs`, for `cargo:rerun-if-changed`.
    pub source: PathBuf,
    /// Top-level modules with a `pub fn parse_response`, in file order.
    pub endpoints: Vec<String>,
    /// Whether the crate has `events::decode`.
    pub events: bool,
}

/// The generated crates that `manifest` (a Cargo.toml) depends on by path, sorted by name.
pub fn client_crates(manifest: &Path) -> Vec<ClientCrate> {
    let dir = manifest.parent().expect("a manifest has a folder");
    let text = std::fs::read_to_string(manifest).expect("the manifest is readable");
    let mut out = Vec::new();
    for line in text.lines() {
        let Some(start) = line.find("generated/rust/") else {
            continue;
        };
        let rest = &line[start + "generated/rust/".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let Some(path_start) = line.find("path = \"") else {
            continue;
        };
        let relative = &line[path_start + "path = \"".len()..];
        let relative = &relative[..relative.find('"').expect("a closing quote")];
        let crate_dir = dir.join(relative);
        let source = crate_dir.join("src/lib.rs");
        let lib_rs = std::fs::read_to_string(&source).expect("the generated lib.rs is readable");
        let cargo = std::fs::read_to_string(crate_dir.join("Cargo.toml"))
            .expect("the generated Cargo.toml is readable");
        let lib = lib_name(&cargo).unwrap_or_else(|| format!("switchboard_{name}"));
        let (endpoints, events) = scan(&lib_rs);
        out.push(ClientCrate {
            name,
            lib,
            source,
            endpoints,
            events,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn lib_name(cargo: &str) -> Option<String> {
    let lib = &cargo[cargo.find("[lib]")?..];
    let line = lib.lines().find(|l| l.trim_start().starts_with("name"))?;
    Some(line.split('"').nth(1)?.to_owned())
}

/// The top-level modules of a generated `lib.rs` that hold a `parse_response`, and whether
/// `events::decode` exists. Generated code is formatted by prettyplease: top-level items
/// start in column 0, their members are indented by four spaces.
pub fn scan(lib_rs: &str) -> (Vec<String>, bool) {
    let mut endpoints = Vec::new();
    let mut events = false;
    let mut module: Option<&str> = None;
    for line in lib_rs.lines() {
        if let Some(rest) = line.strip_prefix("pub mod ") {
            module = rest.strip_suffix(" {").map(str::trim);
            continue;
        }
        if !line.starts_with(' ') && !line.starts_with('}') && !line.starts_with("///") {
            if !line.trim().is_empty() && !line.starts_with("#[") {
                module = None;
            }
            continue;
        }
        match (module, line) {
            (Some(m), "    pub fn parse_response(") => endpoints.push(m.to_owned()),
            (Some("events"), l) if l.starts_with("    pub fn decode(") => events = true,
            _ => {}
        }
    }
    (endpoints, events)
}

/// `client!(service, lib, [endpoint, ...], [events]);` for one crate: the including code
/// defines the `client!` macro.
pub fn render(krate: &ClientCrate) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "client!({}, {}, [{}], [{}])",
        krate.name,
        krate.lib,
        krate.endpoints.join(", "),
        if krate.events { "events" } else { "" }
    );
    out
}

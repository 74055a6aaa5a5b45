//! Computes the generator's build id for the output cache (`src/cache.rs`): a SHA-256 of the
//! package version, every file under `src/` (the emitters and their templates), the manifest
//! and, in the workspace, `Cargo.lock` (the versions of syn, prettyplease, minijinja and
//! serde_json, which shape the output bytes). A cache written by any other build is ignored.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let mut paths = Vec::new();
    files(&root.join("src"), &mut paths);
    paths.push(root.join("Cargo.toml"));
    let lock = root.join("../Cargo.lock");
    if lock.is_file() {
        paths.push(lock.clone());
        println!("cargo:rerun-if-changed={}", lock.display());
    }
    paths.sort();
    let mut hasher = Sha256::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    for path in &paths {
        let rel = path.strip_prefix(&root).unwrap_or(path);
        let bytes = std::fs::read(path).unwrap_or_default();
        for part in [rel.to_string_lossy().as_bytes(), &bytes[..]] {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
    }
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=Cargo.toml");
    println!(
        "cargo:rustc-env=SWITCHBOARD_GENERATOR_ID={}",
        hex::encode(hasher.finalize())
    );
}

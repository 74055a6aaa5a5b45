//! switchboard-bench: how fast switchboard regenerates its outputs and how cheap the generated
//! code is to compile, against progenitor, plus the per-call runtime cost (criterion benches in
//! `benches/runtime.rs`). The binary runs everything; see `BENCHMARKS.md` at the workspace root.
#![deny(missing_docs)]

pub mod build;
pub mod measure;
pub mod progenitor;
pub mod report;
pub mod synth;
pub mod wrapper;

use std::path::{Path, PathBuf};

/// Writes the synthetic spec set with `n` endpoints under `specs_dir` and regenerates every
/// output from it into `out_dir` with the codegen library (untimed: the bench times the CLI).
pub fn generate_synthetic(
    specs_dir: &Path,
    out_dir: &Path,
    n: usize,
) -> Result<switchboard_codegen::write::Staleness, Box<dyn std::error::Error>> {
    synth::write_spec_set(specs_dir, n)?;
    let staleness = switchboard_codegen::Builder::new()
        .specs_dir(specs_dir)
        .out_dir(out_dir)
        .generate()?;
    Ok(staleness)
}

/// The workspace this crate belongs to.
pub fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}

/// Where regeneration time goes: each pipeline phase timed on its own, in process.
pub fn phases(
    specs_dir: &Path,
    out_dir: &Path,
    cache: Option<&Path>,
) -> Result<Vec<(&'static str, std::time::Duration)>, Box<dyn std::error::Error>> {
    use std::time::Instant;
    use switchboard_codegen::cache::Memo;
    use switchboard_codegen::{check, emit, model, spec, write};
    let mut times = Vec::new();
    let t = Instant::now();
    let memo = cache.map_or_else(Memo::off, Memo::load);
    times.push(("read cache", t.elapsed()));
    let t = Instant::now();
    let set = spec::load_dir_with(specs_dir, &memo).map_err(|_| "the specs do not load")?;
    times.push(("load (read + parse YAML)", t.elapsed()));
    let t = Instant::now();
    check::check(&set).map_err(|_| "the specs have errors")?;
    times.push(("check", t.elapsed()));
    let t = Instant::now();
    let model = model::lower(&set);
    times.push(("lower", t.elapsed()));
    let mut outputs = emit::Outputs::default();
    let t = Instant::now();
    emit::schema::emit_schema(&mut outputs);
    times.push(("emit JSON Schema", t.elapsed()));
    let t = Instant::now();
    emit::openapi::emit_openapi_with(&model, emit::openapi::Version::V3_1, &mut outputs, &memo);
    times.push(("emit OpenAPI", t.elapsed()));
    let t = Instant::now();
    emit::rust::emit_rust_with(&model, &mut outputs, &memo);
    times.push(("emit Rust", t.elapsed()));
    let t = Instant::now();
    emit::markdown::emit_markdown_with(&model, &mut outputs, &memo);
    times.push(("emit Markdown", t.elapsed()));
    let t = Instant::now();
    write::write(out_dir, &outputs)?;
    times.push(("write", t.elapsed()));
    let t = Instant::now();
    if let Some(file) = cache {
        memo.save(file)?;
    }
    times.push(("save cache", t.elapsed()));
    Ok(times)
}

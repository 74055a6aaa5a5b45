//! The generator half of the bench for N=10, as part of `cargo test`: the synthetic spec set
//! passes `check` and every output is written. Not a timing test.

use std::path::PathBuf;

fn temp(label: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("switchboard-bench-{label}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn synthetic_spec_set_of_ten_generates_every_output() {
    let dir = temp("smoke");
    let (specs, out) = (dir.join("specs"), dir.join("out"));
    switchboard_bench::generate_synthetic(&specs, &out, 10).expect("the synthetic specs are valid");

    let endpoints = std::fs::read_dir(specs.join("synth/endpoints"))
        .expect("endpoints")
        .count();
    assert_eq!(endpoints, 10);
    let lib = std::fs::read_to_string(out.join("rust/synth/src/lib.rs")).expect("Rust client");
    for i in 0..10 {
        let e = switchboard_bench::synth::endpoint(i);
        assert!(
            lib.contains(&format!("pub mod {} {{", e.id)),
            "no module for {}",
            e.id
        );
    }
    assert!(out.join("rust/synth/Cargo.toml").is_file());
    let openapi: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("openapi/synth.json")).expect("OpenAPI"))
            .expect("JSON");
    assert_eq!(openapi["paths"].as_object().map(|p| p.len()), Some(10));
    assert!(out.join("docs/synth/search_contact_0000.md").is_file());
    assert!(out.join("docs/SUMMARY.md").is_file());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn synthetic_spec_set_is_deterministic() {
    let dir = temp("determinism");
    let read = |n: usize, sub: &str| {
        let specs = dir.join(sub);
        switchboard_bench::synth::write_spec_set(&specs, n).expect("write");
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(specs.join("synth/endpoints"))
            .expect("endpoints")
            .map(|e| {
                let p = e.expect("entry").path();
                (
                    p.file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned(),
                    std::fs::read(&p).expect("read"),
                )
            })
            .collect();
        files.sort();
        files.push((
            "service".into(),
            std::fs::read(specs.join("synth/service.yaml")).expect("service"),
        ));
        files
    };
    assert_eq!(read(20, "a"), read(20, "b"));
    let _ = std::fs::remove_dir_all(&dir);
}

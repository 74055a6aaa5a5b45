//! The CLI contract: exit codes, `--check`, `validate`, and no writes on error.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_switchboard-codegen"))
}

fn temp(label: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("switchboard-cli-{label}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp");
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

fn base_specs(dir: &Path) -> PathBuf {
    let specs = dir.join("specs");
    let fixtures =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/valid/fixture_api");
    copy_tree(&fixtures, &specs.join("fixture_api"));
    specs
}

#[test]
fn generate_then_check_then_stale() {
    let dir = temp("check");
    let specs = base_specs(&dir);
    let out = dir.join("generated");
    let run = |args: &[&str]| {
        bin()
            .args(["--specs"])
            .arg(&specs)
            .arg("--out")
            .arg(&out)
            .args(args)
            .output()
            .expect("run")
    };

    let first = run(&[]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let fresh = run(&["--check"]);
    assert_eq!(
        fresh.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&fresh.stderr)
    );

    // A generated file edited by hand is named as stale; an extra file is named too.
    let schema = out.join("schema/endpoint.schema.json");
    std::fs::write(&schema, "{}").expect("edit");
    std::fs::write(out.join("stray.txt"), "x").expect("stray");
    let stale = run(&["--check"]);
    assert_eq!(stale.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&stale.stderr);
    assert!(
        stderr.contains("stale:") && stderr.contains("endpoint.schema.json"),
        "{stderr}"
    );
    assert!(
        stderr.contains("extra:") && stderr.contains("stray.txt"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&schema).expect("read"),
        "{}",
        "--check must not write"
    );

    // Regenerating repairs both.
    assert!(run(&[]).status.success());
    assert_eq!(run(&["--check"]).status.code(), Some(0));
    assert!(!out.join("stray.txt").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn spec_errors_exit_1_and_write_nothing() {
    let dir = temp("spec-error");
    let specs = base_specs(&dir);
    std::fs::write(
        specs.join("fixture_api/endpoints/bad.yaml"),
        "id: bad\ntitle: Bad\nsummary: Bad.\nmethod: PSOT\npath: /x\nsourc: {}\n",
    )
    .expect("write");
    let out = dir.join("generated");
    let output = bin()
        .arg("--specs")
        .arg(&specs)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Every problem of the phase at once, each located.
    assert!(stderr.contains("bad.yaml:4:9: error[E0013]"), "{stderr}");
    assert!(stderr.contains("bad.yaml:6:1: error[E0010]"), "{stderr}");
    assert!(!out.exists(), "nothing may be written on error");

    let validate = bin()
        .arg("validate")
        .arg("--specs")
        .arg(&specs)
        .output()
        .expect("run");
    assert_eq!(validate.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn usage_and_io_errors_exit_2() {
    let bad_flag = bin().arg("--no-such-flag").output().expect("run");
    assert_eq!(bad_flag.status.code(), Some(2));
    let missing = bin()
        .args(["validate", "--specs", "/nonexistent/switchboard/specs"])
        .output()
        .expect("run");
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn valid_specs_validate() {
    let dir = temp("validate");
    let specs = base_specs(&dir);
    let output = bin()
        .arg("validate")
        .arg("--specs")
        .arg(&specs)
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("1 services, 1 endpoints"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn openapi_version_option_writes_3_0_3_and_defaults_to_3_1() {
    let dir = temp("openapi-version");
    let specs = base_specs(&dir);
    let document = |out: &Path, args: &[&str]| -> serde_json::Value {
        let run = bin()
            .arg("--specs")
            .arg(&specs)
            .arg("--out")
            .arg(out)
            .args(args)
            .output()
            .expect("run");
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let text = std::fs::read_to_string(out.join("openapi/fixture_api.json")).expect("document");
        serde_json::from_str(&text).expect("JSON")
    };
    let default = document(&dir.join("default"), &[]);
    assert_eq!(default["openapi"], "3.1.0");
    assert!(default.get("webhooks").is_some(), "the fixture has events");
    let old = document(&dir.join("v3_0"), &["--openapi-version", "3.0.3"]);
    assert_eq!(old["openapi"], "3.0.3");
    assert!(old.get("webhooks").is_none(), "3.0.3 has no webhooks");
    assert!(old.get("x-webhooks").is_some());
    // The other outputs do not depend on the OpenAPI version.
    let lib = |out: &str| {
        std::fs::read(dir.join(out).join("rust/fixture_api/src/lib.rs")).expect("lib.rs")
    };
    assert_eq!(lib("default"), lib("v3_0"));

    let bad = bin()
        .args(["--openapi-version", "2.0", "validate"])
        .output()
        .expect("run");
    assert_eq!(
        bad.status.code(),
        Some(2),
        "an unknown version is a usage error"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_relative_output_folder_that_does_not_exist_yet_is_created() {
    let dir = temp("relative");
    let specs = base_specs(&dir);
    let output = bin()
        .current_dir(&dir)
        .arg("--specs")
        .arg(&specs)
        .args(["--out", "fresh/out"])
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(dir.join("fresh/out/schema/endpoint.schema.json").is_file());
    let _ = std::fs::remove_dir_all(&dir);
}

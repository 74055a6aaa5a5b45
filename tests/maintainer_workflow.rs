//! README.md's "Adding an endpoint" ends green: a new endpoint file is validated, generated and
//! then fresh for `--check`, and no snapshot test holds output of a real spec, so adding an
//! endpoint (which changes `generated/`) cannot turn a snapshot red.

use std::fs;
use std::path::Path;

use switchboard_codegen::Builder;
use switchboard_tests::{TempDir, copy_tree, root};

#[test]
fn adding_an_endpoint_validates_generates_and_checks_fresh() {
    let tmp = TempDir::new("workflow");
    let specs = tmp.path().join("specs");
    let out = tmp.path().join("generated");
    copy_tree(&root().join("specs"), &specs);
    copy_tree(&root().join("generated"), &out);
    let builder = Builder::new().specs_dir(&specs).out_dir(&out);
    assert!(
        builder.check().expect("the copy checks").is_fresh(),
        "generated/ is fresh before the change"
    );

    // Step 1: the endpoint file.
    fs::copy(
        root().join("tests/fixtures/workflow/added_endpoint.yaml"),
        specs.join("huawei_agentgateway/endpoints/workflow_added_endpoint.yaml"),
    )
    .expect("copy the endpoint");
    // Step 2: validate.
    builder
        .validate()
        .unwrap_or_else(|e| panic!("the added endpoint validates:\n{}", e.render(false)));
    // Before step 3, `--check` names what the new endpoint changes.
    let stale = builder.check().expect("check runs");
    assert!(!stale.is_fresh());
    let page = Path::new("docs/huawei_agentgateway/workflow_added_endpoint.md");
    assert!(stale.missing.iter().any(|p| p == page), "{stale:?}");
    assert!(
        stale
            .changed
            .iter()
            .any(|p| p == Path::new("openapi/huawei_agentgateway.json")),
        "{stale:?}"
    );
    // Step 3: generate; then `--check` (the test command's first step) passes.
    builder.generate().expect("generation succeeds");
    assert!(builder.check().expect("check runs").is_fresh());
    let lib = fs::read_to_string(out.join("rust/huawei_agentgateway/src/lib.rs")).expect("lib.rs");
    assert!(lib.contains("pub mod workflow_added_endpoint"));
    let openapi =
        fs::read_to_string(out.join("openapi/huawei_agentgateway.json")).expect("document");
    assert!(openapi.contains("\"operationId\": \"workflow_added_endpoint\""));
    assert!(out.join(page).is_file());
}

/// What of a real spec could end up in a snapshot: its service name, crate name and title.
fn real_spec_marks() -> Vec<String> {
    let model = Builder::new()
        .specs_dir(root().join("specs"))
        .validate()
        .unwrap_or_else(|e| panic!("specs/ must be valid:\n{}", e.render(false)));
    assert!(model.services.len() >= 4, "the four vendors");
    model
        .services
        .iter()
        .flat_map(|s| [s.name.clone(), s.crate_name.clone(), s.title.clone()])
        .collect()
}

#[test]
fn no_snapshot_holds_output_of_a_real_spec() {
    let marks = real_spec_marks();
    let mut snapshots = 0;
    for entry in fs::read_dir(root().join("tests/snapshots")).expect("tests/snapshots") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        assert!(
            !name.ends_with(".snap.new"),
            "{name}: a pending snapshot is never committed"
        );
        let text = fs::read_to_string(&path).expect("snapshot is text");
        for line in text.lines().filter(|l| l.starts_with("input_file:")) {
            assert!(
                line.contains("tests/fixtures/"),
                "{name}: its input is a fixture, not a real spec: {line}"
            );
        }
        for mark in &marks {
            assert!(
                !name.contains(mark.as_str()) && !text.contains(mark.as_str()),
                "{name} holds `{mark}`, output of a real spec: adding an endpoint would change \
                 it (the real specs' output lives in generated/, kept fresh by --check)"
            );
        }
        snapshots += 1;
    }
    assert!(
        snapshots > 50,
        "the fixture snapshots are read: {snapshots}"
    );
}

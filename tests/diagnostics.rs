//! One invalid-spec fixture per mistake, each with its rendered diagnostic snapshotted.
//!
//! `fixtures/invalid/endpoint_*.yaml` joins a valid base service as an extra endpoint;
//! `fixtures/invalid/service_*.yaml` replaces the base service file. The first line
//! `# expect: E0xxx` names the diagnostic the fixture must produce.

use std::path::Path;

use switchboard_codegen::diag::Problem;
use switchboard_codegen::{Builder, Error};
use switchboard_tests::{TempDir, copy_tree, root};

fn expected_code(path: &Path, text: &[u8]) -> String {
    let name = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    match name {
        "endpoint_empty" => return "E0002".into(),
        "endpoint_not_utf8" => return "E0001".into(),
        _ => {}
    }
    let text = String::from_utf8_lossy(text);
    let first = text.lines().next().unwrap_or_default();
    first
        .strip_prefix("# expect: ")
        .unwrap_or_else(|| panic!("{name}: first line must be `# expect: E0xxx`"))
        .trim()
        .to_owned()
}

fn run_fixture(path: &Path) -> String {
    let bytes = std::fs::read(path).expect("fixture");
    let expected = expected_code(path, &bytes);
    let tmp = TempDir::new("diag");
    let vendor = tmp.path().join("specs").join("fixture_api");
    copy_tree(&root().join("tests/fixtures/valid/fixture_api"), &vendor);
    let name = path.file_name().expect("file name");
    if name.to_string_lossy().starts_with("service_") {
        std::fs::write(vendor.join("service.yaml"), &bytes).expect("write");
    } else {
        std::fs::write(vendor.join("endpoints").join(name), &bytes).expect("write");
    }
    let out = tmp.path().join("generated");
    std::fs::create_dir_all(&out).expect("out");
    std::fs::write(out.join("keep.txt"), "untouched").expect("marker");

    let builder = Builder::new()
        .specs_dir(tmp.path().join("specs"))
        .out_dir(&out);
    let err = builder
        .generate()
        .expect_err("an invalid fixture must not generate");
    let Error::Spec {
        diagnostics,
        sources,
    } = &err
    else {
        panic!("expected spec diagnostics, got {err}");
    };
    assert_eq!(
        std::fs::read_to_string(out.join("keep.txt")).expect("marker"),
        "untouched"
    );
    assert_eq!(
        std::fs::read_dir(&out).expect("out").count(),
        1,
        "nothing may be written on error"
    );
    assert!(
        diagnostics.iter().any(|d| d.problem.code() == expected),
        "{}: expected {expected}, got {:?}",
        name.to_string_lossy(),
        diagnostics
            .iter()
            .map(|d| d.problem.code())
            .collect::<Vec<_>>()
    );
    for d in diagnostics {
        let located = d.loc.span.end > 0 || matches!(d.problem, Problem::EmptyFile);
        assert!(
            located,
            "{}: diagnostic without a location: {:?}",
            name.to_string_lossy(),
            d.problem
        );
        let (line, col) = sources.get(d.loc.file).line_col(d.loc.span.start);
        assert!(line > 0 && col > 0);
    }
    let rendered = err.render(false);
    let rendered = rendered.replace(&tmp.path().display().to_string(), "");
    let rendered = rendered.replace("/specs/fixture_api/", "specs/fixture_api/");
    let first = rendered.lines().next().unwrap_or_default();
    let re = regex_lite(first);
    assert!(
        re,
        "first line is not `path:line:col: error[CODE]: message`: {first}"
    );
    // Every header is one line, followed by the snippet's `-->` line at the same place (a
    // message quoting spec text with a line break once split its header in two).
    let lines: Vec<&str> = rendered.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if let Some(at) = line.find(": error[").filter(|_| line.starts_with("specs/")) {
            let arrow = lines.get(i + 1).map(|l| l.trim_start());
            assert_eq!(
                arrow.and_then(|l| l.strip_prefix("--> ")),
                Some(&line[..at]),
                "a header not followed by its snippet:\n{rendered}"
            );
        }
    }
    rendered
}

/// `specs/fixture_api/...:LINE:COL: error[E0123]: ...`
fn regex_lite(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("specs/fixture_api/") else {
        return false;
    };
    let mut parts = rest.splitn(4, ':');
    let (Some(_file), Some(l), Some(c), Some(msg)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    l.parse::<u32>().is_ok() && c.parse::<u32>().is_ok() && msg.starts_with(" error[E")
}

#[test]
fn invalid_specs() {
    insta::glob!("fixtures/invalid/*.yaml", |path| {
        insta::assert_snapshot!(run_fixture(path));
    });
}

#[test]
fn enough_fixtures() {
    let count = std::fs::read_dir(root().join("tests/fixtures/invalid"))
        .expect("fixtures")
        .count();
    assert!(
        count >= 30,
        "the issue asks for at least 30 invalid-spec fixtures, found {count}"
    );
}

#[test]
fn base_fixture_is_valid() {
    let tmp = TempDir::new("base");
    copy_tree(
        &root().join("tests/fixtures/valid/fixture_api"),
        &tmp.path().join("specs/fixture_api"),
    );
    Builder::new()
        .specs_dir(tmp.path().join("specs"))
        .validate()
        .expect("the base fixture must be valid");
}

//! A spec edit that changes a generated crate's public Rust API says so: regeneration, `--check`
//! and `validate` compare the new `public-api.txt` listing with the one on disk and name every
//! removed or changed item as breaking, additions as not breaking.

use std::fs;
use std::path::{Path, PathBuf};

use switchboard_codegen::Builder;
use switchboard_codegen::public_api::ApiChanges;
use switchboard_tests::{TempDir, copy_tree, root};

/// A copy of the fixture service generated once, so its listing is on disk.
fn generated_fixture(tmp: &TempDir) -> (Builder, PathBuf) {
    let service = tmp.path().join("specs/fixture_api");
    copy_tree(&root().join("tests/fixtures/valid/fixture_api"), &service);
    let builder = Builder::new()
        .specs_dir(tmp.path().join("specs"))
        .out_dir(tmp.path().join("generated"));
    let (_, first) = builder.generate_reporting().expect("the fixture generates");
    assert!(
        first.is_empty(),
        "no listing on disk yet: nothing to compare"
    );
    (builder, service.join("endpoints/get_thing.yaml"))
}

fn edit(file: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(file).expect("read");
    assert!(text.contains(from), "{from:?} is in {}", file.display());
    fs::write(file, text.replacen(from, to, 1)).expect("write");
}

fn only(changes: Vec<ApiChanges>) -> ApiChanges {
    assert_eq!(changes.len(), 1, "{changes:#?}");
    changes.into_iter().next().expect("one")
}

#[test]
fn unchanged_specs_report_nothing() {
    let tmp = TempDir::new("api-same");
    let (builder, _) = generated_fixture(&tmp);
    let (staleness, changes) = builder.check_reporting().expect("check");
    assert!(staleness.is_fresh());
    assert!(changes.is_empty(), "{changes:#?}");
    let (_, changes) = builder.generate_reporting().expect("generate");
    assert!(changes.is_empty(), "{changes:#?}");
}

#[test]
fn a_changed_type_is_reported_as_breaking_with_the_items_named() {
    let tmp = TempDir::new("api-break");
    let (builder, endpoint) = generated_fixture(&tmp);
    let listing = tmp.path().join("generated/rust/fixture_api/public-api.txt");
    let before = fs::read_to_string(&listing).expect("the listing is written");
    assert!(before.contains("field get_thing::Request.thing_id: String"));

    // The path parameter becomes an integer: its field and its builder method change.
    edit(
        &endpoint,
        "    type: string\n    required: true",
        "    type: integer\n    required: true",
    );

    // `--check` (and `validate`, which the CLI runs the same way) reports without writing.
    let (staleness, changes) = builder.check_reporting().expect("check");
    assert!(!staleness.is_fresh());
    assert_eq!(fs::read_to_string(&listing).expect("listing"), before);
    let change = only(changes);
    assert!(change.is_breaking());
    assert!(change.removed.is_empty(), "{change:#?}");
    let field = change
        .changed
        .iter()
        .find(|(item, _, _)| item == "field get_thing::Request.thing_id")
        .unwrap_or_else(|| panic!("the field is named: {change:#?}"));
    assert_eq!((field.1.as_str(), field.2.as_str()), ("String", "i64"));
    assert!(
        change
            .changed
            .iter()
            .any(|(item, _, _)| item == "fn get_thing::RequestBuilder::thing_id"),
        "{change:#?}"
    );
    let report = change.to_string();
    assert!(
        report.starts_with("breaking change to the public Rust API of switchboard-fixture-api:"),
        "{report}"
    );
    assert!(
        report.contains("changed field get_thing::Request.thing_id (was `String`, now `i64`)"),
        "{report}"
    );

    // Regenerating reports the same once, then the listing on disk is the new one.
    let (_, changes) = builder.generate_reporting().expect("generate");
    assert_eq!(only(changes), change);
    let (_, again) = builder.generate_reporting().expect("generate");
    assert!(again.is_empty());
}

#[test]
fn a_removed_endpoint_is_breaking_and_an_added_one_is_not() {
    let tmp = TempDir::new("api-add");
    let (builder, endpoint) = generated_fixture(&tmp);
    let added = endpoint.with_file_name("get_other.yaml");
    fs::copy(&endpoint, &added).expect("copy");
    edit(&added, "id: get_thing", "id: get_other");
    edit(&added, "path: /things/{thingId}", "path: /others/{thingId}");

    let (_, changes) = builder.generate_reporting().expect("generate");
    let change = only(changes);
    assert!(!change.is_breaking(), "{change:#?}");
    assert!(
        change.added.iter().any(|i| i == "mod get_other"),
        "{change:#?}"
    );
    assert!(
        change
            .added
            .iter()
            .any(|i| i.starts_with("fn Client::get_other: "))
    );
    let report = change.to_string();
    assert!(
        report.starts_with("public Rust API of switchboard-fixture-api: "),
        "{report}"
    );
    assert!(report.contains("(not breaking)"), "{report}");
    assert!(!report.contains("breaking change"), "{report}");

    fs::remove_file(&added).expect("remove");
    let (_, changes) = builder.check_reporting().expect("check");
    let change = only(changes);
    assert!(change.is_breaking());
    assert!(
        change.removed.iter().any(|i| i == "mod get_other"),
        "{change:#?}"
    );
    // The module stands for what it holds: one line, not one per item.
    let report = change.to_string();
    assert!(
        report.contains("  removed mod get_other (with the "),
        "{report}"
    );
    assert!(!report.contains("  removed fn get_other::"), "{report}");
    assert!(
        report.contains("  removed fn Client::get_other: "),
        "{report}"
    );
}

/// The emitter lists the public items from the syn trees of each part of `lib.rs` as it formats
/// them; the listing is the same as one read from the whole formatted file.
#[test]
fn the_listing_gathered_part_by_part_is_the_listing_of_the_whole_file() {
    let generated = root().join("generated/rust");
    let mut crates = 0;
    for dir in fs::read_dir(&generated).expect("generated/rust") {
        let dir = dir.expect("entry").path();
        let lib = fs::read_to_string(dir.join("src/lib.rs")).expect("lib.rs");
        let on_disk = fs::read_to_string(dir.join("public-api.txt")).expect("listing");
        let name = on_disk
            .lines()
            .next()
            .and_then(|l| l.split("The public Rust API of ").nth(1))
            .map(|rest| rest.trim_end_matches(','))
            .expect("the header names the crate");
        assert_eq!(
            switchboard_codegen::public_api::listing(name, &lib),
            on_disk,
            "{}",
            dir.display()
        );
        crates += 1;
    }
    assert!(crates >= 4, "every vendor crate is compared");
}

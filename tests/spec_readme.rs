//! specs/README.md says what the specs and the generator really do: its list of capability tags
//! is the set the specs use, and its table of diagnostic codes is the catalogue's.

use std::collections::BTreeSet;

use switchboard_tests::{root, spec_model};

fn readme() -> String {
    std::fs::read_to_string(root().join("specs/README.md")).expect("specs/README.md")
}

/// The code spans of the paragraph after `heading`.
fn listed_after(text: &str, heading: &str) -> BTreeSet<String> {
    let start = text
        .find(heading)
        .unwrap_or_else(|| panic!("{heading} in specs/README.md"));
    let rest = &text[start + heading.len()..];
    let end = rest.find("\n###").unwrap_or(rest.len());
    let section = &rest[..end];
    let list = section
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .last()
        .expect("a list paragraph");
    list.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_capability_tags_listed_are_the_ones_in_use() {
    let model = spec_model();
    let used: BTreeSet<String> = model
        .services
        .iter()
        .flat_map(|s| &s.endpoints)
        .filter_map(|e| e.capability.clone())
        .collect();
    assert!(used.len() > 10, "the specs use capability tags");
    assert_eq!(listed_after(&readme(), "### Capability tags in use"), used);
}

#[test]
fn every_diagnostic_code_is_documented() {
    let catalogue = std::fs::read_to_string(root().join("codegen/src/diag/catalogue.rs"))
        .expect("the catalogue");
    let codes: BTreeSet<&str> = catalogue
        .split('"')
        .filter(|s| {
            s.len() == 5 && s.starts_with('E') && s[1..].bytes().all(|b| b.is_ascii_digit())
        })
        .collect();
    assert!(codes.len() > 20, "the catalogue's codes: {codes:?}");
    let text = readme();
    for code in codes {
        assert!(
            text.contains(&format!("| {code} |")),
            "{code} is not in specs/README.md's table of diagnostic codes"
        );
    }
}

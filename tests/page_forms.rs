//! Snapshots of the OpenAPI document and Markdown pages of `tests/fixtures/valid/pages_api`:
//! the forms for what pages say beyond a plain field list (issue 22, point 5) — unknown
//! required-ness, truncated sections, a page's own words on shared fields, array results. Its
//! Rust is snapshotted by `rust_output.rs` and compiled and called by `tests/build-script`.

use switchboard_codegen::Builder;
use switchboard_tests::root;

#[test]
fn pages_api_outputs() {
    let (_, outputs) = Builder::new()
        .specs_dir(root().join("tests/fixtures/valid"))
        .build()
        .expect("the valid fixtures build");
    let mut seen = 0;
    for (path, bytes) in &outputs.files {
        let path = path.display().to_string().replace('\\', "/");
        let wanted = path == "openapi/pages_api.json"
            || (path.starts_with("docs/pages_api/") && path.ends_with(".md"));
        if !wanted {
            continue;
        }
        seen += 1;
        let text = String::from_utf8(bytes.clone()).expect("UTF-8");
        let name = path.replace(['/', '.'], "_");
        insta::with_settings!({ snapshot_suffix => name, prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!("pages_api", text);
        });
    }
    // The document, the README and one page per endpoint.
    assert!(seen >= 6, "pages_api outputs found: {seen}");
}

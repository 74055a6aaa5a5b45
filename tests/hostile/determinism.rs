//! The same specs give the same bytes: run after run, and whatever order the file system
//! lists the spec files in or whatever the files are called.

use std::path::{Path, PathBuf};

use switchboard_codegen::Builder;
use switchboard_tests::{TempDir, root, tree_digest};

use crate::common::files_in;

/// Every spec folder of the repository, for copying: the real specs and the valid fixtures.
fn spec_roots() -> [PathBuf; 2] {
    [root().join("specs"), root().join("tests/fixtures/valid")]
}

/// The vendor folders of a specs root, and each one's files (relative), sorted.
fn spec_tree(specs: &Path) -> Vec<(String, Vec<PathBuf>)> {
    let mut vendors: Vec<PathBuf> = std::fs::read_dir(specs)
        .expect("specs")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("service.yaml").is_file())
        .collect();
    vendors.sort();
    vendors
        .into_iter()
        .map(|dir| {
            let mut files = vec![PathBuf::from("service.yaml")];
            for path in files_in(&dir.join("endpoints")) {
                files.push(Path::new("endpoints").join(path.file_name().expect("name")));
            }
            (
                dir.file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned(),
                files,
            )
        })
        .collect()
}

/// Reorders the files to copy.
type Order = Box<dyn Fn(Vec<(String, PathBuf)>) -> Vec<(String, PathBuf)>>;

/// A deterministic permutation (xorshift), so a failure reproduces.
fn shuffled<T>(mut items: Vec<T>, seed: u64) -> Vec<T> {
    let mut state = seed | 1;
    for i in (1..items.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let j = usize::try_from(state % (i as u64 + 1)).expect("fits");
        items.swap(i, j);
    }
    items
}

/// Copies `specs` creating vendor folders and files in the order `order` gives, and naming
/// each endpoint file with `rename`.
fn copy_in_order(
    specs: &Path,
    to: &Path,
    order: impl Fn(Vec<(String, PathBuf)>) -> Vec<(String, PathBuf)>,
    rename: impl Fn(usize, &Path) -> PathBuf,
) {
    let mut all = Vec::new();
    for (vendor, files) in spec_tree(specs) {
        for file in files {
            all.push((vendor.clone(), file));
        }
    }
    for (i, (vendor, file)) in order(all).into_iter().enumerate() {
        let target = if file.starts_with("endpoints") {
            Path::new("endpoints").join(rename(i, &file))
        } else {
            file.clone()
        };
        let target = to.join(&vendor).join(target);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::copy(specs.join(&vendor).join(&file), &target).expect("copy");
    }
}

fn generate(specs: &Path, out: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    Builder::new()
        .specs_dir(specs)
        .out_dir(out)
        .generate()
        .unwrap_or_else(|e| panic!("{} generates:\n{e}", specs.display()));
    tree_digest(out)
}

fn listing(dir: &Path) -> Vec<std::ffi::OsString> {
    std::fs::read_dir(dir)
        .expect("folder")
        .flatten()
        .map(|e| e.file_name())
        .collect()
}

#[test]
fn two_runs_write_identical_bytes() {
    for specs in spec_roots() {
        let tmp = TempDir::new("determinism");
        let first = generate(&specs, &tmp.path().join("one"));
        let second = generate(&specs, &tmp.path().join("two"));
        assert!(!first.is_empty());
        assert!(first == second, "{}: two runs differ", specs.display());
        // A third run over the first output changes nothing at all.
        let staleness = Builder::new()
            .specs_dir(&specs)
            .out_dir(tmp.path().join("one"))
            .generate()
            .expect("regenerates");
        assert!(staleness.is_fresh(), "{staleness:?}");
    }
}

/// The specs copied with files created in sorted, reversed and shuffled orders (which is
/// what most file systems list them in), and with endpoint files renamed so that their
/// names (and the vendor folders' names) sort in another order than their ids and service
/// names: the outputs are the same bytes.
#[test]
fn output_does_not_depend_on_listing_order_or_file_names() {
    for specs in spec_roots() {
        let tmp = TempDir::new("order");
        let reference = generate(&specs, &tmp.path().join("out-reference"));
        let keep = |_: usize, file: &Path| PathBuf::from(file.file_name().expect("name"));
        let variants: Vec<(&str, Order)> = vec![
            ("sorted", Box::new(|v| v)),
            (
                "reversed",
                Box::new(|mut v: Vec<_>| {
                    v.reverse();
                    v
                }),
            ),
            ("shuffled", Box::new(|v| shuffled(v, 0x9e37_79b9_7f4a_7c15))),
        ];
        let mut listings = Vec::new();
        for (name, order) in variants {
            let copy = tmp.path().join(format!("specs-{name}"));
            copy_in_order(&specs, &copy, order, keep);
            let first_vendor = spec_tree(&specs)[0].0.clone();
            listings.push(listing(&copy.join(first_vendor).join("endpoints")));
            let out = generate(&copy, &tmp.path().join(format!("out-{name}")));
            assert!(out == reference, "{}: {name} copy differs", specs.display());
        }
        // Names that sort against the ids: the last file of the listing becomes `000-...`.
        let copy = tmp.path().join("specs-renamed");
        copy_in_order(
            &specs,
            &copy,
            |v| v,
            |i, file| {
                PathBuf::from(format!(
                    "{:03}-{}",
                    999 - i,
                    file.file_name().expect("name").to_string_lossy()
                ))
            },
        );
        // Vendor folders renamed to sort in reverse.
        let vendors = spec_tree(&copy);
        for (i, (vendor, _)) in vendors.iter().enumerate() {
            let renamed = format!("{:02}-{vendor}", vendors.len() - i);
            std::fs::rename(copy.join(vendor), copy.join(renamed)).expect("rename");
        }
        let out = generate(&copy, &tmp.path().join("out-renamed"));
        assert!(
            out == reference,
            "{}: renamed copy differs",
            specs.display()
        );
        if listings.windows(2).all(|w| w[0] == w[1]) {
            eprintln!("this file system lists files in one order whatever the creation order");
        }
    }
}

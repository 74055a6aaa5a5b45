//! The loader, the checks, lowering and every emitter never panic and always return, whatever
//! a spec file holds: arbitrary bytes, and valid specs with parts replaced, dropped or
//! repeated (arbitrary structured YAML built from the specs' own keys and values). Errors
//! are rendered too, with and without color. Cases are bounded (`PROPTEST_CASES` overrides).

#[path = "hostile/common.rs"]
mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use switchboard_codegen::Builder;
use switchboard_codegen::spec::yaml::{self, NodeKind};
use switchboard_tests::{TempDir, copy_tree, root};

use common::{HANG_GUARD, assert_rendering_consistent, files_in, within};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(cases),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A vendor folder to start from: the valid fixtures (cheap to build) and the real specs.
fn bases() -> Vec<PathBuf> {
    let mut out = vec![
        root().join("tests/fixtures/valid/fixture_api"),
        root().join("tests/fixtures/valid/hostile_api"),
    ];
    let mut vendors: Vec<PathBuf> = std::fs::read_dir(root().join("specs"))
        .expect("specs/")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("service.yaml").is_file())
        .collect();
    vendors.sort();
    out.extend(vendors);
    out
}

/// Copies `base` into a fresh specs folder, writes `bytes` over `file` (relative to the vendor
/// folder), builds, renders any error, and returns whether the build succeeded.
fn build_with(base: &Path, file: &Path, bytes: Vec<u8>) -> bool {
    let tmp = TempDir::new("prop-spec");
    let vendor = tmp
        .path()
        .join("specs")
        .join(base.file_name().expect("a folder name"));
    copy_tree(base, &vendor);
    std::fs::write(vendor.join(file), bytes).expect("write the case");
    let specs = tmp.path().join("specs");
    within(HANG_GUARD, "building a spec", move || {
        match Builder::new().specs_dir(&specs).build() {
            Ok((_, outputs)) => {
                assert!(!outputs.files.is_empty(), "a successful build has outputs");
                true
            }
            Err(error) => {
                let plain = error.render(false);
                assert!(!plain.is_empty(), "an error renders as text");
                assert_rendering_consistent(&plain);
                let _ = error.render(true);
                false
            }
        }
    })
}

proptest! {
    #![proptest_config(config(256))]

    /// Arbitrary bytes, alone or after a plausible start, as a new endpoint file or as the
    /// service file.
    #[test]
    fn arbitrary_bytes_never_panic_the_pipeline(
        as_service in any::<bool>(),
        prefix in prop_oneof![
            Just(&b""[..]),
            Just(&b"id: x\ntitle: t\nsummary: s\nmethod: GET\npath: /x\n"[..]),
            Just(&b"name: fixture_api\n"[..]),
            Just(&b"\xef\xbb\xbf"[..]),
        ],
        bytes in proptest::collection::vec(any::<u8>(), 0..256),
    ) {
        let base = root().join("tests/fixtures/valid/fixture_api");
        let file = if as_service { "service.yaml" } else { "endpoints/case.yaml" };
        let _ = build_with(&base, Path::new(file), [prefix, &bytes[..]].concat());
    }
}

/// A YAML value independent of the loader's types, to mutate and print.
#[derive(Clone, Debug)]
enum Y {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Y>),
    Map(Vec<(Y, Y)>),
}

impl Y {
    fn from_node(node: &yaml::Node) -> Y {
        match &node.kind {
            NodeKind::Null => Y::Null,
            NodeKind::Bool(b) => Y::Bool(*b),
            NodeKind::Int(i) => Y::Int(*i),
            NodeKind::Float(f) => Y::Float(*f),
            NodeKind::Str(s) => Y::Str(s.clone()),
            NodeKind::Seq(items) => Y::Seq(items.iter().map(Y::from_node).collect()),
            NodeKind::Map(entries) => Y::Map(
                entries
                    .iter()
                    .map(|(k, v)| (Y::from_node(k), Y::from_node(v)))
                    .collect(),
            ),
        }
    }

    fn count(&self) -> usize {
        1 + match self {
            Y::Seq(items) => items.iter().map(Y::count).sum(),
            Y::Map(entries) => entries.iter().map(|(_, v)| v.count()).sum(),
            _ => 0,
        }
    }

    /// The node at preorder position `at` (values only, not keys).
    fn node_mut(&mut self, at: usize) -> Option<&mut Y> {
        if at == 0 {
            return Some(self);
        }
        let mut at = at - 1;
        let children: Vec<&mut Y> = match self {
            Y::Seq(items) => items.iter_mut().collect(),
            Y::Map(entries) => entries.iter_mut().map(|(_, v)| v).collect(),
            _ => return None,
        };
        for child in children {
            let n = child.count();
            if at < n {
                return child.node_mut(at);
            }
            at -= n;
        }
        None
    }

    /// Block-style YAML, as people write specs; strings plain where that reads back the same,
    /// else double-quoted.
    fn render(&self, indent: usize, out: &mut String) {
        let pad = " ".repeat(indent);
        match self {
            Y::Map(entries) if !entries.is_empty() => {
                for (key, value) in entries {
                    let _ = write!(out, "{pad}{}:", key.scalar());
                    value.render_after_key(indent, out);
                }
            }
            Y::Seq(items) if !items.is_empty() => {
                for item in items {
                    let _ = write!(out, "{pad}-");
                    item.render_after_key(indent, out);
                }
            }
            other => {
                let _ = writeln!(out, "{pad}{}", other.scalar());
            }
        }
    }

    fn render_after_key(&self, indent: usize, out: &mut String) {
        match self {
            Y::Map(e) if !e.is_empty() => {
                out.push('\n');
                self.render(indent + 2, out);
            }
            Y::Seq(i) if !i.is_empty() => {
                out.push('\n');
                self.render(indent + 2, out);
            }
            other => {
                let _ = writeln!(out, " {}", other.scalar());
            }
        }
    }

    fn scalar(&self) -> String {
        match self {
            Y::Null => "~".to_owned(),
            Y::Bool(b) => b.to_string(),
            Y::Int(i) => i.to_string(),
            Y::Float(f) if f.is_nan() => ".nan".to_owned(),
            Y::Float(f) if f.is_infinite() => if *f > 0.0 { ".inf" } else { "-.inf" }.to_owned(),
            Y::Float(f) => format!("{f:?}"),
            Y::Str(s) if is_plain(s) => s.clone(),
            Y::Str(s) => serde_json::to_string(s).expect("a string serializes"),
            Y::Seq(items) if items.is_empty() => "[]".to_owned(),
            Y::Map(entries) if entries.is_empty() => "{}".to_owned(),
            complex => serde_json::to_string(&format!("{complex:?}")).expect("serializes"),
        }
    }
}

fn is_plain(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '/')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | ' '))
        && !s.ends_with(' ')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        )
}

/// Every key and short string of every base file: the spec format's vocabulary.
fn vocabulary() -> &'static [String] {
    static WORDS: OnceLock<Vec<String>> = OnceLock::new();
    WORDS.get_or_init(|| {
        fn walk(y: &Y, out: &mut std::collections::BTreeSet<String>) {
            match y {
                Y::Str(s) if s.len() < 40 => {
                    out.insert(s.clone());
                }
                Y::Seq(items) => items.iter().for_each(|i| walk(i, out)),
                Y::Map(entries) => entries.iter().for_each(|(k, v)| {
                    walk(k, out);
                    walk(v, out);
                }),
                _ => {}
            }
        }
        let mut set = std::collections::BTreeSet::new();
        for base in bases() {
            for (_, y) in spec_files(&base) {
                walk(&y, &mut set);
            }
        }
        set.insert("type".to_owned());
        set.into_iter().collect()
    })
}

/// The parsed files of a vendor folder: `service.yaml` and `endpoints/*.yaml`.
fn spec_files(vendor: &Path) -> Vec<(PathBuf, Y)> {
    let mut paths = vec![PathBuf::from("service.yaml")];
    for path in files_in(&vendor.join("endpoints")) {
        let name = path.file_name().expect("a file name");
        paths.push(Path::new("endpoints").join(name));
    }
    paths
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(vendor.join(&p)).ok()?;
            let node = yaml::parse(&text).ok()?;
            Some((p, Y::from_node(&node)))
        })
        .collect()
}

fn arbitrary_yaml() -> impl Strategy<Value = Y> {
    let words = vocabulary();
    let word = proptest::sample::select(words).prop_map(Y::Str);
    let scalar = prop_oneof![
        4 => word.clone(),
        1 => Just(Y::Null),
        1 => any::<bool>().prop_map(Y::Bool),
        1 => prop_oneof![
            Just(Y::Int(i128::MAX)),
            Just(Y::Int(i128::from(i64::MIN))),
            Just(Y::Int(0)),
            Just(Y::Int(-1)),
            any::<i64>().prop_map(|i| Y::Int(i.into())),
        ],
        1 => prop_oneof![
            Just(Y::Float(f64::NAN)),
            Just(Y::Float(f64::INFINITY)),
            Just(Y::Float(-0.0)),
            Just(Y::Float(1e300)),
            any::<f64>().prop_map(Y::Float),
        ],
        1 => prop_oneof![
            Just(Y::Str(String::new())),
            Just(Y::Str("{".to_owned())),
            Just(Y::Str("/x/{id}/{id}".to_owned())),
            Just(Y::Str("[a-".to_owned())),
            Just(Y::Str("a\0b\r\n\u{202e}</script>*/{{x}}|`".to_owned())),
            Just(Y::Str("self".to_owned())),
            Just(Y::Str("1st".to_owned())),
            ".{0,12}".prop_map(Y::Str),
        ],
    ];
    scalar.prop_recursive(4, 40, 5, move |inner| {
        let key = proptest::sample::select(vocabulary()).prop_map(Y::Str);
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Y::Seq),
            proptest::collection::vec((key, inner), 0..5).prop_map(Y::Map),
        ]
    })
}

/// One change to a parsed spec file.
#[derive(Clone, Debug)]
enum Mutation {
    /// Replace the value at a preorder position.
    Replace(usize, Y),
    /// Add `key: value` to the mapping at a position (a duplicate key, if it exists).
    Insert(usize, Y, Y),
    /// Drop the entry or item at a position of the container at a position.
    Remove(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<usize>(), arbitrary_yaml()).prop_map(|(a, y)| Mutation::Replace(a, y)),
        2 => (any::<usize>(), proptest::sample::select(vocabulary()), arbitrary_yaml())
            .prop_map(|(a, k, y)| Mutation::Insert(a, Y::Str(k), y)),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Remove(a, b)),
    ]
}

fn apply(y: &mut Y, mutation: Mutation) {
    let count = y.count();
    match mutation {
        Mutation::Replace(at, new) => {
            if let Some(node) = y.node_mut(at % count) {
                *node = new;
            }
        }
        Mutation::Insert(at, key, value) => {
            if let Some(Y::Map(entries)) = y.node_mut(at % count) {
                entries.push((key, value));
            }
        }
        Mutation::Remove(at, which) => match y.node_mut(at % count) {
            Some(Y::Map(entries)) if !entries.is_empty() => {
                let i = which % entries.len();
                entries.remove(i);
            }
            Some(Y::Seq(items)) if !items.is_empty() => {
                let i = which % items.len();
                items.remove(i);
            }
            _ => {}
        },
    }
}

proptest! {
    #![proptest_config(config(128))]

    /// A valid spec file with parts replaced by arbitrary YAML, parts dropped and keys added
    /// or repeated, written back as YAML beside the rest of its vendor folder.
    #[test]
    fn mutated_specs_never_panic_the_pipeline(
        base in any::<proptest::sample::Index>(),
        file in any::<proptest::sample::Index>(),
        mutations in proptest::collection::vec(mutation(), 1..5),
    ) {
        let bases = bases();
        // The cheap fixtures most of the time; a real vendor folder one case in four.
        let base = if base.index(4) == 0 {
            &bases[base.index(bases.len())]
        } else {
            &bases[base.index(2)]
        };
        let files = spec_files(base);
        prop_assume!(!files.is_empty());
        let (path, mut y) = files[file.index(files.len())].clone();
        for m in mutations {
            apply(&mut y, m);
        }
        let mut text = String::new();
        y.render(0, &mut text);
        let _ = build_with(base, &path, text.into_bytes());
    }
}

/// The printer above reads back as the same specs: without that, the mutations would test
/// the printer instead of the pipeline.
#[test]
fn unmutated_bases_print_back_to_valid_specs() {
    for base in bases().into_iter().take(2) {
        let tmp = TempDir::new("prop-print");
        let vendor = tmp
            .path()
            .join("specs")
            .join(base.file_name().expect("name"));
        copy_tree(&base, &vendor);
        for (path, y) in spec_files(&base) {
            let mut text = String::new();
            y.render(0, &mut text);
            std::fs::write(vendor.join(&path), text).expect("write");
        }
        let printed = Builder::new().specs_dir(tmp.path().join("specs")).build();
        let original = Builder::new()
            .specs_dir(base.parent().expect("parent"))
            .build();
        let (Ok((_, printed)), Ok((_, original))) = (printed, original) else {
            panic!("{}: the printed copy must stay valid", base.display());
        };
        let name = base
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        for (file, bytes) in &original.files {
            if file.to_string_lossy().contains(&name) {
                assert_eq!(
                    printed.files.get(file),
                    Some(bytes),
                    "{}: printing changed {}",
                    base.display(),
                    file.display()
                );
            }
        }
    }
}

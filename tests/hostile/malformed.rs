//! Malformed spec files and folders: each ends in a clear error (a located diagnostic, exit
//! 1, or an I/O error naming the path, exit 2) within a generous time bound, never in a
//! panic, a hang or unbounded memory.

use std::path::{Path, PathBuf};

use switchboard_codegen::{Builder, Error};
use switchboard_tests::{TempDir, copy_tree, root};

use crate::common::{HANG_GUARD, assert_rendering_consistent, files_in, within};

/// A specs folder holding a copy of one vendor folder.
struct Case {
    tmp: TempDir,
    vendor: PathBuf,
}

impl Case {
    fn of(vendor_dir: &Path) -> Case {
        let tmp = TempDir::new("malformed");
        let vendor = tmp
            .path()
            .join("specs")
            .join(vendor_dir.file_name().expect("a folder name"));
        copy_tree(vendor_dir, &vendor);
        Case { tmp, vendor }
    }

    fn fixture() -> Case {
        Case::of(&root().join("tests/fixtures/valid/fixture_api"))
    }

    fn specs(&self) -> PathBuf {
        self.tmp.path().join("specs")
    }

    /// Builds under the hang guard; also renders the error, as the CLI would.
    fn build(&self) -> Result<usize, Error> {
        let specs = self.specs();
        within(HANG_GUARD, "building malformed specs", move || {
            let result = Builder::new().specs_dir(specs).build();
            if let Err(error) = &result {
                assert_rendering_consistent(&error.render(false));
                let _ = error.render(true);
            }
            result.map(|(_, outputs)| outputs.files.len())
        })
    }
}

/// A spec error (exit 1) whose every diagnostic has a line and column; returns the codes.
fn located(result: Result<usize, Error>, what: &str) -> Vec<&'static str> {
    match result {
        Err(Error::Spec {
            diagnostics,
            sources,
        }) => {
            assert!(
                !diagnostics.is_empty(),
                "{what}: an error without diagnostics"
            );
            for d in &diagnostics {
                let (line, col) = sources.get(d.loc.file).line_col(d.loc.span.start);
                assert!(line > 0 && col > 0, "{what}: unlocated {:?}", d.problem);
            }
            diagnostics.iter().map(|d| d.problem.code()).collect()
        }
        Err(other) => panic!("{what}: expected located diagnostics, got {other}"),
        Ok(_) => panic!("{what}: expected an error, the specs built"),
    }
}

/// An I/O error (exit 2) naming `path`; returns its message.
fn io_error(result: Result<usize, Error>, path: &Path, what: &str) -> String {
    match result {
        Err(Error::Io { path: at, error }) => {
            assert_eq!(at, path, "{what}: the error names the file");
            error.to_string()
        }
        Err(other) => panic!("{what}: expected an I/O error, got {other}"),
        Ok(_) => panic!("{what}: expected an error, the specs built"),
    }
}

/// The specs of the four seed endpoints (one per vendor), each in its own vendor folder.
fn seed_specs() -> Vec<(PathBuf, PathBuf)> {
    let mut out = Vec::new();
    for (vendor, endpoint) in [
        ("huawei_agentgateway", "leave_agent_conference"),
        ("genesys_gws", "remove_participant_from_conference"),
        ("tencent_im_desk", "end_session"),
        ("alibaba_ccc", "unmute_call"),
    ] {
        let dir = root().join("specs").join(vendor);
        out.push((dir.clone(), Path::new("service.yaml").to_path_buf()));
        out.push((dir, Path::new("endpoints").join(format!("{endpoint}.yaml"))));
    }
    let hostile = root().join("tests/fixtures/valid/hostile_api");
    out.push((hostile.clone(), "service.yaml".into()));
    out.push((hostile, "endpoints/do_type.yaml".into()));
    out
}

/// Every seed file cut at eight points, one of them inside a multi-byte character where the
/// file has one: each prefix either still builds or gives located diagnostics.
#[test]
fn truncated_seed_specs_give_located_errors() {
    let mut failures = 0;
    for (vendor, file) in seed_specs() {
        let text = std::fs::read(vendor.join(&file)).expect("seed spec");
        let mut cuts: Vec<usize> = (1..8).map(|i| text.len() * i / 8).collect();
        if let Some(i) = text.iter().position(|b| *b >= 0xc0) {
            cuts.push(i + 1);
        }
        cuts.push(0);
        for cut in cuts {
            let case = Case::of(&vendor);
            std::fs::write(case.vendor.join(&file), &text[..cut]).expect("write");
            let what = format!("{} cut at {cut}", file.display());
            match case.build() {
                Ok(_) => {}
                result => {
                    let codes = located(result, &what);
                    if cut == 0 {
                        assert!(codes.contains(&"E0002"), "{what}: {codes:?}");
                    }
                    failures += 1;
                }
            }
        }
    }
    assert!(
        failures > 20,
        "most prefixes are invalid; only {failures} failed"
    );
}

#[test]
fn empty_and_blank_files_are_located_errors() {
    for (text, code) in [
        (&b""[..], "E0002"),
        (b"   \n\t\n", "E0002"),
        (b"\xef\xbb\xbf", "E0002"),
        (b"# only a comment\n", "E0002"),
        (
            b"\xef\xbb\xbf# yaml-language-server: $schema=x.json\n\n",
            "E0002",
        ),
        (b"~\n", "E0011"),
        (b"- a\n- b\n", "E0011"),
        (b"just a string\n", "E0011"),
    ] {
        let case = Case::fixture();
        std::fs::write(case.vendor.join("endpoints/blank.yaml"), text).expect("write");
        let codes = located(case.build(), &format!("{text:?}"));
        assert!(
            codes.contains(&code),
            "{text:?}: {codes:?}, expected {code}"
        );
    }
}

#[test]
fn non_utf8_files_are_located_errors() {
    let valid =
        std::fs::read(root().join("tests/fixtures/valid/fixture_api/endpoints/get_thing.yaml"))
            .expect("fixture");
    let mut latin1 = valid.clone();
    latin1.extend_from_slice(b"description: caf\xe9\n");
    let utf16: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain(
            String::from_utf8_lossy(&valid)
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    for (name, bytes) in [("latin1", latin1), ("utf16", utf16), ("lone", vec![0x80])] {
        let case = Case::fixture();
        std::fs::write(case.vendor.join("endpoints/bytes.yaml"), &bytes).expect("write");
        let codes = located(case.build(), name);
        assert_eq!(codes, ["E0001"], "{name}");
    }
}

/// A 10 MB file is refused before it is parsed (the limit is 4 MiB): an I/O error naming the
/// file and the limit, which the CLI reports with exit code 2.
#[test]
fn oversized_files_are_refused_with_the_limit_named() {
    let case = Case::fixture();
    let path = case.vendor.join("endpoints/huge.yaml");
    let mut text = b"id: huge\ndescription: |\n".to_vec();
    while text.len() < 10_000_000 {
        text.extend_from_slice(b"  0123456789012345678901234567890123456789012345678901234567\n");
    }
    std::fs::write(&path, &text).expect("write");
    let message = io_error(case.build(), &path, "10 MB");
    assert!(
        message.contains("4194304 bytes") && message.contains("4 MiB"),
        "the message names the limit: {message}"
    );
    let limit = switchboard_codegen::spec::MAX_FILE_BYTES;
    assert_eq!(limit, 4 * 1024 * 1024);
    // One byte under the limit is read (and then rejected as a spec, with a location).
    let mut text = b"id: big\ndescription: \"".to_vec();
    text.resize(usize::try_from(limit).expect("fits") - 2, b'a');
    text.extend_from_slice(b"\"\n");
    std::fs::write(&path, &text).expect("write");
    located(case.build(), "just under the limit");
}

#[test]
fn deep_nesting_is_a_located_error() {
    let flow = format!(
        "id: deep\ndescription: {}{}\n",
        "[".repeat(1000),
        "]".repeat(1000)
    );
    let flow_maps = format!(
        "id: deep\nx: {}1{}\n",
        "{a: ".repeat(1000),
        "}".repeat(1000)
    );
    let mut block = String::from("id: deep\ntitle:\n");
    for level in 1..=1000 {
        block.push_str(&" ".repeat(level * 2));
        block.push_str("- k:\n");
    }
    for (name, text) in [("flow", flow), ("flow maps", flow_maps), ("block", block)] {
        let case = Case::fixture();
        std::fs::write(case.vendor.join("endpoints/deep.yaml"), text).expect("write");
        let codes = located(case.build(), name);
        assert_eq!(codes, ["E0003"], "{name}");
    }
}

/// Alias expansion is bounded: a billion-laughs document, a wide one that expands one big
/// anchor many times, and anchors in the thousands, all end in a YAML error.
#[test]
fn alias_bombs_are_located_errors() {
    let mut laughs = String::from(
        "a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n",
    );
    for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
        .iter()
        .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
    {
        let refs = vec![format!("*{prev}"); 10].join(", ");
        laughs.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    let big: String = (0..2000).map(|i| format!("k{i}: v\n  ")).collect();
    let wide = format!(
        "id: wide\nbig: &big\n  {big}\nuse: [{}]\n",
        vec!["*big"; 500].join(", ")
    );
    let anchors: String = (0..5000).map(|i| format!("a{i}: &x{i} v\n")).collect();
    for (name, text) in [("laughs", laughs), ("wide", wide), ("anchors", anchors)] {
        let case = Case::fixture();
        std::fs::write(case.vendor.join("endpoints/bomb.yaml"), text).expect("write");
        let codes = located(case.build(), name);
        assert_eq!(codes, ["E0003"], "{name}");
    }
}

/// Only `service.yaml` and `endpoints/*.yaml` are read, one level each, so a link looping
/// back up the tree is never walked; a looping link named like a spec file is an I/O error.
#[cfg(unix)]
#[test]
fn symlink_loops_end_without_hanging() {
    use std::os::unix::fs::symlink;

    let reference = Case::fixture().build().expect("the fixture builds");
    let case = Case::fixture();
    symlink("..", case.vendor.join("endpoints/loop")).expect("symlink");
    symlink(".", case.vendor.join("loop")).expect("symlink");
    symlink(".", case.specs().join("self")).expect("symlink");
    symlink("..", case.specs().join("parent")).expect("symlink");
    assert_eq!(
        case.build()
            .expect("links that are not spec files are ignored"),
        reference
    );

    let path = case.vendor.join("endpoints/loop.yaml");
    symlink("..", &path).expect("symlink");
    let message = io_error(case.build(), &path, "a folder named like a spec");
    assert!(message.contains("not a regular file"), "{message}");
}

/// A spec file may be a link to a regular file (read like a copy). A link to a device would
/// be read forever and a FIFO would block the run: both are refused before opening, as is a
/// dangling link.
#[cfg(unix)]
#[test]
fn symlinked_files_are_followed_only_to_regular_files() {
    use std::os::unix::fs::symlink;

    let fixture = root().join("tests/fixtures/valid/fixture_api");
    let copied = Case::fixture();
    std::fs::copy(
        fixture.join("endpoints/get_thing.yaml"),
        copied.vendor.join("endpoints/again.yaml"),
    )
    .expect("copy");
    let linked = Case::fixture();
    symlink(
        fixture.join("endpoints/get_thing.yaml"),
        linked.vendor.join("endpoints/again.yaml"),
    )
    .expect("symlink");
    let (copied, linked) = (copied.build(), linked.build());
    assert_eq!(
        located(copied, "copy"),
        located(linked, "link"),
        "a link reads like a copy"
    );

    for (name, target) in [
        ("zero", "/dev/zero"),
        ("random", "/dev/urandom"),
        ("dangling", "/nonexistent/x.yaml"),
    ] {
        let case = Case::fixture();
        let path = case.vendor.join(format!("endpoints/{name}.yaml"));
        symlink(target, &path).expect("symlink");
        io_error(case.build(), &path, name);
    }
    let case = Case::fixture();
    symlink("/dev/zero", case.vendor.join("service.yaml.tmp")).expect("symlink");
    std::fs::remove_file(case.vendor.join("service.yaml")).expect("remove");
    std::fs::rename(
        case.vendor.join("service.yaml.tmp"),
        case.vendor.join("service.yaml"),
    )
    .expect("rename");
    assert!(case.build().is_err(), "a device as service.yaml");

    let case = Case::fixture();
    let fifo = case.vendor.join("endpoints/fifo.yaml");
    // mkfifo is POSIX (coreutils); a machine without it fails here rather than skipping the
    // case silently.
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(
        made.as_ref().is_ok_and(|s| s.success()),
        "mkfifo must make the FIFO: {made:?}"
    );
    let message = io_error(case.build(), &fifo, "fifo");
    assert!(message.contains("not a regular file"), "{message}");
}

/// Invalid fixtures whose snapshot shows a load-family code (`E00xx`, a shape error) that a
/// check reports after loading: the shape depends on another key (`items` of an array, a path
/// placeholder's sample value, a `format` of the field's type).
const CHECKED_WITH_LOAD_CODES: &[&str] = &[
    "endpoint_array_without_items.yaml",
    "endpoint_idempotent_with_events.yaml",
    "endpoint_sample_missing_path_param.yaml",
    "endpoint_unknown_format.yaml",
];

/// Hostile file names (spaces, `..`, a bidi override, Chinese) are only names, and many
/// broken files at once are all reported in one run: every invalid endpoint fixture whose
/// mistake is a load-phase one is named in the rendered errors. Which fixtures those are comes
/// from their reviewed diagnostic snapshots (a load-phase code, `E00xx`), not from the loader
/// under test; the loader must agree with the snapshots fixture by fixture.
#[test]
fn many_broken_files_at_once_are_all_reported() {
    let case = Case::fixture();
    let mut load_phase = Vec::new();
    for (i, path) in files_in(&root().join("tests/fixtures/invalid"))
        .iter()
        .enumerate()
    {
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        if !name.starts_with("endpoint_") {
            continue;
        }
        let snapshot = root().join(format!(
            "tests/snapshots/diagnostics__invalid_specs@{name}.snap"
        ));
        let snapshot = std::fs::read_to_string(&snapshot)
            .unwrap_or_else(|e| panic!("{}: {e}", snapshot.display()));
        let expected_at_load =
            snapshot.contains("error[E00") && !CHECKED_WITH_LOAD_CODES.contains(&name.as_str());
        let target = format!("{i} ..\u{202e} 中 {name}");
        std::fs::copy(path, case.vendor.join("endpoints").join(&target)).expect("copy");
        let alone = Case::fixture();
        std::fs::copy(path, alone.vendor.join("endpoints").join(&name)).expect("copy");
        let fails_at_load = switchboard_codegen::spec::load_dir(&alone.specs()).is_err();
        assert_eq!(
            fails_at_load, expected_at_load,
            "{name}: the loader's verdict disagrees with the snapshot's error codes"
        );
        if expected_at_load {
            load_phase.push(target);
        }
    }
    let specs = case.specs();
    let rendered = within(HANG_GUARD, "loading every invalid fixture", move || {
        Builder::new()
            .specs_dir(specs)
            .build()
            .expect_err("invalid specs")
            .render(false)
    });
    assert!(load_phase.len() > 10, "{load_phase:?}");
    for name in &load_phase {
        assert!(
            rendered.contains(name.as_str()),
            "{name} is not reported:\n{rendered}"
        );
    }
}

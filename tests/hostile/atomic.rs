//! A run that fails at any point — a spec error, an output path that cannot be written, an
//! emitter or write failing halfway — leaves every file under the output folder byte for
//! byte as it was, and leaves no temporary behind.

use std::path::{Path, PathBuf};

use switchboard_codegen::{Builder, Error};
use switchboard_tests::{TempDir, copy_tree, root, tree_digest};

/// A specs folder generated once into `out`, then edited so that the next run changes
/// several files (a renamed title), adds new ones (a second endpoint) and removes stale ones
/// (an endpoint deleted).
struct Generated {
    tmp: TempDir,
}

impl Generated {
    fn new() -> Generated {
        let tmp = TempDir::new("atomic");
        let vendor = tmp.path().join("specs/fixture_api");
        copy_tree(&root().join("tests/fixtures/valid/fixture_api"), &vendor);
        let endpoint = vendor.join("endpoints/get_thing.yaml");
        let text = std::fs::read_to_string(&endpoint).expect("fixture");
        // Two endpoints deleted after the first run: one stale page each.
        let doomed =
            ["old_thing", "older_thing"].map(|id| vendor.join(format!("endpoints/{id}.yaml")));
        for (path, id) in doomed.iter().zip(["old_thing", "older_thing"]) {
            std::fs::write(
                path,
                text.replace("get_thing", id)
                    .replace("/things/{thingId}", &format!("/things/{{thingId}}/{id}")),
            )
            .expect("doomed endpoint");
        }
        let generated = Generated { tmp };
        generated
            .builder()
            .generate()
            .expect("the fixture generates");
        for path in &doomed {
            std::fs::remove_file(path).expect("delete the endpoint");
        }
        std::fs::write(&endpoint, text.replace("Get a thing", "Get one thing")).expect("edit");
        std::fs::write(
            vendor.join("endpoints/list_things.yaml"),
            text.replace("get_thing", "list_things")
                .replace("/things/{thingId}", "/things/{thingId}/all"),
        )
        .expect("new endpoint");
        generated
    }

    fn out(&self) -> PathBuf {
        self.tmp.path().join("generated")
    }

    fn builder(&self) -> Builder {
        Builder::new()
            .specs_dir(self.tmp.path().join("specs"))
            .out_dir(self.out())
    }

    /// The files the next run writes, in the order it writes them.
    fn pending(&self) -> Vec<PathBuf> {
        let staleness = self.builder().check().expect("check runs");
        assert!(
            staleness.changed.len() >= 2
                && !staleness.missing.is_empty()
                && !staleness.extra.is_empty(),
            "the edit must change, add and remove files: {staleness:?}"
        );
        staleness
            .changed
            .into_iter()
            .chain(staleness.missing)
            .collect()
    }

    /// The files the next run removes, in the order it removes them.
    fn stale(&self) -> Vec<PathBuf> {
        self.builder().check().expect("check runs").extra
    }

    /// Runs `builder`, which must fail, and asserts that the output folder is unchanged.
    fn assert_failure_changes_nothing(&self, builder: Builder, what: &str) -> Error {
        let before = tree_digest(&self.out());
        let folders_before = folders(&self.out());
        let error = builder
            .generate()
            .expect_err(&format!("{what}: the run must fail"));
        let after = tree_digest(&self.out());
        assert_eq!(
            names(&before),
            names(&after),
            "{what}: files appeared or disappeared"
        );
        assert!(before == after, "{what}: a file changed");
        assert_eq!(
            folders_before,
            folders(&self.out()),
            "{what}: folders appeared or disappeared"
        );
        error
    }

    /// After the failures, a normal run succeeds and leaves exactly what a fresh run would.
    fn assert_recovers(&self) {
        self.builder().generate().expect("a normal run succeeds");
        let fresh = TempDir::new("atomic-fresh");
        Builder::new()
            .specs_dir(self.tmp.path().join("specs"))
            .out_dir(fresh.path())
            .generate()
            .expect("a fresh run succeeds");
        assert!(
            tree_digest(&self.out()) == tree_digest(fresh.path()),
            "leftovers"
        );
    }
}

/// Every folder under `root`, relative, sorted (`tree_digest` lists files only).
fn folders(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable").flatten() {
            if entry.file_type().expect("type").is_dir() {
                out.push(
                    entry
                        .path()
                        .strip_prefix(root)
                        .expect("under root")
                        .to_path_buf(),
                );
                stack.push(entry.path());
            }
        }
    }
    out.sort();
    out
}

fn names(digest: &[(PathBuf, Vec<u8>)]) -> Vec<&Path> {
    digest.iter().map(|(p, _)| p.as_path()).collect()
}

#[test]
fn a_spec_error_changes_nothing() {
    let case = Generated::new();
    std::fs::write(
        case.tmp
            .path()
            .join("specs/fixture_api/endpoints/broken.yaml"),
        "id: broken\nmethod: PSOT\n",
    )
    .expect("write");
    let error = case.assert_failure_changes_nothing(case.builder(), "spec error");
    assert!(matches!(error, Error::Spec { .. }), "{error}");
}

impl Generated {
    /// Fails the run on purpose (`inject(builder, n)`) at each of `paths` in turn; each
    /// failure must leave the output folder as it was, and a normal run must then recover.
    fn assert_each_injected_failure_changes_nothing(
        &self,
        step: &str,
        paths: &[PathBuf],
        inject: impl Fn(Builder, usize) -> Builder,
    ) {
        assert!(!paths.is_empty(), "{step}: files to fail at");
        for (n, path) in paths.iter().enumerate() {
            let what = format!("{step} failure at file {n} ({})", path.display());
            let error = self.assert_failure_changes_nothing(inject(self.builder(), n), &what);
            assert!(
                matches!(&error, Error::Io { error, .. } if error.to_string().contains("injected")),
                "{what}: {error}"
            );
        }
        self.assert_recovers();
    }
}

/// The run fails before each file it has to write in turn (the first, one in the middle,
/// the last, and a new file in a new folder): the files staged before it are removed.
#[test]
fn a_failure_at_any_output_file_changes_nothing() {
    let case = Generated::new();
    case.assert_each_injected_failure_changes_nothing("staging", &case.pending(), |b, n| {
        b.inject_output_failure(n)
    });
}

/// The run fails before renaming each staged file into place in turn: the files swapped in
/// before it are put back from their backups, new ones removed.
#[test]
fn a_failure_at_any_swap_changes_nothing() {
    let case = Generated::new();
    case.assert_each_injected_failure_changes_nothing("swap", &case.pending(), |b, n| {
        b.inject_swap_failure(n)
    });
}

/// The run fails before removing each stale file in turn, after every new file was swapped
/// in: the swapped files and the stale files removed before it are restored.
#[test]
fn a_failure_at_any_removal_changes_nothing() {
    let case = Generated::new();
    let stale = case.stale();
    assert!(stale.len() >= 2, "several stale files: {stale:?}");
    case.assert_each_injected_failure_changes_nothing("removal", &stale, |b, n| {
        b.inject_removal_failure(n)
    });
}

/// A read-only output subfolder stops the run. Permissions do not bind a test running as
/// root, so there the case cannot be made, and the test's name says so (the failures
/// below make the same point without permissions).
#[cfg(unix)]
#[test]
fn a_read_only_output_folder_changes_nothing_unless_running_as_root() {
    use std::os::unix::fs::PermissionsExt;
    let case = Generated::new();
    let pending = case.pending();
    let dir = case
        .out()
        .join(pending[pending.len() / 2].parent().expect("in a folder"));
    let original = std::fs::metadata(&dir).expect("folder").permissions();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    let binds = std::fs::write(dir.join(".probe"), "x").is_err();
    if binds {
        let error = case.assert_failure_changes_nothing(case.builder(), "read-only folder");
        assert!(matches!(error, Error::Io { .. }), "{error}");
    } else {
        let _ = std::fs::remove_file(dir.join(".probe"));
    }
    std::fs::set_permissions(&dir, original).expect("chmod back");
}

/// Failures made without permissions: a folder occupying the staging path of the last file
/// to be written, and a folder standing where a generated file must go.
#[test]
fn an_unwritable_output_path_changes_nothing() {
    let case = Generated::new();
    let pending = case.pending();

    // Staging writes `<file>.switchboard-tmp-<pid>` beside each target; a folder there makes
    // the last write fail after every other file was staged.
    let last = case.out().join(pending.last().expect("pending files"));
    let mut blocker = last.file_name().expect("a file").to_os_string();
    blocker.push(format!(".switchboard-tmp-{}", std::process::id()));
    let blocker = last.with_file_name(blocker);
    std::fs::create_dir_all(blocker.join("occupied")).expect("blocker");
    std::fs::write(blocker.join("occupied/file"), "mine").expect("blocker");
    let error = case.assert_failure_changes_nothing(case.builder(), "staging path occupied");
    assert!(matches!(error, Error::Io { .. }), "{error}");
    std::fs::remove_dir_all(&blocker).expect("unblock");

    // A folder where a generated file must go (with content, so it cannot be replaced).
    let target = case.out().join(&pending[0]);
    let saved = std::fs::read(&target).expect("an existing file");
    std::fs::remove_file(&target).expect("remove");
    std::fs::create_dir_all(target.join("inside")).expect("folder");
    let error = case.assert_failure_changes_nothing(case.builder(), "folder in place of a file");
    assert!(matches!(error, Error::Io { .. }), "{error}");
    std::fs::remove_dir_all(&target).expect("remove folder");
    std::fs::write(&target, saved).expect("restore");

    case.assert_recovers();
}

/// `--check` never writes, stale or not.
#[test]
fn check_mode_changes_nothing() {
    let case = Generated::new();
    let before = tree_digest(&case.out());
    let staleness = case.builder().check().expect("check runs");
    assert!(!staleness.is_fresh());
    assert!(before == tree_digest(&case.out()));
}

/// Build-script mode writes its modules all or nothing too, and leaves other files in
/// `OUT_DIR` alone.
#[test]
fn build_script_mode_is_all_or_nothing() {
    let case = Generated::new();
    let out = case.tmp.path().join("out_dir");
    std::fs::create_dir_all(&out).expect("out");
    std::fs::write(out.join("other.rs"), "// not ours").expect("other");
    let specs = root().join("tests/fixtures/valid");
    let builder = Builder::new().specs_dir(&specs).out_dir(&out);
    builder.compile_rust(false).expect("compiles");
    // Both modules change when the specs change; fail before the second one.
    let edited = case.tmp.path().join("edited");
    copy_tree(&specs, &edited);
    for (vendor, file) in [("fixture_api", "get_thing"), ("hostile_api", "do_type")] {
        let path = edited
            .join(vendor)
            .join("endpoints")
            .join(format!("{file}.yaml"));
        let text = std::fs::read_to_string(&path).expect("spec");
        let edited_text = text.replace(
            "https://example.invalid/",
            "https://example.invalid/edited/",
        );
        assert_ne!(edited_text, text, "{file}: the edit changes the spec");
        std::fs::write(&path, edited_text).expect("edit");
    }
    let before = tree_digest(&out);
    let error = Builder::new()
        .specs_dir(&edited)
        .out_dir(&out)
        .inject_output_failure(1)
        .compile_rust(false)
        .expect_err("injected failure");
    assert!(matches!(error, Error::Io { .. }), "{error}");
    assert!(before == tree_digest(&out), "a module changed");
    let written = Builder::new()
        .specs_dir(&edited)
        .out_dir(&out)
        .compile_rust(false)
        .expect("compiles");
    // One module per fixture service (the two edited ones among them).
    let services = std::fs::read_dir(&specs)
        .expect("specs")
        .filter(|e| e.as_ref().is_ok_and(|e| e.path().is_dir()))
        .count();
    assert_eq!(written.len(), services, "{written:?}");
    assert_eq!(
        std::fs::read_to_string(out.join("other.rs")).expect("other"),
        "// not ours"
    );
    assert_eq!(tree_digest(&out).len(), services + 1, "no temporaries left");
}

//! Writing the output tree: all or nothing, unchanged files left alone, or compared (`--check`).

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::emit::Outputs;

/// What differs between the outputs and the folder.
#[derive(Debug, Default, PartialEq)]
pub struct Staleness {
    /// Files whose contents differ.
    pub changed: Vec<PathBuf>,
    /// Files that should exist and do not.
    pub missing: Vec<PathBuf>,
    /// Files that exist and should not.
    pub extra: Vec<PathBuf>,
}

impl Staleness {
    /// Whether the folder is up to date.
    pub fn is_fresh(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

/// Compares `outputs` with the files under `root` without changing anything.
pub fn compare(root: &Path, outputs: &Outputs) -> io::Result<Staleness> {
    let mut staleness = Staleness::default();
    for (path, contents) in &outputs.files {
        match fs::read(root.join(path)) {
            Ok(existing) if existing == *contents => {}
            Ok(_) => staleness.changed.push(path.clone()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => staleness.missing.push(path.clone()),
            Err(e) => return Err(e),
        }
    }
    for path in existing_files(root)? {
        if !outputs.files.contains_key(&path) {
            staleness.extra.push(path);
        }
    }
    Ok(staleness)
}

/// Makes `root` hold exactly `outputs`. Every changed file is first written beside its target
/// as a temporary file; only when all of them are written are they renamed into place and
/// stale files removed. If any write fails the temporaries are removed and `root` is as before.
/// Unchanged files are not touched, so their modification times (and cargo's caches) survive.
pub fn write(root: &Path, outputs: &Outputs) -> io::Result<Staleness> {
    write_with_fault(root, outputs, None)
}

/// [`write`], failing on purpose before the `fail_at`-th changed file (0-based, in path
/// order) is staged: the test hook behind [`Builder::inject_output_failure`].
///
/// [`Builder::inject_output_failure`]: crate::Builder::inject_output_failure
pub(crate) fn write_with_fault(
    root: &Path,
    outputs: &Outputs,
    fail_at: Option<usize>,
) -> io::Result<Staleness> {
    let staleness = compare(root, outputs)?;
    let to_write: Vec<&PathBuf> = staleness.changed.iter().chain(&staleness.missing).collect();
    stage_and_swap(root, outputs, &to_write, fail_at)?;
    for path in &staleness.extra {
        fs::remove_file(root.join(path))?;
        remove_empty_parents(root, &root.join(path));
    }
    Ok(staleness)
}

/// Writes the files of `outputs` named in `paths` under `root`, all or nothing: each is
/// staged as a temporary file beside its target, and only when every one is staged are they
/// renamed into place. On failure the temporaries and any folder created for them are removed.
/// Files under `root` that `paths` does not name are left alone.
pub(crate) fn stage_and_swap(
    root: &Path,
    outputs: &Outputs,
    paths: &[&PathBuf],
    fail_at: Option<usize>,
) -> io::Result<()> {
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut created_dirs: Vec<PathBuf> = Vec::new();
    let result = (|| -> io::Result<()> {
        for (i, path) in paths.iter().enumerate() {
            if fail_at == Some(i) {
                return Err(io::Error::other(format!(
                    "injected failure before writing {} (test hook)",
                    path.display()
                )));
            }
            let target = root.join(path);
            if let Some(parent) = target.parent() {
                create_dirs(parent, &mut created_dirs)?;
            }
            let temp = temp_name(&target);
            // One at a time: writing from several threads into one folder made ext4 spend
            // several times as long in the kernel creating the files (see BENCHMARKS.md).
            // Staged before the write, so a temporary left half-written is removed too.
            staged.push((temp.clone(), target));
            fs::write(&temp, &outputs.files[*path])?;
        }
        Ok(())
    })();
    if let Err(err) = result {
        for (temp, _) in &staged {
            let _ = fs::remove_file(temp);
        }
        for dir in created_dirs.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
        return Err(err);
    }
    for (temp, target) in &staged {
        fs::rename(temp, target)?;
    }
    Ok(())
}

fn temp_name(target: &Path) -> PathBuf {
    let mut name = target
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(format!(".switchboard-tmp-{}", std::process::id()));
    target.with_file_name(name)
}

fn create_dirs(dir: &Path, created: &mut Vec<PathBuf>) -> io::Result<()> {
    // A relative path's last parent is the empty path: the working folder, which exists.
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        create_dirs(parent, created)?;
    }
    fs::create_dir(dir)?;
    created.push(dir.to_path_buf());
    Ok(())
}

fn remove_empty_parents(root: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == root || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Every file under `root`, relative, sorted. Symbolic links are listed, never followed.
fn existing_files(root: &Path) -> io::Result<BTreeSet<PathBuf>> {
    let mut out = BTreeSet::new();
    if !root.exists() {
        return Ok(out);
    }
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                stack.push(entry.path());
            } else if let Ok(rel) = entry.path().strip_prefix(root) {
                out.insert(rel.to_path_buf());
            }
        }
    }
    Ok(out)
}

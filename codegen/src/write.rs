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

/// Makes `root` hold exactly `outputs`, all or nothing: see [`replace`].
/// Unchanged files are not touched, so their modification times (and cargo's caches) survive.
pub fn write(root: &Path, outputs: &Outputs) -> io::Result<Staleness> {
    write_with_fault(root, outputs, None)
}

/// Where the test hook behind [`Builder::inject_output_failure`] makes a run fail.
///
/// [`Builder::inject_output_failure`]: crate::Builder::inject_output_failure
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Before the n-th changed file (0-based, in path order) is staged.
    Stage(usize),
    /// Before the n-th staged file is renamed into place.
    Swap(usize),
    /// Before the n-th stale file is removed.
    Remove(usize),
}

impl Fault {
    fn check(fault: Option<Fault>, here: Fault, path: &Path) -> io::Result<()> {
        if fault == Some(here) {
            return Err(io::Error::other(format!(
                "injected failure ({here:?}) at {} (test hook)",
                path.display()
            )));
        }
        Ok(())
    }
}

/// [`write`], failing on purpose where `fault` says.
pub(crate) fn write_with_fault(
    root: &Path,
    outputs: &Outputs,
    fault: Option<Fault>,
) -> io::Result<Staleness> {
    let staleness = compare(root, outputs)?;
    let to_write: Vec<&PathBuf> = staleness.changed.iter().chain(&staleness.missing).collect();
    let stale: Vec<&PathBuf> = staleness.extra.iter().collect();
    replace(root, outputs, &to_write, &stale, fault)?;
    Ok(staleness)
}

/// Writes the files of `outputs` named in `paths` under `root` and removes the files named in
/// `stale`, all or nothing. Each file is first staged as a temporary beside its target; only
/// when every one is staged are they renamed into place, each replaced file kept as a backup
/// (a hard link, so the rename still replaces the target atomically); stale files are moved
/// aside the same way. Only when every step succeeded are the backups deleted; a failure at
/// any step puts the backups back and removes the temporaries and the folders made for them.
/// Files under `root` that neither list names are left alone.
pub(crate) fn replace(
    root: &Path,
    outputs: &Outputs,
    paths: &[&PathBuf],
    stale: &[&PathBuf],
    fault: Option<Fault>,
) -> io::Result<()> {
    let mut tx = Transaction::default();
    let result = tx
        .stage(root, outputs, paths, fault)
        .and_then(|()| tx.swap(fault))
        .and_then(|()| tx.remove(root, stale, fault));
    match result {
        Ok(()) => {
            tx.commit(root);
            Ok(())
        }
        Err(err) => {
            tx.roll_back();
            Err(err)
        }
    }
}

/// What a [`replace`] has done so far, to undo or to finish it.
#[derive(Default)]
struct Transaction {
    created_dirs: Vec<PathBuf>,
    /// (temporary, target), in path order.
    staged: Vec<(PathBuf, PathBuf)>,
    /// Targets renamed into place (or about to be), with the backup of the file they replaced.
    swapped: Vec<(PathBuf, Option<PathBuf>)>,
    /// Stale files moved aside: (original, backup).
    removed: Vec<(PathBuf, PathBuf)>,
}

impl Transaction {
    fn stage(
        &mut self,
        root: &Path,
        outputs: &Outputs,
        paths: &[&PathBuf],
        fault: Option<Fault>,
    ) -> io::Result<()> {
        for (i, path) in paths.iter().enumerate() {
            Fault::check(fault, Fault::Stage(i), path)?;
            let target = root.join(path);
            if let Some(parent) = target.parent() {
                create_dirs(parent, &mut self.created_dirs)?;
            }
            let temp = aside_name(&target, "tmp");
            // One at a time: writing from several threads into one folder made ext4 spend
            // several times as long in the kernel creating the files (see BENCHMARKS.md).
            // Staged before the write, so a temporary left half-written is removed too.
            self.staged.push((temp.clone(), target));
            fs::write(&temp, &outputs.files[*path])?;
        }
        Ok(())
    }

    fn swap(&mut self, fault: Option<Fault>) -> io::Result<()> {
        for (i, (temp, target)) in self.staged.iter().enumerate() {
            Fault::check(fault, Fault::Swap(i), target)?;
            let backup = if fs::symlink_metadata(target).is_ok() {
                let backup = aside_name(target, "old");
                // A hard link keeps the old file reachable while the rename replaces the
                // target in one step; a file system without hard links gets a copy.
                fs::hard_link(target, &backup).or_else(|_| fs::copy(target, &backup).map(drop))?;
                Some(backup)
            } else {
                None
            };
            // Recorded before the rename: if it fails, restoring the backup is harmless.
            self.swapped.push((target.clone(), backup));
            fs::rename(temp, target)?;
        }
        Ok(())
    }

    fn remove(&mut self, root: &Path, stale: &[&PathBuf], fault: Option<Fault>) -> io::Result<()> {
        for (i, path) in stale.iter().enumerate() {
            Fault::check(fault, Fault::Remove(i), path)?;
            let file = root.join(path);
            let backup = aside_name(&file, "old");
            fs::rename(&file, &backup)?;
            self.removed.push((file, backup));
        }
        Ok(())
    }

    /// Every step succeeded: the backups go, and folders that only held stale files. A backup
    /// that cannot be deleted is left (the outputs are in place; the next run lists it as stale).
    fn commit(self, root: &Path) {
        for backup in self.swapped.iter().filter_map(|(_, b)| b.as_ref()) {
            let _ = fs::remove_file(backup);
        }
        for (file, backup) in &self.removed {
            let _ = fs::remove_file(backup);
            remove_empty_parents(root, file);
        }
    }

    /// Undoes every step, newest first. Errors are ignored: each undo is a rename back or the
    /// removal of a file this run created, and the original error is what the caller sees.
    fn roll_back(self) {
        for (file, backup) in self.removed.iter().rev() {
            let _ = fs::rename(backup, file);
        }
        for (target, backup) in self.swapped.iter().rev() {
            let _ = match backup {
                Some(backup) => fs::rename(backup, target),
                None => fs::remove_file(target),
            };
        }
        for (temp, _) in &self.staged {
            let _ = fs::remove_file(temp);
        }
        for dir in self.created_dirs.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
    }
}

/// `<file>.switchboard-<what>-<pid>` beside `target`: a temporary or a backup of this run.
fn aside_name(target: &Path, what: &str) -> PathBuf {
    let mut name = target
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(format!(".switchboard-{what}-{}", std::process::id()));
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

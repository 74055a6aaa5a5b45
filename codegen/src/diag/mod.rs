//! User-facing diagnostics: located, collected per phase, rendered like rustc.
//!
//! Every problem a spec can have is a [`Problem`] variant (the catalogue in
//! [`catalogue`](self::catalogue)); a [`Diagnostic`] places one in a file. Passes push into an
//! [`Errors`] collector and the pipeline stops at the end of a phase if it holds anything.

pub mod catalogue;
mod render;

use std::path::{Path, PathBuf};

pub use catalogue::Problem;
pub use render::render;

/// A byte range within one source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (byte offsets).
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start,
            end: end.max(start),
        }
    }
}

/// Index of a file in the [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub usize);

/// A loaded spec file.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Path as shown to the user (relative to the working directory when possible).
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
}

impl SourceFile {
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let before = &self.text[..offset];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        (line, col)
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Every file read in a run, so diagnostics can show snippets.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// Adds a file and returns its id.
    pub fn add(&mut self, path: &Path, text: String) -> FileId {
        self.files.push(SourceFile {
            path: path.to_path_buf(),
            text,
        });
        FileId(self.files.len() - 1)
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0]
    }

    /// All files, in load order.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i), f))
    }
}

/// A place in a spec file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    /// The file.
    pub file: FileId,
    /// The bytes.
    pub span: Span,
}

/// A secondary label: "first defined here".
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    /// Where.
    pub loc: Loc,
    /// What to say there.
    pub message: String,
}

/// One located problem.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// What is wrong.
    pub problem: Problem,
    /// Where it is wrong.
    pub loc: Loc,
    /// Other places worth showing.
    pub labels: Vec<Label>,
}

impl Diagnostic {
    /// A diagnostic at `loc`.
    pub fn new(problem: Problem, loc: Loc) -> Self {
        Diagnostic {
            problem,
            loc,
            labels: Vec::new(),
        }
    }

    /// Adds a secondary label.
    pub fn with_label(mut self, loc: Loc, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            loc,
            message: message.into(),
        });
        self
    }
}

/// Collects the diagnostics of a phase.
#[derive(Debug, Default)]
pub struct Errors {
    list: Vec<Diagnostic>,
}

impl Errors {
    /// Records a problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.list.push(diagnostic);
    }

    /// Shorthand for `push(Diagnostic::new(problem, loc))`.
    pub fn report(&mut self, problem: Problem, loc: Loc) {
        self.push(Diagnostic::new(problem, loc));
    }

    /// How many problems were reported so far.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether nothing was reported.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Ends the phase: `Ok` if nothing was reported, else every diagnostic sorted by place.
    pub fn finish(mut self) -> Result<(), Vec<Diagnostic>> {
        if self.list.is_empty() {
            Ok(())
        } else {
            self.list.sort_by_key(|a| a.loc);
            self.list.dedup();
            Err(self.list)
        }
    }
}

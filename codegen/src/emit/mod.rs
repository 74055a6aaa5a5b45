//! Emitters: pure functions from the model (or, for the JSON Schema, from the format itself)
//! to files. None of them reads YAML or reports user errors.

pub mod markdown;
pub mod openapi;
pub mod rust;
pub mod schema;

use std::collections::BTreeMap;
use std::path::PathBuf;

/// Generated files by path relative to the output folder, in path order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outputs {
    /// Relative path → contents.
    pub files: BTreeMap<PathBuf, Vec<u8>>,
}

impl Outputs {
    /// Adds a file.
    pub fn add(&mut self, path: impl Into<PathBuf>, contents: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), contents.into());
    }
}

/// End (exclusive, in chars) of the inline code span whose opening backtick run starts at
/// `start`: the next run of exactly as many backticks. `None` when the run is never closed
/// (then it is literal text, and each emitter escapes it its own way).
pub(crate) fn code_span_end(chars: &[char], start: usize) -> Option<usize> {
    let run = chars[start..].iter().take_while(|c| **c == '`').count();
    let mut i = start + run;
    while i < chars.len() {
        if chars[i] == '`' {
            let n = chars[i..].iter().take_while(|c| **c == '`').count();
            if n == run {
                return Some(i + n);
            }
            i += n;
        } else {
            i += 1;
        }
    }
    None
}

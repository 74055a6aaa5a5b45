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

//! switchboard-codegen: turns YAML descriptions of vendor HTTP APIs into typed Rust clients,
//! OpenAPI 3.1 documents and Markdown reference docs.
//!
//! The pipeline is `load` ([`spec`]) → `check` ([`check`]) → `lower` ([`model`]) → emit
//! ([`emit`]) → [`write`]. Emitters are pure functions of the model and never see YAML.
#![deny(missing_docs)]

pub mod cache;
pub mod check;
pub mod diag;
pub mod emit;
pub mod model;
pub mod naming;
pub mod pipeline;
pub mod public_api;
pub mod spec;
pub mod write;

pub use emit::Outputs;
pub use pipeline::{Builder, Error};

//! Hostile input and failure paths, end to end (issue 7):
//!
//! - `malformed`: truncated, empty, non-UTF-8, oversized, deeply nested and alias-bombed spec
//!   files and folders with symbolic-link loops, devices and FIFOs: each ends in an error,
//!   within a generous time bound, never a panic or a hang;
//! - `atomic`: a run that fails anywhere leaves every file under the output folder as it was;
//! - `determinism`: the same specs give the same bytes, whatever the file system's order;
//! - `injection`: hostile vendor text reaches Rust docs, OpenAPI and Markdown as that text,
//!   without breaking out of a comment, a string, a table cell or a code block;
//! - `clients`: generated clients refuse oversized bodies, have documented default timeouts
//!   and never carry credentials across a redirect;
//! - `secrets`: no configured secret appears in the `Debug` or `Display` of any error.

#[path = "hostile/atomic.rs"]
mod atomic;
#[path = "hostile/clients.rs"]
mod clients;
#[path = "hostile/common.rs"]
mod common;
#[path = "hostile/decoders.rs"]
mod decoders;
#[path = "hostile/determinism.rs"]
mod determinism;
#[path = "hostile/injection.rs"]
mod injection;
#[path = "hostile/loopback.rs"]
mod loopback;
#[path = "hostile/malformed.rs"]
mod malformed;
#[path = "hostile/secrets.rs"]
mod secrets;
#[path = "hostile/vendors.rs"]
mod vendors;

//! Helpers shared by the runtime integration tests.
#![allow(dead_code)]

pub mod faye;
pub mod scripted;

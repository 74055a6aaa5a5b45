//! Shared helpers for the switchboard test suite.

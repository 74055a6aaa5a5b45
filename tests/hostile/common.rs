//! Helpers shared by `hostile.rs` and the `proptest_*` files.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use switchboard_runtime::bytes::Bytes;
use switchboard_runtime::http;

/// A generous hang guard for one call: far above any real run, so only a hang trips it.
pub const HANG_GUARD: Duration = Duration::from_secs(120);

/// Runs `f` on a helper thread and returns its result; fails the test if `f` has not
/// finished after `limit` (a guard against hangs, not a speed target). A panic in `f` is
/// passed on as it is.
pub fn within<T: Send + 'static>(
    limit: Duration,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (send, receive) = mpsc::channel();
    let handle = std::thread::Builder::new()
        .name(format!("guarded: {what}"))
        .stack_size(8 * 1024 * 1024)
        .spawn(move || {
            let _ = send.send(f());
        })
        .expect("a helper thread starts");
    match receive.recv_timeout(limit) {
        Ok(value) => {
            let _ = handle.join();
            value
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => match handle.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the helper sends before it returns"),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what} did not finish within {limit:?}: it hangs")
        }
    }
}

/// A response as a transport hands it over.
pub fn response(status: u16, body: &[u8]) -> http::Response<Bytes> {
    let mut response = http::Response::new(Bytes::copy_from_slice(body));
    *response.status_mut() = http::StatusCode::from_u16(status).expect("a valid status");
    response.headers_mut().insert(
        "content-type",
        http::HeaderValue::from_static("application/json"),
    );
    response
}

/// The files in a folder, sorted (empty when the folder does not exist).
pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Every diagnostic's first line (`path:line:col: error[...]`) names the place its snippet
/// shows (` --> path:line:col`): editors jump to the first, people read the second.
pub fn assert_rendering_consistent(rendered: &str) {
    let lines: Vec<&str> = rendered.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let Some(at) = line.find(": error[") else {
            continue;
        };
        if line.starts_with(' ') || line.starts_with("error") {
            continue;
        }
        let place = &line[..at];
        let arrow = lines
            .get(i + 1)
            .map(|l| l.trim_start())
            .and_then(|l| l.strip_prefix("--> "))
            .unwrap_or_else(|| panic!("no snippet after `{line}`"));
        assert_eq!(
            arrow, place,
            "the header and the snippet disagree:\n{rendered}"
        );
    }
}

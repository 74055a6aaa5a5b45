//! Running a child process and reading what it cost: wall time from the parent's clock, CPU
//! time and peak resident memory from `wait4(2)`'s `rusage`.
//!
//! On Linux the rusage `wait4` returns for a child covers the child and every descendant it
//! waited for: CPU times are summed, `ru_maxrss` is the largest of them. So for `cargo build`
//! the CPU time includes rustc's and the peak RSS is rustc's (cargo itself stays far smaller);
//! the rustc wrapper ([`crate::wrapper`]) measures the rustc child on its own.

use std::fs::File;
use std::io;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one finished child process cost.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Usage {
    /// Wall-clock time from spawn to exit.
    pub wall: Duration,
    /// User + system CPU time of the child and its waited-for descendants.
    pub cpu: Duration,
    /// Peak resident set size, KiB (the largest of the child and its descendants).
    pub max_rss_kib: u64,
}

impl Usage {
    /// Peak RSS in MiB.
    pub fn rss_mib(&self) -> f64 {
        self.max_rss_kib as f64 / 1024.0
    }
}

/// Spawns `cmd` (with whatever stdio it was given), waits for it with `wait4` and returns its
/// exit code (128 + signal when killed) and cost.
pub fn spawn_and_wait(cmd: &mut Command) -> io::Result<(i32, Usage)> {
    let start = Instant::now();
    let child = cmd.spawn()?;
    let pid = libc::pid_t::try_from(child.id()).map_err(io::Error::other)?;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data; all-zero is a valid value that wait4 overwrites.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `pid` is our own child, not yet reaped (std only reaps in `wait`, which is
        // never called on it); both out-pointers are valid for writes.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            break;
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
    let wall = start.elapsed();
    // The child is reaped; dropping the handle only closes its pipes.
    drop(child);
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else if libc::WIFSIGNALED(status) {
        128 + libc::WTERMSIG(status)
    } else {
        -1
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
    };
    Ok((
        code,
        Usage {
            wall,
            cpu: time(usage.ru_utime) + time(usage.ru_stime),
            max_rss_kib: u64::try_from(usage.ru_maxrss).unwrap_or(0),
        },
    ))
}

/// Runs `cmd` with stdout and stderr appended to `log`; an error names the log when the
/// command fails.
pub fn run_logged(cmd: &mut Command, log: &Path) -> io::Result<Usage> {
    let file = File::options().create(true).append(true).open(log)?;
    cmd.stdin(Stdio::null())
        .stdout(file.try_clone()?)
        .stderr(file);
    let (code, usage) = spawn_and_wait(cmd)?;
    if code != 0 {
        let tail = std::fs::read_to_string(log).unwrap_or_default();
        let tail: Vec<&str> = tail.lines().rev().take(30).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(io::Error::other(format!(
            "{cmd:?} exited with {code}; log {}:\n{}",
            log.display(),
            tail.join("\n")
        )));
    }
    Ok(usage)
}

/// The median (by wall time) of several measurements of the same thing.
pub fn median(mut runs: Vec<Usage>) -> Usage {
    runs.sort_by_key(|u| u.wall);
    runs.get(runs.len() / 2).copied().unwrap_or_default()
}

/// The 1-, 5- and 15-minute load averages.
pub fn loadavg() -> Option<[f64; 3]> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    let mut it = text.split_whitespace().map(|w| w.parse::<f64>().ok());
    Some([it.next()??, it.next()??, it.next()??])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_that_allocates_shows_its_memory_and_exit_code() {
        // `sh` is small; a `head -c` of 64 MiB held by `sort` is not.
        let (code, small) =
            spawn_and_wait(Command::new("true").stdout(Stdio::null())).expect("true");
        assert_eq!(code, 0);
        let (code, big) = spawn_and_wait(
            Command::new("sh")
                .args([
                    "-c",
                    "head -c 67108864 /dev/zero | tr '\\0' a | sort > /dev/null",
                ])
                .stdout(Stdio::null()),
        )
        .expect("sh");
        assert_eq!(code, 0);
        assert!(big.max_rss_kib > 60 * 1024, "{big:?}");
        assert!(big.max_rss_kib > small.max_rss_kib);
        let (code, _) = spawn_and_wait(Command::new("sh").args(["-c", "exit 3"])).expect("sh");
        assert_eq!(code, 3);
    }
}

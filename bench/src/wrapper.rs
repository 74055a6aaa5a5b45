//! The bench binary doubles as a `RUSTC_WRAPPER`: cargo runs `<bench> <rustc> <args...>`, and
//! with [`LOG_VAR`] set the bench runs rustc, measures it with `wait4` and appends one line per
//! rustc invocation to the log. That isolates the compiler's own peak memory and time from
//! cargo's.

use std::ffi::OsString;
use std::io::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::measure::{self, Usage};

/// Environment variable naming the log file; its presence selects wrapper mode.
pub const LOG_VAR: &str = "SWITCHBOARD_BENCH_RUSTC_LOG";

/// Runs the wrapped rustc (`args[0]` is rustc, the rest its arguments), logs its cost and
/// returns its exit code.
pub fn run(log: &Path, args: Vec<OsString>) -> i32 {
    let Some((rustc, rest)) = args.split_first() else {
        eprintln!("switchboard-bench: wrapper mode needs the rustc path");
        return 2;
    };
    let crate_name = rest
        .iter()
        .position(|a| a == "--crate-name")
        .and_then(|i| rest.get(i + 1))
        .map_or_else(|| "-".to_owned(), |n| n.to_string_lossy().into_owned());
    let (code, usage) = match measure::spawn_and_wait(Command::new(rustc).args(rest)) {
        Ok(r) => r,
        Err(err) => {
            eprintln!(
                "switchboard-bench: cannot run {}: {err}",
                rustc.to_string_lossy()
            );
            return 2;
        }
    };
    let line = format!(
        "{crate_name}\t{}\t{}\t{}\n",
        usage.wall.as_micros(),
        usage.cpu.as_micros(),
        usage.max_rss_kib
    );
    if let Ok(mut file) = std::fs::File::options().create(true).append(true).open(log) {
        let _ = file.write_all(line.as_bytes());
    }
    code
}

/// The cost of the last logged rustc run of `crate_name`.
pub fn read(log: &Path, crate_name: &str) -> Option<Usage> {
    let text = std::fs::read_to_string(log).ok()?;
    text.lines().rev().find_map(|line| {
        let mut f = line.split('\t');
        if f.next()? != crate_name {
            return None;
        }
        let wall = f.next()?.parse().ok()?;
        let cpu = f.next()?.parse().ok()?;
        let max_rss_kib = f.next()?.parse().ok()?;
        Some(Usage {
            wall: Duration::from_micros(wall),
            cpu: Duration::from_micros(cpu),
            max_rss_kib,
        })
    })
}

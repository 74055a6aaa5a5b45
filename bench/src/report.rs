//! The results of one run and their Markdown rendering.

use std::fmt::Write as _;
use std::time::Duration;

use crate::build::BuildCost;
use crate::measure::Usage;

/// Everything measured for one N.
#[derive(Clone, Debug, Default)]
pub struct Row {
    /// Number of endpoints.
    pub n: usize,
    /// switchboard: full regeneration (Rust crate, OpenAPI, Markdown docs, JSON Schema), median.
    pub regen: Usage,
    /// Files and bytes switchboard wrote.
    pub regen_files: (usize, u64),
    /// switchboard: from scratch, filling a new (cold) output cache: a user's first run, median.
    pub regen_cold: Option<Usage>,
    /// switchboard: regeneration after one endpoint's spec changed, into the existing output,
    /// with the cache of the previous run (only the files that differ rewritten), median.
    pub regen_edit: Option<Usage>,
    /// switchboard: `--check` right after such a regeneration (same cache), median.
    pub check_edit: Option<Usage>,
    /// Lines of the generated switchboard crate's `src/`.
    pub switchboard_lines: usize,
    /// progenitor: Rust client generation, median.
    pub progenitor_gen: Option<Usage>,
    /// Lines of progenitor's crate's `src/`.
    pub progenitor_lines: Option<usize>,
    /// Debug build of switchboard's crate alone.
    pub switchboard_build: Option<BuildCost>,
    /// Debug build of progenitor's crate alone.
    pub progenitor_build: Option<BuildCost>,
    /// Debug build of a crate that calls every endpoint of switchboard's crate (that crate
    /// already built).
    pub user_build: Option<BuildCost>,
}

/// The machine and the conditions of the run.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// `nproc`.
    pub cpus: usize,
    /// CPU model.
    pub cpu_model: String,
    /// Memory, GiB.
    pub memory_gib: f64,
    /// `rustc -V`.
    pub rustc: String,
    /// Load averages when the measurements started.
    pub load_start: Option<[f64; 3]>,
    /// Load averages when they ended.
    pub load_end: Option<[f64; 3]>,
    /// How long the run waited for a quiet machine.
    pub waited: Duration,
    /// Repetitions of each generator run (the median is reported).
    pub repeat: usize,
    /// `cargo-progenitor` version and install cost (`None` when progenitor was skipped).
    pub progenitor: Option<(String, Option<Usage>, bool)>,
}

fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 100.0 {
        format!("{s:.0} s")
    } else if s >= 10.0 {
        format!("{s:.1} s")
    } else if s >= 1.0 {
        format!("{s:.2} s")
    } else {
        format!("{:.0} ms", s * 1000.0)
    }
}

fn mib(u: &Usage) -> String {
    format!("{:.0} MiB", u.rss_mib())
}

fn ratio(a: f64, b: f64) -> String {
    if b > 0.0 {
        format!("{:.1}×", a / b)
    } else {
        "—".to_owned()
    }
}

fn load(l: Option<[f64; 3]>) -> String {
    l.map_or_else(
        || "unknown".to_owned(),
        |l| format!("{:.2} {:.2} {:.2}", l[0], l[1], l[2]),
    )
}

/// The Markdown report: machine, regeneration table, build table, targets.
pub fn render(ctx: &Context, rows: &[Row]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Machine: {} CPUs ({}), {:.1} GiB memory, {}.",
        ctx.cpus, ctx.cpu_model, ctx.memory_gib, ctx.rustc
    );
    let _ = writeln!(
        s,
        "Load average (1/5/15 min) at start {}, at end {} (waited {} for a quiet machine).",
        load(ctx.load_start),
        load(ctx.load_end),
        secs(ctx.waited)
    );
    match &ctx.progenitor {
        Some((version, install, now)) => {
            let cost = install.map_or_else(
                || "install time not recorded".to_owned(),
                |u| {
                    format!(
                        "install took {} wall, {} CPU{}",
                        secs(u.wall),
                        secs(u.cpu),
                        if *now {
                            " (this run)"
                        } else {
                            " (an earlier run)"
                        }
                    )
                },
            );
            let _ = writeln!(s, "progenitor: cargo-progenitor {version}, {cost}.");
        }
        None => {
            let _ = writeln!(s, "progenitor: skipped.");
        }
    }
    let _ = writeln!(
        s,
        "Generator timings are the median of {} runs; builds run once.\n",
        ctx.repeat
    );

    s.push_str("### Regeneration from scratch\n\n");
    s.push_str("Into a new folder with `--no-cache` (everything computed), and into a new folder filling a new output cache (a user's first run: everything computed, and kept).\n\n");
    s.push_str("| N | switchboard, all outputs, no cache: wall | CPU | peak RSS | per endpoint | files (MiB) | filling a cold cache: wall | CPU | progenitor, Rust only: wall | CPU | peak RSS | speed-up: wall | CPU |\n");
    s.push_str("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for r in rows {
        let per = r.regen.wall.as_secs_f64() * 1e6 / r.n as f64;
        let (pw, pc, pr, up, upc) = match &r.progenitor_gen {
            Some(p) => (
                secs(p.wall),
                secs(p.cpu),
                mib(p),
                ratio(p.wall.as_secs_f64(), r.regen.wall.as_secs_f64()),
                ratio(p.cpu.as_secs_f64(), r.regen.cpu.as_secs_f64()),
            ),
            None => ("—".into(), "—".into(), "—".into(), "—".into(), "—".into()),
        };
        let (cw, cc) = r.regen_cold.map_or(("—".into(), "—".into()), |c| {
            (secs(c.wall), secs(c.cpu))
        });
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {:.0} µs | {} ({:.1}) | {cw} | {cc} | {pw} | {pc} | {pr} | {up} | {upc} |",
            r.n,
            secs(r.regen.wall),
            secs(r.regen.cpu),
            mib(&r.regen),
            per,
            r.regen_files.0,
            r.regen_files.1 as f64 / (1024.0 * 1024.0),
        );
    }

    if rows.iter().any(|r| r.regen_edit.is_some()) {
        s.push_str("\n### The edit loop: after a one-endpoint edit, with the output cache\n\n");
        s.push_str("One endpoint's summary changed, then the CLI run into the existing output with the cache of the previous run (that endpoint's work redone, the rest taken from the cache; only the files that differ rewritten), then `--check` (same cache).\n\n");
        s.push_str(
            "| N | regenerate: wall | CPU | peak RSS | `--check`: wall | CPU | peak RSS |\n",
        );
        s.push_str("|---:|---:|---:|---:|---:|---:|---:|\n");
        for r in rows {
            let Some(e) = &r.regen_edit else { continue };
            let (kw, kc, kr) = r
                .check_edit
                .map_or(("—".into(), "—".into(), "—".into()), |c| {
                    (secs(c.wall), secs(c.cpu), mib(&c))
                });
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {kw} | {kc} | {kr} |",
                r.n,
                secs(e.wall),
                secs(e.cpu),
                mib(e),
            );
        }
    }

    let built: Vec<&Row> = rows
        .iter()
        .filter(|r| r.switchboard_build.is_some() || r.progenitor_build.is_some())
        .collect();
    if !built.is_empty() {
        s.push_str("\n### Debug build of the generated crate alone (dependencies prebuilt)\n\n");
        s.push_str("| N | switchboard: lines | cargo build | rustc peak RSS | progenitor: lines | cargo build | rustc peak RSS | build speed-up | memory ratio |\n");
        s.push_str("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for r in built {
            let cell = |b: &Option<BuildCost>| match b {
                Some(b) => {
                    let rss = b.rustc.unwrap_or(b.cargo);
                    (
                        // rustc's CPU time too: on a loaded machine it is the comparable one.
                        format!("{} (rustc CPU {})", secs(b.cargo.wall), secs(rss.cpu)),
                        mib(&rss),
                        b.cargo.wall.as_secs_f64(),
                        rss.rss_mib(),
                    )
                }
                None => ("—".into(), "—".into(), 0.0, 0.0),
            };
            let (sw, sr, swf, srf) = cell(&r.switchboard_build);
            let (pw, pr, pwf, prf) = cell(&r.progenitor_build);
            let lines = r
                .progenitor_lines
                .map_or_else(|| "—".to_owned(), |l| l.to_string());
            let (speed, mem) = if swf > 0.0 && pwf > 0.0 {
                (ratio(pwf, swf), format!("{:.2}", srf / prf))
            } else {
                ("—".into(), "—".into())
            };
            let _ = writeln!(
                s,
                "| {} | {} | {sw} | {sr} | {lines} | {pw} | {pr} | {speed} | {mem} |",
                r.n, r.switchboard_lines
            );
        }
    }

    let users: Vec<&Row> = rows.iter().filter(|r| r.user_build.is_some()).collect();
    if !users.is_empty() {
        s.push_str("\n### A crate that calls every endpoint of switchboard's client\n\n");
        s.push_str("switchboard's endpoint functions are `#[inline]`: compiled in the crate that calls them. This crate builds the request, decodes a response and polls the client method of every endpoint, so it pays that for all N (the client crate already built).\n\n");
        s.push_str("| N | cargo build | rustc peak RSS | client + this crate | progenitor's crate alone |\n");
        s.push_str("|---:|---:|---:|---:|---:|\n");
        for r in users {
            let Some(u) = r.user_build else { continue };
            let both = r.switchboard_build.map(|b| b.cargo.wall + u.cargo.wall);
            let theirs = r.progenitor_build.map(|b| b.cargo.wall);
            let _ = writeln!(
                s,
                "| {} | {} (rustc CPU {}) | {} | {} | {} |",
                r.n,
                secs(u.cargo.wall),
                secs(u.rustc.unwrap_or(u.cargo).cpu),
                mib(&u.rustc.unwrap_or(u.cargo)),
                both.map_or_else(|| "—".to_owned(), secs),
                theirs.map_or_else(|| "—".to_owned(), secs),
            );
        }
    }

    s.push_str("\n### Targets\n\n");
    s.push_str(&targets(rows));
    s
}

/// One line per target of issue 17: met, not met, or not measured.
pub fn targets(rows: &[Row]) -> String {
    let mut s = String::new();
    let at = |n: usize| rows.iter().find(|r| r.n == n);
    let mut line = |text: String| {
        s.push_str("- ");
        s.push_str(&text);
        s.push('\n');
    };
    match at(1000).and_then(|r| Some((r.regen_edit?, r.check_edit?))) {
        Some((e, c)) => line(format!(
            "Edit loop at N=1000 ≤ 100 ms wall: regenerate {}, `--check` {} — {}",
            secs(e.wall),
            secs(c.wall),
            verdict(e.wall.as_secs_f64() <= 0.1 && c.wall.as_secs_f64() <= 0.1)
        )),
        None => line("Edit loop at N=1000: not measured".into()),
    }
    match at(1000).and_then(|r| r.progenitor_gen.map(|p| (r, p))) {
        Some((r, p)) => {
            let w = p.wall.as_secs_f64() / r.regen.wall.as_secs_f64();
            let c = p.cpu.as_secs_f64() / r.regen.cpu.as_secs_f64();
            line(format!(
                "From scratch at N=1000 ≥ 10× progenitor in wall time: {w:.1}× — {}",
                verdict(w >= 10.0)
            ));
            line(format!(
                "From scratch at N=1000 ≥ 5× progenitor in CPU time: {c:.1}× — {}",
                verdict(c >= 5.0)
            ));
        }
        None => line("From scratch against progenitor at N=1000: not measured".into()),
    }
    match (at(1000), at(10000)) {
        (Some(a), Some(b)) => {
            let per = |r: &Row| r.regen.wall.as_secs_f64() / r.n as f64;
            let x = per(b) / per(a);
            line(format!(
                "From scratch linear from N=1000 to N=10000: time per endpoint ×{:.2} (wall ×{:.1} for 10× the endpoints) — {}",
                x,
                b.regen.wall.as_secs_f64() / a.regen.wall.as_secs_f64(),
                verdict(x <= 1.25)
            ));
        }
        _ => line("From scratch linear from N=1000 to N=10000: not measured".into()),
    }
    if let Some((r, theirs)) = at(1000).and_then(|r| Some((r, r.progenitor_lines?))) {
        let (ours, theirs) = (
            r.switchboard_lines as f64 / r.n as f64,
            theirs as f64 / r.n as f64,
        );
        line(format!(
            "Lines per endpoint ≤ progenitor's at N=1000: {ours:.0} against {theirs:.0} — {}",
            verdict(ours <= theirs)
        ));
    }
    match at(1000).and_then(|r| Some((r.switchboard_build?, r.progenitor_build?))) {
        Some((ours, theirs)) => {
            let x = theirs.cargo.wall.as_secs_f64() / ours.cargo.wall.as_secs_f64();
            line(format!(
                "N=1000 debug build ≥ 4× faster than progenitor's: {x:.1}× — {}",
                verdict(x >= 4.0)
            ));
            let peak = ours.rustc.unwrap_or(ours.cargo).rss_mib();
            line(format!(
                "N=1000 rustc peak ≤ 2 GiB: {peak:.0} MiB — {}",
                verdict(peak <= 2048.0)
            ));
        }
        None => line("N=1000 build time and memory against progenitor: not measured".into()),
    }
    if let Some((client, user)) = at(1000).and_then(|r| Some((r.switchboard_build?, r.user_build?)))
    {
        let x = user.cargo.wall.as_secs_f64() / client.cargo.wall.as_secs_f64();
        line(format!(
            "N=1000 crate calling every endpoint within 1.5× of the client's build: {x:.2}× — {}",
            verdict(x <= 1.5)
        ));
    }
    s
}

fn verdict(met: bool) -> &'static str {
    if met { "**met**" } else { "**not met**" }
}

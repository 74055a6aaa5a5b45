//! `cargo run --release -p switchboard-bench -- [--sizes 10,100,1000,10000] [--skip-progenitor]`
//!
//! For each N: writes the synthetic spec set, times a full regeneration with the release
//! `switchboard-codegen` CLI, exports OpenAPI 3.0.3 and times progenitor's generation from it,
//! then times a debug build of each generated crate alone. Prints a Markdown report (also
//! written to `target/bench/report.md`). See `BENCHMARKS.md`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use clap::Parser;
use switchboard_bench::build::{self, Builder};
use switchboard_bench::measure::{self, Usage};
use switchboard_bench::report::{self, Context, Row};
use switchboard_bench::{progenitor, synth, workspace_root, wrapper};

/// Regeneration and generated-code compile cost of switchboard against progenitor.
#[derive(Parser)]
#[command(about)]
struct Args {
    /// Numbers of endpoints.
    #[arg(long, value_delimiter = ',', default_value = "10,100,1000,10000")]
    sizes: Vec<usize>,
    /// Do not install or run progenitor.
    #[arg(long)]
    skip_progenitor: bool,
    /// Largest N given to progenitor (its N=1000 build alone takes minutes).
    #[arg(long, default_value_t = 1000)]
    max_progenitor: usize,
    /// Largest N whose generated crates are built.
    #[arg(long, default_value_t = 1000)]
    max_build: usize,
    /// Do not build the generated crates.
    #[arg(long)]
    skip_build: bool,
    /// Also build a crate that calls every endpoint of switchboard's client (its endpoint
    /// functions are compiled where they are used).
    #[arg(long)]
    user_crate: bool,
    /// Runs of each generator per N; the median is reported.
    #[arg(long, default_value_t = 3)]
    repeat: usize,
    /// Start only once the 1-minute load average is below this...
    #[arg(long, default_value_t = 1.0)]
    max_load: f64,
    /// ...waiting at most this many minutes (0: do not wait).
    #[arg(long, default_value_t = 15)]
    wait_minutes: u64,
    /// Working folder for specs and outputs (default: a fresh folder under the system temp
    /// folder, removed afterwards).
    #[arg(long, value_name = "DIR")]
    work: Option<PathBuf>,
    /// Keep the working folder.
    #[arg(long)]
    keep: bool,
}

fn main() -> ExitCode {
    if let Some(log) = std::env::var_os(wrapper::LOG_VAR) {
        let code = wrapper::run(Path::new(&log), std::env::args_os().skip(1).collect());
        return ExitCode::from(u8::try_from(code).unwrap_or(1));
    }
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn run(args: &Args) -> Result<()> {
    let root = workspace_root();
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let bench_dir = target.join("bench");
    std::fs::create_dir_all(&bench_dir)?;
    let cargo = build::cargo_bin();
    let temp = args.work.is_none();
    let work = args.work.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("switchboard-bench-{}", std::process::id()))
    });
    std::fs::create_dir_all(&work)?;
    let mut sizes = args.sizes.clone();
    sizes.sort_unstable();
    sizes.dedup();

    step("building the release switchboard-codegen CLI");
    measure::run_logged(
        Command::new(&cargo).current_dir(&root).args([
            "build",
            "--release",
            "-p",
            "switchboard-codegen",
            "--bin",
            "switchboard-codegen",
        ]),
        &work.join("codegen-build.log"),
    )?;
    let codegen = target.join("release/switchboard-codegen");

    let tool = if args.skip_progenitor {
        None
    } else {
        step("cargo-progenitor");
        Some(progenitor::ensure(&cargo, &bench_dir.join("tools"))?)
    };

    let mut ctx = machine();
    ctx.repeat = args.repeat.max(1);
    ctx.progenitor = tool
        .as_ref()
        .map(|t| (progenitor::VERSION.to_owned(), t.install, t.installed_now));
    ctx.waited = wait_for_quiet(args.max_load, args.wait_minutes);
    ctx.load_start = measure::loadavg();

    let wrapper_exe = std::env::current_exe()?;
    let ours = Builder {
        cargo: cargo.clone(),
        wrapper: wrapper_exe.clone(),
        target_dir: bench_dir.join("cargo-target/switchboard"),
    };
    let theirs = Builder {
        cargo: cargo.clone(),
        wrapper: wrapper_exe,
        target_dir: bench_dir.join("cargo-target/progenitor"),
    };

    let mut rows = Vec::new();
    for &n in &sizes {
        let dir = work.join(format!("n{n}"));
        std::fs::create_dir_all(&dir)?;
        let log = dir.join("log.txt");
        let specs = dir.join("specs");
        synth::write_spec_set(&specs, n)?;

        step(&format!("N={n}: switchboard regeneration ×{}", ctx.repeat));
        // Each run writes into a folder of its own, and none is deleted until the bench ends:
        // ext4 skips inodes freed in the last minutes when it allocates new ones, so creating a
        // thousand files right after deleting a thousand costs several times the kernel time
        // (seen here: 0.1 s of system time per run became 0.8 s to 1.1 s). A user regenerating
        // their specs does not delete and recreate the tree between runs.
        // `cache`: the output cache folder (`None`: `--no-cache`); `check`: `--check`.
        let run = |out: &Path, cache: Option<&Path>, check: bool| {
            let mut command = Command::new(&codegen);
            command.arg("--specs").arg(&specs).arg("--out").arg(out);
            match cache {
                Some(dir) => command.arg("--cache-dir").arg(dir),
                None => command.arg("--no-cache"),
            };
            if check {
                command.arg("--check");
            }
            measure::run_logged(&mut command, &log)
        };
        let mut runs = Vec::new();
        for i in 1..=ctx.repeat {
            let out = dir.join(format!("out-{i}"));
            if out.exists() {
                std::fs::remove_dir_all(&out)?;
            }
            runs.push(run(&out, None, false)?);
        }
        // A user's first run: from scratch, filling a new cache.
        let mut colds = Vec::new();
        let mut out = dir.join("out-cold-1");
        for i in 1..=ctx.repeat {
            out = dir.join(format!("out-cold-{i}"));
            colds.push(run(&out, Some(&dir.join(format!("cache-{i}"))), false)?);
        }
        let cache = dir.join(format!("cache-{}", ctx.repeat));
        let regenerate = |out: &Path| run(out, Some(&cache), false);
        // The user's loop: one endpoint's spec edited, regenerated into the existing output
        // with the cache of the previous run, then checked.
        let mut edits = Vec::new();
        let mut checks = Vec::new();
        let edited = specs
            .join(synth::SERVICE)
            .join("endpoints")
            .join(format!("{}.yaml", synth::endpoint(0).id));
        let original = synth::endpoint_yaml(0);
        let summary = format!("summary: {}", synth::endpoint(0).summary);
        for i in 1..=ctx.repeat {
            let text = original.replacen(&summary, &format!("{summary} Edit {i}."), 1);
            assert_ne!(text, original, "the synthetic endpoint has a summary line");
            std::fs::write(&edited, text)?;
            edits.push(regenerate(&out)?);
            checks.push(run(&out, Some(&cache), true)?);
        }
        // Back to the original spec and its output (untimed), for the builds below.
        std::fs::write(&edited, &original)?;
        regenerate(&out)?;
        let mut row = Row {
            n,
            regen: measure::median(runs),
            regen_cold: Some(measure::median(colds)),
            regen_edit: Some(measure::median(edits)),
            check_edit: Some(measure::median(checks)),
            ..Row::default()
        };
        row.regen_files = build::tree_size(&out)?;
        let crate_dir = out.join("rust").join(synth::SERVICE);
        row.switchboard_lines = build::rust_lines(&crate_dir)?;
        eprintln!("  {}", brief(&row.regen));

        if let Some(tool) = tool.as_ref().filter(|_| n <= args.max_progenitor) {
            let out30 = dir.join("out-openapi-3.0");
            measure::run_logged(
                Command::new(&codegen)
                    .arg("--specs")
                    .arg(&specs)
                    .arg("--out")
                    .arg(&out30)
                    .args(["--openapi-version", "3.0.3"]),
                &log,
            )?;
            // The export as a user gets it: progenitor reads it unchanged.
            let spec = out30
                .join("openapi")
                .join(format!("{}.json", synth::SERVICE));
            step(&format!("N={n}: progenitor generation ×{}", ctx.repeat));
            let pdir = dir.join("progenitor");
            let mut runs = Vec::new();
            for _ in 0..ctx.repeat {
                runs.push(progenitor::generate(tool, &spec, &pdir, &log)?);
            }
            let gen_usage = measure::median(runs);
            eprintln!("  {}", brief(&gen_usage));
            row.progenitor_gen = Some(gen_usage);
            row.progenitor_lines = Some(build::rust_lines(&pdir)?);
            if !args.skip_build && n <= args.max_build {
                step(&format!("N={n}: progenitor crate build"));
                build::prepare_progenitor_crate(&pdir)?;
                let cost = theirs.measure(
                    &pdir,
                    &progenitor::PACKAGE.replace('-', "_"),
                    &dir.join("build-progenitor.log"),
                )?;
                eprintln!(
                    "  cargo {}; rustc {}",
                    brief(&cost.cargo),
                    cost.rustc.as_ref().map_or_else(|| "-".into(), brief)
                );
                row.progenitor_build = Some(cost);
            }
        }
        if !args.skip_build && n <= args.max_build {
            step(&format!("N={n}: switchboard crate build"));
            build::prepare_switchboard_crate(&crate_dir, &root)?;
            let cost = ours.measure(
                &crate_dir,
                &format!("switchboard_{}", synth::SERVICE),
                &dir.join("build-switchboard.log"),
            )?;
            eprintln!(
                "  cargo {}; rustc {}",
                brief(&cost.cargo),
                cost.rustc.as_ref().map_or_else(|| "-".into(), brief)
            );
            row.switchboard_build = Some(cost);
            if args.user_crate {
                step(&format!(
                    "N={n}: a crate calling every endpoint of the switchboard client"
                ));
                let user = dir.join("user");
                let endpoints: Vec<_> = (0..n).map(synth::endpoint).collect();
                build::write_user_crate(&user, &crate_dir, &root, &endpoints)?;
                let cost = ours.measure(&user, "synth_user", &dir.join("build-user.log"))?;
                eprintln!(
                    "  cargo {}; rustc {}",
                    brief(&cost.cargo),
                    cost.rustc.as_ref().map_or_else(|| "-".into(), brief)
                );
                row.user_build = Some(cost);
            }
        }
        rows.push(row);
    }
    ctx.load_end = measure::loadavg();

    let text = report::render(&ctx, &rows);
    std::fs::write(bench_dir.join("report.md"), &text)?;
    println!("{text}");
    eprintln!(
        "(also written to {})",
        bench_dir.join("report.md").display()
    );
    if temp && !args.keep {
        let _ = std::fs::remove_dir_all(&work);
    } else {
        eprintln!("working folder kept: {}", work.display());
    }
    Ok(())
}

fn step(what: &str) {
    eprintln!("== {what}");
}

fn brief(u: &Usage) -> String {
    format!(
        "wall {:.3} s, CPU {:.3} s, peak RSS {:.0} MiB",
        u.wall.as_secs_f64(),
        u.cpu.as_secs_f64(),
        u.rss_mib()
    )
}

/// Polls the load average until the 1-minute value is below `max` or `minutes` have passed.
fn wait_for_quiet(max: f64, minutes: u64) -> Duration {
    let start = Instant::now();
    let limit = Duration::from_secs(minutes * 60);
    loop {
        let Some(load) = measure::loadavg() else {
            return start.elapsed();
        };
        if load[0] < max {
            return start.elapsed();
        }
        if start.elapsed() >= limit {
            eprintln!(
                "warning: load {:.2} still ≥ {max} after {minutes} min; measuring anyway",
                load[0]
            );
            return start.elapsed();
        }
        eprintln!(
            "waiting for a quiet machine: 1-minute load {:.2} ≥ {max}",
            load[0]
        );
        std::thread::sleep(Duration::from_secs(20));
    }
}

fn machine() -> Context {
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu_model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory_kib: f64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0);
    let rustc = Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
        .arg("-V")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    Context {
        cpus,
        cpu_model,
        memory_gib: memory_kib / (1024.0 * 1024.0),
        rustc,
        ..Context::default()
    }
}

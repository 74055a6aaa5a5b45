//! `cargo run --release -p switchboard-bench --example phases -- N`: where the regeneration of
//! the synthetic spec set with N endpoints spends its time, without the output cache, filling
//! it, and with it.

// The same allocator as the CLI.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args().nth(1).map_or(Ok(1000), |a| a.parse())?;
    let dir = std::env::temp_dir().join(format!("switchboard-phases-{}", std::process::id()));
    let specs = dir.join("specs");
    switchboard_bench::synth::write_spec_set(&specs, n)?;
    // From scratch without a cache, then from scratch filling one, then again with it warm
    // (into the same output: what a run after an edit does besides the edited file).
    let cache = dir.join("cache.bin");
    for (label, cache) in [
        ("no cache", None),
        ("cold cache", Some(cache.as_path())),
        ("warm cache", Some(cache.as_path())),
    ] {
        let times = switchboard_bench::phases(&specs, &dir.join("out"), cache)?;
        let total: f64 = times.iter().map(|(_, t)| t.as_secs_f64()).sum();
        println!("N={n}, {label}: {total:.3} s");
        for (phase, t) in times {
            println!(
                "  {phase:<28} {:>8.3} s  {:>5.1}%",
                t.as_secs_f64(),
                100.0 * t.as_secs_f64() / total
            );
        }
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

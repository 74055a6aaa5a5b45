//! `cargo run --release -p switchboard-bench --example phases -- N`: where the regeneration of
//! the synthetic spec set with N endpoints spends its time.

// The same allocator as the CLI.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args().nth(1).map_or(Ok(1000), |a| a.parse())?;
    let dir = std::env::temp_dir().join(format!("switchboard-phases-{}", std::process::id()));
    let specs = dir.join("specs");
    switchboard_bench::synth::write_spec_set(&specs, n)?;
    let times = switchboard_bench::phases(&specs, &dir.join("out"))?;
    let total: f64 = times.iter().map(|(_, t)| t.as_secs_f64()).sum();
    println!("N={n}: {total:.3} s");
    for (phase, t) in times {
        println!(
            "  {phase:<28} {:>8.3} s  {:>5.1}%",
            t.as_secs_f64(),
            100.0 * t.as_secs_f64() / total
        );
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

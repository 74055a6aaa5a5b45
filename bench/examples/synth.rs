//! `cargo run --release -p switchboard-bench --example synth -- N DIR`: writes the synthetic
//! spec set with N endpoints under DIR (as `DIR/synth/...`), to inspect or regenerate by hand.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().ok_or("usage: synth N DIR")?.parse()?;
    let dir = std::path::PathBuf::from(args.next().ok_or("usage: synth N DIR")?);
    let service = switchboard_bench::synth::write_spec_set(&dir, n)?;
    eprintln!("wrote {}", service.display());
    Ok(())
}

//! Generates the fixture API's client into OUT_DIR, as a downstream crate's build script would.

fn main() {
    let out = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    let specs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/valid");
    if let Err(err) = switchboard_codegen::Builder::new()
        .specs_dir(specs)
        .out_dir(out)
        .compile_rust(true)
    {
        // Spec diagnostics as cargo shows build-script failures.
        eprintln!("{}", err.render(false));
        std::process::exit(1);
    }
}

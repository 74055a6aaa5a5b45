//! Writes `$OUT_DIR/client_<service>.rs` for every generated client crate this package
//! depends on: `client!(service, lib, [endpoints...], [events]);` (see
//! `../tests/scan_clients.rs`). Each `decode_<service>` target includes its own file, so a
//! new endpoint is fuzzed without editing a list.

#[path = "../tests/scan_clients.rs"]
mod scan_clients;

fn main() {
    let manifest_dir =
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let manifest = std::path::Path::new(&manifest_dir).join("Cargo.toml");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed=Cargo.toml");
    println!("cargo:rerun-if-changed=../tests/scan_clients.rs");
    for krate in scan_clients::client_crates(&manifest) {
        println!("cargo:rerun-if-changed={}", krate.source.display());
        let code = format!("{};\n", scan_clients::render(&krate));
        std::fs::write(out.join(format!("client_{}.rs", krate.name)), code)
            .expect("OUT_DIR is writable");
    }
}

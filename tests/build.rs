//! Writes `$OUT_DIR/clients.rs`: one `client!(...)` per generated client crate this package
//! depends on, naming every endpoint module with a `parse_response` and whether the crate
//! has `events::decode` (see `scan_clients.rs`). The property and hostile-input tests include
//! it, so a new endpoint is covered without editing a list.

#[path = "scan_clients.rs"]
mod scan_clients;

fn main() {
    let manifest_dir =
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let manifest = std::path::Path::new(&manifest_dir).join("Cargo.toml");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed=Cargo.toml");
    println!("cargo:rerun-if-changed=scan_clients.rs");
    let crates = scan_clients::client_crates(&manifest);
    let mut code = String::from("&[\n");
    for krate in &crates {
        println!("cargo:rerun-if-changed={}", krate.source.display());
        code.push_str("    ");
        code.push_str(&scan_clients::render(krate));
        code.push_str(",\n");
    }
    code.push_str("]\n");
    std::fs::write(out.join("clients.rs"), code).expect("OUT_DIR is writable");
}

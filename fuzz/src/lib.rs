//! Shared harness of the fuzz targets. Each target must never panic, whatever the bytes.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub use libfuzzer_sys;
pub use switchboard_runtime::bytes::Bytes;
pub use switchboard_runtime::serde_json;

use switchboard_codegen::Builder;

/// The statuses every response body is decoded with: success, client error, server error.
pub const STATUSES: [u16; 3] = [200, 400, 500];

/// A response with `status` and `body`, as a transport would hand it over.
pub fn response(status: u16, body: &[u8]) -> switchboard_runtime::http::Response<Bytes> {
    let mut response = switchboard_runtime::http::Response::new(Bytes::copy_from_slice(body));
    *response.status_mut() =
        switchboard_runtime::http::StatusCode::from_u16(status).expect("a valid status");
    response.headers_mut().insert(
        "content-type",
        switchboard_runtime::http::HeaderValue::from_static("application/json"),
    );
    response
}

/// Keeps formatted text alive so formatting is not optimized away.
pub fn sink(text: String) {
    std::hint::black_box(text);
}

/// `fuzz_target!` over every endpoint's `parse_response` (statuses 200, 400, 500) and
/// `events::decode` of one generated client; invoked by the file `build.rs` writes. Every
/// result is formatted (`Display`, `Debug`, `code()`, serialization) so those paths run too.
#[macro_export]
macro_rules! client {
    ($name:ident, $krate:ident, [$($endpoint:ident),* $(,)?], [$($events:ident)?]) => {
        $crate::libfuzzer_sys::fuzz_target!(|data: &[u8]| {
            for status in $crate::STATUSES {
                $(
                    match $krate::$endpoint::parse_response($crate::response(status, data)) {
                        Ok(output) => {
                            $crate::sink(format!("{output:?}"));
                            let _ = $crate::serde_json::to_vec(&output);
                        }
                        Err(error) => $crate::sink(format!(
                            "{error} {error:?} {:?} {}",
                            error.code(),
                            error.is_retryable()
                        )),
                    }
                )*
            }
            $(
                match $krate::$events::decode(data) {
                    Ok(event) => $crate::sink(format!("{event:?}")),
                    Err(error) => $crate::sink(format!("{error} {error:?}")),
                }
            )?
        });
    };
}

/// The valid services a fuzzed file joins or replaces.
const BASES: [(&str, &str, &[(&str, &str)]); 2] = [
    (
        "fixture_api",
        include_str!("../../tests/fixtures/valid/fixture_api/service.yaml"),
        &[(
            "get_thing.yaml",
            include_str!("../../tests/fixtures/valid/fixture_api/endpoints/get_thing.yaml"),
        )],
    ),
    (
        "hostile_api",
        include_str!("../../tests/fixtures/valid/hostile_api/service.yaml"),
        &[(
            "do_type.yaml",
            include_str!("../../tests/fixtures/valid/hostile_api/endpoints/do_type.yaml"),
        )],
    ),
];

/// One specs folder per (base, mode), made once per process.
fn roots() -> &'static [PathBuf; 4] {
    static ROOTS: OnceLock<[PathBuf; 4]> = OnceLock::new();
    ROOTS.get_or_init(|| {
        let top = std::env::temp_dir().join(format!("switchboard-fuzz-{}", std::process::id()));
        std::array::from_fn(|i| {
            let (name, service, endpoints) = BASES[i / 2];
            let root = top.join(format!("specs-{i}"));
            let vendor = root.join(name);
            std::fs::create_dir_all(vendor.join("endpoints")).expect("temp folder");
            std::fs::write(vendor.join("service.yaml"), service).expect("temp file");
            for (file, text) in endpoints {
                std::fs::write(vendor.join("endpoints").join(file), text).expect("temp file");
            }
            root
        })
    })
}

/// Input layout: the first byte picks the base service (bit 1) and whether the rest is an
/// endpoint file joining it (bit 0 clear) or its replacement `service.yaml` (bit 0 set).
pub fn build_spec(data: &[u8]) {
    let Some((&selector, file)) = data.split_first() else {
        return;
    };
    let index = usize::from(selector & 3);
    let root = &roots()[index];
    let (name, _, _) = BASES[index / 2];
    let target: PathBuf = if selector & 1 == 1 {
        Path::new(name).join("service.yaml")
    } else {
        Path::new(name).join("endpoints").join("fuzzed.yaml")
    };
    std::fs::write(root.join(target), file).expect("temp file");
    match Builder::new().specs_dir(root).build() {
        Ok((model, outputs)) => {
            sink(format!("{}", model.services.len()));
            sink(format!("{}", outputs.files.len()));
        }
        Err(error) => {
            sink(error.render(false));
            sink(error.render(true));
        }
    }
}

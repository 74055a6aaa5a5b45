//! The output cache changes how much a run computes, never what it outputs: a run with a cold,
//! warm, stale, damaged or foreign cache gives the bytes of a run without one, after edits to
//! one endpoint and to a `service.yaml` that every endpoint depends on; and a warm run takes
//! every endpoint's work from the cache.

use std::fs;
use std::path::{Path, PathBuf};

use switchboard_codegen::cache::{Location, Memo};
use switchboard_codegen::emit::Outputs;
use switchboard_codegen::{Builder, check, model, pipeline, spec};
use switchboard_tests::{TempDir, copy_tree, root};

/// The real specs and the valid fixtures, side by side in one specs folder.
fn spec_copy(tmp: &TempDir) -> PathBuf {
    let specs = tmp.path().join("specs");
    for from in [root().join("specs"), root().join("tests/fixtures/valid")] {
        for dir in fs::read_dir(&from).expect("read_dir") {
            let dir = dir.expect("entry").path();
            if dir.is_dir() {
                copy_tree(&dir, &specs.join(dir.file_name().expect("name")));
            }
        }
    }
    specs
}

fn outputs(specs: &Path, out: &Path, cache: Location) -> Outputs {
    Builder::new()
        .specs_dir(specs)
        .out_dir(out)
        .cache(cache)
        .build()
        .expect("the specs are valid")
        .1
}

/// Entries found and computed by a run of the pipeline over the cache as it is on disk.
fn stats(specs: &Path, out: &Path, cache: &Location) -> (usize, usize) {
    let file = cache.file(specs, out).expect("a cache location");
    let memo = Memo::load(&file);
    assert_eq!(memo.ignored, None, "the cache is used");
    let set = spec::load_dir_with(specs, &memo).expect("loads");
    check::check(&set).expect("valid");
    let model = model::lower(&set);
    let _ = pipeline::emit_all_cached(
        &model,
        switchboard_codegen::emit::openapi::Version::V3_1,
        &memo,
    );
    memo.stats()
}

fn edit(file: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(file).expect("read");
    assert!(text.contains(from), "{from:?} is in {}", file.display());
    fs::write(file, text.replacen(from, to, 1)).expect("write");
}

#[test]
fn cached_runs_give_the_bytes_of_uncached_runs() {
    let tmp = TempDir::new("cache-same");
    let specs = spec_copy(&tmp);
    let out = tmp.path().join("generated");
    let cache = Location::Dir(tmp.path().join("cache"));
    let endpoints = fs::read_dir(&specs)
        .expect("specs")
        .map(|d| fs::read_dir(d.expect("dir").path().join("endpoints")).map_or(0, |e| e.count()))
        .sum::<usize>();

    let fresh = outputs(&specs, &out, Location::Off);
    assert_eq!(outputs(&specs, &out, cache.clone()), fresh, "cold cache");
    assert_eq!(outputs(&specs, &out, cache.clone()), fresh, "warm cache");
    let (hits, misses) = stats(&specs, &out, &cache);
    assert_eq!(
        misses, 0,
        "a warm run computes nothing it can take from the cache"
    );
    assert!(
        hits >= 4 * endpoints,
        "{hits} entries for {endpoints} endpoints"
    );

    // One endpoint edited: the same bytes as without a cache, and only that endpoint's
    // entries (its file's tree, module, request reader, simulation entry, page and OpenAPI
    // operation) recomputed.
    let thing = specs.join("fixture_api/endpoints/get_thing.yaml");
    edit(
        &thing,
        "summary: Reads one thing.",
        "summary: Reads exactly one thing.",
    );
    let (_, misses) = stats(&specs, &out, &cache);
    assert!((1..=6).contains(&misses), "{misses} entries recomputed");
    let edited = outputs(&specs, &out, Location::Off);
    assert_ne!(edited, fresh, "the edit changes the outputs");
    assert_eq!(
        outputs(&specs, &out, cache.clone()),
        edited,
        "after an endpoint edit"
    );

    // The service edited in a way every endpoint's module and page show: all recomputed.
    let service = specs.join("fixture_api/service.yaml");
    edit(
        &service,
        "template: \"https://{host}/api\"",
        "template: \"https://{host}/api/v2\"",
    );
    let moved = outputs(&specs, &out, Location::Off);
    assert_ne!(moved, edited, "the edit changes the outputs");
    assert_eq!(
        outputs(&specs, &out, cache.clone()),
        moved,
        "after a service edit"
    );
    assert_eq!(
        outputs(&specs, &out, cache.clone()),
        moved,
        "warm after a service edit"
    );
}

#[test]
fn a_damaged_or_foreign_cache_is_ignored_never_trusted() {
    let tmp = TempDir::new("cache-damaged");
    let specs = spec_copy(&tmp);
    let out = tmp.path().join("generated");
    let cache = Location::Dir(tmp.path().join("cache"));
    let fresh = outputs(&specs, &out, Location::Off);
    let _ = outputs(&specs, &out, cache.clone());
    let file = cache.file(&specs, &out).expect("a cache file");
    let good = fs::read(&file).expect("the run wrote its cache");

    let mut damaged = Vec::new();
    for at in [0, 10, 30, 46, good.len() / 2, good.len() - 1] {
        let mut bytes = good.clone();
        bytes[at] ^= 0x55;
        damaged.push(bytes);
    }
    damaged.push(good[..good.len() / 3].to_vec());
    damaged.push(Vec::new());
    damaged.push(b"SWBCACHE and then not a cache at all".to_vec());
    for (n, bytes) in damaged.into_iter().enumerate() {
        fs::write(&file, &bytes).expect("write");
        assert!(
            Memo::load(&file).ignored.is_some() || bytes.is_empty(),
            "case {n}"
        );
        assert_eq!(outputs(&specs, &out, cache.clone()), fresh, "case {n}");
        assert_eq!(
            fs::read(&file).expect("rewritten"),
            good,
            "case {n}: rebuilt"
        );
    }

    // Another folder pair's cache in this one's place: entries are keyed on their inputs, so
    // the ones that match are right and the rest are computed; the output is the same.
    let other = TempDir::new("cache-foreign");
    let other_specs = other.path().join("specs");
    copy_tree(
        &root().join("tests/fixtures/valid/pages_api"),
        &other_specs.join("pages_api"),
    );
    let other_out = other.path().join("generated");
    let _ = outputs(&other_specs, &other_out, cache.clone());
    let foreign = fs::read(cache.file(&other_specs, &other_out).expect("file")).expect("read");
    fs::write(&file, foreign).expect("write");
    assert_eq!(outputs(&specs, &out, cache.clone()), fresh, "foreign cache");
}

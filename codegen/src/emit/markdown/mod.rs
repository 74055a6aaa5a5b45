//! Markdown reference docs under `docs/`, publishable as an mdBook:
//!
//! - `docs/README.md`: the index (services, cross-vendor capability table, counts);
//! - `docs/<service>/README.md`: a service's overview (base URL, auth, envelope, common errors,
//!   events, shared types);
//! - `docs/<service>/<endpoint>.md`: one page per endpoint;
//! - `docs/SUMMARY.md` and `docs/book.toml` for mdBook.
//!
//! Pages are minijinja templates (in `templates/`, embedded) over views built from the model
//! (`view.rs`); every spec string is escaped by a filter (`escape.rs`).

mod anchors;
mod env;
pub mod escape;
mod fields;
mod samples;
mod view;

use minijinja::Environment;

use super::Outputs;
use crate::model::{EventId, Model, Service, TypeId};
use view::Anchors;

/// The mdBook configuration: the folder is its own source; default preprocessors are off so
/// that `README.md` pages keep their names (links between pages then resolve the same on
/// GitHub and in the book) and `{{#include}}`-style text in vendor prose is never expanded.
const BOOK_TOML: &str = include_str!("templates/book.toml");

/// Writes `docs/`.
pub fn emit_markdown(model: &Model, out: &mut Outputs) {
    emit_markdown_with(model, out, &crate::cache::Memo::off());
}

/// [`emit_markdown`], taking the pages of unchanged endpoints from `memo`.
pub fn emit_markdown_with(model: &Model, out: &mut Outputs, memo: &crate::cache::Memo) {
    let env = env::environment();
    emit_index(&env, model, out);
    emit_summary(&env, model, out);
    out.add("docs/book.toml", BOOK_TOML);
    for service in &model.services {
        let anchors = emit_overview(&env, service, out);
        emit_endpoints(&env, service, &anchors, out, memo);
    }
}

fn emit_index(env: &Environment<'_>, model: &Model, out: &mut Outputs) {
    let page = env::render(env, "index.md.j2", view::index(model));
    out.add("docs/README.md", page);
}

fn emit_summary(env: &Environment<'_>, model: &Model, out: &mut Outputs) {
    let page = env::render(env, "summary.md.j2", view::summary(model));
    out.add("docs/SUMMARY.md", page);
}

/// Renders the overview twice: the first rendering tells the anchors its headings got, the
/// second links its type names to them. Returns the anchors for the endpoint pages.
fn emit_overview(env: &Environment<'_>, service: &Service, out: &mut Outputs) -> Anchors {
    let first = env::render(
        env,
        "service.md.j2",
        view::service(service, &Anchors::default()),
    );
    let anchors = read_anchors(service, &first);
    let page = env::render(env, "service.md.j2", view::service(service, &anchors));
    out.add(format!("docs/{}/README.md", service.name), page);
    anchors
}

/// One page per endpoint, rendered on every core. A page is a function of its endpoint, the
/// service without its endpoints (what it is rendered from) and the anchors of the overview,
/// which is what its cache key covers.
fn emit_endpoints(
    env: &Environment<'_>,
    service: &Service,
    anchors: &Anchors,
    out: &mut Outputs,
    memo: &crate::cache::Memo,
) {
    use rayon::prelude::*;
    let alone = service.without_endpoints();
    // The anchors are part of every page's key (cheap next to a page; written once).
    let anchors_text = format!("{anchors:?}");
    let pages: Vec<(String, String)> = service
        .endpoints
        .par_iter()
        .map(|endpoint| {
            let key = || {
                memo.key(
                    "markdown-page",
                    service,
                    &[endpoint],
                    &[anchors_text.as_bytes()],
                )
            };
            let page = memo.get_or(key, || {
                env::render(
                    env,
                    "endpoint.md.j2",
                    view::endpoint(&alone, endpoint, anchors),
                )
            });
            (
                format!("docs/{}", view::endpoint_path(&alone, endpoint)),
                page,
            )
        })
        .collect();
    for (path, page) in pages {
        out.add(path, page);
    }
}

/// Section headings of `service.md.j2` under which events and shared types get one `###`
/// heading each, titled with their name.
const EVENTS_SECTION: &str = "Events";
const TYPES_SECTION: &str = "Shared types";

fn read_anchors(service: &Service, page: &str) -> Anchors {
    let headings = anchors::headings(page);
    let section = |title: &str| -> Vec<&anchors::Heading> {
        headings
            .iter()
            .skip_while(|h| !(h.level == 2 && h.text == title))
            .skip(1)
            .take_while(|h| h.level > 2)
            .filter(|h| h.level == 3)
            .collect()
    };
    // Compared as the reader sees them: names pass through the same escaping as the heading.
    let find = |list: &[&anchors::Heading], name: &str| {
        let text = anchors::plain_text(&escape::line(name));
        list.iter()
            .find(|h| h.text == text)
            .map(|h| h.slug.clone())
            .expect("service.md.j2 gives every event and type a heading")
    };
    let events = section(EVENTS_SECTION);
    let types = section(TYPES_SECTION);
    Anchors {
        events: service
            .events
            .iter()
            .map(|e| (EventId(e.name.wire.clone()), find(&events, &e.name.wire)))
            .collect(),
        types: service
            .types
            .iter()
            .map(|t| (TypeId(t.name.wire.clone()), find(&types, &t.name.wire)))
            .collect(),
    }
}

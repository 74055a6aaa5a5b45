//! The Markdown reference under `generated/docs/`: every page of the valid fixtures snapshotted
//! (the vendors' pages are committed under `generated/docs/` and kept fresh by `--check`), every
//! relative link and anchor resolved, hostile vendor text kept inside its cell and paragraph, and every fact
//! of the four seed pages present on the right page.
//!
//! Pages are parsed with pulldown-cmark set up as mdBook sets it up, and anchors are computed
//! here with GitHub's rules: nothing below reuses the emitter's own escaping or slug code.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path};

use proc_macro2::{Group, TokenStream, TokenTree};
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use switchboard_codegen::emit::Outputs;
use switchboard_codegen::emit::markdown::emit_markdown;
use switchboard_codegen::model::{Field, Model, NamedType, Type, TypeId, TypeKind};
use switchboard_codegen::{Builder, model};
use switchboard_tests::root;

/// The parser options of mdBook 0.5 (plus math, so `$…$` that GitHub would typeset shows up).
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_GFM
        | Options::ENABLE_MATH
}

fn spec_model() -> Model {
    Builder::new()
        .specs_dir(root().join("specs"))
        .validate()
        .unwrap_or_else(|e| panic!("specs/ must be valid:\n{e}"))
}

/// The Markdown pages of `docs/` (relative path → text).
fn pages(model: &Model) -> BTreeMap<String, String> {
    let mut out = Outputs::default();
    emit_markdown(model, &mut out);
    out.files
        .into_iter()
        .filter_map(|(path, bytes)| {
            let rel = path.strip_prefix("docs").ok()?.to_str()?.replace('\\', "/");
            let text = String::from_utf8(bytes).expect("pages are UTF-8");
            Some((rel, text))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Snapshots

#[test]
fn every_fixture_page_matches_its_snapshot() {
    let model = Builder::new()
        .specs_dir(root().join("tests/fixtures/valid"))
        .validate()
        .unwrap_or_else(|e| panic!("tests/fixtures/valid must be valid:\n{e}"));
    let pages = pages(&model);
    let list: Vec<&str> = pages.keys().map(String::as_str).collect();
    insta::assert_snapshot!("docs_files", list.join("\n"));
    for (path, text) in &pages {
        let name = format!("docs__{}", path.replace(['/', '.'], "_"));
        insta::assert_snapshot!(name, text);
    }
}

// ---------------------------------------------------------------------------------------------
// Links and anchors

/// What the link check needs of a page.
#[derive(Debug, Default)]
struct Parsed {
    slugs: BTreeSet<String>,
    links: Vec<String>,
}

/// GitHub's heading anchors: lower-cased; letters, digits, `-` and `_` kept; spaces to `-`;
/// everything else dropped; repeats numbered `-1`, `-2`, ... (mdBook agrees on all of these).
fn github_slug(text: &str, used: &mut BTreeSet<String>) -> String {
    let base: String = text
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect();
    let mut slug = base.clone();
    let mut n = 0;
    while !used.insert(slug.clone()) {
        n += 1;
        slug = format!("{base}-{n}");
    }
    slug
}

fn parse(text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let mut used = BTreeSet::new();
    let mut heading: Option<String> = None;
    for event in Parser::new_ext(text, options()) {
        match event {
            Event::Start(Tag::Heading { id, .. }) => {
                assert!(id.is_none(), "no page sets a heading id by hand");
                heading = Some(String::new());
            }
            Event::End(TagEnd::Heading(_)) => {
                let text = heading.take().expect("inside a heading");
                parsed.slugs.insert(github_slug(&text, &mut used));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = &mut heading {
                    h.push_str(&t);
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => parsed.links.push(dest_url.to_string()),
            Event::Start(Tag::Image { dest_url, .. }) => {
                parsed.links.push(format!("image:{dest_url}"));
            }
            _ => {}
        }
    }
    parsed
}

fn normalize(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                parts.pop();
            }
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

/// Every problem with the links of a set of pages: a relative link must name an existing page
/// and, with `#anchor`, one of its headings; any other link must be http(s).
fn broken_links(pages: &BTreeMap<String, String>) -> Vec<String> {
    let parsed: BTreeMap<&str, Parsed> =
        pages.iter().map(|(p, t)| (p.as_str(), parse(t))).collect();
    let mut problems = Vec::new();
    for (page, info) in &parsed {
        for link in &info.links {
            if link.starts_with("https://") || link.starts_with("http://") {
                continue;
            }
            let before_path = link.find(['/', '?', '#']).unwrap_or(link.len());
            if link.find(':').is_some_and(|i| i < before_path) {
                problems.push(format!(
                    "{page}: link `{link}` is neither http(s) nor relative"
                ));
                continue;
            }
            let (file, anchor) = match link.split_once('#') {
                Some((f, a)) => (f, Some(a)),
                None => (link.as_str(), None),
            };
            let target = if file.is_empty() {
                (*page).to_owned()
            } else {
                let dir = Path::new(page).parent().unwrap_or(Path::new(""));
                normalize(&dir.join(file))
            };
            let Some(target_page) = parsed.get(target.as_str()) else {
                problems.push(format!("{page}: link `{link}`: no page `{target}`"));
                continue;
            };
            if let Some(anchor) = anchor
                && !target_page.slugs.contains(anchor)
            {
                problems.push(format!(
                    "{page}: link `{link}`: `{target}` has no heading `#{anchor}`"
                ));
            }
        }
    }
    problems
}

fn read_tree(dir: &Path, rel: &Path, out: &mut BTreeMap<String, String>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run `cargo run -p switchboard-codegen`)",
            dir.display()
        )
    });
    for entry in entries {
        let entry = entry.expect("dir entry");
        let path = entry.path();
        let rel = rel.join(entry.file_name());
        if path.is_dir() {
            read_tree(&path, &rel, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            let text = std::fs::read_to_string(&path).expect("pages are UTF-8");
            out.insert(rel.to_string_lossy().replace('\\', "/"), text);
        }
    }
}

#[test]
fn links_and_anchors_resolve_in_generated_docs() {
    let mut on_disk = BTreeMap::new();
    read_tree(&root().join("generated/docs"), Path::new(""), &mut on_disk);
    assert!(
        on_disk.contains_key("README.md"),
        "generated/docs/README.md exists"
    );
    let problems = broken_links(&on_disk);
    assert!(
        problems.is_empty(),
        "generated/docs:\n{}",
        problems.join("\n")
    );

    let fresh = pages(&spec_model());
    let problems = broken_links(&fresh);
    assert!(
        problems.is_empty(),
        "docs from specs/:\n{}",
        problems.join("\n")
    );
    // The check itself must be able to fail.
    let mut broken = fresh.clone();
    broken.insert(
        "x.md".into(),
        "[a](README.md#no-such-heading) [b](nope.md)\n".into(),
    );
    assert_eq!(broken_links(&broken).len(), 2);
}

#[test]
fn summary_lists_every_page() {
    let pages = pages(&spec_model());
    let summary = parse(&pages["SUMMARY.md"]);
    let listed: BTreeSet<&str> = summary.links.iter().map(String::as_str).collect();
    for page in pages
        .keys()
        .filter(|p| p.ends_with(".md") && *p != "SUMMARY.md")
    {
        assert!(
            listed.contains(page.as_str()),
            "SUMMARY.md does not list {page}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Hostile text

/// Every trick vendor prose could play on a Markdown page, on several lines.
const HOSTILE: &str = "pipe | here\\|there\nnext line `tick` ``double`` <script>alert(1)</script> \
    {{ x }} {% if y %}z{% endif %} 中文说明 \u{200F}שלום\u{202E}evil\u{202C} *em* _em_ **strong** \
    [link](javascript:alert(1)) ![img](x.png) [^note] $x^2$ ~~del~~ &amp; <b>bold</b> \
    https://x.test/a_(b) {#custom-id} [ ] task\n# injected heading\n- injected item\n\
    > injected quote\n: injected definition\n1. injected number\n    injected indented code\n\
    | injected | table |\n| --- | --- |\n```\ninjected fence\n~~~\n---\n===\n\n\nlast paragraph";

fn hostile_fields(fields: &mut [Field]) {
    for f in fields {
        f.description = Some(HOSTILE.into());
        f.description_en = Some(HOSTILE.into());
        f.unconfirmed = Some(HOSTILE.into());
        hostile_type(&mut f.ty);
    }
}

fn hostile_type(ty: &mut Type) {
    for v in &mut ty.values {
        v.description = Some(HOSTILE.into());
    }
    match &mut ty.kind {
        TypeKind::Object { fields, .. } => hostile_fields(fields),
        TypeKind::Array { items } => hostile_type(items),
        TypeKind::Map { values } => hostile_type(values),
        _ => {}
    }
}

/// The specs' model with hostile text in every prose slot, a hostile event name and a
/// recursive shared type used by every response.
fn hostile_model() -> Model {
    let mut model = spec_model();
    let template_field = model
        .services
        .iter()
        .flat_map(|s| &s.endpoints)
        .flat_map(|e| &e.params)
        .map(|p| p.field.clone())
        .next()
        .expect("some endpoint has a parameter");
    let template_type = model
        .services
        .iter()
        .flat_map(|s| &s.types)
        .next()
        .cloned()
        .expect("some service has a shared type");
    for s in &mut model.services {
        s.title = format!("Title {HOSTILE}");
        s.description = Some(HOSTILE.into());
        s.base_url.description = Some(HOSTILE.into());
        for v in &mut s.base_url.variables {
            v.description = Some(HOSTILE.into());
        }
        s.auth.description = Some(HOSTILE.into());
        s.envelope.description = Some(HOSTILE.into());
        hostile_fields(&mut s.envelope.fields);
        for e in &mut s.errors {
            e.message = Some(HOSTILE.into());
            e.meaning = Some(HOSTILE.into());
            e.meaning_en = Some(HOSTILE.into());
        }
        for source in &mut s.sources {
            source.title = Some(HOSTILE.into());
            source.note = Some(HOSTILE.into());
        }
        let mut bad_source = s.sources.first().cloned().expect("a service source");
        bad_source.url = "javascript:alert(1)".into();
        s.sources.push(bad_source);
        s.unconfirmed.push(HOSTILE.into());

        let hostile_event = "Evt<script>|`x`*y*";
        if let Some(mut ev) = s.events.first().cloned() {
            ev.name.wire = hostile_event.into();
            s.events.push(ev);
        }
        for ev in &mut s.events {
            ev.description = Some(HOSTILE.into());
            ev.channel = Some(HOSTILE.into());
            hostile_fields(&mut ev.fields);
        }
        for t in &mut s.types {
            t.description = Some(HOSTILE.into());
            hostile_type(&mut t.ty);
        }
        // A type that contains itself, directly and through an array.
        let node = TypeId("Node".into());
        let mut self_ref = template_field.clone();
        self_ref.name.wire = "parent".into();
        self_ref.ty.kind = TypeKind::Named {
            id: node.clone(),
            rust: "Node".into(),
        };
        let mut children = self_ref.clone();
        children.name.wire = "children".into();
        children.ty.kind = TypeKind::Array {
            items: Box::new(self_ref.ty.clone()),
        };
        let mut node_type: NamedType = template_type.clone();
        node_type.name.wire = node.0.clone();
        node_type.ty.kind = TypeKind::Object {
            rust: "Node".into(),
            fields: vec![self_ref.clone(), children],
        };
        s.types.push(node_type);

        let has_events = !s.events.is_empty();
        for e in &mut s.endpoints {
            e.title = format!("Endpoint {HOSTILE}");
            e.summary = HOSTILE.into();
            e.description = Some(HOSTILE.into());
            e.prerequisites = vec![HOSTILE.into(), HOSTILE.into()];
            e.callers = Some(HOSTILE.into());
            e.unconfirmed.push(HOSTILE.into());
            e.source.title = Some(HOSTILE.into());
            e.source.note = Some(HOSTILE.into());
            for d in &mut e.dispatch {
                d.description = Some(HOSTILE.into());
            }
            for p in &mut e.params {
                hostile_fields(std::slice::from_mut(&mut p.field));
            }
            for body in [&mut e.request, &mut e.response].into_iter().flatten() {
                body.description = Some(HOSTILE.into());
                hostile_fields(&mut body.fields);
            }
            if let Some(response) = &mut e.response {
                response.fields.push(self_ref.clone());
            }
            for x in &mut e.errors {
                x.message = Some(HOSTILE.into());
                x.meaning = Some(HOSTILE.into());
            }
            for sample in &mut e.samples {
                sample.description = Some(HOSTILE.into());
            }
            e.history.push(model::History {
                date: HOSTILE.into(),
                change: HOSTILE.into(),
                change_en: Some(HOSTILE.into()),
            });
            if has_events {
                e.events.push(model::EventId(hostile_event.into()));
            }
        }
    }
    model
}

/// The text a reader sees, blocks on their own lines.
fn visible_text(page: &str) -> String {
    let mut out = String::new();
    for event in Parser::new_ext(page, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::InlineHtml(html) if &*html == "<br>" => out.push(' '),
            Event::End(_) => out.push('\n'),
            _ => {}
        }
    }
    out
}

/// The inline code spans of a page, as rendered.
fn code_spans(page: &str) -> Vec<String> {
    Parser::new_ext(page, options())
        .filter_map(|event| match event {
            Event::Code(code) => Some(code.to_string()),
            _ => None,
        })
        .collect()
}

/// Column separators of a table line: GFM (and pulldown-cmark) take any `|` right after a
/// backslash as part of the cell, whatever precedes that backslash.
fn pipes(line: &str) -> usize {
    let mut count = 0;
    let mut after_backslash = false;
    for c in line.chars() {
        if c == '|' && !after_backslash {
            count += 1;
        }
        after_backslash = c == '\\';
    }
    count
}

/// The page with code spans and code blocks blanked out: what a renderer would parse as
/// Markdown or HTML rather than show verbatim.
fn outside_code(page: &str) -> String {
    let mut bytes = page.as_bytes().to_vec();
    let mut block_start = None;
    for (event, range) in Parser::new_ext(page, options()).into_offset_iter() {
        let blank = match event {
            Event::Code(_) => Some(range),
            Event::Start(Tag::CodeBlock(_)) => {
                block_start = Some(range.start);
                None
            }
            Event::End(TagEnd::CodeBlock) => block_start.take().map(|start| start..range.end),
            _ => None,
        };
        for i in blank.into_iter().flatten() {
            bytes[i] = b' ';
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Problems a hostile page shows: rows that lost their shape, markup that came from vendor text.
fn hostile_problems(path: &str, page: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut report = |what: String| problems.push(format!("{path}: {what}"));
    if outside_code(page).to_lowercase().contains("<script") {
        report("raw <script> outside code".into());
    }
    let mut item_text: Option<String> = None;
    let mut heading_text: Option<String> = None;
    let mut code_block: Option<String> = None;
    for (event, range) in Parser::new_ext(page, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Table(_)) => {
                let lines: Vec<&str> = page[range]
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .collect();
                let header = pipes(lines[0]);
                for line in &lines {
                    let line = line.trim();
                    if !line.starts_with('|') || !line.ends_with('|') || pipes(line) != header {
                        report(format!("table row lost its {header} pipes: {line}"));
                    }
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                let html = html.trim();
                if html != "<br>" {
                    report(format!("raw HTML {html:?}"));
                }
            }
            Event::Start(
                tag @ (Tag::BlockQuote(_)
                | Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Image { .. }
                | Tag::FootnoteDefinition(_)
                | Tag::DefinitionList),
            ) => report(format!("vendor markup became {tag:?}")),
            Event::FootnoteReference(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_)
            | Event::TaskListMarker(_) => report(format!("vendor markup became {event:?}")),
            Event::Start(Tag::CodeBlock(kind)) => match kind {
                CodeBlockKind::Fenced(lang)
                    if ["text", "http", "json", "rust"].contains(&&*lang) =>
                {
                    code_block = Some(String::new());
                }
                other => report(format!("unexpected code block {other:?}")),
            },
            Event::End(TagEnd::CodeBlock) => {
                let code = code_block.take().unwrap_or_default();
                if code.contains("injected") {
                    report("vendor text opened a code block".into());
                }
            }
            Event::Start(Tag::Item) => item_text = Some(String::new()),
            Event::End(TagEnd::Item) => {
                let item = item_text.take().unwrap_or_default();
                if item.starts_with("injected") {
                    report("vendor text started a list item".into());
                }
            }
            Event::Start(Tag::Heading { .. }) => heading_text = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => {
                let heading = heading_text.take().unwrap_or_default();
                if heading.starts_with("injected") {
                    report("vendor text started a heading".into());
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with("javascript") => {
                report(format!("link to {dest_url}"));
            }
            Event::Text(t) | Event::Code(t) => {
                for acc in [&mut item_text, &mut heading_text, &mut code_block]
                    .into_iter()
                    .flatten()
                {
                    acc.push_str(&t);
                }
            }
            _ => {}
        }
    }
    problems
}

#[test]
fn hostile_text_stays_in_its_cell() {
    let pages = pages(&hostile_model());
    let mut problems = Vec::new();
    for (path, page) in &pages {
        problems.extend(hostile_problems(path, page));
    }
    problems.extend(broken_links(&pages));
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    for (path, page) in pages
        .iter()
        .filter(|(p, _)| p.ends_with(".md") && *p != "SUMMARY.md")
    {
        let text = visible_text(page);
        for kept in [
            "{{ x }}",
            "{% if y %}",
            "中文说明",
            "\u{200F}שלום",
            "<script>alert(1)</script>",
            "pipe | here\\|there",
        ] {
            assert!(
                text.contains(kept),
                "{path}: the reader should see {kept:?}"
            );
        }
        // A closed code span of the spec text is code, not backslashed backticks.
        assert!(
            code_spans(page).iter().any(|c| c == "tick"),
            "{path}: `tick` should render as code"
        );
        // Display-reordering controls are shown, not obeyed.
        assert!(!page.contains('\u{202E}'), "{path}: raw U+202E");
    }
    let recursive = pages
        .iter()
        .filter(|(p, page)| p.ends_with("README.md") && p.contains('/') && page.contains("Node"))
        .count();
    assert!(recursive > 0, "the recursive type is described");
    assert!(
        pages.values().any(|p| p.contains("Node contains itself")),
        "recursion is cut and said so"
    );
    // The checks can fail: the same text unescaped breaks them.
    let raw = format!("| a | b |\n| --- | --- |\n| {HOSTILE} | x |\n");
    assert!(!hostile_problems("raw.md", &raw).is_empty());
}

#[test]
fn hostile_fixture_spec_renders_safely() {
    let model = Builder::new()
        .specs_dir(root().join("tests/fixtures/valid"))
        .validate()
        .unwrap_or_else(|e| panic!("tests/fixtures/valid must be valid:\n{e}"));
    assert!(model.services.iter().any(|s| s.name == "hostile_api"));
    let pages = pages(&model);
    let mut problems = Vec::new();
    for (path, page) in pages.iter().filter(|(p, _)| p.ends_with(".md")) {
        problems.extend(hostile_problems(path, page));
    }
    problems.extend(broken_links(&pages));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let index = visible_text(&pages["README.md"]);
    assert!(
        index.contains("Ven|dor <script>alert(1)</script>"),
        "{index}"
    );
    assert!(
        index.contains("Hostile | API */ tick {{ x }} {% y %}"),
        "{index}"
    );
    let overview = visible_text(&pages["hostile_api/README.md"]);
    assert!(overview.contains("中文描述：结束会话。"));
    assert!(overview.contains("# not a heading"));
}

// ---------------------------------------------------------------------------------------------
// Seed facts

/// (page, facts) for each seed page: every fact it states must reach the reader of that page.
const SEED_FACTS: &[(&str, &[&str])] = &[
    (
        "huawei_agentgateway/leave_agent_conference.md",
        &[
            "Leaving an Agent Conference",
            "The agent has signed in.",
            "The agent has joined the conference.",
            "The current agent is not the chairperson. (The chairperson invokes the conference release interface to leave the conference.)",
            "This interface is used by an agent to leave a conference.",
            "The request method must be set to POST. This interface supports only the POST method.",
            "https://{ip}:{port}/agentgateway/resource/agentconf/{agentid}/requestleaveagentconf",
            "agentid",
            "101",
            "59999",
            "Agent ID. The value ranges from 101 to 59999.",
            "requestLeaveAgentConf",
            "Content-Type",
            "application/json; charset=UTF-8",
            "Coding mode of the message body. The default value is application/json; charset=UTF-8.",
            "Guid",
            "GUID returned by the sign-in interface during static authentication (AUTHMODE is set to 1) or GUID returned by the polling event query interface during dynamic authentication (AUTHMODE is set to 2).",
            "message",
            "retcode",
            "result",
            "Reserved field.",
            "AgentMediaEvent_StopRecordDone",
            "AgentOther_PhoneRelease",
            "AgentConf_SelfLeaveResult",
            "AgentConf_ParticipantChanged",
            "000-002",
            "100-006",
            "100-007",
            "101-001",
            "101-007",
        ],
    ),
    (
        "huawei_agentgateway/README.md",
        &[
            "In the URL, ip indicates the IP address of the agent gateway server, and port indicates the HTTPS port number of the agent gateway server.",
            "Error code. The options are as follows: 0: success Other values: failure",
            "Description.",
        ],
    ),
    (
        "genesys_gws/remove_participant_from_conference.md",
        &[
            "RemoveParticipantFromConference",
            "This operation is part of the Voice API section of the Web Services API.",
            "Removes the specified participant from the conference call. This operation can only be performed by the owner of the conference call or a supervisor during monitoring.",
            "/api/v2/me/calls/{id}",
            "POST",
            "api-voice",
            "operationName",
            "participant",
            "The participant to be removed from the conference call.",
            "POST api/v2/me/calls/01RCC3N118B1V0SL8O7GK2LAES00000O",
            "\"participant\": \"15001\"",
            "\"statusCode\": 0",
            "\"notificationType\": \"ParticipantsUpdated\"",
            "\"connId\": \"0071027198180018\"",
            "http://127.0.0.1:8080/api/v2/devices/631608b3-ceb1-472b-ba05-2ae39555b0d1",
            "\"formattedPhoneNumber\": \"15002\"",
            "\"dnis\": \"15001\"",
            "\"callType\": \"Internal\"",
            "\"DeleteUserDataPair\"",
            "\"SingleStepConference\"",
            "\"duration\": \"43\"",
            "\"mute\": \"Off\"",
            "\"supervisorListeningIn\": false",
            "\"path\": \"/calls/01RCC3N118B1V0SL8O7GK2LAES00000O\"",
            "\"phoneNumber\": \"15000\"",
            "\"BusinessCall\": 0",
            "\"messageType\": \"CallStateChangeMessage\"",
            "\"channel\": \"/v2/me/calls\"",
            "This page was last edited on March 25, 2016, at 18:22.",
        ],
    ),
    (
        "tencent_im_desk/end_session.md",
        &[
            "Ending Session",
            "End a session that has been transferred to a human through this API.",
            "https://console.tim.qq.com/v4/desk_http_svc/end_session?sdkappid=88888888&identifier=admin&usersig=xxx&random=99999999&contenttype=json",
            "v4/desk_http_svc/end_session",
            "Assigned SDKAppID in the IM console when creating an application.",
            "Must be an App administrator account. For more details, see App Administrator.",
            "Signature generated by the App administrator account. For specific operations, see Generate UserSig.",
            "Enter a random 32-bit unsigned integer in the range of 0 to 4294967295.",
            "4294967295",
            "The request format has a fixed value of json.",
            "Specify SessionId to end session:",
            "\"SessionId\": \"b0f4ca12-4850-4218-a284-efe679a87066\"",
            "Specify the session ID to be ended.",
            "\"ActionStatus\": \"OK\"",
            "\"ErrorInfo\": \"\"",
            "\"ErrorCode\": 0",
            "Unless a network error (for example, 502 error) occurs, the HTTP return code of this API is 200.",
            "For common error codes (60000 to 79999), see the Error Code document.",
            "141002",
            "Internal error, please retry.",
            "141004",
            "Invalid parameter.",
            "141005",
            "Session does not exist or has completed.",
            "REST API online debugging tool",
            "Pull Single Chat History Messages (v4/openim/admin_getroammsg)",
            "2025-04-07 11:18:34",
        ],
    ),
    (
        "tencent_im_desk/README.md",
        &[
            "Error Code: 0 indicates success. Non-zero indicates failure.",
            "Error message.",
            "Result of request processing.",
            "The actual error code and error information are indicated by ErrorCode and ErrorInfo in the response packet body.",
        ],
    ),
    (
        "alibaba_ccc/unmute_call.md",
        &[
            "UnmuteCall",
            "调用UnmuteCall取消通话静音",
            "您可以在OpenAPI Explorer中直接运行该接口,免去您计算签名的困扰。运行成功后,OpenAPI Explorer可以自动生成SDK代码示例。",
            "当前API暂无授权信息透出。",
            "InstanceId",
            "实例 ID。",
            "ccc-test",
            "需要取消静音的坐席 ID,不填默认使用当前 RAM 账户映射的坐席。",
            "agent@ccc-test",
            "设备 ID,无意义,可以随便填写。",
            "通话 ID。",
            "job-6538214103685****",
            "待取消静音的话务通道 ID,非必填,默认为空,为空表示取消静音 UserId 对应的坐席的话务通道。",
            "ch:user:1390501****->8032****:1609138902226:job-6538214103685****",
            "\"RequestId\": \"EEEE671A-3E24-4A04-81E6-6C4F5B39DF75\"",
            "\"Message\": \"无\"",
            "\"HttpStatusCode\": 200",
            "Data.CallContext.ChannelContexts[].Index",
            "\"ReleaseReason\": \"404 - No destination\"",
            "\"Timestamp\": 1609138903315",
            "\"Heartbeat\": 1609136956378",
            "\"DeviceId\": \"ACC-YUNBS-1.0.10-****\"",
            "\"OutboundScenario\": false",
            "\"skillgroup1@ccc-test\"",
            "Parameter.Blank",
            "The parameter %s may not be null or blank.",
            "该参数不能为null或含有空白符的字符串。",
            "InvalidOperation.ChannelState",
            "The operation is not allowed. Channel stats (%s) does not meet expectations (%s).",
            "InvalidOperation.UserState",
            "非法操作,用户状态不符合预期。",
            "NotExists.ChannelId",
            "The specified channel %s does not exist in call %s.",
            "通话中不存在指定的Channel信息。",
            "NotExists.InstanceId",
            "指定的呼叫中心实例不存在。",
            "NotExists.JobId",
            "指定的通话信息不存在。",
            "InternalService.CTI",
            "An internal CTI service error occurred. %s",
            "内部CTI服务错误。",
            "访问错误中心查看更多错误码。",
            "2023-10-26",
            "OpenAPI 错误码发生变更",
        ],
    ),
];

#[test]
fn seed_facts_appear_on_their_pages() {
    let pages = pages(&spec_model());
    let mut missing = Vec::new();
    for (page, facts) in SEED_FACTS {
        let text = visible_text(pages.get(*page).unwrap_or_else(|| panic!("no page {page}")));
        // Soft line breaks of the spec's wrapped prose read as spaces.
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for fact in *facts {
            let fact = fact.split_whitespace().collect::<Vec<_>>().join(" ");
            if !text.contains(&fact) {
                missing.push(format!("{page}: {fact}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "missing seed facts:\n{}",
        missing.join("\n")
    );
}

/// The items (`use` lines and `async fn example()`) of the page's usage example, as tokens.
fn shown_example(page: &str) -> Option<Vec<String>> {
    let usage = page.split("## Rust usage").nth(1)?;
    let block = usage.split("```rust\n").nth(1)?.split("\n```").next()?;
    let file: syn::File = syn::parse_str(block).ok()?;
    Some(file.items.iter().map(tokens).collect())
}

/// The items of the endpoint's module in the crate's tests/usage.rs, as tokens.
fn compiled_module(usage_rs: &syn::File, module: &str) -> Option<Vec<String>> {
    usage_rs.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == module.trim_start_matches("r#") => {
            Some(m.content.as_ref()?.1.iter().map(tokens).collect())
        }
        _ => None,
    })
}

/// Token text: literals keep their exact source text; layout does not count, nor does a
/// trailing comma in a group (prettyplease adds one when it breaks a long call over lines).
fn tokens(item: &syn::Item) -> String {
    fn is_punct(tree: Option<&TokenTree>, c: char) -> bool {
        matches!(tree, Some(TokenTree::Punct(p)) if p.as_char() == c)
    }
    fn without_trailing_commas(stream: TokenStream) -> TokenStream {
        let trees: Vec<TokenTree> = stream.into_iter().collect();
        let mut out: Vec<TokenTree> = Vec::new();
        for (i, tree) in trees.iter().enumerate() {
            // `,` closing a group or a generic argument list (`<T,>`).
            let last = i + 1 == trees.len() || is_punct(trees.get(i + 1), '>');
            if last && is_punct(Some(tree), ',') {
                continue;
            }
            out.push(match tree {
                TokenTree::Group(g) => TokenTree::Group(Group::new(
                    g.delimiter(),
                    without_trailing_commas(g.stream()),
                )),
                other => other.clone(),
            });
        }
        out.into_iter().collect()
    }
    without_trailing_commas(quote::ToTokens::to_token_stream(item)).to_string()
}

#[test]
fn every_page_shows_the_compiled_usage_example() {
    // The example shown is, item for item, the one each generated crate's tests/usage.rs
    // compiles and runs (the test command runs those; `--check` keeps them fresh).
    let model = spec_model();
    let pages = pages(&model);
    let mut compared = 0;
    for service in &model.services {
        let usage_rs = std::fs::read_to_string(
            root().join(format!("generated/rust/{}/tests/usage.rs", service.name)),
        )
        .expect("usage tests");
        let usage_rs: syn::File = syn::parse_file(&usage_rs).expect("usage tests parse");
        for endpoint in &service.endpoints {
            let path = format!("{}/{}.md", service.name, endpoint.id.0);
            let page = pages
                .get(&path)
                .unwrap_or_else(|| panic!("{path}: no page"));
            let compiled = compiled_module(&usage_rs, &endpoint.rust);
            let Some(shown) = shown_example(page) else {
                // No example without a successful sample; then none is compiled either.
                assert!(
                    page.contains("No successful documented sample") && compiled.is_none(),
                    "{path}: no usage example shown"
                );
                continue;
            };
            let compiled =
                compiled.unwrap_or_else(|| panic!("{path}: the example is not compiled"));
            assert!(
                shown
                    .iter()
                    .any(|item| item.starts_with("async fn example ()")),
                "{path}: the page shows no example function: {shown:?}"
            );
            for item in &shown {
                assert!(
                    compiled.contains(item),
                    "{path}: the page shows what tests/usage.rs does not compile:\n{item}"
                );
            }
            compared += 1;
        }
    }
    assert!(compared >= 60, "{compared} examples compared");
}

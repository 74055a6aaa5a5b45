//! Resolves the "say it once" forms into the plain form the checks and lowering read: uses of
//! shared parameters, endpoint defaults, codes of the error catalogue and bodies whose shape is a
//! shared type. After this step an endpoint looks as if every inherited line were written in it,
//! so a correct migration to the short forms changes no output.
//!
//! What wins, most specific first:
//! - a parameter: the keys written on the `use` entry, then the shared definition (`inferred`
//!   marks are replaced as a whole: they describe the values of one page);
//! - a dispatch value: the endpoint's own entry with the same `in` and `name`, then the default;
//! - an error: the keys written in the endpoint, then the catalogue entry, then `errors`
//!   (completed later, in lowering, exactly as before);
//! - anything named under `without_defaults` is not inherited at all.

use super::decode::Sp;
use super::format::{
    BodySpec, EndpointSpec, ErrorSpec, FieldSpec, SampleResponseSpec, ServiceSpec, Text,
};
use super::sample_parts;
use super::shared::{Respan, SAMPLE_RESPONSE};
use crate::check::walk_fields;
use crate::diag::catalogue::suggest;
use crate::diag::{Errors, FileId, Loc, Problem, SourceMap, Span};

/// Resolves one vendor's endpoints in place. A missing key is a loading problem (`errors`);
/// an unknown name or a conflict is a semantic one, left in `deferred` for `check`.
/// `sources` holds the files' text, to point a diagnostic at a `$use` inside a sample.
pub fn resolve_service(
    service_file: FileId,
    service: &ServiceSpec,
    endpoints: &mut [(FileId, EndpointSpec)],
    sources: &SourceMap,
    errors: &mut Errors,
    deferred: &mut Vec<(Problem, Loc)>,
) {
    let mut out = Out { errors, deferred };
    check_service(&mut out, service_file, service);
    let service_text = &sources.get(service_file).text;
    for found in sample_parts::check_parts(&service.sample_parts) {
        let span = found.span_in(service_text);
        out.report(found.problem, service_file, span);
    }
    // The default sample response's parts are resolved once, here: a mistake in it is
    // reported once, in service.yaml, not again for every endpoint that inherits it.
    let mut sample_response = service
        .endpoint_defaults
        .as_ref()
        .and_then(|d| d.sample_response.clone());
    if let Some(body) = sample_response.as_mut().and_then(|r| r.body.as_mut()) {
        for found in sample_parts::resolve_value(&service.sample_parts, body) {
            let span = found.span_in(service_text);
            out.report(found.problem, service_file, span);
        }
    }
    for (file, endpoint) in endpoints {
        resolve_endpoint(&mut out, *file, service, sample_response.as_ref(), endpoint);
        for found in sample_parts::resolve_samples(&service.sample_parts, endpoint) {
            let span = found.span_in(&sources.get(*file).text);
            out.report(found.problem, *file, span);
        }
    }
}

struct Out<'a> {
    errors: &'a mut Errors,
    deferred: &'a mut Vec<(Problem, Loc)>,
}

impl Out<'_> {
    fn report(&mut self, problem: Problem, file: FileId, span: Span) {
        let loc = Loc { file, span };
        if matches!(problem, Problem::MissingKey { .. }) {
            self.errors.report(problem, loc);
        } else {
            self.deferred.push((problem, loc));
        }
    }
}

fn check_service(out: &mut Out<'_>, file: FileId, s: &ServiceSpec) {
    // `type` may be left out only on a `use`, and `use` is only for endpoint parameters.
    let mut lists: Vec<&[FieldSpec]> = vec![&s.envelope.fields, &s.types, &s.params];
    lists.extend(s.events.iter().map(|e| e.fields.as_slice()));
    if let Some(e) = &s.event_envelope {
        lists.push(&e.fields);
    }
    lists.extend(s.shapes.iter().map(|x| x.fields.as_slice()));
    for list in lists {
        check_plain_fields(out, file, list);
    }
    let mut seen: Vec<&str> = Vec::new();
    for p in &s.params {
        let Some(name) = &p.name else {
            let span = p.ty.span;
            out.report(Problem::MissingKey { key: "name".into() }, file, span);
            continue;
        };
        if p.location.is_none() {
            out.report(Problem::MissingKey { key: "in".into() }, file, name.span);
        }
        if seen.contains(&name.value.as_str()) {
            out.report(
                Problem::Duplicate {
                    kind: "shared parameter",
                    name: name.value.clone(),
                },
                file,
                name.span,
            );
        }
        seen.push(&name.value);
    }
    for (i, shape) in s.shapes.iter().enumerate() {
        let name = &shape.name.value;
        let twice = s.shapes[..i].iter().any(|o| &o.name.value == name);
        let typed = s
            .types
            .iter()
            .any(|t| t.name.as_ref().is_some_and(|n| &n.value == name));
        if twice || typed {
            let problem = Problem::Conflict {
                message: format!("`{name}` names more than one shape or type"),
                hint: "give each shape a name no other shape or type has".into(),
            };
            out.report(problem, file, shape.name.span);
        }
    }
    for (i, e) in s.error_catalogue.iter().enumerate() {
        let twice = s.error_catalogue[..i]
            .iter()
            .any(|o| o.code.value == e.code.value);
        if twice || s.errors.iter().any(|o| o.code.value == e.code.value) {
            out.report(
                Problem::Conflict {
                    message: format!(
                        "error code `{}` is defined more than once in service.yaml",
                        e.code.value
                    ),
                    hint: "define each code once: under `errors` when every endpoint returns \
                           it, otherwise under `error_catalogue`"
                        .into(),
                },
                file,
                e.code.span,
            );
        }
    }
    let Some(defaults) = &s.endpoint_defaults else {
        return;
    };
    for name in &defaults.params {
        if shared_param(s, &name.value).is_none() {
            out.report(unknown_param(s, &name.value), file, name.span);
        }
    }
    for code in &defaults.errors {
        if defined_error(s, &code.value).is_none() {
            let known = defined_codes(s);
            out.report(
                Problem::UnknownReference {
                    kind: "error code",
                    name: code.value.to_string(),
                    suggestion: suggest(&code.value.to_string(), known.iter().map(String::as_str)),
                },
                file,
                code.span,
            );
        }
    }
}

/// Fields where `use` has no meaning and `type` is required.
fn check_plain_fields(out: &mut Out<'_>, file: FileId, fields: &[FieldSpec]) {
    let mut found = Vec::new();
    walk_fields(fields, &mut |f| found.push(f));
    for f in found {
        if let Some(u) = &f.use_ {
            out.report(
                Problem::NotAllowedHere {
                    key: "use".into(),
                    reason: "only an endpoint's `params` entries may stand for a shared parameter"
                        .into(),
                },
                file,
                u.span,
            );
        } else if f.ty.value.is_empty() {
            let span = f.name.as_ref().map_or(f.ty.span, |n| n.span);
            out.report(Problem::MissingKey { key: "type".into() }, file, span);
        }
    }
}

/// A `type` left out (already reported) is located at the entry's `use` or name, so that the
/// checks after this step never point at the start of the file.
fn locate_missing_types(fields: &mut [FieldSpec]) {
    for f in fields {
        if f.ty.value.is_empty() {
            let at = f.use_.as_ref().or(f.name.as_ref()).map(|t| t.span);
            f.ty.span = at.unwrap_or(f.ty.span);
        }
        if let Some(items) = &mut f.items {
            locate_missing_types(std::slice::from_mut(&mut **items));
        }
        if let Some(additional) = &mut f.additional {
            locate_missing_types(std::slice::from_mut(&mut **additional));
        }
        locate_missing_types(&mut f.fields);
    }
}

fn shared_param<'a>(s: &'a ServiceSpec, name: &str) -> Option<&'a FieldSpec> {
    s.params
        .iter()
        .find(|p| p.name.as_ref().is_some_and(|n| n.value == name))
}

fn unknown_param(s: &ServiceSpec, name: &str) -> Problem {
    let names = s.params.iter().filter_map(|p| p.name.as_ref());
    Problem::UnknownReference {
        kind: "shared parameter",
        name: name.to_owned(),
        suggestion: suggest(name, names.map(|n| n.value.as_str())),
    }
}

fn defined_error<'a>(s: &'a ServiceSpec, code: &super::CodeValue) -> Option<&'a ErrorSpec> {
    s.error_catalogue
        .iter()
        .chain(&s.errors)
        .find(|e| &e.code.value == code)
}

fn defined_codes(s: &ServiceSpec) -> Vec<String> {
    s.error_catalogue
        .iter()
        .chain(&s.errors)
        .map(|e| e.code.value.to_string())
        .collect()
}

/// `sample_response` is the service's default, its sample parts already resolved.
fn resolve_endpoint(
    out: &mut Out<'_>,
    file: FileId,
    s: &ServiceSpec,
    sample_response: Option<&SampleResponseSpec>,
    e: &mut EndpointSpec,
) {
    let defaults = s.endpoint_defaults.as_ref();
    let skipped = |name: &str| e.without_defaults.iter().any(|w| w.value == name);
    check_opt_outs(out, file, s, e);

    // Parameters: inherited defaults first (unless placed by a `use`), then the endpoint's own.
    let mut params = Vec::with_capacity(e.params.len());
    for name in defaults.map_or(&[][..], |d| &d.params) {
        let used = e
            .params
            .iter()
            .any(|p| p.use_.as_ref().is_some_and(|u| u.value == name.value));
        if used || skipped(&name.value) {
            continue;
        }
        if let Some(shared) = shared_param(s, &name.value) {
            if let Some(own) = e.params.iter().find(|p| same_param(p, shared)) {
                let span = own.name.as_ref().map_or(own.ty.span, |n| n.span);
                out.report(inherited_conflict(&name.value), file, span);
                continue;
            }
            let mut copy = shared.clone();
            copy.respan(e.id.span);
            params.push(copy);
        }
    }
    for p in std::mem::take(&mut e.params) {
        match p.use_.clone() {
            Some(name) => {
                if let Some(p) = use_param(out, file, s, p, &name) {
                    params.push(p);
                }
            }
            None => {
                check_plain_fields(out, file, std::slice::from_ref(&p));
                params.push(p);
            }
        }
    }
    e.params = params;

    // Dispatch values: the endpoint's own, then the defaults it does not override.
    for d in defaults.map_or(&[][..], |d| &d.dispatch) {
        let own = e
            .dispatch
            .iter()
            .any(|o| o.location.value == d.location.value && o.name.value == d.name.value);
        if !own && !skipped(&d.name.value) {
            let mut copy = d.clone();
            copy.respan(e.id.span);
            e.dispatch.push(copy);
        }
    }

    // Errors: each listed code completed from the catalogue, then the inherited codes.
    for own in &mut e.errors {
        if let Some(entry) = s
            .error_catalogue
            .iter()
            .find(|c| c.code.value == own.code.value)
        {
            complete_error(own, entry);
        }
    }
    for code in defaults.map_or(&[][..], |d| &d.errors) {
        let listed = e.errors.iter().any(|o| o.code.value == code.value);
        if listed || skipped(&code.value.to_string()) {
            continue;
        }
        if let Some(entry) = defined_error(s, &code.value) {
            let mut copy = entry.clone();
            copy.respan(e.id.span);
            e.errors.push(copy);
        }
    }

    // Sample values said once, for the parameters this endpoint has and did not opt out of.
    for (name, value) in defaults.map_or(&Default::default(), |d| &d.sample_params) {
        let has = e
            .params
            .iter()
            .any(|p| p.name.as_ref().is_some_and(|n| &n.value == name));
        if !has || skipped(name) {
            continue;
        }
        for sample in &mut e.samples {
            let at = sample.name.span;
            if let Some(request) = &mut sample.request {
                request
                    .params
                    .entry(name.clone())
                    .or_insert_with(|| Sp::new(value.value.clone(), at));
            }
        }
    }

    // The response a sample shows when it writes none.
    if let Some(response) = sample_response
        && !skipped(SAMPLE_RESPONSE)
    {
        for sample in e.samples.iter_mut().filter(|s| s.response.is_none()) {
            let mut copy = response.clone();
            copy.respan(sample.name.span);
            sample.response = Some(copy);
        }
    }

    for body in [&mut e.request, &mut e.response].into_iter().flatten() {
        check_plain_fields(out, file, &body.fields);
        locate_missing_types(&mut body.fields);
        shape_body(out, file, s, body);
    }
}

fn same_param(own: &FieldSpec, shared: &FieldSpec) -> bool {
    own.use_.is_none()
        && own.name.as_ref().map(|n| &n.value) == shared.name.as_ref().map(|n| &n.value)
        && own.location.as_ref().map(|l| l.value) == shared.location.as_ref().map(|l| l.value)
}

fn inherited_conflict(name: &str) -> Problem {
    Problem::Conflict {
        message: format!(
            "parameter `{name}` is declared here and also inherited from `endpoint_defaults`"
        ),
        hint: format!(
            "write `- use: {name}` with the keys to override, or list `{name}` under \
             `without_defaults` to declare it anew"
        ),
    }
}

/// The shared definition with the use's overrides applied, located at the use.
fn use_param(
    out: &mut Out<'_>,
    file: FileId,
    s: &ServiceSpec,
    p: FieldSpec,
    name: &Text,
) -> Option<FieldSpec> {
    let fixed: [(&str, Option<Span>); 16] = [
        ("name", p.name.as_ref().map(|x| x.span)),
        ("in", p.location.as_ref().map(|x| x.span)),
        ("type", (!p.ty.value.is_empty()).then_some(p.ty.span)),
        ("format", p.format.as_ref().map(|x| x.span)),
        ("nullable", p.nullable.as_ref().map(|x| x.span)),
        (
            "range",
            p.range
                .as_ref()
                .and_then(|r| r.min.as_ref().or(r.max.as_ref()))
                .map(|x| x.span),
        ),
        (
            "length",
            p.length
                .as_ref()
                .and_then(|r| r.min.as_ref().or(r.max.as_ref()))
                .map(|x| x.span),
        ),
        ("pattern", p.pattern.as_ref().map(|x| x.span)),
        ("values", p.values.first().map(|x| x.value.span)),
        ("items", p.items.as_ref().map(|x| x.ty.span)),
        ("fields", p.fields.first().map(|x| x.ty.span)),
        ("additional", p.additional.as_ref().map(|x| x.ty.span)),
        ("from_auth", p.from_auth.as_ref().map(|x| x.span)),
        ("rust_name", p.rust_name.as_ref().map(|x| x.span)),
        ("secret", p.secret.as_ref().map(|x| x.span)),
        ("use", None),
    ];
    let mut ok = true;
    for (key, span) in fixed {
        if let Some(span) = span {
            let problem = Problem::OverrideNotAllowed {
                key: key.to_owned(),
                name: name.value.clone(),
            };
            out.report(problem, file, span);
            ok = false;
        }
    }
    let Some(shared) = shared_param(s, &name.value) else {
        out.report(unknown_param(s, &name.value), file, name.span);
        return None;
    };
    if !ok {
        return None;
    }
    let mut merged = shared.clone();
    merged.respan(name.span);
    // The use's own keys keep their own spans: they are written in this file.
    macro_rules! take {
        ($($key:ident),*) => {$(if p.$key.is_some() { merged.$key = p.$key; })*};
    }
    take!(
        required,
        description,
        description_en,
        default,
        example,
        unconfirmed,
        inferred
    );
    merged.use_ = Some(name.clone());
    Some(merged)
}

/// An endpoint error listing a catalogue code: keys it writes win, the rest come from the entry.
fn complete_error(own: &mut ErrorSpec, entry: &ErrorSpec) {
    macro_rules! fill {
        ($($key:ident),*) => {$(if own.$key.is_none() {
            own.$key = entry.$key.clone();
            own.$key.respan(own.code.span);
        })*};
    }
    fill!(
        http_status,
        message,
        meaning,
        meaning_en,
        retryable,
        rust_name
    );
}

fn check_opt_outs(out: &mut Out<'_>, file: FileId, s: &ServiceSpec, e: &EndpointSpec) {
    let mut names: Vec<String> = Vec::new();
    if let Some(d) = &s.endpoint_defaults {
        names.extend(d.dispatch.iter().map(|x| x.name.value.clone()));
        names.extend(d.params.iter().map(|x| x.value.clone()));
        names.extend(d.errors.iter().map(|x| x.value.to_string()));
        names.extend(d.sample_params.keys().cloned());
        if d.sample_response.is_some() {
            names.push(SAMPLE_RESPONSE.to_owned());
        }
    }
    for w in &e.without_defaults {
        if !names.contains(&w.value) {
            let problem = Problem::UnknownReference {
                kind: "endpoint default",
                name: w.value.clone(),
                suggestion: suggest(&w.value, names.iter().map(String::as_str)),
            };
            out.report(problem, file, w.span);
        }
    }
}

/// A body written as `type: <shape or shared object type>` gets its fields, then its own; a
/// shape's description describes a body that has none of its own.
fn shape_body(out: &mut Out<'_>, file: FileId, s: &ServiceSpec, body: &mut BodySpec) {
    let Some(ty) = &body.ty else {
        return;
    };
    let shape = s.shapes.iter().find(|x| x.name.value == ty.value);
    let object = s
        .types
        .iter()
        .find(|t| t.name.as_ref().is_some_and(|n| n.value == ty.value));
    let fields = match (shape, object) {
        (Some(shape), _) => &shape.fields,
        (None, Some(t)) if t.ty.value == "object" => &t.fields,
        (None, Some(_)) => {
            let reason = format!(
                "a body's `type` must be a shape or a shared `object` type; `{}` is neither",
                ty.value
            );
            let problem = Problem::NotAllowedHere {
                key: "type".into(),
                reason,
            };
            out.report(problem, file, ty.span);
            return;
        }
        (None, None) => {
            let names = s
                .shapes
                .iter()
                .map(|x| &x.name)
                .chain(s.types.iter().filter_map(|t| t.name.as_ref()));
            out.report(
                Problem::UnknownReference {
                    kind: "type",
                    name: ty.value.clone(),
                    suggestion: suggest(&ty.value, names.map(|n| n.value.as_str())),
                },
                file,
                ty.span,
            );
            return;
        }
    };
    // A field both in the shape and written here is a duplicate field, reported by `check`
    // with both places.
    // A body that says nothing about itself is described by its shape.
    if let (None, Some(shape)) = (&body.description, shape) {
        body.description = shape.description.clone();
        body.description.respan(ty.span);
    }
    let mut merged = fields.clone();
    merged.respan(ty.span);
    merged.append(&mut body.fields);
    body.fields = merged;
}

#[cfg(test)]
#[path = "resolve_tests.rs"]
mod tests;

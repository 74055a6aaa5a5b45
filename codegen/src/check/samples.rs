//! Documented samples type-check against the declared parameters, bodies and envelope.

use serde_json::Value;

use super::Cx;
use super::value::{Mismatch, check_object, check_value};
use crate::diag::catalogue::suggest;
use crate::diag::{FileId, Problem, Span};
use crate::spec::{DispatchIn, EndpointSpec, FieldSpec, Json, ParamIn, Sp};

/// Sample parameters, request bodies, response bodies and error codes.
pub fn check_samples(cx: &mut Cx<'_>) {
    let service = cx.service;
    for (file, endpoint) in &service.endpoints {
        for sample in &endpoint.samples {
            // Samples become tests that build the request, so required path values are needed.
            for param in &endpoint.params {
                let name = param.name.as_ref().map(|n| n.value.as_str()).unwrap_or("");
                let needed = param.required.as_ref().is_some_and(|r| r.is_yes())
                    && param
                        .location
                        .as_ref()
                        .is_some_and(|l| l.value == ParamIn::Path);
                let given = sample
                    .request
                    .as_ref()
                    .is_some_and(|r| r.params.contains_key(name));
                if needed && !given {
                    cx.report(
                        Problem::MissingKey {
                            key: format!("request.params.{name}"),
                        },
                        *file,
                        sample.name.span,
                    );
                }
            }
            if let Some(request) = &sample.request {
                for (name, value) in &request.params {
                    match endpoint
                        .params
                        .iter()
                        .find(|p| p.name.as_ref().is_some_and(|n| &n.value == name))
                    {
                        Some(param) => report(
                            cx,
                            *file,
                            &format!("sample parameter `{name}`"),
                            value,
                            check_value(&value.value.0, param, cx, false),
                        ),
                        None => {
                            let names = endpoint
                                .params
                                .iter()
                                .filter_map(|p| p.name.as_ref())
                                .map(|n| n.value.as_str());
                            cx.report(
                                Problem::UnknownReference {
                                    kind: "parameter",
                                    name: name.clone(),
                                    suggestion: suggest(name, names),
                                },
                                *file,
                                value.span,
                            );
                        }
                    }
                }
                if let Some(body) = &request.body {
                    check_request_body(cx, *file, endpoint, body);
                }
            }
            if let Some(response) = &sample.response {
                if let Some(body) = &response.body {
                    check_response_body(cx, *file, endpoint, body);
                }
                if let Some(code) = &response.error {
                    let known = endpoint.errors.iter().any(|e| e.code.value == code.value)
                        || service
                            .spec
                            .errors
                            .iter()
                            .any(|e| e.code.value == code.value);
                    if !known {
                        cx.report(
                            Problem::UnknownReference {
                                kind: "error code",
                                name: code.value.to_string(),
                                suggestion: None,
                            },
                            *file,
                            code.span,
                        );
                    }
                }
            }
        }
    }
}

fn check_request_body(cx: &mut Cx<'_>, file: FileId, endpoint: &EndpointSpec, body: &Sp<Json>) {
    let mut fields: Vec<&FieldSpec> = endpoint.request.iter().flat_map(|r| &r.fields).collect();
    let mut value = body.value.0.clone();
    for dispatch in endpoint
        .dispatch
        .iter()
        .filter(|d| d.location.value == DispatchIn::Body)
    {
        match value
            .as_object_mut()
            .and_then(|o| o.remove(&dispatch.name.value))
        {
            Some(Value::String(s)) if s == dispatch.value.value => {}
            Some(other) => cx.report(
                Problem::ConstraintViolated {
                    what: format!("sample body field `{}`", dispatch.name.value),
                    message: format!(
                        "is {other}, but the endpoint dispatches on \"{}\"",
                        dispatch.value.value
                    ),
                },
                file,
                body.span,
            ),
            None => {}
        }
    }
    fields.retain(|_| true);
    report(
        cx,
        file,
        "sample request body",
        body,
        check_object(&value, &fields, cx, "", true, false),
    );
}

fn check_response_body(cx: &mut Cx<'_>, file: FileId, endpoint: &EndpointSpec, body: &Sp<Json>) {
    let envelope = &cx.service.spec.envelope;
    let own: Vec<&FieldSpec> = endpoint.response.iter().flat_map(|r| &r.fields).collect();
    let mut mismatches = Vec::new();
    // The endpoint may say its result sits elsewhere than the envelope's payload.
    let own_payload = endpoint.response.as_ref().and_then(|r| r.payload.as_ref());
    let payload = match own_payload {
        Some(p) if p.value == "." => None,
        Some(p) => Some(p),
        None => envelope.payload.as_ref(),
    };
    match payload {
        Some(payload) => {
            let top: Vec<&FieldSpec> = envelope
                .fields
                .iter()
                .filter(|f| f.name.as_ref().is_none_or(|n| n.value != payload.value))
                .collect();
            let mut outer = body.value.0.clone();
            let inner = outer.as_object_mut().and_then(|o| o.remove(&payload.value));
            let mut theirs = check_object(&outer, &top, cx, "", true, false);
            blame_envelope(&mut theirs);
            mismatches.extend(theirs);
            let items = endpoint.response.as_ref().and_then(|r| r.items.as_deref());
            match (inner, items) {
                (None | Some(Value::Null), _) => {}
                (Some(Value::Array(list)), Some(items)) => {
                    for (i, item) in list.iter().enumerate() {
                        let at = format!("{}[{i}]", payload.value);
                        mismatches.extend(check_value(item, items, cx, false).into_iter().map(
                            |m| Mismatch {
                                path: if m.path.is_empty() {
                                    at.clone()
                                } else {
                                    format!("{at}.{}", m.path)
                                },
                                message: m.message,
                            },
                        ));
                    }
                }
                (Some(other), Some(_)) => mismatches.push(Mismatch {
                    path: payload.value.clone(),
                    message: format!(
                        "expected an array (the response declares `items`), found {}",
                        super::value::kind(&other)
                    ),
                }),
                (Some(Value::Array(_)), None) => mismatches.push(Mismatch {
                    path: payload.value.clone(),
                    message: "is an array, but the response describes an object (`fields`); \
                              an array result is declared with `response.items`"
                        .into(),
                }),
                (Some(inner), None) => {
                    mismatches.extend(check_object(&inner, &own, cx, &payload.value, true, false));
                }
            }
        }
        None => {
            let all: Vec<&FieldSpec> = envelope.fields.iter().chain(own).collect();
            let mut found = check_object(&body.value.0, &all, cx, "", true, false);
            // Mismatches of an envelope field are the envelope's constraint, not the endpoint's.
            let theirs = |m: &Mismatch| {
                let head = m.path.split(['.', '[']).next().unwrap_or_default();
                envelope
                    .fields
                    .iter()
                    .any(|f| f.name.as_ref().is_some_and(|n| n.value == head))
            };
            for m in &mut found {
                if theirs(m) {
                    blame_envelope(std::slice::from_mut(m));
                }
            }
            mismatches.extend(found);
        }
    }
    report(cx, file, "sample response body", body, mismatches);
}

/// Says that a mismatch breaks the service's envelope (service.yaml), not the endpoint's own
/// fields: the fix is in the other file.
fn blame_envelope(mismatches: &mut [Mismatch]) {
    for m in mismatches {
        m.message = format!(
            "{} (a constraint of the response envelope, `envelope.fields` in service.yaml)",
            m.message
        );
    }
}

/// Reports each mismatch of a value (a sample, a default, an example) at that value.
pub(super) fn report(
    cx: &mut Cx<'_>,
    file: FileId,
    what: &str,
    value: &Sp<Json>,
    mismatches: Vec<super::value::Mismatch>,
) {
    for mismatch in mismatches {
        let what = if mismatch.path.is_empty() {
            what.to_owned()
        } else {
            format!("{what} at `{}`", mismatch.path)
        };
        cx.report(
            Problem::ConstraintViolated {
                what,
                message: mismatch.message,
            },
            file,
            span(value),
        );
    }
}

fn span(value: &Sp<Json>) -> Span {
    value.span
}

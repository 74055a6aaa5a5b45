//! Cross-check of every Alibaba CCC endpoint spec against Alibaba's official Python SDK
//! (`alibabacloud-ccc20200701`, pinned in scripts/check-sdk-alibaba): action, version, method,
//! style, every parameter's wire name, location and type, every response field's path and type.
//!
//! This test dumps what the specs say (from the lowered model, so shared types and the envelope
//! are resolved as every output sees them) to target/sdk-alibaba/spec.json and runs
//! scripts/check-sdk-alibaba on it, which installs the pinned package if needed and compares it
//! with the SDK's client and models, read as source (never imported). Differences must be in
//! tests/sdk/alibaba_ccc_known_differences.json, each with its reason; a difference that is not
//! listed, or a listed one that no longer occurs, fails. There is no skip: without python3 or
//! the package the script fails and so does this test.

use std::process::Command;

use serde_json::{Value, json};
use switchboard_codegen::Builder;
use switchboard_codegen::model::{
    AuthScheme, DispatchIn, Endpoint, Field, Model, NamedType, Service, Type, TypeKind,
};
use switchboard_tests::root;

/// The service whose specs the SDK describes; found by its signing scheme, which names the
/// action and version parameters the SDK's `Params(action=…, version=…)` correspond to.
fn rpc_service(model: &Model) -> (&Service, &str, &str) {
    model
        .services
        .iter()
        .find_map(|s| {
            s.auth.schemes.iter().find_map(|scheme| match scheme {
                AuthScheme::SignedHeadersHmacSha256 {
                    action_param,
                    version_param,
                    ..
                } => Some((s, action_param.as_str(), version_param.as_str())),
                _ => None,
            })
        })
        .expect("a service signed with signed_headers_hmac_sha256")
}

/// The kind of a type as the comparison sees it (a shared type is its definition's kind).
fn kind<'a>(types: &'a [NamedType], ty: &'a Type) -> &'a TypeKind {
    match &ty.kind {
        TypeKind::Named { id, .. } => {
            let named = types
                .iter()
                .find(|t| t.name.wire == id.0)
                .expect("lowering resolved the type");
            kind(types, &named.ty)
        }
        other => other,
    }
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::String => "string",
        TypeKind::Integer => "integer",
        TypeKind::Number => "number",
        TypeKind::Boolean => "boolean",
        TypeKind::Json => "json",
        TypeKind::Object { .. } => "object",
        TypeKind::Array { .. } => "array",
        TypeKind::Map { .. } => "map",
        TypeKind::Named { .. } => unreachable!("resolved by kind()"),
    }
}

/// Every field under `prefix`, depth first: `Data.CallContext.ChannelContexts[].Index`.
fn walk(types: &[NamedType], prefix: &str, ty: &Type, out: &mut Vec<Value>) {
    let k = kind(types, ty);
    out.push(json!({"path": prefix, "type": kind_name(k)}));
    match k {
        TypeKind::Object { fields, .. } => walk_fields(types, prefix, fields, out),
        TypeKind::Array { items } => walk(types, &format!("{prefix}[]"), items, out),
        _ => {}
    }
}

fn walk_fields(types: &[NamedType], prefix: &str, fields: &[Field], out: &mut Vec<Value>) {
    for field in fields {
        let path = if prefix.is_empty() {
            field.name.wire.clone()
        } else {
            format!("{prefix}.{}", field.name.wire)
        };
        walk(types, &path, &field.ty, out);
    }
}

fn endpoint_json(service: &Service, endpoint: &Endpoint, action: &str, version: &str) -> Value {
    let dispatch = |name: &str| {
        endpoint
            .dispatch
            .iter()
            .find(|d| d.name == name)
            .map(|d| d.value.clone())
    };
    let action_in_query = endpoint
        .dispatch
        .iter()
        .any(|d| d.name == action && d.location == DispatchIn::Query);
    // RPC: one path, the action in the query; otherwise a resource path (ROA).
    let style = if endpoint.path == "/" && action_in_query {
        "RPC"
    } else {
        "ROA"
    };
    let params: Vec<Value> = endpoint
        .params
        .iter()
        .map(|p| {
            json!({
                "name": p.field.name.wire,
                "in": p.location,
                "type": kind_name(kind(&service.types, &p.field.ty)),
            })
        })
        .chain(endpoint.request.iter().flat_map(|body| {
            body.fields.iter().map(|f| {
                json!({
                    "name": f.name.wire,
                    "in": "body",
                    "type": kind_name(kind(&service.types, &f.ty)),
                })
            })
        }))
        .collect();
    let mut response = Vec::new();
    // The envelope's own fields, then the endpoint's under its payload field.
    for field in &service.envelope.fields {
        if Some(&field.name.wire) == endpoint.payload.as_ref() {
            response.push(json!({"path": field.name.wire, "type": "object"}));
            continue;
        }
        walk(&service.types, &field.name.wire, &field.ty, &mut response);
    }
    let fields = endpoint.response.as_ref().map_or(&[][..], |r| &r.fields);
    walk_fields(
        &service.types,
        endpoint.payload.as_deref().unwrap_or(""),
        fields,
        &mut response,
    );
    json!({
        "id": endpoint.id.0,
        "action": dispatch(action),
        "version": dispatch(version),
        "method": endpoint.method.as_str(),
        "style": style,
        "params": params,
        "response": response,
    })
}

#[test]
fn alibaba_specs_agree_with_the_official_sdk() {
    let root = root();
    let (model, _) = Builder::new()
        .specs_dir(root.join("specs"))
        .build()
        .unwrap_or_else(|e| panic!("the vendor specs build:\n{e}"));
    let (service, action, version) = rpc_service(&model);
    let endpoints: Vec<Value> = service
        .endpoints
        .iter()
        .map(|e| endpoint_json(service, e, action, version))
        .collect();
    assert!(endpoints.len() >= 20, "every Alibaba endpoint is compared");
    let dir = root.join("target/sdk-alibaba");
    std::fs::create_dir_all(&dir).expect("target/sdk-alibaba");
    let dump = dir.join("spec.json");
    let text =
        serde_json::to_string_pretty(&json!({"service": service.name, "endpoints": endpoints}))
            .expect("JSON");
    std::fs::write(&dump, text).expect("write the dump");

    let output = Command::new("bash")
        .arg(root.join("scripts/check-sdk-alibaba"))
        .arg(&dump)
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the Alibaba specs disagree with the official SDK (or the check could not run):\n{stdout}\n{stderr}"
    );
    // The checker reports how much it compared; a run that compared nothing proves nothing.
    assert!(
        stdout.contains(&format!("{} endpoints", endpoints.len())),
        "unexpected checker report:\n{stdout}"
    );
}

//! A deterministic synthetic spec set: one service with N endpoints shaped like
//! contact-center vendor endpoints, in switchboard's YAML format.
//!
//! The shape is the one `shared/bench/synth_openapi.py` emits as OpenAPI, endpoint for
//! endpoint (same resources, verbs, paths, parameter and field names), so that what progenitor
//! reads (our 3.0.3 export of this spec) describes the same API as that script:
//!
//! - `POST /v2/{resource}/{<resource>Id}/<verb>-<i>` with one required string path parameter
//!   and one required header `X-Tenant-Id`;
//! - a JSON body `{contactId: string (required), priority: int32 (required), attributes:
//!   {channel, language} (optional nested object)}`;
//! - a response `{id: string (required), status: string (required), queue: {queueId,
//!   waitSeconds}, items: [{itemId, kind, score}]}`;
//! - a service without auth whose envelope has no result code (`http_status_errors: true`).
//!
//! Output is byte-identical for a given N.

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

/// Name of the synthetic service (its folder under the specs folder, its crate `switchboard-synth`).
pub const SERVICE: &str = "synth";

const RESOURCES: [&str; 8] = [
    "contacts",
    "queues",
    "agents",
    "calls",
    "campaigns",
    "routing-profiles",
    "recordings",
    "conversations",
];
const VERBS: [&str; 8] = [
    "search", "update", "transfer", "start", "stop", "assign", "tag", "export",
];

/// One synthetic endpoint's names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// switchboard endpoint id, lower snake case: `search_contact_0000`.
    pub id: String,
    /// The operation's Pascal-case name: `SearchContact0000` (the endpoint's title).
    pub op: String,
    /// Path template: `/v2/contacts/{contactId}/search-0000`.
    pub path: String,
    /// The path parameter: `contactId`.
    pub path_param: String,
    /// Summary: `Search contact (0).`
    pub summary: String,
}

fn camel(s: &str) -> String {
    s.split(['-', '_'])
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn singular(resource: &str) -> &str {
    resource.strip_suffix('s').unwrap_or(resource)
}

/// The names of endpoint `i`, as `synth_openapi.py` makes them.
pub fn endpoint(i: usize) -> Endpoint {
    let resource = RESOURCES[i % RESOURCES.len()];
    let verb = VERBS[(i / RESOURCES.len()) % VERBS.len()];
    let one = singular(resource);
    let op = format!("{}{}{i:04}", camel(verb), camel(one));
    let mut words = one.split('-');
    let first = words.next().unwrap_or_default().to_owned();
    let path_param = format!("{first}{}Id", words.map(camel).collect::<String>());
    Endpoint {
        id: format!("{verb}_{}_{i:04}", one.replace('-', "_")),
        path: format!("/v2/{resource}/{{{path_param}}}/{verb}-{i:04}"),
        summary: format!("{} {} ({i}).", camel(verb), one.replace('-', " ")),
        op,
        path_param,
    }
}

/// `service.yaml` of the synthetic service.
pub fn service_yaml(n: usize) -> String {
    format!(
        "# yaml-language-server: $schema=../../generated/schema/service.schema.json
name: {SERVICE}
title: Synthetic Contact Center API
vendor: Synthetic
api_version: \"1.0.0\"
description: Synthetic benchmark spec set with {n} endpoints.
base_url:
  template: https://api.example.invalid
auth:
  schemes:
    - none
envelope:
  http_status_errors: true
"
    )
}

/// `endpoints/<id>.yaml` of endpoint `i`.
pub fn endpoint_yaml(i: usize) -> String {
    let e = endpoint(i);
    let mut y = String::with_capacity(1400);
    // `writeln!` into a String cannot fail.
    let _ = write!(
        y,
        "# yaml-language-server: $schema=../../../generated/schema/endpoint.schema.json
id: {id}
title: {op}
summary: {summary}
method: POST
path: {path}
params:
  - name: {param}
    in: path
    type: string
    required: true
",
        id = e.id,
        op = e.op,
        summary = e.summary,
        path = e.path,
        param = e.path_param,
    );
    if e.path_param == "contactId" {
        // The body also has `contactId`: one Rust name must give way.
        y.push_str("    rust_name: path_contact_id\n");
    }
    y.push_str(
        "  - name: X-Tenant-Id
    in: header
    type: string
    required: true
request:
  fields:
    - name: contactId
      type: string
      required: true
      description: Contact identifier.
    - name: priority
      type: integer
      format: int32
      required: true
      description: Routing priority.
    - name: attributes
      type: object
      fields:
        - {name: channel, type: string}
        - {name: language, type: string}
response:
  fields:
    - {name: id, type: string, required: true}
    - {name: status, type: string, required: true}
    - name: queue
      type: object
      fields:
        - {name: queueId, type: string}
        - {name: waitSeconds, type: integer, format: int32}
    - name: items
      type: array
      items:
        type: object
        fields:
          - {name: itemId, type: string}
          - {name: kind, type: string}
          - {name: score, type: integer, format: int32}
source:
",
    );
    let _ = writeln!(y, "  url: https://api.example.invalid/docs/{}", e.op);
    y
}

/// Writes the spec set with `n` endpoints under `specs_dir` (`<specs_dir>/synth/service.yaml`
/// and `<specs_dir>/synth/endpoints/*.yaml`), replacing an older one; returns the service
/// folder.
pub fn write_spec_set(specs_dir: &Path, n: usize) -> io::Result<PathBuf> {
    let service = specs_dir.join(SERVICE);
    if service.exists() {
        std::fs::remove_dir_all(&service)?;
    }
    let endpoints = service.join("endpoints");
    std::fs::create_dir_all(&endpoints)?;
    std::fs::write(service.join("service.yaml"), service_yaml(n))?;
    for i in 0..n {
        std::fs::write(
            endpoints.join(format!("{}.yaml", endpoint(i).id)),
            endpoint_yaml(i),
        )?;
    }
    Ok(service)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_synth_openapi_py() {
        let e = endpoint(0);
        assert_eq!(e.op, "SearchContact0000");
        assert_eq!(e.path, "/v2/contacts/{contactId}/search-0000");
        let e = endpoint(5);
        assert_eq!(e.op, "SearchRoutingProfile0005");
        assert_eq!(e.id, "search_routing_profile_0005");
        assert_eq!(
            e.path,
            "/v2/routing-profiles/{routingProfileId}/search-0005"
        );
        assert_eq!(e.summary, "Search routing profile (5).");
        let e = endpoint(9);
        assert_eq!(e.op, "UpdateQueue0009");
        assert_eq!(endpoint(64).op, "SearchContact0064");
        assert_eq!(endpoint(12345).id, "export_queue_12345");
    }
}

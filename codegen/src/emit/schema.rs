//! JSON Schema of the spec format, for editors (yaml-language-server) to complete and check keys.
//! Made from the same structs the loader decodes into, so the two cannot disagree.

use schemars::generate::SchemaSettings;

use super::Outputs;
use crate::spec::{EndpointSpec, ServiceSpec};

/// File name of the service-file schema under `schema/`.
pub const SERVICE_SCHEMA: &str = "service.schema.json";
/// File name of the endpoint-file schema under `schema/`.
pub const ENDPOINT_SCHEMA: &str = "endpoint.schema.json";

/// Writes `schema/service.schema.json` and `schema/endpoint.schema.json`.
pub fn emit_schema(out: &mut Outputs) {
    out.add(
        format!("schema/{SERVICE_SCHEMA}"),
        render::<ServiceSpec>("switchboard service spec", SERVICE_SCHEMA),
    );
    out.add(
        format!("schema/{ENDPOINT_SCHEMA}"),
        render::<EndpointSpec>("switchboard endpoint spec", ENDPOINT_SCHEMA),
    );
}

fn render<T: schemars::JsonSchema>(title: &str, id: &str) -> Vec<u8> {
    let generator = SchemaSettings::draft07().into_generator();
    let mut schema = generator.into_root_schema_for::<T>();
    schema.insert("title".into(), title.into());
    schema.insert(
        "$id".into(),
        format!("https://switchboard.invalid/schema/{id}").into(),
    );
    let mut text = serde_json::to_string_pretty(&schema).expect("a JSON Schema always serializes");
    text.push('\n');
    text.into_bytes()
}

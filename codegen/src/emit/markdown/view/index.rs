//! The index page and SUMMARY.md.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{EndpointRow, LinkView, endpoint_path, scheme_names};
use crate::model::Model;

#[derive(Debug, Serialize)]
pub struct IndexView {
    services: Vec<ServiceRow>,
    columns: Vec<LinkView>,
    capabilities: Vec<CapabilityRow>,
    vendors: Vec<VendorRow>,
    endpoints: Vec<EndpointRow>,
}

#[derive(Debug, Serialize)]
struct ServiceRow {
    title: String,
    href: String,
    name: String,
    vendor: String,
    api_version: String,
    base_url: String,
    auth_key: Option<&'static str>,
    auth_label: Option<&'static str>,
    endpoints: usize,
}

#[derive(Debug, Serialize)]
struct CapabilityRow {
    tag: String,
    cells: Vec<Vec<LinkView>>,
}

#[derive(Debug, Serialize)]
struct VendorRow {
    vendor: String,
    apis: usize,
    endpoints: usize,
}

/// The index view.
pub fn index(model: &Model) -> IndexView {
    let services = model
        .services
        .iter()
        .map(|s| {
            let auth = s.auth.schemes.first().map(scheme_names);
            ServiceRow {
                title: s.title.clone(),
                href: format!("{}/README.md", s.name),
                name: s.name.clone(),
                vendor: s.vendor.clone(),
                api_version: s.api_version.clone(),
                base_url: s.base_url.template.clone(),
                auth_key: auth.map(|a| a.0),
                auth_label: auth.map(|a| a.1),
                endpoints: s.endpoints.len(),
            }
        })
        .collect();

    // A column per service, headed by its vendor, or by vendor and title when a vendor has two.
    let columns = model
        .services
        .iter()
        .map(|s| {
            let shared = model
                .services
                .iter()
                .filter(|o| o.vendor == s.vendor)
                .count()
                > 1;
            LinkView {
                text: if shared {
                    format!("{} ({})", s.vendor, s.title)
                } else {
                    s.vendor.clone()
                },
                href: format!("{}/README.md", s.name),
            }
        })
        .collect();
    let mut tags: BTreeMap<&str, Vec<Vec<LinkView>>> = BTreeMap::new();
    for (i, s) in model.services.iter().enumerate() {
        for e in &s.endpoints {
            if let Some(tag) = &e.capability {
                let cells = tags
                    .entry(tag)
                    .or_insert_with(|| vec![Vec::new(); model.services.len()]);
                cells[i].push(LinkView {
                    text: e.title.clone(),
                    href: endpoint_path(s, e),
                });
            }
        }
    }
    let capabilities = tags
        .into_iter()
        .map(|(tag, cells)| CapabilityRow {
            tag: tag.to_owned(),
            cells,
        })
        .collect();

    let mut vendors: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for s in &model.services {
        let v = vendors.entry(&s.vendor).or_default();
        v.0 += 1;
        v.1 += s.endpoints.len();
    }
    let vendors = vendors
        .into_iter()
        .map(|(vendor, (apis, endpoints))| VendorRow {
            vendor: vendor.to_owned(),
            apis,
            endpoints,
        })
        .collect();

    let endpoints = model
        .services
        .iter()
        .flat_map(|s| {
            s.endpoints.iter().map(move |e| EndpointRow {
                title: e.title.clone(),
                href: endpoint_path(s, e),
                api: s.title.clone(),
                method: e.method.as_str(),
                path: e.path.clone(),
                capability: e.capability.clone(),
                summary: e.summary.clone(),
            })
        })
        .collect();

    IndexView {
        services,
        columns,
        capabilities,
        vendors,
        endpoints,
    }
}

/// SUMMARY.md.
#[derive(Debug, Serialize)]
pub struct SummaryView {
    services: Vec<SummaryService>,
}

#[derive(Debug, Serialize)]
struct SummaryService {
    title: String,
    href: String,
    endpoints: Vec<LinkView>,
}

/// The SUMMARY view.
pub fn summary(model: &Model) -> SummaryView {
    SummaryView {
        services: model
            .services
            .iter()
            .map(|s| SummaryService {
                title: s.title.clone(),
                href: format!("{}/README.md", s.name),
                endpoints: s
                    .endpoints
                    .iter()
                    .map(|e| LinkView {
                        text: e.title.clone(),
                        href: endpoint_path(s, e),
                    })
                    .collect(),
            })
            .collect(),
    }
}

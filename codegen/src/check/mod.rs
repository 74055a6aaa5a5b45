//! Semantic checks on the decoded specs, one pass per file. Every pass reports into one
//! [`Errors`]; the pipeline stops after the phase when anything was reported.

mod collisions;
mod constraints;
mod delivery;
mod event_samples;
mod idempotent;
mod inferred;
mod names;
mod page;
mod references;
mod samples;
mod templates;
pub(crate) mod value;

use crate::diag::{Diagnostic, Errors, FileId, Loc, Problem, SourceMap, Span};
use crate::spec::{FieldSpec, ServiceFiles, SpecSet};

/// Runs every pass; returns all problems found, sorted by place.
pub fn check(set: &SpecSet) -> Result<(), Vec<Diagnostic>> {
    let mut errors = Errors::default();
    for (problem, loc) in &set.resolution {
        errors.report(problem.clone(), *loc);
    }
    for service in &set.services {
        let mut cx = Cx {
            service,
            sources: &set.sources,
            errors: &mut errors,
        };
        names::check_names(&mut cx);
        templates::check_templates(&mut cx);
        references::check_references(&mut cx);
        delivery::check_delivery(&mut cx);
        constraints::check_constraints(&mut cx);
        samples::check_samples(&mut cx);
        event_samples::check_event_samples(&mut cx);
        collisions::check_collisions(&mut cx);
        inferred::check_inferred(&mut cx);
        idempotent::check_idempotent(&mut cx);
        page::check_page(&mut cx);
    }
    errors.finish()
}

/// What a pass sees: one vendor's files and the error sink.
pub(crate) struct Cx<'a> {
    pub service: &'a ServiceFiles,
    pub sources: &'a SourceMap,
    pub errors: &'a mut Errors,
}

impl Cx<'_> {
    pub fn report(&mut self, problem: Problem, file: FileId, span: Span) {
        self.errors.report(problem, Loc { file, span });
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.errors.push(diagnostic);
    }

    /// A shared type by name.
    pub fn named_type(&self, name: &str) -> Option<&FieldSpec> {
        self.service
            .spec
            .types
            .iter()
            .find(|t| t.name.as_ref().is_some_and(|n| n.value == name))
    }

    /// Every shared type's name.
    pub fn type_names(&self) -> impl Iterator<Item = &str> {
        self.service
            .spec
            .types
            .iter()
            .filter_map(|t| t.name.as_ref().map(|n| n.value.as_str()))
    }
}

/// The primitive type names a field may use besides shared types.
pub const PRIMITIVES: &[&str] = &[
    "string", "integer", "number", "boolean", "object", "array", "map", "json",
];

/// Visits a field and every field nested in it (items, object fields, map values).
pub(crate) fn walk_fields<'a>(fields: &'a [FieldSpec], f: &mut impl FnMut(&'a FieldSpec)) {
    for field in fields {
        walk_field(field, f);
    }
}

pub(crate) fn walk_field<'a>(field: &'a FieldSpec, f: &mut impl FnMut(&'a FieldSpec)) {
    f(field);
    if let Some(items) = &field.items {
        walk_field(items, f);
    }
    if let Some(additional) = &field.additional {
        walk_field(additional, f);
    }
    walk_fields(&field.fields, f);
}

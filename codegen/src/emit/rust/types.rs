//! Rust types for the model's types: structs for objects, open enums for documented values.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use super::docs::{code, markdown, vendor};
use crate::model::{Field, INFERRED_LABEL, Inferred, Service, Type, TypeKind, sentence};
use crate::naming;

/// Makes an identifier from a name `naming` produced (raw identifiers included).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// How a module names the standard library's types: fully qualified (`::std::string::String`)
/// in modules whose item names come from the spec (shared types, events, the crate root: a
/// vendor type may be called `Result`), by their prelude names in endpoint modules, where every
/// generated name is the endpoint's name followed by a capitalized part (`SendMsgRequestBody`)
/// and so can never be `String`, `Option`, `Vec`, `Box`, `Result`, `Into` or `From`, which
/// have no inner capital. Shorter paths are shorter docs and less text to parse and print.
#[derive(Clone, Copy, Debug)]
pub struct Std {
    prelude: bool,
}

impl Std {
    /// Fully qualified paths.
    pub const QUALIFIED: Std = Std { prelude: false };
    /// Prelude names.
    pub const PRELUDE: Std = Std { prelude: true };

    /// `name`, or `::std::module::name`.
    fn path(self, module: &str, name: &str) -> TokenStream {
        let name = format_ident!("{name}");
        if self.prelude {
            quote!(#name)
        } else {
            let module = format_ident!("{module}");
            quote!(::std::#module::#name)
        }
    }

    /// `String`.
    pub fn string(self) -> TokenStream {
        self.path("string", "String")
    }

    /// `Option<T>`.
    pub fn option(self, ty: &TokenStream) -> TokenStream {
        let path = self.path("option", "Option");
        quote!(#path<#ty>)
    }

    /// `Vec<T>`.
    pub fn vec(self, ty: &TokenStream) -> TokenStream {
        let path = self.path("vec", "Vec");
        quote!(#path<#ty>)
    }

    /// `Box<T>`.
    pub fn boxed(self, ty: &TokenStream) -> TokenStream {
        let path = self.path("boxed", "Box");
        quote!(#path<#ty>)
    }

    /// `Result<T, E>`.
    pub fn result(self, ok: &TokenStream, err: &TokenStream) -> TokenStream {
        let path = self.path("result", "Result");
        quote!(#path<#ok, #err>)
    }

    /// The `From` trait.
    pub fn from(self) -> TokenStream {
        self.path("convert", "From")
    }
}

/// Collects the type definitions one generated module needs.
pub struct Types<'a> {
    /// How the module names standard types.
    pub std: Std,
    /// The service, for named types.
    pub service: &'a Service,
    /// Definitions emitted so far, in order.
    pub defs: Vec<TokenStream>,
    seen: BTreeSet<String>,
    /// Shared types that contain themselves by value; references to them are boxed.
    recursive: BTreeSet<String>,
}

impl<'a> Types<'a> {
    /// An empty collection for a module that names standard types as `std`.
    pub fn new(service: &'a Service, std: Std) -> Self {
        let recursive = service
            .types
            .iter()
            .filter(|t| reaches(service, &t.ty, &t.name.wire, &mut BTreeSet::new()))
            .map(|t| t.name.wire.clone())
            .collect();
        Types {
            std,
            service,
            defs: Vec::new(),
            seen: BTreeSet::new(),
            recursive,
        }
    }

    /// The Rust type of `ty`; nested objects and enums are defined as a side effect. `hint`
    /// names an enum made for documented values.
    pub fn rust_type(&mut self, ty: &Type, hint: &str) -> TokenStream {
        match &ty.kind {
            TypeKind::String if !ty.values.is_empty() => self.open_enum(hint, ty, None),
            TypeKind::Integer if !ty.values.is_empty() => self.open_enum(hint, ty, None),
            TypeKind::String => self.std.string(),
            TypeKind::Integer => integer(ty),
            TypeKind::Number => quote!(f64),
            TypeKind::Boolean => quote!(bool),
            TypeKind::Json => quote!(::switchboard_runtime::serde_json::Value),
            TypeKind::Object { rust, fields } => {
                let name = ident(rust);
                if self.seen.insert(rust.clone()) {
                    let def = self.struct_def(
                        rust,
                        quote!(#[doc = " An object of the response or request."]),
                        fields,
                    );
                    self.defs.push(def);
                }
                quote!(#name)
            }
            TypeKind::Array { items } => {
                let inner = self.rust_type(items, &format!("{hint}Item"));
                self.std.vec(&inner)
            }
            TypeKind::Map { values } => {
                let inner = self.rust_type(values, &format!("{hint}Value"));
                let string = self.std.string();
                quote!(::std::collections::BTreeMap<#string, #inner>)
            }
            TypeKind::Named { rust, id } => {
                let name = ident(rust);
                // Every generated module sits directly under the crate (or include!) root.
                if self.recursive.contains(&id.0) {
                    self.std.boxed(&quote!(super::types::#name))
                } else {
                    quote!(super::types::#name)
                }
            }
        }
    }

    /// A struct with the given fields; optional fields are `Option`s skipped when absent.
    pub fn struct_def(&mut self, name: &str, docs: TokenStream, fields: &[Field]) -> TokenStream {
        self.struct_def_with(name, docs, fields, None)
    }

    /// [`struct_def`](Self::struct_def) plus one member `extra` = (Rust name, type) that is not
    /// on the wire of this object (the `Output`'s envelope, filled in from the whole body): an
    /// `Option`, `None` when the value is decoded on its own.
    pub fn struct_def_with(
        &mut self,
        name: &str,
        docs: TokenStream,
        fields: &[Field],
        extra: Option<(&str, TokenStream, &str)>,
    ) -> TokenStream {
        let name_ident = ident(name);
        let mut members = Vec::new();
        let mut defaultable = true;
        for field in fields {
            let hint = format!(
                "{name}{}",
                naming::member_type_ident(&field.name.wire, &field.name.rust)
            );
            let ty = if field.secret {
                quote!(::switchboard_runtime::Secret)
            } else {
                self.rust_type(&field.ty, &hint)
            };
            defaultable &= !field.required || (!field.secret && self.has_default(&field.ty));
            members.push(self.member(field, ty));
        }
        let mut skipped = None;
        if let Some((rust, ty, doc)) = extra {
            let field = ident(rust);
            let ty = self.std.option(&ty);
            let docs = super::docs::markdown(doc);
            members.push(quote!(#docs pub #field: #ty,));
            skipped = Some(quote!(skip #field = ""));
        }
        let default = defaultable.then(|| quote!(Default,));
        let partial_eq = (!fields.iter().any(|f| f.secret)).then(|| quote!(PartialEq,));
        let json = json_impls(&name_ident, fields, skipped);
        quote! {
            #docs
            #[derive(Clone, Debug, #partial_eq #default)]
            #[non_exhaustive]
            pub struct #name_ident {
                #(#members)*
            }
            #json
        }
    }

    fn member(&self, field: &Field, ty: TokenStream) -> TokenStream {
        let name = ident(&field.name.rust);
        let docs = field_docs(field);
        if field.required {
            quote!(#docs pub #name: #ty,)
        } else {
            let ty = self.std.option(&ty);
            quote!(#docs pub #name: #ty,)
        }
    }

    /// Whether the Rust type of `ty` implements `Default`.
    pub fn has_default(&self, ty: &Type) -> bool {
        match &ty.kind {
            TypeKind::String | TypeKind::Integer => ty.values.is_empty(),
            TypeKind::Named { id, .. } => self
                .service
                .types
                .iter()
                .find(|t| t.name.wire == id.0)
                .is_some_and(|t| self.has_default(&t.ty) && fields_default(self, &t.ty)),
            TypeKind::Object { fields, .. } => fields
                .iter()
                .all(|f| !f.required || self.has_default(&f.ty)),
            _ => true,
        }
    }

    /// An open enumeration: one variant per documented value and one keeping anything else.
    pub fn open_enum(&mut self, name: &str, ty: &Type, docs: Option<TokenStream>) -> TokenStream {
        let enum_ident = ident(name);
        if !self.seen.insert(name.to_owned()) {
            return quote!(#enum_ident);
        }
        let integer = matches!(ty.kind, TypeKind::Integer);
        let base = if integer {
            quote!(i64)
        } else {
            self.std.string()
        };
        let from = self.std.from();
        let mut variants = Vec::new();
        let mut from_arms = Vec::new();
        let mut into_arms = Vec::new();
        for value in &ty.values {
            let variant = ident(&value.rust);
            let shown = naming::value_text(&value.value);
            let vdoc = markdown(&match &value.description {
                Some(d) => format!("{}: {}", code(&shown), vendor(d)),
                None => format!("{}.", code(&shown)),
            });
            // A variant named by the spec (`rust_name`) stays findable by its wire value.
            let alias = (value.rust != naming::variant_ident(&shown)
                && naming::doc_alias_ok(&shown))
            .then(|| quote!(#[doc(alias = #shown)]));
            variants.push(quote!(#vdoc #alias #variant,));
            if integer {
                let lit = value.value.as_i64().unwrap_or_default();
                from_arms.push(quote!(#lit => Self::#variant,));
                into_arms.push(quote!(#enum_ident::#variant => #lit,));
            } else {
                from_arms.push(quote!(#shown => Self::#variant,));
                into_arms.push(quote!(#enum_ident::#variant => #shown.to_owned(),));
            }
        }
        let docs = docs
            .unwrap_or_else(|| quote!(#[doc = " Documented values; others are kept as received."]));
        let (from_match, str_impl) = if integer {
            (
                quote!(match value { #(#from_arms)* _ => Self::UnknownValue(value) }),
                quote!(),
            )
        } else {
            (
                quote!(match value.as_str() { #(#from_arms)* _ => Self::UnknownValue(value) }),
                quote! {
                    impl #from<&str> for #enum_ident {
                        fn from(value: &str) -> Self {
                            Self::from(value.to_owned())
                        }
                    }
                },
            )
        };
        let shims = serde_shims(&enum_ident);
        let result = self.std.result(
            &quote!(Self),
            &quote!(::switchboard_runtime::wire::WireError),
        );
        self.defs.push(quote! {
            #docs
            #[derive(Clone, Debug, PartialEq, Eq, Hash)]
            #[non_exhaustive]
            pub enum #enum_ident {
                #(#variants)*
                /// A value the documentation does not list, kept as received.
                UnknownValue(#base),
            }
            impl #from<#base> for #enum_ident {
                fn from(value: #base) -> Self {
                    #from_match
                }
            }
            #str_impl
            impl #from<#enum_ident> for #base {
                fn from(value: #enum_ident) -> Self {
                    match value {
                        #(#into_arms)*
                        #enum_ident::UnknownValue(value) => value,
                    }
                }
            }
            impl ::switchboard_runtime::wire::ToJson for #enum_ident {
                #[inline]
                fn to_json(&self) -> ::switchboard_runtime::serde_json::Value {
                    ::switchboard_runtime::wire::ToJson::to_json(&#base::from(self.clone()))
                }
            }
            impl ::switchboard_runtime::wire::FromJson for #enum_ident {
                #[inline]
                fn from_json(value: ::switchboard_runtime::serde_json::Value) -> #result {
                    <#base as ::switchboard_runtime::wire::FromJson>::from_json(value).map(Self::from)
                }
            }
            #shims
        });
        quote!(#enum_ident)
    }
}

/// `ToJson`, `FromJson` and the serde shims of a struct, through the runtime's `wire_object!`:
/// one line per field. The impls it expands to are one non-generic function per direction (a
/// call per field); serde's derives would make every struct a generic visitor that rustc
/// type-checks and, for the deserializer in use, compiles: most of a client's build time. Both
/// functions are `#[inline]`, so only the direction a crate uses is compiled (a response
/// type's `to_json` only where someone serializes an output). Keeping the impls in the runtime
/// also keeps them out of the generated text, which the generator would otherwise parse and
/// print again for every struct.
fn json_impls(name: &Ident, fields: &[Field], skipped: Option<TokenStream>) -> TokenStream {
    let fields = wire_members(fields.iter()).chain(skipped);
    quote!(::switchboard_runtime::wire_object!(#name { #(#fields),* });)
}

/// The `wire_object!` members of these fields: `required name = "wire"` or `optional ...`.
pub fn wire_members<'a>(
    fields: impl Iterator<Item = &'a Field>,
) -> impl Iterator<Item = TokenStream> {
    fields.map(|f| {
        let (field, wire) = (ident(&f.name.rust), &f.name.wire);
        let presence = if f.required {
            quote!(required)
        } else {
            quote!(optional)
        };
        quote!(#presence #field = #wire)
    })
}

/// `serde::Serialize` and `Deserialize` through the type's JSON form.
fn serde_shims(name: &Ident) -> TokenStream {
    quote!(::switchboard_runtime::serde_via_json!(#name);)
}

/// Opens every module that defines types: `ToJson` in scope for `value.to_json()` (anonymous,
/// so no spec name can clash with it; unused in a module without object fields).
pub fn json_prelude() -> TokenStream {
    quote! {
        #[allow(unused_imports)]
        use ::switchboard_runtime::wire::ToJson as _;
    }
}

/// Whether `ty` contains the shared type `target` by value (not behind a `Vec` or map).
fn reaches(service: &Service, ty: &Type, target: &str, visited: &mut BTreeSet<String>) -> bool {
    match &ty.kind {
        TypeKind::Object { fields, .. } => fields
            .iter()
            .any(|f| reaches(service, &f.ty, target, visited)),
        TypeKind::Named { id, .. } => {
            if id.0 == target {
                return true;
            }
            if !visited.insert(id.0.clone()) {
                return false;
            }
            service
                .types
                .iter()
                .find(|t| t.name.wire == id.0)
                .is_some_and(|t| reaches(service, &t.ty, target, visited))
        }
        _ => false,
    }
}

fn fields_default(types: &Types<'_>, ty: &Type) -> bool {
    match &ty.kind {
        TypeKind::Object { fields, .. } => fields
            .iter()
            .all(|f| !f.required || types.has_default(&f.ty)),
        _ => true,
    }
}

fn integer(ty: &Type) -> TokenStream {
    match ty.format.as_deref() {
        Some("int32") => quote!(i32),
        Some("uint32") => quote!(u32),
        Some("uint64") => quote!(u64),
        _ => quote!(i64),
    }
}

/// Docs of a field: description, English rendering, constraints, default, example.
pub fn field_docs(field: &Field) -> TokenStream {
    let mut parts: Vec<String> = Vec::new();
    parts.extend(field.description.as_deref().map(vendor));
    parts.extend(field.description_en.as_deref().map(vendor));
    parts.extend(crate::model::page_values_sentence(&field.page_values).map(|s| vendor(&s)));
    parts.extend(field.member_docs.iter().map(|d| vendor(&d.sentence())));
    if field.required_unknown {
        // An `Option` here says nothing about the wire: the page is silent.
        parts.push(crate::model::REQUIRED_UNKNOWN.to_owned());
    }
    if let Some(u) = &field.unconfirmed {
        parts.push(format!("Unconfirmed: {}", vendor(u)));
    }
    parts.extend(inferred_docs(&field.inferred));
    // The facts in one line: a field's docs stay short (a thousand-endpoint client has tens
    // of thousands of fields, every doc line is an attribute to parse and print).
    let mut facts: Vec<String> = Vec::new();
    facts.extend(constraints_text(&field.ty));
    if let Some(d) = &field.default {
        facts.push(format!("Default: {}.", code(&compact(d))));
    }
    if let Some(e) = &field.example {
        facts.push(format!("Example: {}.", code(&compact(e))));
    }
    facts.push(format!("Wire name: {}.", code(&field.name.wire)));
    if field.description.is_none() && field.description_en.is_none() {
        facts.push("Not described by the vendor.".into());
    }
    parts.push(facts.join(" "));
    markdown(&super::docs::sentences(&parts))
}

/// The "inferred" paragraph of a doc comment, the reasons sanitized as vendor prose.
pub fn inferred_docs(inferred: &[Inferred]) -> Option<String> {
    let items: Vec<String> = inferred
        .iter()
        .map(|i| format!("{}: {}", code(&i.key), vendor(&sentence(&i.reason))))
        .collect();
    (!items.is_empty()).then(|| format!("{INFERRED_LABEL}: {}", items.join(" ")))
}

fn compact(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Constraints in words: "Range: 101 to 59999. Length: at most 24."
pub fn constraints_text(ty: &Type) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(r) = &ty.range {
        parts.push(format!("Range: {}.", bounds(r.min, r.max)));
    }
    if let Some(l) = &ty.length {
        parts.push(format!("Length: {}.", bounds(l.min, l.max)));
    }
    if let Some(p) = &ty.pattern {
        parts.push(format!(
            "Pattern: {}.",
            code(&crate::emit::anchored_pattern(p))
        ));
    }
    if let Some(f) = &ty.format {
        parts.push(format!("Format: {}.", code(f)));
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

fn bounds(min: Option<f64>, max: Option<f64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("{a} to {b}"),
        (Some(a), None) => format!("at least {a}"),
        (None, Some(b)) => format!("at most {b}"),
        (None, None) => "any".into(),
    }
}

/// Emits `crate::types`: the service's shared types.
pub fn emit_types(service: &Service) -> TokenStream {
    let mut types = Types::new(service, Std::QUALIFIED);
    for named in &service.types {
        let mut text: Vec<String> = [
            named.description.as_deref(),
            named.description_en.as_deref(),
        ]
        .into_iter()
        .flatten()
        .map(vendor)
        .collect();
        if let Some(u) = &named.unconfirmed {
            text.push(format!("Unconfirmed: {}", vendor(u)));
        }
        text.extend(inferred_docs(&named.inferred));
        text.push(format!("Vendor name: {}.", code(&named.name.wire)));
        let docs = markdown(&text.join("\n\n"));
        match &named.ty.kind {
            TypeKind::Object { fields, .. } => {
                if types.seen.insert(named.name.rust.clone()) {
                    let def = types.struct_def(&named.name.rust, docs, fields);
                    types.defs.push(def);
                }
            }
            TypeKind::String | TypeKind::Integer if !named.ty.values.is_empty() => {
                types.open_enum(&named.name.rust, &named.ty, Some(docs));
            }
            _ => {
                let name = format_ident!("{}", named.name.rust);
                let ty = types.rust_type(&named.ty, &named.name.rust);
                types.defs.push(quote!(#docs pub type #name = #ty;));
            }
        }
    }
    let defs = types.defs;
    let prelude = json_prelude();
    quote! {
        /// Types shared by several endpoints and events.
        pub mod types {
            #prelude
            #(#defs)*
        }
    }
}

//! Public items that generated code declares through the runtime's macros, listed as if they
//! were written out: the listing stays what a caller can name, whichever way the emitter
//! spells it. Each function mirrors one `macro_rules!` of `switchboard-runtime`; a generated
//! crate whose listing changes when only the spelling changed shows a mismatch here.

use std::collections::BTreeMap;

use proc_macro2::{Delimiter, Ident, TokenStream, TokenTree};
use quote::quote;

use super::tokens;

/// The macro's name: the last segment of its path (`::switchboard_runtime::client_methods`).
fn name(mac: &syn::Macro) -> String {
    mac.path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

/// Items of a macro invoked where items go (a module).
pub(super) fn module_items(mac: &syn::Macro, prefix: &str, out: &mut BTreeMap<String, String>) {
    match name(mac).as_str() {
        "operation_error" => operation_error(mac.tokens.clone(), prefix, out),
        "operation" => operation(mac.tokens.clone(), prefix, out),
        "request_builder" => {
            if let Ok(builder) = mac.parse_body::<RequestBuilder>() {
                builder.list(prefix, out);
            }
        }
        _ => {}
    }
}

/// `request_builder!(RequestBuilder => Request { #[doc = "…"] field: Type = kind(..), … })`.
struct RequestBuilder {
    builder: Ident,
    request: Ident,
    fields: Vec<(Ident, syn::Type)>,
}

impl syn::parse::Parse for RequestBuilder {
    fn parse(input: syn::parse::ParseStream<'_>) -> syn::Result<Self> {
        let builder: Ident = input.parse()?;
        input.parse::<syn::Token![=>]>()?;
        let request: Ident = input.parse()?;
        let body;
        syn::braced!(body in input);
        let mut fields = Vec::new();
        while !body.is_empty() {
            syn::Attribute::parse_outer(&body)?;
            let name: Ident = body.parse()?;
            body.parse::<syn::Token![:]>()?;
            let ty: syn::Type = body.parse()?;
            body.parse::<syn::Token![=]>()?;
            // The kind and its argument: everything up to the next field.
            while !body.is_empty() && !body.peek(syn::Token![,]) {
                body.parse::<TokenTree>()?;
            }
            if !body.is_empty() {
                body.parse::<syn::Token![,]>()?;
            }
            fields.push((name, ty));
        }
        Ok(RequestBuilder {
            builder,
            request,
            fields,
        })
    }
}

impl RequestBuilder {
    fn list(&self, prefix: &str, out: &mut BTreeMap<String, String>) {
        let (builder, request) = (&self.builder, &self.request);
        let at = format!("{prefix}{builder}");
        out.insert(
            format!("struct {at}"),
            "#[derive(Clone, Debug, Default)]".to_owned(),
        );
        out.insert(
            format!("fn {prefix}{request}::builder"),
            tokens(&quote!(fn builder() -> #builder)),
        );
        for (name, ty) in &self.fields {
            let signature = quote!(fn #name(mut self, value: impl Into<#ty>) -> Self);
            out.insert(format!("fn {at}::{name}"), tokens(&signature));
        }
        out.insert(
            format!("fn {at}::build"),
            tokens(&quote!(fn build(self) -> Result<#request, BuildError>)),
        );
        let send = quote! {
            fn send(self, client: &super::Client) -> impl ::std::future::Future<Output = ::std::result::Result<Output, Error>> + Send + 'static
        };
        out.insert(format!("fn {at}::send"), tokens(&send));
    }
}

/// Items of a macro invoked inside `impl <ty>`.
pub(super) fn impl_items(mac: &syn::Macro, ty: &str, out: &mut BTreeMap<String, String>) {
    if name(mac) == "client_methods" {
        for method in client_methods(mac.tokens.clone()) {
            let signature = quote! {
                fn #method(&self, request: #method::Request) -> impl ::std::future::Future<Output = ::std::result::Result<#method::Output, #method::Error>> + Send + 'static
            };
            out.insert(format!("fn {ty}::{method}"), tokens(&signature));
        }
    }
}

/// `operation!(Request => Output, Error, parse_response, endpoint { … })`: the endpoint's
/// consts (the other forms declare no item).
fn operation(stream: TokenStream, prefix: &str, out: &mut BTreeMap<String, String>) {
    let declares = stream
        .into_iter()
        .any(|tree| matches!(tree, TokenTree::Ident(ident) if ident == "endpoint"));
    if declares {
        for (name, ty) in [
            ("ID", "&str"),
            ("METHOD", "&str"),
            ("PATH", "&str"),
            ("IDEMPOTENT", "bool"),
        ] {
            out.insert(format!("const {prefix}{name}"), ty.to_owned());
        }
    }
}

/// `client_methods! { #[doc = "…"] name; … }`: the names.
fn client_methods(stream: TokenStream) -> Vec<Ident> {
    stream
        .into_iter()
        .filter_map(|tree| match tree {
            TokenTree::Ident(ident) => Some(ident),
            _ => None,
        })
        .collect()
}

/// `operation_error!(enum Error, ID, …, { #[…] "code" => Variant, … })`: the enum and its
/// variants (the form without `enum` declares no item).
fn operation_error(stream: TokenStream, prefix: &str, out: &mut BTreeMap<String, String>) {
    let trees: Vec<TokenTree> = stream.into_iter().collect();
    let (Some(TokenTree::Ident(keyword)), Some(TokenTree::Ident(error))) =
        (trees.first(), trees.get(1))
    else {
        return;
    };
    if keyword != "enum" {
        return;
    }
    let at = format!("{prefix}{error}");
    out.insert(
        format!("enum {at}"),
        "#[derive(Debug)] #[non_exhaustive]".to_owned(),
    );
    let codes = trees.iter().rev().find_map(|tree| match tree {
        TokenTree::Group(group) if group.delimiter() == Delimiter::Brace => Some(group.stream()),
        _ => None,
    });
    let api_error = "(::switchboard_runtime::response::ApiError)";
    // A variant is the identifier after `=>`; attributes are `#` plus a bracket group.
    let codes: Vec<TokenTree> = codes.into_iter().flatten().collect();
    for pair in codes.windows(2) {
        if let [TokenTree::Punct(arrow), TokenTree::Ident(variant)] = pair
            && arrow.as_char() == '>'
        {
            out.insert(format!("variant {at}::{variant}"), api_error.to_owned());
        }
    }
    for (variant, fields) in [
        ("Service", api_error),
        ("Undocumented", api_error),
        ("Decode", "(::switchboard_runtime::response::DecodeError)"),
        ("Build", "(BuildError)"),
        ("Send", "(::switchboard_runtime::auth::SendError)"),
    ] {
        out.insert(format!("variant {at}::{variant}"), fields.to_owned());
    }
}

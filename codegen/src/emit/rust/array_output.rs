//! The `Output` of an endpoint whose result is a JSON array (`response.items`): the items as a
//! `Vec`, plus the envelope's own fields like every other output.

use proc_macro2::TokenStream;
use quote::quote;

use super::types::{Types, field_docs, ident};
use crate::model::Field;

/// `Output { items: Vec<Item>, envelope }`, read from the `payload` array. `extra` is the
/// envelope member as [`Types::struct_def_with`] takes it.
pub fn emit(
    types: &mut Types<'_>,
    docs: TokenStream,
    items: &Field,
    payload: &str,
    extra: Option<(&str, TokenStream, &str)>,
) -> TokenStream {
    let item = types.rust_type(&items.ty, "OutputItem");
    // The item has no wire name of its own: it is the payload's `[]`, as the docs write it.
    let mut named = items.clone();
    named.name.wire = format!("{payload}[]");
    let item_docs = field_docs(&named);
    let vec = quote!(::std::vec::Vec<#item>);
    let (extra_member, extra_init) = match extra {
        Some((rust, ty, doc)) => {
            let name = ident(rust);
            let docs = super::docs::markdown(doc);
            (
                quote!(#docs pub #name: ::std::option::Option<#ty>,),
                quote!(#name: ::std::option::Option::None,),
            )
        }
        None => (quote!(), quote!()),
    };
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, Default)]
        #[non_exhaustive]
        pub struct Output {
            /// The result's items, in the order received (the payload is a JSON array).
            ///
            #item_docs
            pub items: #vec,
            #extra_member
        }
        impl ::switchboard_runtime::wire::ToJson for Output {
            #[inline]
            fn to_json(&self) -> ::switchboard_runtime::serde_json::Value {
                self.items.to_json()
            }
        }
        impl ::switchboard_runtime::wire::FromJson for Output {
            #[inline]
            fn from_json(
                value: ::switchboard_runtime::serde_json::Value,
            ) -> ::core::result::Result<Self, ::switchboard_runtime::wire::WireError> {
                // An absent or `null` result reaches here as `{}`, which pages also print for
                // an empty result: no items. Anything else must be the array.
                let items = match value {
                    ::switchboard_runtime::serde_json::Value::Object(map) if map.is_empty() => {
                        ::std::vec::Vec::new()
                    }
                    value => ::switchboard_runtime::wire::FromJson::from_json(value)?,
                };
                ::core::result::Result::Ok(Output { items, #extra_init })
            }
        }
        ::switchboard_runtime::serde_via_json!(Output);
    }
}

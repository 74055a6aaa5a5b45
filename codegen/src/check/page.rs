//! What a page leaves unknown, said without overstating: `required: unknown` only where the
//! page could be silent.

use super::Cx;
use crate::diag::Problem;
use crate::spec::{ParamIn, Required};

/// Checks the forms that record what a page does not say.
pub fn check_page(cx: &mut Cx<'_>) {
    let service = cx.service;
    for (file, endpoint) in &service.endpoints {
        for param in &endpoint.params {
            let on_path = param
                .location
                .as_ref()
                .is_some_and(|l| l.value == ParamIn::Path);
            if let Some(required) = &param.required
                && on_path
                && required.value == Required::Unknown
            {
                // The URL cannot be built without it: whatever the page says, it is sent.
                cx.report(
                    Problem::NotAllowedHere {
                        key: "required: unknown".into(),
                        reason: "a path parameter is always sent (the path cannot be built \
                                 without it); write `required: true`"
                            .into(),
                    },
                    *file,
                    required.span,
                );
            }
        }
    }
}

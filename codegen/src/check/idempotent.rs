//! `idempotent: true` lets a client repeat a call that may already have run; a call that
//! triggers events changes state, so it cannot be marked so.

use super::Cx;
use crate::diag::Problem;

pub fn check_idempotent(cx: &mut Cx) {
    for (file, endpoint) in &cx.service.endpoints {
        let Some(flag) = endpoint.idempotent.as_ref().filter(|f| f.value) else {
            continue;
        };
        if let Some(event) = endpoint.events.first() {
            let message = format!(
                "`{}` triggers the event `{}`, so repeating it is not harmless: it cannot be `idempotent`",
                endpoint.id.value, event.value
            );
            cx.report(Problem::InvalidValue { message }, *file, flag.span);
        }
    }
}

//! Scripting and assertions keyed by a generated endpoint's types instead of its id: the
//! endpoint is named by its `Request` type, a documented error by a variant of its `Error`, and
//! the requests received come back decoded into `Request`s. A wrong name does not compile.

use std::marker::PhantomData;
use std::mem::discriminant;
use std::time::Duration;

use bytes::Bytes;
use serde_json::{Map, Value};

use super::data::{EndpointData, RuleData};
use super::{Received, Script, Simulator, check, reply};
use crate::client::Operation;
use crate::response::ApiError;
use crate::wire::FromJson;

/// Scripts one endpoint, named by its generated `Request` type:
/// `sim.endpoint::<leave_agent_conference::Request>()`.
#[derive(Debug)]
pub struct EndpointScript<'a, O> {
    sim: &'a Simulator,
    op: PhantomData<fn() -> O>,
}

impl Simulator {
    /// Scripting and received requests of the endpoint whose generated `Request` type is `O`.
    pub fn endpoint<O: Operation>(&self) -> EndpointScript<'_, O> {
        assert!(
            self.state.data.endpoints.iter().any(|e| e.id == O::INFO.id),
            "`{}` is no endpoint of this simulator's service",
            O::INFO.id
        );
        EndpointScript {
            sim: self,
            op: PhantomData,
        }
    }

    /// The requests received for the endpoint whose `Request` type is `O`, in order, decoded
    /// into that type (see [`EndpointScript::received`]).
    pub fn received<O: Operation + FromJson>(&self) -> Vec<O> {
        self.endpoint::<O>().received()
    }
}

impl<O: Operation> EndpointScript<'_, O> {
    fn id(&self) -> &'static str {
        O::INFO.id
    }

    /// The next call answers the documented error that `variant` (a variant of the endpoint's
    /// `Error`, e.g. `Error::ChairCannotLeave`) stands for, in the vendor's envelope and with its
    /// documented HTTP status. Panics when the variant stands for no single documented code
    /// (`Service`, `Undocumented`, ...: use [`fail_with_code`](Self::fail_with_code) then).
    pub fn fail_with(&self, variant: fn(ApiError) -> O::Error) -> &Self {
        let code = self.code_of(variant);
        self.sim.script(self.id(), Script::Error(code));
        self
    }

    /// The next call answers this documented code (of the endpoint or the service). Panics
    /// when the code is not documented: a test should not invent codes.
    pub fn fail_with_code(&self, code: &str) -> &Self {
        self.sim.fail_with(self.id(), code);
        self
    }

    /// The next call answers success with this output, in the service's success envelope.
    pub fn answer_with(&self, output: &O::Output) -> &Self
    where
        O::Output: serde::Serialize,
    {
        self.sim.answer_with(self.id(), output);
        self
    }

    /// The next call waits this long, then answers as usual.
    pub fn delay(&self, delay: Duration) -> &Self {
        self.sim.script(self.id(), Script::Delay(delay));
        self
    }

    /// The next call gets the status line and headers, then a cut connection.
    pub fn drop_connection(&self) -> &Self {
        self.sim.script(self.id(), Script::Drop);
        self
    }

    /// The requests received for this endpoint, as they arrived.
    pub fn requests(&self) -> Vec<Received> {
        self.sim.requests_to(self.id())
    }

    /// The requests received for this endpoint, in order, decoded into its `Request`: path,
    /// query and header parameters and body fields read back by their wire names (values the
    /// auth scheme fills in are left out, as they are not the caller's). Panics, naming the
    /// request, when one does not decode (e.g. a raw request that lacks a required value).
    pub fn received(&self) -> Vec<O>
    where
        O: FromJson,
    {
        let data = &self.sim.state.data;
        let endpoint = data
            .endpoints
            .iter()
            .find(|e| e.id == self.id())
            .expect("checked by Simulator::endpoint");
        self.requests()
            .iter()
            .enumerate()
            .map(|(i, request)| {
                let values = wire_values(endpoint, request, &data.base_path);
                O::from_json(Value::Object(values)).unwrap_or_else(|e| {
                    panic!(
                        "request {i} to {} ({} {}) does not decode into its Request: {e}",
                        self.id(),
                        request.method,
                        request.path
                    )
                })
            })
            .collect()
    }

    /// The one documented code whose answer the client decodes into `variant`.
    fn code_of(&self, variant: fn(ApiError) -> O::Error) -> String {
        let data = &self.sim.state.data;
        let id = self.id();
        let own = data.endpoints.iter().filter(|e| e.id == id);
        let mut codes: Vec<&str> = Vec::new();
        // An endpoint may list a service-wide code again; each code is tried once.
        for error in own.flat_map(|e| &e.errors).chain(&data.errors) {
            if !codes.contains(&error.code.as_str()) {
                codes.push(&error.code);
            }
        }
        // Each documented answer, decoded by the generated client as a real call would be.
        let decoded: Vec<(&str, O::Error)> = codes
            .into_iter()
            .filter_map(|code| {
                let (status, body) = reply::failure_answer(data, id, Some(code), "scripted");
                let response = http::Response::builder()
                    .status(status)
                    .header(http::header::CONTENT_TYPE, "application/json")
                    .body(Bytes::from(body.to_string()))
                    .ok()?;
                O::parse_response(response).err().map(|e| (code, e))
            })
            .collect();
        let sample = decoded
            .iter()
            .find_map(|(_, e)| O::api_error(e).cloned())
            .unwrap_or_else(|| panic!("{id} documents no error code"));
        let wanted = discriminant(&variant(sample));
        let matching: Vec<&str> = decoded
            .iter()
            .filter(|(_, e)| discriminant(e) == wanted)
            .map(|(code, _)| *code)
            .collect();
        match matching.as_slice() {
            [code] => (*code).to_owned(),
            [] => panic!("the variant stands for no documented code of {id}"),
            many => panic!(
                "the variant stands for several codes of {id} ({}); use fail_with_code",
                many.join(", ")
            ),
        }
    }
}

/// A received request's values keyed by wire name, texts from the path, query and headers typed
/// as their rules say (so `"101"` reads back into an integer field).
fn wire_values(endpoint: &EndpointData, request: &Received, base_path: &str) -> Map<String, Value> {
    let path = request.path.strip_prefix(base_path).unwrap_or_default();
    let path_values = check::path_params(&endpoint.path, path).unwrap_or_default();
    let mut values = Map::new();
    for rule in endpoint.params.iter().filter(|r| !r.from_auth) {
        let text = match rule.location.as_str() {
            "path" => path_values.iter().find(|(n, _)| *n == rule.name),
            "query" => request.query.iter().find(|(n, _)| *n == rule.name),
            _ => request
                .headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(&rule.name)),
        };
        if let Some((_, text)) = text {
            values.insert(rule.name.clone(), typed(rule, text));
        }
    }
    match request.json() {
        Some(Value::Object(body)) => values.extend(body),
        _ => {
            for (name, text) in request.form() {
                let value = endpoint
                    .body
                    .iter()
                    .find(|r| r.name == name)
                    .map_or_else(|| Value::String(text.clone()), |rule| typed(rule, &text));
                values.insert(name, value);
            }
        }
    }
    values
}

/// A text value as the JSON type its rule names; left as text when it does not parse, so the
/// decode error names the field.
fn typed(rule: &RuleData, text: &str) -> Value {
    let parsed = match rule.kind.as_str() {
        "integer" => text.parse::<i64>().ok().map(Value::from),
        "number" => text.parse::<f64>().ok().map(Value::from),
        "boolean" => text.parse::<bool>().ok().map(Value::from),
        "array" | "object" | "map" | "json" => serde_json::from_str(text).ok(),
        _ => None,
    };
    parsed.unwrap_or_else(|| Value::String(text.to_owned()))
}

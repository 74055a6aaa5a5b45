//! Answering one request: record it, route it, check auth and constraints, then the script or
//! the documented sample.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::State as Extract;
use axum::response::Response;
use serde_json::{Map, Value};

use super::auth::{self, Verdict};
use super::data::{EndpointData, ErrorData, ServiceData};
use super::{Failures, Received, Script, State, check, events};

/// Fills the failure codes a test left unset from the spec's `error_roles`, else (a spec without
/// them) by the simulator's own rule over the service's documented codes.
pub(super) fn resolve_failures(data: &ServiceData, failures: Failures) -> Failures {
    let roles = &data.error_roles;
    let with_status = |statuses: &[u16]| {
        data.errors
            .iter()
            .find(|e| e.http_status.is_some_and(|s| statuses.contains(&s)))
            .map(|e| e.code.clone())
    };
    let bad_parameter = failures
        .bad_parameter
        .or_else(|| roles.invalid_parameter.clone())
        .or_else(|| with_status(&[400]))
        .or_else(|| data.errors.first().map(|e| e.code.clone()));
    let missing_parameter = failures
        .missing_parameter
        .or_else(|| roles.missing_parameter.clone())
        .or_else(|| bad_parameter.clone());
    let auth_failure = failures
        .auth_failure
        .or_else(|| roles.unauthenticated.clone())
        .or_else(|| with_status(&[401, 403]))
        .or_else(|| bad_parameter.clone());
    Failures {
        bad_parameter,
        missing_parameter,
        auth_failure,
    }
}

impl ServiceData {
    /// A documented error of an endpoint (its own first, then the service's).
    pub(super) fn find_error(&self, endpoint: &str, code: &str) -> Option<&ErrorData> {
        self.endpoints
            .iter()
            .filter(|e| e.id == endpoint)
            .flat_map(|e| &e.errors)
            .chain(&self.errors)
            .find(|e| e.code == code)
    }
}

pub(super) async fn handle(
    Extract(state): Extract<Arc<State>>,
    request: axum::extract::Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let mut received = Received {
        endpoint: None,
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: crate::query::pairs(&parts.uri),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    };
    let data = &state.data;
    let endpoint = check::route(data, &received);
    received.endpoint = endpoint.map(|e| e.id.clone());
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (verdict, script) = {
        let mut inner = state.lock();
        inner.received.push(received.clone());
        let verdict = auth::check(
            data.auth.as_ref(),
            &state.credentials,
            &mut inner.sessions,
            &received,
            endpoint.map(|e| e.id.as_str()),
            now,
        );
        let script = endpoint.and_then(|e| {
            let queue = inner.scripts.get_mut(&e.id)?;
            (!queue.is_empty()).then(|| queue.remove(0))
        });
        (verdict, script)
    };
    let extra = match verdict {
        Verdict::Pass(headers) => headers,
        Verdict::Denied(reason) => {
            return failure(data, "", state.failures.auth_failure.as_deref(), &reason);
        }
        Verdict::Raw(status, text) => return raw(status, "text/plain", text.into()),
    };
    let Some(endpoint) = endpoint else {
        if let Some(super::data::DeliveryData::Bayeux { path, .. }) = &data.delivery
            && received
                .path
                .strip_prefix(data.base_path.as_str())
                .is_some_and(|p| p.starts_with(path.as_str()))
        {
            return bayeux(&state, &received).await;
        }
        return unrouted(data, &state.failures, &received, extra);
    };
    let answer = match script {
        Some(Script::Delay(delay)) => {
            tokio::time::sleep(delay).await;
            None
        }
        Some(Script::Drop) => return dropped(),
        Some(Script::Error(code)) => {
            return failure(data, &endpoint.id, Some(&code), "scripted");
        }
        Some(Script::Body(status, body)) => Some((status, body)),
        None => None,
    };
    let path = received
        .path
        .strip_prefix(data.base_path.as_str())
        .unwrap_or_default();
    // A scripted body still needs a request that keeps the documented constraints.
    if let Some(problem) = check::violation(endpoint, &received, path) {
        let code = if problem.missing {
            &state.failures.missing_parameter
        } else {
            &state.failures.bad_parameter
        };
        return failure(data, &endpoint.id, code.as_deref(), &problem.message);
    }
    let (status, mut body, mut headers) = match answer {
        Some((status, body)) => (status, body, Vec::new()),
        None => documented(data, endpoint),
    };
    if (200..300).contains(&status) {
        let callbacks = {
            let mut inner = state.lock();
            events::poll_answer(data, &mut inner.hub, &endpoint.id, &mut body);
            inner.hub.emit(data, data.triggered(endpoint))
        };
        for callback in callbacks {
            tokio::spawn(callback.send());
        }
    }
    headers.extend(extra);
    let mut response = raw(status, "application/json", body.to_string().into());
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            http::HeaderValue::from_str(&value),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    response
}

/// The Bayeux side: handshake, subscribe, connect answered by the in-memory server, over HTTP.
async fn bayeux(state: &State, received: &Received) -> Response {
    use crate::transport::Transport as _;
    let request = http::Request::builder()
        .method(http::Method::POST)
        .uri("http://simulator/bayeux")
        .body(received.body.clone());
    let bayeux = {
        // The Bayeux server is shared; the lock is held only to clone its handle.
        std::sync::Arc::clone(&state.lock().hub.bayeux)
    };
    let answer = match request {
        Ok(request) => bayeux.send(request).await,
        Err(e) => return raw(400, "text/plain", e.to_string().into()),
    };
    match answer {
        Ok(response) => raw(200, "application/json", Body::from(response.into_body())),
        Err(e) => raw(400, "text/plain", e.to_string().into()),
    }
}

/// The endpoint's documented success sample, or a bare success envelope when none is printed.
fn documented(data: &ServiceData, endpoint: &EndpointData) -> (u16, Value, Vec<(String, String)>) {
    match endpoint.success_sample() {
        Some(sample) => (
            sample.status,
            sample
                .body
                .clone()
                .unwrap_or_else(|| Value::Object(Map::new())),
            sample.headers.clone().into_iter().collect(),
        ),
        None => (200, success_envelope(data), Vec::new()),
    }
}

pub(super) fn success_envelope(data: &ServiceData) -> Value {
    let mut body = Value::Object(Map::new());
    if let (Some(field), Some(success)) = (&data.envelope.code_field, &data.envelope.success) {
        set_path(&mut body, field, success.clone());
    }
    body
}

/// A request for no endpoint: the session-refresh GET of a cookie scheme answers success (its
/// auth check already added the token headers); anything else is a bad parameter.
fn unrouted(
    data: &ServiceData,
    failures: &Failures,
    received: &Received,
    extra: Vec<(String, String)>,
) -> Response {
    if received.method == "GET" && !extra.is_empty() {
        let mut response = raw(
            200,
            "application/json",
            success_envelope(data).to_string().into(),
        );
        for (name, value) in extra {
            if let (Ok(n), Ok(v)) = (
                http::HeaderName::from_bytes(name.as_bytes()),
                http::HeaderValue::from_str(&value),
            ) {
                response.headers_mut().append(n, v);
            }
        }
        return response;
    }
    let reason = format!("no endpoint {} {}", received.method, received.path);
    failure(data, "", failures.bad_parameter.as_deref(), &reason)
}

/// An error answer in the vendor's envelope: the code (typed like the success value), the
/// documented message or else `reason`, a request id, and the documented HTTP status.
fn failure(data: &ServiceData, endpoint: &str, code: Option<&str>, reason: &str) -> Response {
    let (status, body) = failure_answer(data, endpoint, code, reason);
    raw(status, "application/json", body.to_string().into())
}

/// The status and body of [`failure`].
pub(super) fn failure_answer(
    data: &ServiceData,
    endpoint: &str,
    code: Option<&str>,
    reason: &str,
) -> (u16, Value) {
    let env = &data.envelope;
    let info = code.and_then(|c| data.find_error(endpoint, c));
    let mut body = Value::Object(Map::new());
    if let (Some(field), Some(code)) = (&env.code_field, code) {
        let value = match (&env.success, code.parse::<i64>()) {
            (Some(Value::Number(_)), Ok(n)) => Value::from(n),
            _ => Value::from(code),
        };
        set_path(&mut body, field, value);
    }
    if let Some(field) = &env.message_field {
        let message = info
            .and_then(|i| i.message.clone().or_else(|| i.meaning.clone()))
            .map_or_else(|| reason.to_owned(), |m| format!("{m} ({reason})"));
        set_path(&mut body, field, Value::from(message));
    }
    if let Some(field) = &env.request_id_field {
        set_path(
            &mut body,
            field,
            Value::from(uuid::Uuid::new_v4().to_string()),
        );
    }
    let status = info
        .and_then(|i| i.http_status)
        .unwrap_or(if env.http_status_errors { 400 } else { 200 });
    (status, body)
}

pub(super) fn set_path(body: &mut Value, path: &str, value: Value) {
    let mut target = body;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        let Value::Object(map) = target else { return };
        if parts.peek().is_none() {
            map.insert(part.to_owned(), value);
            return;
        }
        target = map
            .entry(part.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

fn raw(status: u16, content_type: &str, body: Body) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::OK);
    if let Ok(value) = http::HeaderValue::from_str(content_type) {
        response
            .headers_mut()
            .insert(http::header::CONTENT_TYPE, value);
    }
    response
}

/// Headers go out, then the body stream fails: hyper aborts the connection mid-response.
fn dropped() -> Response {
    let failing = futures_util::stream::once(async {
        Err::<bytes::Bytes, std::io::Error>(std::io::Error::other("connection dropped by script"))
    });
    let mut response = Response::new(Body::from_stream(failing));
    response.headers_mut().insert(
        http::header::CONTENT_LENGTH,
        http::HeaderValue::from_static("64"),
    );
    response
}

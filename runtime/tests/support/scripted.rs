//! A scripted HTTP server on 127.0.0.1 (axum): answers requests from a queue, then with a
//! fallback, and records what it received.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Response, Uri};

/// One answer of the script.
#[derive(Clone, Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

impl Answer {
    pub fn json(status: u16, body: &str) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.to_owned(),
        }
    }

    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }
}

/// What the server received.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: Method,
    pub uri: Uri,
    pub headers: HeaderMap,
}

#[derive(Default)]
struct Script {
    answers: VecDeque<Answer>,
    fallback: Option<Answer>,
    received: Vec<Received>,
}

/// A running server; aborted when dropped.
pub struct Scripted {
    script: Arc<Mutex<Script>>,
    base_url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Scripted {
    /// Serves `answers` in order, then `fallback` forever.
    pub async fn start(answers: Vec<Answer>, fallback: Answer) -> Scripted {
        let script = Arc::new(Mutex::new(Script {
            answers: answers.into(),
            fallback: Some(fallback),
            received: Vec::new(),
        }));
        let app = axum::Router::new()
            .fallback(serve)
            .with_state(Arc::clone(&script));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base_url = format!("http://{}", listener.local_addr().expect("addr"));
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("serve");
        });
        Scripted {
            script,
            base_url,
            task,
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn received(&self) -> Vec<Received> {
        self.script.lock().expect("lock").received.clone()
    }

    /// Answers still queued.
    pub fn remaining(&self) -> usize {
        self.script.lock().expect("lock").answers.len()
    }
}

impl Drop for Scripted {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    State(script): State<Arc<Mutex<Script>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response<axum::body::Body> {
    let answer = {
        let mut script = script.lock().expect("lock");
        script.received.push(Received {
            method,
            uri,
            headers,
        });
        match script.answers.pop_front() {
            Some(answer) => answer,
            None => script.fallback.clone().expect("fallback"),
        }
    };
    let mut response = Response::builder()
        .status(answer.status)
        .header("content-type", "application/json");
    for (name, value) in &answer.headers {
        response = response.header(*name, value);
    }
    response
        .body(axum::body::Body::from(Bytes::from(answer.body)))
        .expect("response")
}

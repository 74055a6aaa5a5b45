//! The callback decoder hosted in a real web server (axum on 127.0.0.1), fed real HTTP
//! requests.

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use serde_json::{Value, json};
use switchboard_runtime::bytes::Bytes;
use switchboard_runtime::events::push::{Acknowledgement, PushConfig, PushEvent};
use switchboard_runtime::http;

const APP_ID: &str = "1400000001";
const ACK: &str = r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#;

#[derive(Clone)]
struct App {
    config: Arc<PushConfig>,
    accepted: Arc<Mutex<Vec<PushEvent>>>,
}

/// What an application writes: framework request -> `http::Request<Bytes>` -> decode.
async fn callback(State(app): State<App>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 16 * 1024 * 1024).await else {
        return Response::builder()
            .status(400)
            .body(Body::empty())
            .expect("response");
    };
    let request = http::Request::from_parts(parts, body);
    let response = match app.config.decode(&request) {
        Ok(event) => {
            app.accepted.lock().expect("lock").push(event);
            app.config.acknowledgement()
        }
        Err(rejection) => rejection.into_response(),
    };
    response.map(Body::from)
}

struct Server {
    url: String,
    accepted: Arc<Mutex<Vec<PushEvent>>>,
    task: tokio::task::JoinHandle<()>,
    http: reqwest::Client,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn start() -> Server {
    let config = PushConfig::new(http::Method::POST)
        .expect_query("SdkAppid", APP_ID)
        .require_query("CallbackCommand")
        .max_body(4096)
        .ack(Acknowledgement::json(ACK));
    let accepted = Arc::new(Mutex::new(Vec::new()));
    let app = App {
        config: Arc::new(config),
        accepted: Arc::clone(&accepted),
    };
    let router = axum::Router::new()
        .route("/callback", axum::routing::any(callback))
        .with_state(app);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/callback", listener.local_addr().expect("addr"));
    let task = tokio::spawn(async move { axum::serve(listener, router).await.expect("serve") });
    Server {
        url,
        accepted,
        task,
        http: reqwest::Client::new(),
    }
}

impl Server {
    async fn send(
        &self,
        method: reqwest::Method,
        query: &str,
        body: impl Into<reqwest::Body>,
    ) -> (u16, String) {
        let response = self
            .http
            .request(method, format!("{}?{query}", self.url))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("the server answers");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }
}

fn good_query(app_id: &str) -> String {
    format!(
        "SdkAppid={app_id}&CallbackCommand=Desk.SessionEventNotify&contenttype=json&ClientIP=203.0.113.7&OptPlatform=RESTAPI"
    )
}

fn session_event() -> Value {
    json!({"EventType": "SessionStart", "SessionId": "s-1", "Timestamp": 1_700_000_000})
}

#[tokio::test]
async fn a_good_callback_is_decoded_and_acknowledged() {
    let server = start().await;
    let (status, body) = server
        .send(
            reqwest::Method::POST,
            &good_query(APP_ID),
            session_event().to_string(),
        )
        .await;
    assert_eq!((status, body.as_str()), (200, ACK));
    let accepted = server.accepted.lock().expect("lock");
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0].event.frame, session_event());
    assert_eq!(accepted[0].event.channel, None);
    assert_eq!(
        accepted[0].query_value("CallbackCommand"),
        Some("Desk.SessionEventNotify")
    );
    assert_eq!(accepted[0].query_value("ClientIP"), Some("203.0.113.7"));
}

#[tokio::test]
async fn bad_callbacks_get_their_status_and_are_never_processed() {
    let server = start().await;
    let event = session_event().to_string();
    let truncated = &event[..event.len() / 2];
    let post = reqwest::Method::POST;
    let good = good_query(APP_ID);
    let json = || event.clone().into_bytes();
    // (what, method, query, body, status, a word the reason must contain)
    let cases = [
        (
            "foreign app id",
            post.clone(),
            good_query("1400000002"),
            json(),
            403,
            "SdkAppid",
        ),
        (
            "wrong method",
            reqwest::Method::PUT,
            good.clone(),
            json(),
            405,
            "POST",
        ),
        (
            "truncated",
            post.clone(),
            good.clone(),
            truncated.into(),
            400,
            "truncated",
        ),
        (
            "not JSON",
            post.clone(),
            good.clone(),
            b"<xml/>".to_vec(),
            400,
            "not JSON",
        ),
        (
            "not an object",
            post.clone(),
            good.clone(),
            b"[1,2]".to_vec(),
            400,
            "array",
        ),
        (
            "binary",
            post.clone(),
            good.clone(),
            vec![0xff, 0, 0xfe, b'{'],
            400,
            "not JSON",
        ),
        (
            "too large",
            post.clone(),
            good.clone(),
            vec![b' '; 5000],
            413,
            "4096",
        ),
        (
            "no command",
            post.clone(),
            format!("SdkAppid={APP_ID}"),
            json(),
            400,
            "CallbackCommand",
        ),
        (
            "no app id",
            post.clone(),
            "CallbackCommand=x".into(),
            json(),
            400,
            "SdkAppid",
        ),
    ];
    for (what, method, query, body, want, reason) in cases {
        let (status, text) = server.send(method, &query, body).await;
        assert_eq!(status, want, "{what}: {text}");
        assert!(text.contains(reason), "{what}: {text}");
        assert!(
            !text.contains("1400000002") && !text.contains("SessionStart"),
            "{what} echoes: {text}"
        );
    }
    assert!(server.accepted.lock().expect("lock").is_empty());
    // The server survived every one of them.
    let (status, _) = server
        .send(
            reqwest::Method::POST,
            &good_query(APP_ID),
            session_event().to_string(),
        )
        .await;
    assert_eq!(status, 200);
}

#[test]
fn decode_is_plain_data_in_and_out() {
    let config = PushConfig::new(http::Method::POST).expect_query("SdkAppid", APP_ID);
    let request = http::Request::post(format!("/cb?{}", good_query(APP_ID)))
        .body(Bytes::from(session_event().to_string()))
        .expect("request");
    let event = config.decode(&request).expect("accepted");
    let debug = format!("{event:?}");
    assert!(
        debug.contains("ClientIP") && !debug.contains("203.0.113.7"),
        "{debug}"
    );
    assert!(!debug.contains("s-1"), "{debug}");
    assert_eq!(config.acknowledgement().status(), 200);
    assert!(config.acknowledgement().body().is_empty());
}

//! A real Bayeux server for the tests: `tests/bayeux/server.js` (faye, pinned in the root
//! package.json) run with node on 127.0.0.1, killed when the handle drops.
//!
//! A missing node or faye FAILS the test (with how to install them): `bash scripts/test`
//! installs faye with `npm ci`. Set `SWITCHBOARD_SKIP_BAYEUX=1` to skip instead; the skip
//! is printed on stderr and never happens under `CI=true`.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

/// A running faye server.
pub struct Faye {
    child: Child,
    port: u16,
    timeout_secs: u32,
    mount: String,
    http: reqwest::Client,
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn skip_allowed() -> bool {
    std::env::var_os("SWITCHBOARD_SKIP_BAYEUX").is_some_and(|v| v == "1")
        && std::env::var_os("CI").is_none_or(|v| v != "true")
}

impl Faye {
    /// Starts a server on any free port whose `/meta/connect` holds for `timeout_secs`.
    /// `None` only when skipping is allowed (see the module docs).
    pub fn start(timeout_secs: u32) -> Option<Faye> {
        Self::start_at("/notifications", timeout_secs)
    }

    /// [`Faye::start`] with the Bayeux endpoint at `mount` (e.g. `/api/v2/notifications`).
    pub fn start_at(mount: &str, timeout_secs: u32) -> Option<Faye> {
        match Self::spawn(0, mount, timeout_secs) {
            Ok(faye) => Some(faye),
            Err(why) if skip_allowed() => {
                eprintln!("SKIPPED (SWITCHBOARD_SKIP_BAYEUX=1): no Bayeux server: {why}");
                None
            }
            Err(why) => panic!(
                "cannot start the faye Bayeux server: {why}\n\
                 install Node.js >= 20 and run `npm ci` in the repository root \
                 (bash scripts/test does), or set SWITCHBOARD_SKIP_BAYEUX=1 to skip"
            ),
        }
    }

    fn spawn(port: u16, mount: &str, timeout_secs: u32) -> Result<Faye, String> {
        let root = repo_root();
        let mut child = Command::new("node")
            .arg(root.join("tests/bayeux/server.js"))
            .args(["--port", &port.to_string()])
            .args(["--mount", mount])
            .args(["--timeout", &timeout_secs.to_string()])
            .current_dir(&root)
            // The server exits when its stdin closes: a test process that dies takes it along.
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("`node` cannot be run: {e}"))?;
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(Duration::from_secs(20)).unwrap_or_default();
        let port = serde_json::from_str::<Value>(&line)
            .ok()
            .and_then(|v| v["port"].as_u64())
            .and_then(|p| u16::try_from(p).ok());
        let Some(port) = port else {
            let _ = child.kill();
            let output = child.wait_with_output().map_err(|e| e.to_string())?;
            return Err(format!(
                "the server did not report its port; stderr: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        };
        Ok(Faye {
            child,
            port,
            timeout_secs,
            mount: mount.to_owned(),
            http: reqwest::Client::new(),
        })
    }

    /// Kills the server and starts a fresh one (no memory of any client) on the same port.
    pub fn restart(&mut self) {
        self.stop();
        let mut last = String::new();
        // The port can take a moment to be free again.
        for _ in 0..50 {
            match Self::spawn(self.port, &self.mount.clone(), self.timeout_secs) {
                Ok(fresh) => {
                    *self = fresh;
                    return;
                }
                Err(why) => last = why,
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("faye did not restart on port {}: {last}", self.port);
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// `http://127.0.0.1:<port>`: the client's base URL.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    async fn side_door(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base_url()));
        if let Some(body) = body {
            request = request.body(body.to_string());
        }
        let response = request.send().await.expect("side door answers");
        assert!(
            response.status().is_success(),
            "side door {path}: {}",
            response.status()
        );
        let text = response.text().await.expect("side door body");
        serde_json::from_str(&text).expect("side door JSON")
    }

    /// Publishes one message from the server side.
    pub async fn publish(&self, channel: &str, data: Value) {
        let body = json!({"channel": channel, "data": data});
        self.side_door(reqwest::Method::POST, "/publish", Some(body))
            .await;
    }

    /// Publishes `{"n": start}` .. `{"n": start + count - 1}` in order.
    pub async fn publish_many(&self, channel: &str, start: u64, count: u64) {
        let body = json!({"channel": channel, "start": start, "count": count});
        self.side_door(reqwest::Method::POST, "/publish-many", Some(body))
            .await;
    }

    /// `{"handshakes", "connects", "subscribes": {channel: count}}` of HTTP clients.
    pub async fn stats(&self) -> Value {
        self.side_door(reqwest::Method::GET, "/stats", None).await
    }

    /// The auth headers of every Bayeux message received.
    pub async fn recorded(&self) -> Vec<Value> {
        match self
            .side_door(reqwest::Method::GET, "/recorded", None)
            .await
        {
            Value::Array(items) => items,
            other => panic!("recorded: {other}"),
        }
    }

    /// When a call operation named `operation` arrives, publish `data` on `channel` after
    /// answering it (the GWS side door of `server.js`).
    pub async fn then(&self, operation: &str, channel: &str, data: Value) {
        let body = json!({"operationName": operation, "channel": channel, "data": data});
        self.side_door(reqwest::Method::POST, "/then", Some(body))
            .await;
    }

    /// The call operations received: `[{"call": id, "body": {...}}]`.
    pub async fn operations(&self) -> Vec<Value> {
        match self
            .side_door(reqwest::Method::GET, "/operations", None)
            .await
        {
            Value::Array(items) => items,
            other => panic!("operations: {other}"),
        }
    }

    /// Waits until `channel` has been subscribed to `count` times on this server.
    pub async fn wait_subscribed(&self, channel: &str, count: u64) {
        for _ in 0..400 {
            if self.stats().await["subscribes"][channel].as_u64() >= Some(count) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!(
            "{channel} was not subscribed {count} times: {}",
            self.stats().await
        );
    }
}

impl Drop for Faye {
    fn drop(&mut self) {
        self.stop();
    }
}

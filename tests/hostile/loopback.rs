//! A raw HTTP/1.1 server on 127.0.0.1 for the client tests: it records every request it
//! receives (head and body, as bytes) and answers with whatever the test's responder
//! returns — including answers no well-behaved server sends (a redirect to another host, a
//! body larger than allowed, no answer at all). It accepts a bounded number of connections
//! and stops after [`LIFETIME`] even if its handle is leaked.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The longest a server lives.
pub const LIFETIME: Duration = Duration::from_secs(60);
/// The most connections a server accepts.
const MAX_CONNECTIONS: usize = 200;

/// What the responder returns for one request.
pub enum Reply {
    /// These bytes, then close.
    Bytes(Vec<u8>),
    /// Read the request, never answer (until the lifetime ends).
    Hang,
}

/// How a server answers.
pub type Responder = Box<dyn Fn(&Received) -> Reply + Send + Sync>;

/// A request as received.
#[derive(Clone, Debug)]
pub struct Received {
    /// The request line and headers, as text.
    pub head: String,
    /// The body.
    pub body: Vec<u8>,
}

impl Received {
    /// The whole request as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        format!(
            "{}\r\n\r\n{}",
            self.head,
            String::from_utf8_lossy(&self.body)
        )
    }
}

/// A running server.
pub struct Loopback {
    port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Loopback {
    /// Starts a server answering each request with `respond(request)`.
    pub async fn start(respond: impl Fn(&Received) -> Reply + Send + Sync + 'static) -> Loopback {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let port = listener.local_addr().expect("address").port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let (stop, mut stopped) = tokio::sync::oneshot::channel();
        let respond = Arc::new(respond);
        let log = Arc::clone(&received);
        tokio::spawn(async move {
            let serve = async {
                for _ in 0..MAX_CONNECTIONS {
                    let Ok((mut socket, _)) = listener.accept().await else {
                        return;
                    };
                    let respond = Arc::clone(&respond);
                    let log = Arc::clone(&log);
                    tokio::spawn(async move {
                        let Some(request) = read_request(&mut socket).await else {
                            return;
                        };
                        log.lock().expect("log").push(request.clone());
                        match respond(&request) {
                            Reply::Bytes(bytes) => {
                                let _ = socket.write_all(&bytes).await;
                                let _ = socket.shutdown().await;
                            }
                            Reply::Hang => tokio::time::sleep(LIFETIME).await,
                        }
                    });
                }
            };
            tokio::select! {
                () = serve => {}
                _ = &mut stopped => {}
                () = tokio::time::sleep(LIFETIME) => {}
            }
        });
        Loopback {
            port,
            received,
            stop: Some(stop),
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Every request received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("log").clone()
    }
}

impl Drop for Loopback {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Received> {
    let mut data = Vec::new();
    let mut buffer = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if data.len() > 1 << 20 {
            return None;
        }
        match socket.read(&mut buffer).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => data.extend_from_slice(&buffer[..n]),
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let length = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0)
        .min(1 << 20);
    let mut body = data[head_end + 4..].to_vec();
    while body.len() < length {
        match socket.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => body.extend_from_slice(&buffer[..n]),
        }
    }
    Some(Received { head, body })
}

/// An HTTP/1.1 response with `status`, extra header lines and `body` (`Content-Length` set,
/// connection closed).
pub fn response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    Reply::Bytes(bytes)
}

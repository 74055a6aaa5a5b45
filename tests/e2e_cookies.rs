//! The cookie session of the Basic + cookie + CSRF scheme, over loopback, by the rules of
//! RFC 6265: what a load balancer or an application server in front of a vendor API may set
//! (path-scoped cookies, cookies for a parent domain, expiry dates, `Max-Age` deletion,
//! `Secure`, two cookies of one name on different paths) and what goes back.
//!
//! The client side is the runtime's `BasicCsrfAuth` driven by `auth::execute` over the reqwest
//! transport; the server is a loopback axum server that answers with the `Set-Cookie` headers
//! a test gives it and records the `Cookie` header it receives. Host names other than
//! `127.0.0.1` are resolved to the loopback address by the reqwest client itself, so that
//! domain matching and the plain-HTTP rule for `Secure` are exercised with real names.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use support::{Reply, Server, bounded, lock};
use switchboard_runtime::Secret;
use switchboard_runtime::auth::{BasicCsrfAuth, execute};
use switchboard_runtime::bytes::Bytes;
use switchboard_runtime::http;
use switchboard_runtime::transport::ReqwestTransport;

/// Names the test client resolves to 127.0.0.1.
const HOSTS: [&str; 4] = ["gws.test", "a.gws.test", "b.gws.test", "other.test"];

/// A loopback server and one client session talking to it.
struct Site {
    server: Server,
    /// The `Set-Cookie` values the server answers the next request with.
    next: Arc<Mutex<Vec<String>>>,
    transport: ReqwestTransport,
    auth: BasicCsrfAuth,
}

impl Site {
    async fn start() -> Site {
        let next = Arc::new(Mutex::new(Vec::<String>::new()));
        let answer = Arc::clone(&next);
        let server = Server::start(move |_| {
            let set_cookies = std::mem::take(&mut *lock(&answer));
            let reply = Reply::text(200, "ok");
            set_cookies
                .iter()
                .fold(reply, |reply, value| reply.header("set-cookie", value))
        })
        .await;
        Site {
            transport: client(),
            auth: BasicCsrfAuth::new("agent", Secret::from("password")),
            server,
            next,
        }
    }

    /// GETs `http://{host}:{port}{path}`; the server answers with `set_cookies`. Returns the
    /// `Cookie` header the server received.
    async fn get(&self, host: &str, path: &str, set_cookies: &[&str]) -> Option<String> {
        *lock(&self.next) = set_cookies.iter().map(|s| (*s).to_owned()).collect();
        let url = format!("http://{host}:{}{path}", self.server.port());
        send(&self.transport, &self.auth, &url).await;
        self.server
            .single_request()
            .header("cookie")
            .map(str::to_owned)
    }

    /// GETs `host` and `path`, the server setting `set_cookies`.
    async fn set(&self, host: &str, path: &str, set_cookies: &[&str]) {
        self.get(host, path, set_cookies).await;
    }

    /// Asserts the `Cookie` header a GET of `host` and `path` carries (`""`: none).
    async fn assert_sends(&self, host: &str, path: &str, expected: &str) {
        let sent = self.get(host, path, &[]).await.unwrap_or_default();
        assert_eq!(sent, expected, "Cookie header of a GET of {host}{path}");
    }

    /// What a request to `host` and `path` would carry, by name, as the auth reports it.
    fn names(&self, host: &str, path: &str) -> Vec<String> {
        let uri = format!("http://{host}:{}{path}", self.server.port());
        self.auth.cookie_names(&uri.parse().expect("a valid URI"))
    }
}

/// A reqwest transport that resolves [`HOSTS`] to the loopback address and talks to nothing
/// else: no proxy from the environment, no redirects.
fn client() -> ReqwestTransport {
    let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let builder = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(3))
        .timeout(Duration::from_secs(10));
    // Port 0: the port in each request's URL is used.
    let builder = HOSTS
        .iter()
        .fold(builder, |builder, host| builder.resolve(host, loopback));
    let client = builder.build().expect("the reqwest client builds");
    ReqwestTransport::from_client(client, 1 << 20)
}

async fn send(transport: &ReqwestTransport, auth: &BasicCsrfAuth, url: &str) {
    let request = http::Request::get(url)
        .body(Bytes::new())
        .expect("a valid request");
    let response = execute(transport, auth, request).await.expect("answered");
    assert_eq!(response.status(), 200, "{url}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn path_scoped_cookies_go_only_below_their_path_longest_first() {
    bounded(async {
        let site = Site::start().await;
        let first = site
            .get(
                "gws.test",
                "/api/v2/login",
                &[
                    "scoped=1; Path=/api/v2/me",
                    "root=r; Path=/",
                    // No Path: the default path of /api/v2/login is /api/v2.
                    "dflt=d",
                ],
            )
            .await;
        assert_eq!(first, None, "nothing was set before the first request");
        // Every path matches; the longest path comes first.
        site.assert_sends("gws.test", "/api/v2/me/calls", "scoped=1; dflt=d; root=r")
            .await;
        site.assert_sends("gws.test", "/api/v2/me", "scoped=1; dflt=d; root=r")
            .await;
        // A path is matched by segments, not as a string prefix.
        site.assert_sends("gws.test", "/api/v2/meetings", "dflt=d; root=r")
            .await;
        site.assert_sends("gws.test", "/health", "root=r").await;
        assert_eq!(
            site.names("gws.test", "/api/v2/me/x"),
            ["scoped", "dflt", "root"]
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_cookies_of_one_name_on_different_paths_are_both_kept_and_deleted_apart() {
    bounded(async {
        let site = Site::start().await;
        site.set(
            "gws.test",
            "/api/login",
            &["id=root; Path=/", "id=deep; Path=/api"],
        )
        .await;
        // Both are sent, the one with the longer path first.
        site.assert_sends("gws.test", "/api/calls", "id=deep; id=root")
            .await;
        site.assert_sends("gws.test", "/x", "id=root").await;
        // A new value replaces only the cookie of the same name *and* path.
        site.set("gws.test", "/api/login", &["id=deeper; Path=/api"])
            .await;
        site.assert_sends("gws.test", "/api/calls", "id=deeper; id=root")
            .await;
        // Max-Age=0 deletes the one on /api; the one on / stays.
        site.set("gws.test", "/api/logout", &["id=; Path=/api; Max-Age=0"])
            .await;
        site.assert_sends("gws.test", "/api/calls", "id=root").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_domain_cookie_reaches_sibling_hosts_and_a_host_cookie_only_its_host() {
    bounded(async {
        let site = Site::start().await;
        site.set(
            "a.gws.test",
            "/",
            &[
                "wide=w; Domain=gws.test; Path=/",
                "host=h; Path=/",
                // A domain the answering host is not in: ignored.
                "foreign=f; Domain=other.test; Path=/",
                // A sub-domain of the answering host: ignored too.
                "deeper=x; Domain=sub.a.gws.test; Path=/",
            ],
        )
        .await;
        site.assert_sends("a.gws.test", "/", "host=h; wide=w").await;
        site.assert_sends("b.gws.test", "/", "wide=w").await;
        site.assert_sends("gws.test", "/", "wide=w").await;
        site.assert_sends("other.test", "/", "").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expiry_dates_and_max_age_decide_what_is_sent() {
    bounded(async {
        let site = Site::start().await;
        site.set(
            "gws.test",
            "/",
            &[
                "past=p; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
                "future=f; Path=/; Expires=Fri, 31 Dec 9999 23:59:59 GMT",
                "session=s; Path=/",
                "lb=1; Path=/",
                "gone=1; Path=/",
                // Max-Age wins over Expires (RFC 6265 §5.3 step 3).
                "both=b; Path=/; Max-Age=3600; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
                "short=x; Path=/; Max-Age=1",
            ],
        )
        .await;
        // A cookie that expired already is never stored.
        site.assert_sends(
            "gws.test",
            "/",
            "both=b; future=f; gone=1; lb=1; session=s; short=x",
        )
        .await;
        // Deletion the two ways servers do it.
        site.set(
            "gws.test",
            "/",
            &[
                "lb=; Path=/; Max-Age=0",
                "gone=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
            ],
        )
        .await;
        site.assert_sends("gws.test", "/", "both=b; future=f; session=s; short=x")
            .await;
        // A cookie that expires while held is no longer sent.
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        site.assert_sends("gws.test", "/", "both=b; future=f; session=s")
            .await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secure_cookies_are_not_sent_over_plain_http() {
    bounded(async {
        let site = Site::start().await;
        site.set(
            "gws.test",
            "/",
            &["sec=s; Path=/; Secure", "plain=p; Path=/"],
        )
        .await;
        site.assert_sends("gws.test", "/", "plain=p").await;
        assert_eq!(site.names("gws.test", "/"), ["plain"]);
        // The loopback address counts as secure (as in browsers): a local test server sees
        // its Secure cookies over plain HTTP.
        site.set(
            "127.0.0.1",
            "/",
            &["sec=s; Path=/; Secure", "plain=p; Path=/"],
        )
        .await;
        site.assert_sends("127.0.0.1", "/", "plain=p; sec=s").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookies_stay_with_their_port_and_their_values_never_print() {
    bounded(async {
        let site = Site::start().await;
        let other = Server::start(|_| Reply::text(200, "ok")).await;
        site.set(
            "gws.test",
            "/",
            &["JSESSIONID=value-S3CR3T; Path=/; HttpOnly"],
        )
        .await;
        send(
            &site.transport,
            &site.auth,
            &format!("http://gws.test:{}/", other.port()),
        )
        .await;
        assert_eq!(other.single_request().header("cookie"), None);
        site.assert_sends("gws.test", "/", "JSESSIONID=value-S3CR3T")
            .await;

        let debug = format!("{:?}", site.auth);
        assert!(debug.contains("JSESSIONID"), "{debug}");
        assert!(!debug.contains("S3CR3T"), "{debug}");
        site.auth.clear_session();
        site.assert_sends("gws.test", "/", "").await;
    })
    .await;
}

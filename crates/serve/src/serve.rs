//! The preview server: the site as `watch` rebuilds it, with live reload and an error overlay.
//!
//! axum on tokio serves the session's output folder (a temporary folder, so `output/`, the
//! publishable site, is left alone). Every HTML page gets a small script, injected here and
//! never written to disk, that listens to server-sent events: `reload` after a rebuild that
//! changed files, `failed` with the errors of a failed rebuild (shown as an overlay on the last
//! good page), `ok` when they are fixed. Paths are decoded and checked before any file is read:
//! no `..`, and nothing whose real path is outside the served folder. Files other than pages are
//! streamed by tower-http's `ServeFile` (ranges, no whole-file reads). Bound to loopback, the
//! server answers only requests addressed to a loopback name or an IP address, so a web page
//! cannot read the preview through DNS rebinding; a connection with no traffic either way for
//! [`IDLE_TIMEOUT`] is closed.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

/// Where the server's own files live; no content path can start with it (slugs cannot start
/// with an underscore).
pub const PREFIX: &str = "/__shortlist/";
const SCRIPT: &str = include_str!("serve/livereload.js");
const NOT_FOUND: &str = include_str!("serve/not-found.html");

/// The last build, as the browser should know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// The last build succeeded.
    Ok,
    /// The text of every error of the failed rebuild.
    Failed(Vec<String>),
}

/// What open pages are told.
#[derive(Debug, Clone)]
enum Signal {
    Status(Status),
    Reload,
    /// The server is stopping: end the event streams so connections close.
    Close,
}

/// How long a connection may stay open with no bytes going either way. Open pages keep their
/// event stream alive with a comment every 15 seconds, so only dead or idle sockets meet it.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// What the handlers share: the folder to serve, the last status, and the event channel.
pub struct ServerState {
    served: PathBuf,
    /// Whether requests must be addressed to a loopback name or an IP address.
    loopback_only: bool,
    status: RwLock<Status>,
    events: broadcast::Sender<Signal>,
}

impl ServerState {
    /// The state of a server of `served`; `loopback_only` when it listens on a loopback address.
    pub fn new(served: PathBuf, loopback_only: bool) -> Arc<Self> {
        let (events, _) = broadcast::channel(16);
        Arc::new(ServerState {
            served,
            loopback_only,
            status: RwLock::new(Status::Ok),
            events,
        })
    }

    /// Ends every open event stream, so that a graceful shutdown does not wait on them.
    pub fn close(&self) {
        let _ = self.events.send(Signal::Close);
    }

    /// Records a build's outcome and tells open pages: reload if files changed, show or hide
    /// the error overlay if the status changed.
    pub fn publish(&self, status: Status, changed: bool) {
        let previous = self.status.read().map(|s| s.clone()).unwrap_or(Status::Ok);
        if let Ok(mut s) = self.status.write() {
            *s = status.clone();
        }
        if status == Status::Ok && changed {
            let _ = self.events.send(Signal::Reload);
        } else if status != previous {
            let _ = self.events.send(Signal::Status(status));
        }
    }

    /// The last build's status.
    pub fn status(&self) -> Status {
        self.status.read().map(|s| s.clone()).unwrap_or(Status::Ok)
    }
}

/// The preview server's routes: the site's files, the live-reload events and the status of the last build.
pub fn router(state: Arc<ServerState>) -> Router {
    Router::new()
        .route("/__shortlist/livereload.js", get(script))
        .route("/__shortlist/events", get(events))
        .route("/__shortlist/status", get(status))
        .fallback(file)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            check_host,
        ))
        .with_state(state)
}

/// Refuses a request addressed to a name other than `localhost` when bound to loopback: a page
/// on another site that points its own name at 127.0.0.1 (DNS rebinding) is told no.
async fn check_host(State(state): State<Arc<ServerState>>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if state.loopback_only && !is_local_host(host) {
        return (
            StatusCode::FORBIDDEN,
            "this preview answers only at http://127.0.0.1 or http://localhost\n",
        )
            .into_response();
    }
    next.run(req).await
}

/// `localhost` (or a name under it) or an IP address, with or without a port.
pub fn is_local_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(v6) => {
            return v6
                .split(']')
                .next()
                .is_some_and(|a| a.parse::<std::net::Ipv6Addr>().is_ok());
        }
        None => host.rsplit_once(':').map_or(host, |(name, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                name
            } else {
                host
            }
        }),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<std::net::Ipv4Addr>().is_ok()
}

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        SCRIPT,
    )
        .into_response()
}

fn status_json(status: &Status) -> String {
    match status {
        Status::Ok => json!({"ok": true, "errors": []}).to_string(),
        Status::Failed(errors) => json!({"ok": false, "errors": errors}).to_string(),
    }
}

async fn status(State(state): State<Arc<ServerState>>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        status_json(&state.status()),
    )
        .into_response()
}

async fn events(State(state): State<Arc<ServerState>>) -> impl IntoResponse {
    let first = tokio_stream::once(Signal::Status(state.status()));
    let later = BroadcastStream::new(state.events.subscribe()).filter_map(|s| s.ok());
    let stream = first
        .chain(later)
        .take_while(|s| !matches!(s, Signal::Close))
        .map(|s| {
            Ok::<Event, std::convert::Infallible>(match s {
                Signal::Status(status) => status_event(&status),
                Signal::Reload | Signal::Close => Event::default().event("reload").data("reload"),
            })
        });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

fn status_event(status: &Status) -> Event {
    match status {
        Status::Ok => Event::default().event("ok").data("ok"),
        Status::Failed(_) => Event::default().event("failed").data(status_json(status)),
    }
}

/// Serves a file of the site: GET and HEAD, the right content type, never cached.
async fn file(State(state): State<Arc<ServerState>>, req: Request) -> Response {
    let method = req.method().clone();
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "method not allowed\n",
        )
            .into_response();
    }
    let url_path = req.uri().path().to_string();
    let path = match resolve(&state.served, &url_path) {
        Resolved::File(p) => p,
        Resolved::Directory => {
            // `vendors/acme` → `vendors/acme/`, so the page's relative links resolve. One
            // leading slash: `//host/x/` would send the browser to another site.
            let location = format!("/{}/", url_path.trim_start_matches('/'));
            return (
                StatusCode::MOVED_PERMANENTLY,
                [(header::LOCATION, location)],
            )
                .into_response();
        }
        Resolved::Bad => return (StatusCode::BAD_REQUEST, "bad request\n").into_response(),
        Resolved::Missing => return not_found(method),
    };
    let mime = mime_guess::from_path(&path).first_or_octet_stream();
    if mime.essence_str() == "text/html" {
        let Ok(bytes) = tokio::fs::read(&path).await else {
            return not_found(method);
        };
        return respond(
            method,
            StatusCode::OK,
            "text/html; charset=utf-8",
            inject(bytes),
        );
    }
    let mime = if mime.type_() == "text" || mime.essence_str() == "application/javascript" {
        format!("{}; charset=utf-8", mime.essence_str())
            .parse()
            .unwrap_or(mime)
    } else {
        mime
    };
    // Streamed in chunks, with ranges, conditional requests and HEAD handled.
    match tower_http::services::ServeFile::new_with_mime(&path, &mime)
        .try_call(req)
        .await
    {
        Ok(r) => {
            let mut r = r.map(Body::new);
            let h = r.headers_mut();
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            h.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            r
        }
        Err(_) => not_found(method),
    }
}

fn respond(method: Method, code: StatusCode, content_type: &str, bytes: Vec<u8>) -> Response {
    let len = bytes.len();
    let body = if method == Method::HEAD {
        Body::empty()
    } else {
        Body::from(bytes)
    };
    let mut r = Response::new(body);
    *r.status_mut() = code;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r
}

fn not_found(method: Method) -> Response {
    respond(
        method,
        StatusCode::NOT_FOUND,
        "text/html; charset=utf-8",
        inject(NOT_FOUND.as_bytes().to_vec()),
    )
}

/// Adds the live reload script before `</body>` (or at the end).
fn inject(mut html: Vec<u8>) -> Vec<u8> {
    let tag = format!("<script src=\"{PREFIX}livereload.js\"></script>");
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    html.splice(at..at, tag.into_bytes());
    html
}

/// A connection that is closed after [`IDLE_TIMEOUT`] (or `limit`) in which the server wrote
/// nothing. What the client sends does not keep it open: a client that trickles a byte at a
/// time and never finishes a request would otherwise hold its connection for ever. Reading
/// buys one short grace (a third of the limit) per answer written, time enough to finish
/// reading a request that came just before the deadline.
pub struct IdleTimeout<T> {
    inner: T,
    limit: Duration,
    deadline: Pin<Box<tokio::time::Sleep>>,
    /// Whether the reading since the last write has had its grace.
    graced: bool,
}

impl<T> IdleTimeout<T> {
    /// Wraps `inner`, closing it after `limit` without progress.
    pub fn new(inner: T, limit: Duration) -> Self {
        IdleTimeout {
            inner,
            limit,
            deadline: Box::pin(tokio::time::sleep(limit)),
            graced: false,
        }
    }

    fn wrote(&mut self) {
        let next = tokio::time::Instant::now() + self.limit;
        self.deadline.as_mut().reset(next);
        self.graced = false;
    }

    fn read(&mut self) {
        if self.graced {
            return;
        }
        self.graced = true;
        let grace = tokio::time::Instant::now() + self.limit / 3;
        if grace > self.deadline.deadline() {
            self.deadline.as_mut().reset(grace);
        }
    }

    fn expired(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Error> {
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the connection was idle too long",
            )),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for IdleTimeout<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(r) => {
                this.read();
                Poll::Ready(r)
            }
            Poll::Pending => this.expired(cx).map(Err),
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for IdleTimeout<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_write(cx, buf) {
            Poll::Ready(r) => {
                this.wrote();
                Poll::Ready(r)
            }
            Poll::Pending => this.expired(cx).map(Err),
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A TCP listener whose connections close when idle (see [`IdleTimeout`]).
pub struct IdleListener {
    /// The bound listener.
    pub listener: tokio::net::TcpListener,
    /// How long a connection may idle.
    pub limit: Duration,
}

impl axum::serve::Listener for IdleListener {
    type Io = IdleTimeout<tokio::net::TcpStream>;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (io, addr) = axum::serve::Listener::accept(&mut self.listener).await;
        (IdleTimeout::new(io, self.limit), addr)
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.listener.local_addr()
    }
}

/// What a request path names inside the served folder.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A file to send.
    File(PathBuf),
    /// A folder whose address lacks its closing slash: redirect.
    Directory,
    /// Nothing there.
    Missing,
    /// A path that leaves the folder or is not allowed.
    Bad,
}

/// Maps a URL path to a file inside `served`, refusing anything that could leave it.
pub fn resolve(served: &Path, url_path: &str) -> Resolved {
    let Some(decoded) = crate::urlpath::percent_decode(url_path) else {
        return Resolved::Bad;
    };
    if decoded.contains('\0') || decoded.contains('\\') {
        return Resolved::Bad;
    }
    let mut path = served.to_path_buf();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => return Resolved::Bad,
            p if p.contains(':') => return Resolved::Bad,
            // The marker, a build's staging folder and files half written: never pages.
            p if p.starts_with(".shortlist-") => return Resolved::Missing,
            p => path.push(p),
        }
    }
    // The real path must stay inside the real served folder: no symlink may lead out.
    let (Ok(real_root), Ok(real)) = (served.canonicalize(), path.canonicalize()) else {
        return Resolved::Missing;
    };
    if !real.starts_with(&real_root) {
        return Resolved::Missing;
    }
    if real.is_dir() {
        if !url_path.ends_with('/') {
            return Resolved::Directory;
        }
        let index = real.join(shortlist_model::urls::HOME);
        return if index.is_file() {
            Resolved::File(index)
        } else {
            Resolved::Missing
        };
    }
    if real.is_file() {
        Resolved::File(real)
    } else {
        Resolved::Missing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_stays_inside_the_served_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        std::fs::create_dir_all(site.join("vendors/acme")).unwrap();
        std::fs::write(site.join("index.html"), "home").unwrap();
        std::fs::write(site.join("vendors/acme/index.html"), "acme").unwrap();
        std::fs::write(tmp.path().join("secret.txt"), "secret").unwrap();
        assert_eq!(
            resolve(&site, "/"),
            Resolved::File(site.canonicalize().unwrap().join("index.html"))
        );
        assert_eq!(resolve(&site, "/vendors/acme"), Resolved::Directory);
        assert!(matches!(
            resolve(&site, "/vendors/acme/"),
            Resolved::File(_)
        ));
        for bad in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/vendors/%2E%2E/%2e%2e/secret.txt",
            "/..%2fsecret.txt",
            "/%5c..%5csecret.txt",
            "/%ff",
        ] {
            assert_eq!(resolve(&site, bad), Resolved::Bad, "{bad}");
        }
        assert_eq!(resolve(&site, "/nope.html"), Resolved::Missing);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(tmp.path().join("secret.txt"), site.join("link.txt"))
                .unwrap();
            assert_eq!(
                resolve(&site, "/link.txt"),
                Resolved::Missing,
                "a symlink out is not followed"
            );
        }
    }

    #[test]
    fn only_loopback_names_and_addresses_are_local_hosts() {
        for ok in [
            "localhost",
            "localhost:1111",
            "127.0.0.1:8080",
            "LOCALHOST.",
            "app.localhost:3",
            "[::1]:1111",
            "192.168.1.20:1111",
        ] {
            assert!(is_local_host(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "",
            "[x]:1",
        ] {
            assert!(!is_local_host(bad), "{bad}");
        }
    }

    /// A client that writes a byte every 20 seconds, and a server that answers each byte
    /// (`answer`) or not; says how many bytes the server read before the connection closed.
    async fn trickle(answer: bool) -> usize {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut client, server) = tokio::io::duplex(64);
        let mut server = IdleTimeout::new(server, Duration::from_secs(30));
        let talk = async move {
            let mut buf = [0u8; 1];
            for _ in 0..6 {
                tokio::time::sleep(Duration::from_secs(20)).await;
                if client.write_all(b"x").await.is_err() {
                    break;
                }
                if answer {
                    let _ = client.read_exact(&mut buf).await;
                }
            }
        };
        let serve = async {
            let mut buf = [0u8; 1];
            let mut read = 0;
            while server.read_exact(&mut buf).await.is_ok() {
                read += 1;
                if answer && server.write_all(b"y").await.is_err() {
                    break;
                }
                if read == 6 {
                    break;
                }
            }
            read
        };
        tokio::join!(talk, serve).1
    }

    #[tokio::test(start_paused = true)]
    async fn a_client_that_only_trickles_bytes_is_closed_and_one_that_is_answered_is_not() {
        // 20 s: read, with a grace to 30 s; 40 s: read, no new grace past 30 s: closed.
        assert_eq!(trickle(false).await, 1);
        assert_eq!(trickle(true).await, 6);
    }

    #[test]
    fn the_script_goes_before_the_closing_body_tag() {
        let html = inject(b"<html><body><p>x</p></body></html>".to_vec());
        assert_eq!(
            String::from_utf8(html).unwrap(),
            "<html><body><p>x</p><script src=\"/__shortlist/livereload.js\"></script></body></html>"
        );
    }
}

//! `shortlist serve` over real HTTP: pages, content types, live changes, the error overlay's
//! data, path traversal, and a busy port.

use crate::common::{Project, Running, http, http_with, wait_until};

/// Starts `serve` on a free port and returns it with its `host:port`.
fn serving(p: &Project) -> (Running, String) {
    serving_with(p, &[])
}

/// [`serving`], with more arguments.
fn serving_with(p: &Project, more: &[&str]) -> (Running, String) {
    let mut args = vec!["--port", "0"];
    args.extend_from_slice(more);
    let s = Running::start(p, "serve", &args);
    wait_until(30, "the URL on the first line", || {
        s.stdout().lines().next().is_some_and(|l| l.ends_with('/'))
    });
    let url = s.stdout().lines().next().unwrap().to_string();
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    assert!(
        addr.starts_with("127.0.0.1:"),
        "binds to loopback by default: {url}"
    );
    wait_until(30, "the first build", || {
        http(&addr, "GET", "/").status == 200
    });
    (s, addr)
}

#[test]
fn pages_are_served_with_the_right_types_and_no_caching() {
    let p = Project::fixture("minimal");
    let (_s, addr) = serving(&p);
    let home = http(&addr, "GET", "/");
    assert!(home.body.contains("Acme Learning"));
    assert!(
        home.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(home.header("cache-control").as_deref(), Some("no-store"));
    assert!(
        home.body.contains("/__shortlist/livereload.js"),
        "live reload is injected"
    );
    assert!(
        http(&addr, "GET", "/report.json")
            .header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    assert!(
        http(&addr, "GET", "/static/style.css")
            .header("content-type")
            .unwrap()
            .starts_with("text/css")
    );
    assert!(
        http(&addr, "GET", "/__shortlist/livereload.js")
            .body
            .contains("EventSource")
    );
    let head = http(&addr, "HEAD", "/vendors/acme/index.html");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert!(
        head.header("content-length")
            .unwrap()
            .parse::<usize>()
            .unwrap()
            > 100
    );
    let missing = http(&addr, "GET", "/vendors/nobody/index.html");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("does not exist"));
    let dir = http(&addr, "GET", "/vendors/acme");
    assert_eq!(dir.status, 301);
    assert_eq!(dir.header("location").as_deref(), Some("/vendors/acme/"));
    assert_eq!(http(&addr, "GET", "/vendors/acme/").status, 200);
    assert_eq!(http(&addr, "POST", "/").status, 405);
    assert!(!p.path("output").exists(), "serve leaves output/ alone");
    let built = p.path("output");
    assert!(!built.exists());
}

#[test]
fn no_file_outside_the_served_folder_is_ever_served() {
    let p = Project::fixture("minimal");
    p.write("secret.txt", "TOP-SECRET-CANARY");
    let (_s, addr) = serving(&p);
    for path in [
        "/../secret.txt",
        "/../../../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/static/..%2f..%2fsecret.txt",
        "/static/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/..\\secret.txt",
        "//etc/passwd",
        "/C:/Windows/win.ini",
        "/%00/etc/passwd",
        "/%ff%fe",
    ] {
        let r = http(&addr, "GET", path);
        assert!(
            r.status == 400 || r.status == 404,
            "{path}: status {}",
            r.status
        );
        assert!(
            !r.body.contains("TOP-SECRET-CANARY") && !r.body.contains("root:"),
            "{path} leaked"
        );
    }
}

#[test]
fn no_redirect_leaves_the_server_and_no_other_site_reads_it() {
    let p = Project::fixture("minimal");
    p.write("content/assets/data.bin", b"0123456789");
    let (_s, addr) = serving(&p);
    let r = http(&addr, "GET", "//vendors/acme");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location").as_deref(), Some("/vendors/acme/"));
    // DNS rebinding: a page of another site whose name now points at 127.0.0.1.
    let r = http_with(&addr, "GET", "/report.json", "Host: evil.example:1111\r\n");
    assert_eq!(r.status, 403, "{}", r.headers);
    assert!(!r.body.contains("Acme"));
    let r = http_with(&addr, "GET", "/", "Host: localhost\r\n");
    assert_eq!(r.status, 200);
    // Files are served in ranges, as players and download tools ask for them.
    let r = http_with(
        &addr,
        "GET",
        "/assets/data.bin",
        &format!("Host: {addr}\r\nRange: bytes=2-5\r\n"),
    );
    assert_eq!(r.status, 206, "{}", r.headers);
    assert_eq!(r.body, "2345");
    assert_eq!(r.header("cache-control").as_deref(), Some("no-store"));
}

#[test]
fn edits_errors_and_fixes_reach_the_browser() {
    let p = Project::fixture("minimal");
    let (s, addr) = serving(&p);

    p.edit(
        "content/notes/acme-rfp.md",
        "Fair price.",
        "Fair price, edited live.",
    );
    wait_until(20, "the edited page", || {
        http(&addr, "GET", "/notes/acme-rfp/index.html")
            .body
            .contains("edited live")
    });

    // Open the event stream the page script listens to.
    use std::io::{Read, Write};
    let mut events = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        events,
        "GET /__shortlist/events HTTP/1.1\r\nHost: {addr}\r\n\r\n"
    )
    .unwrap();
    events
        .set_read_timeout(Some(std::time::Duration::from_millis(200)))
        .unwrap();
    let mut seen = String::new();
    let mut read_events = |seen: &mut String| {
        let mut buf = [0u8; 4096];
        if let Ok(n) = events.read(&mut buf) {
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    };
    wait_until(10, "the stream's first event", || {
        read_events(&mut seen);
        seen.contains("event: ok")
    });

    p.edit("content/vendors/acme.yaml", "score: 4", "score: 9");
    wait_until(20, "the error on the terminal", || {
        s.stderr().contains("content/vendors/acme.yaml:8:12")
    });
    wait_until(10, "the overlay event", || {
        read_events(&mut seen);
        seen.contains("event: failed")
    });
    let status = http(&addr, "GET", "/__shortlist/status");
    assert!(
        status.body.contains("\"ok\":false")
            && status.body.contains("content/vendors/acme.yaml:8:12"),
        "{}",
        status.body
    );
    let page = http(&addr, "GET", "/vendors/acme/index.html");
    assert_eq!(page.status, 200, "the last good page still serves");
    assert!(page.body.contains("<strong>3.75</strong>"));

    p.edit("content/vendors/acme.yaml", "score: 9", "score: 5");
    wait_until(20, "the fixed page", || {
        http(&addr, "GET", "/vendors/acme/index.html")
            .body
            .contains("<strong>4.50</strong>")
    });
    wait_until(10, "the reload event", || {
        read_events(&mut seen);
        seen.contains("event: reload")
    });
    assert!(
        http(&addr, "GET", "/__shortlist/status")
            .body
            .contains("\"ok\":true")
    );
}

#[test]
fn a_busy_port_is_a_clear_error() {
    let p = Project::fixture("minimal");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let (code, _, err) = p.run("serve", &["--port", &port]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!("port {port}")) && err.contains("--port"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_serve_even_while_a_theme_loops_for_ever() {
    let p = Project::fixture("minimal");
    p.write(
        "themes/default/templates/note.html",
        "{% for a in range(end=100000) %}{% for b in range(end=100000) %}{% endfor %}{% endfor %}",
    );
    let mut s = Running::start(&p, "serve", &["--port", "0"]);
    wait_until(30, "the URL on the first line", || {
        s.stdout().lines().next().is_some_and(|l| l.ends_with('/'))
    });
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(s.interrupt(), Some(0), "{}", s.stderr());
    assert!(
        s.stderr().contains("a rebuild is still running"),
        "{}",
        s.stderr()
    );
}

#[test]
fn a_shareable_preview_never_shows_error_text_in_the_page() {
    let p = Project::fixture("minimal");
    let (_s, addr) = serving_with(&p, &["--audience", "shareable"]);
    // A confidential note with a mistake: its slug and text must not reach the overlay.
    p.write(
        "content/notes/canary-secret-plan.md",
        "---\ntitle: CANARY-TITLE\ndate: not-a-date\nconfidential: true\n---\nCANARY-BODY\n",
    );
    wait_until(20, "the failed rebuild", || {
        http(&addr, "GET", "/__shortlist/status")
            .body
            .contains("\"ok\":false")
    });
    let status = http(&addr, "GET", "/__shortlist/status").body;
    assert!(status.contains("shareable preview"), "{status}");
    assert!(!status.to_lowercase().contains("canary"), "{status}");
}

#[cfg(target_os = "linux")]
#[test]
fn serve_stays_responsive_under_many_idle_and_streaming_connections_and_frees_them() {
    use std::io::Write;
    let p = Project::fixture("minimal");
    let (s, addr) = serving(&p);
    let pid = s.child.id();
    let open_files = || {
        std::fs::read_dir(format!("/proc/{pid}/fd"))
            .unwrap()
            .count()
    };
    let rss_kib = || crate::common::rss_kib(pid);
    let baseline = open_files();
    let memory_before = rss_kib();
    // 200 connections that send half a request and go quiet, and 50 live-reload streams.
    let mut idle = Vec::new();
    for _ in 0..200 {
        let mut c = std::net::TcpStream::connect(&addr).unwrap();
        c.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            .unwrap();
        idle.push(c);
    }
    let mut streams = Vec::new();
    for _ in 0..50 {
        let mut c = std::net::TcpStream::connect(&addr).unwrap();
        write!(
            c,
            "GET /__shortlist/events HTTP/1.1\r\nHost: {addr}\r\n\r\n"
        )
        .unwrap();
        streams.push(c);
    }
    wait_until(10, "the server to hold every connection", || {
        open_files() >= baseline + 200
    });
    // A normal request is still answered (the helper gives up after 10 s).
    let home = http(&addr, "GET", "/");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Acme Learning"));
    // The clients go away; the server lets go of every connection.
    drop(idle);
    drop(streams);
    wait_until(20, "the connections to be freed", || {
        open_files() <= baseline + 5
    });
    let memory_after = rss_kib();
    assert!(
        memory_after < memory_before + 32 * 1024,
        "memory grew from {memory_before} KiB to {memory_after} KiB"
    );
}

#[cfg(unix)]
#[test]
fn short_flags_and_open_show_the_preview_in_the_browser() {
    use std::os::unix::fs::PermissionsExt;
    let p = Project::fixture("minimal");
    let opened = p.path("opened.txt");
    let browser = p.path("browser.sh");
    std::fs::write(
        &browser,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", opened.display()),
    )
    .unwrap();
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    let s = Running::start_with(
        &p,
        "serve",
        &["-p", "0", "-i", "127.0.0.1", "--open"],
        &[("BROWSER", browser.as_os_str())],
    );
    wait_until(30, "the URL on the first line", || {
        s.stdout().lines().next().is_some_and(|l| l.ends_with('/'))
    });
    let url = s.stdout().lines().next().unwrap().to_string();
    // The shell makes the file before it writes the address into it.
    wait_until(30, "the browser to be asked", || {
        std::fs::read_to_string(&opened).is_ok_and(|t| !t.is_empty())
    });
    assert_eq!(std::fs::read_to_string(&opened).unwrap(), url);
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    assert_eq!(http(addr, "GET", "/").status, 200);
    drop(s);
    // `--interface` is `--bind` by Zola's name.
    let (_s, addr) = serving_with(&p, &["--interface", "127.0.0.1"]);
    assert_eq!(http(&addr, "GET", "/").status, 200);
}

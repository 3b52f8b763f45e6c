//! Sub-path hosting: the built site served by a real nginx under `/reports/x/`, every internal
//! link followed, none broken. Needs Debian's `nginx` (`.ci/run` installs it); elsewhere the test
//! skips with a message when nginx is missing, and in CI (`CI` set) a missing nginx fails it.

use std::collections::{BTreeSet, VecDeque};
use std::path::PathBuf;

use crate::common::{Project, http, is_external, links, wait_until};

fn nginx() -> Option<PathBuf> {
    let found = crate::common::find_tool("SHORTLIST_NGINX", &["nginx"]);
    if found.is_none() {
        crate::common::skipped(
            "nginx",
            "install Debian's `nginx`, or set SHORTLIST_NGINX to its binary",
        );
    }
    found
}

/// Resolves `link` against the directory of the URL path `page`, as a browser would.
fn resolve(page: &str, link: &str) -> String {
    let link = link.split(['#', '?']).next().unwrap_or_default();
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for part in link.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    if link.ends_with('/') {
        format!("{joined}/")
    } else {
        joined
    }
}

#[test]
fn every_link_works_under_a_sub_path_on_nginx() {
    let Some(nginx) = nginx() else { return };
    let p = Project::example();
    let (code, _, err) = p.run("build", &["--base-url", "/reports/x/"]);
    assert_eq!(code, 0, "{err}");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let prefix = p.path("nginx");
    std::fs::create_dir_all(&prefix).unwrap();
    let conf = format!(
        "daemon off;\nmaster_process off;\nworker_processes 1;\npid {prefix}/nginx.pid;\nerror_log {prefix}/error.log;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n  include /etc/nginx/mime.types;\n  access_log off;\n  client_body_temp_path {prefix}/body;\n  proxy_temp_path {prefix}/proxy;\n  fastcgi_temp_path {prefix}/fastcgi;\n  uwsgi_temp_path {prefix}/uwsgi;\n  scgi_temp_path {prefix}/scgi;\n\
           server {{\n    listen 127.0.0.1:{port};\n    location /reports/x/ {{ alias {site}/; index index.html; }}\n  }}\n}}\n",
        prefix = prefix.display(),
        site = p.path("output").display(),
    );
    std::fs::write(prefix.join("nginx.conf"), conf).unwrap();
    let mut server = std::process::Command::new(&nginx)
        .arg("-p")
        .arg(&prefix)
        .arg("-c")
        .arg(prefix.join("nginx.conf"))
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let addr = format!("127.0.0.1:{port}");
    wait_until(20, "nginx to answer", || {
        std::net::TcpStream::connect(&addr).is_ok()
    });

    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut queue: VecDeque<String> = VecDeque::from(["/reports/x/".to_string()]);
    let mut broken = Vec::new();
    while let Some(url) = queue.pop_front() {
        if !seen.insert(url.clone()) {
            continue;
        }
        let reply = http(&addr, "GET", &url);
        if reply.status != 200 {
            broken.push(format!("{url}: {}", reply.status));
            continue;
        }
        if reply
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/html"))
        {
            let page = if url.ends_with('/') {
                format!("{url}index.html")
            } else {
                url.clone()
            };
            for link in links(&reply.body) {
                if is_external(&link) || link.starts_with('#') || link.is_empty() {
                    continue;
                }
                assert!(
                    !link.starts_with('/'),
                    "{url} has a root-absolute link {link}"
                );
                queue.push_back(resolve(&page, &link));
            }
        }
    }
    let _ = server.kill();
    let _ = server.wait();
    assert!(
        broken.is_empty(),
        "broken under /reports/x/:\n{}",
        broken.join("\n")
    );
    assert!(seen.len() > 40, "the crawl reached {} URLs", seen.len());
    assert!(seen.iter().any(|u| u.ends_with("/static/style.css")));
}

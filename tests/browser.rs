//! The site in a real browser: Debian's headless Chromium, driven over the DevTools protocol.
//!
//! These tests need Chromium (`apt-get install chromium`; `.ci/run` installs it). Elsewhere they
//! skip with a message when no browser is found; in CI (`CI` set) a missing browser fails them.

mod common;

use std::ffi::OsStr;
use std::path::PathBuf;
use std::time::Duration;

use common::{Project, Running, wait_until};
use headless_chrome::{Browser, LaunchOptions};

fn chromium() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("SHORTLIST_CHROMIUM").map(PathBuf::from),
        Some("/usr/bin/chromium".into()),
        Some("/usr/bin/chromium-browser".into()),
    ];
    let found = candidates.into_iter().flatten().find(|p| p.is_file());
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "Chromium is required in CI: install Debian's `chromium` package"
        );
        eprintln!(
            "skipping a browser test: no Chromium found (install Debian's `chromium`, or set SHORTLIST_CHROMIUM)"
        );
    }
    found
}

fn browser(path: PathBuf) -> Browser {
    let args: Vec<&OsStr> = [
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
    ]
    .iter()
    .map(OsStr::new)
    .collect();
    Browser::new(
        LaunchOptions::default_builder()
            .path(Some(path))
            .headless(true)
            .sandbox(false)
            .args(args)
            .idle_browser_timeout(Duration::from_secs(120))
            .build()
            .unwrap(),
    )
    .unwrap()
}

fn js(tab: &headless_chrome::Tab, expr: &str) -> serde_json::Value {
    tab.evaluate(expr, false)
        .unwrap()
        .value
        .unwrap_or(serde_json::Value::Null)
}

#[test]
fn the_built_site_works_when_opened_from_disk() {
    let Some(path) = chromium() else { return };
    let p = Project::example();
    p.build_ok();
    let b = browser(path);
    let tab = b.new_tab().unwrap();
    let index = format!("file://{}", p.path("output/index.html").display());
    tab.navigate_to(&index)
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    assert_eq!(
        js(&tab, "document.querySelector('h1').textContent"),
        "Learning services partner evaluation 2027"
    );
    // The stylesheet loaded from a relative path: the theme's font stack is in effect.
    let font = js(&tab, "getComputedStyle(document.body).fontFamily").to_string();
    assert!(font.contains("system-ui"), "stylesheet not applied: {font}");
    let rows = js(
        &tab,
        "document.querySelectorAll('table.ranking tbody tr').length",
    );
    assert_eq!(rows, 7);
    // Follow a link to a vendor, then one to a note, as a reader would.
    tab.find_element("table.ranking tbody tr th a")
        .unwrap()
        .click()
        .unwrap();
    wait_until(20, "the vendor page", || {
        js(&tab, "location.href")
            .as_str()
            .is_some_and(|h| h.ends_with("vendors/brightpath/index.html"))
    });
    tab.wait_for_element("ul.evidence a")
        .unwrap()
        .click()
        .unwrap();
    wait_until(20, "a note page", || {
        js(&tab, "location.pathname")
            .as_str()
            .is_some_and(|h| h.contains("/notes/"))
    });
    assert_eq!(
        js(
            &tab,
            "document.querySelectorAll('aside.cited-by li').length > 0"
        ),
        true
    );
}

#[test]
fn an_open_page_follows_edits_and_shows_errors_by_itself() {
    let Some(path) = chromium() else { return };
    let p = Project::fixture("minimal");
    let s = Running::start(&p, "serve", &["--port", "0"]);
    wait_until(30, "the URL", || {
        s.stdout().lines().next().is_some_and(|l| l.ends_with('/'))
    });
    let url = s.stdout().lines().next().unwrap().to_string();
    wait_until(30, "the first build", || s.stdout().contains("rebuilt"));
    let b = browser(path);
    let tab = b.new_tab().unwrap();
    tab.navigate_to(&format!("{url}notes/acme-rfp/index.html"))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    let body = || {
        js(
            &tab,
            "document.querySelector('.prose') ? document.querySelector('.prose').textContent : ''",
        )
        .as_str()
        .unwrap_or_default()
        .to_string()
    };
    assert!(body().contains("Fair price."));
    wait_until(20, "live reload to connect", || {
        js(
            &tab,
            "document.documentElement.getAttribute('data-live-reload')",
        ) == "connected"
    });

    p.edit(
        "content/notes/acme-rfp.md",
        "Fair price.",
        "Fair price, seen live.",
    );
    wait_until(20, "the page to reload by itself", || {
        body().contains("seen live")
    });

    p.edit("content/vendors/acme.yaml", "score: 4", "score: 9");
    wait_until(20, "the error overlay", || {
        js(&tab, "document.querySelector('[role=alert]') ? document.querySelector('[role=alert]').textContent : ''")
            .as_str()
            .is_some_and(|t| t.contains("content/vendors/acme.yaml:8:12"))
    });
    assert!(
        body().contains("seen live"),
        "the last good page stays under the overlay"
    );

    p.edit("content/vendors/acme.yaml", "score: 9", "score: 4");
    wait_until(20, "the overlay to clear", || {
        js(&tab, "document.querySelector('[role=alert]') === null") == true
    });
}

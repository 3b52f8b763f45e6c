//! The site in a real browser: Debian's headless Chromium, driven over the DevTools protocol.
//!
//! These tests need Chromium (`apt-get install chromium`; `.ci/run` installs it). Elsewhere they
//! skip with a message when no browser is found; in CI (`CI` set) a missing browser fails them.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::time::Duration;

use crate::common::{Project, Running, wait_until};
use headless_chrome::{Browser, LaunchOptions};

/// One page of every type of the example site.
/// One page of each type, as paths in the example project once [`built_example`] has built
/// it: the internal site's pages, and a bidder's debrief.
const PAGE_TYPES: [&str; 13] = [
    "output/index.html",
    "output/vendors/index.html",
    "output/vendors/northstar/index.html",
    "output/criteria/index.html",
    "output/criteria/shared-risk/index.html",
    "output/notes/index.html",
    "output/notes/2026-10-14-brightpath-reference-hospital/index.html",
    "output/compare/index.html",
    "output/search/index.html",
    "output/risks/index.html",
    "output/panel/index.html",
    "output/method/index.html",
    "output-bidder-kestrel-lane/index.html",
];

/// The example, built for the team and as Kestrel Lane's debrief.
fn built_example() -> Project {
    let p = Project::example();
    p.build_ok();
    let (code, _, err) = p.run("build", &["--audience", "bidder:kestrel-lane"]);
    assert_eq!(code, 0, "{err}");
    p
}

fn chromium() -> Option<PathBuf> {
    let found = crate::common::find_tool(
        "SHORTLIST_CHROMIUM",
        &["chromium", "chromium-browser", "google-chrome"],
    );
    if found.is_none() {
        crate::common::skipped(
            "Chromium",
            "install Debian's `chromium`, or set SHORTLIST_CHROMIUM to a Chromium or Chrome",
        );
    }
    found
}

fn browser(path: PathBuf, window: Option<(u32, u32)>) -> Browser {
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
            .window_size(window)
            .args(args)
            .idle_browser_timeout(Duration::from_secs(120))
            .build()
            .unwrap(),
    )
    .unwrap()
}

/// Runs statements in the page.
fn run(tab: &headless_chrome::Tab, statements: &str) {
    tab.evaluate(&format!("(() => {{ {statements} }})()"), false)
        .unwrap();
}

/// The example report built, and a browser tab to read it in; `None` (skip) without Chromium.
fn example_in_browser() -> Option<(Project, Browser, std::sync::Arc<headless_chrome::Tab>)> {
    let path = chromium()?;
    let p = built_example();
    let b = browser(path, None);
    let tab = b.new_tab().unwrap();
    Some((p, b, tab))
}

fn js(tab: &headless_chrome::Tab, expr: &str) -> serde_json::Value {
    // Through JSON, so that arrays and objects come back whole.
    let json = tab
        .evaluate(&format!("JSON.stringify(({expr}) ?? null)"), false)
        .unwrap()
        .value;
    json.and_then(|v| v.as_str().map(str::to_string))
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(serde_json::Value::Null)
}

#[test]
fn the_built_site_works_when_opened_from_disk() {
    let Some((p, _browser, tab)) = example_in_browser() else {
        return;
    };
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
    wait_until(30, "the first build", || s.stdout().contains("built"));
    let b = browser(path, None);
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

/// Loads `url`, collecting console errors, uncaught exceptions and failed loads while it runs.
fn visit(tab: &std::sync::Arc<headless_chrome::Tab>, url: &str) -> Vec<String> {
    use headless_chrome::protocol::cdp::types::Event;
    use std::sync::{Arc, Mutex};
    let problems = Arc::new(Mutex::new(Vec::new()));
    let sink = problems.clone();
    tab.enable_log().unwrap();
    tab.enable_runtime().unwrap();
    let listener = tab
        .add_event_listener(Arc::new(move |event: &Event| {
            let text = format!("{event:?}");
            let bad = match event {
                Event::LogEntryAdded(_) => text.contains("level: Error"),
                Event::RuntimeExceptionThrown(_) => true,
                Event::RuntimeConsoleAPICalled(_) => {
                    text.contains("Type: Error") || text.contains("type: Error")
                }
                _ => false,
            };
            if bad {
                sink.lock()
                    .unwrap()
                    .push(text.chars().take(400).collect::<String>());
            }
        }))
        .unwrap();
    tab.navigate_to(url)
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    // Scripts run on load; give a settled page one round trip before reading the log.
    let _ = tab.evaluate("new Promise(r => setTimeout(r, 50))", true);
    tab.remove_event_listener(&listener).unwrap();
    problems.lock().unwrap().clone()
}

#[test]
fn every_page_type_loads_without_console_errors_or_failed_requests() {
    let Some((p, _browser, tab)) = example_in_browser() else {
        return;
    };
    for page in PAGE_TYPES {
        let url = format!("file://{}", p.path(page).display());
        let problems = visit(&tab, &url);
        assert!(problems.is_empty(), "{page}:\n{}", problems.join("\n"));
        assert_eq!(
            js(&tab, "document.styleSheets.length >= 1"),
            true,
            "{page}: the stylesheet"
        );
    }
}

#[test]
fn readers_can_sort_filter_compare_and_search() {
    let Some((p, _browser, tab)) = example_in_browser() else {
        return;
    };
    let file = |page: &str| format!("file://{}", p.path("output").join(page).display());
    let first_vendor =
        "document.querySelector('#ranking-table tbody tr:not([hidden]) th').textContent";

    // Sorting: the weighted score column, both ways, with aria-sort saying so.
    tab.navigate_to(&file("index.html"))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    assert_eq!(
        js(&tab, first_vendor),
        "Brightpath Learning",
        "without a click the table is in rank order"
    );
    tab.find_element("#ranking-table thead th:nth-child(3) button")
        .unwrap()
        .click()
        .unwrap();
    assert_eq!(
        js(
            &tab,
            "document.querySelector('#ranking-table thead th:nth-child(3)').getAttribute('aria-sort')"
        ),
        "ascending"
    );
    assert_eq!(js(&tab, first_vendor), "Quillmark Content Services");
    tab.find_element("#ranking-table thead th:nth-child(3) button")
        .unwrap()
        .click()
        .unwrap();
    assert_eq!(js(&tab, first_vendor), "Brightpath Learning");

    // Filtering by status.
    run(
        &tab,
        "const s = document.getElementById('status-filter'); s.value = 'finalist'; s.dispatchEvent(new Event('change'))",
    );
    assert_eq!(
        js(
            &tab,
            "document.querySelectorAll('#ranking-table tbody tr:not([hidden])').length"
        ),
        2
    );
    assert_eq!(
        js(
            &tab,
            "document.querySelector('[data-count-for=ranking-table]').textContent"
        ),
        "Showing 2 of 7"
    );

    // The notes list, by vendor and kind.
    tab.navigate_to(&file("notes/index.html"))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    run(
        &tab,
        "const v = document.getElementById('filter-vendor'); v.value = 'kestrel-lane'; v.dispatchEvent(new Event('change'))",
    );
    let shown = js(
        &tab,
        "Array.from(document.querySelectorAll('#notes-table tbody tr:not([hidden])')).map(r => r.dataset.vendors)",
    );
    let shown = shown.as_array().unwrap();
    assert!(
        !shown.is_empty()
            && shown
                .iter()
                .all(|v| v.as_str().unwrap().contains("kestrel-lane")),
        "{shown:?}"
    );
    run(
        &tab,
        "const k = document.getElementById('filter-kind'); k.value = 'reference-call'; k.dispatchEvent(new Event('change'))",
    );
    assert_eq!(
        js(
            &tab,
            "document.querySelectorAll('#notes-table tbody tr:not([hidden])').length"
        ),
        1
    );

    // Compare as it opens: the shortlist, with only the rows that differ by 2 points or more
    // marked, and those computed from the cells shown.
    tab.navigate_to(&file("compare/index.html"))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    let (marked, spread) = (
        js(
            &tab,
            "Array.from(document.querySelectorAll('#compare-table tr.differs')).map(r => r.dataset.criterion)",
        ),
        js(
            &tab,
            "Array.from(document.querySelectorAll('#compare-table tr[data-criterion]')).filter(r => { const v = Array.from(r.querySelectorAll('td[data-vendor]:not([hidden])')).map(td => td.dataset.value).filter(x => x != null).map(Number); return v.length > 1 && Math.max(...v) - Math.min(...v) >= 2; }).map(r => r.dataset.criterion)",
        ),
    );
    assert_eq!(marked, spread);
    let rows = js(
        &tab,
        "document.querySelectorAll('#compare-table tr[data-criterion]').length",
    );
    assert!(
        marked.as_array().unwrap().len() < rows.as_u64().unwrap() as usize,
        "not every row is marked: {marked}"
    );

    // Compare: the URL's choice, then a change of mind.
    tab.navigate_to(&format!(
        "{}?v=quillmark,brightpath",
        file("compare/index.html")
    ))
    .unwrap()
    .wait_until_navigated()
    .unwrap();
    let columns = "Array.from(document.querySelectorAll('#compare-table thead th[data-vendor]:not([hidden])')).map(th => th.dataset.vendor)";
    assert_eq!(
        js(&tab, columns),
        serde_json::json!(["brightpath", "quillmark"])
    );
    assert_eq!(
        js(
            &tab,
            "document.querySelectorAll('#compare-table tr.differs').length > 0"
        ),
        true,
        "differences are highlighted"
    );
    tab.find_element("#compare-picker input[value=rapidcourse]")
        .unwrap()
        .click()
        .unwrap();
    assert_eq!(
        js(&tab, columns),
        serde_json::json!(["brightpath", "rapidcourse", "quillmark"])
    );
    assert_eq!(
        js(&tab, "location.search"),
        "?v=brightpath,rapidcourse,quillmark",
        "the URL keeps the choice"
    );

    // Search, from the index written at build time.
    tab.navigate_to(&format!("{}?q=sepsis", file("search/index.html")))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    // Every file of the index loaded (the example's 25 notes are kept in two): one document
    // for each vendor, criterion and note.
    let json: serde_json::Value = serde_json::from_str(&p.read("output/report.json")).unwrap();
    let docs = ["vendors", "criteria", "notes"]
        .map(|k| json[k].as_array().unwrap().len())
        .iter()
        .sum::<usize>();
    assert_eq!(js(&tab, "window.shortlistSearchFiles.length"), 2);
    assert_eq!(js(&tab, "window.shortlistSearch.length"), docs);
    let titles = js(
        &tab,
        "Array.from(document.querySelectorAll('#search-results li > a')).map(a => a.textContent)",
    );
    let titles: Vec<&str> = titles
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&"Reference call: Brightpath's hospital client"),
        "{titles:?}"
    );
    assert!(titles.contains(&"Brightpath Learning"), "{titles:?}");
    tab.find_element("#search-results li > a")
        .unwrap()
        .click()
        .unwrap();
    wait_until(20, "a search result to open", || {
        js(&tab, "location.pathname")
            .as_str()
            .is_some_and(|h| !h.contains("/search/"))
    });
}

#[test]
fn the_value_map_places_every_priced_vendor_and_the_register_filters() {
    let Some((p, _browser, tab)) = example_in_browser() else {
        return;
    };
    let file = |page: &str| format!("file://{}", p.path("output").join(page).display());
    tab.navigate_to(&file("index.html"))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(&p.read("output/report.json")).unwrap();
    let priced = json["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| !v["cost"].is_null())
        .count();
    assert_eq!(
        js(&tab, "document.querySelectorAll('.value-map .mark').length"),
        priced
    );
    // The cheaper of two vendors is further left: Rapidcourse (6) left of Brightpath (1).
    let x = |rank: u32| {
        js(&tab, &format!("document.querySelector('.value-map .mark[data-rank=\"{rank}\"]').getBoundingClientRect().left"))
            .as_f64()
            .unwrap()
    };
    assert!(x(6) < x(1));
    tab.navigate_to(&file("risks/index.html"))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    let all = js(
        &tab,
        "document.querySelectorAll('#risk-table tbody tr').length",
    );
    run(
        &tab,
        "const s = document.getElementById('risk-severity'); s.value = 'high'; s.dispatchEvent(new Event('change'))",
    );
    let high = js(
        &tab,
        "Array.from(document.querySelectorAll('#risk-table tbody tr:not([hidden])')).map(r => r.dataset.severity)",
    );
    let high = high.as_array().unwrap();
    assert!(!high.is_empty() && high.len() < all.as_u64().unwrap() as usize);
    assert!(high.iter().all(|s| s == "high"));
}

/// The what-if script restates the scoring rules of `shortlist_model::rules`: for random weights
/// given in the address (zeros among them), its ranking order, weighted scores and verdicts,
/// the matrix's order and its weight shares are those `score::rank` gives the same report with
/// the same weights. Then the cases the issue names: Harbour & Pine Learning becomes a partner
/// with Skin in the game at 30, and all-zero weights get a message, not NaN.
#[test]
fn what_if_follows_the_scoring_rules_on_random_weights() {
    let Some((p, _browser, tab)) = example_in_browser() else {
        return;
    };
    let built = shortlist::make_site(&shortlist::Options {
        root: p.root().to_path_buf(),
        ..Default::default()
    })
    .unwrap();
    let index = format!("file://{}", p.path("output/index.html").display());
    let n = built.report.criteria.len();
    let mut next = crate::common::seeded(2027);
    let mut draws: Vec<Vec<f64>> = (0..20)
        .map(|_| (0..n).map(|_| next(41) as f64).collect())
        .filter(|w: &Vec<f64>| w.iter().any(|x| *x > 0.0))
        .collect();
    // Each criterion alone: the vendor best on it leads, and the must-have floors decide
    // whether it is a partner (Quillmark's 5 on Value for money, under a floor elsewhere).
    for k in 0..n {
        draws.push((0..n).map(|i| if i == k { 10.0 } else { 0.0 }).collect());
    }
    // Skin in the game (the fifth criterion) from 10 to 30.
    draws.push(vec![20.0, 15.0, 15.0, 10.0, 30.0, 15.0, 10.0, 5.0]);
    let page = r#"Array.from(document.querySelectorAll('#ranking-table tbody tr')).map(r => [r.getAttribute('data-slug'), parseFloat(r.querySelector('[data-weighted]').getAttribute('data-value')), r.querySelector('.verdict .badge').className.replace('badge ', '')])"#;
    let matrix = r#"Array.from(document.querySelectorAll('#matrix-table tbody tr')).map(r => r.getAttribute('data-slug'))"#;
    let shares = r#"Array.from(document.querySelectorAll('#matrix-table thead .weight')).map(s => s.textContent)"#;
    for weights in &draws {
        let w: Vec<String> = weights.iter().map(|w| format!("{w}")).collect();
        tab.navigate_to(&format!("{index}?w={}", w.join(",")))
            .unwrap()
            .wait_until_navigated()
            .unwrap();
        let expected = crate::common::ranked_with_weights(&built.report, weights);
        let shown = js(&tab, page);
        let shown = shown.as_array().unwrap();
        assert_eq!(shown.len(), expected.len());
        for (row, (slug, score, verdict)) in shown.iter().zip(&expected) {
            assert_eq!(row[0], slug.as_str(), "order with weights {w:?}");
            assert_eq!(row[2], *verdict, "{slug}'s verdict with weights {w:?}");
            match (row[1].as_f64(), score) {
                (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "{slug}: {a} against {b}"),
                (a, b) => assert!(a.is_none() && b.is_none(), "{slug}: {a:?} against {b:?}"),
            }
        }
        let order: Vec<&str> = expected.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(js(&tab, matrix), serde_json::json!(order));
        let total: f64 = weights.iter().sum();
        let pct: Vec<String> = weights
            .iter()
            .map(|w| format!("{:.1}%", (w / total * 1000.0).round() / 10.0))
            .collect();
        assert_eq!(js(&tab, shares), serde_json::json!(pct));
    }
    // The last draw: Harbour & Pine at 3.71 (worked by hand: 445/120) is a partner.
    assert!(
        js(&tab, page)
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r[0] == "harbour-pine" && r[2] == "partner")
    );
    tab.navigate_to(&format!("{index}?w={}", vec!["0"; n].join(",")))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    let said = js(
        &tab,
        "document.getElementById('what-if-result').textContent",
    );
    assert!(
        said.as_str().unwrap().contains("Every weight is zero"),
        "{said}"
    );
    assert!(
        !js(&tab, "document.body.textContent")
            .as_str()
            .unwrap()
            .contains("NaN")
    );
}

#[test]
fn what_if_weights_re_rank_the_page_and_live_in_its_url() {
    let Some((p, _browser, tab)) = example_in_browser() else {
        return;
    };
    let index = format!("file://{}", p.path("output/index.html").display());
    let first = "document.querySelector('#ranking-table tbody tr th').textContent";
    tab.navigate_to(&index)
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    assert_eq!(js(&tab, "document.getElementById('what-if').hidden"), false);
    assert_eq!(js(&tab, first), "Brightpath Learning");
    // Track record from 20 to 4: a share of 4/84 = 4.8%, under the 5.9% flip point.
    run(
        &tab,
        "const i = document.querySelector('#what-if input[data-weight=\"0\"]'); i.value = '4'; i.dispatchEvent(new Event('input'))",
    );
    assert_eq!(js(&tab, first), "Kestrel Lane Associates");
    assert_eq!(
        js(
            &tab,
            "document.querySelector('#ranking-table tbody tr td').textContent"
        ),
        "1"
    );
    let result = js(
        &tab,
        "document.getElementById('what-if-result').textContent",
    );
    assert!(
        result
            .as_str()
            .unwrap()
            .contains("Kestrel Lane Associates ranks first"),
        "{result}"
    );
    // The page's figure is the weighted score worked out here from report.json.
    let json: serde_json::Value = serde_json::from_str(&p.read("output/report.json")).unwrap();
    let kestrel = json["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["slug"] == "kestrel-lane")
        .unwrap();
    let (mut sum, mut total) = (0.0, 0.0);
    for c in json["criteria"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        let w = if id == "track-record" {
            4.0
        } else {
            c["weight"].as_f64().unwrap()
        };
        sum += w * kestrel["scores"][id]["score"].as_f64().unwrap();
        total += w;
    }
    let expected = format!("{:.2}", sum / total);
    assert_eq!(
        js(
            &tab,
            "document.querySelector('#ranking-table tbody tr [data-weighted] .value').textContent"
        ),
        expected.as_str()
    );
    assert_eq!(
        js(
            &tab,
            "document.querySelector('#matrix-table tr[data-slug=\"kestrel-lane\"] [data-weighted]').textContent"
        ),
        expected.as_str()
    );
    let search = js(&tab, "location.search");
    assert_eq!(search, "?w=4,15,15,10,10,15,10,5");
    // Opening that address restores the what-if.
    tab.navigate_to(&format!("{index}{}", search.as_str().unwrap()))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    assert_eq!(js(&tab, first), "Kestrel Lane Associates");
    assert_eq!(
        js(
            &tab,
            "document.querySelector('#what-if input[data-weight=\"0\"]').value"
        ),
        "4"
    );
    // And the reset goes back to the report's weights.
    tab.find_element(".what-if-reset").unwrap().click().unwrap();
    wait_until(5, "the reset", || js(&tab, first) == "Brightpath Learning");
    assert_eq!(
        js(&tab, "document.getElementById('what-if-result').hidden"),
        true
    );
    assert_eq!(js(&tab, "location.search"), "");
    // Weights too large to multiply (`1e308` each): the same as equal weights, not NaN.
    let huge = vec!["1e308"; json["criteria"].as_array().unwrap().len()].join(",");
    tab.navigate_to(&format!("{index}?w={huge}"))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    let result = js(
        &tab,
        "document.getElementById('what-if-result').textContent",
    );
    assert!(!result.as_str().unwrap().contains("NaN"), "{result}");
    let leader = js(
        &tab,
        "document.querySelector('#ranking-table tbody tr').getAttribute('data-slug')",
    );
    let vendor = json["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["slug"] == leader)
        .unwrap();
    let scores: Vec<f64> = json["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| vendor["scores"][c["id"].as_str().unwrap()]["score"].as_f64())
        .collect();
    let mean = scores.iter().sum::<f64>() / scores.len() as f64;
    let shown = js(
        &tab,
        "document.querySelector('#ranking-table tbody tr [data-weighted] .value').textContent",
    );
    // Two decimals, as the page rounds (a tie such as 4.125 goes up, as JavaScript does).
    let shown: f64 = shown.as_str().unwrap().parse().unwrap();
    assert!(
        (shown - mean).abs() <= 0.005 + 1e-9,
        "{shown} against {mean}"
    );
}

#[test]
fn pages_fit_a_phone_and_screenshots_are_written_for_review() {
    let Some(path) = chromium() else { return };
    let p = built_example();
    let shots = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let mut problems = Vec::new();
    for (device, width, height) in [
        ("phone-320", 320, 640),
        ("phone", 390, 844),
        ("tablet", 768, 1024),
        ("desktop", 1280, 900),
    ] {
        let b = browser(path.clone(), Some((width.max(500), height)));
        let tab = b.new_tab().unwrap();
        // Headless windows are at least 500 px wide: emulate the device's viewport instead, as
        // a phone does (`mobile`: a page wider than the screen is shrunk to fit, not clipped).
        emulate(&tab, width, height, device != "desktop");
        for page in PAGE_TYPES {
            let url = format!("file://{}", p.path(page).display());
            tab.navigate_to(&url)
                .unwrap()
                .wait_until_navigated()
                .unwrap();
            // The document's own width, not the window's: a phone widens the window to fit.
            let document = js(&tab, "document.documentElement.scrollWidth");
            if document.as_f64().unwrap_or(f64::MAX) > f64::from(width) {
                let wide = js(
                    &tab,
                    &format!(
                        "Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > {width} + 1 && !e.closest('.table-scroll, .chart')).slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"
                    ),
                );
                problems.push(format!(
                    "{page} at {width} px is {document} px wide: {wide}"
                ));
            }
            if device.starts_with("phone") {
                // Chart text stays readable: at least 12 px as drawn (the font's size, scaled
                // by any transform or drawing that shrinks it to fit).
                let smallest = js(
                    &tab,
                    "Math.min(...Array.from(document.querySelectorAll('.chart *')).filter(e => Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim()) && e.getBoundingClientRect().width > 0).map(e => parseFloat(getComputedStyle(e).fontSize) * (e.getBoundingClientRect().width / (e.offsetWidth || e.getBoundingClientRect().width))), 99)",
                );
                if smallest.as_f64().unwrap_or(0.0) < 12.0 {
                    problems.push(format!(
                        "{page} at {width} px draws chart text {smallest} px high"
                    ));
                }
            }
            if device != "desktop" {
                // Every score value and chart mark is on the screen, not in a strip that
                // scrolls sideways: a phone reader sees all of a vendor's scores at once.
                let off = js(
                    &tab,
                    &format!(
                        "Array.from(document.querySelectorAll('{ON_SCREEN}')).filter(e => {{ const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > {width} + 1 || r.left < -1); }}).slice(0, 4).map(e => e.tagName + '.' + e.getAttribute('class') + ' ' + e.textContent.trim().slice(0, 20) + ' at ' + Math.round(e.getBoundingClientRect().left) + '..' + Math.round(e.getBoundingClientRect().right))"
                    ),
                );
                if off.as_array().is_some_and(|a| !a.is_empty()) {
                    problems.push(format!("{page} at {width} px has off-screen: {off}"));
                }
            }
            if page == "output/index.html" && device == "phone" {
                // The verdict of every vendor in the ranking is on screen, not scrolled away.
                let hidden = js(
                    &tab,
                    "Array.from(document.querySelectorAll('#ranking-table .badge')).filter(b => { const r = b.getBoundingClientRect(); return r.width === 0 || r.right > window.innerWidth; }).length",
                );
                if hidden != 0 {
                    problems.push(format!(
                        "{hidden} verdicts of the ranking are off-screen at {width} px"
                    ));
                }
            }
            if matches!(device, "phone" | "desktop") {
                let name = match page {
                    "output/index.html" => "overview".to_string(),
                    "output-bidder-kestrel-lane/index.html" => "debrief".to_string(),
                    _ => page
                        .trim_start_matches("output/")
                        .trim_end_matches("/index.html")
                        .replace('/', "-"),
                };
                // The whole page, as tall as it is, for review.
                let tall = js(&tab, "document.documentElement.scrollHeight")
                    .as_u64()
                    .unwrap_or(u64::from(height));
                emulate(&tab, width, tall.min(16_000) as u32, device != "desktop");
                let png = tab
                    .capture_screenshot(
                        headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption::Png,
                        None,
                        None,
                        true,
                    )
                    .unwrap();
                assert!(png.starts_with(b"\x89PNG"), "a PNG for {page}");
                std::fs::write(shots.join(format!("{name}-{device}.png")), png).unwrap();
                emulate(&tab, width, height, device != "desktop");
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// What a phone must show inside the screen: score values and the marks of charts.
const ON_SCREEN: &str = "td.score, td[data-value], .score-pill, .chart .mark, .chart .value, .chart-track, .plot-x span, .plot-y span";

/// Makes the tab's viewport `width` × `height`, as a phone (`mobile`) or a desktop window.
fn emulate(tab: &headless_chrome::Tab, width: u32, height: u32, mobile: bool) {
    tab.call_method(
        headless_chrome::protocol::cdp::Emulation::SetDeviceMetricsOverride {
            width,
            height,
            device_scale_factor: 1.0,
            mobile,
            scale: None,
            screen_width: None,
            screen_height: None,
            position_x: None,
            position_y: None,
            dont_set_visible_size: None,
            screen_orientation: None,
            viewport: None,
            display_feature: None,
            device_posture: None,
        },
    )
    .unwrap();
}

#[test]
fn no_page_type_has_serious_accessibility_violations() {
    let Some(path) = chromium() else { return };
    let axe = std::env::var_os("SHORTLIST_AXE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from("/var/cache/shortlist/npm/node_modules/axe-core/axe.min.js")
        });
    let Ok(axe) = std::fs::read_to_string(&axe) else {
        crate::common::skipped(
            &format!("axe-core (`{}`)", axe.display()),
            "`npm install axe-core` as `.ci/run` does, and set SHORTLIST_AXE to its axe.min.js",
        );
        return;
    };
    let p = built_example();
    let b = browser(path, None);
    let mut problems = Vec::new();
    // Light and dark, on a desktop and on a phone.
    for (scheme, width, mobile) in [
        ("light", 1280, false),
        ("dark", 1280, false),
        ("light", 390, true),
        ("dark", 390, true),
    ] {
        let tab = b.new_tab().unwrap();
        emulate(&tab, width, 844, mobile);
        tab.call_method(
            headless_chrome::protocol::cdp::Emulation::SetEmulatedMedia {
                media: None,
                features: Some(vec![
                    headless_chrome::protocol::cdp::Emulation::MediaFeature {
                        name: "prefers-color-scheme".into(),
                        value: scheme.into(),
                    },
                ]),
            },
        )
        .unwrap();
        for page in PAGE_TYPES {
            let url = format!("file://{}", p.path(page).display());
            tab.navigate_to(&url)
                .unwrap()
                .wait_until_navigated()
                .unwrap();
            tab.evaluate(&axe, false).unwrap();
            let found = tab
                .evaluate(
                    "axe.run(document, { resultTypes: ['violations'] }).then(r => JSON.stringify(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))))",
                    true,
                )
                .unwrap()
                .value
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            if found != "[]" {
                problems.push(format!("{page}, {scheme}, {width} px: {found}"));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn printing_the_overview_gives_a_clean_report() {
    let Some((p, _browser, tab)) = example_in_browser() else {
        return;
    };
    tab.navigate_to(&format!("file://{}", p.path("output/index.html").display()))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    assert_eq!(
        js(
            &tab,
            "getComputedStyle(document.querySelector('.vendor-digest')).display"
        ),
        "none",
        "the digest is for paper only"
    );
    tab.call_method(
        headless_chrome::protocol::cdp::Emulation::SetEmulatedMedia {
            media: Some("print".into()),
            features: None,
        },
    )
    .unwrap();
    let shown = |selector: &str| {
        js(
            &tab,
            &format!("getComputedStyle(document.querySelector('{selector}')).display"),
        )
    };
    assert_eq!(shown(".site-header"), "none", "no navigation on paper");
    assert_eq!(shown(".filters"), "none", "no controls on paper");
    assert_eq!(
        shown(".recommendation"),
        "block",
        "the recommendation comes first"
    );
    assert_eq!(
        js(
            &tab,
            "document.querySelectorAll('.vendor-digest article').length"
        ),
        7
    );
    assert_eq!(
        js(
            &tab,
            "getComputedStyle(document.querySelector('.vendor-digest article')).breakBefore"
        ),
        "page",
        "each vendor starts a page"
    );
    assert_eq!(
        js(
            &tab,
            "getComputedStyle(document.querySelector('.ranking tr')).breakInside"
        ),
        "avoid",
        "rows are not split"
    );
    assert_eq!(
        js(
            &tab,
            "getComputedStyle(document.querySelector('#ranking-table button.sort'), '::after').content"
        ),
        "none",
        "no sort arrows on paper"
    );
    assert_eq!(shown(".what-if"), "none", "no what-if controls on paper");
    assert_eq!(
        js(
            &tab,
            "getComputedStyle(document.querySelectorAll('.vendor-digest article')[1]).breakBefore"
        ),
        "auto",
        "vendors go two to a page"
    );
    assert!(
        !js(&tab, "document.querySelector('.site-footer').innerText")
            .as_str()
            .unwrap()
            .contains("· ·"),
        "no stray separators in the footer"
    );
    // Printed as a browser prints by default: without background graphics.
    let pdf = tab.print_to_pdf(None).unwrap();
    assert!(pdf.starts_with(b"%PDF"), "the print preview renders");
    let review = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&review).unwrap();
    let pdf_path = review.join("overview-print.pdf");
    std::fs::write(&pdf_path, &pdf).unwrap();
    let Some(pages) = pdf_pages(&pdf_path) else {
        return;
    };
    assert!(
        (5..=12).contains(&pages.len()),
        "a committee pack of a few pages, not {}",
        pages.len()
    );
    assert!(
        pages.iter().any(|p| p.width > p.height),
        "the matrix has a landscape page"
    );
    assert_no_page_almost_empty(&pages, "the printed overview");
    // Every page's foot: the report, its date and audience, and the page number.
    let text = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(&pdf_path)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    let sheets: Vec<&str> = text
        .split('\u{c}')
        .filter(|t| !t.trim().is_empty())
        .collect();
    for (i, sheet) in sheets.iter().enumerate() {
        assert!(
            sheet.contains(&format!("Page {} of {}", i + 1, pages.len())),
            "page {} is numbered",
            i + 1
        );
        assert!(
            sheet.contains(
                "Learning services partner evaluation 2027 · 2026-11-20 · Internal version"
            ),
            "page {} names the report, its date and audience",
            i + 1
        );
    }
    // Every page's head: its audience, at the right of the top margin, and nothing else there
    // (15 mm of 297: about 5% of the page).
    for (i, sheet) in sheets.iter().enumerate() {
        assert!(
            sheet.contains("Internal version: do not share"),
            "page {} says who it is for at its head",
            i + 1
        );
    }
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.blank_box(0.0, 0.045, 0.0, 0.6),
            "page {} has no top margin",
            i + 1
        );
    }
    // The ranking's score bars are drawn: solid blocks of their accent blue, at least 8 × 3
    // pixels (text and underlines in the same blue are thinner than that at 40 dpi).
    let blocks: usize = pages
        .iter()
        .map(|p| {
            p.solid_blocks(|[r, g, b]| r < 40 && (70..110).contains(&g) && (150..200).contains(&b))
        })
        .sum();
    assert!(
        blocks > 50,
        "score bars print without background graphics ({blocks} blocks)"
    );
}

#[test]
fn a_printed_vendor_page_has_margins_and_readable_charts() {
    let Some((p, _browser, tab)) = example_in_browser() else {
        return;
    };
    // Quillmark has scores of 1: their bars must still show.
    let page = p.path("output/vendors/quillmark/index.html");
    tab.navigate_to(&format!("file://{}", page.display()))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    let widths = js(
        &tab,
        "Array.from(document.querySelectorAll('.profile-chart .chart-bar')).map(r => r.getBoundingClientRect().width)",
    );
    let widths: Vec<f64> = widths
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w.as_f64())
        .collect();
    assert!(
        !widths.is_empty() && widths.iter().all(|w| *w >= 5.5),
        "{widths:?}"
    );
    let pdf = tab.print_to_pdf(None).unwrap();
    let review = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&review).unwrap();
    let pdf_path = review.join("vendor-print.pdf");
    std::fs::write(&pdf_path, &pdf).unwrap();
    let Some(pages) = pdf_pages(&pdf_path) else {
        return;
    };
    assert!((1..=6).contains(&pages.len()), "{} pages", pages.len());
    assert_no_page_almost_empty(&pages, "a printed vendor page");
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.blank_box(0.0, 0.045, 0.0, 0.6),
            "page {} has no top margin",
            i + 1
        );
    }
}

/// A printed page as pixels.
struct PageImage {
    width: usize,
    height: usize,
    rgb: Vec<u8>,
}

impl PageImage {
    /// How many 8 × 3 pixel blocks are wholly of the colour `f` accepts.
    fn solid_blocks(&self, f: impl Fn([u8; 3]) -> bool) -> usize {
        let px = |x: usize, y: usize| {
            let i = (y * self.width + x) * 3;
            f([self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]])
        };
        let mut n = 0;
        for y in 0..self.height.saturating_sub(2) {
            for x in 0..self.width.saturating_sub(7) {
                if (0..3).all(|dy| (0..8).all(|dx| px(x + dx, y + dy))) {
                    n += 1;
                }
            }
        }
        n
    }

    /// How far down the page's body (between its running head and foot) what is printed
    /// reaches, from 0 (nothing printed) to 1 (to the foot).
    fn filled(&self) -> f64 {
        let (top, bottom) = (
            (0.07 * self.height as f64) as usize,
            (0.92 * self.height as f64) as usize,
        );
        let inked = |y: usize| {
            self.rgb[y * self.width * 3..(y + 1) * self.width * 3]
                .iter()
                .any(|v| *v < 200)
        };
        (top..bottom)
            .rev()
            .find(|y| inked(*y))
            .map_or(0.0, |y| (y - top) as f64 / (bottom - top) as f64)
    }

    /// Whether every pixel between the fractions `top` and `bottom` of the page's height and
    /// `left` and `right` of its width is white.
    fn blank_box(&self, top: f64, bottom: f64, left: f64, right: f64) -> bool {
        let at = |f: f64, of: usize| (f * of as f64) as usize;
        let (x0, x1) = (at(left, self.width), at(right, self.width));
        (at(top, self.height)..at(bottom, self.height)).all(|y| {
            self.rgb[(y * self.width + x0) * 3..(y * self.width + x1) * 3]
                .iter()
                .all(|v| *v > 245)
        })
    }
}

/// Each page is more than almost empty: what it prints reaches at least a fifth of the way
/// down its body (a page holding one stray line, or a legend cut from its table, does not).
fn assert_no_page_almost_empty(pages: &[PageImage], what: &str) {
    let filled: Vec<f64> = pages.iter().map(PageImage::filled).collect();
    assert!(
        filled.iter().all(|f| *f >= 0.2),
        "{what}: a page almost empty, filled to {filled:.2?}"
    );
}

/// The pages of a PDF as images, by poppler's `pdftoppm`; `None` (skip) where it is missing.
fn pdf_pages(pdf: &std::path::Path) -> Option<Vec<PageImage>> {
    let dir = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("pdftoppm")
        .args(["-r", "40"])
        .arg(pdf)
        .arg(dir.path().join("page"))
        .status();
    if !status.is_ok_and(|s| s.success()) {
        crate::common::skipped("pdftoppm", "install Debian's `poppler-utils`");
        return None;
    }
    let mut files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    Some(
        files
            .iter()
            .map(|f| read_ppm(&std::fs::read(f).unwrap()))
            .collect(),
    )
}

/// A binary PPM (P6, 8-bit), as pdftoppm writes it.
fn read_ppm(bytes: &[u8]) -> PageImage {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..i]).into_owned());
    }
    assert_eq!(fields[0], "P6");
    let (width, height) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    PageImage {
        width,
        height,
        rgb: bytes[i + 1..].to_vec(),
    }
}

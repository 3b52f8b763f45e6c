//! What the pages say: hostile text stays text, raw HTML is sanitized, and the rendered HTML of
//! a small fixture matches its reviewed snapshot.

use crate::common::{Project, tree};

/// The `<main>` element of a page: the part that carries content, for snapshots.
fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("a <main> element");
    let end = html.find("</main>").expect("a closing </main>") + "</main>".len();
    &html[start..end]
}

#[test]
fn hostile_text_in_yaml_and_front_matter_shows_up_as_text() {
    let p = Project::fixture("hostile");
    p.build_ok();
    let site = tree(&p.path("output"));
    for (path, bytes) in &site {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        // The theme's own scripts are the only ones allowed.
        let root = "../".repeat(path.matches('/').count());
        let html = html
            .replace(
                &format!("<script src=\"{root}static/shortlist.js\"></script>"),
                "",
            )
            .replace(
                &format!("<script src=\"{root}search-index.js\"></script>"),
                "",
            );
        assert!(!html.contains("<script"), "{path} has a script element");
        assert!(
            !html.contains("<img src=x onerror") && !html.contains("<img onerror"),
            "{path} has an injected img"
        );
        assert!(!html.contains("<svg onload"), "{path}");
        assert!(!html.contains("<b onmouseover"), "{path}");
        assert!(!html.contains("<style>body"), "{path}");
        assert!(
            !html.contains("javascript:"),
            "{path} has a javascript: URL"
        );
        assert!(!html.contains("<iframe"), "{path}");
        assert!(
            !html.contains("49"),
            "{path}: a template expression in content was evaluated"
        );
    }
    let vendor = p.read("output/vendors/evil/index.html");
    assert!(
        vendor.contains("&lt;script&gt;alert(&#39;name&#39;)&lt;&#x2F;script&gt;")
            || vendor.contains("&lt;script&gt;alert("),
        "{vendor}"
    );
    assert!(vendor.contains("{{ 7*7 }}"), "the literal text survives");
    let index = p.read("output/index.html");
    assert!(
        index.contains("&lt;b onmouseover="),
        "criterion names are escaped"
    );
}

#[test]
fn raw_html_in_markdown_is_sanitized() {
    let p = Project::fixture("hostile");
    p.build_ok();
    let note = p.read("output/notes/evil-note/index.html");
    let start = note.find("<div class=\"prose\">").expect("the note body");
    let body = &note[start
        ..note[start..]
            .find("</article>")
            .map_or(note.len(), |e| start + e)];
    let body = &body[..body.find("<aside").unwrap_or(body.len())];
    assert!(body.contains("Body text."));
    assert!(!body.contains("onerror"), "{body}");
    assert!(!body.contains("onclick"), "{body}");
    assert!(!body.contains("style="), "{body}");
    assert!(!body.contains("<form"), "{body}");
    assert!(!body.contains("type=\"password\""), "{body}");
    assert!(
        body.contains("styled"),
        "harmless text inside removed markup stays"
    );
}

#[test]
fn csv_cells_cannot_become_formulas() {
    let p = Project::fixture("hostile");
    p.build_ok();
    let csv = p.read("output/matrix.csv");
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    assert!(
        !csv.lines().any(|l| l
            .split(',')
            .any(|cell| cell.trim_start_matches('"').starts_with('='))),
        "{csv}"
    );
    let json: serde_json::Value = serde_json::from_str(&p.read("output/report.json")).unwrap();
    assert_eq!(json["vendors"].as_array().unwrap().len(), 2);
}

#[test]
fn pages_of_a_small_fixture_match_their_snapshots() {
    let p = Project::fixture("minimal");
    p.build_ok();
    for (name, page) in [
        ("index", "output/index.html"),
        ("vendor", "output/vendors/acme/index.html"),
        ("criterion", "output/criteria/track-record/index.html"),
        ("note", "output/notes/acme-call/index.html"),
        ("compare", "output/compare/index.html"),
    ] {
        let html = p.read(page);
        insta::assert_snapshot!(name, main_of(&html));
    }
}

#[test]
fn every_page_states_the_title_audience_and_newest_evidence() {
    let p = Project::fixture("minimal");
    p.build_ok();
    for (path, bytes) in tree(&p.path("output")) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(&bytes);
        assert!(
            html.contains("<title>") && html.contains("Fixture evaluation"),
            "{path}"
        );
        assert!(
            html.contains("<strong class=\"audience\">internal</strong>"),
            "{path}"
        );
        assert!(html.contains("newest evidence 2026-10-14"), "{path}");
        assert!(html.starts_with("<!doctype html>"), "{path}");
    }
}

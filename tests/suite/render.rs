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
        let mut html = html.replace(
            &format!("<script src=\"{root}static/shortlist.js\"></script>"),
            "",
        );
        // And the search index's, which the search page names.
        for file in site
            .keys()
            .filter(|f| f.starts_with("search-index") && f.ends_with(".js"))
        {
            html = html.replace(&format!("<script src=\"{root}{file}\"></script>"), "");
        }
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
    let (code, _, err) = p.run("build", &["--audience", "shareable"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = p.run("build", &["--audience", "bidder:budget"]);
    assert_eq!(code, 0, "{err}");
    for (folder, audience) in [
        ("output", "internal"),
        ("output-shareable", "shareable"),
        ("output-bidder-budget", "bidder"),
    ] {
        for (path, bytes) in tree(&p.path(folder)) {
            if !path.ends_with(".html") {
                continue;
            }
            let html = String::from_utf8_lossy(&bytes);
            assert!(
                html.contains("<title>") && html.contains("Fixture evaluation"),
                "{path}"
            );
            assert!(
                html.contains(&format!("<strong class=\"audience\">{audience}</strong>")),
                "{folder}/{path} says who it is for at its foot"
            );
            let label = format!("{}{} version", audience[..1].to_uppercase(), &audience[1..]);
            assert!(
                html.contains(&format!("audience-tag audience-{audience}\""))
                    && html.contains(&format!("\">{label}</span>"))
                    && html.contains(&format!("@top-right {{ content: \"{label}")),
                "{folder}/{path} says who it is for in its header, on screen and on paper"
            );
            assert!(html.starts_with("<!doctype html>"), "{path}");
            if audience != "bidder" {
                assert!(html.contains("newest evidence 2026-10-14"), "{path}");
            }
        }
    }
}

/// What a score means: the scale's levels beside every score that has one, a criterion's own
/// in their place on it, a panel's mean between two levels with none; the same in report.json
/// and the workbook's Criteria sheet.
#[test]
fn scale_levels_are_shown_beside_the_scores_they_describe() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let p = crate::common::Project::fixture("minimal");
    p.edit(
        "content/report.yaml",
        "scale: { min: 1, max: 5 }",
        "scale: { min: 1, max: 5 }\nlevels: { 2: Falls short, 3: Just meets the need, 4: Meets the need well }",
    );
    p.edit(
        "content/report.yaml",
        "    question: Is it affordable?",
        "    question: Is it affordable?\n    levels: { 3: Within budget }",
    );
    p.build_ok();
    // Acme scores 4 on Track record and 3 on Cost; Budget 2 and 5.
    let acme = p.read("output/vendors/acme/index.html");
    assert!(
        acme.contains("What 4 means: </span>Meets the need well</p>"),
        "{acme}"
    );
    assert!(acme.contains("What 3 means: </span>Within budget</p>"));
    assert!(
        !acme.contains("Just meets the need</p>"),
        "the criterion's own words win"
    );
    let cost = p.read("output/criteria/cost/index.html");
    assert!(cost.contains("<dt>3</dt><dd>Within budget</dd>"));
    assert!(cost.contains("<dt>2</dt><dd>Falls short</dd>"));
    // Budget's 5 has no level written: nothing is said.
    let budget = p.read("output/vendors/budget/index.html");
    assert_eq!(
        budget.matches("class=\"level\"").count(),
        1,
        "only its 2 has a level"
    );
    let json: serde_json::Value = serde_json::from_str(&p.read("output/report.json")).unwrap();
    let acme_json = json["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["slug"] == "acme")
        .unwrap();
    assert_eq!(acme_json["scores"]["cost"]["level"], "Within budget");
    assert_eq!(json["levels"][0]["score"], 2.0);
    let mut book: Xlsx<_> = open_workbook(p.path("output/report.xlsx")).unwrap();
    let criteria = book.worksheet_range("Criteria").unwrap();
    assert_eq!(
        criteria.get_value((2, 6)),
        Some(&Data::String(
            "2: Falls short\n3: Within budget\n4: Meets the need well".into()
        ))
    );
}

/// The value map places each vendor by shares of the plot, worked out by hand: a 3-year
/// contract; Acme 20,000 + 3 × 100,000 = 320,000, Budget 0 + 3 × 50,000 = 150,000; the cost
/// axis runs to 1.1 × 320,000 = 352,000, so Acme sits at 320/352 = 90.9% across and Budget at
/// 150/352 = 42.6%. Weighted (weights 3 and 1): Acme (3 × 4 + 3) / 4 = 3.75, 2.75/4 = 68.75%
/// up the 1–5 scale (68.8 to a tenth); Budget (3 × 2 + 5) / 4 = 2.75, 43.75% (43.8); the
/// partner threshold 3.5 at 2.5/4 = 62.5%.
#[test]
fn the_value_map_places_vendors_as_worked_out_by_hand() {
    let p = Project::fixture("minimal");
    p.edit(
        "content/report.yaml",
        "partner_threshold: 3.5",
        "partner_threshold: 3.5\ncontract: { years: 3, currency: GBP }",
    );
    p.edit(
        "content/vendors/acme.yaml",
        "strengths:",
        "pricing: { model: per learner, annual_estimate: 100000, one_off: 20000 }\nstrengths:",
    );
    p.edit(
        "content/vendors/budget.yaml",
        "scores:",
        "pricing: { model: per course, annual_estimate: 50000, one_off: 0 }\nscores:",
    );
    p.build_ok();
    let html = p.read("output/index.html");
    for (rank, left, up) in [(1, "90.9", "68.8"), (2, "42.6", "43.8")] {
        let dot = format!("style=\"left: {left}%; bottom: {up}%\"");
        let at = html
            .find(&dot)
            .unwrap_or_else(|| panic!("{dot} in the value map"));
        let rest = &html[at..];
        assert!(
            rest[..rest.find('>').unwrap()].contains(&format!("data-rank=\"{rank}\"")),
            "rank {rank} at {dot}"
        );
    }
    assert!(html.contains("class=\"chart-threshold\" style=\"bottom: 62.5%\""));
}

//! Audience redaction: after a shareable build no byte of any output file (nor any file name)
//! holds a confidential canary; after an internal build every canary is there.

use crate::common::{Project, tree};

pub(crate) const CANARIES: [&str; 28] = [
    "CANARY-NOTE-TITLE",
    "CANARY-NOTE-BODY",
    "CANARY-AUTHOR",
    "canary-slug",
    "CANARY-PRICING",
    "CANARY-CASE",
    "CANARY-REFERENCE",
    "CANARY-RISK",
    "CANARY-CONTACT",
    "canary-contact@acme.example",
    "CANARY-PHONE",
    "CANARY-RATIONALE",
    "CANARY-EXTRA-LINK-TEXT-STAYS",
    "CANARY-COMMENT",
    "CANARY-LINK-TITLE",
    "canary-secret-chart",
    "CANARY-RAW-HREF",
    // The confidential annual price over a 3-year contract: 987,654 × 3.
    "2962962",
    "2,962,962",
    // An evaluator's name and id, hidden when shared as report.yaml asks.
    "CANARY-EVALUATOR",
    "canary-eval",
    // The panel's agreed reason on a confidential score.
    "CANARY-REASON",
    // An author of a public note who is not on the panel, when names are hidden.
    "CANARY-OUTSIDER",
    // The Markdown source of the panel's recommendation: a comment, and a link's title.
    "CANARY-REC-COMMENT",
    "CANARY-REC-TITLE",
    // An evaluator's declaration of interest, when names are hidden.
    "CANARY-DECLARATION",
    // An evaluator's own rationale, kept confidential in their scores file, and a link title
    // in the Markdown source of another of their rationales.
    "CANARY-OWN-RATIONALE",
    "CANARY-OWN-LINK-TITLE",
];

/// The minimal fixture with a canary string in every confidential place.
pub(crate) fn project_with_secrets() -> Project {
    let p = Project::fixture("minimal");
    p.edit(
        "content/report.yaml",
        "partner_threshold: 3.5",
        "partner_threshold: 3.5\ncontract: { years: 3, currency: GBP }\nevaluators:\n  - { id: canary-eval, name: CANARY-EVALUATOR, role: Head of Learning, declaration: CANARY-DECLARATION }\nhide_evaluator_names_when_shared: true\nrecommendation: \"We back Acme. <!-- CANARY-REC-COMMENT --> See [the call](notes/canary-slug-secret-call.md 'CANARY-REC-TITLE').\"",
    );
    p.write(
        "content/notes/canary-slug-secret-call.md",
        "---\ntitle: CANARY-NOTE-TITLE\ndate: 2026-10-20\nvendors: [acme]\ncriteria: [track-record]\nkind: reference-call\nauthor: CANARY-AUTHOR\nconfidential: true\n---\nCANARY-NOTE-BODY\n",
    );
    p.edit(
        "content/vendors/acme.yaml",
        "evidence: [acme-call]",
        "evidence: [acme-call, canary-slug-secret-call]",
    );
    p.edit(
        "content/vendors/acme.yaml",
        "  cost: { score: 3, evidence: [acme-rfp] }",
        "  cost: { by: { canary-eval: 3 }, score: 3, reason: CANARY-REASON, rationale: CANARY-RATIONALE, evidence: [acme-rfp], confidential: true }",
    );
    p.edit(
        "content/vendors/acme.yaml",
        "strengths:",
        "pricing: { model: CANARY-PRICING, annual_estimate: 987654, currency: GBP, confidential: true }\n\
         track_record:\n  case_studies:\n    - { title: Open case, verified: true }\n    - { title: CANARY-CASE, confidential: true }\n\
         references:\n  - { name: Open Reference }\n  - { name: CANARY-REFERENCE, confidential: true }\n\
         strengths:",
    );
    p.edit(
        "content/vendors/acme.yaml",
        "risks:\n",
        "risks:\n  - { title: CANARY-RISK, confidential: true }\n",
    );
    p.edit(
        "content/vendors/acme.yaml",
        "  - { name: Ann Contact, email: ann@acme.example }",
        "  - { name: CANARY-CONTACT, email: canary-contact@acme.example, phone: CANARY-PHONE }",
    );
    // Public notes written by the evaluator (named by name, and by id) and by an outsider.
    p.edit(
        "content/notes/calls/acme-call.md",
        "author: J. Ortiz",
        "author: CANARY-EVALUATOR",
    );
    p.edit(
        "content/notes/acme-rfp.md",
        "kind:",
        "author: Canary-Eval\nkind:",
    );
    p.edit(
        "content/notes/budget-demo.md",
        "kind:",
        "author: CANARY-OUTSIDER\nkind:",
    );
    p.edit(
        "content/notes/calls/acme-call.md",
        "They delivered.",
        "They delivered. See [CANARY-EXTRA-LINK-TEXT-STAYS](../canary-slug-secret-call.md).\n\n\
         <a href=\"../canary-slug-secret-call.md\" id=\"raw\">raw link</a>\n\n\
         <img src=\"../../assets/shared-chart.png\" alt=\"shared\">",
    );
    // A rationale whose Markdown source holds more than its page shows.
    p.edit(
        "content/vendors/acme.yaml",
        "rationale: Proven on a [similar job](../notes/calls/acme-call.md).",
        "rationale: \"Proven on a [similar job](../notes/calls/acme-call.md) <!-- CANARY-COMMENT --> and [a call](../notes/canary-slug-secret-call.md 'CANARY-LINK-TITLE').\"",
    );
    // The evaluator's own scores file (named after their id): one confidential rationale
    // citing the confidential note, one public rationale whose source links to it.
    p.write(
        "content/scores/canary-eval.yaml",
        "budget:\n  track-record: { score: 2, rationale: CANARY-OWN-RATIONALE, evidence: [canary-slug-secret-call], date: 2026-10-21, confidential: true }\n\
         acme:\n  track-record:\n    score: 4\n    rationale: \"Public words and [a call](../notes/canary-slug-secret-call.md 'CANARY-OWN-LINK-TITLE').\"\n    evidence: [acme-call, canary-slug-secret-call]\n",
    );
    // An image only the confidential note shows, and one that a public note shows too.
    p.write("content/assets/canary-secret-chart.png", b"\x89PNG secret");
    p.write("content/assets/shared-chart.png", b"\x89PNG shared");
    p.edit(
        "content/notes/canary-slug-secret-call.md",
        "CANARY-NOTE-BODY\n",
        "CANARY-NOTE-BODY\n\n![chart](../assets/canary-secret-chart.png)\n\n![shared](../assets/shared-chart.png)\n\n<a href=\"https://x.example/CANARY-RAW-HREF\">raw</a>\n",
    );
    p
}

/// Every canary found anywhere in the output: in a file's bytes or in its path.
pub(crate) fn canaries_in(site: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    for (path, bytes) in tree(site) {
        let mut text = String::from_utf8_lossy(&bytes).to_lowercase();
        // A workbook is a zip of XML: its parts are read unpacked.
        if path.ends_with(".xlsx") {
            use std::io::Read;
            let mut book = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
            for i in 0..book.len() {
                let mut part = String::new();
                book.by_index(i).unwrap().read_to_string(&mut part).unwrap();
                text.push_str(&part.to_lowercase());
            }
        }
        for c in CANARIES {
            let c = c.to_lowercase();
            if text.contains(&c) || path.to_lowercase().contains(&c) {
                found.push(format!("{c} in {path}"));
            }
        }
    }
    found
}

#[test]
fn a_shareable_build_has_no_confidential_byte() {
    let p = project_with_secrets();
    let (code, _, err) = p.run("build", &["--audience", "shareable"]);
    assert_eq!(code, 0, "{err}");
    let found = canaries_in(&p.path("output-shareable"));
    // The link's own words are not confidential: only the link to the confidential note goes.
    let leaks: Vec<&String> = found
        .iter()
        .filter(|f| {
            f.as_str() != "canary-extra-link-text-stays in notes/acme-call/index.html"
                && f.as_str() != "canary-extra-link-text-stays in search-index/000.js"
                && f.as_str() != "canary-extra-link-text-stays in report-notes/000.json"
        })
        .collect();
    assert!(
        leaks.is_empty(),
        "confidential material leaked:\n{leaks:#?}"
    );
    let public_note = p.read("output-shareable/notes/acme-call/index.html");
    assert!(
        public_note.contains("Head of Learning"),
        "an evaluator's note is signed by role"
    );
    assert_eq!(json_note_author(&p, "acme-rfp"), "Head of Learning");
    assert_eq!(json_note_author(&p, "budget-demo"), "");
    assert!(!public_note.contains("CANARY-EXTRA-LINK-TEXT-STAYS</a>"));
    assert!(
        public_note.contains("<a id=\"raw\">raw link</a>"),
        "a raw link to a confidential note loses its address and keeps its text: {public_note}"
    );
    assert!(
        p.path("output-shareable/assets/shared-chart.png").is_file(),
        "an asset a public note shows stays"
    );

    let vendor = p.read("output-shareable/vendors/acme/index.html");
    assert!(
        vendor.contains("1 confidential note, left out of this shareable version"),
        "{vendor}"
    );
    assert!(
        vendor.contains("Open case") && vendor.contains("Open Reference"),
        "open blocks stay"
    );
    assert!(!vendor.contains("987"), "the confidential price goes");
    let json: serde_json::Value =
        serde_json::from_str(&p.read("output-shareable/report.json")).unwrap();
    assert_eq!(json["audience"], "shareable");
    assert_eq!(
        json["vendors"][0]["scores"]["track-record"]["confidential_evidence"],
        1
    );
    assert_eq!(
        json["vendors"][0]["scores"]["cost"]["score"], 3.0,
        "numbers stay: the ranking is the same"
    );
    assert_eq!(json["vendors"][0]["weighted_score"], 3.75);
    assert_eq!(json["vendors"][0]["cost"], serde_json::Value::Null);
    assert_eq!(json["vendors"][0]["pricing_withheld"], true);
    assert!(
        p.read("output-shareable/index.html")
            .contains("withheld: confidential in this version"),
        "a withheld price is said to be withheld, not unknown"
    );
    assert_eq!(
        json["evaluators"][0]["name"], "Head of Learning",
        "known by role"
    );
    assert_eq!(
        json["vendors"][0]["scores"]["cost"]["by"]["evaluator-1"],
        3.0
    );
    assert!(
        p.read("output-shareable/index.html")
            .contains("Shareable version")
    );
}

/// The author report.json gives the note `slug` ("" for none).
fn json_note_author(p: &Project, slug: &str) -> String {
    let json: serde_json::Value =
        serde_json::from_str(&p.read("output-shareable/report.json")).unwrap();
    let notes = json["notes"].as_array().unwrap();
    let note = notes.iter().find(|n| n["slug"] == slug).unwrap();
    note["author"].as_str().unwrap_or_default().to_string()
}

#[test]
fn an_internal_build_has_every_canary() {
    let p = project_with_secrets();
    p.build_ok();
    let found = canaries_in(&p.path("output"));
    for c in CANARIES {
        assert!(
            found.iter().any(|f| f.starts_with(&c.to_lowercase())),
            "{c} missing from the internal build"
        );
    }
}

#[test]
fn report_yaml_sets_the_default_audience_and_the_command_line_wins() {
    let p = project_with_secrets();
    p.edit(
        "content/report.yaml",
        "title: Fixture evaluation",
        "title: Fixture evaluation\naudience: shareable",
    );
    p.build_ok();
    assert!(
        canaries_in(&p.path("output-shareable"))
            .iter()
            .all(|f| f.starts_with("canary-extra-link-text-stays"))
    );
    // However it is spelled, an audience report.yaml accepts is the audience every part of
    // the build uses.
    p.edit(
        "content/report.yaml",
        "audience: shareable",
        "audience: \" Shareable\"",
    );
    p.build_ok();
    let found = canaries_in(&p.path("output-shareable"));
    assert!(
        found
            .iter()
            .all(|f| f.starts_with("canary-extra-link-text-stays")),
        "{found:#?}"
    );
    p.edit(
        "content/report.yaml",
        "audience: \" Shareable\"",
        "audience: shareable",
    );
    assert!(
        !p.path("output").exists(),
        "a shareable build has a folder of its own"
    );
    let (code, _, err) = p.run("build", &["--audience", "internal"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        p.read("output/notes/canary-slug-secret-call/index.html")
            .contains("CANARY-NOTE-BODY")
    );
    p.edit(
        "content/report.yaml",
        "audience: shareable",
        "audience: sharable",
    );
    let err = p.build_err();
    assert!(
        err.contains("content/report.yaml:2:11") && err.contains("did you mean `shareable`?"),
        "{err}"
    );
}

#[test]
fn a_shareable_report_json_carries_the_text_of_rationales_not_their_markdown() {
    let p = project_with_secrets();
    let (code, _, err) = p.run("build", &["--audience", "shareable"]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value =
        serde_json::from_str(&p.read("output-shareable/report.json")).unwrap();
    let rationale = &json["vendors"][0]["scores"]["track-record"]["rationale"];
    assert_eq!(rationale["markdown"], "Proven on a similar job and a call.");
    assert_eq!(rationale["text"], "Proven on a similar job and a call.");
    let html = rationale["html"].as_str().unwrap().to_lowercase();
    assert!(
        html.contains("href=\"notes/acme-call/index.html\"") && !html.contains("canary"),
        "the link to the public note stays, relative to the site's root; nothing else: {html}"
    );
    p.build_ok();
    let json: serde_json::Value = serde_json::from_str(&p.read("output/report.json")).unwrap();
    let internal = json["vendors"][0]["scores"]["track-record"]["rationale"]["markdown"]
        .as_str()
        .unwrap();
    assert!(
        internal.starts_with("Proven on a [similar job](../notes/calls/acme-call.md)"),
        "the internal export keeps the Markdown: {internal}"
    );
}

#[test]
fn watch_never_patches_a_folder_another_build_wrote() {
    let p = project_with_secrets();
    let watch = crate::common::Running::start(&p, "watch", &[]);
    crate::common::wait_until(60, "the first build of watch", || {
        watch.stdout().contains("built")
    });
    // Into watch's own folder, on purpose: a shareable build has a folder of its own.
    let output = p.path("output");
    let (code, _, err) = p.run(
        "build",
        &["--audience", "shareable", "-o", output.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    // Only the link's own words: in the public note's page, the search index and report.json.
    assert!(canaries_in(&p.path("output")).len() <= 3);
    // One edit: watch writes its own (internal) site whole, never a mix of the two.
    p.edit("content/vendors/acme.yaml", "Acme does", "Acme really does");
    crate::common::wait_until(20, "watch to rebuild after the edit", || {
        std::fs::read_to_string(p.path("output/vendors/acme/index.html"))
            .is_ok_and(|h| h.contains("Acme really does"))
    });
    crate::common::wait_until(20, "the whole internal site", || {
        std::fs::read_to_string(p.path("output/vendors/acme/index.html"))
            .is_ok_and(|h| h.contains("CANARY-CONTACT"))
            && p.path("output/notes/canary-slug-secret-call/index.html")
                .is_file()
    });
    drop(watch);
    let watched = tree(&p.path("output"));
    p.build_ok();
    assert!(
        watched == tree(&p.path("output")),
        "after the edit, watch's folder is exactly a fresh internal build"
    );
}

#[test]
fn an_earlier_rounds_evaluator_ids_are_read_as_the_hidden_ones() {
    let p = project_with_secrets();
    p.build_ok();
    p.write("rounds/round1.json", p.read("output/report.json"));
    p.edit(
        "content/vendors/acme.yaml",
        "by: { canary-eval: 3 }, score: 3",
        "by: { canary-eval: 4 }, score: 4",
    );
    let round1 = p.path("rounds/round1.json");
    let (code, _, err) = p.run(
        "build",
        &[
            "--audience",
            "shareable",
            "--previous",
            round1.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value =
        serde_json::from_str(&p.read("output-shareable/report.json")).unwrap();
    let moved = &json["changes"]["vendors"][0]["scores"][0];
    assert_eq!(moved["criterion"], "cost", "{moved}");
    assert_eq!(
        moved["by"],
        serde_json::json!({ "evaluator-1": [3.0, 4.0] }),
        "the same evaluator, moved from 3 to 4, by the id this version shows"
    );
    let leaks = canaries_in(&p.path("output-shareable"));
    assert!(
        !leaks.iter().any(|l| l.starts_with("canary-eval")),
        "{leaks:#?}"
    );
}

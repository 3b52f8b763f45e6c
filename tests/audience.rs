//! Audience redaction: after a shareable build no byte of any output file (nor any file name)
//! holds a confidential canary; after an internal build every canary is there.

mod common;

use common::{Project, tree};

const CANARIES: [&str; 13] = [
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
];

/// The minimal fixture with a canary string in every confidential place.
fn project_with_secrets() -> Project {
    let p = Project::fixture("minimal");
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
        "  cost: { score: 3, rationale: CANARY-RATIONALE, evidence: [acme-rfp], confidential: true }",
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
    p.edit(
        "content/notes/calls/acme-call.md",
        "They delivered.",
        "They delivered. See [CANARY-EXTRA-LINK-TEXT-STAYS](../canary-slug-secret-call.md).",
    );
    p
}

/// Every canary found anywhere in the output: in a file's bytes or in its path.
fn canaries_in(site: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    for (path, bytes) in tree(site) {
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
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
    let found = canaries_in(&p.path("output"));
    // The link's own words are not confidential: only the link to the confidential note goes.
    let leaks: Vec<&String> = found
        .iter()
        .filter(|f| {
            f.as_str() != "canary-extra-link-text-stays in notes/acme-call/index.html"
                && f.as_str() != "canary-extra-link-text-stays in search-index.js"
        })
        .collect();
    assert!(
        leaks.is_empty(),
        "confidential material leaked:\n{leaks:#?}"
    );
    assert!(
        !p.read("output/notes/acme-call/index.html")
            .contains("CANARY-EXTRA-LINK-TEXT-STAYS</a>")
    );

    let vendor = p.read("output/vendors/acme/index.html");
    assert!(
        vendor.contains("1 confidential note, left out of this shareable version"),
        "{vendor}"
    );
    assert!(
        vendor.contains("Open case") && vendor.contains("Open Reference"),
        "open blocks stay"
    );
    assert!(!vendor.contains("987"), "the confidential price goes");
    let json: serde_json::Value = serde_json::from_str(&p.read("output/report.json")).unwrap();
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
    assert!(p.read("output/index.html").contains("Shareable version"));
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
        canaries_in(&p.path("output"))
            .iter()
            .all(|f| f.starts_with("canary-extra-link-text-stays"))
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

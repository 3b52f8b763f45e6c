//! Bidders' debriefs: a build for one provider holds nothing of any other (no name, slug,
//! price, risk, note, strength, concern or rationale of theirs, in any file or archive), and
//! does hold that provider's own scores and reasons beside the leader's scores.

use std::io::Read;

use crate::audience::{CANARIES, canaries_in, project_with_secrets};
use crate::common::{Project, tree};

/// Every file of `site`, and of the zip `archive`, as lower-case text with its name.
fn texts(site: &std::path::Path, archive: &std::path::Path) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = tree(site)
        .into_iter()
        .map(|(path, bytes)| (path, String::from_utf8_lossy(&bytes).to_lowercase()))
        .collect();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(archive).unwrap()).unwrap();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let mut text = String::new();
        entry.read_to_string(&mut text).unwrap();
        let name = format!("archive:{}", entry.name().unwrap_or_default());
        all.push((name, text.to_lowercase()));
    }
    all
}

/// What must never reach Budget Courses' debrief: everything of Acme's, the leader.
const ACME: [&str; 16] = [
    "Acme Learning",
    "acme",
    // Its price, public in this project, and what it costs over the term.
    "CANARY-PRICING",
    "987654",
    "987,654",
    "2,962,962",
    // Its risk, its strength and concern, its rationale.
    "Key person",
    "Deputy named",
    "Experienced",
    "Pricey",
    "Proven on a",
    // A phrase from each of its notes, and a title.
    "Fair price",
    "They delivered",
    "Reference call with an",
    "CANARY-NOTE-BODY",
    // Its contact.
    "Ann Contact",
];

#[test]
fn a_bidders_debrief_holds_nothing_of_any_other_provider() {
    let p = project_with_secrets();
    // Acme's price is public here: still none of Budget's business.
    p.edit(
        "content/vendors/acme.yaml",
        "currency: GBP, confidential: true }",
        "currency: GBP }",
    );
    p.edit(
        "content/vendors/budget.yaml",
        "    score: 2\n",
        "    score: 2\n    rationale: BUDGET-PANEL-WORDS\n    feedback: BUDGET-OWN-WORDS on its templates.\n",
    );
    p.edit(
        "content/vendors/budget.yaml",
        "  cost: 5",
        "  cost: 5\nstrengths: [BUDGET-STRENGTH]\nconcerns: [Less proven than Acme Learning]\nrisks:\n  - { title: BUDGET-RISK }",
    );
    // The bidder's own note, shared with it.
    p.edit(
        "content/notes/budget-demo.md",
        "kind:",
        "share_with_bidder: true\nkind:",
    );
    let archive = p.path("packs/debrief.zip");
    std::fs::create_dir_all(archive.parent().unwrap()).unwrap();
    let (code, out, err) = p.run(
        "build",
        &[
            "--audience",
            "bidder:budget",
            "--archive",
            archive.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("the debrief of `budget` into `") && out.contains("/output-bidder-budget`"),
        "{out}"
    );
    assert!(
        !p.path("output").exists() && !p.path("output-shareable").exists(),
        "a debrief has a folder of its own"
    );
    let site = p.path("output-bidder-budget");

    let mut leaks = Vec::new();
    for (path, text) in texts(&site, &archive) {
        for word in ACME.iter().chain(CANARIES.iter()) {
            let word = word.to_lowercase();
            if text.contains(&word) || path.to_lowercase().contains(&word) {
                leaks.push(format!("{word} in {path}"));
            }
        }
    }
    assert!(leaks.is_empty(), "another provider leaked:\n{leaks:#?}");
    assert!(canaries_in(&site).is_empty());

    // The concern that names Acme is left out, and the build says so at the file.
    assert!(
        err.contains(
            "a concern names Acme Learning, so the debrief for Budget Courses leaves it out"
        ) && err.contains("content/vendors/budget.yaml"),
        "{err}"
    );

    let page = p.read("output-bidder-budget/index.html");
    for own in [
        "BUDGET-OWN-WORDS on its templates.",
        "BUDGET-STRENGTH",
        "Templated.",
        "Bidder version",
    ] {
        assert!(page.contains(own), "the debrief shows {own:?}");
    }
    assert!(
        !page.contains("BUDGET-RISK"),
        "risks are the buyer's working notes"
    );
    assert!(
        !page.contains("BUDGET-PANEL-WORDS"),
        "the panel's rationale is not the feedback"
    );
    // Budget: track record 2 × 3/4 + cost 5 × 1/4 = 2.75, second of two; Acme 3.75, with 4 and 3.
    assert!(page.contains("<strong>2.75</strong>") && page.contains("2nd of 2 providers"));
    assert!(page.contains("The leading provider scored <strong>3.75</strong>"));
    let json: serde_json::Value =
        serde_json::from_str(&p.read("output-bidder-budget/report.json")).unwrap();
    assert_eq!(json["audience"], "bidder");
    assert_eq!(
        json["selected"]["scores"],
        serde_json::json!({ "track-record": 4.0, "cost": 3.0 })
    );
    assert_eq!(json["selected"]["name"], serde_json::Value::Null);
    assert_eq!(json["bidder"]["weighted_score"], 2.75);
    assert_eq!(json["bidder"]["rank"], 2);
    assert_eq!(
        json["bidder"]["scores"]["track-record"]["feedback"]["text"],
        "BUDGET-OWN-WORDS on its templates."
    );
    // The weighted difference on track record: 3/4 × (2 − 4) = −1.50; on cost 1/4 × (5 − 3).
    assert!(page.contains("<td class=\"num\">-1.50</td>"), "{page}");
    assert!(page.contains("<td class=\"num\">+0.50</td>"));
    // The panel by role, never by name.
    assert!(page.contains("Head of Learning") && !page.contains("CANARY-EVALUATOR"));
}

#[test]
fn bidders_writes_a_debrief_for_each_and_may_name_the_winner() {
    let p = Project::fixture("minimal");
    p.edit(
        "content/report.yaml",
        "partner_threshold: 3.5",
        "partner_threshold: 3.5\ndebrief: { name_winner: true }",
    );
    p.edit("content/vendors/acme.yaml", "shortlisted", "selected");
    let out_dir = p.path("debriefs");
    let packs = p.path("packs");
    std::fs::create_dir_all(&packs).unwrap();
    let (code, out, err) = p.run(
        "build",
        &[
            "--audience",
            "bidders",
            "-o",
            out_dir.to_str().unwrap(),
            "--archive",
            packs.join("debrief.tar.gz").to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.matches("built the debrief of").count(), 2, "{out}");
    for slug in ["acme", "budget"] {
        assert!(out_dir.join(slug).join("index.html").is_file(), "{slug}");
        assert!(packs.join(format!("debrief-{slug}.tar.gz")).is_file());
    }
    let budget = std::fs::read_to_string(out_dir.join("budget/index.html")).unwrap();
    assert!(
        budget.contains("Acme Learning scored <strong>3.75</strong>"),
        "named, as report.yaml allows"
    );
    assert!(!budget.contains("Pricey") && !budget.contains("Fair price"));
    let acme = std::fs::read_to_string(out_dir.join("acme/index.html")).unwrap();
    assert!(acme.contains("Your tender was selected."));
    for theirs in ["Budget Courses", "budget", "Templated"] {
        assert!(
            !acme.to_lowercase().contains(&theirs.to_lowercase()),
            "{theirs}"
        );
    }
    // A run of debriefs shares one reading of the project: each is what a build of that bidder
    // alone makes, byte for byte.
    let alone = p.path("alone");
    let (code, _, err) = p.run(
        "build",
        &["--audience", "bidder:budget", "-o", alone.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        crate::common::tree(&alone),
        crate::common::tree(&out_dir.join("budget"))
    );
    // Some of them, by slug; an unknown one is refused before anything is written.
    let (code, _, err) = p.run("build", &["--audience", "bidders:budget,acme"]);
    assert_eq!(code, 0, "{err}");
    assert!(p.path("output-bidder-budget/index.html").is_file());
    assert!(p.path("output-bidder-acme/index.html").is_file());
    let (code, _, err) = p.run("build", &["--audience", "bidder:acm"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("there is no vendor `acm` to debrief; did you mean `acme`?"),
        "{err}"
    );
    assert!(!p.path("output-bidder-acm").exists());
}

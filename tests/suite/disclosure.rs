//! The disclosure guard: whatever the words, nothing confidential leaves the team. Canaries are
//! planted in notes and in every kind of field of the example, each beside a confidential
//! figure written one way or another (or, in a debrief, another provider's name or figure, or a
//! comparison with the other bids); the shareable build and the debriefs are then grepped,
//! every file, the workbook and the archives unpacked.

use std::io::Read;
use std::path::Path;

use crate::common::{Project, tree};

/// Every file of `site` (and of the zip `archive`, when given) as lower-case text, by name:
/// a workbook or an archive is read unpacked, part by part.
fn texts(site: &Path, archive: Option<&Path>) -> Vec<(String, String)> {
    let mut all = Vec::new();
    let unzip = |name: &str, bytes: &[u8], all: &mut Vec<(String, String)>| {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        for i in 0..zip.len() {
            let mut entry = zip.by_index(i).unwrap();
            let mut part = Vec::new();
            entry.read_to_end(&mut part).unwrap();
            let inner = format!("{name}:{}", entry.name().unwrap_or_default());
            all.push((inner, String::from_utf8_lossy(&part).to_lowercase()));
        }
    };
    for (path, bytes) in tree(site) {
        if path.ends_with(".xlsx") {
            unzip(&path, &bytes, &mut all);
        }
        all.push((path, String::from_utf8_lossy(&bytes).to_lowercase()));
    }
    if let Some(archive) = archive {
        let bytes = std::fs::read(archive).unwrap();
        unzip("archive", &bytes, &mut all);
    }
    all
}

/// Each of `needles` (any case) found in the name or the text of one of `texts`.
fn found_in(texts: &[(String, String)], needles: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for (path, text) in texts {
        for n in needles {
            let n = n.to_lowercase();
            if text.contains(&n) || path.to_lowercase().contains(&n) {
                found.push(format!("{n:?} in {path}"));
            }
        }
    }
    found
}

/// Atlas's confidential annual estimate (410,000) and its total over the three-year term
/// (1,230,000), as people write them, in Markdown and raw HTML.
const SPELLINGS: [&str; 22] = [
    "410000",
    "410,000",
    "410 000",
    "410.000",
    "410'000",
    "410k",
    "£410k",
    "GBP 410k",
    "GBP 410K",
    "0.41m",
    "£0.41 million",
    "£**410**k",
    "£4<span>10</span>,000",
    "£410&shy;000",
    "£410\u{ad}000",
    "£410\u{200b}000",
    "<abbr title=\"£410k\">the fee</abbr>",
    "1.23 million over the term",
    "1,230,000",
    "£1.23m",
    "1,230k",
    "GBP 1 230 000",
];

/// The example with a note for each of [`SPELLINGS`], and the same figure in every kind of
/// field a shareable build carries; each marked with a canary of its own.
fn example_with_quotes() -> (Project, Vec<String>) {
    let p = Project::example();
    let mut canaries = Vec::new();
    for (i, spelt) in SPELLINGS.iter().enumerate() {
        let canary = format!("CANARY-QUOTE-{i}");
        p.write(
            &format!("content/notes/atlas/canary-quote-{i}.md"),
            format!(
                "---\ntitle: {canary} title\ndate: 2026-10-08\nvendors: [atlas-business-services]\nkind: demo\n---\n{canary} heard a price.\n\nAtlas put it at {spelt} a year.\n"
            ),
        );
        canaries.push(canary);
    }
    // A public note links to one of them, spelt two ways: the links go with it.
    p.edit(
        "content/notes/atlas/2026-10-07-atlas-demo.md",
        "\n---\n",
        "\n---\nSee [the quote](canary-quote-0.md) and <a href=\"../../notes/canary-quote-1/index.html\">this</a>.\n\n",
    );
    let fields: [(&str, &str, &str); 10] = [
        (
            "content/report.yaml",
            "organisation: Northwind Health, Learning & Development",
            "organisation: Northwind Health CANARY-FIELD-ORG, whose last provider charged 410,000",
        ),
        (
            "content/report.yaml",
            "question: Has it solved problems like ours before, and can it prove it?",
            "question: CANARY-FIELD-QUESTION at £410k?",
        ),
        (
            "content/report.yaml",
            "declaration: \"Worked with",
            "declaration: \"CANARY-FIELD-DECLARATION knows the 0.41m bid. Worked with",
        ),
        (
            "content/vendors/kestrel-lane.yaml",
            "strengths:\n",
            "strengths:\n  - CANARY-FIELD-STRENGTH, cheaper than £410k\n",
        ),
        (
            "content/vendors/harbour-pine.yaml",
            "rationale: One relevant programme in social care; the outcome figure is the client's own estimate.",
            "rationale: \"CANARY-FIELD-RATIONALE: the [incumbent](https://x.example/ 'at £410k') costs more.\"",
        ),
        (
            "content/vendors/brightpath.yaml",
            "outcome: Time to antibiotics fell by a quarter on the wards that took part",
            "outcome: CANARY-FIELD-CASE for GBP 410,000",
        ),
        (
            "content/vendors/brightpath.yaml",
            "summary: Six years together; would hire them again without a tender if rules allowed.",
            "summary: CANARY-FIELD-REFERENCE said the other bid was 410k",
        ),
        (
            "content/vendors/brightpath.yaml",
            "mitigation: Name a deputy in the contract and require a handover plan",
            "mitigation: CANARY-FIELD-RISK costs 1.23 million",
        ),
        (
            "content/vendors/brightpath.yaml",
            "notes: 15% of the fee depends on agreed outcome measures",
            "notes: CANARY-FIELD-PRICING below the £410k of another bid",
        ),
        (
            "content/vendors/brightpath.yaml",
            "tags: [healthcare, outcome-linked]",
            "tags: [healthcare, outcome-linked]\nextra: { CANARY-FIELD-EXTRA: \"410,000\" }",
        ),
    ];
    for (file, from, to) in fields {
        p.edit(file, from, to);
        let canary = to
            .split_whitespace()
            .find(|w| w.contains("CANARY-"))
            .unwrap();
        canaries.push(
            canary
                .trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
                .to_string(),
        );
    }
    (p, canaries)
}

#[test]
fn a_confidential_price_leaves_in_no_shareable_file_however_it_is_written() {
    let (p, canaries) = example_with_quotes();
    let archive = p.path("share.zip");
    let (code, _, err) = p.run(
        "build",
        &[
            "--audience",
            "shareable",
            "--archive",
            archive.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let all = texts(&p.path("output-shareable"), Some(&archive));
    // Every canary, the withheld notes' file names, and the figures as the example writes them.
    let mut needles = canaries.clone();
    needles.push("canary-quote".into());
    needles.extend(
        [
            "410000",
            "410,000",
            "410 000",
            "410.000",
            "410k",
            "0.41m",
            "1.23 million",
            "1,230,000",
            "1.23m",
            "1,230k",
        ]
        .map(String::from),
    );
    let leaks = found_in(&all, &needles);
    assert!(leaks.is_empty(), "leaked:\n{leaks:#?}");

    // Each is said, at the words that hold it, with where the figure is confidential.
    for i in 0..SPELLINGS.len() {
        let file = format!("content/notes/atlas/canary-quote-{i}.md:9:");
        assert!(err.contains(&file), "no warning at {file}\n{err}");
    }
    assert!(
        err.contains("warning: the note `canary-quote-6` quotes Atlas Business Services' confidential annual estimate (content/vendors/atlas-business-services.yaml:14); left out of the shareable build"),
        "{err}"
    );
    assert!(
        err.contains("--> content/notes/atlas/canary-quote-6.md:9:17"),
        "at the amount: {err}"
    );
    assert!(
        err.contains("the note `canary-quote-17` quotes Atlas Business Services' confidential total over the term"),
        "{err}"
    );
    assert!(
        err.contains("the strength") || err.contains("a strength quotes"),
        "{err}"
    );
    // The rest of the site is there: the public note that linked to them keeps its words.
    let demo = p.read("output-shareable/notes/2026-10-07-atlas-demo/index.html");
    assert!(
        demo.contains("See <a>the quote</a> and <a>this</a>."),
        "{demo}"
    );
    let report: serde_json::Value =
        serde_json::from_str(&p.read("output-shareable/report.json")).unwrap();
    let kestrel = report["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["slug"] == "kestrel-lane")
        .unwrap();
    assert!(
        kestrel["strengths"].as_array().unwrap().len() >= 2,
        "only the strength that quotes goes: {kestrel}"
    );

    // The internal build keeps every word (the guard is for builds that leave the team).
    p.build_ok();
    let internal = texts(&p.path("output"), None);
    for canary in [
        "CANARY-QUOTE-6",
        "CANARY-FIELD-STRENGTH",
        "CANARY-FIELD-ORG",
    ] {
        assert!(
            !found_in(&internal, &[canary.to_string()]).is_empty(),
            "{canary} is in the internal build"
        );
    }

    // check reports the same for the shareable build, and --strict fails on it.
    let (code, out, _) = p.run("check", &[]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("content/notes/atlas/canary-quote-6.md:9:17: warning: the note `canary-quote-6` quotes Atlas Business Services' confidential annual estimate"),
        "{out}"
    );
    let (code, out, _) = p.run("check", &["--strict"]);
    assert_eq!(code, 1, "{out}");
}

#[test]
fn a_title_that_quotes_a_confidential_price_stops_the_shareable_build() {
    let p = Project::example();
    p.edit(
        "content/report.yaml",
        "title: Learning services partner evaluation 2027",
        "title: Learning partner 2027, incumbent at £410k",
    );
    let before = {
        p.build_ok();
        tree(&p.path("output"))
    };
    let (code, _, err) = p.run("build", &["--audience", "shareable"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("the title quotes Atlas Business Services' confidential annual estimate")
            && err.contains("cannot be left out of the shareable build")
            && err.contains("content/report.yaml:1:"),
        "{err}"
    );
    assert!(!p.path("output-shareable").exists());
    assert_eq!(
        tree(&p.path("output")),
        before,
        "the internal build is untouched"
    );
}

/// The ways a rival (Brightpath Learning) is named where the guard must still see it, and
/// other bidders' figures and comparisons with their bids.
const IN_DEBRIEF: [&str; 20] = [
    "Bright*path*",
    "**Bright**path",
    "Bright`path`",
    "Bright<span>path</span>",
    "Bright&shy;path",
    "Bright\u{ad}path",
    "Bright\u{200b}path",
    "Bright\u{2060}path",
    "[a rival](https://brightpath.example/)",
    "<abbr title=\"Brightpath\">BP</abbr>",
    "<span class=\"brightpath\">them</span>",
    "[x](https://x.example/ \"Brightpath Learning\")",
    "Pine Learning",
    "Rapid Course",
    "KestrelLane's rival Brightpath-Learning",
    "the £480k bid",
    "0.48m",
    "the lowest bid",
    "second highest of the seven bids",
    "roughly 40% under the next cheapest",
];

#[test]
fn a_debrief_shows_the_bidder_only_what_was_written_for_it() {
    let p = Project::example();
    let mut canaries = Vec::new();
    for (i, said) in IN_DEBRIEF.iter().enumerate() {
        let canary = format!("CANARY-DB-{i}");
        p.write(
            &format!("content/notes/kestrel-lane/canary-db-{i}.md"),
            format!(
                "---\ntitle: Shared note {i}\ndate: 2026-10-08\nvendors: [kestrel-lane]\nkind: interview\nshare_with_bidder: true\n---\n{canary} was said.\n\nThey compared it with {said}.\n"
            ),
        );
        canaries.push(canary);
    }
    // The same in the feedback, a strength and the organisation.
    p.edit(
        "content/vendors/kestrel-lane.yaml",
        "  track-record:\n",
        "  track-record:\n    advantage: CANARY-DB-OWN-ADVANTAGE\n",
    );
    p.edit(
        "content/vendors/kestrel-lane.yaml",
        "feedback: \"Every named consultant",
        "feedback: \"CANARY-DB-FEEDBACK less than Bright*path*'s team. Every named consultant",
    );
    p.edit(
        "content/vendors/kestrel-lane.yaml",
        "strengths:\n",
        "strengths:\n  - CANARY-DB-STRENGTH unlike Rapid Course\n",
    );
    p.edit(
        "content/report.yaml",
        "organisation: Northwind Health, Learning & Development",
        "organisation: CANARY-DB-ORG Northwind Health, replacing Atlas Business Services",
    );
    canaries.extend(
        [
            "CANARY-DB-FEEDBACK",
            "CANARY-DB-STRENGTH",
            "CANARY-DB-ORG",
            "CANARY-DB-OWN-ADVANTAGE",
        ]
        .map(String::from),
    );
    let archive = p.path("kestrel.zip");
    let (code, _, err) = p.run(
        "build",
        &[
            "--audience",
            "bidder:kestrel-lane",
            "--archive",
            archive.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let site = p.path("output-bidder-kestrel-lane");
    let all = texts(&site, Some(&archive));
    let mut needles = canaries.clone();
    needles.extend(
        [
            // The team's own capacity check (kind internal), and the panel's rationale and
            // agreed reason.
            "Split the contract",
            "a reason for a 3 rather than a 4",
            "Procurement accepted",
            "with 28 people it cannot absorb",
            // Every other provider, by name and slug.
            "Brightpath",
            "Harbour",
            "Atlas",
            "Quillmark",
            "Rapidcourse",
            "Northstar",
            // No note is named by its file name.
            "kestrel-lane-interview",
            "canary-db",
        ]
        .map(String::from),
    );
    let leaks = found_in(&all, &needles);
    assert!(leaks.is_empty(), "leaked:\n{leaks:#?}");

    // What the bidder does see: feedback, its shared notes, the leader's advantages.
    let page = p.read("output-bidder-kestrel-lane/index.html");
    for seen in [
        "we could not confirm the second case in time",
        "Two hours with two of the three founders",
        "What the leading provider's tender offered here (scored 5):",
        "Two verified programmes in regulated settings",
        "No provider has been selected yet.",
        "No award decision has been made yet.",
        "procurement@northwind-health.example",
        "prepared for you alone",
        "href=\"#note-1\"",
    ] {
        assert!(page.contains(seen), "the debrief shows {seen:?}");
    }
    for label in ["badge vendor", ">vendor<", "ranked not ranked"] {
        let at = page
            .find(label)
            .map(|i| &page[i.saturating_sub(200)..i + 50]);
        assert!(at.is_none(), "{label} in {at:?}");
    }

    // Each left out is said at its file, line and column, naming why.
    assert!(
        err.contains("warning: the note `canary-db-0` names Brightpath Learning, so the debrief for Kestrel Lane Associates leaves it out")
            && err.contains("--> content/notes/kestrel-lane/canary-db-0.md:10:"),
        "{err}"
    );
    assert!(
        err.contains("the note `canary-db-15` quotes Brightpath Learning's annual estimate"),
        "{err}"
    );
    assert!(
        err.contains("the note `canary-db-17` compares the bid with the others (\"lowest bid\")"),
        "{err}"
    );
    assert!(
        err.contains("the organisation names Atlas Business Services"),
        "{err}"
    );
    for i in 0..IN_DEBRIEF.len() {
        assert!(
            err.contains(&format!("the note `canary-db-{i}` ")),
            "canary-db-{i} not reported:\n{err}"
        );
    }
    let json: serde_json::Value =
        serde_json::from_str(&p.read("output-bidder-kestrel-lane/report.json")).unwrap();
    assert_eq!(json["version"], 3);
    let scores = &json["bidder"]["scores"];
    assert!(scores["track-record"]["rationale"].is_null());
    assert!(
        scores["track-record"]["feedback"]["text"]
            .as_str()
            .unwrap()
            .contains("could not confirm the second case")
    );
    assert!(json["notes"][0]["id"] == "note-1" && json["notes"][0].get("slug").is_none());
}

#[test]
fn a_rejected_bidder_is_told_so_and_why_and_every_bidder_the_award_and_standstill() {
    let p = Project::example();
    p.edit(
        "content/report.yaml",
        "  # decision: 2026-12-04 ",
        "  decision: 2026-12-04 ",
    );
    p.edit(
        "content/report.yaml",
        "  # standstill_ends: 2026-12-15 ",
        "  standstill_ends: 2026-12-15 ",
    );
    let (code, _, err) = p.run("build", &["--audience", "bidders:quillmark,kestrel-lane"]);
    assert_eq!(code, 0, "{err}");
    let quillmark = p.read("output-bidder-quillmark/index.html");
    assert!(
        quillmark.contains("Your tender was rejected."),
        "{quillmark}"
    );
    assert!(quillmark.contains("two of the three sample modules contained"));
    let kestrel = p.read("output-bidder-kestrel-lane/index.html");
    for said in [
        "Your tender was not selected.",
        "The award decision was made on 2026-12-04.",
        "The standstill period ends on 2026-12-15: no contract will be signed before then.",
    ] {
        assert!(kestrel.contains(said), "{said}");
    }
    assert!(
        !kestrel.contains("two of the three sample modules"),
        "a status reason is for its own bidder"
    );
    // Without feedback, the debrief says so and the build warns at the score.
    p.edit(
        "content/vendors/kestrel-lane.yaml",
        "    feedback: \"Good value for the team and approach offered.\"\n",
        "",
    );
    let (code, _, err) = p.run("build", &["--audience", "bidder:kestrel-lane"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("the score for `value-for-money` has no `feedback:`, so the debrief for Kestrel Lane Associates says no feedback was written on it"),
        "{err}"
    );
    let kestrel = p.read("output-bidder-kestrel-lane/index.html");
    assert!(kestrel.contains("No feedback was written on this criterion."));
}

#[test]
fn the_example_builds_for_every_audience_with_no_disclosure_warning() {
    let p = Project::example();
    for audience in ["shareable", "bidders"] {
        let (code, _, err) = p.run("build", &["--audience", audience]);
        assert_eq!(code, 0, "{err}");
        for said in ["left out of", "leaves it out", "no `feedback:`"] {
            assert!(!err.contains(said), "{audience}: {err}");
        }
    }
}

#[test]
fn a_link_to_a_withheld_note_goes_however_it_is_spelt() {
    let p = crate::audience::project_with_secrets();
    let spellings = [
        "../../notes/canary-slug-secret-call/index.html",
        "/notes/canary-slug-secret-call/",
        "../canary-slug-secret-call.MD",
        "../canary-slug-secret-call",
        "../canary-slug-secret-call.md;x",
        "//canary-slug-secret-call.md",
        "../../../content/notes/canary-slug-secret-call.md",
        "../canary-slug-secret-call.md?x=1",
        "../Canary-Slug-Secret-Call.md",
        "../canary%2Dslug-secret-call.md",
    ];
    let links: String = spellings
        .iter()
        .map(|s| format!("<a href=\"{s}\" title=\"t\">spelt</a>\n"))
        .collect();
    p.edit(
        "content/notes/calls/acme-call.md",
        "They delivered.",
        &format!("They delivered.\n\n{links}"),
    );
    let (code, _, err) = p.run("build", &["--audience", "shareable"]);
    assert_eq!(code, 0, "{err}");
    let all = texts(&p.path("output-shareable"), None);
    let leaks = found_in(&all, &["canary-slug-secret-call".to_string()]);
    assert!(leaks.is_empty(), "{leaks:#?}");
    let page = p.read("output-shareable/notes/acme-call/index.html");
    assert_eq!(
        page.matches("<a>spelt</a>").count(),
        spellings.len(),
        "{page}"
    );
}

#[test]
fn no_debrief_of_the_example_holds_another_bidder_however_it_is_named() {
    let p = Project::example();
    // Each bidder, a way the next is named, and a price of another (as the dossiers give them).
    let bidders = [
        (
            "atlas-business-services",
            "Atlas Business Services",
            "Bright path",
            "£480k",
        ),
        (
            "brightpath",
            "Brightpath Learning",
            "Pine Learning",
            "£430,000",
        ),
        (
            "harbour-pine",
            "Harbour & Pine Learning",
            "Kestrel-Lane",
            "0.395m",
        ),
        (
            "kestrel-lane",
            "Kestrel Lane Associates",
            "Northstar",
            "GBP 175k",
        ),
        (
            "northstar",
            "Northstar Performance Group",
            "Quill mark",
            "£260k",
        ),
        (
            "quillmark",
            "Quillmark Content Services",
            "Rapid Course",
            "410,000",
        ),
        ("rapidcourse", "Rapidcourse Studios", "Atlas", "£480,000"),
    ];
    for (slug, _, other, price) in bidders {
        for (what, text) in [
            ("NAME", format!("unlike {other}")),
            ("PRICE", format!("against a bid of {price}")),
            ("OWN", "a clean note of its own".to_string()),
        ] {
            p.write(
                &format!("content/notes/{slug}/canary-{}-{slug}.md", what.to_lowercase()),
                format!(
                    "---\ntitle: Shared {what}\ndate: 2026-10-08\nvendors: [{slug}]\nkind: interview\nshare_with_bidder: true\n---\nCANARY-{what}-{slug}: {text}.\n"
                ),
            );
        }
    }
    let out = p.path("debriefs");
    let packs = p.path("packs");
    std::fs::create_dir_all(&packs).unwrap();
    let (code, _, err) = p.run(
        "build",
        &[
            "--audience",
            "bidders",
            "-o",
            out.to_str().unwrap(),
            "--archive",
            packs.join("d.zip").to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    for (slug, _, _, _) in bidders {
        let all = texts(&out.join(slug), Some(&packs.join(format!("d-{slug}.zip"))));
        let mut needles: Vec<String> = bidders
            .iter()
            .flat_map(|(s, _, _, _)| [format!("CANARY-NAME-{s}"), format!("CANARY-PRICE-{s}")])
            .collect();
        for (other, name, _, _) in bidders.iter().filter(|(s, _, _, _)| *s != slug) {
            needles.extend([
                format!("CANARY-OWN-{other}"),
                other.to_string(),
                name.to_string(),
            ]);
        }
        let leaks = found_in(&all, &needles);
        assert!(leaks.is_empty(), "the debrief for {slug}:\n{leaks:#?}");
        assert!(
            !found_in(&all, &[format!("CANARY-OWN-{slug}")]).is_empty(),
            "{slug} sees its own note"
        );
    }
}

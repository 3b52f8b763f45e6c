//! Fuzz targets on stable Rust: proptest drives each parser of outside input with generated
//! text, many times. `cargo test` runs each target briefly (`SHORTLIST_FUZZ_CASES`, default 64);
//! `scripts/fuzz` runs every target with a large case count for a bounded time. A finding is
//! shrunk by proptest to a small input, which then becomes a regression test beside the others
//! in `errors.rs` or here.
//!
//! Every target asserts more than "no panic": validation answers with a model or diagnostics
//! that carry a position inside the file, Markdown never lets script through and never points
//! a link outside the site, the server never resolves a path outside its folder, and a
//! previous round either loads or is refused with the file's position.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use shortlist::content::{Entry, Kind, Source};
use shortlist::markdown::{Resolver, Target, render};

fn config() -> ProptestConfig {
    let cases = std::env::var("SHORTLIST_FUZZ_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// YAML-ish text: the dossier's own keys, values of every shape, indentation and flow syntax.
fn yamlish() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "name",
        "status",
        "website",
        "summary",
        "scores",
        "track-record",
        "cost",
        "score",
        "by",
        "reason",
        "rationale",
        "evidence",
        "confidential",
        "pricing",
        "annual_estimate",
        "one_off",
        "at_risk",
        "currency",
        "risks",
        "title",
        "likelihood",
        "impact",
        "owner",
        "contacts",
        "extra",
        "tags",
        "criteria",
        "id",
        "weight",
        "minimum",
        "scale",
        "min",
        "max",
        "evaluators",
        "contract",
        "years",
        "limits",
        "robustness",
        "draws",
    ]);
    let value = prop_oneof![
        "[a-z0-9 .-]{0,12}",
        "-?[0-9]{1,4}(\\.[0-9]{1,2})?",
        Just("[a, b]".to_string()),
        Just("{ score: 4 }".to_string()),
        Just("true".to_string()),
        Just("~".to_string()),
        Just("'quoted: text'".to_string()),
        Just("https://x.example/".to_string()),
        "[\\[\\]{}:,&*!|>'\"#-]{0,6}",
    ];
    let line = (0usize..3, key, prop::option::of(value)).prop_map(|(indent, k, v)| match v {
        Some(v) => format!("{}{k}: {v}", "  ".repeat(indent)),
        None => format!("{}{k}:", "  ".repeat(indent)),
    });
    let item =
        ("[a-z]{1,6}", 1usize..3).prop_map(|(v, indent)| format!("{}- {v}", "  ".repeat(indent)));
    prop::collection::vec(prop_oneof![4 => line, 1 => item], 0..24)
        .prop_map(|lines| lines.join("\n"))
}

const REPORT: &str = "title: Fuzz\nscale: { min: 1, max: 5 }\nevaluators: [{ id: jo, name: Jo }]\ncontract: { years: 3, currency: GBP }\ncriteria:\n  - { id: track-record, name: Track record, weight: 3 }\n  - { id: cost, name: Cost, weight: 1 }\n";

fn entry(kind: Kind, rel: &str) -> Entry {
    Entry {
        kind,
        path: PathBuf::from("/nowhere/content").join(rel),
        shown: PathBuf::from("content").join(rel),
        rel: rel.to_string(),
    }
}

/// Validates a project made of `report` and one dossier, all in memory.
fn validate(report: &str, dossier: &str) -> Vec<shortlist::diagnostic::Diagnostic> {
    let entries = vec![
        entry(Kind::Report, "report.yaml"),
        entry(Kind::Vendor, "vendors/acme.yaml"),
    ];
    let sources = vec![
        Source {
            entry: entries[0].clone(),
            text: report.into(),
        },
        Source {
            entry: entries[1].clone(),
            text: dossier.into(),
        },
    ];
    let cache = shortlist::cache::Cache::default();
    let settings = shortlist::validate::Settings {
        root: Path::new("/nowhere"),
        audience: None,
        cache: &cache,
        drafts: false,
        base_url: None,
        limits: shortlist::model::Limits::default(),
    };
    let (validated, diags) = shortlist::validate::validate(&entries, &sources, &settings);
    let report = validated.map(|v| v.report);
    assert_eq!(
        report.is_some(),
        !diags.iter().any(|d| d.is_error()),
        "a model exactly when there is no error"
    );
    diags
}

/// Every position a diagnostic gives lies inside its file (or is 0:0, the whole file).
fn positions_inside(diags: &[shortlist::diagnostic::Diagnostic], report: &str, dossier: &str) {
    for d in diags {
        let text = if d.file.ends_with("report.yaml") {
            report
        } else {
            dossier
        };
        let lines = text.split('\n').count().max(1);
        assert!(
            d.line <= lines,
            "{}:{}:{} is past the end ({lines} lines): {}",
            d.file.display(),
            d.line,
            d.col,
            d.message
        );
    }
}

/// The `href` and `src` values of the real tags of `html` (not of escaped text).
fn attribute_values(html: &str) -> Vec<String> {
    let mut values = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let tag = &rest[start..];
        let mut quoted = false;
        let end = tag
            .char_indices()
            .find(|(_, c)| {
                if *c == '"' {
                    quoted = !quoted;
                }
                *c == '>' && !quoted
            })
            .map_or(tag.len(), |(i, _)| i);
        for attr in [" href=\"", " src=\""] {
            for (at, _) in tag[..end].match_indices(attr) {
                let value = &tag[at + attr.len()..end];
                values.push(value[..value.find('"').unwrap_or(value.len())].to_string());
            }
        }
        rest = &tag[end.min(tag.len())..];
        if rest.starts_with('<') {
            rest = &rest[1..];
        }
    }
    values
}

struct Site;
impl Resolver for Site {
    fn target_of(&self, p: &str) -> Target {
        match p {
            "vendors/acme.yaml" => Target::Page("vendors/acme/index.html".into()),
            "notes/secret.md" => Target::Withheld,
            _ => Target::Missing,
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn fuzz_dossier_validation(lines in yamlish()) {
        let dossier = format!("name: Acme\n{lines}");
        let diags = validate(REPORT, &dossier);
        positions_inside(&diags, REPORT, &dossier);
    }

    #[test]
    fn fuzz_report_validation(extra in yamlish()) {
        let report = format!("{REPORT}{extra}\n");
        let dossier = "name: Acme\nscores: { cost: 3 }\n";
        let diags = validate(&report, dossier);
        positions_inside(&diags, &report, dossier);
    }

    #[test]
    fn fuzz_front_matter(text in "(---\n)?[a-z:\\- \n]{0,120}(---\n)?[ -~\n]{0,80}") {
        if let Some(split) = shortlist::content::split_front_matter(&text) {
            prop_assert_eq!(&text[split.body_offset..], split.body);
            prop_assert!(split.front_line >= 1);
        }
    }

    #[test]
    fn fuzz_markdown(
        text in "[ -~\n]{0,200}",
        link in prop::sample::select(vec![
            "../../vendors/acme.yaml", "../secret.md", "javascript:alert(1)", "//evil.example/x",
            "%2e%2e/%2e%2e/etc/passwd", "data:text/html,<script>", "#top", "nope.md",
        ]),
    ) {
        let src = format!("{text}\n\n[a]({link}) ![b]({link}) <a href=\"{link}\">c</a> <img src=\"{link}\">");
        let r = render(&src, "notes/calls", &Site);
        let lower = r.html.to_lowercase();
        prop_assert!(!lower.contains("<script"), "{}", r.html);
        // No address that runs or embeds code (as text, such words are harmless).
        for value in attribute_values(&r.html) {
            let value = value.trim_start().to_lowercase();
            for bad in ["javascript:", "data:", "vbscript:"] {
                prop_assert!(!value.starts_with(bad), "{}", r.html);
            }
        }
        // No link or image leads to a withheld note. (Markdown inside an unclosed raw HTML
        // block, or in code, is not Markdown: it shows as text, as the author sees in the page.)
        for value in attribute_values(&r.html) {
            prop_assert!(!value.contains("secret"), "{}", r.html);
        }
        for t in &r.targets {
            prop_assert!(!t.starts_with('/') && !t.split('/').any(|p| p == ".."), "{}", t);
        }
    }

    #[test]
    fn fuzz_request_paths(path in "/[a-z0-9./%\\\\:]{0,40}") {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        std::fs::create_dir_all(site.join("vendors/acme")).unwrap();
        std::fs::write(site.join("index.html"), "home").unwrap();
        std::fs::write(site.join("vendors/acme/index.html"), "acme").unwrap();
        std::fs::write(tmp.path().join("secret.txt"), "secret").unwrap();
        if let shortlist::serve::Resolved::File(f) = shortlist::serve::resolve(&site, &path) {
            prop_assert!(f.starts_with(site.canonicalize().unwrap()), "{} served {}", path, f.display());
        }
    }

    #[test]
    fn fuzz_previous_round(json in prop_oneof![
        "[ -~\n]{0,120}",
        Just("{\"vendors\": []}".to_string()),
        "\\{\"vendors\": \\[\\{\"slug\": \"[a-z]{1,5}\", \"name\": \"x\", \"rank\": [0-9]{1,2}(, \"scores\": \\{\"a\": \\{\"score\": [0-9]\\}\\})?\\}\\]\\}",
    ]) {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("round.json");
        std::fs::write(&path, &json).unwrap();
        match shortlist::changes::load(&path, Path::new("round.json"), 8 << 20) {
            Ok(previous) => {
                // What loads agrees with a plain JSON reading of the same file.
                let plain: serde_json::Value = serde_json::from_str(&json).unwrap();
                prop_assert_eq!(previous.vendors.len(), plain["vendors"].as_array().unwrap().len());
            }
            Err(d) => {
                let lines = json.split('\n').count();
                prop_assert!(d.line <= lines, "{}:{} past {} lines", d.line, d.col, lines);
            }
        }
    }
}

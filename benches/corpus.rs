//! A deterministic corpus for the benchmarks: a report project of any size, with every dossier
//! field filled and notes of 400 to 1,500 words (headings, lists, tables, links), every score
//! citing notes; and the same corpus as a Hugo site, for a side-by-side build.
//!
//! The same sizes always give the same files (a small linear congruential generator, seeded by
//! each file's number), so runs on different days compare.

use std::fmt::Write as _;
use std::path::Path;

pub const CRITERIA: [&str; 8] = [
    "track-record",
    "business-understanding",
    "practitioner-staff",
    "long-term-view",
    "shared-risk",
    "quality-impact",
    "adaptability",
    "value-for-money",
];

const WORDS: [&str; 48] = [
    "programme",
    "learners",
    "clinical",
    "onboarding",
    "facilitation",
    "assessment",
    "design",
    "pilot",
    "outcome",
    "evidence",
    "reference",
    "manager",
    "cohort",
    "workshop",
    "practice",
    "ward",
    "budget",
    "timeline",
    "risk",
    "partner",
    "feedback",
    "module",
    "digital",
    "blended",
    "coaching",
    "retention",
    "measure",
    "baseline",
    "impact",
    "quality",
    "rollout",
    "support",
    "team",
    "skills",
    "culture",
    "change",
    "review",
    "contract",
    "delivery",
    "capacity",
    "schedule",
    "induction",
    "leadership",
    "nursing",
    "compliance",
    "report",
    "survey",
    "goal",
];

/// A tiny deterministic generator (Knuth's MMIX constants).
struct Lcg(u64);

impl Lcg {
    fn new(seed: u64) -> Self {
        Lcg(seed
            .wrapping_mul(2_862_933_555_777_941_757)
            .wrapping_add(3_037_000_493))
    }
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below.max(1)
    }
    fn word(&mut self) -> &'static str {
        WORDS[self.next(WORDS.len() as u64) as usize]
    }
    fn sentence(&mut self, words: usize) -> String {
        let mut s = String::new();
        for i in 0..words {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(self.word());
        }
        let mut c = s.chars();
        match c.next() {
            Some(f) => format!("{}{}.", f.to_uppercase(), c.as_str()),
            None => s,
        }
    }
}

/// The slug of note `n`, and of vendor `v`.
pub fn note_slug(n: usize) -> String {
    format!("n{n:05}")
}
pub fn vendor_slug(v: usize) -> String {
    format!("v{v:04}")
}

/// The vendor a note belongs to.
pub fn vendor_of(n: usize, vendors: usize, notes: usize) -> usize {
    (n * vendors / notes.max(1)).min(vendors - 1)
}

/// The Markdown body of note `n`: 400 to 1,500 words. `link_to_vendor` and `link_to_note`
/// give the address of a vendor's and a note's page from the note.
fn note_body(n: usize, v: usize, link_to_vendor: &str, link_to_note: &str) -> String {
    let mut rng = Lcg::new(n as u64);
    let target = 400 + rng.next(1_100) as usize;
    let mut body = String::new();
    let mut words = 0;
    let mut section = 0;
    while words < target {
        section += 1;
        let _ = writeln!(
            body,
            "## {} {section}\n",
            rng.sentence(3).trim_end_matches('.')
        );
        for _ in 0..3 {
            let len = 12 + rng.next(20) as usize;
            let _ = writeln!(body, "{} {}\n", rng.sentence(len), rng.sentence(len / 2));
            words += len + len / 2;
        }
        match section % 3 {
            0 => {
                body.push_str("| Measure | Before | After |\n| --- | --- | --- |\n");
                for _ in 0..4 {
                    let _ = writeln!(
                        body,
                        "| {} | {} | {} |",
                        rng.word(),
                        rng.next(100),
                        rng.next(100)
                    );
                    words += 3;
                }
                body.push('\n');
            }
            1 => {
                for _ in 0..4 {
                    let _ = writeln!(body, "- {}", rng.sentence(6));
                    words += 6;
                }
                body.push('\n');
            }
            _ => {
                let _ = writeln!(
                    body,
                    "See the [dossier of vendor {v}]({link_to_vendor}) and [an earlier note]({link_to_note}).\n"
                );
                words += 10;
            }
        }
    }
    body
}

/// Writes a shortlist project of `vendors` dossiers and `notes` notes under `root`.
pub fn shortlist_project(root: &Path, vendors: usize, notes: usize) {
    let content = root.join("content");
    std::fs::create_dir_all(content.join("vendors")).unwrap();
    let mut report = String::from(
        "title: Generated evaluation\norganisation: Benchmark Health\nsummary: A generated report for the benchmarks.\nscale: { min: 1, max: 5 }\npartner_threshold: 3.5\ncontract: { years: 3, currency: GBP }\ncriteria:\n",
    );
    for (i, c) in CRITERIA.iter().enumerate() {
        let _ = writeln!(
            report,
            "  - {{ id: {c}, name: Criterion {i}, weight: {}, question: How good is it on {c}? }}",
            5 + i * 2
        );
    }
    std::fs::write(content.join("report.yaml"), report).unwrap();
    let first_note = |v: usize| (0..notes).find(|n| vendor_of(*n, vendors, notes) == v);
    for v in 0..vendors {
        let slug = vendor_slug(v);
        std::fs::create_dir_all(content.join("notes").join(&slug)).unwrap();
        let mut rng = Lcg::new(1_000_000 + v as u64);
        let mut dossier = format!(
            "name: Vendor {v}\nstatus: shortlisted\nwebsite: https://vendor-{v}.example\nheadquarters: City {}\nfounded: {}\nemployees: {}\nsummary: |\n  {}\nservices: [design, facilitation, coaching]\npricing: {{ model: per learner, annual_estimate: {}, one_off: {}, at_risk: 0.1 }}\ntrack_record:\n  years_in_learning: {}\n  case_studies:\n    - {{ title: {}, client: Client {v}, year: 2024, outcome: {}, verified: true }}\nreferences:\n  - {{ name: Ref {v}, role: Head of L&D, date: 2026-09-0{}, sentiment: positive, summary: {} }}\nscores:\n",
            rng.next(50),
            1990 + rng.next(30),
            20 + rng.next(500),
            rng.sentence(30),
            50_000 + rng.next(200_000),
            rng.next(20_000),
            1 + rng.next(20),
            rng.sentence(4).trim_end_matches('.'),
            rng.sentence(8).trim_end_matches('.'),
            1 + v % 9,
            rng.sentence(10).trim_end_matches('.'),
        );
        let own: Vec<usize> = (0..notes)
            .filter(|n| vendor_of(*n, vendors, notes) == v)
            .collect();
        for (i, c) in CRITERIA.iter().enumerate() {
            let cited = own.get(i % own.len().max(1)).copied().or(first_note(v));
            let evidence = cited.map_or(String::new(), |n| {
                let s = note_slug(n);
                format!(
                    "\n    rationale: Seen in [a call](../notes/{slug}/{s}.md) with a client.\n    evidence: [{s}]"
                )
            });
            let _ = write!(
                dossier,
                "  {c}:\n    score: {}{evidence}\n",
                1 + (v + i + rng.next(3) as usize) % 5
            );
        }
        dossier.push_str("strengths: [Fast, Experienced]\nconcerns: [Small team]\nrisks:\n  - { title: Capacity, likelihood: medium, impact: high, mitigation: Agree a named team }\ntags: [generated]\n");
        std::fs::write(content.join(format!("vendors/{slug}.yaml")), dossier).unwrap();
    }
    for n in 0..notes {
        let v = vendor_of(n, vendors, notes);
        let body = note_body(
            n,
            v,
            &format!("../../vendors/{}.yaml", vendor_slug(v)),
            &format!(
                "../{}/{}.md",
                vendor_slug(vendor_of(n.saturating_sub(1), vendors, notes)),
                note_slug(n.saturating_sub(1))
            ),
        );
        let note = format!(
            "---\ntitle: Note {n} about vendor {v}\ndate: 2026-{:02}-{:02}\nvendors: [{}]\ncriteria: [{}]\nkind: reference-call\nauthor: Analyst {}\n---\n{body}",
            1 + n % 12,
            1 + n % 28,
            vendor_slug(v),
            CRITERIA[n % 8],
            n % 7
        );
        let dir = content.join("notes").join(vendor_slug(v));
        std::fs::write(dir.join(format!("{}.md", note_slug(n))), note).unwrap();
    }
}

/// Writes the same corpus as a Hugo site under `root`: a page per vendor, criterion and note
/// with the same Markdown, list pages for each section, and plain layouts.
pub fn hugo_site(root: &Path, vendors: usize, notes: usize) {
    let content = root.join("content");
    for dir in ["vendors", "notes", "criteria"] {
        std::fs::create_dir_all(content.join(dir)).unwrap();
    }
    std::fs::create_dir_all(root.join("layouts/_default")).unwrap();
    std::fs::write(
        root.join("hugo.toml"),
        "baseURL = 'https://example.org/'\ntitle = 'Generated evaluation'\ndisableKinds = ['taxonomy', 'term', 'RSS', 'sitemap', 'robotsTXT', '404']\n",
    )
    .unwrap();
    let base = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head><body><nav><a href=\"/vendors/\">Vendors</a> <a href=\"/criteria/\">Criteria</a> <a href=\"/notes/\">Notes</a></nav><main>{{ block \"main\" . }}{{ end }}</main></body></html>\n";
    std::fs::write(root.join("layouts/_default/baseof.html"), base).unwrap();
    std::fs::write(
        root.join("layouts/_default/single.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1>{{ with .Params.score }}<p>Score {{ . }}</p>{{ end }}{{ .Content }}{{ end }}\n",
    )
    .unwrap();
    std::fs::write(
        root.join("layouts/_default/list.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ul>{{ end }}\n",
    )
    .unwrap();
    std::fs::write(
        root.join("layouts/index.html"),
        "{{ define \"main\" }}<h1>{{ .Site.Title }}</h1><table>{{ range where .Site.RegularPages \"Section\" \"vendors\" }}<tr><td><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></td><td>{{ .Params.score }}</td></tr>{{ end }}</table>{{ end }}\n",
    )
    .unwrap();
    for (i, c) in CRITERIA.iter().enumerate() {
        std::fs::write(
            content.join(format!("criteria/{c}.md")),
            format!("---\ntitle: Criterion {i}\n---\nHow good is it on {c}?\n"),
        )
        .unwrap();
    }
    for v in 0..vendors {
        let mut rng = Lcg::new(1_000_000 + v as u64);
        std::fs::write(
            content.join(format!("vendors/{}.md", vendor_slug(v))),
            format!(
                "---\ntitle: Vendor {v}\nvendor: {}\nscore: {}\n---\n{}\n",
                vendor_slug(v),
                1 + v % 5,
                rng.sentence(30)
            ),
        )
        .unwrap();
    }
    for n in 0..notes {
        let v = vendor_of(n, vendors, notes);
        let body = note_body(
            n,
            v,
            &format!("/vendors/{}/", vendor_slug(v)),
            &format!("/notes/{}/", note_slug(n.saturating_sub(1))),
        );
        std::fs::write(
            content.join(format!("notes/{}.md", note_slug(n))),
            format!(
                "---\ntitle: Note {n} about vendor {v}\ndate: 2026-{:02}-{:02}\nvendor: {}\n---\n{body}",
                1 + n % 12,
                1 + n % 28,
                vendor_slug(v)
            ),
        )
        .unwrap();
    }
}

//! The real binary on real projects: what a successful build writes, and how.

use crate::common::{Project, broken_links, tree};

#[test]
fn the_example_builds_every_page_of_the_spec_with_working_links() {
    let p = Project::example();
    p.build_ok();
    let out = p.path("output");
    for page in [
        "index.html",
        "compare/index.html",
        "vendors/index.html",
        "criteria/index.html",
        "notes/index.html",
        "vendors/brightpath/index.html",
        "criteria/track-record/index.html",
        "notes/2026-10-14-brightpath-reference-hospital/index.html",
        "report.json",
        "matrix.csv",
        "static/style.css",
    ] {
        assert!(out.join(page).is_file(), "missing {page}");
    }
    let site = tree(&out);
    let vendors = site
        .keys()
        .filter(|k| k.starts_with("vendors/") && k.ends_with("/index.html"))
        .count();
    assert_eq!(vendors, 7 + 1, "one page per dossier plus the list");
    let broken = broken_links(&out);
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_draft_note_is_left_out_unless_drafts_are_asked_for() {
    let p = Project::example();
    p.build_ok();
    let draft = "notes/2026-11-10-finalist-workshop-plan/index.html";
    assert!(!p.path("output").join(draft).exists());
    // Not among the report's notes; its file is still among the inputs the fingerprint covers.
    let json: serde_json::Value = serde_json::from_str(&p.read("output/report.json")).unwrap();
    assert!(!json["notes"].as_array().unwrap().iter().any(|n| {
        n["slug"]
            .as_str()
            .unwrap()
            .contains("finalist-workshop-plan")
    }));
    let (code, _, err) = p.run("build", &["--drafts"]);
    assert_eq!(code, 0, "{err}");
    assert!(p.path("output").join(draft).is_file());
}

#[test]
fn the_order_files_are_written_on_disk_never_changes_the_output() {
    // The same content written file by file in two opposite orders, in two other folders.
    let source = crate::common::tree(&crate::common::manifest_dir().join("content"));
    let write_all = |p: &Project, reverse: bool| {
        let mut files: Vec<(&String, &Vec<u8>)> = source.iter().collect();
        if reverse {
            files.reverse();
        }
        for (rel, bytes) in files {
            p.write(&format!("content/{rel}"), bytes);
        }
    };
    let (a, b) = (Project::fixture("minimal"), Project::fixture("minimal"));
    for p in [&a, &b] {
        std::fs::remove_dir_all(p.path("content")).unwrap();
    }
    write_all(&a, false);
    write_all(&b, true);
    a.build_ok();
    b.build_ok();
    let (first, second) = (tree(&a.path("output")), tree(&b.path("output")));
    assert_eq!(first.len(), second.len());
    for (path, bytes) in &first {
        assert!(
            bytes == &second[path],
            "{path} differs with the files written in another order"
        );
    }
}

#[test]
fn two_builds_of_the_same_input_are_byte_identical() {
    let p = Project::example();
    p.build_ok();
    let first = tree(&p.path("output"));
    let (code, _, err) = p.run("build", &["--output", p.path("second").to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let second = tree(&p.path("second"));
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &first {
        assert!(bytes == &second[path], "{path} differs between two builds");
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let p = Project::fixture("minimal");
    p.build_ok();
    let before = tree(&p.path("output"));
    p.edit("content/vendors/acme.yaml", "score: 4", "score: 9");
    let err = p.build_err();
    assert!(err.contains("content/vendors/acme.yaml:8:12"), "{err}");
    assert_eq!(tree(&p.path("output")), before);
    crate::common::assert_staging_is_clean(&p);
}

#[test]
fn a_rebuild_drops_pages_of_deleted_files() {
    let p = Project::fixture("minimal");
    p.build_ok();
    assert!(p.path("output/vendors/budget/index.html").is_file());
    std::fs::remove_file(p.path("content/vendors/budget.yaml")).unwrap();
    std::fs::remove_file(p.path("content/notes/budget-demo.md")).unwrap();
    p.build_ok();
    assert!(!p.path("output/vendors/budget").exists());
    assert!(!p.path("output/notes/budget-demo").exists());
}

#[test]
fn report_json_has_the_spec_shape_in_rank_and_date_order() {
    let p = Project::fixture("minimal");
    p.build_ok();
    let json: serde_json::Value = serde_json::from_str(&p.read("output/report.json")).unwrap();
    assert_eq!(json["title"], "Fixture evaluation");
    assert_eq!(json["audience"], "internal");
    assert_eq!(json["criteria"][0]["id"], "track-record");
    assert_eq!(json["criteria"][0]["weight"], 3.0);
    let v = &json["vendors"][0];
    assert_eq!(v["slug"], "acme");
    assert_eq!(v["rank"], 1);
    assert_eq!(v["weighted_score"], 3.75);
    assert_eq!(v["coverage"], 1.0);
    assert_eq!(v["partner"], true);
    assert_eq!(v["status"], "shortlisted");
    assert_eq!(v["scores"]["track-record"]["score"], 4.0);
    assert_eq!(v["scores"]["track-record"]["evidence"][0], "acme-call");
    assert_eq!(json["vendors"][1]["slug"], "budget");
    assert_eq!(
        json["vendors"][1]["partner"], false,
        "2.75 is under the threshold"
    );
    let dates: Vec<&str> = json["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["date"].as_str().unwrap())
        .collect();
    assert_eq!(dates, ["2026-09-18", "2026-10-02", "2026-10-14"]);
    assert!(json["notes"][0].get("slug").is_some() && json["notes"][0].get("kind").is_some());
}

#[test]
fn matrix_csv_lists_vendors_by_rank_with_scores() {
    let p = Project::fixture("minimal");
    p.build_ok();
    let csv = p.read("output/matrix.csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "rank,vendor,slug,status,weighted_score,coverage,partner,win_probability,total_cost,track-record,cost"
    );
    // Acme wins every draw: at worst (Track record 3 × 0.75, Cost 1 × 1.25, its RFP-backed Cost
    // 0.5 lower) it scores (2.25×4 + 1.25×2.5) / 3.5 = 3.46; Budget at best (its Cost has no
    // evidence, so up to 1 higher, clamped to 5) (2.25×2 + 1.25×5) / 3.5 = 3.07.
    assert_eq!(
        lines[1],
        "1,Acme Learning,acme,shortlisted,3.75,2/2,partner,1.0000,,4,3"
    );
    assert_eq!(
        lines[2],
        "2,Budget Courses,budget,longlisted,2.75,2/2,vendor,0.0000,,2,5"
    );
}

#[test]
fn links_between_content_files_become_relative_page_links() {
    let p = Project::fixture("minimal");
    p.build_ok();
    let note = p.read("output/notes/acme-call/index.html");
    assert!(
        note.contains(r#"href="../../notes/acme-rfp/index.html""#),
        "{note}"
    );
    assert!(note.contains(r#"href="../../vendors/acme/index.html""#));
    let index = p.read("output/index.html");
    assert!(index.contains(r#"href="vendors/acme/index.html""#));
    assert!(!index.contains("%ROOT%"));
    let vendor = p.read("output/vendors/acme/index.html");
    assert!(vendor.contains(r#"href="../../notes/acme-call/index.html""#));
    assert!(vendor.contains(r#"href="../../static/style.css""#));
}

#[test]
fn a_project_template_overrides_the_embedded_one() {
    let p = Project::fixture("minimal");
    p.write(
        "themes/default/templates/note.html",
        "<!doctype html><title>{{ note.title }}</title><p class=custom>{{ note.title }} by {{ note.author }}</p>",
    );
    p.build_ok();
    let note = p.read("output/notes/acme-call/index.html");
    assert!(
        note.contains("<p class=custom>Reference call with an Acme client by J. Ortiz</p>"),
        "{note}"
    );
    assert!(
        p.read("output/index.html").contains("Ranking"),
        "other pages keep the embedded templates"
    );
}

#[test]
fn a_named_theme_must_exist_and_its_static_files_are_copied() {
    let p = Project::fixture("minimal");
    p.edit("content/report.yaml", "scale:", "theme: corporate\nscale:");
    let err = p.build_err();
    assert!(err.contains("there is no theme `corporate`"), "{err}");
    assert!(err.contains("content/report.yaml:5:8"), "{err}");
    p.write("themes/corporate/static/logo.svg", "<svg/>");
    p.build_ok();
    assert_eq!(p.read("output/static/logo.svg"), "<svg/>");
}

#[test]
fn assets_are_copied_verbatim() {
    let p = Project::fixture("minimal");
    p.write("content/assets/charts/cost.png", [0u8, 159, 146, 150]);
    p.edit(
        "content/notes/acme-rfp.md",
        "Fair price.",
        "Fair price. ![chart](../assets/charts/cost.png)",
    );
    p.build_ok();
    assert_eq!(
        std::fs::read(p.path("output/assets/charts/cost.png")).unwrap(),
        [0u8, 159, 146, 150]
    );
    assert!(
        p.read("output/notes/acme-rfp/index.html")
            .contains(r#"src="../../assets/charts/cost.png""#)
    );
}

#[test]
fn check_validates_and_writes_nothing() {
    let p = Project::fixture("minimal");
    let (code, out, err) = p.run("check", &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("ok: no errors; 1 warning"), "{err}");
    assert!(!p.path("output").exists());
    assert_eq!(
        out.trim(),
        "content/vendors/budget.yaml:7:9: warning: the score for `cost` has no evidence (add `evidence: [note-slug]` naming the notes that support it)",
        "warnings are listed, one per line"
    );
    let (code, _, err) = p.run("check", &["--strict"]);
    assert_eq!(code, 1, "--strict fails on warnings: {err}");
}

#[test]
fn a_project_without_content_gets_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = assert_cmd::Command::cargo_bin("shortlist")
        .unwrap()
        .args(["build", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("content"), "{err}");
    assert!(
        err.contains("shortlist init") || err.contains("--root"),
        "{err}"
    );
}

#[test]
fn an_absolute_base_url_adds_canonical_links_and_a_sitemap_while_links_stay_relative() {
    let p = Project::fixture("minimal");
    p.build_ok();
    assert!(
        !p.path("output/sitemap.xml").exists(),
        "no sitemap without an absolute base URL"
    );
    assert!(!p.read("output/index.html").contains("rel=\"canonical\""));
    let (code, _, err) = p.run(
        "build",
        &["--base-url", "https://intranet.example/reports/x"],
    );
    assert_eq!(code, 0, "{err}");
    let vendor = p.read("output/vendors/acme/index.html");
    assert!(
        vendor.contains(
            r#"<link rel="canonical" href="https://intranet.example/reports/x/vendors/acme/">"#
        ),
        "{vendor}"
    );
    assert!(
        vendor.contains(r#"href="../../notes/acme-call/index.html""#),
        "internal links stay relative"
    );
    let sitemap = p.read("output/sitemap.xml");
    assert!(
        sitemap.contains("<loc>https://intranet.example/reports/x/</loc>"),
        "{sitemap}"
    );
    assert!(sitemap.contains("<loc>https://intranet.example/reports/x/notes/acme-rfp/</loc>"));
    assert_eq!(
        sitemap.matches("<loc>").count(),
        tree(&p.path("output"))
            .keys()
            .filter(|k| k.ends_with(".html"))
            .count()
    );
    let (code, _, err) = p.run("build", &["--base-url", "intranet.example"]);
    assert_eq!(
        code, 2,
        "a base URL that is neither a path nor an address is a usage error: {err}"
    );
    p.edit("content/report.yaml", "scale:", "base_url: reports\nscale:");
    let err = p.build_err();
    assert!(
        err.contains("content/report.yaml:5:11") && err.contains("is not a base URL"),
        "{err}"
    );
}

#[test]
fn scores_are_graded_by_their_best_note_and_aged_to_the_report_date() {
    let p = Project::fixture("minimal");
    p.edit(
        "content/report.yaml",
        "partner_threshold: 3.5",
        "partner_threshold: 3.5\ndate: 2027-10-10\nevidence_max_age_days: 365",
    );
    p.build_ok();
    let json: serde_json::Value = serde_json::from_str(&p.read("output/report.json")).unwrap();
    let score = |v: usize, c: &str| json["vendors"][v]["scores"][c].clone();
    // Acme's Track record cites a reference call of 2026-10-14: independent, 361 days old.
    assert_eq!(score(0, "track-record")["evidence_grade"], "independent");
    assert_eq!(score(0, "track-record")["evidence_age_days"], 361);
    // Its Cost cites only the RFP answer of 2026-09-18: the vendor's claim, 387 days old.
    assert_eq!(score(0, "cost")["evidence_grade"], "vendor_claim");
    assert_eq!(score(0, "cost")["evidence_age_days"], 387);
    // Budget's Track record rests on a demo of 2026-10-02 (373 days); its Cost on nothing.
    assert_eq!(score(1, "track-record")["evidence_grade"], "observed");
    assert_eq!(score(1, "track-record")["evidence_age_days"], 373);
    assert_eq!(score(1, "cost")["evidence_grade"], "none");
    assert_eq!(
        score(1, "cost")["evidence_age_days"],
        serde_json::Value::Null
    );
    let vendor = p.read("output/vendors/acme/index.html");
    assert!(
        vendor.contains("evidence 387 days old"),
        "the old score is flagged"
    );
    assert!(
        !vendor.contains("evidence 361 days old"),
        "the recent one is not"
    );
    assert!(
        p.read("output/index.html")
            .contains("2 of 4 scores rest on evidence more than 365 days old.")
    );
    // report.yaml may regrade a kind of note: demos count as independent here.
    p.edit(
        "content/report.yaml",
        "evidence_max_age_days: 365",
        "evidence_max_age_days: 365\nevidence_grades: { demo: independent }",
    );
    p.build_ok();
    let json: serde_json::Value = serde_json::from_str(&p.read("output/report.json")).unwrap();
    assert_eq!(
        json["vendors"][1]["scores"]["track-record"]["evidence_grade"],
        "independent"
    );
}

#[test]
fn robustness_on_the_example_agrees_with_an_independent_computation() {
    let p = Project::example();
    p.build_ok();
    let json: serde_json::Value = serde_json::from_str(&p.read("output/report.json")).unwrap();
    let again = {
        p.build_ok();
        p.read("output/report.json")
    };
    assert_eq!(
        serde_json::to_string(&json).unwrap(),
        {
            let v: serde_json::Value = serde_json::from_str(&again).unwrap();
            serde_json::to_string(&v).unwrap()
        },
        "the same files give the same figures"
    );
    // The model, as the README states it, with another random source (splitmix64) and 200,000
    // draws: each weight × U(1 − spread, 1 + spread); each score + U(−u, u) for its grade's u,
    // clamped to the scale; the assessed vendor with the highest weighted score wins, ties to the
    // one ranked higher.
    let settings = &json["robustness"];
    let spread = settings["weight_spread"].as_f64().unwrap();
    let u = settings["uncertainty"].as_array().unwrap();
    let grade_u = |g: &str| {
        let i = ["none", "vendor_claim", "observed", "independent"]
            .iter()
            .position(|x| *x == g)
            .unwrap();
        u[i].as_f64().unwrap()
    };
    let (min, max) = (
        json["scale"]["min"].as_f64().unwrap(),
        json["scale"]["max"].as_f64().unwrap(),
    );
    let criteria: Vec<(String, f64)> = json["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["weight"].as_f64().unwrap(),
            )
        })
        .collect();
    let assessed: Vec<&serde_json::Value> = json["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["assessed"] == true)
        .collect();
    let mut state: u64 = 0x5eed;
    let mut uniform = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    let draws = 200_000;
    let mut wins = vec![0u32; assessed.len()];
    for _ in 0..draws {
        let w: Vec<f64> = criteria
            .iter()
            .map(|(_, w)| w * (1.0 + spread * (2.0 * uniform() - 1.0)))
            .collect();
        let total: f64 = w.iter().sum();
        let scores: Vec<f64> = assessed
            .iter()
            .map(|v| {
                criteria
                    .iter()
                    .zip(&w)
                    .map(|((id, _), w)| {
                        let s = &v["scores"][id];
                        let x = s["score"].as_f64().unwrap();
                        let u = grade_u(s["evidence_grade"].as_str().unwrap());
                        w * (x + u * (2.0 * uniform() - 1.0)).clamp(min, max)
                    })
                    .sum::<f64>()
                    / total
            })
            .collect();
        let best =
            (1..scores.len()).fold(0, |b, i| if scores[i] > scores[b] + 1e-12 { i } else { b });
        wins[best] += 1;
    }
    for (v, w) in assessed.iter().zip(wins) {
        let ours = v["win_probability"].as_f64().unwrap();
        let theirs = f64::from(w) / f64::from(draws);
        assert!(
            (ours - theirs).abs() <= 0.01,
            "{}: {ours} here, {theirs} independently",
            v["slug"]
        );
    }
}

#[test]
fn costs_over_the_contract_and_the_risk_register_in_every_export() {
    let p = Project::fixture("minimal");
    p.edit(
        "content/report.yaml",
        "partner_threshold: 3.5",
        "partner_threshold: 3.5\ncontract: { years: 3, currency: GBP, rates: { EUR: 0.8 } }",
    );
    p.edit(
        "content/vendors/acme.yaml",
        "strengths:",
        "pricing: { annual_estimate: 100000, one_off: 30000, at_risk: 0.2, currency: GBP }\nstrengths:",
    );
    p.edit(
        "content/vendors/budget.yaml",
        "scores:",
        "pricing: { annual_estimate: 50000, currency: EUR }\nrisks:\n  - { title: Thin team, likelihood: high, impact: high, owner: Ops lead }\n  - { title: Late delivery, likelihood: low, impact: medium }\nscores:",
    );
    p.build_ok();
    let json: serde_json::Value = serde_json::from_str(&p.read("output/report.json")).unwrap();
    // Acme: 30,000 + 100,000 × 3 = 330,000; 3.75 points, so 88,000 a point.
    let acme = &json["vendors"][0]["cost"];
    assert_eq!(acme["total"], 330000.0);
    assert_eq!(acme["per_point"], 88000.0);
    assert_eq!(acme["at_risk_share"], 0.2);
    // Budget: 50,000 EUR × 3 × 0.8 = 120,000 GBP; 2.75 points: 43,636.36 a point.
    let budget = &json["vendors"][1]["cost"];
    assert_eq!(
        (budget["total"].clone(), budget["currency"].clone()),
        (120000.0.into(), "GBP".into())
    );
    assert_eq!(budget["per_point"], 43636.36);
    // The register: high × high (9) before Acme's medium × high (6), before low × medium (2).
    let titles: Vec<&str> = json["risks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Thin team", "Key person", "Late delivery"]);
    assert_eq!(json["risks"][0]["severity"], 9);
    assert_eq!(json["risks"][0]["owner"], "Ops lead");
    let csv = p.read("output/matrix.csv");
    assert!(csv.lines().nth(1).unwrap().contains(",330000,"), "{csv}");
    let index = p.read("output/index.html");
    assert!(index.contains("GBP 330,000</strong> <span class=\"tag dearest\">dearest</span>"));
    assert!(index.contains("GBP 120,000</strong> <span class=\"tag cheapest\">cheapest</span>"));
    let register = p.read("output/risks/index.html");
    assert!(register.find("Thin team").unwrap() < register.find("Late delivery").unwrap());
}

#[test]
fn a_panels_scores_are_settled_by_agreement_or_their_mean() {
    let p = Project::fixture("minimal");
    p.edit(
        "content/report.yaml",
        "partner_threshold: 3.5",
        "partner_threshold: 3.5\ndisagreement_spread: 1.5\nevaluators:\n  - { id: ann, name: Ann Lee, role: L&D lead }\n  - { id: bo, name: Bo Park }\n  - { id: cy, name: Cy Ng }",
    );
    // Acme: the mean of 5, 4 and 3 is 4, spread 2 (over 1.5: a disagreement).
    p.edit(
        "content/vendors/acme.yaml",
        "    score: 4\n",
        "    by: { ann: 5, bo: 4, cy: 3 }\n",
    );
    // Budget: the panel says 2 and 3 (spread 1) and agrees on 3, with a reason.
    p.edit(
        "content/vendors/budget.yaml",
        "    score: 2\n",
        "    by: { ann: 2, bo: 3 }\n    score: 3\n    reason: The demo was better than Ann saw.\n",
    );
    p.build_ok();
    let json: serde_json::Value = serde_json::from_str(&p.read("output/report.json")).unwrap();
    let acme = &json["vendors"][0]["scores"]["track-record"];
    assert_eq!(
        (
            acme["score"].clone(),
            acme["consensus"].clone(),
            acme["spread"].clone(),
            acme["disagreement"].clone()
        ),
        (4.0.into(), "mean".into(), 2.0.into(), true.into())
    );
    let budget = json["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["slug"] == "budget")
        .unwrap();
    let b = &budget["scores"]["track-record"];
    assert_eq!(
        (
            b["score"].clone(),
            b["consensus"].clone(),
            b["spread"].clone(),
            b["disagreement"].clone()
        ),
        (3.0.into(), "agreed".into(), 1.0.into(), false.into())
    );
    assert_eq!(b["agreed_reason"], "The demo was better than Ann saw.");
    // A plain score is a single one.
    assert_eq!(budget["scores"]["cost"]["consensus"], "single");
    // Budget's weighted score uses the agreed 3: (3×3 + 1×5) / 4 = 3.5.
    assert_eq!(budget["weighted_score"], 3.5);
    assert_eq!(json["evaluators"][1]["name"], "Bo Park");
    let page = p.read("output/vendors/acme/index.html");
    assert!(page.contains("Panel: Ann Lee 5 · Bo Park 4 · Cy Ng 3 (spread 2: <strong class=\"disagree\">the panel disagreed</strong>). The score is their mean."), "{page}");
}

/// Scores given in an evaluator's own file join the dossier's `by:` under the same rules,
/// worked by hand: Acme's track record is Ann's 5 (dossier) and Bo's 3 (file), so their mean
/// 4 counts with a spread of 2; Budget's cost only Bo gives (4), so Budget is still assessed,
/// at (3 × 2 + 1 × 4) ÷ 4 = 2.5.
#[test]
fn evaluators_score_in_their_own_files_and_a_score_given_twice_is_an_error() {
    let p = Project::fixture("minimal");
    p.edit(
        "content/report.yaml",
        "partner_threshold: 3.5",
        "partner_threshold: 3.5\nevaluators:\n  - { id: ann, name: Ann Lee, declaration: none }\n  - { id: bo, name: Bo Park, declaration: none }",
    );
    p.edit(
        "content/vendors/acme.yaml",
        "    score: 4\n",
        "    by: { ann: 5 }\n",
    );
    p.edit("content/vendors/budget.yaml", "  cost: 5\n", "");
    p.write(
        "content/scores/bo.yaml",
        "# Bo's scores\nacme:\n  track-record: { score: 3, rationale: Only one *similar* job, evidence: [acme-rfp], date: 2026-10-22 }\nbudget:\n  cost: 4\n",
    );
    let (code, out, err) = p.run("check", &[]);
    assert_eq!(code, 0, "{out}{err}");
    let said = format!("{out}{err}");
    assert!(
        said.contains("content/scores/bo.yaml:5:3: warning: the score for `cost` has no evidence"),
        "a score only a scores file gives is warned about there: {said}"
    );
    p.build_ok();
    let json: serde_json::Value = serde_json::from_str(&p.read("output/report.json")).unwrap();
    let vendor = |slug: &str| {
        json["vendors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["slug"] == slug)
            .unwrap()
            .clone()
    };
    let acme = vendor("acme");
    let track = &acme["scores"]["track-record"];
    assert_eq!(
        (
            track["score"].clone(),
            track["consensus"].clone(),
            track["spread"].clone()
        ),
        (4.0.into(), "mean".into(), 2.0.into())
    );
    assert_eq!(track["by"], serde_json::json!({ "ann": 5.0, "bo": 3.0 }));
    assert_eq!(
        track["evidence"],
        serde_json::json!(["acme-call", "acme-rfp"]),
        "the evidence of both"
    );
    assert_eq!(track["individual"]["bo"]["date"], "2026-10-22");
    assert_eq!(
        track["individual"]["bo"]["rationale"]["html"],
        "<p>Only one <em>similar</em> job</p>\n"
    );
    assert!(track["individual"].get("ann").is_none());
    let budget = vendor("budget");
    assert_eq!(budget["scores"]["cost"]["score"], 4.0);
    assert_eq!(budget["weighted_score"], 2.5);
    let page = p.read("output/vendors/acme/index.html");
    assert!(
        page.contains("Bo Park gave 3 on <time datetime=\"2026-10-22\">2026-10-22</time>, citing <a href=\"../../notes/acme-rfp/index.html\">"),
        "{page}"
    );
    assert!(page.contains("<p>Only one <em>similar</em> job</p>"));

    // Ann scores Acme's track record in her own file as well as in the dossier: an error at
    // the dossier's score that names the other place, and nothing is built.
    p.write("content/scores/ann.yaml", "acme:\n  track-record: 5\n");
    let err = p.build_err();
    assert!(
        err.contains("error: Ann Lee's score for `track-record` is given twice: here and in content/scores/ann.yaml, line 2\n --> content/vendors/acme.yaml:8:16"),
        "{err}"
    );
    // A file for someone who is not on the panel, a vendor that does not exist.
    std::fs::remove_file(p.path("content/scores/ann.yaml")).unwrap();
    p.write("content/scores/anne.yaml", "acme:\n  cost: 3\n");
    p.write("content/scores/bo.yaml", "acmee:\n  cost: 3\n");
    let err = p.build_err();
    assert!(
        err.contains("error: this scores file is for `anne`, who is not an evaluator\n --> content/scores/anne.yaml:1:1")
            && err.contains("did you mean `ann`?"),
        "{err}"
    );
    assert!(
        err.contains("error: there is no vendor `acmee`\n --> content/scores/bo.yaml:1:1")
            && err.contains("did you mean `acme`?"),
        "{err}"
    );
}

/// `new scores` writes an evaluator's file with every vendor and criterion commented out: it
/// builds as it stands, and taking off a `# ` gives a score.
#[test]
fn new_scores_writes_every_vendor_and_criterion_for_one_evaluator() {
    let p = Project::fixture("minimal");
    p.edit(
        "content/report.yaml",
        "partner_threshold: 3.5",
        "partner_threshold: 3.5\nevaluators:\n  - { id: ann, name: Ann Lee, declaration: none }",
    );
    let root = p.root().to_str().unwrap().to_string();
    let new = |who: &str| {
        let out = assert_cmd::Command::cargo_bin("shortlist")
            .unwrap()
            .args(["new", "scores", who, "--root", &root])
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let (code, said) = new("ann");
    assert_eq!(code, Some(0), "{said}");
    let text = p.read("content/scores/ann.yaml");
    assert!(
        text.starts_with("# Ann Lee's own scores (evaluator `ann`)"),
        "{text}"
    );
    assert_eq!(
        text.matches("\n  # track-record: { score: 3,").count(),
        2,
        "{text}"
    );
    assert_eq!(text.matches("\n  # cost: { score: 3,").count(), 2, "{text}");
    assert!(text.contains("\nacme:\n") && text.contains("\nbudget:\n"));
    p.build_ok();
    p.write(
        "content/scores/ann.yaml",
        text.replacen(
            "  # cost: { score: 3, rationale: Why, evidence: [note-slug]",
            "  cost: { score: 2, rationale: Dear, evidence: [acme-rfp]",
            1,
        ),
    );
    p.build_ok();
    let json: serde_json::Value = serde_json::from_str(&p.read("output/report.json")).unwrap();
    assert_eq!(json["vendors"][0]["scores"]["cost"]["by"]["ann"], 2.0);

    let (code, said) = new("ann");
    assert_eq!(code, Some(2), "{said}");
    assert!(said.contains("already exists"), "{said}");
    assert_eq!(
        p.read("content/scores/ann.yaml")
            .matches("cost: { score: 2")
            .count(),
        1,
        "never overwritten"
    );
    let (code, said) = new("an");
    assert_eq!(code, Some(2));
    assert!(
        said.contains("there is no evaluator `an`; did you mean `ann`?"),
        "{said}"
    );
}

#[test]
fn a_previous_round_shows_what_moved_was_added_and_dropped() {
    let p = Project::fixture("minimal");
    p.build_ok();
    std::fs::copy(p.path("output/report.json"), p.path("round-1.json")).unwrap();
    // This round: Budget's Track record rises from 2 to 5, so it overtakes Acme (3.75):
    // (3×5 + 1×5) / 4 = 5. A new vendor arrives, with a new note.
    p.edit(
        "content/vendors/budget.yaml",
        "    score: 2\n",
        "    score: 5\n",
    );
    p.write(
        "content/vendors/newco.yaml",
        "name: NewCo\nscores:\n  cost: 2\n",
    );
    p.write(
        "content/notes/newco-call.md",
        "---\ntitle: NewCo call\ndate: 2026-11-20\nvendors: [newco]\n---\nHello.\n",
    );
    // And a vendor of the previous round is gone.
    let mut round1: serde_json::Value = serde_json::from_str(&p.read("round-1.json")).unwrap();
    round1["vendors"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "slug": "oldco", "name": "OldCo Ltd", "rank": 3, "scores": {}
        }));
    p.write("round-1.json", serde_json::to_string(&round1).unwrap());
    let (code, _, err) = p.run(
        "build",
        &["--previous", p.path("round-1.json").to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&p.read("output/report.json")).unwrap();
    let changes = &json["changes"];
    assert_eq!(changes["added"], serde_json::json!(["newco"]));
    assert_eq!(changes["dropped"], serde_json::json!(["OldCo Ltd"]));
    assert_eq!(changes["notes_added"], serde_json::json!(["newco-call"]));
    let budget = changes["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["slug"] == "budget")
        .unwrap();
    assert_eq!(budget["rank"], serde_json::json!([2, 1]));
    assert_eq!(budget["scores"][0]["criterion"], "track-record");
    assert_eq!(
        (
            budget["scores"][0]["from"].clone(),
            budget["scores"][0]["to"].clone()
        ),
        (2.0.into(), 5.0.into())
    );
    let acme = changes["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["slug"] == "acme")
        .unwrap();
    assert_eq!(acme["rank"], serde_json::json!([1, 2]));
    let index = p.read("output/index.html");
    assert!(index.contains("<strong>rank 2 → 1</strong>"), "{index}");
    assert!(index.contains("Track record 2 → 5"));
    assert!(index.contains("OldCo Ltd has been dropped since."));
    assert!(
        p.read("output/vendors/budget/index.html")
            .contains("<li>rank 2 → 1</li>")
    );
}

#[test]
fn a_missing_or_malformed_previous_round_is_an_error_and_writes_nothing() {
    let p = Project::fixture("minimal");
    p.build_ok();
    let before = crate::common::tree(&p.path("output"));
    p.write("round.json", "{ \"vendors\": [ { \"slug\": 3 } ] }");
    let (code, _, err) = p.run(
        "build",
        &["--previous", p.path("round.json").to_str().unwrap()],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("round.json:1:"), "{err}");
    assert!(
        err.contains("is not a report.json shortlist can compare with"),
        "{err}"
    );
    p.edit(
        "content/report.yaml",
        "partner_threshold: 3.5",
        "partner_threshold: 3.5\nprevious: rounds/missing.json",
    );
    let err = p.build_err();
    assert!(err.contains("rounds/missing.json"), "{err}");
    assert!(err.contains("cannot read the previous report"), "{err}");
    assert!(
        crate::common::tree(&p.path("output")) == before,
        "the site stays as it was"
    );
}

#[test]
fn summary_lines_agree_in_number() {
    let p = Project::fixture("minimal");
    let (code, out, err) = p.run("build", &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("built 2 vendors, 2 criteria and 3 notes into `")
            && out.contains("output`: 15 pages in "),
        "{out}"
    );
    assert!(
        err.contains("note: 1 warning (run `shortlist check` to see it)"),
        "{err}"
    );
    // One criterion, one vendor, one note.
    std::fs::remove_file(p.path("content/vendors/budget.yaml")).unwrap();
    std::fs::remove_dir_all(p.path("content/notes/calls")).unwrap();
    std::fs::remove_file(p.path("content/notes/budget-demo.md")).unwrap();
    let report = p.read("content/report.yaml");
    let one_criterion = report[..report.find("  - id: cost").unwrap()].to_string();
    p.write("content/report.yaml", one_criterion);
    p.write(
        "content/vendors/acme.yaml",
        "name: Acme\nscores:\n  track-record: { score: 4, evidence: [acme-rfp] }\n",
    );
    p.edit(
        "content/notes/acme-rfp.md",
        "criteria: [cost]",
        "criteria: [track-record]",
    );
    let (code, out, err) = p.run("build", &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("built 1 vendor, 1 criterion and 1 note into `"),
        "{out}"
    );
}

#[test]
fn a_folder_without_content_is_one_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = assert_cmd::Command::cargo_bin("shortlist")
        .unwrap()
        .arg("build")
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("build failed: 1 error in 1 file"), "{err}");
    assert!(err.contains("shortlist init"), "{err}");
}

#[test]
fn short_flags_quiet_verbose_and_open_work_as_in_zola() {
    let p = Project::fixture("minimal");
    let elsewhere = tempfile::tempdir().unwrap();
    let out = elsewhere.path().join("site");
    let opened = elsewhere.path().join("opened.txt");
    // A stand-in browser that writes down what it was asked to open.
    let browser = elsewhere.path().join("browser.sh");
    std::fs::write(
        &browser,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", opened.display()),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let run = |args: &[&str]| {
        let o = assert_cmd::Command::cargo_bin("shortlist")
            .unwrap()
            .args(args)
            .env("BROWSER", &browser)
            .current_dir(elsewhere.path())
            .output()
            .unwrap();
        (
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stdout).to_string(),
            String::from_utf8_lossy(&o.stderr).to_string(),
        )
    };
    let root = p.root().to_str().unwrap();
    let site = out.to_str().unwrap();
    let (code, stdout, stderr) = run(&[
        "build",
        "-r",
        root,
        "-o",
        site,
        "-u",
        "https://intranet.example/reports/x/",
        "--open",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(out.join("index.html").is_file() && out.join("sitemap.xml").is_file());
    assert!(stdout.starts_with("built 2 vendors"), "{stdout}");
    assert!(
        !stderr.contains('\r') && !stderr.contains("pages]"),
        "no progress bar when not a terminal: {stderr:?}"
    );
    crate::common::wait_until(10, "the browser to be asked", || opened.is_file());
    let asked = std::fs::read_to_string(&opened).unwrap();
    assert!(asked.ends_with("site/index.html"), "{asked}");

    let (code, stdout, stderr) = run(&["build", "-q", "-r", root, "-o", site]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        (stdout.as_str(), stderr.as_str()),
        ("", ""),
        "-q prints nothing on success"
    );

    let (code, _, stderr) = run(&["build", "-v", "-r", root, "-o", site]);
    assert_eq!(code, 0, "{stderr}");
    let took = stderr
        .lines()
        .find(|l| l.starts_with("took: "))
        .unwrap_or_else(|| panic!("{stderr}"));
    for stage in ["read", "validate", "score", "render", "write"] {
        assert!(took.contains(&format!("{stage} ")), "{took}");
    }
    let (code, _, stderr) = run(&["check", "-q", "-r", root]);
    assert_eq!(code, 0);
    assert!(!stderr.contains("ok:"), "{stderr}");
    let (code, _, _) = run(&["build", "-q", "-v", "-r", root]);
    assert_eq!(code, 2, "-q and -v contradict each other");
}

#[test]
fn completions_and_a_manual_page() {
    let run = |args: &[&str]| {
        let o = assert_cmd::Command::cargo_bin("shortlist")
            .unwrap()
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{args:?}");
        String::from_utf8(o.stdout).unwrap()
    };
    let bash = run(&["completions", "bash"]);
    assert!(
        bash.contains("_shortlist()") && bash.contains("--audience"),
        "{bash}"
    );
    assert!(run(&["completions", "zsh"]).contains("#compdef shortlist"));
    assert!(run(&["completions", "fish"]).contains("complete -c shortlist"));
    let man = run(&["man"]);
    assert!(
        man.starts_with(".ie") || man.contains(".TH shortlist"),
        "{}",
        &man[..200.min(man.len())]
    );
    assert!(man.contains("build") && man.contains("serve"));
    // The install line in --help is the README's, and the others are there too.
    let help = run(&["help", "completions"]);
    let readme = include_str!("../../README.md");
    let line = "shortlist completions bash > ~/.local/share/bash-completion/completions/shortlist";
    assert!(help.contains(line) && readme.contains(line), "{help}");
    assert!(
        help.contains("~/.zfunc/_shortlist")
            && help.contains("~/.config/fish/completions/shortlist.fish"),
        "{help}"
    );
}

#[test]
fn an_earlier_round_s_old_status_names_read_as_today_s() {
    // The example's previous round (content/rounds/) was written when `longlisted` was
    // `longlist`.
    let p = Project::example();
    p.build_ok();
    let home = p.read("output/index.html");
    assert!(
        home.contains("status longlisted → shortlisted"),
        "Northstar moved from the long list to the shortlist"
    );
    assert!(
        !home.contains("status longlist →"),
        "the old name is not shown"
    );
}

/// The argument for the leader on the example, worked by hand from its dossiers. Weights 20,
/// 15, 15, 10, 10, 15, 10, 5 (total 100); Brightpath Learning 425/100 = 4.25, Kestrel Lane
/// Associates 410/100 = 4.10.
#[test]
fn the_argument_for_the_leader_checks_by_hand() {
    let p = Project::example();
    p.build_ok();
    let json: serde_json::Value = serde_json::from_str(&p.read("output/report.json")).unwrap();
    let a = &json["argument"];
    assert_eq!(a["leader"], "brightpath");
    assert_eq!(a["runner_up"], "kestrel-lane");
    assert_eq!(a["lead"], 0.15);
    // Where the lead comes from: share × difference. Track record 20/100 × (5 − 4) = +0.20;
    // Understands our business 15/100 × (4 − 5) = −0.15; the points add up to the lead.
    let points = |id: &str| {
        a["contributions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["criterion"] == id)
            .unwrap()["points"]
            .as_f64()
            .unwrap()
    };
    assert_eq!(points("track-record"), 0.2);
    assert_eq!(points("business-understanding"), -0.15);
    let sum: f64 = a["contributions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["points"].as_f64().unwrap())
        .sum();
    assert!((sum - 0.15).abs() < 1e-9, "{sum}");
    // One score decides it: Brightpath's Track record 5 → 4 gives (425 − 20)/100 = 4.05, under
    // Kestrel Lane's 4.10; Kestrel Lane's 4 → 5 gives 430/100 = 4.30, over 4.25.
    let decisive: Vec<(String, String, f64, u64, String, f64, f64)> = a["decisive"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["vendor"].as_str().unwrap().to_string(),
                d["criterion"].as_str().unwrap().to_string(),
                d["would_be"].as_f64().unwrap(),
                d["steps"].as_u64().unwrap(),
                d["first"].as_str().unwrap().to_string(),
                d["first_score"].as_f64().unwrap(),
                d["second_score"].as_f64().unwrap(),
            )
        })
        .collect();
    let row = |v: &str, first_score: f64, second_score: f64, would_be: f64| {
        (
            v.to_string(),
            "track-record".to_string(),
            would_be,
            1,
            "kestrel-lane".to_string(),
            first_score,
            second_score,
        )
    };
    assert_eq!(
        decisive,
        vec![
            row("brightpath", 4.1, 4.05, 4.0),
            row("kestrel-lane", 4.3, 4.25, 5.0)
        ]
    );
    assert_eq!(a["confidence"], "narrow");
    // A flip point as a weight: Understands our business flips at a share of 6/23; with the
    // other weights at 85, 6/23 × 85 / (17/23) = 30.
    let flip = json["sensitivity"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["criterion"] == "business-understanding")
        .unwrap();
    assert_eq!(flip["at_weight"], 30.0);

    let index = p.read("output/index.html");
    for said in [
        "We recommend <a href=\"vendors/brightpath/index.html\">Brightpath Learning</a>",
        "A narrow lead",
        "a weight above 30, now 15",
        // 1,485,000 − 1,205,000 = 280,000 for 0.15 points: 1,866,667 a point.
        "GBP 280,000 more than Kestrel Lane Associates (the runner-up) over the 3 years for 0.15 more points: GBP 1,866,667 for each extra point",
        // 15% at risk: 1,485,000 × 0.85 = 1,262,250 if no outcome is met.
        "it costs GBP 1,485,000 if every outcome is met and GBP 1,262,250 if none is",
        "The panel backs Brightpath Learning",
        // Quillmark (GBP 446,250) is cheaper but rejected: the cheapest in the running is
        // Rapidcourse (780,000); 1,485,000 − 780,000 = 705,000 for 4.25 − 2.05 = 2.20 points.
        "GBP 705,000 more than Rapidcourse Studios (the cheapest assessed vendor) over the 3 years for 2.20 more points: GBP 320,455 for each extra point",
    ] {
        assert!(index.contains(said), "the overview says {said:?}");
    }
    let cost_rows: Vec<&str> = index
        .split("<tr>")
        .filter(|row| row.contains("tag cheapest"))
        .collect();
    assert_eq!(cost_rows.len(), 1);
    assert!(
        cost_rows[0].contains("vendors/rapidcourse/"),
        "{}",
        cost_rows[0]
    );
    let decides = "This score decides first place: at 4 (one point lower), Kestrel Lane Associates would rank first, 4.10 against Brightpath Learning&#39;s 4.05.";
    assert!(
        p.read("output/vendors/brightpath/index.html")
            .contains(decides)
    );
    assert!(
        p.read("output/criteria/track-record/index.html")
            .contains(decides)
    );

    // Short of the partner rule (a threshold over 4.25), the leader is not recommended.
    p.edit(
        "content/report.yaml",
        "partner_threshold: 3.5",
        "partner_threshold: 4.3",
    );
    p.build_ok();
    let index = p.read("output/index.html");
    assert!(!index.contains("We recommend"));
    assert!(index.contains("No recommendation yet: it does not meet the partner rule."));
}

/// A tie is too close to call, and a price the audience may not see is named, not compared.
/// Brightpath's Adaptability 4 → 3 (−10/100) and Value for money 3 → 2 (−5/100) give
/// 4.25 − 0.15 = 4.10, Kestrel Lane's score: Brightpath stays first by name, with a lead of 0.
#[test]
fn a_tie_is_too_close_to_call_and_a_withheld_price_is_named() {
    let p = Project::example();
    p.edit(
        "content/vendors/brightpath.yaml",
        "  adaptability:\n    score: 4",
        "  adaptability:\n    score: 3",
    );
    p.edit(
        "content/vendors/brightpath.yaml",
        "  value-for-money:\n    score: 3",
        "  value-for-money:\n    score: 2",
    );
    p.edit(
        "content/vendors/brightpath.yaml",
        "pricing:\n",
        "pricing:\n  confidential: true\n",
    );
    p.build_ok();
    let json: serde_json::Value = serde_json::from_str(&p.read("output/report.json")).unwrap();
    assert_eq!(json["argument"]["lead"], 0.0);
    assert_eq!(json["argument"]["confidence"], "too_close");
    let index = p.read("output/index.html");
    assert!(index.contains("Too close to call"));
    assert!(index.contains("No recommendation yet: its lead is too close to call."));
    assert!(!index.contains("We recommend"));
    let (code, _, err) = p.run("build", &["--audience", "shareable"]);
    assert_eq!(code, 0, "{err}");
    let shared = p.read("output-shareable/index.html");
    assert!(
        shared.contains(
            "Brightpath Learning&#39;s price is withheld from this version of the report, so no cost is compared."
        ),
        "the withheld price is named"
    );
}

/// The panel page: members with their declarations and how many scores each gave, every score
/// member by member, and the disagreement still open (Harbour & Pine's Track record: 2, 4 and 3,
/// spread 2, no agreed score, so the mean 3 counts). Shared with names hidden: roles only, and
/// a declaration's words withheld. A member without a declaration is warned about.
#[test]
fn the_panel_page_shows_members_declarations_scores_and_open_decisions() {
    let p = Project::example();
    p.build_ok();
    let panel = p.read("output/panel/index.html");
    for said in [
        "S. Patel<span class=\"meta\">, Procurement partner</span>",
        "Worked with Atlas Business Services&#39; account director",
        "Harbour &amp; Pine Learning on Track record</a>: scores 2, 4, 3, 2 points apart; the mean, 3, counts until the panel agrees a score.",
        "agreed: At the 6 November review",
    ] {
        assert!(panel.contains(said), "the panel page says {said:?}");
    }
    // Three scores carry the panel's own: each member gave three, S. Patel in their own file.
    assert_eq!(
        panel.matches("data-label=\"Scores given\">3</td>").count(),
        2
    );
    assert!(panel.contains(
        "data-label=\"Scores given\">3<span class=\"meta\"> (all in their own file)</span>"
    ));
    assert!(
        p.read("output/index.html")
            .contains("href=\"panel/index.html\"")
    );

    p.edit(
        "content/report.yaml",
        "  - { id: brooks, name: M. Brooks, role: Clinical education lead, declaration: none }",
        "  - { id: brooks, name: M. Brooks, role: Clinical education lead }",
    );
    let (code, out, err) = p.run("check", &[]);
    assert_eq!(code, 0, "{err}");
    let said = format!("{out}{err}");
    assert!(
        said.contains("`brooks` has made no declaration of interest"),
        "{said}"
    );
    p.edit(
        "content/report.yaml",
        "disagreement_spread: 2",
        "hide_evaluator_names_when_shared: true\ndisagreement_spread: 2",
    );
    let (code, _, err) = p.run("build", &["--audience", "shareable"]);
    assert_eq!(code, 0, "{err}");
    let shared = p.read("output-shareable/panel/index.html");
    assert!(!shared.contains("S. Patel") && !shared.contains("account director"));
    assert!(shared.contains("Procurement partner"));
    assert!(shared.contains("Made; withheld from this version"));
    assert!(shared.contains("<strong>None made</strong>"));
}

/// Why a score moved since the previous round: its `changed`, else the notes it cites that are
/// new since that round, else "no reason given" and a warning at the score.
#[test]
fn a_moved_score_says_why_or_is_warned_about() {
    let p = Project::example();
    p.build_ok();
    let index = p.read("output/index.html");
    assert!(index.contains("Track record 4 → 5: why: Raised from 4 at the 6 November review"));
    // Northstar's Handles the unusual is scored for the first time, citing a note newer than
    // the round of 2026-10-30.
    assert!(index.contains(
        "Handles the unusual not scored → 4: new evidence since: Northstar demo: handover performance support"
    ));
    let json: serde_json::Value = serde_json::from_str(&p.read("output/report.json")).unwrap();
    let brightpath = json["changes"]["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["slug"] == "brightpath")
        .unwrap();
    assert!(
        brightpath["scores"][0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("Raised from 4")
    );

    let s = p.read("content/vendors/brightpath.yaml");
    let without: String = s
        .lines()
        .filter(|l| !l.trim_start().starts_with("changed:"))
        .map(|l| format!("{l}\n"))
        .collect();
    p.write("content/vendors/brightpath.yaml", without);
    let (code, out, err) = p.run("check", &[]);
    assert_eq!(code, 0, "{err}");
    let said = format!("{out}{err}");
    assert!(
        said.contains("content/vendors/brightpath.yaml:47:5: warning: the score for `track-record` moved 4 → 5 since the last round, with no reason given"),
        "{said}"
    );
    p.build_ok();
    assert!(
        p.read("output/index.html")
            .contains("Track record 4 → 5: no reason given.")
    );
}

/// report.json records the fingerprint of every content file; `verify` recomputes it: exit 0
/// for the content it was built from, 1 after an edit, naming what changed, was added or went.
/// A shareable report carries the digest but not the paths (a confidential note's would show).
#[test]
fn verify_tells_whether_a_report_was_built_from_this_content() {
    let p = Project::example();
    p.build_ok();
    std::fs::copy(p.path("output/report.json"), p.path("built.json")).unwrap();
    let kept = p.path("built.json");
    let kept = kept.to_str().unwrap();
    let (code, out, err) = p.run("verify", &[kept]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.starts_with("ok: ") && out.contains("was built from this content"),
        "{out}"
    );
    let json: serde_json::Value = serde_json::from_str(&p.read("built.json")).unwrap();
    let digest = json["inputs"]["digest"].as_str().unwrap();
    assert_eq!(digest.len(), "sha256:".len() + 64);
    assert_eq!(
        json["inputs"]["count"].as_u64().unwrap() as usize,
        json["inputs"]["files"].as_object().unwrap().len()
    );
    // The previous round of the example was built before fingerprints: it records none.
    assert_eq!(json["inputs"]["previous"], serde_json::Value::Null);

    p.edit(
        "content/vendors/brightpath.yaml",
        "name: Brightpath Learning",
        "name: Brightpath Learning Ltd",
    );
    p.write(
        "content/notes/late.md",
        "---\ntitle: Late\ndate: 2026-11-19\nkind: internal\n---\nText.\n",
    );
    let (code, out, _) = p.run("verify", &[kept]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("does not match"), "{out}");
    assert!(
        out.contains("  changed: content/vendors/brightpath.yaml"),
        "{out}"
    );
    assert!(out.contains("  added: content/notes/late.md"), "{out}");

    // A round built with a fingerprint passes it on as `previous`.
    let (code, _, err) = p.run("build", &["--previous", kept]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&p.read("output/report.json")).unwrap();
    assert_eq!(json["inputs"]["previous"], digest);

    let (code, _, err) = p.run("build", &["--audience", "shareable"]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value =
        serde_json::from_str(&p.read("output-shareable/report.json")).unwrap();
    assert!(json["inputs"]["files"].as_object().unwrap().is_empty());
    let shared = p.path("output-shareable/report.json");
    let (code, out, _) = p.run("verify", &[shared.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
}

/// The method page states the settings in force, so a change to report.yaml shows there: the
/// weights and their shares, the draws and seed, the contract's rates.
#[test]
fn the_method_page_states_the_settings_in_force() {
    let p = Project::example();
    p.build_ok();
    let method = p.read("output/method/index.html");
    for said in [
        "computed again 10,000 times (seed 2027)",
        "within ±25%",
        "independent ±0.25, observed ±0.5, vendor&#39;s claim ±0.75, no evidence ±1",
        "converted at 1 EUR = 0.85 GBP",
        "<caption>The weights, adding up to 100</caption>",
    ] {
        assert!(method.contains(said), "the method page says {said:?}");
    }
    // Track record from 20 to 40: 40 of 120 is 33%.
    p.edit(
        "content/report.yaml",
        "name: Track record\n    weight: 20",
        "name: Track record\n    weight: 40",
    );
    p.build_ok();
    let method = p.read("output/method/index.html");
    assert!(
        method.contains("Track record</a></th><td>40</td><td>33%</td>"),
        "{method}"
    );
    assert!(
        p.read("output/index.html")
            .contains("href=\"method/index.html\"")
    );
}

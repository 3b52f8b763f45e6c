//! Bad input: every kind gets exit 1 and a message naming the file, line and column, and a
//! run reports every problem, not only the first.

use crate::common::Project;

/// Builds `p`, expects exit 1, and checks that stderr holds every one of `needles`.
fn fails_with(p: &Project, needles: &[&str]) -> String {
    let err = p.build_err();
    for n in needles {
        assert!(err.contains(n), "stderr lacks {n:?}:\n{err}");
    }
    assert!(!p.path("output").exists(), "nothing is written");
    err
}

#[test]
fn unknown_keys_get_a_did_you_mean() {
    let p = Project::fixture("minimal");
    p.edit("content/vendors/acme.yaml", "strengths:", "strenghts:");
    fails_with(
        &p,
        &[
            "content/vendors/acme.yaml:12:1",
            "unknown field `strenghts`",
            "did you mean `strengths`?",
        ],
    );
}

#[test]
fn unknown_keys_in_front_matter_point_into_the_note() {
    let p = Project::fixture("minimal");
    p.edit("content/notes/acme-rfp.md", "kind:", "knd:");
    fails_with(
        &p,
        &[
            "content/notes/acme-rfp.md:6:1",
            "unknown field `knd`",
            "did you mean `kind`?",
        ],
    );
}

#[test]
fn a_missing_required_key_is_named() {
    let p = Project::fixture("minimal");
    p.edit("content/vendors/acme.yaml", "name: Acme Learning\n", "");
    fails_with(
        &p,
        &[
            "content/vendors/acme.yaml:1",
            "missing field `name`",
            "add `name:`",
        ],
    );
}

#[test]
fn bad_and_duplicate_slugs() {
    let p = Project::fixture("minimal");
    p.write("content/vendors/Big_Co.yaml", "name: Big Co\n");
    p.write("content/vendors/acme.yml", "name: Acme again\n");
    p.write(
        "content/notes/calls/acme-rfp.md",
        "---\ntitle: Dup\ndate: 2026-01-01\n---\nx\n",
    );
    fails_with(
        &p,
        &[
            "content/vendors/Big_Co.yaml:1:1",
            "`Big_Co` is not a valid slug",
            "rename the file to `big-co.yaml`",
            "content/vendors/acme.yml:1:1",
            "has the slug `acme`",
            "has the slug `acme-rfp`",
        ],
    );
}

#[test]
fn scores_off_the_scale_in_block_and_flow_style() {
    let p = Project::fixture("minimal");
    p.edit("content/vendors/acme.yaml", "score: 4", "score: 9");
    p.edit("content/vendors/acme.yaml", "{ score: 3,", "{ score: 0,");
    p.edit("content/vendors/budget.yaml", "cost: 5", "cost: 5.5");
    fails_with(
        &p,
        &[
            "content/vendors/acme.yaml:8:12",
            "the score 9 is outside the scale 1 to 5",
            "content/vendors/acme.yaml:11:18",
            "the score 0 is outside",
            "content/vendors/budget.yaml:7:9",
            "the score 5.5 is outside",
        ],
    );
}

#[test]
fn a_score_for_an_unknown_criterion() {
    let p = Project::fixture("minimal");
    p.edit(
        "content/vendors/budget.yaml",
        "cost: 5",
        "cost: 5\n  cots: 2",
    );
    fails_with(
        &p,
        &[
            "content/vendors/budget.yaml:8:9",
            "there is no criterion `cots`",
            "did you mean `cost`?",
        ],
    );
}

#[test]
fn evidence_naming_a_missing_note() {
    let p = Project::fixture("minimal");
    p.edit("content/vendors/acme.yaml", "[acme-call]", "[acme-cal]");
    fails_with(
        &p,
        &[
            "content/vendors/acme.yaml:10:16",
            "the evidence `acme-cal` names no note",
            "did you mean `acme-call`?",
        ],
    );
}

#[test]
fn a_note_linking_to_a_missing_content_file() {
    let p = Project::fixture("minimal");
    p.edit(
        "content/notes/calls/acme-call.md",
        "(../acme-rfp.md)",
        "(../acme-rfq.md)",
    );
    fails_with(
        &p,
        &[
            "content/notes/calls/acme-call.md:9:25",
            "links to `../acme-rfq.md`, which does not exist",
            "did you mean `../../notes/acme-rfp.md`?",
        ],
    );
}

#[test]
fn notes_naming_unknown_vendors_and_criteria_and_bad_dates() {
    let p = Project::fixture("minimal");
    p.edit(
        "content/notes/budget-demo.md",
        "vendors: [budget]",
        "vendors: [budgte]",
    );
    p.edit(
        "content/notes/budget-demo.md",
        "criteria: [track-record]",
        "criteria: [trackrecord]",
    );
    p.edit(
        "content/notes/acme-rfp.md",
        "date: 2026-09-18",
        "date: 18/09/2026",
    );
    fails_with(
        &p,
        &[
            "content/notes/budget-demo.md:4:11",
            "there is no vendor `budgte`",
            "did you mean `budget`?",
            "content/notes/budget-demo.md:5:12",
            "did you mean `track-record`?",
            "content/notes/acme-rfp.md:3:7",
            "`18/09/2026` is not a date",
        ],
    );
}

#[test]
fn bad_enumerations_and_unsafe_websites() {
    let p = Project::fixture("minimal");
    p.edit(
        "content/vendors/acme.yaml",
        "status: shortlisted",
        "status: shortlistd",
    );
    p.edit(
        "content/vendors/acme.yaml",
        "website: https://acme.example",
        "website: javascript:alert(1)",
    );
    p.edit(
        "content/vendors/acme.yaml",
        "likelihood: medium",
        "likelihood: mediun",
    );
    fails_with(
        &p,
        &[
            "content/vendors/acme.yaml:2:9",
            "did you mean `shortlisted`?",
            "content/vendors/acme.yaml:3:10",
            "is not a web address",
            "did you mean `medium`?",
        ],
    );
}

#[test]
fn yaml_syntax_errors_have_a_position_and_a_hint() {
    let p = Project::fixture("minimal");
    p.edit(
        "content/vendors/budget.yaml",
        "status: longlist",
        "status: [longlist",
    );
    fails_with(&p, &["content/vendors/budget.yaml:", "error:"]);
}

#[test]
fn a_note_without_front_matter() {
    let p = Project::fixture("minimal");
    p.write("content/notes/loose.md", "Just text.\n");
    fails_with(&p, &["content/notes/loose.md:1:1", "no front matter"]);
    p.write(
        "content/notes/loose.md",
        "---\ntitle: Call\ndate: 2026-10-01\nThe text, with no line to end the front matter.\n",
    );
    fails_with(
        &p,
        &[
            "content/notes/loose.md:1:1",
            "has no closing `---` line",
            "add a line with only `---` after line 3 (`date: 2026-10-01`), the front matter's last key",
        ],
    );
}

#[test]
fn non_utf8_empty_and_huge_files() {
    let p = Project::fixture("minimal");
    p.write("content/vendors/latin1.yaml", b"name: Caf\xe9\n".as_slice());
    p.write("content/vendors/empty.yaml", "  \n");
    p.write(
        "content/notes/huge.md",
        format!(
            "---\ntitle: Huge\ndate: 2026-01-01\n---\n{}",
            "a".repeat(9 << 20)
        ),
    );
    fails_with(
        &p,
        &[
            "content/vendors/latin1.yaml:1:10",
            "not valid UTF-8",
            "content/vendors/empty.yaml:1:1",
            "this file is empty",
            "content/notes/huge.md",
            "MiB",
        ],
    );
}

#[test]
fn alias_bombs_and_absurd_nesting_are_errors_not_hangs() {
    let p = Project::fixture("minimal");
    let mut bomb = String::from("name: Bomb\nextra:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let prev = format!("*a{}", i - 1);
        bomb.push_str(&format!("  a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
    }
    p.write("content/vendors/bomb.yaml", bomb);
    p.write(
        "content/vendors/deep.yaml",
        format!(
            "name: Deep\nextra: {}{}\n",
            "{a: ".repeat(50_000),
            "}".repeat(50_000)
        ),
    );
    p.write(
        "content/vendors/deeplist.yaml",
        format!(
            "name: Deep list\nextra:\n  x: {}{}\n",
            "[".repeat(20_000),
            "]".repeat(20_000)
        ),
    );
    fails_with(
        &p,
        &[
            "content/vendors/bomb.yaml",
            "content/vendors/deep.yaml:2:",
            "nested more than",
            "content/vendors/deeplist.yaml",
        ],
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_links_out_of_content_are_errors() {
    let p = Project::fixture("minimal");
    std::os::unix::fs::symlink("..", p.path("content/notes/calls/loop")).unwrap();
    let outside = p.path("secret.md");
    std::fs::write(
        &outside,
        "---\ntitle: Secret\ndate: 2026-01-01\n---\nsecret\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(&outside, p.path("content/notes/secret.md")).unwrap();
    fails_with(
        &p,
        &[
            "content/notes/calls/loop",
            "loop",
            "content/notes/secret.md",
            "leads outside `content/`",
        ],
    );
}

#[test]
fn markdown_nested_past_the_limit_is_an_error_at_its_file() {
    let p = Project::fixture("minimal");
    p.write(
        "content/notes/quotes.md",
        format!(
            "---\ntitle: Quotes\ndate: 2026-01-01\n---\n{} x\n",
            ">".repeat(100_000)
        ),
    );
    fails_with(
        &p,
        &[
            "content/notes/quotes.md:5:1",
            "100000 levels deep",
            "the limit is 500",
        ],
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_folder_outside_content_is_one_error_and_is_not_walked() {
    let p = Project::fixture("minimal");
    let outside = tempfile::tempdir().unwrap();
    for i in 0..50 {
        std::fs::write(outside.path().join(format!("private-{i}.md")), "x").unwrap();
    }
    std::os::unix::fs::symlink(outside.path(), p.path("content/notes/usr")).unwrap();
    let err = fails_with(&p, &["content/notes/usr", "leads outside `content/`"]);
    assert!(err.contains("1 error in 1 file"), "{err}");
    assert!(!err.contains("private-"), "{err}");
}

#[test]
fn every_error_of_a_run_is_reported_at_once() {
    let p = Project::fixture("minimal");
    p.edit("content/vendors/acme.yaml", "strengths:", "strenghts:");
    p.edit("content/vendors/budget.yaml", "cost: 5", "cost: 7");
    p.edit(
        "content/notes/budget-demo.md",
        "kind: demo",
        "kind: demonstration",
    );
    let err = fails_with(
        &p,
        &[
            "acme.yaml:12:1",
            "budget.yaml:7:9",
            "budget-demo.md:6:7",
            "3 errors in 3 files",
        ],
    );
    insta::assert_snapshot!("three_errors_stderr", err);
}

#[test]
fn refused_output_folders_exit_2_and_touch_nothing() {
    let p = Project::fixture("minimal");
    let before = crate::common::tree(p.root());
    for bad in [".", "content", "content/vendors", "themes", ".."] {
        let target = p.path(bad);
        let (code, _, err) = p.run("build", &["--output", target.to_str().unwrap()]);
        assert_eq!(code, 2, "--output {bad}: {err}");
        assert!(err.contains("refusing"), "{err}");
    }
    std::fs::create_dir_all(p.path("mine")).unwrap();
    std::fs::write(p.path("mine/thesis.txt"), "do not delete").unwrap();
    let (code, _, err) = p.run("build", &["--output", p.path("mine").to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(p.read("mine/thesis.txt"), "do not delete");
    std::fs::remove_dir_all(p.path("mine")).unwrap();
    assert_eq!(crate::common::tree(p.root()), before);
}

/// Runs `shortlist ARGS...` from inside the project, so that relative paths are the user's.
fn run_in(p: &Project, args: &[&str]) -> (i32, String) {
    let out = p
        .cmd(args[0], &args[1..])
        .current_dir(p.root())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn output_and_archive_paths_are_checked_as_the_file_system_resolves_them() {
    let p = Project::fixture("minimal");
    std::fs::create_dir_all(p.path("themes/default")).unwrap();
    p.write("themes/default/mine.txt", "my theme");
    p.write("docs/thesis.txt", "do not delete");
    let before = crate::common::tree(p.root());
    for args in [
        ["build", "--output", "nx/../content"],
        ["build", "--output", "tmp/../docs"],
        ["build", "--output", "a/b/../../themes"],
        ["build", "--output", "nx/../.."],
        ["watch", "--output", "zz/../themes"],
        ["build", "--archive", "sub/../content/assets/site.zip"],
        ["build", "--archive", "x/../output/site.zip"],
    ] {
        let (code, err) = run_in(&p, &args);
        assert_eq!(code, 2, "{args:?}: {err}");
    }
    // Nothing was written or removed, not even the folders named before the `..`.
    assert_eq!(crate::common::tree(p.root()), before);
    for made in ["nx", "tmp", "a", "zz", "sub", "x", "output"] {
        assert!(!p.path(made).exists(), "{made} was created");
    }
    // The same spelling to a harmless place builds there.
    let (code, err) = run_in(&p, &["build", "--output", "nx/../site"]);
    assert_eq!(code, 0, "{err}");
    assert!(p.path("site/index.html").is_file());
}

#[cfg(unix)]
#[test]
fn an_output_folder_that_is_a_symlink_is_refused_and_kept() {
    let p = Project::fixture("minimal");
    let elsewhere = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), p.path("output")).unwrap();
    let (code, err) = run_in(&p, &["build"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("symbolic link"), "{err}");
    assert!(
        std::fs::symlink_metadata(p.path("output"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn a_staging_folder_of_the_users_is_never_deleted() {
    let p = Project::fixture("minimal");
    p.build_ok();
    // Named as shortlist names its staging folder, inside the output, but not made by it.
    p.write("output/.shortlist-staging/notes.txt", "mine");
    let (code, err) = run_in(&p, &["build"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(".shortlist-staging"), "{err}");
    assert_eq!(p.read("output/.shortlist-staging/notes.txt"), "mine");
    // Beside the output, where earlier versions staged, a folder of the user's is left alone.
    std::fs::remove_dir_all(p.path("output/.shortlist-staging")).unwrap();
    p.write(".output.staging/notes.txt", "mine");
    let (code, err) = run_in(&p, &["build"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(p.read(".output.staging/notes.txt"), "mine");
}

#[test]
fn builds_into_one_folder_take_turns() {
    let p = Project::example();
    let runs: Vec<std::process::Child> = (0..3)
        .map(|_| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("shortlist"))
                .arg("build")
                .current_dir(p.root())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for run in runs {
        let out = run.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let built = crate::common::tree(&p.path("output"));
    p.build_ok();
    assert!(built == crate::common::tree(&p.path("output")));
    crate::common::assert_staging_is_clean(&p);
}

#[test]
fn bad_sensitivity_settings_are_errors_with_a_fix() {
    let p = Project::fixture("minimal");
    p.edit(
        "content/report.yaml",
        "partner_threshold: 3.5",
        "partner_threshold: 3.5\nevidence_grades: { demo: independant, webinar: observed }\nrobustness: { draws: 5, weight_spread: 1.5, uncertainty: { none: 9 } }",
    );
    p.edit(
        "content/report.yaml",
        "    weight: 1\n",
        "    weight: 1\n    minimum: 6\n",
    );
    fails_with(
        &p,
        &[
            "`independant` is not a grade of evidence",
            "content/report.yaml:7:26",
            "did you mean `independent`?",
            "`webinar` is not a kind of note",
            "5 draws is not a useful number",
            "content/report.yaml:8:22",
            "a weight spread of 1.5 is out of range",
            "an uncertainty of 9 points is out of range",
            "the minimum 6 is off the scale",
            "content/report.yaml:17:14",
            "6 errors in 1 file",
        ],
    );
}

#[test]
fn prices_need_a_rate_for_their_currency_and_sensible_amounts() {
    let p = Project::fixture("minimal");
    p.edit(
        "content/report.yaml",
        "partner_threshold: 3.5",
        "partner_threshold: 3.5\ncontract: { years: 3, currency: GBP, rates: { USD: -1 } }",
    );
    p.edit(
        "content/vendors/acme.yaml",
        "strengths:",
        "pricing: { annual_estimate: 100000, one_off: -5, at_risk: 15, currency: EUR }\nstrengths:",
    );
    fails_with(
        &p,
        &[
            "there is no rate to turn EUR into GBP",
            "`rates: { EUR: 1.17 }`",
            "content/vendors/acme.yaml:12:73",
            "the amount -5 is not a price",
            "15 is not a share from 0 to 1",
            "the rate -1 for USD is not a positive number",
            "4 errors in 2 files",
        ],
    );
}

#[test]
fn an_unknown_evaluator_is_an_error_with_a_did_you_mean() {
    let p = Project::fixture("minimal");
    p.edit(
        "content/report.yaml",
        "partner_threshold: 3.5",
        "partner_threshold: 3.5\nevaluators: [{ id: ortiz, name: J. Ortiz }]",
    );
    p.edit(
        "content/vendors/acme.yaml",
        "    score: 4\n",
        "    by: { ortis: 4, ortiz: 9 }\n",
    );
    fails_with(
        &p,
        &[
            "there is no evaluator `ortis`",
            "did you mean `ortiz`?",
            "content/vendors/acme.yaml:8:18",
            "the score 9 is outside the scale 1 to 5",
        ],
    );
}

#[test]
fn the_limits_of_report_yaml_apply_with_clear_errors() {
    let p = Project::fixture("minimal");
    p.edit(
        "content/report.yaml",
        "partner_threshold: 3.5",
        "partner_threshold: 3.5\nlimits: { file_size_mib: 1, markdown_nesting: 5 }",
    );
    // 1.5 MiB of text, over a 1 MiB limit (the default of 8 would take it).
    p.write(
        "content/notes/big.md",
        format!(
            "---\ntitle: Big\ndate: 2026-01-01\n---\n{}\n",
            "word ".repeat(300_000)
        ),
    );
    // Six quotes deep, over a limit of 5 (the default of 500 would take it).
    p.write(
        "content/notes/deep.md",
        "---\ntitle: Deep\ndate: 2026-01-01\n---\n>>>>>> deep\n",
    );
    fails_with(
        &p,
        &[
            "content/notes/big.md",
            "this file is 2 MiB; content files may be at most 1 MiB",
            "content/notes/deep.md:5:1",
            "6 levels deep; the limit is 5",
            "limits: { markdown_nesting: N }",
        ],
    );
    // And the number of files.
    let p = Project::fixture("minimal");
    p.edit(
        "content/report.yaml",
        "partner_threshold: 3.5",
        "partner_threshold: 3.5\nlimits: { files: 3, markdown_nesting: 0 }",
    );
    fails_with(
        &p,
        &[
            "`content/` holds more than 3 files, the limit",
            "a limit of 0 is out of range",
            "use a number from 1 to 2000",
        ],
    );
}

#[test]
fn a_syntax_error_at_the_end_of_a_file_points_inside_it() {
    // Found by fuzzing: with no final newline, the parser placed this one line past the end.
    let p = Project::fixture("minimal");
    p.write("content/vendors/acme.yaml", "name: Acme\ntags: [a,");
    fails_with(&p, &["content/vendors/acme.yaml:2:10"]);
}

#[test]
fn usage_errors_exit_2() {
    let p = Project::fixture("minimal");
    let (code, _, err) = p.run("build", &["--no-such-flag"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn required_text_that_is_only_spaces_is_empty() {
    let p = Project::fixture("minimal");
    p.edit(
        "content/vendors/acme.yaml",
        "name: Acme Learning",
        "name: \"   \"",
    );
    p.edit(
        "content/notes/acme-rfp.md",
        "title: Acme RFP response",
        "title: ' '",
    );
    fails_with(
        &p,
        &[
            "content/vendors/acme.yaml:1:7",
            "the name is empty",
            "content/notes/acme-rfp.md:2:8",
            "the title is empty",
        ],
    );
}

/// The traps a newcomer met writing dossiers by hand, in one file: each is reported where it
/// is, in plain words with what to write instead, and all in one run.
#[test]
fn every_problem_in_a_dossier_is_reported_in_one_run_in_plain_words() {
    let p = Project::fixture("minimal");
    p.write(
        "content/vendors/newco.yaml",
        "name: New Co\n\
         website: not a url\n\
         founded: soon\n\
         scores:\n\
         \x20 cost: { score: 5 evidence, rationale: x }\n\
         \x20 track-record: { score: 4, rationale: Strong, confirmed by a reference. }\n\
         services: design\n\
         strenghts: [Fast]\n\
         concerns:\n\
         \x20 - Thin team\n\
         \x20 - [nested]\n",
    );
    p.write(
        "content/vendors/other.yaml",
        "name: Other\nscores:\n  cost: { score: 3, evidence: acme-rfp }\n  track-record: { score: 3, evidence: [nope] }\n",
    );
    let err = fails_with(&p, &["9 errors in 2 files"]);
    for rust_word in [
        "f64",
        "i32",
        "u32",
        "sequence",
        "struct",
        "Raw",
        "string \"",
    ] {
        assert!(!err.contains(rust_word), "{rust_word:?} in:\n{err}");
    }
    assert!(
        !err.contains("has no value") && !err.contains("has no evidence"),
        "nothing contradicts the errors:\n{err}"
    );
    insta::assert_snapshot!("dossier_with_every_trap_stderr", err);
}

#[test]
fn lines_added_under_an_empty_group_say_to_remove_the_braces() {
    let p = Project::fixture("minimal");
    p.write(
        "content/vendors/newco.yaml",
        "name: New Co\nscores: {}\n  cost: 4\n",
    );
    let err = fails_with(&p, &["1 error in 1 file"]);
    insta::assert_snapshot!("empty_group_stderr", err);
}

#[test]
fn the_old_status_name_still_builds_with_a_warning() {
    let p = Project::fixture("minimal");
    p.edit(
        "content/vendors/budget.yaml",
        "status: longlisted",
        "status: longlist",
    );
    let (code, _, err) = p.run("build", &[]);
    assert_eq!(code, 0, "{err}");
    let (_, out, err) = p.run("check", &[]);
    assert!(
        out.contains(
            "content/vendors/budget.yaml:2:9: warning: `longlist` is now written `longlisted`"
        ),
        "{out}{err}"
    );
    p.edit(
        "content/vendors/budget.yaml",
        "status: longlist",
        "status: shortlist",
    );
    let err = p.build_err();
    assert!(err.contains("did you mean `shortlisted`?"), "{err}");
}

#[test]
fn file_names_with_accents_get_a_transliterated_suggestion() {
    let p = Project::fixture("minimal");
    p.write("content/vendors/Éduc Santé.yaml", "name: Éduc Santé\n");
    fails_with(&p, &["rename the file to `educ-sante.yaml`"]);
}

#[cfg(unix)]
#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    // `shortlist check | head -1`, with the reader gone before the first line.
    let p = Project::example();
    for args in [&["check"][..], &["schema"]] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("shortlist"))
            .args(args)
            .current_dir(p.root())
            .stdout(writer)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_ne!(out.status.code(), Some(101), "{args:?}: {err}");
    }
}

/// A level named by something that is not a score on the scale, or saying nothing, is an error
/// at that level; every one is reported in one run.
#[test]
fn scale_levels_must_name_scores_on_the_scale() {
    let p = Project::fixture("minimal");
    p.edit(
        "content/report.yaml",
        "scale: { min: 1, max: 5 }",
        "scale: { min: 1, max: 5 }\nlevels:\n  7: Off the scale\n  2: \"\"\n  5: Beyond the need",
    );
    p.edit(
        "content/report.yaml",
        "    question: Is it affordable?",
        "    question: Is it affordable?\n    levels: { high: Cheap }",
    );
    fails_with(
        &p,
        &[
            "content/report.yaml:7:6",
            "`7` is not a score on the scale",
            "name each level by its score, from 1 to 5",
            "content/report.yaml:8:6",
            "the level 2 says nothing",
            "content/report.yaml:20:21",
            "`high` is not a score on the scale",
        ],
    );
}

#[test]
fn a_score_written_as_text_is_one_error_with_no_follow_on_warning() {
    let p = Project::fixture("minimal");
    p.edit("content/vendors/budget.yaml", "  cost: 5", "  cost: good");
    let err = fails_with(
        &p,
        &[
            "error: `scores.cost` should be a score, not the text \"good\"",
            "--> content/vendors/budget.yaml:7:9",
        ],
    );
    assert!(
        !err.contains("has no score for"),
        "the missing score is the error's consequence, not a second problem:\n{err}"
    );
    assert!(err.contains("1 error") && !err.contains("warning"), "{err}");
}

#[test]
fn one_run_reports_report_yamls_errors_and_the_dossiers_too() {
    let p = Project::fixture("minimal");
    p.edit(
        "content/report.yaml",
        "scale: { min: 1, max: 5 }",
        "scale: { min: 1, max: 5 }\nlevels: { 1: Poor, 5: Great }",
    );
    p.edit("content/report.yaml", "    weight: 1\n", "    weight: -1\n");
    p.edit("content/vendors/budget.yaml", "  cost: 5", "  cost: 9");
    let err = fails_with(
        &p,
        &[
            "the weight -1 is not a positive number",
            "the score 9 is outside the scale 1 to 5",
            "--> content/vendors/budget.yaml:7:9",
        ],
    );
    // The scale's levels keyed by numbers are no error beside another one.
    assert!(!err.contains("`levels` should be text"), "{err}");
    p.edit(
        "content/report.yaml",
        "    weight: -1\n",
        "    weight: one\n",
    );
    // A weight of the wrong shape is a value the report cannot be built without: the dossier
    // is still checked against the scale and the notes.
    p.edit(
        "content/vendors/budget.yaml",
        "evidence: [budget-demo]",
        "evidence: [budget-dmo]",
    );
    let err = fails_with(
        &p,
        &[
            "should be a number, not the text \"one\"",
            "the score 9 is outside the scale 1 to 5",
            "the evidence `budget-dmo` names no note",
        ],
    );
    assert!(!err.contains("`levels` should be text"), "{err}");
    assert!(err.contains("3 errors in 2 files"), "{err}");
}

#[test]
fn report_yaml_that_cannot_be_read_still_lets_every_dossier_be_checked() {
    let p = Project::fixture("minimal");
    p.edit(
        "content/vendors/budget.yaml",
        "evidence: [budget-demo]",
        "evidence: [budget-dmo]",
    );
    // Criteria of the wrong shape: one error for them, none for each score that names one.
    let criteria = p.read("content/report.yaml");
    let at = criteria.find("criteria:").unwrap();
    p.write(
        "content/report.yaml",
        format!(
            "{}criteria: 5
",
            &criteria[..at]
        ),
    );
    let err = fails_with(
        &p,
        &[
            "`criteria` should be a list, not the number 5",
            "the evidence `budget-dmo` names no note",
        ],
    );
    assert!(!err.contains("there is no criterion"), "{err}");
    assert!(!err.contains("has no criteria"), "{err}");
    assert!(err.contains("2 errors in 2 files"), "{err}");

    // Broken YAML: nothing of report.yaml can be read, and the dossiers' own errors still show.
    p.write(
        "content/report.yaml",
        criteria.replace("title: Fixture evaluation", "title: [Fixture evaluation"),
    );
    let err = fails_with(
        &p,
        &[
            "a `[ ]` list is not closed",
            "the evidence `budget-dmo` names no note",
        ],
    );
    assert!(err.contains("2 errors in 2 files"), "{err}");
}

#[test]
fn a_score_given_twice_is_an_error_at_the_second_not_a_lost_score() {
    let p = Project::fixture("minimal");
    p.edit(
        "content/report.yaml",
        "partner_threshold: 3.5",
        "partner_threshold: 3.5\nevaluators:\n  - { id: patel, name: S. Patel }",
    );
    p.write(
        "content/scores/patel.yaml",
        "acme:\n  track-record: 4\nbudget:\n  cost: 3\nacme:\n  cost: 2\n",
    );
    p.write("content/scores/patel.yml", "budget:\n  cost: 4\n");
    p.edit(
        "content/vendors/budget.yaml",
        "  cost: 5",
        "  cost: 5\n  cost: 4",
    );
    fails_with(
        &p,
        &[
            "error: the key `acme` appears twice in one group (first at line 1)\n --> content/scores/patel.yaml:5:1",
            "a key may appear once in each group; keep one of them",
            "content/vendors/budget.yaml:",
            "the key `cost` appears twice in one group",
            "this scores file has the slug `patel`, like `content/scores/patel.yaml`",
        ],
    );
}

#[test]
fn a_file_with_thousands_of_problems_lists_the_first_hundred_and_counts_the_rest() {
    let p = Project::fixture("minimal");
    let keys: String = (0..3000).map(|i| format!("  nope-{i}: 3\n")).collect();
    p.edit(
        "content/vendors/acme.yaml",
        "scores:\n",
        &format!("scores:\n{keys}"),
    );
    let (code, out, _) = p.run("check", &[]);
    assert_eq!(code, 1);
    let listed = out
        .lines()
        .filter(|l| l.contains("error: there is no criterion `nope-"))
        .count();
    assert_eq!(listed, 100, "{out}");
    // Each listed one at its own line, not all at the file's first.
    let lines: std::collections::BTreeSet<&str> = out
        .lines()
        .filter(|l| l.contains("there is no criterion"))
        .filter_map(|l| l.split(':').nth(1))
        .collect();
    assert_eq!(lines.len(), 100, "{out}");
    assert!(
        out.contains(
            "content/vendors/acme.yaml: error: and 2900 more problems in this file, not listed"
        ),
        "{out}"
    );
}

#[test]
fn a_report_file_that_cannot_be_read_is_said_for_what_it_is_and_once() {
    let p = Project::fixture("minimal");
    let report = p.path("content/report.yaml");
    let kept = p.read("content/report.yaml");
    let check = |p: &Project| {
        let (code, out, err) = p.run("check", &[]);
        assert_eq!(code, 1, "{out}{err}");
        out
    };
    std::fs::write(&report, b"title: \xff\xfe bad\n").unwrap();
    let out = check(&p);
    assert!(
        out.contains("content/report.yaml:1:8: error: this file is not valid UTF-8 text"),
        "{out}"
    );
    assert!(!out.contains("missing"), "{out}");
    std::fs::write(&report, "").unwrap();
    let out = check(&p);
    assert!(
        out.contains("content/report.yaml:1:1: error: this file is empty")
            && !out.contains("missing"),
        "{out}"
    );
    std::fs::remove_file(&report).unwrap();
    std::fs::create_dir(&report).unwrap();
    let out = check(&p);
    assert!(
        out.contains("content/report.yaml: error: the report file is a folder, not a file"),
        "{out}"
    );
    std::fs::remove_dir(&report).unwrap();
    #[cfg(unix)]
    {
        let made = std::process::Command::new("mkfifo").arg(&report).status();
        if made.is_ok_and(|s| s.success()) {
            let out = check(&p);
            assert!(out.contains("the report file is not a plain file"), "{out}");
            std::fs::remove_file(&report).unwrap();
        }
    }
    std::fs::write(&report, kept).unwrap();
    // A control character is placed where it is, not at 1:1.
    p.edit(
        "content/vendors/budget.yaml",
        "status: longlisted",
        "status: long\u{0}listed",
    );
    let out = check(&p);
    assert!(
        out.contains("content/vendors/budget.yaml:2:13: error: an invisible control character (U+0000) is here"),
        "{out}"
    );
}

#[test]
fn an_asset_over_its_limit_is_an_error_and_one_under_it_is_archived_whole() {
    let p = Project::fixture("minimal");
    p.edit(
        "content/report.yaml",
        "partner_threshold: 3.5",
        "partner_threshold: 3.5\nlimits: { asset_size_mib: 1 }",
    );
    // Just under the limit, with bytes no block boundary hides: copied and archived as read.
    let under: Vec<u8> = (0..(1u32 << 20) - 7).map(|i| (i % 251) as u8).collect();
    p.write("content/assets/under.bin", &under);
    let archive = p.path("site.tar.gz");
    let (code, _, err) = p.run("build", &["--archive", archive.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read(p.path("output/assets/under.bin")).unwrap(),
        under
    );
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(
        std::fs::File::open(&archive).unwrap(),
    ));
    let mut found = false;
    for entry in tar.entries().unwrap() {
        let mut entry = entry.unwrap();
        if entry.path().unwrap().to_string_lossy() == "assets/under.bin" {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
            assert_eq!(bytes, under);
            found = true;
        }
    }
    assert!(found, "the asset is in the archive");
    p.write("content/assets/over.bin", vec![0u8; (1 << 20) + 1]);
    let err = p.build_err();
    assert!(
        err.contains("content/assets/over.bin")
            && err.contains("this asset is 2 MiB, over the limit of 1 MiB")
            && err.contains("asset_size_mib"),
        "{err}"
    );
}

#[test]
fn a_note_that_makes_too_much_html_is_an_error_at_the_note_and_is_not_sanitized() {
    let p = Project::fixture("minimal");
    p.edit(
        "content/report.yaml",
        "partner_threshold: 3.5",
        "partner_threshold: 3.5\nlimits: { rendered_mib: 1 }",
    );
    // About 0.6 MB of Markdown that makes about 1.7 MB of HTML.
    let rows: String = (0..50_000).map(|i| format!("| {i} | x |\n")).collect();
    p.write(
        "content/notes/table.md",
        format!("---\ntitle: A big table\ndate: 2026-10-01\nvendors: [acme]\nkind: demo\n---\n| n | v |\n| --- | --- |\n{rows}"),
    );
    let err = fails_with(
        &p,
        &[
            "error: this text makes 2 MiB of HTML; the limit is 1 MiB",
            "--> content/notes/table.md:7:1",
            "rendered_mib",
        ],
    );
    assert!(
        err.contains("build failed: 1 error in 1 file"),
        "one problem, not two: {err}"
    );
    // Under a limit that allows it, the same note builds.
    p.edit("content/report.yaml", "rendered_mib: 1", "rendered_mib: 2");
    p.build_ok();
    assert!(
        p.read("output/notes/table/index.html")
            .contains("<td>19999</td>")
    );
}

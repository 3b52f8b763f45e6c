//! Starting, growing, checking and publishing a report project: init, new, check, schema and
//! archives, through the real binary.

use crate::common::{Project, tree};

fn shortlist(args: &[&str], dir: &std::path::Path) -> (i32, String, String) {
    let out = assert_cmd::Command::cargo_bin("shortlist")
        .unwrap()
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn init_then_build_then_strict_check_pass_on_a_fresh_folder() {
    let tmp = tempfile::tempdir().unwrap();
    // Quiet: the files it wrote on stdout, for scripts, and nothing else.
    let (code, out, err) = shortlist(&["init", "-q", "quiet"], tmp.path());
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(out.contains("quiet/content/report.yaml"), "{out}");
    let (code, out, err) = shortlist(&["init", "evaluation"], tmp.path());
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("evaluation/content/report.yaml"), "{out}");
    let dir = tmp.path().join("evaluation");
    let ignored = std::fs::read_to_string(dir.join(".gitignore")).unwrap();
    assert!(
        ignored.contains("\noutput/\n") && ignored.contains("\noutput-*/\n"),
        "the internal site, the shareable one and the debriefs stay out of git: {ignored}"
    );
    assert!(dir.join("README.md").is_file());
    let (code, _, err) = shortlist(&["build"], &dir);
    assert_eq!(code, 0, "{err}");
    assert!(
        dir.join("output/vendors/example-provider/index.html")
            .is_file()
    );
    let (code, _, err) = shortlist(&["check", "--strict"], &dir);
    assert_eq!(code, 0, "a fresh project passes the strictest check: {err}");
    let (code, _, err) = shortlist(
        &[
            "build",
            "--audience",
            "shareable",
            "--archive",
            "report.zip",
        ],
        &dir,
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = shortlist(
        &[
            "build",
            "--audience",
            "bidders",
            "--archive",
            "report.tar.gz",
        ],
        &dir,
    );
    assert_eq!(code, 0, "{err}");
    assert!(dir.join("report-example-provider.tar.gz").is_file());
    // What git would offer to commit: the content and the project's own files, never a built
    // site or an archive made for sending.
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(&dir)
            .output()
            .expect("git runs")
    };
    assert!(git(&["init", "-q"]).status.success());
    let status = git(&["status", "--porcelain", "--untracked-files=all"]);
    let listed = String::from_utf8_lossy(&status.stdout).into_owned();
    assert!(listed.contains("content/report.yaml"), "{listed}");
    for line in listed.lines() {
        let path = line.trim_start_matches("?? ");
        assert!(
            path.starts_with("content/") || path == ".gitignore" || path == "README.md",
            "git would commit {path}: {listed}"
        );
    }
}

#[test]
fn init_never_overwrites_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("content")).unwrap();
    std::fs::write(tmp.path().join("content/report.yaml"), "title: Mine\n").unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "my own file").unwrap();
    let (code, _, err) = shortlist(&["init"], tmp.path());
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("`content/report.yaml` already exists") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("content/report.yaml")).unwrap(),
        "title: Mine\n"
    );
    assert!(
        !tmp.path().join("content/vendors").exists(),
        "nothing at all was written"
    );
    let (code, _, err) = shortlist(&["init", "--force"], tmp.path());
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("notes.txt")).unwrap(),
        "my own file"
    );
}

#[test]
fn new_vendor_and_note_make_files_that_build() {
    let p = Project::fixture("minimal");
    let (code, out, err) = shortlist(&["new", "vendor", "Northwind Training & Co."], p.root());
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), "content/vendors/northwind-training-co.yaml");
    let (code, out, err) = shortlist(
        &[
            "new",
            "note",
            "Demo: \"Onboarding\" module",
            "--vendor",
            "northwind-training-co",
        ],
        p.root(),
    );
    assert_eq!(code, 0, "{err}");
    let note = out.trim().to_string();
    assert!(
        note.starts_with("content/notes/northwind-training-co/")
            && note.ends_with("-demo-onboarding-module.md"),
        "{note}"
    );
    assert!(
        p.read(&note)
            .contains("title: \"Demo: \\\"Onboarding\\\" module\"")
    );
    p.build_ok();
    assert!(
        p.path("output/vendors/northwind-training-co/index.html")
            .is_file()
    );
    let (code, _, err) = shortlist(&["new", "vendor", "Northwind Training & Co."], p.root());
    assert_eq!(code, 2, "an existing dossier is never overwritten: {err}");
    let (code, _, err) = shortlist(&["new", "note", "x", "--vendor", "northwind"], p.root());
    assert_eq!(code, 2);
    assert!(
        err.contains("did you mean `northwind-training-co`?"),
        "{err}"
    );
}

#[test]
fn a_new_note_takes_its_date_says_how_to_cite_it_and_a_missing_one_points_to_it() {
    let p = Project::fixture("minimal");
    // From another folder, with -r as every other command takes it.
    let elsewhere = tempfile::tempdir().unwrap();
    let root = p.root().to_str().unwrap();
    let (code, out, err) = shortlist(
        &[
            "new",
            "-r",
            root,
            "note",
            "Site visit",
            "--vendor",
            "acme",
            "--date",
            "2026-10-06",
        ],
        elsewhere.path(),
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.trim()
            .ends_with("content/notes/acme/2026-10-06-site-visit.md"),
        "{out}"
    );
    assert!(
        err.contains("cite it in a dossier's score as `evidence: [2026-10-06-site-visit]`"),
        "{err}"
    );
    let note = p.read("content/notes/acme/2026-10-06-site-visit.md");
    assert!(note.contains("\ndate: 2026-10-06\n"), "{note}");
    let (code, _, err) = shortlist(&["new", "note", "Later", "--date", "2026-02-30"], p.root());
    assert_eq!(code, 2);
    assert!(
        err.contains("`2026-02-30` is not a date; write it as YYYY-MM-DD"),
        "{err}"
    );
    assert!(!p.path("content/notes/2026-02-30-later.md").exists());

    // A score citing a note not yet written: the error lists the vendor's notes and says how
    // to write one.
    p.edit(
        "content/vendors/acme.yaml",
        "[acme-call]",
        "[reference-from-the-trust]",
    );
    let (code, out, _) = p.run("check", &[]);
    assert_eq!(code, 1);
    assert!(
        out.contains("the evidence `reference-from-the-trust` names no note")
            && out.contains("the notes about `acme` are `")
            && out.contains("`2026-10-06-site-visit`")
            && out.contains(
                "`shortlist new note \"TITLE\" --vendor acme --date YYYY-MM-DD` writes it"
            ),
        "{out}"
    );
}

#[test]
fn new_takes_a_project_whose_report_file_is_report_yml_as_build_does() {
    let p = Project::fixture("minimal");
    std::fs::rename(p.path("content/report.yaml"), p.path("content/report.yml")).unwrap();
    p.build_ok();
    let (code, out, err) = shortlist(&["new", "vendor", "Globex"], p.root());
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), "content/vendors/globex.yaml");
    // Its criteria are read from that file too: the dossier scores each of them.
    let dossier = p.read("content/vendors/globex.yaml");
    assert!(dossier.contains("track-record"), "{dossier}");
    p.build_ok();
}

#[test]
fn new_never_makes_a_duplicate_slug_or_writes_through_a_symlink() {
    let p = Project::fixture("minimal");
    p.write("content/vendors/globex.yml", "name: Globex\n");
    let (code, _, err) = shortlist(&["new", "vendor", "Globex"], p.root());
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("`globex` already exists in `content/vendors`"),
        "named as the project knows it, not `./content`: {err}"
    );
    assert!(!p.path("content/vendors/globex.yaml").exists());
    #[cfg(unix)]
    {
        let target = p.path("elsewhere.yaml");
        std::os::unix::fs::symlink(&target, p.path("content/vendors/initech.yaml")).unwrap();
        let (code, _, err) = shortlist(&["new", "vendor", "Initech"], p.root());
        assert_ne!(code, 0, "{err}");
        assert!(
            !target.exists(),
            "nothing is written through the dangling link"
        );
    }
}

#[test]
fn check_reports_broken_template_links_and_prints_lines_or_json() {
    let p = Project::fixture("minimal");
    p.write("themes/default/templates/note.html", "<!doctype html>\n<title>{{ note.title }}</title>\n<p><a href=\"{{ root }}team/index.html\">Team</a> <a href=\"/static/style.css\">css</a></p>\n");
    let (code, out, err) = p.run("check", &[]);
    assert_eq!(code, 1, "{out}{err}");
    let line = out
        .lines()
        .find(|l| l.contains("team/index.html"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(line.starts_with("output/notes/acme-call/index.html:3:13: error: `../../team/index.html` leads to no file of the site"), "{line}");
    assert!(
        out.lines()
            .any(|l| l.contains(":3:54: error: `/static/style.css` is an absolute path")),
        "{out}"
    );
    assert!(
        out.lines()
            .all(|l| l.contains(": error: ") || l.contains(": warning: ")),
        "{out}"
    );
    assert!(!p.path("output").exists(), "check writes nothing");

    let (code, out, _) = p.run("check", &["--format", "json"]);
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["ok"], false);
    let first = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["severity"] == "error")
        .unwrap();
    assert!(
        first["file"].as_str().unwrap().starts_with("output/notes/"),
        "{first}"
    );
    assert!(first["line"].as_u64().unwrap() > 0 && first["column"].as_u64().unwrap() > 0);

    std::fs::remove_dir_all(p.path("themes")).unwrap();
    p.edit("content/vendors/acme.yaml", "[acme-call]", "[nope]");
    let (code, out, _) = p.run("check", &[]);
    assert_eq!(code, 1);
    assert!(
        out.contains("content/vendors/acme.yaml:10:16: error: the evidence `nope` names no note"),
        "{out}"
    );
}

#[test]
fn the_json_schema_accepts_the_example_and_rejects_bad_files() {
    let p = Project::example();
    let schema = |which: &str| -> serde_json::Value {
        let (code, out, err) = shortlist(&["schema", which], p.root());
        assert_eq!(code, 0, "{err}");
        let s: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
        s
    };
    let yaml = |text: &str| shortlist::yaml::parse::<serde_json::Value>(text).unwrap();
    let report = jsonschema::validator_for(&schema("report")).unwrap();
    let vendor = jsonschema::validator_for(&schema("vendor")).unwrap();
    let note = jsonschema::validator_for(&schema("note")).unwrap();
    let scores = jsonschema::validator_for(&schema("scores")).unwrap();
    assert!(report.is_valid(&yaml(&p.read("content/report.yaml"))));
    assert!(scores.is_valid(&yaml(&p.read("content/scores/patel.yaml"))));
    assert!(scores.is_valid(&yaml("a:\n  cost: 3\nb:\n")));
    assert!(!scores.is_valid(&yaml("a:\n  cost: { score: 3, evidense: [x] }\n")));
    assert!(!scores.is_valid(&yaml("a:\n  cost: { rationale: no score }\n")));
    for (rel, bytes) in tree(&p.path("content")) {
        let text = String::from_utf8(bytes).unwrap();
        if rel.starts_with("vendors/") {
            let errors: Vec<String> = vendor
                .iter_errors(&yaml(&text))
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "{rel}: {errors:?}");
        } else if rel.starts_with("notes/") {
            let split = shortlist::content::split_front_matter(&text).unwrap();
            assert!(note.is_valid(&yaml(split.front)), "{rel}");
        }
    }
    assert!(
        !vendor.is_valid(&yaml("name: A\nscroes: {}\n")),
        "unknown keys are rejected"
    );
    assert!(
        !vendor.is_valid(&yaml("status: longlisted\n")),
        "the name is required"
    );
    assert!(!vendor.is_valid(&yaml(
        "name: A\nscores:\n  cost: { score: 3, evidense: [x] }\n"
    )));
    assert!(!vendor.is_valid(&yaml("name: A\nscores:\n  cost: high\n")));
    assert!(vendor.is_valid(&yaml("name: A\nscores:\n  cost: 3\n  fit: { score: 4, evidence: [n] }\nextra: { anything: [1, 2] }\n")));
    assert!(!note.is_valid(&yaml("title: x\n")), "a note needs a date");
    assert!(
        !report.is_valid(&yaml("title: x\n")),
        "a report needs criteria"
    );
    let any = {
        let (_, out, _) = shortlist(&["schema"], p.root());
        jsonschema::validator_for(&serde_json::from_str::<serde_json::Value>(&out).unwrap())
            .unwrap()
    };
    assert!(any.is_valid(&yaml(&p.read("content/report.yaml"))));
    assert!(!any.is_valid(&yaml("nothing: here\n")));

    // Every allowed value is listed, so an editor flags a typo before a build does.
    for bad in [
        "name: A\nstatus: shortlist\n",
        "name: A\nrisks: [{ title: X, likelihood: extreme }]\n",
        "name: A\nreferences: [{ name: X, date: 14/10/2026 }]\n",
        "name: A\nreferences: [{ name: X, sentiment: glowing }]\n",
        "name: A\nscores: { cost: { score: 3, evidence: [Not A Slug] } }\n",
    ] {
        assert!(!vendor.is_valid(&yaml(bad)), "{bad}");
    }
    assert!(vendor.is_valid(&yaml(
        "name: A\nstatus: finalist\nrisks: [{ title: X, likelihood: high, impact: low }]\nwebsite:\n"
    )));
    assert!(!note.is_valid(&yaml("title: x\ndate: 2026-10-02\nkind: demonstration\n")));
    assert!(!note.is_valid(&yaml("title: x\ndate: 2 October\n")));
    assert!(note.is_valid(&yaml("title: x\ndate: 2026-10-02\nkind: site-visit\n")));
    assert!(!report.is_valid(&yaml("title: x\naudience: everyone\ncriteria: []\n")));
    // Readable definition names, and a description on every definition and every field.
    let whole: serde_json::Value =
        serde_json::from_str(&shortlist(&["schema"], p.root()).1).unwrap();
    let defs = whole["$defs"].as_object().unwrap();
    assert!(defs.contains_key("CaseStudy") && defs.contains_key("Vendor"));
    let mut undescribed = Vec::new();
    for (name, def) in defs {
        if def.get("description").is_none() && def.get("anyOf").is_none() {
            undescribed.push(name.clone());
        }
        assert!(!name.starts_with("Raw"), "{name}");
        for (field, schema) in def["properties"].as_object().into_iter().flatten() {
            if schema.get("description").is_none() {
                undescribed.push(format!("{name}.{field}"));
            }
        }
    }
    assert!(undescribed.is_empty(), "{undescribed:?}");
}

#[test]
fn archives_hold_the_site_and_are_reproducible() {
    let p = Project::fixture("minimal");
    let zip_path = p.path("site.zip");
    let tgz_path = p.path("site.tar.gz");
    for path in [&zip_path, &tgz_path] {
        let (code, out, err) = p.run("build", &["--archive", path.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("packed the site"), "{out}");
    }
    let site = tree(&p.path("output"));
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
    let mut names: Vec<String> = (0..zip.len())
        .map(|i| zip.by_index(i).unwrap().name().unwrap().to_string())
        .collect();
    names.sort();
    let expected: Vec<&String> = site.keys().filter(|k| *k != ".shortlist-build").collect();
    assert_eq!(names.iter().collect::<Vec<_>>(), expected);
    let mut index = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("index.html").unwrap(), &mut index).unwrap();
    assert_eq!(index.as_bytes(), site["index.html"].as_slice());
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(
        std::fs::File::open(&tgz_path).unwrap(),
    ));
    let tar_names: Vec<String> = tar
        .entries()
        .unwrap()
        .map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(tar_names.len(), expected.len());
    // The same site packs to the same bytes.
    let first = std::fs::read(&tgz_path).unwrap();
    let (code, _, _) = p.run("build", &["--archive", tgz_path.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(std::fs::read(&tgz_path).unwrap(), first);
    let (code, _, err) = p.run(
        "build",
        &["--archive", p.path("site.rar").to_str().unwrap()],
    );
    assert_eq!(code, 2, "{err}");
}

#[test]
fn new_transliterates_names_and_its_dossier_takes_scores_as_written() {
    let p = Project::fixture("minimal");
    let (code, out, err) = shortlist(&["new", "vendor", "Éduc Santé GmbH"], p.root());
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), "content/vendors/educ-sante-gmbh.yaml");
    let path = "content/vendors/educ-sante-gmbh.yaml";
    assert!(p.read(path).contains("name: \"Éduc Santé GmbH\""));
    p.build_ok();
    // Take the `# ` off a suggested score and add a list item under `services:`, as a user
    // would: the file builds as it is, with nothing to remove first.
    let text = p
        .read(path)
        .lines()
        .map(|line| match line.trim_start() {
            l if l.starts_with("# cost:") => {
                "  cost: { score: 3, rationale: Cheap, evidence: [acme-rfp] }".to_string()
            }
            l if l.starts_with("services:") => "services:\n  - coaching".to_string(),
            _ => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    p.write(path, text);
    p.build_ok();
    let page = p.read("output/vendors/educ-sante-gmbh/index.html");
    assert!(page.contains("coaching"), "the service is shown");

    let (code, _, err) = shortlist(&["new", "vendor", "\u{E000}"], p.root());
    assert_eq!(code, 2);
    assert!(err.contains("no letter or digit"), "{err}");
}

#[test]
fn new_outside_a_project_asks_for_init_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, _, err) = shortlist(&["new", "vendor", "Acme"], tmp.path());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a shortlist project"), "{err}");
    assert!(err.contains("shortlist init"), "{err}");
    assert!(
        !tmp.path().join("content").exists(),
        "no content/ folder is made"
    );
    let (code, _, err) = shortlist(&["new", "note", "Call"], tmp.path());
    assert_eq!(code, 2, "{err}");
}

/// A script or a BI tool can rebuild the report from report.json and its files of notes' texts
/// alone: they validate against the schemas `shortlist schema report-json` and `report-notes`
/// print, say their version, and hold every field of every dossier and note front matter (the
/// lists come from the content schemas, so a new dossier field that report.json forgets fails
/// here) and every note's text, in the file the note names.
#[test]
fn report_json_holds_the_whole_model_and_validates_against_its_schema() {
    for p in [Project::example(), Project::fixture("hostile")] {
        p.build_ok();
        let schema: serde_json::Value =
            serde_json::from_str(&shortlist(&["schema", "report-json"], p.root()).1).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let json: serde_json::Value = serde_json::from_str(&p.read("output/report.json")).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(json["version"], 3);
        let schema: serde_json::Value =
            serde_json::from_str(&shortlist(&["schema", "report-notes"], p.root()).1).unwrap();
        let texts = jsonschema::validator_for(&schema).unwrap();

        let keys_of = |which: &str| -> Vec<String> {
            let s: serde_json::Value =
                serde_json::from_str(&shortlist(&["schema", which], p.root()).1).unwrap();
            s["properties"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect()
        };
        for vendor in json["vendors"].as_array().unwrap() {
            for key in keys_of("vendor") {
                assert!(vendor.get(&key).is_some(), "vendors lack `{key}`");
            }
        }
        for note in json["notes"].as_array().unwrap() {
            for key in keys_of("note") {
                assert!(note.get(&key).is_some(), "notes lack `{key}`");
            }
            let file: serde_json::Value = serde_json::from_str(
                &p.read(&format!("output/{}", note["body_file"].as_str().unwrap())),
            )
            .unwrap();
            let errors: Vec<String> = texts.iter_errors(&file).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{errors:?}");
            assert_eq!(file["version"], 3);
            let body = &file["notes"][note["slug"].as_str().unwrap()];
            assert!(body["html"].as_str().unwrap().starts_with('<'), "{body}");
            assert!(!body["text"].as_str().unwrap().contains('<'), "{body}");
        }
    }
    // Worked by hand on the example: Brightpath's summary, services and first risk as written.
    let p = Project::example();
    p.build_ok();
    let json: serde_json::Value = serde_json::from_str(&p.read("output/report.json")).unwrap();
    let dossier: serde_json::Value =
        shortlist::yaml::parse(&p.read("content/vendors/brightpath.yaml")).unwrap();
    let brightpath = json["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["slug"] == "brightpath")
        .unwrap();
    assert_eq!(brightpath["services"], dossier["services"]);
    assert_eq!(
        brightpath["risks"][0]["title"],
        dossier["risks"][0]["title"]
    );
    assert_eq!(
        brightpath["summary"]["markdown"].as_str().unwrap(),
        dossier["summary"].as_str().unwrap().trim_end()
    );
    assert_eq!(brightpath["url"], "vendors/brightpath/index.html");
}

/// The workbook read back: its sheets, the weights as plain cells, and live formulas whose
/// stored results are this build's figures.
#[test]
fn the_workbook_holds_weights_scores_and_live_formulas() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let p = Project::example();
    p.write(
        "content/vendors/formula.yaml",
        "name: \"=HYPERLINK(\\\"https://evil.example\\\",\\\"x\\\")\"\nstatus: longlisted\n",
    );
    p.build_ok();
    let json: serde_json::Value = serde_json::from_str(&p.read("output/report.json")).unwrap();
    let mut book: Xlsx<_> = open_workbook(p.path("output/report.xlsx")).unwrap();
    assert_eq!(book.sheet_names(), ["Scores", "Criteria", "Notes", "Costs"]);
    // Its properties name shortlist as the program and the author, and no other program.
    let mut parts =
        zip::ZipArchive::new(std::fs::File::open(p.path("output/report.xlsx")).unwrap()).unwrap();
    let mut part = |name: &str| {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut parts.by_name(name).unwrap(), &mut text).unwrap();
        text
    };
    let (app, core) = (part("docProps/app.xml"), part("docProps/core.xml"));
    assert!(
        app.contains("<Application>shortlist</Application>") && !app.contains("Excel"),
        "{app}"
    );
    assert!(
        core.contains("<dc:creator>shortlist</dc:creator>"),
        "{core}"
    );

    let criteria = book.worksheet_range("Criteria").unwrap();
    for (i, c) in json["criteria"].as_array().unwrap().iter().enumerate() {
        let row = i as u32 + 1;
        assert_eq!(
            criteria.get_value((row, 0)),
            Some(&Data::String(c["id"].as_str().unwrap().into()))
        );
        assert_eq!(
            criteria.get_value((row, 2)),
            Some(&Data::Float(c["weight"].as_f64().unwrap()))
        );
    }

    let n = json["criteria"].as_array().unwrap().len() as u32;
    let scores = book.worksheet_range("Scores").unwrap();
    let formulas = book.worksheet_formula("Scores").unwrap();
    let (weighted, rank, verdict) = (2 + n, 2 + n + 3, 2 + n + 4);
    for (i, v) in json["vendors"].as_array().unwrap().iter().enumerate() {
        let row = 3 + i as u32;
        let name = v["name"].as_str().unwrap();
        assert_eq!(
            scores.get_value((row, 0)),
            Some(&Data::String(name.into())),
            "text stays text"
        );
        let formula_at = |col: u32| formulas.get_value((row, col)).cloned().unwrap_or_default();
        assert!(
            formula_at(weighted).contains("SUMPRODUCT"),
            "{}",
            formula_at(weighted)
        );
        assert!(
            formula_at(0).is_empty(),
            "a name is never a formula: {}",
            formula_at(0)
        );
        let stored = |col: u32| scores.get_value((row, col)).cloned().unwrap_or(Data::Empty);
        match (stored(weighted), v["weighted_score"].as_f64()) {
            (Data::Float(x), Some(y)) => assert!((x - y).abs() < 1e-4, "{name}: {x} vs {y}"),
            (Data::String(dash), None) if dash == "–" => {}
            (x, y) => panic!("{name}: {x:?} vs {y:?}"),
        }
        assert_eq!(
            stored(rank),
            Data::Float(v["rank"].as_f64().unwrap()),
            "{name}"
        );
        let said = match (v["partner"].as_bool(), v["assessed"].as_bool()) {
            (Some(true), _) => "partner",
            (_, Some(true)) => "vendor",
            _ => "not yet assessed",
        };
        assert_eq!(stored(verdict), Data::String(said.into()), "{name}");
    }
    let notes = book.worksheet_range("Notes").unwrap();
    assert_eq!(
        notes.height() - 1,
        json["notes"].as_array().unwrap().len(),
        "a row per note"
    );

    // Costs: report.json's figures, in the Scores sheet's order; the total and the cost per
    // point are formulas, the latter over that vendor's live weighted score.
    let costs = book.worksheet_range("Costs").unwrap();
    let cost_formulas = book.worksheet_formula("Costs").unwrap();
    let mut priced = 0;
    for (i, v) in json["vendors"].as_array().unwrap().iter().enumerate() {
        let row = 1 + i as u32;
        let name = v["name"].as_str().unwrap();
        assert_eq!(costs.get_value((row, 0)), Some(&Data::String(name.into())));
        let cost = &v["cost"];
        if cost.is_null() {
            assert!(
                matches!(costs.get_value((row, 1)), Some(Data::String(_))),
                "{name}: says why it has no cost"
            );
            continue;
        }
        priced += 1;
        let number = |col: u32| match costs.get_value((row, col)) {
            Some(Data::Float(x)) => *x,
            other => panic!("{name} column {col}: {other:?}"),
        };
        assert!(
            (number(4) - cost["total"].as_f64().unwrap()).abs() < 1e-6,
            "{name}"
        );
        assert!(
            (number(1) - cost["annual"].as_f64().unwrap()).abs() < 1e-6,
            "{name}"
        );
        if let Some(per_point) = cost["per_point"].as_f64() {
            assert!(
                (number(7) - per_point).abs() < 0.01,
                "{name}: report.json rounds to cents"
            );
        }
        let formula = cost_formulas
            .get_value((row, 7))
            .cloned()
            .unwrap_or_default();
        let scores_cell = format!("Scores!${}${}", column_letter(weighted), 4 + i);
        assert!(
            formula.contains(&scores_cell),
            "{name}: {formula} uses {scores_cell}"
        );
        assert_eq!(
            cost_formulas
                .get_value((row, 4))
                .cloned()
                .unwrap_or_default(),
            format!("C{0}+B{0}*D{0}", row + 1)
        );
    }
    assert!(priced >= 5, "the example prices most vendors: {priced}");
}

/// `A` for column 0, `AA` for 26.
fn column_letter(col: u32) -> String {
    let mut n = col + 1;
    let mut letters = Vec::new();
    while n > 0 {
        letters.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap()
}

/// LibreOffice, headless, recalculates the workbook: its ranking is report.json's, and after a
/// weight cell changes it is the ranking shortlist makes with that weight in report.yaml.
#[test]
fn the_workbook_recalculated_by_libreoffice_ranks_as_shortlist_does() {
    let Some(soffice) = soffice() else {
        return;
    };
    let p = Project::example();
    // Two vendors with no score at all: after every scored one, by name.
    p.write("content/vendors/unscored-b.yaml", "name: Unscored B\n");
    p.write("content/vendors/unscored-a.yaml", "name: Unscored A\n");
    p.build_ok();
    let ranks = |json: &serde_json::Value| -> Vec<(String, u64, String)> {
        json["vendors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                let verdict = match (v["partner"].as_bool(), v["assessed"].as_bool()) {
                    (Some(true), _) => "partner",
                    (_, Some(true)) => "vendor",
                    _ => "not yet assessed",
                };
                (
                    v["name"].as_str().unwrap().to_string(),
                    v["rank"].as_u64().unwrap(),
                    verdict.to_string(),
                )
            })
            .collect()
    };
    let json: serde_json::Value = serde_json::from_str(&p.read("output/report.json")).unwrap();
    let xlsx = std::fs::read(p.path("output/report.xlsx")).unwrap();
    assert_eq!(recalculated(&soffice, &xlsx), ranks(&json));

    // Business understanding (the second criterion) from 15 to 60: Kestrel Lane overtakes
    // Brightpath (worked by hand: 635/145 = 4.38 against 605/145 = 4.17).
    let changed = set_cell(&xlsx, "xl/worksheets/sheet2.xml", "C3", "60");
    let in_workbook = recalculated(&soffice, &changed);
    p.edit(
        "content/report.yaml",
        "name: Understands our business\n    weight: 15",
        "name: Understands our business\n    weight: 60",
    );
    p.build_ok();
    let json: serde_json::Value = serde_json::from_str(&p.read("output/report.json")).unwrap();
    assert_eq!(in_workbook, ranks(&json));
    assert_eq!(in_workbook[0].0, "Kestrel Lane Associates");
}

/// The workbook's formulas restate the scoring rules of `shortlist_model::rules`: with random
/// weights and a random partner threshold set in its cells, LibreOffice's ranks and verdicts are
/// those `score::rank` gives the same report with the same weights and threshold.
#[test]
fn the_workbook_follows_the_scoring_rules_on_random_weights() {
    let Some(soffice) = soffice() else {
        return;
    };
    let p = Project::example();
    p.build_ok();
    let built = shortlist::make_site(&shortlist::Options {
        root: p.root().to_path_buf(),
        ..Default::default()
    })
    .unwrap();
    let xlsx = std::fs::read(p.path("output/report.xlsx")).unwrap();
    let n = built.report.criteria.len();
    let mut next = crate::common::seeded(0x5eed);
    let mut books = Vec::new();
    let mut expected = Vec::new();
    for _ in 0..6 {
        let weights: Vec<u64> = (0..n).map(|_| 1 + next(40)).collect();
        let threshold = 3.0 + next(16) as f64 / 10.0;
        let mut book = xlsx.clone();
        let mut report = built.report.clone();
        for (i, w) in weights.iter().enumerate() {
            book = set_cell(
                &book,
                "xl/worksheets/sheet2.xml",
                &format!("C{}", i + 2),
                &w.to_string(),
            );
            report.criteria[i].weight = *w as f64;
        }
        book = set_cell(
            &book,
            "xl/worksheets/sheet2.xml",
            &format!("C{}", n + 3),
            &threshold.to_string(),
        );
        report.partner_threshold = threshold;
        books.push(book);
        expected.push(
            shortlist::score::rank(&report)
                .iter()
                .map(|st| {
                    let name = report.vendor(&st.slug).unwrap().name.clone();
                    (name, st.rank as u64, st.verdict().as_str().to_string())
                })
                .collect::<Vec<_>>(),
        );
    }
    let verdicts: std::collections::BTreeSet<String> =
        expected.iter().flatten().map(|r| r.2.clone()).collect();
    assert!(
        verdicts.len() > 1,
        "the draws give more than one verdict: {verdicts:?}"
    );
    assert_eq!(recalculated_all(&soffice, &books), expected);
}

/// LibreOffice, or `None` (the test is skipped, saying so) where it is not installed.
fn soffice() -> Option<std::path::PathBuf> {
    let found = crate::common::find_tool("SHORTLIST_SOFFICE", &["soffice", "libreoffice"]);
    if found.is_none() {
        crate::common::skipped(
            "LibreOffice",
            "install Debian's `libreoffice-calc-nogui`, or set SHORTLIST_SOFFICE",
        );
    }
    found
}

/// The Scores sheet as LibreOffice computes it: (vendor, rank, verdict) in sheet order, sorted
/// by rank.
fn recalculated(soffice: &std::path::Path, xlsx: &[u8]) -> Vec<(String, u64, String)> {
    recalculated_all(soffice, &[xlsx.to_vec()]).remove(0)
}

/// [`recalculated`] for several workbooks, in one run of LibreOffice.
fn recalculated_all(
    soffice: &std::path::Path,
    books: &[Vec<u8>],
) -> Vec<Vec<(String, u64, String)>> {
    let dir = tempfile::tempdir().unwrap();
    // A profile of its own that recalculates every formula on load (the default for .xlsx
    // files is to trust the stored results).
    let profile = dir.path().join("profile/user");
    std::fs::create_dir_all(&profile).unwrap();
    std::fs::write(
        profile.join("registrymodifications.xcu"),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<oor:items xmlns:oor=\"http://openoffice.org/2001/registry\" xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n<item oor:path=\"/org.openoffice.Office.Calc/Formula/Load\"><prop oor:name=\"OOXMLRecalcMode\" oor:op=\"fuse\"><value>0</value></prop></item>\n</oor:items>\n",
    )
    .unwrap();
    let paths: Vec<std::path::PathBuf> = books
        .iter()
        .enumerate()
        .map(|(i, xlsx)| {
            let book = dir.path().join(format!("book{i}.xlsx"));
            std::fs::write(&book, xlsx).unwrap();
            book
        })
        .collect();
    let out = std::process::Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.path().join("profile").display()
        ))
        .args([
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
        ])
        .arg(dir.path())
        .args(&paths)
        .output()
        .unwrap();
    (0..books.len())
        .map(|i| {
            let csv = std::fs::read_to_string(dir.path().join(format!("book{i}-Scores.csv")))
                .unwrap_or_else(|_| {
                    panic!(
                        "LibreOffice wrote no CSV: {}{}",
                        String::from_utf8_lossy(&out.stdout),
                        String::from_utf8_lossy(&out.stderr)
                    )
                });
            scores_in_csv(&csv)
        })
        .collect()
}

/// (vendor, rank, verdict) of a Scores sheet as CSV, sorted by rank.
fn scores_in_csv(csv: &str) -> Vec<(String, u64, String)> {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (rank, verdict) = (col("Rank"), col("Verdict"));
    let mut rows: Vec<(String, u64, String)> = reader
        .records()
        .map(Result::unwrap)
        .filter(|r| !r[rank].is_empty())
        .map(|r| {
            (
                r[0].to_string(),
                r[rank].parse().unwrap(),
                r[verdict].to_string(),
            )
        })
        .collect();
    rows.sort_by_key(|r| r.1);
    rows
}

/// `xlsx` with the number in `cell` of the sheet at `part` replaced by `value`.
fn set_cell(xlsx: &[u8], part: &str, cell: &str, value: &str) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).unwrap();
        if name == part {
            let xml = String::from_utf8(bytes).unwrap();
            let at = xml.find(&format!("r=\"{cell}\"")).expect("the cell exists");
            let v = at + xml[at..].find("<v>").unwrap() + 3;
            let end = v + xml[v..].find("</v>").unwrap();
            bytes = format!("{}{value}{}", &xml[..v], &xml[end..]).into_bytes();
        }
        writer
            .start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(&bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// A text longer than a spreadsheet cell holds is cut to fit, saying so; the workbook is whole.
#[test]
fn a_text_too_long_for_a_cell_is_cut_and_the_workbook_still_written() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let p = Project::fixture("minimal");
    let long = "Has it done this before? ".repeat(2_000);
    p.edit(
        "content/report.yaml",
        "question: Has it done this before?",
        &format!("question: \"{}\"", long.trim()),
    );
    p.build_ok();
    let mut book: Xlsx<_> = open_workbook(p.path("output/report.xlsx")).unwrap();
    let criteria = book.worksheet_range("Criteria").unwrap();
    let question = (1..criteria.height() as u32)
        .find_map(|row| match criteria.get_value((row, 5)) {
            Some(Data::String(q)) if q.starts_with("Has it done") => Some(q.clone()),
            _ => None,
        })
        .expect("the long question, cut");
    assert_eq!(question.chars().count(), 32_767);
    assert!(
        question.ends_with("read it in the report]"),
        "{}",
        &question[question.len() - 60..]
    );
}

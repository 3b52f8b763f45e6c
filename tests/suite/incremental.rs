//! An incremental rebuild equals a full build, byte for byte, after every kind of change, and
//! does only the work the change calls for.

use crate::common::{Project, tree};
use shortlist::Options;
use shortlist::session::Session;

/// Builds the project from scratch into a side folder and compares with the session's output.
fn assert_same_as_full_build(p: &Project, step: &str) {
    assert_same_as_full_build_for(p, step, "internal");
}

fn assert_same_as_full_build_for(p: &Project, step: &str, audience: &str) {
    let full = p.path(&format!("full-{}", step.replace(' ', "-")));
    let (code, _, err) = p.run(
        "build",
        &["--output", full.to_str().unwrap(), "--audience", audience],
    );
    assert_eq!(code, 0, "{step}: {err}");
    let a = tree(&p.path("output"));
    let b = tree(&full);
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "{step}: the same files"
    );
    for (path, bytes) in &a {
        assert!(
            bytes == &b[path],
            "{step}: {path} differs from a full build"
        );
    }
}

fn session(p: &Project) -> Session {
    session_for(p, None)
}

fn session_for(p: &Project, audience: Option<shortlist::model::Audience>) -> Session {
    let options = Options {
        root: p.root().to_path_buf(),
        audience,
        ..Options::default()
    };
    Session::new(options, p.path("output")).unwrap()
}

#[test]
fn a_note_text_edit_is_rebuilt_alone_and_as_a_whole_build_would() {
    use shortlist::model::Audience;
    for (audience, name) in [
        (Audience::Internal, "internal"),
        (Audience::Shareable, "shareable"),
    ] {
        let p = Project::fixture("minimal");
        let note = p.path("content/notes/acme-rfp.md");
        let mut s = session_for(&p, Some(audience));
        s.rebuild(&[]).unwrap();
        let step = |what: &str| format!("{name} {what}");

        // Text only, with a heading: the note's page, the file of report.json that holds its
        // text, report.json (its fingerprint) and the search index, nothing else.
        p.edit(
            "content/notes/acme-rfp.md",
            "Fair price.",
            "## Price\n\nFair, *twice*.",
        );
        let r = s.rebuild(std::slice::from_ref(&note)).unwrap();
        assert_eq!(r.note_texts, 1, "{name}");
        assert_eq!(r.synced.written, 4, "{name}: {:?}", r.synced);
        assert!(p.read("output/notes/acme-rfp/index.html").contains("twice"));
        assert_same_as_full_build_for(&p, &step("text"), name);

        // Saved again unchanged: nothing to write.
        let r = s.rebuild(std::slice::from_ref(&note)).unwrap();
        assert_eq!((r.note_texts, r.synced.written), (1, 0), "{name}");

        // A new link reaches another page's data: the whole pipeline.
        p.edit(
            "content/notes/acme-rfp.md",
            "Fair, *twice*.",
            "Fair, *twice*; see [the demo](budget-demo.md).",
        );
        let r = s.rebuild(std::slice::from_ref(&note)).unwrap();
        assert_eq!(r.note_texts, 0, "{name}: a new link");
        assert_same_as_full_build_for(&p, &step("new link"), name);

        // A broken link is an error; the site stays as it was, and the fix rebuilds.
        let good = tree(&p.path("output"));
        p.edit("content/notes/acme-rfp.md", "budget-demo.md", "nowhere.md");
        assert!(s.rebuild(std::slice::from_ref(&note)).is_err(), "{name}");
        assert_eq!(tree(&p.path("output")), good, "{name}");
        p.edit("content/notes/acme-rfp.md", "nowhere.md", "budget-demo.md");
        let r = s.rebuild(std::slice::from_ref(&note)).unwrap();
        assert!(!r.changed(), "{name}: back as it was");

        // The front matter and the text at once: the whole pipeline.
        p.edit(
            "content/notes/acme-rfp.md",
            "Fair, *twice*",
            "Fair, *thrice*",
        );
        p.edit(
            "content/notes/acme-rfp.md",
            "title: Acme RFP response",
            "title: Acme answer",
        );
        let r = s.rebuild(std::slice::from_ref(&note)).unwrap();
        assert_eq!(r.note_texts, 0, "{name}: the title changed");
        assert!(
            p.read("output/vendors/acme/index.html")
                .contains("Acme answer")
        );
        assert_same_as_full_build_for(&p, &step("title and text"), name);

        // And a text edit after that builds on the new site.
        p.edit("content/notes/acme-rfp.md", "*thrice*", "*four times*");
        let r = s.rebuild(std::slice::from_ref(&note)).unwrap();
        assert_eq!(r.note_texts, 1, "{name}");
        assert_same_as_full_build_for(&p, &step("text again"), name);
    }
}

#[test]
fn a_note_that_carries_a_warning_still_has_its_text_rebuilt_alone() {
    // As most notes of a real project do: this one is cited by no score.
    let p = Project::fixture("minimal");
    p.write(
        "content/notes/loose-call.md",
        "---\ntitle: Loose call\ndate: 2026-10-05\nvendors: [acme]\nkind: reference-call\n---\nFirst take.\n",
    );
    let note = p.path("content/notes/loose-call.md");
    let mut s = session(&p);
    let first = s.rebuild(&[]).unwrap();
    let uncited = |w: &[shortlist::diagnostic::Diagnostic]| {
        w.iter()
            .filter(|d| d.file.ends_with("loose-call.md"))
            .map(|d| (d.line, d.message.clone()))
            .collect::<Vec<_>>()
    };
    let said = uncited(&first.built.warnings);
    assert_eq!(
        said,
        [(1, "no score cites this note as evidence".to_string())]
    );

    p.edit(
        "content/notes/loose-call.md",
        "First take.",
        "Second *take*.",
    );
    let r = s.rebuild(std::slice::from_ref(&note)).unwrap();
    assert_eq!(r.note_texts, 1, "the text alone is rebuilt");
    assert_eq!(uncited(&r.built.warnings), said, "the warning stays");
    assert!(
        p.read("output/notes/loose-call/index.html")
            .contains("<em>take</em>")
    );
    assert_same_as_full_build(&p, "warned note text");

    p.edit(
        "content/notes/loose-call.md",
        "Second *take*.",
        "Third take.",
    );
    let r = s.rebuild(std::slice::from_ref(&note)).unwrap();
    assert_eq!(r.note_texts, 1);
    assert_same_as_full_build(&p, "warned note text again");
}

#[test]
fn every_kind_of_change_rebuilds_to_what_a_full_build_makes() {
    let p = Project::fixture("minimal");
    let mut s = session(&p);
    let first = s.rebuild(&[]).unwrap();
    assert!(first.changed());
    assert_same_as_full_build(&p, "first");

    // A note's text: that note's page only.
    p.edit(
        "content/notes/acme-rfp.md",
        "Fair price.",
        "Fair price, confirmed twice.",
    );
    let r = s.rebuild(&[p.path("content/notes/acme-rfp.md")]).unwrap();
    assert_eq!(r.note_texts, 1, "only the note's text is rebuilt");
    assert_eq!(r.stats.pages_rendered, 1, "{:?}", r.stats);
    assert_eq!(r.stats.files_read, 1, "{:?}", r.stats);
    assert_eq!(
        r.synced.written, 4,
        "the note's page, its text's file beside report.json, report.json (its fingerprint) and \
         the search index"
    );
    assert_same_as_full_build(&p, "note body");

    // A note's title shows on other pages too.
    p.edit(
        "content/notes/acme-rfp.md",
        "title: Acme RFP response",
        "title: Acme written answer",
    );
    let r = s.rebuild(&[]).unwrap();
    assert!(r.synced.written > 1);
    assert!(
        p.read("output/vendors/acme/index.html")
            .contains("Acme written answer")
    );
    assert_same_as_full_build(&p, "note title");

    // A score changes the ranking, and not the pages of notes that do not show it: a page
    // is rendered again only when what its template reads changed.
    let notes_rendered = |r: &shortlist::session::Rebuilt| {
        r.stats
            .rendered
            .iter()
            .filter(|p| p.starts_with("notes/") && p.as_str() != "notes/index.html")
            .cloned()
            .collect::<Vec<_>>()
    };
    p.edit("content/vendors/budget.yaml", "cost: 5", "cost: 4");
    let r = s.rebuild(&[]).unwrap();
    assert!(
        r.stats
            .rendered
            .contains(&"vendors/budget/index.html".to_string())
    );
    assert_eq!(
        notes_rendered(&r),
        Vec::<String>::new(),
        "no note shows that score"
    );
    assert_same_as_full_build(&p, "uncited score");
    // A score a note is cited for: that note's page shows it, and only that one changes.
    p.edit("content/vendors/budget.yaml", "score: 2", "score: 5");
    let r = s.rebuild(&[]).unwrap();
    assert_eq!(notes_rendered(&r), ["notes/budget-demo/index.html"]);
    assert_same_as_full_build(&p, "score");

    // A theme override re-renders every page that uses it.
    p.write(
        "themes/default/templates/note.html",
        "<!doctype html><title>{{ note.title }}</title>{{ note.body | safe }}",
    );
    s.rebuild(&[]).unwrap();
    assert_same_as_full_build(&p, "theme");

    // A new note appears; a deleted one disappears with its page.
    p.write(
        "content/notes/extra/new-call.md",
        "---\ntitle: New call\ndate: 2026-11-01\nvendors: [acme]\n---\nNew.\n",
    );
    s.rebuild(&[]).unwrap();
    assert!(p.path("output/notes/new-call/index.html").is_file());
    assert_same_as_full_build(&p, "new note");
    std::fs::remove_dir_all(p.path("content/notes/extra")).unwrap();
    let r = s.rebuild(&[]).unwrap();
    assert!(r.synced.removed >= 1);
    assert!(!p.path("output/notes/new-call").exists());
    assert_same_as_full_build(&p, "deleted note");

    // A renamed dossier: the old page goes, the new one comes.
    std::fs::rename(
        p.path("content/vendors/budget.yaml"),
        p.path("content/vendors/budget-courses.yaml"),
    )
    .unwrap();
    p.edit(
        "content/notes/budget-demo.md",
        "vendors: [budget]",
        "vendors: [budget-courses]",
    );
    s.rebuild(&[]).unwrap();
    assert!(!p.path("output/vendors/budget").exists());
    assert!(p.path("output/vendors/budget-courses/index.html").is_file());
    assert_same_as_full_build(&p, "renamed dossier");

    // Nothing changed: nothing written.
    let r = s.rebuild(&[]).unwrap();
    assert!(!r.changed(), "{:?}", r.synced);
    assert_eq!(r.stats.pages_rendered, 0);
}

#[test]
fn a_failed_rebuild_keeps_the_last_good_site() {
    let p = Project::fixture("minimal");
    let mut s = session(&p);
    s.rebuild(&[]).unwrap();
    let good = tree(&p.path("output"));
    p.edit("content/vendors/acme.yaml", "score: 4", "score: 40");
    assert!(s.rebuild(&[]).is_err());
    assert_eq!(tree(&p.path("output")), good);
    p.edit("content/vendors/acme.yaml", "score: 40", "score: 4");
    let r = s.rebuild(&[]).unwrap();
    assert!(!r.changed(), "back to the same content: nothing to write");
    assert_same_as_full_build(&p, "fixed");
}

#[test]
fn two_saves_in_one_clock_tick_are_both_seen_when_the_watcher_names_the_file() {
    let p = Project::fixture("minimal");
    let mut s = session(&p);
    s.rebuild(&[]).unwrap();
    // An edit of the same length and, forced here, the same modification time: only the path
    // the watcher names gives it away.
    let edit_in_the_same_tick = |file: &str, from: &str, to: &str| {
        let path = p.path(file);
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
        p.edit(file, from, to);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(modified)
            .unwrap();
        path
    };
    let note = edit_in_the_same_tick("content/notes/acme-rfp.md", "Fair price.", "Fair prize.");
    s.rebuild(&[note]).unwrap();
    assert!(
        p.read("output/notes/acme-rfp/index.html")
            .contains("Fair prize.")
    );
    // The same through the whole pipeline, for a dossier: its text and the digests in the
    // report's fingerprint (both kept by that rule, the note's just changed) are made again.
    let dossier = edit_in_the_same_tick("content/vendors/acme.yaml", "score: 4", "score: 3");
    s.rebuild(&[dossier]).unwrap();
    assert_same_as_full_build(&p, "a dossier saved twice in one clock tick");
}

#[test]
fn a_note_kept_from_the_last_build_is_checked_again_when_what_it_names_changes() {
    let p = Project::fixture("minimal");
    let mut s = session(&p);
    s.rebuild(&[]).unwrap();
    // What the session says of acme-rfp.md, which names the vendor `acme` and the criterion
    // `cost`, after a change to other files only.
    let said_of_the_note = |s: &mut Session| match s.rebuild(&[]) {
        Err(shortlist::Failure::Content(diags)) => diags
            .iter()
            .filter(|d| d.is_error() && d.file.ends_with("notes/acme-rfp.md"))
            .map(|d| d.message.clone())
            .collect::<Vec<_>>(),
        Err(other) => panic!("{other}"),
        Ok(_) => Vec::new(),
    };
    // The criterion it names renamed in report.yaml.
    p.edit("content/report.yaml", "- id: cost", "- id: price");
    let said = said_of_the_note(&mut s);
    assert!(
        said.iter().any(|m| m.contains("`cost`")),
        "the note names a criterion that is gone: {said:?}"
    );
    p.edit("content/report.yaml", "- id: price", "- id: cost");
    assert_eq!(said_of_the_note(&mut s), Vec::<String>::new());
    // The dossier it names renamed.
    std::fs::rename(
        p.path("content/vendors/acme.yaml"),
        p.path("content/vendors/acme-learning.yaml"),
    )
    .unwrap();
    let said = said_of_the_note(&mut s);
    assert!(
        said.iter().any(|m| m.contains("no vendor `acme`")),
        "the note names a vendor that is gone: {said:?}"
    );
    std::fs::rename(
        p.path("content/vendors/acme-learning.yaml"),
        p.path("content/vendors/acme.yaml"),
    )
    .unwrap();
    // A link to a note that is then deleted.
    p.edit(
        "content/notes/acme-rfp.md",
        "Fair price.",
        "Fair price; see [the demo](budget-demo.md).",
    );
    assert_eq!(said_of_the_note(&mut s), Vec::<String>::new());
    let demo = p.read("content/notes/budget-demo.md");
    std::fs::remove_file(p.path("content/notes/budget-demo.md")).unwrap();
    let said = said_of_the_note(&mut s);
    assert!(
        said.iter().any(|m| m.contains("budget-demo.md")),
        "the note links to a note that is gone: {said:?}"
    );
    p.write("content/notes/budget-demo.md", &demo);
    assert_eq!(said_of_the_note(&mut s), Vec::<String>::new());
    assert_same_as_full_build(&p, "restored");
}

//! `shortlist watch` on real files: saves, atomic renames, deletes, new and re-created folders,
//! a broken file and its fix, and Ctrl-C.

use crate::common::{Project, Running, tree, wait_until};

fn page(p: &Project, rel: &str) -> String {
    std::fs::read_to_string(p.path("output").join(rel)).unwrap_or_default()
}

fn started(p: &Project) -> Running {
    let w = Running::start(p, "watch", &[]);
    wait_until(30, "the first build", || w.stderr().contains("watching"));
    assert!(p.path("output/index.html").is_file(), "{}", w.stderr());
    w
}

#[test]
fn saves_renames_deletes_and_new_folders_show_up_in_the_output() {
    let p = Project::fixture("minimal");
    let w = started(&p);
    let first = w.stdout();
    assert!(
        first.starts_with("built 2 vendors, 2 criteria and 3 notes in ")
            && first.lines().next().unwrap().ends_with("; 1 warning"),
        "the first build says `built`, and how many warnings: {first}"
    );

    p.edit(
        "content/notes/acme-rfp.md",
        "Fair price.",
        "Fair price, saved in place.",
    );
    wait_until(20, "an in-place save", || {
        page(&p, "notes/acme-rfp/index.html").contains("saved in place")
    });

    // An atomic save, as many editors do it: write a temporary file, rename it over the note.
    let text = p
        .read("content/notes/acme-rfp.md")
        .replace("saved in place", "saved by rename");
    p.write("content/notes/.acme-rfp.md.tmp-save", &text);
    std::fs::rename(
        p.path("content/notes/.acme-rfp.md.tmp-save"),
        p.path("content/notes/acme-rfp.md"),
    )
    .unwrap();
    wait_until(20, "an atomic rename save", || {
        page(&p, "notes/acme-rfp/index.html").contains("saved by rename")
    });

    // A new folder with a note in it, deleted, then created again.
    p.write(
        "content/notes/extra/fresh.md",
        "---\ntitle: Fresh note\ndate: 2026-11-20\n---\nFresh.\n",
    );
    wait_until(20, "a note in a new folder", || {
        p.path("output/notes/fresh/index.html").is_file()
    });
    std::fs::remove_dir_all(p.path("content/notes/extra")).unwrap();
    wait_until(20, "a deleted folder's page to go", || {
        !p.path("output/notes/fresh").exists()
    });
    p.write(
        "content/notes/extra/fresh.md",
        "---\ntitle: Fresh again\ndate: 2026-11-21\n---\nAgain.\n",
    );
    wait_until(20, "a re-created folder", || {
        page(&p, "notes/fresh/index.html").contains("Fresh again")
    });

    // A deleted dossier (and the note about it) disappears with its page.
    std::fs::remove_file(p.path("content/notes/budget-demo.md")).unwrap();
    std::fs::remove_file(p.path("content/vendors/budget.yaml")).unwrap();
    wait_until(20, "a deleted dossier's page to go", || {
        !p.path("output/vendors/budget").exists()
    });
    assert!(!page(&p, "index.html").contains("Budget Courses"));
    drop(w);
}

#[test]
fn a_folder_named_with_digits_is_watched_like_any_other() {
    let p = Project::fixture("minimal");
    let w = started(&p);
    p.write(
        "content/notes/2026/year-note.md",
        "---\ntitle: Year note\ndate: 2026-11-20\n---\nIn a year folder.\n",
    );
    wait_until(20, "a note in `notes/2026/`", || {
        p.path("output/notes/year-note/index.html").is_file()
    });
    // Moving the folder out of `content/` reports only the folder itself.
    std::fs::rename(p.path("content/notes/2026"), p.path("archived-2026")).unwrap();
    wait_until(20, "the moved folder's page to go", || {
        !p.path("output/notes/year-note").exists()
    });
    drop(w);
}

#[test]
fn a_broken_file_keeps_the_last_good_site_and_the_fix_rebuilds_it() {
    let p = Project::fixture("minimal");
    let w = started(&p);
    let good = tree(&p.path("output"));
    p.edit("content/vendors/acme.yaml", "score: 4", "score: 9");
    wait_until(20, "the error on the terminal", || {
        w.stderr().contains("content/vendors/acme.yaml:8:12")
    });
    assert_eq!(
        w.stderr().matches("the score 9 is outside").count(),
        1,
        "printed once"
    );
    assert_eq!(tree(&p.path("output")), good, "the last good site stays");

    // Another save with the same error does not repeat it.
    p.edit("content/notes/acme-rfp.md", "Fair price.", "Fair price!");
    wait_until(20, "the second failed rebuild", || {
        w.stderr()
            .contains("still failing with the same 1 error in 1 file")
    });
    let before = w.stdout().len();
    p.edit("content/vendors/acme.yaml", "score: 9", "score: 5");
    wait_until(20, "the fix", || {
        w.stdout()[before..].contains("fixed; rebuilt")
    });
    assert_eq!(
        w.stderr().matches("the score 9 is outside").count(),
        1,
        "{}",
        w.stderr()
    );
    assert!(page(&p, "notes/acme-rfp/index.html").contains("Fair price!"));
    assert!(page(&p, "vendors/acme/index.html").contains("<strong>4.50</strong>"));
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_and_leaves_a_complete_site() {
    let p = Project::fixture("minimal");
    let mut w = started(&p);
    p.edit(
        "content/notes/acme-rfp.md",
        "Fair price.",
        "Fair price, last edit.",
    );
    wait_until(20, "the last edit", || {
        page(&p, "notes/acme-rfp/index.html").contains("last edit")
    });
    assert_eq!(w.interrupt(), Some(0), "{}", w.stderr());
    let site = tree(&p.path("output"));
    assert!(site.contains_key(".shortlist-build"));
    assert!(
        site.keys().all(|k| !k.ends_with(".tmp")),
        "no half-written files"
    );
    crate::common::assert_staging_is_clean(&p);
    assert!(
        p.read("content/notes/acme-rfp.md").contains("last edit"),
        "content untouched"
    );
}

#[cfg(unix)]
#[test]
fn a_second_ctrl_c_stops_watch_in_a_rebuild_that_does_not_end() {
    let p = Project::fixture("minimal");
    p.write(
        "themes/default/templates/note.html",
        "{% for a in range(end=100000) %}{% for b in range(end=100000) %}{% endfor %}{% endfor %}",
    );
    let mut w = Running::start(&p, "watch", &[]);
    std::thread::sleep(std::time::Duration::from_millis(500));
    let _ = std::process::Command::new("kill")
        .args(["-INT", &w.child.id().to_string()])
        .status();
    wait_until(10, "the first Ctrl-C to be acknowledged", || {
        w.stderr().contains("a second Ctrl-C stops at once")
    });
    assert_eq!(w.interrupt(), Some(130), "{}", w.stderr());
    assert!(
        !p.path("output").exists(),
        "the first build never finished: {}",
        w.stderr()
    );
}

#[test]
fn a_storm_of_changes_ends_exactly_as_a_fresh_build() {
    let p = Project::fixture("minimal");
    let w = started(&p);
    let note = |i: usize, text: &str| {
        format!(
            "---\ntitle: Storm {i}\ndate: 2026-11-{:02}\n---\n{text}\n",
            1 + i % 28
        )
    };
    // 1,000 changes: 100 notes written ten times each, as fast as the disk takes them.
    for round in 0..10 {
        for i in 0..100 {
            p.write(
                &format!("content/notes/storm/n{i:03}.md"),
                note(i, &format!("round {round}")),
            );
        }
    }
    // A branch switch: every note replaced at once, some removed.
    for i in 0..100 {
        if i % 3 == 0 {
            std::fs::remove_file(p.path(&format!("content/notes/storm/n{i:03}.md"))).unwrap();
        } else {
            p.write(
                &format!("content/notes/storm/n{i:03}.md"),
                note(i, "after the switch"),
            );
        }
    }
    // A notes folder deleted and made again, and an editor's save: temp file, rename over.
    std::fs::remove_dir_all(p.path("content/notes/calls")).unwrap();
    p.write(
        "content/notes/calls/acme-call.md",
        "---\ntitle: Reference call with an Acme client\ndate: 2026-10-14\nvendors: [acme]\ncriteria: [track-record]\nkind: reference-call\n---\nBack again.\n",
    );
    p.write("content/notes/.acme-rfp.md.swp", "vim swap");
    let rfp = p
        .read("content/notes/acme-rfp.md")
        .replace("Fair price.", "Fair price, saved.");
    p.write("content/notes/acme-rfp.md.tmp", &rfp);
    std::fs::rename(
        p.path("content/notes/acme-rfp.md.tmp"),
        p.path("content/notes/acme-rfp.md"),
    )
    .unwrap();
    std::fs::remove_file(p.path("content/notes/.acme-rfp.md.swp")).unwrap();
    // Once watch has caught up, its folder is byte for byte what a fresh build makes.
    wait_until(60, "watch to catch up", || {
        page(&p, "notes/acme-rfp/index.html").contains("saved")
            && page(&p, "notes/acme-call/index.html").contains("Back again")
            && page(&p, "notes/n001/index.html").contains("after the switch")
            && !p.path("output/notes/n000").exists()
    });
    // Quiet for a moment: no rebuild still under way.
    let settled = || w.stdout().len();
    let mut last = settled();
    wait_until(30, "watch to settle", || {
        std::thread::sleep(std::time::Duration::from_millis(600));
        let now = settled();
        let quiet = now == last;
        last = now;
        quiet
    });
    drop(w);
    let watched = tree(&p.path("output"));
    let (code, _, err) = p.run("build", &["--output", p.path("fresh").to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let fresh = tree(&p.path("fresh"));
    assert_eq!(
        watched.keys().collect::<Vec<_>>(),
        fresh.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &watched {
        assert!(bytes == &fresh[path], "{path} differs from a fresh build");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn memory_stays_flat_over_200_rebuilds() {
    let p = Project::fixture("minimal");
    let w = started(&p);
    let rss_kib = || crate::common::rss_kib(w.child.id());
    let rebuilds = || w.stdout().matches("rebuilt").count();
    let mut after_warm_up = 0;
    for i in 0..200 {
        let before = rebuilds();
        p.write(
            "content/notes/acme-rfp.md",
            format!("---\ntitle: Acme RFP response\ndate: 2026-09-18\nvendors: [acme]\ncriteria: [cost]\nkind: rfp-response\n---\nEdit {i}: {}\n", "text ".repeat(i % 50)),
        );
        wait_until(20, "the rebuild", || rebuilds() > before);
        if i == 19 {
            after_warm_up = rss_kib();
        }
    }
    let end = rss_kib();
    assert!(
        end < after_warm_up + 16 * 1024,
        "memory grew from {after_warm_up} KiB after 20 rebuilds to {end} KiB after 200"
    );
}

#[test]
fn a_first_build_that_fails_says_so_and_the_fix_builds_by_itself() {
    let p = Project::fixture("minimal");
    p.edit("content/vendors/budget.yaml", "  cost: 5", "  cost: 9");
    let w = Running::start(&p, "watch", &[]);
    wait_until(30, "the first build to fail", || {
        w.stderr()
            .contains("error: build failed: 1 error in 1 file")
    });
    assert!(
        !w.stderr().contains("last good site"),
        "there is none yet: {}",
        w.stderr()
    );
    p.edit("content/vendors/budget.yaml", "  cost: 9", "  cost: 5");
    wait_until(30, "the fix to build", || {
        p.path("output/index.html").is_file()
    });
}

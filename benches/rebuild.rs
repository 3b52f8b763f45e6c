//! How long from a file save to the rebuilt page on disk, with `shortlist watch` running:
//! a change that re-renders everything (report.yaml) against one that re-renders one page (a
//! note's text), on the example report and on a generated project of 1,000 vendors and 10,000
//! notes. Run with `cargo bench --bench rebuild`; it prints figures and asserts nothing.
//! `BENCH_SMALL=1` skips the large project.

// The test suite's helpers; the benchmark uses a few of them.
#[path = "../tests/suite/common.rs"]
#[allow(dead_code)]
mod common;

// The benchmarks' corpus; this one uses only the shortlist project.
#[path = "corpus.rs"]
#[allow(dead_code)]
mod corpus;

use std::time::{Duration, Instant};

use common::{Project, Running};

fn main() {
    measure(
        "example (7 vendors, 24 notes)",
        &Project::example(),
        "notes/brightpath/2026-10-02-brightpath-demo.md",
        "notes/2026-10-02-brightpath-demo/index.html",
    );

    if std::env::var_os("BENCH_SMALL").is_none() {
        let big = Project {
            dir: tempfile::tempdir().unwrap(),
        };
        let started = Instant::now();
        corpus::shortlist_project(big.root(), 1_000, 10_000);
        println!(
            "generated 1,000 vendors and 10,000 notes in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        measure(
            "generated (1,000 vendors, 10,000 notes)",
            &big,
            "notes/v0042/n00420.md",
            "notes/n00420/index.html",
        );
    }
}

/// Waits for `done`, polling often (the wait is what is measured), and returns how long it took.
fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) -> Duration {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
    started.elapsed()
}

fn measure(label: &str, project: &Project, note: &str, note_page: &str) {
    let root = project.root();
    let running = Running::start(project, "watch", &[]);
    let watch = Watch(&running);
    let first = wait_for("the first build", Duration::from_secs(600), || {
        watch.rebuilds() >= 1
    });
    println!(
        "\n{label}\n  first build (start to site on disk): {:.0} ms",
        first.as_secs_f64() * 1000.0
    );

    let note_path = root.join("content").join(note);
    let page = root.join("output").join(note_page);
    let report = root.join("content/report.yaml");
    let mut incremental = Vec::new();
    let mut full = Vec::new();
    for round in 0..5 {
        // One note's text: only its page changes.
        let marker = format!("edit-marker-{round}");
        let text = std::fs::read_to_string(&note_path).unwrap();
        let before = watch.rebuilds();
        let saved = Instant::now();
        std::fs::write(&note_path, format!("{text}\n{marker}\n")).unwrap();
        wait_for("the note page", Duration::from_secs(120), || {
            std::fs::read_to_string(&page).is_ok_and(|p| p.contains(&marker))
        });
        incremental.push(saved.elapsed());
        wait_for("the rebuild message", Duration::from_secs(120), || {
            watch.rebuilds() > before
        });

        // The report title: every page changes.
        let title_marker = format!("Title {round}");
        let text = std::fs::read_to_string(&report).unwrap();
        let new = text
            .lines()
            .map(|l| {
                if l.starts_with("title:") {
                    format!("title: {title_marker}")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let before = watch.rebuilds();
        let saved = Instant::now();
        std::fs::write(&report, new + "\n").unwrap();
        wait_for("the full rebuild", Duration::from_secs(600), || {
            watch.rebuilds() > before
        });
        assert!(
            std::fs::read_to_string(&page)
                .unwrap()
                .contains(&title_marker)
        );
        full.push(saved.elapsed());
    }
    let ms = |v: &mut Vec<Duration>| {
        v.sort();
        format!(
            "median {:.0} ms, best {:.0} ms",
            v[v.len() / 2].as_secs_f64() * 1000.0,
            v[0].as_secs_f64() * 1000.0
        )
    };
    println!(
        "  save to page on disk, one note's text (incremental): {}",
        ms(&mut incremental)
    );
    println!(
        "  save to site on disk, report title (full re-render):  {}",
        ms(&mut full)
    );
    println!("  (both include the watcher's {} ms debounce)", 100);
}

/// The `watch` process, counting the rebuilds it reports.
struct Watch<'a>(&'a Running);

impl Watch<'_> {
    /// Builds finished: the first says `built …`, the later ones `rebuilt …`.
    fn rebuilds(&self) -> usize {
        self.0
            .stdout()
            .lines()
            .filter(|l| l.starts_with("built ") || l.contains("rebuilt in"))
            .count()
    }
}

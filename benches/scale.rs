//! shortlist at three sizes, beside Hugo building the same corpus: `cargo bench --bench scale`.
//!
//! For 50 vendors / 500 notes, 200 / 2,000 and 1,000 / 10,000 (or the sizes in `BENCH_SIZES`,
//! as `50x500,200x2000`), on a corpus `corpus.rs` generates the same way every time, it prints:
//! the full build's wall and CPU time and peak memory (from the kernel's accounting of the
//! child process), into an empty output folder and again over its output, pages per second,
//! `check`'s wall time; rebuilds as `watch` makes them, by the session's own clock, after an
//! edit to the text of a note a score cites, to the text of a note none cites (which carries a
//! warning, as most notes of a real project do) and to one score in a dossier, each with the
//! stages its last edit took and how many pages it rendered; and the uncited
//! note's edit from the save to the page on disk (a
//! real `watch` process). Where `hugo` is on the PATH, it builds the same corpus as a Hugo site
//! in the same run, the same two ways, and prints the ratios. It asserts nothing: figures, not verdicts.
//! `BENCH_KEEP=DIR` keeps the generated projects in `DIR`, for profiling.

#[path = "corpus.rs"]
mod corpus;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The binary measured: this build's, or another (an older release, to compare with) named by
/// `SHORTLIST_BENCH_BIN`. The session's own figure always measures this build's library.
fn bin() -> PathBuf {
    std::env::var_os("SHORTLIST_BENCH_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_shortlist")),
        PathBuf::from,
    )
}

/// What one process took: wall time, CPU time (user and system) and peak resident memory.
#[derive(Clone, Copy)]
struct Usage {
    wall: Duration,
    cpu: Duration,
    peak_mib: f64,
}

/// Runs `cmd` to its end, with only its problems printed, and measures it with `wait4` (which also reaps
/// the child, hence no `wait()`).
#[allow(clippy::zombie_processes)]
fn measured(cmd: &mut Command) -> Usage {
    let started = Instant::now();
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the program starts");
    let mut status = 0;
    // SAFETY: `rusage` is plain data, filled by the kernel for the child we just started.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    // SAFETY: waits for our own child, once; `child` is never waited on again.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    assert_eq!(r, pid, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{cmd:?} failed (status {status})"
    );
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Usage {
        wall,
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        peak_mib: usage.ru_maxrss as f64 / 1024.0,
    }
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn html_pages(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .count()
}

/// The figures of one size.
struct Figures {
    label: String,
    /// Into an empty output folder.
    build: Usage,
    /// The third build, over the output of the ones before (the second is not counted: it
    /// is the first to keep a site to write over).
    again: Usage,
    /// A build after one score in one dossier changed, as happens daily (at 2,000 notes, 48
    /// of 2,222 files change).
    edited: Usage,
    /// A build after the report's title changed: every page changes.
    retitled: Usage,
    pages: usize,
    check: Usage,
    edit_own: SessionEdits,
    edit_on_disk: Duration,
    /// Hugo into an empty folder, and the third time over its own output.
    hugo: Option<(Usage, Usage)>,
}

fn main() {
    let sizes: Vec<(usize, usize)> = std::env::var("BENCH_SIZES")
        .ok()
        .map(|s| {
            s.split(',')
                .filter_map(|p| {
                    let (v, n) = p.trim().split_once('x')?;
                    Some((v.parse().ok()?, n.parse().ok()?))
                })
                .collect()
        })
        .unwrap_or_else(|| vec![(50, 500), (200, 2_000), (1_000, 10_000)]);
    let hugo = which("hugo");
    let mut all = Vec::new();
    for (vendors, notes) in sizes {
        let f = measure_size(vendors, notes, hugo.as_deref());
        print_figures(&f);
        all.push(f);
    }
    if let [.., medium, large] = all.as_slice() {
        println!(
            "\nlinearity, {} against {}: build time ×{:.2} (again ×{:.2}), peak memory ×{:.2}",
            large.label,
            medium.label,
            large.build.wall.as_secs_f64() / medium.build.wall.as_secs_f64(),
            large.again.wall.as_secs_f64() / medium.again.wall.as_secs_f64(),
            large.build.peak_mib / medium.build.peak_mib
        );
    }
}

fn measure_size(vendors: usize, notes: usize, hugo: Option<&Path>) -> Figures {
    let label = format!("{vendors} vendors / {notes} notes");
    let dir = tempfile::tempdir().unwrap();
    // `BENCH_KEEP=DIR` leaves the generated projects there, for profiling.
    let dir = match std::env::var_os("BENCH_KEEP") {
        Some(keep) => {
            let kept = PathBuf::from(keep).join(format!("{vendors}x{notes}"));
            std::fs::create_dir_all(&kept).unwrap();
            Kept::Dir(kept)
        }
        None => Kept::Temp(dir),
    };
    let root = dir.path().join("project");
    corpus::shortlist_project(&root, vendors, notes);
    // A first build, into nothing (a kept project keeps no output from an earlier run), then
    // the same build again, as a user builds most of the time (once the output folder is
    // there), then a build after a score changed.
    for old in ["output", ".output.staging"] {
        let _ = std::fs::remove_dir_all(root.join(old));
    }
    let build_cmd = || {
        let mut cmd = Command::new(bin());
        cmd.args(["build", "-q", "--root"]).arg(&root);
        cmd
    };
    let build = measured(&mut build_cmd());
    // The third build is counted, as it always was (versions before 0.2 first kept a site to
    // write over in the second).
    measured(&mut build_cmd());
    let again = measured(&mut build_cmd());
    let dossier = root
        .join("content/vendors")
        .join(format!("{}.yaml", corpus::vendor_slug(0)));
    let text = std::fs::read_to_string(&dossier).unwrap();
    std::fs::write(&dossier, other_first_score(&text)).unwrap();
    let edited = measured(&mut build_cmd());
    std::fs::write(&dossier, text).unwrap();
    measured(&mut build_cmd());
    let report = root.join("content/report.yaml");
    let text = std::fs::read_to_string(&report).unwrap();
    std::fs::write(&report, text.replacen("title: ", "title: Retitled ", 1)).unwrap();
    let retitled = measured(&mut build_cmd());
    std::fs::write(&report, text).unwrap();
    measured(&mut build_cmd());
    let pages = html_pages(&root.join("output"));
    let check = measured(
        Command::new(bin())
            .args(["check", "-q", "--root"])
            .arg(&root),
    );
    let edit_own = edit_in_session(&root, vendors, notes);
    let edit_on_disk = edit_under_watch(&root, vendors, notes);
    let hugo = hugo.map(|hugo| {
        let site = dir.path().join("hugo");
        corpus::hugo_site(&site, vendors, notes);
        let out = dir.path().join("hugo-out");
        let _ = std::fs::remove_dir_all(&out);
        let hugo_cmd = || {
            let mut cmd = Command::new(hugo);
            cmd.args(["--quiet", "--source"])
                .arg(&site)
                .arg("--destination")
                .arg(&out);
            cmd
        };
        let first = measured(&mut hugo_cmd());
        measured(&mut hugo_cmd());
        (first, measured(&mut hugo_cmd()))
    });
    Figures {
        label,
        build,
        again,
        edited,
        retitled,
        pages,
        check,
        edit_own,
        edit_on_disk,
        hugo,
    }
}

/// Where a size's projects are written: a temporary folder, or one to keep.
enum Kept {
    Temp(tempfile::TempDir),
    Dir(PathBuf),
}

impl Kept {
    fn path(&self) -> &Path {
        match self {
            Kept::Temp(t) => t.path(),
            Kept::Dir(d) => d,
        }
    }
}

/// A note's path in the generated project and its page: the first note of the vendor in the
/// middle of the list, which a score cites (`uncited`: false), or the ninth, which none does
/// (eight criteria cite the first eight).
fn a_note(root: &Path, vendors: usize, notes: usize, uncited: bool) -> (PathBuf, PathBuf) {
    let v = corpus::vendor_of(notes / 2, vendors, notes);
    let own: Vec<usize> = (0..notes)
        .filter(|n| corpus::vendor_of(*n, vendors, notes) == v)
        .collect();
    let n = if uncited {
        *own.get(8).expect("nine notes a vendor")
    } else {
        own[0]
    };
    (
        root.join("content/notes")
            .join(corpus::vendor_slug(v))
            .join(format!("{}.md", corpus::note_slug(n))),
        root.join("output/notes")
            .join(corpus::note_slug(n))
            .join("index.html"),
    )
}

/// Rebuilds as `watch` makes them, by the session's clock: the median of five edits after a
/// first build, of each kind.
/// Each with the stages of its last edit, as `watch -v` prints them.
struct SessionEdits {
    /// The text of a note a score cites.
    cited: (Duration, String),
    /// The text of a note no score cites (a warning on it, as on most notes of a real project).
    uncited: (Duration, String),
    /// One score in one dossier.
    score: (Duration, String),
}

fn edit_in_session(root: &Path, vendors: usize, notes: usize) -> SessionEdits {
    let options = shortlist::Options {
        root: root.to_path_buf(),
        ..Default::default()
    };
    let out = root.join("session-output");
    let mut session = shortlist::session::Session::new(options, out).expect("a session");
    session.rebuild(&[]).expect("the first build");
    let mut timed = |file: &Path, edit: &dyn Fn(&str, usize) -> String| {
        let text = std::fs::read_to_string(file).unwrap();
        let mut stages = String::new();
        let times = (0..5)
            .map(|i| {
                std::fs::write(file, edit(&text, i)).unwrap();
                let started = Instant::now();
                let r = session.rebuild(&[file.to_path_buf()]).expect("a rebuild");
                let took = started.elapsed();
                // Where the time of the last edit went, as watch's `-v` prints it.
                stages = r
                    .built
                    .timings
                    .iter()
                    .map(|(stage, t)| format!("{stage} {}", ms(*t)))
                    .chain([format!("{} pages rendered", r.stats.pages_rendered)])
                    .collect::<Vec<_>>()
                    .join(", ");
                took
            })
            .collect();
        std::fs::write(file, &text).unwrap();
        session.rebuild(&[file.to_path_buf()]).expect("a rebuild");
        (median(times), stages)
    };
    let text_edit = |text: &str, i: usize| format!("{text}\nsession edit {i}\n");
    let cited = timed(&a_note(root, vendors, notes, false).0, &text_edit);
    let uncited = timed(&a_note(root, vendors, notes, true).0, &text_edit);
    let dossier = root
        .join("content/vendors")
        .join(format!("{}.yaml", corpus::vendor_slug(0)));
    // One step up each time: five different scores in a row, none the one before.
    let score = timed(&dossier, &|text, i| {
        (0..=i).fold(text.to_string(), |t, _| other_first_score(&t))
    });
    SessionEdits {
        cited,
        uncited,
        score,
    }
}

/// From saving one note's text to its page on disk, with a real `watch` running: the median
/// of three edits (each includes the watcher's 100 ms debounce).
fn edit_under_watch(root: &Path, vendors: usize, notes: usize) -> Duration {
    let (note, page) = a_note(root, vendors, notes, true);
    let _ = std::fs::remove_dir_all(root.join("output"));
    let mut watch = Command::new(bin())
        .args(["watch", "-q", "--root"])
        .arg(root)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let wait = |what: &str, done: &dyn Fn() -> bool| {
        let started = Instant::now();
        while !done() {
            assert!(
                started.elapsed() < Duration::from_secs(600),
                "gave up waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        started.elapsed()
    };
    wait("the first build", &|| {
        root.join("output/.shortlist-build").is_file()
    });
    // Let the watcher settle after the first build's own writes.
    std::thread::sleep(Duration::from_millis(300));
    let text = std::fs::read_to_string(&note).unwrap();
    let times = (0..3)
        .map(|i| {
            let marker = format!("watch-edit-marker-{i}");
            std::fs::write(&note, format!("{text}\n{marker}\n")).unwrap();
            let took = wait("the note's page", &|| {
                std::fs::read_to_string(&page).is_ok_and(|p| p.contains(&marker))
            });
            std::thread::sleep(Duration::from_millis(300));
            took
        })
        .collect();
    // SAFETY: a signal to our own child.
    unsafe { libc::kill(watch.id() as libc::pid_t, libc::SIGINT) };
    let _ = watch.wait();
    std::fs::write(&note, text).unwrap();
    median(times)
}

fn print_figures(f: &Figures) {
    println!("\n{}", f.label);
    for (what, u) in [
        ("build", f.build),
        ("build again", f.again),
        ("build after a score edit", f.edited),
        ("build after a new title (every page)", f.retitled),
    ] {
        println!(
            "  {what}: {} wall, {} CPU, {:.0} MiB peak; {} pages, {:.0} pages/s",
            ms(u.wall),
            ms(u.cpu),
            u.peak_mib,
            f.pages,
            f.pages as f64 / u.wall.as_secs_f64()
        );
    }
    println!(
        "  check: {} wall ({:.2}× the build), {:.0} MiB peak",
        ms(f.check.wall),
        f.check.wall.as_secs_f64() / f.build.wall.as_secs_f64(),
        f.check.peak_mib
    );
    println!(
        "  edits rebuilt as watch does, by the session's figure: a cited note's text {}, an uncited note's text {}, one score {}",
        ms(f.edit_own.cited.0),
        ms(f.edit_own.uncited.0),
        ms(f.edit_own.score.0)
    );
    for (what, (_, stages)) in [
        ("cited note", &f.edit_own.cited),
        ("uncited note", &f.edit_own.uncited),
        ("one score", &f.edit_own.score),
    ] {
        println!("    {what}: {stages}");
    }
    println!(
        "  an uncited note's text edited under a real watch: on disk {} after the save",
        ms(f.edit_on_disk)
    );
    match f.hugo {
        Some((first, again)) => {
            for (what, ours, h) in [("build", f.build, first), ("build again", f.again, again)] {
                println!(
                    "  hugo {what}: {} wall, {} CPU, {:.0} MiB peak; shortlist/hugo: wall ×{:.2}, peak memory ×{:.2}",
                    ms(h.wall),
                    ms(h.cpu),
                    h.peak_mib,
                    ours.wall.as_secs_f64() / h.wall.as_secs_f64(),
                    ours.peak_mib / h.peak_mib
                );
            }
        }
        None => println!("  hugo: not on the PATH, no comparison"),
    }
}

/// A dossier whose first score is another one (1 to 5, one step up, 5 back to 1).
fn other_first_score(dossier: &str) -> String {
    let at = dossier.find("score: ").expect("a score") + "score: ".len();
    let digit = dossier.as_bytes()[at];
    let next = if digit >= b'5' { b'1' } else { digit + 1 };
    let mut edited = dossier.to_string();
    edited.replace_range(at..=at, &char::from(next).to_string());
    edited
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

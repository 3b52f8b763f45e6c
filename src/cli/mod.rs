//! The command line: one file per subcommand, each an `Args` struct and a `run()`.
//!
//! The library does the work; this layer parses arguments, prints what happened and picks the
//! exit status (0 success, 1 content errors, 2 usage errors), as the README's Commands section says.

pub mod build;
pub mod check;
pub mod init;
pub mod new;
pub mod schema;
pub mod serve;
pub mod verify;
pub mod watch;

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use shortlist::Failure;
use shortlist::diagnostic::{Diagnostic, Severity};

#[derive(Parser)]
#[command(
    name = "shortlist",
    version,
    about = "Turn vendor dossiers and notes into a ranked, evidence-backed report site"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print only problems: no summary lines, notes or progress
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print how long each stage took: read, validate, score, render, write
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
static VERBOSE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Remembers `-q` and `-v` for every command.
pub fn set_verbosity(quiet: bool, verbose: bool) {
    QUIET.store(quiet, std::sync::atomic::Ordering::Relaxed);
    VERBOSE.store(verbose, std::sync::atomic::Ordering::Relaxed);
}

/// `-q`: print problems only.
pub fn quiet() -> bool {
    QUIET.load(std::sync::atomic::Ordering::Relaxed)
}

/// `-v`: print each stage's time.
pub fn verbose() -> bool {
    VERBOSE.load(std::sync::atomic::Ordering::Relaxed)
}

/// With `-v`, how long each stage of a build took, on one line of stderr.
pub fn print_timings(built: &shortlist::Built) {
    if verbose() {
        let stages: Vec<String> = built
            .timings
            .iter()
            .map(|(stage, took)| format!("{stage} {:.1} ms", took.as_secs_f64() * 1000.0))
            .collect();
        eprintln!("took: {}", stages.join(", "));
    }
}

/// Says what went wrong with the file watcher; it watches again by itself.
pub fn watcher_trouble(problem: &str) {
    eprintln!(
        "warning: the file watcher reported a problem ({problem}); watching the project again"
    );
}

/// Opens `target` (a URL or a file) in the browser: the program `$BROWSER` names if it is set,
/// as on most Unix systems, else the desktop's default. A failure is a warning: the site is
/// there all the same.
pub fn open_in_browser(target: &str) {
    let opened = match std::env::var_os("BROWSER").filter(|b| !b.is_empty()) {
        Some(browser) => std::process::Command::new(browser)
            .arg(target)
            .stdin(std::process::Stdio::null())
            .spawn()
            .map(drop),
        None => open::that_detached(target),
    };
    if let Err(e) = opened {
        eprintln!("warning: cannot open a browser ({e}); open {target} yourself");
    }
}

/// A progress bar of the pages rendered, on a terminal, for a build that takes more than a
/// second; nothing at all when stderr is not a terminal or with `-q`. Dropping it clears it.
pub struct ProgressBar {
    pub progress: std::sync::Arc<shortlist::Progress>,
    finished: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ProgressBar {
    pub fn start() -> Self {
        let progress = std::sync::Arc::new(shortlist::Progress::default());
        let finished = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let thread = (std::io::stderr().is_terminal() && !quiet()).then(|| {
            let (progress, finished) = (progress.clone(), finished.clone());
            std::thread::spawn(move || show_progress(&progress, &finished))
        });
        ProgressBar {
            progress,
            finished,
            thread,
        }
    }
}

impl Drop for ProgressBar {
    fn drop(&mut self) {
        self.finished
            .store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn show_progress(progress: &shortlist::Progress, finished: &std::sync::atomic::AtomicBool) {
    use std::sync::atomic::Ordering::Relaxed;
    let tick = std::time::Duration::from_millis(100);
    let started = std::time::Instant::now();
    while started.elapsed() < std::time::Duration::from_secs(1) {
        if finished.load(Relaxed) {
            return;
        }
        std::thread::sleep(tick);
    }
    let bar = indicatif::ProgressBar::new(0);
    let waiting = indicatif::ProgressStyle::with_template("{spinner} {msg}")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner());
    let counting = indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} pages")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> ");
    // The phase shown last: the style changes only when the phase does.
    let mut shown = "";
    while !finished.load(Relaxed) {
        let (done, total) = (progress.done.load(Relaxed), progress.total.load(Relaxed));
        let phase = match total {
            0 => "reading and checking the files",
            _ if done < total => "rendering",
            _ => "writing the site",
        };
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        if phase != shown {
            bar.set_style(if phase == "rendering" {
                counting.clone()
            } else {
                waiting.clone()
            });
            bar.set_message(phase);
            shown = phase;
        }
        bar.tick();
        std::thread::sleep(tick);
    }
    bar.finish_and_clear();
}

#[derive(Subcommand)]
pub enum Command {
    /// Build the report site into the output folder
    Build(build::Args),
    /// Validate everything and report problems, writing nothing
    Check(check::Args),
    /// Build, then rebuild on every change under content/ and themes/
    Watch(watch::Args),
    /// Watch, and serve a live-reloading preview on http://127.0.0.1:1111/
    Serve(serve::Args),
    /// Start a report project: default criteria, an example vendor and note
    Init(init::Args),
    /// Add a vendor dossier or a note, and print its path
    New(new::Args),
    /// Print the JSON Schema of report.yaml, dossiers, note front matter or report.json
    Schema(schema::Args),
    /// Tell whether a report.json was built from the content as it is now (exit 0) or not (1)
    Verify(verify::Args),
    /// Print a shell completion script: `shortlist completions bash > ~/.local/share/bash-completion/completions/shortlist`
    ///
    /// Where each shell looks for it, for you alone (no administrator needed):
    ///   bash  ~/.local/share/bash-completion/completions/shortlist
    ///   zsh   ~/.zfunc/_shortlist (with `fpath+=~/.zfunc` before `compinit` in ~/.zshrc)
    ///   fish  ~/.config/fish/completions/shortlist.fish
    #[command(verbatim_doc_comment)]
    Completions {
        /// The shell to complete for
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `shortlist man > shortlist.1; man ./shortlist.1`
    Man,
}

/// Who a build is for, as the command line spells it.
#[derive(clap::ValueEnum, Clone, Copy)]
pub enum AudienceArg {
    /// Everything, confidential material included
    Internal,
    /// Leaves out confidential notes, `confidential: true` blocks and contacts
    Shareable,
}

impl From<AudienceArg> for shortlist::model::Audience {
    fn from(a: AudienceArg) -> Self {
        match a {
            AudienceArg::Internal => shortlist::model::Audience::Internal,
            AudienceArg::Shareable => shortlist::model::Audience::Shareable,
        }
    }
}

/// Options of every command that builds the site.
#[derive(Args, Clone)]
pub struct BuildArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Who the site is for [default: `audience` of report.yaml, or internal]
    #[arg(long, value_enum)]
    pub audience: Option<AudienceArg>,
    /// The address the site will be published at (overrides `base_url` of report.yaml)
    #[arg(short = 'u', long, value_name = "URL", value_parser = parse_base_url)]
    pub base_url: Option<String>,
    /// Poll for changes instead of relying on OS notifications (network drives, WSL, containers)
    #[arg(long)]
    pub poll: bool,
    /// The report.json of the previous round, to show what changed [default: `previous` of report.yaml]
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,
}

impl BuildArgs {
    pub fn options(&self) -> shortlist::Options {
        shortlist::Options {
            root: self.project.root.clone(),
            output: None,
            base_url: self.base_url.clone(),
            drafts: self.project.drafts,
            audience: self.audience.map(Into::into),
            bidder: None,
            previous: self.previous.clone(),
            progress: None,
            exports_unmade: false,
        }
    }
}

/// Prints the outcome of each rebuild of `watch` and `serve`; the same errors only once.
#[derive(Default)]
pub struct Printer {
    last_errors: Option<Vec<Diagnostic>>,
    /// Whether anything was printed yet: the first success is "built", later ones "rebuilt".
    printed: bool,
}

impl Printer {
    pub fn print(&mut self, result: &Result<shortlist::session::Rebuilt, Failure>) {
        let first = !std::mem::replace(&mut self.printed, true);
        match result {
            Ok(r) => {
                let fixed = self.last_errors.take().is_some();
                let s = &r.stats;
                let what = match (first, fixed) {
                    (true, _) => format!("built {}", contents(&r.built.report)),
                    (false, true) => "fixed; rebuilt".to_string(),
                    (false, false) => "rebuilt".to_string(),
                };
                print_timings(&r.built);
                if quiet() {
                    return;
                }
                let warnings = match r.built.warnings.len() {
                    0 => String::new(),
                    _ => format!("; {}", summary(&r.built.warnings)),
                };
                println!(
                    "{what} in {} ms: {} written, {} removed ({} of {} rendered, {} read){warnings}",
                    r.elapsed.as_millis(),
                    count(r.synced.written, "file", "files"),
                    r.synced.removed,
                    s.pages_rendered,
                    count(s.pages_rendered + s.pages_reused, "page", "pages"),
                    count(s.files_read, "file", "files"),
                );
            }
            Err(Failure::Content(diags)) => {
                let errors: Vec<Diagnostic> =
                    diags.iter().filter(|d| d.is_error()).cloned().collect();
                if self.last_errors.as_ref() == Some(&errors) {
                    eprintln!(
                        "error: still failing with the same {} (shown above)",
                        summary(&errors)
                    );
                } else {
                    print_diagnostics(&errors);
                    if first {
                        // Nothing was built yet in this run: there is no last good site to
                        // speak of (an output folder from before is left as it was).
                        eprintln!(
                            "error: build failed: {}; fix it and save: it builds again by itself",
                            summary(&errors)
                        );
                    } else {
                        eprintln!(
                            "error: rebuild failed: {}; the last good site stays",
                            summary(&errors)
                        );
                    }
                    self.last_errors = Some(errors);
                }
            }
            Err(Failure::Refused(m)) => eprintln!("error: {m}"),
            Err(Failure::Io(e)) => eprintln!("error: {e:#}"),
        }
        use std::io::Write;
        let _ = std::io::stdout().flush();
    }
}

/// Options shared by the commands that read a project.
#[derive(Args, Clone)]
pub struct ProjectArgs {
    /// The project folder (holding content/)
    #[arg(short, long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Include notes marked `draft: true`
    #[arg(long)]
    pub drafts: bool,
}

/// A base URL: a path from the server root (`/reports/x/`) or a full `http(s)://` address.
pub fn parse_base_url(s: &str) -> Result<String, String> {
    if shortlist::urlpath::is_base_url(s) {
        Ok(s.to_string())
    } else {
        Err("use a path such as `/reports/learning-2027/` or a full address such as `https://intranet.example/reports/`".to_string())
    }
}

/// Exit statuses, as the README gives them.
pub const EXIT_CONTENT: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

pub fn color() -> bool {
    std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
}

/// Prints diagnostics to stderr, in full (snippet and hint).
pub fn print_diagnostics(diags: &[Diagnostic]) {
    let color = color();
    for d in diags {
        eprintln!("{}\n", d.render(color));
    }
}

pub fn summary(diags: &[Diagnostic]) -> String {
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diags.len() - errors;
    let files = {
        let mut f: Vec<_> = diags
            .iter()
            .filter(|d| d.is_error())
            .map(|d| &d.file)
            .collect();
        f.sort();
        f.dedup();
        f.len()
    };
    let plural = |n: usize, w: &str| count(n, w, &format!("{w}s"));
    match (errors, warnings) {
        (0, w) => plural(w, "warning"),
        (e, 0) => format!("{} in {}", plural(e, "error"), plural(files, "file")),
        (e, w) => format!(
            "{} in {}, and {}",
            plural(e, "error"),
            plural(files, "file"),
            plural(w, "warning")
        ),
    }
}

/// `1 note`, `2 notes`, `0 notes`: a number and the word that agrees with it.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What a build made, as every command says it: `7 vendors, 8 criteria and 1 note`.
pub fn contents(report: &shortlist::model::Report) -> String {
    format!(
        "{}, {} and {}",
        count(report.vendors.len(), "vendor", "vendors"),
        count(report.criteria.len(), "criterion", "criteria"),
        count(report.notes.len(), "note", "notes")
    )
}

/// The note after a build that had warnings: how many, and where to read them.
pub fn warnings_note(warnings: &[Diagnostic]) -> Option<String> {
    (!warnings.is_empty()).then(|| {
        format!(
            "note: {} (run `shortlist check` to see {})",
            summary(warnings),
            if warnings.len() == 1 { "it" } else { "them" }
        )
    })
}

/// How a command that did not succeed ended. Commands return it; `main` reports it and picks
/// the exit status, in one place ([`exit_status`]).
#[derive(Debug)]
pub enum Exit {
    /// `.0` (build, check, serve...) failed: the diagnostics, the refusal or the error are
    /// printed by `main`.
    Failed(&'static str, Failure),
    /// The command has printed what it found (check's list of problems); exit with the status
    /// for content problems.
    Problems,
}

/// What every command returns.
pub type Outcome = Result<(), Exit>;

/// Turns a library result into a command's, naming the command for the message.
pub trait During<T> {
    fn during(self, what: &'static str) -> Result<T, Exit>;
}

impl<T, E: Into<Failure>> During<T> for Result<T, E> {
    fn during(self, what: &'static str) -> Result<T, Exit> {
        self.map_err(|e| Exit::Failed(what, e.into()))
    }
}

/// An I/O problem of the command itself (a port, a temporary folder), with what it was doing.
pub fn io_failure(what: &'static str, context: String, e: impl std::fmt::Display) -> Exit {
    Exit::Failed(what, Failure::Io(anyhow::anyhow!("{context}: {e}")))
}

/// A request shortlist refuses (exit status 2).
pub fn refused(what: &'static str, why: impl Into<String>) -> Exit {
    Exit::Failed(what, Failure::Refused(why.into()))
}

/// Prints how a command ended, if it has not said so itself, and returns the exit status.
pub fn exit_status(outcome: Outcome) -> u8 {
    match outcome {
        Ok(()) => 0,
        Err(Exit::Problems) => EXIT_CONTENT,
        Err(Exit::Failed(what, failure)) => report_failure(failure, what),
    }
}

/// Reports a failure and returns its exit status.
fn report_failure(failure: Failure, what: &str) -> u8 {
    match failure {
        Failure::Content(diags) => {
            // Warnings computed from a half-read project mislead; show them once it builds.
            let diags: Vec<Diagnostic> = diags.into_iter().filter(Diagnostic::is_error).collect();
            print_diagnostics(&diags);
            eprintln!(
                "error: {what} failed: {}; nothing was written",
                summary(&diags)
            );
            EXIT_CONTENT
        }
        Failure::Refused(message) => {
            eprintln!("error: {message}");
            EXIT_USAGE
        }
        Failure::Io(e) => {
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            EXIT_CONTENT
        }
    }
}

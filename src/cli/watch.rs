//! `shortlist watch`: build, then rebuild on every change under `content/` and `themes/`.

use shortlist::Options;
use shortlist::output::staging_dir;
use shortlist::session::Session;
use shortlist::watch::{Message, Watcher};

use super::{BuildArgs, EXIT_CONTENT, Printer, report_failure};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub build: BuildArgs,
    /// Where to write the site [default: ROOT/output]
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<std::path::PathBuf>,
}

pub fn run(args: Args) -> u8 {
    let options = Options {
        output: args.output,
        ..args.build.options()
    };
    let shown = options.output_dir();
    let root = options.root.clone();
    let mut session = match Session::new(options, shown.clone()) {
        Ok(s) => s,
        Err(f) => return report_failure(f, "watch"),
    };
    let output = session.output().clone();
    let watcher = match Watcher::new(
        &root,
        vec![output.clone(), staging_dir(&output)],
        args.build.poll,
    ) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: cannot watch the project: {e:#}");
            return EXIT_CONTENT;
        }
    };
    let stop = watcher.sender();
    let presses = std::sync::atomic::AtomicUsize::new(0);
    if let Err(e) = ctrlc::set_handler(move || {
        if presses.fetch_add(1, std::sync::atomic::Ordering::SeqCst) > 0 {
            // A second Ctrl-C, during a rebuild that does not end: every file already written
            // is whole (written beside and renamed), so stopping now loses nothing.
            std::process::exit(130);
        }
        eprintln!("stopping; a second Ctrl-C stops at once, even in the middle of a rebuild");
        let _ = stop.send(Message::Stop);
    }) {
        eprintln!(
            "warning: Ctrl-C will stop shortlist without waiting for a rebuild to finish: {e}"
        );
    }
    // Watch first, then build: a save during the first build is not lost.
    let mut printer = Printer::default();
    printer.print(&session.rebuild(&[]));
    if !super::quiet() {
        eprintln!("watching `content/` and `themes/` for changes; press Ctrl-C to stop");
    }
    match watcher.run(&mut session, |r| printer.print(r), super::watcher_trouble) {
        Ok(()) => {
            eprintln!("stopped; the site in `{}` is complete", shown.display());
            0
        }
        Err(e) => {
            eprintln!("error: the watcher stopped: {e:#}");
            EXIT_CONTENT
        }
    }
}

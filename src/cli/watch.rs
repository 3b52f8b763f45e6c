//! `shortlist watch`: build, then rebuild on every change under `content/` and `themes/`.

use shortlist::Options;
use shortlist::session::Session;
use shortlist::watch::{Message, Watcher};

use super::{BuildArgs, During, Outcome, Printer};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub build: BuildArgs,
    /// Where to write the site [default: ROOT/output]
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<std::path::PathBuf>,
}

pub fn run(args: Args) -> Outcome {
    let options = Options {
        output: args.output,
        ..args.build.options()
    };
    let shown = options.output_dir();
    let root = options.root.clone();
    let mut session = Session::new(options, shown.clone()).during("watch")?;
    let output = session.output().clone();
    // The output holds the staging folder too.
    let watcher = Watcher::new(&root, vec![output.clone()], args.build.poll)
        .map_err(|e| e.context("cannot watch the project"))
        .during("watch")?;
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
    watcher
        .run(&mut session, |r| printer.print(r), super::watcher_trouble)
        .map_err(|e| e.context("the watcher stopped"))
        .during("watch")?;
    eprintln!("stopped; the site in `{}` is complete", shown.display());
    Ok(())
}

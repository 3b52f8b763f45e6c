//! `shortlist init [DIR]`: a new report project with the default criteria and an example.

use std::path::PathBuf;

use super::{EXIT_CONTENT, EXIT_USAGE};

#[derive(clap::Args)]
pub struct Args {
    /// The folder for the new project (created if needed)
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Overwrite the files init writes if they exist (it never touches other files)
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: Args) -> u8 {
    match shortlist::scaffold::init(&args.dir, args.force) {
        Ok(Ok(paths)) => {
            for p in &paths {
                println!("{}", p.display());
            }
            let dir = args.dir.display();
            eprintln!(
                "created a report project in `{dir}`; next: `shortlist serve --root {dir}`, then edit `content/`"
            );
            0
        }
        Ok(Err(refused)) => {
            eprintln!("error: {}", refused.0);
            EXIT_USAGE
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            EXIT_CONTENT
        }
    }
}

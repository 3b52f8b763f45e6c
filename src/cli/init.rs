//! `shortlist init [DIR]`: a new report project with the default criteria and an example.

use std::path::PathBuf;

use super::{During, Outcome};

#[derive(clap::Args)]
pub struct Args {
    /// The folder for the new project (created if needed)
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Overwrite the files init writes if they exist (it never touches other files)
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: Args) -> Outcome {
    let dir = args.dir.display();
    let paths = shortlist::scaffold::init(&args.dir, args.force).during("init")?;
    for p in paths {
        println!("{}", p.display());
    }
    if !super::quiet() {
        eprintln!(
            "created a report project in `{dir}`; next: `shortlist serve --root {dir}`, then edit `content/`"
        );
    }
    Ok(())
}

//! `shortlist new vendor NAME`, `shortlist new note TITLE [--vendor SLUG] [--date DAY]` and
//! `shortlist new scores EVALUATOR`.

use std::path::PathBuf;

use clap::Subcommand;

use super::{During, Outcome};

#[derive(clap::Args)]
pub struct Args {
    /// The project folder (holding content/)
    #[arg(
        short = 'r',
        long,
        value_name = "DIR",
        default_value = ".",
        global = true
    )]
    pub root: PathBuf,
    #[command(subcommand)]
    pub what: What,
}

#[derive(Subcommand)]
pub enum What {
    /// A dossier, content/vendors/<slug>.yaml
    Vendor {
        /// The vendor's name, as the report should show it
        name: String,
    },
    /// A note, content/notes/[<vendor>/]<date>-<slug>.md
    Note {
        /// The note's title
        title: String,
        /// The slug of the vendor the note is about
        #[arg(long, value_name = "SLUG")]
        vendor: Option<String>,
        /// The day it happened, YYYY-MM-DD: the note's date and the start of its file name
        /// [default: today]
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
    },
    /// An evaluator's own scores file, content/scores/<evaluator-id>.yaml, with every vendor
    /// and criterion as a commented line
    Scores {
        /// The evaluator's id, as `evaluators` in content/report.yaml gives it
        evaluator: String,
    },
}

pub fn run(args: Args) -> Outcome {
    let path = match &args.what {
        What::Vendor { name } => shortlist::scaffold::new_vendor(&args.root, name),
        What::Note {
            title,
            vendor,
            date,
        } => shortlist::scaffold::new_note(
            &args.root,
            title,
            vendor.as_deref(),
            &date.clone().unwrap_or_else(shortlist::scaffold::today),
        ),
        What::Scores { evaluator } => {
            shortlist::scaffold::new_scores(&args.root, evaluator, &shortlist::scaffold::today())
        }
    }
    .during("new")?;
    println!("{}", path.strip_prefix(".").unwrap_or(&path).display());
    if let (What::Note { .. }, Some(slug), false) = (&args.what, path.file_stem(), super::quiet()) {
        // The one thing a new note is for: being cited by a score.
        eprintln!(
            "note: cite it in a dossier's score as `evidence: [{}]`",
            slug.to_string_lossy()
        );
    }
    Ok(())
}

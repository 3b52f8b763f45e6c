//! `shortlist build`: render the site into the output folder.

use std::path::PathBuf;
use std::time::Instant;

use shortlist::Options;

use super::{AudienceArg, ProjectArgs, report_failure, summary};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Where to write the site [default: ROOT/output]
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// The address the site will be published at (overrides `base_url` of report.yaml)
    #[arg(long, value_name = "URL", value_parser = super::parse_base_url)]
    pub base_url: Option<String>,
    /// Who the site is for [default: `audience` of report.yaml, or internal]
    #[arg(long, value_enum)]
    pub audience: Option<AudienceArg>,
}

pub fn run(args: Args) -> u8 {
    let options = Options {
        root: args.project.root.clone(),
        output: args.output,
        base_url: args.base_url,
        drafts: args.project.drafts,
        audience: args.audience.map(Into::into),
    };
    let shown = options.output_dir();
    let shown = shown
        .strip_prefix(".")
        .unwrap_or(&shown)
        .display()
        .to_string();
    let started = Instant::now();
    match shortlist::build(&options) {
        Ok(built) => {
            if !built.warnings.is_empty() {
                eprintln!(
                    "note: {} (run `shortlist check` to see them)",
                    summary(&built.warnings)
                );
            }
            let pages = built
                .files
                .iter()
                .filter(|f| f.path.ends_with(".html"))
                .count();
            println!(
                "built {} vendors, {} criteria and {} notes into `{}`: {} pages in {} ms",
                built.report.vendors.len(),
                built.report.criteria.len(),
                built.report.notes.len(),
                shown,
                pages,
                started.elapsed().as_millis()
            );
            0
        }
        Err(f) => report_failure(f, "build"),
    }
}

//! `shortlist check`: every validation `build` does, writing nothing.

use shortlist::Options;

use super::{EXIT_CONTENT, ProjectArgs, print_diagnostics, report_failure, summary};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Treat warnings (unsupported scores, incomplete coverage, uncited notes) as errors
    #[arg(long)]
    pub strict: bool,
}

pub fn run(args: Args) -> u8 {
    let options = Options {
        root: args.project.root.clone(),
        drafts: args.project.drafts,
        ..Options::default()
    };
    match shortlist::make_site(&options) {
        Ok(built) => {
            print_diagnostics(&built.warnings);
            if args.strict && !built.warnings.is_empty() {
                eprintln!(
                    "error: check failed: {} (with --strict, warnings count as errors)",
                    summary(&built.warnings)
                );
                return EXIT_CONTENT;
            }
            if built.warnings.is_empty() {
                println!(
                    "ok: {} vendors, {} criteria, {} notes, no problems",
                    built.report.vendors.len(),
                    built.report.criteria.len(),
                    built.report.notes.len()
                );
            } else {
                println!("ok: no errors; {}", summary(&built.warnings));
            }
            0
        }
        Err(f) => report_failure(f, "check"),
    }
}

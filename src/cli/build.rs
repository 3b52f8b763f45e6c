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
    /// Also pack the site into one file for the hosting team (.zip or .tar.gz)
    #[arg(long, value_name = "FILE")]
    pub archive: Option<PathBuf>,
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
    let archive = match &args.archive {
        None => None,
        Some(path) => match archive_target(&options, path) {
            Ok(format) => Some((path.clone(), format)),
            Err(message) => {
                eprintln!("error: {message}");
                return super::EXIT_USAGE;
            }
        },
    };
    let started = Instant::now();
    match shortlist::build(&options) {
        Ok(built) => {
            if !built.warnings.is_empty() {
                eprintln!(
                    "note: {} (run `shortlist check` to see them)",
                    summary(&built.warnings)
                );
            }
            if let Some((path, format)) = &archive {
                if let Err(e) = shortlist::archive::write(path, *format, &built.files) {
                    eprintln!("error: the site is built, but the archive is not: {e:#}");
                    return super::EXIT_CONTENT;
                }
                println!("packed the site into `{}`", path.display());
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

/// The archive's format, or why that path will not do.
fn archive_target(
    options: &Options,
    path: &std::path::Path,
) -> Result<shortlist::archive::Format, String> {
    let format = shortlist::archive::Format::of(path).ok_or_else(|| {
        format!(
            "`{}` is neither a .zip nor a .tar.gz file name",
            path.display()
        )
    })?;
    let abs = |p: &std::path::Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let file = abs(path);
    for (what, dir) in [
        (
            "the output folder, which every build replaces",
            options.output_dir(),
        ),
        (
            "`content/`, where it would be read as content",
            options.root.join("content"),
        ),
        ("`themes/`", options.root.join("themes")),
    ] {
        if file.starts_with(abs(&dir)) {
            return Err(format!(
                "`{}` is inside {what}; put the archive somewhere else",
                path.display()
            ));
        }
    }
    Ok(format)
}

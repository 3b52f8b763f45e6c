//! `shortlist build`: render the site into the output folder.

use std::path::PathBuf;
use std::time::Instant;

use shortlist::Options;

use super::{AudienceArg, During, Outcome, ProjectArgs};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Where to write the site [default: ROOT/output]
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// The address the site will be published at (overrides `base_url` of report.yaml)
    #[arg(short = 'u', long, value_name = "URL", value_parser = super::parse_base_url)]
    pub base_url: Option<String>,
    /// Who the site is for [default: `audience` of report.yaml, or internal]
    #[arg(long, value_enum)]
    pub audience: Option<AudienceArg>,
    /// Also pack the site into one file for the hosting team (.zip or .tar.gz)
    #[arg(long, value_name = "FILE")]
    pub archive: Option<PathBuf>,
    /// The report.json of the previous round, to show what changed [default: `previous` of report.yaml]
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,
    /// Open the built report in the browser (`$BROWSER`, else the desktop's default)
    #[arg(long)]
    pub open: bool,
}

pub fn run(args: Args) -> Outcome {
    let bar = super::ProgressBar::start();
    let options = Options {
        root: args.project.root.clone(),
        output: args.output,
        base_url: args.base_url,
        drafts: args.project.drafts,
        audience: args.audience.map(Into::into),
        previous: args.previous,
        progress: Some(bar.progress.clone()),
        exports_unmade: false,
    };
    let shown = options.output_dir();
    let shown = shown
        .strip_prefix(".")
        .unwrap_or(&shown)
        .display()
        .to_string();
    let archive = match &args.archive {
        None => None,
        Some(path) => {
            let (file, format) =
                archive_target(&options, path).map_err(|why| super::refused("build", why))?;
            Some((path.clone(), file, format))
        }
    };
    let started = Instant::now();
    let waiting = || eprintln!("waiting for another build into `{shown}` to finish");
    // A theme's template can loop for ever (nested loops over `range`); say so rather than
    // sit silent. The thread ends with the process.
    std::thread::spawn(|| {
        std::thread::sleep(std::time::Duration::from_secs(30));
        eprintln!(
            "note: still building after 30 s; if this project has its own templates, look for loops inside loops; Ctrl-C stops the build and leaves the previous site as it was"
        );
    });
    let result = shortlist::build_waiting(&options, &waiting);
    drop(bar);
    let built = result.during("build")?;
    super::print_timings(&built);
    if let (Some(note), false) = (super::warnings_note(&built.warnings), super::quiet()) {
        eprintln!("{note}");
    }
    let pages = built
        .files
        .iter()
        .filter(|f| f.path.ends_with(".html"))
        .count();
    if !super::quiet() {
        println!(
            "built {} into `{}`: {} in {} ms",
            super::contents(&built.report),
            shown,
            super::count(pages, "page", "pages"),
            started.elapsed().as_millis()
        );
    }
    if let Some((path, file, format)) = &archive {
        let site = shortlist::output::resolved(&options.output_dir());
        shortlist::archive::write(file, *format, &built.files, &site)
            .map_err(|e| e.context("the site is built, but the archive is not"))
            .during("build")?;
        if !super::quiet() {
            println!("packed the site into `{}`", path.display());
        }
    }
    if args.open {
        let index = shortlist::output::resolved(&options.output_dir()).join(shortlist::urls::HOME);
        super::open_in_browser(&index.to_string_lossy());
    }
    Ok(())
}

/// The archive's format, or why that path will not do.
fn archive_target(
    options: &Options,
    path: &std::path::Path,
) -> Result<(std::path::PathBuf, shortlist::archive::Format), String> {
    let format = shortlist::archive::Format::of(path).ok_or_else(|| {
        format!(
            "`{}` is neither a .zip nor a .tar.gz file name",
            path.display()
        )
    })?;
    // Resolved as the file system will (`..`, symlinks), so no spelling gets past the checks.
    let (file, is_link) = shortlist::output::resolved_with_link(path);
    if is_link {
        return Err(format!(
            "`{}` is a symbolic link; give the file it points to, `{}`",
            path.display(),
            file.display()
        ));
    }
    if file.is_dir() {
        return Err(format!(
            "`{}` is a folder; give a file name such as `site.zip`",
            path.display()
        ));
    }
    let output = shortlist::output::resolved(&options.output_dir());
    if file.starts_with(&output) {
        return Err(format!(
            "`{}` is inside the output folder, which every build replaces; put the archive somewhere else",
            path.display()
        ));
    }
    for (what, dir) in shortlist::output::protected(&options.root)
        .into_iter()
        .skip(1)
    {
        if file.starts_with(&dir) {
            return Err(format!(
                "`{}` is inside {what}, where it would be read as content; put the archive somewhere else",
                path.display()
            ));
        }
    }
    Ok((file, format))
}

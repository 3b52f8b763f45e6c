//! `shortlist build`: render the site into the output folder.

use std::path::PathBuf;
use std::time::Instant;

use shortlist::Options;

use super::{During, Outcome, ProjectArgs};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Where to write the site [default: ROOT/output, ROOT/output-shareable or
    /// ROOT/output-bidder-<slug>, after the audience; with `bidders`, one folder per bidder in DIR]
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// The address the site will be published at (overrides `base_url` of report.yaml)
    #[arg(short = 'u', long, value_name = "URL", value_parser = super::parse_base_url)]
    pub base_url: Option<String>,
    /// Who the site is for: internal, shareable, bidder:<slug> (that provider's debrief), or
    /// bidders (a debrief for every provider; bidders:<slug>,<slug> for some) [default:
    /// `audience` of report.yaml, or internal]
    #[arg(long, value_name = "AUDIENCE", value_parser = parse_audience)]
    pub audience: Option<BuildAudience>,
    /// Also pack the site into one file for the hosting team (.zip or .tar.gz); with
    /// `bidders`, one per bidder, named FILE with `-<slug>` before its extension
    #[arg(long, value_name = "FILE")]
    pub archive: Option<PathBuf>,
    /// The report.json of the previous round, to show what changed [default: `previous` of report.yaml]
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,
    /// Open the built report in the browser (`$BROWSER`, else the desktop's default)
    #[arg(long)]
    pub open: bool,
}

/// Who a build is for, as `--audience` spells it.
#[derive(Clone, Debug)]
pub enum BuildAudience {
    /// `internal` or `shareable`.
    One(shortlist::model::Audience),
    /// `bidder:<slug>`.
    Bidder(String),
    /// `bidders`, or `bidders:<slug>,<slug>`: every provider when the list is empty.
    Bidders(Vec<String>),
}

fn parse_audience(s: &str) -> Result<BuildAudience, String> {
    let s = s.trim();
    let slugs = |list: &str| -> Vec<String> {
        list.split(',')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect()
    };
    // A slug names a folder (`output-bidder-<slug>`): refused here, before anything is made,
    // unless it is a plain slug (no `..`, no `/`).
    let plain = |slug: &str| -> Result<(), String> {
        if shortlist::slug::is_valid(slug) {
            Ok(())
        } else {
            Err(format!(
                "`{slug}` is not a vendor's slug: a slug is the file name of its dossier without `.yaml`, in lowercase letters, digits and hyphens"
            ))
        }
    };
    match s.split_once(':') {
        Some(("bidder", slug)) if !slug.trim().is_empty() => {
            plain(slug.trim())?;
            Ok(BuildAudience::Bidder(slug.trim().to_string()))
        }
        Some(("bidders", list)) => {
            let list = slugs(list);
            list.iter().try_for_each(|s| plain(s))?;
            Ok(BuildAudience::Bidders(list))
        }
        None if s == "bidders" => Ok(BuildAudience::Bidders(Vec::new())),
        None => shortlist::model::Audience::ALL
            .iter()
            .find(|(name, _)| *name == s)
            .map(|(_, a)| BuildAudience::One(*a))
            .ok_or_else(|| audience_help(s)),
        _ => Err(audience_help(s)),
    }
}

fn audience_help(s: &str) -> String {
    format!(
        "`{s}` is not an audience: use internal, shareable, bidder:<slug> (one provider's debrief, by the file name of its dossier) or bidders"
    )
}

pub fn run(args: Args) -> Outcome {
    let (audience, bidders) = match &args.audience {
        None => (None, vec![None]),
        Some(BuildAudience::One(a)) => (Some(*a), vec![None]),
        Some(BuildAudience::Bidder(slug)) => (
            Some(shortlist::model::Audience::Bidder),
            vec![Some(slug.clone())],
        ),
        Some(BuildAudience::Bidders(list)) => {
            let list = if list.is_empty() {
                shortlist::scaffold::vendor_slugs(&args.project.root)
            } else {
                list.clone()
            };
            if list.is_empty() {
                return Err(super::refused(
                    "build",
                    "there is no dossier in `content/vendors/`, so no bidder to debrief",
                ));
            }
            let each = list.into_iter().map(Some).collect();
            (Some(shortlist::model::Audience::Bidder), each)
        }
    };
    // `bidders` names each folder and archive after its bidder even when there is one, so the
    // names do not change as bidders are added.
    let many = matches!(args.audience, Some(BuildAudience::Bidders(_)));
    // A theme's template can loop for ever (nested loops over `range`); say so rather than
    // sit silent. The thread ends with the process.
    std::thread::spawn(|| {
        std::thread::sleep(std::time::Duration::from_secs(30));
        eprintln!(
            "note: still building after 30 s; if this project has its own templates, look for loops inside loops; Ctrl-C stops the build and leaves the previous site as it was"
        );
    });
    // A debrief for each of many bidders reads the project and renders its Markdown once: what
    // differs between them is only whose debrief it is.
    let cache = if many {
        shortlist::cache::Cache::remembering()
    } else {
        shortlist::cache::Cache::default()
    };
    for (i, bidder) in bidders.into_iter().enumerate() {
        let output = match (&args.output, &bidder) {
            (Some(dir), Some(slug)) if many => Some(dir.join(slug)),
            (output, _) => output.clone(),
        };
        let archive = match (&args.archive, &bidder) {
            (Some(file), Some(slug)) if many => Some(archive_for(file, slug)),
            (archive, _) => archive.clone(),
        };
        let options = Options {
            root: args.project.root.clone(),
            output,
            base_url: args.base_url.clone(),
            drafts: args.project.drafts,
            audience,
            bidder,
            previous: args.previous.clone(),
            progress: None,
            exports_unmade: false,
        };
        build_one(
            options,
            archive.as_deref(),
            args.open && !many,
            i == 0,
            &cache,
        )?;
    }
    Ok(())
}

/// `report.zip` for the bidder `acme`: `report-acme.zip` (`.tar.gz` kept whole).
fn archive_for(file: &std::path::Path, slug: &str) -> PathBuf {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (stem, ext) = match name.strip_suffix(".tar.gz") {
        Some(stem) => (stem.to_string(), ".tar.gz".to_string()),
        None => match name.rsplit_once('.') {
            Some((stem, ext)) => (stem.to_string(), format!(".{ext}")),
            None => (name.clone(), String::new()),
        },
    };
    file.with_file_name(format!("{stem}-{slug}{ext}"))
}

/// One build, into its folder, packed into `archive` when given; `first` of a run of debriefs,
/// which share `cache`.
fn build_one(
    options: Options,
    archive: Option<&std::path::Path>,
    open: bool,
    first: bool,
    cache: &shortlist::cache::Cache,
) -> Outcome {
    let bar = super::ProgressBar::start();
    let options = Options {
        progress: Some(bar.progress.clone()),
        ..options
    };
    let shown = options.output_dir();
    let shown = shown
        .strip_prefix(".")
        .unwrap_or(&shown)
        .display()
        .to_string();
    let archive = match archive {
        None => None,
        Some(path) => {
            let (file, format) =
                archive_target(&options, path).map_err(|why| super::refused("build", why))?;
            Some((path.to_path_buf(), file, format))
        }
    };
    let started = Instant::now();
    let waiting = || eprintln!("waiting for another build into `{shown}` to finish");
    let result = shortlist::build_remembering(&options, &waiting, cache);
    drop(bar);
    let built = result.during("build")?;
    super::print_timings(&built);
    // What a debrief left out is said in full: `check` knows nothing of debriefs. The content's
    // own warnings are counted, once for a run of many debriefs.
    super::print_diagnostics(&built.left_out);
    let content_warnings: Vec<_> = built
        .warnings
        .iter()
        .filter(|w| first && !built.left_out.contains(w))
        .cloned()
        .collect();
    if let (Some(note), false) = (super::warnings_note(&content_warnings), super::quiet()) {
        eprintln!("{note}");
    }
    let pages = built
        .files
        .iter()
        .filter(|f| f.path.ends_with(".html"))
        .count();
    if !super::quiet() {
        let what = match &options.bidder {
            Some(slug) => format!("the debrief of `{slug}`"),
            None => super::contents(&built.report),
        };
        println!(
            "built {what} into `{}`: {} in {} ms",
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
    if open {
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
    if let Some(folder) = file.parent().filter(|f| !f.is_dir()) {
        return Err(format!(
            "the folder `{}` for the archive does not exist; create it first, or give a path in a folder that does",
            folder.display()
        ));
    }
    Ok((file, format))
}

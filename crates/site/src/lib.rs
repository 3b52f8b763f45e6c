//! Making and writing a shortlist site, and the pipeline that runs every stage.
//!
//! The stages below come from the crates this one depends on: [`content`] finds and reads
//! files, [`validate`] turns them into the [`model`] (collecting every [`diagnostic`]),
//! [`score`] ranks the vendors and [`sensitivity`] says what would change the ranking. Here,
//! [`render`] fills the [`theme`]'s templates with the data of [`view`] and the exports of
//! [`export`], and [`output`] commits the new site; [`build`] runs them all. A [`session`]
//! remembers between builds so that `watch` (in `shortlist-serve`) can rebuild incrementally.

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub use shortlist_analysis::{argument, changes, cost, debrief, guard, redact, score, sensitivity};
pub use shortlist_read::{
    cache, content, diagnostic, markdown, model, rules, schema, site, slug, urlpath, urls, yaml,
};
pub use shortlist_validate::validate;

pub mod archive;
pub mod disclosure;
pub mod export;
pub mod linkcheck;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod session;
pub mod theme;
pub mod view;
pub mod workbook;

use std::path::PathBuf;

use diagnostic::Diagnostic;
use model::Report;
use score::Standing;
use site::OutputFile;

/// What to build, from where, to where.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The project folder, holding `content/` and maybe `themes/`.
    pub root: PathBuf,
    /// Where the site goes; `ROOT/output` when `None`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` of report.yaml.
    pub base_url: Option<String>,
    /// Include notes marked `draft: true`.
    pub drafts: bool,
    /// Who the build is for; `report.yaml`'s `audience`, or internal, when `None`.
    pub audience: Option<model::Audience>,
    /// The bidder a debrief is for (its slug), with `audience` [`model::Audience::Bidder`].
    pub bidder: Option<String>,
    /// The report.json of the previous round; `report.yaml`'s `previous` when `None`.
    pub previous: Option<PathBuf>,
    /// Counts the pages as they are rendered, for whoever shows progress.
    pub progress: Option<std::sync::Arc<Progress>>,
    /// Make the exports' names but not their contents: for `check`, which writes nothing and
    /// checks every link of the pages (to report.json too) but nothing inside the exports.
    pub exports_unmade: bool,
}

/// How far the rendering has got: pages done out of the total, updated from every thread.
#[derive(Debug, Default)]
pub struct Progress {
    pub done: std::sync::atomic::AtomicUsize,
    pub total: std::sync::atomic::AtomicUsize,
}

impl Options {
    /// Where the site goes: `--output`, else a folder of the project named after the audience
    /// (`output`, `output-shareable`, `output-bidder-<slug>`), so that a build for one
    /// audience never replaces another's by accident.
    pub fn output_dir(&self) -> PathBuf {
        self.output.clone().unwrap_or_else(|| {
            let audience = self
                .audience
                .or_else(|| content::glance(&self.root.join("content")).audience)
                .unwrap_or_default();
            self.root.join(match (audience, &self.bidder) {
                (model::Audience::Internal, _) => "output".to_string(),
                (model::Audience::Shareable, _) => "output-shareable".to_string(),
                (model::Audience::Bidder, Some(slug)) => format!("output-bidder-{slug}"),
                (model::Audience::Bidder, None) => "output-bidder".to_string(),
            })
        })
    }
}

/// A site made in memory (and, after [`build`], written).
#[derive(Debug, Clone)]
pub struct Built {
    pub report: Report,
    pub standings: Vec<Standing>,
    /// What would change the ranking: flip points, robustness, hinges.
    pub analysis: sensitivity::Analysis,
    /// What moved since the previous round, when one is given.
    pub changes: Option<changes::Changes>,
    pub files: Vec<OutputFile>,
    /// Warnings of the run, sorted; they never fail a build.
    pub warnings: Vec<Diagnostic>,
    /// How long each stage took, in order: read, validate, score, render (and write, once
    /// [`build`] has written the site).
    pub timings: Vec<(&'static str, std::time::Duration)>,
    /// The data every page saw, as Tera holds it, for a session to render one page again.
    pub shared: render::Shared,
    /// The theme the pages were rendered with.
    pub theme: std::sync::Arc<theme::Theme>,
    /// The map Markdown links were resolved against, for rendering an edited note again.
    pub links: std::sync::Arc<validate::SiteIndex>,
    /// The digest of every content file, for a session to update one.
    pub inputs: content::digest::Inputs,
    /// The pricing figures the disclosure guard reads for, and the notes this audience does
    /// not see, for a session to guard a note it renders again.
    pub secrets: guard::Secrets,
    pub withheld_notes: std::collections::BTreeSet<String>,
    /// What the disclosure guard left out of a build that leaves the team (and the scores a
    /// debrief shows with no feedback), one warning each (they are among [`Built::warnings`]
    /// too); `build` prints them whole.
    pub left_out: Vec<Diagnostic>,
}

/// Why shortlist will not do what it was asked (write over `content/`, overwrite a file `init`
/// did not make...); the command exits with status 2 and changes nothing.
#[derive(Debug)]
pub struct Refused(pub String);

/// Why a run did not produce a site.
#[derive(Debug)]
pub enum Failure {
    /// Problems in the user's content or theme, sorted, warnings included (exit status 1).
    Content(Vec<Diagnostic>),
    /// The command asks for something we refuse to do, like an output folder over `content/` (exit 2).
    Refused(String),
    /// Anything else: a file that cannot be written, say (exit 1).
    Io(anyhow::Error),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Content(diags) => {
                let errors = diags.iter().filter(|d| d.is_error()).count();
                write!(f, "{errors} problems in the project's files")
            }
            Failure::Refused(why) => f.write_str(why),
            Failure::Io(e) => write!(f, "{e:#}"),
        }
    }
}

impl std::error::Error for Failure {}

impl From<Refused> for Failure {
    fn from(r: Refused) -> Self {
        Failure::Refused(r.0)
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Io(e)
    }
}

/// Reads, validates, scores and renders the project, all in memory; writes nothing.
pub fn make_site(options: &Options) -> Result<Built, Failure> {
    make_site_with(options, &cache::Cache::default())
}

/// [`make_site`], reusing what `cache` holds from an earlier build of the same project.
pub fn make_site_with(options: &Options, cache: &cache::Cache) -> Result<Built, Failure> {
    make_site_into(options, cache, None, None)
}

/// [`make_site_with`], writing each page and export into `staging` as soon as it is made
/// (their bodies are then [`site::Body::Written`]), so the site is never all in memory.
/// `last` is the `site` of the session's last build, whose items are reused where unchanged.
pub fn make_site_into(
    options: &Options,
    cache: &cache::Cache,
    sink: Option<&dyn site::Sink>,
    last: Option<&render::Shared>,
) -> Result<Built, Failure> {
    let root = &options.root;
    let mut timings = Vec::with_capacity(5);
    let mut clock = std::time::Instant::now();
    let mut lap = |stage: &'static str| {
        timings.push((stage, clock.elapsed()));
        clock = std::time::Instant::now();
    };
    let content_dir = root.join("content");
    let Modelled {
        report,
        secrets,
        withheld_notes,
        guarded,
        sources,
        links,
        inputs,
        limits,
        mut diags,
    } = model_for(options, cache, &mut lap)?;
    if guarded.iter().any(Diagnostic::is_error) {
        return Err(Failure::Content(diags));
    }
    let theme = theme::load(root, &report.theme);
    if let Ok(theme) = &theme
        && !theme.warnings.is_empty()
    {
        diags.extend(theme.warnings.iter().cloned());
        diagnostic::sort(&mut diags);
    }
    // Problems of a later stage are reported with the warnings found so far.
    let with_warnings = |mut problems: Vec<Diagnostic>| {
        problems.extend(diags.iter().cloned());
        Failure::Content(problems)
    };
    let theme = std::sync::Arc::new(theme.map_err(with_warnings)?);
    lap("validate");
    let standings = score::rank(&report);
    // A debrief shows none of the analysis (its thousands of draws are the whole field's).
    let analysis = match report.audience {
        model::Audience::Bidder => sensitivity::Analysis::default(),
        _ => sensitivity::analyse(&report, &standings),
    };
    let with = render::With {
        theme: &theme,
        content_dir: &content_dir,
        cache,
        progress: options.progress.as_deref(),
        sink,
        exports_unmade: options.exports_unmade,
        last,
    };
    // A bidder's build is its debrief alone; any other, the whole site.
    let (made, changes, later, left_out) = if report.audience == model::Audience::Bidder {
        let slug = options.bidder.as_deref().unwrap_or_default();
        let debrief =
            redact::for_bidder(&report, &secrets, &standings, slug).map_err(Failure::Refused)?;
        lap("score");
        let left_out = debrief_warnings(&debrief, &sources);
        if left_out.iter().any(Diagnostic::is_error) {
            return Err(with_warnings(left_out));
        }
        let made = render::debrief(&debrief, &with).map_err(with_warnings)?;
        (made, None, left_out.clone(), left_out)
    } else {
        let changes = changes_since(options, &report, &standings, limits)
            .map_err(|d| with_warnings(vec![d]))?;
        let unexplained = changes
            .as_ref()
            .map(|c| unexplained_moves(c, &sources))
            .unwrap_or_default();
        lap("score");
        let scored = render::Scored {
            report: &report,
            standings: &standings,
            analysis: &analysis,
            changes: changes.as_ref(),
        };
        let made = render::render(&scored, &with).map_err(with_warnings)?;
        (made, changes, unexplained, guarded)
    };
    lap("render");
    if !later.is_empty() {
        diags.extend(later);
        diagnostic::sort(&mut diags);
    }
    Ok(Built {
        report,
        standings,
        analysis,
        changes,
        files: made.files,
        warnings: diags,
        timings,
        shared: made.shared,
        theme,
        links,
        inputs,
        secrets,
        withheld_notes,
        left_out,
    })
}

/// The report as the build's audience may see it, and everything the stages before scoring
/// found: the first half of [`make_site_into`], and all that `check` needs to ask what a
/// build for another audience would leave out.
struct Modelled {
    report: Report,
    secrets: guard::Secrets,
    withheld_notes: std::collections::BTreeSet<String>,
    /// What the disclosure guard left out of a shareable build (among `diags` too).
    guarded: Vec<Diagnostic>,
    sources: Vec<content::Source>,
    links: std::sync::Arc<validate::SiteIndex>,
    inputs: content::digest::Inputs,
    limits: model::Limits,
    /// Every problem so far, sorted.
    diags: Vec<Diagnostic>,
}

/// Reads and validates the project, then redacts it for the audience with the disclosure
/// guard; `lap` marks the end of reading.
fn model_for(
    options: &Options,
    cache: &cache::Cache,
    lap: &mut dyn FnMut(&'static str),
) -> Result<Modelled, Failure> {
    let root = &options.root;
    let content_dir = root.join("content");
    let limits = content::limits(&content_dir);
    let (entries, mut diags) = content::walk(root, &content_dir, limits.files);
    let (sources, read_problems) = content::read_all(&entries, cache, limits.file_size_mib << 20);
    diags.extend(read_problems);
    lap("read");
    let settings = validate::Settings {
        root,
        audience: options.audience,
        cache,
        drafts: options.drafts,
        base_url: options.base_url.as_deref(),
        limits,
    };
    let (validated, validation) = validate::validate(&entries, &sources, &settings);
    diags.extend(validation);
    diagnostic::sort(&mut diags);
    let inputs = match content::digest::Inputs::of_cached(&entries, cache) {
        Ok(inputs) => inputs,
        Err(problem) => {
            diags.push(Diagnostic::error(
                std::path::Path::new("content"),
                0,
                0,
                format!("cannot read a content file to fingerprint it: {problem}"),
            ));
            content::digest::Inputs::default()
        }
    };
    let (redacted, links) = match validated {
        Some(v) if !diags.iter().any(Diagnostic::is_error) => {
            let mut report = v.report;
            report.inputs = digests_of(&inputs);
            (redact::for_audience(report), v.links)
        }
        _ => return Err(Failure::Content(diags)),
    };
    let redact::Redacted {
        report,
        withheld,
        secrets,
        withheld_notes,
    } = redacted;
    // What the guard left out of a shareable build, at the words that hold it; a text that
    // cannot be left out (a title) is an error, and stops the build.
    let guarded = disclosure::diagnostics(&withheld, &sources, "the shareable build");
    diags.extend(guarded.iter().cloned());
    diagnostic::sort(&mut diags);
    Ok(Modelled {
        report,
        secrets,
        withheld_notes,
        guarded,
        sources,
        links,
        inputs,
        limits,
        diags,
    })
}

/// What a build for `options`' audience (shareable, or a bidder's debrief) would leave out
/// of what it sends, as its warnings (errors for what cannot be left out), without rendering
/// it: for `check`, which reports them for every audience the project builds.
pub fn disclosures(options: &Options, cache: &cache::Cache) -> Result<Vec<Diagnostic>, Failure> {
    let modelled = model_for(options, cache, &mut |_| {})?;
    if modelled.report.audience != model::Audience::Bidder {
        return Ok(modelled.guarded);
    }
    let standings = score::rank(&modelled.report);
    let slug = options.bidder.as_deref().unwrap_or_default();
    let debrief = redact::for_bidder(&modelled.report, &modelled.secrets, &standings, slug)
        .map_err(Failure::Refused)?;
    Ok(debrief_warnings(&debrief, &modelled.sources))
}

/// Whether the project is written for bidders' debriefs: an award decision, or any feedback,
/// advantage or note shared with a bidder. `check` then reads every debrief too.
pub fn writes_debriefs(report: &Report) -> bool {
    report.award.is_some()
        || report.debrief_names_winner
        || report.notes.iter().any(|n| n.share_with_bidder)
        || report
            .vendors
            .iter()
            .flat_map(|v| v.scores.values())
            .any(|s| s.feedback.is_some() || s.advantage.is_some())
}

/// What the guard left out of `debrief`, and the scores it shows with no feedback.
fn debrief_warnings(debrief: &debrief::Debrief, sources: &[content::Source]) -> Vec<Diagnostic> {
    let audience = format!("the debrief for {}", debrief.bidder.name);
    let mut warnings = disclosure::diagnostics(&debrief.withheld, sources, &audience);
    warnings.extend(disclosure::missing_feedback(
        &debrief.missing_feedback,
        &debrief.bidder.slug,
        &debrief.bidder.name,
        sources,
    ));
    warnings
}

/// The digests the report records of `inputs`.
pub fn digests_of(inputs: &content::digest::Inputs) -> model::InputDigests {
    use content::digest::hex;
    model::InputDigests {
        digest: hex(&inputs.digest()),
        count: inputs.files.len(),
        files: inputs
            .files
            .iter()
            .map(|(path, d)| (path.clone(), hex(d)))
            .collect(),
    }
}

/// A warning at every score that moved since the previous round with neither a reason nor
/// evidence newer than that round.
fn unexplained_moves(changes: &changes::Changes, sources: &[content::Source]) -> Vec<Diagnostic> {
    changes
        .vendors
        .iter()
        .flat_map(|v| v.scores.iter().map(move |s| (v, s)))
        .filter(|(_, s)| s.unexplained())
        .filter_map(|(v, s)| {
            validate::score_warning(
                sources,
                &v.slug,
                &s.criterion,
                format!(
                    "the score for `{}` moved {} since the last round, with no reason given",
                    s.criterion,
                    changes::move_label(s.from, s.to)
                ),
                "say why under the score, e.g. `changed: A second reference confirmed it`, or cite the note that moved it",
            )
        })
        .collect()
}

/// What moved since the previous round (`--previous`, else report.yaml's `previous`), if one
/// is named; a round that cannot be read is an error.
fn changes_since(
    options: &Options,
    report: &Report,
    standings: &[Standing],
    limits: model::Limits,
) -> Result<Option<changes::Changes>, Diagnostic> {
    let root = &options.root;
    let previous = options
        .previous
        .clone()
        .or_else(|| report.previous.as_ref().map(|p| root.join(p)));
    let Some(path) = previous else {
        return Ok(None);
    };
    let shown = content::shown(root, &path);
    let previous = changes::load(&path, &shown, limits.file_size_mib << 20)?;
    Ok(Some(changes::compare(report, standings, &previous)))
}

/// Builds the site and swaps it into the output folder; on any failure the old output stays.
pub fn build(options: &Options) -> Result<Built, Failure> {
    build_waiting(options, &|| {})
}

/// [`build`], calling `waiting` if another build is writing into the same output folder (this
/// one then waits its turn).
pub fn build_waiting(options: &Options, waiting: &dyn Fn()) -> Result<Built, Failure> {
    build_remembering(options, waiting, &cache::Cache::default())
}

/// [`build_waiting`] with a cache kept by the caller: a run of builds of one project (a
/// debrief for each bidder) reads each file and renders each note's Markdown once. A file
/// changed on disk between two builds is read again (the cache compares its size and time).
pub fn build_remembering(
    options: &Options,
    waiting: &dyn Fn(),
    cache: &cache::Cache,
) -> Result<Built, Failure> {
    let output = output::check_target(&options.root, &options.output_dir())?;
    let lock = output::lock(&output, waiting).map_err(Failure::Io)?;
    // Checked again in turn: the folder may have changed while another build held the lock.
    output::check_target(&options.root, &output)?;
    output::check_staging(&output)?;
    // Pages are written into the staging folder as they are rendered; if the build fails,
    // the staging folder goes with `staging` and the output is as it was.
    let staging = output::Staging::begin(&lock, &output).map_err(Failure::Io)?;
    let mut built = make_site_into(options, cache, Some(&staging), None)?;
    let started = std::time::Instant::now();
    staging
        .finish(&built.files, built.report.audience)
        .map_err(Failure::Io)?;
    built.timings.push(("write", started.elapsed()));
    Ok(built)
}

//! Raw files to the validated model, collecting every problem on the way.
//!
//! `validate` parses each file (in parallel), checks each value against the content format
//! (the README, "A report project"), renders the Markdown (a link to a content file that does
//! not exist is an error), and cross-checks the files against each other: scores name real criteria and lie on the scale, evidence names real
//! notes, notes name real vendors and criteria. It never stops at the first problem; every
//! diagnostic carries a file, line and column found with `yaml::locate`. Only when there is no
//! error does it hand back a [`Report`].

mod fields;
mod resolve;
mod scores;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::content::raw::{RawNote, RawReport, RawScore, RawVendor};
use crate::content::{self, Entry, Kind, Source, split_front_matter};
use crate::diagnostic::{Diagnostic, line_col};
use crate::model::{Criterion, Note, Report, Rich, Score, Vendor};
use crate::yaml::{Seg, locate};
pub use fields::valid_date;
use fields::{choose, valid_slug};
pub use resolve::{SiteFiles, SiteIndex};

/// What validation needs to know besides the files.
pub struct Settings<'a> {
    /// The project folder, holding `content/`.
    pub root: &'a Path,
    /// The audience asked for on the command line; `report.yaml` may set a default.
    pub audience: Option<crate::model::Audience>,
    /// Parsed files and rendered Markdown kept from earlier runs.
    pub cache: &'a crate::cache::Cache,
    /// Whether notes marked `draft: true` are included.
    pub drafts: bool,
    /// Overrides report.yaml's `base_url`.
    pub base_url: Option<&'a str>,
    /// The limits report.yaml sets, read ahead of the files (see `content::limits`).
    pub limits: crate::model::Limits,
}

/// One file being checked: turns key paths into positioned diagnostics.
pub(crate) struct FileCtx<'a> {
    pub shown: &'a Path,
    /// The whole file, for snippets.
    pub text: &'a str,
    /// The YAML part (all of a dossier, the front matter of a note).
    pub yaml: &'a str,
    /// Line of the file on which `yaml` starts.
    pub first_line: usize,
    /// How many problems of this file have been placed (each search reads the whole file).
    pub placed: std::cell::Cell<usize>,
}

/// How many problems of one file are placed at their line and column and listed: finding each
/// place reads the file again, so 16,000 unknown keys in one file took 71 s. The rest are
/// counted in one problem at the end of the list ([`cap_per_file`]).
pub const LISTED_PER_FILE: usize = 100;

impl<'a> FileCtx<'a> {
    /// A YAML file read whole (a dossier, report.yaml).
    fn whole(src: &'a Source) -> Self {
        FileCtx {
            shown: &src.entry.shown,
            text: &src.text,
            yaml: &src.text,
            first_line: 1,
            placed: std::cell::Cell::new(0),
        }
    }

    /// Whether this file's problems are still placed (see [`LISTED_PER_FILE`]); counts one.
    fn placing(&self) -> bool {
        let n = self.placed.get() + 1;
        self.placed.set(n);
        n <= LISTED_PER_FILE
    }

    fn position(&self, path: &[Seg<'_>]) -> (usize, usize) {
        if !self.placing() {
            return (self.first_line, 1);
        }
        let mut path = path;
        loop {
            if let Some((l, c)) = locate(self.yaml, path) {
                return (l + self.first_line - 1, c);
            }
            match path.split_last() {
                Some((_, rest)) if !rest.is_empty() => path = rest,
                _ => return (self.first_line, 1),
            }
        }
    }

    /// An error at the node `path`, or at its nearest ancestor that exists.
    pub(crate) fn error(&self, path: &[Seg<'_>], message: impl Into<String>) -> Diagnostic {
        let (line, col) = self.position(path);
        self.with_snippet(Diagnostic::error(self.shown, line, col, message))
    }

    /// `d` with the line it points at, while this file's problems are listed.
    fn with_snippet(&self, d: Diagnostic) -> Diagnostic {
        if self.placed.get() <= LISTED_PER_FILE {
            d.attach_source(self.text)
        } else {
            d
        }
    }

    /// Where the last key of `path` is written (not its value, which may start a line below),
    /// else where [`Self::error`] would point.
    fn key_position(&self, path: &[Seg<'_>]) -> (usize, usize) {
        if self.placed.get() >= LISTED_PER_FILE {
            return self.position(path);
        }
        crate::yaml::locate_key(self.yaml, path).map_or_else(
            || self.position(path),
            |(l, c)| (l + self.first_line - 1, c),
        )
    }

    /// An error at the last key of `path`.
    pub(crate) fn error_at_key(&self, path: &[Seg<'_>], message: impl Into<String>) -> Diagnostic {
        let (line, col) = self.key_position(path);
        self.with_snippet(Diagnostic::error(self.shown, line, col, message))
    }

    pub(crate) fn warning(&self, path: &[Seg<'_>], message: impl Into<String>) -> Diagnostic {
        let (line, col) = self.position(path);
        self.with_snippet(Diagnostic::warning(self.shown, line, col, message))
    }

    /// A diagnostic at a byte offset of the whole file.
    pub(crate) fn error_at_offset(&self, offset: usize, message: impl Into<String>) -> Diagnostic {
        let (line, col) = line_col(self.text, offset);
        Diagnostic::error(self.shown, line, col, message).attach_source(self.text)
    }
}

/// Keeps the first [`LISTED_PER_FILE`] problems of each file, in the order they were found,
/// and says how many more there are in one error at the file.
fn cap_per_file(diags: &mut Vec<Diagnostic>) {
    let mut count: BTreeMap<std::path::PathBuf, usize> = BTreeMap::new();
    diags.retain(|d| {
        let n = count.entry(d.file.clone()).or_default();
        *n += 1;
        *n <= LISTED_PER_FILE
    });
    for (file, n) in count.into_iter().filter(|(_, n)| *n > LISTED_PER_FILE) {
        diags.push(
            Diagnostic::about_file(
                &file,
                format!(
                    "and {} more problems in this file, not listed",
                    n - LISTED_PER_FILE
                ),
            )
            .with_hint("mend the ones listed and check again: the rest are often the same mistake"),
        );
    }
}

/// A report that passed validation, with the map its Markdown links were resolved against
/// (kept by a session to render an edited note again against the same files).
pub struct Validated {
    /// The validated report.
    pub report: Report,
    /// The map Markdown links were resolved against.
    pub links: Arc<SiteIndex>,
}

/// The slugs of the draft notes this build leaves out.
fn drafts_left_out(
    parsed_notes: &[(&Source, Option<RawNote>)],
    settings: &Settings<'_>,
) -> BTreeSet<String> {
    parsed_notes
        .iter()
        .filter(|(_, n)| n.as_ref().is_some_and(|n| n.draft && !settings.drafts))
        .map(|(s, _)| slug_of(&s.entry))
        .collect()
}

/// The audience of this build: the command line's, else report.yaml's, else internal.
fn audience_of(
    report_file: Option<&ReportFile<'_>>,
    settings: &Settings<'_>,
    diags: &mut Vec<Diagnostic>,
) -> crate::model::Audience {
    match report_file {
        Some(file) => fields::audience(
            &FileCtx::whole(file.src),
            file.raw.audience.as_deref(),
            settings,
            diags,
        ),
        None => settings.audience.unwrap_or_default(),
    }
}

/// Checks every file and builds the report; `None` when there is any error.
pub fn validate(
    entries: &[Entry],
    sources: &[Source],
    settings: &Settings<'_>,
) -> (Option<Validated>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let content_dir = settings.root.join("content");

    let (vendor_sources, note_sources) =
        (of_kind(sources, Kind::Vendor), of_kind(sources, Kind::Note));
    // Slugs first: they decide which pages exist and what links may point at.
    check_slugs(&vendor_sources, "dossier", &mut diags);
    check_slugs(&note_sources, "note", &mut diags);
    // A scores file is named after its evaluator: `patel.yml` beside `patel.yaml` would
    // replace one evaluator's scores with the other file's.
    check_slugs(&of_kind(sources, Kind::Scores), "scores file", &mut diags);
    check_asset_sizes(entries, settings.limits, &mut diags);
    let parsed_vendors: Vec<(&Source, Option<RawVendor>)> = parse_each(
        &vendor_sources,
        |s| content::parse_yaml::<RawVendor>(&s.entry.shown, &s.text, 1, &s.text),
        settings.cache,
        &mut diags,
    );
    let parsed_notes: Vec<(&Source, Option<RawNote>)> =
        parse_each(&note_sources, parse_note, settings.cache, &mut diags);
    let parsed_scores = parse_each(
        &of_kind(sources, Kind::Scores),
        scores::parse,
        settings.cache,
        &mut diags,
    );

    let drafts = drafts_left_out(&parsed_notes, settings);
    // Which audience this build is for decides which notes links may point at, so it is
    // settled before any Markdown renders.
    let report_file = read_report(sources, settings, &content_dir, &mut diags);
    let audience = audience_of(report_file.as_ref(), settings, &mut diags);
    let withheld = withheld_notes(audience, &parsed_notes);
    let files = SiteFiles::new(entries, &drafts, withheld, settings.cache, settings.limits);
    let note_slugs: BTreeSet<String> = note_sources.iter().map(|s| slug_of(&s.entry)).collect();
    let vendor_slugs: BTreeSet<String> = vendor_sources.iter().map(|s| slug_of(&s.entry)).collect();

    let Some(file) = report_file else {
        return (None, diags);
    };
    // A report.yaml with a value that could not be read stands in for itself, so that one run
    // still checks every dossier and note: what it says of the stand-ins is not reported (its
    // own errors say what is wrong), and no report is built from it (there are errors).
    // Likewise criteria that could not be read: the report's other checks would only say
    // again that it has none.
    let criteria_known = !file.refused.any_under("criteria");
    let mut said_of_stand_ins = Vec::new();
    let report = fields::report(
        &FileCtx::whole(file.src),
        file.raw,
        audience,
        settings,
        &files,
        if file.stand_in || !criteria_known {
            &mut said_of_stand_ins
        } else {
            &mut diags
        },
    );
    // A note is made of its text, the criteria and vendors it may name and the files it may
    // link to: while they are as they were, what the last build made of it stands.
    let criteria = criteria_known.then_some(report.criteria.as_slice());
    let made_of = crate::cache::hash_of((
        criteria.map(|c| crate::cache::hash_json(&c)),
        &vendor_slugs,
        files.key(),
        crate::cache::hash_json(&settings.limits),
    ));
    let mut notes: Vec<Note> = build_each(
        &parsed_notes,
        |s, raw, d| {
            let (note, said) = settings.cache.made_of(&s.entry.path, &s.text, made_of, || {
                let mut said = Vec::new();
                let note = build_note(s, raw, criteria, &vendor_slugs, &files, &mut said);
                (note, said)
            });
            d.extend(said);
            note
        },
        &mut diags,
    );
    notes.retain(|n| settings.drafts || !n.draft);
    notes.sort_by(|a, b| (&a.date, &a.slug).cmp(&(&b.date, &b.slug)));
    let evidence = Evidence {
        notes: &note_slugs,
        drafts: &drafts,
        built: &notes,
    };
    let read_with_errors: BTreeSet<std::path::PathBuf> = diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.file.clone())
        .collect();
    // Scores are checked against the criteria whenever they could be read, and against the
    // scale whenever it could: a bad weight, title or threshold does not hide the dossiers'
    // own errors, and a criterion of the wrong shape hides only the checks of criterion names.
    let known = Known {
        vendor: None,
        read_with_errors: &read_with_errors,
        report_refused: &file.refused,
        vendors: &vendor_slugs,
        evidence: &evidence,
        files: &files,
    };
    let given = if known.scores_checkable(&report) && known.trusts("evaluators") {
        scores::gather(&parsed_scores, &report, &known, &mut diags)
    } else {
        scores::GivenScores::new()
    };
    let mut vendors: Vec<Vendor> = build_each(
        &parsed_vendors,
        |s, raw, d| build_vendor(s, raw, &report, &given, &known, d),
        &mut diags,
    );
    vendors.sort_by(|a, b| a.slug.cmp(&b.slug));

    if known.scores_checkable(&report) && !diags.iter().any(Diagnostic::is_error) {
        warn_uncited_notes(&notes, &vendors, &parsed_notes, &mut diags);
    }
    cap_per_file(&mut diags);
    if diags.iter().any(Diagnostic::is_error) {
        return (None, diags);
    }
    let report = assemble(report, vendors, notes, entries);
    let links = files.index();
    (Some(Validated { report, links }), diags)
}

/// The report whole: its vendors and notes, the evidence graded, the assets listed, and the
/// date (the newest note's, unless report.yaml gives one).
fn assemble(
    mut report: Report,
    mut vendors: Vec<Vendor>,
    notes: Vec<Note>,
    entries: &[Entry],
) -> Report {
    if report.date.is_none() {
        report.date = notes.iter().map(|n| n.date.clone()).max();
    }
    grade_evidence(&mut vendors, &notes, &report);
    report.vendors = vendors;
    report.notes = notes;
    report.assets = entries
        .iter()
        .filter(|e| e.kind == Kind::Asset)
        .map(|e| e.rel.clone())
        .collect();
    report
}

/// An error for each file of `content/assets/` larger than `limits: asset_size_mib`: assets
/// are copied as streams, but a stray disk image should not make a build copy gigabytes.
fn check_asset_sizes(entries: &[Entry], limits: crate::model::Limits, diags: &mut Vec<Diagnostic>) {
    let max = limits.asset_size_mib << 20;
    for e in entries.iter().filter(|e| e.kind == Kind::Asset) {
        let Ok(len) = std::fs::metadata(&e.path).map(|m| m.len()) else {
            continue;
        };
        if len > max {
            diags.push(
                Diagnostic::about_file(
                    &e.shown,
                    format!(
                        "this asset is {} MiB, over the limit of {} MiB",
                        len.div_ceil(1 << 20),
                        limits.asset_size_mib
                    ),
                )
                .with_hint("leave it out of `content/assets/` and link to where it is kept, or raise `limits: { asset_size_mib: N }` in report.yaml"),
            );
        }
    }
}

/// The files of one kind.
fn of_kind(sources: &[Source], kind: Kind) -> Vec<&Source> {
    sources.iter().filter(|s| s.entry.kind == kind).collect()
}

/// The notes a shareable build leaves out (the confidential ones), by path; none for the
/// evaluation team.
fn withheld_notes(
    audience: crate::model::Audience,
    parsed_notes: &[(&Source, Option<RawNote>)],
) -> BTreeSet<String> {
    match audience {
        crate::model::Audience::Internal => BTreeSet::new(),
        crate::model::Audience::Shareable | crate::model::Audience::Bidder => parsed_notes
            .iter()
            .filter(|(_, n)| n.as_ref().is_some_and(|n| n.confidential))
            .map(|(s, _)| s.entry.rel.clone())
            .collect(),
    }
}

/// Checks every file of one kind that could be read, in parallel, with `build`; keeps what
/// it makes and every problem it finds, in file order.
fn build_each<R: Sync, T: Send>(
    parsed: &[(&Source, Option<R>)],
    build: impl Fn(&Source, &R, &mut Vec<Diagnostic>) -> Option<T> + Sync,
    diags: &mut Vec<Diagnostic>,
) -> Vec<T> {
    parsed
        .par_iter()
        .filter_map(|(s, raw)| raw.as_ref().map(|raw| (s, raw)))
        .map(|(s, raw)| {
            let mut d = Vec::new();
            let made = build(s, raw, &mut d);
            (made, d)
        })
        .collect::<Vec<_>>()
        .into_iter()
        .filter_map(|(made, d)| {
            diags.extend(d);
            made
        })
        .collect()
}

/// Gives every score the grade of its best note and the age of its newest, counted to the
/// report's date. Done here, before redaction, so that they are the same for every audience.
fn grade_evidence(vendors: &mut [Vendor], notes: &[Note], report: &Report) {
    let by_slug: BTreeMap<&str, &Note> = notes.iter().map(|n| (n.slug.as_str(), n)).collect();
    let today = report.date.as_deref().and_then(crate::model::day_number);
    for score in vendors.iter_mut().flat_map(|v| v.scores.values_mut()) {
        let cited: Vec<&Note> = score
            .evidence
            .iter()
            .filter_map(|slug| by_slug.get(slug.as_str()).copied())
            .collect();
        score.grade =
            crate::rules::evidence_grade(cited.iter().map(|n| report.evidence.grade_of(n.kind)));
        let newest = cited
            .iter()
            .filter_map(|n| crate::model::day_number(&n.date))
            .max();
        score.evidence_age_days = crate::rules::evidence_age(newest, today);
    }
}

/// A warning at the score for `criterion` in the dossier of the vendor `slug`, for a stage
/// after validation that finds something to say about a score (what moved since a round).
pub fn score_warning(
    sources: &[Source],
    slug: &str,
    criterion: &str,
    message: impl Into<String>,
    hint: impl Into<String>,
) -> Option<Diagnostic> {
    let src = sources
        .iter()
        .find(|s| s.entry.kind == crate::content::Kind::Vendor && slug_of(&s.entry) == slug)?;
    let at = [Seg::Key("scores"), Seg::Key(criterion)];
    Some(FileCtx::whole(src).warning(&at, message).with_hint(hint))
}

/// The slug of a content file: its file stem.
pub fn slug_of(entry: &Entry) -> String {
    let name = entry.rel.rsplit('/').next().unwrap_or(&entry.rel);
    name.rsplit_once('.')
        .map_or(name, |(stem, _)| stem)
        .to_string()
}

fn check_slugs(sources: &[&Source], what: &str, diags: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<String, &Path> = BTreeMap::new();
    for s in sources {
        let slug = slug_of(&s.entry);
        if !valid_slug(&slug) {
            let suggestion = crate::slug::from_text(&slug);
            let ext = s.entry.rel.rsplit_once('.').map_or("", |(_, e)| e);
            diags.push(
                Diagnostic::error(&s.entry.shown, 1, 1, format!("the file name `{slug}` is not a valid slug"))
                    .with_hint(format!(
                        "a slug uses lowercase letters, digits and hyphens and starts with a letter or digit; rename the file to `{}.{ext}`",
                        if suggestion.is_empty() { "my-file".to_string() } else { suggestion }
                    ))
                    .attach_source(&s.text),
            );
        }
        if let Some(first) = seen.get(&slug) {
            diags.push(
                Diagnostic::error(
                    &s.entry.shown,
                    1,
                    1,
                    format!(
                        "this {what} has the slug `{slug}`, like `{}`",
                        first.display()
                    ),
                )
                .with_hint(
                    "slugs come from file names and must be unique; rename one of the two files",
                )
                .attach_source(&s.text),
            );
        } else {
            seen.insert(slug, &s.entry.shown);
        }
    }
}

/// report.yaml as read: its settings, or stand-ins for those that could not be read.
struct ReportFile<'s> {
    src: &'s Source,
    raw: RawReport,
    /// Whether `raw` stands in for a file with a required part that could not be read.
    stand_in: bool,
    /// Where the values that could not be read are.
    refused: content::Refused,
}

/// Finds and parses report.yaml (its fields are checked by `fields::report`).
fn read_report<'s>(
    sources: &'s [Source],
    settings: &Settings<'_>,
    content_dir: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Option<ReportFile<'s>> {
    let mut reports = sources.iter().filter(|s| s.entry.kind == Kind::Report);
    let Some(src) = reports.next() else {
        // Without a `content/` folder at all, the walk has said so: one error, not two.
        if !content_dir.is_dir() {
            return None;
        }
        let path = content_dir.join("report.yaml");
        let shown = content::shown(settings.root, &path);
        let (message, hint) = match std::fs::symlink_metadata(&path) {
            Err(_) => (
                "the report file is missing",
                "create `content/report.yaml` with a `title` and `criteria`, or run `shortlist init`",
            ),
            // A file that could not be read (not UTF-8, empty, too big) has been said so.
            Ok(m) if m.is_file() => return None,
            Ok(m) if m.is_dir() => (
                "the report file is a folder, not a file",
                "move the folder away and write `content/report.yaml` as a text file with a `title` and `criteria`",
            ),
            Ok(_) => (
                "the report file is not a plain file (a pipe, a device or a link)",
                "replace it with a text file with a `title` and `criteria`",
            ),
        };
        diags.push(Diagnostic::about_file(shown, message).with_hint(hint));
        return None;
    };
    for extra in reports {
        diags.push(
            Diagnostic::error(&extra.entry.shown, 1, 1, "there are two report files").with_hint(
                format!(
                    "keep one of `{}` and `{}`",
                    src.entry.shown.display(),
                    extra.entry.shown.display()
                ),
            ),
        );
    }
    let parsed = content::parse_yaml_leniently(&src.entry.shown, &src.text, 1, &src.text);
    diags.extend(parsed.diags);
    let (raw, stand_in) = match (parsed.value, parsed.stand_in) {
        (Some(raw), _) => (raw, false),
        (None, Some(raw)) => (raw, true),
        // Nothing could be read (broken YAML): the other files are checked against a report
        // with a title alone.
        (None, None) => (
            content::parse_yaml(&src.entry.shown, "title: report\ncriteria: []", 1, "").0?,
            true,
        ),
    };
    Some(ReportFile {
        src,
        raw,
        stand_in,
        refused: parsed.refused,
    })
}

/// Parses every file of one kind in parallel, keeping each file beside what it held (`None`
/// when a required part could not be read) and every problem found, in file order. A file
/// whose text is as the cache last saw it is not parsed again.
fn parse_each<'s, T: Clone + Send + Sync + 'static>(
    sources: &[&'s Source],
    parse: impl Fn(&Source) -> (Option<T>, Vec<Diagnostic>) + Sync,
    cache: &crate::cache::Cache,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(&'s Source, Option<T>)> {
    sources
        .par_iter()
        .map(|s| (*s, cache.made_of(&s.entry.path, &s.text, 0, || parse(s))))
        .collect::<Vec<_>>()
        .into_iter()
        .map(|(s, (value, problems))| {
            diags.extend(problems);
            (s, value)
        })
        .collect()
}

/// In a note whose front matter is not closed, the last top-level key before its text begins
/// (a line that is neither a key, an indented or list line, a comment nor blank): its line
/// number and the line as written, trailing comment and spaces taken off.
fn last_front_matter_key(text: &str) -> Option<(usize, &str)> {
    let mut last = None;
    for (i, line) in text.lines().enumerate().skip(1) {
        let trimmed = line.trim();
        let is_key = line.split_once(':').is_some_and(|(k, _)| {
            !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        });
        if is_key {
            let shown = line.split(" #").next().unwrap_or(line).trim_end();
            last = Some((i + 1, shown));
        } else if !(trimmed.is_empty()
            || trimmed.starts_with('#')
            || line.starts_with([' ', '\t'])
            || trimmed.starts_with("- "))
        {
            break;
        }
    }
    last
}

fn parse_note(s: &Source) -> (Option<RawNote>, Vec<Diagnostic>) {
    let Some(split) = split_front_matter(&s.text) else {
        let d = if s.text.lines().next().is_some_and(|l| l.trim_end() == "---") {
            let hint = match last_front_matter_key(&s.text) {
                Some((line, key)) => format!(
                    "add a line with only `---` after line {line} (`{key}`), the front matter's last key, before the note's text"
                ),
                None => "add a line with only `---` after the front matter's last key, before the note's text".into(),
            };
            Diagnostic::error(
                &s.entry.shown,
                1,
                1,
                "the front matter that starts here has no closing `---` line",
            )
            .with_hint(hint)
        } else {
            Diagnostic::error(&s.entry.shown, 1, 1, "this note has no front matter")
                .with_hint("start the file with a `---` line, then `title:` and `date:`, then another `---` line")
        };
        return (None, vec![d.attach_source(&s.text)]);
    };
    content::parse_yaml(&s.entry.shown, split.front, split.front_line, &s.text)
}

fn build_note(
    s: &Source,
    raw: &RawNote,
    criteria: Option<&[Criterion]>,
    vendor_slugs: &BTreeSet<String>,
    files: &SiteFiles<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Note> {
    let split = split_front_matter(&s.text)?;
    let ctx = FileCtx {
        shown: &s.entry.shown,
        text: &s.text,
        yaml: split.front,
        first_line: split.front_line,
        placed: std::cell::Cell::new(0),
    };
    let before = diags.len();
    let RawNote {
        title,
        date,
        vendors,
        criteria: note_criteria,
        kind,
        author,
        confidential,
        share_with_bidder,
        draft,
        tags,
    } = raw;
    fields::require_text(&ctx, "title", title, "give the note a short title", diags);
    if !valid_date(date) {
        diags.push(
            ctx.error(&[Seg::Key("date")], format!("`{date}` is not a date"))
                .with_hint("write dates as YYYY-MM-DD, for example `2026-10-14`"),
        );
    }
    let kind = match kind {
        None => crate::model::NoteKind::Internal,
        Some(k) => choose(
            &ctx,
            &[Seg::Key("kind")],
            "kind of note",
            k,
            &crate::model::NoteKind::ALL,
            diags,
        )
        .unwrap_or(crate::model::NoteKind::Internal),
    };
    check_note_names(&ctx, raw, criteria, vendor_slugs, diags);
    let rendered = note_body(&ctx, s, &split, files, diags);
    if diags[before..].iter().any(Diagnostic::is_error) {
        return None;
    }
    Some(Note {
        slug: slug_of(&s.entry),
        title: title.trim().to_string(),
        date: date.clone(),
        vendors: vendors.clone(),
        criteria: note_criteria.clone(),
        kind,
        author: author.clone(),
        confidential: *confidential,
        share_with_bidder: *share_with_bidder,
        draft: *draft,
        tags: tags.clone(),
        body: rendered.into_rich(),
        source: s.entry.rel.clone(),
    })
}

/// A note's text, what follows its front matter, rendered with its links checked.
fn note_body(
    ctx: &FileCtx<'_>,
    s: &Source,
    split: &content::Split<'_>,
    files: &SiteFiles<'_>,
    diags: &mut Vec<Diagnostic>,
) -> crate::markdown::Rendered {
    let base_dir = s.entry.rel.rsplit_once('/').map_or("", |(d, _)| d);
    let rendered = files.render(split.body, base_dir);
    let body = split.body_offset;
    check_rendered(
        ctx,
        &rendered,
        |offset| Place::Offset(body + offset),
        base_dir,
        files,
        diags,
    );
    rendered
}

/// The text of a note that a build has already validated, after an edit: what that build
/// would make of it, or every problem it would report (to leave to a whole build), checked
/// against the same files (`files` of the report that build made).
pub fn note_text_again(s: &Source, files: &SiteFiles<'_>) -> Result<Rich, Vec<Diagnostic>> {
    let Some(split) = split_front_matter(&s.text) else {
        return Err(vec![Diagnostic::about_file(
            &s.entry.shown,
            "no front matter",
        )]);
    };
    let ctx = FileCtx {
        shown: &s.entry.shown,
        text: &s.text,
        yaml: split.front,
        first_line: split.front_line,
        placed: std::cell::Cell::new(0),
    };
    let mut diags = Vec::new();
    let rendered = note_body(&ctx, s, &split, files, &mut diags);
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(rendered.into_rich())
}

/// The vendors and criteria a note names exist (its criteria only when report.yaml's could be
/// read: `criteria` is `None` otherwise).
fn check_note_names(
    ctx: &FileCtx<'_>,
    raw: &RawNote,
    criteria: Option<&[Criterion]>,
    vendor_slugs: &BTreeSet<String>,
    diags: &mut Vec<Diagnostic>,
) {
    for (i, v) in raw.vendors.iter().enumerate() {
        if !vendor_slugs.contains(v) {
            let d = ctx.error(
                &[Seg::Key("vendors"), Seg::Index(i)],
                format!("there is no vendor `{v}`"),
            );
            diags.push(d.suggest(
                v,
                vendor_slugs.iter().map(String::as_str),
                "use the file name of a dossier in `content/vendors/`, without `.yaml`",
            ));
        }
    }
    let Some(criteria) = criteria else {
        return;
    };
    for (i, c) in raw.criteria.iter().enumerate() {
        if !criteria.iter().any(|k| &k.id == c) {
            diags.push(unknown_criterion(
                ctx,
                &[Seg::Key("criteria"), Seg::Index(i)],
                c,
                criteria,
            ));
        }
    }
}

/// The error for Markdown nested past the project's limit, made by `at` where it belongs.
pub(crate) fn too_deep(
    depth: usize,
    limit: usize,
    at: impl FnOnce(String) -> Diagnostic,
) -> Option<Diagnostic> {
    (depth > limit).then(|| {
        at(format!(
            "this text nests quotes, lists or HTML elements {depth} levels deep; the limit is {limit}"
        ))
        .with_hint("each `>` at the start of a line opens a quote inside the last one; use fewer, put the text in a code block, or raise `limits: { markdown_nesting: N }` in `content/report.yaml`")
    })
}

pub(crate) fn unknown_criterion(
    ctx: &FileCtx<'_>,
    path: &[Seg<'_>],
    id: &str,
    criteria: &[Criterion],
) -> Diagnostic {
    let d = ctx.error(path, format!("there is no criterion `{id}`"));
    with_criteria_hint(d, id, criteria)
}

/// `d`, about a criterion `id` that does not exist, with a hint naming those that do.
pub(crate) fn with_criteria_hint(d: Diagnostic, id: &str, criteria: &[Criterion]) -> Diagnostic {
    let ids = || criteria.iter().map(|c| c.id.as_str());
    d.suggest(
        id,
        ids(),
        format!(
            "the criteria of `content/report.yaml` are {}",
            crate::diagnostic::listed(ids())
        ),
    )
}

/// Where in a file a piece of Markdown is: a note's body (a byte offset of the file), or the
/// value of a field of YAML (whose Markdown has no positions of its own).
#[derive(Clone, Copy)]
pub(crate) enum Place<'p> {
    Offset(usize),
    Field(&'p [Seg<'p>]),
}

impl FileCtx<'_> {
    fn error_in(&self, place: Place<'_>, message: impl Into<String>) -> Diagnostic {
        match place {
            Place::Offset(offset) => self.error_at_offset(offset, message),
            Place::Field(path) => self.error(path, message),
        }
    }
}

/// The problems of rendered Markdown: nested past the project's limit, or links to content
/// files that do not exist, to drafts this build leaves out, or outside `content/`. `at` says
/// where the Markdown starts, and where each link is from the Markdown's byte offset.
pub(crate) fn check_rendered<'p>(
    ctx: &FileCtx<'_>,
    rendered: &crate::markdown::Rendered,
    at: impl Fn(usize) -> Place<'p>,
    base_dir: &str,
    files: &SiteFiles<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    if let Some(d) = too_deep(rendered.depth, files.limits().markdown_nesting, |m| {
        ctx.error_in(at(0), m)
    }) {
        diags.push(d);
    }
    let limit = files.limits().rendered_mib;
    if rendered.html_bytes as u64 > limit << 20 {
        diags.push(
            ctx.error_in(
                at(0),
                format!(
                    "this text makes {} MiB of HTML; the limit is {limit} MiB",
                    (rendered.html_bytes as u64).div_ceil(1 << 20)
                ),
            )
            .with_hint("split it into several notes, or put a large table in `content/assets/` (as a CSV) and link to it; or raise `limits: { rendered_mib: N }` in `content/report.yaml`"),
        );
    }
    for link in rendered.links.iter().filter(|l| !l.found) {
        diags.push(broken_link(
            ctx,
            at(link.offset),
            &link.written,
            base_dir,
            files,
        ));
    }
}

fn broken_link(
    ctx: &FileCtx<'_>,
    place: Place<'_>,
    written: &str,
    base_dir: &str,
    files: &SiteFiles<'_>,
) -> Diagnostic {
    let target = crate::urlpath::normalize(
        base_dir,
        written.split(['#', '?']).next().unwrap_or(written),
    );
    match target {
        Some(t) if files.is_draft(&t) => ctx
            .error_in(
                place,
                format!("this links to `{written}`, a draft note this build leaves out"),
            )
            .with_hint(
                "publish the note (`draft: false`), remove the link, or build with `--drafts`",
            ),
        Some(_) => {
            let d = ctx.error_in(
                place,
                format!("this links to `{written}`, which does not exist"),
            );
            match files.closest(base_dir, written) {
                Some(s) => d.with_hint(format!("did you mean `{s}`?")),
                None => {
                    d.with_hint("check the file name; links are relative to this file's folder")
                }
            }
        }
        None => ctx
            .error_in(
                place,
                format!("this links to `{written}`, outside `content/`"),
            )
            .with_hint("link to files inside `content/`, or use a full `https://` address"),
    }
}

/// Which notes exist, and which of them this build leaves out as drafts.
pub(crate) struct Evidence<'a> {
    pub notes: &'a BTreeSet<String>,
    pub drafts: &'a BTreeSet<String>,
    /// The notes as built, oldest first: a hint names those about a vendor.
    pub built: &'a [Note],
}

/// What a dossier or a scores file is checked against besides the report: the vendors and
/// notes there are, and the files Markdown may link to.
#[derive(Clone, Copy)]
pub(crate) struct Known<'a> {
    /// The vendor whose scores are being checked, once there is one.
    pub vendor: Option<&'a str>,
    /// Files in which a value could not be read (the wrong shape: a score written as text):
    /// warnings that would follow from the missing value wait until it is fixed.
    pub read_with_errors: &'a BTreeSet<std::path::PathBuf>,
    /// What of report.yaml could not be read: dossiers and notes are not checked against
    /// those parts (report.yaml's own errors say why), and are against everything else.
    pub report_refused: &'a content::Refused,
    pub vendors: &'a BTreeSet<String>,
    pub evidence: &'a Evidence<'a>,
    pub files: &'a SiteFiles<'a>,
}

impl Known<'_> {
    /// Whether report.yaml's `key` could be read, so that other files can be checked against it.
    pub(crate) fn trusts(&self, key: &str) -> bool {
        !self.report_refused.any_under(key)
    }

    /// Whether scores can be checked against report.yaml: its scale (one that is not empty)
    /// and its criteria could be read.
    pub(crate) fn trusts_scale(&self, report: &Report) -> bool {
        self.trusts("scale") && report.scale.min < report.scale.max
    }

    pub(crate) fn scores_checkable(&self, report: &Report) -> bool {
        self.trusts("criteria") && self.trusts_scale(report)
    }
}

fn build_vendor(
    s: &Source,
    raw: &RawVendor,
    report: &Report,
    given: &scores::GivenScores<'_>,
    known: &Known<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vendor> {
    let ctx = FileCtx::whole(s);
    let before = diags.len();
    let criteria = &report.criteria;
    let slug = slug_of(&s.entry);
    let known = &Known {
        vendor: Some(&slug),
        ..*known
    };
    let vendor = fields::vendor(&ctx, &slug, &s.entry.rel, raw, known.files, diags);
    if let Some(p) = vendor.pricing.as_ref().filter(|_| known.trusts("contract")) {
        fields::check_pricing(&ctx, p, report.contract.as_ref(), diags);
    }
    // The dossier's scores, and those only the evaluators' own files give.
    let given = given.get(&slug);
    let only_given = given
        .into_iter()
        .flatten()
        .filter(|(id, _)| !raw.scores.contains_key(*id));
    let unwritten = RawScore::default();
    let mut scores = BTreeMap::new();
    for (id, raw_score) in raw
        .scores
        .iter()
        .chain(only_given.map(|(id, _)| (id, &unwritten)))
    {
        let from_files = given.and_then(|g| g.get(id)).map_or(&[][..], Vec::as_slice);
        if let Some(score) = fields::score(&ctx, id, raw_score, from_files, report, known, diags) {
            scores.insert(id.clone(), score);
        }
    }
    // Warnings about missing scores and evidence would contradict the errors that explain
    // why a score or its evidence could not be read; they wait until those are fixed.
    if diags[before..].iter().any(Diagnostic::is_error) {
        return None;
    }
    if known.read_with_errors.contains(&s.entry.shown) || !known.scores_checkable(report) {
        return Some(Vendor { scores, ..vendor });
    }
    // A score only the scores files give is warned about where it was written.
    let written_in_file: BTreeMap<&str, &scores::Given<'_>> = given
        .into_iter()
        .flatten()
        .filter(|(id, _)| !raw.scores.contains_key(*id))
        .filter_map(|(id, g)| Some((id.as_str(), g.first()?)))
        .collect();
    let warning = |id: &str, message: String| match written_in_file.get(id) {
        Some(g) => g.warning(message),
        None => ctx.warning(&[Seg::Key("scores"), Seg::Key(id)], message),
    };
    warn_coverage(&ctx, &vendor.name, &scores, criteria, warning, diags);
    Some(Vendor { scores, ..vendor })
}

/// Warnings about scores with no evidence (made by `warning`, where each score was written)
/// and about criteria with no score.
fn warn_coverage(
    ctx: &FileCtx<'_>,
    name: &str,
    scores: &BTreeMap<String, Score>,
    criteria: &[Criterion],
    warning: impl Fn(&str, String) -> Diagnostic,
    diags: &mut Vec<Diagnostic>,
) {
    for (id, score) in scores {
        if score.is_unsupported() {
            diags.push(
                warning(id, format!("the score for `{id}` has no evidence"))
                    .with_hint("add `evidence: [note-slug]` naming the notes that support it"),
            );
        }
    }
    let missing: Vec<&str> = criteria
        .iter()
        .filter(|c| !scores.contains_key(&c.id))
        .map(|c| c.id.as_str())
        .collect();
    if !missing.is_empty() && !criteria.is_empty() {
        diags.push(
            ctx.warning(
                &[Seg::Key("scores")],
                format!(
                    "{name} has no score for {}",
                    crate::diagnostic::listed(missing)
                ),
            )
            .with_hint("it ranks as not yet assessed, and cannot be a partner until every criterion is scored"),
        );
    }
}

fn warn_uncited_notes(
    notes: &[Note],
    vendors: &[Vendor],
    parsed: &[(&Source, Option<RawNote>)],
    diags: &mut Vec<Diagnostic>,
) {
    let cited: BTreeSet<&str> = vendors
        .iter()
        .flat_map(|v| v.scores.values())
        .flat_map(|s| s.evidence.iter().map(String::as_str))
        .collect();
    let shown: BTreeMap<String, (&PathBuf, &str)> = parsed
        .iter()
        .map(|(s, _)| (slug_of(&s.entry), (&s.entry.shown, &*s.text)))
        .collect();
    for note in notes.iter().filter(|n| !cited.contains(n.slug.as_str())) {
        if let Some((path, text)) = shown.get(&note.slug) {
            diags.push(
                Diagnostic::warning(*path, 1, 1, "no score cites this note as evidence")
                    .with_hint("add its slug to the `evidence` of the scores it supports")
                    .attach_source(text),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_unclosed_front_matter_names_its_real_last_key() {
        let note = "---\ntitle: Call\nkind: demo        # demo | interview\nauthor: A\nconfidential: false  # true keeps it out\n\nWhat they said: plenty.\n";
        assert_eq!(
            super::last_front_matter_key(note),
            Some((5, "confidential: false"))
        );
        let listed = "---\ntitle: x\nvendors:\n  - acme\n- b\nThe text.\n";
        assert_eq!(super::last_front_matter_key(listed), Some((3, "vendors:")));
        assert_eq!(super::last_front_matter_key("---\nJust text\n"), None);
    }
}

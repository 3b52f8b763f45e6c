//! Finding and reading the project's files.
//!
//! This module walks `content/` (and a theme folder) with walkdir, reads each file as UTF-8,
//! splits a note's front matter from its body and deserializes the raw types of [`raw`]. It
//! refuses what could hurt: symlinks that lead out of the folder, symlink loops, non-UTF-8,
//! empty and oversized files. It knows nothing of what the values mean; that is `validate`.

pub mod digest;
mod explain;
pub mod raw;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::cache::Cache;
use crate::diagnostic::{Diagnostic, line_col};
use crate::yaml;

/// The largest content file we read; anything bigger is almost certainly a mistake.
/// The names the report file may have, the first preferred.
const REPORT_FILES: [&str; 2] = ["report.yaml", "report.yml"];

/// The report file in `content_dir`: `report.yaml`, else `report.yml`. The one place that
/// says which names the report file may have.
pub fn report_file(content_dir: &Path) -> Option<PathBuf> {
    REPORT_FILES
        .iter()
        .map(|name| content_dir.join(name))
        .find(|p| p.is_file())
}

/// What other commands need of report.yaml before, or without, a whole validation, read
/// leniently from the one report file: a value that is missing or wrong is left at its default
/// here and reported where report.yaml is checked.
#[derive(Debug, Default)]
pub struct Glance {
    /// `limits`, as given (see [`limits`]).
    limits: serde_json::Map<String, serde_json::Value>,
    /// `audience`, when it names one.
    pub audience: Option<crate::model::Audience>,
    /// The ids of `criteria`, in order.
    pub criteria: Vec<String>,
    /// The ids and names of `evaluators`, in order.
    pub evaluators: Vec<(String, String)>,
}

/// Reads report.yaml for a [`Glance`]; an empty one when it is missing or too big. When it is
/// not valid YAML (often why a build failed), its `audience:` line is still looked for: a
/// preview must know it is shareable to keep the details of errors out of the browser.
pub fn glance(content_dir: &Path) -> Glance {
    let defaults = crate::model::Limits::default();
    let Some(text) = report_file(content_dir)
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() <= defaults.file_size_mib << 20))
        .and_then(|p| std::fs::read_to_string(p).ok())
    else {
        return Glance::default();
    };
    glance_of(&text)
}

/// A [`Glance`] at the text of report.yaml.
fn glance_of(text: &str) -> Glance {
    let audience_of = |name: &str| {
        let name = name.trim().trim_matches(['"', '\'']).to_lowercase();
        crate::model::Audience::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, a)| *a)
    };
    let Ok(value) = yaml::parse::<serde_json::Value>(text) else {
        let audience = text.lines().find_map(|l| {
            let value = l.strip_prefix("audience:")?;
            audience_of(value.split('#').next().unwrap_or_default())
        });
        return Glance {
            audience,
            ..Glance::default()
        };
    };
    let audience = value
        .get("audience")
        .and_then(serde_json::Value::as_str)
        .and_then(audience_of);
    let list = |key: &str| {
        value
            .get(key)
            .and_then(serde_json::Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
    };
    let text_of = |item: &serde_json::Value, key: &str| item.get(key)?.as_str().map(str::to_string);
    let criteria = list("criteria")
        .iter()
        .filter_map(|c| text_of(c, "id"))
        .collect();
    let evaluators = list("evaluators")
        .iter()
        .filter_map(|e| Some((text_of(e, "id")?, text_of(e, "name").unwrap_or_default())))
        .collect();
    Glance {
        limits: value
            .get("limits")
            .and_then(serde_json::Value::as_object)
            .cloned()
            .unwrap_or_default(),
        audience,
        criteria,
        evaluators,
    }
}

/// The limits report.yaml sets, read ahead of every other file (they decide how the others are
/// read). A value out of range falls back to the default here and is reported where
/// report.yaml is checked.
pub fn limits(content_dir: &Path) -> crate::model::Limits {
    let defaults = crate::model::Limits::default();
    let ceiling = crate::model::Limits::CEILING;
    let raw = glance(content_dir).limits;
    let get = |key: &str, default: u64, max: u64| {
        raw.get(key)
            .and_then(serde_json::Value::as_u64)
            .filter(|v| (1..=max).contains(v))
            .unwrap_or(default)
    };
    crate::model::Limits {
        file_size_mib: get(
            "file_size_mib",
            defaults.file_size_mib,
            ceiling.file_size_mib,
        ),
        files: get("files", defaults.files as u64, ceiling.files as u64) as usize,
        markdown_nesting: get(
            "markdown_nesting",
            defaults.markdown_nesting as u64,
            ceiling.markdown_nesting as u64,
        ) as usize,
        asset_size_mib: get(
            "asset_size_mib",
            defaults.asset_size_mib,
            ceiling.asset_size_mib,
        ),
        rendered_mib: get("rendered_mib", defaults.rendered_mib, ceiling.rendered_mib),
    }
}

/// What kind of content a file holds, from where it sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Report,
    Vendor,
    Note,
    /// One evaluator's own scores, `scores/<evaluator-id>.yaml`.
    Scores,
    Asset,
}

/// A file found under `content/`, before it is read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    pub kind: Kind,
    /// Absolute or root-joined path on disk.
    pub path: PathBuf,
    /// Path relative to the project root, as shown to the user (`content/vendors/acme.yaml`).
    pub shown: PathBuf,
    /// Path relative to `content/` with forward slashes (`vendors/acme.yaml`).
    pub rel: String,
}

/// A text file that was read, with its source kept for positions and snippets.
#[derive(Debug, Clone)]
pub struct Source {
    pub entry: Entry,
    /// Shared with a session's cache, which keeps it for the next build: a file not read again
    /// is not copied either.
    pub text: std::sync::Arc<str>,
}

/// Lists every file under `content_dir`, sorted, and the problems met on the way.
pub fn walk(root: &Path, content_dir: &Path, max_files: usize) -> (Vec<Entry>, Vec<Diagnostic>) {
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    let canonical_content = match content_dir.canonicalize() {
        Ok(p) => p,
        Err(e) => {
            problems.push(
                Diagnostic::about_file(
                    shown(root, content_dir),
                    format!("cannot read the content folder: {e}"),
                )
                .with_hint(
                    "run `shortlist init` to start a project, or pass `--root` to point at one",
                ),
            );
            return (entries, problems);
        }
    };
    let mut over_limit = false;
    let mut walker = WalkDir::new(content_dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(item) = walker.next() {
        let item = match item {
            Ok(item) => item,
            Err(e) => {
                problems.push(unreadable(root, content_dir, &e));
                continue;
            }
        };
        let path = item.path();
        let name = item.file_name().to_string_lossy();
        if item.depth() > 0 && name.starts_with('.') {
            if item.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        if let Some(problem) = link_out_of(root, &item, &canonical_content) {
            problems.push(problem);
            // One error for the link; what lies behind it is not ours to look at.
            if item.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        if !item.file_type().is_file() {
            continue;
        }
        let rel = relative(path, content_dir);
        let Some(kind) = classify(&rel) else { continue };
        // Past the limit only report.yaml is still taken: its own checks are worth having.
        if entries.len() >= max_files && kind != Kind::Report {
            if over_limit {
                continue;
            }
            over_limit = true;
            problems.push(
                Diagnostic::about_file(shown(root, content_dir), format!("`content/` holds more than {max_files} files, the limit"),)
                .with_hint("move what is not part of the report out of `content/`, or raise `limits: { files: N }` in `content/report.yaml`"),
            );
            continue;
        }
        entries.push(Entry {
            kind,
            path: path.to_path_buf(),
            shown: shown(root, path),
            rel,
        });
    }
    entries.sort();
    (entries, problems)
}

/// An error if `item` is a symlink that leads outside `content/` (resolved as
/// `canonical_content`).
fn link_out_of(
    root: &Path,
    item: &walkdir::DirEntry,
    canonical_content: &Path,
) -> Option<Diagnostic> {
    let path = item.path();
    let inside = !item.path_is_symlink()
        || path
            .canonicalize()
            .is_ok_and(|target| target.starts_with(canonical_content));
    (!inside).then(|| {
        Diagnostic::about_file(
            shown(root, path),
            "this symlink leads outside `content/`, so it is not read",
        )
        .with_hint("copy the file into `content/` instead of linking to it")
    })
}

/// A file or folder the walk could not read, or a symlink that makes a loop.
fn unreadable(root: &Path, content_dir: &Path, e: &walkdir::Error) -> Diagnostic {
    let path = e
        .path()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| content_dir.to_path_buf());
    let message = if e.loop_ancestor().is_some() {
        "this symlink makes a loop".to_string()
    } else {
        format!(
            "cannot read: {}",
            e.io_error()
                .map_or_else(|| e.to_string(), ToString::to_string)
        )
    };
    Diagnostic::about_file(shown(root, &path), message)
        .with_hint("remove the symlink or point it at a file inside `content/`")
}

/// `path` relative to `base`, with forward slashes on every system: how the site and the
/// messages name files.
pub fn relative(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Which content a path relative to `content/` is, or `None` for a file we do not use.
fn classify(rel: &str) -> Option<Kind> {
    let ext = rel.rsplit_once('.').map(|(_, e)| e);
    if REPORT_FILES.contains(&rel) {
        Some(Kind::Report)
    } else if let Some(rest) = rel.strip_prefix("vendors/") {
        (!rest.contains('/') && matches!(ext, Some("yaml" | "yml"))).then_some(Kind::Vendor)
    } else if let Some(rest) = rel.strip_prefix("scores/") {
        (!rest.contains('/') && matches!(ext, Some("yaml" | "yml"))).then_some(Kind::Scores)
    } else if rel.starts_with("notes/") {
        (ext == Some("md")).then_some(Kind::Note)
    } else if rel.starts_with("assets/") {
        Some(Kind::Asset)
    } else {
        None
    }
}

/// The path as the user should see it: relative to the project root when it is inside it.
pub fn shown(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Reads the text files among `entries` in parallel; assets are left for the writer to copy.
/// Files unchanged on disk since `cache` last saw them are not read again.
pub fn read_all(
    entries: &[Entry],
    cache: &Cache,
    max_bytes: u64,
) -> (Vec<Source>, Vec<Diagnostic>) {
    let results: Vec<Result<Source, Diagnostic>> = entries
        .par_iter()
        .filter(|e| e.kind != Kind::Asset)
        .map(|e| {
            let meta = std::fs::metadata(&e.path).map_err(|err| {
                Diagnostic::about_file(&e.shown, format!("cannot read this file: {err}"))
            })?;
            let modified = meta.modified().ok();
            let len = meta.len();
            // The limit is checked before the cache: report.yaml may have lowered it.
            if let Some(text) = cache
                .text(&e.path, modified, len)
                .filter(|_| len <= max_bytes)
            {
                return Ok(Source {
                    entry: e.clone(),
                    text,
                });
            }
            let text: std::sync::Arc<str> = read_text(e, len, max_bytes)?.into();
            cache.store_text(e.path.clone(), modified, len, &text);
            Ok(Source {
                entry: e.clone(),
                text,
            })
        })
        .collect();
    let mut sources = Vec::new();
    let mut problems = Vec::new();
    for r in results {
        match r {
            Ok(s) => sources.push(s),
            Err(d) => problems.push(d),
        }
    }
    (sources, problems)
}

/// Reads one file as UTF-8 text, refusing empty, oversized and non-UTF-8 files.
/// `size` is the file's length as its metadata gives it, so that a huge file is refused
/// before it is read.
pub fn read_text(entry: &Entry, size: u64, max_bytes: u64) -> Result<String, Diagnostic> {
    let shown = &entry.shown;
    if size > max_bytes {
        return Err(Diagnostic::about_file(shown, format!(
                "this file is {} MiB; content files may be at most {} MiB",
                size.div_ceil(1 << 20),
                max_bytes >> 20
            ),)
        .with_hint("split it into smaller notes, move large material to `content/assets/`, or raise `limits: { file_size_mib: N }` in `content/report.yaml`"));
    }
    let bytes = std::fs::read(&entry.path)
        .map_err(|e| Diagnostic::about_file(shown, format!("cannot read this file: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
        let (line, col) = line_col(&prefix, valid);
        Diagnostic::error(shown, line, col, "this file is not valid UTF-8 text").with_hint(
            "save it as UTF-8 in your editor (\"Save with encoding\" or \"Reopen with encoding\")",
        )
    })?;
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text);
    if text.trim().is_empty() {
        return Err(Diagnostic::error(shown, 1, 1, "this file is empty").with_hint(match entry.kind {
            Kind::Report => "a report needs at least `title` and `criteria`",
            Kind::Vendor => "a dossier needs at least `name:`; delete the file if the vendor is gone",
            Kind::Scores => "an evaluator's scores file lists scores by vendor, then criterion; delete it if it is not used",
            _ => "a note starts with front matter between `---` lines, with at least `title` and `date`",
        }));
    }
    Ok(text)
}

/// A note split into its front matter and its body, with the line each starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub front: &'a str,
    /// 1-based line of the first front matter line in the file.
    pub front_line: usize,
    pub body: &'a str,
    /// Byte offset of the body in the file.
    pub body_offset: usize,
}

/// Splits `---` front matter from a note's Markdown body.
pub fn split_front_matter(text: &str) -> Option<Split<'_>> {
    let first_end = text.find('\n')?;
    if text[..first_end].trim_end() != "---" {
        return None;
    }
    let front_start = first_end + 1;
    let mut offset = front_start;
    for line in text[front_start..].split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Some(Split {
                front: &text[front_start..offset],
                front_line: 2,
                body: &text[offset + line.len()..],
                body_offset: offset + line.len(),
            });
        }
        offset += line.len();
    }
    None
}

/// Parses YAML from a file into `T`, with a diagnostic for every problem: a syntax error
/// stops the file, but values of the wrong shape are each reported where they are and the
/// rest of the file is still read. The value is `None` when a required part could not be read.
pub fn parse_yaml<T: serde::de::DeserializeOwned>(
    shown: &Path,
    text: &str,
    first_line: usize,
    full_text: &str,
) -> (Option<T>, Vec<Diagnostic>) {
    let parsed = parse_yaml_leniently(shown, text, first_line, full_text);
    (parsed.value, parsed.diags)
}

/// What [`parse_yaml_leniently`] made of a file.
pub struct Lenient<T> {
    /// The value, when every required part could be read (with the bad parts left out).
    pub value: Option<T>,
    /// When `value` is `None` for want of a required part: the value with stand-ins for the
    /// parts that could not be read (see [`yaml::Checked::stand_in`]).
    pub stand_in: Option<T>,
    /// The top-level keys under which a value was refused (every key, for a syntax error).
    pub refused: Refused,
    pub diags: Vec<Diagnostic>,
}

/// Which top-level keys of a file hold a value that could not be read.
pub enum Refused {
    All,
    Keys(std::collections::BTreeSet<String>),
}

impl Refused {
    /// Whether anything under the top-level `key` was refused.
    pub fn any_under(&self, key: &str) -> bool {
        match self {
            Refused::All => true,
            Refused::Keys(keys) => keys.contains(key),
        }
    }
}

/// [`parse_yaml`], keeping what a file the others depend on (report.yaml) still says when a
/// required part of it could not be read, and where its problems lie.
pub fn parse_yaml_leniently<T: serde::de::DeserializeOwned>(
    shown: &Path,
    text: &str,
    first_line: usize,
    full_text: &str,
) -> Lenient<T> {
    let in_file = |line: usize| {
        if line == 0 {
            first_line
        } else {
            line + first_line - 1
        }
    };
    match yaml::parse_all::<T>(text) {
        Ok(checked) => {
            // One mistake can fail twice at one place (a number where a list of groups
            // belongs is also an item that is not a group): it is reported once.
            let mut places = std::collections::BTreeSet::new();
            let diags = checked
                .problems
                .iter()
                .filter(|p| places.insert((p.line, p.col)))
                .map(|p| {
                    let e = explain::shape(p);
                    let mut d = Diagnostic::error(shown, in_file(p.line), p.col.max(1), e.message)
                        .attach_source(full_text);
                    d.width = p.width.and_then(|w| u16::try_from(w).ok());
                    match e.hint {
                        Some(h) => d.with_hint(h),
                        None => d,
                    }
                })
                .collect();
            let refused = checked
                .problems
                .iter()
                .filter_map(|p| match (p.path.first(), &p.problem) {
                    (Some(yaml::Step::Key(k)), _) => Some(k.clone()),
                    (None, yaml::Problem::MissingField(k)) => Some(k.clone()),
                    _ => None,
                })
                .collect();
            Lenient {
                value: checked.value,
                stand_in: checked.stand_in,
                refused: Refused::Keys(refused),
                diags,
            }
        }
        Err(e) => {
            let explained = explain::syntax(&e.message, text, e.line);
            let (line, col) = explained.at.unwrap_or((e.line, e.col.max(1)));
            let mut d = Diagnostic::error(shown, in_file(line), col, explained.message)
                .attach_source(full_text);
            d.width = explained.width.and_then(|w| u16::try_from(w).ok());
            if let Some(h) = explained.hint {
                d = d.with_hint(h);
            }
            Lenient {
                value: None,
                stand_in: None,
                refused: Refused::All,
                diags: vec![d],
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let text = "---\ntitle: A\ndate: 2026-01-01\n---\nBody\n";
        let s = split_front_matter(text).unwrap();
        assert_eq!(s.front, "title: A\ndate: 2026-01-01\n");
        assert_eq!(s.body, "Body\n");
        assert_eq!(&text[s.body_offset..], "Body\n");
        assert!(split_front_matter("title: A\n").is_none());
        assert!(split_front_matter("---\ntitle: A\n").is_none());
    }

    #[test]
    fn classifies_paths() {
        assert_eq!(classify("report.yaml"), Some(Kind::Report));
        assert_eq!(classify("vendors/a.yml"), Some(Kind::Vendor));
        assert_eq!(classify("vendors/sub/a.yml"), None);
        assert_eq!(classify("notes/x/y.md"), Some(Kind::Note));
        assert_eq!(classify("scores/patel.yaml"), Some(Kind::Scores));
        assert_eq!(classify("scores/old/patel.yaml"), None);
        assert_eq!(classify("notes/readme.txt"), None);
        assert_eq!(classify("assets/logo.png"), Some(Kind::Asset));
    }

    #[test]
    fn unknown_field_gets_a_suggestion() {
        let (_, diags) =
            parse_yaml::<raw::RawVendor>(Path::new("a.yaml"), "name: A\nscroes: {}\n", 1, "");
        assert_eq!(diags[0].message, "unknown field `scroes`");
        assert_eq!(diags[0].hint.as_deref(), Some("did you mean `scores`?"));
        assert_eq!(
            (diags[0].line, diags[0].col, diags[0].width),
            (2, 1, Some(6))
        );
    }
}

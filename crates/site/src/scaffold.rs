//! New projects and new files: what `init` and `new` write.
//!
//! Nothing here overwrites a file unless asked to (`init --force`), and nothing is ever deleted.
//! Every file written is valid as it stands: a fresh project builds and passes
//! `check --strict`, and a new dossier or note builds at once.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

const FILES: [(&str, &str); 5] = [
    ("content/report.yaml", include_str!("scaffold/report.yaml")),
    (
        "content/vendors/example-provider.yaml",
        include_str!("scaffold/example-vendor.yaml"),
    ),
    (
        "content/notes/example-reference-call.md",
        include_str!("scaffold/example-note.md"),
    ),
    (".gitignore", include_str!("scaffold/gitignore")),
    ("README.md", include_str!("scaffold/README.md")),
];

use crate::{Failure, Refused};

/// Writes a new report project in `dir`; refuses to overwrite any file unless `force`.
pub fn init(dir: &Path, force: bool) -> std::result::Result<Vec<PathBuf>, Failure> {
    let existing: Vec<&str> = FILES
        .iter()
        .map(|(p, _)| *p)
        .filter(|p| dir.join(p).exists())
        .collect();
    if !existing.is_empty() && !force {
        return Err(Refused(format!(
            "{} already {} in `{}`; pass `--force` to overwrite {} (init never touches other files)",
            existing
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", "),
            if existing.len() == 1 {
                "exists"
            } else {
                "exist"
            },
            dir.display(),
            if existing.len() == 1 { "it" } else { "them" }
        ))
        .into());
    }
    let mut written = Vec::new();
    for (rel, text) in FILES {
        let path = dir.join(rel);
        write_new(&path, text, true)?;
        written.push(path);
    }
    Ok(written)
}

/// Refuses to write into a folder that is not a project: one without a report file.
fn require_project(root: &Path) -> std::result::Result<(), Refused> {
    if crate::content::report_file(&root.join("content")).is_some() {
        return Ok(());
    }
    let shown = if root == Path::new(".") {
        "this folder".to_string()
    } else {
        format!("`{}`", root.display())
    };
    Err(Refused(format!(
        "{shown} is not a shortlist project (it has no `content/report.yaml`); run `shortlist init` there first, or pass the project folder with `--root`"
    )))
}

/// Why a name gives no file name, and what to do.
fn no_slug(what: &str, name: &str) -> Refused {
    Refused(format!(
        "the {what} `{name}` has no letter or digit that can be written in a file name; add one in Latin letters, as in `{name} Ltd`"
    ))
}

/// Writes `content/vendors/<slug>.yaml` for a vendor called `name`; returns its path.
pub fn new_vendor(root: &Path, name: &str) -> std::result::Result<PathBuf, Failure> {
    require_project(root)?;
    let slug = crate::slug::from_text(name);
    if slug.is_empty() {
        return Err(no_slug("name", name).into());
    }
    let path = root.join("content/vendors").join(format!("{slug}.yaml"));
    if exists(&path) || vendor_slugs(root).contains(&slug) {
        return Err(Refused(format!(
            "a dossier with the file name `{slug}` already exists in `{}`; pick another name or edit that file",
            crate::content::shown(root, &root.join("content/vendors")).display()
        ))
        .into());
    }
    write_new(&path, &vendor_text(name, &criteria_ids(root)), false)?;
    Ok(path)
}

/// A new dossier: every list and group empty, written so that lines can be added under each
/// key as they are (no `[]` or `{}` to remove first), and one commented score per criterion.
fn vendor_text(name: &str, criteria: &[String]) -> String {
    let mut text = format!(
        "name: {}\nstatus: longlisted           # longlisted | shortlisted | finalist | selected | rejected\nwebsite:\nheadquarters:\nsummary: |\n  What this provider does, in two or three sentences.\nservices:                   # one per line, each starting with `- `\nscores:\n",
        yaml_string(name)
    );
    if criteria.is_empty() {
        text.push_str("  # criterion-id: { score: 4, rationale: \"Why, in a sentence\", evidence: [note-slug] }\n");
    } else {
        text.push_str(
            "  # Score each criterion and cite the notes behind the score: take off the `# `.\n",
        );
        for id in criteria {
            text.push_str(&format!(
                "  # {id}: {{ score: 3, rationale: \"Why, in a sentence\", evidence: [note-slug] }}\n"
            ));
        }
    }
    text.push_str("strengths:\nconcerns:\nrisks:\ncontacts:\n");
    text
}

/// Writes `content/notes/[<vendor>/]<date>-<slug>.md`; returns its path.
pub fn new_note(
    root: &Path,
    title: &str,
    vendor: Option<&str>,
    today: &str,
) -> std::result::Result<PathBuf, Failure> {
    require_project(root)?;
    let slug = crate::slug::from_text(title);
    if slug.is_empty() {
        return Err(no_slug("title", title).into());
    }
    if !crate::validate::valid_date(today) {
        return Err(Refused(format!(
            "`{today}` is not a date; write it as YYYY-MM-DD, for example `--date 2026-10-06`"
        ))
        .into());
    }
    let mut dir = root.join("content/notes");
    if let Some(v) = vendor {
        let dossiers = vendor_slugs(root);
        if !dossiers.iter().any(|d| d == v) {
            let hint = crate::diagnostic::suggestion(v, dossiers.iter().map(String::as_str))
                .unwrap_or_else(|| "`--vendor` takes the file name of a dossier in `content/vendors/`, without `.yaml`".into());
            return Err(Refused(format!("there is no vendor `{v}`; {hint}")).into());
        }
        dir = dir.join(v);
    }
    let path = dir.join(format!("{today}-{slug}.md"));
    if exists(&path) {
        return Err(Refused(format!(
            "`{}` already exists; edit it, or pick another title",
            crate::content::shown(root, &path).display()
        ))
        .into());
    }
    let vendors = vendor.map_or_else(String::new, |v| format!("vendors: [{v}]\n"));
    let text = format!(
        "---\ntitle: {}\ndate: {today}\n{vendors}criteria: []\nkind: internal             # reference-call | demo | interview | site-visit | rfp-response | internal\nauthor:\nconfidential: false\n---\nWhat happened, what you learned, and what it means for the scores.\n",
        yaml_string(title)
    );
    write_new(&path, &text, false)?;
    Ok(path)
}

/// Writes `content/scores/<evaluator>.yaml`, the evaluator's own scores file, with one
/// commented line per vendor and criterion; returns its path.
pub fn new_scores(
    root: &Path,
    evaluator: &str,
    today: &str,
) -> std::result::Result<PathBuf, Failure> {
    require_project(root)?;
    let glance = crate::content::glance(&root.join("content"));
    let Some((_, name)) = glance.evaluators.iter().find(|(id, _)| id == evaluator) else {
        let ids = glance.evaluators.iter().map(|(id, _)| id.as_str());
        let hint = crate::diagnostic::suggestion(evaluator, ids.clone()).unwrap_or_else(|| {
            if glance.evaluators.is_empty() {
                "list the panel under `evaluators` in `content/report.yaml` first (`id`, `name`, `role`)".into()
            } else {
                format!("the evaluators of `content/report.yaml` are {}", crate::diagnostic::listed(ids))
            }
        });
        return Err(Refused(format!("there is no evaluator `{evaluator}`; {hint}")).into());
    };
    let dir = root.join("content/scores");
    let path = dir.join(format!("{evaluator}.yaml"));
    if exists(&path) || exists(&dir.join(format!("{evaluator}.yml"))) {
        return Err(Refused(format!(
            "`{}` already exists; {name}'s scores go on in that file",
            crate::content::shown(root, &path).display()
        ))
        .into());
    }
    let text = scores_text(
        evaluator,
        name,
        &vendor_slugs(root),
        &glance.criteria,
        today,
    );
    write_new(&path, &text, false)?;
    Ok(path)
}

/// A new scores file: what it is for, then each vendor with one commented score per criterion.
fn scores_text(
    evaluator: &str,
    name: &str,
    vendors: &[String],
    criteria: &[String],
    today: &str,
) -> String {
    let mut text = format!(
        "# {name}'s own scores (evaluator `{evaluator}`), by vendor, then criterion.\n\
         # Score each one by taking off its `# ` and writing your score, why, and the notes behind it.\n\
         # Each score joins the panel's for that vendor and criterion (as `by:` in a dossier does):\n\
         # the agreed `score` in the dossier counts when there is one, else the panel's mean.\n\
         # Do not give the same score here and in a dossier's `by:` as well.\n"
    );
    if vendors.is_empty() {
        text.push_str("# vendor-slug:\n#   criterion-id: { score: 3, rationale: Why, evidence: [note-slug] }\n");
    }
    for vendor in vendors {
        text.push_str(&format!("{vendor}:\n"));
        for id in criteria {
            text.push_str(&format!(
                "  # {id}: {{ score: 3, rationale: Why, evidence: [note-slug], date: {today} }}\n"
            ));
        }
    }
    text
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// A string as a double-quoted YAML scalar (JSON strings are valid YAML).
fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// The slugs of the dossiers in `root`'s `content/vendors/`, sorted.
pub fn vendor_slugs(root: &Path) -> Vec<String> {
    let mut slugs: Vec<String> = std::fs::read_dir(root.join("content/vendors"))
        .map(|dir| {
            dir.filter_map(Result::ok)
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.strip_suffix(".yaml")
                        .or_else(|| name.strip_suffix(".yml"))
                        .map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default();
    slugs.sort();
    slugs
}

fn criteria_ids(root: &Path) -> Vec<String> {
    crate::content::glance(&root.join("content")).criteria
}

/// Whether anything is at `path`, a dangling symlink included.
fn exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// Writes a new file; never through a symlink, and over an existing file only if `overwrite`.
fn write_new(path: &Path, text: &str, overwrite: bool) -> Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("failed to create `{}`", dir.display()))?;
    }
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        bail!(
            "`{}` is a symbolic link; remove it first, shortlist does not write through links",
            path.display()
        );
    }
    // `create_new` fails on anything already there, a dangling symlink too, even one made
    // after the check above.
    let file = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .create(overwrite)
        .create_new(!overwrite)
        .open(path);
    file.and_then(|mut f| f.write_all(text.as_bytes()))
        .with_context(|| format!("failed to write `{}`", path.display()))
}

#[cfg(test)]
mod tests {
    /// The lines of a template (comment markers taken off, so the commented examples count)
    /// whose prose is not quoted where a user's comma would break it: a block value with a
    /// comma, or any text with a space inside `{ }` or `[ ]`.
    fn unquoted_prose(template: &str) -> Vec<String> {
        let mut found = Vec::new();
        for line in template.lines() {
            let line = line.trim_start().trim_start_matches("# ");
            let line = line.split("  #").next().unwrap_or_default().trim_end();
            let Some((key, value)) = line.trim_start_matches("- ").split_once(": ") else {
                continue;
            };
            if !crate::slug::is_valid(key) {
                continue; // a comment in words, not a commented-out line
            }
            let value = value.trim();
            if value.starts_with(['{', '[']) {
                let inner = &value[1..value.len().saturating_sub(1)];
                // Split at commas outside quotes.
                let mut quoted = false;
                let mut items = vec![String::new()];
                for c in inner.chars() {
                    match c {
                        '"' => quoted = !quoted,
                        ',' if !quoted => items.push(String::new()),
                        _ => {}
                    }
                    if c != ',' || quoted {
                        items.last_mut().unwrap().push(c);
                    }
                }
                for item in items {
                    let item = item.trim();
                    let text = item.split_once(": ").map_or(item, |(_, v)| v).trim();
                    if text.contains(' ') && !text.starts_with(['"', '[', '{']) {
                        found.push(format!("{line} ({text})"));
                    }
                }
            } else if value.contains(',') && !value.starts_with(['"', '|']) {
                found.push(line.to_string());
            }
        }
        found
    }

    #[test]
    fn init_and_new_templates_quote_prose_that_a_comma_would_break() {
        let vendor = super::vendor_text("Acme", &["track-record".to_string()]);
        let bare = super::vendor_text("Acme", &[]);
        for (name, text) in super::FILES.iter().map(|(n, t)| (*n, *t)).chain([
            ("new vendor", vendor.as_str()),
            ("new vendor, no criteria", bare.as_str()),
        ]) {
            let found = unquoted_prose(text);
            assert!(found.is_empty(), "{name}: {found:#?}");
        }
        // The check itself finds both kinds.
        assert_eq!(
            unquoted_prose("question: Fast, cheap?\nrisks: [{ title: Late, then over }]\n").len(),
            2
        );
    }

    use super::*;

    #[test]
    fn dates_come_out_right() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(20_785), (2026, 11, 28));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}

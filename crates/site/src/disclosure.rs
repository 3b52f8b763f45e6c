//! What the disclosure guard left out of a build that leaves the team, said as warnings at the
//! file, line and column of the words that hold it (errors for a text that cannot be left
//! out, such as the title). The guard itself is `shortlist_analysis::guard`; this module only
//! finds where each finding was written.

use std::path::Path;

use crate::content::Source;
use crate::debrief::{Reason, Withheld};
use crate::diagnostic::{Diagnostic, line_col};
use crate::yaml::Seg;

/// A diagnostic for each of `withheld`, left out of `audience` ("the shareable build", "the
/// debrief for Kestrel Lane Associates").
pub fn diagnostics(withheld: &[Withheld], sources: &[Source], audience: &str) -> Vec<Diagnostic> {
    withheld
        .iter()
        .map(|w| diagnostic(w, sources, audience))
        .collect()
}

fn diagnostic(w: &Withheld, sources: &[Source], audience: &str) -> Diagnostic {
    let (said, hint) = match &w.reason {
        Reason::Names { name } => (
            format!("names {name}"),
            format!(
                "a debrief shows nothing of another provider; write it without naming {name} to show it"
            ),
        ),
        Reason::Quotes {
            name,
            label,
            confidential,
            source,
            field,
        } => {
            let at = figure_place(sources, source, field);
            let whose = possessive(name);
            let said = if *confidential {
                format!("quotes {whose} confidential {label} ({at})")
            } else {
                format!("quotes {whose} {label} ({at}), another bidder's figure")
            };
            (
                said,
                "write it without the figure (a reader can rebuild it from a rounded or spelt-out amount too), or mark the note `confidential: true`".to_string(),
            )
        }
        Reason::Compares { phrase } => (
            format!("compares the bid with the others (\"{phrase}\")"),
            "say how the tender met each criterion, not where its price lies among the others"
                .to_string(),
        ),
        Reason::NotShared => (
            "is the team's own (kind `internal`) and is never shown to a bidder".to_string(),
            "take `share_with_bidder` off it, or write a note of another kind for the bidder"
                .to_string(),
        ),
    };
    let message = if w.blocking {
        format!("{} {said}, and cannot be left out of {audience}", w.what)
    } else if matches!(w.reason, Reason::Names { .. }) {
        format!("{} {said}, so {audience} leaves it out", w.what)
    } else {
        format!("{} {said}; left out of {audience}", w.what)
    };
    let shown = Path::new("content").join(&w.source);
    let source = sources.iter().find(|s| s.entry.rel == w.source);
    let (line, col) = source.map_or((0, 0), |s| place(s, &w.field, &w.quote));
    let d = if w.blocking {
        Diagnostic::error(&shown, line, col, message)
    } else {
        Diagnostic::warning(&shown, line, col, message)
    };
    let d = d.with_hint(hint);
    match source {
        Some(s) if line > 0 => d.attach_source(&s.text),
        _ => d,
    }
}

/// "Atlas Business Services'", "Brightpath Learning's".
fn possessive(name: &str) -> String {
    if name.ends_with('s') {
        format!("{name}'")
    } else {
        format!("{name}'s")
    }
}

/// `content/vendors/x.yaml:14`: where a pricing figure is written.
fn figure_place(sources: &[Source], rel: &str, field: &str) -> String {
    let shown = format!("content/{rel}");
    let Some(s) = sources.iter().find(|s| s.entry.rel == rel) else {
        return shown;
    };
    let path: Vec<Seg<'_>> = if field == "pricing" {
        vec![Seg::Key("pricing")]
    } else {
        vec![Seg::Key("pricing"), Seg::Key(field)]
    };
    match crate::yaml::locate(&s.text, &path) {
        Some((line, _)) => format!("{shown}:{line}"),
        None => shown,
    }
}

/// The line and column of `quote` in `source`: at the field the keys `field` lead to (when
/// the quote is on it or the lines after it), else its first occurrence in the file, else the
/// field, else line 1.
fn place(source: &Source, field: &[String], quote: &str) -> (usize, usize) {
    let text = &source.text;
    let segs: Vec<Seg<'_>> = field
        .iter()
        .map(|k| match k.parse::<usize>() {
            Ok(i) => Seg::Index(i),
            Err(_) => Seg::Key(k.as_str()),
        })
        .collect();
    let is_yaml = !source.entry.rel.ends_with(".md");
    let node = (is_yaml && !segs.is_empty())
        .then(|| crate::yaml::locate(text, &segs))
        .flatten();
    let from = node.map_or(0, |(line, _)| offset_of_line(text, line));
    let find = |needle: &str, from: usize| {
        (!needle.is_empty())
            .then(|| text[from..].find(needle).map(|at| from + at))
            .flatten()
    };
    // The quote as written; else, where markup stands inside it (`£4<span>10</span>`), the
    // longest start of its first word that is written, looked for in a note's text.
    let body = if is_yaml { from } else { body_start(text) };
    let first_word = quote
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or_default();
    let starts = (1..=first_word.chars().count())
        .rev()
        .map(|n| first_word.chars().take(n).collect::<String>());
    let at = find(quote, from).or_else(|| starts.into_iter().find_map(|s| find(&s, body)));
    match at {
        Some(at) => line_col(text, at),
        None => node.unwrap_or((1, 1)),
    }
}

/// Where a note's text starts: after the line that closes its front matter.
fn body_start(text: &str) -> usize {
    if !text.starts_with("---") {
        return 0;
    }
    text[3..]
        .find("\n---")
        .and_then(|i| text[3 + i + 4..].find('\n').map(|j| 3 + i + 4 + j + 1))
        .unwrap_or(0)
}

/// The byte offset at which 1-based `line` starts.
fn offset_of_line(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n')
        .nth(line - 2)
        .map_or(text.len(), |(i, _)| i + 1)
}

/// A warning at each score of `bidder` (a slug) that has no feedback written for it, so that
/// its debrief says none was written.
pub fn missing_feedback(
    criteria: &[String],
    bidder: &str,
    name: &str,
    sources: &[Source],
) -> Vec<Diagnostic> {
    criteria
        .iter()
        .filter_map(|c| {
            crate::validate::score_warning(
                sources,
                bidder,
                c,
                format!("the score for `{c}` has no `feedback:`, so the debrief for {name} says no feedback was written on it"),
                "write what the bidder should hear under the score, e.g. `feedback: Two verified programmes; we missed outcome data`",
            )
        })
        .collect()
}

//! Evaluators' own scores files: `content/scores/<evaluator-id>.yaml`.
//!
//! Each member of the panel may score in a file of their own (no edit conflicts in the
//! dossiers, no need to see the others' scores). This module checks each file against the
//! report (a known evaluator, known vendors and criteria, values on the scale, evidence that
//! exists, real dates) and hands back the scores it holds, by vendor and criterion, for
//! `fields::score` to merge with the dossier's `by:` under the same rules.

use std::collections::BTreeMap;

use crate::content::Source;
use crate::content::raw::{RawGiven, RawScoresFile};
use crate::diagnostic::Diagnostic;
use crate::model::{IndividualScore, Report};
use crate::yaml::Seg;

use super::fields::{check_on_scale, cited_notes, optional_date, rich};
use super::{FileCtx, Known, slug_of};

/// One evaluator's score for one vendor on one criterion, from their file.
#[derive(Debug)]
pub(crate) struct Given<'s> {
    /// The evaluator's id (the file's name).
    pub evaluator: String,
    pub score: f64,
    /// What they wrote beside it.
    pub detail: IndividualScore,
    /// The file it was written in, and where.
    src: &'s Source,
    line: usize,
    col: usize,
}

impl Given<'_> {
    /// The file it was written in, as the user sees it: `content/scores/patel.yaml`.
    pub(super) fn file(&self) -> String {
        self.src.entry.shown.display().to_string()
    }

    /// Where it was written, for a message about it: `content/scores/patel.yaml, line 4`.
    pub(super) fn at(&self) -> String {
        format!("{}, line {}", self.file(), self.line)
    }

    /// A warning about this score, at it.
    pub(super) fn warning(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(&self.src.entry.shown, self.line, self.col, message)
            .attach_source(&self.src.text)
    }
}

/// Every score of the scores files, by vendor slug, then criterion id.
pub(crate) type GivenScores<'s> = BTreeMap<String, BTreeMap<String, Vec<Given<'s>>>>;

/// Reads a scores file; one that holds only comments (as `shortlist new scores` writes it) is
/// an empty one.
pub(super) fn parse(s: &Source) -> (Option<RawScoresFile>, Vec<Diagnostic>) {
    let blank = s
        .text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
    if blank {
        return (Some(RawScoresFile::default()), Vec::new());
    }
    crate::content::parse_yaml(&s.entry.shown, &s.text, 1, &s.text)
}

/// Checks every scores file and gathers the scores they hold; a file for an evaluator the
/// report does not list is an error, and none of its scores count.
pub(super) fn gather<'s>(
    parsed: &[(&'s Source, Option<RawScoresFile>)],
    report: &Report,
    known: &Known<'_>,
    diags: &mut Vec<Diagnostic>,
) -> GivenScores<'s> {
    let mut all = GivenScores::new();
    for (src, raw) in parsed {
        let Some(raw) = raw else { continue };
        let ctx = FileCtx::whole(src);
        let evaluator = slug_of(&src.entry);
        if !report.evaluators.iter().any(|e| e.id == evaluator) {
            let d = Diagnostic::error(
                &src.entry.shown,
                1,
                1,
                format!("this scores file is for `{evaluator}`, who is not an evaluator"),
            );
            diags.push(
                super::fields::no_such_evaluator(d, &evaluator, report).attach_source(&src.text),
            );
            continue;
        }
        for (vendor, scores) in &raw.vendors {
            if !known.vendors.contains(vendor) {
                let d = ctx.error_at_key(
                    &[Seg::Key(vendor)],
                    format!("there is no vendor `{vendor}`"),
                );
                diags.push(d.suggest(
                    vendor,
                    known.vendors.iter().map(String::as_str),
                    "scores are listed by vendor slug: the file name of its dossier in `content/vendors/`, without `.yaml`",
                ));
                continue;
            }
            for (criterion, given) in scores.iter().flatten() {
                let here = [Seg::Key(vendor), Seg::Key(criterion)];
                let Some(g) = check(&ctx, &here, given, report, known, diags) else {
                    continue;
                };
                let (line, col) = ctx.key_position(&here);
                let detail = IndividualScore {
                    source: src.entry.rel.clone(),
                    ..g
                };
                all.entry(vendor.clone())
                    .or_default()
                    .entry(criterion.clone())
                    .or_default()
                    .push(Given {
                        evaluator: evaluator.clone(),
                        score: given.score,
                        detail,
                        src,
                        line,
                        col,
                    });
            }
        }
    }
    all
}

/// One score of a scores file at `here` (`[vendor, criterion]`): a known criterion, a value on
/// the scale, notes that exist and a real date. `None` when it cannot count.
fn check(
    ctx: &FileCtx<'_>,
    here: &[Seg<'_>],
    given: &RawGiven,
    report: &Report,
    known: &Known<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<IndividualScore> {
    let (Seg::Key(vendor), Seg::Key(criterion)) = (here[0], here[1]) else {
        return None;
    };
    if !report.criteria.iter().any(|c| c.id == criterion) {
        diags.push(super::unknown_criterion(
            ctx,
            here,
            criterion,
            &report.criteria,
        ));
        return None;
    }
    let at = |key: &'static str| [here[0], here[1], Seg::Key(key)];
    let bare = given.rationale.is_none()
        && given.feedback.is_none()
        && given.evidence.is_empty()
        && given.date.is_none();
    let value_at: &[Seg<'_>] = if bare { here } else { &at("score") };
    let before = diags.len();
    check_on_scale(ctx, value_at, criterion, given.score, report.scale, diags);
    let for_vendor = Known {
        vendor: Some(vendor),
        ..*known
    };
    let evidence = cited_notes(ctx, &at("evidence"), &given.evidence, &for_vendor, diags);
    let date = optional_date(ctx, &at("date"), &given.date, diags);
    let rationale = given
        .rationale
        .as_ref()
        .map(|r| rich(ctx, &at("rationale"), r, "scores", known.files, diags));
    let feedback = given
        .feedback
        .as_ref()
        .map(|r| rich(ctx, &at("feedback"), r, "scores", known.files, diags));
    if diags[before..].iter().any(Diagnostic::is_error) {
        return None;
    }
    Some(IndividualScore {
        rationale,
        feedback,
        evidence,
        date,
        confidential: given.confidential,
        source: String::new(),
    })
}

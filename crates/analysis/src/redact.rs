//! Audience redaction: the model as a shareable build may see it.
//!
//! A shareable build must not carry one confidential byte: not in HTML, JSON, CSV or file names.
//! Rather than have every template and export remember what to leave out, the model is redacted
//! once, right after validation and before anything is scored or rendered; what is not in the
//! model cannot leak. (Links in Markdown to confidential notes are taken out earlier still, when
//! the Markdown renders: see `validate::SiteFiles`.) What goes:
//! - confidential notes, and their titles from the evidence that cites them (the evidence
//!   remains as a count of confidential notes, so a score is not shown as unsupported);
//! - every `confidential: true` block: pricing, case studies, references, risks, and the
//!   rationale, the panel's agreed reason and the evidence of confidential scores (their numbers stay, so the ranking is the
//!   same for every audience), and each evaluator's own rationale and notes for such a score
//!   or their own confidential one, and the scores file each came from;
//! - all contacts;
//! - the evaluators' names, when report.yaml asks (`hide_evaluator_names_when_shared`), and
//!   the words of their declarations of interest (that one was made still shows): each
//!   is then known by role, and by an id of `evaluator-N`, in scores, in an earlier round's
//!   scores and as a note's author (an author who is not on the panel is left out);
//! - the Markdown source of every piece of rich text: HTML comments, link addresses and titles
//!   of confidential notes live there, so what remains is the text of the redacted HTML.

use std::collections::BTreeSet;

use crate::model::{Audience, Report, Rich};

/// Returns the report as `audience` may see it.
pub fn for_audience(mut report: Report) -> Report {
    if report.audience == Audience::Internal {
        return report;
    }
    // The paths of confidential notes would show in the list; the digest of the whole stays.
    report.inputs.files.clear();
    let secret: BTreeSet<String> = report
        .notes
        .iter()
        .filter(|n| n.confidential)
        .map(|n| n.slug.clone())
        .collect();
    let secret_links: BTreeSet<String> = report
        .notes
        .iter()
        .filter(|n| n.confidential)
        .flat_map(|n| n.body.links.iter().cloned())
        .collect();
    report.notes.retain(|n| !n.confidential);
    if report.hide_evaluator_names_when_shared {
        hide_evaluator_names(&mut report);
    }
    for v in &mut report.vendors {
        v.contacts.clear();
        if v.pricing.as_ref().is_some_and(|p| p.confidential) {
            v.pricing = None;
            v.pricing_withheld = true;
        }
        if let Some(t) = &mut v.track_record {
            t.case_studies.retain(|c| !c.confidential);
        }
        v.references.retain(|r| !r.confidential);
        v.risks.retain(|r| !r.confidential);
        for score in v.scores.values_mut() {
            redact_score(score, &secret);
        }
    }
    let mut public_links = BTreeSet::new();
    for rich in every_rich(&mut report) {
        rich_text_for(Audience::Shareable, rich);
        public_links.extend(rich.links.iter().cloned());
    }
    // Assets that only confidential notes show or link to go with them.
    report
        .assets
        .retain(|a| !secret_links.contains(a) || public_links.contains(a));
    report
}

/// A score as a shareable build may see it: a confidential one without its words or its
/// notes (they become a count), any other without the confidential notes it cites; each
/// evaluator's own account likewise, and without the file it came from (it is named after
/// the evaluator).
fn redact_score(score: &mut crate::model::Score, secret: &BTreeSet<String>) {
    if score.confidential {
        score.rationale = None;
        score.agreed_reason = None;
        score.changed = None;
        score.withheld += score.evidence.len();
        score.evidence.clear();
    } else {
        let before = score.evidence.len();
        score.evidence.retain(|slug| !secret.contains(slug));
        score.withheld += before - score.evidence.len();
    }
    for own in score.individual.values_mut() {
        own.source.clear();
        if score.confidential || own.confidential {
            own.rationale = None;
            own.evidence.clear();
        }
        own.evidence.retain(|slug| !secret.contains(slug));
    }
}

/// A piece of rich text as `audience` may see it: outside the team, its Markdown source is
/// replaced by the text of its (already redacted) HTML. For whatever renders one piece again,
/// as a `watch` session does with an edited note.
pub fn rich_text_for(audience: Audience, rich: &mut Rich) {
    if audience != Audience::Internal {
        rich.source = rich.text.clone();
    }
}

/// Every piece of rich text of the report.
fn every_rich(report: &mut Report) -> impl Iterator<Item = &mut Rich> {
    let criteria = report
        .criteria
        .iter_mut()
        .filter_map(|c| c.description.as_mut());
    let notes = report.notes.iter_mut().map(|n| &mut n.body);
    let vendors = report.vendors.iter_mut().flat_map(|v| {
        v.summary
            .iter_mut()
            .chain(v.scores.values_mut().flat_map(|s| {
                s.rationale.iter_mut().chain(
                    s.individual
                        .values_mut()
                        .filter_map(|own| own.rationale.as_mut()),
                )
            }))
    });
    report
        .summary
        .iter_mut()
        .chain(report.recommendation.iter_mut())
        .chain(criteria)
        .chain(notes)
        .chain(vendors)
}

/// Names each evaluator by role (or "Evaluator N"), with the id `evaluator-N`, everywhere.
fn hide_evaluator_names(report: &mut Report) {
    let mut ids = std::collections::BTreeMap::new();
    // A note's author as people write it (a name or an id, any case): the name shown instead.
    let mut authors = std::collections::BTreeMap::new();
    for (i, e) in report.evaluators.iter_mut().enumerate() {
        let id = format!("evaluator-{}", i + 1);
        let shown = e
            .role
            .clone()
            .unwrap_or_else(|| format!("Evaluator {}", i + 1));
        authors.insert(e.name.trim().to_lowercase(), shown.clone());
        authors.insert(e.id.to_lowercase(), shown.clone());
        ids.insert(std::mem::replace(&mut e.id, id.clone()), id);
        e.name = shown;
        // A declaration names employers and friends: with the name hidden, it could name them.
        e.declaration_withheld = e.declaration.take().is_some();
    }
    for note in &mut report.notes {
        note.author = note
            .author
            .take()
            .and_then(|a| authors.get(&a.trim().to_lowercase()).cloned());
    }
    for score in report
        .vendors
        .iter_mut()
        .flat_map(|v| v.scores.values_mut())
    {
        score.by = std::mem::take(&mut score.by)
            .into_iter()
            .map(|(id, x)| (ids.get(&id).cloned().unwrap_or(id), x))
            .collect();
        score.individual = std::mem::take(&mut score.individual)
            .into_iter()
            .map(|(id, own)| (ids.get(&id).cloned().unwrap_or(id), own))
            .collect();
    }
    report.evaluator_aliases = ids;
}

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
//!   rationale and evidence of confidential scores (their numbers stay, so the ranking is the
//!   same for every audience);
//! - all contacts.

use std::collections::BTreeSet;

use crate::model::{Audience, Report};

/// Returns the report as `audience` may see it.
pub fn for_audience(mut report: Report) -> Report {
    if report.audience == Audience::Internal {
        return report;
    }
    let secret: BTreeSet<String> = report
        .notes
        .iter()
        .filter(|n| n.confidential)
        .map(|n| n.slug.clone())
        .collect();
    report.notes.retain(|n| !n.confidential);
    for v in &mut report.vendors {
        v.contacts.clear();
        if v.pricing.as_ref().is_some_and(|p| p.confidential) {
            v.pricing = None;
        }
        if let Some(t) = &mut v.track_record {
            t.case_studies.retain(|c| !c.confidential);
        }
        v.references.retain(|r| !r.confidential);
        v.risks.retain(|r| !r.confidential);
        for score in v.scores.values_mut() {
            if score.confidential {
                score.rationale = None;
                score.withheld += score.evidence.len();
                score.evidence.clear();
            } else {
                let before = score.evidence.len();
                score.evidence.retain(|slug| !secret.contains(slug));
                score.withheld += before - score.evidence.len();
            }
        }
    }
    report
}

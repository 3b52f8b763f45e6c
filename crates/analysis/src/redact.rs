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
//!
//! Then the disclosure guard ([`crate::guard`]) reads every text that is left: a note that
//! quotes a confidential figure is left out whole (its links dropped, as a confidential
//! note's are), any other text that does is left out, and each is said so. Every address that
//! names a withheld note, however it is spelt, goes too.
//!
//! A bidder's debrief ([`for_bidder`]) starts from that shareable model, with evaluators always
//! by role, and keeps only what was written for that one provider (see [`crate::debrief`]):
//! the feedback on its scores (never the panel's rationale or agreed reason), the notes about
//! it alone marked `share_with_bidder` (never the team's own), its status and the reason for
//! it, the selected provider's scores and advantages, the award decision, and the criteria.
//! The guard, with every other bidder's figures and names and phrases that compare bids, reads
//! all of it; what it finds is left out, and said so.

use std::collections::BTreeSet;

use crate::debrief::{Bidder, Debrief, Reason, Selected, Withheld};
use crate::guard::{Guard, Secrets, Sweep};
use crate::model::{Audience, NoteKind, Report, Rich, Status, Vendor};
use crate::score::Standing;

/// The report as an audience may see it, what the guard left out of it, and the pricing
/// figures it checked against (for a debrief's own guard).
pub struct Redacted {
    /// The report as the audience sees it.
    pub report: Report,
    /// What the guard left out of a shareable build.
    pub withheld: Vec<Withheld>,
    /// Every vendor's pricing figures, as they were before redaction.
    pub secrets: Secrets,
    /// The slugs of the notes this audience does not see (confidential, or left out by the
    /// guard): an address that names one is taken out of any text rendered again.
    pub withheld_notes: BTreeSet<String>,
}

/// Returns the report as `audience` may see it.
pub fn for_audience(mut report: Report) -> Redacted {
    if report.audience == Audience::Internal {
        return Redacted {
            report,
            withheld: Vec::new(),
            secrets: Secrets::default(),
            withheld_notes: BTreeSet::new(),
        };
    }
    let secrets = Secrets::of(&report);
    // The paths of confidential notes would show in the list; the digest of the whole stays.
    report.inputs.files.clear();
    let mut secret: BTreeSet<String> = report
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
    if report.hide_evaluator_names_when_shared || report.audience == Audience::Bidder {
        hide_evaluator_names(&mut report);
    }
    for v in &mut report.vendors {
        v.contacts.clear();
        // Written for the bidder alone: its debrief takes it from the internal model.
        if report.audience == Audience::Shareable {
            v.status_reason = None;
        }
        if v.pricing.as_ref().is_some_and(|p| p.confidential) {
            v.pricing = None;
            v.pricing_withheld = true;
        }
        if let Some(t) = &mut v.track_record {
            t.case_studies.retain(|c| !c.confidential);
        }
        v.references.retain(|r| !r.confidential);
        v.risks.retain(|r| !r.confidential);
        v.scores.values_mut().for_each(redact_words);
    }
    // A debrief's own guard reads what it shows; a shareable build's reads everything.
    let withheld = if report.audience == Audience::Shareable {
        crate::guard::sweep_report(&mut report, &Guard::shareable(&secrets), &mut secret)
    } else {
        crate::guard::unlink_notes(&mut report, &secret);
        Vec::new()
    };
    for v in &mut report.vendors {
        for score in v.scores.values_mut() {
            redact_evidence(score, &secret);
        }
    }
    let mut public_links = BTreeSet::new();
    for rich in every_rich(&mut report) {
        source_for_outside(rich);
        public_links.extend(rich.links.iter().cloned());
    }
    // Assets that only confidential notes show or link to go with them.
    report
        .assets
        .retain(|a| !secret_links.contains(a) || public_links.contains(a));
    Redacted {
        report,
        withheld,
        secrets,
        withheld_notes: secret,
    }
}

/// The debrief of the bidder `slug`, from `report` as [`for_audience`] gave it for a bidder,
/// its `secrets` and `standings`; an error naming the vendors there are when `slug` is not
/// one.
pub fn for_bidder(
    report: &Report,
    secrets: &Secrets,
    standings: &[Standing],
    slug: &str,
) -> Result<Debrief, String> {
    let Some(vendor) = report.vendor(slug) else {
        let slugs = || report.vendors.iter().map(|v| v.slug.as_str());
        let hint = crate::diagnostic::suggestion(slug, slugs())
            .unwrap_or_else(|| format!("the vendors are {}", crate::diagnostic::listed(slugs())));
        return Err(format!("there is no vendor `{slug}` to debrief; {hint}"));
    };
    let guard = Guard::debrief(secrets, report, vendor);
    let mut sweep = Sweep {
        guard: &guard,
        withheld: Vec::new(),
    };
    let s = &mut sweep;
    let assessed: Vec<&Standing> = standings.iter().filter(|st| st.complete).collect();
    let own = standings.iter().find(|st| st.slug == slug);
    let winner = winner(report, standings);
    let notes = debrief_notes(report, vendor, s);
    let shown: BTreeSet<&str> = notes.iter().map(|n| n.slug.as_str()).collect();
    let src = vendor.source.as_str();
    let mut missing_feedback = Vec::new();
    let scores = vendor
        .scores
        .iter()
        .map(|(id, score)| {
            let kept = debrief_score(vendor, id, score, &shown, s);
            if kept.feedback.is_none() {
                missing_feedback.push(id.clone());
            }
            (id.clone(), kept)
        })
        .collect();
    let mut strengths = vendor.strengths.clone();
    s.keep_items(src, "strengths", "a strength", &mut strengths);
    let mut concerns = vendor.concerns.clone();
    s.keep_items(src, "concerns", "a concern", &mut concerns);
    let mut status_reason = vendor.status_reason.clone();
    s.keep_rich(
        src,
        &["status_reason"],
        "the status reason",
        &mut status_reason,
    );
    // The buyer's own texts are read for figures and names, not for comparisons.
    let buyer = guard.for_buyer_texts();
    let mut buyers = Sweep {
        guard: &buyer,
        withheld: Vec::new(),
    };
    let b = &mut buyers;
    let here = "report.yaml";
    b.require(here, &["title"], "the title", &report.title);
    let mut organisation = report.organisation.clone();
    b.keep_text(
        here,
        &["organisation"],
        "the organisation",
        &mut organisation,
    );
    let mut levels = report.levels.clone();
    levels.retain(|l| b.keeps(here, &["levels"], "a level's descriptor", &l.text));
    let mut award = report.award.clone();
    if let Some(a) = &mut award {
        b.keep_text(
            here,
            &["award", "contact"],
            "the award's contact",
            &mut a.contact,
        );
    }
    let mut criteria = report.criteria.clone();
    crate::guard::sweep_criteria(b, &mut criteria);
    let mut evaluators: Vec<String> = Vec::new();
    for (i, e) in report.evaluators.iter().enumerate() {
        let index = i.to_string();
        if b.keeps(
            here,
            &["evaluators", &index, "role"],
            "an evaluator's role",
            &e.name,
        ) {
            evaluators.push(e.name.clone());
        }
    }
    let selected = winner.filter(|(w, _)| w.slug != slug).map(|(w, st)| {
        let mut advantages = std::collections::BTreeMap::new();
        for (id, score) in &w.scores {
            let mut advantage = score.advantage.clone();
            let what = format!("the advantage on `{id}` of {}", w.name);
            s.keep_rich(
                &w.source,
                &["scores", id, "advantage"],
                &what,
                &mut advantage,
            );
            if let Some(a) = advantage {
                advantages.insert(id.clone(), a);
            }
        }
        Selected {
            name: report.debrief_names_winner.then(|| w.name.clone()),
            chosen: w.status == Status::Selected,
            weighted_score: st.weighted_score,
            scores: w
                .scores
                .iter()
                .map(|(id, sc)| (id.clone(), sc.score))
                .collect(),
            advantages,
        }
    });
    Ok(Debrief {
        title: report.title.clone(),
        organisation,
        date: report.date.clone(),
        scale: report.scale,
        levels,
        partner_threshold: report.partner_threshold,
        criteria,
        evaluators,
        bidder: Bidder {
            slug: vendor.slug.clone(),
            name: vendor.name.clone(),
            status: vendor.status,
            status_reason,
            rank: assessed
                .iter()
                .position(|st| st.slug == slug)
                .map(|i| i + 1),
            weighted_score: own.and_then(|st| st.weighted_score),
            verdict: own.map_or(crate::rules::Verdict::Unassessed, Standing::verdict),
            selected: winner.is_some_and(|(w, _)| w.slug == slug),
            chosen: winner.is_some_and(|(w, _)| w.slug == slug && w.status == Status::Selected),
            scores,
            strengths,
            concerns,
        },
        selected,
        award,
        assessed: assessed.len(),
        notes,
        missing_feedback,
        withheld: sweep.withheld.into_iter().chain(buyers.withheld).collect(),
    })
}

/// The provider a debrief compares with: the one `status: selected` (the best ranked, if
/// several), else the leader when it is assessed.
fn winner<'r>(report: &'r Report, standings: &'r [Standing]) -> Option<(&'r Vendor, &'r Standing)> {
    let ranked = || {
        standings
            .iter()
            .filter_map(|st| Some((report.vendor(&st.slug)?, st)))
    };
    ranked()
        .find(|(v, _)| v.status == Status::Selected)
        .or_else(|| ranked().next().filter(|(_, st)| st.complete))
}

/// The notes a debrief may show: about the bidder alone, marked `share_with_bidder`, not the
/// team's own, and holding nothing the guard forbids in their title or text.
fn debrief_notes(
    report: &Report,
    vendor: &Vendor,
    s: &mut Sweep<'_, '_>,
) -> Vec<crate::model::Note> {
    let mut notes = Vec::new();
    for n in &report.notes {
        if n.vendors != [vendor.slug.as_str()] || !n.share_with_bidder || n.confidential {
            continue;
        }
        let what = format!("the note `{}`", n.slug);
        if n.kind == NoteKind::Internal {
            s.withheld.push(Withheld {
                source: n.source.clone(),
                field: vec!["share_with_bidder".into()],
                what,
                reason: Reason::NotShared,
                quote: String::new(),
                blocking: false,
            });
            continue;
        }
        if s.keeps(&n.source, &[], &what, &n.title)
            && s.keeps_html(&n.source, &[], &what, &n.body.text, Some(&n.body.html))
        {
            notes.push(n.clone());
        }
    }
    notes
}

/// One of the bidder's scores as its debrief shows it: the feedback written for it (when the
/// guard lets it through) and the notes it may see; no rationale, no panel detail.
fn debrief_score(
    vendor: &Vendor,
    id: &str,
    score: &crate::model::Score,
    shown: &BTreeSet<&str>,
    s: &mut Sweep<'_, '_>,
) -> crate::model::Score {
    let mut kept = score.clone();
    kept.rationale = None;
    kept.agreed_reason = None;
    kept.advantage = None;
    kept.changed = None;
    kept.by.clear();
    // The dossier's feedback, else what each evaluator wrote for the bidder in their file.
    if kept.feedback.is_none() {
        let own: Vec<&Rich> = score
            .individual
            .values()
            .filter_map(|own| own.feedback.as_ref())
            .collect();
        kept.feedback = match own.as_slice() {
            [] => None,
            [one] => Some((*one).clone()),
            many => Some(joined(many)),
        };
    }
    kept.individual.clear();
    s.keep_rich(
        &vendor.source,
        &["scores", id, "feedback"],
        &format!("the feedback on `{id}`"),
        &mut kept.feedback,
    );
    let before = kept.evidence.len();
    kept.evidence.retain(|slug| shown.contains(slug.as_str()));
    kept.withheld += before - kept.evidence.len();
    kept
}

/// Several pieces of rich text as one, one after another.
fn joined(parts: &[&Rich]) -> Rich {
    let html: String = parts.iter().map(|r| r.html.as_ref()).collect();
    let text = parts
        .iter()
        .map(|r| r.text.as_ref())
        .collect::<Vec<_>>()
        .join(" ");
    Rich {
        source: text.clone().into(),
        html: html.into(),
        headings: Vec::new(),
        links: parts.iter().flat_map(|r| r.links.iter().cloned()).collect(),
        text: text.into(),
    }
}

/// The words of a score a shareable build may not see: a confidential one's rationale,
/// agreed reason and reason for a change, and each evaluator's own rationale for such a score
/// or their own confidential one. (Feedback and advantages are written to be sent out.)
fn redact_words(score: &mut crate::model::Score) {
    if score.confidential {
        score.rationale = None;
        score.agreed_reason = None;
        score.changed = None;
    }
    for own in score.individual.values_mut() {
        if score.confidential || own.confidential {
            own.rationale = None;
            own.evidence.clear();
        }
    }
}

/// The notes a score cites as a shareable build may see them: a confidential score's, and
/// any of the withheld notes `secret`, become a count; each evaluator's own likewise, and
/// without the file it came from (it is named after the evaluator).
fn redact_evidence(score: &mut crate::model::Score, secret: &BTreeSet<String>) {
    if score.confidential {
        score.withheld += score.evidence.len();
        score.evidence.clear();
    } else {
        let before = score.evidence.len();
        score.evidence.retain(|slug| !secret.contains(slug));
        score.withheld += before - score.evidence.len();
    }
    for own in score.individual.values_mut() {
        own.source.clear();
        own.evidence.retain(|slug| !secret.contains(slug));
    }
}

/// A piece of rich text as it goes outside the team: its Markdown source, where HTML comments
/// and the addresses and titles of withheld links live, replaced by the text of its (already
/// redacted) HTML. For whatever renders one piece again, as a `watch` session does.
pub fn source_for_outside(rich: &mut Rich) {
    rich.source = rich.text.clone();
}

/// Every piece of rich text of the report.
pub(crate) fn every_rich(report: &mut Report) -> impl Iterator<Item = &mut Rich> {
    let criteria = report
        .criteria
        .iter_mut()
        .filter_map(|c| c.description.as_mut());
    let notes = report.notes.iter_mut().map(|n| &mut n.body);
    let vendors =
        report.vendors.iter_mut().flat_map(|v| {
            v.summary
                .iter_mut()
                .chain(v.status_reason.iter_mut())
                .chain(v.scores.values_mut().flat_map(|s| {
                    s.rationale
                        .iter_mut()
                        .chain(s.feedback.iter_mut())
                        .chain(s.advantage.iter_mut())
                        .chain(s.individual.values_mut().flat_map(|own| {
                            own.rationale.iter_mut().chain(own.feedback.iter_mut())
                        }))
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

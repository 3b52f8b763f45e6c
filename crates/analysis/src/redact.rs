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
//! A bidder's debrief ([`for_bidder`]) starts from that shareable model, with evaluators always
//! by role, and keeps only what that one provider may see (see [`crate::debrief`]): its own
//! scores and rationales, the notes about it alone that they cite, the selected provider's
//! scores, and the criteria. Any of those texts that names another provider (see
//! [`OtherNames`] for how one is recognised) is left out, and said so.

use std::collections::BTreeSet;

use crate::debrief::{Bidder, Debrief, Selected, Withheld};
use crate::model::{Audience, Report, Rich, Status, Vendor};
use crate::score::Standing;

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
    if report.hide_evaluator_names_when_shared || report.audience == Audience::Bidder {
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

/// The debrief of the bidder `slug`, from `report` as [`for_audience`] gave it for a bidder
/// and its `standings`; an error naming the vendors there are when `slug` is not one.
pub fn for_bidder(report: &Report, standings: &[Standing], slug: &str) -> Result<Debrief, String> {
    let Some(vendor) = report.vendor(slug) else {
        let slugs = || report.vendors.iter().map(|v| v.slug.as_str());
        let hint = crate::diagnostic::suggestion(slug, slugs())
            .unwrap_or_else(|| format!("the vendors are {}", crate::diagnostic::listed(slugs())));
        return Err(format!("there is no vendor `{slug}` to debrief; {hint}"));
    };
    let others = OtherNames::of(report, slug);
    let mut withheld = Vec::new();
    let assessed: Vec<&Standing> = standings.iter().filter(|s| s.complete).collect();
    let own = standings.iter().find(|s| s.slug == slug);
    let winner = winner(report, standings);
    let notes = debrief_notes(report, vendor, &others, &mut withheld);
    let cited: BTreeSet<&str> = notes.iter().map(|n| n.slug.as_str()).collect();
    let scores = vendor
        .scores
        .iter()
        .map(|(id, s)| {
            (
                id.clone(),
                debrief_score(vendor, id, s, &cited, &others, &mut withheld),
            )
        })
        .collect();
    let strengths = said_lines(
        vendor,
        "a strength",
        &vendor.strengths,
        &others,
        &mut withheld,
    );
    let concerns = said_lines(
        vendor,
        "a concern",
        &vendor.concerns,
        &others,
        &mut withheld,
    );
    let criteria = debrief_criteria(report, &others, &mut withheld);
    Ok(Debrief {
        title: report.title.clone(),
        organisation: report.organisation.clone(),
        date: report.date.clone(),
        scale: report.scale,
        levels: report.levels.clone(),
        partner_threshold: report.partner_threshold,
        criteria,
        evaluators: report.evaluators.iter().map(|e| e.name.clone()).collect(),
        bidder: Bidder {
            slug: vendor.slug.clone(),
            name: vendor.name.clone(),
            rank: assessed.iter().position(|s| s.slug == slug).map(|i| i + 1),
            weighted_score: own.and_then(|s| s.weighted_score),
            verdict: own.map_or(crate::rules::Verdict::Unassessed, Standing::verdict),
            selected: winner.is_some_and(|(w, _)| w.slug == slug),
            chosen: winner.is_some_and(|(w, _)| w.slug == slug && w.status == Status::Selected),
            scores,
            strengths,
            concerns,
        },
        selected: winner
            .filter(|(w, _)| w.slug != slug)
            .map(|(w, st)| Selected {
                name: report.debrief_names_winner.then(|| w.name.clone()),
                chosen: w.status == Status::Selected,
                weighted_score: st.weighted_score,
                scores: w
                    .scores
                    .iter()
                    .map(|(id, s)| (id.clone(), s.score))
                    .collect(),
            }),
        assessed: assessed.len(),
        notes,
        withheld,
    })
}

/// The lines of a dossier's list (strengths, concerns) that name no other provider.
fn said_lines(
    vendor: &Vendor,
    what: &str,
    items: &[String],
    others: &OtherNames,
    withheld: &mut Vec<Withheld>,
) -> Vec<String> {
    let mut kept = Vec::new();
    for item in items {
        match others.named_in(item) {
            None => kept.push(item.clone()),
            Some(names) => withheld.push(Withheld {
                source: vendor.source.clone(),
                criterion: None,
                what: what.to_string(),
                names: names.to_string(),
            }),
        }
    }
    kept
}

/// The criteria as a debrief shows them: a description that names another provider left out.
fn debrief_criteria(
    report: &Report,
    others: &OtherNames,
    withheld: &mut Vec<Withheld>,
) -> Vec<crate::model::Criterion> {
    let mut criteria = report.criteria.clone();
    for c in &mut criteria {
        if let Some(names) = c
            .description
            .as_ref()
            .and_then(|d| others.named_in(&d.text))
        {
            withheld.push(Withheld {
                source: "report.yaml".into(),
                criterion: None,
                what: format!("the description of the criterion `{}`", c.id),
                names: names.to_string(),
            });
            c.description = None;
        }
    }
    criteria
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

/// The words that would name a provider other than the bidder, each with the name it stands for.
///
/// Each other provider is looked for by its name, its slug, its name without the last word
/// ("Kestrel Lane" for "Kestrel Lane Associates") and its first word alone ("Kestrel") when
/// that word is distinctive: four letters or more, not a word that many names share
/// ("Learning", "Global") and not in the bidder's own name. Each is matched as whole words,
/// ignoring case. A false match leaves a line out with a warning; a missed one would leak.
struct OtherNames {
    needles: Vec<(String, String)>,
}

/// Words too common in company names to stand for one provider.
const SHARED_WORDS: &[&str] = &[
    "associates",
    "business",
    "consulting",
    "digital",
    "global",
    "group",
    "international",
    "learning",
    "limited",
    "partners",
    "services",
    "solutions",
    "studios",
    "the",
    "training",
];

impl OtherNames {
    fn of(report: &Report, bidder: &str) -> Self {
        let own: Vec<String> = report
            .vendor(bidder)
            .map(|v| v.name.to_lowercase())
            .into_iter()
            .flat_map(|n| n.split_whitespace().map(str::to_string).collect::<Vec<_>>())
            .collect();
        let mut needles = Vec::new();
        for v in report.vendors.iter().filter(|v| v.slug != bidder) {
            let name = v.name.trim().to_string();
            let words: Vec<String> = name.split_whitespace().map(str::to_lowercase).collect();
            let mut forms = vec![name.to_lowercase(), v.slug.to_lowercase()];
            if words.len() >= 3 {
                forms.push(words[..words.len() - 1].join(" "));
            }
            if let Some(first) = words.first().filter(|w| {
                w.chars().filter(|c| c.is_alphanumeric()).count() >= 4
                    && !SHARED_WORDS.contains(&w.as_str())
                    && !own.contains(w)
            }) {
                forms.push(first.clone());
            }
            needles.extend(forms.into_iter().map(|f| (f, name.clone())));
        }
        OtherNames { needles }
    }

    /// The other provider `text` names, if any.
    fn named_in(&self, text: &str) -> Option<&str> {
        let text = text.to_lowercase();
        self.needles
            .iter()
            .find(|(needle, _)| contains_words(&text, needle))
            .map(|(_, name)| name.as_str())
    }
}

/// Whether `needle` occurs in `text` with no letter or digit joined to either end.
fn contains_words(text: &str, needle: &str) -> bool {
    let joined = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    text.match_indices(needle).any(|(at, _)| {
        !joined(text[..at].chars().next_back()) && !joined(text[at + needle.len()..].chars().next())
    })
}

/// The notes a debrief may show: about the bidder alone, cited by one of its scores, and
/// naming no other provider in their title or text.
fn debrief_notes(
    report: &Report,
    vendor: &Vendor,
    others: &OtherNames,
    withheld: &mut Vec<Withheld>,
) -> Vec<crate::model::Note> {
    let cited: BTreeSet<&str> = vendor
        .scores
        .values()
        .flat_map(|s| s.evidence.iter().map(String::as_str))
        .collect();
    let mut notes = Vec::new();
    for n in &report.notes {
        if n.vendors != [vendor.slug.as_str()] || !cited.contains(n.slug.as_str()) || n.confidential
        {
            continue;
        }
        match others
            .named_in(&n.title)
            .or_else(|| others.named_in(&n.body.text))
        {
            Some(names) => withheld.push(Withheld {
                source: n.source.clone(),
                criterion: None,
                what: format!("the note `{}`", n.slug),
                names: names.to_string(),
            }),
            None => notes.push(n.clone()),
        }
    }
    notes
}

/// One of the bidder's scores as its debrief shows it: no panel detail, the notes it may see,
/// and no words that name another provider.
fn debrief_score(
    vendor: &Vendor,
    id: &str,
    score: &crate::model::Score,
    notes: &BTreeSet<&str>,
    others: &OtherNames,
    withheld: &mut Vec<Withheld>,
) -> crate::model::Score {
    let mut s = score.clone();
    s.by.clear();
    s.individual.clear();
    s.changed = None;
    let before = s.evidence.len();
    s.evidence.retain(|slug| notes.contains(slug.as_str()));
    s.withheld += before - s.evidence.len();
    // A text that names another provider goes, and is recorded as left out.
    let mut names_another = |text: &str, what: String| {
        let names = others.named_in(text)?;
        withheld.push(Withheld {
            source: vendor.source.clone(),
            criterion: Some(id.to_string()),
            what,
            names: names.to_string(),
        });
        Some(())
    };
    if let Some(r) = &s.rationale
        && names_another(&r.text, format!("the rationale for `{id}`")).is_some()
    {
        s.rationale = None;
    }
    if let Some(r) = &s.agreed_reason
        && names_another(r, format!("the panel's reason for agreeing `{id}`")).is_some()
    {
        s.agreed_reason = None;
    }
    s
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::testing::{report, vendor};

    fn names_for(bidder: &str) -> OtherNames {
        let r = report(vec![
            vendor("kestrel-lane", "Kestrel Lane Associates", &[]),
            vendor("harbour-pine", "Harbour & Pine Learning", &[]),
            vendor("brightpath", "Brightpath Learning", &[]),
            vendor("northstar-digital", "Northstar Digital", &[]),
            vendor("northstar-learning", "Northstar Learning", &[]),
        ]);
        OtherNames::of(&r, bidder)
    }

    #[test]
    fn another_provider_is_found_by_name_slug_shorter_name_or_distinctive_first_word() {
        let others = names_for("brightpath");
        for text in [
            "Less depth than Kestrel Lane Associates.",
            "unlike kestrel-lane's bid",
            "Kestrel Lane offered more",
            "as Kestrel did",
            "Harbour's team was larger",
            "HARBOUR & PINE priced lower",
        ] {
            assert!(others.named_in(text).is_some(), "{text}");
        }
        assert_eq!(
            others.named_in("as Kestrel did"),
            Some("Kestrel Lane Associates")
        );
    }

    #[test]
    fn common_words_parts_of_words_and_the_bidders_own_name_are_not_taken_for_another() {
        let others = names_for("brightpath");
        for text in [
            "Strong learning design and digital delivery.",
            "A harbourside office; the pines outside.",
            "Kestrels nest nearby",
            "Brightpath Learning's own team",
        ] {
            assert_eq!(others.named_in(text), None, "{text}");
        }
        // Two providers that share a first word: neither is found by it in the other's debrief.
        let digital = names_for("northstar-digital");
        assert_eq!(digital.named_in("Northstar's own consultants"), None);
        assert_eq!(
            digital.named_in("Northstar Learning bid too"),
            Some("Northstar Learning")
        );
    }

    #[test]
    fn a_word_is_matched_whole_at_either_end_of_the_text() {
        assert!(contains_words("kestrel", "kestrel"));
        assert!(contains_words("(kestrel)", "kestrel"));
        assert!(contains_words("é kestrel é", "kestrel"));
        assert!(!contains_words("kestrels", "kestrel"));
        assert!(!contains_words("akestrel", "kestrel"));
    }
}

//! A bidder's debrief page: the [`Debrief`] that `redact::for_bidder` let through, as the page
//! (`debrief.html`, the debrief site's `index.html`) shows it. It projects only: every word
//! and figure here comes from the debrief, which holds nothing of any other provider.

use super::*;
use crate::debrief::Debrief;
use crate::model::Status;

/// The `site` variable of a debrief: what `base.html` reads, and the debrief itself.
#[derive(Serialize, JsonSchema)]
pub struct DebriefSite<'a> {
    pub title: &'a str,
    pub organisation: Option<&'a str>,
    /// Always `bidder`.
    pub audience: &'static str,
    pub audience_label: &'static str,
    pub date: Option<&'a str>,
    /// The newest note the debrief shows.
    pub newest_evidence: Option<&'a str>,
    pub scale: ScaleView,
    pub debrief: DebriefView<'a>,
}

/// One bidder's assessment, beside the selected provider's scores.
#[derive(Serialize, JsonSchema)]
pub struct DebriefView<'a> {
    /// The bidder's name.
    pub name: &'a str,
    /// Its weighted score, two decimals, when it has one.
    pub weighted_label: Option<String>,
    /// `partner`, `vendor` or `not yet assessed`.
    pub verdict: &'static str,
    /// The badge class of the verdict.
    pub verdict_class: &'static str,
    /// "2nd of 5 providers assessed on every criterion", when it has a rank.
    pub rank_label: Option<String>,
    /// Where the tender stands, in the bidder's words: "Your tender was selected.", "Your
    /// tender was not selected.", "Your tender was rejected.", or that no decision is made.
    pub outcome: String,
    /// Why, as its dossier's `status_reason` says (HTML without links to the site).
    pub outcome_reason: Option<String>,
    /// Whether the award decision is made, and when: a sentence.
    pub decision: String,
    /// The standstill period, when report.yaml's `award` gives its end: a sentence.
    pub standstill: Option<String>,
    /// Whom to ask about the debrief.
    pub contact: Option<&'a str>,
    /// Whether the bidder is itself the selected (or leading) provider.
    pub is_selected: bool,
    /// Whether the bidder was chosen (`status: selected`), not only ranked first.
    pub is_chosen: bool,
    /// Whether the provider it is compared with was chosen, not only ranked first.
    pub is_chosen_other: bool,
    /// How the selected provider is named: its name when report.yaml allows, else "The
    /// selected provider" (or "The leading provider" before one is chosen).
    pub selected_label: Option<String>,
    /// The same, as it reads inside a sentence ("the selected provider").
    pub selected_in_sentence: Option<String>,
    pub selected_weighted_label: Option<String>,
    /// One row per criterion, in report order.
    pub rows: Vec<DebriefRow<'a>>,
    pub strengths: &'a [String],
    pub concerns: &'a [String],
    /// The scale's descriptors, lowest first.
    pub levels: Vec<LevelView<'a>>,
    pub threshold_label: String,
    pub total_weight_label: String,
    /// The panel, by role.
    pub evaluators: &'a [String],
    /// The notes its scores cite, oldest first, each shown in full on the page.
    pub notes: Vec<DebriefNote<'a>>,
}

/// One criterion of a debrief.
#[derive(Serialize, JsonSchema)]
pub struct DebriefRow<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub question: Option<&'a str>,
    /// The criterion's description, HTML without links to the site.
    pub description: Option<String>,
    pub weight_label: String,
    pub share_label: String,
    pub minimum_label: Option<String>,
    /// The bidder's score, or `None` when it was not scored on this criterion.
    pub own_label: Option<String>,
    /// What the bidder's score means, when a level is written for it.
    pub own_level: Option<&'a str>,
    /// Whether the bidder's score is under the criterion's minimum.
    pub below_minimum: bool,
    pub selected_label: Option<String>,
    /// Weighted points between the two on this criterion, share × (own − selected), signed:
    /// what this criterion gave or cost the bidder against the selected provider.
    pub gap_label: Option<String>,
    /// What the panel tells the bidder of its score (`feedback:`), HTML without links to the
    /// site; never the panel's own rationale.
    pub feedback: Option<String>,
    /// What made the selected (or leading) tender's score on it an advantage (its
    /// `advantage:`), HTML without links to the site.
    pub advantage: Option<String>,
    /// The notes behind the score that the page shows.
    pub evidence: Vec<DebriefNoteRef<'a>>,
    /// Notes behind the score that the debrief leaves out (confidential, or about others too).
    pub withheld: usize,
}

/// A note a score cites, pointing at its place on the page.
#[derive(Serialize, JsonSchema)]
pub struct DebriefNoteRef<'a> {
    pub title: &'a str,
    pub date: &'a str,
    pub kind_label: &'static str,
    /// `#note-N`, by the note's place on the page (a file name may name a rival).
    pub anchor: String,
}

/// A note shown in full in the debrief's appendix.
#[derive(Serialize, JsonSchema)]
pub struct DebriefNote<'a> {
    /// The id of its section, `note-N`.
    pub id: String,
    pub title: &'a str,
    pub date: &'a str,
    pub kind_label: &'static str,
    /// Its text, HTML without links to the site.
    pub body: String,
}

/// Weighted points, signed: `+0.40`, `-0.15`, `0.00`.
fn signed_points(x: f64) -> String {
    let x = if x.abs() < 0.005 { 0.0 } else { x };
    if x > 0.0 {
        format!("+{x:.2}")
    } else {
        format!("{x:.2}")
    }
}

/// 1 → `1st`, 2 → `2nd`, 11 → `11th`, 23 → `23rd`.
fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// The `site` of a debrief's page.
pub fn debrief_site(d: &Debrief) -> DebriefSite<'_> {
    let scale = d.scale;
    DebriefSite {
        title: &d.title,
        organisation: d.organisation.as_deref(),
        audience: crate::model::Audience::Bidder.as_str(),
        audience_label: crate::model::Audience::Bidder.label(),
        date: d.date.as_deref(),
        newest_evidence: d.notes.iter().map(|n| n.date.as_str()).max(),
        scale: ScaleView {
            min: scale.min,
            max: scale.max,
            label: format!("{}–{}", format_number(scale.min), format_number(scale.max)),
            max_label: format_number(scale.max),
        },
        debrief: debrief_view(d),
    }
}

fn debrief_view(d: &Debrief) -> DebriefView<'_> {
    let b = &d.bidder;
    let total: f64 = d.criteria.iter().map(|c| c.weight).sum();
    let rank_label = b.rank.map(|rank| {
        format!(
            "{} of {} providers assessed on every criterion",
            ordinal(rank),
            d.assessed
        )
    });
    let decided = d.award.as_ref().and_then(|a| a.decision.as_deref());
    let chosen = b.chosen || d.selected.as_ref().is_some_and(|s| s.chosen);
    let outcome = match (b.status, b.chosen) {
        (Status::Rejected, _) => "Your tender was rejected.".to_string(),
        (_, true) => "Your tender was selected.".to_string(),
        _ if chosen || decided.is_some() => "Your tender was not selected.".to_string(),
        _ if b.selected => {
            "Your tender ranks first; no provider has been selected yet.".to_string()
        }
        _ => "No provider has been selected yet.".to_string(),
    };
    let decision = match decided {
        Some(day) => format!("The award decision was made on {day}."),
        None if chosen => "The award decision has been made.".to_string(),
        None => "No award decision has been made yet.".to_string(),
    };
    let standstill = d
        .award
        .as_ref()
        .and_then(|a| a.standstill_ends.as_deref())
        .map(|day| {
            format!("The standstill period ends on {day}: no contract will be signed before then.")
        });
    let selected_label = d.selected.as_ref().map(|s| match (&s.name, s.chosen) {
        (Some(name), _) => name.clone(),
        (None, true) => "The selected provider".to_string(),
        (None, false) => "The leading provider".to_string(),
    });
    DebriefView {
        name: &b.name,
        weighted_label: b.weighted_score.map(|w| format!("{w:.2}")),
        verdict: b.verdict.as_str(),
        verdict_class: b.verdict.class(),
        rank_label,
        outcome,
        outcome_reason: b
            .status_reason
            .as_ref()
            .map(|r| crate::markdown::without_site_links(&r.html)),
        decision,
        standstill,
        contact: d.award.as_ref().and_then(|a| a.contact.as_deref()),
        is_selected: b.selected,
        is_chosen: b.chosen,
        is_chosen_other: d.selected.as_ref().is_some_and(|s| s.chosen),
        selected_in_sentence: d.selected.as_ref().map(|s| match (&s.name, s.chosen) {
            (Some(name), _) => name.clone(),
            (None, true) => "the selected provider".to_string(),
            (None, false) => "the leading provider".to_string(),
        }),
        selected_label,
        selected_weighted_label: d
            .selected
            .as_ref()
            .and_then(|s| s.weighted_score)
            .map(|w| format!("{w:.2}")),
        rows: d
            .criteria
            .iter()
            .map(|c| debrief_row(d, c, total))
            .collect(),
        strengths: &b.strengths,
        concerns: &b.concerns,
        levels: LevelView::all(&d.levels),
        threshold_label: format_number(d.partner_threshold),
        total_weight_label: format_number(total),
        evaluators: &d.evaluators,
        notes: d
            .notes
            .iter()
            .enumerate()
            .map(|(i, n)| DebriefNote {
                id: format!("note-{}", i + 1),
                title: &n.title,
                date: &n.date,
                kind_label: n.kind.label(),
                body: crate::markdown::without_site_links(&n.body.html),
            })
            .collect(),
    }
}

fn debrief_row<'a>(d: &'a Debrief, c: &'a Criterion, total: f64) -> DebriefRow<'a> {
    let own = d.bidder.scores.get(&c.id);
    let theirs = d.selected.as_ref().and_then(|s| s.scores.get(&c.id));
    let share = if total > 0.0 { c.weight / total } else { 0.0 };
    let notes: BTreeMap<&str, (usize, &Note)> = d
        .notes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.slug.as_str(), (i + 1, n)))
        .collect();
    DebriefRow {
        id: &c.id,
        name: &c.name,
        question: c.question.as_deref(),
        description: c
            .description
            .as_ref()
            .map(|r| crate::markdown::without_site_links(&r.html)),
        weight_label: format_number(c.weight),
        share_label: percent(share),
        minimum_label: c.minimum.map(format_number),
        own_label: own.map(|s| format_number(s.score)),
        own_level: own
            .and_then(|s| c.level_of(s.score))
            .map(|l| l.text.as_str()),
        below_minimum: own.is_some_and(|s| crate::rules::under_minimum(c, s.score)),
        selected_label: theirs.map(|x| format_number(*x)),
        gap_label: own
            .zip(theirs)
            .map(|(s, x)| signed_points(share * (s.score - x))),
        feedback: own
            .and_then(|s| s.feedback.as_ref())
            .map(|r| crate::markdown::without_site_links(&r.html)),
        advantage: d
            .selected
            .as_ref()
            .and_then(|s| s.advantages.get(&c.id))
            .map(|r| crate::markdown::without_site_links(&r.html)),
        evidence: own
            .map(|s| {
                s.evidence
                    .iter()
                    .filter_map(|slug| notes.get(slug.as_str()))
                    .map(|(i, n)| DebriefNoteRef {
                        title: &n.title,
                        date: &n.date,
                        kind_label: n.kind.label(),
                        anchor: format!("#note-{i}"),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        withheld: own.map_or(0, |s| s.withheld),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_and_signed_points_read_as_people_write_them() {
        let said: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 103]
            .into_iter()
            .map(ordinal)
            .collect();
        assert_eq!(
            said,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "103rd"
            ]
        );
        assert_eq!(signed_points(0.4), "+0.40");
        assert_eq!(signed_points(-0.15), "-0.15");
        assert_eq!(signed_points(-0.001), "0.00");
    }
}

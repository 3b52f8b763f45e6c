//! A bidder's debrief page: the [`Debrief`] that `redact::for_bidder` let through, as the page
//! (`debrief.html`, the debrief site's `index.html`) shows it. It projects only: every word
//! and figure here comes from the debrief, which holds nothing of any other provider.

use super::*;
use crate::debrief::Debrief;
use crate::rules::Verdict;

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
    /// "2nd of 5 providers assessed on every criterion", or why it has no rank.
    pub rank_label: String,
    /// Whether the bidder is itself the selected (or leading) provider.
    pub is_selected: bool,
    /// Whether the bidder was chosen (`status: selected`), not only ranked first.
    pub is_chosen: bool,
    /// Whether the provider it is compared with was chosen, not only ranked first.
    pub is_chosen_other: bool,
    /// How the selected provider is named: its name when report.yaml allows, else "The
    /// selected provider" (or "The leading provider" before one is chosen).
    pub selected_label: Option<String>,
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
    /// Why the bidder got its score, HTML without links to the site.
    pub rationale: Option<String>,
    /// The panel's reason for an agreed score.
    pub agreed_reason: Option<&'a str>,
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
    /// `#note-<slug>`.
    pub anchor: String,
}

/// A note shown in full in the debrief's appendix.
#[derive(Serialize, JsonSchema)]
pub struct DebriefNote<'a> {
    /// The id of its section, `note-<slug>`.
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
    let rank_label = match (b.rank, b.verdict) {
        (Some(rank), _) => format!(
            "{} of {} providers assessed on every criterion",
            ordinal(rank),
            d.assessed
        ),
        (None, Verdict::Unassessed) => "not ranked: not scored on every criterion".to_string(),
        (None, _) => "not ranked".to_string(),
    };
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
        is_selected: b.selected,
        is_chosen: b.chosen,
        is_chosen_other: d.selected.as_ref().is_some_and(|s| s.chosen),
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
            .map(|n| DebriefNote {
                id: format!("note-{}", n.slug),
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
    let notes: BTreeMap<&str, &Note> = d.notes.iter().map(|n| (n.slug.as_str(), n)).collect();
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
        rationale: own
            .and_then(|s| s.rationale.as_ref())
            .map(|r| crate::markdown::without_site_links(&r.html)),
        agreed_reason: own.and_then(|s| s.agreed_reason.as_deref()),
        evidence: own
            .map(|s| {
                s.evidence
                    .iter()
                    .filter_map(|slug| notes.get(slug.as_str()))
                    .map(|n| DebriefNoteRef {
                        title: &n.title,
                        date: &n.date,
                        kind_label: n.kind.label(),
                        anchor: format!("#note-{}", n.slug),
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

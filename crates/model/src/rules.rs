//! The scoring rules, each in one place: how figures are compared, how a weighted score is made,
//! who is a partner, how a panel's scores settle, what grade and age the evidence behind a score
//! has, and when the report calls a lead narrow or the evidence thin.
//!
//! Validation, the ranking, sensitivity, the views and the workbook all call these. The what-if
//! script and the workbook's formulas restate them in other languages; tests with random weights
//! hold both to these functions (`tests/suite/browser.rs`, `tests/suite/publish.rs`).

use crate::model::{Criterion, Grade, Report, Vendor};

/// How far apart two computed figures may be and still be the same: sums of weighted scores
/// carry rounding error, and a score exactly at a threshold must meet it. The one tolerance
/// every comparison of figures uses.
pub const TOLERANCE: f64 = 1e-9;

/// Whether two computed figures are the same, within [`TOLERANCE`].
pub fn same_figure(a: f64, b: f64) -> bool {
    (a - b).abs() < TOLERANCE
}

/// Whether `x` reaches `bar`, within [`TOLERANCE`] (a score exactly at a threshold meets it).
pub fn reaches(x: f64, bar: f64) -> bool {
    x >= bar - TOLERANCE
}

/// Σ(weight × score) / Σ(weight) over `(weight, score)` pairs; `None` when the weights add up
/// to nothing.
pub fn weighted_mean(pairs: impl IntoIterator<Item = (f64, f64)>) -> Option<f64> {
    let (sum, weights) = pairs.into_iter().fold((0.0, 0.0), |(s, w), (weight, x)| {
        (s + weight * x, w + weight)
    });
    (weights > 0.0).then(|| sum / weights)
}

/// The weighted score of `vendor` over the criteria it has scores for.
pub fn weighted_score(report: &Report, vendor: &Vendor) -> Option<f64> {
    weighted_score_of(report, |id| vendor.scores.get(id).map(|s| s.score))
}

/// The weighted score of the scores `score_of` gives, over the criteria it gives one for: the
/// same sum as [`weighted_score`], for a vendor with one score changed.
pub fn weighted_score_of(report: &Report, score_of: impl Fn(&str) -> Option<f64>) -> Option<f64> {
    let pairs = report
        .criteria
        .iter()
        .filter_map(|c| score_of(&c.id).map(|x| (c.weight, x)));
    // A mean of values on the scale is on the scale; clamping only undoes rounding.
    weighted_mean(pairs).map(|m| m.clamp(report.scale.min, report.scale.max))
}

/// The order of the ranking: higher weighted score first, a vendor with none after every
/// vendor with one, then by name (ignoring case), then by slug.
pub fn rank_order(a: (Option<f64>, &Vendor), b: (Option<f64>, &Vendor)) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let by_score = match (a.0, b.0) {
        (Some(x), Some(y)) => y.partial_cmp(&x).unwrap_or(Ordering::Equal),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    by_score
        .then_with(|| a.1.name.to_lowercase().cmp(&b.1.name.to_lowercase()))
        .then_with(|| a.1.slug.cmp(&b.1.slug))
}

/// The weighted score of `vendor` with every missing score set to `fill`.
pub fn filled_score(report: &Report, vendor: &Vendor, fill: f64) -> f64 {
    let pairs = report.criteria.iter().map(|c| {
        let x = vendor.scores.get(&c.id).map_or(fill, |s| s.score);
        (c.weight, x)
    });
    weighted_mean(pairs)
        .unwrap_or(fill)
        .clamp(report.scale.min, report.scale.max)
}

/// Whether `score` is under the must-have `minimum` of `criterion` (never, without one).
pub fn under_minimum(criterion: &Criterion, score: f64) -> bool {
    criterion.minimum.is_some_and(|m| !reaches(score, m))
}

/// Whether `weighted` and the scores `score_of` gives make a partner: assessed, at or above the
/// threshold, and never under a criterion's minimum.
pub fn is_partner(report: &Report, weighted: f64, score_of: impl Fn(&str) -> Option<f64>) -> bool {
    reaches(weighted, report.partner_threshold)
        && report
            .criteria
            .iter()
            .all(|c| score_of(&c.id).is_some_and(|x| !under_minimum(c, x)))
}

/// What a vendor is, by the partner rule: the one place the verdict is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Scored on every criterion, at or above the threshold and every minimum.
    Partner,
    /// Scored on every criterion, but short of the threshold or a minimum.
    Vendor,
    /// Not scored on every criterion yet.
    Unassessed,
}

impl Verdict {
    /// The verdict of a vendor scored on every criterion (`complete`) or not, that does or does
    /// not meet the partner rule.
    pub fn new(complete: bool, partner: bool) -> Verdict {
        match (complete, partner) {
            (true, true) => Verdict::Partner,
            (true, false) => Verdict::Vendor,
            (false, _) => Verdict::Unassessed,
        }
    }

    /// As the report says it.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Partner => "partner",
            Verdict::Vendor => "vendor",
            Verdict::Unassessed => "not yet assessed",
        }
    }

    /// The class of its badge in the theme's CSS.
    pub fn class(self) -> &'static str {
        match self {
            Verdict::Partner => "partner",
            Verdict::Vendor => "vendor",
            Verdict::Unassessed => "unassessed",
        }
    }
}

/// The score a panel's scores settle on when no agreed score is written: their mean.
pub fn panel_mean(panel: &[f64]) -> Option<f64> {
    (!panel.is_empty()).then(|| panel.iter().sum::<f64>() / panel.len() as f64)
}

/// Highest minus lowest of the panel's scores (0 with fewer than two).
pub fn spread(panel: &[f64]) -> f64 {
    if panel.len() > 1 {
        panel.iter().copied().fold(f64::MIN, f64::max)
            - panel.iter().copied().fold(f64::MAX, f64::min)
    } else {
        0.0
    }
}

/// Whether a panel spread this far apart disagrees, by the report's `disagreement_spread`.
pub fn is_disagreement(report: &Report, spread: f64) -> bool {
    reaches(spread, report.disagreement_spread)
}

/// The grade of a score: the best grade among the notes it cites (none without a note).
pub fn evidence_grade(grades: impl IntoIterator<Item = Grade>) -> Grade {
    grades.into_iter().max().unwrap_or_default()
}

/// The age of a score's evidence: days from its newest note (as day numbers) to the report's
/// date; unknown without either.
pub fn evidence_age(newest: Option<i64>, today: Option<i64>) -> Option<i64> {
    newest.zip(today).map(|(n, t)| t - n)
}

/// Whether evidence this old is stale, by the report's `evidence.max_age_days`.
pub fn is_stale(report: &Report, age_days: Option<i64>) -> bool {
    age_days.is_some_and(|d| d > i64::from(report.evidence.max_age_days))
}

/// A lead under this many points is narrow: the recommendation asks the reader to read the
/// runner-up's dossier too.
pub const NARROW_LEAD: f64 = 0.25;

/// Whether the leader's scores cite too few notes to carry a recommendation: fewer than one
/// for every two criteria.
pub fn thin_evidence(notes_cited: usize, criteria: usize) -> bool {
    notes_cited < criteria.div_ceil(2)
}

/// A lead under this many points is too close to call, whatever the draws say.
pub const TOO_CLOSE_LEAD: f64 = 0.05;

/// A leader that ranks first in fewer than this share of the robustness draws is too close to
/// call.
pub const TOO_CLOSE_WIN: f64 = 0.6;

/// A lead is clear only if the leader ranks first in at least this share of the draws.
pub const CLEAR_WIN: f64 = 0.8;

/// How sure the report is of who ranks first: the one statement of it, by [`confidence`].
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Leads by [`NARROW_LEAD`] or more, no single score one point different would change
    /// first place, and first in at least [`CLEAR_WIN`] of the draws.
    Clear,
    /// Not clear, and not too close to call.
    Narrow,
    /// Leads by under [`TOO_CLOSE_LEAD`], or first in under [`TOO_CLOSE_WIN`] of the draws.
    TooClose,
}

impl Confidence {
    /// As the report says it.
    pub fn label(self) -> &'static str {
        match self {
            Confidence::Clear => "a clear lead",
            Confidence::Narrow => "a narrow lead",
            Confidence::TooClose => "too close to call",
        }
    }
}

/// How sure the report is of its leader, from the lead over the runner-up (`None` without
/// one), whether one score changed by one point would change first place (`one_step`), and the
/// share of draws the leader ranks first in (`None` when none are drawn).
pub fn confidence(lead: Option<f64>, one_step: bool, win: Option<f64>) -> Confidence {
    let Some(lead) = lead else {
        return Confidence::Clear;
    };
    if lead < TOO_CLOSE_LEAD - TOLERANCE || win.is_some_and(|w| w < TOO_CLOSE_WIN) {
        Confidence::TooClose
    } else if reaches(lead, NARROW_LEAD) && !one_step && win.is_none_or(|w| w >= CLEAR_WIN) {
        Confidence::Clear
    } else {
        Confidence::Narrow
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_weighted_mean_worked_by_hand() {
        // (20×5 + 10×3) / 30 = 130 / 30 = 4.333…
        let m = weighted_mean([(20.0, 5.0), (10.0, 3.0)]).unwrap();
        assert!(same_figure(m, 130.0 / 30.0));
        assert_eq!(weighted_mean([(0.0, 5.0)]), None);
        assert_eq!(weighted_mean([]), None);
    }

    #[test]
    fn a_panel_settles_on_its_mean_and_spreads_from_lowest_to_highest() {
        assert_eq!(panel_mean(&[2.0, 4.0, 3.0]), Some(3.0));
        assert_eq!(panel_mean(&[]), None);
        assert_eq!(spread(&[2.0, 4.0, 3.0]), 2.0);
        assert_eq!(spread(&[4.0]), 0.0);
    }

    #[test]
    fn thresholds_are_met_exactly_and_not_below() {
        assert!(reaches(3.5, 3.5));
        assert!(reaches(3.5 - 1e-12, 3.5));
        assert!(!reaches(3.49, 3.5));
        assert!(thin_evidence(3, 8));
        assert!(!thin_evidence(4, 8));
        assert!(!thin_evidence(4, 7));
        assert!(thin_evidence(3, 7));
    }

    #[test]
    fn confidence_takes_the_weakest_of_lead_single_scores_and_draws() {
        use Confidence::*;
        assert_eq!(confidence(None, false, None), Clear);
        assert_eq!(confidence(Some(0.4), false, Some(0.9)), Clear);
        assert_eq!(confidence(Some(0.25), false, Some(0.8)), Clear);
        assert_eq!(confidence(Some(0.4), true, Some(0.9)), Narrow);
        assert_eq!(confidence(Some(0.2), false, Some(0.9)), Narrow);
        assert_eq!(confidence(Some(0.4), false, Some(0.7)), Narrow);
        assert_eq!(confidence(Some(0.04), false, Some(0.9)), TooClose);
        assert_eq!(confidence(Some(0.05), false, Some(0.6)), Narrow);
        assert_eq!(confidence(Some(0.4), false, Some(0.59)), TooClose);
        assert_eq!(confidence(Some(0.4), false, None), Clear);
    }

    #[test]
    fn the_verdict_follows_completeness_before_the_partner_rule() {
        assert_eq!(Verdict::new(true, true), Verdict::Partner);
        assert_eq!(Verdict::new(true, false), Verdict::Vendor);
        assert_eq!(Verdict::new(false, true), Verdict::Unassessed);
    }

    #[test]
    fn evidence_takes_the_best_grade_and_the_newest_date() {
        assert_eq!(
            evidence_grade([Grade::VendorClaim, Grade::Independent, Grade::Observed]),
            Grade::Independent
        );
        assert_eq!(evidence_grade([]), Grade::None);
        assert_eq!(evidence_age(Some(100), Some(130)), Some(30));
        assert_eq!(evidence_age(None, Some(130)), None);
    }
}

//! The argument for the leader: where its lead over the runner-up comes from, which single
//! scores decide first place, and how sure the report can honestly be.
//!
//! The contest is among assessed vendors, as in `sensitivity`; `assessed` is in rank order.
//! - **Where the lead comes from.** Against the runner-up, criterion c gives the leader
//!   `share_c × (x_leader,c − x_runner-up,c)` weighted points, where `share_c` is c's weight over
//!   the total; the points of every criterion add up to the lead.
//! - **Decisive scores.** Each of the leader's scores is lowered one point at a time (down to the
//!   scale's minimum) and each of every other assessed vendor's raised one point at a time (up
//!   to the maximum), until someone else ranks first. A vendor's decisive scores are those that
//!   need its fewest points; a vendor none of whose scores can change first place has none.
//!   The weighted scores after the change are computed as the ranking computes them.
//! - **Confidence.** `rules::confidence` of the lead, of whether a decisive score is one point
//!   away, and of the leader's share of the robustness draws.

use serde::Serialize;

use crate::model::{Grade, Report, Vendor};
use crate::rules::{Confidence, rank_order, weighted_score, weighted_score_of};

/// The argument for the leader, in the model's terms (slugs and ids).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Argument {
    /// The leader's slug.
    pub leader: String,
    /// The runner-up's slug, when another vendor is assessed.
    pub runner_up: Option<String>,
    /// The leader's weighted score minus the runner-up's.
    pub lead: Option<f64>,
    /// What each criterion adds to (or takes from) the lead, in report order.
    pub contributions: Vec<Contribution>,
    /// The single scores that decide first place, fewest points first, the leader's first.
    pub decisive: Vec<Decisive>,
    /// How sure the report is of its leader (`rules::confidence`).
    pub confidence: Confidence,
}

/// The weighted points one criterion gives the leader over the runner-up (negative: takes).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    /// The criterion's id.
    pub criterion: String,
    /// `share × (leader's score − runner-up's score)`.
    pub points: f64,
}

/// A score whose change alone changes who ranks first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decisive {
    /// Whose score it is.
    pub vendor: String,
    /// The criterion's id.
    pub criterion: String,
    /// The score now.
    pub score: f64,
    /// The score that changes first place.
    pub would_be: f64,
    /// Points from `score` to `would_be`, rounded up to whole points.
    pub steps: u32,
    /// Who ranks first after the change.
    pub first: String,
    /// Its weighted score then.
    pub first_score: f64,
    /// The leader it overtakes, or the leader overtaken.
    pub second: String,
    /// Its weighted score then.
    pub second_score: f64,
    /// The evidence behind the score now.
    pub grade: Grade,
    /// Days from the newest note the score cites to the report's date.
    pub evidence_age_days: Option<i64>,
}

/// The argument, when at least one vendor is assessed; `win` is the leader's share of the
/// robustness draws, if any were drawn.
pub fn argue(report: &Report, assessed: &[&Vendor], win: Option<f64>) -> Option<Argument> {
    let (leader, rivals) = assessed.split_first()?;
    let runner_up = rivals.first();
    let score = |v: &Vendor| weighted_score(report, v).unwrap_or_default();
    let lead = runner_up.map(|r| score(leader) - score(r));
    let contributions = runner_up.map_or_else(Vec::new, |r| contributions(report, leader, r));
    let mut decisive = Vec::new();
    if let Some(runner_up) = runner_up {
        decisive.extend(fewest(decisive_scores(report, leader, runner_up, leader)));
        for rival in rivals {
            decisive.extend(fewest(decisive_scores(report, leader, rival, rival)));
        }
    }
    let one_step = decisive.iter().any(|d| d.steps <= 1);
    Some(Argument {
        leader: leader.slug.clone(),
        runner_up: runner_up.map(|r| r.slug.clone()),
        lead,
        contributions,
        decisive,
        confidence: crate::rules::confidence(lead, one_step, win),
    })
}

/// The weighted points each criterion gives `leader` over `runner_up`, in report order.
fn contributions(report: &Report, leader: &Vendor, runner_up: &Vendor) -> Vec<Contribution> {
    let total: f64 = report.criteria.iter().map(|c| c.weight).sum();
    report
        .criteria
        .iter()
        .map(|c| {
            let x = |v: &Vendor| v.scores.get(&c.id).map_or(0.0, |s| s.score);
            let share = if total > 0.0 { c.weight / total } else { 0.0 };
            Contribution {
                criterion: c.id.clone(),
                points: share * (x(leader) - x(runner_up)),
            }
        })
        .collect()
}

/// Every score of `moving` (the leader, lowered; or `rival`, raised) that changes who of
/// `leader` and `rival` ranks first, each with the fewest points that do it.
fn decisive_scores(
    report: &Report,
    leader: &Vendor,
    rival: &Vendor,
    moving: &Vendor,
) -> Vec<Decisive> {
    let lowering = std::ptr::eq(moving, leader);
    let scale = report.scale;
    // The vendor that does not move keeps its weighted score throughout.
    let other = if lowering { rival } else { leader };
    let other_score = weighted_score(report, other);
    let mut found = Vec::new();
    for c in &report.criteria {
        let Some(s) = moving.scores.get(&c.id) else {
            continue;
        };
        let mut steps = 0;
        let mut x = s.score;
        while (lowering && x > scale.min) || (!lowering && x < scale.max) {
            steps += 1;
            x = if lowering {
                (x - 1.0).max(scale.min)
            } else {
                (x + 1.0).min(scale.max)
            };
            let moved = weighted_score_of(report, |id| {
                if id == c.id {
                    Some(x)
                } else {
                    moving.scores.get(id).map(|s| s.score)
                }
            });
            let (l, r) = if lowering {
                (moved, other_score)
            } else {
                (other_score, moved)
            };
            if rank_order((r, rival), (l, leader)).is_lt() {
                let (l, r) = (l.unwrap_or_default(), r.unwrap_or_default());
                found.push(Decisive {
                    vendor: moving.slug.clone(),
                    criterion: c.id.clone(),
                    score: s.score,
                    would_be: x,
                    steps,
                    first: rival.slug.clone(),
                    first_score: r,
                    second: leader.slug.clone(),
                    second_score: l,
                    grade: s.grade,
                    evidence_age_days: s.evidence_age_days,
                });
                break;
            }
        }
    }
    found
}

/// Of one vendor's decisive scores, those needing its fewest points, in report order.
fn fewest(found: Vec<Decisive>) -> Vec<Decisive> {
    let least = found.iter().map(|d| d.steps).min();
    found
        .into_iter()
        .filter(|d| Some(d.steps) == least)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::rank;
    use crate::score::testing::{criterion, report, vendor};

    fn argued(r: &Report) -> Argument {
        let standings = rank(r);
        let assessed: Vec<&Vendor> = standings.iter().filter_map(|s| r.vendor(&s.slug)).collect();
        argue(r, &assessed, None).unwrap()
    }

    /// Weights 20 and 10 (shares 2/3 and 1/3). A = (5, 3): 13/3 = 4.333; B = (4, 4): 4;
    /// C = (2, 5): 3. Lead 1/3, worked by hand: 2/3 × (5 − 4) + 1/3 × (3 − 4) = 1/3.
    fn three() -> Report {
        let mut r = report(vec![
            vendor("a", "A", &[("x", 5.0, true), ("y", 3.0, true)]),
            vendor("b", "B", &[("x", 4.0, true), ("y", 4.0, true)]),
            vendor("c", "C", &[("x", 2.0, true), ("y", 5.0, true)]),
        ]);
        r.criteria = vec![criterion("x", 20.0), criterion("y", 10.0)];
        r
    }

    #[test]
    fn the_lead_is_the_sum_of_what_each_criterion_gives() {
        let a = argued(&three());
        assert_eq!(a.leader, "a");
        assert_eq!(a.runner_up.as_deref(), Some("b"));
        assert!((a.lead.unwrap() - 1.0 / 3.0).abs() < 1e-12);
        let points: Vec<f64> = a.contributions.iter().map(|c| c.points).collect();
        assert!((points[0] - 2.0 / 3.0).abs() < 1e-12, "{points:?}");
        assert!((points[1] + 1.0 / 3.0).abs() < 1e-12, "{points:?}");
    }

    #[test]
    fn decisive_scores_are_the_fewest_points_that_change_first_place() {
        let a = argued(&three());
        // A's x 5 → 4: A = (4×20 + 3×10)/30 = 110/30 = 3.667 < B's 4. One point.
        // A's y 3 → 2: 120/30 = 4 against B's 4: a tie, which A keeps by name. 3 → 1: 3.667.
        // B's x 4 → 5: 140/30 = 4.667 > 4.333, one point; B's y 4 → 5: 130/30 = 4.333, a tie
        // that A keeps by name, so it is not decisive. C cannot overtake with one score:
        // x 2 → 5 gives (100 + 50)/30 = 5 > 4.333 in three points; y is at the maximum.
        let found: Vec<(&str, &str, f64, u32)> = a
            .decisive
            .iter()
            .map(|d| (d.vendor.as_str(), d.criterion.as_str(), d.would_be, d.steps))
            .collect();
        assert_eq!(
            found,
            vec![("a", "x", 4.0, 1), ("b", "x", 5.0, 1), ("c", "x", 5.0, 3)]
        );
        let first = &a.decisive[0];
        assert_eq!(first.first, "b");
        assert!((first.first_score - 4.0).abs() < 1e-12);
        assert!((first.second_score - 110.0 / 30.0).abs() < 1e-12);
        assert_eq!(a.confidence, Confidence::Narrow);
    }

    #[test]
    fn a_lone_assessed_vendor_has_nothing_to_decide() {
        let mut r = three();
        r.vendors.truncate(1);
        let a = argued(&r);
        assert_eq!(a.runner_up, None);
        assert!(a.decisive.is_empty() && a.contributions.is_empty());
        assert_eq!(a.confidence, Confidence::Clear);
    }
}

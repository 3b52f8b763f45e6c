//! What would change the answer: how far each weight can move before another vendor leads,
//! how often each vendor comes first when weights and scores wobble within reason, which
//! partner verdicts hang on a single point, and which unfinished vendors could still overtake.
//!
//! The contest is among *assessed* vendors (every criterion scored). All of it is computed from
//! the model before any audience redaction, so every audience sees the same figures, and it is
//! deterministic: the same files give the same numbers, byte for byte.
//!
//! - **Flip points.** With criterion k's share of the total weight set to t and the other
//!   weights keeping their proportions, every weighted score is linear in t:
//!   `S(t) = t·x_k + (1 − t)·R`, where `R` is the vendor's weighted score over the other
//!   criteria. The leader stays first while `S_leader(t) − S_v(t) ≥ 0` for every rival v; each
//!   such difference is linear, so its root bounds the interval in closed form. The share t at
//!   the flip point is also given as a weight: `t × others / (1 − t)`, with the other weights
//!   as they are.
//! - **Robustness.** Over `draws` seeded draws, each weight is multiplied by a uniform factor in
//!   `1 ± weight_spread` and each score moved by a uniform amount within ± the uncertainty of its
//!   evidence grade (clamped to the scale); the share of draws each vendor ranks first in.
//! - **Hinges.** A verdict (partner or not) that moving one score by one point would reverse.

use std::collections::BTreeMap;

use rand_core::{RngCore, SeedableRng};
use serde::Serialize;

use crate::model::{Report, Vendor};
use crate::score::{Standing, is_partner};

/// The whole analysis, in the model's terms (slugs and ids).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Analysis {
    /// The assessed vendor ranked first, if at least one is assessed.
    pub leader: Option<String>,
    /// One entry per criterion, in report order.
    pub criteria: Vec<Flip>,
    /// The share of draws each assessed vendor ranks first in (summing to 1).
    pub win_probability: BTreeMap<String, f64>,
    /// Not-yet-assessed vendors whose highest possible score reaches the leader's.
    pub contenders: Vec<String>,
    /// Verdicts that one point on one score would reverse.
    pub hinges: Vec<Hinge>,
    /// Why the leader leads, which scores decide it, and how sure we are.
    pub argument: Option<crate::argument::Argument>,
}

/// How one criterion's weight bears on who leads.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flip {
    /// The criterion's id.
    pub criterion: String,
    /// The criterion's share of the total weight now (0–1).
    pub share: f64,
    /// The shares (0–1) between which the leader stays first.
    pub keeps_leader: (f64, f64),
    /// The vendor that leads past the nearer end of that range, if the range ends before 0 or 1.
    pub flips_to: Option<String>,
    /// The share at which it does.
    pub at: Option<f64>,
    /// The weight that gives the criterion that share with every other weight as it is:
    /// `at × others / (1 − at)`, where `others` is the sum of the other weights (`None` when
    /// no weight reaches it: a share of 1).
    pub at_weight: Option<f64>,
}

/// A verdict one point on one score would reverse.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hinge {
    /// The vendor's slug.
    pub vendor: String,
    /// Whether the vendor is a partner now.
    pub partner: bool,
    /// The criterion's id.
    pub criterion: String,
    /// The score now, and the score that would reverse the verdict.
    pub score: f64,
    /// The score that would reverse the verdict, one point away.
    pub would_be: f64,
    /// Whether any note backs the score.
    pub has_evidence: bool,
}

/// Runs every part of the analysis.
pub fn analyse(report: &Report, standings: &[Standing]) -> Analysis {
    let assessed: Vec<&Vendor> = standings
        .iter()
        .filter(|s| s.complete && s.weighted_score.is_some())
        .filter_map(|s| report.vendor(&s.slug))
        .collect();
    let Some(leader) = assessed.first() else {
        return Analysis {
            criteria: report
                .criteria
                .iter()
                .map(|c| no_flip(report, &c.id))
                .collect(),
            ..Analysis::default()
        };
    };
    let leader_score = standings
        .iter()
        .find(|s| s.slug == leader.slug)
        .and_then(|s| s.weighted_score)
        .unwrap_or_default();
    let win_probability = robustness(report, &assessed);
    let win = win_probability.get(&leader.slug).copied();
    Analysis {
        leader: Some(leader.slug.clone()),
        criteria: (0..report.criteria.len())
            .map(|k| flip_point(report, &assessed, k))
            .collect(),
        argument: crate::argument::argue(report, &assessed, win),
        win_probability,
        contenders: standings
            .iter()
            .filter(|s| !s.complete && crate::rules::reaches(s.score_range.1, leader_score))
            .map(|s| s.slug.clone())
            .collect(),
        hinges: hinges(report, &assessed),
    }
}

fn no_flip(report: &Report, id: &str) -> Flip {
    Flip {
        criterion: id.to_string(),
        share: share_of(report, id),
        keeps_leader: (0.0, 1.0),
        flips_to: None,
        at: None,
        at_weight: None,
    }
}

fn share_of(report: &Report, id: &str) -> f64 {
    let total: f64 = report.criteria.iter().map(|c| c.weight).sum();
    report
        .criterion(id)
        .map_or(0.0, |c| if total > 0.0 { c.weight / total } else { 0.0 })
}

/// `x_k` and `R` of the module docs for one vendor: its score on criterion `k`, and its
/// weighted score over the others (equal shares if all the others weigh nothing).
fn split(report: &Report, vendor: &Vendor, k: usize) -> (f64, f64) {
    let score = |i: usize| {
        vendor
            .scores
            .get(&report.criteria[i].id)
            .map_or(0.0, |s| s.score)
    };
    let others: Vec<usize> = (0..report.criteria.len()).filter(|i| *i != k).collect();
    let weight: f64 = others.iter().map(|i| report.criteria[*i].weight).sum();
    let rest = if weight > 0.0 {
        others
            .iter()
            .map(|i| report.criteria[*i].weight * score(*i))
            .sum::<f64>()
            / weight
    } else if others.is_empty() {
        score(k)
    } else {
        others.iter().map(|i| score(*i)).sum::<f64>() / others.len() as f64
    };
    (score(k), rest)
}

/// The flip point of criterion `k`, in closed form (see the module docs). `assessed` is in
/// rank order, leader first.
pub fn flip_point(report: &Report, assessed: &[&Vendor], k: usize) -> Flip {
    let id = &report.criteria[k].id;
    let mut flip = no_flip(report, id);
    let Some((leader, rivals)) = assessed.split_first() else {
        return flip;
    };
    let (lx, lr) = split(report, leader, k);
    // The binding rival at each end: (bound, steepness, vendor).
    let mut low: Option<(f64, f64, &Vendor)> = None;
    let mut high: Option<(f64, f64, &Vendor)> = None;
    for v in rivals {
        let (vx, vr) = split(report, v, k);
        // D(t) = b + (a − b)·t: the leader's lead at share t.
        let (a, b) = (lx - vx, lr - vr);
        let slope = a - b;
        if slope.abs() < 1e-12 {
            continue;
        }
        let root = b / (b - a);
        // Where two rivals take over at the same share, the steeper one leads past it.
        let binds_low =
            |(r, s, _): (f64, f64, &Vendor)| root > r + 1e-12 || (root > r - 1e-12 && slope > s);
        let binds_high =
            |(r, s, _): (f64, f64, &Vendor)| root < r - 1e-12 || (root < r + 1e-12 && -slope > s);
        if slope > 0.0 && root > 0.0 && low.is_none_or(binds_low) {
            // The lead grows with t: the rival leads below the root.
            low = Some((root.min(1.0), slope, v));
        } else if slope < 0.0 && root < 1.0 && high.is_none_or(binds_high) {
            // The lead shrinks with t: the rival leads above the root.
            high = Some((root.max(0.0), -slope, v));
        }
    }
    flip.keeps_leader = (low.map_or(0.0, |l| l.0), high.map_or(1.0, |h| h.0));
    let nearest = match (low, high) {
        (Some(l), Some(h)) => Some(if flip.share - l.0 <= h.0 - flip.share {
            l
        } else {
            h
        }),
        (l, h) => l.or(h),
    };
    if let Some((at, _, v)) = nearest {
        flip.flips_to = Some(v.slug.clone());
        flip.at = Some(at);
        let others: f64 =
            report.criteria.iter().map(|c| c.weight).sum::<f64>() - report.criteria[k].weight;
        flip.at_weight = weight_at_share(at, others);
    }
    flip
}

/// The weight a criterion needs for a share `share` of the total when the others add up to
/// `others`: `w / (w + others) = share` gives `w = share × others / (1 − share)`.
pub fn weight_at_share(share: f64, others: f64) -> Option<f64> {
    (share < 1.0 - 1e-12).then(|| share * others / (1.0 - share))
}

/// The share of seeded draws in which each assessed vendor ranks first (see the module docs).
pub fn robustness(report: &Report, assessed: &[&Vendor]) -> BTreeMap<String, f64> {
    let settings = &report.robustness;
    let mut wins: Vec<u32> = vec![0; assessed.len()];
    if assessed.is_empty() || settings.draws == 0 {
        return BTreeMap::new();
    }
    let scores: Vec<Vec<(f64, f64)>> = assessed
        .iter()
        .map(|v| {
            report
                .criteria
                .iter()
                .map(|c| {
                    v.scores.get(&c.id).map_or((0.0, 0.0), |s| {
                        (s.score, settings.uncertainty[s.grade as usize])
                    })
                })
                .collect()
        })
        .collect();
    // Only vendors that can beat the leader in some draw are drawn for, in slug order (so the
    // stream of numbers does not depend on the ranking); the others never rank first.
    let mut order: Vec<usize> = (0..assessed.len())
        .filter(|v| *v == 0 || can_beat(report, &scores[0], &scores[*v]))
        .collect();
    order.sort_by(|a, b| assessed[*a].slug.cmp(&assessed[*b].slug));
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(settings.seed);
    let mut uniform = move || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let scale = report.scale;
    let mut weights = vec![0.0; report.criteria.len()];
    let mut totals = vec![f64::MIN; assessed.len()];
    for _ in 0..settings.draws {
        for (w, c) in weights.iter_mut().zip(&report.criteria) {
            *w = c.weight * (1.0 + settings.weight_spread * (2.0 * uniform() - 1.0));
        }
        let weight: f64 = weights.iter().sum();
        for &v in &order {
            let mut sum = 0.0;
            for (i, (x, u)) in scores[v].iter().enumerate() {
                let moved = (x + u * (2.0 * uniform() - 1.0)).clamp(scale.min, scale.max);
                sum += weights[i] * moved;
            }
            totals[v] = if weight > 0.0 { sum / weight } else { 0.0 };
        }
        // Ties go to the vendor ranked higher now, as the ranking breaks them by name.
        let mut best = 0;
        for v in 1..assessed.len() {
            if totals[v] > totals[best] + 1e-12 {
                best = v;
            }
        }
        wins[best] += 1;
    }
    assessed
        .iter()
        .zip(wins)
        .map(|(v, w)| (v.slug.clone(), f64::from(w) / f64::from(settings.draws)))
        .collect()
}

/// Whether a rival (scores and uncertainties `rival`) can score above the leader (`leader`) in
/// any draw: its lead at worst is the sum over criteria of weight × (the leader's score at its
/// lowest − the rival's at its highest), with each weight at the end of its range that hurts
/// the leader most. Clamping to the scale only narrows the gap, so a positive worst lead means
/// the rival never wins.
fn can_beat(report: &Report, leader: &[(f64, f64)], rival: &[(f64, f64)]) -> bool {
    let spread = report.robustness.weight_spread;
    let worst: f64 = report
        .criteria
        .iter()
        .zip(leader.iter().zip(rival))
        .map(|(c, ((lx, lu), (rx, ru)))| {
            let gap = (lx - lu) - (rx + ru);
            let w = c.weight
                * if gap > 0.0 {
                    1.0 - spread
                } else {
                    1.0 + spread
                };
            w * gap
        })
        .sum();
    worst <= 1e-12
}

/// Verdicts of assessed vendors that one point up or down on one score would reverse.
pub fn hinges(report: &Report, assessed: &[&Vendor]) -> Vec<Hinge> {
    let scale = report.scale;
    let total: f64 = report.criteria.iter().map(|c| c.weight).sum();
    let mut out = Vec::new();
    for v in assessed {
        let score_of = |id: &str| v.scores.get(id).map(|s| s.score);
        let weighted = crate::score::weighted_score(report, v).unwrap_or_default();
        let partner = is_partner(report, weighted, score_of);
        for c in &report.criteria {
            let Some(s) = v.scores.get(&c.id) else {
                continue;
            };
            let moved = if partner {
                (s.score - 1.0).max(scale.min)
            } else {
                (s.score + 1.0).min(scale.max)
            };
            if (moved - s.score).abs() < 1e-12 || total <= 0.0 {
                continue;
            }
            let new_weighted = weighted + c.weight * (moved - s.score) / total;
            let new_score_of = |id: &str| {
                if id == c.id {
                    Some(moved)
                } else {
                    score_of(id)
                }
            };
            if is_partner(report, new_weighted, new_score_of) != partner {
                out.push(Hinge {
                    vendor: v.slug.clone(),
                    partner,
                    criterion: c.id.clone(),
                    score: s.score,
                    would_be: moved,
                    has_evidence: !s.is_unsupported(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Report;
    use crate::score::rank;
    use crate::score::testing::{criterion, report, vendor};

    fn analysed(r: &Report) -> Analysis {
        analyse(r, &rank(r))
    }

    fn close(a: f64, b: f64) -> bool {
        crate::model::same_figure(a, b)
    }

    #[test]
    fn two_vendors_two_criteria() {
        // Weights 3 and 1 (shares 0.75, 0.25). A = (4, 3): 3.75; B = (2, 5): 2.75.
        // Track record at share t: A − B = 2t − 2(1 − t) = 4t − 2, zero at t = 0.5.
        let r = report(vec![
            vendor("a", "A", &[("a", 4.0, true), ("b", 3.0, true)]),
            vendor("b", "B", &[("a", 2.0, true), ("b", 5.0, true)]),
        ]);
        let an = analysed(&r);
        assert_eq!(an.leader.as_deref(), Some("a"));
        let a = &an.criteria[0];
        assert!(close(a.share, 0.75));
        assert!(close(a.keeps_leader.0, 0.5) && close(a.keeps_leader.1, 1.0));
        assert_eq!(a.flips_to.as_deref(), Some("b"));
        assert!(close(a.at.unwrap(), 0.5));
        // As a weight, with the other weight at 1: w / (w + 1) = 0.5 at w = 1 (now 3).
        assert!(close(a.at_weight.unwrap(), 1.0));
        // Cost at share t: A − B = −2t + 2(1 − t) = 2 − 4t, zero at t = 0.5, B above it.
        let b = &an.criteria[1];
        assert!(close(b.keeps_leader.0, 0.0) && close(b.keeps_leader.1, 0.5));
        assert_eq!(b.flips_to.as_deref(), Some("b"));
    }

    #[test]
    fn three_vendors_three_criteria_all_tied() {
        // Equal weights; L = (5, 3, 1), M = (3, 3, 3), N = (1, 3, 5): all 3, L first by name.
        let mut r = report(vec![
            vendor(
                "l",
                "Leader",
                &[("a", 5.0, true), ("b", 3.0, true), ("c", 1.0, true)],
            ),
            vendor(
                "m",
                "Middle",
                &[("a", 3.0, true), ("b", 3.0, true), ("c", 3.0, true)],
            ),
            vendor(
                "n",
                "Next",
                &[("a", 1.0, true), ("b", 3.0, true), ("c", 5.0, true)],
            ),
        ]);
        r.criteria = vec![
            criterion("a", 1.0),
            criterion("b", 1.0),
            criterion("c", 1.0),
        ];
        let an = analysed(&r);
        assert_eq!(an.leader.as_deref(), Some("l"));
        // On a: L − M = 3t − 1 and L − N = 6t − 2 both vanish at 1/3; N, the steeper, leads below.
        let a = &an.criteria[0];
        assert!(close(a.keeps_leader.0, 1.0 / 3.0) && close(a.keeps_leader.1, 1.0));
        assert_eq!(a.flips_to.as_deref(), Some("n"));
        assert!(close(a.at.unwrap(), 1.0 / 3.0));
        // As a weight, the others at 1 + 1: w / (w + 2) = 1/3 at w = 1, its weight now: a tie.
        assert!(close(a.at_weight.unwrap(), 1.0));
        // On b everyone scores 3: no share changes anything.
        let b = &an.criteria[1];
        assert_eq!(
            (b.keeps_leader, b.flips_to.as_deref(), b.at),
            ((0.0, 1.0), None, None)
        );
        // On c the mirror of a: N leads above 1/3.
        let c = &an.criteria[2];
        assert!(close(c.keeps_leader.0, 0.0) && close(c.keeps_leader.1, 1.0 / 3.0));
        assert_eq!(c.flips_to.as_deref(), Some("n"));
    }

    #[test]
    fn a_zero_weight_criterion_has_a_flip_point_and_changes_no_ranking() {
        // a weighs 1, z weighs 0: A = (4, 1) scores 4, B = (3, 5) scores 3.
        let mut r = report(vec![
            vendor("a", "A", &[("a", 4.0, true), ("z", 1.0, true)]),
            vendor("b", "B", &[("a", 3.0, true), ("z", 5.0, true)]),
        ]);
        r.criteria = vec![criterion("a", 1.0), criterion("z", 0.0)];
        let an = analysed(&r);
        assert_eq!(rank(&r)[0].slug, "a");
        // z at share t: A − B = (1 − 5)t + (4 − 3)(1 − t) = 1 − 5t: B leads above 20%.
        let z = &an.criteria[1];
        assert!(close(z.share, 0.0));
        assert!(close(z.keeps_leader.1, 0.2));
        assert_eq!(z.flips_to.as_deref(), Some("b"));
        // a at share t: 5t − 4, so B leads below 80%.
        let a = &an.criteria[0];
        assert!(close(a.keeps_leader.0, 0.8));
    }

    #[test]
    fn one_vendor_has_no_contest() {
        let r = report(vec![vendor(
            "a",
            "A",
            &[("a", 4.0, true), ("b", 3.0, false)],
        )]);
        let an = analysed(&r);
        assert!(
            an.criteria
                .iter()
                .all(|f| f.flips_to.is_none() && f.keeps_leader == (0.0, 1.0))
        );
        assert_eq!(an.win_probability.get("a"), Some(&1.0));
    }

    #[test]
    fn identical_vendors_never_flip_and_ties_go_to_the_first_ranked() {
        let r = report(vec![
            vendor("b", "Bravo", &[("a", 4.0, true), ("b", 4.0, true)]),
            vendor("a", "Alpha", &[("a", 4.0, true), ("b", 4.0, true)]),
        ]);
        let an = analysed(&r);
        assert!(an.criteria.iter().all(|f| f.flips_to.is_none()));
        // By default even independent evidence moves (±0.25): identical vendors split the
        // draws about evenly.
        let alpha = an.win_probability["a"];
        assert!((0.45..0.55).contains(&alpha), "{alpha}");
        // With no uncertainty on independent evidence every draw is a tie, kept by Alpha,
        // first by name.
        let mut certain = r.clone();
        certain.robustness.uncertainty[crate::model::Grade::Independent as usize] = 0.0;
        let an = analysed(&certain);
        assert_eq!(an.win_probability.get("a"), Some(&1.0));
        assert_eq!(an.win_probability.get("b"), Some(&0.0));
    }

    #[test]
    fn robustness_is_the_same_every_run_and_sums_to_one() {
        let r = report(vec![
            vendor("a", "A", &[("a", 4.0, false), ("b", 3.0, false)]),
            vendor("b", "B", &[("a", 3.5, false), ("b", 4.0, false)]),
            vendor("c", "C", &[("a", 3.8, false), ("b", 3.5, false)]),
        ]);
        let first = analysed(&r).win_probability;
        assert_eq!(first, analysed(&r).win_probability);
        let sum: f64 = first.values().sum();
        assert!(close(sum, 1.0), "{first:?}");
        // With no evidence every score moves ±1: nobody is certain.
        assert!(first.values().all(|p| *p > 0.0 && *p < 1.0), "{first:?}");
    }

    #[test]
    fn hinges_name_the_score_one_point_would_reverse() {
        // Threshold 3.5. A = (4, 3): 3.75, partner; Track record down to 3 gives 3.0.
        // Cost down to 2 gives 3.5, still a partner. B = (2, 5): 2.75; Track record up to 3
        // gives 3.5, a partner; Cost is already at the top.
        let r = report(vec![
            vendor("a", "A", &[("a", 4.0, true), ("b", 3.0, true)]),
            vendor("b", "B", &[("a", 2.0, false), ("b", 5.0, true)]),
        ]);
        let hinges = analysed(&r).hinges;
        assert_eq!(
            hinges,
            vec![
                Hinge {
                    vendor: "a".into(),
                    partner: true,
                    criterion: "a".into(),
                    score: 4.0,
                    would_be: 3.0,
                    has_evidence: true
                },
                Hinge {
                    vendor: "b".into(),
                    partner: false,
                    criterion: "a".into(),
                    score: 2.0,
                    would_be: 3.0,
                    has_evidence: false
                },
            ]
        );
    }

    #[test]
    fn an_unfinished_vendor_is_a_contender_when_its_best_reaches_the_leader() {
        // Weights 3 and 1. A = (4, 3) scores 3.75. C has only b = 5: it could end from
        // (3×1 + 5) / 4 = 2 to (3×5 + 5) / 4 = 5, which reaches 3.75.
        let mut r = report(vec![
            vendor("a", "A", &[("a", 4.0, true), ("b", 3.0, true)]),
            vendor("c", "C", &[("b", 5.0, true)]),
        ]);
        assert_eq!(analysed(&r).contenders, vec!["c".to_string()]);
        // With b = 1 its best is (3×5 + 1) / 4 = 4, short of an A of (5, 5) = 5.
        r.vendors[0].scores.get_mut("a").unwrap().score = 5.0;
        r.vendors[0].scores.get_mut("b").unwrap().score = 5.0;
        r.vendors[1].scores.get_mut("b").unwrap().score = 1.0;
        assert!(analysed(&r).contenders.is_empty());
    }
}

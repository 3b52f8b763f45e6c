//! Weighted scores, coverage, partner or vendor, and the ranking: pure functions of the model.
//!
//! - weighted score = Σ(weight × score) / Σ(weight), over the criteria the vendor has scores for;
//! - coverage = criteria scored / criteria defined;
//! - a vendor is *assessed* when every criterion has its score; one that is not is "not yet
//!   assessed", with the range its score could end in (missing scores at the scale's minimum,
//!   then at its maximum);
//! - a *partner* is assessed, has a weighted score at or above `partner_threshold`, and scores
//!   at least each criterion's `minimum` (a must-have floor);
//! - ranking: weighted score descending, then name; vendors with no scores come last.
//!
//! The rules themselves (the weighted mean, the partner rule, the verdict) are
//! `shortlist_model::rules`'; what would change the ranking is `sensitivity`'s.

use serde::Serialize;

use crate::model::{Report, Vendor};
pub use crate::rules::{Verdict, filled_score, is_partner, weighted_score};

/// How one vendor stands: the numbers every page shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standing {
    /// The vendor's slug.
    pub slug: String,
    /// 1-based position in the ranking.
    pub rank: usize,
    /// `None` when the vendor has no scores at all.
    pub weighted_score: Option<f64>,
    /// Criteria the vendor has a score for.
    pub scored: usize,
    /// Criteria in the report.
    pub total: usize,
    /// `scored / total`, from 0 to 1.
    pub coverage: f64,
    /// Whether every criterion has a score (the vendor is assessed).
    pub complete: bool,
    /// Lowest and highest weighted score the vendor could end with once every criterion is
    /// scored (equal for an assessed vendor).
    pub score_range: (f64, f64),
    /// Criterion ids (in report order) whose must-have minimum the vendor scores under.
    pub below_minimum: Vec<String>,
    /// Whether the vendor meets the partner rule (`rules::is_partner`).
    pub partner: bool,
    /// Criterion ids (in report order) of scores with no evidence.
    pub unsupported: Vec<String>,
    /// Criterion ids (in report order) the vendor has no score for.
    pub missing: Vec<String>,
}

impl Standing {
    /// What the vendor is, by the partner rule of [`Verdict`] (an unfinished vendor is never
    /// called a vendor, the word for a provider that falls short).
    pub fn verdict(&self) -> Verdict {
        Verdict::new(self.complete, self.partner)
    }
}

/// Every vendor's risks in one list: most severe first, then by the vendor's rank, then title.
pub fn risk_register<'a>(
    report: &'a Report,
    standings: &[Standing],
) -> Vec<(&'a crate::model::Risk, &'a Vendor, usize)> {
    let mut all: Vec<(&crate::model::Risk, &Vendor, usize)> = standings
        .iter()
        .filter_map(|st| Some((report.vendor(&st.slug)?, st.rank)))
        .flat_map(|(v, rank)| v.risks.iter().map(move |r| (r, v, rank)))
        .collect();
    all.sort_by(|a, b| {
        b.0.severity()
            .cmp(&a.0.severity())
            .then(a.2.cmp(&b.2))
            .then_with(|| a.0.title.cmp(&b.0.title))
    });
    all
}

/// Scores every vendor and returns the standings in rank order.
pub fn rank(report: &Report) -> Vec<Standing> {
    let total = report.criteria.len();
    let mut standings: Vec<(Standing, &Vendor)> = report
        .vendors
        .iter()
        .map(|v| {
            let weighted = weighted_score(report, v);
            let scored = report
                .criteria
                .iter()
                .filter(|c| v.scores.contains_key(&c.id))
                .count();
            let complete = scored == total;
            let unsupported = report
                .criteria
                .iter()
                .filter(|c| v.scores.get(&c.id).is_some_and(|s| s.is_unsupported()))
                .map(|c| c.id.clone())
                .collect();
            let missing = report
                .criteria
                .iter()
                .filter(|c| !v.scores.contains_key(&c.id))
                .map(|c| c.id.clone())
                .collect();
            let below_minimum = report
                .criteria
                .iter()
                .filter(|c| {
                    v.scores
                        .get(&c.id)
                        .is_some_and(|s| crate::rules::under_minimum(c, s.score))
                })
                .map(|c| c.id.clone())
                .collect();
            let score_range = (
                filled_score(report, v, report.scale.min),
                filled_score(report, v, report.scale.max),
            );
            let standing = Standing {
                slug: v.slug.clone(),
                rank: 0,
                weighted_score: weighted,
                scored,
                total,
                coverage: if total == 0 {
                    0.0
                } else {
                    scored as f64 / total as f64
                },
                complete,
                score_range,
                below_minimum,
                partner: complete
                    && weighted.is_some_and(|w| {
                        is_partner(report, w, |id| v.scores.get(id).map(|s| s.score))
                    }),
                unsupported,
                missing,
            };
            (standing, v)
        })
        .collect();
    standings.sort_by(|(a, av), (b, bv)| {
        crate::rules::rank_order((a.weighted_score, av), (b.weighted_score, bv))
    });
    standings
        .into_iter()
        .enumerate()
        .map(|(i, (mut s, _))| {
            s.rank = i + 1;
            s
        })
        .collect()
}

/// Small hand-made reports for the tests of scoring and sensitivity, and of the crates above
/// (with the `testing` feature).
#[cfg(any(test, feature = "testing"))]
pub mod testing {
    use crate::model::*;
    use std::collections::BTreeMap;

    /// A criterion named by its id, with no question, description, floor or levels.
    pub fn criterion(id: &str, weight: f64) -> Criterion {
        Criterion {
            id: id.into(),
            name: id.into(),
            weight,
            question: None,
            description: None,
            minimum: None,
            levels: Vec::new(),
        }
    }

    /// A vendor with `(criterion id, score, has evidence)` scores.
    pub fn vendor(slug: &str, name: &str, scores: &[(&str, f64, bool)]) -> Vendor {
        let scores = scores
            .iter()
            .map(|(id, s, evidence)| {
                let evidence = if *evidence {
                    vec!["n".to_string()]
                } else {
                    vec![]
                };
                (
                    id.to_string(),
                    Score {
                        score: *s,
                        rationale: None,
                        feedback: None,
                        advantage: None,
                        grade: if evidence.is_empty() {
                            Grade::None
                        } else {
                            Grade::Independent
                        },
                        evidence,
                        withheld: 0,
                        confidential: false,
                        evidence_age_days: None,
                        by: BTreeMap::new(),
                        consensus: Consensus::Single,
                        agreed_reason: None,
                        changed: None,
                        spread: 0.0,
                        disagreement: false,
                        individual: BTreeMap::new(),
                    },
                )
            })
            .collect();
        Vendor {
            slug: slug.into(),
            name: name.into(),
            status: Status::Shortlisted,
            status_reason: None,
            website: None,
            headquarters: None,
            founded: None,
            employees: None,
            summary: None,
            services: vec![],
            pricing: None,
            pricing_withheld: false,
            track_record: None,
            references: vec![],
            scores,
            strengths: vec![],
            concerns: vec![],
            risks: vec![],
            contacts: vec![],
            tags: vec![],
            extra: BTreeMap::new(),
            source: format!("vendors/{slug}.yaml"),
        }
    }

    /// A report of `vendors` on two criteria, `a` (weight 3) and `b` (weight 1).
    pub fn report(vendors: Vec<Vendor>) -> Report {
        Report {
            title: "t".into(),
            audience: Audience::Internal,
            organisation: None,
            summary: None,
            recommendation: None,
            levels: Vec::new(),
            inputs: InputDigests::default(),
            theme: "default".into(),
            base_url: "/".into(),
            scale: Scale::default(),
            partner_threshold: 3.5,
            date: None,
            evidence: EvidenceRules::default(),
            robustness: Robustness::default(),
            contract: None,
            evaluators: vec![],
            disagreement_spread: 2.0,
            hide_evaluator_names_when_shared: false,
            evaluator_aliases: Default::default(),
            previous: None,
            debrief_names_winner: false,
            award: None,
            limits: Limits::default(),
            criteria: vec![criterion("a", 3.0), criterion("b", 1.0)],
            vendors,
            notes: vec![],
            assets: vec![],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;

    #[test]
    fn weighted_score_uses_only_scored_criteria() {
        let r = report(vec![
            vendor("x", "X", &[("a", 4.0, true), ("b", 2.0, true)]),
            vendor("y", "Y", &[("b", 5.0, true)]),
        ]);
        assert_eq!(weighted_score(&r, &r.vendors[0]), Some(3.5));
        assert_eq!(weighted_score(&r, &r.vendors[1]), Some(5.0));
    }

    #[test]
    fn partner_needs_threshold_and_full_coverage() {
        let r = report(vec![
            vendor("x", "X", &[("a", 4.0, true), ("b", 2.0, true)]),
            vendor("y", "Y", &[("b", 5.0, true)]),
            vendor("z", "Z", &[("a", 3.0, true), ("b", 3.0, false)]),
        ]);
        let s = rank(&r);
        let by = |slug: &str| s.iter().find(|s| s.slug == slug).unwrap().clone();
        assert!(by("x").partner, "3.5 meets a 3.5 threshold");
        assert!(!by("y").partner, "incomplete coverage is never a partner");
        assert_eq!(by("y").coverage, 0.5);
        assert_eq!(by("y").missing, vec!["a"]);
        assert!(!by("z").partner);
        assert_eq!(by("z").unsupported, vec!["b"]);
    }

    #[test]
    fn ranking_is_by_score_then_name_with_unscored_last() {
        let r = report(vec![
            vendor("b", "Bravo", &[("a", 4.0, true)]),
            vendor("n", "Nothing", &[]),
            vendor("a", "Alpha", &[("a", 4.0, true)]),
            vendor("c", "Charlie", &[("a", 5.0, true)]),
        ]);
        let order: Vec<_> = rank(&r).iter().map(|s| (s.rank, s.slug.clone())).collect();
        assert_eq!(
            order,
            [
                (1, "c".into()),
                (2, "a".into()),
                (3, "b".into()),
                (4, "n".into())
            ]
        );
    }

    #[test]
    fn a_vendor_not_yet_assessed_has_the_range_its_missing_scores_allow() {
        // Weights 3 and 1 on a 1–5 scale; only b = 5 is scored.
        let r = report(vec![vendor("y", "Y", &[("b", 5.0, true)])]);
        let s = &rank(&r)[0];
        assert!(!s.complete);
        // Low: (3×1 + 1×5) / 4 = 2; high: (3×5 + 1×5) / 4 = 5.
        assert_eq!(s.score_range, (2.0, 5.0));
    }

    #[test]
    fn a_score_under_a_must_have_minimum_is_never_a_partner() {
        let mut r = report(vec![
            vendor("x", "X", &[("a", 5.0, true), ("b", 2.0, true)]),
            vendor("z", "Z", &[("a", 4.0, true), ("b", 3.0, true)]),
        ]);
        r.criteria[1].minimum = Some(3.0);
        let s = rank(&r);
        let by = |slug: &str| s.iter().find(|s| s.slug == slug).unwrap().clone();
        // X: (15 + 2) / 4 = 4.25, over the 3.5 threshold, but 2 is under b's floor of 3.
        assert_eq!(by("x").weighted_score, Some(4.25));
        assert!(!by("x").partner);
        assert_eq!(by("x").below_minimum, vec!["b"]);
        // Z: (12 + 3) / 4 = 3.75 and exactly on the floor.
        assert!(by("z").partner);
    }

    use proptest::prelude::*;

    /// A report of up to 6 vendors on 3 criteria, with random weights and scores (some missing).
    fn random_report() -> impl Strategy<Value = Report> {
        let weights = prop::collection::vec(0.0f64..10.0, 3);
        let vendors = prop::collection::vec(
            prop::collection::vec(prop::option::weighted(0.8, 1.0f64..=5.0), 3),
            1..6,
        );
        (weights, vendors).prop_map(|(weights, vendors)| {
            let vendors = vendors
                .iter()
                .enumerate()
                .map(|(i, scores)| {
                    let scored: Vec<(&str, f64, bool)> = ["a", "b", "c"]
                        .iter()
                        .zip(scores)
                        .filter_map(|(id, s)| s.map(|s| (*id, s, true)))
                        .collect();
                    let slug = format!("v{i}");
                    vendor(&slug, &format!("Vendor {}", i % 3), &scored)
                })
                .collect();
            let mut r = report(vendors);
            r.criteria = vec![
                criterion("a", weights[0] + 0.01),
                criterion("b", weights[1] + 0.01),
                criterion("c", weights[2] + 0.01),
            ];
            r
        })
    }

    proptest! {
        #[test]
        fn weighted_scores_stay_on_the_scale(r in random_report()) {
            for st in rank(&r) {
                if let Some(w) = st.weighted_score {
                    prop_assert!(r.scale.contains(w), "{w}");
                }
                prop_assert!(st.score_range.0 <= st.score_range.1 + crate::rules::TOLERANCE);
                prop_assert!(r.scale.contains(st.score_range.0) && r.scale.contains(st.score_range.1));
            }
        }

        #[test]
        fn the_ranking_is_a_total_order(r in random_report()) {
            let st = rank(&r);
            let ranks: Vec<usize> = st.iter().map(|s| s.rank).collect();
            prop_assert_eq!(ranks, (1..=st.len()).collect::<Vec<_>>());
            for pair in st.windows(2) {
                let (a, b) = (&pair[0], &pair[1]);
                match (a.weighted_score, b.weighted_score) {
                    (Some(x), Some(y)) => prop_assert!(x >= y),
                    (None, Some(_)) => prop_assert!(false, "an unscored vendor ranks above a scored one"),
                    _ => {}
                }
            }
            // The same vendors in another order rank the same.
            let mut reversed = r.clone();
            reversed.vendors.reverse();
            let again: Vec<String> = rank(&reversed).into_iter().map(|s| s.slug).collect();
            prop_assert_eq!(again, st.into_iter().map(|s| s.slug).collect::<Vec<_>>());
        }

        #[test]
        fn a_zero_weight_criterion_changes_no_ranking(r in random_report(), extra in prop::collection::vec(1.0f64..=5.0, 6)) {
            let before: Vec<(String, Option<f64>)> =
                rank(&r).into_iter().map(|s| (s.slug, s.weighted_score)).collect();
            let mut with_zero = r.clone();
            with_zero.criteria.push(criterion("z", 0.0));
            for (v, x) in with_zero.vendors.iter_mut().zip(&extra) {
                let mut s = v.scores.values().next().cloned().unwrap_or_else(|| {
                    vendor("t", "T", &[("z", *x, true)]).scores["z"].clone()
                });
                s.score = *x;
                v.scores.insert("z".into(), s);
            }
            let after: Vec<(String, Option<f64>)> =
                rank(&with_zero).into_iter().map(|s| (s.slug, s.weighted_score)).collect();
            prop_assert_eq!(after.len(), before.len());
            for ((a, x), (b, y)) in after.iter().zip(&before) {
                prop_assert_eq!(a, b);
                if let (Some(x), Some(y)) = (x, y) {
                    prop_assert!(crate::model::same_figure(*x, *y));
                }
            }
        }
    }
}

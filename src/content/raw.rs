//! Serde mirrors of the files, exactly as written, before anything is checked.
//!
//! Every struct denies unknown fields, so a typo is an error with a position (and
//! `content::parse_yaml` adds a "did you mean"). Values are kept loose here (strings for dates
//! and statuses, numbers for scores); `validate` turns them into model types.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawReport {
    pub title: String,
    pub audience: Option<String>,
    pub organisation: Option<String>,
    pub summary: Option<String>,
    pub theme: Option<String>,
    pub base_url: Option<String>,
    pub scale: Option<RawScale>,
    pub partner_threshold: Option<f64>,
    /// The date the report speaks for (`YYYY-MM-DD`); evidence ages are counted to it.
    pub date: Option<String>,
    /// Evidence older than this many days is flagged as stale.
    pub evidence_max_age_days: Option<u32>,
    /// Which grade each kind of note gives the scores that cite it (note kind → grade).
    #[serde(default)]
    pub evidence_grades: BTreeMap<String, String>,
    pub robustness: Option<RawRobustness>,
    /// The contract costs are compared over.
    pub contract: Option<RawContract>,
    /// The panel that scores the vendors.
    #[serde(default)]
    pub evaluators: Vec<RawEvaluator>,
    /// The spread of the panel's scores from which they are said to disagree (default 2).
    pub disagreement_spread: Option<f64>,
    /// In shareable builds, name evaluators by their role only.
    #[serde(default)]
    pub hide_evaluator_names_when_shared: bool,
    /// The report.json of the previous round, relative to the project folder.
    pub previous: Option<String>,
    /// Limits on the size of the project (file size, number of files, Markdown nesting).
    pub limits: Option<RawLimits>,
    pub criteria: Vec<RawCriterion>,
}

/// Limits on what the project may hold.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLimits {
    /// The largest content file, in MiB (default 8, at most 64).
    pub file_size_mib: Option<u64>,
    /// The most files `content/` may hold (default 50000).
    pub files: Option<usize>,
    /// The deepest nesting of quotes, lists and HTML elements in Markdown (default 500, at most 2000).
    pub markdown_nesting: Option<usize>,
}

/// One member of the evaluation panel.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEvaluator {
    /// Lowercase letters, digits and hyphens: how scores name the evaluator (`by: { jo: 4 }`).
    pub id: String,
    pub name: String,
    pub role: Option<String>,
}

/// The contract the providers bid for: its length and currency.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawContract {
    /// How many years the contract runs.
    pub years: u32,
    /// The currency costs are shown in (GBP, EUR, ...).
    pub currency: String,
    /// What one unit of another currency is worth in `currency` (`EUR: 0.86`).
    #[serde(default)]
    pub rates: BTreeMap<String, f64>,
}

/// How the robustness of the ranking is sampled.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRobustness {
    /// How many random variations to try.
    pub draws: Option<u32>,
    /// How far each weight may move, as a share of itself (0.25: from 75% to 125%).
    pub weight_spread: Option<f64>,
    /// The random seed, so that every build samples the same variations.
    pub seed: Option<u64>,
    /// How far a score may move, by the grade of its evidence (grade → points).
    #[serde(default)]
    pub uncertainty: BTreeMap<String, f64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScale {
    pub min: f64,
    pub max: f64,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCriterion {
    pub id: String,
    pub name: String,
    pub weight: f64,
    pub question: Option<String>,
    pub description: Option<String>,
    /// A must-have floor: a vendor scoring under it is never a partner.
    pub minimum: Option<f64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawVendor {
    pub name: String,
    pub status: Option<String>,
    pub website: Option<String>,
    pub headquarters: Option<String>,
    pub founded: Option<i32>,
    pub employees: Option<u64>,
    pub summary: Option<String>,
    #[serde(default)]
    pub services: Vec<String>,
    pub pricing: Option<RawPricing>,
    pub track_record: Option<RawTrackRecord>,
    #[serde(default)]
    pub references: Vec<RawReference>,
    #[serde(default)]
    pub scores: BTreeMap<String, RawScore>,
    #[serde(default)]
    pub strengths: Vec<String>,
    #[serde(default)]
    pub concerns: Vec<String>,
    #[serde(default)]
    pub risks: Vec<RawRisk>,
    #[serde(default)]
    pub contacts: Vec<RawContact>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPricing {
    pub model: Option<String>,
    /// The fee for a year of the contract.
    pub annual_estimate: Option<f64>,
    /// A fee paid once (set-up, transition).
    pub one_off: Option<f64>,
    /// The share of the fees tied to outcomes, from 0 to 1.
    pub at_risk: Option<f64>,
    pub currency: Option<String>,
    pub notes: Option<String>,
    #[serde(default)]
    pub confidential: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTrackRecord {
    pub years_in_learning: Option<u32>,
    #[serde(default)]
    pub case_studies: Vec<RawCaseStudy>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCaseStudy {
    pub title: String,
    pub client: Option<String>,
    pub year: Option<i32>,
    pub outcome: Option<String>,
    #[serde(default)]
    pub verified: bool,
    #[serde(default)]
    pub confidential: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawReference {
    pub name: String,
    pub role: Option<String>,
    pub organisation: Option<String>,
    pub date: Option<String>,
    pub sentiment: Option<String>,
    pub summary: Option<String>,
    #[serde(default)]
    pub confidential: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRisk {
    pub title: String,
    pub likelihood: Option<String>,
    pub impact: Option<String>,
    pub mitigation: Option<String>,
    /// Who on our side watches the risk.
    pub owner: Option<String>,
    #[serde(default)]
    pub confidential: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawContact {
    pub name: String,
    pub role: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// A score, written either in full or as a bare number (`cost: 3`).
#[derive(Debug)]
pub struct RawScore {
    /// The score; with `by`, the score the panel agreed on (else their mean counts).
    pub score: Option<f64>,
    /// Each evaluator's score, by evaluator id.
    pub by: BTreeMap<String, f64>,
    /// Why the panel agreed on `score`.
    pub reason: Option<String>,
    pub rationale: Option<String>,
    pub evidence: Vec<String>,
    pub confidential: bool,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawScoreFull {
    /// The score; with `by`, the score the panel agreed on (else their mean counts).
    score: Option<f64>,
    /// Each evaluator's score, by evaluator id: `by: { jo: 4, sam: 5 }`.
    #[serde(default)]
    by: BTreeMap<String, f64>,
    /// Why the panel agreed on `score`.
    reason: Option<String>,
    rationale: Option<String>,
    #[serde(default)]
    evidence: Vec<String>,
    #[serde(default)]
    confidential: bool,
}

impl<'de> Deserialize<'de> for RawScore {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ScoreVisitor;
        impl<'de> Visitor<'de> for ScoreVisitor {
            type Value = RawScore;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number, or a map with `score`, `rationale` and `evidence`")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawScore, E> {
                Ok(RawScore::bare(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawScore, E> {
                Ok(RawScore::bare(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawScore, E> {
                Ok(RawScore::bare(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawScore, A::Error> {
                let full = RawScoreFull::deserialize(de::value::MapAccessDeserializer::new(map))?;
                let RawScoreFull {
                    score,
                    by,
                    reason,
                    rationale,
                    evidence,
                    confidential,
                } = full;
                Ok(RawScore {
                    score,
                    by,
                    reason,
                    rationale,
                    evidence,
                    confidential,
                })
            }
        }
        d.deserialize_any(ScoreVisitor)
    }
}

impl JsonSchema for RawScore {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Score".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let full = generator.subschema_for::<RawScoreFull>();
        schemars::json_schema!({
            "description": "A score on the report's scale: a bare number, or a map with `score`, `rationale` (Markdown), `evidence` (note slugs), and the panel's own scores in `by` (evaluator id → score) with `score` as the agreed one and `reason`",
            "anyOf": [{ "type": "number" }, full]
        })
    }
}

impl RawScore {
    fn bare(score: f64) -> Self {
        RawScore {
            score: Some(score),
            by: BTreeMap::new(),
            reason: None,
            rationale: None,
            evidence: Vec::new(),
            confidential: false,
        }
    }
}

/// A note's front matter.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawNote {
    pub title: String,
    pub date: String,
    #[serde(default)]
    pub vendors: Vec<String>,
    #[serde(default)]
    pub criteria: Vec<String>,
    pub kind: Option<String>,
    pub author: Option<String>,
    #[serde(default)]
    pub confidential: bool,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    #[test]
    fn scores_accept_full_and_bare_forms() {
        let v: RawVendor =
            yaml::parse("name: A\nscores:\n  cost: 3\n  fit: { score: 4.5, evidence: [n] }\n")
                .unwrap();
        assert_eq!(v.scores["cost"].score, Some(3.0));
        assert_eq!(v.scores["fit"].score, Some(4.5));
        assert_eq!(v.scores["fit"].evidence, vec!["n"]);
    }

    #[test]
    fn unknown_keys_inside_a_score_are_errors_with_a_position() {
        let e = yaml::parse::<RawVendor>("name: A\nscores:\n  fit: { score: 4, evidense: [n] }\n")
            .unwrap_err();
        assert!(e.message.contains("unknown field `evidense`"), "{e:?}");
        assert_eq!(e.line, 3);
    }

    #[test]
    fn a_missing_name_is_named() {
        let e = yaml::parse::<RawVendor>("status: longlist\n").unwrap_err();
        assert!(e.message.contains("missing field `name`"), "{e:?}");
    }
}

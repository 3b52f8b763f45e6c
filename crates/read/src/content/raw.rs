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

/// content/report.yaml: the report's title, its criteria and weights, and how it is built.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawReport {
    /// The report's title, shown on every page.
    pub title: String,
    /// Who the build is for by default: `internal` (everything) or `shareable` (confidential notes, contacts and marked items left out). `--audience` overrides it.
    pub audience: Option<String>,
    /// The organisation choosing a partner, shown under the title.
    pub organisation: Option<String>,
    /// The report's summary, in Markdown, shown on the overview page.
    pub summary: Option<String>,
    /// The panel's own recommendation, in Markdown, shown on the overview beside the one the report computes.
    pub recommendation: Option<String>,
    /// What each score on the scale means, by score: `5: Exceeds the requirement, with evidence from work like ours`. Shown beside every score.
    #[serde(default)]
    pub levels: BTreeMap<String, String>,
    /// The theme to build with: the name of a folder in `themes/` (default `default`).
    pub theme: Option<String>,
    /// Where the site will be published: a path from the server root (`/reports/2027/`) or a full `https://` address.
    pub base_url: Option<String>,
    /// The scale every score is on (default 1 to 5).
    pub scale: Option<RawScale>,
    /// The weighted score from which a vendor counts as a partner rather than a vendor.
    pub partner_threshold: Option<f64>,
    /// The date the report speaks for (`YYYY-MM-DD`); evidence ages are counted to it.
    pub date: Option<String>,
    /// Evidence older than this many days is flagged as stale.
    pub evidence_max_age_days: Option<u32>,
    /// Which grade each kind of note gives the scores that cite it (note kind → grade).
    #[serde(default)]
    pub evidence_grades: BTreeMap<String, String>,
    /// How the robustness of the ranking is sampled: random variations of the weights and scores.
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
    /// How each bidder's debrief (`--audience bidder:<slug>`) is made: `{ name_winner: true }` names the selected provider in it.
    pub debrief: Option<RawDebrief>,
    /// The award decision, for bidders' debriefs: `{ decision: 2026-12-01, standstill_ends: 2026-12-12, contact: procurement@example.org }`.
    pub award: Option<RawAward>,
    /// Limits on the size of the project (file size, number of files, Markdown nesting).
    pub limits: Option<RawLimits>,
    /// The criteria vendors are scored on, each with its weight.
    pub criteria: Vec<RawCriterion>,
}

/// How a bidder's debrief is made.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDebrief {
    /// Name the selected provider in each bidder's debrief (else it is "the selected provider").
    #[serde(default)]
    pub name_winner: bool,
}

/// The award decision, as each bidder's debrief tells it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAward {
    /// The day the decision was made, `YYYY-MM-DD`.
    pub decision: Option<String>,
    /// The last day of the standstill period, `YYYY-MM-DD`: no contract is signed before it.
    pub standstill_ends: Option<String>,
    /// Whom a bidder should write to with questions about its debrief.
    pub contact: Option<String>,
}

/// Limits on what the project may hold.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLimits {
    /// The largest content file, in MiB (default 8, at most 64).
    pub file_size_mib: Option<u64>,
    /// The most files `content/` may hold (default 50000).
    pub files: Option<usize>,
    /// The deepest nesting of quotes, lists and HTML elements in Markdown (default 500, at most 2000).
    pub markdown_nesting: Option<usize>,
    /// The largest file under `content/assets/`, in MiB (default 256, at most 16384).
    pub asset_size_mib: Option<u64>,
    /// The most HTML one piece of Markdown may make, in MiB (default 8, at most 64).
    pub rendered_mib: Option<u64>,
}

/// One member of the evaluation panel.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEvaluator {
    /// Lowercase letters, digits and hyphens: how scores name the evaluator (`by: { jo: 4 }`).
    pub id: String,
    /// The evaluator's name.
    pub name: String,
    /// The evaluator's role; shown instead of the name in shareable builds when `hide_evaluator_names_when_shared` is set.
    pub role: Option<String>,
    /// The evaluator's declaration of interest: `none`, or any tie to a bidder (a former employer, a friend, shares).
    pub declaration: Option<String>,
}

/// The contract the providers bid for: its length and currency.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
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
#[derive(Debug, Clone, Deserialize, JsonSchema)]
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

/// The scale scores are on.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScale {
    /// The lowest score.
    pub min: f64,
    /// The highest score.
    pub max: f64,
}

/// One criterion vendors are scored on.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCriterion {
    /// How dossiers name the criterion in `scores:`: lowercase letters, digits and hyphens.
    pub id: String,
    /// The criterion's name as the report shows it.
    pub name: String,
    /// How much the criterion counts, relative to the others (0 or more).
    pub weight: f64,
    /// The question the criterion answers, shown beside it.
    pub question: Option<String>,
    /// A longer description, in Markdown.
    pub description: Option<String>,
    /// A must-have floor: a vendor scoring under it is never a partner.
    pub minimum: Option<f64>,
    /// What a score means on this criterion, by score; replaces the scale's `levels` for the scores it names.
    #[serde(default)]
    pub levels: BTreeMap<String, String>,
}

/// A vendor dossier, content/vendors/<slug>.yaml.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawVendor {
    /// The vendor's name as the report shows it.
    pub name: String,
    /// Where the vendor stands: `longlisted`, `shortlisted`, `finalist`, `selected` or `rejected` (default `longlisted`).
    pub status: Option<String>,
    /// Why the vendor has the status it has (a rejection's reason, say), in Markdown: shown only in its own debrief.
    pub status_reason: Option<String>,
    /// The vendor's website, a full `https://` address.
    pub website: Option<String>,
    /// Where the vendor is based.
    pub headquarters: Option<String>,
    /// The year the vendor was founded.
    pub founded: Option<i32>,
    /// How many people the vendor employs.
    pub employees: Option<u64>,
    /// What the vendor does, in Markdown.
    pub summary: Option<String>,
    /// The services the vendor offers, one item each.
    #[serde(default)]
    pub services: Vec<String>,
    /// What the vendor charges.
    pub pricing: Option<crate::model::Pricing>,
    /// What the vendor has done before.
    pub track_record: Option<crate::model::TrackRecord>,
    /// What the vendor's clients said of it.
    #[serde(default)]
    pub references: Vec<RawReference>,
    /// A score for each criterion, by criterion id: a number, or a group with `score`, `rationale` and `evidence`.
    #[serde(default)]
    pub scores: BTreeMap<String, RawScore>,
    /// What stands out in the vendor's favour, one item each.
    #[serde(default)]
    pub strengths: Vec<String>,
    /// What worries the panel, one item each.
    #[serde(default)]
    pub concerns: Vec<String>,
    /// The risks of choosing this vendor, with their likelihood, impact and mitigation.
    #[serde(default)]
    pub risks: Vec<RawRisk>,
    /// People to talk to at the vendor; never shown in a shareable build.
    #[serde(default)]
    pub contacts: Vec<crate::model::Contact>,
    /// Free labels for filtering.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Any other data, free in shape, passed to the theme as is.
    #[serde(default)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// What one of the vendor's clients said of it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawReference {
    /// Who gave the reference.
    pub name: String,
    /// Their role.
    pub role: Option<String>,
    /// Their organisation.
    pub organisation: Option<String>,
    /// When the reference was taken, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// How the reference spoke of the vendor: `positive`, `mixed`, `negative` or `neutral`.
    pub sentiment: Option<String>,
    /// What they said.
    pub summary: Option<String>,
    /// Leave it out of shareable builds.
    #[serde(default)]
    pub confidential: bool,
}

/// One risk of choosing the vendor.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRisk {
    /// The risk, in a few words.
    pub title: String,
    /// How likely it is: `low`, `medium` or `high`.
    pub likelihood: Option<String>,
    /// How much it would hurt: `low`, `medium` or `high`.
    pub impact: Option<String>,
    /// What would reduce it.
    pub mitigation: Option<String>,
    /// Who on our side watches the risk.
    pub owner: Option<String>,
    /// Leave it out of shareable builds.
    #[serde(default)]
    pub confidential: bool,
}

/// A score, written either in full or as a bare number (`cost: 3`).
#[derive(Debug, Clone, Default)]
pub struct RawScore {
    /// The score; with `by`, the score the panel agreed on (else their mean counts).
    pub score: Option<f64>,
    /// Each evaluator's score, by evaluator id.
    pub by: BTreeMap<String, f64>,
    /// Why the panel agreed on `score`.
    pub reason: Option<String>,
    /// Why the score moved since the previous round.
    pub changed: Option<String>,
    /// Why this score, in Markdown.
    pub rationale: Option<String>,
    /// What the bidder is told of this score in its debrief, in Markdown.
    pub feedback: Option<String>,
    /// What makes this score an advantage of the selected tender, in Markdown: shown in every debrief.
    pub advantage: Option<String>,
    /// The notes that support the score, by slug (file name without `.md`).
    pub evidence: Vec<String>,
    /// Leave the rationale out of shareable builds.
    pub confidential: bool,
}

/// A score written in full: the score, why, and the notes that support it.
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
    /// Why the score moved since the previous round (shown beside the change): `changed: A second reference confirmed the results`.
    changed: Option<String>,
    /// Why this score, in Markdown.
    rationale: Option<String>,
    /// What the bidder is told of this score in its debrief, in Markdown (never the rationale).
    feedback: Option<String>,
    /// What makes this score an advantage of the selected tender, in Markdown: shown beside it in every debrief.
    advantage: Option<String>,
    /// The notes that support the score, by slug (file name without `.md`): `[2026-10-02-reference-call]`.
    #[serde(default)]
    evidence: Vec<String>,
    /// Leave the rationale out of shareable builds.
    #[serde(default)]
    confidential: bool,
}

impl<'de> Deserialize<'de> for RawScore {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        number_or_map(
            d,
            "a number, or a map with `score`, `rationale` and `evidence`",
            RawScore::bare,
            |full: RawScoreFull| {
                let RawScoreFull {
                    score,
                    by,
                    reason,
                    changed,
                    rationale,
                    feedback,
                    advantage,
                    evidence,
                    confidential,
                } = full;
                RawScore {
                    score,
                    by,
                    reason,
                    changed,
                    rationale,
                    feedback,
                    advantage,
                    evidence,
                    confidential,
                }
            },
        )
    }
}

/// Reads a value written either as a bare number (made into `T` by `bare`) or as a map (read
/// as `Full`, with its own errors for unknown keys, and made into `T` by `full`).
fn number_or_map<'de, D, Full, T>(
    d: D,
    expecting: &'static str,
    bare: fn(f64) -> T,
    full: fn(Full) -> T,
) -> Result<T, D::Error>
where
    D: de::Deserializer<'de>,
    Full: Deserialize<'de>,
{
    struct NumberOrMap<Full, T> {
        expecting: &'static str,
        bare: fn(f64) -> T,
        full: fn(Full) -> T,
    }
    impl<'de, Full: Deserialize<'de>, T> Visitor<'de> for NumberOrMap<Full, T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.expecting)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
            Ok((self.bare)(v as f64))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
            Ok((self.bare)(v as f64))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
            Ok((self.bare)(v))
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            Full::deserialize(de::value::MapAccessDeserializer::new(map)).map(self.full)
        }
    }
    d.deserialize_any(NumberOrMap {
        expecting,
        bare,
        full,
    })
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
            changed: None,
            rationale: None,
            feedback: None,
            advantage: None,
            evidence: Vec::new(),
            confidential: false,
        }
    }
}

/// content/scores/<evaluator-id>.yaml: one evaluator's own scores, by vendor slug, then by
/// criterion id, so that each member of the panel scores in a file of their own.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct RawScoresFile {
    /// The scores for each vendor (by the slug of its dossier), each by criterion id: `brightpath: { track-record: 4 }`.
    pub vendors: BTreeMap<String, Option<BTreeMap<String, RawGiven>>>,
}

/// One evaluator's score for one vendor on one criterion: a bare number, or a map with the
/// score, why, the notes behind it and when it was given.
#[derive(Debug, Clone)]
pub struct RawGiven {
    /// The score.
    pub score: f64,
    /// Why this score, in Markdown.
    pub rationale: Option<String>,
    /// What the bidder is told of this score in its debrief, in Markdown.
    pub feedback: Option<String>,
    /// The notes that support it, by slug.
    pub evidence: Vec<String>,
    /// When it was given, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Leave its rationale out of shareable builds.
    pub confidential: bool,
}

/// One evaluator's score written in full.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawGivenFull {
    /// The score, on the report's scale.
    score: f64,
    /// Why this score, in Markdown.
    rationale: Option<String>,
    /// What the bidder is told of this score in its debrief, in Markdown (never the rationale).
    feedback: Option<String>,
    /// The notes that support it, by slug (file name without `.md`): `[2026-10-02-reference-call]`.
    #[serde(default)]
    evidence: Vec<String>,
    /// When it was given, `YYYY-MM-DD`.
    date: Option<String>,
    /// Leave its rationale out of shareable builds.
    #[serde(default)]
    confidential: bool,
}

impl<'de> Deserialize<'de> for RawGiven {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        number_or_map(
            d,
            "a number, or a map with `score`, `rationale`, `evidence` and `date`",
            RawGiven::bare,
            |full: RawGivenFull| {
                let RawGivenFull {
                    score,
                    rationale,
                    feedback,
                    evidence,
                    date,
                    confidential,
                } = full;
                RawGiven {
                    score,
                    rationale,
                    feedback,
                    evidence,
                    date,
                    confidential,
                }
            },
        )
    }
}

impl JsonSchema for RawGiven {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "GivenScore".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let full = generator.subschema_for::<RawGivenFull>();
        schemars::json_schema!({
            "description": "One evaluator's score: a bare number, or a map with `score`, `rationale` (Markdown), `evidence` (note slugs) and `date`",
            "anyOf": [{ "type": "number" }, full]
        })
    }
}

impl RawGiven {
    fn bare(score: f64) -> Self {
        RawGiven {
            score,
            rationale: None,
            feedback: None,
            evidence: Vec::new(),
            date: None,
            confidential: false,
        }
    }
}

/// A note's front matter.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawNote {
    /// The note's title.
    pub title: String,
    /// When it happened, `YYYY-MM-DD`.
    pub date: String,
    /// The vendors the note is about, by slug (dossier file name without `.yaml`).
    #[serde(default)]
    pub vendors: Vec<String>,
    /// The criteria the note bears on, by id.
    #[serde(default)]
    pub criteria: Vec<String>,
    /// What kind of evidence it is: `reference-call`, `demo`, `interview`, `site-visit`, `rfp-response` or `internal`.
    pub kind: Option<String>,
    /// Who wrote it.
    pub author: Option<String>,
    /// Leave the note out of shareable builds.
    #[serde(default)]
    pub confidential: bool,
    /// Show the note in the debrief of the bidder it is about (notes are never shown to a bidder otherwise; an `internal` note never).
    #[serde(default)]
    pub share_with_bidder: bool,
    /// Leave the note out of every build unless `--drafts` is given.
    #[serde(default)]
    pub draft: bool,
    /// Free labels for filtering.
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
    fn a_scores_file_takes_bare_and_full_scores_and_vendors_left_empty() {
        let f: RawScoresFile = yaml::parse(
            "a:\n  cost: 3\n  fit: { score: 4, evidence: [n], date: 2026-11-02 }\nb:\n  # fit:\n",
        )
        .unwrap();
        let a = f.vendors["a"].as_ref().unwrap();
        assert_eq!((a["cost"].score, a["fit"].score), (3.0, 4.0));
        assert_eq!(a["fit"].date.as_deref(), Some("2026-11-02"));
        assert!(f.vendors["b"].is_none());
        let e = yaml::parse::<RawScoresFile>("a:\n  fit: { scroe: 4 }\n").unwrap_err();
        assert!(e.message.contains("unknown field `scroe`"), "{e:?}");
    }

    #[test]
    fn a_missing_name_is_named() {
        let e = yaml::parse::<RawVendor>("status: longlist\n").unwrap_err();
        assert!(e.message.contains("missing field `name`"), "{e:?}");
    }
}

//! The machine-readable exports: `report.json` (the whole model as built) with its files of
//! notes' texts, the search index, `matrix.csv` and the sitemap.
//!
//! Their shape is a contract (the README, "The built site"): snake_case keys, vendors by rank, notes by date then slug.
//! report.json and the files of note texts beside it (`report-notes/`) hold everything the
//! audience may see, every dossier field and every note's text included, so that a script or
//! a BI tool can rebuild the report from them alone; [`REPORT_JSON_VERSION`] says which shape
//! they have, and [`report_json_schema`] and [`note_texts_schema`] describe them. The notes'
//! texts, nearly all of the bytes, are kept apart in parts of about twenty notes, so that an
//! edit to one note's text rewrites one part (and report.json's fingerprint), not everything.
//! CSV cells that a spreadsheet would run as a formula are defused.

use std::collections::BTreeMap;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::Serialize;

use crate::model::{
    Contact, Pricing, Reference, Report, Rich, Risk, Status, TrackRecord, format_number,
};

/// The shape of report.json: 1 had no version field and no dossier text; 2 holds the whole
/// model, with every piece of Markdown as a [`JsonText`]; 3 keeps the notes' texts apart, in
/// `report-notes/`, each note naming its file.
pub const REPORT_JSON_VERSION: u32 = 3;

/// The shape of a debrief's report.json (a document of its own, notes' texts in it): 3 since
/// it gives the feedback written for the bidder (not the rationale), its status, the award and
/// the selected tender's advantages, and names its notes `note-N` rather than by file name.
pub const DEBRIEF_JSON_VERSION: u32 = 3;

/// A piece of Markdown as written, as HTML, and as plain text. In a shareable build the
/// Markdown is the plain text too (its comments and link addresses could reveal more).
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Text")]
struct JsonText<'a> {
    markdown: &'a str,
    /// Sanitized HTML; its links to pages of the site are relative to the site's root.
    html: std::borrow::Cow<'a, str>,
    text: &'a str,
}

impl<'a> JsonText<'a> {
    fn of(rich: &'a Rich) -> Self {
        JsonText {
            markdown: rich.source.trim_end(),
            html: crate::markdown::with_root(&rich.html, ""),
            text: &rich.text,
        }
    }
}
use rayon::prelude::*;

use crate::score::Standing;
use crate::sensitivity::Analysis;

/// report.json: the report as built for one audience.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "ReportJson")]
struct JsonReport<'a> {
    /// The shape of this file; 3 for this one.
    version: u32,
    /// The shortlist that wrote it.
    generator: String,
    title: &'a str,
    organisation: Option<&'a str>,
    audience: &'a str,
    base_url: &'a str,
    summary: Option<JsonText<'a>>,
    /// The panel's own recommendation (report.yaml's `recommendation`).
    recommendation: Option<JsonText<'a>>,
    scale: JsonScale,
    /// What each score on the scale means (report.yaml's `levels`), lowest first.
    levels: &'a [crate::model::Descriptor],
    partner_threshold: f64,
    /// The date evidence ages are counted to.
    date: Option<&'a str>,
    criteria: Vec<JsonCriterion<'a>>,
    vendors: Vec<JsonVendor<'a>>,
    notes: Vec<JsonNote<'a>>,
    /// One entry per criterion: the shares of the total weight between which the leader stays
    /// first, and the nearest flip.
    sensitivity: Vec<JsonFlip<'a>>,
    /// The argument for the leader, when at least one vendor is assessed.
    argument: Option<JsonArgument<'a>>,
    robustness: &'a crate::model::Robustness,
    contract: Option<&'a crate::model::Contract>,
    /// The award decision, as bidders' debriefs tell it (report.yaml's `award`).
    award: Option<&'a crate::model::Award>,
    /// The panel (named by role in a shareable build that hides names).
    evaluators: &'a [crate::model::Evaluator],
    /// What moved since the previous round, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<&'a crate::changes::Changes>,
    /// Every vendor's risks, most severe first.
    risks: Vec<JsonRisk<'a>>,
    /// The fingerprint of the content this report was built from (last, so that a session can
    /// update it after the notes).
    inputs: JsonInputs<'a>,
}

/// The fingerprint of the content a report was built from: `shortlist verify report.json`
/// recomputes it.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Inputs")]
struct JsonInputs<'a> {
    /// SHA-256 over each content file's path and SHA-256, in path order (see the README).
    digest: &'a str,
    /// How many files it covers.
    count: usize,
    /// Each file's SHA-256 by its path under `content/` (internal builds only).
    files: &'a BTreeMap<String, String>,
    /// The previous round's digest, when it recorded one.
    previous: Option<&'a str>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "RegisterEntry")]
struct JsonRisk<'a> {
    vendor: &'a str,
    title: &'a str,
    likelihood: Option<crate::model::Level>,
    impact: Option<crate::model::Level>,
    /// Likelihood × impact, 1 (low) to 3 (high) each; 0 when either is not rated.
    severity: u8,
    mitigation: Option<&'a str>,
    owner: Option<&'a str>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Flip")]
struct JsonFlip<'a> {
    criterion: &'a str,
    weight: f64,
    share: f64,
    keeps_leader: [f64; 2],
    flips_to: Option<&'a str>,
    at: Option<f64>,
    /// The criterion's weight at the flip point, the other weights as they are.
    at_weight: Option<f64>,
}

/// Why the leader leads, which single scores decide it, and how sure the report is.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Argument")]
struct JsonArgument<'a> {
    leader: &'a str,
    runner_up: Option<&'a str>,
    /// The leader's weighted score minus the runner-up's.
    lead: Option<f64>,
    /// `clear`, `narrow` or `too_close` (see the README's rule).
    confidence: crate::rules::Confidence,
    /// Weighted points each criterion gives the leader over the runner-up (negative: takes).
    contributions: Vec<JsonContribution<'a>>,
    /// Single scores whose change alone changes who ranks first, with the fewest points each.
    decisive: Vec<JsonDecisive<'a>>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Contribution")]
struct JsonContribution<'a> {
    criterion: &'a str,
    points: f64,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "DecisiveScore")]
struct JsonDecisive<'a> {
    /// Whose score it is.
    vendor: &'a str,
    criterion: &'a str,
    score: f64,
    would_be: f64,
    /// Whole points from `score` to `would_be`.
    steps: u32,
    /// Who ranks first after the change, and its weighted score then.
    first: &'a str,
    first_score: f64,
    /// The vendor it passes, and its weighted score then.
    second: &'a str,
    second_score: f64,
    /// The evidence behind the score now.
    grade: crate::model::Grade,
    evidence_age_days: Option<i64>,
}

impl<'a> JsonArgument<'a> {
    fn of(a: &'a crate::argument::Argument) -> Self {
        JsonArgument {
            leader: &a.leader,
            runner_up: a.runner_up.as_deref(),
            lead: a.lead.map(round4),
            confidence: a.confidence,
            contributions: a
                .contributions
                .iter()
                .map(|c| JsonContribution {
                    criterion: &c.criterion,
                    points: round4(c.points),
                })
                .collect(),
            decisive: a
                .decisive
                .iter()
                .map(|d| JsonDecisive {
                    vendor: &d.vendor,
                    criterion: &d.criterion,
                    score: d.score,
                    would_be: d.would_be,
                    steps: d.steps,
                    first: &d.first,
                    first_score: round4(d.first_score),
                    second: &d.second,
                    second_score: round4(d.second_score),
                    grade: d.grade,
                    evidence_age_days: d.evidence_age_days,
                })
                .collect(),
        }
    }
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Scale")]
struct JsonScale {
    min: f64,
    max: f64,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Criterion")]
struct JsonCriterion<'a> {
    id: &'a str,
    name: &'a str,
    /// The criterion's page, relative to the site's root.
    url: String,
    weight: f64,
    question: Option<&'a str>,
    description: Option<JsonText<'a>>,
    minimum: Option<f64>,
    /// What each score means on this criterion (the scale's levels with its own), lowest first.
    levels: &'a [crate::model::Descriptor],
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Vendor")]
struct JsonVendor<'a> {
    slug: &'a str,
    name: &'a str,
    /// The vendor's page, relative to the site's root.
    url: String,
    status: Status,
    /// Why it has that status (for its own debrief); `null` outside the team.
    status_reason: Option<JsonText<'a>>,
    rank: usize,
    weighted_score: Option<f64>,
    coverage: f64,
    scored: usize,
    partner: bool,
    /// Every criterion scored.
    assessed: bool,
    /// The lowest and highest weighted score once every criterion is scored.
    score_range: [f64; 2],
    /// The share of plausible weightings in which it ranks first (assessed vendors only).
    win_probability: Option<f64>,
    below_minimum: &'a [String],
    /// Over the contract, in its currency; `null` when unknown or withheld.
    cost: Option<crate::cost::Cost>,
    pricing_withheld: bool,
    unsupported: &'a [String],
    scores: BTreeMap<&'a str, JsonScore<'a>>,
    website: Option<&'a str>,
    headquarters: Option<&'a str>,
    founded: Option<i32>,
    employees: Option<u64>,
    summary: Option<JsonText<'a>>,
    services: &'a [String],
    /// As the dossier gives it; `null` when there is none or this audience may not see it.
    pricing: Option<&'a Pricing>,
    track_record: Option<&'a TrackRecord>,
    references: &'a [Reference],
    strengths: &'a [String],
    concerns: &'a [String],
    /// The vendor's risks as the dossier lists them (the register at the top has them all,
    /// most severe first).
    risks: &'a [Risk],
    /// Empty in a shareable build.
    contacts: &'a [Contact],
    tags: &'a [String],
    /// The dossier's `extra`, as written.
    extra: &'a BTreeMap<String, serde_json::Value>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Score")]
struct JsonScore<'a> {
    score: f64,
    rationale: Option<JsonText<'a>>,
    /// What the bidder is told of it in its debrief.
    feedback: Option<JsonText<'a>>,
    /// What makes it an advantage of the selected tender, told in every debrief.
    advantage: Option<JsonText<'a>>,
    evidence: &'a [String],
    /// Notes behind the score that this audience may not see.
    confidential_evidence: usize,
    evidence_grade: crate::model::Grade,
    evidence_age_days: Option<i64>,
    /// Each evaluator's score.
    by: &'a BTreeMap<String, f64>,
    spread: f64,
    disagreement: bool,
    consensus: crate::model::Consensus,
    agreed_reason: Option<&'a str>,
    /// What the score means on its criterion, when a level is written for it.
    level: Option<&'a str>,
    /// What each evaluator who scored in their own file (`content/scores/<id>.yaml`) wrote
    /// beside their score, by evaluator id.
    individual: BTreeMap<&'a str, JsonIndividual<'a>>,
}

/// One evaluator's own account of their score.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "IndividualScore")]
struct JsonIndividual<'a> {
    rationale: Option<JsonText<'a>>,
    feedback: Option<JsonText<'a>>,
    evidence: &'a [String],
    /// `YYYY-MM-DD`.
    date: Option<&'a str>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Note")]
struct JsonNote<'a> {
    slug: &'a str,
    title: &'a str,
    /// The note's page, relative to the site's root.
    url: String,
    date: &'a str,
    kind: &'a str,
    vendors: &'a [String],
    criteria: &'a [String],
    author: Option<&'a str>,
    confidential: bool,
    /// Whether the debrief of the bidder it is about may show it.
    share_with_bidder: bool,
    draft: bool,
    tags: &'a [String],
    /// The file beside report.json that holds this note's text, under its slug
    /// (`report-notes/NNN.json`).
    body_file: String,
}

impl<'a> JsonNote<'a> {
    /// Note `n` of a report whose notes' texts are in `parts` files.
    fn of(n: &'a crate::model::Note, parts: usize) -> Self {
        JsonNote {
            slug: &n.slug,
            title: &n.title,
            url: crate::urls::note(&n.slug),
            date: &n.date,
            kind: n.kind.as_str(),
            vendors: &n.vendors,
            criteria: &n.criteria,
            author: n.author.as_deref(),
            confidential: n.confidential,
            share_with_bidder: n.share_with_bidder,
            draft: n.draft,
            tags: &n.tags,
            body_file: crate::urls::note_texts(note_texts_part(&n.slug, parts)),
        }
    }
}

/// One file of notes' texts (`report-notes/NNN.json`).
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "NoteTexts")]
struct JsonNoteTexts<'a> {
    /// The shape of the report.json these belong with; 3 for this one.
    version: u32,
    /// Each note's text, by the note's slug.
    notes: BTreeMap<&'a str, JsonText<'a>>,
}

/// How many files the texts of `notes` notes are kept in: about twenty notes to a file,
/// rounded up to a power of two (one file for up to 20 notes, 512 for 10,000).
fn note_texts_parts(notes: usize) -> usize {
    notes.div_ceil(NOTES_PER_PART).max(1).next_power_of_two()
}

const NOTES_PER_PART: usize = 20;

/// Which of `parts` files holds the text of the note `slug`: the 32-bit FNV-1a hash of its
/// slug's bytes, modulo `parts`. Fixed by the slug alone, so that a note stays in its file
/// while others are edited, added or removed (until their number crosses a power of two).
fn note_texts_part(slug: &str, parts: usize) -> usize {
    let hash = slug.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    hash as usize % parts.max(1)
}

/// The report's notes by the part they are kept in (parts no note falls into left out).
fn notes_by_part(report: &Report) -> Vec<(usize, Vec<&crate::model::Note>)> {
    let parts = note_texts_parts(report.notes.len());
    let mut by_part: Vec<Vec<&crate::model::Note>> = vec![Vec::new(); parts];
    for n in &report.notes {
        by_part[note_texts_part(&n.slug, parts)].push(n);
    }
    by_part
        .into_iter()
        .enumerate()
        .filter(|(_, notes)| !notes.is_empty())
        .collect()
}

/// The part the note `slug` is kept in, with every note kept there.
fn notes_in_part_of<'r>(report: &'r Report, slug: &str) -> (usize, Vec<&'r crate::model::Note>) {
    let parts = note_texts_parts(report.notes.len());
    let part = note_texts_part(slug, parts);
    let notes = report
        .notes
        .iter()
        .filter(|n| note_texts_part(&n.slug, parts) == part)
        .collect();
    (part, notes)
}

/// The files of the notes' texts, each path with its bytes, by part; a file whose notes are
/// as they were when `cache` (a session's) kept it is taken from there.
pub fn note_texts(report: &Report, cache: &crate::cache::Cache) -> Vec<(String, Arc<Vec<u8>>)> {
    notes_by_part(report)
        .into_par_iter()
        .map(|(i, notes)| {
            let path = crate::urls::note_texts(i);
            let bytes = reused(cache, &path, &notes, note_texts_key, note_texts_file);
            (path, bytes)
        })
        .collect()
}

/// The bytes of the file at `path` made from `notes`: from `cache` when it kept them for the
/// same key, else made (and kept, when the cache keeps anything).
fn reused(
    cache: &crate::cache::Cache,
    path: &str,
    notes: &[&crate::model::Note],
    key: fn(&[&crate::model::Note]) -> u64,
    make: fn(&[&crate::model::Note]) -> Vec<u8>,
) -> Arc<Vec<u8>> {
    if !cache.keeps() {
        return Arc::new(make(notes));
    }
    let key = key(notes);
    cache.export(path, key).unwrap_or_else(|| {
        let bytes = Arc::new(make(notes));
        cache.store_export(path, key, &bytes);
        bytes
    })
}

/// The two files that hold the note `slug`'s text, made again: its file of notes' texts and
/// its file of the search index (the same notes are kept in both).
pub fn files_of_note(report: &Report, slug: &str) -> [(String, Vec<u8>); 2] {
    let (part, notes) = notes_in_part_of(report, slug);
    [
        (crate::urls::note_texts(part), note_texts_file(&notes)),
        (crate::urls::search_part(part), search_part(&notes)),
    ]
}

/// A key of everything a file of notes' texts is made from, for a session to reuse it.
fn note_texts_key(notes: &[&crate::model::Note]) -> u64 {
    crate::cache::hash_texts(notes.iter().flat_map(|n| {
        [
            n.slug.as_str(),
            &*n.body.source,
            &*n.body.html,
            &*n.body.text,
        ]
    }))
}

/// One file of notes' texts.
fn note_texts_file(notes: &[&crate::model::Note]) -> Vec<u8> {
    let file = JsonNoteTexts {
        version: REPORT_JSON_VERSION,
        notes: notes
            .iter()
            .map(|n| (n.slug.as_str(), JsonText::of(&n.body)))
            .collect(),
    };
    let mut out = serde_json::to_vec_pretty(&file).unwrap_or_default();
    out.push(b'\n');
    out
}

/// The JSON Schema (draft 2020-12) of report.json.
pub fn report_json_schema() -> serde_json::Value {
    schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<JsonReport<'static>>()
        .to_value()
}

/// The JSON Schema (draft 2020-12) of a file of notes' texts (`report-notes/NNN.json`).
pub fn note_texts_schema() -> serde_json::Value {
    schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<JsonNoteTexts<'static>>()
        .to_value()
}

impl<'a> JsonVendor<'a> {
    /// A vendor's dossier as the audience may see it, with its standing's figures.
    fn of(
        report: &'a Report,
        st: &'a Standing,
        v: &'a crate::model::Vendor,
        analysis: &Analysis,
    ) -> Self {
        JsonVendor {
            slug: &v.slug,
            name: &v.name,
            url: crate::urls::vendor(&v.slug),
            status: v.status,
            status_reason: v.status_reason.as_ref().map(JsonText::of),
            rank: st.rank,
            weighted_score: st.weighted_score.map(round4),
            coverage: round4(st.coverage),
            scored: st.scored,
            partner: st.partner,
            assessed: st.complete,
            score_range: [round4(st.score_range.0), round4(st.score_range.1)],
            win_probability: analysis.win_probability.get(&st.slug).copied().map(round4),
            below_minimum: &st.below_minimum,
            cost: crate::cost::of(report, v, st).map(|mut c| {
                c.total = (c.total * 100.0).round() / 100.0;
                c.per_point = c.per_point.map(|p| (p * 100.0).round() / 100.0);
                c
            }),
            pricing_withheld: v.pricing_withheld,
            unsupported: &st.unsupported,
            website: v.website.as_deref(),
            headquarters: v.headquarters.as_deref(),
            founded: v.founded,
            employees: v.employees,
            summary: v.summary.as_ref().map(JsonText::of),
            services: &v.services,
            pricing: v.pricing.as_ref(),
            track_record: v.track_record.as_ref(),
            references: &v.references,
            strengths: &v.strengths,
            concerns: &v.concerns,
            risks: &v.risks,
            contacts: &v.contacts,
            tags: &v.tags,
            extra: &v.extra,
            scores: v
                .scores
                .iter()
                .map(|(id, s)| {
                    let level = report
                        .criterion(id)
                        .and_then(|c| c.level_of(s.score))
                        .map(|d| &*d.text);
                    (id.as_str(), JsonScore::of(s, level))
                })
                .collect(),
        }
    }
}

impl<'a> JsonScore<'a> {
    fn of(s: &'a crate::model::Score, level: Option<&'a str>) -> Self {
        JsonScore {
            score: round4(s.score),
            rationale: s.rationale.as_ref().map(JsonText::of),
            feedback: s.feedback.as_ref().map(JsonText::of),
            advantage: s.advantage.as_ref().map(JsonText::of),
            evidence: &s.evidence,
            confidential_evidence: s.withheld,
            evidence_grade: s.grade,
            evidence_age_days: s.evidence_age_days,
            by: &s.by,
            spread: round4(s.spread),
            disagreement: s.disagreement,
            consensus: s.consensus,
            agreed_reason: s.agreed_reason.as_deref(),
            level,
            individual: s
                .individual
                .iter()
                .map(|(id, own)| {
                    let own = JsonIndividual {
                        rationale: own.rationale.as_ref().map(JsonText::of),
                        feedback: own.feedback.as_ref().map(JsonText::of),
                        evidence: &own.evidence,
                        date: own.date.as_deref(),
                    };
                    (id.as_str(), own)
                })
                .collect(),
        }
    }
}

/// Rounds away floating-point noise so that the JSON reads like the page.
fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// report.json as a document to print.
fn document<'a>(
    report: &'a Report,
    standings: &'a [Standing],
    analysis: &'a Analysis,
    changes: Option<&'a crate::changes::Changes>,
) -> JsonReport<'a> {
    let vendors = standings
        .iter()
        .filter_map(|st| {
            Some(JsonVendor::of(
                report,
                st,
                report.vendor(&st.slug)?,
                analysis,
            ))
        })
        .collect();
    JsonReport {
        version: REPORT_JSON_VERSION,
        generator: format!("shortlist {}", env!("CARGO_PKG_VERSION")),
        title: &report.title,
        organisation: report.organisation.as_deref(),
        audience: report.audience.as_str(),
        base_url: &report.base_url,
        summary: report.summary.as_ref().map(JsonText::of),
        recommendation: report.recommendation.as_ref().map(JsonText::of),
        scale: JsonScale {
            min: report.scale.min,
            max: report.scale.max,
        },
        levels: &report.levels,
        partner_threshold: report.partner_threshold,
        date: report.date.as_deref(),
        sensitivity: analysis
            .criteria
            .iter()
            .map(|f| JsonFlip {
                criterion: &f.criterion,
                weight: report.criterion(&f.criterion).map_or(0.0, |c| c.weight),
                share: round4(f.share),
                keeps_leader: [round4(f.keeps_leader.0), round4(f.keeps_leader.1)],
                flips_to: f.flips_to.as_deref(),
                at: f.at.map(round4),
                at_weight: f.at_weight.map(round4),
            })
            .collect(),
        argument: analysis.argument.as_ref().map(JsonArgument::of),
        robustness: &report.robustness,
        contract: report.contract.as_ref(),
        award: report.award.as_ref(),
        evaluators: &report.evaluators,
        changes,
        risks: crate::score::risk_register(report, standings)
            .into_iter()
            .map(|(r, v, _)| JsonRisk {
                vendor: &v.slug,
                title: &r.title,
                likelihood: r.likelihood,
                impact: r.impact,
                severity: r.severity(),
                mitigation: r.mitigation.as_deref(),
                owner: r.owner.as_deref(),
            })
            .collect(),
        criteria: report
            .criteria
            .iter()
            .map(|c| JsonCriterion {
                id: &c.id,
                name: &c.name,
                url: crate::urls::criterion(&c.id),
                weight: c.weight,
                question: c.question.as_deref(),
                description: c.description.as_ref().map(JsonText::of),
                minimum: c.minimum,
                levels: &c.levels,
            })
            .collect(),
        vendors,
        notes: {
            let parts = note_texts_parts(report.notes.len());
            report
                .notes
                .iter()
                .map(|n| JsonNote::of(n, parts))
                .collect()
        },
        inputs: JsonInputs {
            digest: &report.inputs.digest,
            count: report.inputs.count,
            files: &report.inputs.files,
            previous: changes.and_then(|c| c.since_digest.as_deref()),
        },
    }
}

/// report.json: the report as built for one audience (the notes' texts apart: [`note_texts`]).
pub fn report_json(
    report: &Report,
    standings: &[Standing],
    analysis: &Analysis,
    changes: Option<&crate::changes::Changes>,
) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(&document(report, standings, analysis, changes))
        .unwrap_or_default();
    out.push(b'\n');
    out
}

/// report.json's key of the fingerprint, as the pretty printer writes it: at the top level
/// (two spaces in, after a line break, which no string in the file holds unescaped).
const INPUTS_KEY: &[u8] = b"\n  \"inputs\": {";

/// report.json (`bytes`) with `old` replaced by `new`, of the same length, where it first
/// appears in the fingerprint (`inputs`, written last): a digest that a note's edit changed.
/// False when it is not there.
pub fn with_digest(bytes: &mut [u8], old: &str, new: &str) -> bool {
    let Some(from) = memchr::memmem::rfind(bytes, INPUTS_KEY) else {
        return false;
    };
    if old.len() != new.len() || old.is_empty() {
        return false;
    }
    match memchr::memmem::find(&bytes[from..], old.as_bytes()) {
        Some(at) => {
            bytes[from + at..from + at + old.len()].copy_from_slice(new.as_bytes());
            true
        }
        None => false,
    }
}

/// Text that a spreadsheet would take for a formula gets a leading `'` (OWASP's advice).
pub fn defuse(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r', '|', '%']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

pub fn matrix_csv(report: &Report, standings: &[Standing], analysis: &Analysis) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = [
        "rank",
        "vendor",
        "slug",
        "status",
        "weighted_score",
        "coverage",
        "partner",
        "win_probability",
        "total_cost",
    ]
    .map(String::from)
    .to_vec();
    header.extend(report.criteria.iter().map(|c| defuse(&c.id)));
    let mut rows = vec![header];
    for st in standings {
        let Some(v) = report.vendor(&st.slug) else {
            continue;
        };
        let mut row = vec![
            st.rank.to_string(),
            defuse(&v.name),
            v.slug.clone(),
            v.status.to_string(),
            st.weighted_score
                .map(|s| format!("{s:.2}"))
                .unwrap_or_default(),
            format!("{}/{}", st.scored, st.total),
            st.verdict().as_str().to_string(),
            analysis
                .win_probability
                .get(&st.slug)
                .map(|p| format!("{p:.4}"))
                .unwrap_or_default(),
            crate::cost::of(report, v, st)
                .map(|c| format!("{:.0}", c.total))
                .unwrap_or_default(),
        ];
        row.extend(report.criteria.iter().map(|c| {
            v.scores
                .get(&c.id)
                .map(|s| format_number(s.score))
                .unwrap_or_default()
        }));
        rows.push(row);
    }
    for row in rows {
        // Writing to a Vec cannot fail.
        let _ = w.write_record(&row);
    }
    w.into_inner().unwrap_or_default()
}

/// How many characters of a page's text the search index holds.
const CLIP: usize = 4000;

/// One document of the search index: title, kind, address and text (clipped).
#[derive(Serialize)]
struct SearchDoc {
    t: String,
    k: String,
    u: String,
    x: String,
}

/// The search index as scripts, not JSON, so that they load from `file://` too, where pages may
/// not fetch files: `search-index.js` sets `window.shortlistSearch` to the vendors and criteria
/// and `window.shortlistSearchFiles` to the files of the notes, each of which adds its notes
/// to the list. The notes (most of the index) are kept in the parts their texts are kept in,
/// so that a note's edit rewrites one small file. The search page loads them all, in order.
pub fn search_index(report: &Report, cache: &crate::cache::Cache) -> Vec<(String, Arc<Vec<u8>>)> {
    let clip = |s: String| -> String { s.chars().take(CLIP).collect() };
    let rich =
        |r: &Option<crate::model::Rich>| r.as_ref().map(|r| r.text.to_string()).unwrap_or_default();
    let mut docs = Vec::new();
    for v in &report.vendors {
        let mut x = rich(&v.summary);
        for s in v
            .services
            .iter()
            .chain(&v.strengths)
            .chain(&v.concerns)
            .chain(&v.tags)
        {
            x.push(' ');
            x.push_str(s);
        }
        for s in v.scores.values() {
            x.push(' ');
            x.push_str(&rich(&s.rationale));
        }
        for c in v.track_record.iter().flat_map(|t| &t.case_studies) {
            x.push_str(&format!(
                " {} {}",
                c.title,
                c.outcome.as_deref().unwrap_or_default()
            ));
        }
        for r in &v.references {
            x.push_str(&format!(" {}", r.summary.as_deref().unwrap_or_default()));
        }
        for r in &v.risks {
            x.push_str(&format!(" {}", r.title));
        }
        docs.push(SearchDoc {
            t: v.name.clone(),
            k: "Vendor".into(),
            u: crate::urls::vendor(&v.slug),
            x: clip(x),
        });
    }
    for c in &report.criteria {
        let x = format!(
            "{} {}",
            c.question.clone().unwrap_or_default(),
            rich(&c.description)
        );
        docs.push(SearchDoc {
            t: c.name.clone(),
            k: "Criterion".into(),
            u: crate::urls::criterion(&c.id),
            x: clip(x),
        });
    }
    let parts = notes_by_part(report);
    let files: Vec<String> = parts
        .iter()
        .map(|(i, _)| crate::urls::search_part(*i))
        .collect();
    let mut first = b"window.shortlistSearch = ".to_vec();
    first.extend(serde_json::to_vec(&docs).unwrap_or_else(|_| b"[]".to_vec()));
    first.extend(b";\nwindow.shortlistSearchFiles = ");
    first.extend(serde_json::to_vec(&files).unwrap_or_else(|_| b"[]".to_vec()));
    first.extend(b";\n");
    let mut out = vec![(crate::urls::SEARCH_INDEX.to_string(), Arc::new(first))];
    out.par_extend(parts.into_par_iter().map(|(i, notes)| {
        let path = crate::urls::search_part(i);
        let bytes = reused(cache, &path, &notes, search_part_key, search_part);
        (path, bytes)
    }));
    out
}

/// The files of the search index, in the order the search page loads them: `search-index.js`,
/// then those of the notes.
pub fn search_files(report: &Report) -> Vec<String> {
    std::iter::once(crate::urls::SEARCH_INDEX.to_string())
        .chain(
            notes_by_part(report)
                .iter()
                .map(|(i, _)| crate::urls::search_part(*i)),
        )
        .collect()
}

/// A key of everything a file of the search index's notes is made from.
fn search_part_key(notes: &[&crate::model::Note]) -> u64 {
    crate::cache::hash_texts(notes.iter().flat_map(|n| {
        [
            n.slug.as_str(),
            n.title.as_str(),
            n.kind.as_str(),
            n.date.as_str(),
            n.author.as_deref().unwrap_or("\u{0}"),
            &*n.body.text,
        ]
    }))
}

/// One file of the search index's notes: a script that adds them to `window.shortlistSearch`.
fn search_part(notes: &[&crate::model::Note]) -> Vec<u8> {
    let docs: Vec<SearchDoc> = notes
        .iter()
        .map(|n| {
            let author = n.author.iter().flat_map(|a| " ".chars().chain(a.chars()));
            SearchDoc {
                t: n.title.clone(),
                k: format!("{}, {}", n.kind.label(), n.date),
                u: crate::urls::note(&n.slug),
                x: n.body.text.chars().chain(author).take(CLIP).collect(),
            }
        })
        .collect();
    let mut out = b"window.shortlistSearch.push.apply(window.shortlistSearch, ".to_vec();
    out.extend(serde_json::to_vec(&docs).unwrap_or_else(|_| b"[]".to_vec()));
    out.extend(b");\n");
    out
}

/// A sitemap of every page, at its canonical address under the absolute `base` URL.
pub fn sitemap(base: &str, pages: &[&str]) -> Vec<u8> {
    let mut pages: Vec<&str> = pages
        .iter()
        .copied()
        .filter(|p| p.ends_with(".html"))
        .collect();
    pages.sort_unstable();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for page in pages {
        let path = crate::urls::folder_of(page);
        xml.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
            xml_escape(&format!("{base}{path}"))
        ));
    }
    xml.push_str("</urlset>\n");
    xml.into_bytes()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// A piece of Markdown in a debrief: HTML without links to a site the bidder does not have,
/// and plain text (the Markdown is never given).
#[derive(Serialize)]
struct DebriefText {
    html: String,
    text: String,
}

impl DebriefText {
    fn of(rich: &Rich) -> Self {
        DebriefText {
            html: crate::markdown::without_site_links(&rich.html),
            text: rich.text.to_string(),
        }
    }
}

/// report.json of a bidder's debrief: what its page shows, and nothing else.
#[derive(Serialize)]
struct JsonDebrief<'a> {
    version: u32,
    generator: String,
    audience: &'static str,
    title: &'a str,
    organisation: Option<&'a str>,
    date: Option<&'a str>,
    scale: crate::model::Scale,
    partner_threshold: f64,
    levels: &'a [crate::model::Descriptor],
    criteria: Vec<JsonDebriefCriterion<'a>>,
    /// The panel, by role.
    evaluators: &'a [String],
    bidder: JsonBidder<'a>,
    selected: Option<JsonSelected<'a>>,
    /// The award decision, when report.yaml gives one.
    award: Option<&'a crate::model::Award>,
    notes: Vec<JsonDebriefNote<'a>>,
}

/// The selected (else the leading) provider: its scores, and its name only when allowed.
#[derive(Serialize)]
struct JsonSelected<'a> {
    name: Option<&'a str>,
    chosen: bool,
    weighted_score: Option<f64>,
    scores: BTreeMap<&'a str, f64>,
    /// What made each of its scores an advantage, in the panel's words.
    advantages: BTreeMap<&'a str, DebriefText>,
}

#[derive(Serialize)]
struct JsonDebriefCriterion<'a> {
    id: &'a str,
    name: &'a str,
    weight: f64,
    question: Option<&'a str>,
    description: Option<DebriefText>,
    minimum: Option<f64>,
    levels: &'a [crate::model::Descriptor],
}

#[derive(Serialize)]
struct JsonBidder<'a> {
    slug: &'a str,
    name: &'a str,
    /// Its status (`selected`, `rejected`...) and the reason written for it.
    status: &'static str,
    status_reason: Option<DebriefText>,
    /// Its place among the providers assessed on every criterion.
    rank: Option<usize>,
    assessed: usize,
    weighted_score: Option<f64>,
    verdict: &'static str,
    /// Whether it is the selected (else the leading) provider.
    selected: bool,
    /// Whether it was chosen (`status: selected`), not only ranked first.
    chosen: bool,
    scores: BTreeMap<&'a str, JsonDebriefScore<'a>>,
    strengths: &'a [String],
    concerns: &'a [String],
}

#[derive(Serialize)]
struct JsonDebriefScore<'a> {
    score: f64,
    level: Option<&'a str>,
    /// What the panel tells the bidder of it (never the panel's rationale).
    feedback: Option<DebriefText>,
    /// The notes of `notes` behind it, by their `id`.
    evidence: Vec<String>,
    /// Notes behind the score that the debrief leaves out.
    withheld_evidence: usize,
}

#[derive(Serialize)]
struct JsonDebriefNote<'a> {
    /// `note-N`, by its place in the list: never its file name, which may name a rival.
    id: String,
    title: &'a str,
    date: &'a str,
    kind: crate::model::NoteKind,
    body: DebriefText,
}

/// report.json of the debrief `d`.
pub fn debrief_json(d: &crate::debrief::Debrief) -> Vec<u8> {
    let b = &d.bidder;
    let criterion = |id: &str| d.criteria.iter().find(|c| c.id == id);
    let note_id = |slug: &str| {
        d.notes
            .iter()
            .position(|n| n.slug == slug)
            .map(|i| format!("note-{}", i + 1))
    };
    let json = JsonDebrief {
        version: DEBRIEF_JSON_VERSION,
        generator: format!("shortlist {}", env!("CARGO_PKG_VERSION")),
        audience: crate::model::Audience::Bidder.as_str(),
        title: &d.title,
        organisation: d.organisation.as_deref(),
        date: d.date.as_deref(),
        scale: d.scale,
        partner_threshold: d.partner_threshold,
        levels: &d.levels,
        criteria: d
            .criteria
            .iter()
            .map(|c| JsonDebriefCriterion {
                id: &c.id,
                name: &c.name,
                weight: c.weight,
                question: c.question.as_deref(),
                description: c.description.as_ref().map(DebriefText::of),
                minimum: c.minimum,
                levels: &c.levels,
            })
            .collect(),
        evaluators: &d.evaluators,
        bidder: JsonBidder {
            slug: &b.slug,
            name: &b.name,
            status: b.status.as_str(),
            status_reason: b.status_reason.as_ref().map(DebriefText::of),
            rank: b.rank,
            assessed: d.assessed,
            weighted_score: b.weighted_score.map(round4),
            verdict: b.verdict.as_str(),
            selected: b.selected,
            chosen: b.chosen,
            scores: b
                .scores
                .iter()
                .map(|(id, s)| {
                    let score = JsonDebriefScore {
                        score: round4(s.score),
                        level: criterion(id)
                            .and_then(|c| c.level_of(s.score))
                            .map(|l| &*l.text),
                        feedback: s.feedback.as_ref().map(DebriefText::of),
                        evidence: s.evidence.iter().filter_map(|e| note_id(e)).collect(),
                        withheld_evidence: s.withheld,
                    };
                    (id.as_str(), score)
                })
                .collect(),
            strengths: &b.strengths,
            concerns: &b.concerns,
        },
        selected: d.selected.as_ref().map(|s| JsonSelected {
            name: s.name.as_deref(),
            chosen: s.chosen,
            weighted_score: s.weighted_score.map(round4),
            scores: s
                .scores
                .iter()
                .map(|(id, x)| (id.as_str(), round4(*x)))
                .collect(),
            advantages: s
                .advantages
                .iter()
                .map(|(id, a)| (id.as_str(), DebriefText::of(a)))
                .collect(),
        }),
        award: d.award.as_ref(),
        notes: d
            .notes
            .iter()
            .enumerate()
            .map(|(i, n)| JsonDebriefNote {
                id: format!("note-{}", i + 1),
                title: &n.title,
                date: &n.date,
                kind: n.kind,
                body: DebriefText::of(&n.body),
            })
            .collect(),
    };
    let mut out = serde_json::to_vec_pretty(&json).unwrap_or_default();
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(slug: &str, date: &str, text: &str, vendors: &[&str]) -> crate::model::Note {
        crate::model::Note {
            slug: slug.into(),
            title: format!("Note \"{slug}\"\n"),
            date: date.into(),
            vendors: vendors.iter().map(|v| v.to_string()).collect(),
            criteria: vec![],
            kind: crate::model::NoteKind::Demo,
            author: None,
            confidential: false,
            share_with_bidder: false,
            draft: false,
            tags: vec![],
            body: crate::model::Rich {
                source: format!("# {text}\n\n- a\n- b\n").into(),
                html: format!("<h1>{text}</h1>\n<ul><li>a</li></ul>\n").into(),
                headings: vec![],
                links: vec![],
                text: text.into(),
            },
            source: format!("notes/{slug}.md"),
        }
    }

    #[test]
    fn note_texts_are_kept_about_twenty_to_a_file_each_note_naming_its_own() {
        assert_eq!(
            [0, 1, 20, 21, 40, 41, 500, 10_000].map(note_texts_parts),
            [1, 1, 1, 2, 2, 4, 32, 512]
        );
        // FNV-1a, 32 bits, worked by hand for "a": (0x811c9dc5 ^ 0x61) * 0x01000193 mod 2^32.
        assert_eq!(note_texts_part("a", usize::MAX), 0xe40c_292c);
        assert_eq!(note_texts_part("a", 4), 0xe40c_292c % 4);
        assert_eq!(note_texts_part("anything", 1), 0);

        let mut report = crate::score::testing::report(vec![]);
        report.notes = (0..45)
            .map(|i| note(&format!("n{i:02}"), "2026-01-02", &format!("text {i}"), &[]))
            .collect();
        let standings = crate::score::rank(&report);
        let analysis = crate::sensitivity::analyse(&report, &standings);
        let json: serde_json::Value =
            serde_json::from_slice(&report_json(&report, &standings, &analysis, None)).unwrap();
        assert_eq!(json["version"], 3);
        let files: BTreeMap<String, serde_json::Value> = note_texts(&report, &Default::default())
            .into_iter()
            .map(|(path, bytes)| (path, serde_json::from_slice(&bytes).unwrap()))
            .collect();
        // 45 notes: four files, none empty among them, every note in exactly one.
        assert!(files.len() <= 4 && files.len() > 1, "{:?}", files.keys());
        let held: usize = files
            .values()
            .map(|f| f["notes"].as_object().unwrap().len())
            .sum();
        assert_eq!(held, 45);
        for (i, n) in json["notes"].as_array().unwrap().iter().enumerate() {
            let slug = n["slug"].as_str().unwrap();
            let file = &files[n["body_file"].as_str().unwrap()];
            assert_eq!(file["version"], 3);
            assert_eq!(file["notes"][slug]["text"], format!("text {i}"));
            assert!(n.get("body").is_none());
        }
        // One note's file made again is the file a whole build makes.
        report.notes[7].body.text = "edited".into();
        let [(path, bytes), _] = files_of_note(&report, "n07");
        let whole = note_texts(&report, &Default::default());
        let same = whole.iter().find(|(p, _)| *p == path).unwrap();
        assert_eq!(*same.1, bytes);
        assert!(
            String::from_utf8(bytes)
                .unwrap()
                .contains("\"text\": \"edited\"")
        );
    }

    #[test]
    fn the_search_index_lists_its_files_and_holds_every_note_once() {
        let mut report = crate::score::testing::report(vec![]);
        report.notes = (0..45)
            .map(|i| note(&format!("n{i:02}"), "2026-01-02", &format!("word{i}"), &[]))
            .collect();
        let files = search_index(&report, &Default::default());
        let text = |b: &[u8]| String::from_utf8(b.to_vec()).unwrap();
        let (first, parts) = files.split_first().unwrap();
        assert_eq!(first.0, "search-index.js");
        let listed = text(&first.1);
        let listed = listed
            .split_once("window.shortlistSearchFiles = ")
            .unwrap()
            .1
            .trim_end()
            .trim_end_matches(';');
        let listed: Vec<String> = serde_json::from_str(listed).unwrap();
        let names: Vec<String> = parts.iter().map(|(p, _)| p.clone()).collect();
        assert_eq!(listed, names);
        assert_eq!(search_files(&report)[1..], names[..]);
        assert!(names.len() > 1 && names.iter().all(|n| n.starts_with("search-index/")));
        let mut found = Vec::new();
        for (path, bytes) in parts {
            let js = text(bytes);
            let array = js
                .strip_prefix("window.shortlistSearch.push.apply(window.shortlistSearch, ")
                .and_then(|j| j.strip_suffix(");\n"))
                .unwrap();
            for doc in serde_json::from_str::<Vec<serde_json::Value>>(array).unwrap() {
                let slug = doc["u"]
                    .as_str()
                    .unwrap()
                    .split('/')
                    .nth(1)
                    .unwrap()
                    .to_string();
                // Each note in the file its text is kept in.
                assert_eq!(
                    path.replace("search-index/", "report-notes/")
                        .replace(".js", ".json"),
                    crate::urls::note_texts(note_texts_part(&slug, note_texts_parts(45)))
                );
                found.push(slug);
            }
            let slug = found.last().unwrap().clone();
            let [_, search] = files_of_note(&report, &slug);
            assert_eq!(search, (path.clone(), bytes.to_vec()));
        }
        found.sort();
        let all: Vec<String> = (0..45).map(|i| format!("n{i:02}")).collect();
        assert_eq!(found, all);
    }

    #[test]
    fn a_sessions_files_of_notes_are_reused_only_while_every_input_is_as_it_was() {
        let mut report = crate::score::testing::report(vec![]);
        report.notes = vec![note("a", "2026-01-02", "text", &[])];
        let cache = crate::cache::Cache::remembering();
        let texts = |r: &Report| note_texts(r, &cache)[0].1.to_vec();
        let search = |r: &Report| search_index(r, &cache)[1].1.to_vec();
        let kept = Arc::new(b"kept".to_vec());
        let (first_texts, first_search) = (texts(&report), search(&report));
        // What the cache kept is what the next build takes, while the notes are the same:
        // marked here, to tell a file reused from one made again.
        let notes: Vec<&crate::model::Note> = report.notes.iter().collect();
        cache.store_export("report-notes/000.json", note_texts_key(&notes), &kept);
        cache.store_export("search-index/000.js", search_part_key(&notes), &kept);
        assert_eq!(texts(&report), b"kept");
        assert_eq!(search(&report), b"kept");
        // Each input changed alone makes both files again, or the one it is in.
        type Edit = fn(&mut crate::model::Note);
        let edits: [(&str, Edit, bool, bool); 6] = [
            (
                "source",
                |n| n.body.source = format!("{}x", n.body.source).into(),
                true,
                false,
            ),
            (
                "html",
                |n| n.body.html = format!("{}x", n.body.html).into(),
                true,
                false,
            ),
            (
                "text",
                |n| n.body.text = format!("{}x", n.body.text).into(),
                true,
                true,
            ),
            ("title", |n| n.title.push('x'), false, true),
            ("date", |n| n.date = "2026-01-03".into(), false, true),
            ("author", |n| n.author = Some("x".into()), false, true),
        ];
        for (what, edit, in_texts, in_search) in edits {
            let mut edited = report.clone();
            edit(&mut edited.notes[0]);
            assert_eq!(texts(&edited) != b"kept", in_texts, "{what}");
            assert_eq!(search(&edited) != b"kept", in_search, "{what}");
            // Put back what this edit's files replaced.
            cache.store_export("report-notes/000.json", note_texts_key(&notes), &kept);
            cache.store_export("search-index/000.js", search_part_key(&notes), &kept);
        }
        // A cache that keeps nothing makes every file.
        let single = crate::cache::Cache::default();
        assert_eq!(*note_texts(&report, &single)[0].1, first_texts);
        assert_eq!(*search_index(&report, &single)[1].1, first_search);
    }

    #[test]
    fn a_digest_is_replaced_in_the_fingerprint_only() {
        let old = "sha256:aaaa";
        let mut bytes = format!(
            "{{\n  \"summary\": \"{old}\",\n  \"inputs\": {{\n    \"digest\": \"{old}\"\n  }}\n}}\n"
        )
        .into_bytes();
        assert!(with_digest(&mut bytes, old, "sha256:bbbb"));
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.contains("\"summary\": \"sha256:aaaa\""), "{text}");
        assert!(text.contains("\"digest\": \"sha256:bbbb\""), "{text}");
        // Not there, or not of the same length: nothing changes, and the caller hears of it.
        assert!(!with_digest(&mut bytes, "sha256:cccc", "sha256:dddd"));
        assert!(!with_digest(&mut bytes, "sha256:bbbb", "sha256:dd"));
        assert_eq!(String::from_utf8(bytes).unwrap(), text);
    }

    #[test]
    fn the_sitemap_lists_pages_at_their_canonical_addresses() {
        let xml = String::from_utf8(sitemap(
            "https://intra.example/r?a=1&b=2/",
            &["index.html", "vendors/acme/index.html", "report.json"],
        ))
        .unwrap();
        assert!(
            xml.contains("<loc>https://intra.example/r?a=1&amp;b=2/</loc>"),
            "{xml}"
        );
        assert!(
            xml.contains("<loc>https://intra.example/r?a=1&amp;b=2/vendors/acme/</loc>"),
            "{xml}"
        );
        assert!(!xml.contains("report.json"));
    }

    #[test]
    fn formulas_are_defused() {
        assert_eq!(defuse("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse("+1"), "'+1");
        assert_eq!(defuse("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defuse("Brightpath"), "Brightpath");
    }
}

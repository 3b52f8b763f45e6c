//! The validated report: the only types scoring and rendering ever see.
//!
//! Everything here has been checked by `validate`: slugs follow the rules, scores lie on the
//! scale and name real criteria, evidence names real notes, Markdown is already safe HTML.
//! Maps are `BTreeMap` and lists are sorted, so the same input always gives the same output.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// Who a build is for: the evaluation team, anyone it is shared with, or one bidder.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Everything, confidential material included.
    #[default]
    Internal,
    /// No confidential notes, no `confidential: true` blocks, no contacts.
    Shareable,
    /// One provider's debrief: its own assessment and the selected provider's scores, and
    /// nothing else of any other provider (the bidder is named by the build, not here).
    Bidder,
}

impl Audience {
    /// The audiences report.yaml's `audience` may name (a bidder is only ever asked for on
    /// the command line, with the bidder's slug).
    pub const ALL: [(&'static str, Audience); 2] = [
        ("internal", Audience::Internal),
        ("shareable", Audience::Shareable),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Internal => "internal",
            Audience::Shareable => "shareable",
            Audience::Bidder => "bidder",
        }
    }

    /// What this audience's version holds, as every page's header and footer say it.
    pub fn label(self) -> &'static str {
        match self {
            Audience::Internal => "includes confidential notes, pricing and contacts; do not share",
            Audience::Shareable => "confidential notes, pricing and contacts are left out",
            Audience::Bidder => "your tender's assessment, prepared for you alone",
        }
    }
}

/// The whole evaluation, ready to score and render.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Report {
    pub title: String,
    pub audience: Audience,
    pub organisation: Option<String>,
    pub summary: Option<Rich>,
    /// The panel's own words on whom it recommends, and why.
    pub recommendation: Option<Rich>,
    /// What each score on the scale means, lowest score first (report.yaml's `levels`).
    pub levels: Vec<Descriptor>,
    /// The digests of the content the report was built from (set after validation).
    pub inputs: InputDigests,
    pub theme: String,
    pub base_url: String,
    pub scale: Scale,
    pub partner_threshold: f64,
    /// The date the report speaks for (`YYYY-MM-DD`): report.yaml's `date`, or the newest
    /// note's, so that the same files always give the same ages.
    pub date: Option<String>,
    pub evidence: EvidenceRules,
    pub robustness: Robustness,
    /// The contract costs are compared over, if report.yaml gives one.
    pub contract: Option<Contract>,
    /// The panel, in report.yaml's order.
    pub evaluators: Vec<Evaluator>,
    /// The spread of the panel's scores from which they disagree.
    pub disagreement_spread: f64,
    /// Whether a shareable build names evaluators by role only.
    pub hide_evaluator_names_when_shared: bool,
    /// When names are hidden: each evaluator's id in report.yaml, and the id it is shown by
    /// (`evaluator-N`), for reading an earlier round's report.json, which may know it by the
    /// first. Empty otherwise.
    #[serde(skip)]
    #[schemars(skip)]
    pub evaluator_aliases: BTreeMap<String, String>,
    /// report.yaml's `previous`: the report.json of the last round, relative to the project.
    pub previous: Option<String>,
    /// Whether a bidder's debrief names the selected provider (report.yaml's
    /// `debrief: { name_winner: true }`); else it is "the selected provider".
    pub debrief_names_winner: bool,
    /// The award decision, as bidders' debriefs tell it (report.yaml's `award`).
    pub award: Option<Award>,
    pub limits: Limits,
    pub criteria: Vec<Criterion>,
    /// Sorted by slug; `score::rank` gives the ranking.
    pub vendors: Vec<Vendor>,
    /// Sorted by date, then slug.
    pub notes: Vec<Note>,
    /// Files under `content/assets/`, relative to `content/`, sorted.
    pub assets: Vec<String>,
}

/// The award decision: when it was made, when the standstill period ends, whom to ask.
#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Award {
    /// `YYYY-MM-DD`.
    pub decision: Option<String>,
    /// `YYYY-MM-DD`.
    pub standstill_ends: Option<String>,
    pub contact: Option<String>,
}

/// Markdown rendered to sanitized HTML; links to the site root are behind `markdown::ROOT`.
/// Its texts are shared with the rendering the cache keeps, so a build that reuses it copies
/// none of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Rich {
    /// The Markdown as written, for exports.
    #[serde(skip)]
    pub source: Arc<str>,
    pub html: Arc<str>,
    pub headings: Vec<Heading>,
    /// The content files it links to or shows, relative to `content/`, sorted.
    #[serde(skip)]
    pub links: Vec<String>,
    /// The plain text of the HTML, for exports and the search index.
    #[serde(skip)]
    pub text: Arc<str>,
}

pub use crate::rules::{TOLERANCE, same_figure};

/// A heading of a rendered document, for a table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// The deepest nesting of quotes, lists and HTML elements Markdown is sanitized to; deeper
/// text is not shown (an error against the project's own, lower limit). The sanitizer's time
/// grows with the square of the depth (100,000 nested quotes, 100 KB of `>`, take 20 s; 2,000
/// take about 10 ms).
pub const MAX_NESTING: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Scale {
    pub min: f64,
    pub max: f64,
}

impl Scale {
    pub fn contains(&self, value: f64) -> bool {
        value >= self.min && value <= self.max
    }

    /// Where `value` sits on the scale, from 0 (min) to 1 (max).
    pub fn fraction(&self, value: f64) -> f64 {
        ((value - self.min) / (self.max - self.min)).clamp(0.0, 1.0)
    }

    /// One of five colour steps (1 to 5) for a value, 3 being the middle of the scale.
    pub fn step(&self, value: f64) -> u8 {
        (1.0 + (self.fraction(value) * 4.0).round()) as u8
    }
}

impl Default for Scale {
    fn default() -> Self {
        Scale { min: 1.0, max: 5.0 }
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Criterion {
    pub id: String,
    pub name: String,
    pub weight: f64,
    pub question: Option<String>,
    pub description: Option<Rich>,
    /// A must-have floor: a vendor scoring under it is never a partner.
    pub minimum: Option<f64>,
    /// What each score means on this criterion: the scale's `levels`, with the criterion's own
    /// in their place; lowest score first.
    pub levels: Vec<Descriptor>,
}

/// The fingerprint of the content a report was built from (see `content::digest`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct InputDigests {
    /// SHA-256 over every content file's path and digest: `sha256:` and 64 hex digits.
    pub digest: String,
    /// How many files it covers.
    pub count: usize,
    /// Each file's digest, by its path under `content/`; empty outside internal builds, where
    /// the paths of confidential notes would show.
    pub files: std::collections::BTreeMap<String, String>,
}

/// What one score on the scale means.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Descriptor {
    pub score: f64,
    pub text: String,
}

impl Criterion {
    /// The descriptor of `score` on this criterion, when one is written for exactly that score
    /// (a panel's mean between two levels has none).
    pub fn level_of(&self, score: f64) -> Option<&Descriptor> {
        self.levels
            .iter()
            .find(|d| crate::rules::same_figure(d.score, score))
    }
}

/// Where a vendor stands in the selection process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Longlisted,
    Shortlisted,
    Finalist,
    Selected,
    Rejected,
}

impl Status {
    pub const ALL: [(&'static str, Status); 5] = [
        ("longlisted", Status::Longlisted),
        ("shortlisted", Status::Shortlisted),
        ("finalist", Status::Finalist),
        ("selected", Status::Selected),
        ("rejected", Status::Rejected),
    ];

    pub fn as_str(self) -> &'static str {
        Status::ALL
            .iter()
            .find(|(_, s)| *s == self)
            .map_or("longlisted", |(n, _)| n)
    }

    /// Names of earlier versions, still read (with a warning to write the new one).
    pub const OLD_NAMES: [(&'static str, Status); 1] = [("longlist", Status::Longlisted)];

    /// The status a name stands for, old names included.
    pub fn named(name: &str) -> Option<Status> {
        Status::ALL
            .iter()
            .chain(Status::OLD_NAMES.iter())
            .find(|(n, _)| *n == name)
            .map(|(_, s)| *s)
    }

    /// Still in the running past the long list.
    pub fn is_shortlisted(self) -> bool {
        matches!(
            self,
            Status::Shortlisted | Status::Finalist | Status::Selected
        )
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Vendor {
    pub slug: String,
    pub name: String,
    pub status: Status,
    /// Why it has that status, for its own debrief only.
    pub status_reason: Option<Rich>,
    pub website: Option<String>,
    pub headquarters: Option<String>,
    pub founded: Option<i32>,
    pub employees: Option<u64>,
    pub summary: Option<Rich>,
    pub services: Vec<String>,
    pub pricing: Option<Pricing>,
    /// Whether this audience may not see the pricing (it was confidential): shown as withheld,
    /// never as unknown or zero.
    pub pricing_withheld: bool,
    pub track_record: Option<TrackRecord>,
    pub references: Vec<Reference>,
    /// Keyed by criterion id.
    pub scores: BTreeMap<String, Score>,
    pub strengths: Vec<String>,
    pub concerns: Vec<String>,
    pub risks: Vec<Risk>,
    pub contacts: Vec<Contact>,
    pub tags: Vec<String>,
    pub extra: BTreeMap<String, serde_json::Value>,
    /// The dossier's path relative to `content/`.
    pub source: String,
}

/// What a vendor charges.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pricing {
    /// How the vendor charges (per day, per learner, fixed fee...).
    pub model: Option<String>,
    /// The fee for a year of the contract.
    pub annual_estimate: Option<f64>,
    /// A fee paid once (set-up, transition).
    pub one_off: Option<f64>,
    /// The share of the fees tied to outcomes, from 0 to 1.
    pub at_risk: Option<f64>,
    /// The currency of the figures (GBP, EUR...); the contract's currency when left out.
    pub currency: Option<String>,
    /// Anything else about the price.
    pub notes: Option<String>,
    /// Leave the pricing out of shareable builds.
    #[serde(default)]
    pub confidential: bool,
}

/// What a vendor has done before.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackRecord {
    /// How many years the vendor has worked in learning and development.
    pub years_in_learning: Option<u32>,
    /// Comparable work the vendor has done.
    #[serde(default)]
    pub case_studies: Vec<CaseStudy>,
}

/// One piece of comparable work.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseStudy {
    /// What the work was.
    pub title: String,
    /// Who it was for.
    pub client: Option<String>,
    /// When it was done.
    pub year: Option<i32>,
    /// What came of it.
    pub outcome: Option<String>,
    /// Whether the panel confirmed it with the client.
    #[serde(default)]
    pub verified: bool,
    /// Leave it out of shareable builds.
    #[serde(default)]
    pub confidential: bool,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Reference {
    pub name: String,
    pub role: Option<String>,
    pub organisation: Option<String>,
    pub date: Option<String>,
    pub sentiment: Option<Sentiment>,
    pub summary: Option<String>,
    pub confidential: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sentiment {
    Positive,
    Mixed,
    Neutral,
    Negative,
}

impl Sentiment {
    pub const ALL: [(&'static str, Sentiment); 4] = [
        ("positive", Sentiment::Positive),
        ("mixed", Sentiment::Mixed),
        ("neutral", Sentiment::Neutral),
        ("negative", Sentiment::Negative),
    ];
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Risk {
    pub title: String,
    pub likelihood: Option<Level>,
    pub impact: Option<Level>,
    pub mitigation: Option<String>,
    pub owner: Option<String>,
    pub confidential: bool,
}

impl Risk {
    /// Likelihood × impact, each counted 1 (low) to 3 (high): 1 to 9, or 0 when either is not
    /// rated.
    pub fn severity(&self) -> u8 {
        let level = |l: Option<Level>| l.map_or(0, |l| l as u8 + 1);
        level(self.likelihood) * level(self.impact)
    }

    pub fn severity_label(&self) -> &'static str {
        match self.severity() {
            0 => "unrated",
            1..=2 => "low",
            3..=4 => "medium",
            _ => "high",
        }
    }
}

/// Low, medium or high: the likelihood or impact of a risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Low,
    Medium,
    High,
}

impl Level {
    pub const ALL: [(&'static str, Level); 3] = [
        ("low", Level::Low),
        ("medium", Level::Medium),
        ("high", Level::High),
    ];
}

/// A person to talk to at the vendor.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// The contact's name.
    pub name: String,
    /// Their role.
    pub role: Option<String>,
    /// Their email address.
    pub email: Option<String>,
    /// Their phone number.
    pub phone: Option<String>,
}

/// How much a score's evidence is worth, weakest first: who is speaking in the notes it cites.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    /// No note backs the score.
    #[default]
    None,
    /// Only the vendor's own words (an RFP answer).
    VendorClaim,
    /// The team saw it first-hand (a demo, an interview, its own internal notes).
    Observed,
    /// From outside the vendor and the team: its clients, a site visit.
    Independent,
}

impl Grade {
    pub const ALL: [(&'static str, Grade); 4] = [
        ("none", Grade::None),
        ("vendor_claim", Grade::VendorClaim),
        ("observed", Grade::Observed),
        ("independent", Grade::Independent),
    ];

    pub fn as_str(self) -> &'static str {
        Grade::ALL[self as usize].0
    }

    pub fn label(self) -> &'static str {
        match self {
            Grade::None => "no evidence",
            Grade::VendorClaim => "vendor's claim",
            Grade::Observed => "observed",
            Grade::Independent => "independent",
        }
    }
}

/// Limits on what a project may hold, so that a runaway file is an error, not a hang.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Limits {
    /// The largest content file, in MiB.
    pub file_size_mib: u64,
    /// The most files `content/` may hold.
    pub files: usize,
    /// The deepest nesting of quotes, lists and HTML elements in a piece of Markdown.
    pub markdown_nesting: usize,
    /// The largest file under `content/assets/`, in MiB.
    pub asset_size_mib: u64,
    /// The most HTML one piece of Markdown (a note, a rationale) may make, in MiB.
    pub rendered_mib: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            file_size_mib: 8,
            files: 50_000,
            markdown_nesting: 500,
            asset_size_mib: 256,
            rendered_mib: 8,
        }
    }
}

impl Limits {
    /// The largest values report.yaml may set: beyond them the limits stop protecting.
    pub const CEILING: Limits = Limits {
        file_size_mib: 64,
        files: 1_000_000,
        markdown_nesting: MAX_NESTING,
        asset_size_mib: 16_384,
        rendered_mib: 64,
    };
}

/// A member of the evaluation panel.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Evaluator {
    pub id: String,
    pub name: String,
    pub role: Option<String>,
    /// Their declaration of interest, as written; `None` when they made none, or when it is
    /// withheld from this audience (see `declaration_withheld`).
    pub declaration: Option<String>,
    /// Whether a declaration was made but is left out of this audience's report (its words
    /// could name the person when names are hidden).
    pub declaration_withheld: bool,
}

/// How a score with several evaluators was settled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Consensus {
    /// One score, given as it is.
    #[default]
    Single,
    /// The panel agreed on the score (with a reason).
    Agreed,
    /// The mean of the panel's scores.
    Mean,
}

/// The contract the providers bid for.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Contract {
    pub years: u32,
    pub currency: String,
    /// What one unit of another currency is worth in `currency`.
    pub rates: BTreeMap<String, f64>,
}

impl Contract {
    /// The factor that turns an amount in `currency` (the contract's own when `None`) into the
    /// contract's currency, if known.
    pub fn rate(&self, currency: Option<&str>) -> Option<f64> {
        match currency.map(str::trim) {
            None => Some(1.0),
            Some(c) if c.eq_ignore_ascii_case(&self.currency) => Some(1.0),
            Some(c) => self
                .rates
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(c))
                .map(|(_, r)| *r),
        }
    }
}

/// How evidence is graded and when it is too old.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct EvidenceRules {
    /// The grade each kind of note gives, in `NoteKind::ALL` order.
    pub grades: Vec<(NoteKind, Grade)>,
    pub max_age_days: u32,
}

impl Default for EvidenceRules {
    fn default() -> Self {
        EvidenceRules {
            grades: vec![
                (NoteKind::ReferenceCall, Grade::Independent),
                (NoteKind::Demo, Grade::Observed),
                (NoteKind::Interview, Grade::Observed),
                (NoteKind::SiteVisit, Grade::Independent),
                (NoteKind::RfpResponse, Grade::VendorClaim),
                // The team's own opinion is first-hand, not independent of the team.
                (NoteKind::Internal, Grade::Observed),
            ],
            max_age_days: 365,
        }
    }
}

impl EvidenceRules {
    pub fn grade_of(&self, kind: NoteKind) -> Grade {
        self.grades
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(Grade::None, |(_, g)| *g)
    }
}

/// How the robustness of the ranking is sampled: each weight times a uniform factor in
/// `1 ± weight_spread`, each score plus a uniform amount within `± uncertainty` of its grade.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Robustness {
    pub draws: u32,
    pub weight_spread: f64,
    pub seed: u64,
    /// Points a score may move, by grade (`Grade as usize`).
    pub uncertainty: [f64; 4],
}

impl Default for Robustness {
    fn default() -> Self {
        Robustness {
            draws: 10_000,
            weight_spread: 0.25,
            seed: 2027,
            // No source is certain: even a client's word is one client's view.
            uncertainty: [1.0, 0.75, 0.5, 0.25],
        }
    }
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (the proleptic Gregorian calendar).
pub fn day_number(date: &str) -> Option<i64> {
    let mut parts = date.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// One vendor's score on one criterion.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Score {
    pub score: f64,
    pub rationale: Option<Rich>,
    /// What the bidder is told of it in its debrief.
    pub feedback: Option<Rich>,
    /// What makes it an advantage of the selected tender, told in every debrief.
    pub advantage: Option<Rich>,
    /// Slugs of the notes that back the score.
    pub evidence: Vec<String>,
    /// How many notes back the score that this audience may not see.
    pub withheld: usize,
    pub confidential: bool,
    /// The best grade among the notes it cites (set once every note is known, before any
    /// redaction, so it is the same for every audience).
    pub grade: Grade,
    /// Days from its newest note to the report's date.
    pub evidence_age_days: Option<i64>,
    /// Each evaluator's score, by evaluator id.
    pub by: BTreeMap<String, f64>,
    pub consensus: Consensus,
    pub agreed_reason: Option<String>,
    /// Why the score moved since the previous round, as its `changed` says.
    pub changed: Option<String>,
    /// Highest minus lowest of `by` (0 with fewer than two).
    pub spread: f64,
    /// Whether `spread` reaches the report's `disagreement_spread`.
    pub disagreement: bool,
    /// What each evaluator who scored in their own file (`content/scores/<id>.yaml`) wrote
    /// beside their score in `by`, by evaluator id.
    pub individual: BTreeMap<String, IndividualScore>,
}

/// One evaluator's own account of their score, from their scores file.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct IndividualScore {
    /// Why they gave it.
    pub rationale: Option<Rich>,
    /// What they would tell the bidder of it, for its debrief.
    pub feedback: Option<Rich>,
    /// Slugs of the notes they cite, as this audience may see them.
    pub evidence: Vec<String>,
    /// When they gave it, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Whether their rationale is kept from shareable builds.
    pub confidential: bool,
    /// The file it was written in, relative to `content/` (`scores/patel.yaml`).
    pub source: String,
}

impl Report {
    /// The id the evaluator known as `id` (in this report or an earlier round) is shown by,
    /// or `None` when names are hidden and `id` is not one this report may show.
    pub fn shown_evaluator(&self, id: &str) -> Option<String> {
        if self.evaluator_aliases.is_empty() {
            return Some(id.to_string());
        }
        self.evaluator_aliases.get(id).cloned().or_else(|| {
            self.evaluators
                .iter()
                .any(|e| e.id == id)
                .then(|| id.to_string())
        })
    }
}

impl Score {
    /// A score no note backs up.
    pub fn is_unsupported(&self) -> bool {
        self.evidence.is_empty() && self.withheld == 0
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Note {
    pub slug: String,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub vendors: Vec<String>,
    pub criteria: Vec<String>,
    pub kind: NoteKind,
    pub author: Option<String>,
    pub confidential: bool,
    /// Whether the debrief of the bidder it is about may show it.
    pub share_with_bidder: bool,
    pub draft: bool,
    pub tags: Vec<String>,
    pub body: Rich,
    /// The note's path relative to `content/`.
    pub source: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum NoteKind {
    ReferenceCall,
    Demo,
    Interview,
    SiteVisit,
    RfpResponse,
    Internal,
}

impl NoteKind {
    pub const ALL: [(&'static str, NoteKind); 6] = [
        ("reference-call", NoteKind::ReferenceCall),
        ("demo", NoteKind::Demo),
        ("interview", NoteKind::Interview),
        ("site-visit", NoteKind::SiteVisit),
        ("rfp-response", NoteKind::RfpResponse),
        ("internal", NoteKind::Internal),
    ];

    pub fn as_str(self) -> &'static str {
        NoteKind::ALL
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("internal", |(n, _)| n)
    }

    /// The kind in words, for people.
    pub fn label(self) -> &'static str {
        match self {
            NoteKind::ReferenceCall => "Reference call",
            NoteKind::Demo => "Demo",
            NoteKind::Interview => "Interview",
            NoteKind::SiteVisit => "Site visit",
            NoteKind::RfpResponse => "RFP response",
            NoteKind::Internal => "Internal note",
        }
    }
}

impl Report {
    pub fn criterion(&self, id: &str) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.id == id)
    }

    pub fn vendor(&self, slug: &str) -> Option<&Vendor> {
        self.vendors.iter().find(|v| v.slug == slug)
    }
}

/// A number as people write it: `4`, `3.5`, `3.46` (at most two decimals).
pub fn format_number(n: f64) -> String {
    let s = format!("{n:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_without_noise() {
        assert_eq!(format_number(4.0), "4");
        assert_eq!(format_number(3.5), "3.5");
        assert_eq!(format_number(3.456), "3.46");
        assert_eq!(format_number(-0.001), "0");
    }

    #[test]
    fn scale_steps_put_the_middle_on_three() {
        let s = Scale::default();
        assert_eq!(
            [1.0, 2.0, 3.0, 4.0, 5.0].map(|v| s.step(v)),
            [1, 2, 3, 4, 5]
        );
        let ten = Scale {
            min: 0.0,
            max: 10.0,
        };
        assert_eq!([0.0, 5.0, 10.0].map(|v| ten.step(v)), [1, 3, 5]);
    }
}

//! The data every template sees, built once per build from the model and the standings.
//!
//! Templates get plain values, already computed: ranks, labels, colour steps, URLs relative to
//! the site root, notes resolved from evidence slugs. Keeping the arithmetic here keeps themes
//! simple and the numbers the same on every page.
//!
//! The views are typed structs that borrow from the model: [`Views`] holds the one view of
//! each vendor, criterion and note, and [`SiteView`] (the `site` variable of every page) refers
//! to them instead of copying them, so the recommendation, the comparison and the lists share
//! one vendor view. `render` converts `site` for Tera once per build; the per-page variables
//! (`vendor`, `criterion`, `note`) are the same views. The README's list of template variables
//! is checked against these types' schema ([`site_schema`]).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use crate::model::Heading;
use crate::model::{
    Consensus, Criterion, Evaluator, Grade, Level, Note, Pricing, Reference, Report, Status,
    TrackRecord, Vendor, format_number,
};
use crate::score::Standing;
use crate::sensitivity::Analysis;
use crate::urls;

mod argument;
mod debrief;
mod method;
mod panel;
mod sentences;

pub use argument::{ArgumentView, DecisiveView, LeadPart};
pub use debrief::{
    DebriefNote, DebriefNoteRef, DebriefRow, DebriefSite, DebriefView, debrief_site,
};
pub use method::{MethodContract, MethodView, MethodWeight, Pair};
pub use panel::{MemberView, PanelRow, PanelView};
use sentences::{
    annual_estimate_label, capitalise, flip_sentence, grades_text, hinge_sentences, money,
    uncertainty_text,
};
pub use sentences::{group_thousands, percent};

/// The views of everything that has a page, made once: vendors in rank order, criteria in
/// report order, notes newest first.
pub struct Views<'a> {
    pub vendors: Vec<VendorView<'a>>,
    pub criteria: Vec<CriterionView<'a>>,
    pub notes: Vec<NoteItem<'a>>,
    /// The bodies of `notes`, in the same order: only a note's own page shows its body.
    pub bodies: Vec<&'a crate::model::Rich>,
    look: Lookups<'a>,
}

/// A note as its own page sees it: the listed fields and its body.
#[derive(Serialize, JsonSchema)]
pub struct NotePage<'v, 'a> {
    #[serde(flatten)]
    pub note: &'v NoteItem<'a>,
    /// The body, sanitized HTML.
    pub body: &'a str,
    pub headings: &'a [Heading],
}

/// A link to a note, as lists and evidence show it.
#[derive(Serialize, JsonSchema, Clone)]
pub struct NoteRef<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub date: &'a str,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub url: String,
}

impl<'a> NoteRef<'a> {
    fn of(n: &'a Note) -> Self {
        NoteRef {
            slug: &n.slug,
            title: &n.title,
            date: &n.date,
            kind: n.kind.as_str(),
            kind_label: n.kind.label(),
            url: urls::note(&n.slug),
        }
    }
}

/// One evaluator's score in a cell.
#[derive(Serialize, JsonSchema)]
pub struct PanelScore<'a> {
    pub name: &'a str,
    pub role: Option<&'a str>,
    pub score_label: String,
    /// Why they gave it, sanitized HTML, when they scored in their own file.
    pub rationale: Option<&'a str>,
    /// The notes they cite.
    pub evidence: Vec<NoteRef<'a>>,
    /// When they gave it.
    pub date: Option<&'a str>,
}

/// Who a criterion page's row is about.
#[derive(Serialize, JsonSchema)]
pub struct RowVendor<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub url: String,
    pub status: Status,
}

/// One vendor's score on one criterion, as the matrix and the pages show it.
#[derive(Serialize, JsonSchema)]
pub struct Cell<'a> {
    pub criterion: &'a str,
    pub criterion_name: &'a str,
    pub criterion_url: String,
    pub weight: f64,
    pub score: Option<f64>,
    /// The score for people, `–` when there is none.
    pub label: String,
    /// The colour step, 1 to 5 (0 without a score).
    pub step: u8,
    pub unsupported: bool,
    pub missing: bool,
    /// Where the score sits on the scale, in percent, to a tenth.
    pub pct: f64,
    /// Whether no vendor scores higher on this criterion.
    pub leads: bool,
    /// The rationale, sanitized HTML.
    pub rationale: Option<&'a str>,
    pub evidence: Vec<NoteRef<'a>>,
    pub confidential: bool,
    /// How many notes behind the score this audience may not see.
    pub withheld: usize,
    pub grade: Option<Grade>,
    pub grade_label: Option<&'static str>,
    pub panel: Vec<PanelScore<'a>>,
    pub spread_label: String,
    pub disagreement: bool,
    pub consensus: Option<Consensus>,
    pub agreed_reason: Option<&'a str>,
    pub age_days: Option<i64>,
    pub stale: bool,
    /// When this score alone decides first place: what one change to it would do.
    pub decides: Option<String>,
    /// What the score means on this criterion (its level's descriptor), when one is written.
    pub level: Option<&'a str>,
    /// On a criterion's rows only: the vendor the cell belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor: Option<RowVendor<'a>>,
}

/// A risk of a vendor's, with its severity.
#[derive(Serialize, JsonSchema, Clone)]
pub struct RiskView<'a> {
    pub title: &'a str,
    pub likelihood: Option<Level>,
    pub impact: Option<Level>,
    pub severity: u8,
    pub severity_label: &'static str,
    pub mitigation: Option<&'a str>,
    pub owner: Option<&'a str>,
    pub confidential: bool,
}

impl<'a> RiskView<'a> {
    fn of(r: &'a crate::model::Risk) -> Self {
        RiskView {
            title: &r.title,
            likelihood: r.likelihood,
            impact: r.impact,
            severity: r.severity(),
            severity_label: r.severity_label(),
            mitigation: r.mitigation.as_deref(),
            owner: r.owner.as_deref(),
            confidential: r.confidential,
        }
    }
}

/// A score under a criterion's minimum.
#[derive(Serialize, JsonSchema)]
pub struct BelowMinimum<'a> {
    pub name: &'a str,
    pub score_label: String,
    pub minimum_label: Option<String>,
}

/// What moved for one vendor since the previous round, in words.
#[derive(Serialize, JsonSchema)]
pub struct VendorChangeView<'a> {
    /// In the overview's list only: whom it is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub rank: Option<String>,
    pub moved_up: bool,
    pub status: Option<String>,
    pub verdict: Option<String>,
    pub weighted: Option<String>,
    pub scores: Vec<String>,
}

/// A vendor's cost over the contract, for people.
#[derive(Serialize, JsonSchema)]
pub struct CostView {
    pub total: f64,
    pub total_label: String,
    pub annual_label: String,
    pub one_off_label: String,
    pub at_risk_label: String,
    pub per_point_label: Option<String>,
    pub cheapest: bool,
    pub dearest: bool,
    pub years: u32,
}

/// A vendor's page data: its dossier (without the raw scores), its standing and every figure
/// about it.
#[derive(Serialize, JsonSchema)]
pub struct VendorView<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub status: Status,
    pub website: Option<&'a str>,
    pub headquarters: Option<&'a str>,
    pub founded: Option<i32>,
    pub employees: Option<u64>,
    pub services: &'a [String],
    pub pricing: Option<&'a Pricing>,
    pub pricing_withheld: bool,
    pub track_record: Option<&'a TrackRecord>,
    pub references: &'a [Reference],
    pub strengths: &'a [String],
    pub concerns: &'a [String],
    pub contacts: &'a [crate::model::Contact],
    pub tags: &'a [String],
    pub extra: &'a BTreeMap<String, serde_json::Value>,
    pub source: &'a str,
    pub url: String,
    pub status_label: String,
    pub shortlisted: bool,
    pub rank: usize,
    pub weighted_score: Option<f64>,
    pub weighted_label: String,
    pub bar_pct: f64,
    pub step: u8,
    pub coverage: f64,
    pub coverage_pct: f64,
    pub scored: usize,
    pub total: usize,
    pub complete: bool,
    pub partner: bool,
    pub assessed: bool,
    pub verdict: &'static str,
    pub badge: String,
    pub badge_class: &'static str,
    pub score_range_label: String,
    pub reaches_leader: bool,
    pub win_label: Option<String>,
    pub below_minimum: Vec<BelowMinimum<'a>>,
    pub hinge: Option<String>,
    pub changes: Option<VendorChangeView<'a>>,
    /// The scores in criterion order, space-separated, for the what-if calculator.
    pub what_if_scores: String,
    pub unsupported: &'a [String],
    pub unsupported_count: usize,
    /// Names of the criteria without a score.
    pub missing: Vec<&'a str>,
    pub cells: Vec<Cell<'a>>,
    pub leads_on: usize,
    /// The summary, sanitized HTML.
    pub summary: Option<&'a str>,
    pub notes: Vec<NoteRef<'a>>,
    pub evidence_count: usize,
    pub risks: Vec<RiskView<'a>>,
    /// The three most severe risks, for the printed digest.
    pub top_risks: Vec<RiskView<'a>>,
    pub cost: Option<CostView>,
    pub cost_withheld: bool,
    pub annual_estimate_label: Option<String>,
    /// Whether the comparison starts with this vendor.
    pub in_compare: bool,
}

/// "Kestrel Lane leads if Track record weighs less than 6% of the total (now 20%)".
#[derive(Serialize, JsonSchema)]
pub struct FlipView<'a> {
    pub vendor: &'a str,
    pub vendor_url: String,
    pub criterion: &'a str,
    pub criterion_url: String,
    pub leader: &'a str,
    pub text: String,
    pub distance: f64,
    pub direction: &'static str,
    pub at_label: String,
    pub share_label: String,
    pub keeps_label: String,
    /// The weight at the flip point, the other weights as they are: "30".
    pub at_weight_label: Option<String>,
    /// The criterion's weight now.
    pub weight_label: String,
}

/// What one score means, for people.
#[derive(Serialize, JsonSchema)]
pub struct LevelView<'a> {
    pub score_label: String,
    pub text: &'a str,
}

impl<'a> LevelView<'a> {
    fn all(levels: &'a [crate::model::Descriptor]) -> Vec<Self> {
        levels
            .iter()
            .map(|d| LevelView {
                score_label: format_number(d.score),
                text: &d.text,
            })
            .collect()
    }
}

/// A criterion's page data: every vendor's score on it, in rank order, and its notes.
#[derive(Serialize, JsonSchema)]
pub struct CriterionView<'a> {
    pub id: &'a str,
    /// What each score means on this criterion, lowest first.
    pub levels: Vec<LevelView<'a>>,
    pub name: &'a str,
    pub weight: f64,
    pub weight_label: String,
    pub weight_pct: f64,
    pub question: Option<&'a str>,
    /// The description, sanitized HTML.
    pub description: Option<&'a str>,
    pub url: String,
    pub rows: Vec<Cell<'a>>,
    pub scored: usize,
    pub mean: Option<f64>,
    pub mean_label: String,
    pub notes: Vec<NoteRef<'a>>,
    pub minimum: Option<f64>,
    pub minimum_label: Option<String>,
    pub flip: Option<FlipView<'a>>,
}

/// A link to a vendor.
#[derive(Serialize, JsonSchema)]
pub struct VendorLink<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub url: String,
}

/// A link to a criterion.
#[derive(Serialize, JsonSchema)]
pub struct CriterionLink<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub url: String,
}

/// A score that cites a note.
#[derive(Serialize, JsonSchema)]
pub struct Citation<'a> {
    pub vendor: &'a str,
    pub vendor_url: String,
    pub criterion: &'a str,
    pub criterion_url: String,
    pub label: String,
    pub step: u8,
}

/// A note as the lists show it (its page adds the body: [`NotePage`]).
#[derive(Serialize, JsonSchema)]
pub struct NoteItem<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub date: &'a str,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub author: Option<&'a str>,
    pub confidential: bool,
    pub draft: bool,
    pub tags: &'a [String],
    pub url: String,
    pub vendors: Vec<VendorLink<'a>>,
    pub criteria: Vec<CriterionLink<'a>>,
    pub cited_by: Vec<Citation<'a>>,
}

/// The scale, with its labels.
#[derive(Serialize, JsonSchema)]
pub struct ScaleView {
    pub min: f64,
    pub max: f64,
    pub label: String,
    pub max_label: String,
}

/// The panel that answers "whom, and why", with its honest caveats.
#[derive(Serialize, JsonSchema)]
pub struct Recommendation<'v, 'a> {
    pub vendor: &'v VendorView<'a>,
    /// Whether the report can recommend it: assessed, a partner, and not too close to call.
    pub recommend: bool,
    /// Why it cannot be recommended yet, when it cannot.
    pub not_yet: Option<String>,
    /// The panel's own words (report.yaml's `recommendation`), sanitized HTML.
    pub panel_view: Option<&'a str>,
    pub score_label: String,
    pub margin: Option<f64>,
    pub margin_label: Option<String>,
    pub runner_up: Option<&'v VendorView<'a>>,
    pub argument: Option<ArgumentView<'a>>,
    /// What the leader costs against the runner-up and the cheapest assessed vendor, its fees
    /// at risk, or why its price is not counted.
    pub money: Vec<String>,
    pub caveats: Vec<String>,
}

/// A vendor's chance of leading when scores and weights move within their uncertainty.
#[derive(Serialize, JsonSchema)]
pub struct Chance<'a> {
    pub name: &'a str,
    pub url: &'a str,
    pub pct: String,
}

/// A vendor not yet assessed whose possible scores reach the leader.
#[derive(Serialize, JsonSchema)]
pub struct Contender<'a> {
    pub name: &'a str,
    pub url: &'a str,
    pub range: &'a str,
    pub scored: usize,
    pub total: usize,
}

/// A score on which the panel disagreed, and how it was settled.
#[derive(Serialize, JsonSchema)]
pub struct Disagreement<'a> {
    pub vendor: &'a str,
    pub vendor_url: String,
    pub criterion: &'a str,
    pub criterion_url: String,
    pub range: String,
    pub settled: String,
}

/// The "What would change the answer" panel.
#[derive(Serialize, JsonSchema)]
pub struct Answer<'a> {
    pub leader: &'a str,
    pub disagreements: Vec<Disagreement<'a>>,
    pub robustness: Vec<Chance<'a>>,
    pub draws: String,
    pub weight_spread: String,
    pub uncertainty: String,
    pub grades: String,
    pub flips: Vec<FlipView<'a>>,
    pub contenders: Vec<Contender<'a>>,
    pub hinges: Vec<String>,
    pub evidence: Vec<String>,
}

/// Who a row of the risk register is about.
#[derive(Serialize, JsonSchema)]
pub struct RankedVendor<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub url: String,
    pub rank: usize,
}

/// A row of the risk register.
#[derive(Serialize, JsonSchema)]
pub struct RiskRow<'a> {
    pub vendor: RankedVendor<'a>,
    #[serde(flatten)]
    pub risk: RiskView<'a>,
}

/// A vendor placed on the value map.
#[derive(Serialize, JsonSchema)]
pub struct Point<'a> {
    pub rank: usize,
    pub name: &'a str,
    pub url: &'a str,
    pub x: f64,
    pub y: f64,
    /// The same place as shares of the plot: from its left edge (cost 0) and from its foot
    /// (the scale's minimum), 0 to 100, for a plot drawn in HTML at any width.
    pub left_pct: f64,
    pub up_pct: f64,
    pub partner: bool,
    pub assessed: bool,
    pub label: String,
}

/// Weighted score against total cost, laid out for an SVG of 480 × 300 units (`x`, `y`,
/// `threshold_y`) and as shares of the plot (`left_pct`, `up_pct`, `threshold_up_pct`).
#[derive(Serialize, JsonSchema)]
pub struct ValueMap<'a> {
    pub points: Vec<Point<'a>>,
    pub threshold_y: f64,
    pub threshold_up_pct: f64,
    pub threshold_label: String,
    pub x_max_label: String,
    pub y_min_label: String,
    pub y_max_label: String,
}

/// The contract costs are compared over.
#[derive(Serialize, JsonSchema)]
pub struct CostsView<'a> {
    pub years: u32,
    pub currency: &'a str,
    pub value_map: Option<ValueMap<'a>>,
}

/// A name and where it leads.
#[derive(Serialize, JsonSchema)]
pub struct NamedLink<'a> {
    pub name: &'a str,
    pub url: String,
}

/// The "Changes since" section of the overview.
#[derive(Serialize, JsonSchema)]
pub struct ChangesView<'a> {
    pub since: String,
    pub vendors: Vec<VendorChangeView<'a>>,
    pub added: Vec<NamedLink<'a>>,
    pub dropped: &'a [String],
    pub notes_added: Vec<NoteRef<'a>>,
}

/// The `site` variable of every page: the whole report as the audience may see it.
#[derive(Serialize, JsonSchema)]
pub struct SiteView<'v, 'a> {
    pub title: &'a str,
    pub organisation: Option<&'a str>,
    /// The report's summary, sanitized HTML.
    pub summary: Option<&'a str>,
    pub audience: &'static str,
    pub audience_label: &'static str,
    pub base_url: &'a str,
    pub canonical_base: Option<&'a str>,
    pub scale: ScaleView,
    /// What each score on the scale means (report.yaml's `levels`), lowest first.
    pub levels: Vec<LevelView<'a>>,
    pub partner_threshold: f64,
    pub partner_threshold_label: String,
    /// How far apart two figures may be and still be the same (`rules::TOLERANCE`), for the
    /// what-if script.
    pub tolerance: f64,
    pub newest_evidence: Option<&'a str>,
    pub criteria: &'v [CriterionView<'a>],
    pub total_weight: String,
    /// In rank order.
    pub vendors: &'v [VendorView<'a>],
    /// Newest first.
    pub notes: &'v [NoteItem<'a>],
    pub recent_notes: Vec<NoteRef<'a>>,
    /// The vendors the comparison starts with.
    pub compare: Vec<&'v VendorView<'a>>,
    pub recommendation: Option<Recommendation<'v, 'a>>,
    pub answer: Option<Answer<'v>>,
    pub risks: Vec<RiskRow<'a>>,
    pub costs: Option<CostsView<'v>>,
    pub date: Option<&'a str>,
    pub evaluators: &'a [Evaluator],
    /// The panel page's data, when report.yaml lists a panel.
    pub panel: Option<PanelView<'a>>,
    /// The method page's data: every setting in force.
    pub method: MethodView<'a>,
    pub changes: Option<ChangesView<'a>>,
    pub disagreement_spread: String,
    pub partner_count: usize,
    /// How many vendors there are: what a page that names the count shows of `vendors` (a
    /// page's cache key covers each part of `site` its template reads, so the small parts
    /// spare every vendor's page a render when one score changes).
    pub vendor_count: usize,
    /// Whether there is a panel page (`panel` is not empty), for the navigation.
    pub has_panel: bool,
    /// The date of the previous round the changes are counted from, when one is given.
    pub changes_since: Option<String>,
    /// The search index's files, for the search page to load in this order with script tags
    /// (`search-index.js`, then the files of the notes).
    pub search_files: Vec<String>,
}

/// The JSON schema of `site`, for the README's list of template variables (and its test).
pub fn site_schema() -> serde_json::Value {
    schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<SiteView<'static, 'static>>()
        .to_value()
}

/// The base URL when it is absolute (`https://...`): only then are canonical links and a
/// sitemap worth writing. Internal links stay relative either way.
pub fn absolute_base(base_url: &str) -> Option<&str> {
    crate::urlpath::is_web_address(base_url).then_some(base_url)
}

/// The views of every vendor, criterion and note.
pub fn build<'a>(
    report: &'a Report,
    standings: &'a [Standing],
    analysis: &'a Analysis,
    changes: Option<&'a crate::changes::Changes>,
) -> Views<'a> {
    let look = Lookups::new(report, standings, analysis, changes);
    let mut vendors: Vec<VendorView> = standings
        .iter()
        .filter_map(|st| {
            let v = look.vendors_by_slug.get(st.slug.as_str())?;
            Some(look.vendor_view(st, v))
        })
        .collect();
    mark_compare(&mut vendors);
    let criteria = report
        .criteria
        .iter()
        .map(|c| look.criterion_view(c))
        .collect();
    let notes = report
        .notes
        .iter()
        .rev()
        .map(|n| look.note_item(n))
        .collect();
    let bodies = report.notes.iter().rev().map(|n| &n.body).collect();
    Views {
        vendors,
        criteria,
        notes,
        bodies,
        look,
    }
}

impl<'a> Views<'a> {
    /// The `site` variable, referring to these views.
    pub fn site(&self) -> SiteView<'_, 'a> {
        self.look.site_view(self)
    }

    /// Whether the site has a panel page: report.yaml lists a panel.
    pub fn has_panel(&self) -> bool {
        !self.look.report.evaluators.is_empty()
    }

    /// The `note` variable of the page of `self.notes[i]`.
    pub fn note_page(&self, i: usize) -> NotePage<'_, 'a> {
        NotePage {
            note: &self.notes[i],
            body: &self.bodies[i].html,
            headings: &self.bodies[i].headings,
        }
    }
}

/// What the pages look up while their data is made: indexes of the model, and figures
/// computed once for every page.
struct Lookups<'a> {
    report: &'a Report,
    standings: &'a [Standing],
    analysis: &'a Analysis,
    changes: Option<&'a crate::changes::Changes>,
    notes_by_slug: BTreeMap<&'a str, &'a Note>,
    vendors_by_slug: BTreeMap<&'a str, &'a Vendor>,
    total_weight: f64,
    /// Who leads on each criterion: the highest score (ties share the lead).
    best: BTreeMap<&'a str, f64>,
    /// Which scores cite each note, in rank and criterion order, as (vendor, criterion).
    cited_by_note: BTreeMap<&'a str, Vec<(&'a Vendor, &'a Criterion)>>,
    /// Which notes concern each vendor (named in the note, or cited by its scores), by index.
    note_set: BTreeMap<&'a str, std::collections::BTreeSet<usize>>,
    hinges: BTreeMap<String, String>,
    costs: BTreeMap<&'a str, crate::cost::Cost>,
    /// The cheapest and the dearest totals of vendors not rejected, when there are two.
    cost_range: Option<(f64, f64)>,
}

impl<'a> Lookups<'a> {
    fn new(
        report: &'a Report,
        standings: &'a [Standing],
        analysis: &'a Analysis,
        changes: Option<&'a crate::changes::Changes>,
    ) -> Self {
        let vendors_by_slug: BTreeMap<&str, &Vendor> = report
            .vendors
            .iter()
            .map(|v| (v.slug.as_str(), v))
            .collect();
        let costs: BTreeMap<&str, crate::cost::Cost> = standings
            .iter()
            .filter_map(|st| {
                let v = vendors_by_slug.get(st.slug.as_str())?;
                Some((v.slug.as_str(), crate::cost::of(report, v, st)?))
            })
            .collect();
        // Cheapest and dearest among the vendors still in the running: a rejected provider is
        // never the cheapest.
        let running: Vec<f64> = costs
            .iter()
            .filter(|(slug, _)| {
                vendors_by_slug
                    .get(*slug)
                    .is_some_and(|v| v.status != Status::Rejected)
            })
            .map(|(_, c)| c.total)
            .collect();
        let cost_range = (running.len() > 1).then(|| {
            running
                .iter()
                .fold((f64::MAX, f64::MIN), |(l, h), t| (l.min(*t), h.max(*t)))
        });
        Lookups {
            report,
            standings,
            analysis,
            changes,
            notes_by_slug: report.notes.iter().map(|n| (n.slug.as_str(), n)).collect(),
            cited_by_note: cited_by_note(report, standings, &vendors_by_slug),
            vendors_by_slug,
            total_weight: report.criteria.iter().map(|c| c.weight).sum(),
            best: best_scores(report),
            note_set: notes_by_vendor(report),
            hinges: hinge_sentences(report, analysis),
            costs,
            cost_range,
        }
    }

    fn evidence_refs(&self, slugs: &[String]) -> Vec<NoteRef<'a>> {
        slugs
            .iter()
            .filter_map(|s| self.notes_by_slug.get(s.as_str()))
            .map(|n| NoteRef::of(n))
            .collect()
    }

    /// One vendor's score on one criterion, as the matrix and the pages show it.
    fn cell(&self, v: &'a Vendor, c: &'a Criterion) -> Cell<'a> {
        let (report, scale) = (self.report, self.report.scale);
        let empty = Cell {
            criterion: &c.id,
            criterion_name: &c.name,
            criterion_url: urls::criterion(&c.id),
            weight: c.weight,
            score: None,
            label: "–".into(),
            step: 0,
            unsupported: false,
            missing: true,
            pct: 0.0,
            leads: false,
            rationale: None,
            evidence: vec![],
            confidential: false,
            withheld: 0,
            grade: None,
            grade_label: None,
            panel: vec![],
            spread_label: "0".into(),
            disagreement: false,
            consensus: None,
            agreed_reason: None,
            age_days: None,
            stale: false,
            decides: None,
            level: None,
            vendor: None,
        };
        let Some(s) = v.scores.get(&c.id) else {
            return empty;
        };
        Cell {
            score: Some(s.score),
            label: format_number(s.score),
            step: scale.step(s.score),
            unsupported: s.is_unsupported(),
            missing: false,
            pct: (scale.fraction(s.score) * 1000.0).round() / 10.0,
            leads: self
                .best
                .get(c.id.as_str())
                .is_some_and(|b| crate::model::same_figure(*b, s.score)),
            rationale: s.rationale.as_ref().map(|r| &*r.html),
            evidence: self.evidence_refs(&s.evidence),
            confidential: s.confidential,
            withheld: s.withheld,
            grade: Some(s.grade),
            grade_label: Some(s.grade.label()),
            panel: report
                .evaluators
                .iter()
                .filter_map(|e| {
                    let own = s.individual.get(&e.id);
                    Some(PanelScore {
                        name: &e.name,
                        role: e.role.as_deref(),
                        score_label: format_number(*s.by.get(&e.id)?),
                        rationale: own.and_then(|o| o.rationale.as_ref()).map(|r| &*r.html),
                        evidence: own.map_or_else(Vec::new, |o| self.evidence_refs(&o.evidence)),
                        date: own.and_then(|o| o.date.as_deref()),
                    })
                })
                .collect(),
            spread_label: format_number(s.spread),
            disagreement: s.disagreement,
            consensus: Some(s.consensus),
            agreed_reason: s.agreed_reason.as_deref(),
            age_days: s.evidence_age_days,
            stale: crate::rules::is_stale(report, s.evidence_age_days),
            decides: self.decides_text(v, c),
            level: c.level_of(s.score).map(|d| &*d.text),
            ..empty
        }
    }

    /// The notes about a vendor, newest first.
    fn notes_of_vendor(&self, slug: &str) -> Vec<NoteRef<'a>> {
        self.note_set.get(slug).map_or_else(Vec::new, |set| {
            set.iter()
                .rev()
                .map(|i| NoteRef::of(&self.report.notes[*i]))
                .collect()
        })
    }

    /// A vendor's page data: its dossier, its standing and every figure about it.
    fn vendor_view(&self, st: &'a Standing, v: &'a Vendor) -> VendorView<'a> {
        let (report, analysis, changes) = (self.report, self.analysis, self.changes);
        let scale = report.scale;
        let cells: Vec<Cell> = report.criteria.iter().map(|c| self.cell(v, c)).collect();
        let risks: Vec<RiskView> = v.risks.iter().map(RiskView::of).collect();
        let top_risks = top_risks(&risks);
        let verdict = st.verdict().as_str();
        VendorView {
            slug: &v.slug,
            name: &v.name,
            status: v.status,
            website: v.website.as_deref(),
            headquarters: v.headquarters.as_deref(),
            founded: v.founded,
            employees: v.employees,
            services: &v.services,
            pricing: v.pricing.as_ref(),
            pricing_withheld: v.pricing_withheld,
            track_record: v.track_record.as_ref(),
            references: &v.references,
            strengths: &v.strengths,
            concerns: &v.concerns,
            contacts: &v.contacts,
            tags: &v.tags,
            extra: &v.extra,
            source: &v.source,
            url: urls::vendor(&v.slug),
            status_label: capitalise(v.status.as_str()),
            shortlisted: v.status.is_shortlisted(),
            rank: st.rank,
            weighted_score: st.weighted_score,
            weighted_label: st
                .weighted_score
                .map_or("–".to_string(), |w| format!("{w:.2}")),
            bar_pct: st
                .weighted_score
                .map_or(0.0, |w| (scale.fraction(w) * 1000.0).round() / 10.0),
            step: st.weighted_score.map_or(0, |w| scale.step(w)),
            coverage: st.coverage,
            coverage_pct: (st.coverage * 100.0).round(),
            scored: st.scored,
            total: st.total,
            complete: st.complete,
            partner: st.partner,
            assessed: st.complete,
            verdict,
            badge: capitalise(verdict),
            badge_class: st.verdict().class(),
            score_range_label: format!("{:.2}–{:.2}", st.score_range.0, st.score_range.1),
            reaches_leader: analysis.contenders.contains(&st.slug),
            win_label: analysis.win_probability.get(&st.slug).map(|p| percent(*p)),
            below_minimum: self.below_minimum(st, v),
            hinge: self.hinges.get(&v.slug).cloned(),
            changes: changes
                .and_then(|c| c.vendors.iter().find(|ch| ch.slug == v.slug))
                .map(|ch| vendor_change(report, ch)),
            what_if_scores: what_if_scores(report, v),
            unsupported: &st.unsupported,
            unsupported_count: st.unsupported.len(),
            missing: missing_names(report, st),
            leads_on: cells.iter().filter(|c| c.leads).count(),
            cells,
            summary: v.summary.as_ref().map(|s| &*s.html),
            notes: self.notes_of_vendor(&v.slug),
            evidence_count: evidence_count(v),
            risks,
            top_risks,
            cost: self
                .costs
                .get(v.slug.as_str())
                .map(|c| cost_view(c, self.cost_range)),
            cost_withheld: v.pricing_withheld,
            annual_estimate_label: annual_estimate_label(v.pricing.as_ref()),
            in_compare: false,
        }
    }

    /// The scores of `v` under a criterion's minimum.
    fn below_minimum(&self, st: &Standing, v: &'a Vendor) -> Vec<BelowMinimum<'a>> {
        st.below_minimum
            .iter()
            .filter_map(|id| {
                let c = self.report.criterion(id)?;
                let s = v.scores.get(id)?;
                Some(BelowMinimum {
                    name: &c.name,
                    score_label: format_number(s.score),
                    minimum_label: c.minimum.map(format_number),
                })
            })
            .collect()
    }

    /// A criterion's page data: every vendor's score on it, in rank order, and its notes.
    fn criterion_view(&self, c: &'a Criterion) -> CriterionView<'a> {
        let Lookups {
            report,
            standings,
            analysis,
            vendors_by_slug,
            total_weight,
            ..
        } = self;
        let total_weight = *total_weight;
        let rows: Vec<Cell> = standings
            .iter()
            .filter_map(|st| vendors_by_slug.get(st.slug.as_str()))
            .map(|v| Cell {
                vendor: Some(RowVendor {
                    slug: &v.slug,
                    name: &v.name,
                    url: urls::vendor(&v.slug),
                    status: v.status,
                }),
                ..self.cell(v, c)
            })
            .collect();
        let scores: Vec<f64> = rows.iter().filter_map(|r| r.score).collect();
        let mean = (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64);
        CriterionView {
            id: &c.id,
            levels: LevelView::all(&c.levels),
            name: &c.name,
            weight: c.weight,
            weight_label: format_number(c.weight),
            weight_pct: if total_weight > 0.0 {
                (c.weight / total_weight * 1000.0).round() / 10.0
            } else {
                0.0
            },
            question: c.question.as_deref(),
            description: c.description.as_ref().map(|d| &*d.html),
            url: urls::criterion(&c.id),
            rows,
            scored: scores.len(),
            mean,
            mean_label: mean.map_or("–".to_string(), |m| format!("{m:.1}")),
            notes: report
                .notes
                .iter()
                .rev()
                .filter(|n| n.criteria.contains(&c.id))
                .map(NoteRef::of)
                .collect(),
            minimum: c.minimum,
            minimum_label: c.minimum.map(format_number),
            flip: analysis
                .criteria
                .iter()
                .find(|f| f.criterion == c.id)
                .and_then(|f| flip_sentence(report, analysis, f)),
        }
    }

    /// A note as the lists show it: everything but its body.
    fn note_item(&self, n: &'a Note) -> NoteItem<'a> {
        let scale = self.report.scale;
        NoteItem {
            slug: &n.slug,
            title: &n.title,
            date: &n.date,
            kind: n.kind.as_str(),
            kind_label: n.kind.label(),
            author: n.author.as_deref(),
            confidential: n.confidential,
            draft: n.draft,
            tags: &n.tags,
            url: urls::note(&n.slug),
            vendors: n
                .vendors
                .iter()
                .filter_map(|s| self.vendors_by_slug.get(s.as_str()))
                .map(|v| VendorLink {
                    slug: &v.slug,
                    name: &v.name,
                    url: urls::vendor(&v.slug),
                })
                .collect(),
            criteria: n
                .criteria
                .iter()
                .filter_map(|id| self.report.criterion(id))
                .map(|c| CriterionLink {
                    id: &c.id,
                    name: &c.name,
                    url: urls::criterion(&c.id),
                })
                .collect(),
            cited_by: self
                .cited_by_note
                .get(n.slug.as_str())
                .map_or_else(Vec::new, |cites| {
                    cites
                        .iter()
                        .filter_map(|(v, c)| {
                            let s = v.scores.get(&c.id)?;
                            Some(Citation {
                                vendor: &v.name,
                                vendor_url: urls::vendor(&v.slug),
                                criterion: &c.name,
                                criterion_url: urls::criterion(&c.id),
                                label: format_number(s.score),
                                step: scale.step(s.score),
                            })
                        })
                        .collect()
                }),
        }
    }

    /// The data every page sees.
    fn site_view<'v>(&self, views: &'v Views<'a>) -> SiteView<'v, 'a> {
        let Lookups {
            report,
            standings,
            analysis,
            changes,
            total_weight,
            ..
        } = self;
        let by_slug: BTreeMap<&str, &'v VendorView<'a>> =
            views.vendors.iter().map(|v| (v.slug, v)).collect();
        let scale = report.scale;
        let changes = changes.map(|c| changes_view(report, c, &self.vendors_by_slug));
        SiteView {
            title: &report.title,
            organisation: report.organisation.as_deref(),
            summary: report.summary.as_ref().map(|s| &*s.html),
            audience: report.audience.as_str(),
            audience_label: report.audience.label(),
            base_url: &report.base_url,
            canonical_base: absolute_base(&report.base_url),
            scale: ScaleView {
                min: scale.min,
                max: scale.max,
                label: format!("{}–{}", format_number(scale.min), format_number(scale.max)),
                max_label: format_number(scale.max),
            },
            levels: LevelView::all(&report.levels),
            partner_threshold: report.partner_threshold,
            partner_threshold_label: format_number(report.partner_threshold),
            tolerance: crate::rules::TOLERANCE,
            newest_evidence: report.notes.iter().map(|n| n.date.as_str()).max(),
            criteria: &views.criteria,
            total_weight: format_number(*total_weight),
            vendors: &views.vendors,
            notes: &views.notes,
            recent_notes: report.notes.iter().rev().take(6).map(NoteRef::of).collect(),
            compare: views.vendors.iter().filter(|v| v.in_compare).collect(),
            recommendation: self.recommendation(&by_slug),
            answer: what_would_change(report, standings, analysis, &by_slug),
            risks: risk_register(report, standings),
            costs: report.contract.as_ref().map(|c| CostsView {
                years: c.years,
                currency: &c.currency,
                value_map: value_map(report, standings, &self.costs, &by_slug),
            }),
            date: report.date.as_deref(),
            evaluators: &report.evaluators,
            panel: self.panel_view(),
            method: self.method_view(),
            changes_since: changes.as_ref().map(|c| c.since.clone()),
            changes,
            disagreement_spread: format_number(report.disagreement_spread),
            partner_count: standings.iter().filter(|s| s.partner).count(),
            vendor_count: views.vendors.len(),
            has_panel: views.has_panel(),
            search_files: crate::export::search_files(report),
        }
    }
}

/// Who leads on each criterion: the highest score (ties share the lead).
fn best_scores(report: &Report) -> BTreeMap<&str, f64> {
    // Who leads on each criterion: the highest score (ties share the lead).
    report
        .criteria
        .iter()
        .filter_map(|c| {
            let top = report
                .vendors
                .iter()
                .filter_map(|v| v.scores.get(&c.id))
                .map(|s| s.score)
                .fold(f64::NAN, f64::max);
            (!top.is_nan()).then_some((c.id.as_str(), top))
        })
        .collect()
}

/// Which notes concern each vendor (named in the note, or cited by its scores), by index.
fn notes_by_vendor(report: &Report) -> BTreeMap<&str, std::collections::BTreeSet<usize>> {
    // Which notes concern each vendor (named in the note, or cited by its scores), newest first.
    let position: BTreeMap<&str, usize> = report
        .notes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.slug.as_str(), i))
        .collect();
    let mut note_set: BTreeMap<&str, std::collections::BTreeSet<usize>> = BTreeMap::new();
    for (i, n) in report.notes.iter().enumerate() {
        for v in &n.vendors {
            note_set.entry(v.as_str()).or_default().insert(i);
        }
    }
    for v in &report.vendors {
        for slug in v.scores.values().flat_map(|s| s.evidence.iter()) {
            if let Some(i) = position.get(slug.as_str()) {
                note_set.entry(v.slug.as_str()).or_default().insert(*i);
            }
        }
    }
    note_set
}

/// How many scores rest on weak evidence: only the vendor's claims, none at all, or evidence
/// older than the report allows; one sentence each, when there are any.
fn weak_evidence(report: &Report, standings: &[Standing]) -> Vec<String> {
    let scores: Vec<&crate::model::Score> = standings
        .iter()
        .filter_map(|st| report.vendor(&st.slug))
        .flat_map(|v| v.scores.values())
        .collect();
    let count = |f: &dyn Fn(&crate::model::Score) -> bool| scores.iter().filter(|s| f(s)).count();
    let total = scores.len();
    let mut evidence = Vec::new();
    let noun = if total == 1 { "score" } else { "scores" };
    let plural = |n: usize| format!("{noun} {}", if n == 1 { "rests" } else { "rest" });
    let claims = count(&|s| s.grade == Grade::VendorClaim);
    if claims > 0 {
        evidence.push(format!(
            "{claims} of {total} {} only on the vendor's own claims.",
            plural(claims)
        ));
    }
    let none = count(&|s| s.grade == Grade::None);
    if none > 0 {
        evidence.push(format!(
            "{none} of {total} {} on no evidence at all.",
            plural(none)
        ));
    }
    let max_age = i64::from(report.evidence.max_age_days);
    let stale = count(&|s| crate::rules::is_stale(report, s.evidence_age_days));
    if stale > 0 {
        evidence.push(format!(
            "{stale} of {total} {} on evidence more than {max_age} days old.",
            plural(stale)
        ));
    }
    evidence
}

/// Which scores cite each note, in rank and criterion order: one pass over all scores.
fn cited_by_note<'a>(
    report: &'a Report,
    standings: &[Standing],
    vendors_by_slug: &BTreeMap<&str, &'a Vendor>,
) -> BTreeMap<&'a str, Vec<(&'a Vendor, &'a Criterion)>> {
    let mut cited_by_note: BTreeMap<&str, Vec<(&Vendor, &Criterion)>> = BTreeMap::new();
    for v in standings
        .iter()
        .filter_map(|st| vendors_by_slug.get(st.slug.as_str()))
    {
        for c in &report.criteria {
            let Some(s) = v.scores.get(&c.id) else {
                continue;
            };
            for slug in &s.evidence {
                cited_by_note.entry(slug.as_str()).or_default().push((v, c));
            }
        }
    }
    cited_by_note
}

/// Marks the vendors the comparison starts with: the shortlist (at most four, in rank
/// order), or, with fewer than two shortlisted, the top three.
fn mark_compare(ranked: &mut [VendorView]) {
    let shortlisted = ranked.iter().filter(|v| v.shortlisted).count();
    let mut taken = 0;
    for v in ranked.iter_mut() {
        let chosen = if shortlisted >= 2 {
            v.shortlisted && taken < 4
        } else {
            taken < 3
        };
        if chosen {
            v.in_compare = true;
            taken += 1;
        }
    }
}

fn vendor_change<'a>(
    report: &'a Report,
    ch: &crate::changes::VendorChange,
) -> VendorChangeView<'a> {
    let evaluator = |id: &str| {
        report
            .evaluators
            .iter()
            .find(|e| e.id == id)
            .map_or(id.to_string(), |e| e.name.clone())
    };
    let scores: Vec<String> = ch
        .scores
        .iter()
        .map(|s| {
            let name = report
                .criterion(&s.criterion)
                .map_or(s.criterion.as_str(), |c| c.name.as_str());
            let who: Vec<String> =
                s.by.iter()
                    .map(|(id, (a, b))| {
                        format!("{} {}", evaluator(id), crate::changes::move_label(*a, *b))
                    })
                    .collect();
            let moved = if who.is_empty() {
                format!("{name} {}", crate::changes::move_label(s.from, s.to))
            } else {
                format!(
                    "{name} {} ({})",
                    crate::changes::move_label(s.from, s.to),
                    who.join(", ")
                )
            };
            match sentences::why_moved(report, s) {
                Some(why) => format!("{moved}: {why}"),
                None => moved,
            }
        })
        .collect();
    let verdict = |p: bool| if p { "partner" } else { "not a partner" };
    VendorChangeView {
        name: None,
        url: None,
        rank: (ch.rank.0 != ch.rank.1).then(|| format!("rank {} → {}", ch.rank.0, ch.rank.1)),
        moved_up: ch.rank.1 < ch.rank.0,
        status: ch.status.as_ref().map(|(a, b)| format!("status {a} → {b}")),
        verdict: ch
            .partner
            .map(|(a, b)| format!("{} → {}", verdict(a), verdict(b))),
        weighted: match ch.weighted_score {
            (Some(a), Some(b)) if !crate::model::same_figure(a, b) => {
                Some(format!("weighted score {a:.2} → {b:.2}"))
            }
            _ => None,
        },
        scores,
    }
}

/// The "Changes since" section of the overview.
fn changes_view<'a>(
    report: &'a Report,
    c: &'a crate::changes::Changes,
    vendors: &BTreeMap<&str, &'a Vendor>,
) -> ChangesView<'a> {
    ChangesView {
        since: c
            .since
            .clone()
            .unwrap_or_else(|| "the previous round".to_string()),
        vendors: c
            .vendors
            .iter()
            .filter_map(|ch| {
                let v = vendors.get(ch.slug.as_str())?;
                Some(VendorChangeView {
                    name: Some(&v.name),
                    url: Some(urls::vendor(&v.slug)),
                    ..vendor_change(report, ch)
                })
            })
            .collect(),
        added: c
            .added
            .iter()
            .filter_map(|s| vendors.get(s.as_str()))
            .map(|v| NamedLink {
                name: &v.name,
                url: urls::vendor(&v.slug),
            })
            .collect(),
        dropped: &c.dropped,
        notes_added: c
            .notes_added
            .iter()
            .filter_map(|s| report.notes.iter().find(|n| &n.slug == s))
            .map(NoteRef::of)
            .collect(),
    }
}

/// The register of `score::risk_register`, for templates.
fn risk_register<'a>(report: &'a Report, standings: &[Standing]) -> Vec<RiskRow<'a>> {
    crate::score::risk_register(report, standings)
        .into_iter()
        .map(|(r, v, rank)| RiskRow {
            vendor: RankedVendor {
                slug: &v.slug,
                name: &v.name,
                url: urls::vendor(&v.slug),
                rank,
            },
            risk: RiskView::of(r),
        })
        .collect()
}

/// The figures of one vendor's cost, and whether it is the cheapest or dearest of them all.
/// `range` is the lowest and highest total of all vendors, `None` with fewer than two.
fn cost_view(c: &crate::cost::Cost, range: Option<(f64, f64)>) -> CostView {
    let is = |t: Option<f64>| t.is_some_and(|t| (c.total - t).abs() < 0.5);
    CostView {
        total: c.total,
        total_label: money(&c.currency, c.total),
        annual_label: money(&c.currency, c.annual),
        one_off_label: money(&c.currency, c.one_off),
        at_risk_label: percent(c.at_risk_share),
        per_point_label: c.per_point.map(|p| money(&c.currency, p)),
        cheapest: is(range.map(|r| r.0)),
        dearest: is(range.map(|r| r.1)),
        years: c.years,
    }
}

/// Weighted score against total cost, laid out for an SVG of 480 × 300 units: cost from 0 on
/// the x axis (70 to 450), score from the scale's minimum to its maximum on the y axis (250 to
/// 20), and the partner threshold as a line; and the same as shares of the plot, 0 to 100.
/// Vendors without a cost are not placed.
fn value_map<'v, 'a>(
    report: &'a Report,
    standings: &[Standing],
    costs: &BTreeMap<&str, crate::cost::Cost>,
    views: &BTreeMap<&str, &'v VendorView<'a>>,
) -> Option<ValueMap<'v>> {
    let contract = report.contract.as_ref()?;
    let top = costs.values().map(|c| c.total).fold(0.0, f64::max) * 1.1;
    if top <= 0.0 {
        return None;
    }
    let scale = report.scale;
    let y = |score: f64| 250.0 - scale.fraction(score) * 230.0;
    let round = |v: f64| (v * 10.0).round() / 10.0;
    let points = standings
        .iter()
        .filter_map(|st| {
            let (cost, view, score) = (
                costs.get(st.slug.as_str())?,
                views.get(st.slug.as_str())?,
                st.weighted_score?,
            );
            Some(Point {
                rank: st.rank,
                name: view.name,
                url: &view.url,
                x: round(70.0 + cost.total / top * 380.0),
                y: round(y(score)),
                left_pct: round(cost.total / top * 100.0),
                up_pct: round(scale.fraction(score) * 100.0),
                partner: st.partner,
                assessed: st.complete,
                label: format!(
                    "{}: {} over {} years, {score:.2} points",
                    view.name,
                    money(&cost.currency, cost.total),
                    cost.years
                ),
            })
        })
        .collect();
    Some(ValueMap {
        points,
        threshold_y: round(y(report.partner_threshold)),
        threshold_up_pct: round(scale.fraction(report.partner_threshold) * 100.0),
        threshold_label: format_number(report.partner_threshold),
        x_max_label: money(&contract.currency, top),
        y_min_label: format_number(scale.min),
        y_max_label: format_number(scale.max),
    })
}

/// The "What would change the answer" panel: robustness, the nearest flips, vendors not yet
/// assessed that could overtake, verdicts that hang on one point, weak or old evidence.
fn what_would_change<'v, 'a: 'v>(
    report: &'a Report,
    standings: &[Standing],
    analysis: &'a Analysis,
    views: &BTreeMap<&str, &'v VendorView<'a>>,
) -> Option<Answer<'v>> {
    let leader = views.get(analysis.leader.as_deref()?)?;
    let mut robustness: Vec<(&String, f64)> = analysis
        .win_probability
        .iter()
        .map(|(s, p)| (s, *p))
        .collect();
    robustness.sort_by(|a, b| {
        b.1.partial_cmp(&a.1)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.0.cmp(b.0))
    });
    let robustness = robustness
        .iter()
        .filter(|(_, p)| *p > 0.0)
        .filter_map(|(slug, p)| {
            let v = views.get(slug.as_str())?;
            Some(Chance {
                name: v.name,
                url: &v.url,
                pct: percent(*p),
            })
        })
        .collect();
    let mut flips: Vec<FlipView> = analysis
        .criteria
        .iter()
        .filter_map(|f| flip_sentence(report, analysis, f))
        .collect();
    flips.sort_by(|a, b| {
        a.distance
            .partial_cmp(&b.distance)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let contenders = analysis
        .contenders
        .iter()
        .filter_map(|slug| views.get(slug.as_str()))
        .map(|v| Contender {
            name: v.name,
            url: &v.url,
            range: &v.score_range_label,
            scored: v.scored,
            total: v.total,
        })
        .collect();
    Some(Answer {
        leader: leader.name,
        disagreements: disagreements(report, standings),
        robustness,
        draws: group_thousands(f64::from(report.robustness.draws)),
        weight_spread: percent(report.robustness.weight_spread),
        uncertainty: uncertainty_text(&report.robustness),
        grades: grades_text(&report.evidence),
        flips,
        contenders,
        hinges: hinge_sentences(report, analysis).into_values().collect(),
        evidence: weak_evidence(report, standings),
    })
}

/// The scores on which the panel disagreed, in rank and criterion order, with how each was
/// settled.
fn disagreements<'a>(report: &'a Report, standings: &[Standing]) -> Vec<Disagreement<'a>> {
    standings
        .iter()
        .filter_map(|st| report.vendor(&st.slug))
        .flat_map(|v| {
            report.criteria.iter().filter_map(move |c| {
                let s = v.scores.get(&c.id).filter(|s| s.disagreement)?;
                let low = s.by.values().copied().fold(f64::MAX, f64::min);
                let high = s.by.values().copied().fold(f64::MIN, f64::max);
                Some(Disagreement {
                    vendor: &v.name,
                    vendor_url: urls::vendor(&v.slug),
                    criterion: &c.name,
                    criterion_url: urls::criterion(&c.id),
                    range: format!("{} to {}", format_number(low), format_number(high)),
                    settled: match s.consensus {
                        Consensus::Agreed => format!("agreed on {}", format_number(s.score)),
                        _ => format!("the mean, {}, counts", format_number(s.score)),
                    },
                })
            })
        })
        .collect()
}

/// The names of the criteria a vendor has no score on.
fn missing_names<'a>(report: &'a Report, st: &Standing) -> Vec<&'a str> {
    st.missing
        .iter()
        .filter_map(|id| report.criterion(id))
        .map(|c| c.name.as_str())
        .collect()
}

/// The three most severe of a vendor's risks.
fn top_risks<'a>(risks: &[RiskView<'a>]) -> Vec<RiskView<'a>> {
    let mut top = risks.to_vec();
    top.sort_by_key(|r| std::cmp::Reverse(r.severity));
    top.truncate(3);
    top
}

/// A vendor's scores in criteria order, space-separated (empty where unscored), for the
/// what-if script.
fn what_if_scores(report: &Report, v: &Vendor) -> String {
    report
        .criteria
        .iter()
        .map(|c| {
            v.scores
                .get(&c.id)
                .map_or(String::new(), |s| s.score.to_string())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// How many different notes a vendor's scores cite.
fn evidence_count(v: &Vendor) -> usize {
    let mut cited: Vec<&str> = v
        .scores
        .values()
        .flat_map(|s| s.evidence.iter().map(String::as_str))
        .collect();
    cited.sort_unstable();
    cited.dedup();
    cited.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every property name anywhere in a JSON schema.
    fn properties(schema: &serde_json::Value, into: &mut std::collections::BTreeSet<String>) {
        match schema {
            serde_json::Value::Object(m) => {
                if let Some(serde_json::Value::Object(props)) = m.get("properties") {
                    into.extend(props.keys().cloned());
                }
                m.values().for_each(|v| properties(v, into));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| properties(v, into)),
            _ => {}
        }
    }

    #[test]
    fn the_readme_lists_the_template_variables_the_views_have() {
        let readme = include_str!("../../../../README.md");
        let start = readme
            .find("Every page also gets")
            .expect("the README's variable list");
        let end = start
            + readme[start..]
                .find("A debrief's page gets")
                .expect("its end");
        let section = &readme[start..end];
        let schema = site_schema();
        let top: Vec<&String> = schema["properties"]
            .as_object()
            .expect("site's properties")
            .keys()
            .collect();
        let mut all = std::collections::BTreeSet::new();
        properties(&schema, &mut all);
        let note_page = schemars::schema_for!(NotePage<'static, 'static>).to_value();
        properties(&note_page, &mut all);
        // Every `site.x` the README names is a field of `site`, and every field is named.
        let named: Vec<&str> = section
            .split("`site.")
            .skip(1)
            .filter_map(|s| s.split('`').next())
            .collect();
        assert!(named.len() > 10, "{named:?}");
        let mut wrong: Vec<String> = named
            .iter()
            .filter(|name| !top.iter().any(|t| t == *name))
            .map(|name| format!("README names site.{name}, which SiteView does not have"))
            .collect();
        wrong.extend(
            top.iter()
                .filter(|f| {
                    !section.contains(&format!("`site.{f}`"))
                        && !section.contains(&format!("`{f}`"))
                })
                .map(|f| format!("SiteView has `{f}`, which the README does not name")),
        );
        // Every other name in backticks is a field of some view or a page variable.
        let page_variables = [
            "root",
            "section",
            "page_path",
            "canonical_path",
            "site",
            "vendor",
            "criterion",
            "note",
        ];
        for quoted in section.split('`').skip(1).step_by(2) {
            let name = quoted.strip_prefix("site.").unwrap_or(quoted);
            if name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                && !all.contains(name)
                && !page_variables.contains(&name)
            {
                wrong.push(format!("README names `{name}`, which no view has"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn the_readme_lists_the_debrief_pages_variables() {
        let readme = include_str!("../../../../README.md");
        let start = readme
            .find("A debrief's page gets")
            .expect("the README's debrief variables");
        let end = start
            + readme[start..]
                .find("Every page's header shows")
                .expect("their end");
        let section = &readme[start..end];
        let schema = schemars::schema_for!(DebriefSite<'static>).to_value();
        let mut all = std::collections::BTreeSet::new();
        properties(&schema, &mut all);
        let quoted: Vec<&str> = section.split('`').skip(1).step_by(2).collect();
        let mut wrong: Vec<String> = quoted
            .iter()
            .filter(|q| q.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .filter(|q| !all.contains(**q) && !["site", "bidder"].contains(q))
            .map(|q| format!("README names `{q}`, which the debrief's view does not have"))
            .collect();
        wrong.extend(
            all.iter()
                .filter(|f| !quoted.contains(&f.as_str()))
                .map(|f| format!("the debrief's view has `{f}`, which the README does not name")),
        );
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(480000.0), "480,000");
        assert_eq!(group_thousands(999.0), "999");
        assert_eq!(group_thousands(1234567.0), "1,234,567");
    }
}

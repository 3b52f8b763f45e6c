//! The panel page: who scored (by role when names are hidden), each member's declaration of
//! interest and how many scores they gave, every score the panel gave side by side, and the
//! disagreements the committee has still to settle.

use super::*;

/// The panel as its page shows it.
#[derive(Serialize, JsonSchema)]
pub struct PanelView<'a> {
    pub members: Vec<MemberView<'a>>,
    /// Every score at least one member gave, in rank and criterion order.
    pub rows: Vec<PanelRow<'a>>,
    /// Scores whose spread reaches `disagreement_spread` with no agreed score written: the
    /// decisions the committee still owes.
    pub open: Vec<PanelRow<'a>>,
    /// Disagreements the panel settled with an agreed score.
    pub settled: usize,
}

/// One member of the panel.
#[derive(Serialize, JsonSchema)]
pub struct MemberView<'a> {
    pub id: &'a str,
    /// The name, or the role when names are hidden from this audience.
    pub name: &'a str,
    pub role: Option<&'a str>,
    pub declaration: Option<&'a str>,
    /// A declaration was made but is left out of this version.
    pub declaration_withheld: bool,
    /// How many scores they gave.
    pub scores_given: usize,
    /// How many of those they gave in their own scores file.
    pub in_own_file: usize,
}

/// One vendor's score on one criterion, as each member gave it.
#[derive(Serialize, JsonSchema, Clone)]
pub struct PanelRow<'a> {
    pub vendor: &'a str,
    pub vendor_url: String,
    pub criterion: &'a str,
    /// The score's place on the vendor's page.
    pub score_url: String,
    /// Each member's score in the order of `members`, `–` where they gave none.
    pub scores: Vec<String>,
    /// The score that counts.
    pub counts_label: String,
    /// How it was settled: "agreed", "the mean" or "one score".
    pub settled: &'static str,
    pub spread_label: String,
    pub disagreement: bool,
    /// A disagreement with no agreed score: the mean counts until the panel settles it.
    pub open: bool,
    pub agreed_reason: Option<&'a str>,
}

impl<'a> Lookups<'a> {
    /// The panel's view, when report.yaml lists a panel.
    pub(super) fn panel_view(&self) -> Option<PanelView<'a>> {
        let report = self.report;
        if report.evaluators.is_empty() {
            return None;
        }
        let mut rows = Vec::new();
        for st in self.standings {
            let Some(v) = self.vendors_by_slug.get(st.slug.as_str()) else {
                continue;
            };
            for c in &report.criteria {
                if let Some(s) = v.scores.get(&c.id).filter(|s| !s.by.is_empty()) {
                    rows.push(self.panel_row(v, c, s));
                }
            }
        }
        let scores = || report.vendors.iter().flat_map(|v| v.scores.values());
        let members = report
            .evaluators
            .iter()
            .map(|e| MemberView {
                id: &e.id,
                name: &e.name,
                role: e.role.as_deref().filter(|r| *r != e.name),
                declaration: e.declaration.as_deref(),
                declaration_withheld: e.declaration_withheld,
                scores_given: scores().filter(|s| s.by.contains_key(&e.id)).count(),
                in_own_file: scores()
                    .filter(|s| s.individual.contains_key(&e.id))
                    .count(),
            })
            .collect();
        let open = rows.iter().filter(|r| r.open).cloned().collect();
        let settled = rows.iter().filter(|r| r.disagreement && !r.open).count();
        Some(PanelView {
            members,
            rows,
            open,
            settled,
        })
    }

    fn panel_row(
        &self,
        v: &'a Vendor,
        c: &'a Criterion,
        s: &'a crate::model::Score,
    ) -> PanelRow<'a> {
        PanelRow {
            vendor: &v.name,
            vendor_url: urls::vendor(&v.slug),
            criterion: &c.name,
            score_url: format!("{}#score-{}", urls::vendor(&v.slug), c.id),
            scores: self
                .report
                .evaluators
                .iter()
                .map(|e| {
                    s.by.get(&e.id)
                        .map_or("–".to_string(), |x| format_number(*x))
                })
                .collect(),
            counts_label: format_number(s.score),
            settled: match s.consensus {
                Consensus::Agreed => "agreed",
                Consensus::Mean => "the mean",
                Consensus::Single => "one score",
            },
            spread_label: format_number(s.spread),
            disagreement: s.disagreement,
            open: s.disagreement && s.consensus == Consensus::Mean,
            agreed_reason: s.agreed_reason.as_deref(),
        }
    }
}

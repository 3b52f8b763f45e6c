//! The method page: how every figure of the report is computed, with the settings in force
//! (weights, scale and levels, the partner rule and floors, the panel, evidence grades and their
//! uncertainties, the robustness draws, the confidence rule, the cost formula, the fingerprint),
//! so that the printed pack carries its own appendix.

use super::*;

/// The method page's data.
#[derive(Serialize, JsonSchema)]
pub struct MethodView<'a> {
    pub scale_label: String,
    pub weights: Vec<MethodWeight<'a>>,
    pub total_weight: String,
    pub partner_threshold_label: String,
    pub disagreement_spread: String,
    /// How each kind of note is graded: (kind, grade).
    pub grades: Vec<Pair>,
    pub max_age_days: u32,
    /// Points a score may move in the draws, by grade, best grade first.
    pub uncertainty: Vec<Pair>,
    pub draws: String,
    pub weight_spread: String,
    pub seed: u64,
    pub narrow_lead: String,
    pub too_close_lead: String,
    pub too_close_win: String,
    pub clear_win: String,
    /// The contract, when report.yaml gives one.
    pub contract: Option<MethodContract<'a>>,
}

/// A label and what it is set to.
#[derive(Serialize, JsonSchema)]
pub struct Pair {
    pub label: &'static str,
    pub value: String,
}

/// The contract costs are compared over.
#[derive(Serialize, JsonSchema)]
pub struct MethodContract<'a> {
    pub years: u32,
    pub currency: &'a str,
    /// Each other currency's rate: "1 EUR = 0.85 GBP".
    pub rates: Vec<String>,
}

/// One criterion's weight as the method lists it.
#[derive(Serialize, JsonSchema)]
pub struct MethodWeight<'a> {
    pub name: &'a str,
    pub url: String,
    pub weight_label: String,
    pub share_label: String,
    pub minimum_label: Option<String>,
    /// Its own levels, when it has any the scale does not.
    pub own_levels: bool,
}

impl<'a> Lookups<'a> {
    /// The method page's data.
    pub(super) fn method_view(&self) -> MethodView<'a> {
        let report = self.report;
        let r = &report.robustness;
        let total = self.total_weight;
        MethodView {
            scale_label: format!(
                "{}–{}",
                format_number(report.scale.min),
                format_number(report.scale.max)
            ),
            weights: report
                .criteria
                .iter()
                .map(|c| MethodWeight {
                    name: &c.name,
                    url: urls::criterion(&c.id),
                    weight_label: format_number(c.weight),
                    share_label: percent(if total > 0.0 { c.weight / total } else { 0.0 }),
                    minimum_label: c.minimum.map(format_number),
                    own_levels: c.levels != report.levels,
                })
                .collect(),
            total_weight: format_number(total),
            partner_threshold_label: format_number(report.partner_threshold),
            disagreement_spread: format_number(report.disagreement_spread),
            grades: report
                .evidence
                .grades
                .iter()
                .map(|(kind, grade)| Pair {
                    label: kind.label(),
                    value: grade.label().to_string(),
                })
                .collect(),
            max_age_days: report.evidence.max_age_days,
            uncertainty: [
                Grade::Independent,
                Grade::Observed,
                Grade::VendorClaim,
                Grade::None,
            ]
            .into_iter()
            .map(|g| Pair {
                label: g.label(),
                value: format_number(r.uncertainty[g as usize]),
            })
            .collect(),
            draws: group_thousands(f64::from(r.draws)),
            weight_spread: percent(r.weight_spread),
            seed: r.seed,
            narrow_lead: format_number(crate::rules::NARROW_LEAD),
            too_close_lead: format_number(crate::rules::TOO_CLOSE_LEAD),
            too_close_win: percent(crate::rules::TOO_CLOSE_WIN),
            clear_win: percent(crate::rules::CLEAR_WIN),
            contract: report.contract.as_ref().map(|c| {
                let rates = c
                    .rates
                    .iter()
                    .map(|(cur, rate)| format!("1 {cur} = {} {}", format_number(*rate), c.currency))
                    .collect();
                MethodContract {
                    years: c.years,
                    currency: &c.currency,
                    rates,
                }
            }),
        }
    }
}

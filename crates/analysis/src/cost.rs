//! What each provider costs over the contract: pure arithmetic on the model.
//!
//! - total = (one-off fee + annual fee × years) × the rate from the dossier's currency to the
//!   contract's (1 when they are the same);
//! - at risk = the dossier's share of fees tied to outcomes (0 when not given);
//! - per point = total ÷ weighted score: what each point of the ranking costs.
//!
//! A vendor has a cost only when report.yaml gives a `contract` and its dossier an annual fee
//! this audience may see; withheld pricing is not a cost of zero.

use serde::Serialize;

use crate::model::{Report, Vendor};
use crate::score::Standing;

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
/// What one vendor costs over the contract, in the contract's currency.
pub struct Cost {
    /// The contract's currency.
    pub currency: String,
    /// The contract's length in years.
    pub years: u32,
    /// The annual fee, in the contract's currency.
    pub annual: f64,
    /// The one-off fee, in the contract's currency.
    pub one_off: f64,
    /// One-off fee + annual fee × years.
    pub total: f64,
    /// The share of fees tied to outcomes, 0–1.
    pub at_risk_share: f64,
    /// `total` per point of weighted score.
    pub per_point: Option<f64>,
}

/// The cost of `vendor` over the report's contract, if it can be known.
pub fn of(report: &Report, vendor: &Vendor, standing: &Standing) -> Option<Cost> {
    let contract = report.contract.as_ref()?;
    let pricing = vendor.pricing.as_ref()?;
    let annual = pricing.annual_estimate?;
    let rate = contract.rate(pricing.currency.as_deref())?;
    let (annual, one_off) = (annual * rate, pricing.one_off.unwrap_or(0.0) * rate);
    let total = one_off + annual * f64::from(contract.years);
    Some(Cost {
        currency: contract.currency.clone(),
        years: contract.years,
        annual,
        one_off,
        total,
        at_risk_share: pricing.at_risk.unwrap_or(0.0),
        per_point: standing
            .weighted_score
            .filter(|w| *w > 0.0)
            .map(|w| total / w),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Contract, Pricing};
    use crate::score::testing::{report, vendor};
    use std::collections::BTreeMap;

    fn priced(annual: f64, one_off: Option<f64>, currency: &str, at_risk: Option<f64>) -> Pricing {
        Pricing {
            model: None,
            annual_estimate: Some(annual),
            one_off,
            at_risk,
            currency: Some(currency.into()),
            notes: None,
            confidential: false,
        }
    }

    #[test]
    fn totals_over_the_term_per_point_and_in_the_contracts_currency() {
        let mut r = report(vec![
            vendor("a", "A", &[("a", 4.0, true), ("b", 3.0, true)]),
            vendor("b", "B", &[("a", 2.0, true), ("b", 5.0, true)]),
        ]);
        r.contract = Some(Contract {
            years: 3,
            currency: "GBP".into(),
            rates: BTreeMap::from([("EUR".to_string(), 0.85)]),
        });
        r.vendors[0].pricing = Some(priced(400_000.0, Some(50_000.0), "GBP", Some(0.15)));
        r.vendors[1].pricing = Some(priced(200_000.0, None, "eur", None));
        let standings = crate::score::rank(&r);
        // A: 50,000 + 400,000 × 3 = 1,250,000; weighted 3.75, so 333,333.33 a point.
        let a = of(&r, &r.vendors[0], &standings[0]).unwrap();
        assert_eq!(a.total, 1_250_000.0);
        assert_eq!(a.at_risk_share, 0.15);
        assert!((a.per_point.unwrap() - 333_333.333_333).abs() < 0.01);
        // B: 200,000 EUR × 3 × 0.85 = 510,000 GBP; weighted 2.75.
        let b = of(&r, &r.vendors[1], &standings[1]).unwrap();
        assert_eq!(
            (b.annual, b.total, b.currency.as_str()),
            (170_000.0, 510_000.0, "GBP")
        );
        assert!((b.per_point.unwrap() - 185_454.545_454).abs() < 0.01);
        assert_eq!(b.at_risk_share, 0.0);
    }

    #[test]
    fn no_contract_no_annual_fee_or_withheld_pricing_is_no_cost() {
        let mut r = report(vec![vendor("a", "A", &[("a", 4.0, true)])]);
        r.vendors[0].pricing = Some(priced(100.0, None, "GBP", None));
        let st = crate::score::rank(&r);
        assert_eq!(of(&r, &r.vendors[0], &st[0]), None, "no contract");
        r.contract = Some(Contract {
            years: 2,
            currency: "GBP".into(),
            rates: BTreeMap::new(),
        });
        assert!(of(&r, &r.vendors[0], &st[0]).is_some());
        r.vendors[0].pricing = None;
        r.vendors[0].pricing_withheld = true;
        assert_eq!(of(&r, &r.vendors[0], &st[0]), None);
    }
}

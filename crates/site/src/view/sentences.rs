//! The sentences of the report, made from figures the views have already chosen: how a
//! share or an amount is written, what would flip the leader, which single scores would change
//! a verdict, how evidence is graded and how far a score may move. The views decide what is
//! said; this module says it.

use super::*;

pub(super) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A share (0–1) as a percentage for people: `0.0625` → `6.3%`, `0.2` → `20%`.
pub fn percent(share: f64) -> String {
    let p = share * 100.0;
    if (p - p.round()).abs() < 0.05 || p >= 10.0 {
        format!("{:.0}%", p)
    } else {
        format!("{:.1}%", p)
    }
}

/// `480000` → `480,000`; amounts are shown to the unit.
pub fn group_thousands(amount: f64) -> String {
    let digits = format!("{:.0}", amount.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if amount < 0.0 { format!("-{out}") } else { out }
}

/// An amount in the contract's currency, to the unit: `GBP 1,440,000`.
pub(super) fn money(currency: &str, amount: f64) -> String {
    format!("{currency} {}", group_thousands(amount))
}

/// "GBP 120,000" from a dossier's pricing, when it gives a yearly estimate.
pub(super) fn annual_estimate_label(pricing: Option<&Pricing>) -> Option<String> {
    let p = pricing?;
    let currency = p.currency.as_deref().unwrap_or("");
    Some(
        format!("{currency} {}", group_thousands(p.annual_estimate?))
            .trim()
            .to_string(),
    )
}

/// "Kestrel Lane leads if Track record weighs less than 5.9% of the total (now 20%): a weight
/// under 5.3, now 20", or `None` when no share of this criterion's weight changes the leader.
pub(super) fn flip_sentence<'a>(
    report: &'a Report,
    analysis: &Analysis,
    f: &crate::sensitivity::Flip,
) -> Option<FlipView<'a>> {
    let (to, at) = (f.flips_to.as_deref()?, f.at?);
    let vendor = report.vendor(to)?;
    let leader = report.vendor(analysis.leader.as_deref()?)?;
    let criterion = report.criterion(&f.criterion)?;
    let direction = if at < f.share { "less" } else { "more" };
    let at_weight = f.at_weight.map(weight_label);
    Some(FlipView {
        vendor: &vendor.name,
        vendor_url: urls::vendor(&vendor.slug),
        criterion: &criterion.name,
        criterion_url: urls::criterion(&criterion.id),
        leader: &leader.name,
        text: format!(
            "{} leads if {} weighs {direction} than {} of the total (now {}){}",
            vendor.name,
            criterion.name,
            percent(at),
            percent(f.share),
            at_weight.as_ref().map_or(String::new(), |w| format!(
                ": a weight {} {w}, now {}",
                if direction == "less" {
                    "under"
                } else {
                    "above"
                },
                format_number(criterion.weight)
            ))
        ),
        distance: (at - f.share).abs(),
        direction,
        at_label: percent(at),
        share_label: percent(f.share),
        keeps_label: format!(
            "from {} to {}",
            percent(f.keeps_leader.0),
            percent(f.keeps_leader.1)
        ),
        at_weight_label: at_weight,
        weight_label: format_number(criterion.weight),
    })
}

/// A weight at a flip point for people, to one decimal: `5.3`, `30`.
fn weight_label(w: f64) -> String {
    format_number((w * 10.0).round() / 10.0)
}

/// Why a score moved since the previous round, as the report says it: its reason, else the
/// notes it cites that are new since, else "no reason given"; `None` when only an evaluator's
/// own score moved.
pub(super) fn why_moved(report: &Report, s: &crate::changes::ScoreChange) -> Option<String> {
    if !s.score_moved() {
        return None;
    }
    if let Some(reason) = &s.reason {
        return Some(format!("why: {reason}"));
    }
    let titles: Vec<&str> = s
        .new_evidence
        .iter()
        .filter_map(|slug| report.notes.iter().find(|n| &n.slug == slug))
        .map(|n| n.title.as_str())
        .collect();
    Some(if titles.is_empty() {
        "no reason given".to_string()
    } else {
        format!("new evidence since: {}", titles.join(", "))
    })
}

/// One sentence per vendor whose verdict one point would reverse: "Harbour & Pine Learning
/// becomes a partner if one of these scores rises by a point: Track record (3 → 4), Cost
/// (3 → 4, no evidence behind it)".
pub(super) fn hinge_sentences(report: &Report, analysis: &Analysis) -> BTreeMap<String, String> {
    let mut by_vendor: BTreeMap<&str, Vec<&crate::sensitivity::Hinge>> = BTreeMap::new();
    for h in &analysis.hinges {
        by_vendor.entry(h.vendor.as_str()).or_default().push(h);
    }
    by_vendor
        .into_iter()
        .filter_map(|(slug, hinges)| {
            let v = report.vendor(slug)?;
            let first = hinges.first()?;
            let (verb, way) = if first.partner {
                ("stops being a partner", "drops")
            } else {
                ("becomes a partner", "rises")
            };
            let name = |h: &crate::sensitivity::Hinge| {
                report
                    .criterion(&h.criterion)
                    .map_or(h.criterion.clone(), |c| c.name.clone())
            };
            let unsupported = |h: &crate::sensitivity::Hinge| {
                if h.has_evidence {
                    ""
                } else {
                    ", a score with no evidence behind it"
                }
            };
            let text = if let [h] = hinges.as_slice() {
                format!(
                    "{} {verb} if its {} score {way} from {} to {}{}",
                    v.name,
                    name(h),
                    format_number(h.score),
                    format_number(h.would_be),
                    unsupported(h)
                )
            } else {
                let items: Vec<String> = hinges
                    .iter()
                    .map(|h| {
                        format!(
                            "{} ({} → {}{})",
                            name(h),
                            format_number(h.score),
                            format_number(h.would_be),
                            unsupported(h).replace(", a score with", ";")
                        )
                    })
                    .collect();
                format!(
                    "{} {verb} if any one of these scores {way} by a point: {}",
                    v.name,
                    items.join("; ")
                )
            };
            Some((slug.to_string(), text))
        })
        .collect()
}

/// "reference calls, site visits and internal notes count as independent; ..." from the grade
/// table in force.
pub(super) fn grades_text(rules: &crate::model::EvidenceRules) -> String {
    let mut parts = Vec::new();
    for grade in [
        Grade::Independent,
        Grade::Observed,
        Grade::VendorClaim,
        Grade::None,
    ] {
        let kinds: Vec<String> = rules
            .grades
            .iter()
            .filter(|(_, g)| *g == grade)
            .map(|(k, _)| {
                // "Reference call" → "reference calls", "RFP response" → "RFP responses".
                let label = k.label();
                let keep = label.chars().nth(1).is_some_and(char::is_uppercase);
                if keep {
                    format!("{label}s")
                } else {
                    format!("{}s", label.to_lowercase())
                }
            })
            .collect();
        let list = match kinds.as_slice() {
            [] => continue,
            [one] => one.clone(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        };
        parts.push(format!("{list} count as {}", grade.label()));
    }
    parts.join("; ")
}

/// "within ±1 with no evidence, 0.5 on the vendor's claim, ..." (points a score may move).
pub(super) fn uncertainty_text(r: &crate::model::Robustness) -> String {
    let points = |g: Grade| format_number(r.uncertainty[g as usize]);
    format!(
        "within ±{} with no evidence, ±{} on the vendor's claim, ±{} when observed and ±{} when independent",
        points(Grade::None),
        points(Grade::VendorClaim),
        points(Grade::Observed),
        points(Grade::Independent)
    )
}

//! The data every template sees, built once per build from the model and the standings.
//!
//! Templates get plain values, already computed: ranks, labels, colour steps, URLs relative to
//! the site root, notes resolved from evidence slugs. Keeping the arithmetic here keeps themes
//! simple and the numbers the same on every page. The shape is documented in the README for
//! theme authors; `render` adds the per-page variables (`root`, `vendor`, `note`, ...).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::model::{Criterion, Note, Report, Vendor, format_number};
use crate::score::Standing;

/// Everything about the report, with vendors in rank order.
pub struct Site {
    pub data: Value,
    /// Vendor views keyed by slug, for the vendor pages.
    pub vendors: BTreeMap<String, Value>,
    pub criteria: BTreeMap<String, Value>,
    pub notes: BTreeMap<String, Value>,
}

pub fn vendor_url(slug: &str) -> String {
    format!("vendors/{slug}/index.html")
}
pub fn note_url(slug: &str) -> String {
    format!("notes/{slug}/index.html")
}
pub fn criterion_url(id: &str) -> String {
    format!("criteria/{id}/index.html")
}

fn note_ref(n: &Note) -> Value {
    json!({
        "slug": n.slug, "title": n.title, "date": n.date, "kind": n.kind.as_str(),
        "kind_label": n.kind.label(), "url": note_url(&n.slug),
    })
}

/// The base URL when it is absolute (`https://...`): only then are canonical links and a
/// sitemap worth writing. Internal links stay relative either way.
pub fn absolute_base(base_url: &str) -> Option<&str> {
    crate::urlpath::is_web_address(base_url).then_some(base_url)
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

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

pub fn build(report: &Report, standings: &[Standing]) -> Site {
    let audience = report.audience.as_str();
    let notes_by_slug: BTreeMap<&str, &Note> =
        report.notes.iter().map(|n| (n.slug.as_str(), n)).collect();
    let vendors_by_slug: BTreeMap<&str, &Vendor> = report
        .vendors
        .iter()
        .map(|v| (v.slug.as_str(), v))
        .collect();
    let total_weight: f64 = report.criteria.iter().map(|c| c.weight).sum();
    let scale = report.scale;

    // Who leads on each criterion: the highest score (ties share the lead).
    let best: BTreeMap<&str, f64> = report
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
        .collect();

    let evidence_refs = |slugs: &[String]| -> Vec<Value> {
        slugs
            .iter()
            .filter_map(|s| notes_by_slug.get(s.as_str()))
            .map(|n| note_ref(n))
            .collect()
    };

    let cell = |v: &Vendor, c: &Criterion| -> Value {
        match v.scores.get(&c.id) {
            Some(s) => json!({
                "criterion": c.id, "criterion_name": c.name, "criterion_url": criterion_url(&c.id),
                "weight": c.weight, "score": s.score, "label": format_number(s.score),
                "step": scale.step(s.score), "unsupported": s.is_unsupported(), "missing": false,
                "pct": (scale.fraction(s.score) * 1000.0).round() / 10.0,
                "leads": best.get(c.id.as_str()).is_some_and(|b| (*b - s.score).abs() < 1e-9),
                "rationale": s.rationale.as_ref().map(|r| r.html.as_str()),
                "evidence": evidence_refs(&s.evidence), "confidential": s.confidential,
                "withheld": s.withheld,
            }),
            None => json!({
                "criterion": c.id, "criterion_name": c.name, "criterion_url": criterion_url(&c.id),
                "weight": c.weight, "score": null, "label": "–", "step": 0, "unsupported": false,
                "missing": true, "leads": false, "rationale": null, "evidence": [], "confidential": false,
                "pct": 0.0,
                "withheld": 0,
            }),
        }
    };

    // Which scores cite each note, in rank and criterion order: one pass over all scores.
    let mut cited_by_note: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for v in standings
        .iter()
        .filter_map(|st| vendors_by_slug.get(st.slug.as_str()))
    {
        for c in &report.criteria {
            let Some(s) = v.scores.get(&c.id) else {
                continue;
            };
            for slug in &s.evidence {
                cited_by_note.entry(slug.as_str()).or_default().push(json!({
                    "vendor": v.name, "vendor_url": vendor_url(&v.slug),
                    "criterion": c.name, "criterion_url": criterion_url(&c.id),
                    "label": format_number(s.score), "step": scale.step(s.score),
                }));
            }
        }
    }
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
    let notes_of_vendor = |slug: &str| -> Vec<Value> {
        note_set.get(slug).map_or_else(Vec::new, |set| {
            set.iter()
                .rev()
                .map(|i| note_ref(&report.notes[*i]))
                .collect()
        })
    };

    let mut vendor_views = BTreeMap::new();
    let mut ranked = Vec::new();
    for st in standings {
        let Some(v) = vendors_by_slug.get(st.slug.as_str()) else {
            continue;
        };
        let cells: Vec<Value> = report.criteria.iter().map(|c| cell(v, c)).collect();
        let leads_on = cells.iter().filter(|c| c["leads"] == json!(true)).count();
        let cited: Vec<&str> = {
            let mut all: Vec<&str> = v
                .scores
                .values()
                .flat_map(|s| s.evidence.iter().map(String::as_str))
                .collect();
            all.sort();
            all.dedup();
            all
        };
        let notes = notes_of_vendor(&v.slug);
        let risks: Vec<Value> = v
            .risks
            .iter()
            .map(|r| {
                let level = |l: Option<crate::model::Level>| l.map_or(0, |l| l as u8 + 1);
                let severity = level(r.likelihood) * level(r.impact);
                json!({
                    "title": r.title, "likelihood": r.likelihood, "impact": r.impact,
                    "severity": severity,
                    "severity_label": match severity { 0 => "unrated", 1..=2 => "low", 3..=4 => "medium", _ => "high" },
                    "mitigation": r.mitigation, "confidential": r.confidential,
                })
            })
            .collect();
        let mut view = serde_json::to_value(v).unwrap_or(Value::Null);
        let summary_html = v.summary.as_ref().map(|s| s.html.clone());
        let extra = json!({
            "url": vendor_url(&v.slug),
            "status_label": capitalise(v.status.as_str()),
            "shortlisted": v.status.is_shortlisted(),
            "rank": st.rank,
            "weighted_score": st.weighted_score,
            "weighted_label": st.weighted_score.map_or("–".to_string(), |w| format!("{w:.2}")),
            "bar_pct": st.weighted_score.map_or(0.0, |w| (scale.fraction(w) * 1000.0).round() / 10.0),
            "step": st.weighted_score.map_or(0, |w| scale.step(w)),
            "coverage": st.coverage,
            "coverage_pct": (st.coverage * 100.0).round(),
            "scored": st.scored, "total": st.total, "complete": st.complete,
            "partner": st.partner,
            "badge": if st.partner { "Partner" } else { "Vendor" },
            "unsupported": st.unsupported, "unsupported_count": st.unsupported.len(),
            "missing": st.missing.iter().filter_map(|id| report.criterion(id)).map(|c| c.name.clone()).collect::<Vec<_>>(),
            "cells": cells, "leads_on": leads_on,
            "summary": summary_html,
            "notes": notes, "evidence_count": cited.len(),
            "risks": risks,
            "annual_estimate_label": v.pricing.as_ref().and_then(|p| p.annual_estimate).map(|a| {
                let currency = v.pricing.as_ref().and_then(|p| p.currency.as_deref()).unwrap_or("");
                format!("{currency} {}", group_thousands(a)).trim().to_string()
            }),
        });
        if let (Value::Object(base), Value::Object(more)) = (&mut view, extra) {
            base.remove("scores");
            base.extend(more);
        }
        vendor_views.insert(v.slug.clone(), view.clone());
        ranked.push(view);
    }

    let mut criterion_views = BTreeMap::new();
    let mut criteria_list = Vec::new();
    for c in &report.criteria {
        let rows: Vec<Value> = standings
            .iter()
            .filter_map(|st| vendors_by_slug.get(st.slug.as_str()))
            .map(|v| {
                let mut row = cell(v, c);
                if let Value::Object(m) = &mut row {
                    m.insert("vendor".into(), json!({"slug": v.slug, "name": v.name, "url": vendor_url(&v.slug), "status": v.status}));
                }
                row
            })
            .collect();
        let scores: Vec<f64> = rows.iter().filter_map(|r| r["score"].as_f64()).collect();
        let mean = (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64);
        let notes: Vec<Value> = report
            .notes
            .iter()
            .rev()
            .filter(|n| n.criteria.contains(&c.id))
            .map(note_ref)
            .collect();
        let view = json!({
            "id": c.id, "name": c.name, "weight": c.weight,
            "weight_label": format_number(c.weight),
            "weight_pct": if total_weight > 0.0 { (c.weight / total_weight * 1000.0).round() / 10.0 } else { 0.0 },
            "question": c.question,
            "description": c.description.as_ref().map(|d| d.html.as_str()),
            "url": criterion_url(&c.id),
            "rows": rows,
            "scored": scores.len(),
            "mean": mean, "mean_label": mean.map_or("–".to_string(), |m| format!("{m:.1}")),
            "notes": notes,
        });
        criterion_views.insert(c.id.clone(), view.clone());
        criteria_list.push(view);
    }

    let mut note_views = BTreeMap::new();
    let mut notes_list = Vec::new();
    for n in report.notes.iter().rev() {
        let cited_by = cited_by_note
            .get(n.slug.as_str())
            .cloned()
            .unwrap_or_default();
        let view = json!({
            "slug": n.slug, "title": n.title, "date": n.date, "kind": n.kind.as_str(),
            "kind_label": n.kind.label(), "author": n.author, "confidential": n.confidential,
            "draft": n.draft, "tags": n.tags, "url": note_url(&n.slug),
            "body": n.body.html, "headings": n.body.headings,
            "vendors": n.vendors.iter().filter_map(|s| vendors_by_slug.get(s.as_str()))
                .map(|v| json!({"slug": v.slug, "name": v.name, "url": vendor_url(&v.slug)})).collect::<Vec<_>>(),
            "criteria": n.criteria.iter().filter_map(|id| report.criterion(id))
                .map(|c| json!({"id": c.id, "name": c.name, "url": criterion_url(&c.id)})).collect::<Vec<_>>(),
            "cited_by": cited_by,
        });
        // The list every page sees leaves out the body: editing a note's text then changes one
        // page only, and the site data stays small.
        let mut listed = view.clone();
        if let Value::Object(m) = &mut listed {
            m.remove("body");
            m.remove("headings");
        }
        note_views.insert(n.slug.clone(), view);
        notes_list.push(listed);
    }

    // The comparison starts with the shortlist (at most four, in rank order), or the top three.
    let compare: Vec<Value> = {
        let shortlisted: Vec<Value> = ranked
            .iter()
            .filter(|v| v["shortlisted"] == json!(true))
            .take(4)
            .cloned()
            .collect();
        if shortlisted.len() >= 2 {
            shortlisted
        } else {
            ranked.iter().take(3).cloned().collect()
        }
    };
    let in_compare: Vec<Value> = compare.iter().map(|v| v["slug"].clone()).collect();
    for v in &mut ranked {
        let chosen = in_compare.contains(&v["slug"]);
        if let Value::Object(m) = v {
            m.insert("in_compare".into(), json!(chosen));
        }
    }

    let data = json!({
        "title": report.title,
        "organisation": report.organisation,
        "summary": report.summary.as_ref().map(|s| s.html.as_str()),
        "audience": audience,
        "audience_label": match report.audience {
            crate::model::Audience::Internal => "includes confidential notes, pricing and contacts; do not share",
            crate::model::Audience::Shareable => "confidential notes, pricing and contacts are left out",
        },
        "base_url": report.base_url,
        "canonical_base": absolute_base(&report.base_url),
        "scale": { "min": scale.min, "max": scale.max,
                   "label": format!("{}–{}", format_number(scale.min), format_number(scale.max)),
                   "max_label": format_number(scale.max) },
        "partner_threshold": report.partner_threshold,
        "partner_threshold_label": format_number(report.partner_threshold),
        "newest_evidence": report.notes.iter().map(|n| n.date.as_str()).max(),
        "criteria": criteria_list,
        "total_weight": format_number(total_weight),
        "vendors": ranked,
        "notes": notes_list,
        "recent_notes": report.notes.iter().rev().take(6).map(note_ref).collect::<Vec<_>>(),
        "compare": compare,
        "recommendation": recommendation(report, standings, &vendor_views),
        "partner_count": standings.iter().filter(|s| s.partner).count(),
    });
    Site {
        data,
        vendors: vendor_views,
        criteria: criterion_views,
        notes: note_views,
    }
}

/// The panel that answers "whom, and why", with its honest caveats.
fn recommendation(
    report: &Report,
    standings: &[Standing],
    views: &BTreeMap<String, Value>,
) -> Value {
    let Some(top) = standings.first().filter(|s| s.weighted_score.is_some()) else {
        return Value::Null;
    };
    let Some(view) = views.get(&top.slug) else {
        return Value::Null;
    };
    let name = view["name"].as_str().unwrap_or_default();
    let score = top.weighted_score.unwrap_or_default();
    let runner = standings.get(1).filter(|s| s.weighted_score.is_some());
    let margin = runner.and_then(|r| r.weighted_score).map(|r| score - r);
    let mut caveats = Vec::new();
    if !top.complete {
        caveats.push(format!(
            "{name} has scores for only {} of {} criteria.",
            top.scored, top.total
        ));
    }
    if !top.unsupported.is_empty() {
        let n = top.unsupported.len();
        caveats.push(format!(
            "{n} of its scores {} no evidence behind {}.",
            if n == 1 { "has" } else { "have" },
            if n == 1 { "it" } else { "them" }
        ));
    }
    let evidence = view["evidence_count"].as_u64().unwrap_or(0);
    if (evidence as usize) < report.criteria.len().div_ceil(2) {
        caveats.push(format!(
            "The evidence is thin: its scores cite {evidence} {}.",
            if evidence == 1 { "note" } else { "notes" }
        ));
    }
    if let Some(m) = margin.filter(|m| *m < 0.25) {
        caveats.push(format!(
            "The lead is narrow ({m:.2} points); read the runner-up's dossier too."
        ));
    }
    if !top.partner && top.complete {
        caveats.push(format!(
            "Its score is below the partner threshold of {}.",
            format_number(report.partner_threshold)
        ));
    }
    let runner_view = runner.and_then(|r| views.get(&r.slug));
    json!({
        "vendor": view,
        "score_label": format!("{score:.2}"),
        "margin": margin,
        "margin_label": margin.map(|m| format!("{m:.2}")),
        "runner_up": runner_view,
        "caveats": caveats,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(480000.0), "480,000");
        assert_eq!(group_thousands(999.0), "999");
        assert_eq!(group_thousands(1234567.0), "1,234,567");
    }
}

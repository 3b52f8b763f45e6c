//! The data every template sees, built once per build from the model and the standings.
//!
//! Templates get plain values, already computed: ranks, labels, colour steps, URLs relative to
//! the site root, notes resolved from evidence slugs. Keeping the arithmetic here keeps themes
//! simple and the numbers the same on every page. The shape is documented in the README for
//! theme authors; `render` adds the per-page variables (`root`, `vendor`, `note`, ...).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::model::{Criterion, Grade, Note, Report, Vendor, format_number};
use crate::score::Standing;
use crate::sensitivity::Analysis;

/// Everything about the report, with vendors in rank order.
pub struct Site {
    pub data: Value,
    /// Vendor views keyed by slug, for the vendor pages.
    pub vendors: BTreeMap<String, Value>,
    pub criteria: BTreeMap<String, Value>,
    pub notes: BTreeMap<String, Value>,
}

use crate::urls;

fn note_ref(n: &Note) -> Value {
    json!({
        "slug": n.slug, "title": n.title, "date": n.date, "kind": n.kind.as_str(),
        "kind_label": n.kind.label(), "url": urls::note(&n.slug),
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

/// A share (0–1) as a percentage for people: `0.0625` → `6.3%`, `0.2` → `20%`.
pub fn percent(share: f64) -> String {
    let p = share * 100.0;
    if (p - p.round()).abs() < 0.05 || p >= 10.0 {
        format!("{:.0}%", p)
    } else {
        format!("{:.1}%", p)
    }
}

pub fn build(
    report: &Report,
    standings: &[Standing],
    analysis: &Analysis,
    changes: Option<&crate::changes::Changes>,
) -> Site {
    let look = Lookups::new(report, standings, analysis, changes);
    let mut vendor_views = BTreeMap::new();
    let mut ranked = Vec::new();
    for st in standings {
        let Some(v) = look.vendors_by_slug.get(st.slug.as_str()) else {
            continue;
        };
        let view = look.vendor_view(st, v);
        vendor_views.insert(v.slug.clone(), view.clone());
        ranked.push(view);
    }
    let mut criterion_views = BTreeMap::new();
    let mut criteria_list = Vec::new();
    for c in &report.criteria {
        let view = look.criterion_view(c);
        criterion_views.insert(c.id.clone(), view.clone());
        criteria_list.push(view);
    }
    let mut note_views = BTreeMap::new();
    let mut notes_list = Vec::new();
    for n in report.notes.iter().rev() {
        let (view, listed) = look.note_view(n);
        note_views.insert(n.slug.clone(), view);
        notes_list.push(listed);
    }
    let compare = compare_first(&mut ranked);
    let lists = Lists {
        ranked,
        criteria: criteria_list,
        notes: notes_list,
        compare,
    };
    Site {
        data: look.site_data(lists, &vendor_views),
        vendors: vendor_views,
        criteria: criterion_views,
        notes: note_views,
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
    /// Which scores cite each note, in rank and criterion order.
    cited_by_note: BTreeMap<&'a str, Vec<Value>>,
    /// Which notes concern each vendor (named in the note, or cited by its scores), by index.
    note_set: BTreeMap<&'a str, std::collections::BTreeSet<usize>>,
    hinges: BTreeMap<String, String>,
    costs: BTreeMap<&'a str, crate::cost::Cost>,
    /// The cheapest and the dearest totals, when there are two costs to compare.
    cost_range: Option<(f64, f64)>,
}

/// The lists every page sees, in the order they are shown.
struct Lists {
    ranked: Vec<Value>,
    criteria: Vec<Value>,
    notes: Vec<Value>,
    compare: Vec<Value>,
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
        let cost_range = (costs.len() > 1).then(|| {
            costs
                .values()
                .map(|c| c.total)
                .fold((f64::MAX, f64::MIN), |(l, h), t| (l.min(t), h.max(t)))
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

    fn evidence_refs(&self, slugs: &[String]) -> Vec<Value> {
        slugs
            .iter()
            .filter_map(|s| self.notes_by_slug.get(s.as_str()))
            .map(|n| note_ref(n))
            .collect()
    }

    /// One vendor's score on one criterion, as the matrix and the pages show it.
    fn cell(&self, v: &Vendor, c: &Criterion) -> Value {
        let (report, scale, best) = (self.report, self.report.scale, &self.best);
        match v.scores.get(&c.id) {
            Some(s) => json!({
                "criterion": c.id, "criterion_name": c.name, "criterion_url": urls::criterion(&c.id),
                "weight": c.weight, "score": s.score, "label": format_number(s.score),
                "step": scale.step(s.score), "unsupported": s.is_unsupported(), "missing": false,
                "pct": (scale.fraction(s.score) * 1000.0).round() / 10.0,
                "leads": best.get(c.id.as_str()).is_some_and(|b| (*b - s.score).abs() < 1e-9),
                "rationale": s.rationale.as_ref().map(|r| r.html.as_str()),
                "evidence": self.evidence_refs(&s.evidence), "confidential": s.confidential,
                "withheld": s.withheld,
                "grade": s.grade, "grade_label": s.grade.label(),
                "panel": report.evaluators.iter().filter_map(|e| {
                    let x = s.by.get(&e.id)?;
                    Some(json!({"name": e.name, "role": e.role, "score_label": format_number(*x)}))
                }).collect::<Vec<_>>(),
                "spread_label": format_number(s.spread),
                "disagreement": s.disagreement,
                "consensus": s.consensus,
                "agreed_reason": s.agreed_reason,
                "age_days": s.evidence_age_days,
                "stale": s.evidence_age_days.is_some_and(|d| d > i64::from(report.evidence.max_age_days)),
            }),
            None => json!({
                "criterion": c.id, "criterion_name": c.name, "criterion_url": urls::criterion(&c.id),
                "weight": c.weight, "score": null, "label": "–", "step": 0, "unsupported": false,
                "missing": true, "leads": false, "rationale": null, "evidence": [], "confidential": false,
                "pct": 0.0,
                "withheld": 0,
                "grade": null, "grade_label": null, "age_days": null, "stale": false,
                "panel": [], "spread_label": "0", "disagreement": false, "consensus": null, "agreed_reason": null,
            }),
        }
    }

    /// The notes about a vendor, newest first.
    fn notes_of_vendor(&self, slug: &str) -> Vec<Value> {
        self.note_set.get(slug).map_or_else(Vec::new, |set| {
            set.iter()
                .rev()
                .map(|i| note_ref(&self.report.notes[*i]))
                .collect()
        })
    }

    /// A vendor's page data: its dossier, its standing and every figure about it.
    fn vendor_view(&self, st: &Standing, v: &Vendor) -> Value {
        let Lookups {
            report,
            analysis,
            changes,
            hinges,
            costs,
            cost_range,
            ..
        } = self;
        let (scale, cost_range) = (report.scale, *cost_range);
        let cells: Vec<Value> = report.criteria.iter().map(|c| self.cell(v, c)).collect();
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
        let notes = self.notes_of_vendor(&v.slug);
        let risks: Vec<Value> = v
            .risks
            .iter()
            .map(|r| {
                json!({
                    "title": r.title, "likelihood": r.likelihood, "impact": r.impact,
                    "severity": r.severity(), "severity_label": r.severity_label(),
                    "mitigation": r.mitigation, "owner": r.owner, "confidential": r.confidential,
                })
            })
            .collect();
        // The three most severe, for the printed digest.
        let mut top_risks = risks.clone();
        top_risks.sort_by_key(|r| std::cmp::Reverse(r["severity"].as_u64().unwrap_or(0)));
        top_risks.truncate(3);
        let mut view = serde_json::to_value(v).unwrap_or(Value::Null);
        let summary_html = v.summary.as_ref().map(|s| s.html.clone());
        let extra = json!({
            "url": urls::vendor(&v.slug),
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
            "assessed": st.complete,
            "verdict": crate::score::verdict(st),
            "badge": capitalise(crate::score::verdict(st)),
            "badge_class": if st.partner { "partner" } else if st.complete { "vendor" } else { "unassessed" },
            "score_range_label": format!("{:.2}–{:.2}", st.score_range.0, st.score_range.1),
            "reaches_leader": analysis.contenders.contains(&st.slug),
            "win_label": analysis.win_probability.get(&st.slug).map(|p| percent(*p)),
            "below_minimum": st.below_minimum.iter().filter_map(|id| {
                let c = report.criterion(id)?;
                let s = v.scores.get(id)?;
                Some(json!({"name": c.name, "score_label": format_number(s.score),
                    "minimum_label": c.minimum.map(format_number)}))
            }).collect::<Vec<_>>(),
            "hinge": hinges.get(&v.slug),
            "changes": changes.and_then(|c| c.vendors.iter().find(|ch| ch.slug == v.slug))
                .map(|ch| vendor_change(report, ch)),
            "what_if_scores": report.criteria.iter()
                .map(|c| v.scores.get(&c.id).map_or(String::new(), |s| format_number(s.score)))
                .collect::<Vec<_>>().join(" "),
            "unsupported": st.unsupported, "unsupported_count": st.unsupported.len(),
            "missing": st.missing.iter().filter_map(|id| report.criterion(id)).map(|c| c.name.clone()).collect::<Vec<_>>(),
            "cells": cells, "leads_on": leads_on,
            "summary": summary_html,
            "notes": notes, "evidence_count": cited.len(),
            "risks": risks,
            "top_risks": top_risks,
            "cost": costs.get(v.slug.as_str()).map(|c| cost_view(c, cost_range)),
            "cost_withheld": v.pricing_withheld,
            "annual_estimate_label": v.pricing.as_ref().and_then(|p| p.annual_estimate).map(|a| {
                let currency = v.pricing.as_ref().and_then(|p| p.currency.as_deref()).unwrap_or("");
                format!("{currency} {}", group_thousands(a)).trim().to_string()
            }),
        });
        if let (Value::Object(base), Value::Object(more)) = (&mut view, extra) {
            base.remove("scores");
            base.extend(more);
        }
        view
    }

    /// A criterion's page data: every vendor's score on it, in rank order, and its notes.
    fn criterion_view(&self, c: &Criterion) -> Value {
        let Lookups {
            report,
            standings,
            analysis,
            vendors_by_slug,
            total_weight,
            ..
        } = self;
        let total_weight = *total_weight;
        let rows: Vec<Value> = standings
            .iter()
            .filter_map(|st| vendors_by_slug.get(st.slug.as_str()))
            .map(|v| {
                let mut row = self.cell(v, c);
                if let Value::Object(m) = &mut row {
                    m.insert("vendor".into(), json!({"slug": v.slug, "name": v.name, "url": urls::vendor(&v.slug), "status": v.status}));
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
            "url": urls::criterion(&c.id),
            "rows": rows,
            "scored": scores.len(),
            "mean": mean, "mean_label": mean.map_or("–".to_string(), |m| format!("{m:.1}")),
            "notes": notes,
            "minimum": c.minimum,
            "minimum_label": c.minimum.map(format_number),
            "flip": analysis.criteria.iter().find(|f| f.criterion == c.id)
                .and_then(|f| flip_sentence(report, analysis, f)),
        });
        view
    }

    /// A note's page data, and the same without its body for the lists every page sees.
    fn note_view(&self, n: &Note) -> (Value, Value) {
        let Lookups {
            report,
            vendors_by_slug,
            cited_by_note,
            ..
        } = self;
        let cited_by = cited_by_note
            .get(n.slug.as_str())
            .cloned()
            .unwrap_or_default();
        let view = json!({
            "slug": n.slug, "title": n.title, "date": n.date, "kind": n.kind.as_str(),
            "kind_label": n.kind.label(), "author": n.author, "confidential": n.confidential,
            "draft": n.draft, "tags": n.tags, "url": urls::note(&n.slug),
            "body": n.body.html, "headings": n.body.headings,
            "vendors": n.vendors.iter().filter_map(|s| vendors_by_slug.get(s.as_str()))
                .map(|v| json!({"slug": v.slug, "name": v.name, "url": urls::vendor(&v.slug)})).collect::<Vec<_>>(),
            "criteria": n.criteria.iter().filter_map(|id| report.criterion(id))
                .map(|c| json!({"id": c.id, "name": c.name, "url": urls::criterion(&c.id)})).collect::<Vec<_>>(),
            "cited_by": cited_by,
        });
        // The list every page sees leaves out the body: editing a note's text then changes one
        // page only, and the site data stays small.
        let mut listed = view.clone();
        if let Value::Object(m) = &mut listed {
            m.remove("body");
            m.remove("headings");
        }
        (view, listed)
    }

    /// The data every page sees.
    fn site_data(&self, lists: Lists, vendor_views: &BTreeMap<String, Value>) -> Value {
        let Lookups {
            report,
            standings,
            analysis,
            changes,
            vendors_by_slug,
            total_weight,
            costs,
            ..
        } = self;
        let (audience, scale, total_weight) =
            (report.audience.as_str(), report.scale, *total_weight);
        let Lists {
            ranked,
            criteria: criteria_list,
            notes: notes_list,
            compare,
        } = lists;
        json!({
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
            "recommendation": recommendation(report, standings, vendor_views),
            "answer": what_would_change(report, standings, analysis, vendor_views),
            "risks": risk_register(report, standings),
            "costs": report.contract.as_ref().map(|c| json!({
                "years": c.years,
                "currency": c.currency,
                "value_map": value_map(report, standings, costs, vendor_views),
            })),
            "date": report.date,
            "evaluators": report.evaluators,
            "changes": changes.map(|c| changes_view(report, c, vendors_by_slug)),
            "disagreement_spread": format_number(report.disagreement_spread),
            "partner_count": standings.iter().filter(|s| s.partner).count(),
        })
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

/// Which scores cite each note, in rank and criterion order: one pass over all scores.
fn cited_by_note<'a>(
    report: &'a Report,
    standings: &[Standing],
    vendors_by_slug: &BTreeMap<&str, &'a Vendor>,
) -> BTreeMap<&'a str, Vec<Value>> {
    // Which scores cite each note, in rank and criterion order: one pass over all scores.
    let scale = report.scale;
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
                    "vendor": v.name, "vendor_url": urls::vendor(&v.slug),
                    "criterion": c.name, "criterion_url": urls::criterion(&c.id),
                    "label": format_number(s.score), "step": scale.step(s.score),
                }));
            }
        }
    }
    cited_by_note
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

/// The vendors the comparison starts with: the shortlist (at most four, in rank order), or
/// the top three; each vendor says whether it is in.
fn compare_first(ranked: &mut [Value]) -> Vec<Value> {
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
    for v in ranked.iter_mut() {
        let chosen = in_compare.contains(&v["slug"]);
        if let Value::Object(m) = v {
            m.insert("in_compare".into(), json!(chosen));
        }
    }

    compare
}

fn vendor_change(report: &Report, ch: &crate::changes::VendorChange) -> Value {
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
            if who.is_empty() {
                format!("{name} {}", crate::changes::move_label(s.from, s.to))
            } else {
                format!(
                    "{name} {} ({})",
                    crate::changes::move_label(s.from, s.to),
                    who.join(", ")
                )
            }
        })
        .collect();
    let verdict = |p: bool| if p { "partner" } else { "not a partner" };
    json!({
        "rank": (ch.rank.0 != ch.rank.1).then(|| format!("rank {} → {}", ch.rank.0, ch.rank.1)),
        "moved_up": ch.rank.1 < ch.rank.0,
        "status": ch.status.as_ref().map(|(a, b)| format!("status {a} → {b}")),
        "verdict": ch.partner.map(|(a, b)| format!("{} → {}", verdict(a), verdict(b))),
        "weighted": match ch.weighted_score {
            (Some(a), Some(b)) if (a - b).abs() > 1e-9 => Some(format!("weighted score {a:.2} → {b:.2}")),
            _ => None,
        },
        "scores": scores,
    })
}

/// The "Changes since" section of the overview.
fn changes_view(
    report: &Report,
    c: &crate::changes::Changes,
    vendors: &BTreeMap<&str, &Vendor>,
) -> Value {
    let moved: Vec<Value> = c
        .vendors
        .iter()
        .filter_map(|ch| {
            let v = vendors.get(ch.slug.as_str())?;
            let mut view = vendor_change(report, ch);
            if let Value::Object(m) = &mut view {
                m.insert("name".into(), json!(v.name));
                m.insert("url".into(), json!(urls::vendor(&v.slug)));
            }
            Some(view)
        })
        .collect();
    json!({
        "since": c.since.clone().unwrap_or_else(|| "the previous round".to_string()),
        "vendors": moved,
        "added": c.added.iter().filter_map(|s| vendors.get(s.as_str()))
            .map(|v| json!({"name": v.name, "url": urls::vendor(&v.slug)})).collect::<Vec<_>>(),
        "dropped": c.dropped,
        "notes_added": c.notes_added.iter().filter_map(|s| report.notes.iter().find(|n| &n.slug == s))
            .map(note_ref).collect::<Vec<_>>(),
    })
}

/// The register of `score::risk_register`, for templates.
fn risk_register(report: &Report, standings: &[Standing]) -> Vec<Value> {
    crate::score::risk_register(report, standings)
.into_iter()
        .map(|(r, v, rank)| {
            json!({
                "vendor": {"slug": v.slug, "name": v.name, "url": urls::vendor(&v.slug), "rank": rank},
                "title": r.title, "likelihood": r.likelihood, "impact": r.impact,
                "severity": r.severity(), "severity_label": r.severity_label(),
                "mitigation": r.mitigation, "owner": r.owner,
            })
        })
        .collect()
}

/// An amount in the contract's currency, to the unit: `GBP 1,440,000`.
fn money(currency: &str, amount: f64) -> String {
    format!("{currency} {}", group_thousands(amount))
}

/// The figures of one vendor's cost, and whether it is the cheapest or dearest of them all.
/// `range` is the lowest and highest total of all vendors, `None` with fewer than two.
fn cost_view(c: &crate::cost::Cost, range: Option<(f64, f64)>) -> Value {
    let is = |t: Option<f64>| t.is_some_and(|t| (c.total - t).abs() < 0.5);
    json!({
        "total": c.total,
        "total_label": money(&c.currency, c.total),
        "annual_label": money(&c.currency, c.annual),
        "one_off_label": money(&c.currency, c.one_off),
        "at_risk_label": percent(c.at_risk_share),
        "per_point_label": c.per_point.map(|p| money(&c.currency, p)),
        "cheapest": is(range.map(|r| r.0)),
        "dearest": is(range.map(|r| r.1)),
        "years": c.years,
    })
}

/// Weighted score against total cost, laid out for an SVG of 480 × 300 units: cost from 0 on
/// the x axis (70 to 450), score from the scale's minimum to its maximum on the y axis (250 to
/// 20), and the partner threshold as a line. Vendors without a cost are not placed.
fn value_map(
    report: &Report,
    standings: &[Standing],
    costs: &BTreeMap<&str, crate::cost::Cost>,
    views: &BTreeMap<String, Value>,
) -> Value {
    let Some(contract) = &report.contract else {
        return Value::Null;
    };
    let top = costs.values().map(|c| c.total).fold(0.0, f64::max) * 1.1;
    if top <= 0.0 {
        return Value::Null;
    }
    let scale = report.scale;
    let y = |score: f64| 250.0 - scale.fraction(score) * 230.0;
    let round = |v: f64| (v * 10.0).round() / 10.0;
    let points: Vec<Value> = standings
        .iter()
        .filter_map(|st| {
            let (cost, view, score) = (costs.get(st.slug.as_str())?, views.get(&st.slug)?, st.weighted_score?);
            Some(json!({
                "rank": st.rank, "name": view["name"], "url": view["url"],
                "x": round(70.0 + cost.total / top * 380.0), "y": round(y(score)),
                "partner": st.partner, "assessed": st.complete,
                "label": format!("{}: {} over {} years, {score:.2} points", view["name"].as_str().unwrap_or_default(),
                    money(&cost.currency, cost.total), cost.years),
            }))
        })
        .collect();
    json!({
        "points": points,
        "threshold_y": round(y(report.partner_threshold)),
        "threshold_label": format_number(report.partner_threshold),
        "x_max_label": money(&contract.currency, top),
        "y_min_label": format_number(scale.min),
        "y_max_label": format_number(scale.max),
    })
}

/// "Kestrel Lane leads if Track record weighs less than 6% (now 20%)", or `None` when no
/// share of this criterion's weight changes the leader.
fn flip_sentence(
    report: &Report,
    analysis: &Analysis,
    f: &crate::sensitivity::Flip,
) -> Option<Value> {
    let (to, at) = (f.flips_to.as_deref()?, f.at?);
    let vendor = report.vendor(to)?;
    let leader = report.vendor(analysis.leader.as_deref()?)?;
    let criterion = report.criterion(&f.criterion)?;
    let direction = if at < f.share { "less" } else { "more" };
    Some(json!({
        "vendor": vendor.name, "vendor_url": urls::vendor(&vendor.slug),
        "criterion": criterion.name, "criterion_url": urls::criterion(&criterion.id),
        "leader": leader.name,
        "text": format!("{} leads if {} weighs {direction} than {} of the total (now {})",
            vendor.name, criterion.name, percent(at), percent(f.share)),
        "distance": (at - f.share).abs(),
        "direction": direction,
        "at_label": percent(at),
        "share_label": percent(f.share),
        "keeps_label": format!("from {} to {}", percent(f.keeps_leader.0), percent(f.keeps_leader.1)),
    }))
}

/// One sentence per vendor whose verdict one point would reverse: "Harbour & Pine Learning
/// becomes a partner if one of these scores rises by a point: Track record (3 → 4), Cost
/// (3 → 4, no evidence behind it)".
fn hinge_sentences(report: &Report, analysis: &Analysis) -> BTreeMap<String, String> {
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

/// The "What would change the answer" panel: robustness, the nearest flips, vendors not yet
/// assessed that could overtake, verdicts that hang on one point, weak or old evidence.
fn what_would_change(
    report: &Report,
    standings: &[Standing],
    analysis: &Analysis,
    views: &BTreeMap<String, Value>,
) -> Value {
    let Some(leader) = analysis.leader.as_deref().and_then(|l| views.get(l)) else {
        return Value::Null;
    };
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
    let robustness: Vec<Value> = robustness
        .iter()
        .filter(|(_, p)| *p > 0.0)
        .filter_map(|(slug, p)| {
            let v = views.get(*slug)?;
            Some(json!({"name": v["name"], "url": v["url"], "pct": percent(*p)}))
        })
        .collect();
    let mut flips: Vec<Value> = analysis
        .criteria
        .iter()
        .filter_map(|f| flip_sentence(report, analysis, f))
        .collect();
    flips.sort_by(|a, b| {
        let d = |v: &Value| v["distance"].as_f64().unwrap_or(f64::MAX);
        d(a).partial_cmp(&d(b)).unwrap_or(std::cmp::Ordering::Equal)
    });
    let contenders: Vec<Value> = analysis
        .contenders
        .iter()
        .filter_map(|slug| views.get(slug))
        .map(|v| json!({"name": v["name"], "url": v["url"], "range": v["score_range_label"], "scored": v["scored"], "total": v["total"]}))
        .collect();
    let hinges: Vec<String> = hinge_sentences(report, analysis).into_values().collect();
    let evidence = weak_evidence(report, standings);
    let disagreements = disagreements(report, standings);
    json!({
        "leader": leader["name"],
        "disagreements": disagreements,
        "robustness": robustness,
        "draws": group_thousands(f64::from(report.robustness.draws)),
        "weight_spread": percent(report.robustness.weight_spread),
        "uncertainty": uncertainty_text(&report.robustness),
        "grades": grades_text(&report.evidence),
        "flips": flips,
        "contenders": contenders,
        "hinges": hinges,
        "evidence": evidence,
    })
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
    let stale = count(&|s| s.evidence_age_days.is_some_and(|d| d > max_age));
    if stale > 0 {
        evidence.push(format!(
            "{stale} of {total} {} on evidence more than {max_age} days old.",
            plural(stale)
        ));
    }
    evidence
}

/// The scores on which the panel disagreed, in rank and criterion order, with how each was
/// settled.
fn disagreements(report: &Report, standings: &[Standing]) -> Vec<Value> {
    standings
        .iter()
        .filter_map(|st| report.vendor(&st.slug))
        .flat_map(|v| {
            report.criteria.iter().filter_map(move |c| {
                let s = v.scores.get(&c.id).filter(|s| s.disagreement)?;
                let low = s.by.values().copied().fold(f64::MAX, f64::min);
                let high = s.by.values().copied().fold(f64::MIN, f64::max);
                Some(json!({
                    "vendor": v.name, "vendor_url": urls::vendor(&v.slug),
                    "criterion": c.name, "criterion_url": urls::criterion(&c.id),
                    "range": format!("{} to {}", format_number(low), format_number(high)),
                    "settled": match s.consensus {
                        crate::model::Consensus::Agreed => format!("agreed on {}", format_number(s.score)),
                        _ => format!("the mean, {}, counts", format_number(s.score)),
                    },
                }))
            })
        })
        .collect()
}

/// "reference calls, site visits and internal notes count as independent; ..." from the grade
/// table in force.
fn grades_text(rules: &crate::model::EvidenceRules) -> String {
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
fn uncertainty_text(r: &crate::model::Robustness) -> String {
    let points = |g: Grade| format_number(r.uncertainty[g as usize]);
    format!(
        "within ±{} with no evidence, ±{} on the vendor's claim, ±{} when observed and ±{} when independent",
        points(Grade::None),
        points(Grade::VendorClaim),
        points(Grade::Observed),
        points(Grade::Independent)
    )
}

/// The panel that answers "whom, and why", with its honest caveats.
fn recommendation(
    report: &Report,
    standings: &[Standing],
    views: &BTreeMap<String, Value>,
) -> Value {
    // The contest is among assessed vendors; with none assessed yet, among all scored ones.
    let contest: Vec<&Standing> = if standings.iter().any(|s| s.complete) {
        standings.iter().filter(|s| s.complete).collect()
    } else {
        standings.iter().collect()
    };
    let Some(top) = contest.first().filter(|s| s.weighted_score.is_some()) else {
        return Value::Null;
    };
    let Some(view) = views.get(&top.slug) else {
        return Value::Null;
    };
    let name = view["name"].as_str().unwrap_or_default();
    let score = top.weighted_score.unwrap_or_default();
    let runner = contest.get(1).filter(|s| s.weighted_score.is_some());
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

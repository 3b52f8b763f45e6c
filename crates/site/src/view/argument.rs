//! The argument as the pages show it: where the leader's lead comes from, the single scores that
//! decide first place (on the overview and beside each such score), how sure the report is, and
//! what the extra points cost. The figures are `argument`'s and `cost`'s; this module chooses
//! what each sentence names.

use super::*;
use crate::argument::{Argument, Decisive};
use crate::rules::Confidence;

/// Why the leader leads, how sure we are, and which scores decide it.
#[derive(Serialize, JsonSchema)]
pub struct ArgumentView<'a> {
    /// `clear`, `narrow` or `too_close`.
    pub confidence: Confidence,
    /// "A narrow lead".
    pub confidence_label: String,
    /// The one statement of how sure the report is, and why.
    pub confidence_text: String,
    /// The criteria that carry the lead, most points first.
    pub for_lead: Vec<LeadPart<'a>>,
    /// The criteria on which the runner-up does better, most points first.
    pub against_lead: Vec<LeadPart<'a>>,
    /// The single scores that decide first place, fewest points first.
    pub decisive: Vec<DecisiveView<'a>>,
}

/// One criterion's part in the lead over the runner-up.
#[derive(Serialize, JsonSchema)]
pub struct LeadPart<'a> {
    pub criterion: &'a str,
    pub criterion_url: String,
    /// Weighted points, signed: `+0.20`.
    pub points_label: String,
    pub leader_label: String,
    pub runner_up_label: String,
    /// The notes the leader's score cites.
    pub evidence: Vec<NoteRef<'a>>,
}

/// A score whose change alone changes who ranks first.
#[derive(Serialize, JsonSchema)]
pub struct DecisiveView<'a> {
    pub vendor: &'a str,
    /// The score's place on the vendor's page.
    pub url: String,
    pub criterion: &'a str,
    pub text: String,
}

/// The weighted scores `a` and `b` with as many decimals (two to four) as it takes to show
/// which is higher.
pub(super) fn apart(a: f64, b: f64) -> (String, String) {
    for places in 2..4 {
        let (x, y) = (format!("{a:.places$}"), format!("{b:.places$}"));
        if x != y || crate::rules::same_figure(a, b) {
            return (x, y);
        }
    }
    (format!("{a:.4}"), format!("{b:.4}"))
}

/// "Brightpath Learning's", "Kestrel Lane Associates'".
fn possessive(name: &str) -> String {
    if name.ends_with('s') {
        format!("{name}'")
    } else {
        format!("{name}'s")
    }
}

/// "one point", "two points".
fn points(n: u32) -> String {
    match n {
        1 => "one point".to_string(),
        2 => "two points".to_string(),
        3 => "three points".to_string(),
        n => format!("{n} points"),
    }
}

impl<'a> Lookups<'a> {
    /// A vendor's name, or its slug when it has none here.
    fn name_of(&self, slug: &str) -> String {
        self.vendors_by_slug
            .get(slug)
            .map_or_else(|| slug.to_string(), |v| v.name.clone())
    }

    /// The argument's view, when the analysis has one.
    pub(super) fn argument_view(&self) -> Option<ArgumentView<'a>> {
        let a = self.analysis.argument.as_ref()?;
        let (for_lead, against_lead) = self.lead_parts(a);
        let mut decisive: Vec<&Decisive> = a.decisive.iter().collect();
        decisive.sort_by_key(|d| (d.steps, d.vendor != a.leader));
        Some(ArgumentView {
            confidence: a.confidence,
            confidence_label: capitalise(a.confidence.label()),
            confidence_text: self.confidence_text(a),
            for_lead,
            against_lead,
            decisive: decisive
                .into_iter()
                .take(6)
                .filter_map(|d| self.decisive_view(d))
                .collect(),
        })
    }

    /// The criteria that give the lead and those that take from it, most points first.
    fn lead_parts(&self, a: &Argument) -> (Vec<LeadPart<'a>>, Vec<LeadPart<'a>>) {
        let (Some(leader), Some(runner)) = (
            self.vendors_by_slug.get(a.leader.as_str()),
            a.runner_up
                .as_deref()
                .and_then(|r| self.vendors_by_slug.get(r)),
        ) else {
            return (Vec::new(), Vec::new());
        };
        let mut parts: Vec<(f64, LeadPart<'a>)> = a
            .contributions
            .iter()
            .filter(|c| c.points.abs() >= 0.005)
            .filter_map(|c| {
                let criterion = self.report.criterion(&c.criterion)?;
                let label = |v: &Vendor| {
                    v.scores
                        .get(&c.criterion)
                        .map_or("–".to_string(), |s| format_number(s.score))
                };
                let evidence = leader
                    .scores
                    .get(&c.criterion)
                    .map_or_else(Vec::new, |s| self.evidence_refs(&s.evidence));
                Some((
                    c.points,
                    LeadPart {
                        criterion: &criterion.name,
                        criterion_url: urls::criterion(&criterion.id),
                        points_label: format!("{:+.2}", c.points),
                        leader_label: label(leader),
                        runner_up_label: label(runner),
                        evidence,
                    },
                ))
            })
            .collect();
        parts.sort_by(|x, y| y.0.abs().total_cmp(&x.0.abs()));
        let (gives, takes): (Vec<_>, Vec<_>) = parts.into_iter().partition(|(p, _)| *p > 0.0);
        (
            gives.into_iter().map(|(_, p)| p).collect(),
            takes.into_iter().map(|(_, p)| p).collect(),
        )
    }

    /// The one statement of how sure the report is (see `rules::confidence`).
    fn confidence_text(&self, a: &Argument) -> String {
        let name = |slug: &str| self.name_of(slug);
        let leader = name(&a.leader);
        let (Some(runner), Some(lead)) = (a.runner_up.as_deref(), a.lead) else {
            return format!("{leader} is the only vendor assessed on every criterion.");
        };
        let runner = name(runner);
        let win = self.analysis.win_probability.get(&a.leader).copied();
        let tries = |w: f64, only: &str| {
            format!(
                "{only}ranks first in {} of {} tries with the weights and scores moved within their uncertainty",
                percent(w),
                group_thousands(f64::from(self.report.robustness.draws))
            )
        };
        let one_step = a.decisive.iter().any(|d| d.steps <= 1);
        let head = format!("{leader} leads {runner} by {lead:.2} points");
        match a.confidence {
            Confidence::Clear => format!(
                "{head}; no single score one point different would change first place{}.",
                win.map_or(String::new(), |w| format!(
                    ", and {leader} {}",
                    tries(w, "")
                ))
            ),
            Confidence::Narrow => {
                let mut why = Vec::new();
                if one_step {
                    why.push(
                        "one score one point different would put another vendor first (see below)"
                            .to_string(),
                    );
                }
                if lead < crate::rules::NARROW_LEAD {
                    why.push(format!(
                        "the lead is under {} points",
                        crate::rules::NARROW_LEAD
                    ));
                }
                if let Some(w) = win {
                    let only = if w < crate::rules::CLEAR_WIN {
                        "only "
                    } else {
                        ""
                    };
                    why.push(format!("{leader} {}", tries(w, only)));
                }
                format!("{head}, but {}.", why.join("; "))
            }
            Confidence::TooClose => format!(
                "{head}{}: treat {leader} and {runner} as level until more evidence is in.",
                win.filter(|w| *w < crate::rules::TOO_CLOSE_WIN)
                    .map_or(String::new(), |w| format!(" and {}", tries(w, "only ")))
            ),
        }
    }

    /// A decisive score as the overview lists it, with the score's place on its vendor's page.
    fn decisive_view(&self, d: &Decisive) -> Option<DecisiveView<'a>> {
        let v = self.vendors_by_slug.get(d.vendor.as_str())?;
        let c = self.report.criterion(&d.criterion)?;
        Some(DecisiveView {
            vendor: &v.name,
            url: format!("{}#score-{}", urls::vendor(&v.slug), c.id),
            criterion: &c.name,
            text: format!(
                "{} {} score, {} → {} ({}): {}",
                possessive(&v.name),
                c.name,
                format_number(d.score),
                format_number(d.would_be),
                self.evidence_words(d),
                self.outcome(d)
            ),
        })
    }

    /// What a decisive score's change would do: "Kestrel Lane Associates would rank first,
    /// 4.10 against 4.05".
    fn outcome(&self, d: &Decisive) -> String {
        let name = |slug: &str| self.name_of(slug);
        let (first, second) = apart(d.first_score, d.second_score);
        format!(
            "{} would rank first, {first} against {} {second}",
            name(&d.first),
            possessive(&name(&d.second))
        )
    }

    /// "independent evidence, 37 days old"; "no evidence".
    fn evidence_words(&self, d: &Decisive) -> String {
        match (d.grade, d.evidence_age_days) {
            (Grade::None, _) => "no evidence behind it".to_string(),
            (g, Some(days)) => format!(
                "{} evidence, {days} {} old",
                g.label(),
                if days == 1 { "day" } else { "days" }
            ),
            (g, None) => format!("{} evidence", g.label()),
        }
    }

    /// Beside a score that decides first place: what one change to it would do.
    pub(super) fn decides_text(&self, v: &Vendor, c: &Criterion) -> Option<String> {
        let a = self.analysis.argument.as_ref()?;
        let d = a
            .decisive
            .iter()
            .find(|d| d.vendor == v.slug && d.criterion == c.id)?;
        let way = if d.would_be < d.score {
            "lower"
        } else {
            "higher"
        };
        Some(format!(
            "This score decides first place: at {} ({} {way}), {}.",
            format_number(d.would_be),
            points(d.steps),
            self.outcome(d)
        ))
    }
}

impl<'a> Lookups<'a> {
    /// The panel that answers "whom, and why": the recommendation when it holds (else what is
    /// missing), the argument, the money, and the honest caveats.
    pub(super) fn recommendation<'v>(
        &self,
        views: &BTreeMap<&str, &'v VendorView<'a>>,
    ) -> Option<Recommendation<'v, 'a>> {
        let (report, standings) = (self.report, self.standings);
        // The contest is among assessed vendors; with none assessed yet, among all scored ones.
        let contest: Vec<&Standing> = if standings.iter().any(|s| s.complete) {
            standings.iter().filter(|s| s.complete).collect()
        } else {
            standings.iter().collect()
        };
        let top = contest.first().filter(|s| s.weighted_score.is_some())?;
        let view = *views.get(top.slug.as_str())?;
        let score = top.weighted_score.unwrap_or_default();
        let runner = contest.get(1).filter(|s| s.weighted_score.is_some());
        let margin = runner.and_then(|r| r.weighted_score).map(|r| score - r);
        let argument = self.argument_view().filter(|_| top.complete);
        let too_close = argument
            .as_ref()
            .is_some_and(|a| a.confidence == Confidence::TooClose);
        let mut missing = Vec::new();
        if !top.complete {
            missing.push(format!(
                "it is scored on only {} of {} criteria",
                top.scored, top.total
            ));
        } else if !top.partner {
            missing.push("it does not meet the partner rule".to_string());
        }
        if too_close {
            missing.push("its lead is too close to call".to_string());
        }
        let recommend = missing.is_empty();
        Some(Recommendation {
            vendor: view,
            recommend,
            not_yet: (!recommend)
                .then(|| format!("No recommendation yet: {}.", missing.join(", and "))),
            panel_view: report.recommendation.as_ref().map(|r| &*r.html),
            score_label: format!("{score:.2}"),
            margin,
            margin_label: margin.map(|m| format!("{m:.2}")),
            runner_up: runner.and_then(|r| views.get(r.slug.as_str()).copied()),
            argument,
            money: self.money(top, runner.copied(), &contest),
            caveats: caveats(report, top, view, margin),
        })
    }

    /// What the leader's extra points cost against the runner-up and against the cheapest
    /// assessed vendor not rejected; the range its fees at risk give; or why its price is not
    /// counted.
    fn money(
        &self,
        top: &Standing,
        runner: Option<&Standing>,
        contest: &[&Standing],
    ) -> Vec<String> {
        let Some(contract) = self.report.contract.as_ref() else {
            return Vec::new();
        };
        let name = |slug: &str| self.name_of(slug);
        let leader = name(&top.slug);
        let Some(cost) = self.costs.get(top.slug.as_str()) else {
            let withheld = self
                .vendors_by_slug
                .get(top.slug.as_str())
                .is_some_and(|v| v.pricing_withheld);
            return vec![if withheld {
                format!(
                    "{} price is withheld from this version of the report, so no cost is compared.",
                    possessive(&leader)
                )
            } else {
                format!(
                    "{} dossier gives no annual fee, so its cost is not known and not compared.",
                    possessive(&leader)
                )
            }];
        };
        let m = |x: f64| money(&contract.currency, x);
        let mut out = Vec::new();
        let versus = |other: &Standing, what: &str| -> Option<String> {
            let c = self.costs.get(other.slug.as_str())?;
            let gain = top.weighted_score? - other.weighted_score?;
            let extra = cost.total - c.total;
            let who = name(&other.slug);
            Some(if extra <= 0.0 {
                format!(
                    "{leader} costs {} less than {who} ({what}) over the {} years, and scores {gain:.2} points more.",
                    m(-extra),
                    contract.years
                )
            } else if gain > 0.0 {
                format!(
                    "{leader} costs {} more than {who} ({what}) over the {} years for {gain:.2} more points: {} for each extra point.",
                    m(extra),
                    contract.years,
                    m(extra / gain)
                )
            } else {
                format!(
                    "{leader} costs {} more than {who} ({what}) over the {} years.",
                    m(extra),
                    contract.years
                )
            })
        };
        if let Some(r) = runner {
            out.extend(versus(r, "the runner-up"));
        }
        let cheapest = contest
            .iter()
            .filter(|s| s.complete && s.slug != top.slug)
            .filter(|s| runner.is_none_or(|r| r.slug != s.slug))
            .filter(|s| {
                self.vendors_by_slug
                    .get(s.slug.as_str())
                    .is_some_and(|v| v.status != Status::Rejected)
            })
            .filter_map(|s| Some((*s, self.costs.get(s.slug.as_str())?.total)))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((s, _)) = cheapest.filter(|(_, t)| *t < cost.total) {
            out.extend(versus(s, "the cheapest assessed vendor"));
        }
        if cost.at_risk_share > 0.0 {
            out.push(format!(
                "{} of its fees depend on outcomes: it costs {} if every outcome is met and {} if none is.",
                percent(cost.at_risk_share),
                m(cost.total),
                m(cost.total * (1.0 - cost.at_risk_share))
            ));
        }
        out
    }
}

/// The recommendation's caveats: what is unscored or unsupported, thin evidence, a narrow lead,
/// a leader short of the partner rule.
fn caveats(report: &Report, top: &Standing, view: &VendorView, margin: Option<f64>) -> Vec<String> {
    let name = view.name;
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
    let evidence = view.evidence_count;
    if crate::rules::thin_evidence(evidence, report.criteria.len()) {
        caveats.push(format!(
            "The evidence is thin: its scores cite {evidence} {}.",
            if evidence == 1 { "note" } else { "notes" }
        ));
    }
    if let Some(m) = margin.filter(|m| *m < crate::rules::NARROW_LEAD) {
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
    caveats
}

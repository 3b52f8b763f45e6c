//! Checks of single values: slugs, dates, enumerations, URLs, scores, and the report's and a
//! dossier's own fields. Cross-file checks live in `validate`.

use std::collections::BTreeMap;

use crate::content::raw::{RawReport, RawScore, RawVendor};
use crate::diagnostic::Diagnostic;
use crate::model::format_number as fmt;
use crate::model::{
    Audience, Consensus, Criterion, Descriptor, EvidenceRules, Grade, Level, NoteKind, Pricing,
    Reference, Report, Rich, Risk, Robustness, Scale, Score, Sentiment, Status, Vendor,
};
use crate::yaml::Seg;

use super::scores::Given;
use super::{FileCtx, Known, Settings, SiteFiles};

/// `^[a-z0-9][a-z0-9-]*$`
pub(super) use crate::slug::is_valid as valid_slug;

/// `YYYY-MM-DD`, a real day of the Gregorian calendar.
pub fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        s.get(r)
            .filter(|p| p.bytes().all(|c| c.is_ascii_digit()))?
            .parse::<u32>()
            .ok()
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// Reports a required text field that holds only spaces.
pub(super) fn require_text(
    ctx: &FileCtx<'_>,
    key: &str,
    value: &str,
    hint: &str,
    diags: &mut Vec<Diagnostic>,
) {
    if value.trim().is_empty() {
        diags.push(
            ctx.error(&[Seg::Key(key)], format!("the {key} is empty"))
                .with_hint(hint),
        );
    }
}

/// Picks the named variant of an enumeration, or reports the value with a suggestion.
pub(super) fn choose<T: Copy>(
    ctx: &FileCtx<'_>,
    path: &[Seg<'_>],
    what: &str,
    value: &str,
    options: &[(&'static str, T)],
    diags: &mut Vec<Diagnostic>,
) -> Option<T> {
    let wanted = value.trim().to_lowercase();
    if let Some((_, v)) = options.iter().find(|(n, _)| *n == wanted) {
        return Some(*v);
    }
    let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
    let hint = crate::diagnostic::suggestion(&wanted, names.iter().copied()).unwrap_or_else(|| {
        format!(
            "use one of {}",
            crate::diagnostic::listed(names.iter().copied())
        )
    });
    diags.push(
        ctx.error(path, format!("`{value}` is not a {what}"))
            .with_hint(hint),
    );
    None
}

/// Renders a Markdown field of a YAML file; broken links are reported at the field.
pub(super) fn rich(
    ctx: &FileCtx<'_>,
    path: &[Seg<'_>],
    source: &str,
    base_dir: &str,
    files: &SiteFiles<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Rich {
    let r = files.render(source, base_dir);
    super::check_rendered(
        ctx,
        &r,
        |_| super::Place::Field(path),
        base_dir,
        files,
        diags,
    );
    r.into_rich()
}

fn check_url(
    ctx: &FileCtx<'_>,
    path: &[Seg<'_>],
    url: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    if crate::urlpath::is_web_address(url) {
        Some(url.trim().to_string())
    } else {
        diags.push(
            ctx.error(path, format!("`{url}` is not a web address"))
                .with_hint("write the full address, starting with `https://`"),
        );
        None
    }
}

pub(super) fn optional_date(
    ctx: &FileCtx<'_>,
    path: &[Seg<'_>],
    date: &Option<String>,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    let date = date.as_ref()?;
    if valid_date(date) {
        Some(date.clone())
    } else {
        diags.push(
            ctx.error(path, format!("`{date}` is not a date"))
                .with_hint("write dates as YYYY-MM-DD, for example `2026-10-14`"),
        );
        None
    }
}

/// The grade table (report.yaml may change the grade of any kind of note) and the age limit.
fn evidence_rules(
    ctx: &FileCtx<'_>,
    max_age_days: Option<u32>,
    grades: &BTreeMap<String, String>,
    diags: &mut Vec<Diagnostic>,
) -> EvidenceRules {
    let mut rules = EvidenceRules::default();
    if let Some(days) = max_age_days {
        rules.max_age_days = days;
    }
    for (kind, grade) in grades {
        let at = [Seg::Key("evidence_grades"), Seg::Key(kind)];
        let kind = choose(ctx, &at, "kind of note", kind, &NoteKind::ALL, diags);
        let grade = choose(ctx, &at, "grade of evidence", grade, &Grade::ALL, diags);
        if let (Some(kind), Some(grade)) = (kind, grade) {
            for entry in rules.grades.iter_mut().filter(|(k, _)| *k == kind) {
                entry.1 = grade;
            }
        }
    }
    rules
}

/// The limits report.yaml sets, each within what still protects a build.
fn check_limits(
    ctx: &FileCtx<'_>,
    raw: Option<crate::content::raw::RawLimits>,
    diags: &mut Vec<Diagnostic>,
) -> crate::model::Limits {
    let crate::content::raw::RawLimits {
        file_size_mib,
        files,
        markdown_nesting,
        asset_size_mib,
        rendered_mib,
    } = raw.unwrap_or_default();
    let mut limits = crate::model::Limits::default();
    let ceiling = crate::model::Limits::CEILING;
    let mut check = |key: &'static str, value: Option<u64>, max: u64, slot: &mut u64| match value {
        Some(v) if v == 0 || v > max => diags.push(
            ctx.error(
                &[Seg::Key("limits"), Seg::Key(key)],
                format!("a limit of {v} is out of range"),
            )
            .with_hint(format!("use a number from 1 to {max}")),
        ),
        Some(v) => *slot = v,
        None => {}
    };
    check(
        "file_size_mib",
        file_size_mib,
        ceiling.file_size_mib,
        &mut limits.file_size_mib,
    );
    check(
        "asset_size_mib",
        asset_size_mib,
        ceiling.asset_size_mib,
        &mut limits.asset_size_mib,
    );
    check(
        "rendered_mib",
        rendered_mib,
        ceiling.rendered_mib,
        &mut limits.rendered_mib,
    );
    let (mut n, mut depth) = (limits.files as u64, limits.markdown_nesting as u64);
    check(
        "files",
        files.map(|f| f as u64),
        ceiling.files as u64,
        &mut n,
    );
    check(
        "markdown_nesting",
        markdown_nesting.map(|d| d as u64),
        ceiling.markdown_nesting as u64,
        &mut depth,
    );
    limits.files = n as usize;
    limits.markdown_nesting = depth as usize;
    limits
}

/// The panel: ids that are slugs, each used once, and a name for each.
fn panel(
    ctx: &FileCtx<'_>,
    raw: Vec<crate::content::raw::RawEvaluator>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<crate::model::Evaluator> {
    let mut seen = std::collections::BTreeSet::new();
    raw.into_iter()
        .enumerate()
        .map(|(i, e)| {
            let crate::content::raw::RawEvaluator {
                id,
                name,
                role,
                declaration,
            } = e;
            let at = [Seg::Key("evaluators"), Seg::Index(i), Seg::Key("id")];
            if !valid_slug(&id) {
                diags.push(
                    ctx.error(&at, format!("`{id}` is not a valid evaluator id"))
                        .with_hint(format!(
                            "use lowercase letters, digits and hyphens, e.g. `{}`",
                            crate::slug::from_text(&id)
                        )),
                );
            } else if !seen.insert(id.clone()) {
                diags.push(
                    ctx.error(&at, format!("the evaluator `{id}` is listed twice"))
                        .with_hint("give each member of the panel their own id"),
                );
            }
            if name.trim().is_empty() {
                diags.push(
                    ctx.error(
                        &[Seg::Key("evaluators"), Seg::Index(i), Seg::Key("name")],
                        "the name is empty",
                    )
                    .with_hint("give the evaluator's name, e.g. `name: Jo Ortiz`"),
                );
            }
            let declaration = declaration
                .map(|d| d.trim().to_string())
                .filter(|d| !d.is_empty());
            if declaration.is_none() {
                diags.push(
                    ctx.warning(
                        &[Seg::Key("evaluators"), Seg::Index(i)],
                        format!("`{id}` has made no declaration of interest"),
                    )
                    .with_hint("add `declaration: none`, or what ties them to a bidder (a former employer, a friend, shares)"),
                );
            }
            crate::model::Evaluator {
                id,
                name: name.trim().to_string(),
                role: role.map(|r| r.trim().to_string()).filter(|r| !r.is_empty()),
                declaration,
                declaration_withheld: false,
            }
        })
        .collect()
}

/// The contract: a length of at least a year, a currency, and positive exchange rates.
fn contract_settings(
    ctx: &FileCtx<'_>,
    raw: crate::content::raw::RawContract,
    diags: &mut Vec<Diagnostic>,
) -> crate::model::Contract {
    let crate::content::raw::RawContract {
        years,
        currency,
        rates,
    } = raw;
    if years == 0 {
        diags.push(
            ctx.error(
                &[Seg::Key("contract"), Seg::Key("years")],
                "a contract of 0 years",
            )
            .with_hint("give the contract's length in whole years, e.g. `years: 3`"),
        );
    }
    if currency.trim().is_empty() {
        diags.push(
            ctx.error(
                &[Seg::Key("contract"), Seg::Key("currency")],
                "the contract has no currency",
            )
            .with_hint("write the currency costs are shown in, e.g. `currency: GBP`"),
        );
    }
    for (code, rate) in &rates {
        if !(rate.is_finite() && *rate > 0.0) {
            diags.push(
                ctx.error(
                    &[Seg::Key("contract"), Seg::Key("rates"), Seg::Key(code)],
                    format!("the rate {rate} for {code} is not a positive number"),
                )
                .with_hint(format!(
                    "write what one {code} is worth in {}, e.g. `{code}: 0.86`",
                    currency.trim()
                )),
            );
        }
    }
    crate::model::Contract {
        years,
        currency: currency.trim().to_string(),
        rates,
    }
}

/// A dossier's pricing against the report's contract: amounts that are not negative, a share
/// at risk from 0 to 1, and a currency the contract can convert.
pub(super) fn check_pricing(
    ctx: &FileCtx<'_>,
    pricing: &Pricing,
    contract: Option<&crate::model::Contract>,
    diags: &mut Vec<Diagnostic>,
) {
    let at = |k: &'static str| [Seg::Key("pricing"), Seg::Key(k)];
    for (key, amount) in [
        ("annual_estimate", pricing.annual_estimate),
        ("one_off", pricing.one_off),
    ] {
        if let Some(a) = amount.filter(|a| !a.is_finite() || *a < 0.0) {
            diags.push(
                ctx.error(&at(key), format!("the amount {a} is not a price"))
                    .with_hint("write the amount as a number without the currency, e.g. `480000`"),
            );
        }
    }
    if let Some(r) = pricing.at_risk.filter(|r| !(0.0..=1.0).contains(r)) {
        diags.push(
            ctx.error(&at("at_risk"), format!("{r} is not a share from 0 to 1"))
                .with_hint(
                    "write the share of fees tied to outcomes as a fraction: `0.15` for 15%",
                ),
        );
    }
    let Some(contract) = contract else { return };
    let has_amount = pricing.annual_estimate.is_some() || pricing.one_off.is_some();
    if let Some(currency) = pricing
        .currency
        .as_deref()
        .filter(|c| has_amount && contract.rate(Some(c)).is_none())
    {
        diags.push(
            ctx.error(
                &at("currency"),
                format!("there is no rate to turn {currency} into {}", contract.currency),
            )
            .with_hint(format!(
                "add it to `contract` in `content/report.yaml`: `rates: {{ {currency}: 1.17 }}` (what one {currency} is worth in {})",
                contract.currency
            )),
        );
    }
}

/// The settings of the robustness sampling, each checked against what makes sense.
fn robustness_settings(
    ctx: &FileCtx<'_>,
    raw: Option<crate::content::raw::RawRobustness>,
    scale: Scale,
    diags: &mut Vec<Diagnostic>,
) -> Robustness {
    let mut r = Robustness::default();
    let Some(crate::content::raw::RawRobustness {
        draws,
        weight_spread,
        seed,
        uncertainty,
    }) = raw
    else {
        return r;
    };
    let at = |key: &'static str| [Seg::Key("robustness"), Seg::Key(key)];
    match draws {
        Some(d) if !(100..=1_000_000).contains(&d) => diags.push(
            ctx.error(&at("draws"), format!("{d} draws is not a useful number"))
                .with_hint(
                    "use from 100 to 1000000; 10000 gives percentages good to about one point",
                ),
        ),
        Some(d) => r.draws = d,
        None => {}
    }
    match weight_spread {
        Some(w) if !(0.0..1.0).contains(&w) => diags.push(
            ctx.error(&at("weight_spread"), format!("a weight spread of {w} is out of range"))
                .with_hint("use a share from 0 to just under 1: 0.25 lets each weight move from 75% to 125% of itself"),
        ),
        Some(w) => r.weight_spread = w,
        None => {}
    }
    if let Some(seed) = seed {
        r.seed = seed;
    }
    for (grade, points) in &uncertainty {
        let here = [
            Seg::Key("robustness"),
            Seg::Key("uncertainty"),
            Seg::Key(grade),
        ];
        let Some(grade) = choose(ctx, &here, "grade of evidence", grade, &Grade::ALL, diags) else {
            continue;
        };
        if !points.is_finite() || *points < 0.0 || *points > scale.max - scale.min {
            diags.push(
                ctx.error(&here, format!("an uncertainty of {points} points is out of range"))
                    .with_hint(format!(
                        "use from 0 to {} points: how far a score with this grade of evidence may be off",
                        fmt(scale.max - scale.min)
                    )),
            );
        } else {
            r.uncertainty[grade as usize] = *points;
        }
    }
    r
}

/// Who the build is for: the command line's choice, else report.yaml's `audience` (the one
/// place it is read), else internal.
pub(super) fn audience(
    ctx: &FileCtx<'_>,
    written: Option<&str>,
    settings: &Settings<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Audience {
    let from_file = written.and_then(|a| {
        choose(
            ctx,
            &[Seg::Key("audience")],
            "audience",
            a,
            &Audience::ALL,
            diags,
        )
    });
    settings.audience.or(from_file).unwrap_or_default()
}

/// The report's own fields; vendors and notes are added by the caller. `audience` comes from
/// [`audience`].
pub(super) fn report(
    ctx: &FileCtx<'_>,
    raw: RawReport,
    audience: Audience,
    settings: &Settings<'_>,
    files: &SiteFiles<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Report {
    let RawReport {
        title,
        audience: _,
        organisation,
        summary,
        recommendation,
        levels,
        theme,
        base_url,
        scale,
        partner_threshold,
        date,
        evidence_max_age_days,
        evidence_grades,
        robustness,
        contract,
        evaluators,
        disagreement_spread,
        hide_evaluator_names_when_shared,
        previous,
        debrief,
        award,
        limits,
        criteria,
    } = raw;
    require_text(
        ctx,
        "title",
        &title,
        "name the evaluation, e.g. `Learning partner 2027`",
        diags,
    );
    let scale = scale_of(ctx, scale, diags);
    let levels = levels_of(ctx, &[Seg::Key("levels")], &levels, scale, &[], diags);
    let criteria = criteria_of(ctx, criteria, scale, &levels, files, diags);
    Report {
        title: title.trim().to_string(),
        audience,
        organisation,
        summary: summary.map(|s| rich(ctx, &[Seg::Key("summary")], &s, "", files, diags)),
        recommendation: recommendation
            .map(|s| rich(ctx, &[Seg::Key("recommendation")], &s, "", files, diags)),
        inputs: crate::model::InputDigests::default(),
        theme: theme_of(ctx, theme, settings, diags),
        base_url: base_url_of(ctx, base_url, settings, diags),
        scale,
        partner_threshold: threshold_of(ctx, partner_threshold, scale, diags),
        date: optional_date(ctx, &[Seg::Key("date")], &date, diags),
        evidence: evidence_rules(ctx, evidence_max_age_days, &evidence_grades, diags),
        robustness: robustness_settings(ctx, robustness, scale, diags),
        contract: contract.map(|c| contract_settings(ctx, c, diags)),
        evaluators: panel(ctx, evaluators, diags),
        disagreement_spread: spread_of(ctx, disagreement_spread, scale, diags),
        hide_evaluator_names_when_shared,
        evaluator_aliases: BTreeMap::new(),
        previous,
        debrief_names_winner: debrief.is_some_and(|d| d.name_winner),
        award: award.map(|a| award_of(ctx, a, diags)),
        limits: check_limits(ctx, limits, diags),
        criteria,
        levels,
        vendors: Vec::new(),
        notes: Vec::new(),
        assets: Vec::new(),
    }
}

/// The award decision, its dates checked.
fn award_of(
    ctx: &FileCtx<'_>,
    raw: crate::content::raw::RawAward,
    diags: &mut Vec<Diagnostic>,
) -> crate::model::Award {
    let crate::content::raw::RawAward {
        decision,
        standstill_ends,
        contact,
    } = raw;
    let at = |k: &'static str| [Seg::Key("award"), Seg::Key(k)];
    crate::model::Award {
        decision: optional_date(ctx, &at("decision"), &decision, diags),
        standstill_ends: optional_date(ctx, &at("standstill_ends"), &standstill_ends, diags),
        contact: contact
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty()),
    }
}

/// The scale scores are on: 1 to 5 unless report.yaml says otherwise.
fn scale_of(
    ctx: &FileCtx<'_>,
    scale: Option<crate::content::raw::RawScale>,
    diags: &mut Vec<Diagnostic>,
) -> Scale {
    match scale {
        None => Scale::default(),
        Some(s) if s.min.is_finite() && s.max.is_finite() && s.min < s.max => Scale {
            min: s.min,
            max: s.max,
        },
        Some(s) => {
            diags.push(
                ctx.error(
                    &[Seg::Key("scale")],
                    format!("the scale runs from {} to {}, which is empty", s.min, s.max),
                )
                .with_hint("use a `min` below `max`, e.g. `scale: { min: 1, max: 5 }`"),
            );
            Scale::default()
        }
    }
}

/// The weighted score from which a vendor is a partner: 62.5% of the way up the scale (3.5 of
/// 1 to 5) unless report.yaml says otherwise.
fn threshold_of(
    ctx: &FileCtx<'_>,
    threshold: Option<f64>,
    scale: Scale,
    diags: &mut Vec<Diagnostic>,
) -> f64 {
    let threshold = threshold.unwrap_or(scale.min + 0.625 * (scale.max - scale.min));
    if !scale.contains(threshold) {
        diags.push(
            ctx.error(
                &[Seg::Key("partner_threshold")],
                format!("the partner threshold {threshold} is off the scale"),
            )
            .with_hint(format!(
                "use a number from {} to {}",
                fmt(scale.min),
                fmt(scale.max)
            )),
        );
    }
    threshold
}

/// The theme to build with: a folder of `themes/`, or the default.
fn theme_of(
    ctx: &FileCtx<'_>,
    theme: Option<String>,
    settings: &Settings<'_>,
    diags: &mut Vec<Diagnostic>,
) -> String {
    let theme = theme.unwrap_or_else(|| "default".to_string());
    if !valid_slug(&theme) {
        diags.push(
            ctx.error(
                &[Seg::Key("theme")],
                format!("`{theme}` is not a theme name"),
            )
            .with_hint("name a folder of `themes/`, e.g. `default`"),
        );
    } else if theme != "default" && !settings.root.join("themes").join(&theme).is_dir() {
        diags.push(
            ctx.error(&[Seg::Key("theme")], format!("there is no theme `{theme}`"))
                .with_hint(format!("create `themes/{theme}/templates/`, or remove `theme:` to use the default theme")),
        );
    }
    theme
}

/// Where the site will be published, ending in `/`: the command line's, else report.yaml's,
/// else the server's root.
fn base_url_of(
    ctx: &FileCtx<'_>,
    base_url: Option<String>,
    settings: &Settings<'_>,
    diags: &mut Vec<Diagnostic>,
) -> String {
    if let Some(b) = base_url
        .as_deref()
        .filter(|b| !crate::urlpath::is_base_url(b))
    {
        diags.push(
            ctx.error(&[Seg::Key("base_url")], format!("`{b}` is not a base URL"))
                .with_hint("use a path such as `/reports/learning-2027/` or a full address such as `https://intranet.example/reports/`"),
        );
    }
    let mut base_url = settings
        .base_url
        .map(str::to_string)
        .or(base_url)
        .unwrap_or_else(|| "/".to_string());
    if !base_url.ends_with('/') {
        base_url.push('/');
    }
    base_url
}

/// How far apart the panel's scores must be to be flagged as a disagreement (default 2).
fn spread_of(
    ctx: &FileCtx<'_>,
    spread: Option<f64>,
    scale: Scale,
    diags: &mut Vec<Diagnostic>,
) -> f64 {
    let spread = spread.unwrap_or(2.0);
    if !(spread > 0.0 && spread <= scale.max - scale.min) {
        diags.push(
            ctx.error(
                &[Seg::Key("disagreement_spread")],
                format!("a spread of {spread} cannot flag a disagreement"),
            )
            .with_hint(format!(
                "use a number of points above 0 and up to {}, e.g. `2`",
                fmt(scale.max - scale.min)
            )),
        );
    }
    spread
}

/// The criteria, each checked: a valid id given once, a positive weight, a floor on the scale.
fn criteria_of(
    ctx: &FileCtx<'_>,
    criteria: Vec<crate::content::raw::RawCriterion>,
    scale: Scale,
    scale_levels: &[Descriptor],
    files: &SiteFiles<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Criterion> {
    if criteria.is_empty() {
        diags.push(
            ctx.error(&[Seg::Key("criteria")], "the report has no criteria")
                .with_hint("list at least one criterion with `id`, `name` and `weight`"),
        );
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut checked = Vec::with_capacity(criteria.len());
    for (i, c) in criteria.into_iter().enumerate() {
        let crate::content::raw::RawCriterion {
            id,
            name,
            weight,
            question,
            description,
            minimum,
            levels,
        } = c;
        let at = |key: &'static str| [Seg::Key("criteria"), Seg::Index(i), Seg::Key(key)];
        let levels = levels_of(ctx, &at("levels"), &levels, scale, scale_levels, diags);
        if !valid_slug(&id) {
            diags.push(
                ctx.error(&at("id"), format!("`{id}` is not a valid criterion id"))
                    .with_hint(format!(
                        "use lowercase letters, digits and hyphens, e.g. `{}`",
                        crate::slug::from_text(&id)
                    )),
            );
        }
        if !seen.insert(id.clone()) {
            diags.push(
                ctx.error(&at("id"), format!("the criterion `{id}` is defined twice"))
                    .with_hint("give each criterion its own id"),
            );
        }
        if !(weight.is_finite() && weight > 0.0) {
            diags.push(
                ctx.error(&at("weight"), format!("the weight {weight} is not a positive number"))
                    .with_hint("weights are relative importance, e.g. 20 for a criterion worth twice one of 10"),
            );
        }
        if let Some(m) = minimum.filter(|m| !m.is_finite() || !scale.contains(*m)) {
            diags.push(
                ctx.error(&at("minimum"), format!("the minimum {m} is off the scale"))
                    .with_hint(format!(
                        "a must-have floor is a score from {} to {}; a vendor scoring under it is never a partner",
                        fmt(scale.min),
                        fmt(scale.max)
                    )),
            );
        }
        let description = description.map(|d| rich(ctx, &at("description"), &d, "", files, diags));
        checked.push(Criterion {
            id,
            name,
            weight,
            question,
            description,
            minimum,
            levels,
        });
    }
    checked
}

/// The descriptors written at `path` (score → text), each checked to name a score on the
/// scale and to say something, over `inherited` (the scale's, for a criterion); lowest first.
fn levels_of(
    ctx: &FileCtx<'_>,
    path: &[Seg<'_>],
    written: &BTreeMap<String, String>,
    scale: Scale,
    inherited: &[Descriptor],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Descriptor> {
    let mut levels: Vec<Descriptor> = inherited.to_vec();
    for (key, text) in written {
        let here: Vec<Seg<'_>> = path.iter().copied().chain([Seg::Key(key)]).collect();
        let score = key.trim().parse::<f64>().ok().filter(|x| x.is_finite());
        let Some(score) = score.filter(|x| scale.contains(*x)) else {
            diags.push(
                ctx.error(&here, format!("`{key}` is not a score on the scale"))
                    .with_hint(format!(
                        "name each level by its score, from {} to {}: `{}: What a {} means`",
                        fmt(scale.min),
                        fmt(scale.max),
                        fmt(scale.max),
                        fmt(scale.max)
                    )),
            );
            continue;
        };
        if text.trim().is_empty() {
            diags.push(
                ctx.error(&here, format!("the level {key} says nothing"))
                    .with_hint(
                        "say what this score means, e.g. `meets the requirement, with evidence`",
                    ),
            );
            continue;
        }
        levels.retain(|d| !crate::rules::same_figure(d.score, score));
        levels.push(Descriptor {
            score,
            text: text.trim().to_string(),
        });
    }
    levels.sort_by(|a, b| a.score.total_cmp(&b.score));
    levels
}

/// A dossier's own fields; scores are checked by [`score`].
pub(super) fn vendor(
    ctx: &FileCtx<'_>,
    slug: &str,
    rel: &str,
    raw: &RawVendor,
    files: &SiteFiles<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Vendor {
    let RawVendor {
        name,
        status,
        status_reason,
        website,
        headquarters,
        founded,
        employees,
        summary,
        services,
        pricing,
        track_record,
        references,
        scores: _,
        strengths,
        concerns,
        risks,
        contacts,
        tags,
        extra,
    } = raw;
    require_text(
        ctx,
        "name",
        name,
        "write the vendor's name as it should appear in the report",
        diags,
    );
    let status = status_of(ctx, status.as_deref(), diags);
    let website = website
        .as_ref()
        .and_then(|w| check_url(ctx, &[Seg::Key("website")], w, diags));
    let summary = summary
        .as_ref()
        .map(|s| rich(ctx, &[Seg::Key("summary")], s, "vendors", files, diags));
    let status_reason = status_reason.as_ref().map(|s| {
        rich(
            ctx,
            &[Seg::Key("status_reason")],
            s,
            "vendors",
            files,
            diags,
        )
    });
    let references = references_of(ctx, references, diags);
    let risks = risks_of(ctx, risks, diags);
    Vendor {
        slug: slug.to_string(),
        name: name.trim().to_string(),
        status,
        status_reason,
        website,
        headquarters: headquarters.clone(),
        founded: *founded,
        employees: *employees,
        summary,
        services: services.clone(),
        pricing_withheld: false,
        pricing: pricing.clone(),
        track_record: track_record.clone(),
        references,
        scores: BTreeMap::new(),
        strengths: strengths.clone(),
        concerns: concerns.clone(),
        risks,
        contacts: contacts.clone(),
        tags: tags.clone(),
        extra: extra.clone(),
        source: rel.to_string(),
    }
}

/// Where the vendor stands; `longlisted` when not said. An old name is read with a warning.
fn status_of(ctx: &FileCtx<'_>, status: Option<&str>, diags: &mut Vec<Diagnostic>) -> Status {
    let Some(s) = status else {
        return Status::Longlisted;
    };
    match Status::OLD_NAMES.iter().find(|(n, _)| *n == s.trim()) {
        Some((old, status)) => {
            diags.push(
                ctx.warning(
                    &[Seg::Key("status")],
                    format!("`{old}` is now written `{}`", status.as_str()),
                )
                .with_hint(format!(
                    "write `status: {}`; the statuses are {}",
                    status.as_str(),
                    crate::diagnostic::listed(Status::ALL.map(|(n, _)| n))
                )),
            );
            *status
        }
        None => choose(ctx, &[Seg::Key("status")], "status", s, &Status::ALL, diags)
            .unwrap_or(Status::Longlisted),
    }
}

/// The references, with their dates and sentiments checked.
fn references_of(
    ctx: &FileCtx<'_>,
    references: &[crate::content::raw::RawReference],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Reference> {
    references
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let at = |k: &'static str| [Seg::Key("references"), Seg::Index(i), Seg::Key(k)];
            Reference {
                name: r.name.clone(),
                role: r.role.clone(),
                organisation: r.organisation.clone(),
                date: optional_date(ctx, &at("date"), &r.date, diags),
                sentiment: r.sentiment.as_ref().and_then(|s| {
                    choose(
                        ctx,
                        &at("sentiment"),
                        "sentiment",
                        s,
                        &Sentiment::ALL,
                        diags,
                    )
                }),
                summary: r.summary.clone(),
                confidential: r.confidential,
            }
        })
        .collect()
}

/// The risks, with their likelihood and impact checked.
fn risks_of(
    ctx: &FileCtx<'_>,
    risks: &[crate::content::raw::RawRisk],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Risk> {
    risks
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let at = |k: &'static str| [Seg::Key("risks"), Seg::Index(i), Seg::Key(k)];
            Risk {
                title: r.title.clone(),
                likelihood: r.likelihood.as_ref().and_then(|l| {
                    choose(ctx, &at("likelihood"), "likelihood", l, &Level::ALL, diags)
                }),
                impact: r.impact.as_ref().and_then(|l| {
                    choose(ctx, &at("impact"), "impact level", l, &Level::ALL, diags)
                }),
                mitigation: r.mitigation.clone(),
                owner: r.owner.clone(),
                confidential: r.confidential,
            }
        })
        .collect()
}

/// One score: a known criterion, a value on the scale (the agreed one, or the mean of the
/// panel's), scores from known evaluators, evidence that exists. `given` are the evaluators'
/// scores for it from their own files (already checked), merged with the dossier's `by:`.
pub(super) fn score(
    ctx: &FileCtx<'_>,
    id: &str,
    raw: &RawScore,
    given: &[Given<'_>],
    report: &Report,
    known: &Known<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Score> {
    let RawScore {
        score,
        by,
        reason,
        changed,
        rationale,
        feedback,
        advantage,
        evidence: cited,
        confidential,
    } = raw;
    let (criteria, scale) = (&report.criteria, report.scale);
    let here = [Seg::Key("scores"), Seg::Key(id)];
    if known.trusts("criteria") && !criteria.iter().any(|c| c.id == id) {
        diags.push(super::unknown_criterion(ctx, &here, id, criteria));
        return None;
    }
    let bare = rationale.is_none()
        && feedback.is_none()
        && advantage.is_none()
        && cited.is_empty()
        && !confidential
        && by.is_empty();
    let value_path: Vec<Seg<'_>> = if bare {
        here.to_vec()
    } else {
        vec![Seg::Key("scores"), Seg::Key(id), Seg::Key("score")]
    };
    if let Some(x) = score.filter(|_| known.trusts_scale(report)) {
        check_on_scale(ctx, &value_path, id, x, scale, diags);
    }
    if known.trusts("evaluators") {
        check_panel(ctx, id, by, report, diags);
        given_twice(ctx, id, by, given, report, diags);
    }
    let mut by = by.clone();
    by.extend(given.iter().map(|g| (g.evaluator.clone(), g.score)));
    let values: Vec<f64> = by.values().copied().collect();
    let (final_score, consensus) = settle(ctx, id, *score, &values, diags)?;
    let spread = crate::rules::spread(&values);
    let evidence_path = [Seg::Key("scores"), Seg::Key(id), Seg::Key("evidence")];
    let mut kept = cited_notes(ctx, &evidence_path, cited, known, diags);
    for slug in given.iter().flat_map(|g| &g.detail.evidence) {
        if !kept.contains(slug) {
            kept.push(slug.clone());
        }
    }
    let text = |key: &'static str, r: &String, diags: &mut Vec<Diagnostic>| {
        rich(
            ctx,
            &[Seg::Key("scores"), Seg::Key(id), Seg::Key(key)],
            r,
            "vendors",
            known.files,
            diags,
        )
    };
    let rationale = rationale.as_ref().map(|r| text("rationale", r, diags));
    let feedback = feedback.as_ref().map(|r| text("feedback", r, diags));
    let advantage = advantage.as_ref().map(|r| text("advantage", r, diags));
    Some(Score {
        score: final_score,
        rationale,
        feedback,
        advantage,
        evidence: kept,
        withheld: 0,
        confidential: *confidential,
        grade: crate::model::Grade::None,
        evidence_age_days: None,
        by,
        consensus,
        agreed_reason: reason.clone().filter(|_| consensus == Consensus::Agreed),
        changed: changed
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string),
        spread,
        disagreement: crate::rules::is_disagreement(report, spread),
        individual: given
            .iter()
            .map(|g| (g.evaluator.clone(), g.detail.clone()))
            .collect(),
    })
}

/// The score that counts and how it was settled: the one written (alone, or agreed by the
/// panel), else the mean of the panel's. Neither is an error, unless a `score` was written
/// that could not be read (reported as such already).
fn settle(
    ctx: &FileCtx<'_>,
    id: &str,
    score: Option<f64>,
    panel: &[f64],
    diags: &mut Vec<Diagnostic>,
) -> Option<(f64, Consensus)> {
    match (score, crate::rules::panel_mean(panel)) {
        (Some(s), None) => Some((s, Consensus::Single)),
        (Some(s), Some(_)) => Some((s, Consensus::Agreed)),
        (None, Some(mean)) => Some((mean, Consensus::Mean)),
        (None, None) => {
            let here = [Seg::Key("scores"), Seg::Key(id)];
            let written = [here[0], here[1], Seg::Key("score")];
            if crate::yaml::locate(ctx.yaml, &written).is_none() {
                diags.push(
                    ctx.error(&here, format!("the score for `{id}` has no value"))
                        .with_hint(
                            "write `score: 4`, or the panel's scores as `by: { jo: 4, sam: 3 }`",
                        ),
                );
            }
            None
        }
    }
}

/// An error if `x`, the score at `path`, is not a number on the scale.
pub(super) fn check_on_scale(
    ctx: &FileCtx<'_>,
    path: &[Seg<'_>],
    id: &str,
    x: f64,
    scale: Scale,
    diags: &mut Vec<Diagnostic>,
) {
    if x.is_finite() && scale.contains(x) {
        return;
    }
    diags.push(
        ctx.error(
            path,
            format!(
                "the score {} is outside the scale {} to {}",
                fmt(x),
                fmt(scale.min),
                fmt(scale.max)
            ),
        )
        .with_hint(format!(
            "score `{id}` from {} to {}, as `scale` in `content/report.yaml` says",
            fmt(scale.min),
            fmt(scale.max)
        )),
    );
}

/// The panel's own scores (`by:`) name evaluators of report.yaml and lie on the scale.
fn check_panel(
    ctx: &FileCtx<'_>,
    id: &str,
    by: &BTreeMap<String, f64>,
    report: &Report,
    diags: &mut Vec<Diagnostic>,
) {
    for (who, x) in by {
        let at = [
            Seg::Key("scores"),
            Seg::Key(id),
            Seg::Key("by"),
            Seg::Key(who),
        ];
        if !report.evaluators.iter().any(|e| &e.id == who) {
            let d = ctx.error(&at, format!("there is no evaluator `{who}`"));
            diags.push(no_such_evaluator(d, who, report));
        }
        check_on_scale(ctx, &at, id, *x, report.scale, diags);
    }
}

/// `d`, an error about `who`, who is not on the panel, with a hint naming who is.
pub(super) fn no_such_evaluator(d: Diagnostic, who: &str, report: &Report) -> Diagnostic {
    let ids = || report.evaluators.iter().map(|e| e.id.as_str());
    let otherwise = if report.evaluators.is_empty() {
        "list the panel under `evaluators` in `content/report.yaml` (`id`, `name`, `role`)"
            .to_string()
    } else {
        format!(
            "the evaluators of `content/report.yaml` are {}",
            crate::diagnostic::listed(ids())
        )
    };
    d.suggest(who, ids(), otherwise)
}

/// An error at each of the dossier's `by:` scores that an evaluator also gave in their own
/// scores file: the same score in two places, naming both.
fn given_twice(
    ctx: &FileCtx<'_>,
    id: &str,
    by: &BTreeMap<String, f64>,
    given: &[Given<'_>],
    report: &Report,
    diags: &mut Vec<Diagnostic>,
) {
    for g in given.iter().filter(|g| by.contains_key(&g.evaluator)) {
        let who = &g.evaluator;
        let name = report
            .evaluators
            .iter()
            .find(|e| &e.id == who)
            .map_or(who.as_str(), |e| e.name.as_str());
        let at = [
            Seg::Key("scores"),
            Seg::Key(id),
            Seg::Key("by"),
            Seg::Key(who),
        ];
        diags.push(
            ctx.error(
                &at,
                format!(
                    "{name}'s score for `{id}` is given twice: here and in {}",
                    g.at()
                ),
            )
            .with_hint(format!(
                "keep one: remove `{who}` from this `by:`, or the score from `{}`",
                g.file()
            )),
        );
    }
}

/// The notes a score cites that this build has, `at` being the path of its `evidence` list: a
/// draft left out is a warning, a slug that names no note an error.
pub(super) fn cited_notes(
    ctx: &FileCtx<'_>,
    at: &[Seg<'_>],
    cited: &[String],
    known: &Known<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let evidence = known.evidence;
    let mut kept = Vec::new();
    for (i, slug) in cited.iter().enumerate() {
        let at: Vec<Seg<'_>> = at.iter().copied().chain([Seg::Index(i)]).collect();
        if evidence.drafts.contains(slug) {
            diags.push(
                ctx.warning(
                    &at,
                    format!("the evidence `{slug}` is a draft note, left out of this build"),
                )
                .with_hint("publish the note (`draft: false`) or build with `--drafts`"),
            );
        } else if evidence.notes.contains(slug) {
            kept.push(slug.clone());
        } else {
            let d = ctx.error(&at, format!("the evidence `{slug}` names no note"));
            diags.push(d.suggest(
                slug,
                evidence.notes.iter().map(String::as_str),
                no_such_note(known),
            ));
        }
    }
    kept
}

/// The hint for evidence that names no note and is like none: what evidence lists, how to
/// write the note, and the notes there are about the vendor.
fn no_such_note(known: &Known<'_>) -> String {
    let what = "evidence names notes by their file name in `content/notes/`, without `.md`";
    let Some(vendor) = known.vendor else {
        return format!(
            "{what}; to write the note, run `shortlist new note \"TITLE\" --date YYYY-MM-DD`"
        );
    };
    let new =
        format!("`shortlist new note \"TITLE\" --vendor {vendor} --date YYYY-MM-DD` writes it");
    let about: Vec<&str> = known
        .evidence
        .built
        .iter()
        .filter(|n| n.vendors.iter().any(|v| v == vendor))
        .map(|n| n.slug.as_str())
        .collect();
    if about.is_empty() {
        return format!("{what}; there is no note about `{vendor}` yet: {new}");
    }
    format!(
        "{what}; the notes about `{vendor}` are {}; for one not written yet, {new}",
        crate::diagnostic::listed(about)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_the_rule() {
        assert!(!valid_slug("a_b"));
        assert!(!valid_slug(""));
    }

    #[test]
    fn dates_must_be_real_days() {
        assert!(valid_date("2026-10-14"));
        assert!(valid_date("2024-02-29"));
        assert!(!valid_date("2026-02-29"));
        assert!(!valid_date("2026-13-01"));
        assert!(!valid_date("14/10/2026"));
        assert!(!valid_date("2026-1-14"));
    }
}

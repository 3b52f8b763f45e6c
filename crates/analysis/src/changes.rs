//! What changed since the previous round: a report.json saved from an earlier build, compared
//! with this one.
//!
//! Vendors are matched by slug, scores by criterion id, notes by slug. A vendor's rank, status
//! and verdict moves, each score that moved or whose evaluators moved (with who, when the panel
//! is known), vendors added and dropped, and notes added since are all listed. Only what
//! this build's audience may see is compared: the current side is the redacted model.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::model::{Report, format_number};
use crate::score::Standing;

/// The part of a report.json that a comparison needs; anything else in the file is ignored.
#[derive(Debug, Deserialize)]
pub struct Previous {
    #[serde(default)]
    /// The previous report's date.
    pub date: Option<String>,
    /// Its vendors, in its rank order.
    pub vendors: Vec<PreviousVendor>,
    #[serde(default)]
    /// Its notes (only their slugs are read).
    pub notes: Vec<PreviousNote>,
    /// The fingerprint of the content it was built from, if it recorded one.
    #[serde(default)]
    pub inputs: Option<PreviousInputs>,
}

/// The fingerprint a previous round recorded.
#[derive(Debug, Deserialize)]
pub struct PreviousInputs {
    /// Its digest of the whole.
    pub digest: String,
}

#[derive(Debug, Deserialize)]
/// A vendor as the previous round saw it.
pub struct PreviousVendor {
    /// The vendor's slug.
    pub slug: String,
    /// The vendor's name then.
    pub name: String,
    #[serde(default)]
    /// Its status then.
    pub status: Option<String>,
    /// Its rank then.
    pub rank: usize,
    #[serde(default)]
    /// Its weighted score then, if it had scores.
    pub weighted_score: Option<f64>,
    #[serde(default)]
    /// Whether it was a partner then.
    pub partner: bool,
    #[serde(default)]
    /// Its scores then, by criterion id.
    pub scores: BTreeMap<String, PreviousScore>,
}

#[derive(Debug, Deserialize)]
/// A score as the previous round saw it.
pub struct PreviousScore {
    /// The score that counted.
    pub score: f64,
    #[serde(default)]
    /// Each evaluator's score, by evaluator id.
    pub by: BTreeMap<String, f64>,
}

#[derive(Debug, Deserialize)]
/// A note of the previous round.
pub struct PreviousNote {
    /// The note's slug.
    pub slug: String,
}

/// Reads a previous report.json of at most `max_bytes`; a missing, malformed or oversized
/// file, or anything but a plain file (a pipe would never end), is an error naming it.
pub fn load(path: &Path, shown: &Path, max_bytes: u64) -> Result<Previous, Diagnostic> {
    let problem = |why: String| {
        Diagnostic::about_file(shown, format!("cannot read the previous report: {why}")).with_hint(
            "give `--previous` (or `previous:` in report.yaml) the report.json of an earlier build",
        )
    };
    let meta = std::fs::metadata(path).map_err(|e| problem(e.to_string()))?;
    if !meta.is_file() {
        return Err(problem("it is not a plain file".into()));
    }
    if meta.len() > max_bytes {
        return Err(problem(format!(
            "it is {} MiB, more than the {} MiB a file may have (`limits: file_size_mib` in report.yaml)",
            meta.len().div_ceil(1 << 20),
            max_bytes >> 20
        )));
    }
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut std::io::Read::take(
            std::fs::File::open(path).map_err(|e| problem(e.to_string()))?,
            max_bytes,
        ),
        &mut text,
    )
    .map_err(|e| problem(e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| {
        Diagnostic::error(
            shown,
            e.line(),
            e.column(),
            format!("this is not a report.json shortlist can compare with: {e}"),
        )
        .with_hint("use the report.json of an earlier build, as it was written")
        .attach_source(&text)
    })
}

/// Everything that moved.
#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Changes {
    /// The previous report's date, if it had one.
    pub since: Option<String>,
    /// The digest of the content the previous round was built from, if it recorded one.
    pub since_digest: Option<String>,
    /// How each vendor in both rounds moved, when it did, in this round's rank order.
    pub vendors: Vec<VendorChange>,
    /// Names of the vendors new in this round.
    pub added: Vec<String>,
    /// Names of the vendors that were in the previous round and are not in this one.
    pub dropped: Vec<String>,
    /// Slugs of notes that are new since.
    pub notes_added: Vec<String>,
}

/// How one vendor moved.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct VendorChange {
    /// The vendor's slug.
    pub slug: String,
    /// Rank then and now.
    pub rank: (usize, usize),
    /// Status then and now, when it changed.
    pub status: Option<(String, String)>,
    /// Partner then and now, when the verdict changed.
    pub partner: Option<(bool, bool)>,
    /// Weighted score then and now.
    pub weighted_score: (Option<f64>, Option<f64>),
    /// The scores that moved, in criterion order.
    pub scores: Vec<ScoreChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
/// One score that moved between rounds.
pub struct ScoreChange {
    /// The criterion's id.
    pub criterion: String,
    /// The score then (`None`: not scored).
    pub from: Option<f64>,
    /// The score now (`None`: not scored).
    pub to: Option<f64>,
    /// Evaluators whose own score moved: id → (before, now).
    pub by: BTreeMap<String, (Option<f64>, Option<f64>)>,
    /// Why it moved: the score's `changed`, else the panel's agreed reason.
    pub reason: Option<String>,
    /// Notes the score cites that are new since the previous round, by slug.
    pub new_evidence: Vec<String>,
}

/// Compares this build with the previous round.
pub fn compare(report: &Report, standings: &[Standing], previous: &Previous) -> Changes {
    let before: BTreeMap<&str, &PreviousVendor> = previous
        .vendors
        .iter()
        .map(|v| (v.slug.as_str(), v))
        .collect();
    let mut changes = Changes {
        since: previous.date.clone(),
        since_digest: previous.inputs.as_ref().map(|i| i.digest.clone()),
        ..Changes::default()
    };
    let old_notes: std::collections::BTreeSet<&str> =
        previous.notes.iter().map(|n| n.slug.as_str()).collect();
    for st in standings {
        let Some(v) = report.vendor(&st.slug) else {
            continue;
        };
        match before.get(st.slug.as_str()) {
            None => changes.added.push(st.slug.clone()),
            Some(old) => changes
                .vendors
                .extend(vendor_change(report, st, v, old, &old_notes)),
        }
    }
    let now: std::collections::BTreeSet<&str> =
        report.vendors.iter().map(|v| v.slug.as_str()).collect();
    changes.dropped = previous
        .vendors
        .iter()
        .filter(|v| !now.contains(v.slug.as_str()))
        .map(|v| v.name.clone())
        .collect();
    changes.notes_added = report
        .notes
        .iter()
        .rev()
        .filter(|n| !old_notes.contains(n.slug.as_str()))
        .map(|n| n.slug.clone())
        .collect();
    changes
}

impl ScoreChange {
    /// Whether the score that counts moved (not only an evaluator's own).
    pub fn score_moved(&self) -> bool {
        moved(self.from, self.to)
    }

    /// A score that moved with neither a reason nor evidence newer than the previous round.
    pub fn unexplained(&self) -> bool {
        self.score_moved() && self.reason.is_none() && self.new_evidence.is_empty()
    }
}

/// Whether a figure moved: changed, appeared or went.
fn moved(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => !crate::model::same_figure(a, b),
        (a, b) => a.is_some() != b.is_some(),
    }
}

/// What moved for a vendor in both rounds, if anything did.
fn vendor_change(
    report: &Report,
    st: &Standing,
    v: &crate::model::Vendor,
    old: &PreviousVendor,
    old_notes: &std::collections::BTreeSet<&str>,
) -> Option<VendorChange> {
    let scores: Vec<ScoreChange> = report
        .criteria
        .iter()
        .filter_map(|c| {
            score_change(
                report,
                &c.id,
                old.scores.get(&c.id),
                v.scores.get(&c.id),
                old_notes,
            )
        })
        .collect();
    let status_now = v.status.as_str().to_string();
    let change = VendorChange {
        slug: st.slug.clone(),
        rank: (old.rank, st.rank),
        // An earlier round may use a status's old name (`longlist`): shown by today's.
        status: old
            .status
            .as_deref()
            .filter(|s| crate::model::Status::named(s) != Some(v.status))
            .map(|s| {
                let then = crate::model::Status::named(s).map_or(s, |st| st.as_str());
                (then.to_string(), status_now.clone())
            }),
        partner: (old.partner != st.partner).then_some((old.partner, st.partner)),
        weighted_score: (old.weighted_score, st.weighted_score),
        scores,
    };
    let any = change.rank.0 != change.rank.1
        || change.status.is_some()
        || change.partner.is_some()
        || !change.scores.is_empty();
    any.then_some(change)
}

/// How one score moved between the rounds, and whose scores moved with it, if anything did.
fn score_change(
    report: &Report,
    criterion: &str,
    was: Option<&PreviousScore>,
    is: Option<&crate::model::Score>,
    old_notes: &std::collections::BTreeSet<&str>,
) -> Option<ScoreChange> {
    let (from, to) = (was.map(|s| s.score), is.map(|s| s.score));
    let empty = BTreeMap::new();
    // An earlier round may know an evaluator by the id that hidden names replace.
    let was_by: BTreeMap<String, f64> = was
        .map_or(&empty, |s| &s.by)
        .iter()
        .filter_map(|(who, x)| Some((report.shown_evaluator(who)?, *x)))
        .collect();
    let is_by = is.map_or(&empty, |s| &s.by);
    let by: BTreeMap<String, (Option<f64>, Option<f64>)> = was_by
        .keys()
        .chain(is_by.keys())
        .filter_map(|who| {
            let pair = (was_by.get(who).copied(), is_by.get(who).copied());
            moved(pair.0, pair.1).then(|| (who.clone(), pair))
        })
        .collect();
    (moved(from, to) || !by.is_empty()).then(|| ScoreChange {
        criterion: criterion.to_string(),
        from,
        to,
        by,
        reason: is.and_then(|s| s.changed.clone().or_else(|| s.agreed_reason.clone())),
        new_evidence: is.map_or_else(Vec::new, |s| {
            s.evidence
                .iter()
                .filter(|n| !old_notes.contains(n.as_str()))
                .cloned()
                .collect()
        }),
    })
}

/// "3 → 4", "stays 5", or "not scored → 4".
pub fn move_label(from: Option<f64>, to: Option<f64>) -> String {
    let side = |x: Option<f64>| x.map_or_else(|| "not scored".to_string(), format_number);
    if from == to {
        format!("stays {}", side(to))
    } else {
        format!("{} → {}", side(from), side(to))
    }
}

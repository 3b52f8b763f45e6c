//! What one bidder may see of the evaluation: its debrief.
//!
//! A [`Debrief`] is made by `redact::for_bidder`, the one policy that decides it, from a report
//! already redacted for people outside the team. It holds the bidder's own assessment, the
//! selected provider's scores (by name only when report.yaml allows), the criteria, weights and
//! scale, and the notes about the bidder alone that back its scores. Nothing else of any other
//! provider is in it, so nothing rendered from it can show any.

use std::collections::BTreeMap;

use crate::model::{Criterion, Descriptor, Note, Scale, Score};
use crate::rules::Verdict;

/// One bidder's debrief.
#[derive(Debug, Clone)]
pub struct Debrief {
    pub title: String,
    pub organisation: Option<String>,
    /// The date the report speaks for.
    pub date: Option<String>,
    pub scale: Scale,
    /// What each score means, lowest first.
    pub levels: Vec<Descriptor>,
    pub partner_threshold: f64,
    pub criteria: Vec<Criterion>,
    /// The panel, by role.
    pub evaluators: Vec<String>,
    /// The bidder and its assessment.
    pub bidder: Bidder,
    /// The selected (else the leading) provider's scores; `None` when that is the bidder.
    pub selected: Option<Selected>,
    /// How many providers were assessed on every criterion.
    pub assessed: usize,
    /// The notes about the bidder alone, not confidential, that its scores cite; by date.
    pub notes: Vec<Note>,
    /// What the policy left out because it names another provider.
    pub withheld: Vec<Withheld>,
}

/// The bidder's own assessment.
#[derive(Debug, Clone)]
pub struct Bidder {
    pub slug: String,
    pub name: String,
    /// Its place among the assessed providers, when it is one of them.
    pub rank: Option<usize>,
    pub weighted_score: Option<f64>,
    pub verdict: Verdict,
    /// Whether it is the selected (or leading) provider.
    pub selected: bool,
    /// Whether it was chosen (`status: selected`), not only ranked first.
    pub chosen: bool,
    /// Its scores, each with its rationale and the notes of [`Debrief::notes`] it cites; the
    /// panel's own scores are left out (they would name evaluators' views of the others).
    pub scores: BTreeMap<String, Score>,
    pub strengths: Vec<String>,
    pub concerns: Vec<String>,
}

/// The selected provider, as a bidder may see it: its scores, nothing else.
#[derive(Debug, Clone)]
pub struct Selected {
    /// Its name, when report.yaml's `debrief: { name_winner: true }` allows; else `None`.
    pub name: Option<String>,
    /// Whether it was chosen (`status: selected`) rather than only ranked first.
    pub chosen: bool,
    pub weighted_score: Option<f64>,
    /// Its score on each criterion, by criterion id.
    pub scores: BTreeMap<String, f64>,
}

/// A piece of text the policy left out of a debrief, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withheld {
    /// The content file it is written in, relative to `content/`.
    pub source: String,
    /// The criterion of a score's rationale; `None` for anything else.
    pub criterion: Option<String>,
    /// What it was: "the rationale for `track-record`", "the note `x`", "a strength".
    pub what: String,
    /// The other provider it names.
    pub names: String,
}

//! What one bidder may see of the evaluation: its debrief.
//!
//! A [`Debrief`] is made by `redact::for_bidder`, the one policy that decides it, from a report
//! already redacted for people outside the team. It holds the bidder's own assessment, the
//! selected provider's scores (by name only when report.yaml allows), the criteria, weights and
//! scale, and the notes about the bidder alone that back its scores. Nothing else of any other
//! provider is in it, so nothing rendered from it can show any.

use std::collections::BTreeMap;

use crate::model::{Award, Criterion, Descriptor, Note, Rich, Scale, Score, Status};
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
    /// The award decision, when report.yaml gives one.
    pub award: Option<Award>,
    /// How many providers were assessed on every criterion.
    pub assessed: usize,
    /// The notes about the bidder alone, marked `share_with_bidder`; by date.
    pub notes: Vec<Note>,
    /// The criteria the bidder is scored on with no feedback written for it.
    pub missing_feedback: Vec<String>,
    /// What the guard left out, and why.
    pub withheld: Vec<Withheld>,
}

/// The bidder's own assessment.
#[derive(Debug, Clone)]
pub struct Bidder {
    pub slug: String,
    pub name: String,
    /// Where it stands, and why, in its dossier's words (`status_reason`).
    pub status: Status,
    pub status_reason: Option<Rich>,
    /// Its place among the assessed providers, when it is one of them.
    pub rank: Option<usize>,
    pub weighted_score: Option<f64>,
    pub verdict: Verdict,
    /// Whether it is the selected (or leading) provider.
    pub selected: bool,
    /// Whether it was chosen (`status: selected`), not only ranked first.
    pub chosen: bool,
    /// Its scores, each with the feedback written for it and the notes of [`Debrief::notes`]
    /// it cites; no rationale, agreed reason or panel's own scores.
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
    /// What makes each of those scores an advantage, in the panel's words (`advantage:`).
    pub advantages: BTreeMap<String, Rich>,
}

/// A piece of text the policy (or the disclosure guard) left out of a build, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Withheld {
    /// The content file it is written in, relative to `content/`.
    pub source: String,
    /// Where in that file: the keys down to the field (`scores`, `track-record`,
    /// `feedback`), empty for a note or a whole file.
    pub field: Vec<String>,
    /// What it was: "the feedback on `track-record`", "the note `x`", "a strength".
    pub what: String,
    /// Why it was left out.
    pub reason: Reason,
    /// The words that hold it, as the text has them, to point at.
    pub quote: String,
    /// Whether it cannot be left out (a title, a criterion's name), so the build stops.
    pub blocking: bool,
}

/// Why the guard left a text out.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// It names another provider.
    Names { name: String },
    /// It quotes a pricing figure this audience may not see.
    Quotes {
        /// The vendor whose figure it is.
        name: String,
        /// What the figure is: "annual estimate".
        label: String,
        /// Whether that pricing is confidential (else it is another bidder's).
        confidential: bool,
        /// The vendor's dossier, relative to `content/`, and the key the figure is at.
        source: String,
        field: String,
    },
    /// It compares the bid with the others ("the lowest bid").
    Compares { phrase: String },
    /// A note this audience does not see: the team's own, or not shared with the bidder.
    NotShared,
}

//! shortlist: a static report generator for choosing an outsourcing partner.
//!
//! The pipeline lives in the workspace's crates, each depending only on those before it:
//! `shortlist-model` (the validated types, diagnostics, addresses), `shortlist-read` (content,
//! YAML, Markdown, cache), `shortlist-validate` (files to model), `shortlist-analysis` (scores,
//! sensitivity, cost, changes, audience), `shortlist-site` (views, theme, pages, exports, output,
//! the pipeline and the session) and `shortlist-serve` (watch and preview). This crate is the
//! command line; its library re-exports them all under one name, for the tests and benches.

pub use shortlist_serve::*;

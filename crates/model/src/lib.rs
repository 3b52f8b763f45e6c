//! The model of a shortlist report, at the bottom of the pipeline: the validated types
//! ([`model`]), the scoring rules every figure follows ([`rules`]), problems found in the
//! content ([`diagnostic`]), reading sanitized HTML ([`html`]), the files of a built site ([`site`]) and their addresses ([`urls`],
//! [`urlpath`]). It depends on no other shortlist crate, and every other one on it.

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod debrief;
pub mod diagnostic;
pub mod html;
pub mod model;
pub mod rules;
pub mod site;
pub mod urlpath;
pub mod urls;

//! The figures of a shortlist report, computed from the model alone: weighted scores and the
//! ranking ([`score`]), what would change it ([`sensitivity`]), the argument for the leader
//! ([`argument`]), costs over the contract
//! ([`cost`]), what moved since an earlier round ([`changes`]), and what each audience may see
//! ([`redact`]).

#![warn(clippy::print_stdout, clippy::print_stderr)]
#![warn(missing_docs)]

pub use shortlist_model::{debrief, diagnostic, model, rules, site, urlpath, urls};

pub mod argument;
pub mod changes;
pub mod cost;
pub mod guard;
pub mod redact;
pub mod score;
pub mod sensitivity;

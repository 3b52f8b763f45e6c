//! Reading a shortlist project: walking `content/` and reading its files ([`content`]), YAML
//! behind one module ([`yaml`]), Markdown to safe HTML and text ([`markdown`]), file slugs
//! ([`slug`]), the editor schemas of the files ([`schema`]) and the cache of what was read and
//! rendered ([`cache`]). Above the model; below validation.

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub use shortlist_model::{diagnostic, model, rules, site, urlpath, urls};

pub mod cache;
pub mod content;
pub mod markdown;
pub mod schema;
pub mod slug;
pub mod yaml;

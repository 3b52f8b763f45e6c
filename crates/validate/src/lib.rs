//! Turning the files of a shortlist project into the model ([`validate`]), collecting every
//! problem at once, with the map of the site's files that Markdown links are resolved against.

#![warn(clippy::print_stdout, clippy::print_stderr)]
#![warn(missing_docs)]

pub use shortlist_read::{
    cache, content, diagnostic, markdown, model, rules, schema, site, slug, urlpath, urls, yaml,
};

pub mod validate;

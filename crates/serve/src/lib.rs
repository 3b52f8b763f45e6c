//! Watching a shortlist project and previewing its site: the debounced watcher and rebuild
//! loop ([`watch`]), and the preview server with live reload ([`serve`]). On top of the site.

#![warn(clippy::print_stdout, clippy::print_stderr)]
#![warn(missing_docs)]

pub use shortlist_site::*;

pub mod serve;
pub mod watch;

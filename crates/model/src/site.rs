//! The files of a built site, in memory: what each holds and where it goes.
//!
//! `render` makes them; `output` writes them (staging folder and swap, or an update in place),
//! `archive` packs them and `linkcheck` reads their links. Nothing here reads or writes a disk.

use std::path::PathBuf;
use std::sync::Arc;

/// What a file of the site holds: bytes made here, or a content file to copy as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// Shared with a session's cache, which keeps them for the next build: a page or file
    /// taken from there is not copied.
    Bytes(Arc<Vec<u8>>),
    Copy(PathBuf),
    /// Already written into the folder the site is being built in (a page streamed to disk as
    /// soon as it was rendered, see `output::Staging`): the hash of its bytes.
    Written(u64),
}

impl Body {
    /// Bytes made now.
    pub fn bytes(bytes: Vec<u8>) -> Self {
        Body::Bytes(Arc::new(bytes))
    }
}

/// Where files of the site go as soon as they are made, so that the site is never held in
/// memory whole: the build's staging folder (`output::Staging`). Rendering knows only this.
pub trait Sink: Sync {
    /// Writes the file at `path` now; its body from then on.
    fn put(&self, path: &str, bytes: &[u8]) -> Body;
}

/// One file of the built site, at a path relative to the output folder (forward slashes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub body: Body,
    /// The template a page was rendered from, for messages about it.
    pub template: Option<String>,
}

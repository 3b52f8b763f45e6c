//! A build that remembers: the state `watch` and `serve` rebuild with.
//!
//! A [`Session`] keeps the [`Cache`] and the hashes of what it last wrote, so each rebuild
//! re-reads only changed files, re-renders only pages whose inputs changed and rewrites only
//! files whose bytes changed. Its output is byte for byte what a fresh `build` makes (a test
//! holds it to that). A failed rebuild writes nothing: the last good site stays.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::cache::{Cache, Stats};
use crate::output::{self, Synced, Written};
use crate::{Built, Failure, Options, make_site_with};

pub struct Session {
    options: Options,
    output: PathBuf,
    cache: Cache,
    written: Written,
}

/// What one successful rebuild did.
#[derive(Debug)]
pub struct Rebuilt {
    pub built: Built,
    pub synced: Synced,
    pub stats: Stats,
    pub elapsed: Duration,
}

impl Rebuilt {
    /// Whether any file of the site changed, i.e. whether open pages should reload.
    pub fn changed(&self) -> bool {
        self.synced.written + self.synced.removed > 0
    }
}

impl Session {
    /// A session writing to `output`, which must pass the same checks as `build`'s.
    pub fn new(mut options: Options, output: PathBuf) -> Result<Self, Failure> {
        let output = output::check_target(&options.root, &output)?;
        // Absolute, as the watcher reports changes, so the cache forgets what changed.
        options.root = output::resolved(&options.root);
        Ok(Session {
            options,
            output,
            cache: Cache::remembering(),
            written: Written::default(),
        })
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The output folder, absolute and resolved.
    pub fn output(&self) -> &PathBuf {
        &self.output
    }

    /// Rebuilds after `changed` files changed (an empty list means "check everything").
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Rebuilt, Failure> {
        let started = Instant::now();
        self.cache.forget(changed);
        let result = make_site_with(&self.options, &self.cache);
        let stats = self.cache.take_stats();
        let mut built = result?;
        let lock = output::lock(&self.output, &|| {}).map_err(Failure::Io)?;
        let writing = Instant::now();
        output::check_target(&self.options.root, &self.output)?;
        let synced = output::sync(
            &lock,
            &self.output,
            &built.files,
            built.report.audience,
            &mut self.written,
        )
        .map_err(Failure::Io)?;
        drop(lock);
        built.timings.push(("write", writing.elapsed()));
        self.forget_the_dead(&built);
        Ok(Rebuilt {
            built,
            synced,
            stats,
            elapsed: started.elapsed(),
        })
    }

    /// Keeps the cache to what the current site uses, so a long session does not grow.
    fn forget_the_dead(&self, built: &Built) {
        let content = self.options.root.join("content");
        let mut live_files: Vec<PathBuf> = Vec::new();
        for v in &built.report.vendors {
            live_files.push(content.join(&v.source));
        }
        for n in &built.report.notes {
            live_files.push(content.join(&n.source));
        }
        let live_pages: Vec<String> = built.files.iter().map(|f| f.path.clone()).collect();
        // Drafts, the report file and files that failed to parse are cheap to read again.
        self.cache.retain(&live_files, &live_pages);
        self.cache
            .trim_markdown(4 * (built.report.notes.len() + built.report.vendors.len()) + 256);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relative_root_is_made_absolute_like_the_paths_the_watcher_reports() {
        // Tests run in the package folder, so this relative root exists.
        let out = tempfile::tempdir().unwrap();
        let options = Options {
            root: PathBuf::from("tests/fixtures/../fixtures/minimal"),
            ..Options::default()
        };
        let session = Session::new(options, out.path().join("site")).unwrap();
        let root = &session.options().root;
        assert!(root.is_absolute(), "{root:?}");
        assert_eq!(
            root,
            &std::fs::canonicalize("tests/fixtures/minimal").unwrap()
        );
    }
}

//! What one build can reuse from the last: file texts, what they parse and validate to,
//! rendered Markdown and rendered pages.
//!
//! `build` starts from an empty [`Cache`]; `watch` and `serve` keep one across rebuilds, so a
//! change to one note re-reads one file, renders one piece of Markdown, and re-renders only the
//! pages whose inputs changed. Every entry is keyed by a hash of everything its result depends
//! on, so a reused result is always the one a full build would make: a stale entry can cost
//! memory, never correctness.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use crate::markdown::Rendered;

/// A hash of anything hashable, for cache keys.
pub fn hash_of(value: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// A hash of the bytes of a file of the site, to tell whether it changed: XXH3, which reads
/// tens of gigabytes a second where the standard hasher reads one or two, and gives the same
/// hash on every run, as the output folder's marker needs.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// A hash of `value`'s JSON form, computed as it is written, without building the string
/// (XXH3, as [`hash_bytes`]: the pages' keys hash every vendor's and note's view on each
/// rebuild, tens of megabytes at 10,000 notes).
pub fn hash_json(value: &impl serde::Serialize) -> u64 {
    struct HashWriter(xxhash_rust::xxh3::Xxh3);
    impl std::io::Write for HashWriter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.update(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut w = HashWriter(xxhash_rust::xxh3::Xxh3::new());
    // Writing to a hasher cannot fail; a value that cannot serialize hashes as what it wrote.
    let _ = serde_json::to_writer(&mut w, value);
    w.0.digest()
}

/// A hash of a sequence of texts (each with its length, so that the boundaries count), with
/// XXH3: for keys over many megabytes of note text.
pub fn hash_texts<'a>(texts: impl IntoIterator<Item = &'a str>) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for t in texts {
        h.update(&(t.len() as u64).to_le_bytes());
        h.update(t.as_bytes());
    }
    h.digest()
}

/// What was read of a file (its text, its SHA-256), with the metadata that tells whether the
/// file changed on disk since.
struct Stamped<T> {
    modified: Option<SystemTime>,
    len: u64,
    value: T,
}

impl<T: Clone> Stamped<T> {
    /// The value, if the file has the same modification time (a known one) and size: the one
    /// rule by which texts and digests are taken again.
    fn if_unchanged(&self, modified: Option<SystemTime>, len: u64) -> Option<T> {
        (self.modified.is_some() && self.modified == modified && self.len == len)
            .then(|| self.value.clone())
    }
}

/// How much work the last build did, for messages and benchmarks.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stats {
    pub files_read: usize,
    pub markdown_rendered: usize,
    pub pages_rendered: usize,
    pub pages_reused: usize,
    /// Which pages were rendered, by path, when the cache keeps pages (a session's).
    pub rendered: Vec<String>,
}

/// A file's bytes, with the key of the inputs they were made from.
type Kept = (u64, Arc<Vec<u8>>);

/// What was made of a file's text (of whatever type: what it parsed to, what it validated
/// to), with the text and the key of everything else it was made from.
type Made = (Arc<str>, u64, Arc<dyn std::any::Any + Send + Sync>);

/// What one build can reuse; [`Cache::default`] is for a single build and keeps nothing,
/// [`Cache::remembering`] keeps every text, rendering and page for the next build.
#[derive(Default)]
pub struct Cache {
    /// Whether entries are kept: a single build would only hold a second copy of everything.
    keeps: bool,
    texts: Mutex<HashMap<PathBuf, Stamped<Arc<str>>>>,
    /// Each content file's SHA-256, for the fingerprint, by the same rule as its text.
    digests: Mutex<HashMap<PathBuf, Stamped<[u8; 32]>>>,
    markdown: Mutex<HashMap<u64, Rendered>>,
    /// What was made of each content file's text, by path and type of what was made.
    made: Mutex<HashMap<(PathBuf, std::any::TypeId), Made>>,
    /// Pages and export files by path: the key they were made for, and their bytes (shared
    /// with the site that holds them).
    pages: Mutex<HashMap<String, Kept>>,
    rendered: Mutex<Vec<String>>,
    files_read: AtomicUsize,
    markdown_rendered: AtomicUsize,
    pages_rendered: AtomicUsize,
    pages_reused: AtomicUsize,
}

impl Cache {
    /// A cache that keeps what each build made, for the next one (`watch`, `serve`).
    pub fn remembering() -> Self {
        Cache {
            keeps: true,
            ..Cache::default()
        }
    }

    /// Whether rendered pages are kept; when not, there is no point computing their keys.
    pub fn keeps(&self) -> bool {
        self.keeps
    }

    /// The text of `path` if it is unchanged on disk since it was cached.
    pub fn text(&self, path: &PathBuf, modified: Option<SystemTime>, len: u64) -> Option<Arc<str>> {
        let texts = self.texts.lock().ok()?;
        texts.get(path)?.if_unchanged(modified, len)
    }

    /// The text of `path` as it was last read, whatever the file holds now.
    pub fn last_text(&self, path: &PathBuf) -> Option<Arc<str>> {
        let texts = self.texts.lock().ok()?;
        texts.get(path).map(|c| c.value.clone())
    }

    /// Forgets the texts of `paths`, so they are read again whatever their metadata says
    /// (two saves within one tick of the file system clock can leave it unchanged).
    pub fn forget(&self, paths: &[PathBuf]) {
        if let Ok(mut texts) = self.texts.lock() {
            for p in paths {
                texts.remove(p);
            }
        }
        self.forget_digests(paths);
    }

    /// Forgets the SHA-256 kept for each of `paths`, and nothing else about them.
    pub fn forget_digests(&self, paths: &[PathBuf]) {
        if let Ok(mut digests) = self.digests.lock() {
            for p in paths {
                digests.remove(p);
            }
        }
    }

    /// The SHA-256 of `path` if it is unchanged on disk since it was kept.
    pub fn digest(
        &self,
        path: &PathBuf,
        modified: Option<SystemTime>,
        len: u64,
    ) -> Option<[u8; 32]> {
        let digests = self.digests.lock().ok()?;
        digests.get(path)?.if_unchanged(modified, len)
    }

    /// Keeps the SHA-256 of `path` for the next build, when the cache keeps anything.
    pub fn store_digest(
        &self,
        path: PathBuf,
        modified: Option<SystemTime>,
        len: u64,
        digest: [u8; 32],
    ) {
        if !self.keeps {
            return;
        }
        if let Ok(mut digests) = self.digests.lock() {
            digests.insert(
                path,
                Stamped {
                    modified,
                    len,
                    value: digest,
                },
            );
        }
    }

    pub fn store_text(
        &self,
        path: PathBuf,
        modified: Option<SystemTime>,
        len: u64,
        text: &Arc<str>,
    ) {
        self.files_read.fetch_add(1, Ordering::Relaxed);
        if !self.keeps {
            return;
        }
        if let Ok(mut texts) = self.texts.lock() {
            texts.insert(
                path,
                Stamped {
                    modified,
                    len,
                    value: Arc::clone(text),
                },
            );
        }
    }

    /// Rendered Markdown for `key`, or renders it with `make` and remembers it.
    pub fn markdown(&self, key: u64, make: impl FnOnce() -> Rendered) -> Rendered {
        if let Some(r) = self.markdown.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return r;
        }
        self.markdown_rendered.fetch_add(1, Ordering::Relaxed);
        let r = make();
        if !self.keeps {
            return r;
        }
        if let Ok(mut m) = self.markdown.lock() {
            m.insert(key, r.clone());
        }
        r
    }

    /// What `make` makes of `text`, the text of `path`, and of whatever else `key` is a hash
    /// of: as it made it last time when the text is the same (the same shared text, as the
    /// session hands out for an unchanged file, or equal to it) and so is `key`, else made
    /// now, and kept for the next build. One value of each type is kept for each file (what
    /// it parsed to, what it validated to).
    pub fn made_of<T: Clone + Send + Sync + 'static>(
        &self,
        path: &Path,
        text: &Arc<str>,
        key: u64,
        make: impl FnOnce() -> T,
    ) -> T {
        if !self.keeps {
            return make();
        }
        let at = (path.to_path_buf(), std::any::TypeId::of::<T>());
        let kept = self.made.lock().ok().and_then(|m| {
            let (was, was_key, value) = m.get(&at)?;
            (*was_key == key && (Arc::ptr_eq(was, text) || **was == **text))
                .then(|| Arc::clone(value))
        });
        if let Some(value) = kept.and_then(|v| v.downcast_ref::<T>().cloned()) {
            return value;
        }
        let value = make();
        if let Ok(mut m) = self.made.lock() {
            m.insert(at, (Arc::clone(text), key, Arc::new(value.clone())));
        }
        value
    }

    /// The bytes of the page at `path` if its inputs hash to `key`, as they did last time.
    pub fn page(&self, path: &str, key: u64) -> Option<Arc<Vec<u8>>> {
        let hit = self.export(path, key);
        if hit.is_some() {
            self.pages_reused.fetch_add(1, Ordering::Relaxed);
        }
        hit
    }

    pub fn store_page(&self, path: &str, key: u64, bytes: &Arc<Vec<u8>>) {
        self.pages_rendered.fetch_add(1, Ordering::Relaxed);
        if !self.keeps {
            return;
        }
        self.store_export(path, key, bytes);
        if let Ok(mut rendered) = self.rendered.lock() {
            rendered.push(path.to_string());
        }
    }

    /// The bytes of the export file at `path` (a file of notes' texts, of the search index) if
    /// its inputs hash to `key`, as they did last time; not counted as a page.
    pub fn export(&self, path: &str, key: u64) -> Option<Arc<Vec<u8>>> {
        let pages = self.pages.lock().ok()?;
        pages
            .get(path)
            .filter(|(k, _)| *k == key)
            .map(|(_, b)| b.clone())
    }

    /// Keeps an export file's bytes for the next build, when the cache keeps anything.
    pub fn store_export(&self, path: &str, key: u64, bytes: &Arc<Vec<u8>>) {
        if !self.keeps {
            return;
        }
        if let Ok(mut pages) = self.pages.lock() {
            pages.insert(path.to_string(), (key, Arc::clone(bytes)));
        }
    }

    /// The work done since the last call, and a fresh count for the next build.
    pub fn take_stats(&self) -> Stats {
        Stats {
            files_read: self.files_read.swap(0, Ordering::Relaxed),
            markdown_rendered: self.markdown_rendered.swap(0, Ordering::Relaxed),
            pages_rendered: self.pages_rendered.swap(0, Ordering::Relaxed),
            pages_reused: self.pages_reused.swap(0, Ordering::Relaxed),
            rendered: self
                .rendered
                .lock()
                .map(|mut r| {
                    r.sort();
                    std::mem::take(&mut *r)
                })
                .unwrap_or_default(),
        }
    }

    /// Forgets entries for files and pages that no longer exist, so memory does not grow.
    pub fn retain(&self, live_files: &[PathBuf], live_pages: &[String]) {
        let live: std::collections::HashSet<&PathBuf> = live_files.iter().collect();
        if let Ok(mut texts) = self.texts.lock() {
            texts.retain(|p, _| live.contains(p));
        }
        if let Ok(mut digests) = self.digests.lock() {
            digests.retain(|p, _| live.contains(p));
        }
        if let Ok(mut made) = self.made.lock() {
            made.retain(|(p, _), _| live.contains(p));
        }
        if let Ok(mut pages) = self.pages.lock() {
            let live: std::collections::HashSet<&String> = live_pages.iter().collect();
            pages.retain(|p, _| live.contains(p));
        }
    }

    /// Forgets all rendered Markdown once there is more of it than `limit` entries: edits leave
    /// old renderings behind, and this bounds them.
    pub fn trim_markdown(&self, limit: usize) {
        if let Ok(mut m) = self.markdown.lock()
            && m.len() > limit
        {
            m.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// Makes the length of `text` as `cache` would have it made, counting the makings.
    fn made_counted(
        cache: &Cache,
        path: &str,
        text: &Arc<str>,
        key: u64,
        count: &Cell<usize>,
    ) -> usize {
        cache.made_of(Path::new(path), text, key, || {
            count.set(count.get() + 1);
            text.len()
        })
    }

    #[test]
    fn a_text_is_made_again_only_when_it_or_its_key_changed() {
        let cache = Cache::remembering();
        let made = Cell::new(0);
        let text: Arc<str> = Arc::from("title: A");
        assert_eq!(made_counted(&cache, "a.md", &text, 1, &made), 8);
        assert_eq!(made_counted(&cache, "a.md", &text, 1, &made), 8);
        assert_eq!(made.get(), 1, "the same shared text is not made twice");
        // The same text read again (another allocation) is the same text.
        let again: Arc<str> = Arc::from("title: A");
        assert_eq!(made_counted(&cache, "a.md", &again, 1, &made), 8);
        assert_eq!(made.get(), 1);
        // Another key (what else it is made from changed), a changed text, another file.
        assert_eq!(made_counted(&cache, "a.md", &again, 2, &made), 8);
        assert_eq!(made.get(), 2);
        let edited: Arc<str> = Arc::from("title: AB");
        assert_eq!(made_counted(&cache, "a.md", &edited, 2, &made), 9);
        assert_eq!(made_counted(&cache, "b.md", &edited, 2, &made), 9);
        assert_eq!(made.get(), 4);
        // A value of another type is kept beside it, not in its place.
        let other: String = cache.made_of(Path::new("a.md"), &edited, 2, || "x".to_string());
        assert_eq!(other, "x");
        assert_eq!(made_counted(&cache, "a.md", &edited, 2, &made), 9);
        assert_eq!(made.get(), 4);
        // A file gone from the site is forgotten.
        cache.retain(&[PathBuf::from("b.md")], &[]);
        assert_eq!(made_counted(&cache, "a.md", &edited, 2, &made), 9);
        assert_eq!(made.get(), 5);
    }

    #[test]
    fn a_single_build_keeps_nothing_made() {
        let cache = Cache::default();
        let made = Cell::new(0);
        let text: Arc<str> = Arc::from("title: A");
        made_counted(&cache, "a.md", &text, 1, &made);
        made_counted(&cache, "a.md", &text, 1, &made);
        assert_eq!(made.get(), 2);
    }
}

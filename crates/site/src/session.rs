//! A build that remembers: the state `watch` and `serve` rebuild with.
//!
//! A [`Session`] keeps the [`Cache`], the last site it built and the hashes of what it last
//! wrote. A change to the text of notes alone (their front matter as it was, their links the
//! same) is rebuilt from the last site: those notes' text is rendered, their pages and the two
//! exports that hold note text (report.json, the search index) are made again, and only those
//! files are written. Any other change goes through the whole pipeline, which re-reads only
//! changed files, re-renders only pages whose inputs changed and rewrites only files whose
//! bytes changed. Either way the output is byte for byte what a fresh `build` makes (tests hold
//! it to that). A failed rebuild writes nothing: the last good site stays.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::cache::{Cache, Stats};
use crate::output::{self, Synced, Written};
use crate::site::Body;
use crate::{Built, Failure, Options, make_site_into, render};

pub struct Session {
    options: Options,
    output: PathBuf,
    cache: Cache,
    written: Written,
    /// The last site built, kept so that an edit to a note's text can be rebuilt from it.
    last: Option<Arc<Built>>,
}

/// What one successful rebuild did.
#[derive(Debug)]
pub struct Rebuilt {
    pub built: Arc<Built>,
    /// How many notes had only their text rebuilt, when that was all the change called for
    /// (0 for a rebuild through the whole pipeline).
    pub note_texts: usize,
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
            last: None,
        })
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The previous round's report.json the site is compared with, if any: `--previous`, else
    /// report.yaml's `previous` as the last good build read it.
    pub fn previous_file(&self) -> Option<PathBuf> {
        let root = &self.options.root;
        let named = self.options.previous.clone().or_else(|| {
            let last = self.last.as_ref()?;
            last.report.previous.as_ref().map(|p| root.join(p))
        })?;
        Some(std::path::absolute(&named).unwrap_or(named))
    }

    /// The output folder, absolute and resolved.
    pub fn output(&self) -> &PathBuf {
        &self.output
    }

    /// Rebuilds after `changed` files changed (an empty list means "check everything").
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Rebuilt, Failure> {
        if let Some(rebuilt) = self.texts_only(changed) {
            return rebuilt;
        }
        let started = Instant::now();
        // Whatever happens, the next rebuild starts from a whole build. Of the last, only
        // `site` is kept while this one is made (its values are shared, not copied).
        let last_site = self.last.take().map(|b| b.shared.clone());
        self.cache.forget(changed);
        let result = make_site_into(&self.options, &self.cache, None, last_site.as_ref());
        drop(last_site);
        let stats = self.cache.take_stats();
        let built = result?;
        self.forget_the_dead(&built);
        self.write(built, None, 0, stats, started)
    }

    /// Rebuilds after only the text of notes changed (what follows their front matter, which
    /// is as it was): each such note's text is rendered against the files of the last build; its
    /// page, the files of report.json's notes' texts and of the search index that hold it and
    /// report.json's fingerprint are made again, and only they are written. Nothing else can
    /// depend on a note's text: the front matter decides what a note says about vendors and
    /// criteria, and the links it makes must stay the same links. The warnings of the last build stay: none of those a note's text can
    /// cause is a warning (a broken link is an error), and those that point into its text make
    /// the whole pipeline run. `None` for any other change: the whole pipeline then runs.
    fn texts_only(&mut self, changed: &[PathBuf]) -> Option<Result<Rebuilt, Failure>> {
        let started = Instant::now();
        let last = self.last.as_ref()?;
        let content = self.options.root.join("content");
        // Each edited note as the model will hold it, by its place in the report's notes.
        let mut edits: Vec<(usize, crate::model::Note)> = Vec::new();
        for path in changed {
            let (i, body) = self.text_edit(last, &content, path)?;
            let mut note = last.report.notes[i].clone();
            note.body = body;
            edits.push((i, note));
        }
        if edits.is_empty() {
            return None;
        }
        let mut timings = vec![("read and validate", started.elapsed())];
        let clock = Instant::now();
        let with = render::With {
            theme: &last.theme,
            content_dir: &content,
            cache: &self.cache,
            progress: None,
            sink: None,
            exports_unmade: false,
            last: None,
        };
        let mut pages = Vec::with_capacity(edits.len());
        for (_, note) in &edits {
            // A page the template cannot render now is for the whole build to report.
            pages.push(render::note_again(&last.shared, note, &with)?.ok()?);
        }
        // The bytes of each edited note, for the report's fingerprint.
        let bytes: Vec<(String, Vec<u8>)> = edits
            .iter()
            .map(|(_, n)| {
                Some((
                    n.source.clone(),
                    std::fs::read(content.join(&n.source)).ok()?,
                ))
            })
            .collect::<Option<_>>()?;
        // The digests kept for these files are the last build's: a whole build after this one
        // must not take them for a file of the same size and time (two saves in one tick).
        self.cache.forget_digests(changed);
        let mut built = Arc::unwrap_or_clone(self.last.take()?);
        let edited: Vec<usize> = edits.iter().map(|(i, _)| *i).collect();
        for (i, note) in edits {
            built.report.notes[i] = note;
        }
        // The fingerprint: the edited files' digests and the whole's, (old, new) as written.
        let hex = crate::content::digest::hex;
        let mut moved = Vec::with_capacity(bytes.len() + 1);
        for (rel, b) in &bytes {
            let new = hex(&built.inputs.set(rel, b));
            if let Some(old) = built.report.inputs.files.get_mut(rel) {
                moved.push((
                    format!("\"{rel}\": \"{old}\""),
                    format!("\"{rel}\": \"{new}\""),
                ));
                *old = new;
            }
        }
        let whole = hex(&built.inputs.digest());
        moved.push((
            std::mem::replace(&mut built.report.inputs.digest, whole.clone()),
            whole,
        ));
        let mut exports = vec![report_json_again(&mut built, &moved)];
        for &i in &edited {
            let slug = &built.report.notes[i].slug;
            for (path, bytes) in crate::export::files_of_note(&built.report, slug) {
                if exports.iter().all(|f| f.path != path) {
                    exports.push(crate::site::OutputFile {
                        path,
                        body: Body::bytes(bytes),
                        template: None,
                    });
                }
            }
        }
        let mut changed_paths = Vec::new();
        for file in pages.into_iter().chain(exports) {
            changed_paths.push(file.path.clone());
            match built.files.binary_search_by(|f| f.path.cmp(&file.path)) {
                Ok(at) => built.files[at] = file,
                Err(at) => built.files.insert(at, file),
            }
        }
        timings.push(("render", clock.elapsed()));
        built.timings = timings;
        let mut stats = self.cache.take_stats();
        // Every other page is as the last build made it.
        let pages = built.files.iter().filter(|f| f.template.is_some()).count();
        stats.pages_reused = pages.saturating_sub(stats.pages_rendered);
        Some(self.write(built, Some(&changed_paths), edited.len(), stats, started))
    }

    /// The new text of the note at `path`, if only its text changed and nothing the last build
    /// said about the note depends on its text: its place in the model and its rendering.
    fn text_edit(
        &self,
        last: &Built,
        content: &Path,
        path: &PathBuf,
    ) -> Option<(usize, crate::model::Rich)> {
        // A debrief is not watched; it is read against every other provider's words.
        let audience = last.report.audience;
        if audience == crate::model::Audience::Bidder {
            return None;
        }
        // A path outside `content/` names no note.
        let rel = crate::content::relative(path, content);
        let i = last.report.notes.iter().position(|n| n.source == rel)?;
        let shown = Path::new("content").join(&rel);
        let meta = std::fs::metadata(path).ok()?;
        let entry = crate::content::Entry {
            kind: crate::content::Kind::Note,
            path: path.clone(),
            shown,
            rel,
        };
        let max = last.report.limits.file_size_mib << 20;
        let text = crate::content::read_text(&entry, meta.len(), max).ok()?;
        let before = self.cache.last_text(path)?;
        let front = |t: &str| crate::content::split_front_matter(t).map(|s| s.body_offset);
        let (old_end, new_end) = (front(&before)?, front(&text)?);
        if before[..old_end] != text[..new_end] {
            return None;
        }
        // What the last build said about this note stays true only where it points into the
        // front matter (as it was) or at the note as a whole from line 1 (not cited, say):
        // anything said about its text, or about the file without a line, is for a whole
        // build to say again.
        let front_lines = before[..old_end].lines().count();
        if last
            .warnings
            .iter()
            .any(|d| d.file == entry.shown && (d.line == 0 || d.line > front_lines))
        {
            return None;
        }
        let files = crate::validate::SiteFiles::again(Arc::clone(&last.links), &self.cache);
        let source = crate::content::Source {
            entry,
            text: text.into(),
        };
        let mut rich = crate::validate::note_text_again(&source, &files).ok()?;
        if audience == crate::model::Audience::Shareable {
            // A text the guard would leave out is for a whole build to leave out (and to take
            // the links to it out of every other text); any other loses the addresses of the
            // notes this audience does not see, and its Markdown, as a whole build makes it.
            let guard = crate::guard::Guard::shareable(&last.secrets);
            if guard.check(&rich.text, Some(&rich.html)).is_some() {
                return None;
            }
            crate::guard::unlink(&mut rich, &last.withheld_notes);
            crate::redact::source_for_outside(&mut rich);
        }
        let old = &last.report.notes[i].body;
        if rich.links != old.links {
            return None;
        }
        self.cache
            .store_text(path.clone(), meta.modified().ok(), meta.len(), &source.text);
        Some((i, rich))
    }

    /// Writes `built` into the output folder: only the files at `only` when it says which
    /// changed (the whole site if the folder is not the one this session last wrote), else
    /// every file whose bytes changed; and keeps `built` for the next rebuild.
    fn write(
        &mut self,
        mut built: Built,
        only: Option<&[String]>,
        note_texts: usize,
        stats: Stats,
        started: Instant,
    ) -> Result<Rebuilt, Failure> {
        let lock = output::lock(&self.output, &|| {}).map_err(Failure::Io)?;
        let writing = Instant::now();
        output::check_target(&self.options.root, &self.output)?;
        output::check_staging(&self.output)?;
        let audience = built.report.audience;
        let some = only.map(|paths| {
            let files: Vec<&crate::site::OutputFile> = built
                .files
                .iter()
                .filter(|f| paths.contains(&f.path))
                .collect();
            output::update_some(&lock, &self.output, &files, audience, &mut self.written)
        });
        let synced = match some {
            Some(Ok(synced)) => synced,
            _ => output::sync(
                &lock,
                &self.output,
                &built.files,
                audience,
                &mut self.written,
            )
            .map_err(Failure::Io)?,
        };
        drop(lock);
        built.timings.push(("write", writing.elapsed()));
        let built = Arc::new(built);
        self.last = Some(Arc::clone(&built));
        Ok(Rebuilt {
            built,
            note_texts,
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

/// report.json of `built` with its fingerprint as `built.report` now has it: each digest
/// (old, new) replaced where it lies, the rest of the file as it was (nothing else in it
/// depends on a note's text, which is kept apart).
fn report_json_again(built: &mut Built, digests: &[(String, String)]) -> crate::site::OutputFile {
    let at = built
        .files
        .iter()
        .position(|f| f.path == crate::urls::REPORT_JSON);
    let old = at.map(|i| std::mem::replace(&mut built.files[i].body, Body::bytes(Vec::new())));
    let spliced = match old {
        Some(Body::Bytes(bytes)) => {
            // Held by this site alone (report.json is kept nowhere else): changed in place.
            let mut bytes = Arc::unwrap_or_clone(bytes);
            digests
                .iter()
                .all(|(old, new)| crate::export::with_digest(&mut bytes, old, new))
                .then_some(bytes)
        }
        _ => None,
    };
    let bytes = spliced.unwrap_or_else(|| {
        crate::export::report_json(
            &built.report,
            &built.standings,
            &built.analysis,
            built.changes.as_ref(),
        )
    });
    crate::site::OutputFile {
        path: crate::urls::REPORT_JSON.into(),
        body: Body::bytes(bytes),
        template: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relative_root_is_made_absolute_like_the_paths_the_watcher_reports() {
        // Tests run in the package folder (`crates/site`), so this relative root exists.
        let out = tempfile::tempdir().unwrap();
        let options = Options {
            root: PathBuf::from("../../tests/fixtures/../fixtures/minimal"),
            ..Options::default()
        };
        let session = Session::new(options, out.path().join("site")).unwrap();
        let root = &session.options().root;
        assert!(root.is_absolute(), "{root:?}");
        assert_eq!(
            root,
            &std::fs::canonicalize("../../tests/fixtures/minimal").unwrap()
        );
    }
}

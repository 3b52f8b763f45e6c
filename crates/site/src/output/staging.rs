//! A build's new site: staged inside the output folder, then committed file by file.
//!
//! While a build runs, each file whose bytes differ from what the output folder holds is
//! written under a number into `output/.shortlist-staging/`; nothing else in the output is
//! touched, so a build that fails or is stopped before its commit leaves the output exactly
//! as it was (the next build removes the staging folder). [`Staging::finish`] commits: a
//! marker saying the site is being written (so no session takes a half-committed folder for
//! the site it wrote), each staged file renamed over its place, every file and folder the new
//! site does not have removed, then the new marker. The commit is renames and removals only;
//! a build stopped inside it leaves a folder the next build completes, since that build
//! compares every file's bytes. A file that is the same is left alone (its time, its inode),
//! which also keeps a synced output folder from uploading the whole site on every build.
//!
//! When there is no output folder yet, the build makes it, and removes it again if it fails.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result, bail};

use super::{
    Lock, MARKER, MARKER_TEXT, STAGING_MARKER, Synced, inside, is_our_staging, marker_text,
    plain_relative, staging_dir, write_whole,
};
use crate::model::Audience;
use crate::site::{Body, OutputFile};

/// A staging folder being filled while the site is made: pages go in as soon as they are
/// rendered ([`Staging::put`], from any thread), so they need not all be held in memory;
/// [`Staging::finish`] writes the rest and commits them. Dropped unfinished (the build
/// failed), the staging folder is removed and the output is as it was.
pub struct Staging {
    output: PathBuf,
    dir: PathBuf,
    /// Whether this build made the output folder, and removes it again if it fails.
    made_output: bool,
    /// Whether this build made the staging folder (and so removes it when done).
    made_dir: bool,
    /// Everything the output folder holds now (but the staging folder), found without
    /// following links, each folder before what it holds: walked once, at the start.
    found: Vec<(String, fs::FileType)>,
    /// The plain files among them (relative, with forward slashes): only these are compared
    /// and may be left alone.
    existing: HashSet<String>,
    /// The files written into the staging folder: their path in the site and their number.
    staged: Mutex<Vec<(String, usize)>>,
    numbers: AtomicUsize,
    /// The first write that failed; `finish` reports it and commits nothing.
    failed: Mutex<Option<anyhow::Error>>,
    /// Set once the commit has begun: from then on the output is this build's to complete.
    committing: bool,
}

/// What a staged file is made from.
enum Source<'a> {
    Bytes(&'a [u8]),
    Copy(&'a Path),
}

impl Staging {
    /// Makes the staging folder inside `output` (and `output` itself if it is missing),
    /// removing what a stopped build left, and notes which files the output holds now.
    pub fn begin(_lock: &Lock, output: &Path) -> Result<Staging> {
        super::remove_old_staging(output).with_context(|| {
            format!(
                "failed to remove the copy of an old site beside `{}`",
                output.display()
            )
        })?;
        let made_output = match fs::symlink_metadata(output) {
            Ok(m) if m.is_dir() => false,
            Ok(_) => bail!("`{}` is not a folder", output.display()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir(output)
                    .with_context(|| format!("failed to create `{}`", output.display()))?;
                true
            }
            Err(e) => {
                return Err(e).with_context(|| format!("failed to inspect `{}`", output.display()));
            }
        };
        let dir = staging_dir(output);
        let mut staging = Staging {
            output: output.to_path_buf(),
            dir: dir.clone(),
            made_output,
            made_dir: false,
            found: Vec::new(),
            existing: HashSet::new(),
            staged: Mutex::new(Vec::new()),
            numbers: AtomicUsize::new(0),
            failed: Mutex::new(None),
            committing: false,
        };
        // From here on, a failure drops `staging`, which removes what was made.
        if fs::symlink_metadata(&dir).is_ok() {
            if !is_our_staging(&dir) {
                bail!(
                    "`{}` is in the way: shortlist stages the site there, and did not make it; move it",
                    dir.display()
                );
            }
            fs::remove_dir_all(&dir).with_context(|| {
                format!(
                    "failed to remove the leftover staging folder `{}`",
                    dir.display()
                )
            })?;
        }
        // Made whole under another name, marker inside, then renamed: no kill leaves a
        // staging folder without its marker (one under the other name is removed by name).
        let new = super::staging_new(output);
        super::remove_staging_new(output)
            .with_context(|| format!("failed to remove `{}`", new.display()))?;
        fs::create_dir(&new).with_context(|| format!("failed to create `{}`", new.display()))?;
        let made = fs::File::create_new(new.join(STAGING_MARKER))
            .and_then(|mut f| f.write_all(MARKER_TEXT.as_bytes()))
            .and_then(|()| {
                (0..SPREAD).try_for_each(|part| fs::create_dir(new.join(format!("{part}"))))
            })
            .and_then(|()| fs::rename(&new, &dir));
        if let Err(e) = made {
            let _ = fs::remove_dir_all(&new);
            return Err(e).with_context(|| format!("failed to create `{}`", dir.display()));
        }
        staging.made_dir = true;
        staging.found = entries(output, &dir)
            .collect::<io::Result<_>>()
            .with_context(|| format!("failed to read `{}`", output.display()))?;
        // A mount point inside the output is another file system: a rename cannot cross into
        // it and a removal must not, so the build stops before it changes anything.
        if let Some(mount) = super::mount_point_in(output, &staging.found) {
            bail!(
                "`{}` is a mount point (another file system) inside the output folder: shortlist never writes or removes across one; unmount it, or build into another folder",
                output.join(mount).display()
            );
        }
        staging.existing = (staging.found.iter())
            .filter(|(_, kind)| kind.is_file())
            .map(|(rel, _)| rel.clone())
            .collect();
        Ok(staging)
    }

    /// Writes the file `path` of the site into the staging folder under a new number, unless
    /// the output folder holds a plain file with the same bytes there.
    fn stage(&self, path: &str, source: Source<'_>) -> Result<()> {
        if self.existing.contains(path) && same(&self.output.join(path), &source) {
            return Ok(());
        }
        let number = self.numbers.fetch_add(1, Ordering::Relaxed);
        let dest = staged_at(&self.dir, number);
        // A new file, with the ordinary mode every output file has (an asset's own mode, a
        // setuid bit or a 0600, is not copied); the commit puts it on disk before renaming it.
        let written = fs::File::create_new(&dest).and_then(|mut f| match source {
            Source::Bytes(b) => f.write_all(b),
            Source::Copy(src) => io::copy(&mut fs::File::open(src)?, &mut f).map(drop),
        });
        written.with_context(|| match source {
            Source::Copy(src) => format!("failed to copy `{}`", src.display()),
            Source::Bytes(_) => format!("failed to write `{}`", dest.display()),
        })?;
        if let Ok(mut staged) = self.staged.lock() {
            staged.push((path.to_string(), number));
        }
        Ok(())
    }

    /// Writes the files not yet written and the marker, and commits the new site into the
    /// output folder.
    pub fn finish(self, files: &[OutputFile], audience: Audience) -> Result<()> {
        let marker = marker_text(files, audience);
        self.finish_marked(files, &marker).map(drop)
    }

    /// [`Staging::finish`] with the marker made already; says how many files it wrote and
    /// removed.
    pub(super) fn finish_marked(mut self, files: &[OutputFile], marker: &str) -> Result<Synced> {
        if let Some(e) = self.failed.lock().ok().and_then(|mut f| f.take()) {
            return Err(e);
        }
        for f in files {
            let source = match &f.body {
                Body::Bytes(b) => Source::Bytes(b),
                Body::Copy(src) => Source::Copy(src),
                Body::Written(_) => continue,
            };
            plain_relative(&f.path)?;
            self.stage(&f.path, source)?;
        }
        self.commit(files, marker)
    }

    fn commit(&mut self, files: &[OutputFile], marker: &str) -> Result<Synced> {
        let mut staged =
            std::mem::take(&mut *self.staged.lock().unwrap_or_else(|e| e.into_inner()));
        let wanted = Wanted::of(files);
        let marker_path = self.output.join(MARKER);
        let same_marker = fs::read_to_string(&marker_path).is_ok_and(|m| m == marker);
        let unwanted: Vec<&str> = (self.found.iter())
            .filter(|(rel, kind)| !wanted.wants(rel, *kind))
            .map(|(rel, _)| rel.as_str())
            .collect();
        if staged.is_empty() && same_marker && unwanted.is_empty() {
            return Ok(Synced::default());
        }
        // Every folder the commit will write into or remove from, writable before the first
        // rename: a read-only one fails the build here, with the output as it was.
        let mut touched: HashSet<PathBuf> = HashSet::from([self.output.clone()]);
        for (path, _) in &staged {
            let mut at = self.output.join(path);
            if fs::symlink_metadata(&at).is_ok_and(|m| m.is_dir()) {
                touched.insert(at.clone());
            }
            // The nearest folder that exists (a file or link on the way is removed from it).
            while at.pop() && at.starts_with(&self.output) {
                if fs::symlink_metadata(&at).is_ok_and(|m| m.is_dir()) {
                    touched.insert(at);
                    break;
                }
            }
        }
        for rel in &unwanted {
            if let Some(parent) = self.output.join(rel).parent()
                && fs::symlink_metadata(parent).is_ok_and(|m| m.is_dir())
            {
                touched.insert(parent.to_path_buf());
            }
        }
        let mut touched: Vec<PathBuf> = touched.into_iter().collect();
        touched.sort_unstable();
        if let Some(stuck) = touched.iter().find(|d| !writable(d)) {
            bail!(
                "`{}` is read-only, so the build cannot replace what is in it; nothing was changed: make it writable (`chmod u+w`) and build again",
                stuck.display()
            );
        }
        // The staged bytes on disk before any rename makes them the site's.
        let numbers: Vec<usize> = staged.iter().map(|(_, n)| *n).collect();
        flush_staged(&self.dir, &numbers)?;
        self.committing = true;
        let being_written = format!("{MARKER_TEXT}site: being written\n");
        write_whole(&marker_path, |f| f.write_all(being_written.as_bytes()))?;
        // What pages use before the pages, and the home page last of all: a reader (a web
        // server, the preview) that finds the home page of a first build finds the whole site,
        // and a page found mid-commit finds the styles and scripts it needs.
        staged.sort_unstable_by(|(a, _), (b, _)| commit_order(a).cmp(&commit_order(b)));
        let mut known = HashSet::new();
        for (path, number) in &staged {
            let dest = inside(&self.output, path, &mut known, true)
                .with_context(|| format!("failed to make the folders of `{path}`"))?;
            // A folder where the new site has a file (the last site had pages under it).
            if fs::symlink_metadata(&dest).is_ok_and(|m| m.is_dir()) {
                fs::remove_dir_all(&dest)
                    .with_context(|| format!("failed to remove `{}`", dest.display()))?;
            }
            fs::rename(staged_at(&self.dir, *number), &dest)
                .with_context(|| format!("failed to write `{}`", dest.display()))?;
        }
        let removed = wanted.remove(&self.output, &unwanted)?;
        // The renames on disk before the marker says the site is whole.
        let folders: Vec<PathBuf> = staged
            .iter()
            .filter_map(|(path, _)| self.output.join(path).parent().map(Path::to_path_buf))
            .collect();
        flush_folders(&self.output, folders)?;
        write_whole(&marker_path, |f| {
            f.write_all(marker.as_bytes())?;
            f.sync_all()
        })?;
        super::sync_folder(&self.output)?;
        Ok(Synced {
            written: staged.len(),
            removed,
        })
    }
}

impl crate::site::Sink for Staging {
    /// Writes one file of the site now, unless the output holds it already; its body from
    /// then on is [`Body::Written`]. A failure is kept for [`Staging::finish`] to report.
    fn put(&self, path: &str, bytes: &[u8]) -> Body {
        if let Err(e) = plain_relative(path).and_then(|()| self.stage(path, Source::Bytes(bytes)))
            && let Ok(mut failed) = self.failed.lock()
        {
            failed.get_or_insert(e);
        }
        Body::Written(crate::cache::hash_bytes(bytes))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.made_dir {
            let _ = fs::remove_dir_all(&self.dir);
        }
        // A first build that failed before its commit leaves no output folder behind.
        if self.made_output && !self.committing {
            let _ = fs::remove_dir(&self.output);
        }
    }
}

/// Puts the staged files `numbers` on disk: on Linux with one `syncfs` of the file system
/// they are on (an fsync per file cost 12,000 calls at 10,000 notes), elsewhere file by file.
fn flush_staged(dir: &Path, numbers: &[usize]) -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        let _ = numbers;
        syncfs(dir)
    }
    #[cfg(not(target_os = "linux"))]
    {
        for n in numbers {
            let path = staged_at(dir, *n);
            fs::File::open(&path)
                .and_then(|f| f.sync_all())
                .with_context(|| format!("failed to write `{}` to disk", path.display()))?;
        }
        Ok(())
    }
}

/// Puts the entries of `folders` (renamed into, removed from) on disk, and those of `output`.
fn flush_folders(output: &Path, folders: Vec<PathBuf>) -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        let _ = folders;
        syncfs(output)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let mut folders = folders;
        folders.push(output.to_path_buf());
        folders.sort_unstable();
        folders.dedup();
        folders.iter().try_for_each(|d| super::sync_folder(d))
    }
}

/// Whether this process may add and remove entries in the folder `dir` (Linux's `access`,
/// which knows root, groups and read-only mounts); elsewhere the commit finds out.
fn writable(dir: &Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        rustix::fs::access(
            dir,
            rustix::fs::Access::WRITE_OK | rustix::fs::Access::EXEC_OK,
        )
        .is_ok()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = dir;
        true
    }
}

/// `syncfs` of the file system `dir` is on.
#[cfg(target_os = "linux")]
fn syncfs(dir: &Path) -> Result<()> {
    fs::File::open(dir)
        .and_then(|f| rustix::fs::syncfs(&f).map_err(io::Error::from))
        .with_context(|| format!("failed to write `{}` to disk", dir.display()))
}

/// How many folders the staged files are spread over: the threads that write them contend for
/// a folder's lock while they create files in it, and at 11,000 files in one folder that was a
/// fifth of a first build's time on this machine (the kernel spinning on the lock).
const SPREAD: usize = 16;

/// Where the staged file `number` is written: in folder `number % SPREAD` of the staging folder.
fn staged_at(dir: &Path, number: usize) -> PathBuf {
    dir.join(format!("{}", number % SPREAD))
        .join(number.to_string())
}

/// Where a file comes in the commit: what pages use first, then the pages, then the home page.
fn commit_order(path: &str) -> (bool, bool, &str) {
    (path == crate::urls::HOME, path.ends_with(".html"), path)
}

/// Whether the plain file `dest` holds exactly what `source` would write there.
fn same(dest: &Path, source: &Source<'_>) -> bool {
    let Ok(meta) = fs::symlink_metadata(dest) else {
        return false;
    };
    if !meta.is_file() {
        return false;
    }
    match source {
        Source::Bytes(b) => meta.len() == b.len() as u64 && fs::read(dest).is_ok_and(|d| d == *b),
        Source::Copy(src) => {
            fs::metadata(src).is_ok_and(|m| m.len() == meta.len())
                && same_streams(src, dest).unwrap_or(false)
        }
    }
}

/// Whether two files hold the same bytes, read a block at a time (an asset may be gigabytes:
/// neither is read whole).
fn same_streams(a: &Path, b: &Path) -> io::Result<bool> {
    use std::io::Read;
    let (mut a, mut b) = (
        io::BufReader::with_capacity(1 << 16, fs::File::open(a)?),
        io::BufReader::with_capacity(1 << 16, fs::File::open(b)?),
    );
    let (mut x, mut y) = (vec![0; 1 << 16], vec![0; 1 << 16]);
    loop {
        let n = a.read(&mut x)?;
        if n == 0 {
            return Ok(b.read(&mut y[..1])? == 0);
        }
        b.read_exact(&mut y[..n])?;
        if x[..n] != y[..n] {
            return Ok(false);
        }
    }
}

/// Every entry under `output` but the staging folder, each folder before what it holds,
/// found without following links, with its path relative to `output`.
fn entries(
    output: &Path,
    staging: &Path,
) -> impl Iterator<Item = io::Result<(String, fs::FileType)>> {
    // Not `contents_first`: with it, `filter_entry` skips the wrong folder (walkdir #154).
    walkdir::WalkDir::new(output)
        .min_depth(1)
        .into_iter()
        .filter_entry(move |e| e.path() != staging)
        .map(move |e| {
            let e = e.map_err(io::Error::other)?;
            Ok((crate::content::relative(e.path(), output), e.file_type()))
        })
}

/// The paths of the new site: its files (and marker), and the folders they are in.
struct Wanted<'f> {
    files: HashSet<&'f str>,
    folders: HashSet<&'f str>,
}

impl<'f> Wanted<'f> {
    fn of(files: &'f [OutputFile]) -> Self {
        let files: HashSet<&str> = files
            .iter()
            .map(|f| f.path.as_str())
            .chain([MARKER])
            .collect();
        let folders = files
            .iter()
            .flat_map(|p| p.match_indices('/').map(|(i, _)| &p[..i]))
            .collect();
        Wanted { files, folders }
    }

    fn wants(&self, rel: &str, kind: fs::FileType) -> bool {
        if kind.is_dir() {
            self.folders.contains(rel)
        } else {
            kind.is_file() && self.files.contains(rel)
        }
    }

    /// Removes `unwanted` (found at the start, each folder before what it holds) from
    /// `output`, unless the commit has since put there something the new site has (a file
    /// where a folder was, a folder where a link was); says how many files went.
    fn remove(&self, output: &Path, unwanted: &[&str]) -> Result<usize> {
        let mut removed = 0;
        // Deepest first: a folder's files are removed before the folder.
        for rel in unwanted.iter().rev() {
            let path = output.join(rel);
            let Ok(now) = fs::symlink_metadata(&path) else {
                continue; // in a folder removed before it
            };
            if self.wants(rel, now.file_type()) {
                continue;
            }
            let gone = if now.is_dir() {
                fs::remove_dir_all(&path)
            } else {
                removed += 1;
                fs::remove_file(&path)
            };
            match gone {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    return Err(e)
                        .with_context(|| format!("failed to remove `{}`", path.display()));
                }
                _ => {}
            }
        }
        Ok(removed)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn pages_are_committed_after_what_they_use_and_the_home_page_last() {
        let mut paths = vec![
            "index.html",
            "vendors/a/index.html",
            "static/style.css",
            "report.json",
            "notes/b/index.html",
        ];
        paths.sort_by_key(|p| super::commit_order(p));
        assert_eq!(
            paths,
            [
                "report.json",
                "static/style.css",
                "notes/b/index.html",
                "vendors/a/index.html",
                "index.html"
            ]
        );
    }
}

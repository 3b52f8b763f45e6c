//! Writing the site: all or nothing, and never anywhere it should not.
//!
//! A build writes into one hidden staging folder beside the output folder
//! (`output/` → `.output.staging/`), each page as soon as it is rendered ([`Staging`]), then
//! swaps it in with two renames, so a failed or interrupted build leaves the previous output as
//! it was. The replaced site stays in the staging folder, and the next build writes over it
//! rather than making every file and folder anew. Before anything is written,
//! [`check_target`] resolves the output path the way the file system will (every `..` and
//! symlink, even below a folder that does not exist yet) and refuses one that would hit the
//! user's own files: the project root, `content/`, `themes/`, an ancestor of them, a symlink, a
//! folder that has files in it and was not made by shortlist, or a staging folder that is not
//! ours. Writers into one output folder take turns ([`lock`]), and the marker file of each
//! build names its audience and the site it holds, so `watch` never patches a folder that
//! another build has written since.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::model::Audience;
use crate::site::{Body, OutputFile};

/// The file that marks a folder as one shortlist made and may replace.
pub const MARKER: &str = ".shortlist-build";
const MARKER_TEXT: &str =
    "This folder is built by shortlist and replaced by every build: edit content/, not this.\n";
/// The file that marks a staging folder as one shortlist made and may remove.
const STAGING_MARKER: &str = ".shortlist-staging";

pub use crate::Refused;

/// The absolute form of `path` as the file system will see it once the missing folders are
/// made: `..` and `.` are taken out and every existing symlink is followed, component by
/// component. Also says whether the last component is a symlink.
fn resolve(path: &Path) -> (PathBuf, bool) {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    let mut last_is_link = false;
    for part in abs.components() {
        last_is_link = false;
        match part {
            Component::Prefix(_) | Component::RootDir => out.push(part),
            Component::CurDir => {}
            // `out` has no symlink in it, so going up is going to the real parent.
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => {
                out.push(name);
                if let Ok(meta) = fs::symlink_metadata(&out) {
                    last_is_link = meta.file_type().is_symlink();
                    if let Ok(real) = out.canonicalize() {
                        out = real;
                    }
                }
            }
        }
    }
    (out, last_is_link)
}

/// The absolute, resolved form of `path` (see [`check_target`]).
pub fn resolved(path: &Path) -> PathBuf {
    resolve(path).0
}

/// [`resolved`], and whether `path` itself is a symlink.
pub fn resolved_with_link(path: &Path) -> (PathBuf, bool) {
    resolve(path)
}

/// The folders a build must never write into or replace, with how messages name them.
pub fn protected(root: &Path) -> [(&'static str, PathBuf); 3] {
    let root = resolved(root);
    [
        ("the project folder", root.clone()),
        ("`content/`", root.join("content")),
        ("`themes/`", root.join("themes")),
    ]
}

/// Refuses an output folder that could destroy something the user wrote; returns the folder
/// resolved, which is where the build must write.
pub fn check_target(root: &Path, output: &Path) -> Result<PathBuf, Refused> {
    let (out, is_link) = resolve(output);
    let shown = output.display();
    let refuse = |why: String| Err(Refused(format!("refusing to build into `{shown}`: {why}")));
    if is_link {
        return refuse(format!(
            "it is a symbolic link, and a build replaces its output folder; give the folder itself, `{}`",
            out.display()
        ));
    }
    for (what, dir) in protected(root) {
        if dir == out {
            return refuse(format!(
                "it is {what}, and a build replaces its output folder"
            ));
        }
        if dir.starts_with(&out) {
            return refuse(format!(
                "it is a folder that contains {what}, and a build replaces its output folder"
            ));
        }
        if what != "the project folder" && out.starts_with(&dir) {
            return refuse(format!(
                "it is inside {what}, where it would be read back as content"
            ));
        }
    }
    if out.exists() {
        if !out.is_dir() {
            return refuse("it is a file, not a folder".into());
        }
        let empty = fs::read_dir(&out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty && !out.join(MARKER).is_file() {
            return refuse(
                "it has files that shortlist did not make; choose an empty or new folder".into(),
            );
        }
    }
    let staging = staging_dir(&out);
    if fs::symlink_metadata(&staging).is_ok() && !is_our_staging(&staging) {
        return refuse(format!(
            "shortlist stages the site in `{}`, and a folder of that name that shortlist did not make is there; move it or choose another output folder",
            staging.display()
        ));
    }
    Ok(out)
}

/// Whether `dir` is a staging folder shortlist left behind (an interrupted build), safe to
/// remove.
fn is_our_staging(dir: &Path) -> bool {
    let is_dir = fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir());
    is_dir
        && (dir.join(STAGING_MARKER).is_file()
            || fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none()))
}

/// The staging folder beside `output` (`.output.staging`).
pub fn staging_dir(output: &Path) -> PathBuf {
    let name = output
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    output.with_file_name(format!(".{name}.staging"))
}

/// Held while a build writes into an output folder: builds, `watch` and `serve` into the same
/// folder take turns. The lock is on the folder that holds the output (no lock file is left
/// behind) and is released when this is dropped, or when the process ends however it ends.
pub struct Lock(#[allow(dead_code)] fs::File);

/// Takes the write lock of `output`, calling `waiting` once if another build holds it.
pub fn lock(output: &Path, waiting: &dyn Fn()) -> Result<Lock> {
    let parent = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent)
        .with_context(|| format!("failed to create `{}`", parent.display()))?;
    let file = lock_file(parent, output)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            waiting();
            file.lock().with_context(|| {
                format!("failed to wait for the lock on `{}`", output.display())
            })?;
        }
        Err(fs::TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("failed to lock `{}`", output.display()));
        }
    }
    Ok(Lock(file))
}

#[cfg(unix)]
fn lock_file(parent: &Path, _output: &Path) -> Result<fs::File> {
    fs::File::open(parent).with_context(|| format!("failed to open `{}`", parent.display()))
}

#[cfg(not(unix))]
fn lock_file(_parent: &Path, output: &Path) -> Result<fs::File> {
    let name = output
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let path = output.with_file_name(format!(".{name}.lock"));
    fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(false)
        .open(&path)
        .with_context(|| format!("failed to open `{}`", path.display()))
}

/// Two hashes of a file's body: the key a session compares to know whether to write it
/// again (a copied file's size and time: it is never read to be compared), and the one the
/// marker's digest is made of (the bytes, or a copied file's size, so that two checkouts of the
/// same project mark the same site alike).
fn hashes(body: &Body) -> (u64, u64) {
    match body {
        Body::Bytes(b) => {
            let h = crate::cache::hash_bytes(b);
            (h, h)
        }
        Body::Written(h) => (*h, *h),
        Body::Copy(src) => {
            let meta = fs::metadata(src).ok();
            let key = meta.as_ref().map(|m| (m.len(), m.modified().ok()));
            (
                crate::cache::hash_of((src, key)),
                crate::cache::hash_of(meta.map(|m| m.len())),
            )
        }
    }
}

/// What an output folder's marker says: who the site is for and which site it is (a digest
/// of its files, from each file's path and marker hash), so that two builds of the same site
/// write the same bytes.
fn marker_of<'f>(marks: impl Iterator<Item = (&'f str, u64)>, audience: Audience) -> String {
    let mut marks: Vec<(&str, u64)> = marks.collect();
    marks.sort_unstable();
    let digest = crate::cache::hash_of(marks);
    format!(
        "{MARKER_TEXT}audience: {}\nsite: {digest:016x}\n",
        audience.as_str()
    )
}

fn marker_text(files: &[OutputFile], audience: Audience) -> String {
    marker_of(
        files.iter().map(|f| (f.path.as_str(), hashes(&f.body).1)),
        audience,
    )
}

/// Writes `files` as the new content of `output`, atomically as far as the file system allows.
/// `output` is a folder [`check_target`] returned, and `_lock` proves this build's turn.
pub fn write(lock: &Lock, output: &Path, files: &[OutputFile], audience: Audience) -> Result<()> {
    Staging::begin(lock, output)?.finish(files, audience)
}

/// A staging folder being filled while the site is made: pages go in as soon as they are
/// rendered ([`Staging::put`], from any thread), so they need not all be held in memory;
/// [`Staging::finish`] writes the rest and swaps the folder in. Dropped unfinished (the build
/// failed), it is removed and the output stays as it was.
pub struct Staging {
    dir: PathBuf,
    site: PathBuf,
    output: PathBuf,
    /// The files of the recycled site the build writes over: those it does not write again
    /// are removed before the swap.
    recycled: Vec<String>,
    /// The first write that failed; `finish` reports it and swaps nothing in.
    failed: std::sync::Mutex<Option<anyhow::Error>>,
    finished: bool,
}

/// Where the site the last build replaced is kept, inside the staging folder, for the next
/// build to write over: overwriting files and folders that exist costs the file system far
/// less than making new ones and deleting old ones (Hugo writes over its output the same way).
const RECYCLED: &str = "recycled";

impl Staging {
    /// Makes the staging folder beside `output`, removing what an interrupted build left; the
    /// site the last build replaced, if it is there whole, becomes the tree this build writes
    /// over.
    pub fn begin(_lock: &Lock, output: &Path) -> Result<Staging> {
        let dir = staging_dir(output);
        let site = dir.join("site");
        let mut recycled = None;
        if fs::symlink_metadata(&dir).is_ok() {
            if !is_our_staging(&dir) {
                bail!(
                    "`{}` is in the way: shortlist stages the site there, and did not make it; move it",
                    dir.display()
                );
            }
            recycled = plain_tree(&dir.join(RECYCLED));
            let kept = if recycled.is_some() { RECYCLED } else { "" };
            clear_staging(&dir, kept).with_context(|| {
                format!(
                    "failed to remove the leftover staging folder `{}`",
                    dir.display()
                )
            })?;
        }
        fs::create_dir_all(&dir)
            .and_then(|()| fs::write(dir.join(STAGING_MARKER), MARKER_TEXT))
            .with_context(|| format!("failed to create `{}`", dir.display()))?;
        let made = match recycled {
            Some(_) => fs::rename(dir.join(RECYCLED), &site),
            None => fs::create_dir(&site),
        };
        made.with_context(|| format!("failed to create `{}`", site.display()))?;
        Ok(Staging {
            dir,
            site,
            output: output.to_path_buf(),
            recycled: recycled.unwrap_or_default(),
            failed: std::sync::Mutex::new(None),
            finished: false,
        })
    }

    /// Writes one file of the site now; its body from then on is [`Body::Written`]. A failure
    /// is kept for [`Staging::finish`] to report.
    pub fn put(&self, path: &str, bytes: &[u8]) -> Body {
        let written = plain_relative(path).and_then(|()| {
            place(&self.site, path, |dest| write_over(dest, bytes))
                .with_context(|| format!("failed to write `{}`", self.site.join(path).display()))
        });
        if let Err(e) = written
            && let Ok(mut failed) = self.failed.lock()
        {
            failed.get_or_insert(e);
        }
        Body::Written(crate::cache::hash_bytes(bytes))
    }

    /// Writes the files not yet written and the marker, and swaps the folder in as `output`.
    pub fn finish(self, files: &[OutputFile], audience: Audience) -> Result<()> {
        let marker = marker_text(files, audience);
        self.finish_marked(files, &marker)
    }

    fn finish_marked(mut self, files: &[OutputFile], marker: &str) -> Result<()> {
        self.finished = true;
        let failed = self.failed.lock().ok().and_then(|mut f| f.take());
        let result = match failed {
            Some(e) => Err(e),
            None => write_tree(&self.site, files, marker)
                .and_then(|()| prune(&self.site, &self.recycled, files))
                .and_then(|()| swap(&self.output, &self.dir, &self.site)),
        };
        let previous = self.dir.join("previous");
        match &result {
            // The replaced site stays, for the next build to write over.
            Ok(()) if previous.join(MARKER).is_file() => {
                let _ = clear_staging(&self.dir, "previous")
                    .and_then(|()| fs::rename(&previous, self.dir.join(RECYCLED)));
            }
            // Whatever else happened, the staging folder goes; the output is old or new.
            _ => {
                let _ = remove_staging(&self.dir);
            }
        }
        result
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        // A build that failed (a mistake in the content, most often) leaves the recycled site
        // it had begun to write over for the next build, which writes or removes every file
        // of it; a tree that was not a whole site of ours to begin with goes.
        let kept = self.site.join(MARKER).is_file()
            && clear_staging(&self.dir, "site").is_ok()
            && fs::rename(&self.site, self.dir.join(RECYCLED)).is_ok();
        if !kept {
            let _ = remove_staging(&self.dir);
        }
    }
}

/// The files of a site an earlier build left at `dir` (relative, with forward slashes), if
/// it is one: it has the marker, and holds only folders and plain files (a symbolic link
/// could make a write land outside the staging folder).
fn plain_tree(dir: &Path) -> Option<Vec<String>> {
    if !dir.join(MARKER).is_file() {
        return None;
    }
    let mut paths = Vec::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.ok()?;
        let kind = entry.file_type();
        if !kind.is_file() && !kind.is_dir() {
            return None;
        }
        let rel = crate::content::relative(entry.path(), dir);
        // Folders end with `/`, so that `prune` tells them from files.
        paths.push(if kind.is_dir() {
            format!("{rel}/")
        } else {
            rel
        });
    }
    Some(paths)
}

/// Removes what the staging folder holds but its marker and `keep`.
fn clear_staging(staging: &Path, keep: &str) -> io::Result<()> {
    for entry in fs::read_dir(staging)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == STAGING_MARKER || (!keep.is_empty() && name == keep) {
            continue;
        }
        if entry.file_type()?.is_dir() {
            fs::remove_dir_all(entry.path())?;
        } else {
            fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// Removes the files of the recycled site that the new one does not have, and the folders
/// it has no file in.
fn prune(site: &Path, recycled: &[String], files: &[OutputFile]) -> Result<()> {
    if recycled.is_empty() {
        return Ok(());
    }
    let mut wanted: std::collections::HashSet<&str> = files
        .iter()
        .map(|f| f.path.as_str())
        .chain([MARKER])
        .collect();
    // Every folder a file of the new site is in, as `a/b/`.
    let folders: Vec<&str> = wanted
        .iter()
        .flat_map(|p| p.match_indices('/').map(|(i, _)| &p[..=i]))
        .collect();
    wanted.extend(folders);
    let (old_dirs, old_files): (Vec<&String>, Vec<&String>) = recycled
        .iter()
        .filter(|p| !wanted.contains(p.as_str()))
        .partition(|p| p.ends_with('/'));
    for old in old_files {
        let path = site.join(old);
        // Not a folder that a new file's path made where this file was.
        if fs::symlink_metadata(&path).is_ok_and(|m| !m.is_dir()) {
            fs::remove_file(&path)
                .with_context(|| format!("failed to remove `{}`", path.display()))?;
        }
    }
    // Deepest first (the walk listed each folder before what it holds).
    for old in old_dirs.iter().rev() {
        let path = site.join(old);
        if path.is_dir() {
            fs::remove_dir_all(&path)
                .with_context(|| format!("failed to remove `{}`", path.display()))?;
        }
    }
    Ok(())
}

/// Refuses a path that could leave the site's folder.
fn plain_relative(path: &str) -> Result<()> {
    if path.split('/').any(|p| p == ".." || p.is_empty()) {
        bail!("refusing to write `{path}`: not a plain relative path");
    }
    Ok(())
}

/// Removes a staging folder with its marker last, so that a run stopped half-way through
/// leaves a folder that is still recognisably ours.
fn remove_staging(staging: &Path) -> io::Result<()> {
    clear_staging(staging, "")?;
    match fs::remove_file(staging.join(STAGING_MARKER)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    fs::remove_dir(staging)
}

fn write_tree(site: &Path, files: &[OutputFile], marker: &str) -> Result<()> {
    fs::create_dir_all(site).with_context(|| format!("failed to create `{}`", site.display()))?;
    for f in files.iter().filter(|f| !matches!(f.body, Body::Written(_))) {
        plain_relative(&f.path)?;
        put(&f.body, site, &f.path)?;
    }
    fs::write(site.join(MARKER), marker)
        .with_context(|| format!("failed to write `{}`", site.display()))?;
    Ok(())
}

/// Writes one file's body at `path` under `site`, over whatever a recycled site has there.
fn put(body: &Body, site: &Path, path: &str) -> Result<()> {
    place(site, path, |dest| match body {
        Body::Bytes(b) => write_over(dest, b),
        Body::Copy(src) => fs::copy(src, dest).map(drop),
        Body::Written(_) => Ok(()),
    })
    .with_context(|| match body {
        Body::Copy(src) => format!("failed to copy `{}`", src.display()),
        _ => format!("failed to write `{}`", site.join(path).display()),
    })
}

/// Writes `bytes` as the file `dest`, over the file a recycled site has there: not at all when
/// it already holds them, else in place, without first truncating it (freeing its blocks and
/// allocating them again costs more than writing over them).
fn write_over(dest: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::{Read, Seek, Write};
    let mut file = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(dest)?;
    let len = file.metadata()?.len();
    if len == bytes.len() as u64 && len > 0 {
        let mut old = Vec::with_capacity(bytes.len());
        file.read_to_end(&mut old)?;
        if old == bytes {
            return Ok(());
        }
        file.rewind()?;
    }
    file.write_all(bytes)?;
    if len > bytes.len() as u64 {
        file.set_len(bytes.len() as u64)?;
    }
    Ok(())
}

/// Makes the file `path` under `site` with `write`, making its folders; a file where one of
/// its folders must go, or a folder where it must go (left by a recycled site), is removed.
fn place(site: &Path, path: &str, write: impl Fn(&Path) -> io::Result<()>) -> io::Result<()> {
    let dest = site.join(path);
    let attempt = || {
        if let Some(dir) = dest.parent() {
            fs::create_dir_all(dir)?;
        }
        write(&dest)
    };
    attempt().or_else(|_| {
        clear_the_way(site, path);
        attempt()
    })
}

/// Removes what stands in the way of writing the file `path` under `site`: a file where one of
/// its folders goes, a folder where it goes.
fn clear_the_way(site: &Path, path: &str) {
    let mut at = site.to_path_buf();
    let parts: Vec<&str> = path.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        at.push(part);
        let Ok(meta) = fs::symlink_metadata(&at) else {
            return;
        };
        let last = i + 1 == parts.len();
        if last && meta.is_dir() {
            let _ = fs::remove_dir_all(&at);
        } else if !last && !meta.is_dir() {
            let _ = fs::remove_file(&at);
            return;
        }
    }
}

fn swap(output: &Path, staging: &Path, site: &Path) -> Result<()> {
    let old = staging.join("previous");
    let had_output = match fs::symlink_metadata(output) {
        Ok(_) => true,
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => {
            return Err(e).with_context(|| format!("failed to inspect `{}`", output.display()));
        }
    };
    if had_output {
        fs::rename(output, &old)
            .with_context(|| format!("failed to move the previous `{}` aside", output.display()))?;
    }
    if let Err(e) = fs::rename(site, output) {
        if had_output {
            let _ = fs::rename(&old, output);
        }
        return Err(e)
            .with_context(|| format!("failed to put the new site in `{}`", output.display()));
    }
    Ok(())
}

/// What an in-place update changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Synced {
    pub written: usize,
    pub removed: usize,
}

/// What a session last wrote into its output folder: a key per file (a hash of the bytes of
/// a page, of the size and time of a copied file, which is never read to be compared) and
/// the marker it left.
#[derive(Debug, Default)]
pub struct Written {
    files: BTreeMap<String, u64>,
    /// Each file's part of the marker's digest.
    marks: BTreeMap<String, u64>,
    marker: Option<String>,
}

/// Brings `output` in line with `files`, writing only what changed since `previous` and
/// removing what is gone. Each file is written to a temporary name beside it and renamed into
/// place, so a reader (or Ctrl-C) never meets a half-written page. When the folder is not
/// the one this session last wrote (another build has written it since, or it is gone), or an
/// update in place fails, the whole folder is written and swapped as by `build`.
pub fn sync(
    lock: &Lock,
    output: &Path,
    files: &[OutputFile],
    audience: Audience,
    previous: &mut Written,
) -> Result<Synced> {
    use rayon::prelude::*;
    let hashed: Vec<(u64, u64)> = files.par_iter().map(|f| hashes(&f.body)).collect();
    let marker = marker_of(
        files
            .iter()
            .zip(&hashed)
            .map(|(f, h)| (f.path.as_str(), h.1)),
        audience,
    );
    let next: BTreeMap<String, u64> = files
        .iter()
        .zip(&hashed)
        .map(|(f, h)| (f.path.clone(), h.0))
        .collect();
    let on_disk = fs::read_to_string(output.join(MARKER)).ok();
    let ours = previous.marker.is_some() && on_disk == previous.marker;
    let synced = match ours.then(|| update_in_place(output, files, &next, &previous.files, &marker))
    {
        Some(Ok(synced)) => synced,
        _ => {
            previous.marker = None;
            Staging::begin(lock, output)?.finish_marked(files, &marker)?;
            Synced {
                written: next.len(),
                removed: 0,
            }
        }
    };
    previous.files = next;
    previous.marks = files
        .iter()
        .zip(&hashed)
        .map(|(f, h)| (f.path.clone(), h.1))
        .collect();
    previous.marker = Some(marker);
    Ok(synced)
}

/// Writes `changed`, files that already exist in the site this session last wrote into
/// `output`, in place, and the marker of the site they now make. Fails, writing nothing, when
/// the folder is not that site any more (the caller then syncs the whole site).
pub fn update_some(
    _lock: &Lock,
    output: &Path,
    changed: &[&OutputFile],
    audience: Audience,
    previous: &mut Written,
) -> Result<Synced> {
    let on_disk = fs::read_to_string(output.join(MARKER)).ok();
    let known = changed.iter().all(|f| previous.files.contains_key(&f.path));
    if previous.marker.is_none() || on_disk != previous.marker || !known {
        bail!("the output folder is not the site this session last wrote");
    }
    let mut synced = Synced::default();
    for f in changed {
        let (key, mark) = hashes(&f.body);
        if previous.files.get(&f.path) == Some(&key) {
            continue;
        }
        if let Err(e) = replace(&output.join(&f.path), &f.body) {
            // Half updated: the next sync writes the whole site.
            previous.marker = None;
            return Err(e);
        }
        previous.files.insert(f.path.clone(), key);
        previous.marks.insert(f.path.clone(), mark);
        synced.written += 1;
    }
    let marker = marker_of(
        previous.marks.iter().map(|(p, m)| (p.as_str(), *m)),
        audience,
    );
    if previous.marker.as_deref() != Some(&marker) {
        if let Err(e) = replace(
            &output.join(MARKER),
            &Body::Bytes(marker.as_bytes().to_vec()),
        ) {
            previous.marker = None;
            return Err(e);
        }
        previous.marker = Some(marker);
    }
    Ok(synced)
}

fn update_in_place(
    output: &Path,
    files: &[OutputFile],
    next: &BTreeMap<String, u64>,
    previous: &BTreeMap<String, u64>,
    marker: &str,
) -> Result<Synced> {
    let mut synced = Synced::default();
    for f in files {
        if previous.get(&f.path) == next.get(&f.path) {
            continue;
        }
        replace(&output.join(&f.path), &f.body)?;
        synced.written += 1;
    }
    for gone in previous.keys().filter(|p| !next.contains_key(*p)) {
        let path = output.join(gone);
        match fs::remove_file(&path) {
            Ok(()) => synced.removed += 1,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(e).with_context(|| format!("failed to remove `{}`", path.display()));
            }
        }
        // Remove folders the removal emptied, up to the output folder itself.
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| *d != output && d.starts_with(output)) {
            if fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
    if fs::read_to_string(output.join(MARKER)).ok().as_deref() != Some(marker) {
        replace(
            &output.join(MARKER),
            &Body::Bytes(marker.as_bytes().to_vec()),
        )?;
    }
    Ok(synced)
}

/// Writes `body` beside `dest` and renames it into place.
fn replace(dest: &Path, body: &Body) -> Result<()> {
    if let Some(dir) = dest.parent() {
        fs::create_dir_all(dir).with_context(|| format!("failed to create `{}`", dir.display()))?;
    }
    write_whole(dest, |file| match body {
        Body::Bytes(b) => io::Write::write_all(file, b),
        Body::Copy(src) => io::copy(&mut fs::File::open(src)?, file).map(drop),
        // An update in place is made from files in memory; a page already written into a
        // staging folder has no bytes here to put anywhere else.
        Body::Written(_) => Err(io::Error::other(
            "the page was written into a staging folder",
        )),
    })
}

/// Writes the file `dest` whole or not at all: `fill` writes a temporary file beside it (made
/// readable by all, as a web server needs), which then replaces `dest` in one rename. If `fill`
/// fails, the temporary file is removed and `dest` is as it was.
pub fn write_whole(dest: &Path, fill: impl FnOnce(&mut fs::File) -> io::Result<()>) -> Result<()> {
    let dir = match dest.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".shortlist-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o644));
    }
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("failed to write beside `{}`", dest.display()))?;
    fill(tmp.as_file_mut()).with_context(|| format!("failed to write `{}`", dest.display()))?;
    tmp.persist(dest)
        .map(drop)
        .with_context(|| format!("failed to replace `{}`", dest.display()))
}
#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            body: Body::Bytes(text.as_bytes().to_vec()),
            template: None,
        }
    }

    fn project() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir_all(tmp.path().join("content/vendors")).unwrap();
        fs::create_dir_all(tmp.path().join("themes")).unwrap();
        tmp
    }

    #[test]
    fn refuses_the_root_content_themes_and_their_ancestors() {
        let p = project();
        let root = p.path();
        for bad in [
            root.to_path_buf(),
            root.join("content"),
            root.join("themes"),
            root.join("content/vendors/x"),
            root.parent().unwrap().to_path_buf(),
            root.join("content/../content"),
        ] {
            assert!(
                check_target(root, &bad).is_err(),
                "{bad:?} should be refused"
            );
        }
        assert!(check_target(root, &root.join("output")).is_ok());
    }

    #[test]
    fn a_dot_dot_below_a_missing_folder_is_resolved_before_the_checks() {
        let p = project();
        let root = p.path();
        fs::create_dir_all(root.join("docs")).unwrap();
        fs::write(root.join("docs/mine.txt"), "mine").unwrap();
        for bad in [
            "nx/../content",
            "a/b/../../themes",
            "tmp/../docs",
            "nx/../..",
        ] {
            assert!(
                check_target(root, &root.join(bad)).is_err(),
                "{bad} should be refused"
            );
        }
        let ok = check_target(root, &root.join("nx/../site")).unwrap();
        assert_eq!(ok, resolved(root).join("site"));
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_symlink_to_content() {
        let p = project();
        std::os::unix::fs::symlink(p.path().join("content"), p.path().join("out")).unwrap();
        assert!(check_target(p.path(), &p.path().join("out")).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_symlink_even_to_a_folder_of_its_own() {
        let p = project();
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), p.path().join("out")).unwrap();
        let refused = check_target(p.path(), &p.path().join("out")).unwrap_err();
        assert!(refused.0.contains("symbolic link"), "{}", refused.0);
    }

    #[test]
    fn a_staging_folder_shortlist_did_not_make_is_refused_and_kept() {
        let p = project();
        let staging = p.path().join(".output.staging");
        fs::create_dir_all(&staging).unwrap();
        fs::write(staging.join("notes.txt"), "mine").unwrap();
        assert!(check_target(p.path(), &p.path().join("output")).is_err());
        let out = resolved(&p.path().join("output"));
        let lock = lock(&out, &|| {}).unwrap();
        assert!(write(&lock, &out, &[file("index.html", "x")], Audience::Internal).is_err());
        assert_eq!(
            fs::read_to_string(staging.join("notes.txt")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn refuses_a_folder_of_someone_elses_files() {
        let p = project();
        let out = p.path().join("docs");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("thesis.docx"), "mine").unwrap();
        assert!(check_target(p.path(), &out).is_err());
        fs::write(out.join(MARKER), "").unwrap();
        assert!(check_target(p.path(), &out).is_ok());
    }

    #[test]
    fn write_replaces_the_whole_folder_and_keeps_the_replaced_one_to_write_over() {
        let p = project();
        let out = p.path().join("output");
        let lock = lock(&out, &|| {}).unwrap();
        write(
            &lock,
            &out,
            &[file("index.html", "one"), file("vendors/a/index.html", "a")],
            Audience::Internal,
        )
        .unwrap();
        write(
            &lock,
            &out,
            &[file("index.html", "two")],
            Audience::Internal,
        )
        .unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert!(!out.join("vendors/a/index.html").exists(), "old pages go");
        assert!(out.join(MARKER).is_file());
        // The replaced site is kept whole for the next build to write over, and nothing else.
        let staging = staging_dir(&out);
        let mut left: Vec<String> = fs::read_dir(&staging)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [STAGING_MARKER, RECYCLED]);
        assert_eq!(
            fs::read_to_string(staging.join("recycled/index.html")).unwrap(),
            "one"
        );
    }

    /// Every file under `dir`, with its text, and every folder (ending in `/`).
    fn listing(dir: &Path) -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| {
                let e = e.unwrap();
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                if e.file_type().is_dir() {
                    (format!("{rel}/"), String::new())
                } else {
                    (rel, fs::read_to_string(e.path()).unwrap())
                }
            })
            .collect();
        all.sort();
        all
    }

    #[test]
    fn a_recycled_site_is_written_over_into_exactly_the_new_one() {
        let p = project();
        let out = p.path().join("output");
        // In a folder of its own: the lock is on the folder that holds the output.
        let elsewhere = tempfile::tempdir().unwrap();
        let fresh = elsewhere.path().join("fresh");
        let lock = lock(&out, &|| {}).unwrap();
        let sites: [&[(&str, &str)]; 5] = [
            &[
                ("index.html", "1"),
                ("a/index.html", "a"),
                ("b/c/index.html", "c"),
                ("x", "file"),
            ],
            &[
                ("index.html", "2"),
                ("a/index.html", "a2"),
                ("x/index.html", "now a folder"),
            ],
            &[
                ("index.html", "3"),
                ("b/c/index.html", "c3"),
                ("a", "now a file"),
            ],
            &[
                ("index.html", "4"),
                ("x", "a file again"),
                ("d/e/f/index.html", "deep"),
            ],
            &[("index.html", "5")],
        ];
        for (i, site) in sites.iter().enumerate() {
            let files: Vec<OutputFile> = site.iter().map(|(p, t)| file(p, t)).collect();
            // Half the pages streamed, as `build` writes them, half written at the end.
            let staging = Staging::begin(&lock, &out).unwrap();
            let files: Vec<OutputFile> = files
                .into_iter()
                .enumerate()
                .map(|(n, f)| match (&f.body, n % 2) {
                    (Body::Bytes(b), 0) => OutputFile {
                        body: staging.put(&f.path, b),
                        ..f
                    },
                    _ => f,
                })
                .collect();
            staging.finish(&files, Audience::Internal).unwrap();
            // The same site written into a folder of its own, from nothing.
            let _ = fs::remove_dir_all(&fresh);
            let plain: Vec<OutputFile> = site.iter().map(|(p, t)| file(p, t)).collect();
            let fresh_lock = super::lock(&fresh, &|| {}).unwrap();
            write(&fresh_lock, &fresh, &plain, Audience::Internal).unwrap();
            assert_eq!(listing(&out), listing(&fresh), "site {}", i + 1);
        }
    }

    #[test]
    fn a_build_that_fails_keeps_the_recycled_site_for_the_next() {
        let p = project();
        let out = p.path().join("output");
        let lock = lock(&out, &|| {}).unwrap();
        for text in ["1", "2"] {
            write(&lock, &out, &[file("index.html", text)], Audience::Internal).unwrap();
        }
        let staging = Staging::begin(&lock, &out).unwrap();
        staging.put("notes/half/index.html", b"half written");
        drop(staging);
        let recycled = staging_dir(&out).join(RECYCLED);
        assert!(recycled.join(MARKER).is_file(), "kept to write over");
        assert!(!staging_dir(&out).join("site").exists());
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "2");
        // The next build writes over it into exactly its own site.
        write(&lock, &out, &[file("index.html", "3")], Audience::Internal).unwrap();
        assert_eq!(
            listing(&out),
            [
                (
                    MARKER.to_string(),
                    fs::read_to_string(out.join(MARKER)).unwrap()
                ),
                ("index.html".to_string(), "3".to_string()),
            ]
        );
    }

    #[test]
    fn a_recycled_site_with_a_symbolic_link_in_it_is_not_written_over() {
        let p = project();
        let out = p.path().join("output");
        let lock = lock(&out, &|| {}).unwrap();
        let mine = p.path().join("mine.txt");
        fs::write(&mine, "mine").unwrap();
        for _ in 0..2 {
            write(&lock, &out, &[file("index.html", "1")], Audience::Internal).unwrap();
        }
        let recycled = staging_dir(&out).join(RECYCLED);
        fs::remove_file(recycled.join("index.html")).unwrap();
        std::os::unix::fs::symlink(&mine, recycled.join("index.html")).unwrap();
        write(&lock, &out, &[file("index.html", "2")], Audience::Internal).unwrap();
        assert_eq!(fs::read_to_string(&mine).unwrap(), "mine");
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "2");
    }

    #[test]
    fn sync_writes_only_changes_and_removes_what_is_gone() {
        let p = project();
        let out = p.path().join("output");
        let lock = lock(&out, &|| {}).unwrap();
        let mut previous = Written::default();
        let sync = |files: &[OutputFile], previous: &mut Written| {
            sync(&lock, &out, files, Audience::Internal, previous).unwrap()
        };
        let first = sync(
            &[file("index.html", "one"), file("notes/a/index.html", "a")],
            &mut previous,
        );
        assert_eq!(first.written, 2);
        let second = sync(
            &[file("index.html", "two"), file("notes/a/index.html", "a")],
            &mut previous,
        );
        assert_eq!(
            second,
            Synced {
                written: 1,
                removed: 0
            }
        );
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");
        let third = sync(&[file("index.html", "two")], &mut previous);
        assert_eq!(
            third,
            Synced {
                written: 0,
                removed: 1
            }
        );
        assert!(!out.join("notes").exists(), "emptied folders go too");
        let leftovers: Vec<_> = fs::read_dir(&out)
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn sync_rewrites_the_whole_folder_after_another_build_wrote_it() {
        let p = project();
        let out = p.path().join("output");
        let lock = lock(&out, &|| {}).unwrap();
        let mut watched = Written::default();
        let pages = [
            file("index.html", "public"),
            file("contacts.html", "public"),
        ];
        sync(&lock, &out, &pages, Audience::Shareable, &mut watched).unwrap();
        // Another build writes the internal site into the same folder.
        let internal = [
            file("index.html", "secret"),
            file("contacts.html", "secret"),
        ];
        write(&lock, &out, &internal, Audience::Internal).unwrap();
        let marker = fs::read_to_string(out.join(MARKER)).unwrap();
        assert!(marker.contains("audience: internal"), "{marker}");
        // One page changes in the watched (shareable) site: every file is written again.
        let edited = [
            file("index.html", "public, edited"),
            file("contacts.html", "public"),
        ];
        let synced = sync(&lock, &out, &edited, Audience::Shareable, &mut watched).unwrap();
        assert_eq!(synced.written, 2);
        assert_eq!(
            fs::read_to_string(out.join("contacts.html")).unwrap(),
            "public"
        );
        assert!(
            fs::read_to_string(out.join(MARKER))
                .unwrap()
                .contains("audience: shareable")
        );
    }

    #[test]
    fn sync_recovers_when_a_file_becomes_a_folder_and_back() {
        let p = project();
        let out = p.path().join("output");
        let lock = lock(&out, &|| {}).unwrap();
        let mut w = Written::default();
        let mut go = |files: &[OutputFile]| sync(&lock, &out, files, Audience::Internal, &mut w);
        go(&[file("assets/logo", "file")]).unwrap();
        go(&[file("assets/logo/a.png", "inside")]).unwrap();
        assert_eq!(
            fs::read_to_string(out.join("assets/logo/a.png")).unwrap(),
            "inside"
        );
        go(&[file("assets/logo", "file again")]).unwrap();
        assert_eq!(
            fs::read_to_string(out.join("assets/logo")).unwrap(),
            "file again"
        );
    }

    #[test]
    fn the_same_site_writes_the_same_marker() {
        let a = marker_text(&[file("index.html", "x")], Audience::Internal);
        assert_eq!(
            a,
            marker_text(&[file("index.html", "x")], Audience::Internal)
        );
        assert_ne!(
            a,
            marker_text(&[file("index.html", "y")], Audience::Internal)
        );
        assert_ne!(
            a,
            marker_text(&[file("index.html", "x")], Audience::Shareable)
        );
    }

    #[test]
    fn a_file_is_written_whole_or_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("site.zip");
        fs::write(&dest, "old").unwrap();
        let failed = write_whole(&dest, |f| {
            io::Write::write_all(f, b"half")?;
            Err(io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert_eq!(fs::read_to_string(&dest).unwrap(), "old");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file is left"
        );
        write_whole(&dest, |f| io::Write::write_all(f, b"new")).unwrap();
        assert_eq!(fs::read_to_string(&dest).unwrap(), "new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&dest).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o644, "readable by a web server");
        }
    }

    /// A site of two pages, one of them written as it was made.
    fn streamed(staging: &Staging, page: &str) -> Vec<OutputFile> {
        vec![
            OutputFile {
                path: page.into(),
                body: staging.put(page, b"<p>streamed</p>"),
                template: None,
            },
            OutputFile {
                path: "report.json".into(),
                body: Body::Bytes(b"{}".to_vec()),
                template: None,
            },
        ]
    }

    #[test]
    fn pages_streamed_into_staging_are_swapped_in_with_the_rest() {
        let p = project();
        let output = p.path().join("output");
        let lock = lock(&output, &|| {}).unwrap();
        let staging = Staging::begin(&lock, &output).unwrap();
        let files = streamed(&staging, "notes/a/index.html");
        staging.finish(&files, Audience::Internal).unwrap();
        assert_eq!(
            fs::read_to_string(output.join("notes/a/index.html")).unwrap(),
            "<p>streamed</p>"
        );
        assert_eq!(
            fs::read_to_string(output.join("report.json")).unwrap(),
            "{}"
        );
        assert!(!staging_dir(&output).exists());
    }

    #[test]
    fn a_streamed_write_that_fails_swaps_nothing_in_and_a_dropped_staging_goes() {
        let p = project();
        let output = p.path().join("output");
        fs::create_dir_all(&output).unwrap();
        fs::write(output.join(MARKER), MARKER_TEXT).unwrap();
        fs::write(output.join("index.html"), "old").unwrap();
        let lock = lock(&output, &|| {}).unwrap();
        let staging = Staging::begin(&lock, &output).unwrap();
        let files = streamed(&staging, "../escape.html");
        let err = staging.finish(&files, Audience::Internal).unwrap_err();
        assert!(
            err.to_string().contains("not a plain relative path"),
            "{err}"
        );
        assert_eq!(
            fs::read_to_string(output.join("index.html")).unwrap(),
            "old"
        );
        assert!(!p.path().join("escape.html").exists());
        assert!(!staging_dir(&output).exists());
        // A build that fails before finishing drops its staging folder, written pages and all.
        let staging = Staging::begin(&lock, &output).unwrap();
        streamed(&staging, "notes/b/index.html");
        assert!(
            staging_dir(&output)
                .join("site/notes/b/index.html")
                .exists()
        );
        drop(staging);
        assert!(!staging_dir(&output).exists());
        assert_eq!(
            fs::read_to_string(output.join("index.html")).unwrap(),
            "old"
        );
    }
}

//! A `watch` or `serve` session's updates of its output folder: only the files that changed.
//!
//! Each file is written new beside its place and renamed over it, through folders checked to
//! be the output's own ([`super::inside`]); when the folder is not the site the session last
//! wrote, the whole site is committed as by a build ([`super::Staging`]).

use std::collections::BTreeMap;
use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, bail};

use super::{Lock, MARKER, Staging, hashes, inside, marker_of, really_inside, write_whole};
use crate::model::Audience;
use crate::site::{Body, OutputFile};

/// What an update changed.
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
    /// The bytes of each file made in memory, with their hash: a file of the next site that
    /// holds the very same bytes (a page or export the session kept) is not hashed again.
    bytes: std::collections::HashMap<String, (Arc<Vec<u8>>, u64)>,
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
    let hashed: Vec<(u64, u64)> = files
        .par_iter()
        .map(|f| match (&f.body, previous.bytes.get(&f.path)) {
            (Body::Bytes(now), Some((was, hash))) if Arc::ptr_eq(now, was) => (*hash, *hash),
            _ => hashes(&f.body),
        })
        .collect();
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
            Staging::begin(lock, output)?.finish_marked(files, &marker)?
        }
    };
    previous.files = next;
    previous.bytes = files
        .iter()
        .zip(&hashed)
        .filter_map(|(f, h)| match &f.body {
            Body::Bytes(b) => Some((f.path.clone(), (Arc::clone(b), h.0))),
            _ => None,
        })
        .collect();
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
    let mut folders = HashSet::new();
    for f in changed {
        let (key, mark) = hashes(&f.body);
        if previous.files.get(&f.path) == Some(&key) {
            continue;
        }
        if let Err(e) = replace(output, &f.path, &f.body, &mut folders) {
            // Half updated: the next sync writes the whole site.
            previous.marker = None;
            return Err(e);
        }
        previous.files.insert(f.path.clone(), key);
        previous.marks.insert(f.path.clone(), mark);
        match &f.body {
            Body::Bytes(b) => previous.bytes.insert(f.path.clone(), (Arc::clone(b), key)),
            _ => previous.bytes.remove(&f.path),
        };
        synced.written += 1;
    }
    let marker = marker_of(
        previous.marks.iter().map(|(p, m)| (p.as_str(), *m)),
        audience,
    );
    if previous.marker.as_deref() != Some(&marker) {
        if let Err(e) = write_whole(&output.join(MARKER), |f| {
            io::Write::write_all(f, marker.as_bytes())
        }) {
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
    let mut folders = HashSet::new();
    for f in files {
        if previous.get(&f.path) == next.get(&f.path) {
            continue;
        }
        replace(output, &f.path, &f.body, &mut folders)?;
        synced.written += 1;
    }
    for gone in previous.keys().filter(|p| !next.contains_key(*p)) {
        // Through a link planted in the output, the file is not the output's to remove: the
        // whole site is committed instead, which replaces the link.
        if !really_inside(output, gone) {
            bail!("`{gone}` is not reached through the output's own folders");
        }
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
        write_whole(&output.join(MARKER), |f| {
            io::Write::write_all(f, marker.as_bytes())
        })?;
    }
    Ok(synced)
}

/// Writes `body` beside the file `rel` of `output` and renames it into place, through folders
/// that are the output's own.
fn replace(output: &Path, rel: &str, body: &Body, folders: &mut HashSet<String>) -> Result<()> {
    // A link or file where a folder should be means the folder is not as this session left
    // it: an error, and the caller commits the whole site, which replaces it.
    let dest = inside(output, rel, folders, false)
        .with_context(|| format!("failed to make the folders of `{rel}`"))?;
    write_whole(&dest, |file| match body {
        Body::Bytes(b) => io::Write::write_all(file, b),
        Body::Copy(src) => io::copy(&mut fs::File::open(src)?, file).map(drop),
        // An update in place is made from files in memory; a page already written into a
        // staging folder has no bytes here to put anywhere else.
        Body::Written(_) => Err(io::Error::other(
            "the page was written into a staging folder",
        )),
    })
}

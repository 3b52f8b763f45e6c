//! Writing the site into its output folder, and nowhere else.
//!
//! Before anything is written, [`check_target`] resolves the output path the way the file
//! system will (every `..` and symlink, even below a folder that does not exist yet) and
//! refuses one that would hit the user's own files: the project root, `content/`, `themes/`,
//! an ancestor of them, a symlink, or a folder that has files in it and was not made by
//! shortlist. Writers into one output folder take turns ([`lock`]).
//!
//! A build stages the files whose bytes change inside the output folder and commits them file
//! by file ([`staging`]); a `watch` or `serve` session updates the folder in place ([`sync`]).
//! Either way every file is written new and renamed into place, and every folder on its way
//! is made sure to be a real folder of the output's own ([`inside`]), so a symbolic link or a
//! hard link in the output is replaced, never written through, and no copy of any site is
//! kept anywhere else. The marker file of each build names its audience and the site it holds,
//! so `watch` never patches a folder that another build has written since.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::model::Audience;
use crate::site::{Body, OutputFile};

mod staging;
mod sync;

pub use staging::Staging;
pub use sync::{Synced, Written, sync, update_some};

/// The file that marks a folder as one shortlist made and may replace.
pub const MARKER: &str = ".shortlist-build";
const MARKER_TEXT: &str =
    "This folder is built by shortlist and replaced by every build: edit content/, not this.\n";
/// The file that marks a staging folder as one shortlist made and may remove.
const STAGING_MARKER: &str = ".shortlist-staging";
/// The name of the folder, inside the output folder, that a build stages its files in.
const STAGING: &str = ".shortlist-staging";
/// The name the staging folder is made under, with its marker, before it is renamed to
/// [`STAGING`]; only shortlist makes a folder of this name, and removes one by name alone.
const STAGING_NEW: &str = ".shortlist-staging.new";

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
        // A folder holding nothing but the staging folder of a first build (one that is
        // running, or was stopped) is as good as empty; whether that folder is ours is for
        // [`check_staging`] to say, once this build has its turn.
        let ours = [staging_dir(&out), staging_new(&out)];
        let empty = fs::read_dir(&out).is_ok_and(|d| {
            d.filter_map(Result::ok).all(|e| {
                ours.contains(&e.path()) && fs::symlink_metadata(e.path()).is_ok_and(|m| m.is_dir())
            })
        });
        let marked = fs::symlink_metadata(out.join(MARKER)).is_ok_and(|m| m.is_file());
        if !empty && !marked {
            return refuse(
                "it has files that shortlist did not make; choose an empty or new folder".into(),
            );
        }
    }
    Ok(out)
}

/// Refuses an output folder whose staging folder was not made by shortlist. Called with the
/// lock held: another build's staging folder, half made, is not mistaken for someone else's.
pub fn check_staging(output: &Path) -> Result<(), Refused> {
    let staging = staging_dir(output);
    if fs::symlink_metadata(&staging).is_ok() && !is_our_staging(&staging) {
        return Err(Refused(format!(
            "refusing to build into `{}`: shortlist stages the site in `{}`, and something of that name that shortlist did not make is there; move it",
            output.display(),
            staging.display()
        )));
    }
    Ok(())
}

/// Whether `dir` is a staging folder shortlist left behind (a build that was stopped), safe
/// to remove: a real folder (not a link to one) with the staging marker, a plain file, in it.
fn is_our_staging(dir: &Path) -> bool {
    fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir())
        && fs::symlink_metadata(dir.join(STAGING_MARKER)).is_ok_and(|m| m.is_file())
}

/// The staging folder of a build into `output`: inside it, so that staged files are renamed
/// into place on the same file system (the output may be a mount point of its own), and
/// nothing is ever written beside it.
pub fn staging_dir(output: &Path) -> PathBuf {
    output.join(STAGING)
}

/// Where the staging folder is made before it is renamed into place.
fn staging_new(output: &Path) -> PathBuf {
    output.join(STAGING_NEW)
}

/// Removes what a build stopped while making its staging folder left, if anything.
fn remove_staging_new(output: &Path) -> io::Result<()> {
    let new = staging_new(output);
    match fs::symlink_metadata(&new) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(&new),
        Ok(_) => fs::remove_file(&new),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// The first of `found` (relative to `output`, each folder before what it holds) that is a
/// mount point: on another device than `output`, or (a bind mount of the same file system
/// shows the same device) listed as one in Linux's `/proc/self/mountinfo`.
#[cfg(unix)]
fn mount_point_in<'f>(output: &Path, found: &'f [(String, fs::FileType)]) -> Option<&'f str> {
    use std::os::unix::fs::MetadataExt;
    let device = fs::symlink_metadata(output).ok()?.dev();
    let real = fs::canonicalize(output).ok()?;
    let mounts = mount_points();
    found
        .iter()
        .filter(|(_, kind)| kind.is_dir())
        .map(|(rel, _)| rel.as_str())
        .find(|rel| {
            fs::symlink_metadata(output.join(rel)).is_ok_and(|m| m.dev() != device)
                || mounts.contains(&real.join(rel))
        })
}

#[cfg(not(unix))]
fn mount_point_in<'f>(_output: &Path, _found: &'f [(String, fs::FileType)]) -> Option<&'f str> {
    None
}

/// Every mount point Linux lists for this process (`/proc/self/mountinfo`, its fifth field,
/// with spaces and the like written as octal escapes); none elsewhere.
#[cfg(unix)]
fn mount_points() -> HashSet<PathBuf> {
    let Ok(info) = fs::read_to_string("/proc/self/mountinfo") else {
        return HashSet::new();
    };
    info.lines()
        .filter_map(|line| line.split(' ').nth(4))
        .map(|field| {
            let mut out = Vec::new();
            let bytes = field.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                let octal = bytes.get(i + 1..i + 4).and_then(|d| {
                    std::str::from_utf8(d)
                        .ok()
                        .and_then(|d| u8::from_str_radix(d, 8).ok())
                });
                match (bytes[i], octal) {
                    (b'\\', Some(b)) => {
                        out.push(b);
                        i += 4;
                    }
                    (b, _) => {
                        out.push(b);
                        i += 1;
                    }
                }
            }
            use std::os::unix::ffi::OsStringExt;
            PathBuf::from(std::ffi::OsString::from_vec(out))
        })
        .collect()
}

/// Puts the entries of the folder `dir` on disk (renames into it, removals from it); a file
/// system that cannot sync a folder (some network shares) is taken at its word.
fn sync_folder(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    match fs::File::open(dir).and_then(|f| f.sync_all()) {
        Err(e) if e.kind() != io::ErrorKind::Unsupported && e.raw_os_error() != Some(22) => {
            return Err(e).with_context(|| format!("failed to write `{}` to disk", dir.display()));
        }
        _ => {}
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// The staging folder earlier versions kept beside the output (`.output.staging`), with a
/// whole copy of the last site in it: what they put there is removed by the next build, since
/// that copy may be an internal site beside a shareable one. Anything else in it stays.
fn remove_old_staging(output: &Path) -> io::Result<()> {
    let name = output
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let old = output.with_file_name(format!(".{name}.staging"));
    if !is_our_staging(&old) {
        return Ok(());
    }
    for made in ["recycled", "site", "previous"] {
        let path = old.join(made);
        match fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => fs::remove_dir_all(&path)?,
            Ok(_) => fs::remove_file(&path)?,
            Err(_) => {}
        }
    }
    fs::remove_file(old.join(STAGING_MARKER))?;
    // Only if nothing of the user's is in it.
    let _ = fs::remove_dir(&old);
    Ok(())
}

/// Held while a build writes into an output folder: builds, `watch` and `serve` into the same
/// folder take turns. The lock is on the folder that holds the output (no lock file is left
/// behind) and is released when this is dropped, or when the process ends however it ends.
/// The folders it made to hold the output (`-o a/b/out` with no `a`) are removed again when it
/// is dropped with no output folder in them: a build that failed leaves nothing behind.
pub struct Lock {
    #[allow(dead_code)]
    file: fs::File,
    output: PathBuf,
    /// The folders made for the output's parent, outermost first.
    made: Vec<PathBuf>,
}

impl Drop for Lock {
    fn drop(&mut self) {
        if fs::symlink_metadata(&self.output).is_err() {
            for dir in self.made.iter().rev() {
                // Only while empty: anything put there since is someone's.
                if fs::remove_dir(dir).is_err() {
                    break;
                }
            }
        }
    }
}

/// Makes the folder `dir` and every missing one above it; says which it made, outermost first.
fn make_folders(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut missing = Vec::new();
    let mut at = Some(dir);
    while let Some(d) = at.filter(|d| !d.as_os_str().is_empty() && fs::symlink_metadata(d).is_err())
    {
        missing.push(d.to_path_buf());
        at = d.parent();
    }
    missing.reverse();
    for (i, d) in missing.iter().enumerate() {
        if let Err(e) = fs::create_dir(d)
            && e.kind() != io::ErrorKind::AlreadyExists
        {
            for made in missing[..i].iter().rev() {
                let _ = fs::remove_dir(made);
            }
            return Err(e);
        }
    }
    Ok(missing)
}

/// Takes the write lock of `output`, calling `waiting` once if another build holds it.
pub fn lock(output: &Path, waiting: &dyn Fn()) -> Result<Lock> {
    let parent = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let made =
        make_folders(parent).with_context(|| format!("failed to create `{}`", parent.display()))?;
    let file = lock_file(parent, output)?;
    let lock = Lock {
        file,
        output: output.to_path_buf(),
        made,
    };
    let file = &lock.file;
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
    Ok(lock)
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

/// Writes `files` as the new content of `output` (see [`Staging`]). `output` is a folder
/// [`check_target`] returned, and `lock` proves this build's turn.
pub fn write(lock: &Lock, output: &Path, files: &[OutputFile], audience: Audience) -> Result<()> {
    Staging::begin(lock, output)?.finish(files, audience)
}

/// Refuses a path that could leave the site's folder.
fn plain_relative(path: &str) -> Result<()> {
    if path
        .split('/')
        .any(|p| p == ".." || p == "." || p.is_empty())
    {
        bail!("refusing to write `{path}`: not a plain relative path");
    }
    Ok(())
}

/// The path of the file `rel` under `output`, once every folder on its way is a real folder
/// inside the output: a missing one is made, and a file or symbolic link where one must be is
/// removed first when `repair` says so (the output is shortlist's to replace), else is an
/// error. So a file renamed there never lands outside the output, whatever links were planted
/// in it. `known` holds the folders already checked, so that each is looked at once.
fn inside(
    output: &Path,
    rel: &str,
    known: &mut HashSet<String>,
    repair: bool,
) -> io::Result<PathBuf> {
    let mut at = output.to_path_buf();
    let mut parts = rel.split('/').peekable();
    let mut walked = 0;
    while let Some(part) = parts.next() {
        at.push(part);
        if parts.peek().is_none() {
            break;
        }
        walked += part.len() + 1;
        if known.contains(&rel[..walked]) {
            continue;
        }
        match fs::symlink_metadata(&at) {
            Ok(m) if m.is_dir() => {}
            Ok(_) if repair => {
                fs::remove_file(&at)?;
                fs::create_dir(&at)?;
            }
            Ok(_) => {
                return Err(io::Error::other(format!(
                    "`{}` is not a folder of the output's own",
                    at.display()
                )));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => fs::create_dir(&at)?,
            Err(e) => return Err(e),
        }
        known.insert(rel[..walked].to_string());
    }
    Ok(at)
}

/// Whether every folder on the way to `rel` under `output` is a real folder (no link), so
/// that removing the file there removes a file of the output's own.
fn really_inside(output: &Path, rel: &str) -> bool {
    let mut at = output.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    parts[..parts.len() - 1].iter().all(|part| {
        at.push(part);
        fs::symlink_metadata(&at).is_ok_and(|m| m.is_dir())
    })
}

/// Writes the file `dest` whole or not at all: `fill` writes a temporary file beside it (made
/// readable by all, as a web server needs), which then replaces `dest` in one rename. If `fill`
/// fails, the temporary file is removed and `dest` is as it was. A link at `dest` is replaced,
/// not followed.
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
    use crate::site::Sink;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            body: Body::bytes(text.as_bytes().to_vec()),
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
    fn a_folder_of_the_users_beside_the_output_is_kept_and_an_old_copy_of_ours_goes() {
        let p = project();
        let beside = p.path().join(".output.staging");
        fs::create_dir_all(&beside).unwrap();
        fs::write(beside.join("notes.txt"), "mine").unwrap();
        let out = check_target(p.path(), &p.path().join("output")).unwrap();
        let lock = lock(&out, &|| {}).unwrap();
        write(&lock, &out, &[file("index.html", "x")], Audience::Internal).unwrap();
        assert_eq!(
            fs::read_to_string(beside.join("notes.txt")).unwrap(),
            "mine"
        );
        // What earlier versions left: a whole internal site kept beside the output.
        fs::remove_dir_all(&beside).unwrap();
        fs::create_dir_all(beside.join("recycled")).unwrap();
        fs::write(beside.join(STAGING_MARKER), MARKER_TEXT).unwrap();
        fs::write(beside.join("recycled/prices.html"), "confidential").unwrap();
        write(&lock, &out, &[file("index.html", "y")], Audience::Shareable).unwrap();
        assert!(
            !beside.exists(),
            "the old copy of a site beside the output goes"
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
    fn write_replaces_the_site_and_keeps_no_copy_of_it_anywhere() {
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
            Audience::Shareable,
        )
        .unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert!(
            !out.join("vendors").exists(),
            "old pages and their folders go"
        );
        assert!(out.join(MARKER).is_file());
        // Nothing is left beside the output or inside it but the site.
        let mut beside: Vec<String> = fs::read_dir(p.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        beside.sort();
        assert_eq!(beside, ["content", "output", "themes"]);
        assert_eq!(
            listing(&out)
                .into_iter()
                .map(|(p, _)| p)
                .collect::<Vec<_>>(),
            [MARKER, "index.html"]
        );
    }

    /// The inode of `path` (a file's identity: the same after a build means it was left alone).
    #[cfg(unix)]
    fn inode(path: &Path) -> u64 {
        std::os::unix::fs::MetadataExt::ino(&fs::symlink_metadata(path).unwrap())
    }

    #[cfg(unix)]
    #[test]
    fn a_changed_file_is_a_new_file_and_an_unchanged_one_is_left_alone() {
        let p = project();
        let out = p.path().join("output");
        let lock = lock(&out, &|| {}).unwrap();
        let site = |index: &str| [file("index.html", index), file("style.css", "css")];
        write(&lock, &out, &site("one"), Audience::Internal).unwrap();
        // A hard link to the report (a saved round, a `cp -al` backup) and a read-only page.
        let saved = p.path().join("round1.html");
        fs::hard_link(out.join("index.html"), &saved).unwrap();
        let mut ro = fs::metadata(out.join("style.css")).unwrap().permissions();
        ro.set_readonly(true);
        fs::set_permissions(out.join("style.css"), ro).unwrap();
        let (folder, css, index) = (inode(&out), inode(&out.join("style.css")), inode(&saved));
        write(&lock, &out, &site("two"), Audience::Internal).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert_eq!(
            fs::read_to_string(&saved).unwrap(),
            "one",
            "the hard link keeps its text"
        );
        assert_ne!(
            inode(&out.join("index.html")),
            index,
            "written new, not in place"
        );
        assert_eq!(
            inode(&out.join("style.css")),
            css,
            "the same bytes are left alone"
        );
        // The output folder itself is never renamed (it may be a mount point).
        assert_eq!(inode(&out), folder);
        // A read-only file is replaced like any other.
        write(
            &lock,
            &out,
            &[file("index.html", "two"), file("style.css", "new css")],
            Audience::Internal,
        )
        .unwrap();
        assert_eq!(
            fs::read_to_string(out.join("style.css")).unwrap(),
            "new css"
        );
    }

    #[cfg(unix)]
    #[test]
    fn links_planted_in_the_output_or_its_staging_folder_are_replaced_never_followed() {
        use std::os::unix::fs::symlink;
        let p = project();
        let out = p.path().join("output");
        let lock = lock(&out, &|| {}).unwrap();
        let site = |text: &str| {
            [
                file("index.html", text),
                file("notes/a/index.html", text),
                file("report.json", text),
            ]
        };
        write(&lock, &out, &site("1"), Audience::Internal).unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let theirs = elsewhere.path().join("theirs.txt");
        fs::write(&theirs, "theirs").unwrap();
        let folder = elsewhere.path().join("folder");
        fs::create_dir_all(folder.join("a")).unwrap();
        fs::write(folder.join("a/index.html"), "1").unwrap();
        fs::write(folder.join(MARKER), "").unwrap();
        fs::write(folder.join("keep.txt"), "keep").unwrap();
        // A file link, a folder link, and a staging folder whose marker is a link.
        fs::remove_file(out.join("report.json")).unwrap();
        symlink(&theirs, out.join("report.json")).unwrap();
        fs::remove_dir_all(out.join("notes")).unwrap();
        symlink(&folder, out.join("notes")).unwrap();
        fs::create_dir(staging_dir(&out)).unwrap();
        symlink(&theirs, staging_dir(&out).join(STAGING_MARKER)).unwrap();
        assert!(
            write(&lock, &out, &site("2"), Audience::Internal).is_err(),
            "a staging folder whose marker is a link is not ours"
        );
        fs::remove_dir_all(staging_dir(&out)).unwrap();
        // A staging folder that is itself a link is not ours either.
        symlink(&folder, staging_dir(&out)).unwrap();
        assert!(write(&lock, &out, &site("2"), Audience::Internal).is_err());
        fs::remove_file(staging_dir(&out)).unwrap();
        write(&lock, &out, &site("2"), Audience::Internal).unwrap();
        assert_eq!(fs::read_to_string(&theirs).unwrap(), "theirs");
        assert_eq!(
            fs::read_to_string(folder.join("a/index.html")).unwrap(),
            "1"
        );
        assert_eq!(fs::read_to_string(folder.join("keep.txt")).unwrap(), "keep");
        assert!(
            !fs::symlink_metadata(out.join("notes"))
                .unwrap()
                .is_symlink()
        );
        assert!(
            !fs::symlink_metadata(out.join("report.json"))
                .unwrap()
                .is_symlink()
        );
        assert_eq!(
            fs::read_to_string(out.join("notes/a/index.html")).unwrap(),
            "2"
        );
        assert_eq!(fs::read_to_string(out.join("report.json")).unwrap(), "2");
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
    fn each_build_leaves_exactly_its_own_site_whatever_the_last_one_was() {
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
    fn a_build_stopped_in_its_commit_is_completed_by_the_next() {
        let p = project();
        let out = p.path().join("output");
        let lock = lock(&out, &|| {}).unwrap();
        let site = |text: &str| -> Vec<OutputFile> {
            [
                "index.html",
                "notes/a/index.html",
                "notes/b/index.html",
                "report.json",
            ]
            .iter()
            .map(|path| file(path, &format!("{text} {path}")))
            .collect()
        };
        write(&lock, &out, &site("old"), Audience::Internal).unwrap();
        // As a build stopped half-way through its renames leaves the folder: the marker says
        // it is being written, some pages are new, some old, one old page is gone, one new
        // page is not there yet, and the staging folder still holds what was not renamed.
        fs::write(
            out.join(MARKER),
            format!("{MARKER_TEXT}site: being written\n"),
        )
        .unwrap();
        fs::write(out.join("index.html"), "new index.html").unwrap();
        fs::remove_file(out.join("notes/b/index.html")).unwrap();
        let staging = staging_dir(&out);
        fs::create_dir(&staging).unwrap();
        fs::write(staging.join(STAGING_MARKER), MARKER_TEXT).unwrap();
        fs::write(staging.join("7"), "new report.json").unwrap();
        assert!(check_target(p.path(), &out).is_ok(), "still ours");
        let mut next = site("new");
        next.push(file("notes/c/index.html", "new notes/c/index.html"));
        write(&lock, &out, &next, Audience::Internal).unwrap();
        let fresh_dir = tempfile::tempdir().unwrap();
        let fresh = fresh_dir.path().join("fresh");
        let fresh_lock = super::lock(&fresh, &|| {}).unwrap();
        write(&fresh_lock, &fresh, &next, Audience::Internal).unwrap();
        assert_eq!(listing(&out), listing(&fresh));
    }

    #[test]
    fn a_build_that_fails_leaves_the_output_exactly_as_it_was() {
        let p = project();
        let out = p.path().join("output");
        let lock = lock(&out, &|| {}).unwrap();
        for text in ["1", "2"] {
            write(&lock, &out, &[file("index.html", text)], Audience::Internal).unwrap();
        }
        let before = listing(&out);
        let staging = Staging::begin(&lock, &out).unwrap();
        staging.put("index.html", b"3");
        staging.put("notes/half/index.html", b"half written");
        drop(staging);
        assert_eq!(listing(&out), before);
        // A first build that fails leaves no output folder.
        drop(lock);
        let first = p.path().join("first");
        let lock = super::lock(&first, &|| {}).unwrap();
        let staging = Staging::begin(&lock, &first).unwrap();
        staging.put("index.html", b"1");
        drop(staging);
        assert!(!first.exists());
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
                body: Body::bytes(b"{}".to_vec()),
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
        assert_eq!(
            fs::read_to_string(staging_dir(&output).join("0").join("0")).unwrap(),
            "<p>streamed</p>",
            "staged under a number (in the first of the folders they are spread over), the \
             output untouched"
        );
        assert!(!output.join("notes").exists());
        drop(staging);
        assert!(!staging_dir(&output).exists());
        assert_eq!(
            fs::read_to_string(output.join("index.html")).unwrap(),
            "old"
        );
    }
}

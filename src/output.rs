//! Writing the site: all or nothing, and never anywhere it should not.
//!
//! A build writes into one hidden staging folder beside the output folder
//! (`output/` → `.output.staging/`), then swaps it in with two renames, so a failed or
//! interrupted build leaves the previous output as it was. Before anything is written,
//! [`check_target`] refuses an output folder that would hit the user's own files: the project
//! root, `content/`, `themes/`, an ancestor of them (also through a symlink), or a folder that
//! has files in it and was not made by shortlist.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::render::{Body, OutputFile};

/// The file that marks a folder as one shortlist made and may replace.
pub const MARKER: &str = ".shortlist-build";
const MARKER_TEXT: &str =
    "This folder is built by shortlist and replaced by every build: edit content/, not this.\n";

/// Why an output folder is refused; the build exits with status 2.
#[derive(Debug)]
pub struct Refused(pub String);

/// The absolute form of `path`, following symlinks as far as the path exists.
fn resolve(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut existing = abs.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for part in rest.iter().rev() {
        match Path::new(part).components().next() {
            Some(Component::ParentDir) => {
                out.pop();
            }
            Some(Component::CurDir) => {}
            _ => out.push(part),
        }
    }
    out
}

/// Refuses an output folder that could destroy something the user wrote.
pub fn check_target(root: &Path, output: &Path) -> Result<(), Refused> {
    let out = resolve(output);
    let root_abs = resolve(root);
    let shown = output.display();
    for (what, protected) in [
        ("the project folder", root_abs.clone()),
        ("`content/`", root_abs.join("content")),
        ("`themes/`", root_abs.join("themes")),
    ] {
        if protected.starts_with(&out) {
            return Err(Refused(format!(
                "refusing to build into `{shown}`: it is {} {what}, and a build replaces its output folder",
                if protected == out { "" } else { "a folder that contains" }
            )
            .replace("is  ", "is ")));
        }
    }
    for (what, protected) in [
        ("`content/`", root_abs.join("content")),
        ("`themes/`", root_abs.join("themes")),
    ] {
        if out.starts_with(&protected) {
            return Err(Refused(format!(
                "refusing to build into `{shown}`: it is inside {what}, where it would be read back as content"
            )));
        }
    }
    if out.exists() {
        if !out.is_dir() {
            return Err(Refused(format!(
                "refusing to build into `{shown}`: it is a file, not a folder"
            )));
        }
        let empty = fs::read_dir(&out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty && !out.join(MARKER).is_file() {
            return Err(Refused(format!(
                "refusing to build into `{shown}`: it has files that shortlist did not make; choose an empty or new folder"
            )));
        }
    }
    Ok(())
}

/// The staging folder beside `output` (`.output.staging`).
pub fn staging_dir(output: &Path) -> PathBuf {
    let name = output
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    output.with_file_name(format!(".{name}.staging"))
}

/// Writes `files` as the new content of `output`, atomically as far as the file system allows.
pub fn write(output: &Path, files: &[OutputFile]) -> Result<()> {
    let staging = staging_dir(output);
    if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent)
            .with_context(|| format!("failed to create `{}`", parent.display()))?;
    }
    if staging.exists() {
        fs::remove_dir_all(&staging).with_context(|| {
            format!(
                "failed to remove the leftover staging folder `{}`",
                staging.display()
            )
        })?;
    }
    let site = staging.join("site");
    let result = write_tree(&site, files).and_then(|()| swap(output, &staging, &site));
    // Whatever happened, the staging folder goes; the output is either old or new.
    let _ = fs::remove_dir_all(&staging);
    result
}

fn write_tree(site: &Path, files: &[OutputFile]) -> Result<()> {
    fs::create_dir_all(site).with_context(|| format!("failed to create `{}`", site.display()))?;
    let mut dirs: Vec<PathBuf> = Vec::new();
    for f in files {
        if f.path.split('/').any(|p| p == ".." || p.is_empty()) {
            bail!("refusing to write `{}`: not a plain relative path", f.path);
        }
        if let Some(dir) = Path::new(&f.path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            dirs.push(site.join(dir));
        }
    }
    dirs.sort();
    dirs.dedup();
    for dir in &dirs {
        fs::create_dir_all(dir).with_context(|| format!("failed to create `{}`", dir.display()))?;
    }
    files.iter().try_for_each(|f| -> Result<()> {
        let dest = site.join(&f.path);
        match &f.body {
            Body::Bytes(b) => fs::write(&dest, b)
                .with_context(|| format!("failed to write `{}`", dest.display()))?,
            Body::Copy(src) => {
                fs::copy(src, &dest)
                    .with_context(|| format!("failed to copy `{}`", src.display()))?;
            }
        }
        Ok(())
    })?;
    fs::write(site.join(MARKER), MARKER_TEXT)
        .with_context(|| format!("failed to write `{}`", site.display()))?;
    Ok(())
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

/// Brings `output` in line with `files`, writing only what changed since `previous` (path →
/// hash of the bytes last written there) and removing what is gone. Each file is written to a
/// temporary name beside it and renamed into place, so a reader (or Ctrl-C) never meets a
/// half-written page. With no `previous`, the whole folder is written and swapped as by `build`.
pub fn sync(
    output: &Path,
    files: &[OutputFile],
    previous: &mut BTreeMap<String, u64>,
) -> Result<Synced> {
    let mut next = BTreeMap::new();
    let mut contents: Vec<(&OutputFile, Option<Vec<u8>>, u64)> = Vec::with_capacity(files.len());
    for f in files {
        let (bytes, hash) = match &f.body {
            Body::Bytes(b) => (None, crate::cache::hash_of(b)),
            Body::Copy(src) => {
                let b =
                    fs::read(src).with_context(|| format!("failed to read `{}`", src.display()))?;
                let h = crate::cache::hash_of(&b);
                (Some(b), h)
            }
        };
        next.insert(f.path.clone(), hash);
        contents.push((f, bytes, hash));
    }
    if previous.is_empty() || !output.join(MARKER).is_file() {
        write(output, files)?;
        let written = next.len();
        *previous = next;
        return Ok(Synced {
            written,
            removed: 0,
        });
    }
    let mut synced = Synced::default();
    for (f, copied, hash) in contents {
        if previous.get(&f.path) == Some(&hash) {
            continue;
        }
        let dest = output.join(&f.path);
        if let Some(dir) = dest.parent() {
            fs::create_dir_all(dir)
                .with_context(|| format!("failed to create `{}`", dir.display()))?;
        }
        let tmp = dest.with_file_name(format!(
            ".{}.shortlist-tmp",
            dest.file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        ));
        let bytes: &[u8] = match (&f.body, &copied) {
            (Body::Bytes(b), _) => b,
            (_, Some(b)) => b,
            _ => &[],
        };
        fs::write(&tmp, bytes).with_context(|| format!("failed to write `{}`", tmp.display()))?;
        fs::rename(&tmp, &dest)
            .with_context(|| format!("failed to replace `{}`", dest.display()))?;
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
    *previous = next;
    Ok(synced)
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

    #[cfg(unix)]
    #[test]
    fn refuses_a_symlink_to_content() {
        let p = project();
        std::os::unix::fs::symlink(p.path().join("content"), p.path().join("out")).unwrap();
        assert!(check_target(p.path(), &p.path().join("out")).is_err());
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
    fn write_replaces_the_whole_folder_and_leaves_no_staging() {
        let p = project();
        let out = p.path().join("output");
        write(
            &out,
            &[file("index.html", "one"), file("vendors/a/index.html", "a")],
        )
        .unwrap();
        write(&out, &[file("index.html", "two")]).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert!(!out.join("vendors/a/index.html").exists(), "old pages go");
        assert!(!staging_dir(&out).exists());
        assert!(out.join(MARKER).is_file());
    }

    #[test]
    fn sync_writes_only_changes_and_removes_what_is_gone() {
        let p = project();
        let out = p.path().join("output");
        let mut previous = BTreeMap::new();
        let first = sync(
            &out,
            &[file("index.html", "one"), file("notes/a/index.html", "a")],
            &mut previous,
        )
        .unwrap();
        assert_eq!(first.written, 2);
        let second = sync(
            &out,
            &[file("index.html", "two"), file("notes/a/index.html", "a")],
            &mut previous,
        )
        .unwrap();
        assert_eq!(
            second,
            Synced {
                written: 1,
                removed: 0
            }
        );
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");
        let third = sync(&out, &[file("index.html", "two")], &mut previous).unwrap();
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
            .filter(|e| e.file_name().to_string_lossy().contains("shortlist-tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }
}

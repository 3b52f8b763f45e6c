//! One file for whoever runs the hosting: the built site as a `.zip` or `.tar.gz`.
//!
//! Archives are made from the built site's files (the pages a build streamed to disk are read
//! back from the output folder), in path order, with fixed timestamps and
//! permissions, so the same site makes the same archive byte for byte. The archive is written
//! beside its final name and renamed into place.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use crate::site::{Body, OutputFile};

/// The archive formats, by file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Zip,
    TarGz,
}

impl Format {
    pub fn of(path: &Path) -> Option<Format> {
        let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
        if name.ends_with(".zip") {
            Some(Format::Zip)
        } else if name.ends_with(".tar.gz") || name.ends_with(".tgz") {
            Some(Format::TarGz)
        } else {
            None
        }
    }
}

fn bytes_of<'f>(f: &'f OutputFile, site: &Path) -> Result<std::borrow::Cow<'f, [u8]>> {
    let read = |src: &Path| {
        std::fs::read(src).with_context(|| format!("failed to read `{}`", src.display()))
    };
    Ok(match &f.body {
        Body::Bytes(b) => std::borrow::Cow::Borrowed(b.as_slice()),
        Body::Copy(src) => std::borrow::Cow::Owned(read(src)?),
        Body::Written(_) => std::borrow::Cow::Owned(read(&site.join(&f.path))?),
    })
}

/// Writes `files` into the archive `dest`, whose name says its format; files already written
/// to disk are read from the built site in `site`.
pub fn write(dest: &Path, format: Format, files: &[OutputFile], site: &Path) -> Result<()> {
    let mut files: Vec<&OutputFile> = files.iter().collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    crate::output::write_whole(dest, |out| {
        match format {
            Format::Zip => write_zip(out, &files, site),
            Format::TarGz => write_tar_gz(out, &files, site),
        }
        .map_err(std::io::Error::other)
    })
}

fn write_zip(out: &mut std::fs::File, files: &[&OutputFile], site: &Path) -> Result<()> {
    let mut zip = zip::ZipWriter::new(out);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for f in files {
        zip.start_file(f.path.as_str(), options)
            .context("failed to add to the archive")?;
        zip.write_all(&bytes_of(f, site)?)
            .context("failed to add to the archive")?;
    }
    zip.finish().context("failed to finish the archive")?;
    Ok(())
}

fn write_tar_gz(out: &mut std::fs::File, files: &[&OutputFile], site: &Path) -> Result<()> {
    let gz = flate2::write::GzEncoder::new(out, flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    tar.mode(tar::HeaderMode::Deterministic);
    for f in files {
        let bytes = bytes_of(f, site)?;
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut header, &f.path, bytes.as_ref())
            .context("failed to add to the archive")?;
    }
    tar.into_inner()
        .context("failed to finish the archive")?
        .finish()
        .context("failed to finish the archive")?;
    Ok(())
}

//! One file for whoever runs the hosting: the built site as a `.zip` or `.tar.gz`.
//!
//! Archives are made from the built site's files (the pages a build streamed to disk are read
//! back from the output folder), in path order, with fixed timestamps and
//! permissions, so the same site makes the same archive byte for byte. The archive is written
//! beside its final name and renamed into place.

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

/// What a file of the site is read from: its bytes in memory, or a file on disk (an asset, or
/// a page already written into the built site) read as a stream, with its length.
enum Content<'f> {
    Bytes(&'f [u8]),
    File(std::fs::File, u64),
}

fn content_of<'f>(f: &'f OutputFile, site: &Path) -> Result<Content<'f>> {
    let open = |src: &Path| {
        std::fs::File::open(src)
            .and_then(|file| Ok((file.metadata()?.len(), file)))
            .map(|(len, file)| Content::File(file, len))
            .with_context(|| format!("failed to read `{}`", src.display()))
    };
    match &f.body {
        Body::Bytes(b) => Ok(Content::Bytes(b.as_slice())),
        Body::Copy(src) => open(src),
        Body::Written(_) => open(&site.join(&f.path)),
    }
}

impl Content<'_> {
    fn len(&self) -> u64 {
        match self {
            Content::Bytes(b) => b.len() as u64,
            Content::File(_, len) => *len,
        }
    }

    /// Copies it into `out`, a block at a time; an error when the file's length changed.
    fn copy_into(self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        match self {
            Content::Bytes(b) => out.write_all(b),
            Content::File(file, len) => {
                use std::io::Read;
                let copied = std::io::copy(&mut file.take(len), out)?;
                if copied == len {
                    Ok(())
                } else {
                    Err(std::io::Error::other(
                        "the file changed while it was archived",
                    ))
                }
            }
        }
    }
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
        content_of(f, site)?
            .copy_into(&mut zip)
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
        let content = content_of(f, site)?;
        let mut header = tar::Header::new_gnu();
        header.set_size(content.len());
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_entry_type(tar::EntryType::Regular);
        let reader: Box<dyn std::io::Read> = match content {
            Content::Bytes(b) => Box::new(b),
            Content::File(file, len) => {
                use std::io::Read;
                Box::new(file.take(len))
            }
        };
        tar.append_data(&mut header, &f.path, reader)
            .context("failed to add to the archive")?;
    }
    tar.into_inner()
        .context("failed to finish the archive")?
        .finish()
        .context("failed to finish the archive")?;
    Ok(())
}

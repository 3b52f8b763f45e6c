//! The fingerprint of a project's content: SHA-256 of every file under `content/`, and one
//! digest over them all, so that a report can say which files it was built from and `verify`
//! can tell whether they are still the same.
//!
//! Each file's digest is SHA-256 of its bytes. The digest of the whole is SHA-256 over the files
//! in path order, each contributing its path relative to `content/` (forward slashes), a NUL
//! byte and its own 32-byte digest. Both are written `sha256:` and 64 lowercase hex digits.

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::Entry;

/// The digests of a project's content files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inputs {
    /// (path relative to `content/`, SHA-256 of its bytes), in path order.
    pub files: Vec<(String, [u8; 32])>,
}

/// `sha256:` and the digest in lowercase hex.
pub fn hex(digest: &[u8; 32]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(71);
    out.push_str("sha256:");
    for b in digest {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// SHA-256 of `bytes`.
pub fn of_bytes(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// The SHA-256 of the file at `path`, read a block at a time, and how many bytes it read.
pub fn of_file(path: &std::path::Path) -> std::io::Result<([u8; 32], u64)> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut block = vec![0; 1 << 16];
    let mut read = 0;
    loop {
        let n = file.read(&mut block)?;
        if n == 0 {
            return Ok((hasher.finalize().into(), read));
        }
        hasher.update(&block[..n]);
        read += n as u64;
    }
}

impl Inputs {
    /// The digests of every content file of `entries` (report.yaml, dossiers, notes, assets),
    /// read from disk; a file that cannot be read is left out and named in the error.
    pub fn of(entries: &[Entry]) -> Result<Inputs, String> {
        Inputs::of_cached(entries, &crate::cache::Cache::default())
    }

    /// [`Inputs::of`], taking each file's digest from `cache` (a session's) when the file is
    /// unchanged on disk by the rule its texts are kept by (same modification time and size,
    /// and not named by the watcher since), and keeping the digests it makes.
    pub fn of_cached(entries: &[Entry], cache: &crate::cache::Cache) -> Result<Inputs, String> {
        let mut files = entries
            .par_iter()
            .map(|e| {
                let failed = |err: std::io::Error| format!("{}: {err}", e.shown.display());
                let meta = std::fs::metadata(&e.path).map_err(failed)?;
                let (modified, len) = (meta.modified().ok(), meta.len());
                if let Some(digest) = cache.digest(&e.path, modified, len) {
                    return Ok((e.rel.clone(), digest));
                }
                // Read a block at a time: an asset may be gigabytes.
                let (digest, read) = of_file(&e.path).map_err(failed)?;
                // Kept only when the file was not changed while it was read.
                if read == len {
                    cache.store_digest(e.path.clone(), modified, len, digest);
                }
                Ok((e.rel.clone(), digest))
            })
            .collect::<Result<Vec<_>, String>>()?;
        files.sort();
        Ok(Inputs { files })
    }

    /// The digest of the whole (see the module docs).
    pub fn digest(&self) -> [u8; 32] {
        let mut all = Sha256::new();
        for (path, digest) in &self.files {
            all.update(path.as_bytes());
            all.update([0]);
            all.update(digest);
        }
        all.finalize().into()
    }

    /// Records `bytes` as the content of the file at `rel`, and returns its digest.
    pub fn set(&mut self, rel: &str, bytes: &[u8]) -> [u8; 32] {
        let digest = of_bytes(bytes);
        match self.files.binary_search_by(|(p, _)| p.as_str().cmp(rel)) {
            Ok(i) => self.files[i].1 = digest,
            Err(i) => self.files.insert(i, (rel.to_string(), digest)),
        }
        digest
    }

    /// What differs from `recorded` (path → `sha256:...`): (changed, added, removed) paths.
    pub fn compare(
        &self,
        recorded: &std::collections::BTreeMap<String, String>,
    ) -> (Vec<String>, Vec<String>, Vec<String>) {
        let mut changed = Vec::new();
        let mut added = Vec::new();
        for (path, digest) in &self.files {
            match recorded.get(path) {
                Some(d) if *d == hex(digest) => {}
                Some(_) => changed.push(path.clone()),
                None => added.push(path.clone()),
            }
        }
        let here: std::collections::BTreeSet<&str> =
            self.files.iter().map(|(p, _)| p.as_str()).collect();
        let removed = recorded
            .keys()
            .filter(|p| !here.contains(p.as_str()))
            .cloned()
            .collect();
        (changed, added, removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        // SHA-256 of the empty string, as every implementation gives it.
        assert_eq!(
            hex(&of_bytes(b"")),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let mut a = Inputs::default();
        a.set("vendors/b.yaml", b"name: B\n");
        a.set("report.yaml", b"title: T\n");
        assert_eq!(a.files[0].0, "report.yaml", "kept in path order");
        // The whole: SHA-256 of "report.yaml" NUL digest("title: T\n") "vendors/b.yaml" NUL ...
        let mut by_hand = Vec::new();
        by_hand.extend_from_slice(b"report.yaml\0");
        by_hand.extend_from_slice(&of_bytes(b"title: T\n"));
        by_hand.extend_from_slice(b"vendors/b.yaml\0");
        by_hand.extend_from_slice(&of_bytes(b"name: B\n"));
        assert_eq!(a.digest(), of_bytes(&by_hand));
        let before = a.digest();
        a.set("vendors/b.yaml", b"name: C\n");
        assert_ne!(a.digest(), before, "one byte changes the whole");
    }
}

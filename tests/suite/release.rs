//! The release pipeline: scripts/release/package.sh packs the binary as the release workflow
//! publishes it, and scripts/release/install.sh installs it from there, checking its SHA-256.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::skipped;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The platform name install.sh picks for this machine, where it has one.
fn host_target() -> Option<&'static str> {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => Some("x86_64-unknown-linux-gnu"),
        ("linux", "aarch64") => Some("aarch64-unknown-linux-gnu"),
        ("macos", "aarch64") => Some("aarch64-apple-darwin"),
        ("macos", "x86_64") => Some("x86_64-apple-darwin"),
        _ => None,
    }
}

fn tools_present() -> bool {
    for tool in ["bash", "sh", "tar", "curl"] {
        if Command::new(tool).arg("--version").output().is_err() {
            skipped(tool, "install it (Debian: `apt-get install curl tar`)");
            return false;
        }
    }
    true
}

fn install(releases: &Path, into: &Path) -> std::process::Output {
    Command::new("sh")
        .arg(repo().join("scripts/release/install.sh"))
        .env(
            "SHORTLIST_RELEASES",
            format!("file://{}", releases.display()),
        )
        .env("SHORTLIST_INSTALL_DIR", into)
        .output()
        .unwrap()
}

#[test]
fn a_packed_release_installs_and_runs_and_a_tampered_one_does_not() {
    let Some(target) = host_target() else { return };
    if !tools_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    let packed = Command::new("bash")
        .arg(repo().join("scripts/release/package.sh"))
        .arg(target)
        .arg(env!("CARGO_BIN_EXE_shortlist"))
        .arg(&dist)
        .output()
        .unwrap();
    assert!(
        packed.status.success(),
        "{}",
        String::from_utf8_lossy(&packed.stderr)
    );
    let archive = dist.join(format!("shortlist-{target}.tar.gz"));
    let listing = Command::new("tar")
        .arg("-tzf")
        .arg(&archive)
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&listing.stdout);
    for file in ["shortlist", "README.md", "SECURITY.md"] {
        assert!(
            listing.contains(&format!("shortlist-{target}/{file}")),
            "{file} in {listing}"
        );
    }

    let bin = dir.path().join("bin");
    let out = install(&dist, &bin);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let version = Command::new(bin.join("shortlist"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("shortlist {}", env!("CARGO_PKG_VERSION"))
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("installed shortlist"));

    // An archive changed after it was packed is refused, and nothing is installed.
    let mut bytes = std::fs::read(&archive).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&archive, bytes).unwrap();
    let fresh = dir.path().join("fresh");
    let out = install(&dist, &fresh);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("does not match its checksum"), "{err}");
    assert!(!fresh.join("shortlist").exists(), "nothing installed");

    // A copy of install.sh that names no release says so.
    let out = Command::new("sh")
        .arg(repo().join("scripts/release/install.sh"))
        .env_remove("SHORTLIST_RELEASES")
        .env("SHORTLIST_INSTALL_DIR", &fresh)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("names no release"));
}

#[test]
fn the_release_workflow_builds_every_platform_with_the_tested_scripts() {
    let text = std::fs::read_to_string(repo().join(".github/workflows/release.yml")).unwrap();
    let workflow: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let build = &workflow["jobs"]["build"];
    let targets: Vec<&str> = build["strategy"]["matrix"]["include"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|t| t["target"].as_str())
        .collect();
    for platform in ["linux", "apple-darwin", "windows"] {
        assert!(
            targets.iter().any(|t| t.contains(platform)),
            "{platform} in {targets:?}"
        );
    }
    // install.sh knows every Unix target the workflow builds.
    let install = std::fs::read_to_string(repo().join("scripts/release/install.sh")).unwrap();
    for t in targets.iter().filter(|t| !t.contains("windows")) {
        assert!(
            install.contains(&format!("target={t}")),
            "install.sh lacks {t}"
        );
    }
    let runs = |job: &serde_yaml::Value| -> String {
        job["steps"]
            .as_sequence()
            .unwrap()
            .iter()
            .filter_map(|s| s["run"].as_str())
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(runs(build).contains("scripts/release/package.sh"));
    assert!(runs(build).contains("--locked"));
    let publish = runs(&workflow["jobs"]["publish"]);
    assert!(
        publish.contains("@RELEASES@") && install.contains("\"${SHORTLIST_RELEASES:-@RELEASES@}\"")
    );
    assert!(publish.contains("gh release create"));
}

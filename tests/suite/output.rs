//! Where the commands write: only into the output folder, never through a link planted in it,
//! and never a copy of a site anywhere else (issue 21).

use std::collections::BTreeMap;

use crate::common::{Project, Running, http, tree, wait_until};

/// Every file of the project outside `output/`, with its bytes; and every folder.
fn outside_output(p: &Project) -> BTreeMap<String, Vec<u8>> {
    let mut all = BTreeMap::new();
    for entry in walkdir::WalkDir::new(p.root()).min_depth(1) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(p.root())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel == "output" || rel.starts_with("output/") {
            continue;
        }
        let bytes = if entry.file_type().is_file() {
            std::fs::read(entry.path()).unwrap()
        } else {
            b"(folder)".to_vec()
        };
        all.insert(rel, bytes);
    }
    all
}

#[test]
fn no_command_leaves_anything_outside_the_output_folder() {
    let p = Project::fixture("minimal");
    let before = outside_output(&p);
    p.build_ok();
    assert_eq!(outside_output(&p), before, "after `build`");
    // Into the same folder: the build that once kept the other's site beside it.
    let output = p.path("output");
    let output = output.to_str().unwrap();
    let (code, _, err) = p.run("build", &["--audience", "shareable", "-o", output]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        outside_output(&p),
        before,
        "after `build --audience shareable`: no copy of the internal site beside it"
    );
    for (path, bytes) in tree(&p.path("output")) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("Internal version"),
            "{path} of the shareable site still says it is internal"
        );
    }
    {
        let w = Running::start(&p, "watch", &[]);
        wait_until(30, "watch's first build", || {
            w.stderr().contains("watching")
        });
    }
    assert_eq!(outside_output(&p), before, "after `watch`, stopped");
    {
        let s = Running::start(&p, "serve", &["--port", "0"]);
        wait_until(30, "the preview", || s.stdout().starts_with("http://"));
        let addr = s
            .stdout()
            .lines()
            .next()
            .unwrap()
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        wait_until(30, "the preview's first page", || {
            http(&addr, "GET", "/").status == 200
        });
    }
    assert_eq!(outside_output(&p), before, "after `serve`, stopped");
}

#[test]
fn the_copy_of_a_site_that_earlier_versions_kept_beside_the_output_is_removed() {
    let p = Project::fixture("minimal");
    p.build_ok();
    // As 8461c02 left it after an internal build and a shareable one.
    p.write(".output.staging/.shortlist-staging", "marker");
    p.write(".output.staging/recycled/.shortlist-build", "marker");
    p.write(".output.staging/recycled/index.html", "Internal version");
    p.write(".output.staging/site.zip", "the user's own archive");
    let output = p.path("output");
    let output = output.to_str().unwrap();
    let (code, _, err) = p.run("build", &["--audience", "shareable", "-o", output]);
    assert_eq!(code, 0, "{err}");
    assert!(!p.path(".output.staging/recycled").exists());
    assert!(!p.path(".output.staging/.shortlist-staging").exists());
    assert_eq!(p.read(".output.staging/site.zip"), "the user's own archive");
}

#[cfg(unix)]
#[test]
fn a_hard_link_into_the_output_keeps_what_it_held() {
    let p = Project::fixture("minimal");
    p.build_ok();
    std::fs::create_dir_all(p.path("rounds")).unwrap();
    std::fs::hard_link(p.path("output/report.json"), p.path("rounds/round1.json")).unwrap();
    let saved = p.read("rounds/round1.json");
    p.edit(
        "content/report.yaml",
        "partner_threshold: 3.5",
        "partner_threshold: 3.0",
    );
    p.build_ok();
    assert_ne!(p.read("output/report.json"), saved, "the report changed");
    assert_eq!(
        p.read("rounds/round1.json"),
        saved,
        "the saved round did not"
    );
}

#[cfg(unix)]
#[test]
fn watch_replaces_a_folder_link_planted_in_the_output_instead_of_writing_through_it() {
    let p = Project::fixture("minimal");
    let w = Running::start(&p, "watch", &[]);
    wait_until(30, "watch's first build", || {
        w.stderr().contains("watching")
    });
    // `output/notes` becomes a link to a folder of someone else's that looks the same.
    let elsewhere = tempfile::tempdir().unwrap();
    let theirs = elsewhere.path().join("notes");
    crate::common::copy_dir(&p.path("output/notes"), &theirs);
    let untouched = tree(&theirs);
    std::fs::remove_dir_all(p.path("output/notes")).unwrap();
    std::os::unix::fs::symlink(&theirs, p.path("output/notes")).unwrap();
    p.edit(
        "content/notes/acme-rfp.md",
        "Fair price.",
        "Fair price, edited.",
    );
    wait_until(30, "the edit", || {
        std::fs::read_to_string(p.path("output/notes/acme-rfp/index.html"))
            .is_ok_and(|t| t.contains("edited"))
    });
    assert_eq!(
        tree(&theirs),
        untouched,
        "nothing was written through the link"
    );
    let notes = std::fs::symlink_metadata(p.path("output/notes")).unwrap();
    assert!(notes.is_dir() && !notes.is_symlink());
    // The other notes' pages are there too, as a fresh build makes them.
    assert!(p.path("output/notes/acme-call/index.html").is_file());
    drop(w);
}

#[test]
fn an_output_folder_that_cannot_be_renamed_is_built_into_all_the_same() {
    // A mount point cannot be renamed; a build that never renames its output folder (the
    // folder's identity stays) builds into one. Checked by the folder's inode.
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let p = Project::fixture("minimal");
        p.build_ok();
        let ino = std::fs::metadata(p.path("output")).unwrap().ino();
        p.edit(
            "content/report.yaml",
            "partner_threshold: 3.5",
            "partner_threshold: 3.0",
        );
        p.build_ok();
        assert_eq!(std::fs::metadata(p.path("output")).unwrap().ino(), ino);
    }
}

#[test]
fn an_archive_is_kept_by_the_next_build_and_never_goes_inside_the_output() {
    let p = Project::fixture("minimal");
    // Where 8461c02 staged its builds: an archive put there was deleted by the next build.
    let beside = p.path(".output.staging/site.zip");
    std::fs::create_dir_all(beside.parent().unwrap()).unwrap();
    let (code, _, err) = p.run("build", &["--archive", beside.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let packed = std::fs::read(&beside).unwrap();
    p.build_ok();
    assert_eq!(std::fs::read(&beside).unwrap(), packed);
    for at in ["output/.shortlist-staging/site.zip", "output/site.zip"] {
        let (code, _, err) = p.run("build", &["--archive", p.path(at).to_str().unwrap()]);
        assert_ne!(code, 0, "{at}");
        assert!(err.contains("inside the output folder"), "{err}");
    }
    // A folder that is not there is said before anything is built.
    let missing = p.path("no-such-folder/site.zip");
    let (code, _, err) = p.run("build", &["--archive", missing.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("for the archive does not exist; create it first"),
        "{err}"
    );
    assert!(!p.path("no-such-folder").exists());
}

#[cfg(unix)]
#[test]
fn a_previous_round_that_is_not_a_plain_file_or_too_big_is_an_error_not_a_hang() {
    let p = Project::fixture("minimal");
    let fifo = p.path("round.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let (code, _, err) = p.run("build", &["--previous", fifo.to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(err.contains("not a plain file"), "{err}");
    let (code, _, err) = p.run("build", &["--previous", "/dev/zero"]);
    assert_ne!(code, 0);
    assert!(err.contains("not a plain file"), "{err}");
    // Over the project's limit for one file (report.yaml's `limits: file_size_mib`).
    let big = p.path("big.json");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(65 << 20).unwrap();
    let (code, _, err) = p.run("build", &["--previous", big.to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(err.contains("more than the"), "{err}");
}

#[test]
fn watch_rebuilds_when_a_previous_round_outside_content_changes() {
    let p = Project::fixture("minimal");
    p.build_ok();
    let round = p.path("rounds/round1.json");
    std::fs::create_dir_all(round.parent().unwrap()).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&p.read("output/report.json")).unwrap();
    p.write("rounds/round1.json", serde_json::to_string(&json).unwrap());
    let w = Running::start(&p, "watch", &["--previous", round.to_str().unwrap()]);
    wait_until(30, "watch's first build", || {
        w.stderr().contains("watching")
    });
    let report = |p: &Project| -> serde_json::Value {
        serde_json::from_str(&p.read("output/report.json")).unwrap()
    };
    assert_eq!(report(&p)["changes"]["added"], serde_json::json!([]));
    // The round is edited: a vendor of today was not in it.
    json["vendors"].as_array_mut().unwrap().remove(0);
    p.write("rounds/round1.json", serde_json::to_string(&json).unwrap());
    wait_until(30, "a rebuild against the edited round", || {
        report(&p)["changes"]["added"]
            .as_array()
            .is_some_and(|a| a.len() == 1)
    });
    drop(w);
}

#[cfg(unix)]
#[test]
fn the_preview_is_written_where_only_its_user_can_read_it() {
    use std::os::unix::fs::PermissionsExt;
    let p = Project::fixture("minimal");
    let tmp = tempfile::tempdir().unwrap();
    let s = Running::start_with(
        &p,
        "serve",
        &["--port", "0"],
        &[("TMPDIR", tmp.path().as_os_str())],
    );
    wait_until(30, "the preview", || s.stdout().starts_with("http://"));
    let folder = |tmp: &std::path::Path| {
        std::fs::read_dir(tmp)
            .unwrap()
            .filter_map(Result::ok)
            .find(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with("shortlist-serve-")
            })
            .map(|e| e.path())
    };
    wait_until(30, "the preview folder", || folder(tmp.path()).is_some());
    let mode = std::fs::metadata(folder(tmp.path()).unwrap())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0, "no one else may read it: {mode:o}");
    drop(s);
    assert!(folder(tmp.path()).is_none(), "removed when serve stops");
}

/// A build killed (by a fault injected with strace) right where it writes the staging
/// folder's marker: no later build is refused, and the next one is what a fresh one makes.
#[test]
fn a_build_killed_while_making_its_staging_folder_leaves_nothing_in_the_way() {
    let Some(strace) = crate::common::find_tool("SHORTLIST_STRACE", &["strace"]) else {
        crate::common::skipped("strace", "apt-get install strace, as `.ci/run` does");
        return;
    };
    let p = Project::fixture("minimal");
    p.build_ok();
    let before = tree(&p.path("output"));
    p.edit(
        "content/vendors/acme.yaml",
        "Acme Learning",
        "Acme Learning Ltd",
    );
    let marker = p.path("output/.shortlist-staging.new/.shortlist-staging");
    let status = std::process::Command::new(strace)
        .args(["-f", "-qq", "-o", "/dev/null", "-P"])
        .arg(&marker)
        .args([
            "-e",
            "inject=openat:error=EIO:signal=KILL",
            "-e",
            "trace=openat",
        ])
        .arg(assert_cmd::cargo::cargo_bin("shortlist"))
        .args(["build", "-q", "--root"])
        .arg(p.root())
        .status()
        .unwrap();
    assert!(!status.success(), "the fault was injected");
    assert_eq!(tree(&p.path("output")), before, "the output is as it was");
    p.build_ok();
    assert!(p.read("output/index.html").contains("Acme Learning Ltd"));
    crate::common::assert_staging_is_clean(&p);
    assert!(!p.path("output/.shortlist-staging.new").exists());
}

/// Every file of the output has the same ordinary mode, whatever the mode of the asset it was
/// copied from: no setuid bit goes along, and a 0600 asset is readable by a web server.
#[cfg(unix)]
#[test]
fn an_asset_is_written_with_the_mode_of_every_other_output_file() {
    use std::os::unix::fs::PermissionsExt;
    let p = Project::fixture("minimal");
    p.write("content/assets/setuid.sh", "#!/bin/sh\n");
    p.write("content/assets/private.png", b"\x89PNG private");
    let mode = |rel: &str, m: u32| {
        std::fs::set_permissions(p.path(rel), std::fs::Permissions::from_mode(m)).unwrap()
    };
    mode("content/assets/setuid.sh", 0o4755);
    mode("content/assets/private.png", 0o600);
    p.build_ok();
    let of = |rel: &str| std::fs::metadata(p.path(rel)).unwrap().permissions().mode() & 0o7777;
    let page = of("output/index.html");
    assert_eq!(page & 0o7000, 0);
    assert_eq!(page & 0o444, 0o444, "pages are readable by all: {page:o}");
    assert_eq!(of("output/assets/setuid.sh"), page);
    assert_eq!(of("output/assets/private.png"), page);
}

/// A folder of another file system mounted inside the output: the build stops before it
/// changes anything, and what the mount holds stays (a removal never crosses into it).
#[cfg(target_os = "linux")]
#[test]
fn a_mount_point_inside_the_output_is_never_crossed() {
    let p = Project::fixture("minimal");
    p.build_ok();
    let elsewhere = p.path("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("keep.txt"), "the user's").unwrap();
    let extra = p.path("output/extra");
    std::fs::create_dir_all(&extra).unwrap();
    let mounted = std::process::Command::new("mount")
        .arg("--bind")
        .args([&elsewhere, &extra])
        .output();
    if !mounted.is_ok_and(|o| o.status.success()) {
        crate::common::skipped("a bind mount", "run the tests as root, as CI does");
        return;
    }
    struct Unmount(std::path::PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(&self.0).status();
        }
    }
    let _unmount = Unmount(extra.clone());
    let before = tree(&p.path("output"));
    p.edit(
        "content/vendors/acme.yaml",
        "Acme Learning",
        "Acme Learning Ltd",
    );
    let (code, _, err) = p.run("build", &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(
            "output/extra` is a mount point (another file system) inside the output folder"
        ),
        "{err}"
    );
    assert_eq!(tree(&p.path("output")), before, "nothing changed");
    assert_eq!(
        std::fs::read_to_string(elsewhere.join("keep.txt")).unwrap(),
        "the user's"
    );
    crate::common::assert_staging_is_clean(&p);
}

/// A build that fails leaves none of the folders it made for its output, and a bidder's slug
/// that climbs out of the project is refused before anything is made.
#[test]
fn a_failed_build_leaves_no_folder_it_made_and_a_slug_never_climbs_out() {
    let p = Project::fixture("minimal");
    p.edit(
        "content/vendors/acme.yaml",
        "name: Acme Learning",
        "name: [Acme",
    );
    let (code, _, err) = p.run("build", &["-o", p.path("a/b/out").to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(!p.path("a").exists(), "a/b is left behind");
    let outside = p.path("../x");
    for slug in ["../../../x/y", "..", "Acme", "acme/../../x"] {
        let (code, _, err) = p.run("build", &["--audience", &format!("bidder:{slug}")]);
        assert_eq!(code, 2, "{slug}: {err}");
        assert!(err.contains("is not a vendor's slug"), "{slug}: {err}");
    }
    let (code, _, err) = p.run("build", &["--audience", "bidders:acme,../x"]);
    assert_eq!(code, 2, "{err}");
    assert!(!outside.exists() && !p.path("x").exists());
    let left: Vec<String> = std::fs::read_dir(p.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("output"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// A read-only folder inside the output (as a user who is not root: root may write anywhere)
/// fails the build before its commit changes anything, and a build once it is writable again
/// makes what a fresh build makes.
#[cfg(target_os = "linux")]
#[test]
fn a_read_only_folder_in_the_output_fails_the_build_before_anything_changes() {
    use std::os::unix::fs::PermissionsExt;
    let setpriv = crate::common::find_tool("SHORTLIST_SETPRIV", &["setpriv"]);
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let Some(setpriv) = setpriv.filter(|_| root) else {
        crate::common::skipped("setpriv run as root", "run the tests as root, as CI does");
        return;
    };
    let p = Project::fixture("minimal");
    // The project, open to the user `nobody` the builds run as.
    let open = |path: &std::path::Path| {
        for e in walkdir::WalkDir::new(path) {
            let e = e.unwrap();
            let mode = if e.file_type().is_dir() { 0o777 } else { 0o666 };
            std::fs::set_permissions(e.path(), std::fs::Permissions::from_mode(mode)).unwrap();
        }
    };
    open(p.root());
    let build_as_nobody = || {
        std::process::Command::new(&setpriv)
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(assert_cmd::cargo::cargo_bin("shortlist"))
            .args(["build", "-q", "--root"])
            .arg(p.root())
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let out = build_as_nobody();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let before = tree(&p.path("output"));
    p.edit(
        "content/vendors/acme.yaml",
        "Acme Learning",
        "Acme Learning Ltd",
    );
    open(&p.path("content"));
    let stuck = p.path("output/vendors/acme");
    std::fs::set_permissions(&stuck, std::fs::Permissions::from_mode(0o555)).unwrap();
    let out = build_as_nobody();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("output/vendors/acme` is read-only, so the build cannot replace what is in it; nothing was changed"),
        "{err}"
    );
    assert_eq!(
        tree(&p.path("output")),
        before,
        "the output is exactly as it was"
    );
    std::fs::set_permissions(&stuck, std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = build_as_nobody();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        p.read("output/vendors/acme/index.html")
            .contains("Acme Learning Ltd")
    );
}
